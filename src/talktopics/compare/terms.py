"""Term evidence of a comparison: talks x terms frequencies and series weights in, a topic's
terms per edition and the terms it gained and lost out.

Per edition, a topic's terms are ranked like the topic engine ranks a topic's terms
(:func:`talktopics.topics.labels.rank_topic_terms`: share of the topic's term mass times how
distinctive the term is against all talks), from the topic's talks of that edition only.

Gained and lost terms compare the topic's *own* early and late talks: the first and last
``max(1, P // 3)`` of the ``P`` editions where it has talks. A term is gained when the share
of late talks using it is at least ``MIN_RATE_CHANGE`` above the share of early talks using it
and at least two late talks use it (lost: the reverse). Near-duplicates are listed once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from talktopics.topics.labels import near_duplicate, rank_topic_terms

__all__ = ["MIN_RATE_CHANGE", "Terms", "changed_terms", "edition_terms", "series_terms"]

logger = logging.getLogger(__name__)

MIN_RATE_CHANGE = 0.15
"""A gained (lost) term is used by at least this much larger (smaller) a share of the talks."""

Terms = tuple[tuple[str, float], ...]


def series_terms(
    tf: sp.csr_matrix, weights: np.ndarray, display: Sequence[str], *, top_n: int
) -> list[Terms]:
    """Each series' characteristic terms over all editions (talks x series ``weights``)."""
    ranked = rank_topic_terms(tf=tf, weights=weights, display=display, top_n=top_n)
    return [tuple(r) for r in ranked]


def edition_terms(
    tf: sp.csr_matrix,
    weights: np.ndarray,
    primary: np.ndarray,
    edition_of: np.ndarray,
    n_editions: int,
    display: Sequence[str],
    *,
    top_n: int,
) -> list[list[Terms]]:
    """Per series, per edition: the characteristic terms of the series' talks there.

    A talk counts with its weight in the series; only editions where the series is some
    talk's primary topic get terms.
    """
    n_series = weights.shape[1]
    if n_series == 0:
        return []
    columns = np.zeros((weights.shape[0], n_series * n_editions))
    for e in range(n_editions):
        rows = edition_of == e
        columns[rows, e::n_editions] = weights[rows]
    ranked = rank_topic_terms(tf=tf, weights=columns, display=display, top_n=top_n)
    out: list[list[Terms]] = []
    for s in range(n_series):
        has = [bool(np.any((primary == s) & (edition_of == e))) for e in range(n_editions)]
        out.append([tuple(ranked[s * n_editions + e]) if has[e] else () for e in range(n_editions)])
    return out


def changed_terms(
    tf: sp.csr_matrix,
    members: np.ndarray,
    edition_of: np.ndarray,
    counts: np.ndarray,
    display: Sequence[str],
    *,
    n_terms: int,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Terms a series gained and lost between its early and late talks.

    Args:
        tf: Talks x terms.
        members: Boolean mask of the series' talks (primary topic).
        edition_of: Edition index of every talk.
        counts: The series' talks per edition.
        display: Readable form of each term.
        n_terms: At most this many terms each.

    Returns:
        ``(gained, lost)``; both empty when the series has talks in fewer than two editions
        or fewer than two talks in its early or late window.
    """
    present = np.flatnonzero(np.asarray(counts) > 0)
    if present.size < 2 or n_terms <= 0:
        return (), ()
    width = max(1, present.size // 3)
    early = members & np.isin(edition_of, present[:width])
    late = members & np.isin(edition_of, present[-width:])
    if early.sum() < 2 or late.sum() < 2:
        return (), ()
    used = sp.csr_matrix(tf > 0, dtype=np.float64)
    df_early = np.asarray(used[np.flatnonzero(early)].sum(axis=0)).ravel()
    df_late = np.asarray(used[np.flatnonzero(late)].sum(axis=0)).ravel()
    diff = df_late / late.sum() - df_early / early.sum()
    gained = _pick(diff, df_late, display, n_terms)
    lost = _pick(-diff, df_early, display, n_terms)
    return gained, lost


def _pick(
    diff: np.ndarray, support: np.ndarray, display: Sequence[str], n_terms: int
) -> tuple[str, ...]:
    candidates = np.flatnonzero((diff >= MIN_RATE_CHANGE) & (support >= 2))
    ranked = sorted(candidates.tolist(), key=lambda j: (-round(float(diff[j]), 9), display[j]))
    chosen: list[str] = []
    for j in ranked:
        term = display[j]
        if any(near_duplicate(term, c) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) >= n_terms:
            break
    return tuple(chosen)
