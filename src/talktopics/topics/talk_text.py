"""The text a talk is embedded from: a Talk (and the language its embedder reads) in, one
string out (:func:`talk_text`) or its sentences (:func:`talk_units`); an embedder in, the one
language it reads out (:func:`reading_language`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from talktopics.embed import Embedder
from talktopics.nlp import detect_language
from talktopics.records import Talk
from talktopics.summaries.candidates import text_sentences

__all__ = ["reading_language", "talk_text", "talk_units", "topic_texts"]


def talk_text(talk: Talk, reading: str | None = None) -> str:
    """The text embedded for a talk: its title, abstract, description and notes.

    Notes in another language than the programme text (Russian notes on an English talk) are
    left out when there is programme text: one embedding of a two-language text mostly
    encodes the languages, and talks with such notes would group by language, not subject.
    The notes still count through their terms (and summaries).

    A talk known only from notes in a script the embedder cannot read (``reading`` = the
    embedder's one language, e.g. ``"en"`` for MiniLM; Russian notes on a keynote) is embedded
    from its title and the Latin-script words of its notes, which in such notes are the
    library, product and technical names ("Apache Arrow", "scikit-learn"). Embedding the
    whole Cyrillic text with an English model would place these talks near each other (by
    script) and far from every talk on their subject.
    """
    title, programme, notes = _parts(talk, reading)
    return "\n\n".join(p for p in (title, programme, notes) if p)


def topic_texts(talks: Sequence[Talk], embedder: Embedder) -> tuple[str, ...]:
    """The :func:`talk_text` of each talk, as ``embedder`` reads it (its
    :func:`reading_language`): what the talk vectors are made from. A run computes them once
    and hands them to the encoder pass and the topic stage."""
    reading = reading_language(embedder)
    return tuple(talk_text(talk, reading) for talk in talks)


def talk_units(talk: Talk, reading: str | None = None) -> tuple[str, ...]:
    """The sentences of :func:`talk_text`, split as summaries split them
    (:func:`~talktopics.summaries.candidates.text_sentences`): the title, then the sentences of
    the abstract, the description and the notes it keeps. A talk vector pooled from them
    shares every sentence vector with the summaries."""
    title, programme, notes = _parts(talk, reading)
    units: list[str] = [" ".join(title.split())] if title else []
    if programme:
        for raw in (talk.abstract, talk.description):
            units.extend(text_sentences(raw, talk.language)[1])
    if notes:
        language = talk.notes_language if notes == talk.notes.strip() else reading
        units.extend(text_sentences(notes, language)[1])
    return tuple(u for u in units if u.strip())


def _parts(talk: Talk, reading: str | None) -> tuple[str, str, str]:
    """Title, programme text and the notes a talk vector reads (see :func:`talk_text`)."""
    title = talk.title.strip()
    programme = "\n\n".join(p for p in (talk.abstract.strip(), talk.description.strip()) if p)
    notes = talk.notes.strip()
    if not notes or notes in (title, programme):
        return title, programme, ""
    if programme and _other_language(notes, programme):
        return title, programme, ""
    if not programme and reading is not None and _unreadable_script(notes, reading):
        notes = ". ".join(_LATIN_RUN.findall(_URL.sub(" ", notes)))
    return title, programme, notes


_LATIN_SCRIPT = frozenset({"en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sv", "tr", "eu"})
_URL = re.compile(r"(?:https?://|www\.)\S+")
_LATIN_WORD = r"[A-Za-z][A-Za-z0-9+#_\-]*(?:\.[A-Za-z0-9]+)*"
_LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?:[ \t]+{_LATIN_WORD})*")


def _unreadable_script(text: str, reading: str) -> bool:
    """True when ``text`` is in a language whose script differs from ``reading``'s."""
    lang = detect_language(text)
    if lang is None or lang == reading:
        return False
    return (lang in _LATIN_SCRIPT) != (reading in _LATIN_SCRIPT)


def reading_language(embedder: Embedder) -> str | None:
    """The one language an embedder reads, or None for a multilingual one.

    The packaged MiniLM (and sentence-transformers models in general) were trained on English;
    the multilingual USE backend and models whose name says so read many languages.
    """
    name = str(getattr(embedder, "name", "")).casefold()
    if any(word in name for word in ("multilingual", "labse", "use-multi", "xlm", "-m3")):
        return None
    return "en"


def _other_language(text: str, reference: str) -> bool:
    lang, ref = detect_language(text), detect_language(reference)
    return lang is not None and ref is not None and lang != ref
