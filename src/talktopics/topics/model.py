"""The topic model as a scikit-learn-style estimator: options in (:class:`TopicModel`), talks
in (:meth:`TopicModel.fit`), fitted attributes (names ending in ``_``) out; new talks in
(:meth:`TopicModel.transform`), their topic distributions out; a model folder out and back in
(:meth:`TopicModel.save`, :meth:`TopicModel.load`).

The class is thin: the fit is :func:`talktopics.topics.fit.run_fit`, placement
:func:`talktopics.topics.transform.place_talks`, the files
:mod:`talktopics.topics.persistence`; what a fit learns is one frozen
:class:`~talktopics.topics.result.FittedTopics`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from talktopics.config import TopicConfig
from talktopics.embed import Embedder
from talktopics.errors import NotFittedError
from talktopics.records import Talk, TalkTopics, TermMembership, TermTable, Topic
from talktopics.topics import persistence
from talktopics.topics.fit import Progress, run_fit
from talktopics.topics.result import FittedTopics, ModelInfo, ModelState
from talktopics.topics.transform import place_talks

__all__ = ["TopicModel"]


class TopicModel:
    """Fuzzy topics of a corpus of talks (Infomap on a talk-term network; see
    :mod:`talktopics.topics.fit`).

    Args:
        config: Options, the seed included (``config.seed``: the one place the seed is set;
            :attr:`random_state` only reads it); ``None`` = defaults.
        embedder: Embedding backend; ``None`` = chosen by ``config.embed`` and the corpus'
            languages when fitting, rebuilt from the fitted model's embedder name when
            transforming.

    ``__init__`` only stores its arguments (no checks, no work); :meth:`fit` checks them.

    Fitted attributes (reading one before :meth:`fit` or :meth:`load` raises
    :class:`~talktopics.errors.NotFittedError`):

    * ``topics_``: top-level topics, largest first (ids ``t1``, ``t2``, ...);
    * ``subtopics_``: sub-topics (ids ``t1.1``, ...; ``parent`` set, ``level`` 2);
    * ``memberships_``: fuzzy membership of every vocabulary term, sorted by term;
    * ``talk_topics_``: one entry per fitted talk, in input order; none dropped;
    * ``word_graph_``: the word-similarity graph; nodes carry ``display``, ``df``, ``topic``
      (strongest membership), ``topics`` (all memberships) and ``flow``;
    * ``other_share_``: share of talks whose primary topic is ``OTHER_TOPIC``;
    * ``config_``: the options the fit used (``config``, or the defaults);
    * ``info_``: seed, embedder, versions, timings;
    * ``state_``: the arrays :meth:`transform` needs;
    * ``fitted_``: all of these as one frozen record.

    Example::

        model = TopicModel(TopicConfig(seed=42)).fit(corpus.talks)
        model.topics_[0].label
        model.transform(new_talks)
    """

    def __init__(
        self, config: TopicConfig | None = None, *, embedder: Embedder | None = None
    ) -> None:
        self.config = config
        self.embedder = embedder
        self._fitted: FittedTopics | None = None

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's arguments, as given (``deep`` is accepted for scikit-learn)."""
        return {"config": self.config, "embedder": self.embedder}

    @property
    def random_state(self) -> int:
        """The seed: a read-only view of ``config.seed`` (set the seed in the config)."""
        return (self.config or TopicConfig()).seed

    # -- fitting and placing ------------------------------------------------------------------

    def fit(
        self,
        talks: Sequence[Talk],
        terms: TermTable | None = None,
        *,
        texts: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> TopicModel:
        """Find fuzzy topics in the talks; the same talks, config and seed give a byte-identical
        :meth:`to_json`.

        Args:
            talks: The talks; ids must be unique. Every talk gets a ``TalkTopics`` entry.
            terms: Candidate terms; ``None`` = :func:`talktopics.nlp.extract_terms`.
            texts: The talks' :func:`~talktopics.topics.talk_text.topic_texts` for this
                model's embedder, when computed already; ``None`` = computed here.
            progress: Called with a short message as each stage starts.

        Returns:
            The model itself, fitted.

        Raises:
            ConfigError: Duplicate talk ids or an invalid option.
            ModelNotAvailableError: The embedding model is not installed.
        """
        self._fitted = run_fit(
            talks, self.config, embedder=self.embedder, terms=terms, texts=texts, progress=progress
        )
        return self

    def fit_transform(
        self,
        talks: Sequence[Talk],
        terms: TermTable | None = None,
        *,
        progress: Progress | None = None,
    ) -> tuple[TalkTopics, ...]:
        """:meth:`fit`, then the talks' distributions (``talk_topics_``)."""
        return self.fit(talks, terms, progress=progress).talk_topics_

    def transform(
        self, talks: Sequence[Talk], terms: TermTable | None = None
    ) -> tuple[TalkTopics, ...]:
        """Place talks onto the fitted topics (the model does not change); a talk of the
        training set (same id) gets back its own topics.

        Args:
            talks: Talks to place.
            terms: Their candidate terms; ``None`` = :func:`talktopics.nlp.extract_terms`.

        Raises:
            ConfigError: The embedder differs from the one the model was fitted with.
            NotFittedError: The model is not fitted.
        """
        return place_talks(self.fitted_, talks, embedder=self.embedder, terms=terms)

    # -- fitted attributes --------------------------------------------------------------------

    @property
    def fitted_(self) -> FittedTopics:
        """Everything the fit learned, as one frozen record."""
        if self._fitted is None:
            raise NotFittedError(
                "this TopicModel is not fitted yet: call fit(talks) first, "
                "or read a saved model with TopicModel.load(folder)"
            )
        return self._fitted

    @property
    def topics_(self) -> tuple[Topic, ...]:
        return self.fitted_.topics

    @property
    def subtopics_(self) -> tuple[Topic, ...]:
        return self.fitted_.subtopics

    @property
    def memberships_(self) -> tuple[TermMembership, ...]:
        return self.fitted_.memberships

    @property
    def talk_topics_(self) -> tuple[TalkTopics, ...]:
        return self.fitted_.talk_topics

    @property
    def word_graph_(self) -> nx.Graph:
        return self.fitted_.word_graph

    @property
    def other_share_(self) -> float:
        return self.fitted_.other_share

    @property
    def config_(self) -> TopicConfig:
        return self.fitted_.config

    @property
    def info_(self) -> ModelInfo:
        return self.fitted_.info

    @property
    def state_(self) -> ModelState:
        return self.fitted_.state

    # -- queries ------------------------------------------------------------------------------

    @property
    def other_talk_ids(self) -> tuple[str, ...]:
        """Talks that fit no topic."""
        return self.fitted_.other_talk_ids

    def topic(self, topic_id: str) -> Topic:
        """The topic or sub-topic with this id.

        Raises:
            KeyError: No such topic.
        """
        for topic in (*self.topics_, *self.subtopics_):
            if topic.id == topic_id:
                return topic
        raise KeyError(f"no topic {topic_id!r}; known: {', '.join(t.id for t in self.topics_)}")

    # -- files --------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; deterministic (sorted, floats rounded to 6 digits, no timings)."""
        return persistence.to_dict(self.fitted_)

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text (UTF-8, indented, trailing newline)."""
        return persistence.to_json(self.fitted_)

    def save(self, directory: str | Path | None = None) -> Path:
        """Write ``model.json``, ``state.json``, ``timings.json`` and the ``.npy`` arrays.

        Args:
            directory: Target folder (created); ``None`` = ``models/topics``.

        Returns:
            The folder.
        """
        return persistence.save(self.fitted_, directory)

    @classmethod
    def load(
        cls, directory: str | Path | None = None, *, embedder: Embedder | None = None
    ) -> TopicModel:
        """A fitted model read from a folder written by :meth:`save`.

        Args:
            directory: The folder; ``None`` = ``models/topics``.
            embedder: For :meth:`transform`: the fit's embedder; ``None`` = rebuilt from the
                model's embedder name.

        Raises:
            ConfigError: The folder does not hold a model of a format this version reads.
        """
        fitted = persistence.load(directory)
        model = cls(fitted.config, embedder=embedder)
        model._fitted = fitted
        return model
