"""Output sets are written all or nothing: a disk that fills up or a Ctrl-C while the files
of a digest (or comparison) are written leaves the previous set byte for byte, and no
temporary file; stale temporary files of a killed run are removed by the next run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from talktopics.errors import TalkTopicsError
from talktopics.outputs import remove_stale_parts, write_atomic_text, write_files

PREVIOUS = {"digest.md": "# old\n", "digest.html": "<p>old</p>\n", "digest.json": b'{"old": 1}'}
NEW = {"digest.md": "# new\n", "digest.html": "<p>new</p>\n", "digest.json": b'{"new": 2}'}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _previous_set(folder: Path) -> dict[str, bytes]:
    write_files(folder, PREVIOUS)
    return _snapshot(folder)


def _fail_on_second_file(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """The flush of the second file of the set fails (disk full, or Ctrl-C)."""
    real = os.fsync
    calls: list[int] = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise error
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_set_is_written_whole(tmp_path: Path) -> None:
    _previous_set(tmp_path)
    paths = write_files(tmp_path, NEW)
    assert [p.name for p in paths] == list(NEW)
    assert _snapshot(tmp_path) == {
        k: v.encode() if isinstance(v, str) else v for k, v in sorted(NEW.items())
    }


def test_disk_full_on_the_second_file_keeps_the_previous_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _previous_set(tmp_path)
    _fail_on_second_file(monkeypatch, OSError(28, "No space left on device"))
    with pytest.raises(TalkTopicsError, match=r"cannot write the digest to .*No space left"):
        write_files(tmp_path, NEW)
    assert _snapshot(tmp_path) == before  # byte-identical, and no temporary file


def test_an_interrupt_on_the_second_file_keeps_the_previous_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _previous_set(tmp_path)
    _fail_on_second_file(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_files(tmp_path, NEW)
    assert _snapshot(tmp_path) == before


def test_a_failing_rename_keeps_the_previous_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _previous_set(tmp_path)

    def replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(TalkTopicsError):
        write_files(tmp_path, NEW)
    assert _snapshot(tmp_path) == before


def test_ctrl_c_during_the_renames_waits_for_the_last_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT arriving between two renames is delivered after the set is complete."""
    import signal

    _previous_set(tmp_path)
    real = os.replace
    calls: list[str] = []

    def replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 1:
            signal.raise_signal(signal.SIGINT)
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_files(tmp_path, NEW)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(calls) == 3
    assert (tmp_path / "digest.json").read_bytes() == b'{"new": 2}'
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_stale_parts_of_our_names_are_removed(tmp_path: Path) -> None:
    """F7: a kill while writing left ``.digest.md.<random>.part``; the next run removes it
    (and only the temporary files of its own output names)."""
    stale = [tmp_path / ".digest.md.k2j3h4.part", tmp_path / ".digest.html.99999999-x1.part"]
    foreign = [tmp_path / ".notes.md.abc.part", tmp_path / ".digest.md.swp", tmp_path / "x.part"]
    for p in stale + foreign:
        p.write_text("partial", encoding="utf-8")
    write_files(tmp_path, NEW)
    names = {p.name for p in tmp_path.iterdir()}
    assert not {p.name for p in stale} & names
    assert {p.name for p in foreign} <= names


def test_the_parts_of_a_running_writer_are_kept(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        busy = tmp_path / f".digest.md.{other.pid}-abc.part"
        busy.write_text("being written", encoding="utf-8")
        assert remove_stale_parts(tmp_path, ["digest.md"]) == []
        assert busy.exists()
    finally:
        other.kill()
        other.wait()
    assert remove_stale_parts(tmp_path, ["digest.md"]) == [busy]


def test_a_single_file_write_removes_its_stale_parts(tmp_path: Path) -> None:
    stale = tmp_path / ".talks.json.zzz.part"
    stale.write_text("partial", encoding="utf-8")
    write_atomic_text(tmp_path / "talks.json", "[]\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talks.json"]
