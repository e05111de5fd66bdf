"""The sentences a summary is picked from: a talk (or one text) in, its candidate sentences out.

A talk is summarised from its first usable text in ``SummaryConfig.sources`` (notes, then
description, then abstract): cleaned (:func:`~talktopics.nlp.markup.clean_markup`) and
split (:func:`~talktopics.nlp.sentences.split_sentences`) for its language; a note's
label ("Fazit: ...") is cut off (:func:`~talktopics.summaries.references.strip_label`).
Candidates are the sentences of ``min_words`` to ``max_words`` words that do not end in a
colon, without duplicates or a repeated title; in a text of a Cyrillic-script language,
Latin-script lines are used only when nothing in the text's own script is left, and overlong
sentences only when nothing shorter is. :func:`embed_candidates` embeds the candidates of
many texts in one batch.
"""

from __future__ import annotations

import functools
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from talktopics.config import SummaryConfig
from talktopics.nlp.language import detect_language
from talktopics.nlp.markup import clean_markup
from talktopics.nlp.sentences import split_sentences
from talktopics.records import Talk, normalise_title
from talktopics.summaries.references import strip_label

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from talktopics.embed.protocol import Embedder

__all__ = [
    "SourceText",
    "candidate_sentences",
    "embed_candidates",
    "prepare_talk",
    "text_sentences",
    "title_text",
    "word_count",
]

_EMBED_CHUNK = 20_000
"""Sentences embedded per call in batch mode (bounds memory on very large corpora)."""
_CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"})


@dataclass(frozen=True, slots=True)
class SourceText:
    """The sentences of the text a talk (or a topic's talk) is summarised from."""

    subject_id: str
    source: str
    """"notes", "description", "abstract" or "title"."""
    language: str | None
    sentences: tuple[str, ...]
    candidates: tuple[int, ...]
    """Indices into ``sentences`` that are ranked (deduplicated, of usable length)."""


def word_count(sentence: str) -> int:
    """Words of a sentence: whitespace-separated tokens with a letter or digit in them."""
    return sum(1 for word in sentence.split() if any(ch.isalnum() for ch in word))


def _in_script_of(sentence: str, language: str | None) -> bool:
    """False for a sentence mostly in Latin letters in a text of a Cyrillic-script language
    (an English line in Russian notes); True otherwise (scripts of other languages are not
    told apart)."""
    if language not in _CYRILLIC_LANGUAGES:
        return True
    letters = [ch for ch in sentence if ch.isalpha()]
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    return cyrillic * 2 >= len(letters)


def candidate_sentences(
    sentences: Sequence[str],
    language: str | None,
    config: SummaryConfig,
    *,
    title_key: str = "",
    allowed: Container[int] | None = None,
) -> list[int]:
    """Indices of the sentences worth ranking (see the module docstring).

    Args:
        sentences: The text's sentences, in order.
        language: The text's language (decides which lines are in its script).
        config: ``min_words``, ``max_words`` and ``max_candidates``.
        title_key: The talk's normalised title: a sentence repeating it is no candidate.
        allowed: Only these indices may be candidates; None = all.

    Returns:
        Indices in text order; empty when nothing is worth ranking.
    """
    seen: set[str] = set()
    native: list[int] = []  # usable length, in the script of the text's language
    usable: list[int] = []
    long: list[int] = []
    for i, sentence in enumerate(sentences[: config.max_candidates]):
        if allowed is not None and i not in allowed:
            continue
        key = normalise_title(sentence)
        if not key or key == title_key or key in seen:
            continue  # a repeated title heading or a duplicate line
        seen.add(key)
        words = word_count(sentence)
        if words < config.min_words or sentence.rstrip().endswith(":"):
            continue  # "Agenda", "Подробнее по пунктам:"
        if words > config.max_words:
            long.append(i)
        elif _in_script_of(sentence, language):
            native.append(i)
        else:
            usable.append(i)
    return native or usable or long


def prepare_talk(talk: Talk, config: SummaryConfig) -> SourceText:
    """Choose the text to summarise a talk from and the sentences worth ranking.

    Texts with nothing to rank fall back to their first sentence (other than the title), a
    talk with no text at all to its title.
    """
    title_key = normalise_title(talk.title)
    fallback: SourceText | None = None
    for source in config.sources:
        raw: str = getattr(talk, source)
        language, sentences = text_sentences(
            raw, talk.notes_language if source == "notes" else talk.language
        )
        if not sentences:
            continue
        candidates = candidate_sentences(sentences, language, config, title_key=title_key)
        if candidates:
            return SourceText(
                subject_id=talk.id,
                source=source,
                language=language,
                sentences=sentences,
                candidates=tuple(candidates),
            )
        if fallback is None:
            first = next(
                (i for i, s in enumerate(sentences) if normalise_title(s) != title_key), None
            )
            if first is not None:
                fallback = SourceText(talk.id, source, language, sentences, (first,))
    if fallback is not None:
        return fallback
    return title_text(talk)


@functools.lru_cache(maxsize=1 << 16)
def text_sentences(raw: str, language: str | None) -> tuple[str | None, tuple[str, ...]]:
    """One raw text in, its language (``language``, else detected) and its sentences out:
    cleaned, split for the language, note labels cut off — the units summaries rank and
    talk vectors are pooled from. Remembered: the stages of one run split each text once."""
    if not raw or not raw.strip():
        return language, ()
    cleaned = clean_markup(raw)
    if not cleaned:
        return language, ()
    if language is None:
        language = detect_language(cleaned)
    return language, tuple(strip_label(s, language) for s in split_sentences(cleaned, language))


def title_text(talk: Talk) -> SourceText:
    """A talk's title as the only sentence (no candidates): its summary of last resort."""
    title = " ".join(talk.title.split())
    return SourceText(talk.id, "title", talk.language, (title,) if title else (), ())


def embed_candidates(texts: Sequence[SourceText], embedder: Embedder) -> list[NDArray[np.float32]]:
    """Embed every candidate sentence of every text, batching across texts.

    Identical sentences are embedded once.

    Returns:
        One ``(len(candidates), dim)`` array per text.

    Raises:
        ValueError: The embedder returned a wrong number of vectors.
    """
    rows: dict[str, int] = {}
    for text in texts:
        for i in text.candidates:
            rows.setdefault(text.sentences[i], len(rows))
    unique = list(rows)
    parts: list[NDArray[np.float32]] = []
    for start in range(0, len(unique), _EMBED_CHUNK):
        chunk = unique[start : start + _EMBED_CHUNK]
        parts.append(np.asarray(embedder.embed(chunk), dtype=np.float32))
    dim = int(getattr(embedder, "dim", 1))
    matrix = np.concatenate(parts) if parts else np.zeros((0, dim), dtype=np.float32)
    if matrix.shape[0] != len(unique):
        raise ValueError(
            f"embedder {getattr(embedder, 'name', embedder)!r} returned {matrix.shape[0]} "
            f"vectors for {len(unique)} sentences"
        )
    return [
        matrix[[rows[text.sentences[i]] for i in text.candidates]]
        if text.candidates
        else np.zeros((0, matrix.shape[1]), dtype=np.float32)
        for text in texts
    ]
