"""The command line: the grammar of every command, `formats`, `ingest --json` and its exit codes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from talktopics.cli import build_parser, main
from talktopics.errors import ExitCode

FIXTURE = Path(__file__).parent / "fixtures" / "mini-conf"


def test_every_command_has_its_handler() -> None:
    parser = build_parser()
    for argv in (
        ["ingest", "x"],
        ["formats"],
        ["digest", "x", "-o", "out"],
        ["topics", "x"],
        ["compare", "x", "y", "-o", "out"],
        ["prepare"],
    ):
        args = parser.parse_args(argv)
        assert args.handler.__name__ == f"cmd_{argv[0]}"


def test_formats_lists_the_readers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["formats"]) == ExitCode.OK
    assert "Input formats" in capsys.readouterr().out


def test_ingest_json_is_written_with_the_output_file_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "corpus.json"
    old = os.umask(0o022)
    try:
        code = main(["ingest", str(FIXTURE), "-q", "--json", str(out)])
    finally:
        os.umask(old)
    assert code == ExitCode.SKIPPED  # the fixture's broken last line
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["talks"]) == 15 and len(data["issues"]) == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert "line 16: not valid JSON" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.json"]
