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
