"""The caching embedder: texts and documents in, vectors out, served from disk when known.

:class:`CachedEmbedder` wraps any :class:`~talktopics.embed.protocol.Embedder` and keeps its
vectors in a :class:`~talktopics.store.SqliteCache` (``<cache_dir>/embeddings.sqlite3``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from talktopics.embed.backends import DeferredEmbedder
from talktopics.embed.documents import CHUNKING, Document, document_key, pool_documents
from talktopics.embed.protocol import (
    Embedder,
    inner_count_tokens,
    inner_max_tokens,
    normalise_rows,
)
from talktopics.store import SqliteCache, default_cache_dir

__all__ = ["CachedEmbedder"]

logger = logging.getLogger(__name__)


class CachedEmbedder:
    """Wrap an embedder with an on-disk cache, keyed by backend + model and the text's sha256.

    Vectors live in ``<cache_dir>/embeddings.sqlite3`` (a
    :class:`~talktopics.store.SqliteCache`, namespace = the embedder's name). Every entry is
    checked when read: a wrong checksum, a length that does not match the embedder's
    dimension or non-finite values mean a corrupt entry, which is recomputed (and logged).
    New vectors are written every :attr:`WRITE_EVERY` texts.

    Whole documents (:meth:`embed_documents`: chunked and pooled) are cached as well, in a
    namespace of their own, and so is the backend's dimension. Wrapping a
    :class:`~talktopics.embed.backends.DeferredEmbedder`, a run that finds every text in the
    cache never builds the backend: no torch import, no model load, no token counting.

    Attributes:
        hits: Texts served from the cache so far (by :meth:`embed`).
        misses: Texts that had to be embedded.
    """

    WRITE_EVERY = 512
    """Texts per embedding call and transaction (bounds the work lost to an interruption)."""

    _BACKEND = "backend"
    """Namespace of the backends' dimensions (key: the embedder's name)."""

    def __init__(self, inner: Embedder, cache_dir: str | Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self.store = SqliteCache(self.cache_dir / "embeddings.sqlite3")
        self.hits = 0
        self.misses = 0
        self._dim: int | None = None
        self._dim_from_backend = False
        if not _deferred(inner):
            self._backend_dim()

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.inner!r}, cache_dir={str(self.cache_dir)!r})"

    def prepare(self) -> None:
        """Start building a deferred backend in the background
        (:meth:`~talktopics.embed.DeferredEmbedder.prepare`); nothing for a built one."""
        if _deferred(self.inner):
            assert isinstance(self.inner, DeferredEmbedder)
            self.inner.prepare()

    @property
    def dim(self) -> int:
        """The vectors' dimension: remembered in the cache, else asked of the backend."""
        if self._dim is None:
            self._dim = self._remembered_dim()
        if self._dim is None:
            return self._backend_dim()
        return self._dim

    @dim.setter
    def dim(self, value: int) -> None:  # pragma: no cover - the Embedder protocol's attribute
        raise AttributeError("the dimension of a cached embedder is its backend's")

    def _remembered_dim(self) -> int | None:
        blob = self.store.get_many(self._BACKEND, [self.name.encode()]).get(self.name.encode())
        try:
            dim = int(json.loads(blob)["dim"]) if blob is not None else None
        except (ValueError, KeyError, TypeError):
            dim = None
        return dim if dim is not None and dim > 0 else None

    def _backend_dim(self) -> int:
        """The backend's own dimension (building a deferred backend), remembered on disk."""
        if not self._dim_from_backend:
            dim = int(self.inner.dim)
            if self._remembered_dim() != dim:
                value = json.dumps({"dim": dim}).encode()
                self.store.put_many(self._BACKEND, [(self.name.encode(), value)])
            self._dim, self._dim_from_backend = dim, True
        assert self._dim is not None
        return self._dim

    @property
    def max_tokens(self) -> int | None:
        return inner_max_tokens(self.inner)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return inner_count_tokens(self.inner, texts)

    def close(self) -> None:
        self.store.close()

    def release(self) -> None:
        """Drop the backend's model when it can be built again on demand (a
        :class:`~talktopics.embed.backends.DeferredEmbedder`); the cache stays open."""
        release = getattr(self.inner, "release", None)
        if callable(release):
            release()

    def __enter__(self) -> CachedEmbedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def key(self, text: str) -> bytes:
        """Cache key of a text for this backend and model."""
        return hashlib.sha256(f"{self.name}\0{text}".encode()).digest()

    def _lookup(self, namespace: str, keys: Sequence[bytes], dim: int) -> dict[bytes, np.ndarray]:
        """Intact cached vectors of the keys (corrupt entries logged and left out)."""
        found = self.store.get_many(namespace, keys)
        sized = [(key, blob) for key, blob in found.items() if len(blob) == 4 * dim]
        matrix = np.frombuffer(b"".join(blob for _, blob in sized), dtype="<f4").reshape(-1, dim)
        finite = np.isfinite(matrix).all(axis=1).tolist()  # one check for all vectors
        cached = {key: matrix[i] for i, (key, _) in enumerate(sized) if finite[i]}
        bad = len(found) - len(cached)
        if bad:
            logger.warning(
                "embedding cache %s: %d corrupt entries (wrong length for dim %d or "
                "non-finite values) will be recomputed",
                self.store.path,
                bad,
                dim,
            )
        return cached

    def _save(self, namespace: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        blobs = [np.ascontiguousarray(v, dtype="<f4").tobytes() for v in vectors]
        self.store.put_many(namespace, list(zip(keys, blobs, strict=True)))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts, reading cached vectors and storing new ones."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        dim = self.dim
        keys = [self.key(text) for text in texts]
        unique: dict[bytes, str] = dict(zip(keys, texts, strict=True))
        cached = self._lookup(self.name, list(unique), dim)
        missing = [k for k in unique if k not in cached]
        if missing and self._backend_dim() != dim:
            logger.warning(
                "embedding cache %s: %s has dimension %d now",
                self.store.path,
                self.name,
                self._backend_dim(),
            )
            return self.embed(texts)  # decode the cached vectors with the backend's dimension
        self.hits += len(unique) - len(missing)
        self.misses += len(missing)
        logger.info(
            "embedding cache %s: %d of %d texts cached, %d to embed",
            self.store.path,
            len(unique) - len(missing),
            len(unique),
            len(missing),
        )
        # Longest first over the whole call (as sentence-transformers orders one batch), so the
        # blocks below pad like one length-sorted pass.
        missing.sort(key=lambda k: -len(unique[k]))
        for start in range(0, len(missing), self.WRITE_EVERY):
            part = missing[start : start + self.WRITE_EVERY]
            vectors = normalise_rows(self.inner.embed([unique[k] for k in part]))
            if vectors.shape != (len(part), dim):
                raise ValueError(
                    f"{self.inner!r} returned shape {vectors.shape}, expected ({len(part)}, {dim})"
                )
            cached.update(zip(part, vectors, strict=True))
            self._save(self.name, part, vectors)
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = cached[key]
        return out

    def embed_documents(
        self, texts: Sequence[Document], *, max_tokens: int | None = None
    ) -> np.ndarray:
        """Whole documents as :func:`~talktopics.embed.embed_documents` embeds them, cached.

        A document found in the cache costs neither token counting nor chunking; the others
        are chunked and pooled from (cached or new) chunk vectors in one call, exactly as
        without the document cache.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        dim = self.dim
        namespace, keys = self._document_keys(texts, max_tokens)
        unique: dict[bytes, Document] = dict(zip(keys, texts, strict=True))
        cached = self._lookup(namespace, list(unique), dim)
        missing = [k for k in unique if k not in cached]
        logger.info(
            "embedding cache %s: %d of %d documents cached, %d to embed",
            self.store.path,
            len(unique) - len(missing),
            len(unique),
            len(missing),
        )
        if missing:
            vectors = pool_documents([unique[k] for k in missing], self, max_tokens=max_tokens)
            if self.dim != dim:  # the backend disagreed with the remembered dimension
                return self.embed_documents(texts, max_tokens=max_tokens)
            cached.update(zip(missing, vectors, strict=True))
            self._save(namespace, missing, vectors)
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = cached[key]
        return out

    def cached_documents(
        self, texts: Sequence[Document], *, max_tokens: int | None = None
    ) -> list[bool]:
        """Whether each document's vector is in the cache (checksums checked, not decoded)."""
        namespace, keys = self._document_keys(texts, max_tokens)
        found = self.store.get_many(namespace, keys)
        return [key in found for key in keys]

    def _document_keys(
        self, texts: Sequence[Document], max_tokens: int | None
    ) -> tuple[str, list[bytes]]:
        limit = "model" if max_tokens is None else str(max_tokens)
        namespace = f"{self.name}\0documents\0{limit}\0{CHUNKING}"
        keys = [
            hashlib.sha256(f"{namespace}\0{document_key(text)}".encode()).digest() for text in texts
        ]
        return namespace, keys


def _deferred(embedder: Embedder) -> bool:
    """Whether the embedder's backend is not built yet."""
    return isinstance(embedder, DeferredEmbedder) and not embedder.loaded
