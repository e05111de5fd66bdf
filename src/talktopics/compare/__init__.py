"""Editions of a conference in, their topics compared out: the public face of the comparison
(re-exports only; :func:`compare_editions` is the entry, the records are what it returns)."""

from __future__ import annotations

from talktopics.compare.comparison import compare_editions
from talktopics.compare.editions import Edition, EditionSpec, load_editions, parse_editions
from talktopics.compare.records import (
    Comparison,
    EditionInfo,
    EditionShare,
    Flow,
    NotEnoughEditionsError,
    SkippedEdition,
    TalkPlacement,
    TopicSeries,
)
from talktopics.compare.rules import ShareTest

__all__ = [
    "Comparison",
    "Edition",
    "EditionInfo",
    "EditionShare",
    "EditionSpec",
    "Flow",
    "NotEnoughEditionsError",
    "ShareTest",
    "SkippedEdition",
    "TalkPlacement",
    "TopicSeries",
    "compare_editions",
    "load_editions",
    "parse_editions",
]
