"""Records of a cross-edition comparison: what a strategy hands back (:class:`Fitted`) in, what
:func:`talktopics.compare.compare_editions` returns (:class:`Comparison` and its parts) out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from talktopics.compare.rules import ShareTest, Structure, TopicClass
from talktopics.config import CompareConfig, CompareStrategy
from talktopics.errors import TalkTopicsError
from talktopics.records import IngestIssue, RunInfo, Talk

__all__ = [
    "Comparison",
    "EditionInfo",
    "EditionShare",
    "Fitted",
    "Flow",
    "FlowKind",
    "NotEnoughEditionsError",
    "SkippedEdition",
    "TalkPlacement",
    "TopicSeries",
]

FlowKind = Literal["continuation", "split", "merge", "cross"]


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SkippedEdition:
    """An edition left out of the comparison, and why."""

    label: str
    paths: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EditionInfo:
    """One compared edition."""

    label: str
    year: int | None
    name: str
    paths: tuple[str, ...]
    talks: int
    with_text: int
    """Talks with an abstract, description or notes (the others count by their title)."""
    other: int
    """Talks in no topic."""
    topics: int
    """Topics with talks in this edition."""
    boilerplate: tuple[str, ...] = ()
    """Lines repeated across the edition's talks and removed before the comparison."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EditionShare:
    """A topic in one edition."""

    edition: str
    talks: int
    """Talks whose primary topic this is."""
    share: float
    """``talks`` / all talks of the edition (with "other", shares sum to 1 per edition)."""
    weight: float
    """Fuzzy share: the talks' topic weights summed, / all talks of the edition."""
    topic_id: str | None = None
    """The fitted model's topic id (joint: the same in every edition; align: the edition's
    model; None when the topic has no talk there)."""
    terms: tuple[tuple[str, float], ...] = ()
    """The topic's characteristic terms in this edition, best first (weights relative)."""
    talk_ids: tuple[str, ...] = ()
    """The edition's most representative talks of the topic, best first."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TopicSeries:
    """A topic followed across the editions, with its classification and evidence."""

    id: str
    """``s1``, ``s2``, ... by total talks, largest first."""
    label: str
    classification: TopicClass
    reason: str
    """Which rule fired, in words, with the numbers."""
    terms: tuple[tuple[str, float], ...]
    shares: tuple[EditionShare, ...]
    """One entry per compared edition, in edition order."""
    test: ShareTest
    gained: tuple[str, ...] = ()
    """Terms much more common in the topic's late talks than in its early ones."""
    lost: tuple[str, ...] = ()
    split_from: str | None = None
    """Align: the series this one came out of."""
    merged_into: str | None = None
    """Align: the series this one flowed into."""

    @property
    def total(self) -> int:
        return sum(s.talks for s in self.shares)


@dataclass(frozen=True, slots=True, kw_only=True)
class Flow:
    """A band of the flow diagram between two consecutive editions."""

    source: str
    """Series id in ``source_edition``."""
    target: str
    source_edition: str
    target_edition: str
    kind: FlowKind
    """``continuation``: the same series; ``split`` / ``merge``: a series comes out of /
    flows into another; ``cross``: two continuing series share vocabulary."""
    source_share: float
    """Band width at the source, as a share of the source edition's talks."""
    target_share: float
    similarity: float | None = None
    """Align: similarity of the two topics (term profiles and centroids)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TalkPlacement:
    """Where one talk is counted."""

    talk_id: str
    edition: str
    series: str
    """Series id, or ``"other"``."""
    weight: float
    """The talk's weight in that series (1 for "other")."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Comparison:
    """Everything the compare renderers need."""

    name: str
    strategy: CompareStrategy
    editions: tuple[EditionInfo, ...]
    series: tuple[TopicSeries, ...]
    flows: tuple[Flow, ...]
    placements: tuple[TalkPlacement, ...]
    """One per compared talk, in edition order."""
    other: tuple[EditionShare, ...]
    """Talks in no topic, per edition."""
    talks: tuple[Talk, ...]
    run: RunInfo
    config: CompareConfig
    skipped: tuple[SkippedEdition, ...] = ()
    issues: tuple[IngestIssue, ...] = ()
    timings: tuple[tuple[str, float], ...] = field(default=())

    def talk(self, talk_id: str) -> Talk:
        """The talk with this id (KeyError if it was not compared)."""
        for talk in self.talks:
            if talk.id == talk_id:
                return talk
        raise KeyError(talk_id)


class NotEnoughEditionsError(TalkTopicsError):
    """Fewer than two editions have usable talks; ``skipped`` says why each was left out."""

    def __init__(self, usable: int, skipped: Sequence[SkippedEdition]) -> None:
        self.skipped = tuple(skipped)
        reasons = "; ".join(f"{s.label}: {s.reason}" for s in skipped)
        super().__init__(
            f"{usable} edition(s) with usable talks; a comparison needs at least two"
            + (f" (skipped {reasons})" if reasons else "")
        )


# --- what a strategy hands back -------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Fitted:
    """A strategy's result in terms of series (topics followed across editions).

    ``primary[i]`` is talk ``i``'s series (``-1`` = other); ``weights`` is talks x series.
    """

    labels: list[str]
    primary: np.ndarray
    weights: np.ndarray
    topic_ids: list[list[str | None]]
    """Per series, per edition: the fitted model's topic id."""
    terms: list[tuple[tuple[str, float], ...]] | None
    """Per series: its terms, or None to rank them here."""
    links: list[tuple[int, int, int, FlowKind, float | None]]
    """``(edition, source series, target series, kind, similarity)`` between edition and
    edition + 1 (besides the continuations, which are derived from the counts)."""
    structure: list[Structure]
    relations: list[tuple[int | None, int | None]]
    """Per series: the series it split from and the series it merged into (align)."""
    embedder: str
    parameters: tuple[tuple[str, str], ...] = ()
