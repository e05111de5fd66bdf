"""Ingest time and peak memory for 1, 4 and 16 MB inputs of each format: is reading linear?

Each input is generated (synthetic talks, no data from elsewhere) into a scratch folder and
read by `talktopics.ingest.read_talks` in a fresh child process, which reports its wall
time, talk count and peak RSS (imports included, about 60 MB).

Shapes: ``markdown-nested`` (talk sections whose notes are nested lists, 8 levels),
``markdown-flat`` (one section of flat bullets: the worst case of the old heading parser),
``csv``, ``jsonl``, ``json-records``, ``pyvideo`` (a folder of video files), ``frab-json``
and ``pretalx-api`` (one schedule file).

Usage::

    python bench/ingest_scaling.py [--sizes 1,4,16] [--formats csv,jsonl]

Writes ``bench/results/ingest_scaling.json`` and the ``ingest_scaling`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

__all__ = ["SHAPES", "main", "write_input"]

MB = 1_000_000
_WORDS = ["topic", "model", "graph", "python", "data", "notes", "speaker", "talk", "vector"]


def _sentence(i: int) -> str:
    return " ".join(_WORDS[(i * 7 + k) % len(_WORDS)] for k in range(12)) + f" {i}."


def _markdown_nested(size: int) -> str:
    parts = ["# Scaling Conf 2024\n"]
    total, i = 0, 0
    while total < size:
        section = [f"\n## Talk number {i}\n\n"]
        for k in range(200):
            section.append("  " * (k % 8) + f"- {_sentence(i * 200 + k)}\n")
        text = "".join(section)
        parts.append(text)
        total += len(text)
        i += 1
    return "".join(parts)


def _markdown_flat(size: int) -> str:
    line = "- " + _sentence(1) + "\n"
    return "# Scaling Conf 2024\n\n## One talk\n" + line * (size // len(line) + 1)


def _talks(size: int, per_talk: int) -> list[dict[str, str]]:
    n = size // per_talk + 1
    return [
        {"title": f"Talk number {i}", "abstract": _sentence(i), "speakers": f"Speaker {i}"}
        for i in range(n)
    ]


def _csv(size: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "abstract", "speakers"])
    for talk in _talks(size, 110):
        writer.writerow(talk.values())
    return out.getvalue()


def _jsonl(size: int) -> str:
    return "".join(json.dumps(t) + "\n" for t in _talks(size, 140))


def _json_records(size: int) -> str:
    return json.dumps(_talks(size, 140))


def _frab(size: int) -> str:
    events = [
        {"id": i, "title": t["title"], "abstract": t["abstract"], "type": "Talk",
         "persons": [{"public_name": t["speakers"]}], "start": "10:00"}
        for i, t in enumerate(_talks(size, 230))
    ]  # fmt: skip
    conf = {"title": "Scaling Conf 2024", "days": [{"date": "2024-05-01", "rooms": {"A": events}}]}
    return json.dumps({"schedule": {"conference": conf}})


def _pretalx(size: int) -> str:
    results = [
        {"code": f"C{i}", "title": t["title"], "abstract": t["abstract"],
         "speakers": [{"name": t["speakers"]}], "submission_type": {"en": "Talk"},
         "state": "confirmed", "slot": {"start": "2024-05-01T10:00:00", "room": {"en": "A"}}}
        for i, t in enumerate(_talks(size, 290))
    ]  # fmt: skip
    return json.dumps({"count": len(results), "results": results})


def _pyvideo(folder: Path, size: int) -> Path:
    root = folder / "scalingconf-2024"
    (root / "videos").mkdir(parents=True)
    (root / "category.json").write_text(json.dumps({"title": "Scaling Conf 2024"}))
    for i, talk in enumerate(_talks(size, 260)):
        video = {
            "title": talk["title"],
            "description": talk["abstract"],
            "speakers": [talk["speakers"]],
            "recorded": "2024-05-01",
            "videos": [],
        }
        (root / "videos" / f"v{i:07d}.json").write_text(json.dumps(video))
    return root


SHAPES: dict[str, tuple[str, Callable[[int], str] | None]] = {
    "markdown-nested": ("notes.md", _markdown_nested),
    "markdown-flat": ("notes.md", _markdown_flat),
    "csv": ("talks.csv", _csv),
    "jsonl": ("talks.jsonl", _jsonl),
    "json-records": ("talks.json", _json_records),
    "pyvideo": ("", None),
    "frab-json": ("schedule.json", _frab),
    "pretalx-api": ("talks.json", _pretalx),
}


def write_input(folder: Path, shape: str, size: int) -> Path:
    """Write an input of about ``size`` bytes of ``shape`` into ``folder``; its path."""
    name, make = SHAPES[shape]
    if make is None:
        return _pyvideo(folder, size)
    path = folder / name
    path.write_text(make(size), encoding="utf-8")
    return path


_CHILD = """
import json, resource, sys, time
from talktopics.ingest import read_talks
start = time.perf_counter()
corpus = read_talks([sys.argv[1]])
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "talks": len(corpus.talks), "rss_mb": rss,
                  "errors": corpus.skipped}))
"""


def measure(shape: str, size_mb: int) -> dict[str, float]:
    """Read one generated input in a child process: seconds, talks, peak RSS, bytes."""
    folder = Path(tempfile.mkdtemp(prefix="scaling-"))
    try:
        path = write_input(folder, shape, size_mb * MB)
        nbytes = (
            sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
            if path.is_dir()
            else path.stat().st_size
        )
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        figures["bytes"] = nbytes
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _markdown(results: dict[str, dict[str, dict[str, float]]], sizes: list[int]) -> str:
    head = " | ".join(f"{s} MB s" for s in sizes)
    lines = [
        "## Ingest scaling",
        "",
        "Written by `bench/ingest_scaling.py` (raw numbers: `bench/results/ingest_scaling.json`"
        "). Wall seconds of `read_talks` on generated inputs of about 1, 4 and 16 MB, each "
        "read in a fresh process; `x16/x1` is the 16 MB time over 16 times the 1 MB time "
        "(1.0 = linear; the 1 MB time includes fixed costs such as loading the language "
        "identifier, so Markdown stays below 1); peak RSS is the 16 MB run's, imports "
        "included. At 16 MB the CSV, JSONL and JSON files hold 115,000-145,000 rows, all "
        "read; a run keeps 100,000 (`IngestLimits.max_talks`, the rest reported).",
        "",
        f"| format | {head} | talks at {sizes[-1]} MB | x{sizes[-1]}/x{sizes[0]} | peak RSS MB |",
        "|---|" + "---:|" * (len(sizes) + 3),
    ]
    for shape, by_size in results.items():
        times = [by_size[str(s)]["seconds"] for s in sizes]
        last = by_size[str(sizes[-1])]
        ratio = times[-1] / (times[0] * sizes[-1] / sizes[0]) if times[0] > 0 else 0.0
        cells = " | ".join(f"{t:.2f}" for t in times)
        lines.append(
            f"| {shape} | {cells} | {int(last['talks']):,} | {ratio:.2f} | {last['rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ingest_scaling.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,4,16", help="input sizes in MB (1,4,16)")
    parser.add_argument("--formats", default=",".join(SHAPES), help="shapes to measure")
    args = parser.parse_args(argv)
    from results_md import git_commit, write_json, write_section

    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, dict[str, dict[str, float]]] = {}
    for shape in args.formats.split(","):
        results[shape] = {}
        for size in sizes:
            results[shape][str(size)] = measure(shape, size)
            print(shape, size, results[shape][str(size)], file=sys.stderr, flush=True)
    write_json("ingest_scaling", {"commit": git_commit(), "sizes_mb": sizes, "results": results})
    write_section("ingest_scaling", _markdown(results, sizes))
    print(_markdown(results, sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
