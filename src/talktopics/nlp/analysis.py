"""Candidate terms of sentences: sentences in, term occurrences (key, surface, language) out.

Single words (nouns, proper nouns, adjectives that are not generic) and keyphrases: runs of
modifiers and nouns that end in a noun, up to ``NLPConfig.max_phrase_words`` words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from talktopics.config import NLPConfig
from talktopics.nlp.lexicon import GENERIC_WORDS, WEAK_MODIFIERS, Lexicon
from talktopics.nlp.words import Word, analyse_words

__all__ = ["Occurrence", "Sentence", "analyse_sentences"]

Occurrence = tuple[str, str, str]
"""(key, surface form, language) of one term occurrence."""


_TERM_CHARS = re.compile(r"[\w][\w .+#'’-]*")


def _is_term_key(key: str, config: NLPConfig) -> bool:
    """Long enough, starts with a letter or digit, at least two letters, no stray symbols."""
    return (
        len(key) >= config.min_term_chars
        and _TERM_CHARS.fullmatch(key) is not None
        and sum(ch.isalpha() for ch in key) >= 2
    )


def _terms_of(words: list[Word | None], config: NLPConfig) -> list[Occurrence]:
    """Single-word terms and keyphrases of one sentence's analysed words."""
    out: list[Occurrence] = []
    words = [w if w is not None and _is_term_key(w.lemma, config) else None for w in words]
    for word in words:
        if word is None or word.pos not in ("NOUN", "PROPN", "ADJ"):
            continue
        if word.product is None and word.lemma in GENERIC_WORDS:
            continue
        out.append((word.lemma, word.surface, word.lang))
    # keyphrases: runs of modifiers/nouns, n-grams that end in a noun
    run: list[Word] = []
    for word in [*words, None]:
        if word is not None and word.pos in ("NOUN", "PROPN", "ADJ"):
            run.append(word)
            continue
        while run and run[0].product is None and run[0].lemma in WEAK_MODIFIERS:
            run.pop(0)
        for end in range(1, len(run)):
            if run[end].pos not in ("NOUN", "PROPN"):
                continue
            for size in range(2, config.max_phrase_words + 1):
                start = end - size + 1
                if start < 0:
                    break
                span = run[start : end + 1]
                if span[0].product is None and span[0].lemma in WEAK_MODIFIERS:
                    continue
                if all(w.lemma in GENERIC_WORDS for w in span):
                    continue
                key = _phrase_key(span)
                surface = " ".join(w.surface for w in span)
                out.append((key, surface, span[-1].lang))
        run = []
    return out


def _phrase_key(span: Sequence[Word]) -> str:
    """Russian/German: every word lemmatised; English: modifiers as written, head lemmatised."""
    parts: list[str] = []
    for i, w in enumerate(span):
        if w.product is not None:
            parts.append(w.product)
        elif w.lang == "en" and i < len(span) - 1:
            parts.append(w.surface.casefold())
        else:
            parts.append(w.lemma)
    return " ".join(parts)


@dataclass(slots=True)
class Sentence:
    """One sentence of a talk (the title is one) with its language and term occurrences."""

    talk: int
    text: str
    lang: str | None
    is_title: bool = False
    occurrences: list[Occurrence] | None = None


def analyse_sentences(
    sentences: list[Sentence], config: NLPConfig, lex: Lexicon
) -> list[list[Occurrence]]:
    """Term occurrences of every sentence, grouped by language for nlp.pipe batching."""
    pieces = analyse_words(
        [(sent.text, sent.lang) for sent in sentences], lex, batch_size=config.batch_size
    )
    return [[occ for words in parts for occ in _terms_of(words, config)] for parts in pieces]
