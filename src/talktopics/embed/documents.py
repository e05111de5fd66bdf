"""Long documents: texts of any length (or their sentences) in, one vector each out (pooled).

A document is a string (chunked at sentence boundaries into pieces of at most the model's
token limit) or a tuple of units, usually its sentences (each unit embedded on its own, an
overlong one split between words). Either way the document vector is the token-weighted mean
of its units' vectors, and the units of all documents go to the embedder in one call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from talktopics.embed.protocol import DocumentCache, Embedder, normalise_rows
from talktopics.nlp.markup import clean_markup
from talktopics.nlp.sentences import split_sentences

__all__ = [
    "CHUNKING",
    "Document",
    "chunk_text",
    "document_key",
    "document_units",
    "embed_documents",
    "pool_documents",
]

Document = str | tuple[str, ...]
"""A text (chunked at sentences) or its units, e.g. sentences (each embedded on its own)."""

UNIT_SEPARATOR = "\x1e"
"""Joins a tuple document's units into its cache key text (a character no unit holds)."""


def document_key(document: Document) -> str:
    """The text a document is cached under: a string as is; units joined, marked as units."""
    if isinstance(document, str):
        return document
    return UNIT_SEPARATOR + UNIT_SEPARATOR.join(document)


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
    texts: Sequence[Document], embedder: Embedder, *, max_tokens: int | None = None
) -> np.ndarray:
    """Embed whole documents, however long.

    A text within the model's token limit is embedded as is. A longer one is split into
    chunks at sentence boundaries (:func:`chunk_text`), all chunks are embedded, and the
    document vector is the mean of the chunk vectors weighted by their token counts,
    re-normalised — so every part of the text counts, not only its first 256 tokens.
    A tuple document is pooled the same way from its units (usually its sentences, so the
    vectors are shared with whatever else embeds those sentences, e.g. summaries); a unit
    over the limit is split between words.

    With a :class:`~talktopics.embed.CachedEmbedder` the document vectors themselves are
    cached (:meth:`~talktopics.embed.CachedEmbedder.embed_documents`): a re-run reads them
    without counting tokens or loading the model; the vectors are the same.

    Args:
        texts: Documents: strings or tuples of units.
        embedder: Any :class:`Embedder`; chunking needs it to be :class:`TokenLimited`
            (others embed texts whole).
        max_tokens: Override the embedder's limit.
    """
    if isinstance(embedder, DocumentCache):
        return embedder.embed_documents(texts, max_tokens=max_tokens)
    return pool_documents(texts, embedder, max_tokens=max_tokens)


def pool_documents(
    texts: Sequence[Document], embedder: Embedder, *, max_tokens: int | None = None
) -> np.ndarray:
    """:func:`embed_documents` without the document cache: chunk, embed and pool."""
    limit = max_tokens if max_tokens is not None else getattr(embedder, "max_tokens", None)
    counter = getattr(embedder, "count_tokens", None)
    if not texts:
        return embedder.embed([])
    if limit is None or counter is None:
        if all(isinstance(text, str) for text in texts):
            return embedder.embed(texts)  # type: ignore[arg-type]
        units = document_units(texts, None, None)
    else:
        units = document_units(texts, counter, limit)
    chunks: list[str] = []
    weights: list[int] = []
    owner: list[int] = []
    for i, parts in enumerate(units):
        for chunk, tokens in parts:
            chunks.append(chunk)
            weights.append(max(tokens, 1))
            owner.append(i)
    vectors = embedder.embed(chunks)
    pooled = np.zeros((len(texts), vectors.shape[1]), dtype=np.float64)
    np.add.at(pooled, owner, vectors.astype(np.float64) * np.asarray(weights)[:, None])
    return normalise_rows(pooled)


def document_units(
    texts: Sequence[Document],
    count_tokens: Callable[[Sequence[str]], list[int]] | None,
    limit: int | None,
) -> list[list[tuple[str, int]]]:
    """The ``(unit, tokens)`` pairs each document is pooled from.

    A string within ``limit`` is one unit, a longer one its chunks (:func:`chunk_text`); a
    tuple's units are kept, those over ``limit`` split between words. Without a token
    counter every unit counts its words (and nothing is split).
    """
    if count_tokens is None or limit is None:
        return [
            [(text, len(text.split()))] if isinstance(text, str) else _word_weighted(text)
            for text in texts
        ]
    flat = [unit for text in texts for unit in ((text,) if isinstance(text, str) else text)]
    lengths = iter(count_tokens(flat))
    out: list[list[tuple[str, int]]] = []
    long_docs = 0
    for text in texts:
        if isinstance(text, str):
            n = next(lengths)
            long_docs += n > limit
            out.append([(text, n)] if n <= limit else chunk_text(text, count_tokens, limit))
            continue
        parts: list[tuple[str, int]] = []
        for unit in text:
            n = next(lengths)
            parts.extend([(unit, n)] if n <= limit else chunk_text(unit, count_tokens, limit))
        out.append(parts or [("", 0)])
    if long_docs:
        logger.info("%d of %d documents exceed %d tokens: chunked", long_docs, len(texts), limit)
    return out


def _word_weighted(units: tuple[str, ...]) -> list[tuple[str, int]]:
    return [(unit, len(unit.split())) for unit in units] or [("", 0)]
