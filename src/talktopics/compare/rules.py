"""Talk counts per edition in, a classification with its statistical evidence out.

The rules (for users: docs/compare.md; thresholds: :class:`talktopics.config.CompareConfig`):

``c_e`` is the number of talks whose primary topic is the topic in edition ``e``, ``N_e`` the
edition's talks; a topic is *present* in an edition with at least ``present_min_talks`` talks.
The *early* and *late* windows are the first and last ``max(1, E // 3)`` of the ``E``
editions; their shares are the pooled ``sum c / sum N``.

1. **gone** — absent from the last edition after being present, and the drop is significant:
   one-sided Fisher exact test of the pooled editions up to the last presence against the
   editions after it, ``p < alpha``. (Align strategy: the topic's chain of matched topics ends
   before the last edition — **merged** when its last topic flows into another chain.)
2. **new** — present in the last edition, absent from every edition before its first presence
   (not the first edition), and the rise is significant: one-sided Fisher exact test of the
   editions before the first presence against the editions from it, ``p < alpha``. (Align:
   the chain starts after the first edition — **split** when its first topic comes out of
   another chain's topic.)
3. **emerging** / **fading** — a significant trend of the share over the editions and a
   large enough change: trend test ``q < alpha`` (below), the late share at least
   ``min_ratio`` times the early share (fading: at most ``1 / min_ratio`` times) and at least
   ``min_share_change`` apart.
4. **inconclusive** ("too few talks to tell") — none of the above, and the talks are too few
   for the test to have seen a doubling or a halving of the share: the power of a two-sided
   test at ``alpha`` to detect the topic's pooled share ``s`` becoming ``2 s`` or ``s / 2``
   between the early and the late window is below ``min_power`` (normal approximation with
   Cohen's arcsine effect size ``h = |2 asin sqrt(p1) - 2 asin sqrt(p2)|``, power
   ``Phi(h sqrt(n1 n2 / (n1 + n2)) - z(1 - alpha / 2))``, the smaller of the two).
5. **stable** — none of the above: no significant change, although a doubling and a halving
   of the share would both have been detected (or a significant change that is too small).

The trend test conditions on the topic's total count (under "no change" its talks fall on the
editions like a draw without replacement from all talks): with two editions it is Fisher's
exact test; with more it is a permutation test of the statistic ``sum_e s_e c_e`` (``s_e`` the
edition's year, or its position when a year is unknown), two-sided, from
``permutations`` seeded draws of the multivariate hypergeometric distribution. With
``fdr`` on, the p-values of all topics are adjusted by Benjamini–Hochberg and ``q`` is the
adjusted value (else ``q = p``). So a change from 1 to 2 talks is never "emerging": its
p-value is near 1.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from talktopics.compare.power import change_power, needed_talks
from talktopics.config import CompareConfig

__all__ = [
    "CLASSES",
    "ShareTest",
    "TopicClass",
    "benjamini_hochberg",
    "classify",
    "fisher_one_sided",
    "trend_test",
    "windows",
]

logger = logging.getLogger(__name__)

TopicClass = Literal[
    "stable", "inconclusive", "emerging", "fading", "split", "merged", "new", "gone"
]
CLASSES: tuple[TopicClass, ...] = (
    "new",
    "emerging",
    "split",
    "stable",
    "merged",
    "fading",
    "gone",
    "inconclusive",
)
"""Every classification, in report order (rising first, "too few talks to tell" last)."""

TestMethod = Literal["fisher-exact", "permutation-trend", "none"]
Counts = Sequence[int] | np.ndarray
"""Talks per edition (a list or an integer array)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ShareTest:
    """Is a topic's share of talks changing over the editions? The numbers behind a class."""

    method: TestMethod
    p_value: float
    """Two-sided p-value of "the share does not change"."""
    q_value: float
    """``p_value`` adjusted for the number of topics tested (Benjamini–Hochberg), or equal."""
    direction: int
    """+1 the share rises with time, -1 it falls, 0 no talks or no variation."""
    early_share: float
    late_share: float
    ratio: float | None
    """``late_share / early_share`` (None when the early share is 0)."""
    presence_p: float | None = None
    """p-value of the new/gone test, when the topic appears or disappears."""
    power: float = 0.0
    """Probability that the test at ``alpha`` would have detected the topic's pooled share
    doubling or halving between the early and the late window (the smaller of the two)."""
    needed_talks: int = 0
    """Talks per window (early and late alike) at which that power reaches ``min_power``."""


def windows(n_editions: int) -> tuple[range, range]:
    """The early and late windows: the first and last ``max(1, n // 3)`` edition indices."""
    width = max(1, n_editions // 3)
    return range(0, width), range(n_editions - width, n_editions)


def _pooled(counts: np.ndarray, sizes: np.ndarray, idx: range) -> float:
    total = float(sizes[list(idx)].sum())
    return float(counts[list(idx)].sum()) / total if total else 0.0


def fisher_one_sided(a: int, n_a: int, b: int, n_b: int, *, alternative: str) -> float:
    """One-sided Fisher exact p-value that the share ``b / n_b`` is greater (``"greater"``)
    or less (``"less"``) than ``a / n_a``."""
    from scipy.stats import fisher_exact  # lazy: scipy.stats is slow to import

    if n_a <= 0 or n_b <= 0:
        return 1.0
    table = [[b, n_b - b], [a, n_a - a]]
    return float(fisher_exact(table, alternative=alternative).pvalue)


def trend_test(
    counts: Counts,
    sizes: Counts,
    scores: Sequence[float],
    *,
    permutations: int,
    seed: int,
) -> tuple[TestMethod, float, int]:
    """Two-sided test of "the share is the same in every edition" against a trend.

    Args:
        counts: Topic talks per edition.
        sizes: All talks per edition.
        scores: Position of each edition in time (years or indices), increasing.
        permutations: Draws of the permutation distribution (3 editions or more).
        seed: Seed of the draws.

    Returns:
        ``(method, p_value, direction)``.
    """
    c = np.asarray(counts, dtype=np.int64)
    n = np.asarray(sizes, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    total = int(c.sum())
    if total == 0 or total == int(n.sum()) or c.size < 2:
        return "none", 1.0, 0
    expected = total * float((s * n).sum()) / float(n.sum())
    observed = float((s * c).sum())
    direction = int(np.sign(round(observed - expected, 9)))
    if c.size == 2:
        from scipy.stats import fisher_exact  # lazy: scipy.stats is slow to import

        table = [[int(c[1]), int(n[1] - c[1])], [int(c[0]), int(n[0] - c[0])]]
        return "fisher-exact", float(fisher_exact(table).pvalue), direction
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_hypergeometric(n, total, size=permutations)
    stats = draws @ s
    spread = np.abs(stats - expected)
    # Ties (within float noise) count as at least as extreme: the p-value never flatters.
    extreme = int((spread >= abs(observed - expected) - 1e-9).sum())
    return "permutation-trend", (1 + extreme) / (1 + permutations), direction


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input order."""
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return [float(x) for x in out]


@dataclass(frozen=True, slots=True, kw_only=True)
class Structure:
    """What the align strategy knows about a chain of matched topics (joint: all False)."""

    starts_late: bool = False
    """The chain has no topic in the first edition."""
    ends_early: bool = False
    """The chain has no topic in the last edition."""
    split_from: str | None = None
    """Label of the chain whose topic this one's first topic came out of."""
    merged_into: str | None = None
    """Label of the chain this one's last topic flows into."""


def classify(
    counts: Counts,
    sizes: Counts,
    test: ShareTest,
    config: CompareConfig,
    *,
    labels: Sequence[str],
    structure: Structure | None = None,
) -> tuple[TopicClass, str, ShareTest]:
    """Apply the rules of this module to one topic.

    Args:
        counts: The topic's talks per edition.
        sizes: All talks per edition.
        test: The topic's trend test (with its q-value).
        config: Thresholds.
        labels: Edition labels (for the reason text).
        structure: Align strategy: where the topic's chain starts, ends, splits and merges.

    Returns:
        ``(class, reason, test)``: the reason says in words which rule fired and why; the
        test comes back with ``presence_p`` filled in when a new/gone test was made.
    """
    c = np.asarray(counts, dtype=np.int64)
    n = np.asarray(sizes, dtype=np.int64)
    present = np.flatnonzero(c >= config.present_min_talks)
    last = c.size - 1
    share = [f"{x}/{m}" for x, m in zip(c.tolist(), n.tolist(), strict=True)]
    if structure is not None and (structure.starts_late or structure.ends_early):
        return _structural(c, n, labels, test, structure, config)
    if present.size and present[-1] < last:
        d = int(present[-1])
        p = fisher_one_sided(
            int(c[: d + 1].sum()),
            int(n[: d + 1].sum()),
            int(c[d + 1 :].sum()),
            int(n[d + 1 :].sum()),
            alternative="less",
        )
        if p < config.alpha:
            test = _with_presence(test, p)
            return (
                "gone",
                f"last present in {labels[d]}; {_tail(c, n, d + 1)} after it (Fisher p = {p:.3g})",
                test,
            )
    if present.size and present[-1] == last and present[0] > 0:
        b = int(present[0])
        p = fisher_one_sided(
            int(c[:b].sum()),
            int(n[:b].sum()),
            int(c[b:].sum()),
            int(n[b:].sum()),
            alternative="greater",
        )
        if p < config.alpha:
            test = _with_presence(test, p)
            return (
                "new",
                f"first present in {labels[b]}; {_tail(c[:b], n[:b], 0)} before it "
                f"(Fisher p = {p:.3g})",
                test,
            )
    return _by_trend(test, config, share)


def _by_trend(
    test: ShareTest, config: CompareConfig, share: Sequence[str]
) -> tuple[TopicClass, str, ShareTest]:
    """Rules 3-5: emerging / fading, too few talks to tell, stable."""
    significant = test.q_value < config.alpha
    early, late = test.early_share, test.late_share
    change = abs(late - early)
    what = "q" if config.fdr else "p"
    numbers = f"share {100 * early:.1f}% → {100 * late:.1f}%, {what} = {test.q_value:.3g}"
    if significant and change >= config.min_share_change:
        if test.direction > 0 and late >= config.min_ratio * early:
            return "emerging", f"rising: {numbers} (talks {', '.join(share)})", test
        if test.direction < 0 and late * config.min_ratio <= early:
            return "fading", f"falling: {numbers} (talks {', '.join(share)})", test
    if significant:
        return "stable", f"change too small: {numbers}", test
    if test.power < config.min_power:
        return (
            "inconclusive",
            f"no significant change: {numbers}; but at these sizes a doubling or halving of "
            f"the share would have been detected with probability {100 * test.power:.0f}% only "
            f"(about {test.needed_talks} talks per window needed for "
            f"{100 * config.min_power:.0f}%)",
            test,
        )
    return (
        "stable",
        f"no significant change: {numbers}; a doubling or halving would have been detected "
        f"with probability {100 * test.power:.0f}%",
        test,
    )


def _structural(
    c: np.ndarray,
    n: np.ndarray,
    labels: Sequence[str],
    test: ShareTest,
    structure: Structure,
    config: CompareConfig,
) -> tuple[TopicClass, str, ShareTest]:
    """Align strategy: a chain that ends early is merged/gone, one that starts late split/new."""
    alive = np.flatnonzero(c > 0)
    first = int(alive[0]) if alive.size else 0
    last = int(alive[-1]) if alive.size else c.size - 1
    if structure.ends_early:
        p = fisher_one_sided(
            int(c[: last + 1].sum()),
            int(n[: last + 1].sum()),
            int(c[last + 1 :].sum()),
            int(n[last + 1 :].sum()),
            alternative="less",
        )
        test = _with_presence(test, p)
        if structure.merged_into is not None:
            return (
                "merged",
                f"its {labels[last]} topic flows into {structure.merged_into!r} in "
                f"{labels[last + 1]}",
                test,
            )
        return "gone", f"no matching topic after {labels[last]}" + _significance(p, config), test
    p = fisher_one_sided(
        int(c[:first].sum()),
        int(n[:first].sum()),
        int(c[first:].sum()),
        int(n[first:].sum()),
        alternative="greater",
    )
    test = _with_presence(test, p)
    if structure.split_from is not None:
        return (
            "split",
            f"comes out of {structure.split_from!r} in {labels[first]}",
            test,
        )
    return "new", f"no matching topic before {labels[first]}" + _significance(p, config), test


def _significance(p: float, config: CompareConfig) -> str:
    if p < config.alpha:
        return f" (Fisher p = {p:.3g})"
    return f" (too few talks to be significant on their own: Fisher p = {p:.3g})"


def _tail(c: np.ndarray, n: np.ndarray, start: int) -> str:
    return f"{int(c[start:].sum())} of {int(n[start:].sum())} talks"


def _with_presence(test: ShareTest, p: float) -> ShareTest:
    return dataclasses.replace(test, presence_p=p)


def share_test(
    counts: Counts,
    sizes: Counts,
    scores: Sequence[float],
    config: CompareConfig,
    *,
    seed: int,
) -> ShareTest:
    """The trend test of one topic (``q_value`` = ``p_value`` until adjusted)."""
    c = np.asarray(counts, dtype=np.int64)
    n = np.asarray(sizes, dtype=np.int64)
    early_idx, late_idx = windows(c.size)
    early, late = _pooled(c, n, early_idx), _pooled(c, n, late_idx)
    method, p, direction = trend_test(c, n, scores, permutations=config.permutations, seed=seed)
    n_early, n_late = int(n[list(early_idx)].sum()), int(n[list(late_idx)].sum())
    pooled = float(c.sum()) / float(n.sum()) if n.sum() else 0.0
    return ShareTest(
        method=method,
        p_value=p,
        q_value=p,
        direction=direction,
        early_share=early,
        late_share=late,
        ratio=late / early if early > 0 else None,
        power=change_power(pooled, n_early, n_late, alpha=config.alpha),
        needed_talks=needed_talks(pooled, alpha=config.alpha, power=config.min_power),
    )
