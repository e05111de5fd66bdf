"""Tests of the label helpers (talktopics.topics.labels) that stand in for library calls."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import rankdata

from talktopics.topics.labels import average_ranks


@given(
    arrays(
        np.float64,
        st.integers(1, 60),
        elements=st.one_of(st.sampled_from([0.0, 0.25, 1.0]), st.floats(0, 1)),
    )
)
def test_average_ranks_are_scipy_rankdata_average(values: np.ndarray) -> None:
    """Same floats as scipy's "average" ranks, ties included (FREX labels stay identical)."""
    expected = rankdata(values, method="average")
    got = average_ranks(values)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


def test_average_ranks_share_ties() -> None:
    assert average_ranks(np.array([0.3, 0.1, 0.3, 0.2])).tolist() == [3.5, 1.0, 3.5, 2.0]
