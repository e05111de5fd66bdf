"""The digest recipe and the `digest` command: stage order, atomic writes, exit codes, and
one real run (real models) on a tiny fixture corpus."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest

from conftest import FakeEmbedder, default_sigint
from talktopics.cli import main
from talktopics.config import RunConfig
from talktopics.digest_record import MAX_NETWORK_TERMS
from talktopics.errors import ConfigError, ExitCode
from talktopics.ingest import read_talks
from talktopics.outputs import parse_formats, write_atomic_bytes, write_atomic_text
from talktopics.recipes.digest import build_digest, run_digest, write_digest
from talktopics.render.html import STATIC_SCRIPTS
from talktopics.render.json import load_schema

FIXTURE = Path(__file__).parent / "fixtures" / "mini-conf"
TITLES = [
    json.loads(line)["title"] for line in (FIXTURE / "talks.jsonl").read_text().splitlines()[:-1]
]
_MAIN = "import sys; from talktopics.cli import main; sys.exit(main())"
XSS = "</script><script>alert(1)</script> and [x](javascript:alert(1))"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- write_atomic ---------------------------------------------------------------------------


def test_write_atomic_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out" / "digest.md"
    write_atomic_text(target, "old\n")
    os.chmod(target, 0o640)
    write_atomic_text(target, "new ünïcödé\n")
    assert target.read_text(encoding="utf-8") == "new ünïcödé\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(target.parent) == []


def test_write_atomic_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "digest.html"
    target.write_text("previous digest", encoding="utf-8")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_atomic_text(target, "x" * 100_000)
    assert target.read_text(encoding="utf-8") == "previous digest"
    assert _leftovers(tmp_path) == []


def test_write_atomic_interrupted_at_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "digest.json"
    target.write_text("{}", encoding="utf-8")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic_text(target, '{"new": true}')
    assert target.read_text(encoding="utf-8") == "{}"
    assert _leftovers(tmp_path) == []


def test_write_atomic_bytes_new_file_mode_follows_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    old = os.umask(0o027)
    try:
        write_atomic_bytes(target, b"\x89PNG\r\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"\x89PNG\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # text and bytes: one mode policy
    assert _leftovers(tmp_path) == []


# --- formats --------------------------------------------------------------------------------


def test_parse_formats() -> None:
    assert parse_formats("md,html,json") == ("md", "html", "json")
    assert parse_formats(" HTML , markdown,md ") == ("html", "md")
    assert parse_formats(["json"]) == ("json",)
    with pytest.raises(ConfigError, match="unknown digest format 'pdf'; known formats: md, html"):
        parse_formats("md,pdf")
    with pytest.raises(ConfigError, match="no digest format"):
        parse_formats(",")


# --- the recipe with real stages and a fake embedder (fast) -------------------------------


@pytest.fixture
def fake_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every stage runs for real except the embedding model, which is the hashed fake."""
    import talktopics.embed

    monkeypatch.setattr(talktopics.embed, "select_embedder", lambda config, langs: FakeEmbedder())


def test_stages_in_order_and_outputs_written(tmp_path: Path, fake_models: None) -> None:
    result = run_digest([FIXTURE], tmp_path, config=RunConfig(), progress=False)
    assert [p.name for p in result.paths] == ["digest.md", "digest.html", "digest.json"]
    assert [name for name, _ in result.timings] == [
        "ingest",
        "embedder",
        "terms",
        "encode",
        "topics",
        "talk_summaries",
        "topic_summaries",
        "digest",
        "render",
        "write",
    ]
    assert len(result.corpus.talks) == 15 and result.corpus.skipped == 1
    digest = result.digest
    assert digest.name == "Mini Conf 2024"
    assert digest.run.seed == 42 and digest.run.model == "fake"
    assert len(digest.talk_summaries) == 15
    assert {t.id for t in digest.talks} == {tt.talk_id for tt in digest.talk_topics}
    assert 0 < len(digest.word_nodes) <= MAX_NETWORK_TERMS
    timings = dict(digest.run.timings)
    assert {"ingest", "topics", "talk_summaries"} <= set(timings)
    assert _leftovers(tmp_path) == []


def test_the_encoder_is_built_while_terms_are_extracted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold run starts building the encoder backend before term extraction and uses it
    after: the slow model loading overlaps the spaCy work."""
    import threading

    import talktopics.embed
    import talktopics.nlp
    from talktopics.embed import CachedEmbedder, DeferredEmbedder

    events: list[str] = []
    building = threading.Event()

    def load() -> FakeEmbedder:
        events.append("backend building")
        building.set()
        return FakeEmbedder()

    def embedder(config: object, langs: object) -> CachedEmbedder:
        return CachedEmbedder(DeferredEmbedder("fake", load), tmp_path / "cache")

    extract = talktopics.nlp.extract_terms

    def terms(*args: Any, **kwargs: Any) -> Any:
        assert building.wait(timeout=30)  # the backend is built meanwhile, in another thread
        events.append("terms extracted")
        return extract(*args, **kwargs)

    monkeypatch.setattr(talktopics.embed, "select_embedder", embedder)
    monkeypatch.setattr(talktopics.nlp, "extract_terms", terms)
    result = run_digest([FIXTURE], tmp_path / "out", config=RunConfig(), progress=False)
    assert events == ["backend building", "terms extracted"]
    stages = [name for name, _ in result.timings]
    assert stages.index("terms") < stages.index("encode") < stages.index("topics")


def test_build_and_write_digest_are_the_two_halves_of_run_digest(
    tmp_path: Path, fake_models: None
) -> None:
    whole = run_digest([FIXTURE], tmp_path / "whole", progress=False)
    digest = build_digest(read_talks([FIXTURE]))
    paths = write_digest(digest, tmp_path / "halves", formats=("json", "md"))
    assert [p.name for p in paths] == ["digest.json", "digest.md"]
    for path in paths:
        assert path.read_bytes() == (tmp_path / "whole" / path.name).read_bytes()
    assert [p.name for p in whole.paths] == ["digest.md", "digest.html", "digest.json"]
    with pytest.raises(ConfigError, match="unknown digest format 'pdf'"):
        write_digest(digest, tmp_path / "halves", formats=("pdf",))


def test_failure_mid_render_leaves_the_previous_digest(
    tmp_path: Path, fake_models: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import talktopics.render

    for name in ("digest.md", "digest.html", "digest.json"):
        (tmp_path / name).write_text(f"previous {name}", encoding="utf-8")

    def crash(digest: Any) -> str:
        raise KeyboardInterrupt  # as if Ctrl-C hit in the middle of rendering

    monkeypatch.setattr(talktopics.render, "render_html", crash)
    with pytest.raises(KeyboardInterrupt):
        run_digest([FIXTURE], tmp_path, progress=False)
    for name in ("digest.md", "digest.html", "digest.json"):
        assert (tmp_path / name).read_text(encoding="utf-8") == f"previous {name}"
    assert _leftovers(tmp_path) == []


def test_only_the_requested_formats(tmp_path: Path, fake_models: None) -> None:
    result = run_digest([FIXTURE], tmp_path, formats=("md",), progress=False)
    assert [p.name for p in result.paths] == ["digest.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.md"]


def test_cli_digest_prints_the_topics(
    tmp_path: Path, fake_models: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["digest", str(FIXTURE), "-o", str(tmp_path / "out"), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == ExitCode.SKIPPED
    assert out.splitlines() == [str(tmp_path / "out" / "digest.json")]  # stdout: the files
    digest = json.loads((tmp_path / "out" / "digest.json").read_text())
    topics = digest["topics"]
    assert topics
    assert f"{len(topics)} topics in {len(digest['talks'])} talks" in err
    for topic in topics:  # every topic with its label and its top term, in the table on stderr
        assert topic["label"] in err and topic["terms"][0]["term"] in err


def test_cli_exit_codes_and_printed_paths(
    tmp_path: Path, fake_models: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["digest", str(FIXTURE), "-o", str(tmp_path / "out"), "--quiet", "--seed", "7"])
    out, err = capsys.readouterr()
    assert code == ExitCode.SKIPPED  # the broken last line of talks.jsonl was skipped
    assert out.splitlines() == [
        str(tmp_path / "out" / f"digest.{x}") for x in ("md", "html", "json")
    ]
    assert "line 16: not valid JSON" in err
    assert json.loads((tmp_path / "out" / "digest.json").read_text())["run"]["seed"] == 7

    good = tmp_path / "good.jsonl"
    good.write_text("\n".join((FIXTURE / "talks.jsonl").read_text().splitlines()[:-1]) + "\n")
    code = main(["digest", str(good), "-o", str(tmp_path / "ok"), "-q", "--format", "json"])
    assert code == ExitCode.OK
    assert capsys.readouterr().out.strip() == str(tmp_path / "ok" / "digest.json")


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", str(FIXTURE), "-o", str(tmp_path), "--format", "pdf"]) == ExitCode.USAGE
    assert "unknown digest format 'pdf'" in capsys.readouterr().err
    assert main(["digest", str(FIXTURE), "-o", str(tmp_path), "--topics", "0"]) == ExitCode.USAGE
    assert "--topics 0 is invalid" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text("[topics]\nsede = 1\n")
    assert main(["digest", str(FIXTURE), "-o", str(tmp_path), "--config", str(bad)]) == 2
    assert "unknown option 'sede'" in capsys.readouterr().err
    assert list(tmp_path.glob("digest.*")) == []


def test_cli_nothing_readable_fails_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "talks.jsonl"
    broken.write_text('{"title": \n', encoding="utf-8")
    code = main(["digest", str(broken), "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code == ExitCode.FAILED
    assert "line 1: not valid JSON" in err
    assert "no talk could be read" in err
    assert not (tmp_path / "out").exists()


# --- one real run (real models) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    a = tmp_path_factory.mktemp("real-a")
    b = tmp_path_factory.mktemp("real-b")
    cache = str(tmp_path_factory.mktemp("cache"))
    old = os.environ.get("TALKTOPICS_CACHE")
    os.environ["TALKTOPICS_CACHE"] = cache
    try:
        assert main(["digest", str(FIXTURE), "-o", str(a), "-q"]) == ExitCode.SKIPPED
        # the second run in a fresh process with another hash seed: set and dict orders of
        # strings differ between processes, and must not change the digest
        env = {**os.environ, "PYTHONHASHSEED": "12345"}
        second = subprocess.run(
            [sys.executable, "-c", _MAIN, "digest", str(FIXTURE), "-o", str(b), "-q"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert second.returncode == ExitCode.SKIPPED, second.stderr[-2000:]
    finally:
        if old is None:
            os.environ.pop("TALKTOPICS_CACHE", None)
        else:
            os.environ["TALKTOPICS_CACHE"] = old
    yield a, b


@pytest.mark.real
def test_real_run_is_byte_identical(real_run: tuple[Path, Path]) -> None:
    a, b = real_run
    for name in ("digest.md", "digest.html", "digest.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.real
def test_real_run_structure(real_run: tuple[Path, Path]) -> None:
    out = real_run[0]
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    assert data["run"]["model"].endswith("all-MiniLM-L6-v2") and data["run"]["seed"] == 42
    assert "timings" not in data["run"]
    assert data["counts"]["talks"] == 15 and data["counts"]["issues"] == 1
    assert data["counts"]["topics"] >= 2
    # every talk is shown exactly once: in one topic or among the talks in no topic
    placed = [tid for t in data["topics"] for tid in t["talk_ids"]] + data["other"]["talk_ids"]
    assert sorted(placed) == sorted(t["id"] for t in data["talks"])
    # summaries are verbatim sentences of the talk's own text
    for talk in data["talks"]:
        for sentence in talk["summary"]["sentences"]:
            assert sentence in " ".join(talk["abstract"].split()) or sentence == talk["title"]
    # the three themes of the fixture do not all end up in one topic
    by_id = {t["id"]: t for t in data["talks"]}
    primary = {by_id[tid]["title"]: t["id"] for t in data["topics"] for tid in t["talk_ids"]}
    themes = [
        primary.get("Training neural networks with PyTorch"),
        primary.get("Processing geodata with GeoPandas"),
        primary.get("pytest beyond the basics"),
    ]
    assert len(set(themes)) >= 2, themes

    md = (out / "digest.md").read_text(encoding="utf-8")
    assert md.startswith("# Mini Conf 2024: talks by topic\n")
    for topic in data["topics"]:
        assert f"](#topic-{topic['id']})" in md.split("## Contents", 1)[1]
    assert r"\</script\>\<script\>alert(1)\</script\> and \[x\](javascript:alert(1))" in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md)  # no unescaped link to javascript:

    html = (out / "digest.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script") == 1 + len(STATIC_SCRIPTS)
    for title in ("Тематическое моделирование на Python", "Größenwahn: Über Kartendaten 🗺️"):
        assert title in md and title in html


@pytest.mark.real
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_interrupted_run_leaves_no_partial_output(tmp_path: Path, signal_name: str) -> None:
    """Ctrl-C or a kill as the topic stage starts: exit 130, no new file, no temp file."""
    import signal
    import time

    out = tmp_path / "out"
    out.mkdir()
    (out / "digest.md").write_text("previous digest\n", encoding="utf-8")
    env = {**os.environ, "TALKTOPICS_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-c", _MAIN, "digest", str(FIXTURE), "-o", str(out), "-v"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=default_sigint,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 300
    for line in proc.stderr:
        if "Choosing the embedding model" in line:
            break
        assert time.monotonic() < deadline, "the embedding stage never started"
    proc.send_signal(getattr(signal, signal_name))
    stdout, rest = proc.communicate(timeout=120)
    assert proc.returncode == ExitCode.INTERRUPTED, rest[-2000:]
    assert "interrupted; no partial output was written" in rest
    assert stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["digest.md"]
    assert (out / "digest.md").read_text(encoding="utf-8") == "previous digest\n"


def test_each_text_reaches_the_encoder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One encoder pass: the chunks of the talk texts, each once; summaries and topic blurbs
    embed nothing, so the talk tokens sent to the encoder are exactly the chunk tokens."""
    import talktopics.embed
    from talktopics.embed import CachedEmbedder
    from talktopics.embed.documents import document_units
    from talktopics.summaries.candidates import prepare_talk
    from talktopics.topics.talk_text import reading_language, talk_text

    calls: list[list[str]] = []

    class Recording(FakeEmbedder):
        max_tokens = 12  # small: the fixture's texts are chunked

        def count_tokens(self, texts: list[str] | tuple[str, ...]) -> list[int]:
            return [len(text.split()) for text in texts]

        def embed(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
            calls.append(list(texts))
            return super().embed(texts)

    monkeypatch.setattr(
        talktopics.embed,
        "select_embedder",
        lambda config, langs: CachedEmbedder(Recording(), tmp_path / "cache"),
    )
    result = run_digest([FIXTURE], tmp_path / "out", config=RunConfig(), progress=False)
    sent = [text for call in calls for text in call]
    assert sent and len(sent) == len(set(sent))
    talks = result.corpus.talks
    counter = Recording().count_tokens
    reading = reading_language(Recording())
    units = document_units([talk_text(t, reading) for t in talks], counter, Recording.max_tokens)
    chunks = {chunk: n for parts in units for chunk, n in parts if chunk}
    assert len(chunks) > len(talks)  # some texts were chunked
    # The first call is the encoder pass: every chunk, nothing else; later calls embed terms.
    assert set(calls[0]) == set(chunks)
    assert sum(counter(calls[0])) == sum(chunks.values())
    sentences = {
        text.sentences[i]
        for text in (prepare_talk(t, RunConfig().summary) for t in talks)
        for i in text.candidates
    }
    later = {text for call in calls[1:] for text in call}
    assert not (later & sentences), "a summary sentence reached the encoder again"
    assert all(len(text.split()) <= 4 for text in later)  # terms only
