"""Write one benchmark's section of bench/RESULTS.md, leaving every other section alone.

A section sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``. Any bench script can
use :func:`write_section`; the file is created on first use.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

__all__ = ["RESULTS_DIR", "RESULTS_MD", "git_commit", "write_json", "write_section"]

BENCH = Path(__file__).resolve().parent
RESULTS_MD = BENCH / "RESULTS.md"
RESULTS_DIR = BENCH / "results"

_HEADER = (
    "# Benchmark results\n\n"
    "Written by `make bench` (`bench/run_all.py`); each script replaces only its own section.\n"
)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_section(name: str, body: str, *, path: Path = RESULTS_MD) -> None:
    """Replace (or append) the section ``name`` of the results file with ``body``.

    Args:
        name: marker name, e.g. ``"topics_quality"``; letters, digits, ``_`` and ``-``.
        body: Markdown, starting with the section's own ``## Heading``.

    Raises:
        ValueError: the name is not a valid marker name.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(f"section name {name!r} is invalid; use letters, digits, _ and -")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    _atomic_write(path, text if text.endswith("\n") else text + "\n")


def write_json(name: str, data: Any) -> Path:
    """Write ``bench/results/<name>.json`` (sorted keys, 2-space indent) and return its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    _atomic_write(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return path


def git_commit() -> str:
    """Short commit of HEAD, with ``+dirty`` when src/ has uncommitted changes."""
    repo = BENCH.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=repo,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", "src"],
            capture_output=True,
            text=True,
            check=False,
            cwd=repo,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")
