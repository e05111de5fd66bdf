"""An interrupted digest (Ctrl-C / SIGINT, or SIGTERM from a service manager) mid-embedding.

Each run is the real ``talktopics digest`` command in a child process on a synthetic corpus of
1,500 talks, with the real embedding model and a cache in a temporary folder. The
signal is sent once the embedding cache holds its first committed batch, i.e. while the talks
are being embedded. Then:

* the exit code is 130 and stderr says what happened, without a traceback;
* the output folder holds exactly what it held before (an old digest stays, no partial or
  temporary file appears);
* the embedding and term caches pass SQLite's integrity check, and every stored vector is
  complete and finite;
* the next run starts from the cache: its first embedding call finds the vectors of the
  interrupted run cached and embeds only the rest.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

from conftest import default_sigint

pytestmark = pytest.mark.real

TALKS = 1500
"""Three embedding batches of 512 texts: time to interrupt, and something left to resume."""
TOPICS = {
    "data": "pandas dataframe numpy array query analytics warehouse pipeline etl spark",
    "ml": "model training neural network gradient classifier dataset feature embedding",
    "web": "django flask request response api endpoint browser template session cookie",
    "ops": "docker kubernetes deployment container cluster monitoring logging server cloud",
    "test": "pytest fixture mock coverage assertion unittest hypothesis property regression",
}
FILLER = ("we", "show", "how", "the", "team", "uses", "this", "in", "practice", "and", "learned")


def write_corpus(path: Path, n: int = TALKS, seed: int = 7) -> None:
    """``n`` synthetic talks as JSON Lines: two or three topics' words in a few sentences."""
    rng = random.Random(seed)
    names = sorted(TOPICS)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            topics = rng.sample(names, 2)
            sentences = []
            for _ in range(3):
                words = [rng.choice(TOPICS[rng.choice(topics)].split()) for _ in range(8)]
                words += rng.sample(FILLER, 4)
                rng.shuffle(words)
                sentences.append(" ".join(words).capitalize() + ".")
            title = f"Talk {i}: {' and '.join(TOPICS[t].split()[i % 5] for t in topics)}"
            record = {"title": title, "abstract": " ".join(sentences), "speakers": [f"S{i}"]}
            fh.write(json.dumps(record) + "\n")


def _rows(db: Path) -> int:
    """Committed rows of a cache database, the remembered backend dimension aside (0 while
    it does not exist yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            query = "SELECT COUNT(*) FROM entries WHERE namespace != 'backend'"  # vectors only
            return int(conn.execute(query).fetchone()[0])
    except sqlite3.Error:
        return 0


def check_cache(db: Path) -> int:
    """The database passes SQLite's integrity check and every entry its own checksum; every
    stored vector is whole (384 floats for all-MiniLM-L6-v2) and finite, and the remembered
    backend dimension (namespace "backend") says 384. Returns the count of the other entries."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        total = 0
        for namespace, crc, value in conn.execute("SELECT namespace, crc, value FROM entries"):
            assert zlib.crc32(value) == crc, f"{db.name}: entry with a bad checksum"
            if db.name == "embeddings.sqlite3" and namespace == "backend":
                assert json.loads(value) == {"dim": 384}
                continue  # not a vector
            if db.name == "embeddings.sqlite3":
                assert len(value) == 384 * 4
                assert np.all(np.isfinite(np.frombuffer(value, dtype="<f4")))
            total += 1
    return total


class Run:
    """``talktopics digest`` in a child process; stderr goes to a file we can read while it runs."""

    def __init__(
        self, corpus: Path, out: Path, cache: Path, log: Path, command: str = "digest"
    ) -> None:
        env = dict(os.environ)
        env.update(
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
            TOKENIZERS_PARALLELISM="false",
            TALKTOPICS_CACHE=str(cache),
            PYTHONUNBUFFERED="1",
        )
        exe = Path(sys.executable).with_name("talktopics")
        self.log = log
        self._err = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [str(exe), command, str(corpus), "-o", str(out), "--verbose", "-q"],
            stdout=subprocess.PIPE,
            stderr=self._err,
            env=env,
            preexec_fn=default_sigint,
        )

    def wait_for(self, condition: object, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the run ended ({self.proc.returncode}) before {what}:\n{self.text()}")
            if condition():  # type: ignore[operator]
                return
            time.sleep(0.05)
        self.proc.kill()
        pytest.fail(f"timed out waiting for {what}:\n{self.text()[-3000:]}")

    def stop(self, signum: int) -> int:
        self.proc.send_signal(signum)
        try:
            code = self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(f"no exit within 120 s after signal {signum}:\n{self.text()[-3000:]}")
        self._err.close()
        return code

    def text(self) -> str:
        if not self._err.closed:
            self._err.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")


_CACHED = re.compile(r"embedding cache \S+: (\d+) of (\d+) texts cached, (\d+) to embed")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("interrupt")
    corpus = root / "synthetic-conf-2024.jsonl"
    write_corpus(corpus)
    out = root / "out"
    out.mkdir()
    (out / "digest.md").write_text("the previous digest\n", encoding="utf-8")
    return {"root": root, "corpus": corpus, "out": out, "cache": root / "cache"}


def _interrupt(
    ws: dict[str, Path], signum: int, name: str, after_rows: int, command: str = "digest"
) -> tuple[int, str]:
    db = ws["cache"] / "embeddings.sqlite3"
    out = ws["out"] if command == "digest" else ws["root"] / "model"
    run = Run(ws["corpus"], out, ws["cache"], ws["root"] / f"{name}.log", command)
    run.wait_for(lambda: _rows(db) > after_rows, 600, "the first committed embedding batch")
    code = run.stop(signum)
    return code, run.text()


def _assert_clean_stop(ws: dict[str, Path], code: int, log: str) -> None:
    assert code == 130, log[-3000:]
    assert "interrupted" in log and "no partial output" in log
    assert "Traceback" not in log, log[-5000:]
    assert sorted(p.name for p in ws["out"].iterdir()) == ["digest.md"]
    assert (ws["out"] / "digest.md").read_text(encoding="utf-8") == "the previous digest\n"
    for db in ws["cache"].glob("*.sqlite3"):
        check_cache(db)


def test_sigint_then_sigterm_leave_no_partial_output_and_a_valid_cache(
    workspace: dict[str, Path],
) -> None:
    db = workspace["cache"] / "embeddings.sqlite3"

    code, log = _interrupt(workspace, signal.SIGINT, "sigint", after_rows=0)
    _assert_clean_stop(workspace, code, log)
    first = check_cache(db)
    assert 0 < first < TALKS, "the signal must land while the talks are being embedded"

    # The next run starts from the cache: its first embedding call (the talks) finds the
    # interrupted run's vectors and embeds only the rest. It is stopped with SIGTERM.
    code, log = _interrupt(workspace, signal.SIGTERM, "sigterm", after_rows=first)
    _assert_clean_stop(workspace, code, log)
    calls = _CACHED.findall(log)
    assert calls, log[-3000:]
    cached, total, to_embed = (int(x) for x in calls[0])
    assert total >= 0.9 * TALKS and cached >= first and to_embed == total - cached < total
    second = check_cache(db)
    assert second > first

    # Every command stops cleanly on SIGTERM, not only digest: `topics` writes no model.
    code, log = _interrupt(workspace, signal.SIGTERM, "topics", second, command="topics")
    _assert_clean_stop(workspace, code, log)
    assert not (workspace["root"] / "model").exists()
    cached = int(_CACHED.findall(log)[0][0])
    assert cached >= min(second, int(0.9 * TALKS))
