"""One encoder pass per run: talks and the run's embedders in, every sentence the topics and
the summaries will read embedded once, longest first, into the embedding cache.

Talk vectors are pooled from the vectors of their sentences
(:func:`~talktopics.topics.talk_text.talk_units`) and summaries rank the same sentences
(:func:`~talktopics.summaries.candidates.prepare_talk`), so each sentence needs the encoder
once. Without this pass the topic stage and the summary stage would each send their own
texts; with it, all of them go in one call that the cache orders by length over the whole run
(each later stage then reads its vectors from the cache). A run whose talk vectors are all
cached already skips the pass: the sentences were embedded by an earlier run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from talktopics.config import SummaryConfig
from talktopics.embed import CachedEmbedder, Embedder
from talktopics.records import Talk
from talktopics.summaries.candidates import prepare_talk
from talktopics.topics.talk_text import reading_language, talk_units

__all__ = ["MAX_UNIT_CHARS", "encode_sentences"]

logger = logging.getLogger(__name__)

MAX_UNIT_CHARS = 800
"""Talk sentences longer than this are left to the topic stage: one may exceed the model's
token limit and be split there (embedding it whole here would encode its start twice)."""


def encode_sentences(
    talks: Sequence[Talk],
    *,
    topics: Embedder,
    summaries: Embedder,
    config: SummaryConfig,
) -> int:
    """Embed the sentences of the run's talk vectors and summaries, one call per embedder.

    Only cached embedders (:class:`~talktopics.embed.CachedEmbedder`) take part: what this
    pass computes reaches the later stages through the cache.

    Returns:
        The number of distinct texts sent to the embedders (cached or not).
    """
    wanted: dict[int, tuple[CachedEmbedder, dict[str, None]]] = {}

    def add(embedder: Embedder, texts: Iterable[str]) -> None:
        if isinstance(embedder, CachedEmbedder):
            wanted.setdefault(id(embedder), (embedder, {}))[1].update(dict.fromkeys(texts))

    if isinstance(topics, CachedEmbedder):
        reading = reading_language(topics)
        documents = [talk_units(talk, reading) for talk in talks]
        if all(topics.cached_documents(documents)):
            logger.info("every talk vector is cached: no sentence pass")
            return 0
        for units in documents:
            add(topics, (unit for unit in units if len(unit) <= MAX_UNIT_CHARS))
    for talk in talks:
        try:
            text = prepare_talk(talk, config)
        except Exception:  # the summary stage reports it and falls back to the title
            continue
        add(summaries, (text.sentences[i] for i in text.candidates))
    sent = 0
    for embedder, texts in wanted.values():
        embedder.embed(list(texts))
        sent += len(texts)
    return sent
