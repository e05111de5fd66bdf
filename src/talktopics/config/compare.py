"""Comparison options: the ``[compare]`` TOML table in, a validated :class:`CompareConfig` out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from talktopics.errors import ConfigError

__all__ = ["CompareConfig", "CompareStrategy"]


CompareStrategy = Literal["joint", "align"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareConfig:
    """Cross-edition comparison of topics (see :mod:`talktopics.compare` for the strategies
    and :mod:`talktopics.compare.rules` for the classification rules).

    The similarity thresholds of the align strategy were chosen on EuroPython 2021-2024 and
    the demo corpus (bench/RESULTS.md, "Compare across years").
    """

    strategy: CompareStrategy = "joint"
    """``"joint"``: one topic model over all editions, shares per edition; ``"align"``: one
    model per edition, topics matched across consecutive editions (splits and merges)."""
    alpha: float = 0.05
    """Significance level of the new / gone / emerging / fading tests."""
    fdr: bool = True
    """Adjust the trend p-values of all topics for multiple testing (Benjamini-Hochberg)."""
    min_ratio: float = 1.5
    """Emerging: the late share is at least this many times the early share (fading: the
    early share this many times the late one)."""
    min_share_change: float = 0.01
    """...and the two shares differ by at least this much (0.01 = one percentage point)."""
    min_power: float = 0.8
    """A topic without a significant change is "stable" only when a doubling or a halving of
    its share would have been detected with at least this probability; else it is
    "inconclusive" (too few talks to tell)."""
    present_min_talks: int = 2
    """A topic is present in an edition with at least this many talks (new / gone rules)."""
    permutations: int = 20_000
    """Draws of the permutation trend test (three editions or more)."""
    link_min_similarity: float = 0.3
    """Align: topics of consecutive editions are linked at this similarity or more."""
    split_ratio: float = 0.75
    """Align: a second link of a topic (split / merge) must reach this share of its best."""
    term_weight: float = 0.5
    """Align: weight of the term-profile cosine against the embedding-centroid cosine."""
    min_edition_talks: int = 5
    """An edition with fewer talks that have text (abstract, description or notes) is
    reported and skipped."""
    max_editions: int = 20
    """Refuse to compare more editions than this."""
    representative_talks: int = 3
    """Talks listed per topic and edition."""
    top_terms: int = 8
    """Terms listed per topic and edition."""
    changed_terms: int = 5
    """Terms gained and lost listed per topic."""

    def __post_init__(self) -> None:
        checks: list[tuple[str, bool, str]] = [
            ("strategy", self.strategy in ("joint", "align"), "joint or align"),
            ("alpha", 0 < self.alpha < 1, "in (0, 1)"),
            ("min_ratio", self.min_ratio >= 1, ">= 1"),
            ("min_share_change", 0 <= self.min_share_change < 1, "in [0, 1)"),
            ("min_power", 0 < self.min_power < 1, "in (0, 1)"),
            ("present_min_talks", self.present_min_talks >= 1, ">= 1"),
            ("permutations", self.permutations >= 100, ">= 100"),
            ("link_min_similarity", -1 <= self.link_min_similarity <= 1, "in [-1, 1]"),
            ("split_ratio", 0 < self.split_ratio <= 1, "in (0, 1]"),
            ("term_weight", 0 <= self.term_weight <= 1, "in [0, 1]"),
            ("min_edition_talks", self.min_edition_talks >= 1, ">= 1"),
            ("max_editions", self.max_editions >= 2, ">= 2"),
            ("representative_talks", self.representative_talks >= 1, ">= 1"),
            ("top_terms", self.top_terms >= 1, ">= 1"),
            ("changed_terms", self.changed_terms >= 0, ">= 0"),
        ]
        for name, ok, rule in checks:
            if not ok:
                raise ConfigError(
                    f"compare.{name} = {getattr(self, name)!r} is invalid; must be {rule}"
                )
