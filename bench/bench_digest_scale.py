"""Scale of the whole digest: N synthetic pyvideo talks through a cold ``talktopics digest``.

Usage::

    python bench/bench_digest_scale.py [--talks 20000 5000] [--embedder minilm|hashing]
        [--workdir DIR] [--keep-cache] [--no-write]

For each size the corpus is built by ``bench/synthetic_corpus.py`` (shuffled sentences of real
pyvideo abstracts, deterministic) in ``--workdir`` (outside the repository), then digested once
in a fresh child process with an empty cache folder (*cold*: no embedding, term or document
vector is cached): ingest, embedders, topics (each step the engine reports), talk summaries,
topic summaries, digest record, render, write - the steps of ``run_digest``. Per stage: wall
time and peak RSS (``bench_scale.Meter``: a 20 ms sampling thread and the kernel's high-water
mark, reset at each stage). The issue's bound: peak RSS <= 2 GB at 20,000 talks.

``--embedder hashing`` swaps the sentence encoder for a deterministic bag-of-hashed-words
embedder of the same dimension (384) to measure every other stage at sizes where encoding with
MiniLM would take hours on a shared machine; its encoding times say nothing about MiniLM's,
and its topics are not MiniLM's topics.

Writes the "Digest at scale" section of bench/RESULTS.md (between
``<!-- digest_scale:start -->`` and ``<!-- digest_scale:end -->``) and
bench/results/digest_scale.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import logging
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import Meter
from results_md import git_commit, write_json, write_section
from synthetic_corpus import write_corpus
from topic_datasets import SHARED

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

logger = logging.getLogger("bench.digest_scale")

SECTION = "digest_scale"
SIZES = (20_000,)
MEMORY_BOUND_MB = 2048
WORKDIR = Path(tempfile.gettempdir()) / "talktopics-digest-scale"
"""Default ``--workdir``: a folder in the system's temporary directory."""


class LoggedMeter(Meter):
    """A :class:`Meter` that also writes its stages so far to a JSON file at each mark (a
    run stopped before its end still tells how far it got)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__()

    def mark(self, name: str) -> None:
        super().mark(name)
        self.path.write_text(json.dumps({"now": name, "stages": self.stages}, indent=1))


class HashingEmbedder:
    """Bag of hashed words, 384 dimensions, unit rows: deterministic and cheap."""

    name = "hashing-384"
    dim = 384

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
                out[i, h % self.dim] += 1.0 if (h >> 20) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out[:, 0:1] += norms == 0
        return out / np.maximum(norms, 1.0)


def _stages_with_meter(meter: Meter) -> Any:
    """A ``talktopics.progress.Stages`` that marks the meter at each stage and each step."""
    from talktopics.progress import Say, Stages

    class MeteredStages(Stages):
        @contextlib.contextmanager
        def stage(self, key: str, title: str) -> Iterator[Say]:
            meter.mark(key)
            with super().stage(key, title) as say:

                def step(message: str) -> None:
                    words = [w for w in message.split(" (")[0].split() if not w.isdigit()]
                    meter.mark(f"{key}: {' '.join(words)}")
                    say(message)

                yield step

    return MeteredStages()


def run_once(corpus: Sequence[str], cache_dir: str, out_dir: str, embedder: str) -> dict[str, Any]:
    """One cold digest of the ``corpus`` paths (meant for a fresh child process)."""
    logging.basicConfig(level=logging.WARNING)
    os.environ["TALKTOPICS_CACHE"] = cache_dir
    started = time.perf_counter()
    meter = LoggedMeter(Path(out_dir + ".progress.json"))
    try:
        meter.mark("imports")
        from talktopics.embedder_choice import EmbedderChoice
        from talktopics.ingest import read_talks
        from talktopics.outputs import write_files
        from talktopics.recipes import digest as digest_recipe
        from talktopics.render import render_digest

        if embedder == "hashing":
            fake = HashingEmbedder()
            choice = EmbedderChoice(topics=fake, summaries=fake)
            digest_recipe.choose_embedders = lambda talks, config: choice  # type: ignore[assignment]
        stages = _stages_with_meter(meter)
        meter.mark("ingest")
        loaded = read_talks(list(corpus))
        digest = digest_recipe.build_digest(loaded, stages=stages)
        meter.mark("render")
        texts = {
            name: render_digest(digest, fmt)
            for fmt, name in (("md", "digest.md"), ("html", "digest.html"), ("json", "digest.json"))
        }
        meter.mark("write")
        write_files(Path(out_dir), texts)
        meter.mark("end")
        sentences = sum(len(t.abstract.split(". ")) for t in loaded.talks)
        return {
            "talks": len(loaded.talks),
            "sentences_approx": sentences,
            "topics": len(digest.topics),
            "embedder": embedder,
            "stages": meter.stages,
            "wall_seconds": round(time.perf_counter() - started, 1),
            "peak_rss_mb": max(s["peak_rss_mb"] for s in meter.stages),
            "error": None,
        }
    except BaseException as exc:
        logger.error("digest failed:\n%s", traceback.format_exc())
        meter.mark("failed")
        return {
            "error": f"{type(exc).__name__}: {exc}",
            "stages": meter.stages,
            "wall_seconds": round(time.perf_counter() - started, 1),
            "peak_rss_mb": max((s["peak_rss_mb"] for s in meter.stages), default=0.0),
        }
    finally:
        meter.close()


def _isolated(corpus: Sequence[Path], cache: Path, out: Path, embedder: str) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        paths = [str(p) for p in corpus]
        return pool.submit(run_once, paths, str(cache), str(out), embedder).result()


def europython_paths() -> list[Path]:
    """The pyvideo EuroPython year folders of the shared corpora (what bench_pipeline reads)."""
    return sorted((SHARED / "corpora" / "pyvideo").glob("europython-20*"))


def render_markdown(result: dict[str, Any]) -> str:
    runs = result["runs"]
    lines = [
        "## Digest at scale (synthetic pyvideo talks, cold)",
        "",
        "Written by `bench/bench_digest_scale.py` "
        "(raw numbers: `bench/results/digest_scale.json`).",
        "",
        "Corpus: `bench/synthetic_corpus.py` (sentences of real pyvideo abstracts, shuffled; "
        f"seed {result['seed']}). One cold `digest` per size in a fresh process with an empty "
        f"cache; embedder `{result['embedder']}`. Peak RSS per stage: 20 ms sampling and the "
        f"kernel's high-water mark, reset per stage. Machine: {os.cpu_count()} CPUs shared with "
        "other jobs (times are upper bounds, not comparable across windows); measured at "
        f"{result['commit']} ({result['date']}).",
        "",
    ]
    for r in runs:
        status = (
            f"failed: {r['error']}"
            if r.get("error")
            else f"{r['topics']} topics, {r['wall_seconds']:,.0f} s"
        )
        verdict = "met" if r.get("peak_rss_mb", 0) <= MEMORY_BOUND_MB else "exceeded"
        lines.append(
            f"- {r['size']:,} talks: {status}; peak RSS {r['peak_rss_mb']:,.0f} MB "
            f"(bound 2 GB: **{verdict}**)."
        )
    lines += [
        "",
        "| stage | " + " | ".join(f"{r['size']:,} s | {r['size']:,} peak MB" for r in runs) + " |",
        "|---|" + "---:|---:|" * len(runs),
    ]
    names = list(dict.fromkeys(s["stage"] for r in runs for s in r["stages"]))
    for name in names:
        if name in ("start", "end"):
            continue
        cells = []
        for r in runs:
            stage = next((s for s in r["stages"] if s["stage"] == name), None)
            cells += (
                [f"{stage['seconds']:.1f}", f"{stage['peak_rss_mb']:,.0f}"] if stage else ["–"] * 2
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talks", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--embedder", choices=("minilm", "hashing"), default="minilm")
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--keep-cache", action="store_true", help="keep the cache folders")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    parser.add_argument(
        "--europython",
        action="store_true",
        help="digest the real pyvideo EuroPython folders (1,910 talks) instead of synthetic "
        "corpora; writes bench/results/digest_scale_europython.json only",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    runs = []
    for size in [0] if args.europython else args.talks:
        if args.europython:
            corpus = europython_paths()
            label = "europython"
        else:
            corpus = [write_corpus(args.workdir / "corpus", size, seed=args.seed)]
            label = str(size)
        cache = args.workdir / f"cache-{args.embedder}-{label}"
        shutil.rmtree(cache, ignore_errors=True)  # cold
        logger.info("digest of %s talks (%s) ...", label, args.embedder)
        run = _isolated(corpus, cache, args.workdir / f"out-{args.embedder}-{label}", args.embedder)
        run["size"] = run.get("talks", size) if args.europython else size
        runs.append(run)
        logger.info("%d talks: %s s, peak %s MB", size, run["wall_seconds"], run["peak_rss_mb"])
        for stage in run["stages"]:
            logger.info(
                "  %-50s %8.1f s %8.0f MB (children %6.0f MB)",
                stage["stage"],
                stage["seconds"],
                stage["peak_rss_mb"],
                stage.get("children_peak_mb", 0.0),
            )
        if not args.keep_cache:
            shutil.rmtree(cache, ignore_errors=True)
    result = {
        "seed": args.seed,
        "embedder": args.embedder,
        "commit": git_commit(),
        "date": dt.date.today().isoformat(),
        "memory_bound_mb": MEMORY_BOUND_MB,
        "runs": runs,
    }
    text = render_markdown(result)
    print(text)
    if args.europython and not args.no_write:
        write_json(SECTION + "_europython", result)
    elif not args.no_write:
        write_section(SECTION, text)
        write_json(SECTION, result)
    failed = any(r.get("error") for r in runs)
    over = any(r.get("peak_rss_mb", 0) > MEMORY_BOUND_MB for r in runs)
    return 1 if failed or over else 0


if __name__ == "__main__":
    raise SystemExit(main())
