"""Talks and embedding options in, the embedders for topic vectors and for summaries out;
the one place that decides which language a talk is read in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from talktopics import embed
from talktopics.config import EmbedConfig
from talktopics.embed import Embedder
from talktopics.nlp import detect_language
from talktopics.records import Talk

__all__ = ["EmbedderChoice", "choose_embedders", "programme_language", "reading_language"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EmbedderChoice:
    """The embedders of one run (often one and the same object)."""

    topics: Embedder
    """Embeds the text of each talk's topic vector (see :func:`programme_language`)."""
    summaries: Embedder
    """Embeds the sentences summaries are chosen from (see :func:`reading_language`)."""

    def distinct(self) -> tuple[Embedder, ...]:
        """Each embedder once (to close each once)."""
        return tuple({id(e): e for e in (self.topics, self.summaries)}.values())


def choose_embedders(talks: Sequence[Talk], config: EmbedConfig) -> EmbedderChoice:
    """The embedders for topics and for summaries, each wrapped in the on-disk cache.

    Topics embed the programme text where there is one (notes in another language are left
    out of talk vectors), so their embedder follows that text's language; summaries read the
    notes first, so theirs follows the notes' language. With ``"auto"``, English programme +
    Russian notes gets MiniLM for topics and the multilingual model for summaries.
    """
    programme = [programme_language(t) for t in talks]
    topics = embed.select_embedder(config, programme)
    reading = [reading_language(t) for t in talks]
    if config.embedder == "auto" and _mostly_non_english(reading) != _mostly_non_english(programme):
        return EmbedderChoice(topics=topics, summaries=embed.select_embedder(config, reading))
    return EmbedderChoice(topics=topics, summaries=topics)


def reading_language(talk: Talk) -> str | None:
    """The language a talk is mostly read in (its summary's sentences): its notes' when it has
    notes, else its own."""
    if talk.notes.strip() and talk.notes_language:
        return talk.notes_language
    return talk.language


def programme_language(talk: Talk) -> str | None:
    """The language of the text a talk's topic vector is made from: its programme text's
    when it has one (abstract or description), else its reading language."""
    programme = f"{talk.abstract.strip()}\n{talk.description.strip()}".strip()
    if programme:
        if talk.language:
            return talk.language
        return detect_language(programme[:2000])
    return reading_language(talk)


def _mostly_non_english(languages: Sequence[str | None]) -> bool:
    known = [lang for lang in languages if lang]
    return bool(known) and sum(1 for lang in known if lang != "en") > len(known) / 2
