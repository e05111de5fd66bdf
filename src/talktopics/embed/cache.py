"""On-disk caches: a checksummed SQLite key-value store and the caching embedder wrapper."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from talktopics.embed.protocol import (
    Embedder,
    inner_count_tokens,
    inner_max_tokens,
    normalise_rows,
)

__all__ = ["CachedEmbedder", "SqliteCache", "default_cache_dir"]

logger = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$TALKTOPICS_CACHE`` or ``~/.cache/talktopics``."""
    env = os.environ.get("TALKTOPICS_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "talktopics"


class SqliteCache:
    """A small persistent key -> bytes store in one SQLite file, safe to share.

    Each value carries a CRC32, so bytes damaged on disk are detected (and reported as
    missing, to be recomputed). Writes are transactions in WAL mode: an interrupted run keeps
    what it committed and concurrent runs do not corrupt each other. A file that is not a
    readable database is moved aside (``<name>.corrupt-<time>``) and started afresh; a cache
    that cannot be opened at all (read-only disk, ...) is disabled with a warning and every
    lookup misses.

    Args:
        path: The database file; its folder is created when needed.
    """

    _SCHEMA = (
        "CREATE TABLE IF NOT EXISTS entries (namespace TEXT NOT NULL, key BLOB NOT NULL, "
        "crc INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID"
    )

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._conn: sqlite3.Connection | None = None
        self._disabled = False

    def __repr__(self) -> str:
        return f"SqliteCache({str(self.path)!r})"

    @property
    def enabled(self) -> bool:
        return self._connect() is not None

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None or self._disabled:
            return self._conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            logger.warning("cache %s is unreadable (%s); moved to %s", self.path, exc, aside)
            with contextlib.suppress(OSError):
                self.path.rename(aside)
            try:
                self._conn = self._open()
            except (OSError, sqlite3.Error) as exc2:
                self._disable(exc2)
        except OSError as exc:
            self._disable(exc)
        return self._conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60.0)
        try:
            with contextlib.suppress(sqlite3.OperationalError):
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(self._SCHEMA)
            conn.commit()
        except BaseException:
            conn.close()
            raise
        return conn

    def _disable(self, exc: BaseException) -> None:
        logger.warning("cache %s unavailable (%s); going on without it", self.path, exc)
        self._disabled = True
        self._conn = None

    def close(self) -> None:
        """Close the database (it is reopened when used again)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def get_many(self, namespace: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """Values of the keys found intact; damaged entries are logged and left out."""
        conn = self._connect()
        found: dict[bytes, bytes] = {}
        if conn is None or not keys:
            return found
        bad = 0
        try:
            for start in range(0, len(keys), 500):
                part = list(keys[start : start + 500])
                marks = ",".join("?" * len(part))
                rows = conn.execute(
                    f"SELECT key, crc, value FROM entries WHERE namespace = ? AND key IN ({marks})",
                    [namespace, *part],
                ).fetchall()
                for key, crc, value in rows:
                    if isinstance(value, bytes) and zlib.crc32(value) == crc:
                        found[bytes(key)] = value
                    else:
                        bad += 1
        except sqlite3.DatabaseError as exc:
            logger.warning("cache %s: cannot read (%s)", self.path, exc)
        if bad:
            logger.warning(
                "cache %s: %d corrupt entries (checksum mismatch) will be recomputed",
                self.path,
                bad,
            )
        return found

    def put_many(self, namespace: str, items: Sequence[tuple[bytes, bytes]]) -> None:
        """Store values in one transaction (failures are logged, never raised)."""
        conn = self._connect()
        if conn is None or not items:
            return
        rows = [(namespace, key, zlib.crc32(value), value) for key, value in items]
        try:
            with conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO entries (namespace, key, crc, value) "
                    "VALUES (?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as exc:
            logger.warning("cache %s: cannot write (%s)", self.path, exc)


class CachedEmbedder:
    """Wrap an embedder with an on-disk cache, keyed by backend + model and the text's sha256.

    Vectors live in ``<cache_dir>/embeddings.sqlite3`` (a :class:`SqliteCache`, namespace =
    the embedder's name). Every entry is checked when read: a wrong checksum, a length that
    does not match the embedder's dimension or non-finite values mean a corrupt entry, which
    is recomputed (and logged). New vectors are written every :attr:`WRITE_EVERY` texts.

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

    def __enter__(self) -> CachedEmbedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def key(self, text: str) -> bytes:
        """Cache key of a text for this backend and model."""
        return hashlib.sha256(f"{self.name}\0{text}".encode()).digest()

    def _decode(self, blob: bytes, dim: int) -> np.ndarray | None:
        if len(blob) != 4 * dim:
            return None
        vector = np.frombuffer(blob, dtype="<f4")
        return vector if bool(np.all(np.isfinite(vector))) else None

    def _lookup(self, namespace: str, keys: Sequence[bytes], dim: int) -> dict[bytes, np.ndarray]:
        """Intact cached vectors of the keys (corrupt entries logged and left out)."""
        cached: dict[bytes, np.ndarray] = {}
        bad = 0
        for key, blob in self.store.get_many(namespace, keys).items():
            vector = self._decode(blob, dim)
            if vector is None:
                bad += 1
            else:
                cached[key] = vector
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

    def embed_documents(self, texts: Sequence[str], *, max_tokens: int | None = None) -> np.ndarray:
        """Whole documents as :func:`~talktopics.embed.embed_documents` embeds them, cached.

        A document found in the cache costs neither token counting nor chunking; the others
        are chunked and pooled from (cached or new) chunk vectors in one call, exactly as
        without the document cache.
        """
        from talktopics.embed.documents import pool_documents

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        dim = self.dim
        limit = "model" if max_tokens is None else str(max_tokens)
        namespace = f"{self.name}\0documents\0{limit}"
        keys = [hashlib.sha256(f"{namespace}\0{text}".encode()).digest() for text in texts]
        unique: dict[bytes, str] = dict(zip(keys, texts, strict=True))
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


def _deferred(embedder: Embedder) -> bool:
    """Whether the embedder's backend is not built yet."""
    from talktopics.embed.backends import DeferredEmbedder

    return isinstance(embedder, DeferredEmbedder) and not embedder.loaded
