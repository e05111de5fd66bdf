"""Talk-term network groups: the k-means passes that settle talks after ``--topics K``."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from talktopics.config import TopicConfig
from talktopics.topics import regroup
from talktopics.topics.communities import Communities
from talktopics.topics.network import TalkTermNetwork, smooth_idf, tfidf
from talktopics.topics.regroup import refine_features, refine_to_centres, talks_in
from talktopics.topics.similarity import knn_cosine


def _network(seed: int = 0) -> tuple[TalkTermNetwork, np.ndarray]:
    """Three planted subjects of 10 talks: embeddings near one of three axes, each subject
    with its own 4 terms (term ``j`` of subject ``s`` is vocabulary entry ``4 s + j``)."""
    rng = np.random.default_rng(seed)
    n, subjects = 30, 3
    truth = np.repeat(np.arange(subjects), n // subjects)
    vectors = np.zeros((n, 8))
    vectors[np.arange(n), truth] = 1.0
    vectors += rng.normal(scale=0.15, size=vectors.shape)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    counts = np.zeros((n, 4 * subjects))
    for i, s in enumerate(truth):
        counts[i, 4 * s + rng.choice(4, size=3, replace=False)] = rng.integers(1, 4, size=3)
    nodes = n + counts.shape[1]
    communities = Communities(
        paths=tuple((1,) for _ in range(nodes)),
        flow=np.full(nodes, 1.0 / nodes),
        centrality=np.zeros(nodes),
        codelength=0.0,
        num_top_modules=1,
    )
    net = TalkTermNetwork(
        counts=sp.csr_matrix(counts),
        talk_vectors=vectors.astype(np.float32),
        communities=communities,
        config=TopicConfig(),
    )
    return net, truth


def _groups(label: np.ndarray, term_label: np.ndarray, n: int) -> list[np.ndarray]:
    return [
        np.sort(np.concatenate([np.flatnonzero(label == t), n + np.flatnonzero(term_label == t)]))
        for t in range(int(label.max()) + 1)
    ]


def _talk_labels(groups: list[np.ndarray], n: int) -> np.ndarray:
    label = np.full(n, -1)
    for t, g in enumerate(groups):
        label[g[g < n]] = t
    return label


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_talks_merged_into_the_wrong_group_move_to_their_subject(seed: int) -> None:
    net, truth = _network(seed)
    n = net.n
    # A merge put 3 talks of subject 0 with subject 1 and 2 of subject 2 with subject 0.
    start = truth.copy()
    start[[0, 1, 2]] = 1
    start[[20, 21]] = 0
    terms = np.repeat(np.arange(3), 4)
    refined = refine_to_centres(_groups(start, terms, n), net)
    assert len(refined) == 3
    label = _talk_labels(refined, n)
    np.testing.assert_array_equal(label, truth)
    # Every node is in exactly one group; each subject's terms follow its talks.
    every = np.sort(np.concatenate(refined))
    np.testing.assert_array_equal(every, np.arange(n + 12))
    for t, g in enumerate(refined):
        assert set((g[g >= n] - n).tolist()) == set(range(4 * t, 4 * t + 4))


def test_talks_outside_every_group_join_the_nearest_and_k_stays_k() -> None:
    net, truth = _network(3)
    n = net.n
    start = truth.copy()
    start[[5, 15, 25]] = -1  # in modules too small to be topics
    refined = refine_to_centres(_groups(start, np.repeat(np.arange(3), 4), n), net)
    label = _talk_labels(refined, n)
    np.testing.assert_array_equal(label, truth)
    assert [talks_in(g, n) for g in refined] == [10, 10, 10]


def test_no_passes_keeps_the_groups_and_passes_are_deterministic() -> None:
    net, truth = _network(4)
    n = net.n
    start = truth.copy()
    start[[0, 1]] = 2
    groups = _groups(start, np.repeat(np.arange(3), 4), n)
    off = dataclasses.replace(net, config=TopicConfig(target_refine_iterations=0))
    kept = refine_to_centres(groups, off)
    assert all(np.array_equal(a, b) for a, b in zip(kept, groups, strict=True))
    first, second = refine_to_centres(groups, net), refine_to_centres(groups, net)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def _dense_features(counts: sp.csr_matrix, talk_vectors: np.ndarray, config: TopicConfig):
    """The k-means features computed the plain dense way (the reference)."""
    n = counts.shape[0]
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    x = tfidf(counts, smooth_idf(df, n)).toarray()
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    vectors = np.asarray(talk_vectors, dtype=np.float64)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    features = np.hstack([vectors, config.target_refine_term_weight * x])
    alpha = config.target_refine_neighbor_weight
    knn = sp.csr_matrix(knn_cosine(talk_vectors, config.talk_neighbors, min_similarity=0.0))
    knn = (knn + knn.T).tocsr()
    degree = np.asarray(knn.sum(axis=1)).ravel()
    mean = sp.diags(1.0 / np.where(degree > 0, degree, 1.0)) @ knn @ features
    return np.where(degree[:, None] > 0, (1.0 - alpha) * features + alpha * mean, features)


@pytest.mark.parametrize("block_rows", [7, 1024])
def test_refine_features_block_by_block_equal_the_dense_ones(
    monkeypatch: pytest.MonkeyPatch, block_rows: int
) -> None:
    rng = np.random.default_rng(4)
    counts = sp.csr_matrix(
        sp.random(200, 60, density=0.05, random_state=4, data_rvs=lambda k: rng.integers(1, 5, k)),
        dtype=np.int32,
    )
    vectors = rng.standard_normal((200, 16)).astype(np.float32)
    monkeypatch.setattr(regroup, "BLOCK_ROWS", block_rows)
    config = TopicConfig()
    expected = _dense_features(counts, vectors, config)
    assert np.array_equal(refine_features(counts, vectors, config), expected)  # bit for bit
