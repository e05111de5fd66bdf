"""The embedder interface: texts in, unit-length float32 rows out."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from talktopics.heap import trim_heap

__all__ = [
    "TOKENIZE_BLOCK",
    "DocumentCache",
    "Embedder",
    "TokenLimited",
    "inner_count_tokens",
    "inner_max_tokens",
    "normalise_rows",
    "release_backend",
]


TOKENIZE_BLOCK = 1024
"""Texts a backend tokenises at a time. A fast tokenizer's result keeps ~110 bytes per token
(ids, offsets, token strings, masks): 20,000 talk texts at once held 409 MB, a block of this
many ~20 MB."""


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 row vectors."""

    name: str
    """Stable id of backend and model; cache keys and saved models refer to it."""
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts: an array of shape ``(len(texts), dim)``, float32, unit rows."""
        ...


@runtime_checkable
class TokenLimited(Protocol):
    """An embedder whose model reads at most ``max_tokens`` tokens of a text."""

    max_tokens: int | None

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Number of model tokens of each text (without special tokens)."""
        ...


@runtime_checkable
class DocumentCache(Protocol):
    """An embedder that keeps whole-document vectors itself (the on-disk cache).

    :func:`~talktopics.embed.embed_documents` hands documents to such an embedder instead of
    chunking and pooling them.
    """

    def embed_documents(
        self, texts: Sequence[str | tuple[str, ...]], *, max_tokens: int | None = None
    ) -> np.ndarray:
        """Document vectors as :func:`~talktopics.embed.embed_documents` computes them."""
        ...


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Float32 copy with unit-length rows (zero rows stay zero)."""
    out = np.asarray(vectors, dtype=np.float32).copy()
    if out.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {out.shape}")
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def inner_max_tokens(inner: Embedder) -> int | None:
    """``max_tokens`` of a wrapped embedder (None when it has no token limit)."""
    value = getattr(inner, "max_tokens", None)
    return int(value) if value is not None else None


def inner_count_tokens(inner: Embedder, texts: Sequence[str]) -> list[int]:
    """Token counts from a wrapped embedder that can count them.

    Raises:
        AttributeError: The wrapped embedder cannot count tokens.
    """
    counter = getattr(inner, "count_tokens", None)
    if counter is None:
        raise AttributeError(f"{inner!r} cannot count tokens")
    return list(counter(texts))


def release_backend(embedder: object) -> None:
    """Drop an embedder's model when it can build it again on demand (its ``release()``: a
    cached, deferred backend), collect the garbage and give the freed heap back to the OS.
    An embedder without ``release()`` is left as it is."""
    release = getattr(embedder, "release", None)
    if callable(release):
        release()
        gc.collect()
        trim_heap()
