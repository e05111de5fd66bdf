"""Community detection: a weighted undirected network (link lists) in, Infomap's hierarchical
partition (:class:`Communities`: module paths, flow, codelength) out. The only module that
imports :mod:`infomap`; fuzzy memberships from the partition are in
:mod:`talktopics.topics.memberships`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from talktopics.errors import ConfigError

__all__ = ["Communities", "detect_communities", "single_trials"]

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
    _check_options(trials, markov_time)
    rows, cols, weights = _link_arrays(rows, cols, weights)
    if n_nodes == 0:
        logger.info("community detection on an empty network: no modules")
        return _empty()
    links = _aggregate_links(n_nodes, rows, cols, weights)
    return _partition(
        n_nodes, links, seed=seed, trials=trials, markov_time=markov_time, two_level=two_level
    )


def _partition(
    n_nodes: int,
    links: np.ndarray,
    *,
    seed: int,
    trials: int,
    markov_time: float,
    two_level: bool,
) -> Communities:
    """Infomap on aggregated links; nodes without links become singletons."""
    paths: list[tuple[int, ...]] = [()] * n_nodes
    flow = np.zeros(n_nodes)
    centrality = np.zeros(n_nodes)
    codelength = 0.0
    if links.size:
        codelength = _run_infomap(
            links,
            paths,
            flow,
            centrality,
            seed=seed,
            trials=trials,
            markov_time=markov_time,
            two_level=two_level,
        )
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


def single_trials(
    n_nodes: int,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    *,
    seeds: Sequence[int],
    markov_time: float = 1.0,
    two_level: bool = False,
) -> list[Communities]:
    """One single-trial Infomap partition per seed, on the same network (links aggregated once).

    Args:
        n_nodes: Nodes are ``0..n_nodes-1``; nodes without links become singleton modules.
        rows: Link sources.
        cols: Link targets (undirected).
        weights: Positive link weights.
        seeds: One Infomap seed per trial; the same seeds give the same partitions.
        markov_time: As in :func:`detect_communities`.
        two_level: A flat partition instead of the multi-level hierarchy.

    Returns:
        The partitions, in the order of ``seeds``.
    """
    _check_options(max(len(seeds), 1), markov_time)
    rows, cols, weights = _link_arrays(rows, cols, weights)
    if n_nodes == 0:
        return [_empty() for _ in seeds]
    links = _aggregate_links(n_nodes, rows, cols, weights)
    return [
        _partition(n_nodes, links, seed=s, trials=1, markov_time=markov_time, two_level=two_level)
        for s in seeds
    ]


def _empty() -> Communities:
    return Communities(
        paths=(), flow=np.zeros(0), centrality=np.zeros(0), codelength=0.0, num_top_modules=0
    )


def _check_options(trials: int, markov_time: float) -> None:
    if trials < 1:
        raise ConfigError(f"trials = {trials} is invalid; must be >= 1")
    if markov_time <= 0:
        raise ConfigError(f"markov_time = {markov_time} is invalid; must be > 0")


def _link_arrays(
    rows: np.ndarray, cols: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Link sources, targets and weights as int64/int64/float64 arrays of one length."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.float64)
    if not rows.shape == cols.shape == weights.shape:
        raise ConfigError("rows, cols and weights must have the same length")
    return rows, cols, weights


def _aggregate_links(
    n_nodes: int, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Checked links as ``(lo, hi, summed weight)`` rows, sorted, without self-links and zeros."""
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
    return links


def _run_infomap(
    links: np.ndarray,
    paths: list[tuple[int, ...]],
    flow: np.ndarray,
    centrality: np.ndarray,
    *,
    seed: int,
    trials: int,
    markov_time: float,
    two_level: bool,
) -> float:
    """Run Infomap on the links; fill ``paths``, ``flow`` and ``centrality`` per node and
    return the codelength."""
    import infomap

    network = infomap.Network()
    network.add_links(np.ascontiguousarray(links, dtype=np.float64))
    result = infomap.run(
        network,
        seed=int(seed),
        num_trials=int(trials),
        two_level=two_level,
        markov_time=float(markov_time),
    )
    for node in result.nodes():
        paths[node.node_id] = tuple(int(x) for x in node.path[:-1])
        flow[node.node_id] = node.flow
        centrality[node.node_id] = node.modular_centrality
    return float(result.codelength)
