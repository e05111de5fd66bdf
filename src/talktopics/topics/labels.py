"""Topic vocabularies and labels: term weights per topic in, ranked distinct terms and unique
short labels out.

A topic's term list ranks a term by how much of the topic's weight it carries *and* how
distinctive it is: its pointwise contribution to the KL divergence between the topic's term
distribution and the background (the corpus, or the parent topic for a sub-topic),
``p(t|k) * log(p(t|k) / p(t))``, scaled by the term's fuzzy membership in the topic (word
graph). Ubiquitous words ("python", "code", "data") have ``p(t|k) ~ p(t)`` and score near
zero. The label is the most exclusive of the listed terms (FREX: frequency and exclusivity
ranks, as in the stm package), preferring a keyphrase that scores nearly as well. Near-
duplicates ("model" / "models", "learning" / "machine learning", vectors with cosine >=
``_DUPLICATE_COSINE``) are collapsed, keeping the more specific phrase; no two topics share a
label.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

__all__ = [
    "average_ranks",
    "describe_topics",
    "near_duplicate",
    "rank_topic_terms",
    "stem_key",
    "term_scores",
    "unique_labels",
]

logger = logging.getLogger(__name__)

_DUPLICATE_COSINE = 0.9
"""Two terms whose embeddings are at least this similar are one term for the label."""

_LABEL_PHRASE_SHARE = 0.8
"""A keyphrase becomes the label when it scores at least this share of the best term."""

_LABEL_WINDOW = 3
"""The label keyphrase is looked for among this many top terms."""

_FREX_WEIGHT = 0.5
"""Weight of exclusivity against frequency in FREX (0.5 = harmonic mean, as in stm)."""


def stem_key(term: str) -> tuple[str, ...]:
    """Tokens of a term folded for duplicate detection (case, hyphens, English plurals)."""
    tokens = re.split(r"[\s\-_/]+", term.casefold().strip())
    out: list[str] = []
    for tok in tokens:
        if not tok:
            continue
        if len(tok) > 4 and tok.endswith("ies"):
            tok = tok[:-3] + "y"
        elif len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
            tok = tok[:-1]
        out.append(tok)
    return tuple(out)


def near_duplicate(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` fold to the same tokens or one's tokens contain the other's."""
    ka, kb = stem_key(a), stem_key(b)
    if not ka or not kb:
        return False
    return ka == kb or set(ka) <= set(kb) or set(kb) <= set(ka)


def rank_topic_terms(
    *,
    tf: sp.spmatrix,
    weights: np.ndarray,
    display: Sequence[str],
    membership: np.ndarray | None = None,
    vectors: np.ndarray | None = None,
    background: np.ndarray | None = None,
    context: np.ndarray | None = None,
    top_n: int = 10,
    method: Literal["frex", "kl", "kl-exclusive"] = "frex",
) -> list[list[tuple[str, float]]]:
    """Rank each topic's characteristic terms.

    Args:
        tf: Talks x terms term weights (e.g. sublinear term frequency).
        weights: Talks x topics: how much each talk belongs to each topic.
        display: Readable form of every term (column).
        membership: Terms x topics fuzzy memberships (scales the score by ``0.5 + 0.5 w``).
        vectors: Term embeddings (rows L2-normalised) for near-duplicate detection.
        background: Talk weights of the background distribution (``"kl"``); ``None`` = all
            talks.
        context: Talks x further topics that count for exclusivity but are not ranked
            (``"frex"``; e.g. the other top-level topics when ranking sub-topics).
        top_n: Terms per topic.
        method: ``"frex"``: FREX of the term's frequency and exclusivity in the topic;
            ``"kl"``: the term's pointwise KL contribution against the background.

    Returns:
        Per topic, up to ``top_n`` ``(display form, score)`` pairs, best first; scores are
        relative to the topic's best term (which scores 1).
    """
    scores = term_scores(
        tf=tf,
        weights=weights,
        membership=membership,
        background=background,
        context=context,
        method=method,
    )
    return [
        _select(scores[:, k], display, vectors, top_n) if scores[:, k].any() else []
        for k in range(scores.shape[1])
    ]


def term_scores(
    *,
    tf: sp.spmatrix,
    weights: np.ndarray,
    membership: np.ndarray | None = None,
    background: np.ndarray | None = None,
    context: np.ndarray | None = None,
    method: Literal["frex", "kl", "kl-exclusive"] = "kl",
) -> np.ndarray:
    """Terms x topics score matrix behind :func:`rank_topic_terms` (same arguments)."""
    tf = sp.csr_matrix(tf, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    n_topics = weights.shape[1] if weights.ndim == 2 else 0
    bg_weights = np.ones(tf.shape[0]) if background is None else np.asarray(background)
    bg = np.asarray(tf.T @ bg_weights).ravel()
    bg = bg / bg.sum() if bg.sum() > 0 else bg
    mass = np.asarray(tf.T @ weights)  # terms x topics
    support = np.asarray((tf > 0).astype(np.float64).T @ (weights >= 0.3).astype(np.float64))
    # Exclusivity: the term's share in this topic against its share in every topic (and in
    # the context topics, e.g. a sub-topic's uncles).
    every = mass if context is None else np.hstack([mass, np.asarray(tf.T @ context)])
    totals = every.sum(axis=0, keepdims=True)
    per_topic = np.divide(every, totals, out=np.zeros_like(every), where=totals > 0)
    spread = per_topic.sum(axis=1, keepdims=True)
    exclusivity = np.divide(per_topic, spread, out=np.zeros_like(per_topic), where=spread > 0)
    out = np.zeros((tf.shape[1], n_topics))
    for k in range(n_topics):
        col = mass[:, k]
        total = float(col.sum())
        if total <= 0:
            continue
        p = col / total
        if method == "frex":
            score = _frex(p, exclusivity[:, k])
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                lift = np.log(p / np.where(bg > 0, bg, 1.0))
                score = np.where((p > 0) & (bg > 0), p * lift, 0.0)
            score = np.clip(score, 0.0, None)
            if method == "kl-exclusive":
                score = score * exclusivity[:, k]
        if membership is not None:
            score = score * (0.5 + 0.5 * membership[:, k])
        # Terms seen in a single talk of a topic that has several do not describe it.
        if int((weights[:, k] >= 0.3).sum()) >= 4:
            score = np.where(support[:, k] >= 2, score, score * 0.25)
        out[:, k] = score
    return out


def _frex(p: np.ndarray, exclusivity: np.ndarray, weight: float = _FREX_WEIGHT) -> np.ndarray:
    """FREX (Bischof & Airoldi 2012; the stm package): the weighted harmonic mean of a term's
    frequency rank and exclusivity rank among the topic's terms (ranks as ECDF in (0, 1])."""
    score = np.zeros_like(p)
    present = np.flatnonzero(p > 0)
    if present.size == 0:
        return score
    f = average_ranks(p[present]) / present.size
    e = average_ranks(exclusivity[present]) / present.size
    score[present] = 1.0 / (weight / e + (1.0 - weight) / f)
    return score


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing their mean rank: ``scipy.stats.rankdata(values, "average")``
    for finite values, without importing scipy.stats (over a second of a warm re-run)."""
    values = np.asarray(values).ravel()
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    bounds = np.r_[starts, values.size]  # each run of equal values: [bounds[i], bounds[i+1])
    run = np.cumsum(np.r_[True, ordered[1:] != ordered[:-1]]) - 1
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = 0.5 * (bounds[run] + bounds[run + 1] + 1)
    return ranks


def _select(
    score: np.ndarray, display: Sequence[str], vectors: np.ndarray | None, top_n: int
) -> list[tuple[str, float]]:
    """Greedy pick of the best-scoring terms, skipping near-duplicates of those already in."""
    order = np.lexsort((np.arange(score.size), -score))
    chosen: list[tuple[int, float]] = []
    for j in order.tolist():
        s = float(score[j])
        if s <= 0 or len(chosen) >= top_n:
            break
        kj = set(stem_key(display[j]))
        if not kj:
            continue
        inside: list[int] = []
        skip = False
        for pos, (c, _) in enumerate(chosen):
            kc = set(stem_key(display[c]))
            if kj <= kc:
                skip = True  # the same term, or a word of a phrase already in
                break
            if kc < kj:
                inside.append(pos)  # a word already in is part of this phrase
            elif vectors is not None and float(vectors[c] @ vectors[j]) >= _DUPLICATE_COSINE:
                skip = True
                break
        if skip:
            continue
        if inside:
            # The phrase is the more specific term: it takes the place of the word(s) it holds.
            chosen[inside[0]] = (j, chosen[inside[0]][1])
            chosen = [cs for pos, cs in enumerate(chosen) if pos not in inside[1:]]
        else:
            chosen.append((j, s))
    if not chosen:
        return []
    best = chosen[0][1]
    return [(display[c], cs / best) for c, cs in chosen]


def describe_topics(
    *,
    tf: sp.spmatrix,
    weights: np.ndarray,
    display: Sequence[str],
    used: set[str],
    membership: np.ndarray | None = None,
    vectors: np.ndarray | None = None,
    background: np.ndarray | None = None,
    context: np.ndarray | None = None,
    top_n: int = 10,
) -> tuple[list[list[tuple[str, float]]], list[str]]:
    """Top terms and a unique label for each topic.

    The term list ranks by ``"kl"`` (weight in the topic times lift over the background):
    the words that carry the topic, which co-occur, so the list is coherent. The label is
    the most *exclusive* of those terms (``"frex"`` order among the listed terms): measured
    on BBC News, KL lists score NPMI 0.33 against 0.26 for FREX lists, while FREX picks
    "CPython" where KL's first term is "Python code".

    Returns:
        ``(terms, labels)``: per topic its ranked ``(term, score)`` list and its label.
    """
    common: dict[str, Any] = {
        "tf": tf,
        "weights": weights,
        "membership": membership,
        "background": background,
        "context": context,
    }
    terms = rank_topic_terms(**common, display=display, vectors=vectors, top_n=top_n, method="kl")
    frex = term_scores(**common, method="frex")
    column = {term: j for j, term in enumerate(display)}
    candidates: list[list[tuple[str, float]]] = []
    for k, listed in enumerate(terms):
        best = (float(frex[:, k].max()) if frex.shape[0] else 0.0) or 1.0  # no vocabulary
        scored = [(term, float(frex[column[term], k]) / best) for term, _ in listed]
        order = sorted(range(len(scored)), key=lambda i: (-scored[i][1], i))
        candidates.append([scored[i] for i in order])
    return terms, unique_labels(candidates, used)


def unique_labels(ranked: Sequence[Sequence[tuple[str, float]]], used: set[str]) -> list[str]:
    """One short label per topic, never repeated (``used`` holds case-folded labels already
    taken, and is updated).

    The label is the topic's most representative keyphrase: the first multi-word term among
    its top terms scoring at least half the best one, else its best term. When that is taken,
    the next ranked term is tried; as a last resort the label gets a number.
    """
    labels: list[str] = []
    for k, terms in enumerate(ranked):
        candidates = [t for t, _ in terms]
        if terms:
            best = terms[0][1]
            phrases = [
                t
                for t, s in terms[:_LABEL_WINDOW]
                if len(t.split()) > 1 and s >= _LABEL_PHRASE_SHARE * best
            ]
            if phrases:
                candidates = [phrases[0], *[c for c in candidates if c != phrases[0]]]
        candidates = candidates or ["topic"]
        label = next((c for c in candidates if c.casefold() not in used), None)
        if label is None:
            base = candidates[0]
            number = 2
            while f"{base} ({number})".casefold() in used:
                number += 1
            label = f"{base} ({number})"
            logger.debug("topic %d: every candidate label taken; using %r", k, label)
        used.add(label.casefold())
        labels.append(label)
    return labels
