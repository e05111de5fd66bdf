"""Consensus partition: a talk-term network (link lists) and a seed in, one
:class:`~talktopics.topics.communities.Communities` out that barely depends on the seed.

Infomap's best-codelength partition of the talk-term network is degenerate: several partitions
of near-equal codelength exist, so the best of 10 trials changes with the seed (mean pairwise
ARI 0.74-0.93 over 5 seeds on the bench's programmes). Up to ``CONSENSUS_MAX_TALKS`` talks the
partition is instead the consensus of single Infomap trials (:func:`consensus_trials`: 50 up
to 300 talks, then fewer, so that talks x trials stays within ``CONSENSUS_TRIAL_BUDGET``):

1. trial seeds are derived from the run's seed (:func:`trial_seeds`), so the same seed gives
   the same trials and different seeds give disjoint ones;
2. co-assignment of two talks = the share of the trials that put them in the same top-level
   module (trials that put every talk in one module found no structure and do not vote);
3. the consensus clustering of Lancichinetti & Fortunato (Sci. Rep. 2, 336, 2012;
   :func:`consensus_labels`): the talks linked by their co-assignment where it is at least
   ``CONSENSUS_THRESHOLD`` are partitioned by ``CONSENSUS_ROUND_TRIALS`` single two-level
   Infomap trials, whose co-assignment is the next round's, until every pair of talks is
   always or never together (at most ``CONSENSUS_ROUNDS`` rounds); the groups are then the
   talks that share a module in at least half of the last round's trials. No cut of a
   dendrogram decides the number of groups, so a programme's ~10-talk topics are not merged
   because a cut chosen on a larger programme says so (the fixed average-linkage cut at 0.7
   this replaced lost AMI on the smallest programmes; bench/RESULTS.md);
4. each term node joins, by plurality over the kept trials, the consensus group that holds most
   talks of its module.

The result is flat (one level); :func:`~talktopics.topics.regroup.split_group` finds the parts
of a group by the same rule on the group's own sub-network. Above ``CONSENSUS_MAX_TALKS`` talks
the cost (one Infomap run per trial) is not paid: Infomap's best of ``trials`` trials, as before.
"""

from __future__ import annotations

import logging

import numpy as np
import scipy.sparse as sp

from talktopics.topics.communities import Communities, detect_communities, single_trials

__all__ = [
    "CONSENSUS_KEEP",
    "CONSENSUS_MAX_TALKS",
    "CONSENSUS_MIN_TRIALS",
    "CONSENSUS_ROUNDS",
    "CONSENSUS_ROUND_TRIALS",
    "CONSENSUS_THRESHOLD",
    "CONSENSUS_TRIALS",
    "CONSENSUS_TRIAL_BUDGET",
    "consensus_communities",
    "consensus_labels",
    "consensus_trials",
    "partition",
    "trial_seeds",
]

logger = logging.getLogger(__name__)

CONSENSUS_MAX_TALKS = 1000
"""The talk count up to which the consensus is affordable (the bench's ``consensus`` rule and
``TopicConfig(consensus_max_talks=CONSENSUS_MAX_TALKS)``); above it, Infomap's best of
``trials`` trials."""
CONSENSUS_TRIALS = 50
"""Single Infomap trials per consensus, at most..."""
CONSENSUS_TRIAL_BUDGET = 15_000
"""...and at most this many talks x trials (500 talks: 30 trials; 1,000 talks: 15),"""
CONSENSUS_MIN_TRIALS = 10
"""...and at least this many."""
CONSENSUS_KEEP = 50
"""The shortest-codelength trials among them that vote (all of them)."""
CONSENSUS_THRESHOLD = 0.5
"""Two talks are linked in a consensus round while they share a module in at least this share
of the trials (chosen on EuroPython 2022, a tuned set: 0.4 / 0.5 / 0.6 / 0.7 gave stability
0.968 / 0.977 / 0.965 / 0.922 at AMI 0.352 / 0.349 / 0.324 / 0.324)."""
CONSENSUS_ROUNDS = 20
"""Rounds of Infomap on the co-assignment graph, at most (EuroPython 2022 settles in a few)..."""
CONSENSUS_ROUND_TRIALS = 50
"""...each of this many single trials (with 20, one seed of EuroPython 2022 settled on another
partition: stability 0.941 instead of 0.977)."""


def partition(
    n_nodes: int,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    *,
    n_talks: int,
    seed: int,
    trials: int,
    markov_time: float,
    consensus_max_talks: int,
    two_level: bool = False,
) -> Communities:
    """The network's partition: the consensus of single trials up to ``CONSENSUS_MAX_TALKS``
    talks (nodes ``0..n_talks-1``), Infomap's best of ``trials`` above.

    Args:
        n_nodes: Nodes ``0..n_nodes-1``; the first ``n_talks`` are talks.
        rows: Link sources.
        cols: Link targets (undirected).
        weights: Positive link weights.
        n_talks: Number of talk nodes.
        seed: The run's seed.
        trials: Infomap trials of the best-of rule (above ``CONSENSUS_MAX_TALKS`` talks).
        markov_time: Infomap's Markov time.
        consensus_max_talks: The consensus applies up to this many talks
            (:attr:`~talktopics.config.TopicConfig.consensus_max_talks`; 0 = never).
        two_level: Flat Infomap partitions instead of the multi-level hierarchy.
    """
    if n_talks > consensus_max_talks or n_talks < 2:
        return detect_communities(
            n_nodes,
            rows,
            cols,
            weights,
            seed=seed,
            trials=trials,
            markov_time=markov_time,
            two_level=two_level,
        )
    return consensus_communities(
        n_nodes,
        rows,
        cols,
        weights,
        n_talks=n_talks,
        seed=seed,
        trials=consensus_trials(n_talks),
        keep=CONSENSUS_KEEP,
        threshold=CONSENSUS_THRESHOLD,
        markov_time=markov_time,
        two_level=two_level,
    )


def consensus_trials(n_talks: int) -> int:
    """Single trials for a network of ``n_talks`` talks: ``CONSENSUS_TRIALS``, fewer where
    ``CONSENSUS_TRIAL_BUDGET`` talk-trials run out, never below ``CONSENSUS_MIN_TRIALS``."""
    by_budget = CONSENSUS_TRIAL_BUDGET // max(n_talks, 1)
    return max(CONSENSUS_MIN_TRIALS, min(CONSENSUS_TRIALS, by_budget))


def trial_seeds(seed: int, count: int) -> list[int]:
    """``count`` Infomap seeds (1..2^31-1) derived from the run's seed; another seed gives
    another, practically disjoint, block (Infomap seeds trial *i* of a run with ``seed + i``,
    so the blocks of seeds 1 and 2 would otherwise share all but one trial)."""
    entropy = [int(seed < 0), abs(int(seed))]
    state = np.random.SeedSequence(entropy).generate_state(count, dtype=np.uint32)
    return [int(s) % (2**31 - 1) + 1 for s in state.tolist()]


def consensus_communities(
    n_nodes: int,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    *,
    n_talks: int,
    seed: int,
    trials: int,
    keep: int,
    threshold: float,
    markov_time: float = 1.0,
    two_level: bool = False,
) -> Communities:
    """The consensus of ``trials`` single Infomap trials (see the module docstring).

    Args:
        n_nodes: Nodes ``0..n_nodes-1``; the first ``n_talks`` are talks.
        rows: Link sources.
        cols: Link targets (undirected).
        weights: Positive link weights.
        n_talks: Number of talk nodes; only talks are clustered, terms follow them.
        seed: The run's seed (trial seeds are derived from it).
        trials: Single trials run.
        keep: The shortest-codelength trials that vote (ties: the earlier trial).
        threshold: Co-assignment from which two talks are linked in a consensus round
            (:func:`consensus_labels`), in ``(0, 1]``.
        markov_time: Infomap's Markov time.
        two_level: Flat Infomap trials instead of multi-level ones.

    Returns:
        A flat partition (paths of length 1, groups numbered by size); flow and centrality of
        the best trial, its codelength.
    """
    runs = single_trials(
        n_nodes,
        rows,
        cols,
        weights,
        seeds=trial_seeds(seed, trials),
        markov_time=markov_time,
        two_level=two_level,
    )
    if n_nodes == 0:
        return runs[0] if runs else detect_communities(0, rows, cols, weights, seed=seed)
    order = sorted(range(len(runs)), key=lambda t: (runs[t].codelength, t))[: max(1, keep)]
    kept = [runs[t] for t in order]
    # A trial that left every talk in one module found no structure: it would vote "together"
    # for every pair (on a dense ~50-talk network a quarter of the trials do) and glue the
    # consensus into one lump. It votes only when no trial found structure.
    tops = np.stack([r.modules(1) for r in kept])
    found = np.array([np.unique(labels[:n_talks]).size > 1 for labels in tops])
    if found.any():
        kept = [r for r, ok in zip(kept, found, strict=True) if ok]
        tops = tops[found]
    talk_label = consensus_labels(tops[:, :n_talks], threshold, seed=seed)
    node_label = np.concatenate([talk_label, _follow_talks(tops, talk_label, n_talks)])
    best = kept[0]
    return Communities(
        paths=tuple((int(k) + 1,) for k in node_label.tolist()),
        flow=best.flow,
        centrality=best.centrality,
        codelength=best.codelength,
        num_top_modules=int(np.unique(node_label).size),
    )


def consensus_labels(partitions: np.ndarray, threshold: float, *, seed: int = 1) -> np.ndarray:
    """Consensus of several partitions of the same items (Lancichinetti & Fortunato 2012).

    Args:
        partitions: Trials x items module labels (any integers, per trial).
        threshold: Items are linked, with their co-assignment as the weight, while they share
            a module in at least this share of the trials; the links are partitioned by
            ``CONSENSUS_ROUND_TRIALS`` single two-level Infomap trials, whose co-assignment is
            the next round's, until every pair is always or never together (at most
            ``CONSENSUS_ROUNDS`` rounds).
        seed: The run's seed (the rounds' Infomap seeds are derived from it).

    Returns:
        A label ``0..K-1`` per item: items sharing a module in at least half of the last
        round's partitions are one group (an item linked to none is a group of its own);
        groups numbered by size (largest first), then by their lowest item.
    """
    from scipy.sparse.csgraph import connected_components

    n_trials, n = partitions.shape
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    share = _co_assignment(partitions) / n_trials
    off_diagonal = ~np.eye(n, dtype=bool)
    for round_index in range(CONSENSUS_ROUNDS):
        pairs = share[off_diagonal]
        if np.all((pairs < 1e-9) | (pairs > 1.0 - 1e-9)):
            break
        rows, cols = np.nonzero(np.triu(np.where(share >= threshold, share, 0.0), k=1))
        if rows.size == 0:  # no pair shares a module often enough: one group per item
            return np.arange(n, dtype=np.int64)
        runs = single_trials(
            n,
            rows,
            cols,
            share[rows, cols],
            seeds=_round_seeds(seed, round_index, CONSENSUS_ROUND_TRIALS),
            two_level=True,
        )
        share = _co_assignment(np.stack([r.modules(1) for r in runs])) / len(runs)
    _, raw = connected_components(sp.csr_matrix(share >= 0.5), directed=False)
    return _renumber(np.asarray(raw))


def _round_seeds(seed: int, round_index: int, count: int) -> list[int]:
    """Infomap seeds of one consensus round, derived from the run's seed and the round (apart
    from :func:`trial_seeds`' block)."""
    entropy = [int(seed < 0), abs(int(seed)), 1, round_index]
    state = np.random.SeedSequence(entropy).generate_state(count, dtype=np.uint32)
    return [int(s) % (2**31 - 1) + 1 for s in state.tolist()]


def _co_assignment(partitions: np.ndarray) -> np.ndarray:
    """Items x items: in how many trials two items share a module (integer counts)."""
    n = partitions.shape[1]
    blocks = []
    for labels in partitions:
        _, codes = np.unique(labels, return_inverse=True)
        blocks.append(sp.csr_matrix((np.ones(n), (np.arange(n), codes.ravel()))))
    one_hot = sp.hstack(blocks).tocsr()
    return np.asarray((one_hot @ one_hot.T).toarray(), dtype=np.float64)


def _renumber(raw: np.ndarray) -> np.ndarray:
    """Dense labels ordered by group size (largest first), then by the group's lowest item."""
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(raw.tolist()):
        groups.setdefault(int(k), []).append(i)
    ordered = sorted(groups.values(), key=lambda items: (-len(items), items[0]))
    labels = np.empty(raw.size, dtype=np.int64)
    for k, items in enumerate(ordered):
        labels[items] = k
    return labels


def _follow_talks(tops: np.ndarray, talk_label: np.ndarray, n_talks: int) -> np.ndarray:
    """Per non-talk node, the consensus group of the talks of its module, by plurality over
    trials (ties: the lower group); a node whose modules never hold a talk gets a group of
    its own, numbered after the talks' groups."""
    n_nodes = tops.shape[1]
    k = int(talk_label.max()) + 1 if talk_label.size else 0
    votes = np.zeros((n_nodes - n_talks, max(k, 1)))
    for labels in tops:
        modules = int(labels.max()) + 1
        # Module -> consensus group holding most of its talks (ties: the lower group).
        table = np.zeros((modules, max(k, 1)))
        np.add.at(table, (labels[:n_talks], talk_label), 1.0)
        has_talks = table.sum(axis=1) > 0
        target = np.argmax(table, axis=1)
        rest = labels[n_talks:]
        voting = has_talks[rest]
        np.add.at(votes, (np.flatnonzero(voting), target[rest[voting]]), 1.0)
    out: np.ndarray = np.argmax(votes, axis=1).astype(np.int64)
    lonely = np.flatnonzero(votes.sum(axis=1) == 0)
    out[lonely] = k + np.arange(lonely.size)
    return out
