"""The digest's result cache: a warm re-run writes the same bytes as a cold one without running
the stages, a damaged entry is rebuilt, the key follows everything the record depends on, and
a run served from the cache imports none of the heavy libraries."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from conftest import FakeEmbedder
from talktopics.config import RunConfig
from talktopics.config.parallel import ParallelConfig
from talktopics.digest_cache import (
    DigestCache,
    decode_digest,
    digest_key,
    encode_digest,
    results_enabled,
)
from talktopics.ingest import read_talks
from talktopics.recipes.digest import run_digest
from talktopics.topics import TopicModel

FIXTURE = Path(__file__).parent / "fixtures" / "mini-conf"
FILES = ("digest.md", "digest.html", "digest.json")
COMPUTED = {"terms", "encode", "topics", "talk_summaries", "topic_summaries", "digest"}
"""Stages a run served from the result cache skips."""


@pytest.fixture
def cached_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunConfig:
    """Result cache on (the suite turns it off), in a folder of this test; the fake embedder."""
    import talktopics.embed

    monkeypatch.setenv("TALKTOPICS_RESULT_CACHE", "1")
    monkeypatch.setattr(talktopics.embed, "select_embedder", lambda config, langs: FakeEmbedder())
    config = RunConfig()
    embed = dataclasses.replace(config.topics.embed, cache_dir=str(tmp_path / "cache"))
    return dataclasses.replace(config, topics=dataclasses.replace(config.topics, embed=embed))


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def _stages(result: object) -> set[str]:
    return {name for name, _ in result.timings}  # type: ignore[attr-defined]


def _no_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the topic model was fitted although the result was cached")

    monkeypatch.setattr(TopicModel, "fit", fail)


def test_warm_rerun_writes_the_cold_runs_bytes_without_computing(
    tmp_path: Path, cached_run: RunConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = run_digest([FIXTURE], tmp_path / "cold", config=cached_run, progress=False)
    assert _stages(cold) >= COMPUTED
    _no_fit(monkeypatch)
    warm = run_digest([FIXTURE], tmp_path / "warm", config=cached_run, progress=False)
    assert not COMPUTED & _stages(warm)
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")
    same_timings = dataclasses.replace(cold.digest.run, timings=warm.digest.run.timings)
    assert warm.digest == dataclasses.replace(cold.digest, run=same_timings)


def test_output_does_not_depend_on_the_result_cache(
    tmp_path: Path, cached_run: RunConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_digest([FIXTURE], tmp_path / "first", config=cached_run, progress=False)
    run_digest([FIXTURE], tmp_path / "hit", config=cached_run, progress=False)
    monkeypatch.setenv("TALKTOPICS_RESULT_CACHE", "0")
    off = run_digest([FIXTURE], tmp_path / "off", config=cached_run, progress=False)
    assert _stages(off) >= COMPUTED
    assert _files(tmp_path / "off") == _files(tmp_path / "hit") == _files(tmp_path / "first")


def test_another_seed_is_computed_not_served(
    tmp_path: Path, cached_run: RunConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_digest([FIXTURE], tmp_path / "a", config=cached_run, progress=False)
    other = dataclasses.replace(cached_run, topics=dataclasses.replace(cached_run.topics, seed=7))
    result = run_digest([FIXTURE], tmp_path / "b", config=other, progress=False)
    assert "topics" in _stages(result) and result.digest.run.seed == 7


@pytest.mark.parametrize(
    "damage",
    ["not json", "not a digest", "checksum", "file"],
)
def test_a_damaged_entry_is_rebuilt(
    tmp_path: Path,
    cached_run: RunConfig,
    caplog: pytest.LogCaptureFixture,
    damage: str,
) -> None:
    cold = run_digest([FIXTURE], tmp_path / "cold", config=cached_run, progress=False)
    database = tmp_path / "cache" / "results.sqlite3"
    cache = DigestCache(tmp_path / "cache")
    key = digest_key(cold.corpus, cached_run, ["fake", "fake"])
    assert cache.get(key) is not None
    if damage == "not json":
        cache.store.put_many("digest:v1", [(key, b'{"~": "Digest", "name": ')])
    elif damage == "not a digest":
        cache.store.put_many("digest:v1", [(key, json.dumps({"~": "Labels"}).encode())])
    cache.close()
    if damage == "checksum":
        with sqlite3.connect(database) as conn:
            conn.execute("UPDATE entries SET crc = crc + 1")
    elif damage == "file":
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        again = run_digest([FIXTURE], tmp_path / "again", config=cached_run, progress=False)
    assert "topics" in _stages(again)  # computed anew, not read
    assert _files(tmp_path / "again") == _files(tmp_path / "cold")
    assert any("cache" in r.getMessage() for r in caplog.records)
    rebuilt = DigestCache(tmp_path / "cache")
    assert rebuilt.get(key) is not None  # and stored again
    rebuilt.close()


def test_the_stored_form_is_lossless(tmp_path: Path, cached_run: RunConfig) -> None:
    digest = run_digest([FIXTURE], tmp_path / "out", config=cached_run, progress=False).digest
    back = decode_digest(encode_digest(digest))
    assert back == dataclasses.replace(digest, run=dataclasses.replace(digest.run, timings=()))
    assert all(isinstance(x, float) for _, x, _ in back.talk_positions)
    with pytest.raises(ValueError, match="not a stored digest record"):
        decode_digest(b"[1, 2]")


def test_the_key_follows_what_the_record_depends_on() -> None:
    corpus = read_talks([FIXTURE])
    config = RunConfig()
    base = digest_key(corpus, config, ["a", "a"])
    assert digest_key(corpus, config, ["a", "a"]) == base  # stable
    seeded = dataclasses.replace(config, topics=dataclasses.replace(config.topics, seed=1))
    talk = dataclasses.replace(corpus.talks[0], abstract=corpus.talks[0].abstract + " More.")
    changed = dataclasses.replace(corpus, talks=(talk, *corpus.talks[1:]))
    assert len({base, digest_key(corpus, seeded, ["a", "a"])}) == 2
    assert digest_key(changed, config, ["a", "a"]) != base
    assert digest_key(corpus, config, ["a", "b"]) != base
    # how the work is spread does not change the result
    spread = dataclasses.replace(config, parallel=ParallelConfig(workers=2))
    assert digest_key(corpus, spread, ["a", "a"]) == base


def test_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, enabled in (("0", False), ("off", False), ("1", True), ("", True)):
        monkeypatch.setenv("TALKTOPICS_RESULT_CACHE", value)
        assert results_enabled() is enabled


_WARM_RUN = """
import sys
import numpy as np
import talktopics.embed
from talktopics.recipes.digest import run_digest

class Fake:
    name = "fake-subprocess"
    dim = 8
    def embed(self, texts):
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i, len(text) % 8] = 1.0
        return out

talktopics.embed.select_embedder = lambda config, langs: Fake()
run_digest([sys.argv[1]], sys.argv[2], progress=False)
heavy = ("spacy", "thinc", "torch", "sklearn", "openvino", "transformers",
         "sentence_transformers", "infomap", "networkx", "pymorphy3")
print(",".join(sorted(m for m in heavy if m in sys.modules)))
"""


def test_a_warm_run_imports_no_heavy_library(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TALKTOPICS_CACHE": str(tmp_path / "cache"),
        "TALKTOPICS_RESULT_CACHE": "1",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }

    def run(out: str) -> str:
        args = [sys.executable, "-c", _WARM_RUN, str(FIXTURE), str(tmp_path / out)]
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    cold = run("cold")
    assert "spacy" in cold and "infomap" in cold  # the cold run needs them
    assert run("warm") == ""
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")


def test_the_map_is_read_back_when_only_summary_options_change(
    tmp_path: Path, cached_run: RunConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    import talktopics.map_cache

    first = run_digest([FIXTURE], tmp_path / "a", config=cached_run, progress=False)
    fewer = dataclasses.replace(
        cached_run, summary=dataclasses.replace(cached_run.summary, talk_sentences=1)
    )

    def no_tsne(*args: object, **kwargs: object) -> None:
        raise AssertionError("the map was laid out again")

    monkeypatch.setattr(talktopics.map_cache, "layout_talks", no_tsne)
    second = run_digest([FIXTURE], tmp_path / "b", config=fewer, progress=False)
    assert "topics" in _stages(second)  # a new result: computed, its map read back
    assert second.digest.talk_positions == first.digest.talk_positions
    assert len(second.digest.talk_positions) == len(first.corpus.talks)


def test_a_damaged_map_entry_is_recomputed(
    tmp_path: Path, cached_run: RunConfig, caplog: pytest.LogCaptureFixture
) -> None:
    first = run_digest([FIXTURE], tmp_path / "a", config=cached_run, progress=False)
    with sqlite3.connect(tmp_path / "cache" / "results.sqlite3") as conn:
        conn.execute("DELETE FROM entries WHERE namespace LIKE 'digest:%'")
        damaged = b"[[0.5]]"  # an intact entry (right checksum) that is not one point per talk
        done = conn.execute(
            "UPDATE entries SET value = ?, crc = ? WHERE namespace = 'map:v1'",
            (damaged, zlib.crc32(damaged)),
        )
        assert done.rowcount == 1
    with caplog.at_level(logging.WARNING):
        again = run_digest([FIXTURE], tmp_path / "b", config=cached_run, progress=False)
    assert again.digest.talk_positions == first.digest.talk_positions
    assert _files(tmp_path / "b") == _files(tmp_path / "a")
    assert any("map cache" in r.getMessage() for r in caplog.records)
