"""Topic-quality metrics: labels and covers in, plain floats out.

Every function here is pure and small, so the benchmark's numbers can be checked by hand
(``tests/test_bench_metrics.py``). Conventions:

* A *partition* is one hashable cluster id per item (the primary topic; the "other" bucket or
  BERTopic's ``-1`` outliers count as one cluster of their own, like any other id).
* A *cover* is one set of cluster ids per item (overlapping clusters; an item may have none).
* Gold entries that are ``None`` mean "not scored" and drop that item from label metrics.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ReferenceCorpus",
    "adjusted_mutual_info",
    "adjusted_rand",
    "catch_all_ratio",
    "mean_std",
    "normalized_mutual_info",
    "npmi_coherence",
    "omega_index",
    "other_share",
    "scored_pairs",
    "stability",
    "tokenize",
    "topic_coherence",
    "topic_diversity",
]

_TOKEN = re.compile(r"\w[\w+#'.\-]*[\w+#]|\w", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; keeps names such as ``scikit-learn``, ``c++``, ``node.js``."""
    return _TOKEN.findall(text.casefold())


def scored_pairs(
    gold: Sequence[Hashable | None], pred: Sequence[Hashable]
) -> tuple[list[Hashable], list[Hashable]]:
    """Keep the items whose gold label is not ``None``.

    Raises:
        ValueError: the two sequences differ in length.
    """
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items but prediction has {len(pred)}")
    kept = [(g, p) for g, p in zip(gold, pred, strict=True) if g is not None]
    return [g for g, _ in kept], [p for _, p in kept]


def _as_codes(labels: Sequence[Hashable]) -> list[int]:
    """Map arbitrary hashable labels to ints (sklearn wants comparable, uniform labels)."""
    codes: dict[Hashable, int] = {}
    return [codes.setdefault(label, len(codes)) for label in labels]


def adjusted_mutual_info(gold: Sequence[Hashable | None], pred: Sequence[Hashable]) -> float:
    """AMI (arithmetic normalisation, as sklearn's default) on the scored items."""
    from sklearn.metrics import adjusted_mutual_info_score

    g, p = scored_pairs(gold, pred)
    return float(adjusted_mutual_info_score(_as_codes(g), _as_codes(p)))


def adjusted_rand(gold: Sequence[Hashable | None], pred: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) on the scored items."""
    from sklearn.metrics import adjusted_rand_score

    g, p = scored_pairs(gold, pred)
    return float(adjusted_rand_score(_as_codes(g), _as_codes(p)))


def normalized_mutual_info(gold: Sequence[Hashable | None], pred: Sequence[Hashable]) -> float:
    """NMI, not corrected for chance: reported only beside AMI (it is inflated on small sets)."""
    from sklearn.metrics import normalized_mutual_info_score

    g, p = scored_pairs(gold, pred)
    return float(normalized_mutual_info_score(_as_codes(g), _as_codes(p)))


def _pair_counts(cover: Sequence[Collection[Hashable]]) -> np.ndarray:
    """For every item pair i < j, the number of clusters that hold both items."""
    ids: dict[Hashable, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, clusters in enumerate(cover):
        for cluster in set(clusters):
            rows.append(i)
            cols.append(ids.setdefault(cluster, len(ids)))
    member = np.zeros((len(cover), max(len(ids), 1)), dtype=np.int32)
    member[rows, cols] = 1
    together = member @ member.T
    upper = np.triu_indices(len(cover), k=1)
    return np.asarray(together[upper])


def omega_index(
    cover_a: Sequence[Collection[Hashable]], cover_b: Sequence[Collection[Hashable]]
) -> float:
    """Omega index of two covers (Collins & Dent 1988; Murray, Wu & Zhang 2012).

    The chance-corrected share of item pairs that co-occur in the *same number* of clusters in
    both covers. For two partitions it equals the adjusted Rand index. 1 = identical covers,
    about 0 = chance agreement.

    Raises:
        ValueError: the covers differ in length or hold fewer than two items.
    """
    if len(cover_a) != len(cover_b):
        raise ValueError(f"covers differ in length: {len(cover_a)} vs {len(cover_b)}")
    if len(cover_a) < 2:
        raise ValueError(f"omega needs at least 2 items, got {len(cover_a)}")
    counts_a = _pair_counts(cover_a)
    counts_b = _pair_counts(cover_b)
    pairs = counts_a.size
    observed = float(np.mean(counts_a == counts_b))
    top = int(max(counts_a.max(), counts_b.max())) + 1
    freq_a = np.bincount(counts_a, minlength=top) / pairs
    freq_b = np.bincount(counts_b, minlength=top) / pairs
    expected = float(np.dot(freq_a, freq_b))
    if math.isclose(expected, 1.0):
        return 1.0 if math.isclose(observed, 1.0) else 0.0
    return (observed - expected) / (1.0 - expected)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceCorpus:
    """Tokenised documents used to count term (co-)occurrences for NPMI.

    Attributes:
        token_sets: the distinct tokens of each document.
        joined: each document's tokens joined by single spaces and padded with a space on both
            sides, for phrase (multi-word term) look-ups.
    """

    token_sets: tuple[frozenset[str], ...]
    joined: tuple[str, ...]

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> ReferenceCorpus:
        tokens = [tokenize(text) for text in texts]
        return cls(
            token_sets=tuple(frozenset(t) for t in tokens),
            joined=tuple(f" {' '.join(t)} " for t in tokens),
        )

    def __len__(self) -> int:
        return len(self.token_sets)

    def occurrences(self, term: str) -> np.ndarray:
        """Boolean vector: which documents contain the term (a phrase as a contiguous run)."""
        words = tokenize(term)
        out = np.zeros(len(self), dtype=bool)
        if not words:
            return out
        phrase = f" {' '.join(words)} "
        for i, token_set in enumerate(self.token_sets):
            if all(w in token_set for w in words):
                out[i] = len(words) == 1 or phrase in self.joined[i]
        return out


def npmi_coherence(
    topics: Sequence[Sequence[str]], reference: ReferenceCorpus, *, top_n: int = 10
) -> tuple[float, list[float]]:
    """NPMI coherence of each topic's top terms over the reference corpus's documents.

    For each pair of a topic's first ``top_n`` terms, NPMI (Bouma 2009) from boolean document
    co-occurrence: ``log(P(a,b) / (P(a) P(b))) / -log(P(a,b))``; a pair that never co-occurs
    (including a term absent from the reference) scores -1, a pair present in every document
    scores 1. A topic's coherence is the mean over its term pairs (as C_NPMI in Röder et al.
    2015 and OCTIS, but with documents as the co-occurrence window); the model's is the mean
    over topics with at least two terms.

    Returns:
        (model coherence, per-topic coherences); ``nan`` where no topic has two terms.
    """
    per_topic: list[float] = []
    cache: dict[str, np.ndarray] = {}
    n_docs = len(reference)
    for topic in topics:
        terms = list(dict.fromkeys(topic[:top_n]))
        if len(terms) < 2 or n_docs == 0:
            per_topic.append(math.nan)
            continue
        for term in terms:
            if term not in cache:
                cache[term] = reference.occurrences(term)
        scores = []
        for a, b in itertools.combinations(terms, 2):
            occ_a, occ_b = cache[a], cache[b]
            joint = float(np.count_nonzero(occ_a & occ_b)) / n_docs
            if joint == 0.0:
                scores.append(-1.0)
                continue
            if joint == 1.0:
                scores.append(1.0)
                continue
            p_a = float(np.count_nonzero(occ_a)) / n_docs
            p_b = float(np.count_nonzero(occ_b)) / n_docs
            scores.append(math.log(joint / (p_a * p_b)) / -math.log(joint))
        per_topic.append(float(np.mean(scores)))
    valid = [s for s in per_topic if not math.isnan(s)]
    return (float(np.mean(valid)) if valid else math.nan), per_topic


def topic_diversity(topics: Sequence[Sequence[str]], *, top_n: int = 10) -> float:
    """Share of distinct terms among all topics' top ``top_n`` terms (Dieng et al. 2020).

    1 = no topic shares a top term with another; ``nan`` when there are no terms.
    """
    tops = [term.casefold() for topic in topics for term in topic[:top_n]]
    return len(set(tops)) / len(tops) if tops else math.nan


def stability(partitions: Sequence[Sequence[Hashable]]) -> float:
    """Mean adjusted Rand index over all pairs of partitions of the same items (e.g. seeds).

    ``nan`` with fewer than two partitions.
    """
    from sklearn.metrics import adjusted_rand_score

    if len(partitions) < 2:
        return math.nan
    scores = [
        adjusted_rand_score(_as_codes(a), _as_codes(b))
        for a, b in itertools.combinations(partitions, 2)
    ]
    return float(np.mean(scores))


def topic_coherence(vectors: np.ndarray, primary: Sequence[Hashable]) -> dict[Hashable, float]:
    """Per topic of >= 2 items: mean pairwise cosine of its items / the corpus's mean one.

    ``vectors`` are unit rows. 1 = no tighter than the corpus as a whole.

    Raises:
        ValueError: lengths differ or fewer than two items.
    """
    if len(vectors) != len(primary):
        raise ValueError(f"{len(vectors)} vectors but {len(primary)} labels")
    n = len(primary)
    if n < 2:
        raise ValueError(f"coherence needs at least 2 items, got {n}")
    sims = np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors, dtype=np.float64).T
    corpus = (float(sims.sum()) - float(np.trace(sims))) / (n * (n - 1))
    out: dict[Hashable, float] = {}
    for topic in dict.fromkeys(primary):
        idx = [i for i, p in enumerate(primary) if p == topic]
        if len(idx) < 2:
            continue
        sub = sims[np.ix_(idx, idx)]
        mean = (float(sub.sum()) - float(np.trace(sub))) / (len(idx) * (len(idx) - 1))
        out[topic] = mean / corpus if corpus else math.nan
    return out


def catch_all_ratio(
    vectors: np.ndarray, primary: Sequence[Hashable], *, min_share: float = 0.1
) -> float:
    """Coherence of the least coherent topic holding >= ``min_share`` of the items, divided by
    the median topic coherence (``topic_coherence``). Below ~0.85: a big topic is a catch-all
    (a coherent core plus an unrelated tail). ``nan`` when no topic is that big.
    """
    coherence = topic_coherence(vectors, primary)
    if not coherence:
        return math.nan
    median = float(np.median(list(coherence.values())))
    sizes: dict[Hashable, int] = {}
    for p in primary:
        sizes[p] = sizes.get(p, 0) + 1
    big = [c for t, c in coherence.items() if sizes[t] >= min_share * len(primary)]
    return min(big) / median if big and median else math.nan


def other_share(primary: Sequence[Hashable], other: Hashable) -> float:
    """Share of items whose primary cluster is the ``other`` / outlier bucket."""
    if not primary:
        return math.nan
    return sum(1 for p in primary if p == other) / len(primary)


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Mean and population standard deviation, ignoring ``nan``; ``(nan, nan)`` when empty."""
    kept = [v for v in values if not math.isnan(v)]
    if not kept:
        return math.nan, math.nan
    return float(np.mean(kept)), float(np.std(kept))
