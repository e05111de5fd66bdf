"""Topic engine speed: time and peak RSS per stage on every pyvideo EuroPython year together.

Usage::

    python bench/topics_speed.py [--no-write]

Two runs, each in a fresh child process with ``TALKTOPICS_CACHE`` pointing to a temporary
folder: *cold* (empty embedding and term caches) and *warm* (the same caches again, as a
user's re-run). Each run reads the corpus with
``talktopics.ingest.read_talks`` and fits it with ``talktopics.topics.TopicModel`` (default
config, seed 42, the embedder the config selects), then reports:

* per engine stage: the engine's own stage timings (``TopicModel`` info);
* per progress step (``TopicModel.fit(progress=...)``): wall time and the peak RSS reached during
  the step (the kernel's high-water mark is reset at each step through
  ``/proc/self/clear_refs``, where Linux allows it);
* the whole run: wall time including imports, and the process's peak RSS;
* which heavy libraries (torch, transformers, sentence-transformers, spaCy) the run imported
  (a warm run should need none of them).

Writes the "Topic engine speed" section of bench/RESULTS.md and bench/results/topics_speed.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import multiprocessing as mp
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_md import git_commit, write_json, write_section
from topic_datasets import SHARED

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

logger = logging.getLogger("bench.topics_speed")

SECTION = "topics_speed"
SEED = 42

STAGE_GROUPS: dict[str, str] = {
    "terms": "term extraction",
    "embed_talks": "embedding",
    "embed_terms": "embedding",
    "word_graph": "graph",
    "network": "graph",
    "infomap": "infomap",
    "topics": "labels & assembly",
    "distributions": "labels & assembly",
    "memberships": "labels & assembly",
    "labels": "labels & assembly",
}
"""Engine stage (as timed by ``TopicModel.fit``) -> the stage group reported in the table."""


HEAVY_MODULES = ("torch", "transformers", "sentence_transformers", "spacy")
"""Libraries whose import alone costs seconds; a fully cached run needs none of them."""


def corpus_paths() -> list[Path]:
    """Every pyvideo EuroPython year folder, in year order."""
    return sorted((SHARED / "corpora" / "pyvideo").glob("europython-20*"))


# --- child process ----------------------------------------------------------------------------


class _Meter:
    """Wall time and peak RSS between consecutive marks."""

    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []
        self._name = "start"
        self._t = time.perf_counter()
        self.can_reset = _reset_hwm()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.steps.append({"step": self._name, "seconds": now - self._t, "peak_rss_mb": _hwm_mb()})
        self._name, self._t = name, now
        self.can_reset = _reset_hwm() and self.can_reset


def _hwm_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_hwm() -> bool:
    """Reset the peak-RSS mark (Linux: ``echo 5 > /proc/self/clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def run_once(cache_dir: str, label: str) -> dict[str, Any]:
    """Ingest and fit the corpus once (meant for a fresh child process)."""
    logging.basicConfig(level=logging.WARNING)
    # Every cache the engine keeps (embeddings, per-talk terms) goes to this run's folder.
    os.environ["TALKTOPICS_CACHE"] = cache_dir
    started = time.perf_counter()
    overall_peak = 0.0
    try:
        meter = _Meter()
        meter.mark("imports")
        from talktopics.config import TopicConfig
        from talktopics.ingest import read_talks
        from talktopics.topics import TopicModel

        meter.mark("ingest")
        corpus = read_talks(corpus_paths())
        talks = [t for t in corpus.talks if t.has_text or t.title]
        meter.mark("fit: setup")
        config = TopicConfig(seed=SEED)
        model = TopicModel(config).fit(
            talks, progress=lambda message: meter.mark(f"fit: {message}")
        )
        meter.mark("end")
        overall_peak = max(step["peak_rss_mb"] for step in meter.steps)
        timings = dict(model.info_.timings)
        topics = model.topics_
        heavy = [name for name in HEAVY_MODULES if name in sys.modules]
        return {
            "label": label,
            "talks": len(talks),
            "issues": len(corpus.issues),
            "topics": len(topics),
            "other_share": float(getattr(model, "other_share", float("nan"))),
            "terms": len(getattr(model, "memberships", ()) or ()),
            "steps": meter.steps,
            "engine_timings": timings,
            "wall_seconds": time.perf_counter() - started,
            "peak_rss_mb": overall_peak,
            "peak_resettable": meter.can_reset,
            "heavy_imports": heavy,
            "error": None,
        }
    except Exception as exc:
        logger.error("speed run %s failed:\n%s", label, traceback.format_exc())
        return {
            "label": label,
            "error": f"{type(exc).__name__}: {exc}",
            "peak_rss_mb": overall_peak,
        }


def _isolated(cache_dir: str, label: str) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(run_once, cache_dir, label).result()


# --- report -----------------------------------------------------------------------------------


def _group_rows(runs: Sequence[dict[str, Any]]) -> list[tuple[str, list[float]]]:
    groups: dict[str, list[float]] = {}
    for i, run in enumerate(runs):
        seen: dict[str, float] = {}
        for stage, secs in run.get("engine_timings", {}).items():
            group = STAGE_GROUPS.get(stage, stage)
            seen[group] = seen.get(group, 0.0) + float(secs)
        for group, secs in seen.items():
            groups.setdefault(group, [float("nan")] * len(runs))[i] = secs
    order = list(dict.fromkeys(STAGE_GROUPS.values()))
    return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)


def render_markdown(result: dict[str, Any]) -> str:
    runs = result["runs"]
    ok = [r for r in runs if not r.get("error")]
    lines = [
        "## Topic engine speed",
        "",
        "Written by `bench/topics_speed.py` (raw numbers: `bench/results/topics_speed.json`).",
        f"Corpus: all pyvideo EuroPython years ({result['folders']} folders), read with",
        "`talktopics.ingest.read_talks` and fitted with `TopicModel.fit` (default config, seed",
        f"{SEED}). *cold* = empty embedding and term caches, *warm* = the same caches again; each",
        f"run is a fresh process. Machine: {os.cpu_count()} CPUs, 1-min load average "
        f"{result.get('loadavg', '?')} at the start. Measured at {result['commit']}",
        f"({result['date']}).",
        "",
    ]
    for r in runs:
        if r.get("error"):
            lines += [f"**{r['label']} run failed**: {r['error']}", ""]
    if not ok:
        return "\n".join(lines) + "\n"
    first = ok[0]
    lines += [
        f"{first['talks']} talks, {first['topics']} topics, {first['terms']} terms with "
        f"memberships, {100 * first['other_share']:.1f} % of talks in other, "
        f"{first['issues']} ingest issues.",
        "",
        "### Time per stage (s)",
        "",
        "| stage | " + " | ".join(r["label"] for r in ok) + " |",
        "|---|" + "---:|" * len(ok),
    ]
    ingest = [
        next((s["seconds"] for s in r["steps"] if s["step"] == "ingest"), float("nan")) for r in ok
    ]
    lines.append("| ingest | " + " | ".join(f"{v:.1f}" for v in ingest) + " |")
    for group, values in _group_rows(ok):
        lines.append(f"| {group} | " + " | ".join(f"{v:.1f}" for v in values) + " |")
    lines.append(
        "| **whole run, imports included** | "
        + " | ".join(f"**{r['wall_seconds']:.1f}**" for r in ok)
        + " |"
    )
    lines += [
        "",
        "### Steps as the engine reports progress: wall time and peak RSS during the step",
        "",
        "| step | " + " | ".join(f"{r['label']} s | {r['label']} peak MB" for r in ok) + " |",
        "|---|" + "---:|---:|" * len(ok),
    ]
    names = list(dict.fromkeys(s["step"] for r in ok for s in r["steps"]))
    for name in names:
        cells = []
        for r in ok:
            step = next((s for s in r["steps"] if s["step"] == name), None)
            cells += (
                [f"{step['seconds']:.1f}", f"{step['peak_rss_mb']:.0f}"] if step else ["–", "–"]
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(
        "| **process peak RSS** | "
        + " | ".join(f" | **{r['peak_rss_mb']:.0f}**" for r in ok)
        + " |"
    )
    lines += [
        "",
        "Heavy libraries imported: "
        + "; ".join(
            f"{r['label']}: {', '.join(r.get('heavy_imports') or []) or 'none'}" for r in ok
        )
        + ".",
        "",
        "Stage groups are the engine's own timings: *embedding* = `embed_talks` + `embed_terms`,",
        "which include identifying each talk's language and, when some text is not cached,",
        "importing torch and loading the model; *graph* = the word graph and the talk+term",
        "network; *labels & assembly* = distributions, fuzzy memberships and labels. In the step",
        'table a row runs from one progress message to the next, so "extracting terms" also',
        'holds the language identification and model loading that precede the "embedding"',
        "message. A warm run reads whole-document vectors, the vectors of the terms and each",
        "talk's language from the caches: it neither imports torch nor loads the model (the",
        "backend is built only when a text is missing from the cache).",
    ]
    if not all(r.get("peak_resettable") for r in ok):
        lines += ["", "(The peak-RSS mark could not be reset here: step peaks are cumulative.)"]
    lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="topics_speed.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    folders = corpus_paths()
    if not folders:
        logger.error("no pyvideo EuroPython folders under %s", SHARED)
        return 1
    load = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None
    runs = []
    with tempfile.TemporaryDirectory(prefix="talktopics-speed-") as cache:
        for label in ("cold", "warm"):
            logger.info("speed: %s run ...", label)
            run = _isolated(cache, label)
            if run.get("error"):
                logger.error("speed: %s run failed: %s", label, run["error"])
            else:
                logger.info(
                    "speed: %s: %d talks in %.1f s, peak %.0f MB",
                    label,
                    run["talks"],
                    run["wall_seconds"],
                    run["peak_rss_mb"],
                )
            runs.append(run)
    result = {
        "folders": len(folders),
        "commit": git_commit(),
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "loadavg": load,
        "runs": runs,
    }
    markdown = render_markdown(result)
    if args.no_write:
        print(markdown)
    else:
        write_section(SECTION, markdown)
        write_json(SECTION, result)
    return 1 if any(r.get("error") for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
