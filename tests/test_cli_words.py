"""The command line's words: every option an error message suggests exists and, followed, is
accepted; the input-format option has one name everywhere; plurals and the empty folder."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from talktopics.cli import build_parser, main
from talktopics.errors import ExitCode, counted

SRC = Path(__file__).resolve().parents[1] / "src" / "talktopics"
READING = ("ingest", "digest", "topics", "compare")
"""The commands that read input (and so can show an input error)."""
_SUGGESTION = re.compile(
    r"(?:use|with|check|force one with|name one with)(?: e\.g\.)? (--[a-z][a-z-]*)"
)


def _options(command: str) -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {o for a in sub.choices[command]._actions for o in a.option_strings}


def _suggested_options() -> dict[str, set[str]]:
    """Every ``--option`` that a message in the sources tells the user to use -> the files."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        if path.parent.name == "cli" and path.name == "parser.py":
            continue
        for match in _SUGGESTION.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1), set()).add(path.name)
    return found


def test_every_suggested_option_exists() -> None:
    suggested = _suggested_options()
    assert "--input-format" in suggested and "--map" in suggested
    everywhere = set.union(*(_options(c) for c in READING))
    assert set(suggested) <= everywhere, {o: f for o, f in suggested.items() if o not in everywhere}


@pytest.mark.parametrize("command", READING)
def test_the_input_format_has_one_name_on_every_reading_command(command: str) -> None:
    options = _options(command)
    assert {"--input-format", "--map"} <= options
    if command in ("digest", "compare"):
        assert "--format" in options  # the output formats


def _unreadable(tmp_path: Path) -> Path:
    path = tmp_path / "talks.txt"
    path.write_text("zzz qqq\nfoo bar\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["ingest", "digest", "topics"])
def test_following_the_advice_of_an_unreadable_file_is_accepted(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _unreadable(tmp_path)
    out = ["-o", str(tmp_path / "out")] if command != "ingest" else []
    code = main([command, str(path), "-q", *out])
    err = capsys.readouterr().err
    assert code == ExitCode.FAILED
    advice = re.search(r"use (--[a-z-]+) \(one of: ([a-z, -]+)\)", err)
    assert advice is not None, err
    option, names = advice.group(1), advice.group(2).split(", ")
    assert option == "--input-format" and "csv" in names
    # Follow it: the option with every value it lists is accepted (ingest runs it; the other
    # commands would go on to the models, so their parser is asked).
    for name in names:
        argv = [command, str(path), "-q", *out, option, name]
        if command == "ingest":
            code = main(argv)
            err = capsys.readouterr().err
            assert code != ExitCode.USAGE and "unrecognized arguments" not in err, (name, err)
        else:
            assert build_parser().parse_args(argv).input_format == name
    # The next advice (a CSV without a title column) is followed the same way.
    main(["ingest", str(path), "-q", option, "csv"])
    err = capsys.readouterr().err
    follow = re.search(r"name one with (--map) title=COLUMN \(columns found: ([^)]+)\)", err)
    assert follow is not None, err
    fixed = [follow.group(1), f"title={follow.group(2)}"]
    assert main(["ingest", str(path), "-q", option, "csv", *fixed]) == ExitCode.OK
    assert "no title column" not in capsys.readouterr().err
    assert build_parser().parse_args([command, str(path), *out, option, "csv", *fixed])


def test_compare_accepts_the_input_format_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    code = main(["compare", str(a), str(b), "-o", str(tmp_path / "out"), "-q",
                 "--input-format", "csv", "--format", "md"])  # fmt: skip
    err = capsys.readouterr().err
    assert code != ExitCode.USAGE and "unrecognized arguments" not in err, err


def test_an_empty_folder_says_it_is_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "talks"
    empty.mkdir()
    for argv in (
        ["digest", str(empty), "-o", str(tmp_path / "out"), "-q"],
        ["ingest", str(empty), "-q"],
    ):
        assert main(argv) == ExitCode.FAILED
        err = capsys.readouterr().err
        assert "the folder is empty" in err, err
        assert "0 problems" not in err and "listed above" not in err


def test_plurals() -> None:
    assert counted(1, "problem") == "1 problem" and counted(2, "problem") == "2 problems"
    assert counted(1, "talk") == "1 talk" and counted(0, "talk") == "0 talks"
