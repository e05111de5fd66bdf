"""On-disk caches: a checksummed SQLite key-value store and the caching embedder wrapper."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from talktopics.embed.protocol import Embedder, normalise_rows

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

    Attributes:
        hits: Texts served from the cache so far.
        misses: Texts that had to be embedded.
    """

    WRITE_EVERY = 512
    """Texts per embedding call and transaction (bounds the work lost to an interruption)."""

    def __init__(self, inner: Embedder, cache_dir: str | Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self.store = SqliteCache(self.cache_dir / "embeddings.sqlite3")
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.inner!r}, cache_dir={str(self.cache_dir)!r})"

    @property
    def max_tokens(self) -> int | None:
        value = getattr(self.inner, "max_tokens", None)
        return int(value) if value is not None else None

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        counter = getattr(self.inner, "count_tokens", None)
        if counter is None:
            raise AttributeError(f"{self.inner!r} cannot count tokens")
        return list(counter(texts))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> CachedEmbedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def key(self, text: str) -> bytes:
        """Cache key of a text for this backend and model."""
        return hashlib.sha256(f"{self.name}\0{text}".encode()).digest()

    def _decode(self, blob: bytes) -> np.ndarray | None:
        if len(blob) != 4 * self.dim:
            return None
        vector = np.frombuffer(blob, dtype="<f4")
        return vector if bool(np.all(np.isfinite(vector))) else None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts, reading cached vectors and storing new ones."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        keys = [self.key(text) for text in texts]
        unique: dict[bytes, str] = dict(zip(keys, texts, strict=True))
        cached: dict[bytes, np.ndarray] = {}
        bad = 0
        for key, blob in self.store.get_many(self.name, list(unique)).items():
            vector = self._decode(blob)
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
                self.dim,
            )
        missing = [k for k in unique if k not in cached]
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
            if vectors.shape != (len(part), self.dim):
                raise ValueError(
                    f"{self.inner!r} returned shape {vectors.shape}, "
                    f"expected ({len(part)}, {self.dim})"
                )
            cached.update(zip(part, vectors, strict=True))
            blobs = [np.ascontiguousarray(v, dtype="<f4").tobytes() for v in vectors]
            self.store.put_many(self.name, list(zip(part, blobs, strict=True)))
        for i, key in enumerate(keys):
            out[i] = cached[key]
        return out
