"""Long documents: texts of any length in, one vector each out (chunked at sentences, pooled)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from talktopics.embed.protocol import DocumentCache, Embedder, normalise_rows
from talktopics.nlp.markup import clean_markup
from talktopics.nlp.sentences import split_sentences

__all__ = ["CHUNKING", "chunk_text", "embed_documents", "pool_documents"]

logger = logging.getLogger(__name__)

CHUNKING = "clean-markup-sentences"
"""Names the rules of :func:`chunk_text`; part of the key of a cached document vector, so a
change of the rules never reuses vectors pooled under the old ones."""


def chunk_text(
    text: str,
    count_tokens: Callable[[Sequence[str]], list[int]],
    max_tokens: int,
    language: str | None = None,
) -> list[tuple[str, int]]:
    """Split a text into chunks of at most ``max_tokens`` tokens, at sentence boundaries.

    The text is cleaned and split as everywhere else
    (:func:`~talktopics.nlp.markup.clean_markup`,
    :func:`~talktopics.nlp.sentences.split_sentences` for ``language``, None = detected).
    Sentences are packed greedily; a sentence longer than the limit is split between words.

    Returns:
        ``(chunk, tokens)`` pairs covering the whole text, in order.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens = {max_tokens} is invalid; must be >= 1")
    sentences = split_sentences(clean_markup(text), language) or [text]
    pieces: list[tuple[str, int]] = []
    for sentence, n in zip(sentences, count_tokens(sentences), strict=True):
        if n <= max_tokens:
            pieces.append((sentence, n))
            continue
        words = sentence.split()
        pieces.extend(zip(words, count_tokens(words), strict=True))
    chunks: list[tuple[str, int]] = []
    current: list[str] = []
    size = 0
    for piece, n in pieces:
        if current and size + n > max_tokens:
            chunks.append((" ".join(current), size))
            current, size = [], 0
        current.append(piece)
        size += n
    if current:
        chunks.append((" ".join(current), size))
    return chunks


def embed_documents(
    texts: Sequence[str], embedder: Embedder, *, max_tokens: int | None = None
) -> np.ndarray:
    """Embed whole documents, however long.

    A text within the model's token limit is embedded as is. A longer one is split into
    chunks at sentence boundaries (:func:`chunk_text`), all chunks are embedded, and the
    document vector is the mean of the chunk vectors weighted by their token counts,
    re-normalised — so every part of the text counts, not only its first 256 tokens.

    With a :class:`~talktopics.embed.CachedEmbedder` the document vectors themselves are
    cached (:meth:`~talktopics.embed.CachedEmbedder.embed_documents`): a re-run reads them
    without counting tokens or loading the model; the vectors are the same.

    Args:
        texts: Documents.
        embedder: Any :class:`Embedder`; chunking needs it to be :class:`TokenLimited`
            (others embed texts whole).
        max_tokens: Override the embedder's limit.
    """
    if isinstance(embedder, DocumentCache):
        return embedder.embed_documents(texts, max_tokens=max_tokens)
    return pool_documents(texts, embedder, max_tokens=max_tokens)


def pool_documents(
    texts: Sequence[str], embedder: Embedder, *, max_tokens: int | None = None
) -> np.ndarray:
    """:func:`embed_documents` without the document cache: chunk, embed and pool."""
    limit = max_tokens if max_tokens is not None else getattr(embedder, "max_tokens", None)
    counter = getattr(embedder, "count_tokens", None)
    if not texts or limit is None or counter is None:
        return embedder.embed(texts)
    lengths = counter(texts)
    chunks: list[str] = []
    weights: list[int] = []
    owner: list[int] = []
    for i, (text, n) in enumerate(zip(texts, lengths, strict=True)):
        parts = [(text, n)] if n <= limit else chunk_text(text, counter, limit)
        for chunk, tokens in parts:
            chunks.append(chunk)
            weights.append(max(tokens, 1))
            owner.append(i)
    long_docs = sum(1 for n in lengths if n > limit)
    if long_docs:
        logger.info(
            "%d of %d documents exceed %d tokens: embedding %d chunks",
            long_docs,
            len(texts),
            limit,
            len(chunks),
        )
    vectors = embedder.embed(chunks)
    pooled = np.zeros((len(texts), vectors.shape[1]), dtype=np.float64)
    np.add.at(pooled, owner, vectors.astype(np.float64) * np.asarray(weights)[:, None])
    return normalise_rows(pooled)
