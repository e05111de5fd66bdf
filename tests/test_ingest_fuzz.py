"""Property tests: whatever the input, every reader yields talks or reports issues."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talktopics.config import IngestLimits
from talktopics.ingest import FORMATS, read_talks
from talktopics.records import Corpus

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

FILE_NAMES = {
    "markdown": "notes.md",
    "csv": "talks.csv",
    "jsonl": "talks.jsonl",
    "frab-xml": "schedule.xml",
    "europython-xml": "schedule.xml",
}


def _check(corpus: Corpus, path: Path) -> None:
    """Every issue names the file; every talk has a title and an id."""
    for issue in corpus.issues:
        assert issue.source.path.startswith(str(path)), issue
        assert issue.message
    for talk in corpus.talks:
        assert talk.title.strip() and talk.id


def _ingest(tmp: Path, name: str, data: bytes, fmt: str | None) -> None:
    path = tmp / name
    path.write_bytes(data)
    corpus = read_talks([path], format=fmt)
    _check(corpus, path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["title", "code", "slots", "schedule", "conference", "days", "rooms", "speakers",
             "talks", "dates", "sessions", "abstract", "videos", "results", "slot", "events",
             "persons", "submission_type", "track", "name", "start", "x"]
        ),
        children,
        max_size=5,
    ),
    max_leaves=25,
)  # fmt: skip


@FUZZ
@given(text=st.text(max_size=400), fmt=st.sampled_from(sorted(FORMATS)))
def test_any_text_with_any_format(tmp_path: Path, text: str, fmt: str) -> None:
    _ingest(tmp_path, FILE_NAMES.get(fmt, "data.json"), text.encode("utf-8", "surrogatepass"), fmt)


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_detected(tmp_path: Path, data: bytes) -> None:
    _ingest(tmp_path, "input.json", data, None)


@FUZZ
@given(value=json_values, fmt=st.sampled_from([None, *sorted(FORMATS)]))
def test_any_json_value(tmp_path: Path, value: object, fmt: str | None) -> None:
    _ingest(tmp_path, "data.json", json.dumps(value).encode(), fmt)


markdown_lines = st.lists(
    st.one_of(
        st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), st.text(max_size=30)),
        st.sampled_from(
            ["", "```", "~~~", "1. [x](#a)", "Description: https://x.org/a", "Видео: нет",
             "![](a.png)", '<a name="a"></a>', "[Back to top](#top)", "===", "---", "> quote",
             "* item", "Day 1", "    indented # code"]
        ),
        st.text(alphabet=string.printable + "äöüßЖж图🐍\u200f", max_size=40),
    ),
    max_size=40,
)  # fmt: skip


@FUZZ
@given(lines=markdown_lines, newline=st.sampled_from(["\n", "\r\n", "\r"]), bom=st.booleans())
def test_markdown_odd_nesting(tmp_path: Path, lines: list[str], newline: str, bom: bool) -> None:
    text = newline.join(lines)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass")
    _ingest(tmp_path, "notes.md", data, None)


@FUZZ
@given(rows=st.lists(st.lists(st.text(max_size=15), max_size=6), max_size=10))
def test_csv_wrong_columns(tmp_path: Path, rows: list[list[str]]) -> None:
    text = "title,abstract,speakers\n" + "\n".join(",".join(json.dumps(c) for c in r) for r in rows)
    _ingest(tmp_path, "talks.csv", text.encode("utf-8", "surrogatepass"), None)


@FUZZ
@given(cut=st.integers(min_value=1, max_value=2000))
def test_truncated_real_shapes(tmp_path: Path, cut: int) -> None:
    frab = {
        "schedule": {
            "conference": {
                "title": "T 2020",
                "days": [{"date": "2020-01-01", "rooms": {"A": [{"id": i, "title": f"Talk {i}",
                          "persons": [{"public_name": "P"}]} for i in range(20)]}}],
            }
        }
    }  # fmt: skip
    text = json.dumps(frab)
    _ingest(tmp_path, "schedule.json", text[: cut % len(text) or 1].encode(), None)


def test_nul_bytes_bom_and_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes(b"\xef\xbb\xbf# Notes 2020\x00\n\n## Ta\x00lk\r\nte\x00xt\r\n")
    (talk,) = read_talks([path]).talks
    assert (talk.title, talk.notes, talk.year) == ("Talk", "text", 2020)

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    corpus = read_talks([deep])
    assert corpus.talks == () and corpus.issues[0].level == "error"
    _check(corpus, deep)


def test_ten_megabyte_single_line(tmp_path: Path) -> None:
    line = "x" * 10_000_000
    csv_path = tmp_path / "big.csv"
    csv_path.write_text(f"title,abstract\nBig,{line}\n", encoding="utf-8")
    md_path = tmp_path / "big.md"
    md_path.write_text(f"# Notes 2020\n\n## Big\n{line}\n", encoding="utf-8")
    json_path = tmp_path / "big.jsonl"
    json_path.write_text(json.dumps({"title": line}) + "\n", encoding="utf-8")
    limits = IngestLimits(max_text_chars=50_000)
    corpus = read_talks([csv_path, md_path, json_path], limits=limits)
    assert [len(t.abstract or t.notes) for t in corpus.talks[:2]] == [50_000, 50_000]
    assert len(corpus.talks[2].title) == 500
    assert all(i.level == "warning" for i in corpus.issues)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_reports_a_folder_given_as_file(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "sub.json"
    folder.mkdir()
    corpus = read_talks([folder], format=fmt)
    _check(corpus, folder)
