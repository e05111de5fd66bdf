"""Fuzzy memberships from a hard partition: link weights and module labels in, each node's
share of link flow per module out (:func:`flow_memberships`), kept sparse
(:func:`sparsify_memberships`) and smoothed over the word graph (:func:`smooth_over_graph`);
for the vocabulary of a fit, the terms' topic memberships (:func:`term_memberships`) as
records (:func:`membership_records`) and word-graph node attributes
(:func:`annotate_word_graph`).

Fuzzy membership — the choice made here: a flow-based soft assignment. Infomap partitions the
network into hard modules (multi-level, seeded, best of several trials). For an undirected
network Infomap's stationary link flow is proportional to the link weight, so the share of a
node's link flow that ends in each module is ``sum_j w_ij [module(j) = k] / sum_j w_ij``.
:func:`flow_memberships` returns those shares; :func:`sparsify_memberships` drops the small
ones and renormalises. A node whose links all stay in one module is crisp; a node whose flow is
split between modules (a word used in two groups of talks) is fuzzy. State nodes (a term split
into one copy per talk it occurs in) were the alternative; they multiply the network size by
the number of occurrences and, for an undirected talk-term network, give the same split of
flow as this one-step soft assignment, which is cheaper and easier to explain.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import scipy.sparse as sp

from talktopics.config import TopicConfig
from talktopics.errors import ConfigError
from talktopics.records import OTHER_TOPIC, TermMembership, TermTable

__all__ = [
    "annotate_word_graph",
    "flow_memberships",
    "membership_records",
    "smooth_over_graph",
    "sparsify_memberships",
    "term_memberships",
]


def flow_memberships(adjacency: sp.spmatrix, labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Share of each node's link flow that ends in each module (flow-based soft assignment).

    Args:
        adjacency: ``r x c`` non-negative link weights: row ``i`` holds the links of node
            ``i`` to the ``c`` nodes of the network (include a self-link to count a node's own
            module).
        labels: Module of each of the ``c`` nodes; ``-1`` = no module (its links not counted).
        n_labels: Number of modules.

    Returns:
        ``r x n_labels`` float64 array; each row sums to 1, or to 0 for a node with no flow
        into any module.
    """
    adjacency = sp.csr_matrix(adjacency)
    labels = np.asarray(labels, dtype=np.int64)
    if labels.shape != (adjacency.shape[1],):
        raise ConfigError(f"{labels.shape[0]} labels for a network of {adjacency.shape[1]} nodes")
    valid = np.flatnonzero(labels >= 0)
    onehot = sp.csr_matrix(
        (np.ones(valid.size), (valid, labels[valid])), shape=(labels.size, n_labels)
    )
    scores = np.asarray((adjacency @ onehot).todense(), dtype=np.float64)
    total = scores.sum(axis=1, keepdims=True)
    # In place: a row without flow is all zeros already (no second r x n_labels array).
    np.divide(scores, total, out=scores, where=total > 0)
    return scores


def sparsify_memberships(
    shares: np.ndarray, *, min_weight: float, max_modules: int
) -> list[tuple[tuple[int, float], ...]]:
    """Keep each row's modules with a share of at least ``min_weight`` (at most
    ``max_modules``, strongest first, ties by module index), renormalised to sum to 1.

    A row's strongest module is always kept, so every row with any flow gets a membership;
    rows without flow get ``()``.
    """
    if not 0.0 < min_weight <= 1.0:
        raise ConfigError(f"min_weight = {min_weight} is invalid; must be in (0, 1]")
    if max_modules < 1:
        raise ConfigError(f"max_modules = {max_modules} is invalid; must be >= 1")
    out: list[tuple[tuple[int, float], ...]] = []
    for row in np.asarray(shares, dtype=np.float64):
        nz = np.flatnonzero(row > 0)
        if nz.size == 0:
            out.append(())
            continue
        order = nz[np.lexsort((nz, -row[nz]))]
        kept = [int(order[0])] + [int(j) for j in order[1:max_modules] if row[j] >= min_weight]
        total = float(row[kept].sum())
        out.append(tuple((j, float(row[j]) / total) for j in kept))
    return out


def smooth_over_graph(
    shares: np.ndarray, vocab: tuple[str, ...], graph: nx.Graph, weight: float
) -> np.ndarray:
    """``(1 - weight) * own shares + weight * weighted mean of the word-graph neighbours'``."""
    if weight <= 0 or graph.number_of_edges() == 0 or shares.size == 0:
        return shares
    index = {key: j for j, key in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for u, v, w in graph.edges(data="weight", default=0.0):
        if u in index and v in index:
            rows += [index[u], index[v]]
            cols += [index[v], index[u]]
            vals += [float(w), float(w)]
    adj = sp.csr_matrix((vals, (rows, cols)), shape=(len(vocab), len(vocab)))
    adj.sum_duplicates()
    degree = np.asarray(adj.sum(axis=1)).ravel()
    neighbours = np.asarray(adj @ shares)
    has = degree > 0
    neighbours[has] /= degree[has, None]
    out = shares.copy()
    out[has] = (1 - weight) * shares[has] + weight * neighbours[has]
    return out


def term_memberships(
    x: sp.csr_matrix,
    primary: np.ndarray,
    k: int,
    vocab: tuple[str, ...],
    word_graph: nx.Graph,
    config: TopicConfig,
) -> tuple[list[tuple[tuple[int, float], ...]], np.ndarray]:
    """Fuzzy term memberships: a term's tf-idf flow into its talks' primary topics, smoothed
    over its word-graph neighbours; small shares dropped.

    Args:
        x: Talks x vocabulary tf-idf weights.
        primary: Per talk, its primary topic index (``-1`` = other).
        k: Number of topics.
        vocab: The vocabulary's term keys (word-graph node keys).
        word_graph: The word-similarity graph.
        config: ``membership_graph_weight``, ``fuzzy_threshold``, ``max_term_topics``.

    Returns:
        Per term its ``(topic index, weight)`` pairs (strongest first; ``()`` = no topic),
        and the same as a terms x topics matrix.
    """
    hard = np.where(primary >= 0, primary, k)
    shares = flow_memberships(x.T.tocsr(), hard, k + 1)[:, :k]
    shares = smooth_over_graph(shares, vocab, word_graph, config.membership_graph_weight)
    kept = sparsify_memberships(
        shares, min_weight=config.fuzzy_threshold, max_modules=config.max_term_topics
    )
    member = np.zeros((len(vocab), k))
    for j, mem in enumerate(kept):
        for t, w in mem:
            member[j, t] = w
    return kept, member


def membership_records(
    kept: Sequence[tuple[tuple[int, float], ...]],
    vocab: tuple[str, ...],
    terms: TermTable,
    selected: np.ndarray,
    topic_ids: Sequence[str],
) -> tuple[TermMembership, ...]:
    """:class:`~talktopics.records.TermMembership` records, sorted by term; a term in no
    topic belongs to ``OTHER_TOPIC``."""
    df_all = np.asarray((sp.csr_matrix(terms.counts) > 0).sum(axis=0)).ravel()
    return tuple(
        sorted(
            (
                TermMembership(
                    term=vocab[j],
                    topics=_topic_weights(kept[j], topic_ids),
                    df=int(df_all[col]),
                    languages=tuple(terms.languages[col]) if col < len(terms.languages) else (),
                )
                for j, col in enumerate(selected.tolist())
            ),
            key=lambda mem: mem.term,
        )
    )


def annotate_word_graph(
    word_graph: nx.Graph,
    vocab: tuple[str, ...],
    kept: Sequence[tuple[tuple[int, float], ...]],
    topic_ids: Sequence[str],
    term_flow: np.ndarray,
) -> None:
    """Give each vocabulary node of the graph its ``topics``, strongest ``topic`` and Infomap
    ``flow`` (``term_flow``: per vocabulary term)."""
    for j, key in enumerate(vocab):
        if key in word_graph:
            node = word_graph.nodes[key]
            node["topics"] = _topic_weights(kept[j], topic_ids)
            node["topic"] = node["topics"][0][0]
            node["flow"] = round(float(term_flow[j]), 9)


def _topic_weights(
    membership: tuple[tuple[int, float], ...], topic_ids: Sequence[str]
) -> tuple[tuple[str, float], ...]:
    return tuple((topic_ids[t], round(w, 6)) for t, w in membership) or ((OTHER_TOPIC, 1.0),)
