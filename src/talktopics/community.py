"""Community detection: a weighted network in, Infomap's hierarchical modules and fuzzy
memberships out. The only module that imports :mod:`infomap`.

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

import logging
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from talktopics.errors import ConfigError

__all__ = [
    "Communities",
    "detect_communities",
    "flow_memberships",
    "sparsify_memberships",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Communities:
    """Infomap's hierarchical partition of nodes ``0..n-1``, copied out of the engine.

    Attributes:
        paths: Per node, its module path from the top level down (the node's own leaf index
            removed), e.g. ``(2, 1)`` = second top module, its first sub-module. Modules are
            numbered as Infomap orders them (by flow, largest first), starting at 1.
        flow: Per node, its share of the stationary flow (sums to 1 over nodes).
        centrality: Per node, Infomap's modular centrality within its module.
        codelength: Map-equation codelength of the partition (bits).
        num_top_modules: Number of top-level modules.
    """

    paths: tuple[tuple[int, ...], ...]
    flow: np.ndarray
    centrality: np.ndarray
    codelength: float
    num_top_modules: int

    @property
    def num_nodes(self) -> int:
        return len(self.paths)

    @property
    def depth(self) -> int:
        """Number of module levels (1 = a flat partition)."""
        return max((len(p) for p in self.paths), default=0)

    def modules(self, level: int = 1) -> np.ndarray:
        """Module index (0-based, dense, in Infomap's order) of every node at ``level``.

        Nodes whose branch of the tree is shallower than ``level`` keep their deepest module.
        """
        if level < 1:
            raise ConfigError(f"level = {level} is invalid; must be >= 1")
        keys = [p[:level] for p in self.paths]
        index = {key: i for i, key in enumerate(sorted(set(keys)))}
        return np.array([index[key] for key in keys], dtype=np.int64)


def detect_communities(
    n_nodes: int,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    *,
    seed: int,
    trials: int = 10,
    markov_time: float = 1.0,
    two_level: bool = False,
) -> Communities:
    """Partition an undirected weighted network with Infomap.

    Args:
        n_nodes: Nodes are ``0..n_nodes-1``; nodes without links become singleton modules.
        rows: Link sources.
        cols: Link targets (undirected: ``(i, j)`` and ``(j, i)`` add up).
        weights: Positive link weights.
        seed: Random seed of Infomap (same seed and input = same partition).
        trials: Independent trials; the shortest codelength wins.
        markov_time: Above 1 gives fewer, larger modules; below 1 more, smaller ones.
        two_level: A flat partition instead of the multi-level hierarchy.

    Returns:
        The partition. An empty network gives an empty result (and a log line).

    Raises:
        ConfigError: Bad arguments (negative weights, ids out of range, trials < 1).
    """
    import infomap

    if trials < 1:
        raise ConfigError(f"trials = {trials} is invalid; must be >= 1")
    if markov_time <= 0:
        raise ConfigError(f"markov_time = {markov_time} is invalid; must be > 0")
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.float64)
    if not rows.shape == cols.shape == weights.shape:
        raise ConfigError("rows, cols and weights must have the same length")
    if n_nodes == 0:
        logger.info("community detection on an empty network: no modules")
        return Communities(
            paths=(), flow=np.zeros(0), centrality=np.zeros(0), codelength=0.0, num_top_modules=0
        )
    if rows.size and (min(rows.min(), cols.min()) < 0 or max(rows.max(), cols.max()) >= n_nodes):
        raise ConfigError(f"link ends must be node ids in 0..{n_nodes - 1}")
    if np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise ConfigError("link weights must be finite and >= 0")
    keep = (weights > 0) & (rows != cols)
    links = np.column_stack([rows[keep], cols[keep], weights[keep]])
    # Aggregate duplicates in a fixed order: the engine input is then order-independent.
    if links.size:
        lo = np.minimum(links[:, 0], links[:, 1])
        hi = np.maximum(links[:, 0], links[:, 1])
        pairs, inverse = np.unique(np.column_stack([lo, hi]), axis=0, return_inverse=True)
        summed = np.bincount(inverse.ravel(), weights=links[:, 2], minlength=len(pairs))
        links = np.column_stack([pairs, summed])

    paths: list[tuple[int, ...]] = [()] * n_nodes
    flow = np.zeros(n_nodes)
    centrality = np.zeros(n_nodes)
    codelength = 0.0
    if links.size:
        network = infomap.Network()
        network.add_links(np.ascontiguousarray(links, dtype=np.float64))
        result = infomap.run(
            network,
            seed=int(seed),
            num_trials=int(trials),
            two_level=two_level,
            markov_time=float(markov_time),
        )
        codelength = float(result.codelength)
        for node in result.nodes():
            paths[node.node_id] = tuple(int(x) for x in node.path[:-1])
            flow[node.node_id] = node.flow
            centrality[node.node_id] = node.modular_centrality
    # Nodes without links carry no flow: Infomap would park them in some module; they are
    # singletons here, numbered after the real modules.
    top = max((p[0] for p in paths if p), default=0)
    for node_id in range(n_nodes):
        if not paths[node_id]:
            top += 1
            paths[node_id] = (top,)
    num_top = len({p[0] for p in paths})
    logger.debug(
        "infomap: %d nodes, %d links, %d top modules, codelength %.4f",
        n_nodes,
        len(links),
        num_top,
        codelength,
    )
    return Communities(
        paths=tuple(paths),
        flow=flow,
        centrality=centrality,
        codelength=codelength,
        num_top_modules=num_top,
    )


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
    out: np.ndarray = np.divide(scores, total, out=np.zeros_like(scores), where=total > 0)
    return out


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
