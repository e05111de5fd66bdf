"""Label quality of the engine's top-level topics on the labelled bench sets (seed 1).

Per set: median coverage (share of a topic's talks holding a label term), median precision
(share of the talks holding a label term that are in the topic), whether all labels are
unique, and the median cosine (MiniLM) between a topic's label and the name of its majority
gold track, beside an oracle (the topic's best-matching term found in >= 2 of its talks) and
a floor (a random such term). Writes the "Label quality" section of bench/RESULTS.md and
bench/results/topic_labels_quality.json (``--no-write``: print the Markdown instead).

    PYTHONPATH=src python bench/topic_labels_quality.py --datasets ep2022,ep2023
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_md import git_commit, write_json, write_section
from topic_datasets import DATASETS, BenchSet, load_dataset
from topic_embeddings import make_embedder

SECTION = "topic_labels_quality"
TARGETS = {"coverage": 0.5, "precision": 0.5}
"""Issue targets: median coverage and median precision per set, every label unique."""


def label_parts(label: str) -> list[str]:
    """The terms of a label: "A", "A & B" or "Mixed: A, B"."""
    return [p.strip() for p in re.split(r" & |, ", label.removeprefix("Mixed: ")) if p.strip()]


def set_row(bench_set: BenchSet, seed: int = 1) -> dict[str, object]:
    """Label metrics of one set (see the module docstring)."""
    from talktopics.config import TopicConfig
    from talktopics.nlp import extract_terms
    from talktopics.topics import TopicModel

    embedder = make_embedder()
    terms = extract_terms(bench_set.talks)
    model = TopicModel(TopicConfig(seed=seed), embedder=embedder).fit(bench_set.talks, terms)
    present = sp.csc_matrix((sp.csr_matrix(terms.counts) > 0).astype(np.float64))
    columns = collections.defaultdict(list)
    for j, d in enumerate(terms.display):
        columns[d.casefold()].append(j)
    row = {t.id: i for i, t in enumerate(bench_set.talks)}
    rng = np.random.default_rng(0)
    cov, prec, sims, oracle, floor = [], [], [], [], []
    for topic in model.topics_:
        inside = np.zeros(len(bench_set.talks), dtype=bool)
        inside[[row[i] for i in topic.talk_ids]] = True
        has = np.zeros_like(inside)
        for part in label_parts(topic.label):
            for j in columns.get(part.casefold(), []):
                has |= present[:, j].toarray().ravel() > 0
        cov.append((has & inside).sum() / inside.sum())
        prec.append((has & inside).sum() / max(int(has.sum()), 1))
        gold = [bench_set.gold[i] for i in np.flatnonzero(inside) if bench_set.gold[i]]
        if not gold:
            continue
        track = collections.Counter(gold).most_common(1)[0][0]
        tp = np.asarray(present[inside].sum(axis=0)).ravel()
        cand = [terms.display[j] for j in np.flatnonzero(tp >= 2).tolist()]
        vecs = np.asarray(embedder.embed([track, topic.label, *cand]), dtype=np.float64)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        sims.append(float(vecs[1] @ vecs[0]))
        if cand:
            s = vecs[2:] @ vecs[0]
            oracle.append(float(s.max()))
            floor.append(float(s[rng.integers(len(cand))]))
    labels = [t.label.casefold() for t in model.topics_]
    return {
        "set": bench_set.title + (" (tuned)" if bench_set.tuned else " (unseen)"),
        "topics": len(labels),
        "coverage": float(np.median(cov)) if cov else 0.0,
        "precision": float(np.median(prec)) if prec else 0.0,
        "unique": len(set(labels)) == len(labels),
        "track": float(np.median(sims)) if sims else 0.0,
        "oracle": float(np.median(oracle)) if oracle else 0.0,
        "floor": float(np.median(floor)) if floor else 0.0,
        "labels": "; ".join(t.label for t in model.topics_),
    }


def render_markdown(rows: Sequence[dict[str, object]], commit: str) -> str:
    """The RESULTS.md section: one row per set, then each set's labels."""
    lines = [
        "## Label quality",
        "",
        "Written by `bench/topic_labels_quality.py` (raw numbers: "
        "`bench/results/topic_labels_quality.json`). The engine's top-level topics with its "
        "defaults, seed 1. *coverage*: median over topics of the share of a topic's talks whose "
        "terms hold a label term; *precision*: median share of the talks holding a label term "
        "that are in the topic; *unique*: no two labels alike. On the gold track of each "
        "topic's majority: *label~track* = median cosine (MiniLM) of the label to the track "
        "name; *oracle* = the topic's best-matching term found in >= 2 of its talks; *floor* = "
        "a random such term. Targets: median coverage >= 0.5, median precision >= 0.5, "
        "every label unique.",
        "",
        "| set | topics | coverage | precision | unique | label~track | oracle | floor | targets |",
        "|---|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in rows:
        met = (
            float(str(r["coverage"])) >= TARGETS["coverage"]
            and float(str(r["precision"])) >= TARGETS["precision"]
            and bool(r["unique"])
        )
        lines.append(
            f"| {r['set']} | {r['topics']} | {float(str(r['coverage'])):.2f} | "
            f"{float(str(r['precision'])):.2f} | {'yes' if r['unique'] else 'NO'} | "
            f"{float(str(r['track'])):.2f} | {float(str(r['oracle'])):.2f} | "
            f"{float(str(r['floor'])):.2f} | {'met' if met else 'missed'} |"
        )
    lines += ["", "Labels (seed 1):", ""]
    lines += [f"- {r['set']}: {r['labels']}" for r in rows]
    lines += ["", f"Measured at {commit}."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(k for k in DATASETS if k != "bbc"))
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args(argv)
    rows = []
    for key in args.datasets.split(","):
        rows.append(set_row(load_dataset(key)))
        print(json.dumps(rows[-1]), flush=True)
    commit = git_commit()
    markdown = render_markdown(rows, commit)
    if args.no_write:
        print(markdown)
    else:
        write_section(SECTION, markdown)
        write_json(SECTION, {"commit": commit, "sets": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
