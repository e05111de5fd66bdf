"""The topic stage that stays in one process (word graph, Infomap, memberships, labels) at
20,000 and 100,000 talks, on precomputed vectors.

No text and no model: each size is a synthetic corpus built in a fresh child process —
``n / 200`` latent topics, a vocabulary of 30,000 terms (each tied to a topic, Zipf
frequencies), 8 sentences of 5 term occurrences per talk (70 % from the talk's topic), and
384-d unit vectors (topic centroid + noise) for talks and terms served by a lookup embedder.
:func:`talktopics.topics.fit.run_fit` then runs on the given term table; the child reports
its stage times (the model's own laps) and its peak RSS (``ru_maxrss``, the synthetic data
included).

Usage::

    python bench/graph_scale.py [--sizes 20000,100000] [--no-write]

Writes ``bench/results/graph_scale.json`` and the ``graph_scale`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_md import write_json, write_section

__all__ = ["main", "synthetic_corpus"]

DIM = 384
VOCABULARY = 30_000
SENTENCES_PER_TALK = 8
TERMS_PER_SENTENCE = 5


class LookupEmbedder:
    """Vectors of synthetic texts: ``talk <i> z<topic>`` and term forms ``w<j>z<topic>``."""

    name = "synthetic-lookup"
    dim = DIM

    def __init__(self, centroids: np.ndarray, seed: int = 0) -> None:
        self.centroids = centroids
        self.seed = seed

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            match = re.search(r"(\d+)\D*z(\d+)", text)
            ident, topic = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
            noise = np.random.default_rng([self.seed, ident, len(text)]).normal(size=DIM)
            out[row] = self.centroids[topic] + 0.09 * noise
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


def synthetic_corpus(n: int, seed: int = 0) -> tuple[Any, Any, LookupEmbedder]:
    """Talks, their term table and an embedder for ``n`` synthetic talks."""
    from scipy import sparse

    from talktopics.records import Talk, TermTable

    rng = np.random.default_rng(seed)
    k = max(10, n // 200)
    term_topic = np.arange(VOCABULARY) % k
    zipf = 1.0 / np.arange(1, VOCABULARY + 1) ** 0.9
    by_topic = [np.flatnonzero(term_topic == z) for z in range(k)]
    talk_topic = rng.integers(0, k, size=n)
    per_talk = SENTENCES_PER_TALK * TERMS_PER_SENTENCE
    own = rng.random((n, per_talk)) < 0.7
    glob = rng.choice(VOCABULARY, size=(n, per_talk), p=zipf / zipf.sum())
    cols = glob.copy()
    for z in range(k):
        rows = np.flatnonzero(talk_topic == z)
        weights = zipf[: len(by_topic[z])] / zipf[: len(by_topic[z])].sum()
        pick = by_topic[z][rng.choice(len(by_topic[z]), size=(len(rows), per_talk), p=weights)]
        cols[rows] = np.where(own[rows], pick, glob[rows])
    talks = tuple(Talk(id=f"t{i}", title=f"talk {i} z{talk_topic[i]}") for i in range(n))
    talk_rows = np.repeat(np.arange(n), per_talk)
    sentence_rows = np.repeat(np.arange(n * SENTENCES_PER_TALK), TERMS_PER_SENTENCE)
    ones = np.ones(talk_rows.size, dtype=np.int32)
    counts = sparse.csr_matrix((ones, (talk_rows, cols.ravel())), shape=(n, VOCABULARY))
    counts.sum_duplicates()
    sentence_counts = sparse.csr_matrix(
        (ones, (sentence_rows, cols.ravel())), shape=(n * SENTENCES_PER_TALK, VOCABULARY)
    )
    sentence_counts.sum_duplicates()
    sentence_counts.data[:] = 1
    table = TermTable(
        talk_ids=tuple(t.id for t in talks),
        terms=tuple(f"w{j}z{term_topic[j]}" for j in range(VOCABULARY)),
        display=tuple(f"w{j}z{term_topic[j]}" for j in range(VOCABULARY)),
        counts=counts,
        languages=tuple(("en",) for _ in range(VOCABULARY)),
        sentence_counts=sentence_counts,
        sentence_talk=tuple(int(i) for i in np.repeat(np.arange(n), SENTENCES_PER_TALK)),
    )
    centroids = rng.normal(size=(k, DIM))
    return talks, table, LookupEmbedder(centroids, seed)


def _child(n: int) -> dict[str, Any]:
    from talktopics.config import TopicConfig
    from talktopics.topics.fit import run_fit

    start = time.perf_counter()
    talks, table, embedder = synthetic_corpus(n)
    built = time.perf_counter() - start
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, cpu = time.perf_counter(), time.process_time()
    fitted = run_fit(talks, TopicConfig(), embedder=embedder, terms=table)  # type: ignore[arg-type]
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "talks": n,
        "build_s": round(built, 1),
        "fit_s": round(total, 1),
        "fit_cpu_s": round(cpu, 1),
        "laps": dict(fitted.info.timings),
        "topics": len(fitted.topics),
        "terms": fitted.info.n_terms,
        "rss_after_data_mb": round(rss_data),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child)))
        return
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True
        )
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            rows.append({"talks": n, "error": done.stderr.strip().splitlines()[-1:]})
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    body = _table(rows)
    print(body)
    if not args.no_write:
        write_json("graph_scale", rows)
        write_section("graph_scale", body)


def _table(rows: list[dict[str, Any]]) -> str:
    steps = ("terms", "embed_talks", "embed_terms", "word_graph", "infomap")
    steps += ("distributions", "memberships", "labels")
    lines = [
        "## Word graph and Infomap at 20k and 100k talks (one process)",
        "",
        "`bench/graph_scale.py`: synthetic term tables and precomputed 384-d vectors (no text, "
        "no model), `run_fit` on them in a fresh process per size; seconds per step as the "
        "model times them (wall clock), the process's CPU seconds for the whole fit, peak RSS "
        "of the process (synthetic data included). Shared 2-core "
        "machine under heavy load (wall seconds inflated several-fold): read the CPU column "
        "and the growth from 20k to 100k.",
        "",
        "| talks | topics | graph terms | "
        + " | ".join(steps)
        + " | fit total | fit CPU | peak RSS |",
        "|" + "---:|" * (len(steps) + 6),
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['talks']:,} | failed: {r['error']} |")
            continue
        laps = [f"{r['laps'].get(s, 0.0):.1f}" for s in steps]
        lines.append(
            f"| {r['talks']:,} | {r['topics']} | {r['terms']:,} | " + " | ".join(laps) + " | "
            f"{r['fit_s']:.1f} s | {r['fit_cpu_s']:.1f} s | {r['peak_rss_mb']:,} MB |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
