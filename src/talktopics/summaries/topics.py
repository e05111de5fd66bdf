"""Topic blurbs: topics, talks and an embedder in, a :class:`~talktopics.records.Summary` each out.

A blurb picks the sentences of the topic's talks closest to the topic's centroid (each talk's
mean sentence vector, weighted by the talk's membership), at most one per talk, with maximal
marginal relevance against redundancy. Candidates are each talk's own summary candidates
(:mod:`talktopics.summaries.candidates`), at most 40 per talk.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from talktopics.config import SummaryConfig
from talktopics.records import Summary, Talk, Topic
from talktopics.summaries.candidates import SourceText, embed_candidates, prepare_talk
from talktopics.summaries.ranking import mmr_select

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from talktopics.embed.protocol import Embedder

__all__ = ["summarize_topic", "summarize_topics"]

logger = logging.getLogger(__name__)

_TOPIC_CANDIDATES_PER_TALK = 40


def summarize_topics(
    topics: Sequence[Topic],
    talks: Sequence[Talk],
    *,
    embedder: Embedder,
    config: SummaryConfig | None = None,
    talk_weights: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, Summary]:
    """Blurbs of many topics, embedding each talk's sentences once.

    See :func:`summarize_topic`; ``talk_weights`` maps topic id -> talk id -> weight.

    Returns:
        ``{topic.id: Summary}`` in the order of ``topics``.
    """
    config = config or SummaryConfig()
    by_id = {talk.id: talk for talk in talks}
    members: dict[str, list[tuple[str, float]]] = {}
    needed: dict[str, None] = {}
    for topic in topics:
        weights = talk_weights.get(topic.id) if talk_weights is not None else None
        members[topic.id] = _members(topic, weights, by_id)
        for talk_id, _ in members[topic.id]:
            needed.setdefault(talk_id, None)
    texts: dict[str, SourceText] = {}
    for talk_id in needed:
        try:
            text = prepare_talk(by_id[talk_id], config)
        except Exception as exc:  # one broken record never kills the batch
            logger.warning("talk %s: cannot read its text for topic blurbs (%s)", talk_id, exc)
            continue
        texts[talk_id] = SourceText(
            text.subject_id,
            text.source,
            text.language,
            text.sentences,
            text.candidates[:_TOPIC_CANDIDATES_PER_TALK],
        )
    ordered = list(texts.values())
    vectors = dict(zip(texts, embed_candidates(ordered, embedder), strict=True))
    return {
        topic.id: _topic_summary(topic.id, members[topic.id], texts, vectors, config)
        for topic in topics
    }


def summarize_topic(
    topic: Topic,
    talks: Sequence[Talk],
    *,
    embedder: Embedder,
    config: SummaryConfig | None = None,
    talk_weights: Mapping[str, float] | None = None,
) -> Summary:
    """A topic's blurb: its ``config.topic_sentences`` most central sentences, one per talk.

    Candidates are the rankable sentences of the topic's talks (each talk's preferred text,
    as for its own summary). A sentence's relevance is its cosine similarity to the topic
    centroid: the weighted sum of the talks' mean sentence vectors, so every talk counts by
    its weight and not by its length. MMR removes redundancy; at most one sentence is taken
    from any talk. Sentences are returned in the order of their talks in ``topic.talk_ids``
    (most representative first), then of their position in the talk.

    Args:
        topic: The topic; its ``talk_ids`` are its talks.
        talks: Talks to look the ids up in (may hold more than the topic's).
        embedder: Embeds the sentences.
        config: Summary options; ``None`` = defaults.
        talk_weights: Optional membership weight of talks in this topic (e.g. from
            ``TalkTopics.distribution``); talks with a positive weight join the topic's own
            ``talk_ids``, which count with weight 1 when missing from the mapping.

    Returns:
        A summary with ``source="talks"``; empty sentences when no talk has text.
    """
    weights = {topic.id: talk_weights} if talk_weights is not None else None
    return summarize_topics([topic], talks, embedder=embedder, config=config, talk_weights=weights)[
        topic.id
    ]


def _members(
    topic: Topic, weights: Mapping[str, float] | None, by_id: Mapping[str, Talk]
) -> list[tuple[str, float]]:
    """The topic's talks (known ones only) with their weights, most representative first."""
    out: dict[str, float] = {}
    for talk_id in topic.talk_ids:
        if talk_id in by_id:
            weight = 1.0 if weights is None else float(weights.get(talk_id, 1.0))
            if weight > 0:
                out.setdefault(talk_id, weight)
    if weights is not None:
        extra = sorted(
            ((w, t) for t, w in weights.items() if t not in out and t in by_id and w > 0),
            key=lambda item: (-item[0], item[1]),
        )
        for weight, talk_id in extra:
            out[talk_id] = float(weight)
    missing = [t for t in topic.talk_ids if t not in by_id]
    if missing:
        logger.warning(
            "topic %s: %d of its talks are unknown (e.g. %s)", topic.id, len(missing), missing[0]
        )
    return list(out.items())


def _topic_summary(
    topic_id: str,
    members: list[tuple[str, float]],
    texts: Mapping[str, SourceText],
    vectors: Mapping[str, NDArray[np.float32]],
    config: SummaryConfig,
) -> Summary:
    rows: list[NDArray[np.float32]] = []
    owners: list[str] = []
    refs: list[tuple[int, int]] = []  # (member rank, sentence index in its text)
    centroid: NDArray[np.float64] | None = None
    for rank, (talk_id, weight) in enumerate(members):
        text = texts.get(talk_id)
        if text is None or not text.candidates:
            continue
        vec = vectors[talk_id]
        mean = np.asarray(vec, dtype=np.float64).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        if norm > 0:
            centroid = weight * mean / norm + (0.0 if centroid is None else centroid)
        rows.append(vec)
        owners.extend([talk_id] * len(text.candidates))
        refs.extend((rank, i) for i in text.candidates)
    if not rows or centroid is None:
        logger.info("topic %s: no talk text to take a blurb from", topic_id)
        return Summary(subject_id=topic_id, sentences=(), source="talks")
    matrix = np.concatenate(rows).astype(np.float64)
    relevance = matrix @ (centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    similarity = matrix @ matrix.T
    chosen = mmr_select(
        np.clip(relevance, 0.0, None) + 1e-9,
        similarity,
        config.topic_sentences,
        mmr_lambda=config.mmr_lambda,
        max_similarity=config.max_similarity,
        groups=owners,
    )
    chosen.sort(key=lambda j: refs[j])
    sentences = tuple(texts[owners[j]].sentences[refs[j][1]] for j in chosen)
    languages = {texts[owners[j]].language for j in chosen}
    return Summary(
        subject_id=topic_id,
        sentences=sentences,
        source="talks",
        language=languages.pop() if len(languages) == 1 else None,
    )
