"""A Comparison in, read-only lookups and wording out, shared by its Markdown and HTML renderers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from talktopics.compare.rules import CLASSES, TopicClass
from talktopics.records import Talk

if TYPE_CHECKING:
    from talktopics.compare.records import Comparison, TopicSeries

__all__ = [
    "CLASS_NAMES",
    "CLASS_TEXT",
    "STRATEGY_TEXT",
    "CompareView",
    "compare_table",
    "percent",
    "rules_text",
]

logger = logging.getLogger(__name__)

STRATEGY_TEXT = {
    "joint": "joint: one topic model over the talks of all editions, so every topic is shared "
    "and its share of each edition's talks is directly comparable",
    "align": "align: one topic model per edition, topics of consecutive editions matched by "
    "their terms and embedding centroids (many-to-many, so splits and merges show)",
}

CLASS_TEXT: dict[TopicClass, str] = {
    "new": "appears after the first edition",
    "emerging": "its share of talks rises significantly and substantially",
    "split": "came out of another topic (align strategy)",
    "stable": "no significant change of its share, though a doubling or halving would have shown",
    "merged": "flowed into another topic (align strategy)",
    "fading": "its share of talks falls significantly and substantially",
    "gone": "disappears before the last edition",
    "inconclusive": "no significant change, but at these sizes a doubling or halving of its "
    "share would probably not have shown either",
}

CLASS_NAMES: dict[TopicClass, str] = {
    **{cls: str(cls) for cls in CLASSES},
    "inconclusive": "too few talks to tell",
}
"""How each class is named to readers (the JSON keeps the short ids)."""


def percent(share: float) -> str:
    """``0.1234`` -> ``"12.3%"``."""
    return f"{100 * share:.1f}%"


def rules_text(comparison: Comparison) -> list[str]:
    """The classification rules with this run's thresholds, one sentence per item."""
    c = comparison.config
    test = "q-value (Benjamini–Hochberg over all topics)" if c.fdr else "p-value"
    return [
        f"A topic's talks in an edition are the talks whose primary topic it is; its share is "
        f"those talks over all talks of the edition. A topic is present in an edition with "
        f"at least {c.present_min_talks} talks.",
        f"new / gone: first present after the first edition / last present before the last "
        f"one, and a one-sided Fisher exact test of the editions before against the editions "
        f"after gives p < {c.alpha}.",
        f"emerging / fading: a trend test of the share over the editions (Fisher exact for two "
        f"editions, else a permutation test of the year-weighted count) gives {test} < "
        f"{c.alpha}, the late share is at least {c.min_ratio}× the early share (or the reverse) "
        f"and they differ by at least {100 * c.min_share_change:g} percentage points. Early and "
        f"late are the first and last third of the editions (at least one each).",
        "Align strategy: a topic whose chain of matched topics starts after the first edition "
        "is split (when it comes out of another chain's topic) or new, one whose chain ends "
        "before the last edition is merged (when it flows into another chain's topic) or gone; "
        "the reason says when the talk counts alone would not be significant.",
        f"too few talks to tell: none of the above, and the share test at {c.alpha} would "
        f"have detected the topic's share doubling or halving between the early and the late "
        f"editions with a probability below {100 * c.min_power:g}% (power of a two-proportion "
        f"test, Cohen's arcsine effect size).",
        "stable: none of the above — no significant change although a doubling or halving "
        "would have been detected (or a significant change too small to count).",
    ]


class CompareView:
    """Lookups the compare renderers share (built once per render)."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.talks: dict[str, Talk] = {t.id: t for t in comparison.talks}
        self.series: dict[str, TopicSeries] = {s.id: s for s in comparison.series}
        self.editions = [e.label for e in comparison.editions]

    def by_class(self) -> list[tuple[TopicClass, list[TopicSeries]]]:
        """Classes in report order with their series (largest first); empty classes left out."""
        out: list[tuple[TopicClass, list[TopicSeries]]] = []
        for cls in CLASSES:
            members = [s for s in self.comparison.series if s.classification == cls]
            if members:
                out.append((cls, members))
        return out

    def first_edition(self, series: TopicSeries) -> str:
        """Label of the first edition where the series has talks."""
        return next((s.edition for s in series.shares if s.talks), self.editions[0])

    def last_edition(self, series: TopicSeries) -> str:
        return next((s.edition for s in reversed(series.shares) if s.talks), self.editions[-1])

    def talk(self, talk_id: str) -> Talk | None:
        return self.talks.get(talk_id)

    def summary(self, series: TopicSeries) -> str:
        """A few words on the series' course for lists: ``"since 2015"``, ``"last in 2016"``,
        ``"2.9% → 1.0%"``; the shares in full for up to four editions."""
        if len(series.shares) <= 4:
            return " → ".join(percent(x.share) for x in series.shares)
        present = [
            x.edition for x in series.shares if x.talks >= self.comparison.config.present_min_talks
        ] or [x.edition for x in series.shares if x.talks]
        cls = series.classification
        if cls in ("new", "split") and present:
            return f"since {present[0]}"
        if cls in ("gone", "merged") and present:
            return f"last in {present[-1]}"
        if cls in ("emerging", "fading"):
            test = series.test
            return f"{percent(test.early_share)} → {percent(test.late_share)}"
        first, last = self.first_edition(series), self.last_edition(series)
        return first if first == last else f"{first}–{last}"


def compare_table(comparison: Comparison) -> Any:
    """A rich table of the comparison: topic, class, share per edition (for the terminal)."""
    from rich.markup import escape  # lazy: rich is slow to import
    from rich.table import Table

    table = Table(title=escape(f"{comparison.name} ({comparison.strategy})"))
    table.add_column("topic", overflow="fold")
    table.add_column("class")
    for edition in comparison.editions:
        table.add_column(escape(edition.label), justify="right", no_wrap=True)
    for series in comparison.series:
        table.add_row(
            escape(series.label),
            CLASS_NAMES[series.classification],
            *(percent(s.share) if s.talks else "–" for s in series.shares),
        )
    table.add_section()
    table.add_row("talks", "", *(str(e.talks) for e in comparison.editions))
    return table
