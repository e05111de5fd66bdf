"""Infomap layer: planted partitions, hierarchy, determinism, fuzzy (flow-based) memberships."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from talktopics.errors import ConfigError
from talktopics.topics.communities import Communities, detect_communities
from talktopics.topics.memberships import flow_memberships, sparsify_memberships


def _cliques(sizes: list[int], bridges: list[tuple[int, int, float]]) -> tuple[np.ndarray, ...]:
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []
    start = 0
    for size in sizes:
        for a, b in itertools.combinations(range(start, start + size), 2):
            rows.append(a)
            cols.append(b)
            weights.append(1.0)
        start += size
    for a, b, w in bridges:
        rows.append(a)
        cols.append(b)
        weights.append(w)
    return np.array(rows), np.array(cols), np.array(weights)


def test_planted_cliques_are_recovered() -> None:
    rows, cols, weights = _cliques([6, 6, 6], [(0, 6, 1.0), (6, 12, 1.0)])
    found = detect_communities(18, rows, cols, weights, seed=3, trials=5)
    modules = found.modules(1)
    assert found.num_top_modules == 3
    for block in (range(0, 6), range(6, 12), range(12, 18)):
        assert len({int(modules[i]) for i in block}) == 1
    assert len({int(modules[0]), int(modules[6]), int(modules[12])}) == 3
    assert found.flow.sum() == pytest.approx(1.0)
    assert found.codelength > 0


def test_hierarchy_is_kept() -> None:
    # Two super-groups of four dense groups (10 nodes each); groups of the same super-group
    # are tied by many links, the two super-groups by one weak link.
    rng = np.random.default_rng(0)
    per = 10
    bridges: list[tuple[int, int, float]] = [(0, 4 * per, 0.1)]
    for first in (0, 4):
        for ga, gb in itertools.combinations(range(first, first + 4), 2):
            for _ in range(10):
                a = ga * per + int(rng.integers(per))
                b = gb * per + int(rng.integers(per))
                bridges.append((a, b, 1.0))
    rows, cols, weights = _cliques([per] * 8, bridges)
    found = detect_communities(8 * per, rows, cols, weights, seed=1, trials=10)
    top = found.modules(1)
    low = found.modules(2)
    group = np.arange(8 * per) // per
    # The bottom level is exactly the eight planted groups.
    assert len(set(low.tolist())) == 8
    assert all(len(set(low[group == g].tolist())) == 1 for g in range(8))
    # No top module mixes the two super-groups, and at least one holds a whole super-group
    # with its four groups as sub-modules: the hierarchy is there, not flattened.
    assert not set(top[: 4 * per].tolist()) & set(top[4 * per :].tolist())
    assert found.depth == 2
    whole = [m for m in set(top.tolist()) if len(set(group[top == m].tolist())) == 4]
    assert whole
    assert len(set(low[top == whole[0]].tolist())) == 4


def test_same_seed_same_result_and_order_independent() -> None:
    rows, cols, weights = _cliques([5, 7, 4], [(0, 5, 0.5), (5, 12, 0.5), (0, 12, 0.2)])
    a = detect_communities(16, rows, cols, weights, seed=7, trials=4)
    perm = np.random.default_rng(1).permutation(rows.size)
    # Reversed and shuffled link order: the same undirected network.
    b = detect_communities(16, cols[perm], rows[perm], weights[perm], seed=7, trials=4)
    assert a.paths == b.paths
    assert np.array_equal(a.flow, b.flow)


def test_isolated_nodes_are_singletons_and_empty_network() -> None:
    found = detect_communities(5, np.array([0, 1]), np.array([1, 2]), np.ones(2), seed=1)
    modules = found.modules(1)
    assert modules[0] == modules[1] == modules[2]
    assert len({int(modules[0]), int(modules[3]), int(modules[4])}) == 3
    assert found.flow[3] == 0.0

    empty = detect_communities(0, np.array([]), np.array([]), np.array([]), seed=1)
    assert isinstance(empty, Communities)
    assert empty.num_nodes == 0 and empty.modules(1).size == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": np.array([-1.0])}, "finite and >= 0"),
        ({"cols": np.array([9])}, "node ids in 0..2"),
        ({"trials": 0}, "trials = 0 is invalid"),
        ({"markov_time": 0.0}, "markov_time = 0.0 is invalid"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "rows": np.array([0]),
        "cols": np.array([1]),
        "weights": np.array([1.0]),
        "seed": 1,
    }
    args.update(kwargs)
    with pytest.raises(ConfigError, match=message):
        detect_communities(3, **args)  # type: ignore[arg-type]


def test_fuzzy_memberships_on_a_planted_bipartite_benchmark() -> None:
    """Talks 0-9 use words A, talks 10-19 words B; bridge words are used by both groups."""
    rng = np.random.default_rng(5)
    n_talks = 20
    words_a = list(range(20, 30))
    words_b = list(range(30, 40))
    bridges = [40, 41, 42]
    rows: list[int] = []
    cols: list[int] = []
    for talk in range(n_talks):
        own = words_a if talk < 10 else words_b
        for word in rng.choice(own, size=5, replace=False):
            rows.append(talk)
            cols.append(int(word))
    for bridge in bridges:
        for talk in [*rng.choice(10, 3, replace=False), *(10 + rng.choice(10, 3, replace=False))]:
            rows.append(int(talk))
            cols.append(bridge)
    n = 43
    weights = np.ones(len(rows))
    found = detect_communities(n, np.array(rows), np.array(cols), weights, seed=2, trials=5)
    labels = found.modules(1)
    assert labels[0] == labels[9] != labels[10] == labels[19]

    adjacency = sp.coo_matrix((weights, (rows, cols)), shape=(n, n))
    adjacency = sp.csr_matrix(adjacency + adjacency.T)
    shares = flow_memberships(adjacency, labels, int(labels.max()) + 1)
    assert np.allclose(shares[:n_talks].sum(axis=1), 1.0)
    kept = sparsify_memberships(shares, min_weight=0.2, max_modules=3)
    for word in [*words_a, *words_b]:
        if adjacency[word].nnz:
            assert len(kept[word]) == 1, f"word {word} should be crisp: {kept[word]}"
            assert kept[word][0][1] == pytest.approx(1.0)
    for word in bridges:
        assert len(kept[word]) == 2, f"bridge word {word} should be fuzzy: {kept[word]}"
        assert sum(w for _, w in kept[word]) == pytest.approx(1.0)
        assert {m for m, _ in kept[word]} == {int(labels[0]), int(labels[10])}
        assert all(w == pytest.approx(0.5) for _, w in kept[word])


def test_flow_memberships_ignores_unlabelled_nodes_and_sparsify_rules() -> None:
    adjacency = sp.csr_matrix(np.array([[0, 3.0, 1.0, 6.0], [0, 0, 0, 0]]))
    labels = np.array([0, 0, 1, -1])
    shares = flow_memberships(adjacency, labels, 2)
    assert shares[0].tolist() == pytest.approx([0.75, 0.25])
    assert shares[1].tolist() == [0.0, 0.0]
    kept = sparsify_memberships(shares, min_weight=0.3, max_modules=2)
    assert kept == [((0, 1.0),), ()]
    tie = sparsify_memberships(np.array([[0.5, 0.5]]), min_weight=0.2, max_modules=1)
    assert tie == [((0, 1.0),)]
    with pytest.raises(ConfigError, match="min_weight"):
        sparsify_memberships(shares, min_weight=0.0, max_modules=2)
    with pytest.raises(ConfigError, match="labels"):
        flow_memberships(adjacency, np.array([0, 1]), 2)
