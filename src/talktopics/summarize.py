"""Extractive summaries: talks (and topics) in, :class:`~talktopics.records.Summary` out.

A talk's summary is taken from one of its texts: the notes when there are any (they are what
the attendee wrote), else the description, else the abstract (``SummaryConfig.sources``).
The text is cleaned (:func:`~talktopics.sentences.clean_markup`) and split into sentences
(:func:`~talktopics.sentences.split_sentences`) for its language. Candidates are the
sentences of ``min_words`` to ``max_words`` words that do not end in a colon, without
duplicates or a repeated title; in notes of a Cyrillic-script language, English lines are
used only when nothing in the notes' own script is left. Then

1. **centrality** (:func:`rank_sentences`): LexRank — PageRank on a sentence graph whose edge
   weights blend the embeddings' cosine similarity with TextRank's word overlap
   (:func:`word_overlap`, ``lexical_weight``), with random jumps that follow a position
   prior ``(i+1)**-position_prior`` (opening sentences of a description tend to say what the
   talk is about);
2. **redundancy** (:func:`mmr_select`): maximal marginal relevance picks
   ``talk_sentences`` sentences, trading centrality against cosine similarity to those
   already picked (``mmr_lambda``); near-duplicates (``max_similarity``) are never picked;
3. the picked sentences are returned **in their original order**, verbatim.

Texts with nothing to rank fall back to their first sentence, talks with no text at all to
their title. A summary never holds text that is not in the cleaned source. The defaults were
chosen on held-out data; bench/bench_summaries.py measures them (bench/RESULTS.md).

A topic's blurb (:func:`summarize_topic`) picks the sentences of the topic's talks closest to
the topic's centroid (each talk's mean sentence vector, weighted by the talk's membership),
at most one per talk, again with MMR.

Languages: sentences are split with the rules of the text's language (``Talk.notes_language``
for notes, ``Talk.language`` for the rest, detected when unknown), so Russian notes yield
Russian sentences from the notes. Which embedder ranks them is the caller's choice: pass the
multilingual one (``MultilingualUSEEmbedder``) when the texts are not English; the English
MiniLM model ranks non-English text poorly (but still only picks sentences from it).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from talktopics.config import SummaryConfig
from talktopics.records import Summary, Talk, Topic, normalise_title
from talktopics.sentences import clean_markup, detect_language, split_sentences, stop_words

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from talktopics.embed import Embedder

__all__ = [
    "mmr_select",
    "rank_sentences",
    "summarize_talk",
    "summarize_talks",
    "summarize_topic",
    "summarize_topics",
    "word_overlap",
]

logger = logging.getLogger(__name__)

_EMBED_CHUNK = 20_000
"""Sentences embedded per call in batch mode (bounds memory on very large corpora)."""
_TOPIC_CANDIDATES_PER_TALK = 40
_STEM_CHARS = 5
_CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"})
_WORD = re.compile(r"\w+")


# --- the algorithm: pure functions ------------------------------------------------------------


def word_overlap(sentences: Sequence[str], *, language: str | None = None) -> NDArray[np.float64]:
    """TextRank's sentence similarity: shared content words over the sum of log lengths.

    Content words are the lower-cased word tokens that are not stop words of the language
    (spaCy's lists), cut to their first 5 characters — a crude stemmer that works for English,
    German and Russian alike ("кластеры"/"кластеризовать", "packages"/"packaging").

    Args:
        sentences: The sentences.
        language: ISO 639-1 code for the stop words; None = en, de and ru together.

    Returns:
        ``(n, n)`` symmetric similarities scaled to a maximum of 1, zero diagonal.
    """
    stops = stop_words(language)
    bags = [
        {w[:_STEM_CHARS] for w in _WORD.findall(s.lower()) if w not in stops} for s in sentences
    ]
    n = len(bags)
    sim = np.zeros((n, n), dtype=np.float64)
    logs = [math.log(max(len(bag), 2)) for bag in bags]
    for i in range(n):
        for j in range(i + 1, n):
            shared = len(bags[i] & bags[j])
            if shared:
                sim[i, j] = sim[j, i] = shared / (logs[i] + logs[j])
    top = float(sim.max()) if n else 0.0
    return sim / top if top > 0 else sim


def rank_sentences(
    similarity: NDArray[np.floating],
    *,
    positions: Sequence[int] | None = None,
    position_prior: float = 0.0,
    damping: float = 0.85,
) -> NDArray[np.float64]:
    """Centrality of sentences: LexRank (continuous) with a position prior.

    The graph has the positive similarities as edge weights (no self loops); the score is the
    stationary distribution of a random walk on it that jumps, with probability
    ``1 - damping``, to sentence ``i`` with probability proportional to
    ``(positions[i] + 1) ** -position_prior``. Solved exactly (a linear system), so the result
    is deterministic.

    Args:
        similarity: ``(n, n)`` sentence similarities (e.g. cosine of embeddings, blended with
            :func:`word_overlap`); negative values count as 0.
        positions: 0-based position of each sentence in its text; default ``range(n)``.
        position_prior: 0 = uniform jumps (plain LexRank).
        damping: Weight of the graph against the prior, in ``[0, 1)``.

    Returns:
        ``(n,)`` scores summing to 1; empty for no sentences.
    """
    n = int(similarity.shape[0])
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    pos = np.arange(n) if positions is None else np.asarray(positions, dtype=np.float64)
    prior = (pos + 1.0) ** -float(position_prior)
    prior = prior / prior.sum()
    if n == 1:
        return np.ones(1, dtype=np.float64)
    sim = np.clip(np.asarray(similarity, dtype=np.float64), 0.0, None)
    np.fill_diagonal(sim, 0.0)
    row_sums = sim.sum(axis=1, keepdims=True)
    # A sentence similar to nothing jumps by the prior (a dangling node).
    transition = np.where(row_sums > 0, sim / np.where(row_sums > 0, row_sums, 1.0), prior)
    # r = (1 - d) p + d T^T r   <=>   (I - d T^T) r = (1 - d) p
    system = np.eye(n) - damping * transition.T
    scores = np.linalg.solve(system, (1.0 - damping) * prior)
    scores = np.clip(scores, 0.0, None)
    total = float(scores.sum())
    return np.asarray(scores / total if total > 0 else prior, dtype=np.float64)


def mmr_select(
    relevance: NDArray[np.floating],
    similarity: NDArray[np.floating],
    k: int,
    *,
    mmr_lambda: float = 0.7,
    max_similarity: float = 1.0,
    groups: Sequence[str] | None = None,
) -> list[int]:
    """Maximal marginal relevance: pick ``k`` items, relevant and unlike each other.

    Each step picks the item maximising
    ``mmr_lambda * relevance' - (1 - mmr_lambda) * max similarity to the picked items``,
    where ``relevance'`` is ``relevance`` scaled to a maximum of 1. Ties go to the earlier
    item.

    Args:
        relevance: ``(n,)`` scores, higher is better.
        similarity: ``(n, n)`` pairwise similarities (cosine).
        k: How many to pick (fewer if there are fewer items).
        mmr_lambda: 1 = by relevance only; 0 = by novelty only.
        max_similarity: Items at least this similar to a picked one are never picked
            (near-duplicates), even if fewer than ``k`` items result; above 1 = off.
        groups: Optional group key per item; at most one item per group is picked.

    Returns:
        Indices of the picked items, in the order they were picked.
    """
    n = int(relevance.shape[0])
    if n == 0 or k <= 0:
        return []
    rel = np.asarray(relevance, dtype=np.float64)
    top = float(rel.max())
    rel = rel / top if top > 0 else rel
    available = np.ones(n, dtype=bool)
    max_sim = np.zeros(n, dtype=np.float64)
    picked: list[int] = []
    while len(picked) < k and available.any():
        score = mmr_lambda * rel - (1.0 - mmr_lambda) * max_sim
        score = np.where(available, score, -np.inf)
        best = int(np.argmax(score))
        picked.append(best)
        available[best] = False
        if groups is not None:
            available &= np.asarray([g != groups[best] for g in groups])
        max_sim = np.maximum(max_sim, np.asarray(similarity[best], dtype=np.float64))
        available &= max_sim < max_similarity
    return picked


# --- preparing a talk's sentences -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Text:
    """The sentences of the text a talk is summarised from."""

    subject_id: str
    source: str
    """"notes", "description", "abstract" or "title"."""
    language: str | None
    sentences: tuple[str, ...]
    candidates: tuple[int, ...]
    """Indices into ``sentences`` that are ranked (deduplicated, of usable length)."""


def _words(sentence: str) -> int:
    return sum(1 for word in sentence.split() if any(ch.isalnum() for ch in word))


def _in_script_of(sentence: str, language: str | None) -> bool:
    """False for a sentence mostly in Latin letters in a text of a Cyrillic-script language
    (an English line in Russian notes); True otherwise (scripts of other languages are not
    told apart)."""
    if language not in _CYRILLIC_LANGUAGES:
        return True
    letters = [ch for ch in sentence if ch.isalpha()]
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    return cyrillic * 2 >= len(letters)


def _prepare(talk: Talk, config: SummaryConfig) -> _Text:
    """Choose the text to summarise and the sentences worth ranking."""
    title_key = normalise_title(talk.title)
    fallback: _Text | None = None
    for source in config.sources:
        raw: str = getattr(talk, source)
        if not raw or not raw.strip():
            continue
        cleaned = clean_markup(raw)
        if not cleaned:
            continue
        language = talk.notes_language if source == "notes" else talk.language
        if language is None:
            language = detect_language(cleaned)
        sentences = tuple(split_sentences(cleaned, language))
        if not sentences:
            continue
        seen: set[str] = set()
        native: list[int] = []  # usable length, in the script of the text's language
        usable: list[int] = []
        long: list[int] = []
        for i, sentence in enumerate(sentences[: config.max_candidates]):
            key = normalise_title(sentence)
            if not key or key == title_key or key in seen:
                continue  # a repeated title heading or a duplicate line
            seen.add(key)
            words = _words(sentence)
            if words < config.min_words or sentence.rstrip().endswith(":"):
                continue  # "Agenda", "Подробнее по пунктам:"
            if words > config.max_words:
                long.append(i)
            elif _in_script_of(sentence, language):
                native.append(i)
            else:
                usable.append(i)
        candidates = native or usable or long
        if candidates:
            return _Text(
                subject_id=talk.id,
                source=source,
                language=language,
                sentences=sentences,
                candidates=tuple(candidates),
            )
        if fallback is None:
            first = next(
                (i for i, s in enumerate(sentences) if normalise_title(s) != title_key), None
            )
            if first is not None:
                fallback = _Text(talk.id, source, language, sentences, (first,))
    if fallback is not None:
        return fallback
    title = " ".join(talk.title.split())
    return _Text(talk.id, "title", talk.language, (title,) if title else (), ())


def _embed_all(texts: Sequence[_Text], embedder: Embedder) -> list[NDArray[np.float32]]:
    """Embed every candidate sentence of every text, batching across texts.

    Identical sentences are embedded once. Returns one ``(len(candidates), dim)`` array per
    text.
    """
    rows: dict[str, int] = {}
    for text in texts:
        for i in text.candidates:
            rows.setdefault(text.sentences[i], len(rows))
    unique = list(rows)
    parts: list[NDArray[np.float32]] = []
    for start in range(0, len(unique), _EMBED_CHUNK):
        chunk = unique[start : start + _EMBED_CHUNK]
        parts.append(np.asarray(embedder.embed(chunk), dtype=np.float32))
    dim = int(getattr(embedder, "dim", 1))
    matrix = np.concatenate(parts) if parts else np.zeros((0, dim), dtype=np.float32)
    if matrix.shape[0] != len(unique):
        raise ValueError(
            f"embedder {getattr(embedder, 'name', embedder)!r} returned {matrix.shape[0]} "
            f"vectors for {len(unique)} sentences"
        )
    return [
        matrix[[rows[text.sentences[i]] for i in text.candidates]]
        if text.candidates
        else np.zeros((0, matrix.shape[1]), dtype=np.float32)
        for text in texts
    ]


def _summarise_text(
    text: _Text, vectors: NDArray[np.float32], k: int, config: SummaryConfig
) -> Summary:
    if len(text.candidates) <= 1 or not vectors.shape[0]:
        picked = list(text.candidates[:k]) if text.candidates else [0] if text.sentences else []
    elif len(text.candidates) <= k:
        picked = list(text.candidates)
    else:
        matrix = np.asarray(vectors, dtype=np.float64)
        similarity = matrix @ matrix.T
        graph = np.clip(similarity, 0.0, None)
        if config.lexical_weight > 0:
            overlap = word_overlap(
                [text.sentences[i] for i in text.candidates], language=text.language
            )
            graph = (1.0 - config.lexical_weight) * graph + config.lexical_weight * overlap
        scores = rank_sentences(
            graph,
            positions=text.candidates,
            position_prior=config.position_prior,
            damping=config.damping,
        )
        chosen = mmr_select(
            scores,
            similarity,
            k,
            mmr_lambda=config.mmr_lambda,
            max_similarity=config.max_similarity,
        )
        picked = [text.candidates[i] for i in chosen]
    sentences = tuple(text.sentences[i] for i in sorted(picked))
    return Summary(
        subject_id=text.subject_id,
        sentences=sentences,
        source=text.source,  # type: ignore[arg-type]
        language=text.language,
    )


# --- public entry points ----------------------------------------------------------------------


def summarize_talks(
    talks: Iterable[Talk],
    *,
    embedder: Embedder,
    config: SummaryConfig | None = None,
) -> dict[str, Summary]:
    """Summaries of many talks, embedding all their sentences in one batch.

    A talk whose text cannot be processed gets its title as summary and a warning in the
    log; the batch goes on.

    Args:
        talks: The talks.
        embedder: Ranks the sentences; pass a multilingual one for non-English texts.
        config: Summary options; ``None`` = defaults.

    Returns:
        ``{talk.id: Summary}`` in the order of ``talks``.
    """
    config = config or SummaryConfig()
    texts: list[_Text] = []
    for talk in talks:
        try:
            texts.append(_prepare(talk, config))
        except Exception as exc:  # one broken record never kills the batch
            logger.warning(
                "talk %s (%s): cannot summarise its text (%s); using the title",
                talk.id,
                talk.source,
                exc,
            )
            title = " ".join(talk.title.split())
            texts.append(_Text(talk.id, "title", talk.language, (title,) if title else (), ()))
    if not texts:
        logger.info("no talks to summarise")
        return {}
    vectors = _embed_all(texts, embedder)
    summaries = {
        text.subject_id: _summarise_text(text, vec, config.talk_sentences, config)
        for text, vec in zip(texts, vectors, strict=True)
    }
    by_source: dict[str, int] = {}
    for summary in summaries.values():
        by_source[summary.source] = by_source.get(summary.source, 0) + 1
    logger.info(
        "summarised %d talks (%s)",
        len(summaries),
        ", ".join(f"{n} from {s}" for s, n in sorted(by_source.items())),
    )
    return summaries


def summarize_talk(
    talk: Talk,
    *,
    embedder: Embedder,
    config: SummaryConfig | None = None,
) -> Summary:
    """Extractive summary of one talk: ``config.talk_sentences`` sentences, in source order.

    Args:
        talk: The talk; its notes are preferred, then description, then abstract.
        embedder: Ranks the sentences; pass a multilingual one for non-English texts.
        config: Summary options; ``None`` = defaults.

    Returns:
        The summary. ``source`` says which text it comes from ("title" when the talk has no
        usable text); every sentence is a verbatim substring of the cleaned source text.
    """
    return summarize_talks([talk], embedder=embedder, config=config)[talk.id]


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
    texts: dict[str, _Text] = {}
    for talk_id in needed:
        try:
            text = _prepare(by_id[talk_id], config)
        except Exception as exc:  # one broken record never kills the batch
            logger.warning("talk %s: cannot read its text for topic blurbs (%s)", talk_id, exc)
            continue
        texts[talk_id] = _Text(
            text.subject_id,
            text.source,
            text.language,
            text.sentences,
            text.candidates[:_TOPIC_CANDIDATES_PER_TALK],
        )
    ordered = list(texts.values())
    vectors = dict(zip(texts, _embed_all(ordered, embedder), strict=True))
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
    texts: Mapping[str, _Text],
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
