"""The joint strategy: the editions' talks in, one topic model over all of them out (as series).

One topic model (:class:`talktopics.topics.TopicModel`) is fitted over the talks of all
editions together. Every topic is shared by all editions by construction, so its share of each
edition's talks is directly comparable, and a topic that shifts shows it in the terms it gains
and loses. This is the simplest robust choice: one Infomap partition, no matching step that
could fail on small editions (30-60 talks give coarse per-edition models). Splits and merges
are not visible in a joint model; each topic is new, gone, emerging, fading or stable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from talktopics.compare.editions import Edition
from talktopics.compare.records import Fitted
from talktopics.compare.rules import Structure
from talktopics.config import CompareConfig, TopicConfig
from talktopics.records import TermTable
from talktopics.topics import TopicModel

if TYPE_CHECKING:
    from talktopics.embed import Embedder

__all__ = ["JointStrategy"]

logger = logging.getLogger(__name__)


class JointStrategy:
    """One topic model over all editions: the series are its topics.

    Args:
        config: The comparison's options (unused: the joint model has no matching step).
        topic_config: Options of the topic model (seed included).
    """

    def __init__(self, config: CompareConfig, topic_config: TopicConfig) -> None:
        self.config = config
        self.topic_config = topic_config

    def fit(
        self,
        editions: Sequence[Edition],
        *,
        terms: TermTable,
        embedder: Embedder,
        progress: Callable[[str], None],
    ) -> Fitted:
        """Fit one model over the talks of all ``editions`` (in edition order)."""
        talks = tuple(t for e in editions for t in e.talks)
        edition_of = np.repeat(np.arange(len(editions)), [len(e.talks) for e in editions])
        progress(f"fitting one topic model over {len(talks)} talks")
        model = TopicModel(self.topic_config, embedder=embedder).fit(
            talks, terms, progress=progress
        )
        index = {t.id: k for k, t in enumerate(model.topics_)}
        n, k = len(talks), len(model.topics_)
        primary = np.full(n, -1, dtype=np.int64)
        weights = np.zeros((n, k))
        for i, tt in enumerate(model.talk_topics_):
            primary[i] = index.get(tt.primary, -1)
            for topic_id, w in tt.distribution:
                if topic_id in index:
                    weights[i, index[topic_id]] = w
        present = [
            [
                topic.id if np.any((primary == s) & (edition_of == e)) else None
                for e in range(len(editions))
            ]
            for s, topic in enumerate(model.topics_)
        ]
        return Fitted(
            labels=[t.label for t in model.topics_],
            primary=primary,
            weights=weights,
            topic_ids=present,
            terms=[t.terms for t in model.topics_],
            links=[],
            structure=[Structure() for _ in model.topics_],
            relations=[(None, None) for _ in model.topics_],
            embedder=model.info_.embedder,
            parameters=(
                ("topics", str(k)),
                ("codelength_bits", f"{model.info_.codelength:.4f}"),
                ("vocabulary_terms", str(model.info_.n_terms)),
            ),
        )
