"""Seed stability of the topic partition and the CPU cost of the partition stage.

Usage::

    python bench/topics_stability.py [--datasets ep2022,ep2023] [--seeds 5] [--cost]
                                     [--no-write]

For each set the candidate terms and talk embeddings are made once (the engine's term cache,
the bench's embedding cache), then for every seed the partition stage runs —
``partition_with_fallback`` (Infomap) and ``topic_groups`` (giants opened, catch-alls split)
— followed by ``settle_topics``, whose primary topic per talk is what the quality bench
scores. Three partition rules:

* ``former``: Infomap's best of 10 trials with the run's seed (Infomap seeds trial *i* with
  ``seed + i``, so seeds 1-5 share most of their trials: the stability it shows is inflated);
* ``best-of-10``: the same with a disjoint block of trials per seed (the honest baseline);
* ``consensus``: the opt-in consensus rule (:mod:`talktopics.topics.consensus`,
  ``TopicConfig.consensus_max_talks``).

Reported per set and rule: AMI of the primary topic vs the gold label (mean of the seeds),
stability (mean pairwise ARI of the primary topics across seeds), topics, and the median CPU
seconds of the partition stage. The Infomap-10NN and BERTopic+KMeans rows are copied from the
quality bench's stored results (``bench/results/topics_quality.json``), as that bench prints
them. ``--cost`` times the partition stage on pyvideo EuroPython programmes (the last four
years, ~500 talks, and all years, 1,910 talks).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_md import git_commit, write_json, write_section
from topic_datasets import DATASETS, SHARED, load_dataset
from topic_embeddings import make_embedder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

logger = logging.getLogger("bench.topics_stability")

SECTION = "topics_stability"
RULES = ("former", "best-of-10", "consensus")
DEFAULT_SETS = (
    "ep2022",
    "ep2022-all",
    "ep2023",
    "ep2023-all",
    "juliacon2023",
    "pyconde2018",
    "pyconde2019",
    "pyconde2019-domain",
    "ep2014",
    "pyconde2017",
    "pyconau2024",
)
BASELINES = ("infomap-10nn", "bertopic-kmeans")
QUALITY_JSON = Path(__file__).resolve().parent / "results" / "topics_quality.json"


@contextlib.contextmanager
def partition_rule(rule: str) -> Iterator[None]:
    """Switch the engine's partition rule for the duration (bench only)."""
    from talktopics.topics import consensus

    saved_detect = consensus.detect_communities
    if rule == "best-of-10":

        def disjoint(*args: Any, seed: int, **kwargs: Any) -> Any:
            return saved_detect(*args, seed=consensus.trial_seeds(seed, 1)[0], **kwargs)

        consensus.detect_communities = disjoint  # type: ignore[assignment]
    try:
        yield
    finally:
        consensus.detect_communities = saved_detect  # type: ignore[assignment]


def prepare(talks: Sequence[Any], *, engine_embedder: bool = False) -> dict[str, Any]:
    """Terms (the engine's term cache) and talk vectors (the bench's embedding cache, or with
    ``engine_embedder`` the embedder and cache a digest run uses) of the talks."""
    from talktopics.config import TopicConfig
    from talktopics.nlp import extract_terms
    from talktopics.topics import fit
    from talktopics.topics.vocabulary import select_terms

    config = TopicConfig()
    talks = tuple(talks)
    terms = fit.prepare_terms(talks, extract_terms(talks, config.nlp), config, lambda _: None)
    embedder = fit.choose_embedder(talks, config) if engine_embedder else make_embedder()
    vectors = fit.embed_talks(talks, embedder, lambda _: None)
    counts, _, x = fit.weigh_terms(terms, select_terms(terms, config.graph))
    return {"counts": counts, "x": x, "vectors": vectors}


def partition_stage(prepared: dict[str, Any], seed: int, rule: str) -> tuple[list[int], float]:
    """Primary topic per talk (-1 = other) and the partition stage's CPU seconds."""
    from talktopics.config import TopicConfig
    from talktopics.topics import fit
    from talktopics.topics.distributions import settle_topics

    counts, x, vectors = prepared["counts"], prepared["x"], prepared["vectors"]
    start = time.process_time()
    from talktopics.topics.consensus import CONSENSUS_MAX_TALKS

    most = CONSENSUS_MAX_TALKS if rule == "consensus" else 0
    config = TopicConfig(seed=seed, consensus_max_talks=most)
    net = fit.partition_with_fallback(counts, x, vectors, config)
    groups = fit.topic_groups(net)
    cpu = time.process_time() - start
    settled = settle_topics(groups, fit.talk_node_links(vectors, x, net.config), net)
    return [int(v) for v in settled.primary], cpu


def score_rule(
    gold: Sequence[str | None], prepared: dict[str, Any], rule: str, seeds: Sequence[int]
) -> dict[str, Any]:
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

    scored = [i for i, g in enumerate(gold) if g is not None]
    runs, cpus = [], []
    with partition_rule(rule):
        for seed in seeds:
            primary, cpu = partition_stage(prepared, seed, rule)
            runs.append(primary)
            cpus.append(cpu)
    amis = [
        adjusted_mutual_info_score([gold[i] for i in scored], [p[i] for i in scored]) for p in runs
    ]
    pairs = [adjusted_rand_score(a, b) for a, b in itertools.combinations(runs, 2)]
    return {
        "ami": float(np.mean(amis)),
        "ami_std": float(np.std(amis)),
        "stability": float(np.mean(pairs)) if pairs else float("nan"),
        "topics": float(np.mean([len({v for v in p if v >= 0}) for p in runs])),
        "cpu": float(np.median(cpus)),
    }


def baselines() -> dict[str, dict[str, dict[str, float]]]:
    """AMI and stability of the baselines per set, as the quality bench stored them."""
    if not QUALITY_JSON.exists():
        return {}
    stored = json.loads(QUALITY_JSON.read_text(encoding="utf-8"))["datasets"]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for key, entry in stored.items():
        for method in BASELINES:
            run = entry.get("methods", {}).get(method)
            if run and run.get("summary", {}).get("ami"):
                out.setdefault(key, {})[method] = {
                    "ami": run["summary"]["ami"][0],
                    "stability": run["stability"],
                }
    return out


def pyvideo_talks(years: int | None) -> tuple[Any, ...]:
    """Talks of the pyvideo EuroPython folders (the last ``years``; None = all)."""
    from talktopics.ingest import read_talks

    paths = sorted((SHARED / "corpora" / "pyvideo").glob("europython-20*"))
    if years is not None:
        paths = paths[-years:]
    return tuple(read_talks(paths).talks)


def cost(seed: int = 42) -> list[dict[str, Any]]:
    """CPU seconds of the partition stage, former rule vs the engine's, on pyvideo EuroPython."""
    rows = []
    for years in (4, None):
        talks = pyvideo_talks(years)
        prepared = prepare(talks, engine_embedder=True)
        row: dict[str, Any] = {"talks": len(talks), "years": years or "all"}
        for rule in ("former", "consensus"):
            with partition_rule(rule):
                _, cpu = partition_stage(prepared, seed, rule)
            row[rule] = cpu
        rows.append(row)
        logger.info("cost: %s", row)
    return rows


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None or value != value else f"{value:.{digits}f}"


def render_markdown(results: dict[str, Any]) -> str:
    from talktopics.topics import consensus

    lines = [
        "## Seed stability of the partition (consensus of single trials)",
        "",
        "Written by `bench/topics_stability.py` (raw numbers: "
        "`bench/results/topics_stability.json`). Seeds 1-5; the same terms and embeddings for "
        "every row. stability = mean pairwise ARI of the primary topics across seeds; AMI vs "
        "the gold label, mean of the seeds. *former*: best of 10 Infomap trials with the run's "
        "seed (the blocks of seeds 1-5 overlap, so its stability is inflated); *best-of-10*: "
        "the same with a disjoint block per seed (the honest before); *consensus*: "
        f"{consensus.CONSENSUS_TRIALS} single trials (fewer where talks x trials would pass "
        f"{consensus.CONSENSUS_TRIAL_BUDGET:,}), their co-assignment partitioned by "
        "Lancichinetti & Fortunato's consensus clustering (rounds of "
        f"{consensus.CONSENSUS_ROUND_TRIALS} Infomap trials on the talk pairs that share a "
        f"module in at least {consensus.CONSENSUS_THRESHOLD:.0%} of the trials, until they "
        "agree; the threshold chosen on EuroPython 2022, tuned), up to "
        f"{consensus.CONSENSUS_MAX_TALKS:,} talks (opt-in: `TopicConfig.consensus_max_talks`; "
        "the default is still best of 10: the consensus's AMI is below the former rule's on "
        "the tuned set, and below it with `--topics K` on most sets). Infomap-10NN and "
        "BERTopic+KMeans(K) as the "
        "quality bench stored them. CPU = median CPU seconds of the partition stage "
        "(Infomap, giants opened, catch-alls split) per seed.",
        "",
        "| set | talks | AMI former | AMI best-of-10 | AMI consensus | stability former | "
        "stability best-of-10 | **stability consensus** | Infomap-10NN AMI / stab. | "
        "BERTopic+KMeans AMI / stab. | CPU s best-of-10 → consensus |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base = results.get("baselines", {})
    for key, entry in results["sets"].items():
        r = entry["rules"]
        b = base.get(key, {})
        cells = [
            f"{entry['title']} ({'tuned' if entry['tuned'] else 'unseen'})",
            str(entry["talks"]),
            *(_f(r[rule]["ami"]) for rule in RULES),
            *(_f(r[rule]["stability"]) for rule in RULES[:2]),
            f"**{_f(r['consensus']['stability'])}**",
            *(f"{_f(b[m]['ami'])} / {_f(b[m]['stability'])}" if m in b else "–" for m in BASELINES),
            f"{_f(r['best-of-10']['cpu'], 2)} → {_f(r['consensus']['cpu'], 2)}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if results.get("cost"):
        lines += [
            "",
            "Partition stage CPU seconds on pyvideo EuroPython (seed 42, one run):",
            "",
            "| programme | talks | former rule | engine's rule | ratio |",
            "|---|---:|---:|---:|---:|",
        ]
        for row in results["cost"]:
            ratio = row["consensus"] / row["former"] if row["former"] else float("nan")
            lines.append(
                f"| EuroPython, {row['years']} years | {row['talks']:,} | {row['former']:.2f} | "
                f"{row['consensus']:.2f} | {ratio:.1f}x |"
            )
    by_commit: dict[str, list[str]] = {}
    for entry in results["sets"].values():
        by_commit.setdefault(entry.get("commit", results["commit"]), []).append(entry["title"])
    where = "; ".join(f"{c} ({', '.join(titles)})" for c, titles in sorted(by_commit.items()))
    lines += ["", f"Measured on {results['date']} at {where}."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default=",".join(DEFAULT_SETS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--cost", action="store_true", help="also time pyvideo EuroPython")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    keys = [k for k in args.datasets.split(",") if k]
    unknown = [k for k in keys if k not in DATASETS]
    if unknown:
        parser.error(f"unknown datasets {unknown}; known: {', '.join(DATASETS)}")
    seeds = list(range(1, args.seeds + 1))
    json_path = Path(__file__).resolve().parent / "results" / f"{SECTION}.json"
    previous = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else {}
    # Sets (and the cost table) not run this time keep their stored numbers.
    results: dict[str, Any] = {
        "sets": previous.get("sets", {}),
        "baselines": baselines(),
        "commit": git_commit(),
        "date": dt.date.today().isoformat(),
    }
    for entry in results["sets"].values():
        entry.setdefault("commit", previous.get("commit", results["commit"]))
    if previous.get("cost"):
        results["cost"] = previous["cost"]
    prepared_by_talks: dict[tuple[str, ...], dict[str, Any]] = {}
    for key in keys:
        bench_set = load_dataset(key)
        ids = tuple(t.id for t in bench_set.talks)
        if ids not in prepared_by_talks:
            prepared_by_talks[ids] = prepare(bench_set.talks)
        prepared = prepared_by_talks[ids]
        rules = {rule: score_rule(bench_set.gold, prepared, rule, seeds) for rule in RULES}
        results["sets"][key] = {
            "commit": results["commit"],
            "title": bench_set.title,
            "tuned": bench_set.tuned,
            "talks": len(bench_set.talks),
            "rules": rules,
        }
        logger.info("%s: %s", key, json.dumps(rules))
    if args.cost:
        results["cost"] = cost()
    markdown = render_markdown(results)
    if args.no_write:
        print(markdown)
    else:
        write_section(SECTION, markdown)
        write_json(SECTION, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
