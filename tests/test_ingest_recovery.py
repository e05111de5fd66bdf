"""Record-level recovery: one broken record, value or file name never costs its neighbours.

Each test is built from a fuzzing reproducer (lone surrogates, a 5,000-digit integer, a
10,000-deep value, a widget talk without a code, a broken pyvideo category, huge Markdown).
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from talktopics.cli import main
from talktopics.errors import ExitCode
from talktopics.ingest import read_talks
from talktopics.ingest.jsontext import parse_json
from talktopics.ingest.mdheadings import find_headings
from talktopics.records import Corpus, talk_id


def _titles(corpus: Corpus) -> list[str]:
    return [t.title for t in corpus.talks]


def _records(n: int = 6) -> list[dict[str, object]]:
    return [{"title": f"Talk {i}", "abstract": f"About {i}."} for i in range(n)]


# --- F1: lone surrogates and file names that are not UTF-8 ----------------------------------


def test_lone_surrogate_in_jsonl_is_repaired_and_json_output_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "s.jsonl"
    src.write_text('{"title":"A"}\n{"title":"B \\ud800"}\n', encoding="utf-8")
    out = tmp_path / "o.json"
    assert main(["ingest", str(src), "--json", str(out), "-q"]) == ExitCode.OK
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [t["title"] for t in data["talks"]] == ["A", "B \ufffd"]
    (issue,) = data["issues"]
    assert issue["level"] == "warning" and issue["source"]["record"] == "line 2, column 13"
    assert "surrogate" in issue["message"]


def test_jsonl_in_a_json_file_keeps_both_good_lines_beside_a_surrogate(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"title":"A"}\n{"title":"\\ud800"}\n{"title":"C"}\n', encoding="utf-8")
    corpus = read_talks([path])
    assert _titles(corpus) == ["A", "\ufffd", "C"]
    assert [i.level for i in corpus.issues] == ["warning"]


def test_surrogates_in_every_json_shape_never_reach_the_records(tmp_path: Path) -> None:
    path = tmp_path / "talks.json"
    path.write_text(
        '[{"title": "X\\udfff", "speakers": ["\\udc00\\ud800"], "abstract": "\\\\ud800"}]',
        encoding="utf-8",
    )
    (talk,) = read_talks([path]).talks
    assert talk.title == "X\ufffd" and talk.speakers == ("\ufffd\ufffd",)
    assert talk.abstract == "\\ud800"  # an escaped backslash, not an escape: kept as written
    json.dumps(talk.title, ensure_ascii=False).encode("utf-8")


def test_talk_id_never_raises_on_a_surrogate() -> None:
    assert talk_id("C", 2020, "x\ud800").startswith("c-2020-")


def test_file_name_that_is_not_utf8_is_printed_and_written(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"t\xfflk-2020.jsonl")
    (folder / name).write_text('{"title": "A"}\n', encoding="utf-8")
    out = tmp_path / "o.json"
    assert main(["ingest", str(folder), "--json", str(out), "-q"]) == ExitCode.OK
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["talks"][0]["source"]["path"].endswith("/t\\xfflk-2020.jsonl")


def test_an_unexpected_exception_gets_its_own_exit_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*args: object, **kwargs: object) -> Corpus:
        raise RuntimeError("boom")

    monkeypatch.setattr("talktopics.cli.arguments.read_talks", boom)
    (tmp_path / "a.jsonl").write_text('{"title": "A"}\n', encoding="utf-8")
    code = main(["ingest", str(tmp_path / "a.jsonl"), "-q"])
    assert code == ExitCode.INTERNAL == 70
    assert code not in (ExitCode.SKIPPED, ExitCode.FAILED)
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom)" in err and "Traceback" not in err


# --- F2: one bad value in one record --------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "what"),
    [("9" * 5000, "5,000 digits"), ("[" * 10_000 + "]" * 10_000, "nested too deeply")],
)
def test_one_bad_value_loses_neither_the_file_nor_its_record(
    tmp_path: Path, raw: str, what: str
) -> None:
    text = json.dumps(_records()).replace('"About 2."', raw)
    path = tmp_path / "talks.json"
    path.write_text(text, encoding="utf-8")
    corpus = read_talks([path])
    assert _titles(corpus) == [f"Talk {i}" for i in range(6)]
    assert corpus.talks[2].abstract == ""
    (error,) = [i for i in corpus.issues if i.level == "error"]
    assert what in error.message and error.source.path == str(path)
    assert error.source.record.startswith("line 1, column ")


def test_deep_value_inside_a_schedule_costs_one_event(tmp_path: Path) -> None:
    events = [{"id": i, "title": f"Talk {i}", "abstract": "a"} for i in range(6)]
    frab = {"schedule": {"conference": {"title": "T 2020", "days": [{"rooms": {"A": events}}]}}}
    deep = '{"a":' * 10_000 + "1" + "}" * 10_000
    text = json.dumps(frab).replace(
        '"abstract": "a"}, {"id": 3', f'"abstract": {deep}}}, {{"id": 3'
    )
    path = tmp_path / "schedule.json"
    path.write_text(text, encoding="utf-8")
    corpus = read_talks([path])
    assert _titles(corpus) == [f"Talk {i}" for i in range(6)]
    assert "schedule.conference.days[0].rooms.A[2].abstract" in corpus.issues[0].message


def test_a_deep_first_record_does_not_hide_the_format(tmp_path: Path) -> None:
    first = '{"title": "Talk 0", "abstract": "About 0."}'
    text = json.dumps(_records(3)).replace(first, "[" * 10_000 + "]" * 10_000)
    path = tmp_path / "talks.json"
    path.write_text(text, encoding="utf-8")
    assert _titles(read_talks([path])) == ["Talk 1", "Talk 2"]


def test_parse_json_is_linear_on_a_very_deep_value() -> None:
    start = time.perf_counter()
    value, problems = parse_json("[1, " + "[" * 200_000 + "]" * 200_000 + ", 2]")
    assert (value[0], value[2], len(problems)) == (1, 2, 1)
    assert time.perf_counter() - start < 5


# --- F4, F5: pretalx widget and pyvideo ----------------------------------------------------


def test_widget_talk_without_code_is_reported(tmp_path: Path) -> None:
    talks = [{"code": f"C{i}", "title": f"Talk {i}"} for i in range(5)]
    del talks[3]["code"]
    talks.append({"title": {"en": "Lunch"}})  # a break: left out silently, as everywhere
    path = tmp_path / "widget.json"
    path.write_text(json.dumps({"talks": talks, "rooms": []}), encoding="utf-8")
    corpus = read_talks([path])
    assert _titles(corpus) == ["Talk 0", "Talk 1", "Talk 2", "Talk 4"]
    (issue,) = corpus.issues
    assert issue.level == "warning" and "talks[3] 'Talk 3'" in issue.message
    assert "Lunch" not in issue.message


@pytest.mark.parametrize("category", [b"", b"{", b"[1, 2", b"\xff\xfe\x00"])
def test_broken_pyvideo_category_keeps_the_videos(tmp_path: Path, category: bytes) -> None:
    folder = tmp_path / "pycon-de-2018"
    (folder / "videos").mkdir(parents=True)
    (folder / "category.json").write_bytes(category)
    for i in range(4):
        video = {"title": f"Video {i}", "videos": [], "recorded": "2018-10-24"}
        (folder / "videos" / f"v{i}.json").write_text(json.dumps(video), encoding="utf-8")
    corpus = read_talks([folder])
    assert sorted(_titles(corpus)) == [f"Video {i}" for i in range(4)]
    assert {(t.conference, t.year) for t in corpus.talks} == {("PyCon DE", 2018)}
    errors = [i for i in corpus.issues if i.level == "error"]
    assert errors and all(i.source.path.endswith("category.json") for i in errors)


# --- XML ------------------------------------------------------------------------------------


def test_malformed_xml_event_costs_only_itself(tmp_path: Path) -> None:
    events = [
        '<event id="1"><title>Good one</title></event>',
        '<event id="2"><title>Bad & worse</title></event>',
        '<event id="3"><title>Bad <b>unclosed</title></event>',
        '<event id="4"><title>Good four</title></event>',
        '<event id="5"><title>Bad</title><abstract><![CDATA[ x</abstract></event>',
    ]
    xml = (
        '<?xml version="1.0"?>\n<schedule><conference><title>T 2020</title></conference>\n'
        '<day date="2020-01-01"><room name="A">\n'
        + "\n".join(events)
        + "\n</room></day></schedule>"
    )
    path = tmp_path / "schedule.xml"
    path.write_text(xml, encoding="utf-8")
    corpus = read_talks([path])
    assert _titles(corpus) == ["Good one", "Good four"]
    errors = [i for i in corpus.issues if i.level == "error"]
    assert len(errors) == 3 and all("<event> is skipped" in i.message for i in errors)


# --- F6: Markdown in linear time, headings as markdown-it finds them -----------------------


def _markdown_it_headings(text: str) -> list[tuple[int, int, str]]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": 180})
    md.core.ruler.disable(["inline", "text_join"])
    tokens = md.parse(text)
    return [
        (int(t.tag[1]), t.map[0], tokens[i + 1].content)
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.map is not None
    ]


@pytest.mark.parametrize(
    "text",
    [
        "# T\n\n- a\n  - b\n\n## A\ntext\n- x\n  ---\n\n## B\n",
        "para\n\n- item\n    # inside\n\nafter\n===\n",
        "```\n# code\n\n- x\n```\n## after\n<!--\n\nx\n\n-->\n## z\n",
        "> q\n# h\n\n<div>\n# html\n\n# out\n\n    # code\n",
        "- a\n\n  b\n\n- c\n  # nested\nlazy\n---\n",
    ],
)
def test_heading_skeleton_keeps_markdown_its_headings(text: str) -> None:
    lines = text.split("\n")
    found = [(h.level, h.line, h.raw) for h in find_headings(lines)]
    assert found == _markdown_it_headings(text)


def test_large_markdown_list_is_read_in_linear_time(tmp_path: Path) -> None:
    body = "".join("  " * (i % 8) + f"- item {i} with some words\n" for i in range(40_000))
    path = tmp_path / "notes.md"
    path.write_text(f"# Notes 2020\n\n## Talk\n{body}\n## Other\ntext\n", encoding="utf-8")
    start = time.perf_counter()
    corpus = read_talks([path])
    assert _titles(corpus) == ["Talk", "Other"]
    assert time.perf_counter() - start < 30  # was about 12 s per MB (this is 1.3 MB)


def test_markdown_deeper_than_the_nesting_limit_keeps_later_sections(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# N 2020\n\n## A\n\n" + "1. " * 5000 + "\n\n## B\n\nx\n", encoding="utf-8")
    assert _titles(read_talks([path])) == ["A", "B"]


def test_many_same_titled_sessions_are_linear(tmp_path: Path) -> None:
    rows = "Lightning talks,x,Alice\n" + "Lightning talks,x,Bob\n" * 3000
    path = tmp_path / "talks.csv"
    path.write_text("title,abstract,speakers\n" + rows, encoding="utf-8")
    start = time.perf_counter()
    corpus = read_talks([path])
    assert len({t.id for t in corpus.talks}) == 3001
    assert time.perf_counter() - start < 20


# --- ingest --json permissions ---------------------------------------------------------------


def test_ingest_json_follows_the_umask_like_the_digest(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text('{"title": "A"}\n', encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert main(["ingest", str(src), "--json", str(tmp_path / "o.json"), "-q"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "o.json").stat().st_mode) == 0o644
