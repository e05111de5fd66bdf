"""The map of talks (render/talk_map.py) and the word network's handling of generic words
(render/network.py): shapes, ranges, determinism, small inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fixtures.big_digest import GENERIC_WORDS, big_digest
from talktopics.records import TermMembership, Topic
from talktopics.render.network import build_word_network
from talktopics.render.talk_map import MAP_DIGITS, layout_talks


def _groups(n: int, seed: int = 0) -> tuple[np.ndarray, list[int]]:
    """``n`` vectors in three well separated groups (and each row's group)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 32)) * 4
    groups = [i % 3 for i in range(n)]
    return centres[groups] + rng.normal(size=(n, 32)) * 0.3, groups


@pytest.mark.parametrize("n", [0, 1, 2, 3, 11])
def test_small_inputs_give_one_point_per_talk(n: int) -> None:
    vectors, _ = _groups(n)
    ids = [f"t{i}" for i in range(n)]
    out = layout_talks(vectors.reshape(n, 32), ids)
    assert [tid for tid, _, _ in out] == ids
    for _, x, y in out:
        assert 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0
    if n == 1:
        assert out == (("t0", 0.5, 0.5),)


def test_same_seed_same_map_and_similar_talks_close() -> None:
    vectors, groups = _groups(60)
    ids = [f"t{i}" for i in range(60)]
    first = layout_talks(vectors, ids, seed=7)
    assert layout_talks(vectors, ids, seed=7) == first
    assert all(round(v, MAP_DIGITS) == v for _, x, y in first for v in (x, y))
    xs = np.array([[x, y] for _, x, y in first])
    assert xs.min() >= 0 and xs.max() <= 1 and math.isclose(float(np.ptp(xs, axis=0).max()), 1)
    same = [
        np.linalg.norm(xs[i] - xs[j]) for i in range(60) for j in range(i) if groups[i] == groups[j]
    ]
    other = [
        np.linalg.norm(xs[i] - xs[j]) for i in range(60) for j in range(i) if groups[i] != groups[j]
    ]
    assert float(np.mean(same)) < 0.5 * float(np.mean(other))


def test_identical_vectors_and_bad_shapes() -> None:
    out = layout_talks(np.ones((15, 4)), [str(i) for i in range(15)])
    assert {(x, y) for _, x, y in out} == {(0.5, 0.5)}
    with pytest.raises(ValueError, match="expected 3 rows"):
        layout_talks(np.ones((2, 4)), ["a", "b", "c"])


def test_generic_words_come_last_and_sit_by_their_main_topic() -> None:
    digest = big_digest(50)
    labels = [n.display for n in digest.word_nodes]
    generic = [i for i, label in enumerate(labels) if label in GENERIC_WORDS]
    assert generic and min(generic) > max(i for i in range(len(labels)) if i not in generic) - 20
    hubs = {tid: (x, y) for tid, x, y in digest.topic_positions}
    centre = np.mean(list(hubs.values()), axis=0)
    radius = float(np.mean([np.linalg.norm(np.subtract(h, centre)) for h in hubs.values()]))
    for node in digest.word_nodes:
        if node.display in GENERIC_WORDS:
            assert np.linalg.norm(np.subtract((node.x, node.y), centre)) > 0.4 * radius, node


def test_a_generic_word_is_never_picked_before_a_topic_word() -> None:
    topics = (Topic(id="t1", label="a", terms=(("alpha", 1.0),), talk_ids=()),)
    memberships = tuple(
        TermMembership(term=t, topics=(("t1", 1.0),), df=df)
        for t, df in (("alpha", 1), ("code", 90), ("beta", 2), ("software", 80))
    )
    network = build_word_network(memberships, topics, max_nodes=3)
    assert [n.term for n in network.nodes] == ["alpha", "beta", "code"]
