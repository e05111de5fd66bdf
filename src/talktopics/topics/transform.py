"""Placing new talks: a fitted record and talks (with their terms) in, one
:class:`~talktopics.records.TalkTopics` per talk out; the model does not change.

A new talk is linked as it would have been in the fit: to its ``talk_neighbors + 1`` nearest
training talks by embedding (a training talk finds itself first) and to the vocabulary terms
it uses, by tf-idf with the training idf. Its distribution is the share of those links landing
in each topic. A talk of the training set (same id) also gets its own module's weight, exactly
as in the fit, so it gets back its topics.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from talktopics import embed, nlp
from talktopics.config import EmbedConfig
from talktopics.embed import Embedder
from talktopics.errors import ConfigError
from talktopics.records import Talk, TalkTopics, TermTable
from talktopics.topics.distributions import make_talk_topics, mark_outliers, talk_distributions
from talktopics.topics.network import talk_links, tfidf
from talktopics.topics.result import FittedTopics, ModelInfo, ModelState
from talktopics.topics.talk_text import reading_language, talk_text
from talktopics.topics.vocabulary import align_terms

__all__ = ["place_talks", "rebuild_embedder"]


def place_talks(
    fitted: FittedTopics,
    talks: Sequence[Talk],
    *,
    embedder: Embedder | None = None,
    terms: TermTable | None = None,
) -> tuple[TalkTopics, ...]:
    """Place talks onto the fitted topics.

    Args:
        fitted: The fitted model.
        talks: Talks to place.
        embedder: Must be the fit's embedder (same ``name``); ``None`` = build it from the
            model's configuration (:func:`rebuild_embedder`).
        terms: Their candidate terms; ``None`` = :func:`talktopics.nlp.extract_terms`.

    Raises:
        ConfigError: The embedder differs from the one the model was fitted with.
    """
    talks = tuple(talks)
    if not talks:
        return ()
    config, state = fitted.config, fitted.state
    if terms is None:
        terms = nlp.extract_terms(talks, config.nlp)
    terms = align_terms(terms, talks)
    if embedder is None:
        embedder = rebuild_embedder(fitted.info, config.embed)
    if embedder.name != fitted.info.embedder:
        raise ConfigError(
            f"this topic model was fitted with embedder {fitted.info.embedder!r}, "
            f"not {embedder.name!r}; pass the same embedder (or --embedder/--model)"
        )
    x = tfidf(_vocabulary_counts(terms, state), state.idf)
    reading = reading_language(embedder)
    vectors = embed.embed_documents([talk_text(t, reading) for t in talks], embedder)
    links = sp.hstack(
        [
            talk_links(
                vectors,
                state.talk_vectors,
                config.talk_neighbors,
                config.talk_link_weight,
                include_self=True,
            ),
            x,
        ]
    ).tocsr()
    known = {tid: i for i, tid in enumerate(state.talk_ids)}
    own = np.array(
        [state.node_labels[known[t.id]] if t.id in known else -1 for t in talks],
        dtype=np.int64,
    )
    dists = talk_distributions(links, state.node_labels, state.n_topics, config, own=own)
    dists = mark_outliers(dists, vectors, state.topic_centroids, state.topic_fit, config)
    ids = tuple(t.id for t in fitted.topics)
    return make_talk_topics(talks, dists, ids, config.secondary_threshold)


def rebuild_embedder(info: ModelInfo, config: EmbedConfig) -> Embedder:
    """The embedder a model was fitted with, built again from its recorded name.

    Raises:
        ConfigError: The backend cannot be rebuilt from its name (pass the embedder).
    """
    backend = info.embedder.split(":", 1)[0]
    choice = "use-multilingual" if backend.startswith("use-multilingual") else backend
    if choice not in {"sentence-transformers", "use-multilingual"}:
        raise ConfigError(
            f"cannot rebuild embedder {info.embedder!r}; pass embedder= to TopicModel "
            "(or to TopicModel.load)"
        )
    choice_config = dataclasses.replace(config, embedder=choice)  # type: ignore[arg-type]
    return embed.select_embedder(choice_config, [])


def _vocabulary_counts(terms: TermTable, state: ModelState) -> sp.csr_matrix:
    """Talks x model-vocabulary term counts (terms the model does not know are left out)."""
    column = {key: j for j, key in enumerate(terms.terms)}
    src = [column.get(key, -1) for key in state.vocabulary]
    present = [(v, c) for v, c in enumerate(src) if c >= 0]
    pick = sp.csr_matrix(
        (
            np.ones(len(present)),
            ([c for _, c in present], [v for v, _ in present]),
        ),
        shape=(len(terms.terms), len(state.vocabulary)),
    )
    return sp.csr_matrix(sp.csr_matrix(terms.counts, dtype=np.float64) @ pick)
