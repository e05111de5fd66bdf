"""Does the default encoder runtime keep the topics? PyTorch vs OpenVINO on the topic sets.

Usage::

    python bench/encoder_topics.py [--datasets ep2022,ep2023] [--seeds 5] [--no-write]

For every talk set of the topic benchmark (``bench/topic_datasets.py``; BBC News is left out:
its 2,225 articles take longer than the rest together), in one window:

* the set's document vectors from the packaged MiniLM on PyTorch (the reference the topic
  benchmark uses) and on OpenVINO at this CPU's default precision (the engine's default):
  mean and minimum cosine, and the share of each talk's 10 nearest talks that stays the same;
* ``ours`` (the engine's defaults, ``bench/topics_quality.py``) fitted for each seed on each
  runtime's vectors (talk and term vectors alike), each runtime in a fresh child process:
  AMI of the primary topic (mean ± std over the seeds) and the difference between the runtimes,
  next to the seed-to-seed standard deviation: a difference within it is noise.

Writes the "Encoder runtimes: topics" section of bench/RESULTS.md and
bench/results/encoder_topics.json unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import multiprocessing as mp
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import topic_metrics as tm
from bench_encoders import knn_kept
from results_md import git_commit, write_json, write_section
from topic_datasets import DATASETS, load_dataset
from topic_embeddings import JITTER_ANGLE, RUNTIME_VARIABLE, embed_docs

SECTION = "encoder_topics"
RUNTIMES = ("torch", "openvino")
JITTERS = tuple(f"torch+jitter:{draw}" for draw in range(1, 6))
"""The PyTorch vectors each turned by as much as OpenVINO moves them, in a random direction
(:class:`topic_embeddings.JitteredEmbedder`): how far the AMI moves on such a change alone."""


def _in_runtime(runtime: str, datasets: Sequence[str], seeds: Sequence[int]) -> dict[str, Any]:
    """Child process: each set's vectors and the fits of ``ours`` on ``runtime``."""
    os.environ[RUNTIME_VARIABLE] = runtime
    import topics_quality as tq
    from topic_embeddings import make_embedder

    out: dict[str, Any] = {"name": make_embedder().name, "sets": {}}
    runs = {run.dataset: run for run in tq.run_method("ours", list(datasets), list(seeds))}
    for dataset in datasets:
        run = runs[dataset]
        vectors = embed_docs(load_dataset(dataset).docs)[0]
        out["sets"][dataset] = {
            "vectors": vectors,
            "primary": [r.primary for r in run.runs],
            "error": run.error,
        }
    return out


def _child(runtime: str, datasets: Sequence[str], seeds: Sequence[int]) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(_in_runtime, runtime, list(datasets), list(seeds)).result()


def run(datasets: Sequence[str], seeds: Sequence[int]) -> dict[str, Any]:
    res: dict[str, Any] = {
        "commit": git_commit(),
        "date": dt.date.today().isoformat(),
        "seeds": list(seeds),
        "load_start": os.getloadavg()[0],
    }
    by_runtime = {runtime: _child(runtime, datasets, seeds) for runtime in (*RUNTIMES, *JITTERS)}
    res["names"] = {runtime: by_runtime[runtime]["name"] for runtime in RUNTIMES}
    rows: dict[str, Any] = {}
    for dataset in datasets:
        gold = load_dataset(dataset).gold
        ref, ov = (by_runtime[r]["sets"][dataset] for r in RUNTIMES)
        cos = np.sum(ref["vectors"] * ov["vectors"], axis=1)
        row: dict[str, Any] = {
            "talks": len(gold),
            "mean_cos": float(np.mean(cos)),
            "min_cos": float(np.min(cos)),
            "knn10_kept": knn_kept(ref["vectors"], ov["vectors"]),
            "error": ref["error"] or ov["error"],
        }
        for runtime in (*RUNTIMES, *JITTERS):
            got = by_runtime[runtime]["sets"][dataset]
            amis = [tm.adjusted_mutual_info(gold, primary) for primary in got["primary"]]
            row[runtime] = list(tm.mean_std(amis)) if amis else [math.nan, math.nan]
        row["same_partitions"] = sum(
            a == b for a, b in zip(ref["primary"], ov["primary"], strict=False)
        )
        rows[dataset] = row
    res["rows"] = rows
    res["load_end"] = os.getloadavg()[0]
    return res


def report(res: dict[str, Any]) -> str:
    seeds = res["seeds"]
    lines = [
        "## Encoder runtimes: topics",
        "",
        f"`bench/encoder_topics.py` at {res['commit']} ({res['date']}; load average "
        f"{res['load_start']:.1f} at the start, {res['load_end']:.1f} at the end): the topic "
        f"benchmark's talk sets embedded by the packaged MiniLM on PyTorch "
        f'(`{res["names"]["torch"]}`, the vectors every method of "Topic quality" uses) and '
        f"on the engine's default runtime (`{res['names']['openvino']}`); `ours` with the "
        f"engine's defaults fitted on each, seeds {seeds[0]}-{seeds[-1]}, AMI of the primary "
        "topic as mean ± std over the seeds. *Δ AMI* = OpenVINO minus PyTorch. *Jitter Δ*: the "
        f"same for the PyTorch vectors each turned by {JITTER_ANGLE} rad in a random direction "
        "(cosine 0.9999875 to the unmoved vector, as close as the OpenVINO vectors are), "
        f"{len(JITTERS)} draws: how far the AMI moves when the vectors move that little, "
        "whatever the runtime. "
        "*Noise* = the largest |jitter Δ| or seed-to-seed std.",
        "",
        "| set | talks | mean cos | min cos | 10-NN kept | AMI PyTorch | AMI OpenVINO | Δ AMI "
        "| jitter Δ | noise | same partition (seeds) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    within = 0
    deltas: list[float] = []
    jittered: list[float] = []
    for dataset, row in res["rows"].items():
        (tm_, ts), (om, os_) = row["torch"], row["openvino"]
        jitter = [row[j][0] - tm_ for j in JITTERS]
        delta = om - tm_
        noise = max([ts, os_, *map(abs, jitter)])
        within += abs(delta) <= noise
        deltas.append(delta)
        jittered.extend(jitter)
        lines.append(
            f"| {DATASETS[dataset].title} | {row['talks']} | {row['mean_cos']:.6f} | "
            f"{row['min_cos']:.6f} | {100 * row['knn10_kept']:.1f} % | {tm_:.3f} ± {ts:.3f} | "
            f"{om:.3f} ± {os_:.3f} | {delta:+.3f} | {' '.join(f'{j:+.3f}' for j in jitter)} | "
            f"{noise:.3f} | {row['same_partitions']} of {len(seeds)} |"
        )
    draws = np.asarray(jittered).reshape(len(deltas), -1)
    gap, low, high = _gap_interval(np.asarray(deltas), draws)
    cos = [row["mean_cos"] for row in res["rows"].values()]
    knn = [row["knn10_kept"] for row in res["rows"].values()]
    lines += [
        "",
        f"Mean cosine {min(cos):.6f}-{max(cos):.6f} over the sets (acceptance ≥ 0.9999), "
        f"10-NN kept {100 * min(knn):.1f}-{100 * max(knn):.1f} % (≥ 99 %); the AMI difference "
        f"is within the noise on {within} of {len(res['rows'])} sets. Mean Δ AMI over the sets "
        f"{np.mean(deltas):+.3f} (mean |Δ| {np.mean(np.abs(deltas)):.3f}); mean jitter Δ "
        f"{np.mean(jittered):+.3f} (mean |Δ| {np.mean(np.abs(jittered)):.3f}). OpenVINO's mean Δ "
        f"minus the jitter's: {gap:+.3f}, 95 % interval [{low:+.3f}, {high:+.3f}] (bootstrap "
        "over the sets, 10,000 draws, seed 0): "
        + (
            "the runtime moves the topics no more than noise of its size does."
            if low <= 0.0 <= high
            else "outside what noise of its size does."
        ),
        "",
    ]
    return "\n".join(lines)


def _gap_interval(deltas: np.ndarray, jitter: np.ndarray) -> tuple[float, float, float]:
    """Mean of ``deltas`` minus the mean of ``jitter`` (sets x draws), and its 95 % bootstrap
    interval, resampling the sets (each with its own Δ and its jitter draws)."""
    gap = float(deltas.mean() - jitter.mean())
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(deltas), size=(10_000, len(deltas)))
    samples = deltas[picks].mean(axis=1) - jitter[picks].mean(axis=(1, 2))
    low, high = np.percentile(samples, [2.5, 97.5])
    return gap, float(low), float(high)


def main(argv: Sequence[str] | None = None) -> int:
    talk_sets = [key for key in DATASETS if key != "bbc"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(talk_sets))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    unknown = [d for d in datasets if d not in DATASETS]
    if unknown:
        parser.error(f"unknown datasets {unknown}; known: {sorted(DATASETS)}")
    res = run(datasets, list(range(1, args.seeds + 1)))
    text = report(res)
    print(text)
    if not args.no_write:
        write_json(SECTION, res)
        write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
