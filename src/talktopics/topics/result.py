"""What a fit learns: the fitted record (:class:`FittedTopics`: topics, memberships, talk
distributions, word graph, :class:`ModelInfo`, :class:`ModelState`) that the fit steps produce
and persistence, placement and :class:`~talktopics.topics.TopicModel` read; plus the rounding
of stored weights and the library versions every model records."""

from __future__ import annotations

import importlib.metadata
import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

from talktopics.config import TopicConfig
from talktopics.records import OTHER_TOPIC, TalkTopics, TermMembership, Topic
from talktopics.version import __version__

__all__ = [
    "FittedTopics",
    "ModelInfo",
    "ModelState",
    "empty_fit",
    "round_weight",
    "versions",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelInfo:
    """How a model was made. Everything but ``timings`` is deterministic."""

    seed: int
    embedder: str
    """The embedder's ``name`` (backend and model)."""
    dim: int
    n_talks: int
    n_terms: int
    """Terms in the model's vocabulary (graph nodes)."""
    codelength: float = 0.0
    """Map-equation codelength of the talk-term partition (bits)."""
    versions: tuple[tuple[str, str], ...] = ()
    timings: tuple[tuple[str, float], ...] = ()
    """Seconds per stage of the fit (left out of the model JSON)."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ModelState:
    """What placing new talks needs (:mod:`talktopics.topics.transform`; saved as ``.npy``).

    The talk-term network has nodes ``0..n_talks-1`` (training talks) followed by one node per
    vocabulary term; ``node_labels`` gives each node's topic index (``0..n_topics-1``) or a
    label ``>= n_topics`` for modules too small to be topics.
    """

    vocabulary: tuple[str, ...]
    idf: np.ndarray
    talk_ids: tuple[str, ...]
    talk_vectors: np.ndarray
    node_labels: np.ndarray
    n_topics: int
    topic_centroids: np.ndarray
    """Unit mean embedding of each topic's talks (``n_topics x dim``)."""
    topic_fit: np.ndarray
    """Per topic, the median and the robust spread of its talks' cosine to the centroid
    (``n_topics x 2``): the yardstick of the outlier test
    (:func:`~talktopics.topics.distributions.mark_outliers`)."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class FittedTopics:
    """Fuzzy topics of a corpus: everything a fit learns, frozen.

    Attributes:
        topics: Top-level topics, largest first (ids ``t1``, ``t2``, ...).
        subtopics: Sub-topics (ids ``t1.1``, ...; ``parent`` set, ``level`` 2).
        memberships: Fuzzy membership of every vocabulary term, sorted by term.
        talk_topics: One entry per input talk, in input order; none dropped.
        word_graph: The word-similarity graph; nodes carry ``display``, ``df``, ``topic``
            (strongest membership), ``topics`` (all memberships) and ``flow``.
        other_share: Share of talks whose primary topic is ``OTHER_TOPIC``.
        config: The options of the fit.
        info: Seed, embedder, versions, timings.
        state: Arrays needed to place new talks.

    ``Topic.terms`` hold the terms' display forms; ``TermMembership.term`` and the graph's
    node keys are the canonical term keys (the node attribute ``display`` links the two).
    """

    topics: tuple[Topic, ...]
    subtopics: tuple[Topic, ...]
    memberships: tuple[TermMembership, ...]
    talk_topics: tuple[TalkTopics, ...]
    word_graph: nx.Graph
    other_share: float
    config: TopicConfig
    info: ModelInfo
    state: ModelState

    @property
    def other_talk_ids(self) -> tuple[str, ...]:
        """Talks that fit no topic."""
        return tuple(t.talk_id for t in self.talk_topics if t.primary == OTHER_TOPIC)


def round_weight(x: float) -> float:
    """A stored weight: rounded to 6 digits; ``-0.0`` and non-finite values become 0."""
    value = round(float(x), 6)
    return 0.0 if value == 0 or not math.isfinite(value) else value


def versions() -> tuple[tuple[str, str], ...]:
    """Versions of the libraries that shape a model (recorded in every model)."""
    out = [("talktopics", __version__)]
    for dist in ("infomap", "networkx", "numpy", "scikit-learn", "scipy"):
        try:
            out.append((dist, importlib.metadata.version(dist)))
        except importlib.metadata.PackageNotFoundError:
            out.append((dist, "missing"))
    return tuple(out)


def empty_fit(config: TopicConfig, embedder_name: str) -> FittedTopics:
    """The record of a fit on no talks: no topics, empty arrays."""
    return FittedTopics(
        topics=(),
        subtopics=(),
        memberships=(),
        talk_topics=(),
        word_graph=nx.Graph(),
        other_share=0.0,
        config=config,
        info=ModelInfo(
            seed=config.seed,
            embedder=embedder_name,
            dim=0,
            n_talks=0,
            n_terms=0,
            versions=versions(),
        ),
        state=ModelState(
            vocabulary=(),
            idf=np.zeros(0),
            talk_ids=(),
            talk_vectors=np.zeros((0, 0), dtype=np.float32),
            node_labels=np.zeros(0, dtype=np.int64),
            n_topics=0,
            topic_centroids=np.zeros((0, 0), dtype=np.float32),
            topic_fit=np.zeros((0, 2)),
        ),
    )
