"""`digest` and `compare` on tiny programmes (0, 1, 2, 3, 5 and 8 talks), through the command
line with the fast hashed embedder: every run ends with a result or a clear message, never a
traceback or the internal-error exit code 70."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from conftest import FakeEmbedder
from talktopics.cli import main
from talktopics.errors import ExitCode

SIZES = (0, 1, 2, 3, 5, 8)
ABSTRACTS = (
    "We profile a slow pandas pipeline and make it ten times faster with vectorised "
    "operations, categorical columns and a little help from Arrow.",
    "A tour of type hints in a large codebase: how we introduced mypy step by step, which "
    "errors it found and what we would do differently.",
    "Async Python in production: event loops, cancellation and the bugs we met when our web "
    "service moved from threads to asyncio.",
    "Packaging a Python library today: pyproject files, build backends, wheels for three "
    "platforms and publishing from continuous integration.",
    "Teaching programming to children with small games. Turtle graphics, sound and a robot "
    "kept a class of ten year olds busy for a whole term.",
    "Large language models for search: we compare embeddings, rerankers and plain keyword "
    "search on our documentation and measure what users click.",
    "Testing with property based tests: hypothesis finds the edge cases that our hand written "
    "examples missed, from empty lists to odd unicode.",
    "Running machine learning models on small devices. Quantisation, pruning and the real "
    "cost of inference on a battery powered sensor.",
    "Building dashboards for a city: open data, maps of bicycle traffic and the politics of "
    "publishing numbers that people disagree with.",
    "Django at scale: database queries, caching layers and the admin interface in a shop "
    "with a million products.",
    "Scientific computing with numpy and numba: simulating heat flow in a building and "
    "checking the results against measurements.",
    "Security for web developers: injection, cross site scripting and what a content "
    "security policy does for a small team.",
)


def _programme(folder: Path, n: int, year: int, seed: int) -> Path:
    """``n`` talks (random abstracts, titles and speakers of a seeded generator) as JSONL."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        abstract = rng.choice(ABSTRACTS)
        if rng.random() < 0.3:
            abstract += " " + rng.choice(ABSTRACTS)
        title = " ".join(abstract.split()[: rng.randint(3, 7)]).rstrip(",.:")
        record = {"title": f"{title} ({i})", "speakers": [f"Speaker {i}"], "abstract": abstract}
        lines.append(json.dumps({**record, "conference": "Tiny Conf", "year": year}))
    if lines:
        (folder / "talks.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def fake_models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The hashed fake instead of the embedding model; a cache of this test's own."""
    import talktopics.embed

    monkeypatch.setattr(talktopics.embed, "select_embedder", lambda config, langs: FakeEmbedder())
    monkeypatch.setenv("TALKTOPICS_CACHE", str(tmp_path / "cache"))


def _check(code: int, err: str) -> None:
    # F10 was a traceback of the topic description step on 3 talks ("zero-size array").
    assert "Traceback" not in err
    assert "internal error" not in err, err
    assert code != ExitCode.INTERNAL, err
    assert code in (ExitCode.OK, ExitCode.SKIPPED, ExitCode.FAILED), (code, err)
    if code == ExitCode.FAILED:
        assert "talktopics: error:" in err or "skipped" in err, err


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", [1, 2])
def test_digest_of_a_tiny_programme(
    n: int, seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _programme(tmp_path / "in", n, 2024, seed)
    code = main(["digest", str(source), "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    _check(code, err)
    if n == 0:
        assert code == ExitCode.FAILED and "the folder is empty" in err
    else:
        assert code == ExitCode.OK, err
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
            "digest.html",
            "digest.json",
            "digest.md",
        ]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", [1, 2])
def test_compare_of_two_tiny_programmes(
    n: int, seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _programme(tmp_path / "in" / "2023", n, 2023, seed)
    second = _programme(tmp_path / "in" / "2024", n, 2024, seed + 100)
    code = main(["compare", str(first), str(second), "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    _check(code, err)
    if code != ExitCode.FAILED:
        assert (tmp_path / "out" / "compare.json").exists()


def test_no_talk_messages_say_why(tmp_path: Path) -> None:
    from talktopics.errors import NoTalksError, counted
    from talktopics.records import Corpus

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".DS_Store").write_bytes(b"\0")
    assert str(NoTalksError(Corpus(), [empty])).endswith(
        "no talk could be read: the folder is empty"
    )
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "slides.key").write_bytes(b"\0")
    assert "no file in a format talktopics reads" in str(NoTalksError(Corpus(), [odd]))
    assert [counted(n, "problem") for n in (0, 1, 2)] == ["0 problems", "1 problem", "2 problems"]
