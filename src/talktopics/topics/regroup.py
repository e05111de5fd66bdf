"""Topic groups from Infomap's modules: the partitioned talk-term network
(:class:`~talktopics.topics.network.TalkTermNetwork`) and its modules in, topic groups (arrays
of node ids) out.

Nodes ``0..n-1`` are talks, node ``n + j`` is vocabulary term ``j``. Over-large modules are
opened up (:func:`expand_giants`), groups are split one level down (:func:`split_group`:
Infomap's own tree, or the same construction on a topic's own talks) and merged towards
``--topics K`` (:func:`towards_target`, Ward), after which k-means passes seeded by those
groups settle each talk in the nearest of the K (:func:`refine_to_centres`).
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np
import scipy.sparse as sp

from talktopics.config import TopicConfig
from talktopics.topics.communities import Communities
from talktopics.topics.consensus import partition
from talktopics.topics.keylabels import topic_coherence
from talktopics.topics.memberships import flow_memberships
from talktopics.topics.network import TalkTermNetwork, smooth_idf, talk_term_links, tfidf
from talktopics.topics.similarity import BLOCK_ROWS, knn_cosine

__all__ = [
    "CATCH_ALL_COHERENCE",
    "CATCH_ALL_PART_GAIN",
    "CATCH_ALL_SHARE",
    "expand_giants",
    "halves",
    "node_labels",
    "refine_features",
    "refine_to_centres",
    "sort_groups",
    "split_catch_alls",
    "split_group",
    "talks_in",
    "towards_target",
]

logger = logging.getLogger(__name__)


def talks_in(group: np.ndarray, n: int) -> int:
    """Number of talk nodes (ids below ``n``) in a node group."""
    return int((group < n).sum())


def node_labels(groups: list[np.ndarray], top: np.ndarray, n_nodes: int) -> np.ndarray:
    """Topic index ``0..K-1`` for nodes in a topic; ``K + module`` for the rest, so that flow
    into a module too small to be a topic counts as flow outside every topic."""
    labels = np.full(n_nodes, -1, dtype=np.int64)
    for k, g in enumerate(groups):
        labels[g] = k
    rest = labels < 0
    labels[rest] = len(groups) + top[rest]
    return labels


def sort_groups(groups: list[np.ndarray], communities: Communities, n: int) -> list[np.ndarray]:
    """Most talks first, then most flow, then lowest node id: deterministic topic order."""
    return sorted(
        (np.sort(g) for g in groups),
        key=lambda g: (-talks_in(g, n), -round(float(communities.flow[g].sum()), 9), int(g[0])),
    )


def split_group(group: np.ndarray, net: TalkTermNetwork) -> list[np.ndarray]:
    """Split a node group one level down.

    Where Infomap's module tree has a level below the group, its sub-modules are the parts.
    Otherwise the same construction is applied to the group's own talks: a talk-term network
    of just those talks (idf and document-frequency cut within the group, so the words every
    one of them uses no longer glue them together), partitioned by two-level Infomap (the
    consensus of single trials, as the whole network; :mod:`talktopics.topics.consensus`).
    Term nodes of the group left out of that network join the part that holds most of their
    tf-idf flow.
    """
    n, config = net.n, net.config
    paths = [net.communities.paths[i] for i in group.tolist()]
    depth = 0
    while all(len(p) > depth for p in paths) and len({p[depth] for p in paths}) == 1:
        depth += 1
    keys = [p[: depth + 1] for p in paths]
    if len(set(keys)) > 1:
        index = {key: i for i, key in enumerate(sorted(set(keys)))}
        labels = np.array([index[key] for key in keys], dtype=np.int64)
        return [group[labels == k] for k in range(int(labels.max()) + 1)]

    talks = group[group < n]
    if talks.size < 2:
        return [group]
    counts = net.counts[talks]
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    keep = df >= 2
    if talks.size >= config.graph.max_df_min_talks:
        keep &= df <= config.graph.max_df_share * talks.size
    cols = np.flatnonzero(keep)
    x = tfidf(counts[:, cols], smooth_idf(df[cols], talks.size))
    # Fewer neighbours among a topic's few (and similar) talks, else kNN links glue it whole.
    neighbours = max(2, min(config.talk_neighbors, talks.size // 4))
    sub_config = dataclasses.replace(config, talk_neighbors=neighbours)
    rows, links_to, weights = talk_term_links(x, net.talk_vectors[talks], sub_config)
    found = partition(
        talks.size + cols.size,
        rows,
        links_to,
        weights,
        n_talks=int(talks.size),
        seed=config.seed,
        trials=config.trials,
        markov_time=config.markov_time,
        consensus_max_talks=config.consensus_max_talks,
        two_level=True,
    ).modules(1)
    talk_label = found[: talks.size]
    n_parts = int(talk_label.max()) + 1
    # Every term node of the group goes to the part its flow favours.
    terms = group[group >= n] - n
    flow = net.counts[talks][:, terms].T.tocsr()
    shares = flow_memberships(flow, talk_label, n_parts)
    term_label = np.where(shares.sum(axis=1) > 0, np.argmax(shares, axis=1), -1)
    parts = []
    for k in range(n_parts):
        members = np.concatenate([talks[talk_label == k], n + terms[term_label == k]])
        parts.append(np.sort(members))
    orphans = n + terms[term_label < 0]
    if orphans.size:
        largest = max(range(n_parts), key=lambda k: (talks_in(parts[k], n), -k))
        parts[largest] = np.sort(np.concatenate([parts[largest], orphans]))
    return [p for p in parts if p.size]


CATCH_ALL_SHARE = 0.10
"""A topic holding at least this share of the talks is checked for being a catch-all."""
CATCH_ALL_COHERENCE = 0.8
"""...and split one level down when its coherence is below this share of the median topic's
(and each part is more coherent than the whole),"""
CATCH_ALL_PART_GAIN = 1.25
"""...or, whatever its coherence, when each of its parts is this much more coherent than it."""


def split_catch_alls(groups: list[np.ndarray], net: TalkTermNetwork) -> list[np.ndarray]:
    """Split each big, incoherent topic (a coherent core plus an unrelated tail) into its parts.

    Coherence of a topic = mean pairwise cosine of its talks / the programme's
    (:func:`~talktopics.topics.keylabels.topic_coherence`). A topic with at least
    ``CATCH_ALL_SHARE`` of the talks and a coherence below ``CATCH_ALL_COHERENCE`` x the median
    topic's is replaced by its parts one level down (:func:`split_group`) when each of at
    least two parts is more coherent than the whole; otherwise it stays (and its label says it
    is mixed). One pass, so the result does not depend on an order of repeated splits.
    """
    n = net.n
    if len(groups) < 2:
        return groups
    primary = np.full(n, -1, dtype=np.int64)
    for t, g in enumerate(groups):
        primary[g[g < n]] = t
    coherence = topic_coherence(net.talk_vectors, primary, len(groups))
    median = float(np.median(coherence))
    out: list[np.ndarray] = []
    for t, group in enumerate(groups):
        big = talks_in(group, n) >= CATCH_ALL_SHARE * n
        if big:
            parts = halves([p for p in split_group(group, net) if talks_in(p, n) > 0], net)
            gain = CATCH_ALL_PART_GAIN if coherence[t] >= CATCH_ALL_COHERENCE * median else 1.0
            if _parts_tighter(parts, gain * coherence[t], net):
                logger.info(
                    "topic of %d talks is a catch-all: split in %d", talks_in(group, n), len(parts)
                )
                out.extend(parts)
                continue
        out.append(group)
    return out


def halves(parts: list[np.ndarray], net: TalkTermNetwork) -> list[np.ndarray]:
    """The parts merged down to two by Ward's criterion on the talk embeddings (the pair whose
    union adds the least within-topic variance is merged first); fewer parts are kept."""
    n, vectors = net.n, net.talk_vectors
    parts = list(parts)
    while len(parts) > 2:
        sizes = np.array([talks_in(p, n) for p in parts], dtype=np.float64)
        means = np.stack(
            [np.asarray(vectors[p[p < n]], dtype=np.float64).mean(axis=0) for p in parts]
        )
        sq = (means**2).sum(axis=1)
        dist2 = np.clip(sq[:, None] + sq[None, :] - 2.0 * means @ means.T, 0.0, None)
        cost = sizes[:, None] * sizes[None, :] / (sizes[:, None] + sizes[None, :]) * dist2
        np.fill_diagonal(cost, np.inf)
        i, j = np.unravel_index(int(np.argmin(cost)), cost.shape)
        merged = np.sort(np.concatenate([parts[i], parts[j]]))
        parts = [p for t, p in enumerate(parts) if t not in (i, j)] + [merged]
    return parts


def _parts_tighter(parts: list[np.ndarray], whole: float, net: TalkTermNetwork) -> bool:
    """At least two parts of ``min_topic_talks`` talks, each more coherent than the whole."""
    n = net.n
    sized = [p for p in parts if talks_in(p, n) >= net.config.min_topic_talks]
    if len(sized) < 2:
        return False
    primary = np.full(n, -1, dtype=np.int64)
    for t, p in enumerate(sized):
        primary[p[p < n]] = t
    return bool(np.all(topic_coherence(net.talk_vectors, primary, len(sized)) > whole))


def expand_giants(groups: list[np.ndarray], net: TalkTermNetwork) -> list[np.ndarray]:
    """Replace a module holding more than ``max_topic_share`` of the talks by its parts.

    On large corpora Infomap's multi-level tree may put almost everything under one top
    module whose children are the real subjects (EuroPython 2011-2024: one module of 1,809
    of 1,910 talks over 100 sub-modules); a flat cut at the top would then be meaningless.
    """
    limit = net.config.max_topic_share * net.n
    out: list[np.ndarray] = []
    todo = list(groups)
    while todo:
        group = todo.pop(0)
        if talks_in(group, net.n) > limit:
            parts = split_group(group, net)
            if len(parts) > 1:
                todo = parts + todo
                continue
        out.append(group)
    return out


def towards_target(groups: list[np.ndarray], target: int, net: TalkTermNetwork) -> list[np.ndarray]:
    """``--topics K``: split the largest topic one level down (module tree, or a sub-run of
    Infomap) while there are fewer than K; merge the two topics whose union is tightest
    (Ward's criterion on the talk embeddings) while there are more."""
    n, communities, talk_vectors = net.n, net.communities, net.talk_vectors
    groups = sort_groups(groups, communities, n)
    stuck: set[int] = set()
    while len(groups) < target:
        candidates = [g for g in groups if int(g[0]) not in stuck and talks_in(g, n) >= 2]
        if not candidates:
            logger.warning("only %d topics can be told apart (asked for %d)", len(groups), target)
            break
        largest = candidates[0]
        parts = sorted(
            (p for p in split_group(largest, net) if talks_in(p, n) > 0),
            key=lambda p: (-talks_in(p, n), int(p[0])),
        )
        if len(parts) < 2:
            stuck.add(int(largest[0]))
            continue
        room = target - len(groups) + 1
        if len(parts) > room:  # fold the smallest parts together to land on K exactly
            parts = [*parts[: room - 1], np.sort(np.concatenate(parts[room - 1 :]))]
        groups = sort_groups([g for g in groups if g is not largest] + parts, communities, n)
    while len(groups) > max(target, 1):
        # Ward's criterion on the talk embeddings: merge the pair whose union adds the least
        # within-topic variance, ``n_i n_j / (n_i + n_j) * |mean_i - mean_j|^2``. Plain
        # centroid similarity chains: a merged topic's centroid drifts to the corpus centre
        # and swallows everything.
        sizes = np.array([max(talks_in(g, n), 1) for g in groups], dtype=np.float64)
        means = np.stack(
            [
                np.asarray(talk_vectors[g[g < n]], dtype=np.float64).mean(axis=0)
                if talks_in(g, n)
                else np.zeros(talk_vectors.shape[1])
                for g in groups
            ]
        )
        sq = (means**2).sum(axis=1)
        dist2 = np.clip(sq[:, None] + sq[None, :] - 2.0 * means @ means.T, 0.0, None)
        cost = sizes[:, None] * sizes[None, :] / (sizes[:, None] + sizes[None, :]) * dist2
        np.fill_diagonal(cost, np.inf)
        i, j = np.unravel_index(int(np.argmin(cost)), cost.shape)
        merged = np.sort(np.concatenate([groups[i], groups[j]]))
        groups = sort_groups(
            [g for t, g in enumerate(groups) if t not in (i, j)] + [merged], communities, n
        )
    return sort_groups(refine_to_centres(groups, net), communities, n)


def refine_to_centres(groups: list[np.ndarray], net: TalkTermNetwork) -> list[np.ndarray]:
    """K-means (Lloyd) passes seeded by the groups: each talk moves to the nearest centre.

    Merging whole modules (or splitting one) towards a fixed K leaves talks that sat on a
    module's edge in a group whose centre is far from them. A talk is described by its unit
    embedding beside its unit tf-idf row scaled by ``target_refine_term_weight``, blended
    with the mean of its nearest talks' (``target_refine_neighbor_weight``: one smoothing step
    along the talk graph, so a talk follows its neighbourhood, not only itself); passes stop
    when no talk moves, after ``target_refine_iterations`` passes, or before a pass that would
    empty a group (so K stays K). Talks of modules too small to be topics join the nearest
    group in the first pass. Deterministic: no random start, ties go to the lower group.
    Term nodes then join the group that holds most of their tf-idf flow (a term used by no
    talk of any group stays where it was).
    """
    n, config = net.n, net.config
    k = len(groups)
    if k < 2 or config.target_refine_iterations == 0:
        return groups
    label = np.full(n, -1, dtype=np.int64)
    for t, g in enumerate(groups):
        label[g[g < n]] = t
    counts = net.counts
    features = refine_features(counts, net.talk_vectors, config)
    sq = (features**2).sum(axis=1)
    for _ in range(config.target_refine_iterations):
        one_hot = np.zeros((n, k))
        placed = np.flatnonzero(label >= 0)  # at first, talks of too-small modules are not
        one_hot[placed, label[placed]] = 1.0
        centres = (one_hot.T @ features) / one_hot.sum(axis=0)[:, None]
        dist = sq[:, None] - 2.0 * features @ centres.T + (centres**2).sum(axis=1)[None, :]
        moved = np.argmin(dist, axis=1)
        if np.array_equal(moved, label) or np.bincount(moved, minlength=k).min() == 0:
            break
        label = moved
    terms = np.concatenate([g[g >= n] for g in groups]) - n
    before = np.concatenate([np.full(int((g >= n).sum()), t) for t, g in enumerate(groups)])
    shares = flow_memberships(counts[:, terms].T.tocsr(), label, k)
    term_label = np.where(shares.sum(axis=1) > 0, np.argmax(shares, axis=1), before)
    return [
        np.sort(np.concatenate([np.flatnonzero(label == t), n + terms[term_label == t]]))
        for t in range(k)
    ]


def refine_features(
    counts: sp.spmatrix, talk_vectors: np.ndarray, config: TopicConfig
) -> np.ndarray:
    """The talks' features in :func:`refine_to_centres`: unit embedding beside the unit tf-idf
    row scaled by ``target_refine_term_weight``, blended with the mean of the nearest talks'.

    One dense ``n x (dim + terms)`` array is built, ``BLOCK_ROWS`` rows at a time; the tf-idf
    part and the neighbours' mean of it stay sparse until their rows are written (20,000
    talks x 6,000 terms: 1 GB instead of 4 GB of dense intermediates). Every value is the one
    the dense computation gives: same operations per element, sums in the same order.
    """
    n = int(counts.shape[0])
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    x = tfidf(counts, smooth_idf(df, n))
    norms = np.concatenate(
        [np.linalg.norm(x[s : s + BLOCK_ROWS].toarray(), axis=1) for s in range(0, n, BLOCK_ROWS)]
        or [np.zeros(0)]
    )
    terms = x.copy()
    per_row = np.repeat(np.maximum(norms, 1e-12), np.diff(terms.indptr))
    terms.data = config.target_refine_term_weight * (terms.data / per_row)
    vectors = np.asarray(talk_vectors, dtype=np.float64)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    dim = vectors.shape[1]
    features = np.empty((n, dim + terms.shape[1]))
    features[:, :dim] = vectors
    for s in range(0, n, BLOCK_ROWS):
        features[s : s + BLOCK_ROWS, dim:] = terms[s : s + BLOCK_ROWS].toarray()
    alpha = config.target_refine_neighbor_weight
    if alpha > 0 and n > 1:
        knn = sp.csr_matrix(knn_cosine(talk_vectors, config.talk_neighbors, min_similarity=0.0))
        knn = (knn + knn.T).tocsr()
        degree = np.asarray(knn.sum(axis=1)).ravel()
        step = sp.diags(1.0 / np.where(degree > 0, degree, 1.0)) @ knn
        mean_vectors = step @ vectors
        mean_terms = sp.csr_matrix(step @ terms)
        for s in range(0, n, BLOCK_ROWS):
            rows = slice(s, s + BLOCK_ROWS)
            mean = np.hstack([mean_vectors[rows], mean_terms[rows].toarray()])
            block = features[rows]
            features[rows] = np.where(
                degree[rows, None] > 0, (1.0 - alpha) * block + alpha * mean, block
            )
    return features
