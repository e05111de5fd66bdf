"""Talk distributions: each talk's links into the network and the nodes' topic labels in, its
primary topic and topic distribution out (:func:`talk_distributions`); talks that do not
resemble their topic's centroid go to "other" (:func:`topic_fit`, :func:`mark_outliers`);
topic groups in, the settled topics out (:func:`settle_topics`: topics primary for no talk
dropped, largest first); the result becomes :class:`~talktopics.records.TalkTopics` records
(:func:`make_talk_topics`).

A distribution is ``(primary, ((topic, weight), ...))`` with topic indices; ``-1`` = other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from talktopics.config import TopicConfig
from talktopics.records import OTHER_TOPIC, Talk, TalkTopics
from talktopics.topics.memberships import flow_memberships, sparsify_memberships
from talktopics.topics.network import TalkTermNetwork
from talktopics.topics.regroup import node_labels, sort_groups
from talktopics.topics.result import round_weight

__all__ = [
    "DISTRIBUTION_BLOCK",
    "MIN_SPREAD",
    "Distribution",
    "Settled",
    "make_talk_topics",
    "mark_outliers",
    "settle_topics",
    "soft_weights",
    "talk_distributions",
    "topic_fit",
]

Distribution = tuple[int, tuple[tuple[int, float], ...]]
"""A talk's primary topic index (``-1`` = other) and its ``(topic index, weight)`` pairs."""

DISTRIBUTION_BLOCK = 2048
"""Talks per block of :func:`talk_distributions` (bounds its talks x modules array)."""

MIN_SPREAD = 0.1
"""Floor of a topic's cosine spread: a very tight topic does not reject its near members."""


def talk_distributions(
    links: sp.csr_matrix,
    labels: np.ndarray,
    n_topics: int,
    config: TopicConfig,
    *,
    own: np.ndarray | None = None,
) -> list[Distribution]:
    """Primary topic (``-1`` = other) and topic distribution of each talk from its links.

    A talk's raw shares are the parts of its link weight (:func:`flow_memberships`) ending in
    each topic; a training talk's own Infomap module adds ``config.own_module_weight`` to
    its label (so the partition decides the primary topic, the links the secondary ones).
    When at least ``config.other_min_share`` of the total lands in topics, the primary topic
    is the strongest and the distribution is the topic shares (those below
    ``config.min_topic_share`` dropped, renormalised). Otherwise the talk fits nowhere: its
    primary is ``-1`` and its distribution holds ``-1`` with the share outside every topic.

    Args:
        links: Talks x nodes (training talks, then vocabulary terms).
        labels: Label of every node (``0..K-1`` topics, ``>= K`` modules too small).
        n_topics: K.
        config: Thresholds.
        own: Per talk, the label of its own module (training talks), or ``-1`` (new talks).

    Returns:
        Per talk ``(primary, ((topic, weight), ...))``; weights sum to 1, strongest first.
    """
    n_labels = max(int(labels.max()) + 1 if labels.size else 0, n_topics, 1)
    links = sp.csr_matrix(links)
    own_rows = None if own is None or config.own_module_weight <= 0 else np.asarray(own)
    out: list[Distribution] = []
    # Block by block: a talks x modules array of the whole corpus would be 20,000 x 2,000
    # float64 = 320 MB (each row's result depends on that row alone).
    for start in range(0, links.shape[0], DISTRIBUTION_BLOCK):
        stop = min(start + DISTRIBUTION_BLOCK, links.shape[0])
        shares = flow_memberships(links[start:stop], labels, n_labels)
        if own_rows is not None:
            _add_own_module(shares, own_rows[start:stop], config.own_module_weight)
        out += [_distribution(row[:n_topics], n_topics, config) for row in shares]
    return out


def _add_own_module(shares: np.ndarray, own: np.ndarray, weight: float) -> None:
    """Add ``weight`` to each training talk's own module and renormalise (in place)."""
    rows = np.flatnonzero(own >= 0)
    has_flow = shares[rows].sum(axis=1) > 0
    shares[rows, own[rows]] += weight
    shares[rows] /= np.where(has_flow, 1.0 + weight, weight)[:, None]


def _distribution(inside: np.ndarray, n_topics: int, config: TopicConfig) -> Distribution:
    """One talk's distribution from its shares in the ``n_topics`` topics."""
    mass = float(inside.sum())
    if mass <= 0:
        return (-1, ((-1, 1.0),))
    kept = sparsify_memberships(
        inside[None, :] / mass, min_weight=config.min_topic_share, max_modules=n_topics
    )[0]
    if mass >= config.other_min_share:
        return (kept[0][0], kept)
    dist = [(-1, 1.0 - mass), *((k, w * mass) for k, w in kept)]
    dist.sort(key=lambda kw: (-kw[1], kw[0]))
    return (-1, tuple(dist))


def topic_fit(
    vectors: np.ndarray, primary: np.ndarray, n_topics: int
) -> tuple[np.ndarray, np.ndarray]:
    """Centroid of each topic's talks and the median and robust spread (1.4826 x median
    absolute deviation, at least ``MIN_SPREAD``) of their cosine to it."""
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    centroids = np.zeros((n_topics, dim), dtype=np.float32)
    fit = np.zeros((n_topics, 2), dtype=np.float64)
    for t in range(n_topics):
        rows = np.flatnonzero(primary == t)
        if rows.size == 0:
            continue
        mean = np.asarray(vectors[rows], dtype=np.float64).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        centroids[t] = mean / norm if norm else mean
        cos = np.asarray(vectors[rows], dtype=np.float64) @ centroids[t].astype(np.float64)
        median = float(np.median(cos))
        spread = max(1.4826 * float(np.median(np.abs(cos - median))), MIN_SPREAD)
        fit[t] = (median, spread)
    return centroids, fit


def mark_outliers(
    dists: list[Distribution],
    vectors: np.ndarray,
    centroids: np.ndarray,
    fit: np.ndarray,
    config: TopicConfig,
) -> list[Distribution]:
    """Send talks that do not resemble their primary topic to "other".

    A talk is an outlier when its cosine to its topic's centroid is more than
    ``config.outlier_z`` robust spreads below the topic's median. It keeps its topic shares
    at half weight, next to ``-1`` (other) with the other half.
    """
    if config.outlier_z <= 0 or not len(dists):
        return dists
    out = list(dists)
    for i, (p, dist) in enumerate(dists):
        if p < 0:
            continue
        median, spread = fit[p]
        cos = float(np.asarray(vectors[i], dtype=np.float64) @ centroids[p].astype(np.float64))
        if cos < median - config.outlier_z * spread:
            halved = [(-1, 0.5), *((t, w * 0.5) for t, w in dist)]
            halved.sort(key=lambda kw: (-kw[1], kw[0]))
            out[i] = (-1, tuple(halved))
    return out


def make_talk_topics(
    talks: Sequence[Talk],
    dists: Sequence[Distribution],
    topic_ids: Sequence[str],
    secondary_threshold: float,
) -> tuple[TalkTopics, ...]:
    """Records from :func:`talk_distributions` output (topic index -> id, ``-1`` -> other)."""

    def tid(i: int) -> str:
        return OTHER_TOPIC if i < 0 else topic_ids[i]

    return tuple(
        TalkTopics(
            talk_id=talk.id,
            primary=tid(p),
            distribution=tuple((tid(i), round_weight(w)) for i, w in dist),
            secondary=tuple(
                tid(i) for i, w in dist if i >= 0 and i != p and w >= secondary_threshold
            ),
        )
        for talk, (p, dist) in zip(talks, dists, strict=True)
    )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Settled:
    """The final topics of a fit, largest first, and the talk distributions they give.

    Attributes:
        groups: Node ids of each topic (talks ``0..n-1``, then terms).
        labels: Label of every network node (:func:`~talktopics.topics.regroup.node_labels`).
        dists: Per talk, its :data:`Distribution`.
        centroids: Unit mean embedding of each topic's talks.
        fit: Per topic, median and robust spread of its talks' cosine to the centroid.
        primary: Per talk, its primary topic index (``-1`` = other).
        sizes: Per topic, its number of primary talks.
    """

    groups: list[np.ndarray]
    labels: np.ndarray
    dists: list[Distribution]
    centroids: np.ndarray
    fit: np.ndarray
    primary: np.ndarray
    sizes: np.ndarray


def settle_topics(groups: list[np.ndarray], links: sp.csr_matrix, net: TalkTermNetwork) -> Settled:
    """Distribute the talks over the groups; a topic that ends up primary for no talk is
    dropped (and the talks distributed again); topics are then ordered by how many talks they
    finally hold (a relabelling: same decisions).

    Args:
        groups: Topic groups of network nodes.
        links: Talks x nodes link weights (nearest talks and self, then terms).
        net: The partitioned network.
    """
    n, communities = net.n, net.communities
    while True:
        groups = sort_groups(groups, communities, n)
        settled = _distribute(groups, links, net)
        alive = [k for k in range(len(groups)) if np.any(settled.primary == k)]
        if len(alive) == len(groups):
            break
        groups = [groups[k] for k in alive]
    order = sorted(range(len(groups)), key=lambda t: (-int(settled.sizes[t]), t))
    if order != list(range(len(groups))):
        settled = _distribute([groups[t] for t in order], links, net)
    return settled


def soft_weights(dists: Sequence[Distribution], n: int, k: int) -> np.ndarray:
    """Talks x topics weights of the distributions (the share of "other" left out)."""
    soft = np.zeros((n, k))
    for i, (_, dist) in enumerate(dists):
        for t, w in dist:
            if t >= 0:
                soft[i, t] = w
    return soft


def _distribute(groups: list[np.ndarray], links: sp.csr_matrix, net: TalkTermNetwork) -> Settled:
    n, config = net.n, net.config
    labels = node_labels(groups, net.communities.modules(1), links.shape[1])
    dists = talk_distributions(links, labels, len(groups), config, own=labels[:n])
    pre = np.array([p for p, _ in dists], dtype=np.int64)
    # Talks that do not resemble their topic at all fit nowhere.
    centroids, fit = topic_fit(net.talk_vectors, pre, len(groups))
    dists = mark_outliers(dists, net.talk_vectors, centroids, fit, config)
    primary = np.array([p for p, _ in dists], dtype=np.int64)
    return Settled(
        groups=groups,
        labels=labels,
        dists=dists,
        centroids=centroids,
        fit=fit,
        primary=primary,
        sizes=np.bincount(primary[primary >= 0], minlength=len(groups)),
    )
