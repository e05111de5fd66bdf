"""A topic's pooled share and the window sizes in, the chance that the share test would have
seen the share double or halve out (what tells "stable" from "too few talks to tell").

The normal approximation of a two-sided two-proportion test with Cohen's arcsine effect size
``h = |2 asin sqrt(p1) - 2 asin sqrt(p2)|``: power ``Phi(h sqrt(n1 n2 / (n1 + n2)) - z)``
with ``z`` the ``1 - alpha / 2`` normal quantile (Cohen 1988, ch. 6).
"""

from __future__ import annotations

import numpy as np

__all__ = ["change_power", "needed_talks"]


def _effect_sizes(share: float) -> tuple[float, float]:
    """Cohen's h of ``share`` -> ``2 share`` (capped at 1) and of ``share`` -> ``share / 2``."""
    base = 2 * np.arcsin(np.sqrt(min(1.0, share)))
    double = abs(2 * np.arcsin(np.sqrt(min(1.0, 2 * share))) - base)
    half = abs(base - 2 * np.arcsin(np.sqrt(share / 2)))
    return float(double), float(half)


def change_power(share: float, n_early: int, n_late: int, *, alpha: float) -> float:
    """Power of a two-sided two-proportion test at ``alpha`` to detect ``share`` becoming
    twice or half as large between a window of ``n_early`` talks and one of ``n_late``
    (normal approximation with Cohen's arcsine effect size; the smaller of the two powers).

    A share of 0 (or a window without talks) has power 0: nothing could be detected.
    """
    from scipy.stats import norm  # lazy: scipy.stats is slow to import

    if share <= 0 or n_early <= 0 or n_late <= 0:
        return 0.0
    scale = float(np.sqrt(n_early * n_late / (n_early + n_late)))
    z = float(norm.ppf(1 - alpha / 2))
    return min(float(norm.cdf(h * scale - z)) for h in _effect_sizes(share))


def needed_talks(share: float, *, alpha: float, power: float) -> int:
    """Talks per window (both alike) at which :func:`change_power` reaches ``power``
    (0 when no number of talks would: a share of 0 or 1)."""
    from scipy.stats import norm  # lazy: scipy.stats is slow to import

    h = min(_effect_sizes(share)) if share > 0 else 0.0
    if h <= 0:
        return 0
    z = float(norm.ppf(1 - alpha / 2)) + float(norm.ppf(power))
    return int(np.ceil(2 * (z / h) ** 2))
