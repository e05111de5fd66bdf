"""Executors and runs beyond one process: chunking, order, options, term extraction on any
executor, and a digest on a local Dask cluster of two worker processes byte-identical to the
one-process run."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest

from talktopics.cli.arguments import run_config
from talktopics.cli.parser import build_parser
from talktopics.config import NLPConfig, ParallelConfig, RunConfig
from talktopics.errors import ConfigError
from talktopics.ingest import read_talks
from talktopics.nlp import extract_terms
from talktopics.parallel import (
    ProcessPool,
    SerialExecutor,
    active_executor,
    contiguous_chunks,
    open_executor,
    use_executor,
)
from talktopics.parallel.embedding import length_batches
from talktopics.recipes.digest import run_digest

FIXTURE = Path(__file__).parent / "fixtures" / "mini-conf"
T = TypeVar("T")
R = TypeVar("R")


class BackwardsExecutor:
    """Runs the items last to first (as a busy cluster might finish them), answers in order."""

    workers = 3
    remote = True

    def __init__(self) -> None:
        self.calls = 0

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        self.calls += 1
        done = {i: fn(items[i]) for i in reversed(range(len(items)))}
        return [done[i] for i in range(len(items))]

    def close(self) -> None:
        pass


def test_contiguous_chunks_cover_the_range_in_order() -> None:
    for count in (0, 1, 5, 17, 100):
        for parts in (1, 2, 3, 8, 200):
            chunks = contiguous_chunks(count, parts)
            assert [i for chunk in chunks for i in chunk] == list(range(count))
            assert all(len(chunk) > 0 for chunk in chunks)
            assert len(chunks) <= max(1, parts)


def test_process_pool_keeps_the_order() -> None:
    pool = ProcessPool(2)
    try:
        assert pool.map(str, list(range(50))) == [str(i) for i in range(50)]
    finally:
        pool.close()
    assert SerialExecutor().map(str, [3, 1]) == ["3", "1"]


def test_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="whole number"):
        ParallelConfig(workers=0)
    with pytest.raises(ConfigError, match="not both"):
        ParallelConfig(workers=2, scheduler="tcp://localhost:8786")
    assert isinstance(open_executor(ParallelConfig(processes=1)), SerialExecutor)
    assert open_executor(ParallelConfig(processes=3)).workers == 3


def test_cli_flags_reach_the_run_config() -> None:
    parser = build_parser()
    args = parser.parse_args(["digest", "talks.csv", "-o", "out", "--workers", "2"])
    assert run_config(args).parallel == ParallelConfig(workers=2)
    args = parser.parse_args(["compare", "a", "b", "-o", "out", "--scheduler", "tcp://h:8786"])
    assert run_config(args).parallel.scheduler == "tcp://h:8786"
    with pytest.raises(SystemExit):
        parser.parse_args(["digest", "x", "-o", "y", "--workers", "2", "--scheduler", "tcp://h:1"])
    assert run_config(parser.parse_args(["digest", "x", "-o", "y"])).parallel == ParallelConfig()


def test_use_executor_sets_and_restores_the_active_one() -> None:
    assert active_executor() is None
    executor = BackwardsExecutor()
    with use_executor(executor) as active:
        assert active is executor and active_executor() is executor
    assert active_executor() is None


def test_term_extraction_in_chunks_equals_one_process() -> None:
    talks = read_talks([FIXTURE]).talks
    config = NLPConfig(use_cache=False)
    one = extract_terms(talks, config)
    executor = BackwardsExecutor()
    with use_executor(executor):
        many = extract_terms(talks, config)
    assert executor.calls == 1
    assert many.terms == one.terms and many.display == one.display
    assert many.languages == one.languages and many.sentence_talk == one.sentence_talk
    assert (many.counts != one.counts).nnz == 0
    assert (many.sentence_counts != one.sentence_counts).nnz == 0


def test_length_batches_follow_sentence_transformers_order() -> None:
    texts = ["aa", "a", "aaaa", "aaa", "aaaaa"]
    assert length_batches(texts, 2) == [[4, 2], [3, 0], [1]]
    order = np.argsort([-len(t) for t in texts])
    assert [i for batch in length_batches(texts, 2) for i in batch] == list(order)


@pytest.mark.real
def test_digest_on_a_local_dask_cluster_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Two worker processes read nothing from the caches of the one-process run (each run has
    its own), so terms and vectors are computed on the cluster."""
    pytest.importorskip("distributed")
    monkeypatch.setenv("TALKTOPICS_CACHE", str(tmp_path / "cache-one"))
    one = run_digest([FIXTURE], tmp_path / "one", formats=("md", "json"), progress=False)
    monkeypatch.setenv("TALKTOPICS_CACHE", str(tmp_path / "cache-cluster"))
    config = RunConfig(parallel=ParallelConfig(workers=2))
    with caplog.at_level(logging.INFO, logger="talktopics"):
        cluster = run_digest(
            [FIXTURE], tmp_path / "cluster", formats=("md", "json"), config=config, progress=False
        )
    assert "encoding with" in caplog.text and "local Dask cluster" in caplog.text
    assert active_executor() is None  # the cluster was closed with the run
    for a, b in zip(one.paths, cluster.paths, strict=True):
        assert a.name == b.name
        assert a.read_bytes() == b.read_bytes(), a.name


def test_pyvideo_files_read_on_an_executor_equal_one_process(tmp_path: Path) -> None:
    folder = tmp_path / "europython-2019"
    (folder / "videos").mkdir(parents=True)
    (folder / "category.json").write_text('{"title": "EuroPython 2019"}', encoding="utf-8")
    for i in range(5):
        video = {"title": f"Talk number {i}", "description": "Types.", "speakers": ["A B"]}
        (folder / "videos" / f"t{i}.json").write_text(json.dumps(video), encoding="utf-8")
    (folder / "videos" / "broken.json").write_text('{"title": ', encoding="utf-8")
    one = read_talks([folder])
    with use_executor(BackwardsExecutor()):
        many = read_talks([folder])
    assert many == one
    assert len(one.talks) == 5 and any(i.level == "error" for i in one.issues)
