"""Topic quality: our engine vs BERTopic and scikit-learn LDA on labelled talks and BBC News.

Usage::

    python bench/topics_quality.py [--datasets ep2022,bbc] [--seeds 5]
                                   [--methods ours,ours-k,bertopic,bertopic-kmeans,lda]
                                   [--no-write]

Each method runs in a fresh child process that fits every chosen set for every seed (imports
and JIT compilation are paid once per method; the peak-RSS mark is reset before each set, so
each set gets the method's own peak). The parent scores the fits: AMI and ARI of the primary
topic vs the gold label (NMI beside them), the omega index vs multi-label gold, NPMI coherence
and diversity of the top-10 terms, stability (mean pairwise ARI across seeds), the share of
talks in "other" / outliers, fit time (wall and CPU) and peak RSS. Results go to the "Topic
quality" section of bench/RESULTS.md and to bench/results/topics_quality.json; running a subset
updates only those entries, so the engine can be iterated on one set at a time.

Methods (every embedding-based method sees the same MiniLM document embeddings, made by
``talktopics.embed`` and cached under bench/.cache/):

* ``ours``: ``talktopics.topics.TopicModel`` with ``TopicConfig(seed=seed)``; candidate terms
  are extracted once per set with the term cache off (their time is added to every seed's).
* ``ours-k``: the same with ``target_topics`` = the number of gold labels (``--topics K``),
  i.e. given the same oracle K as the two baselines below.
* ``bertopic``: BERTopic's defaults (UMAP 15 neighbours / 5 dims / cosine, HDBSCAN
  min_cluster_size 10) with the UMAP seeded, plus an English stop-word CountVectorizer for the
  topic words (as BERTopic's docs advise; it does not change the clusters). It never loads an
  embedding model (``embedding_model=None`` + precomputed embeddings).
* ``bertopic-kmeans``: the same with ``KMeans(K = number of gold labels)`` instead of HDBSCAN.
* ``lda``: ``CountVectorizer(stop_words="english", min_df=2, max_df=0.95)`` +
  ``LatentDirichletAllocation(K = number of gold labels)``.
* ``infomap-10nn``: two-level Infomap (seeded, 10 trials) on the graph linking each talk to its
  10 nearest talks by cosine of the same embeddings (weight = cosine); no topic words.
* ``kmeans`` (not run by default): plain KMeans(K) on the embeddings; no topic words.

Covers for the omega index: a talk belongs to its primary topic and to every topic with at least
``TopicConfig().secondary_threshold`` of its distribution (ours: the talk distribution; LDA: the
document-topic distribution; BERTopic: ``approximate_distribution``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import math
import multiprocessing as mp
import os
import resource
import sys
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import topic_metrics as tm
from results_md import git_commit, write_json, write_section
from topic_datasets import DATASETS, BenchSet, load_dataset
from topic_embeddings import embed_docs, make_embedder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

logger = logging.getLogger("bench.topics_quality")

SECTION = "topics_quality"
METHODS = ("ours", "ours-k", "bertopic", "bertopic-kmeans", "lda", "infomap-10nn")
ALL_METHODS = (*METHODS, "kmeans")
DEFAULT_SEEDS = 5
OTHER = "other"
TOP_N = 10
EMBEDDING_METHODS = frozenset({"bertopic", "bertopic-kmeans", "kmeans", "infomap-10nn"})
KNN = 10


def _secondary_threshold() -> float:
    from talktopics.config import TopicConfig

    return float(TopicConfig().secondary_threshold)


@dataclass(slots=True, kw_only=True)
class SeedRun:
    """One fit of one method on one set, in the set's talk order."""

    seed: int
    primary: list[str]
    cover: list[list[str]]
    topics: list[list[str]]
    """Top terms of each topic (the other/outlier bucket excluded), best first."""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """CPU time of the process (all threads) during the fit: less sensitive to machine load."""


@dataclass(slots=True, kw_only=True)
class MethodRun:
    dataset: str
    method: str
    runs: list[SeedRun] = field(default_factory=list)
    peak_rss_mb: float = math.nan
    error: str | None = None
    note: str = ""


# --- methods (run in the child process) -------------------------------------------------------


def _cover(primary: str, dist: Sequence[tuple[str, float]], threshold: float) -> list[str]:
    topics = [primary] + [t for t, w in dist if w >= threshold and t != primary]
    return sorted(set(topics))


def _prepare(method: str, bench_set: BenchSet) -> tuple[Any, tuple[float, float]]:
    """What every seed of a method shares, and the (wall, CPU) seconds that count as fit time.

    Baselines share the cached document embeddings (input, not fit time). Ours shares the
    candidate terms (deterministic, extracted once; the extraction time is added to every
    seed's fit time) and the cached embedder.
    """
    if method in EMBEDDING_METHODS:
        return embed_docs(bench_set.docs)[0], (0.0, 0.0)
    if method in {"ours", "ours-k"}:
        from talktopics.config import TopicConfig
        from talktopics.nlp import extract_terms

        embedder = make_embedder()
        # The term cache is off: like the baselines' vectorizers, the terms are found anew.
        nlp_config = dataclasses.replace(TopicConfig().nlp, use_cache=False)
        start, cpu = time.perf_counter(), time.process_time()
        terms = extract_terms(bench_set.talks, nlp_config)
        return (terms, embedder), (time.perf_counter() - start, time.process_time() - cpu)
    return None, (0.0, 0.0)


def _fit_ours(bench_set: BenchSet, prepared: Any, seed: int, *, gold_k: bool) -> SeedRun:
    from talktopics.config import TopicConfig
    from talktopics.topics import TopicModel

    terms, embedder = prepared
    threshold = _secondary_threshold()
    config = TopicConfig(seed=seed, target_topics=bench_set.gold_k if gold_k else None)
    model = TopicModel(config, embedder=embedder).fit(bench_set.talks, terms)
    by_id = {tt.talk_id: tt for tt in model.talk_topics_}
    missing = [t.id for t in bench_set.talks if t.id not in by_id]
    if missing:
        raise RuntimeError(f"TopicModel.fit dropped {len(missing)} talks, e.g. {missing[:3]}")
    primary, cover = [], []
    for talk in bench_set.talks:
        tt = by_id[talk.id]
        primary.append(str(tt.primary))
        cover.append(_cover(str(tt.primary), tt.distribution, threshold))
    top_level = [t for t in model.topics_ if t.parent is None and t.id != OTHER]
    topics = [[term for term, _ in t.terms[:TOP_N]] for t in top_level]
    return SeedRun(seed=seed, primary=primary, cover=cover, topics=topics)


def _fit_bertopic(
    bench_set: BenchSet, emb: np.ndarray | None, seed: int, *, kmeans: bool
) -> SeedRun:
    from bertopic import BERTopic
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    assert emb is not None
    docs = list(bench_set.docs)
    umap_model = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed
    )
    kwargs: dict[str, Any] = {}
    if kmeans:
        kwargs["hdbscan_model"] = KMeans(n_clusters=bench_set.gold_k, random_state=seed, n_init=10)
    model = BERTopic(
        embedding_model=None,
        umap_model=umap_model,
        vectorizer_model=CountVectorizer(stop_words="english"),
        **kwargs,
    )
    labels, _ = model.fit_transform(docs, emb)
    ids = sorted({int(t) for t in labels if int(t) != -1})
    names = {t: f"t{t}" for t in ids} | {-1: OTHER}
    primary = [names[int(t)] for t in labels]
    topics = [[w for w, _ in (model.get_topic(t) or [])][:TOP_N] for t in ids]
    topics = [[w for w in words if w] for words in topics]
    if bench_set.gold_multi is not None and ids:
        threshold = _secondary_threshold()
        dist, _ = model.approximate_distribution(docs)
        dist = np.asarray(dist, dtype=float)
        cover = []
        for p, row in zip(primary, dist, strict=True):
            total = float(row.sum())
            weights = row / total if total > 0 else row
            pairs = [(names[t], float(weights[t])) for t in range(min(len(ids), weights.size))]
            cover.append(_cover(p, pairs, threshold))
    else:
        cover = [[p] for p in primary]
    return SeedRun(seed=seed, primary=primary, cover=cover, topics=topics)


def _fit_lda(bench_set: BenchSet, _emb: np.ndarray | None, seed: int) -> SeedRun:
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(stop_words="english", min_df=2, max_df=0.95)
    counts = vectorizer.fit_transform(bench_set.docs)
    lda = LatentDirichletAllocation(n_components=bench_set.gold_k, random_state=seed)
    doc_topic = lda.fit_transform(counts)
    vocab = vectorizer.get_feature_names_out()
    threshold = _secondary_threshold()
    primary, cover = [], []
    for row in doc_topic:
        best = int(np.argmax(row))
        primary.append(f"t{best}")
        dist = [(f"t{k}", float(w)) for k, w in enumerate(row)]
        cover.append(_cover(f"t{best}", dist, threshold))
    topics = [[str(vocab[i]) for i in np.argsort(-comp)[:TOP_N]] for comp in lda.components_]
    return SeedRun(seed=seed, primary=primary, cover=cover, topics=topics)


def _fit_kmeans(bench_set: BenchSet, emb: np.ndarray | None, seed: int) -> SeedRun:
    from sklearn.cluster import KMeans

    assert emb is not None
    labels = KMeans(n_clusters=bench_set.gold_k, random_state=seed, n_init=10).fit_predict(emb)
    primary = [f"t{int(k)}" for k in labels]
    return SeedRun(seed=seed, primary=primary, cover=[[p] for p in primary], topics=[])


def _fit_infomap_knn(bench_set: BenchSet, emb: np.ndarray | None, seed: int) -> SeedRun:
    """Infomap on the k-nearest-talk cosine graph (undirected, weight = cosine, floor 0)."""
    from infomap import Infomap

    assert emb is not None
    sims = emb @ emb.T
    np.fill_diagonal(sims, -np.inf)
    k = min(KNN, len(emb) - 1)
    im = Infomap(two_level=True, silent=True, seed=seed, num_trials=10)
    for i, row in enumerate(sims):
        for j in np.argsort(-row)[:k]:
            im.add_link(i, int(j), max(float(row[j]), 1e-6))
    im.run()
    modules = im.get_modules()
    primary = [f"t{modules.get(i, -1)}" for i in range(len(emb))]
    return SeedRun(seed=seed, primary=primary, cover=[[p] for p in primary], topics=[])


def _fit(method: str, bench_set: BenchSet, emb: Any, seed: int) -> SeedRun:
    if method == "ours":
        return _fit_ours(bench_set, emb, seed, gold_k=False)
    if method == "ours-k":
        return _fit_ours(bench_set, emb, seed, gold_k=True)
    if method == "bertopic":
        return _fit_bertopic(bench_set, emb, seed, kmeans=False)
    if method == "bertopic-kmeans":
        return _fit_bertopic(bench_set, emb, seed, kmeans=True)
    if method == "lda":
        return _fit_lda(bench_set, emb, seed)
    if method == "kmeans":
        return _fit_kmeans(bench_set, emb, seed)
    if method == "infomap-10nn":
        return _fit_infomap_knn(bench_set, emb, seed)
    raise ValueError(f"unknown method {method!r}; known: {', '.join(ALL_METHODS)}")


def _warm_imports(method: str) -> None:
    """Import a method's libraries before the clock starts (JIT compilation still counts)."""
    if method.startswith("bertopic"):
        import bertopic  # noqa: F401
        import umap  # noqa: F401
    elif method.startswith("ours"):
        import talktopics.topics  # noqa: F401
        from talktopics.nlp import extract_terms
        from talktopics.records import Talk

        # Load the spaCy pipelines once, outside the clock.
        extract_terms([Talk(id="warm-up", title="Warm-up", abstract="Python type hints.")])
    elif method == "infomap-10nn":
        import infomap  # noqa: F401
    else:
        import sklearn.cluster
        import sklearn.decomposition  # noqa: F401


def run_method(method: str, datasets: Sequence[str], seeds: Sequence[int]) -> list[MethodRun]:
    """Fit one method on each set for every seed (meant to run in a fresh child process).

    One process per method keeps the imports and JIT compilation to once per method; the
    peak-RSS mark is reset before each set so each set gets its own peak.
    """
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logger.setLevel(logging.INFO)
    results = []
    for dataset in datasets:
        _reset_peak_rss()
        result = MethodRun(dataset=dataset, method=method)
        try:
            bench_set = load_dataset(dataset)
            _warm_imports(method)
            prepared, (shared_wall, shared_cpu) = _prepare(method, bench_set)
            for seed in seeds[: bench_set.max_seeds]:
                start, cpu = time.perf_counter(), time.process_time()
                run = _fit(method, bench_set, prepared, seed)
                run.seconds = time.perf_counter() - start + shared_wall
                run.cpu_seconds = time.process_time() - cpu + shared_cpu
                result.runs.append(run)
                logger.info("  %s on %s, seed %d: %.1f s", method, dataset, seed, run.seconds)
            del prepared
        except Exception as exc:  # report, don't kill the whole benchmark
            result.error = f"{type(exc).__name__}: {exc}"
            logger.error("%s on %s failed:\n%s", method, dataset, traceback.format_exc())
        result.peak_rss_mb = peak_rss_mb()
        results.append(result)
    return results


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux ``/proc/self/clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB.

    Linux's ``VmHWM`` where available: ``getrusage``'s ``ru_maxrss`` survives ``exec``, so a
    spawned child would report at least its parent's size at fork time.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_isolated(method: str, datasets: Sequence[str], seeds: Sequence[int]) -> list[MethodRun]:
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(run_method, method, list(datasets), list(seeds)).result()


# --- scoring (parent process) -----------------------------------------------------------------


def score(
    bench_set: BenchSet,
    run: MethodRun,
    reference: tm.ReferenceCorpus,
    vectors: np.ndarray | None = None,
) -> dict[str, Any]:
    """Per-seed metrics and their mean/std for one method on one set.

    With the set's document ``vectors``, also the catch-all ratio (``tm.catch_all_ratio``).
    """
    per_seed: list[dict[str, float]] = []
    multi_idx = (
        [i for i, g in enumerate(bench_set.gold_multi) if g]
        if bench_set.gold_multi is not None
        else []
    )
    for r in run.runs:
        m: dict[str, float] = {
            "ami": tm.adjusted_mutual_info(bench_set.gold, r.primary),
            "ari": tm.adjusted_rand(bench_set.gold, r.primary),
            "nmi": tm.normalized_mutual_info(bench_set.gold, r.primary),
            "topics": float(len({p for p in r.primary if p != OTHER})),
            "other": tm.other_share(r.primary, OTHER),
            "seconds": r.seconds,
            "cpu_seconds": r.cpu_seconds,
        }
        if vectors is not None:
            m["catch"] = tm.catch_all_ratio(vectors, r.primary)
        if multi_idx:
            assert bench_set.gold_multi is not None
            m["omega"] = tm.omega_index(
                [bench_set.gold_multi[i] for i in multi_idx], [r.cover[i] for i in multi_idx]
            )
        if r.topics:
            m["npmi"] = tm.npmi_coherence(r.topics, reference, top_n=TOP_N)[0]
            m["diversity"] = tm.topic_diversity(r.topics, top_n=TOP_N)
        per_seed.append(m)
    keys = sorted({k for m in per_seed for k in m})
    summary = {k: list(tm.mean_std([m.get(k, math.nan) for m in per_seed])) for k in keys}
    return {
        "seeds": [r.seed for r in run.runs],
        "per_seed": per_seed,
        "summary": summary,
        "stability": tm.stability([r.primary for r in run.runs]),
        "peak_rss_mb": run.peak_rss_mb,
        "seconds_first": run.runs[0].seconds if run.runs else math.nan,
        "seconds_warm": _warm_seconds([r.seconds for r in run.runs]),
        "cpu_seconds_warm": _warm_seconds([r.cpu_seconds for r in run.runs]),
        "top_terms_first_seed": run.runs[0].topics if run.runs else [],
        "error": run.error,
    }


def _warm_seconds(seconds: Sequence[float]) -> float:
    """Median fit time of the seeds after the first (the first pays for JIT and caches)."""
    if not seconds:
        return math.nan
    rest = seconds[1:] or seconds
    return float(np.median(rest))


# --- report -----------------------------------------------------------------------------------


def _fmt(pair: Sequence[float] | None, digits: int = 3) -> str:
    if not pair or math.isnan(pair[0]):
        return "–"
    mean, std = pair
    if std < 0.5 * 10**-digits:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def _fmt_plain(value: float | None, fmt: str) -> str:
    return "–" if value is None or math.isnan(value) else format(value, fmt)


def _best_bold(methods: dict[str, Any], order: Sequence[str], metric: str) -> list[str]:
    """Mean of ``metric`` per method as table cells, the best one in bold."""
    values = [
        methods[m]["summary"].get(metric, [math.nan])[0]
        if m in methods and methods[m].get("summary")
        else math.nan
        for m in order
    ]
    valid = [v for v in values if not math.isnan(v)]
    best = max(valid) if valid else math.nan
    return [
        f"**{_fmt_plain(v, '.3f')}**" if valid and v == best else _fmt_plain(v, ".3f")
        for v in values
    ]


def _mean(methods: dict[str, Any], method: str, metric: str) -> float:
    summary = methods.get(method, {}).get("summary") or {}
    return float(summary.get(metric, [math.nan])[0])


def _verdicts(datasets: dict[str, Any], order: Sequence[str], metric: str, label: str) -> list[str]:
    """One line per engine variant: on which sets it beats the best baseline on ``metric``."""
    lines = []
    for ours in ("ours", "ours-k"):
        won, lost = [], []
        for key in order:
            methods = datasets[key]["methods"]
            mine = _mean(methods, ours, metric)
            rivals = [
                v
                for m in methods
                if not m.startswith("ours") and not math.isnan(v := _mean(methods, m, metric))
            ]
            if math.isnan(mine) or not rivals:
                continue
            (won if mine >= max(rivals) else lost).append(datasets[key]["title"])
        if won or lost:
            lines.append(
                f"`{ours}` beats the best baseline on {label} on {len(won)} of "
                f"{len(won) + len(lost)} sets" + (f"; not on: {', '.join(lost)}." if lost else ".")
            )
    return lines


def render_markdown(results: dict[str, Any]) -> str:
    """The "Topic quality" section from the merged JSON results."""
    lines = [
        "## Topic quality",
        "",
        "Written by `bench/topics_quality.py` (raw numbers: `bench/results/topics_quality.json`).",
        "Mean ± std over seeds (5; 3 on BBC News). **tuned** sets were used to choose the",
        "engine's defaults; the others are unseen.",
        "",
        "- AMI / ARI / NMI: primary topic vs the gold label, on the scored talks (NMI only beside",
        "  them: it is inflated by chance on ~100 talks). `ours-k`, `bertopic-kmeans` and `lda`",
        "  are given the number of gold labels K; `ours` and `bertopic` find their own count.",
        "- omega: omega index (Collins & Dent 1988) of the topic cover — primary topic plus every",
        "  topic above the secondary threshold — vs the multi-label domains; equals ARI for",
        "  partitions.",
        "- NPMI: mean pairwise NPMI of each topic's top-10 terms over the set's own documents",
        "  (document co-occurrence; -1 for pairs that never co-occur). diversity: share of",
        "  distinct terms among all top-10s.",
        "- stability: mean pairwise ARI of the primary topics across seeds. other: share of talks",
        "  in the other/outlier bucket (one cluster for AMI/ARI).",
        "- catch-all: coherence of the least coherent topic holding >= 10 % of the talks over the",
        "  median topic's (coherence = mean pairwise cosine of a topic's talks / the programme's);",
        "  below ~0.85 a big topic is a coherent core plus an unrelated tail.",
        "- wall / CPU s: median fit time of the seeds after the first (the first pays for JIT",
        "  compilation; it is in the JSON); CPU = process CPU time over all threads, less",
        "  sensitive to a shared machine's load than wall time. Document embeddings come from",
        "  the on-disk cache; ours includes its term extraction (done once, added to every seed).",
        "- RSS: peak RSS (VmHWM) of the child process that ran the method, imports included (one",
        "  process per method runs the sets in turn; the peak mark is reset before each set).",
        "",
    ]
    datasets = results.get("datasets", {})
    order = [k for k in DATASETS if k in datasets]
    methods_seen = [m for m in ALL_METHODS if any(m in datasets[k]["methods"] for k in order)]
    if order:
        lines += ["### Summary: AMI of the primary topic (mean over seeds)", ""]
        lines.append("| set | " + " | ".join(methods_seen) + " |")
        lines.append("|---|" + "---:|" * len(methods_seen))
        for key in order:
            d = datasets[key]
            tag = "tuned" if d["tuned"] else "unseen"
            cells = _best_bold(d["methods"], methods_seen, "ami")
            lines.append(f"| {d['title']} ({tag}) | " + " | ".join(cells) + " |")
        lines.append("")
        lines += _verdicts(datasets, order, "ami", "AMI")
        lines.append("")
    if "bbc" in datasets:
        d = datasets["bbc"]
        lines += [
            "### Summary: coherence on BBC News (top-10 terms)",
            "",
            "| metric | " + " | ".join(methods_seen) + " |",
            "|---|" + "---:|" * len(methods_seen),
        ]
        for metric, label in (("npmi", "NPMI"), ("diversity", "diversity")):
            cells = _best_bold(d["methods"], methods_seen, metric)
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines.append("")
        lines += _verdicts(datasets, ["bbc"], "npmi", "BBC NPMI")
        lines.append("")
    for key in order:
        d = datasets[key]
        tag = "**tuned** (used to choose defaults)" if d["tuned"] else "unseen"
        lines += [
            f"### {d['title']} — {tag}",
            "",
            f"{d['fitted']} talks fitted, {d['scored']} scored against {d['gold_k']} gold "
            f"labels ({d['gold_kind']}); talks read by {d['reader']}; embeddings: "
            f"{d.get('embeddings', '–')}.",
            "",
        ]
        has_omega = any("omega" in m.get("summary", {}) for m in d["methods"].values())
        head = ["method", "seeds", "topics", "AMI", "ARI", "NMI"]
        head += ["omega"] if has_omega else []
        head += ["NPMI", "diversity", "stability", "catch-all", "other", "wall s/seed"]
        head += ["CPU s/seed"]
        head += ["peak RSS MB"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|---|" + "---:|" * (len(head) - 1))
        commits = set()
        for method in ALL_METHODS:
            if method not in d["methods"]:
                continue
            r = d["methods"][method]
            load = r.get("loadavg")
            load_note = f", 1-min load average {load}" if load is not None else ""
            commits.add(f"{r.get('commit', '?')} ({r.get('date', '?')}{load_note})")
            if r.get("error") and not r.get("seeds"):
                lines.append(f"| {method} | failed: {r['error']} |" + " |" * (len(head) - 2))
                continue
            s = r["summary"]
            row = [
                method,
                str(len(r["seeds"])),
                _fmt(s.get("topics"), 1),
                _fmt(s.get("ami")),
                _fmt(s.get("ari")),
                _fmt(s.get("nmi")),
            ]
            row += [_fmt(s.get("omega"))] if has_omega else []
            row += [
                _fmt(s.get("npmi")),
                _fmt(s.get("diversity")),
                _fmt_plain(r.get("stability"), ".3f"),
                _fmt(s.get("catch"), 2),
                _fmt(s.get("other"), 2),
                _fmt_plain(r.get("seconds_warm"), ".1f"),
                _fmt_plain(r.get("cpu_seconds_warm"), ".1f"),
                _fmt_plain(r.get("peak_rss_mb"), ".0f"),
            ]
            lines.append("| " + " | ".join(row) + " |")
        lines += ["", "Measured at " + "; ".join(sorted(commits)) + ".", ""]
    lines += [
        "Gold labels: talks without a track are dropped; catch-all and format tracks",
        '(EuroPython "~None of the above", "Sponsor", "Posters", "Keynotes", "Events",',
        '"TBD - Multiple Tracks"; JuliaCon\'s catch-all "JuliaCon" track and "Pre-recorded',
        'Talks") are fitted but not scored; JuliaCon breaks are dropped. PyCon.DE 2018: gold =',
        "first listed domain, omega vs all domains; 2019: gold = track, omega vs domains (a",
        'second row scores 2019 against the first domain). EuroPython 2014 "Other" and PyCon AU',
        '2024 "Main Conference" are fitted but not scored. PyCon.DE 2017: the schedule\'s tags',
        "joined to the pyvideo texts by title; gold = first tag, omega vs all tags. The",
        '"all tracks" rows score every track, catch-alls included. Not used: PyCon FR 2024/2025',
        "(no tracks) and rc3 2020 (tracks are broadcast channels).",
    ]
    return "\n".join(lines) + "\n"


def _load_previous(path: Path) -> dict[str, Any]:
    import json

    if not path.exists():
        return {"datasets": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and "datasets" in data else {"datasets": {}}
    except (OSError, ValueError):
        return {"datasets": {}}


def _parse_list(value: str, known: Sequence[str], what: str) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in items if v not in known]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown {what}: {', '.join(unknown)}; known: {', '.join(known)}"
        )
    return items


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="topics_quality.py", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument(
        "--datasets",
        type=lambda v: _parse_list(v, list(DATASETS), "dataset"),
        default=list(DATASETS),
        help=f"comma-separated, from: {', '.join(DATASETS)} (default: all)",
    )
    parser.add_argument(
        "--methods",
        type=lambda v: _parse_list(v, ALL_METHODS, "method"),
        default=list(METHODS),
        help=f"comma-separated, from: {', '.join(ALL_METHODS)} (default: {','.join(METHODS)})",
    )
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS, help="number of seeds")
    parser.add_argument(
        "--no-write",
        action="store_true",
        help="print the tables only; leave RESULTS.md and the JSON alone",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns a process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    if args.seeds < 1:
        logger.error("--seeds must be >= 1, got %d", args.seeds)
        return 2
    seeds = list(range(1, args.seeds + 1))  # Infomap seeds start at 1
    json_path = Path(__file__).resolve().parent / "results" / f"{SECTION}.json"
    results = _load_previous(json_path)
    commit, date = git_commit(), dt.date.today().isoformat()
    load = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None
    failures = 0
    sets: dict[str, BenchSet] = {}
    vectors: dict[str, np.ndarray] = {}
    for key in args.datasets:
        bench_set = sets[key] = load_dataset(key)
        emb_note = "–"
        if EMBEDDING_METHODS & set(args.methods) or {"ours", "ours-k"} & set(args.methods):
            start = time.perf_counter()
            vectors[key], emb_note = embed_docs(bench_set.docs)
            logger.info("%s: embeddings ready in %.1f s", key, time.perf_counter() - start)
        entry = results["datasets"].setdefault(key, {"methods": {}})
        entry.update(
            title=bench_set.title,
            tuned=bench_set.tuned,
            fitted=len(bench_set.talks),
            scored=bench_set.scored,
            gold_k=bench_set.gold_k,
            gold_kind=bench_set.gold_kind,
            reader=bench_set.reader,
            embeddings=emb_note,
        )
    references = {key: tm.ReferenceCorpus.from_texts(s.docs) for key, s in sets.items()}
    for method in args.methods:
        logger.info("%s: %s × %d seeds ...", method, ",".join(sets), len(seeds))
        for run in _run_isolated(method, list(sets), seeds):
            key = run.dataset
            entry = results["datasets"][key]
            if run.error:
                failures += 1
                logger.error("%s on %s: %s", method, key, run.error)
                if not run.runs:
                    entry["methods"][method] = {
                        "error": run.error,
                        "seeds": [],
                        "commit": commit,
                        "date": date,
                    }
                    continue
            scored = score(sets[key], run, references[key], vectors.get(key))
            scored.update(commit=commit, date=date, loadavg=load)
            entry["methods"][method] = scored
            s = scored["summary"]
            logger.info(
                "%s %s: AMI %s ARI %s topics %s NPMI %s (%.1f s/seed, %.0f MB)",
                key,
                method,
                _fmt(s.get("ami")),
                _fmt(s.get("ari")),
                _fmt(s.get("topics"), 1),
                _fmt(s.get("npmi")),
                scored["seconds_warm"],
                run.peak_rss_mb,
            )
    markdown = render_markdown(results)
    if args.no_write:
        print(markdown)
    else:
        write_section(SECTION, markdown)
        path = write_json(SECTION, results)
        logger.info("wrote the Topic quality section of bench/RESULTS.md and %s", path.name)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
