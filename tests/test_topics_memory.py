"""Memory of the talk distributions: 20,000 talks over 2,000 modules stay far below the
talks x modules float64 array (320 MB, and as much again for its normalised copy); block by
block gives the same distributions as one block."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from talktopics.config import TopicConfig
from talktopics.topics import distributions
from talktopics.topics.distributions import talk_distributions

_MODULES = 2_000
_LIMIT_MB = 120


def _network(n_talks: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """Talk ``i`` sits in module ``i % 2000``: a self-link, three links to two terms of its
    module and one weaker link to a term of the next module."""
    terms = 2 * _MODULES
    rows, cols, vals = [], [], []
    for i in range(n_talks):
        m = i % _MODULES
        own, other = n_talks + 2 * m, n_talks + 2 * ((m + 1) % _MODULES)
        rows += [i] * 4
        cols += [i, own, own + 1, other]
        vals += [1.0, 2.0, 1.0, 0.5]
    links = sp.csr_matrix((vals, (rows, cols)), shape=(n_talks, n_talks + terms))
    labels = np.concatenate(
        [np.arange(n_talks) % _MODULES, np.repeat(np.arange(_MODULES), 2)]
    ).astype(np.int64)
    return links, labels


def test_distributions_of_20000_talks_over_2000_modules_stay_under_120_mb() -> None:
    n = 20_000
    links, labels = _network(n)
    tracemalloc.start()
    try:
        dists = talk_distributions(links, labels, _MODULES, TopicConfig(), own=labels[:n])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Every talk's primary topic is its own module, its weights sum to 1, strongest first.
    assert [p for p, _ in dists] == [i % _MODULES for i in range(n)]
    for _, dist in dists[:: n // 50]:
        assert sum(w for _, w in dist) == pytest.approx(1.0)
        assert [w for _, w in dist] == sorted((w for _, w in dist), reverse=True)
    # One talks x modules float64 array alone is 20,000 x 2,000 x 8 bytes = 320 MB.
    assert peak < _LIMIT_MB * 2**20, f"peak {peak / 2**20:.0f} MB"


def test_block_by_block_gives_the_distributions_of_one_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    links, labels = _network(5_000)
    own = labels[:5_000].copy()
    own[::7] = -1  # talks that are not training talks get no own-module weight
    config = TopicConfig()
    monkeypatch.setattr(distributions, "DISTRIBUTION_BLOCK", 10**9)
    whole = talk_distributions(links, labels, _MODULES, config, own=own)
    monkeypatch.setattr(distributions, "DISTRIBUTION_BLOCK", 333)
    blocks = talk_distributions(links, labels, _MODULES, config, own=own)
    assert blocks == whole
    # A talk without its own-module weight still leans to its module through its links.
    assert whole[7][0] == 7
