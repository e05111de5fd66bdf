"""Candidate-term extraction in one process vs worker processes vs a local Dask cluster.

Corpus: every pyvideo EuroPython year in ``../shared/corpora/pyvideo``. Each configuration
runs :func:`talktopics.nlp.extract_terms` without the term cache (language identification and
spaCy analysis of every talk) in this process, the workers started inside the timed call
(spawn, spaCy loaded once per worker); the runs alternate so that machine load hits all of
them. Every result is compared with the one-process table (terms, counts, sentence rows).

Usage::

    python bench/terms_parallel.py [--repeats 1] [--dask] [--max-talks N]

Writes ``bench/results/terms_parallel.json`` and the ``terms_parallel`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_md import write_json, write_section

__all__ = ["main"]

PYVIDEO = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "pyvideo"


def _same(a: Any, b: Any) -> bool:
    return bool(
        a.terms == b.terms
        and a.display == b.display
        and a.languages == b.languages
        and a.sentence_talk == b.sentence_talk
        and (a.counts != b.counts).nnz == 0
        and (a.sentence_counts != b.sentence_counts).nnz == 0
    )


def _run(name: str, talks: Any) -> tuple[float, Any]:
    from talktopics.config import NLPConfig, ParallelConfig
    from talktopics.nlp import extract_terms
    from talktopics.parallel import ProcessPool, SerialExecutor, use_executor

    config = NLPConfig(use_cache=False)
    executors: dict[str, Any] = {
        "1 process": SerialExecutor(),
        "2 worker processes": ProcessPool(2),
        "Dask LocalCluster, 2 workers": ParallelConfig(workers=2),
    }
    start = time.perf_counter()
    with use_executor(executors[name]):
        table = extract_terms(talks, config)
    return time.perf_counter() - start, table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--dask", action="store_true", help="add the local Dask cluster row")
    parser.add_argument("--max-talks", type=int, default=0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    from talktopics.ingest import read_talks

    paths = sorted(p for p in PYVIDEO.iterdir() if p.name.startswith("europython-"))
    talks = read_talks(paths).talks
    if args.max_talks:
        talks = talks[: args.max_talks]
    names = ["1 process", "2 worker processes"]
    if args.dask:
        names.append("Dask LocalCluster, 2 workers")
    times: dict[str, list[float]] = {n: [] for n in names}
    identical: dict[str, bool] = {n: True for n in names}
    reference = None
    for _ in range(args.repeats):
        for name in names:
            seconds, table = _run(name, talks)
            times[name].append(seconds)
            reference = reference if reference is not None else table
            identical[name] = identical[name] and _same(reference, table)
            print(f"{name}: {seconds:.1f} s, identical={identical[name]}", flush=True)
    base = min(times["1 process"])
    rows = [
        f"| {n} | {min(times[n]):.1f} | {base / min(times[n]):.2f}x | "
        f"{'yes' if identical[n] else '**no**'} |"
        for n in names
    ]
    body = "\n".join(
        [
            "## Term extraction in parallel",
            "",
            f"`bench/terms_parallel.py`: candidate terms of {len(talks):,} pyvideo EuroPython "
            "talks (all years), no term cache, workers started inside the timed call; best of "
            f"{args.repeats} alternating run(s) on a shared 2-core machine (ratios, not absolute "
            "times, are the figure).",
            "",
            "| executor | seconds | speed-up | table identical to 1 process |",
            "|---|---:|---:|---|",
            *rows,
            "",
            f"Peak RSS of the driver process: "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.",
        ]
    )
    print(body)
    if not args.no_write:
        write_json("terms_parallel", {"talks": len(talks), "times": times, "same": identical})
        write_section("terms_parallel", body)


if __name__ == "__main__":
    main()
