"""The one strategy interface: the registry names every configurable strategy, and the
comparison is built from whatever the named strategy's ``fit`` hands back (fast: no models)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import get_args

import numpy as np
import pytest

from conftest import FakeEmbedder
from fixtures.compare_corpus import PLANTED, synthetic_editions, topic_of, word_terms
from talktopics.compare import Edition, compare_editions
from talktopics.compare.align import AlignStrategy
from talktopics.compare.joint import JointStrategy
from talktopics.compare.records import Fitted
from talktopics.compare.rules import Structure
from talktopics.compare.strategies import STRATEGIES, Strategy, make_strategy
from talktopics.config import CompareConfig, CompareStrategy, TopicConfig
from talktopics.embed import Embedder
from talktopics.records import TermTable

TOPICS = sorted(PLANTED)


class PlantedStrategy:
    """Puts every talk into the series of its planted topic (what a perfect model would do)."""

    def __init__(self, config: CompareConfig, topic_config: TopicConfig) -> None:
        self.config = config
        self.topic_config = topic_config
        self.calls: list[tuple[str, ...]] = []

    def fit(
        self,
        editions: Sequence[Edition],
        *,
        terms: TermTable,
        embedder: Embedder,
        progress: Callable[[str], None],
    ) -> Fitted:
        self.calls.append(tuple(e.label for e in editions))
        talks = [t for e in editions for t in e.talks]
        assert terms.talk_ids == tuple(t.id for t in talks)  # rows in edition order
        primary = np.array([TOPICS.index(topic_of(t.id)) for t in talks], dtype=np.int64)
        weights = np.zeros((len(talks), len(TOPICS)))
        weights[np.arange(len(talks)), primary] = 1.0
        return Fitted(
            labels=list(TOPICS),
            primary=primary,
            weights=weights,
            topic_ids=[[f"t{s}"] * len(editions) for s in range(len(TOPICS))],
            terms=None,
            links=[],
            structure=[Structure() for _ in TOPICS],
            relations=[(None, None) for _ in TOPICS],
            embedder="fake:planted",
        )


def test_the_registry_has_every_configurable_strategy() -> None:
    assert sorted(STRATEGIES) == sorted(get_args(CompareStrategy))
    assert isinstance(make_strategy(CompareConfig(strategy="joint"), TopicConfig()), JointStrategy)
    assert isinstance(make_strategy(CompareConfig(strategy="align"), TopicConfig()), AlignStrategy)
    shipped: list[Strategy] = [JointStrategy(CompareConfig(), TopicConfig())]
    shipped.append(AlignStrategy(CompareConfig(), TopicConfig()))
    assert all(callable(s.fit) for s in shipped)


def test_the_comparison_is_built_from_the_named_strategy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[PlantedStrategy] = []

    def factory(config: CompareConfig, topic_config: TopicConfig) -> Strategy:
        made.append(PlantedStrategy(config, topic_config))
        return made[-1]

    monkeypatch.setitem(STRATEGIES, "joint", factory)
    editions = synthetic_editions()
    comparison = compare_editions(
        editions,
        CompareConfig(strategy="joint"),
        embedder=FakeEmbedder(),
        terms=word_terms([t for e in editions for t in e.talks]),
    )
    assert [s.calls for s in made] == [[("2020", "2021", "2022", "2023")]]
    by_label = {s.label: s for s in comparison.series}
    assert sorted(by_label) == TOPICS
    for topic, planted in PLANTED.items():
        assert [x.talks for x in by_label[topic].shares] == list(planted)
    assert by_label["llm"].classification == "emerging", by_label["llm"].reason
    assert by_label["py2"].classification == "fading", by_label["py2"].reason
    unchanged = {by_label[t].classification for t in ("web", "testing", "dataviz")}
    assert unchanged == {"inconclusive"}  # no change planted, too few talks to see one
    assert comparison.run.embedder == "fake" and comparison.run.model == "planted"
