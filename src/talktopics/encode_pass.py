"""One encoder pass per run: talks and the run's embedders in, the chunks of every talk's
topic text sent once, longest first, into the embedding cache.

Talk vectors are pooled from the chunks of their :func:`~talktopics.topics.talk_text.talk_text`
(:func:`~talktopics.embed.documents.document_units`). This pass chunks every text once, sends
all chunks in one call that the cache orders by length over the whole run, and keeps the
pooled talk vectors in the document cache; the topic stage then reads them from there. A run
whose talk vectors are all cached already skips the pass: its texts were embedded by an
earlier run.

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
from collections.abc import Sequence

from talktopics.config import SummaryConfig
from talktopics.embed import CachedEmbedder, Embedder
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
    """Embed the run's talk vectors: their chunks in one call, longest first, pooled and
    kept in the document cache, so the topic stage reads each talk vector and chunks no text
    again (and, only when ``config`` ranks summaries by sentence embeddings, the summaries'
    candidate sentences, in one more call per embedder).

    Only cached embedders (:class:`~talktopics.embed.CachedEmbedder`) take part: what this
    pass computes reaches the later stages through the cache.

    Args:
        talks: The run's talks.
        texts: Their :func:`~talktopics.topics.talk_text.topic_texts` for ``topics``.

    Returns:
        The number of texts handed to the embedders (talk texts and sentences, cached or not).
    """
    sent = 0
    if isinstance(topics, CachedEmbedder):
        if all(topics.cached_documents(texts)):
            logger.info("every talk vector is cached: no encoder pass")
        else:
            topics.embed_documents(list(texts))
            sent += len(texts)
    if needs_sentence_vectors(config):
        wanted: dict[int, tuple[CachedEmbedder, dict[str, None]]] = {}
        for talk in talks:
            try:
                text = prepare_talk(talk, config)
            except Exception:  # the summary stage reports it and falls back to the title
                continue
            if isinstance(summaries, CachedEmbedder):
                candidates = (text.sentences[i] for i in text.candidates)
                wanted.setdefault(id(summaries), (summaries, {}))[1].update(
                    dict.fromkeys(candidates)
                )
        for embedder, unique in wanted.values():
            embedder.embed(list(unique))
            sent += len(unique)
    return sent
