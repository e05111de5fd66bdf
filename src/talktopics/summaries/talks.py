"""Per-talk summaries: talks in, one :class:`~talktopics.records.Summary` each out.

Each talk's candidate sentences (:mod:`talktopics.summaries.candidates`) are ranked by
centrality (:func:`~talktopics.summaries.ranking.rank_sentences` on word overlap, optionally
blended with the embeddings' cosine and a position prior), weighed by the words each brings
where it is clearly central (:func:`~talktopics.summaries.ranking.central_content`), then
(:func:`~talktopics.summaries.ranking.mmr_select`) picks ``talk_sentences`` of them, never a
near-duplicate (:class:`~talktopics.summaries.duplicates.SharedWords`) and never a
back-reference without the sentence it leans on; the picked sentences are returned in their
original order, verbatim. With the default ``lexical_weight = 1`` no sentence is embedded: an
embedder is needed (and used) only when the sentence graph blends in the embeddings' cosine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from talktopics.config import SummaryConfig
from talktopics.records import Summary, Talk
from talktopics.summaries.candidates import (
    SourceText,
    embed_candidates,
    prepare_talk,
    title_text,
    word_count,
)
from talktopics.summaries.duplicates import SharedWords
from talktopics.summaries.ranking import (
    central_content,
    content_words,
    mmr_select,
    rank_sentences,
    word_overlap,
)
from talktopics.summaries.references import reaches_back

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from talktopics.embed.protocol import Embedder

__all__ = [
    "needs_sentence_vectors",
    "pick_sentences",
    "requirements",
    "summarize_talk",
    "summarize_talks",
]

logger = logging.getLogger(__name__)


def needs_sentence_vectors(config: SummaryConfig) -> bool:
    """Whether summaries with these options rank by sentence embeddings (the sentence graph
    blends in their cosine: ``lexical_weight`` below 1); by default they do not."""
    return config.lexical_weight < 1.0


def pick_sentences(
    text: SourceText, vectors: NDArray[np.float32] | None, k: int, config: SummaryConfig
) -> list[int]:
    """The ``k`` sentences of a text that summarise it, as indices in text order.

    Args:
        text: The text's sentences and candidates.
        vectors: The candidates' embeddings (see
            :func:`~talktopics.summaries.candidates.embed_candidates`); needed only when
            :func:`needs_sentence_vectors`, else None.
        k: How many sentences to pick at most.
        config: Ranking options (``lexical_weight``, ``position_prior``, ``damping``,
            ``central_sharpness``, ``central_threshold``, ``mmr_lambda``,
            ``max_similarity``).

    Returns:
        Indices into ``text.sentences``, sorted. With at most one candidate (or no vectors
        where they are needed) the first candidates, else the first sentence; empty for a
        text without sentences.
    """
    requires = requirements(text)
    missing = needs_sentence_vectors(config) and (vectors is None or not vectors.shape[0])
    if len(text.candidates) <= k or missing:
        picked = _readable(list(text.candidates[:k]), text.candidates, requires)
        if not picked:
            picked = _standalone(text, requires) or ([0] if text.sentences else [])
    else:
        sentences = [text.sentences[i] for i in text.candidates]
        bags = content_words(sentences, text.language)  # for the graph and the duplicates
        scores = centrality(text, vectors, config, bags=bags)
        if config.central_sharpness > 0:
            scores = central_content(
                scores,
                [word_count(s) for s in sentences],
                sharpness=config.central_sharpness,
                threshold=config.central_threshold,
            )
        chosen = mmr_select(
            scores,
            SharedWords(sentences, bags=bags),  # only the picked rows
            k,
            mmr_lambda=config.mmr_lambda,
            max_similarity=config.max_similarity,
            requires=requires,
        )
        picked = [text.candidates[i] for i in chosen] or _standalone(text, requires)
    return sorted(picked)


def centrality(
    text: SourceText,
    vectors: NDArray[np.float32] | None,
    config: SummaryConfig,
    *,
    bags: Sequence[set[str]] | None = None,
) -> NDArray[np.float64]:
    """Centrality of a text's candidates (:func:`~talktopics.summaries.ranking.rank_sentences`)
    on the sentence graph: word overlap blended with the embeddings' cosine
    (``config.lexical_weight``; ``vectors`` are read only when it is below 1), with the
    position prior ``config.position_prior``. ``bags``: the candidates' content words, when the
    caller has them already.

    Returns:
        ``(len(text.candidates),)`` scores summing to 1.
    """
    sentences = [text.sentences[i] for i in text.candidates]
    graph = word_overlap(sentences, language=text.language, bags=bags)
    if needs_sentence_vectors(config):
        if vectors is None:
            raise ValueError("lexical_weight below 1 blends in sentence embeddings: pass them")
        matrix = np.asarray(vectors, dtype=np.float64)
        cosine = np.clip(matrix @ matrix.T, 0.0, None)
        graph = (1.0 - config.lexical_weight) * cosine + config.lexical_weight * graph
    return rank_sentences(
        graph,
        positions=text.candidates,
        position_prior=config.position_prior,
        damping=config.damping,
    )


def requirements(text: SourceText) -> list[int | None]:
    """For each candidate, the candidate it must be picked with (see
    :func:`~talktopics.summaries.ranking.mmr_select`): the sentence right before one that
    leans on it (:func:`~talktopics.summaries.references.reaches_back`), ``-1`` when that
    sentence is no candidate or the sentence leans on something no neighbour supplies,
    None for a sentence that stands on its own."""
    position = {index: n for n, index in enumerate(text.candidates)}
    out: list[int | None] = []
    for index in text.candidates:
        previous = text.sentences[index - 1] if index > 0 else None
        reach = reaches_back(text.sentences[index], previous, text.language)
        if reach == "none":
            out.append(None)
        else:
            out.append(position.get(index - 1, -1) if reach == "previous" else -1)
    return out


def _standalone(text: SourceText, requires: list[int | None]) -> list[int]:
    """The first candidate that stands on its own, else the first candidate (as a list)."""
    alone = [i for i, need in zip(text.candidates, requires, strict=True) if need is None]
    return alone[:1] or list(text.candidates[:1])


def _readable(
    picked: list[int], candidates: Sequence[int], requires: list[int | None]
) -> list[int]:
    """``picked`` (sentence indices) without the sentences whose antecedent is missing."""
    kept = set(picked)
    changed = True
    while changed:
        changed = False
        for n, index in enumerate(candidates):
            need = requires[n]
            if index in kept and need is not None and (need < 0 or candidates[need] not in kept):
                kept.discard(index)
                changed = True
    return [i for i in picked if i in kept]


def _summary(
    text: SourceText, vectors: NDArray[np.float32] | None, config: SummaryConfig
) -> Summary:
    picked = pick_sentences(text, vectors, config.talk_sentences, config)
    return Summary(
        subject_id=text.subject_id,
        sentences=tuple(text.sentences[i] for i in picked),
        source=text.source,  # type: ignore[arg-type]
        language=text.language,
    )


def summarize_talks(
    talks: Iterable[Talk],
    *,
    embedder: Embedder | None = None,
    config: SummaryConfig | None = None,
) -> dict[str, Summary]:
    """Summaries of many talks (when the ranking reads sentence embeddings, all their
    sentences are embedded in one batch).

    A talk whose text cannot be processed gets its title as summary and a warning in the
    log; the batch goes on.

    Args:
        talks: The talks.
        embedder: Embeds the sentences when :func:`needs_sentence_vectors` (else unused; pass
            a multilingual one for non-English texts).
        config: Summary options; ``None`` = defaults.

    Returns:
        ``{talk.id: Summary}`` in the order of ``talks``.

    Raises:
        ValueError: The options need sentence embeddings and no embedder is given.
    """
    config = config or SummaryConfig()
    texts: list[SourceText] = []
    for talk in talks:
        try:
            texts.append(prepare_talk(talk, config))
        except Exception as exc:  # one broken record never kills the batch
            logger.warning(
                "talk %s (%s): cannot summarise its text (%s); using the title",
                talk.id,
                talk.source,
                exc,
            )
            texts.append(title_text(talk))
    if not texts:
        logger.info("no talks to summarise")
        return {}
    vectors: Sequence[NDArray[np.float32] | None] = [None] * len(texts)
    if needs_sentence_vectors(config):
        if embedder is None:
            raise ValueError("lexical_weight below 1 ranks by sentence embeddings: pass embedder")
        vectors = embed_candidates(texts, embedder)
    summaries = {
        text.subject_id: _summary(text, vec, config)
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
    embedder: Embedder | None = None,
    config: SummaryConfig | None = None,
) -> Summary:
    """Extractive summary of one talk: ``config.talk_sentences`` sentences, in source order.

    Args:
        talk: The talk; its notes are preferred, then description, then abstract.
        embedder: Embeds the sentences when :func:`needs_sentence_vectors` (else unused).
        config: Summary options; ``None`` = defaults.

    Returns:
        The summary. ``source`` says which text it comes from ("title" when the talk has no
        usable text); every sentence is a verbatim substring of the cleaned source text.
    """
    return summarize_talks([talk], embedder=embedder, config=config)[talk.id]
