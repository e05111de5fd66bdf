"""One encoder pass per run: talks and the run's embedders in, the chunks of every talk's
topic text sent once, longest first, into the embedding cache.

Talk vectors are pooled from the chunks of their :func:`~talktopics.topics.talk_text.talk_text`
(:func:`~talktopics.embed.documents.document_units`). This pass sends all of them in one call
that the cache orders by length over the whole run; the topic stage then reads its vectors
from the cache. A run whose talk vectors are all cached already skips the pass: its texts were
embedded by an earlier run.

Nothing else of a talk's text reaches the encoder: summaries rank their sentences by word
overlap and tell near-duplicates apart by their words, and topic blurbs choose their
representative talks by the talk vectors (:mod:`talktopics.summaries`). Only summary options
that rank by sentence embeddings (``SummaryConfig.lexical_weight`` below 1, not the default)
add the candidate sentences to this pass, and then the talk's text is encoded twice.

Talk vectors pooled from the summary sentences themselves (``talk_units``: each sentence
encoded once) are supported by :func:`~talktopics.embed.embed_documents` but not the default:
they lowered the topic AMI on the tuned set beyond seed noise (bench notes).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from talktopics.config import SummaryConfig
from talktopics.embed import CachedEmbedder, Embedder
from talktopics.embed.documents import document_units
from talktopics.records import Talk
from talktopics.summaries.candidates import prepare_talk
from talktopics.summaries.talks import needs_sentence_vectors

__all__ = ["encode_talks", "start_encoder"]

logger = logging.getLogger(__name__)


def start_encoder(
    texts: Sequence[str], *, topics: Embedder, summaries: Embedder, config: SummaryConfig
) -> bool:
    """Start building the encoder backends :func:`encode_talks` will need, in the background
    (:meth:`~talktopics.embed.CachedEmbedder.prepare`), so that converting and compiling the
    model overlaps term extraction. A run whose talk vectors are all cached builds none.

    Args:
        texts: The talks' :func:`~talktopics.topics.talk_text.topic_texts` for ``topics``.

    Returns:
        Whether a backend is being built.
    """
    started = False
    if isinstance(topics, CachedEmbedder) and not all(topics.cached_documents(texts)):
        topics.prepare()
        started = True
    if needs_sentence_vectors(config) and isinstance(summaries, CachedEmbedder):
        summaries.prepare()
        started = True
    return started


def encode_talks(
    talks: Sequence[Talk],
    *,
    texts: Sequence[str],
    topics: Embedder,
    summaries: Embedder,
    config: SummaryConfig,
) -> int:
    """Embed the chunks of the run's talk vectors in one call (and, only when ``config``
    ranks summaries by sentence embeddings, the summaries' candidate sentences, one call per
    embedder).

    Only cached embedders (:class:`~talktopics.embed.CachedEmbedder`) take part: what this
    pass computes reaches the later stages through the cache.

    Args:
        talks: The run's talks.
        texts: Their :func:`~talktopics.topics.talk_text.topic_texts` for ``topics``.

    Returns:
        The number of distinct texts sent to the embedders (cached or not).
    """
    wanted: dict[int, tuple[CachedEmbedder, dict[str, None]]] = {}

    def add(embedder: Embedder, chunks: Iterable[str]) -> None:
        if isinstance(embedder, CachedEmbedder):
            wanted.setdefault(id(embedder), (embedder, {}))[1].update(dict.fromkeys(chunks))

    if isinstance(topics, CachedEmbedder):
        documents = list(texts)
        if all(topics.cached_documents(documents)):
            logger.info("every talk vector is cached: no encoder pass")
            return 0
        limit = topics.max_tokens
        if limit is not None:
            for parts in document_units(documents, topics.count_tokens, limit):
                add(topics, (chunk for chunk, _ in parts))
        else:
            add(topics, documents)
    if needs_sentence_vectors(config):
        for talk in talks:
            try:
                text = prepare_talk(talk, config)
            except Exception:  # the summary stage reports it and falls back to the title
                continue
            add(summaries, (text.sentences[i] for i in text.candidates))
    sent = 0
    for embedder, chunks in wanted.values():
        embedder.embed(list(chunks))
        sent += len(chunks)
    return sent
