"""ROUGE of our extractive summaries next to Lead-k and sumy's LexRank and TextRank.

Two data sets, both from ``../shared``:

* **BBC News Summary** (``benchmarks/bbc-news-summary``: 2225 articles, each with a reference
  extractive summary). A fixed sample — the first ``--per-category`` articles (files
  ``001`` ...) of each of the 5 categories — is summarised from the article body (the title
  line is left out) with ``k = 3`` sentences and with ``k =`` the reference's sentence count.
* **Talk descriptions vs their authors' abstracts**: talks from four programmes (read with
  ``talktopics.ingest.read_talks``) whose abstract is not part of the description; the
  description is summarised with 1 and 2 sentences, the abstract is the reference. The talks
  are halved by id hash: ``--split dev`` was used to choose the defaults, ``test`` is
  reported.

Methods, all on the *same* sentences (``clean_markup`` + ``split_sentences(..., "en")``, so
only the choice of sentences differs):

* ``lead``: the first k sentences; ``random``: k at random (seeded), in text order;
* ``word-overlap``: PageRank on TextRank's word-overlap graph alone (shared content words
  over the sum of the log lengths, no sentence's overlap with itself), the k most central —
  the strongest simple method measured;
* ``sumy-lexrank`` / ``sumy-textrank``: sumy 0.13 (tf-idf / word-overlap sentence graphs,
  English Snowball stemmer and stop words), given a tokenizer built on our splitter because
  sumy's default needs NLTK's punkt data, which cannot be downloaded here;
* ``ours``: :func:`talktopics.summaries.summarize_talks` with the default configuration and
  all-MiniLM-L6-v2 (its on-disk cache); the variants change one option against it:
  ``ours-prior`` a position prior of 0.5, ``ours-blend`` half embeddings' cosine in the
  sentence graph, ``ours-mmr`` MMR with lambda 0.7, ``ours-embeddings-only`` no word overlap;
  ``ours-before`` the former defaults (all three); ``ours-centrality-only`` ranks by
  centrality alone (``central_sharpness=0``: no weighing by the words a central sentence
  brings); ``ours-use`` the multilingual USE embedder (not run by default).

ROUGE: ``rouge-score`` 0.1.2 (Google; Apache-2.0, an sdist that builds into a pure Python
wheel) with its Porter stemmer, F1: ROUGE-1/2 and summary-level ROUGE-Lsum (sentences on their
own lines) — the scale the issue states its figures on. The former scorer, the ``rouge``
package 1.0.1 (pltrdy; lower-cased ``\\w+`` tokens, n-grams counted with repetition, no
stemming), is kept as a second pair of columns (``R-1/R-2 nostem``). The BBC reference files
join sentences without a space after the full stop; they are split back at every
``.``/``!``/``?`` whose following text starts a sentence of the article.

Writes the section "Summaries (ROUGE)" of bench/RESULTS.md and bench/results/summaries.json.

Usage::

    python bench/bench_summaries.py [--per-category 100] [--seed 42] [--split test]
        [--methods lead,ours,...] [--no-talks] [--no-write]
"""

from __future__ import annotations

import argparse
import functools
import logging
import math
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from talktopics.config import SummaryConfig
from talktopics.records import Talk
from talktopics.summaries import clean_markup, split_sentences

logger = logging.getLogger("bench.summaries")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "benchmarks" / "bbc-news-summary"
CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")
SECTION = "summaries"
METHODS = (
    "lead",
    "random",
    "sumy-lexrank",
    "sumy-textrank",
    "word-overlap",
    "ours",
    "ours-prior",
    "ours-blend",
    "ours-mmr",
    "ours-before",
    "ours-embeddings-only",
    "ours-centrality-only",
)


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    """``category/NNN``."""
    category: str
    title: str
    body: str
    sentences: tuple[str, ...]
    """The body's sentences, as every method sees them."""
    reference: tuple[str, ...]
    """Reference summary, split back into sentences."""


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # one file holds a Latin-1 pound sign
        return data.decode("latin-1")


def split_reference(summary: str, article: str) -> tuple[str, ...]:
    """Split a reference summary (sentences glued without spaces) back into sentences.

    A boundary is a ``.``, ``!`` or ``?`` (with closing quotes) after which the next 20
    characters occur in the article right after whitespace, i.e. start a sentence there.
    """
    text = summary.strip()
    cuts: list[int] = []
    for match in re.finditer(r"[.!?](['\"’”]*)", text):
        # The quotes after the stop may close this sentence or open the next one.
        for end in range(match.start() + 1, match.end() + 1):
            head = text[end : end + 20]
            if end < len(text) and re.search(r"(?:^|\s)" + re.escape(head), article):
                cuts.append(end)
                break
    parts: list[str] = []
    start = 0
    for cut in cuts:
        piece = text[start:cut].strip()
        if piece:
            parts.append(piece)
        start = cut
    rest = text[start:].strip()
    if rest:
        parts.append(rest)
    return tuple(parts)


def load_sample(data: Path = DATA, *, per_category: int = 100) -> list[Article]:
    """The first ``per_category`` articles (files ``001.txt`` ...) of every category."""
    articles: list[Article] = []
    for category in CATEGORIES:
        folder = data / "News Articles" / category
        for name in sorted(p.name for p in folder.glob("*.txt"))[:per_category]:
            raw = _read(folder / name)
            title, _, body = raw.strip().partition("\n")
            body = body.strip()
            summary = _read(data / "Summaries" / category / name)
            articles.append(
                Article(
                    id=f"{category}/{name[:-4]}",
                    category=category,
                    title=title.strip(),
                    body=body,
                    sentences=tuple(split_sentences(clean_markup(body), "en")),
                    reference=split_reference(summary, body),
                )
            )
    return articles


TALK_SOURCES = (
    "corpora/pyconde-www/pycon-de-2018/talks.json",
    "corpora/pretalx/europython-2023-api/pretalx_schedule_response_20230714.testdata.json",
    "corpora/pretalx/juliacon-2023/talks.json",
    "corpora/pretalx/pycon-au-2024/schedule.json",
)


def load_talk_pairs(split: str = "test") -> list[Article]:
    """Talks whose author wrote both an abstract and a longer description: the description is
    summarised, the abstract is the reference. ``split`` "dev" or "test" (halves by id hash).
    """
    import hashlib

    from talktopics.ingest import read_talks

    corpus = read_talks([SHARED / p for p in TALK_SOURCES])
    pairs: list[Article] = []
    for talk in corpus.talks:
        abstract, description = talk.abstract.strip(), talk.description.strip()
        if len(abstract) < 80 or len(description) < 400 or abstract[:60] in description:
            continue
        half = "dev" if hashlib.sha1(talk.id.encode()).digest()[0] % 2 == 0 else "test"
        if half != split:
            continue
        sentences = tuple(split_sentences(clean_markup(description), "en"))
        reference = tuple(split_sentences(clean_markup(abstract), "en"))
        if len(sentences) < 4 or not reference:
            continue
        pairs.append(
            Article(
                id=talk.id,
                category=talk.conference or "talks",
                title=talk.title,
                body=description,
                sentences=sentences,
                reference=reference,
            )
        )
    return sorted(pairs, key=lambda a: a.id)


# --- ROUGE ----------------------------------------------------------------------------------


def _normalise(sentences: Sequence[str]) -> str:
    """Lower-cased word tokens, sentences separated by `` . `` (what the rouge package wants)."""
    parts = [" ".join(re.findall(r"\w+", s.lower())) for s in sentences]
    return " . ".join(p for p in parts if p)


@functools.cache
def _scorer() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)


def rouge_scores(hypothesis: Sequence[str], reference: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/Lsum F1 of one summary with rouge-score and stemming (the primary figures),
    and ROUGE-1/2 of the ``rouge`` package without stemming (``*-nostem``); 0 for an empty
    summary."""
    from rouge import Rouge

    scores = {"rouge-1": 0.0, "rouge-2": 0.0, "rouge-l": 0.0}
    scores |= {"rouge-1-nostem": 0.0, "rouge-2-nostem": 0.0}
    if not any(s.strip() for s in hypothesis) or not any(s.strip() for s in reference):
        return scores
    stemmed = _scorer().score("\n".join(reference), "\n".join(hypothesis))
    scores["rouge-1"] = float(stemmed["rouge1"].fmeasure)
    scores["rouge-2"] = float(stemmed["rouge2"].fmeasure)
    scores["rouge-l"] = float(stemmed["rougeLsum"].fmeasure)
    hyp, ref = _normalise(hypothesis), _normalise(reference)
    if hyp and ref:
        # N-grams counted with repetition (clipped), as ROUGE-1.5.5 does.
        counted = Rouge(metrics=["rouge-1", "rouge-2"], exclusive=False).get_scores(hyp, ref)[0]
        scores["rouge-1-nostem"] = float(counted["rouge-1"]["f"])
        scores["rouge-2-nostem"] = float(counted["rouge-2"]["f"])
    return scores


# --- methods --------------------------------------------------------------------------------


class _MemoEmbedder:
    """Keeps every vector in memory, so the variants of our method embed each sentence once."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.memo: dict[str, np.ndarray] = {}
        self.seconds = 0.0
        self.embedded = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if todo:
            start = time.perf_counter()
            vectors = self.inner.embed(todo)
            self.seconds += time.perf_counter() - start
            self.embedded += len(todo)
            self.memo.update(zip(todo, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.memo[t] for t in texts])


class _Tokenizer:
    """sumy tokenizer on our splitter (sumy's default needs NLTK punkt data)."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(clean_markup(paragraph), "en"))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(re.findall(r"\w+(?:['’]\w+)?", sentence))


def _sumy(kind: str) -> Callable[[Article, int], list[str]]:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    summarizer = (LexRankSummarizer if kind == "lexrank" else TextRankSummarizer)(
        Stemmer("english")
    )
    summarizer.stop_words = get_stop_words("english")
    tokenizer = _Tokenizer()

    def run(article: Article, k: int) -> list[str]:
        # One paragraph per article sentence: sumy sees exactly the sentences the others see.
        parser = PlaintextParser.from_string("\n\n".join(article.sentences), tokenizer)
        return [str(s) for s in summarizer(parser.document, k)]

    return run


def _word_overlap(article: Article, k: int) -> list[str]:
    """The k most central sentences by PageRank on TextRank's word-overlap graph (shared
    content words over the sum of the log lengths; no overlap of a sentence with itself), in
    text order: no candidate filter, no back-reference rule, no
    near-duplicate rule — what the rules of readable summaries cost is ``ours`` minus this."""
    from talktopics.summaries import rank_sentences, word_overlap

    sentences = list(article.sentences)
    if len(sentences) <= k:
        return sentences
    scores = rank_sentences(word_overlap(sentences, language="en", scaling="log"))
    return [sentences[i] for i in sorted(np.argsort(-scores, kind="stable")[:k])]


def _lead(article: Article, k: int) -> list[str]:
    return list(article.sentences[:k])


def _random(seed: int) -> Callable[[Article, int], list[str]]:
    def run(article: Article, k: int) -> list[str]:
        rng = random.Random(f"{seed}:{article.id}")
        n = len(article.sentences)
        picked = sorted(rng.sample(range(n), min(k, n)))
        return [article.sentences[i] for i in picked]

    return run


def _ours(
    embedder: Any, config: SummaryConfig
) -> Callable[[Sequence[Article], Sequence[int]], list[list[str]]]:
    from talktopics.summaries import summarize_talks

    def run(articles: Sequence[Article], ks: Sequence[int]) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for k in sorted(set(ks)):
            group = [a for a, n in zip(articles, ks, strict=True) if n == k]
            talks = [Talk(id=a.id, title=a.title, description=a.body, language="en") for a in group]
            summaries = summarize_talks(
                talks, embedder=embedder, config=replace(config, talk_sentences=k)
            )
            out.update({tid: list(s.sentences) for tid, s in summaries.items()})
        return [out[a.id] for a in articles]

    return run


# --- the run --------------------------------------------------------------------------------


def _mean_ci(values: Sequence[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    half = 1.96 * statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0
    return mean, half


def evaluate(
    articles: Sequence[Article],
    settings: dict[str, list[int]],
    embedders: dict[str, _MemoEmbedder],
    *,
    seed: int = 42,
    methods: Sequence[str] = METHODS,
) -> dict[str, Any]:
    """Run every method in every setting; per-method mean ROUGE F1, 95 % CI and runtime."""
    single: dict[str, Callable[[Article, int], list[str]]] = {
        "lead": _lead,
        "random": _random(seed),
        "word-overlap": _word_overlap,
    }
    batch = {
        "ours": lambda: _ours(embedders["minilm"], SummaryConfig()),
        "ours-prior": lambda: _ours(embedders["minilm"], SummaryConfig(position_prior=0.5)),
        "ours-blend": lambda: _ours(embedders["minilm"], SummaryConfig(lexical_weight=0.5)),
        "ours-mmr": lambda: _ours(embedders["minilm"], SummaryConfig(mmr_lambda=0.7)),
        "ours-before": lambda: _ours(
            embedders["minilm"],
            SummaryConfig(lexical_weight=0.5, position_prior=0.5, mmr_lambda=0.7),
        ),
        "ours-embeddings-only": lambda: _ours(
            embedders["minilm"], SummaryConfig(lexical_weight=0.0)
        ),
        "ours-centrality-only": lambda: _ours(
            embedders["minilm"], SummaryConfig(central_sharpness=0.0)
        ),
        "ours-use": lambda: _ours(embedders["use"], SummaryConfig()),
    }
    results: dict[str, Any] = {}
    for setting, ks in settings.items():
        table: dict[str, Any] = {}
        for method in methods:
            start, cpu = time.perf_counter(), time.process_time()
            if method in single or method.startswith("sumy-"):
                per_article = single.get(method) or _sumy(method.removeprefix("sumy-"))
                outputs = [per_article(a, k) for a, k in zip(articles, ks, strict=True)]
            else:
                outputs = batch[method]()(articles, ks)
            seconds = time.perf_counter() - start
            cpu_ms = 1000 * (time.process_time() - cpu) / max(len(articles), 1)
            scores = [rouge_scores(o, a.reference) for o, a in zip(outputs, articles, strict=True)]
            row: dict[str, Any] = {"seconds": round(seconds, 2), "cpu_ms": round(cpu_ms, 1)}
            for metric in ("rouge-1", "rouge-2", "rouge-l", "rouge-1-nostem", "rouge-2-nostem"):
                mean, half = _mean_ci([s[metric] for s in scores])
                row[metric] = round(mean, 4)
                row[f"{metric}-ci95"] = round(half, 4)
            row["_rouge-2"] = [s["rouge-2"] for s in scores]  # for paired comparisons
            row["sentences"] = round(statistics.fmean(len(o) for o in outputs), 2)
            row["words"] = round(
                statistics.fmean(sum(len(x.split()) for x in o) for o in outputs), 1
            )
            categories = sorted({a.category for a in articles})
            row["rouge-2_by_category"] = {
                c: round(
                    statistics.fmean(
                        s["rouge-2"]
                        for s, a in zip(scores, articles, strict=True)
                        if a.category == c
                    ),
                    4,
                )
                for c in categories
            }
            table[method] = row
            logger.info(
                "%s %-20s R1 %.3f R2 %.3f RL %.3f  %.1f s",
                setting,
                method,
                row["rouge-1"],
                row["rouge-2"],
                row["rouge-l"],
                seconds,
            )
        results[setting] = table
    return results


def _table(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for setting, table in results.items():
        lines += [
            f"*{setting}*",
            "",
            "| method | ROUGE-1 | ROUGE-2 | ROUGE-Lsum | R-1/R-2 nostem | words | seconds "
            "| CPU ms/doc |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        best = {m: max(row[m] for row in table.values()) for m in ("rouge-1", "rouge-2", "rouge-l")}
        for method, row in table.items():
            cells = []
            for m in ("rouge-1", "rouge-2", "rouge-l"):
                cell = f"{row[m]:.3f} ± {row[m + '-ci95']:.3f}"
                cells.append(f"**{cell}**" if row[m] == best[m] else cell)
            old = f"{100 * row['rouge-1-nostem']:.1f}/{100 * row['rouge-2-nostem']:.1f}"
            lines.append(
                f"| {method} | {' | '.join(cells)} | {old} | {row['words']:.0f} "
                f"| {row['seconds']:.1f} | {row.get('cpu_ms', 0.0):.1f} |"
            )
        lines.append("")
    return lines


def _markdown(data: dict[str, Any]) -> str:
    meta = data["meta"]
    bbc, talks = data["bbc"], data.get("talks")
    lines = [
        "## Summaries (ROUGE)",
        "",
        "ROUGE F1, mean ± 95 % CI half-width over documents; the best mean in bold. ROUGE with "
        "`rouge-score` 0.1.2 and its Porter stemmer (ROUGE-1, ROUGE-2, summary-level "
        "ROUGE-Lsum); *nostem* = the former scorer, the `rouge` package 1.0.1 without stemming "
        "(lower-cased word tokens, n-grams counted with repetition), as R-1/R-2 × 100. "
        "Every method picks from the same sentences (our `split_sentences`) and returns the "
        "same number of them; *words* is the mean summary length; *CPU ms/doc* is this "
        "process's CPU time per document (for `ours`: cleaning, splitting and ranking). "
        "sumy 0.13 runs with a "
        "tokenizer built on our splitter (its default needs NLTK punkt data, not available "
        "offline). `ours` = `summarize_talks` with the default `SummaryConfig` and "
        "all-MiniLM-L6-v2; `-prior` sets `position_prior=0.5`, `-blend` `lexical_weight=0.5`, "
        "`-mmr` `mmr_lambda=0.7`, `-embeddings-only` `lexical_weight=0`, `-centrality-only` "
        "`central_sharpness=0` (centrality alone, no weighing by words), `-use` uses the "
        "multilingual USE embedder. *word-overlap* = PageRank on TextRank's similarity "
        "(shared content words over the sum of log lengths, no self-overlap), the k most "
        "central, no rules. "
        f"Run: {meta['seconds_total']:.0f} s in all on 2 shared CPU cores "
        "(`python bench/bench_summaries.py`).",
        "",
        f"**BBC News Summary** — {bbc['articles']} articles ({meta['per_category']} per "
        f"category, seed {meta['seed']}); {bbc['article_sentences']:.1f} sentences per article, "
        f"references keep {bbc['reference_sentences']:.1f} ({bbc['reference_words']:.0f} words).",
        "",
        *_table(bbc["results"]),
    ]
    if talks:
        lines += [
            f"**Talk descriptions vs their authors' abstracts** — {talks['articles']} talks "
            "(PyCon DE 2018, EuroPython 2023, JuliaCon 2023, PyCon AU 2024: every talk with an "
            "abstract of 80+ characters that is not part of its 400+ character description; the "
            f"`test` half by id hash, the defaults were tuned on the other half). "
            f"{talks['article_sentences']:.1f} sentences per description, abstracts have "
            f"{talks['reference_sentences']:.1f}. The abstract is written, not extracted, so "
            "scores are low for every method; the comparison is what counts.",
            "",
            *_table(talks["results"]),
        ]
    emb = {k: v for k, v in data.get("embedding", {}).items() if v.get("sentences")}
    if not emb:
        lines += [
            "The default `ours` embeds no sentence (word overlap only; near-duplicates by shared "
            "words): its seconds are ranking, cleaning and splitting.",
            "",
        ]
    else:
        parts = [
            f"{v['model']}: {v['sentences']} sentences in {v['seconds']:.1f} s "
            f"({v['sentences_per_second']} /s)"
            for v in emb.values()
        ]
        lines += [
            "Seconds of the first `ours` row of each embedder include embedding "
            f"({'; '.join(parts)}); later rows reuse the vectors.",
            "",
        ]
    lines += _findings(data)
    return "\n".join(lines).rstrip() + "\n"


def _public(value: Any) -> Any:
    """``value`` without the per-document lists (keys starting with ``_``)."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not str(k).startswith("_")}
    return value


def _against_best_baseline(results: dict[str, Any]) -> str:
    """Where our default stands against the best baseline in each setting."""
    baselines = ("lead", "random", "sumy-lexrank", "sumy-textrank", "word-overlap")
    parts = []
    for setting, table in results.items():
        if "ours" not in table:
            continue
        best = max((m for m in baselines if m in table), key=lambda m: table[m]["rouge-2"])
        diffs = [
            a - b for a, b in zip(table["ours"]["_rouge-2"], table[best]["_rouge-2"], strict=True)
        ]
        delta, half = _mean_ci(diffs)
        verdict = "a tie" if abs(delta) < half else ("better" if delta > 0 else "worse")
        parts.append(
            f"{setting}: {delta:+.3f} ± {half:.3f} ROUGE-2 against the best baseline "
            f"({best}; paired 95 % interval) — {verdict}"
        )
    return "; ".join(parts)


def _findings(data: dict[str, Any]) -> list[str]:
    """What the tables say, computed from them (so the text never goes stale)."""

    def r2(dataset: str, setting: str, method: str) -> float:
        return float(data[dataset]["results"][setting][method]["rouge-2"])

    def has(dataset: str, setting: str, *methods: str) -> bool:
        table = data.get(dataset, {}).get("results", {}).get(setting, {})
        return all(m in table for m in methods)

    out = ["Findings:", ""]
    k3, k1, k2 = "k = 3 sentences", "k = 1 sentence", "k = 2 sentences"
    variants = {
        "ours-prior": "a position prior of 0.5",
        "ours-blend": "half embeddings' cosine in the sentence graph",
        "ours-mmr": "MMR with lambda 0.7",
        "ours-before": "the former defaults (all three)",
        "ours-embeddings-only": "embeddings alone",
        "ours-centrality-only": "centrality alone (no weighing by words)",
    }
    for name, what in variants.items():
        if has("bbc", k3, "ours", name):
            deltas = [f"BBC k = 3 {r2('bbc', k3, name) - r2('bbc', k3, 'ours'):+.3f}"]
            if has("talks", k1, "ours", name) and has("talks", k2, "ours", name):
                deltas += [
                    f"talks k = 1 {r2('talks', k1, name) - r2('talks', k1, 'ours'):+.3f}",
                    f"talks k = 2 {r2('talks', k2, name) - r2('talks', k2, 'ours'):+.3f}",
                ]
            out.append(f"- {what} changes ROUGE-2 by {', '.join(deltas)} against the default.")
    if has("bbc", k3, "sumy-textrank", "ours"):
        tr, ours = r2("bbc", k3, "sumy-textrank"), r2("bbc", k3, "ours")
        out.append(
            f"- BBC, k = 3: ours {ours:.3f} vs sumy's TextRank {tr:.3f}. The default ranks by "
            "centrality on the cosine of the sentences' content-word sets (no overlap of a "
            "sentence with itself), weighs each sentence by the words it brings where it is "
            "clearly central (`central_content`), with no position prior and no MMR; a "
            "sentence that refers back and the one before it are one unit, picked together "
            "by their mean score or not at all."
        )
    if data.get("talks"):
        out.append(f"- Talks: {_against_best_baseline(data['talks']['results'])}.")
    if any(v.get("sentences") for v in data.get("embedding", {}).values()):
        out.append(
            "- Time goes into embedding sentences (throughput above, measured while other jobs "
            "shared the 2 cores; the idle machine does 200–290 sentences/s with MiniLM); "
            "ranking and MMR take a few milliseconds per document (the `seconds` of the later "
            "`ours` rows). `summarize_talks` embeds all talks' sentences in one batch."
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench_summaries.py", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--per-category", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--split", default="test", choices=("dev", "test"))
    parser.add_argument("--no-talks", action="store_true", help="BBC only")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    args = parser.parse_args(argv)
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S"
        )
    if not DATA.exists():
        logger.error("%s is missing: the BBC News Summary data sits in ../shared", DATA)
        return 1
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        parser.error(f"unknown method(s) {unknown}; known: {', '.join(METHODS)}")
    from talktopics.embed import MultilingualUSEEmbedder, SentenceTransformerEmbedder
    from talktopics.embed.cache import CachedEmbedder

    start = time.perf_counter()
    embedders: dict[str, _MemoEmbedder] = {}
    if any(m.startswith("ours") and m != "ours-use" for m in methods):
        embedders["minilm"] = _MemoEmbedder(CachedEmbedder(SentenceTransformerEmbedder()))
    if "ours-use" in methods:
        embedders["use"] = _MemoEmbedder(CachedEmbedder(MultilingualUSEEmbedder()))

    def describe(docs: Sequence[Article], results: dict[str, Any]) -> dict[str, Any]:
        return {
            "articles": len(docs),
            "article_sentences": statistics.fmean(len(a.sentences) for a in docs),
            "reference_sentences": statistics.fmean(len(a.reference) for a in docs),
            "reference_words": statistics.fmean(
                sum(len(s.split()) for s in a.reference) for a in docs
            ),
            "results": results,
        }

    articles = load_sample(per_category=args.per_category)
    settings = {
        "k = 3 sentences": [3] * len(articles),
        "k = the reference's sentence count": [max(1, len(a.reference)) for a in articles],
    }
    data: dict[str, Any] = {
        "bbc": describe(
            articles, evaluate(articles, settings, embedders, seed=args.seed, methods=methods)
        )
    }
    if not args.no_talks:
        pairs = load_talk_pairs(args.split)
        settings = {"k = 1 sentence": [1] * len(pairs), "k = 2 sentences": [2] * len(pairs)}
        data["talks"] = describe(
            pairs, evaluate(pairs, settings, embedders, seed=args.seed, methods=methods)
        )
        data["talks"]["split"] = args.split
    data["embedding"] = {
        key: {
            "model": memo.name,
            "sentences": memo.embedded,
            "seconds": round(memo.seconds, 2),
            "sentences_per_second": round(memo.embedded / memo.seconds) if memo.seconds else None,
        }
        for key, memo in embedders.items()
    }
    data["meta"] = {
        "per_category": args.per_category,
        "seed": args.seed,
        "config": {f: getattr(SummaryConfig(), f) for f in SummaryConfig.__dataclass_fields__},
        "seconds_total": round(time.perf_counter() - start, 1),
        "rouge": "rouge-score 0.1.2, use_stemmer=True, F1 (rouge1, rouge2, rougeLsum); "
        "nostem: rouge 1.0.1 (pltrdy), exclusive=False, lower-cased \\w+ tokens",
        "sumy": "sumy 0.13, English Snowball stemmer and stop words, our sentence splitter",
    }
    text = _markdown(data)
    print(text)
    if not args.no_write:
        from results_md import write_json, write_section

        write_section(SECTION, text)
        write_json(SECTION, _public(data))
    logger.info("done in %.0f s", data["meta"]["seconds_total"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
