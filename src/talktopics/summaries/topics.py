"""Topic blurbs: topics, talks and talk vectors in, a :class:`~talktopics.records.Summary` each out.

A blurb is composed, in one language (the digest's), of two sentences: what the topic covers
(its label and its sub-topics' labels, or its top terms when no sub-topics are given) and its
representative talks, each with its own one-sentence summary::

    Covers Testing, Property-based testing and Mocking. Representative talks: «Title A» —
    summary of A; «Title B» — summary of B.

The representative talks are those whose vectors lie closest to the topic's centroid (the sum
of its talks' unit vectors, weighted by the talk's membership), with maximal marginal relevance
against redundancy (``config.topic_sentences`` talks). The vectors are the talk vectors the
topics were found with (``talk_vectors``: nothing is embedded again), else each talk's mean
candidate-sentence vector from ``embedder``. Each
talk's summary is picked from its own text alone (:func:`~talktopics.summaries.talks.
pick_sentences`), so no pronoun points into another talk; a summary in another language than
the blurb's is quoted as such ("in Russian: «...»"). Candidates are each talk's own summary
candidates (:mod:`talktopics.summaries.candidates`), at most 40 per talk.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from talktopics.config import SummaryConfig
from talktopics.records import Summary, Talk, Topic
from talktopics.summaries.candidates import SourceText, embed_candidates, prepare_talk
from talktopics.summaries.ranking import CosineRows, mmr_select
from talktopics.summaries.talks import needs_sentence_vectors, pick_sentences

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from talktopics.embed.protocol import Embedder

__all__ = ["summarize_topic", "summarize_topics"]

logger = logging.getLogger(__name__)

_TOPIC_CANDIDATES_PER_TALK = 40
_SAME_TALK = 0.9
"""Two talks whose vectors are at least this alike (cosine; the same talk given twice) are
never both a topic's representatives."""
_COVERED_TERMS = 3

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "covers": "Covers {}.",
        "talks": "Representative talks: {}.",
        "and": "and",
        "quoted": "in {}: «{}»",
        "en": "English",
        "de": "German",
        "ru": "Russian",
    },
    "de": {
        "covers": "Umfasst {}.",
        "talks": "Typische Vorträge: {}.",
        "and": "und",
        "quoted": "auf {}: «{}»",
        "en": "Englisch",
        "de": "Deutsch",
        "ru": "Russisch",
    },
    "ru": {
        "covers": "Охватывает: {}.",
        "talks": "Характерные доклады: {}.",
        "and": "и",
        "quoted": "на {}: «{}»",
        "en": "английском",
        "de": "немецком",
        "ru": "русском",
    },
}
"""The blurb's wording per language; other languages use English."""


def summarize_topics(
    topics: Sequence[Topic],
    talks: Sequence[Talk],
    *,
    embedder: Embedder | None = None,
    config: SummaryConfig | None = None,
    talk_weights: Mapping[str, Mapping[str, float]] | None = None,
    subtopics: Sequence[Topic] = (),
    language: str = "en",
    talk_vectors: Mapping[str, NDArray[np.floating]] | None = None,
) -> dict[str, Summary]:
    """Blurbs of many topics.

    See :func:`summarize_topic`; ``talk_weights`` maps topic id -> talk id -> weight,
    ``subtopics`` are the sub-topics (``parent`` set) whose labels say what a topic covers,
    ``language`` is the digest's (the blurbs' wording), ``talk_vectors`` maps talk id -> the
    talk's vector (e.g. the topic model's); a talk without one is never representative.

    Returns:
        ``{topic.id: Summary}`` in the order of ``topics``.

    Raises:
        ValueError: Neither ``talk_vectors`` nor an ``embedder`` is given, or the options
            rank by sentence embeddings (``lexical_weight`` below 1) and no embedder is given.
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
    sentence_vectors = _sentence_vectors(texts, embedder, config, talk_vectors is None)
    vectors = (
        {t: np.asarray(v, dtype=np.float64) for t, v in talk_vectors.items() if t in texts}
        if talk_vectors is not None
        else {t: v.astype(np.float64).mean(axis=0) for t, v in sentence_vectors.items() if len(v)}
    )
    talks_of = {
        topic.id: _representatives(topic.id, members[topic.id], texts, vectors, config)
        for topic in topics
    }
    lines = {
        talk_id: _one_line(texts[talk_id], sentence_vectors.get(talk_id), config, language)
        for chosen in talks_of.values()
        for talk_id in chosen
    }
    children: dict[str, list[str]] = {}
    for sub in subtopics:
        if sub.parent is not None:
            children.setdefault(sub.parent, []).append(sub.label)
    return {
        topic.id: compose_blurb(
            topic,
            [(by_id[t].title, lines[t]) for t in talks_of[topic.id]],
            children.get(topic.id, []),
            language,
        )
        for topic in topics
    }


def summarize_topic(
    topic: Topic,
    talks: Sequence[Talk],
    *,
    embedder: Embedder | None = None,
    config: SummaryConfig | None = None,
    talk_weights: Mapping[str, float] | None = None,
    subtopics: Sequence[Topic] = (),
    language: str = "en",
    talk_vectors: Mapping[str, NDArray[np.floating]] | None = None,
) -> Summary:
    """A topic's blurb: what it covers and its ``config.topic_sentences`` representative
    talks, each with its one-sentence summary (see the module docstring).

    The representative talks are those most central to the topic: a talk's relevance is the
    cosine similarity of its vector to the topic centroid (the weighted sum of the talks'
    unit vectors, so every talk counts by its weight), MMR removes redundancy (and a talk whose
    vector is at least 0.9 similar to a picked one's). They are named in the order of
    ``topic.talk_ids`` (most representative first).

    Args:
        topic: The topic; its ``talk_ids`` are its talks.
        talks: Talks to look the ids up in (may hold more than the topic's).
        embedder: Embeds the sentences when there are no ``talk_vectors`` (a talk's vector is
            then its mean candidate-sentence vector) or when the options rank by embeddings.
        config: Summary options; ``None`` = defaults.
        talk_weights: Optional membership weight of talks in this topic (e.g. from
            ``TalkTopics.distribution``); talks with a positive weight join the topic's own
            ``talk_ids``, which count with weight 1 when missing from the mapping.
        subtopics: Sub-topics; those whose ``parent`` is this topic name what it covers.
        language: The digest's language ("en", "de", "ru"; others use English wording).
        talk_vectors: Talk id -> the talk's vector (the topic model's talk vectors).

    Returns:
        A summary with ``source="talks"`` and ``language``: the "covers" sentence, then the
        representative talks' sentence when any talk has text.
    """
    weights = {topic.id: talk_weights} if talk_weights is not None else None
    return summarize_topics(
        [topic],
        talks,
        embedder=embedder,
        config=config,
        talk_weights=weights,
        subtopics=subtopics,
        language=language,
        talk_vectors=talk_vectors,
    )[topic.id]


def compose_blurb(
    topic: Topic, talks: Sequence[tuple[str, str]], subtopic_labels: Sequence[str], language: str
) -> Summary:
    """A topic's blurb from its label, its sub-topics' labels and its representative talks.

    Args:
        topic: The topic (its label, and its top terms when there are no sub-topics).
        talks: ``(title, one-line summary)`` of the representative talks, in order.
        subtopic_labels: Labels of the topic's sub-topics.
        language: The blurb's language.

    Returns:
        A :class:`~talktopics.records.Summary` with ``source="talks"``; no sentences when
        ``talks`` is empty.
    """
    words = PHRASES.get(language, PHRASES["en"])
    covered = [topic.label, *subtopic_labels]
    if not subtopic_labels:
        label = topic.label.lower()
        covered += [t for t, _ in topic.terms if t.lower() not in label][:_COVERED_TERMS]
    covered = list(dict.fromkeys(c for c in covered if c))
    sentences = [words["covers"].format(_listed(covered, words["and"]))] if covered else []
    named = [f"«{title}» — {line}" if line else f"«{title}»" for title, line in talks]
    if not named:
        sentences = []  # no talk has text: nothing to show the topic by
    else:
        sentences.append(words["talks"].format("; ".join(named)))
    return Summary(
        subject_id=topic.id, sentences=tuple(sentences), source="talks", language=language
    )


def _listed(items: Sequence[str], conjunction: str) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _one_line(
    text: SourceText, vectors: NDArray[np.float32] | None, config: SummaryConfig, language: str
) -> str:
    """A talk's one-sentence summary for a blurb, without its final full stop; quoted with
    its language's name when that is not the blurb's."""
    picked = pick_sentences(text, vectors, 1, config)
    line = " ".join(text.sentences[i] for i in picked).strip()
    line = line[:-1] if line.endswith(".") and not line.endswith("..") else line
    words = PHRASES.get(language, PHRASES["en"])
    other = text.language
    if line and other and other != language and other in words:
        return words["quoted"].format(words[other], line)
    return line


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


def _sentence_vectors(
    texts: Mapping[str, SourceText],
    embedder: Embedder | None,
    config: SummaryConfig,
    for_talks: bool,
) -> dict[str, NDArray[np.float32]]:
    """The candidates' embeddings per talk id, where something reads them: the ranking of the
    one-line summaries (:func:`~talktopics.summaries.talks.needs_sentence_vectors`) or, with
    ``for_talks``, the talks' vectors; empty when nothing does."""
    if not (for_talks or needs_sentence_vectors(config)):
        return {}
    if embedder is None:
        raise ValueError(
            "topic blurbs need talk_vectors or an embedder"
            if for_talks
            else "lexical_weight below 1 ranks by sentence embeddings: pass embedder"
        )
    return dict(zip(texts, embed_candidates(list(texts.values()), embedder), strict=True))


def _representatives(
    topic_id: str,
    members: list[tuple[str, float]],
    texts: Mapping[str, SourceText],
    vectors: Mapping[str, NDArray[np.float64]],
    config: SummaryConfig,
) -> list[str]:
    """The ids of the ``config.topic_sentences`` talks most central to the topic, in the
    order of ``members``."""
    rows: list[NDArray[np.float64]] = []
    owners: list[str] = []
    centroid: NDArray[np.float64] | None = None
    for talk_id, weight in members:
        text, vec = texts.get(talk_id), vectors.get(talk_id)
        norm = float(np.linalg.norm(vec)) if vec is not None else 0.0
        if text is None or not text.candidates or vec is None or norm == 0:
            continue
        unit = vec / norm
        centroid = weight * unit + (0.0 if centroid is None else centroid)
        rows.append(unit)
        owners.append(talk_id)
    if not rows or centroid is None:
        logger.info("topic %s: no talk text to take a blurb from", topic_id)
        return []
    matrix = np.stack(rows)
    relevance = matrix @ (centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    chosen = mmr_select(
        np.clip(relevance, 0.0, None) + 1e-9,
        CosineRows(matrix),  # only the picked talks' rows: never n x n
        config.topic_sentences,
        mmr_lambda=config.mmr_lambda,
        max_similarity=_SAME_TALK,
    )
    return [owners[j] for j in sorted(chosen)]
