"""Scale: a synthetic corpus of 20,000 talks through ingest and the topic engine.

Usage::

    python bench/bench_scale.py [--talks 20000] [--seed 7] [--no-warm] [--no-write]

The corpus is generated here (deterministic for a seed, never committed): talks of 24
conference themes with their own vocabulary, each talk mixing its main theme with a second one
and with general conference words, written as one JSON Lines file in a temporary folder. It is
read with `talktopics.ingest.read_talks` and fitted with `talktopics.topics.TopicModel`
(default configuration, seed 42, the embedder the configuration selects), each run in a fresh
child process: *cold* (empty embedding and term caches) and *warm* (the same caches again, as
a user's re-run).

Per stage (ingest, and each step the engine reports through ``progress``): wall time and peak
RSS, measured by a thread sampling ``/proc/self/status`` every 20 ms and by the kernel's
high-water mark (reset at each stage through ``/proc/self/clear_refs`` where Linux allows it).
The topic-engine issue bounds the peak RSS at 2 GB. As a check that the engine finds the
structure the generator put in, the AMI of the talks' primary topics against the generating
themes is reported too.

Writes the "Scale (20k talks)" section of bench/RESULTS.md (between ``<!-- scale:start -->``
and ``<!-- scale:end -->``) and bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import multiprocessing as mp
import os
import random
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_md import write_json, write_section

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

logger = logging.getLogger("bench.scale")

SECTION = "scale"
TALKS = 20_000
SEED = 7
ENGINE_SEED = 42
MEMORY_BOUND_MB = 2048
"""Peak RSS bound of the topic-engine issue (2 GB)."""

# --- the synthetic corpus -------------------------------------------------------------------

THEMES: dict[str, tuple[str, ...]] = {
    "dataframes": ("pandas", "dataframe", "polars", "groupby", "merge", "arrow", "parquet",
                   "column", "index", "pivot table", "time series", "resampling"),
    "deep learning": ("pytorch", "neural network", "gradient", "backpropagation", "tensor",
                      "gpu", "training loop", "loss function", "transformer", "attention",
                      "fine-tuning", "embedding"),
    "nlp": ("tokenizer", "spacy", "named entity", "language model", "sentiment", "corpus",
            "lemmatization", "text classification", "word vectors", "chatbot", "translation",
            "summarization"),
    "web backends": ("django", "flask", "fastapi", "endpoint", "rest api", "middleware",
                     "orm", "request", "authentication", "graphql", "websocket", "routing"),
    "async": ("asyncio", "event loop", "coroutine", "await", "concurrency", "trio",
              "task group", "non-blocking", "aiohttp", "backpressure", "cancellation", "futures"),
    "testing": ("pytest", "fixture", "mock", "coverage", "property-based testing",
                "hypothesis", "test suite", "assertion", "regression", "tox", "flaky test",
                "mutation testing"),
    "packaging": ("pip", "wheel", "pyproject", "setuptools", "poetry", "virtual environment",
                  "dependency", "lock file", "conda", "build backend", "pypi", "versioning"),
    "devops": ("docker", "kubernetes", "container", "helm", "ci pipeline", "deployment",
               "terraform", "infrastructure", "monitoring", "prometheus", "logging",
               "observability"),
    "security": ("vulnerability", "encryption", "authentication token", "oauth",
                 "supply chain", "sandbox", "secret", "cve", "attack", "threat model",
                 "signature", "audit"),
    "performance": ("profiling", "cython", "numba", "jit", "vectorization", "memory leak",
                    "benchmark", "cache", "rust extension", "multiprocessing", "gil",
                    "optimization"),
    "visualisation": ("matplotlib", "plotly", "dashboard", "bokeh", "chart", "altair",
                      "interactive plot", "colormap", "streamlit", "visual", "panel", "figure"),
    "geodata": ("geopandas", "map", "raster", "satellite image", "shapefile", "projection",
                "coordinate", "gis", "openstreetmap", "spatial index", "tiles", "geometry"),
    "science": ("simulation", "numpy", "scipy", "differential equation", "physics",
                "astronomy", "climate model", "jupyter notebook", "reproducibility",
                "experiment", "hpc", "lab data"),
    "education": ("teaching", "students", "classroom", "curriculum", "beginner", "workshop",
                  "learning path", "mentoring", "exercises", "school", "course", "tutorial"),
    "community": ("open source", "maintainer", "contributor", "diversity", "governance",
                  "code of conduct", "sprint", "meetup", "volunteer", "sustainability",
                  "funding", "inclusion"),
    "databases": ("postgresql", "sql", "query planner", "transaction", "index scan",
                  "sqlalchemy", "migration", "schema", "replication", "nosql", "redis",
                  "connection pool"),
    "mlops": ("model registry", "feature store", "mlflow", "experiment tracking",
              "model serving", "drift", "retraining", "inference", "pipeline orchestration",
              "airflow", "batch scoring", "monitoring model"),
    "typing": ("type hints", "mypy", "static analysis", "protocol", "generics", "pyright",
               "type checker", "annotations", "dataclass", "pydantic", "validation", "linting"),
    "embedded": ("micropython", "raspberry pi", "sensor", "microcontroller", "firmware",
                 "robot", "hardware", "arduino", "circuitpython", "iot", "gpio", "drone"),
    "finance": ("trading", "risk model", "portfolio", "fraud detection", "banking",
                "transactions data", "pricing", "forecasting", "credit score", "insurance",
                "compliance", "accounting"),
    "health": ("medical imaging", "patient data", "genomics", "clinical trial", "hospital",
               "diagnosis", "bioinformatics", "protein", "epidemiology", "health records",
               "drug discovery", "dna sequencing"),
    "cpython": ("interpreter", "bytecode", "garbage collector", "reference counting",
                "c api", "subinterpreters", "free threading", "pep", "core developer",
                "parser", "frame", "specializing"),
    "ux": ("accessibility", "user interface", "design system", "frontend", "pyscript",
           "webassembly", "browser", "user research", "usability", "components", "css",
           "javascript"),
    "recsys": ("recommendation", "collaborative filtering", "ranking", "search engine",
               "vector database", "similarity search", "retrieval", "user behaviour",
               "click data", "personalization", "ab test", "relevance"),
}  # fmt: skip
GENERAL = (
    "python", "project", "team", "production", "experience", "approach", "example", "code",
    "library", "tool", "problem", "solution", "practice", "lessons", "company", "users",
    "data", "system", "process", "open source",
)  # fmt: skip
TITLE_TEMPLATES = (
    "{a} with {b}",
    "{a} in production: lessons learned",
    "Scaling {a} and {b}",
    "From {a} to {b}",
    "A practical guide to {a}",
    "{a}, {b} and {c}",
    "Why {a} matters for {b}",
    "Beyond {a}: {b} in practice",
)
SENTENCE_TEMPLATES = (
    "In this talk we show how {a} and {b} work together in a real {g} {g2}.",
    "We start with {a} and move on to {b}, with examples from our {g}.",
    "{A} is often misunderstood, so we explain {b} and {c} step by step.",
    "You will learn when to use {a}, how {b} helps, and what {c} costs.",
    "Our {g} used {a} for years before {b} made the {g2} simpler.",
    "The talk ends with {a}, {b} and a short demo of {c}.",
    "We compare {a} with {b} and share numbers from {g}.",
    "No prior knowledge of {a} is needed; basic {b} is enough.",
)
FIRST = ("Ada", "Linus", "Grace", "Guido", "Katie", "Raymond", "Mariatta", "Łukasz", "Carol",
         "Naomi", "Brett", "Emily", "Jürgen", "Олег", "Ying", "Amal")  # fmt: skip
LAST = ("Lovelace", "Hopper", "Rossum", "Hettinger", "Wijaya", "Langa", "Willing", "Ceder",
        "Cannon", "Morley", "Müller", "Petrov", "Chen", "Haddad", "Okafor", "Silva")  # fmt: skip


def generate(n: int = TALKS, seed: int = SEED) -> list[dict[str, Any]]:
    """``n`` synthetic talk records (deterministic for ``seed``), with their main theme.

    Theme sizes follow a Zipf-like law (a few big themes, many small ones); each talk draws
    about 60 % of its theme words from its main theme, 25 % from a second theme and the rest
    from general conference vocabulary.
    """
    rng = random.Random(seed)
    themes = sorted(THEMES)
    weights = [1 / (i + 1) ** 0.7 for i in range(len(themes))]
    talks: list[dict[str, Any]] = []
    for i in range(n):
        main = rng.choices(themes, weights)[0]
        second = rng.choice([t for t in themes if t != main])

        def word(main: str = main, second: str = second) -> str:
            r = rng.random()
            if r < 0.6:
                return rng.choice(THEMES[main])
            if r < 0.85:
                return rng.choice(THEMES[second])
            return rng.choice(GENERAL)

        def fill(template: str) -> str:
            a, b, c = word(), word(), word()
            return template.format(
                a=a, A=a[:1].upper() + a[1:], b=b, c=c, g=rng.choice(GENERAL),
                g2=rng.choice(GENERAL),
            )  # fmt: skip

        title = fill(rng.choice(TITLE_TEMPLATES))
        title = title[:1].upper() + title[1:] + f" ({i})"
        sentences = [fill(rng.choice(SENTENCE_TEMPLATES)) for _ in range(rng.randint(3, 6))]
        speakers = [
            f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(1 + (rng.random() < 0.2))
        ]
        talks.append(
            {
                "title": title,
                "abstract": " ".join(sentences),
                "speakers": speakers,
                "track": main,
                "conference": "Synthetic Conf",
                "year": 2024,
            }
        )
    return talks


def write_corpus(folder: Path, n: int, seed: int) -> Path:
    path = folder / "synthetic-conf-talks.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for record in generate(n, seed):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


# --- measuring (child process) --------------------------------------------------------------


def _status_kb(field: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children_rss_kb() -> int:
    """Summed RSS of this process's descendants (worker and converter processes), in kB."""
    total = 0
    todo = [os.getpid()]
    seen: set[int] = set()
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                    kids = [int(k) for k in fh.read().split()]
            except OSError:
                continue
            for kid in kids:
                if kid in seen:
                    continue
                seen.add(kid)
                todo.append(kid)
                try:
                    with open(f"/proc/{kid}/status", encoding="ascii") as fh:
                        for line in fh:
                            if line.startswith("VmRSS:"):
                                total += int(line.split()[1])
                except OSError:
                    pass
    return total


def _reset_hwm() -> bool:
    """Reset the kernel's peak-RSS mark (Linux: ``echo 5 > /proc/self/clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class Meter:
    """Wall time and peak RSS of consecutive stages (a 20 ms sampling thread + VmHWM)."""

    def __init__(self) -> None:
        self.stages: list[dict[str, Any]] = []
        self._name = "start"
        self._t = time.perf_counter()
        self._peak_kb = 0
        self._children_kb = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.resettable = _reset_hwm()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            rss = _status_kb("VmRSS")
            children = _children_rss_kb()
            with self._lock:
                self._peak_kb = max(self._peak_kb, rss)
                self._children_kb = max(self._children_kb, children)

    def mark(self, name: str) -> None:
        """End the current stage and start ``name``."""
        now = time.perf_counter()
        with self._lock:
            sampled = max(self._peak_kb, _status_kb("VmRSS"))
            children = self._children_kb
            self._peak_kb = self._children_kb = 0
        hwm = _status_kb("VmHWM") if self.resettable else 0
        self.stages.append(
            {
                "stage": self._name,
                "seconds": round(now - self._t, 2),
                "peak_rss_mb": round(max(sampled, hwm) / 1024, 1),
                "children_peak_mb": round(children / 1024, 1),
            }
        )
        self.resettable = self.resettable and _reset_hwm()
        self._name, self._t = name, now

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _stage_name(message: str) -> str:
    """ "embedding 20000 talks (sentence-transformers:...)" -> "embedding talks"."""
    words = [w for w in message.split(" (")[0].split() if not w.isdigit()]
    return " ".join(words)


def run_once(corpus: str, cache_dir: str, label: str) -> dict[str, Any]:
    """Ingest and fit the corpus once (meant for a fresh child process)."""
    logging.basicConfig(level=logging.WARNING)
    os.environ["TALKTOPICS_CACHE"] = cache_dir  # the term cache lives beside the vectors
    started = time.perf_counter()
    meter = Meter()
    try:
        meter.mark("imports")
        from sklearn.metrics import adjusted_mutual_info_score

        from talktopics.config import TopicConfig
        from talktopics.ingest import read_talks
        from talktopics.topics import TopicModel

        meter.mark("ingest")
        loaded = read_talks([corpus])
        meter.mark("fit: setup")
        base = TopicConfig(seed=ENGINE_SEED)
        config = dataclasses.replace(
            base, embed=dataclasses.replace(base.embed, cache_dir=cache_dir)
        )
        model = TopicModel(config).fit(
            loaded.talks,
            progress=lambda message: meter.mark("fit: " + _stage_name(message)),
        )
        meter.mark("end")
        primary = {tt.talk_id: tt.primary for tt in model.talk_topics_}
        truth = [t.labels.track or "" for t in loaded.talks]
        found = [primary.get(t.id, "other") for t in loaded.talks]
        return {
            "label": label,
            "talks": len(loaded.talks),
            "issues": len(loaded.issues),
            "topics": len(model.topics_),
            "subtopics": len(model.subtopics_),
            "terms": len(model.memberships_),
            "other_share": float(model.other_share_),
            "ami": float(adjusted_mutual_info_score(truth, found)),
            "embedder": model.info_.embedder,
            "engine_timings": {k: round(v, 2) for k, v in model.info_.timings},
            "stages": meter.stages,
            "wall_seconds": round(time.perf_counter() - started, 1),
            "peak_rss_mb": max(
                max(s["peak_rss_mb"] for s in meter.stages),
                0.0 if meter.resettable else round(_status_kb("VmHWM") / 1024, 1),
            ),
            "hwm_resettable": meter.resettable,
            "error": None,
        }
    except Exception as exc:
        logger.error("scale run %s failed:\n%s", label, traceback.format_exc())
        meter.mark("failed")
        return {
            "label": label,
            "error": f"{type(exc).__name__}: {exc}",
            "stages": meter.stages,
            "peak_rss_mb": max((s["peak_rss_mb"] for s in meter.stages), default=0.0),
        }
    finally:
        meter.close()


def _isolated(corpus: str, cache_dir: str, label: str) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(run_once, corpus, cache_dir, label).result()


# --- report ---------------------------------------------------------------------------------


def render_markdown(result: dict[str, Any]) -> str:
    runs = result["runs"]
    ok = [r for r in runs if not r.get("error")]
    lines = [
        "## Scale (20k talks)",
        "",
        "Written by `bench/bench_scale.py` (raw numbers: `bench/results/scale.json`).",
        "",
        f"A synthetic corpus of {result['talks']:,} talks (generator seed {result['seed']}: 24 "
        "themes with their own vocabulary, Zipf-sized; each talk mixes its theme with a second "
        "one and general words in 3-6 sentences; one JSON Lines file of "
        f"{result['corpus_mb']:.1f} MB, generated in {result['generate_seconds']:.1f} s) goes "
        "through `read_talks` and `TopicModel.fit` (default configuration, seed "
        f"{ENGINE_SEED}), each run in a fresh process: *cold* = empty embedding and term "
        "caches, *warm* = a re-run on the same caches. Peak RSS per stage: a 20 ms sampling "
        "thread and the kernel's high-water mark, reset at each stage. Machine: "
        f"{os.cpu_count()} CPUs, shared with other jobs while measured (times are upper "
        f"bounds); measured at {result['commit']} ({result['date']}).",
        "",
    ]
    for r in runs:
        if r.get("error"):
            lines += [f"**{r['label']} run failed**: {r['error']}", ""]
    if not ok:
        return "\n".join(lines) + "\n"
    first = ok[0]
    verdict = all(r["peak_rss_mb"] < MEMORY_BOUND_MB for r in ok)
    lines += [
        f"Result: {first['talks']:,} talks -> {first['topics']} topics "
        f"({first['subtopics']} sub-topics), {first['terms']:,} terms with memberships, "
        f"{100 * first['other_share']:.1f} % of talks in *other*; AMI of the primary topics "
        f"against the generating themes {first['ami']:.2f}; embedder {first['embedder']}.",
        "",
        "Memory bound of the topic-engine issue (peak RSS < 2 GB): "
        + ("**met**" if verdict else "**exceeded**")
        + " ("
        + ", ".join(f"{r['label']} {r['peak_rss_mb']:,.0f} MB" for r in ok)
        + ").",
        "",
        "| stage | " + " | ".join(f"{r['label']} s | {r['label']} peak MB" for r in ok) + " |",
        "|---|" + "---:|---:|" * len(ok),
    ]
    names = list(dict.fromkeys(s["stage"] for r in ok for s in r["stages"]))
    for name in names:
        if name in ("start", "end"):
            continue
        cells = []
        for r in ok:
            stage = next((s for s in r["stages"] if s["stage"] == name), None)
            cells += (
                [f"{stage['seconds']:.1f}", f"{stage['peak_rss_mb']:,.0f}"] if stage else ["–"] * 2
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(
        "| **whole run** | "
        + " | ".join(f"**{r['wall_seconds']:.1f}** | **{r['peak_rss_mb']:,.0f}**" for r in ok)
        + " |"
    )
    if not all(r.get("hwm_resettable") for r in ok):
        lines += ["", "(The kernel's peak mark could not be reset here; stage peaks are sampled.)"]
    lines.append("")
    return "\n".join(lines) + "\n"


def _git_commit() -> str:
    import subprocess

    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_scale.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--talks", type=int, default=TALKS, help="corpus size (default 20000)")
    parser.add_argument("--seed", type=int, default=SEED, help="generator seed (default 7)")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm-cache re-run")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    with tempfile.TemporaryDirectory(prefix="talktopics-scale-") as tmp:
        start = time.perf_counter()
        corpus = write_corpus(Path(tmp), args.talks, args.seed)
        generate_seconds = time.perf_counter() - start
        cache = Path(tmp) / "cache"
        runs = []
        for label in ("cold", "warm")[: 1 if args.no_warm else 2]:
            logger.info("scale: %s run on %d talks", label, args.talks)
            runs.append(_isolated(str(corpus), str(cache), label))
            logger.info(
                "scale: %s run: %s s, peak %s MB",
                label,
                runs[-1].get("wall_seconds"),
                runs[-1].get("peak_rss_mb"),
            )
        result = {
            "talks": args.talks,
            "seed": args.seed,
            "corpus_mb": corpus.stat().st_size / 1e6,
            "generate_seconds": generate_seconds,
            "memory_bound_mb": MEMORY_BOUND_MB,
            "commit": _git_commit(),
            "date": dt.date.today().isoformat(),
            "runs": runs,
        }
    text = render_markdown(result)
    if args.no_write:
        print(text)
    else:
        write_section(SECTION, text)
        write_json(SECTION, result)
        logger.info("wrote the %s section of bench/RESULTS.md", SECTION)
    failed = any(r.get("error") for r in runs)
    over = any(r.get("peak_rss_mb", 0) >= MEMORY_BOUND_MB for r in runs)
    if over:
        logger.warning("peak RSS above the %d MB bound of the topic-engine issue", MEMORY_BOUND_MB)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
