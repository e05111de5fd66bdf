"""Tests of the checksummed SQLite store shared by every cache (talktopics.store)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from talktopics.store import SqliteCache, default_cache_dir


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TALKTOPICS_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("TALKTOPICS_CACHE")
    assert default_cache_dir() == Path.home() / ".cache" / "talktopics"


def test_values_round_trip_per_namespace(tmp_path: Path) -> None:
    store = SqliteCache(tmp_path / "sub" / "store.sqlite3")
    store.put_many("a", [(b"k1", b"one"), (b"k2", b"two")])
    store.put_many("b", [(b"k1", b"other")])
    assert store.get_many("a", [b"k1", b"k2", b"k3"]) == {b"k1": b"one", b"k2": b"two"}
    assert store.get_many("b", [b"k1"]) == {b"k1": b"other"}
    store.close()
    assert SqliteCache(tmp_path / "sub" / "store.sqlite3").get_many("a", [b"k2"]) == {b"k2": b"two"}


def test_a_damaged_value_is_reported_missing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "store.sqlite3"
    store = SqliteCache(path)
    store.put_many("n", [(b"k", b"value")])
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE entries SET value = zeroblob(5)")
    conn.close()
    assert SqliteCache(path).get_many("n", [b"k"]) == {}
    assert "corrupt entries" in caplog.text


def _damaged_in_the_middle(path: Path, keys: list[bytes]) -> None:
    """A cache of small values whose middle pages are overwritten with garbage: SQLite still
    opens it, but reading or writing says "database disk image is malformed"."""
    store = SqliteCache(path)
    store.put_many("n", [(k, k * 8) for k in keys])
    store.close()
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(b"\xff" * 8192)
    with sqlite3.connect(path) as conn, pytest.raises(sqlite3.DatabaseError, match="malformed"):
        conn.execute("SELECT COUNT(*) FROM entries").fetchall()
    conn.close()


def test_a_cache_damaged_in_the_middle_is_moved_aside_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """F9: one warning, the file moved to ``.corrupt-<time>``, a fresh cache that the next run
    uses without any warning (instead of a warning on every read and write, every run)."""
    path = tmp_path / "embeddings.sqlite3"
    keys = [f"key-{i}".encode() for i in range(5000)]
    _damaged_in_the_middle(path, keys)
    store = SqliteCache(path)
    assert store.get_many("n", keys) == {}
    store.put_many("n", [(k, b"fresh") for k in keys[:10]])
    assert store.get_many("n", keys[:10]) == {k: b"fresh" for k in keys[:10]}
    store.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "malformed" in warnings[0] and "moved to" in warnings[0]
    aside = sorted(p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name)
    assert len(aside) == 1 and aside[0].startswith("embeddings.sqlite3.corrupt-")
    caplog.clear()
    again = SqliteCache(path)
    assert again.get_many("n", keys[:10]) == {k: b"fresh" for k in keys[:10]}
    again.close()
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_a_damaged_cache_found_by_a_write_is_moved_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "terms.sqlite3"
    keys = [f"key-{i}".encode() for i in range(5000)]
    _damaged_in_the_middle(path, keys)
    store = SqliteCache(path)
    store.put_many("n", [(k, b"new") for k in keys])
    assert store.get_many("n", keys[:3]) == {k: b"new" for k in keys[:3]}
    store.close()
    assert sum("moved to" in r.getMessage() for r in caplog.records) == 1
    assert "cannot write" not in caplog.text


def test_busy_or_locked_is_not_corruption() -> None:
    from talktopics.store import is_corrupt

    assert not is_corrupt(sqlite3.OperationalError("database is locked"))
    assert is_corrupt(sqlite3.DatabaseError("database disk image is malformed"))
