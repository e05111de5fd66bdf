"""Bad input: each problem is reported with its file and record, and the batch goes on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from talktopics.cli import main
from talktopics.config import IngestLimits
from talktopics.errors import ExitCode, IngestError
from talktopics.ingest import load_talks, read_talks
from talktopics.records import Corpus, IngestIssue

GOOD_NOTES = """# Notes from TestConf 2021

## Graph topic models
Description: https://example.org/talks/graph-topic-models/
Video: https://example.org/v/1

Words as a graph, communities as topics.

## Fast Python with Cython
Typed loops make it fast.
"""


def _issue(corpus: Corpus, path: Path) -> IngestIssue:
    found = [i for i in corpus.issues if i.source.path.endswith(path.name)]
    assert found, f"no issue names {path.name}: {corpus.issues}"
    return found[0]


def _run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["ingest", *argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.md"
    path.write_text(GOOD_NOTES, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("latin1.md", "# Notes\n\n## Café talk\nGrüße\n".encode("latin-1"), "line 3, column 7"),
        ("empty.json", b"", "file is empty"),
        ("blank.md", b"  \n\n", "file is empty"),
        ("unknown.txt", b"just words\nwithout any structure\n", "cannot tell the format"),
        ("truncated.json", b'{"schedule": {"conference": {"days": [', "truncated?"),
        ("bad.xml", b"<schedule><day><entry></day>", "not well-formed XML"),
        ("shape.json", b'{"hello": "world"}', "JSON of a shape no reader knows"),
        ("noheads.md", b"Some notes\nbut no headings at all\n", "no Markdown headings"),
    ],
)
def test_broken_file_is_skipped_and_named(
    tmp_path: Path,
    good: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    expected: str,
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    corpus = read_talks([bad, good])
    issue = _issue(corpus, bad)
    assert issue.level == "error"
    assert expected in str(issue)
    assert [t.title for t in corpus.talks] == ["Graph topic models", "Fast Python with Cython"]

    code, out, err = _run_cli(capsys, str(bad), str(good))
    assert code == ExitCode.SKIPPED
    assert f"error: {bad}" in err and expected in err
    assert "good.md" in out


def test_non_utf8_message_says_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "notes.md"
    bad.write_bytes(b"# Notes\n\n## Talk\n\xe4\xf6\n")
    issue = _issue(read_talks([bad]), bad)
    assert issue.source.record == "line 4, column 1"
    assert "0xE4" in issue.message and "re-save it as UTF-8" in issue.message


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "talks.csv"
    path.write_bytes("title,abstract\nÜber Typen,Typen in Python\n".encode("utf-16"))
    corpus = read_talks([path])
    assert [t.title for t in corpus.talks] == ["Über Typen"]
    assert corpus.issues == ()


def test_missing_path(tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope" / "talks.json"
    corpus = read_talks([missing, good])
    issue = _issue(corpus, missing)
    assert issue.level == "error" and "no such file or folder" in issue.message
    assert len(corpus.talks) == 2
    code, _, err = _run_cli(capsys, str(missing), str(good))
    assert code == ExitCode.SKIPPED
    assert str(missing) in err


def test_unreadable_file(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked.md"
    locked.write_text(GOOD_NOTES.replace("Graph", "Other"), encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make this one file fail as it would for users
        real_open = Path.open

        def deny(self: Path, *args: object, **kwargs: object) -> object:
            if self.name == "locked.md":
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "open", deny)
    try:
        corpus = read_talks([locked, good])
        issue = _issue(corpus, locked)
        assert issue.level == "error" and "permission denied" in issue.message
        assert len(corpus.talks) == 2
        code, _, err = _run_cli(capsys, str(locked), str(good))
        assert code == ExitCode.SKIPPED and "permission denied" in err
    finally:
        locked.chmod(0o644)


def test_nothing_readable_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    code, _, err = _run_cli(capsys, str(empty), str(tmp_path / "missing.md"))
    assert code == ExitCode.FAILED
    assert "no talk could be read (2 problems, listed above)" in err
    with pytest.raises(IngestError, match="file is empty"):
        load_talks(empty)


def test_truncated_json_list_keeps_complete_records(tmp_path: Path) -> None:
    path = tmp_path / "talks.json"
    records = [{"title": f"Talk {i}", "abstract": "text"} for i in range(3)]
    text = json.dumps(records)
    path.write_text(text[: text.rindex("{") + 12], encoding="utf-8")
    corpus = read_talks([path])
    assert [t.title for t in corpus.talks] == ["Talk 0", "Talk 1"]
    issue = _issue(corpus, path)
    assert issue.level == "error"
    assert "truncated?" in issue.message and "2 complete records" in issue.message
    assert issue.source.record.startswith("line 1, column ")


def test_record_missing_title(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "talks.jsonl"
    path.write_text(
        '{"title": "First", "abstract": "a"}\n'
        '{"abstract": "no title here"}\n'
        '{"title": "", "abstract": "empty title"}\n'
        '{"title": "Last", "abstract": "b"}\n',
        encoding="utf-8",
    )
    corpus = read_talks([path])
    assert [t.title for t in corpus.talks] == ["First", "Last"]
    errors = [i for i in corpus.issues if i.level == "error"]
    assert [i.source.record for i in errors] == ["line 2", "line 3"]
    assert all("no title" in i.message for i in errors)
    code, _, err = _run_cli(capsys, str(path))
    assert code == ExitCode.SKIPPED
    assert f"{path}: line 2: record has no title" in err


def test_record_missing_title_in_each_format(tmp_path: Path) -> None:
    frab = {
        "schedule": {
            "conference": {
                "title": "TestConf 2022",
                "days": [{"date": "2022-05-01", "rooms": {"A": [{"id": 7, "abstract": "x"}]}}],
            }
        }
    }
    (tmp_path / "schedule.json").write_text(json.dumps(frab), encoding="utf-8")
    (tmp_path / "talks.csv").write_text("title,abstract\n,orphan\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Notes\n\n## ![](a.png)\ntext\n", encoding="utf-8")
    corpus = read_talks([tmp_path])
    where = sorted(f"{Path(i.source.path).name}: {i.source.record}" for i in corpus.issues)
    assert where == ["notes.md: line 3", "schedule.json: event 7", "talks.csv: line 2"]


def test_bad_json_line_does_not_stop_the_file(tmp_path: Path) -> None:
    path = tmp_path / "talks.jsonl"
    path.write_text(
        '{"title": "One"}\n{"title": "Two", \n["not", "an", "object"]\n{"title": "Three"}\n',
        encoding="utf-8",
    )
    corpus = read_talks([path])
    assert [t.title for t in corpus.talks] == ["One", "Three"]
    assert [i.source.record for i in corpus.issues] == ["line 2", "line 3"]


def test_duplicate_talks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "talks.csv"
    path.write_text(
        "title,speakers,abstract\n"
        "Graph topic models,Ada,First copy\n"
        "Other talk,Bob,Something else\n"
        "Graph  Topic Models!,Ada,Second copy\n",
        encoding="utf-8",
    )
    corpus = read_talks([path])
    assert [t.title for t in corpus.talks] == ["Graph topic models", "Other talk"]
    assert corpus.talks[0].abstract == "First copy"
    (issue,) = corpus.issues
    assert issue.level == "warning"
    assert issue.source.record == "line 4" and "line 2" in issue.message
    assert "duplicate" in issue.message
    code, _, err = _run_cli(capsys, str(path))
    assert code == ExitCode.OK  # nothing was skipped: the duplicate is the same talk
    assert "duplicate" in err


def test_duplicate_brings_notes(tmp_path: Path) -> None:
    programme = tmp_path / "a_programme.csv"
    programme.write_text(
        "title,abstract,conference,year\nGraph topic models,Official,TestConf,2021\n",
        encoding="utf-8",
    )
    notes = tmp_path / "notes.md"
    notes.write_text(GOOD_NOTES, encoding="utf-8")
    corpus = read_talks([programme, notes])
    talk = next(t for t in corpus.talks if t.title == "Graph topic models")
    assert talk.abstract == "Official"
    assert "communities as topics" in talk.notes
    assert any("merged this record's notes" in i.message for i in corpus.issues)


def test_same_title_different_speakers_are_two_talks(tmp_path: Path) -> None:
    path = tmp_path / "talks.csv"
    path.write_text("title,speakers\nKeynote,Ada\nKeynote,Grace\n", encoding="utf-8")
    corpus = read_talks([path])
    assert len(corpus.talks) == 2 and corpus.talks[0].id != corpus.talks[1].id
    assert corpus.issues == ()


def test_unknown_format_option(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run_cli(capsys, str(good), "--input-format", "docx")
    assert code == ExitCode.USAGE
    assert "--input-format 'docx' is unknown" in err and "markdown" in err


def test_bad_column_map(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run_cli(capsys, str(good), "--map", "titel=Title")
    assert code == ExitCode.USAGE and "unknown field 'titel'" in err
    code, _, err = _run_cli(capsys, str(good), "--map", "title")
    assert code == ExitCode.USAGE and "FIELD=COLUMN" in err


def test_wrong_forced_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "talks.json"
    path.write_text('[{"title": "A"}]', encoding="utf-8")
    corpus = read_talks([path], format="frab-json")
    issue = _issue(corpus, path)
    assert issue.level == "error" and "check --input-format" in issue.message
    code, _, err = _run_cli(capsys, str(path), "--input-format", "frab-xml")
    assert code == ExitCode.FAILED and "not well-formed XML" in err


def test_xml_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "schedule.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<schedule><day><room><event><title>&b;</title></event></room></day></schedule>",
        encoding="utf-8",
    )
    issue = _issue(read_talks([bomb]), bomb)
    assert issue.level == "error" and "refused unsafe XML" in issue.message


def test_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text("# Notes 2020\n\n## Long talk\n" + "word " * 4000, encoding="utf-8")
    refused = read_talks([big], limits=IngestLimits(max_file_bytes=1000))
    assert refused.talks == ()
    assert "over the limit of 1,000 bytes" in _issue(refused, big).message

    cut = read_talks([big], limits=IngestLimits(max_text_chars=100))
    (talk,) = cut.talks
    assert len(talk.notes) == 100
    issue = _issue(cut, big)
    assert issue.level == "warning" and "truncated to 100" in issue.message
    assert issue.source.record == "line 3"

    rows = tmp_path / "many.csv"
    rows.write_text("title\n" + "".join(f"Talk {i}\n" for i in range(30)), encoding="utf-8")
    capped = read_talks([rows, big], limits=IngestLimits(max_talks=10))
    assert len(capped.talks) == 10
    errors = [i for i in capped.issues if i.level == "error"]
    assert any("20 talks from here on skipped" in i.message for i in errors)
    assert any("not read" in i.message and i.source.path.endswith("big.md") for i in errors)


def test_hostile_titles_and_links(tmp_path: Path) -> None:
    path = tmp_path / "talks.jsonl"
    path.write_text(
        json.dumps({"title": "x" * 5000, "url": "javascript:alert(1)", "video": "file:///etc"})
        + "\n",
        encoding="utf-8",
    )
    (talk,) = read_talks([path]).talks
    assert len(talk.title) == 500
    assert talk.url is None and talk.video_url is None


def test_symlinks_outside_and_loops_are_not_followed(tmp_path: Path, good: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret 2020\n\n## Hidden talk\nx\n", encoding="utf-8")
    root = tmp_path / "input"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "notes.md").write_text(GOOD_NOTES, encoding="utf-8")
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "secret.md").symlink_to(outside / "secret.md")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    corpus = read_talks([root])
    assert [t.title for t in corpus.talks] == ["Graph topic models", "Fast Python with Cython"]
    warned = sorted(Path(i.source.path).name for i in corpus.issues)
    assert warned == ["escape", "secret.md"]
    assert all("outside the input folder" in i.message for i in corpus.issues)


def test_a_folder_given_with_a_trailing_slash_names_its_files_once(tmp_path: Path) -> None:
    folder = tmp_path / "conf-2024"
    folder.mkdir()
    (folder / "talks.jsonl").write_text(
        '{"title": "Typed pandas", "abstract": "Type hints for data frames."}\n{broken\n',
        encoding="utf-8",
    )
    corpus = read_talks([f"{folder}/"])
    assert [t.source.path for t in corpus.talks] == [f"{folder}/talks.jsonl"]
    assert [i.source.path for i in corpus.issues] == [f"{folder}/talks.jsonl"]
    for issue in corpus.issues:
        assert "//" not in str(issue), issue
        assert f"{folder}/talks.jsonl" in str(issue)
