"""A checksummed SQLite key-value store: (namespace, key bytes) in, value bytes out.

The one on-disk storage of every cache (embeddings, terms, talk languages);
:func:`default_cache_dir` says where those caches live, :func:`default_model_cache_dir` where
the converted encoders live (they depend on no corpus).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import sqlite3
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "SqliteCache",
    "default_cache_dir",
    "default_model_cache_dir",
    "files_digest",
    "is_corrupt",
]

logger = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$TALKTOPICS_CACHE`` or ``~/.cache/talktopics``."""
    env = os.environ.get("TALKTOPICS_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "talktopics"


def default_model_cache_dir() -> Path:
    """``$TALKTOPICS_MODEL_CACHE`` or ``~/.cache/talktopics/models``: the per-user folder of
    what depends only on a model and the installed runtime (an encoder's OpenVINO IR, the
    CPU's inference precision), shared by every corpus whatever ``$TALKTOPICS_CACHE`` says."""
    env = os.environ.get("TALKTOPICS_MODEL_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "talktopics" / "models"


class SqliteCache:
    """A small persistent key -> bytes store in one SQLite file, safe to share.

    Each value carries a CRC32, so bytes damaged on disk are detected (and reported as
    missing, to be recomputed). Writes are transactions in WAL mode: an interrupted run keeps
    what it committed and concurrent runs do not corrupt each other. A file that is not a
    readable database, or one whose pages turn out damaged when read or written ("database disk
    image is malformed"), is moved aside once (``<name>.corrupt-<time>``, with one warning)
    and started afresh; a cache
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
        self._set_aside_once = False

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
            self._set_aside(exc)
            try:
                self._conn = self._open()
            except (OSError, sqlite3.Error) as exc2:
                self._disable(exc2)
        except OSError as exc:
            self._disable(exc)
        return self._conn

    def _set_aside(self, exc: BaseException) -> None:
        """Move a damaged database (with its WAL and shared-memory files) to
        ``<name>.corrupt-<time>``, once per cache, with one warning; the next use starts a
        fresh file. A second damage in the same run disables the cache instead."""
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        if self._set_aside_once:
            self._disable(exc)
            return
        self._set_aside_once = True
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        logger.warning("cache %s is unreadable (%s); moved to %s", self.path, exc, aside)
        for suffix in ("", "-wal", "-shm"):  # a stale WAL must not be replayed on a new file
            with contextlib.suppress(OSError):
                self.path.with_name(self.path.name + suffix).rename(
                    aside.with_name(aside.name + suffix)
                )

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
            if not is_corrupt(exc):
                logger.warning("cache %s: cannot read (%s)", self.path, exc)
                return found
            self._set_aside(exc)  # a fresh cache: nothing found, everything recomputed once
            return {}
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
            if not is_corrupt(exc) or self._set_aside_once:
                logger.warning("cache %s: cannot write (%s)", self.path, exc)
                return
            self._set_aside(exc)
            self.put_many(namespace, items)  # into the fresh file


def is_corrupt(exc: BaseException) -> bool:
    """Whether an SQLite error says the file is damaged ("database disk image is malformed",
    "file is not a database"), as opposed to busy, locked, read-only or full."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


@functools.cache
def files_digest(root: Path, pattern: str = "*") -> str:
    """sha256 (hex) of the files under ``root`` whose names match ``pattern``: their relative
    paths and bytes, in sorted order, compiled-code caches aside. Part of a cache's key, so that
    a change to the code that made an entry invalidates it."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob(pattern)):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
