"""The ranking algorithm of the summaries, as pure functions: similarities in, scores or picks out.

* :func:`word_overlap` — sentence similarity by shared content words (cosine of the word
  sets, or TextRank's log-length scaling);
* :func:`rank_sentences` — centrality: LexRank (PageRank on the similarity graph) with a
  position prior;
* :func:`central_content` — a summary's use of each sentence: its length where it is surely
  among the central ones, little elsewhere;
* :func:`mmr_select` — maximal marginal relevance: relevant items unlike each other;
* :class:`CosineRows` — the rows of a similarity matrix that :func:`mmr_select` reads, each
  computed when it is read: memory linear in the number of items, never ``n x n``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from talktopics.nlp.lemmas import lemma_table
from talktopics.nlp.lexicon import stop_words

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "CosineRows",
    "SimilarityRows",
    "central_content",
    "content_words",
    "mmr_select",
    "rank_sentences",
    "word_overlap",
]

_STEM_CHARS = 5
_WORD = re.compile(r"\w+")


class SimilarityRows(Protocol):
    """What :func:`mmr_select` reads of a similarity matrix: row ``i`` as ``rows[i]`` (a full
    ``(n, n)`` array is one, :class:`CosineRows` another)."""

    def __getitem__(self, item: int, /) -> Any: ...


class CosineRows:
    """Row ``i`` of ``matrix @ matrix.T``, computed when it is read (``matrix @ matrix[i]``).

    :func:`mmr_select` reads one row per picked item, so a pick of ``k`` items out of ``n``
    costs ``k`` matrix-vector products and ``n`` floats of memory, where the full similarity
    matrix costs ``n x n`` (33,418 sentences of one topic: 8.9 GB of float64).

    Args:
        matrix: ``(n, d)`` row vectors (unit length for cosines); used as given, no copy.
    """

    def __init__(self, matrix: NDArray[np.floating]) -> None:
        self.matrix = matrix

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    def __getitem__(self, item: int, /) -> NDArray[np.float64]:
        return np.asarray(self.matrix @ self.matrix[item], dtype=np.float64)


def word_overlap(
    sentences: Sequence[str],
    *,
    language: str | None = None,
    bags: Sequence[set[str]] | None = None,
    scaling: Literal["cosine", "log"] = "cosine",
) -> NDArray[np.float64]:
    """Sentence similarity by shared content words (see :func:`content_words`).

    ``scaling`` "cosine": shared words over the geometric mean of the two sentences' word
    counts (the cosine of their word sets) — a long sentence is not central merely for being
    long (:func:`central_content` weighs length on its own); "log": TextRank's similarity,
    shared words over the sum of the log word counts.

    Args:
        sentences: The sentences.
        language: ISO 639-1 code for the stop words; None = en, de and ru together.
        bags: Their :func:`content_words` when the caller has them already.
        scaling: How the count of shared words is scaled, see above.

    Returns:
        ``(n, n)`` symmetric similarities scaled to a maximum of 1, zero diagonal.
    """
    bags = content_words(sentences, language) if bags is None else bags
    n = len(bags)
    sim = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(i + 1, n):
            sim[i, j] = sim[j, i] = len(bags[i] & bags[j])  # shared words
    if scaling == "cosine":
        sizes = np.array([math.sqrt(max(len(bag), 1)) for bag in bags], dtype=np.float64)
        sim /= np.outer(sizes, sizes)
    else:
        sizes = np.array([math.log(max(len(bag), 2)) for bag in bags], dtype=np.float64)
        sim /= np.add.outer(sizes, sizes)
    top = float(sim.max()) if n else 0.0
    return sim / top if top > 0 else sim


def content_words(sentences: Sequence[str], language: str | None = None) -> list[set[str]]:
    """The content words of each sentence, normalised so that forms of one word match.

    Lower-cased word tokens that are not stop words of the language (spaCy's lists), each
    replaced by its lookup lemma (spacy-lookups-data: English, German, Russian; "governments"
    -> "government", "said" -> "say"). Other languages (and None): each word cut to its
    first 5 characters, a crude stemmer ("packages"/"packaging").
    """
    stops = stop_words(language)
    lemmas = lemma_table(language)
    words = [[w for w in _WORD.findall(s.lower()) if w not in stops] for s in sentences]
    if not lemmas:
        return [{w[:_STEM_CHARS] for w in bag} for bag in words]
    return [{lemmas.get(w, w).lower() for w in bag} for bag in words]


def rank_sentences(
    similarity: NDArray[np.floating],
    *,
    positions: Sequence[int] | None = None,
    position_prior: float = 0.0,
    damping: float = 0.85,
) -> NDArray[np.float64]:
    """Centrality of sentences: LexRank (continuous) with a position prior.

    The graph has the positive similarities as edge weights (no self loops); the score is the
    stationary distribution of a random walk on it that jumps, with probability
    ``1 - damping``, to sentence ``i`` with probability proportional to
    ``(positions[i] + 1) ** -position_prior``. Solved exactly (a linear system), so the result
    is deterministic.

    Args:
        similarity: ``(n, n)`` sentence similarities (e.g. cosine of embeddings, blended with
            :func:`word_overlap`); negative values count as 0.
        positions: 0-based position of each sentence in its text; default ``range(n)``.
        position_prior: 0 = uniform jumps (plain LexRank).
        damping: Weight of the graph against the prior, in ``[0, 1)``.

    Returns:
        ``(n,)`` scores summing to 1; empty for no sentences.
    """
    n = int(similarity.shape[0])
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    pos = np.arange(n) if positions is None else np.asarray(positions, dtype=np.float64)
    prior = (pos + 1.0) ** -float(position_prior)
    prior = prior / prior.sum()
    if n == 1:
        return np.ones(1, dtype=np.float64)
    sim = np.clip(np.asarray(similarity, dtype=np.float64), 0.0, None)
    np.fill_diagonal(sim, 0.0)
    row_sums = sim.sum(axis=1, keepdims=True)
    # A sentence similar to nothing jumps by the prior (a dangling node).
    transition = np.where(row_sums > 0, sim / np.where(row_sums > 0, row_sums, 1.0), prior)
    # r = (1 - d) p + d T^T r   <=>   (I - d T^T) r = (1 - d) p
    system = np.eye(n) - damping * transition.T
    scores = np.linalg.solve(system, (1.0 - damping) * prior)
    scores = np.clip(scores, 0.0, None)
    total = float(scores.sum())
    return np.asarray(scores / total if total > 0 else prior, dtype=np.float64)


def central_content(
    centrality: NDArray[np.floating],
    words: Sequence[int],
    *,
    sharpness: float = 7.0,
    threshold: float = 0.1,
) -> NDArray[np.float64]:
    """What each sentence brings to a summary: its words, counted where it is surely central.

    ``words[i] * sigmoid(sharpness * (log(n * centrality[i]) - threshold))``: ``n *
    centrality`` is a sentence's centrality against the text's average sentence (1 =
    average), so a sentence well above ``exp(threshold)`` times the average counts with all
    its words, one well below with almost none. Among the sentences that are clearly central,
    the longer one says more; pure centrality would take a 9-word sentence a hair more
    central than a 30-word one.

    Args:
        centrality: ``(n,)`` scores summing to 1 (:func:`rank_sentences`).
        words: Each sentence's word count.
        sharpness: Slope of the logistic in log-centrality (0 would rank by length alone).
        threshold: Log of the centrality (times the average) at which half the words count.

    Returns:
        ``(n,)`` non-negative scores; ties of the transform are broken by centrality.
    """
    scores = np.asarray(centrality, dtype=np.float64)
    n = int(scores.shape[0])
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    relative = np.log(np.clip(scores * n, 1e-12, None))
    weight = 1.0 / (1.0 + np.exp(-sharpness * (relative - threshold)))
    length = np.asarray(words, dtype=np.float64)
    return np.asarray(length * weight + 1e-9 * scores, dtype=np.float64)


def mmr_select(
    relevance: NDArray[np.floating],
    similarity: SimilarityRows,
    k: int,
    *,
    mmr_lambda: float = 0.7,
    max_similarity: float = 1.0,
    groups: Sequence[str] | None = None,
    requires: Sequence[int | None] | None = None,
) -> list[int]:
    """Maximal marginal relevance: pick ``k`` items, relevant and unlike each other.

    Each step picks the item maximising
    ``mmr_lambda * relevance' - (1 - mmr_lambda) * max similarity to the picked items``,
    where ``relevance'`` is ``relevance`` scaled to a maximum of 1; an item that leans on
    others (``requires``) scores the mean over itself and them. Ties go to the earlier item.

    Args:
        relevance: ``(n,)`` scores, higher is better.
        similarity: ``(n, n)`` pairwise similarities (cosine), or anything that gives row
            ``i`` as ``similarity[i]`` (:class:`CosineRows`: only the rows of the picked
            items are ever read).
        k: How many to pick (fewer if there are fewer items).
        mmr_lambda: 1 = by relevance only; 0 = by novelty only.
        max_similarity: Items at least this similar to a picked one are never picked
            (near-duplicates), even if fewer than ``k`` items result; above 1 = off.
        groups: Optional group key per item; at most one item per group is picked.
        requires: Optional item each item must be picked with (the sentence a back-reference
            leans on): ``None`` = none, ``-1`` = never pick the item; ``i`` = pick item ``i``
            too (right before it), or neither when that would exceed ``k``. An item and the
            items it leans on are one unit, scored by their mean: chosen together or not at
            all.

    Returns:
        Indices of the picked items, in the order they were picked.
    """
    n = int(relevance.shape[0])
    if n == 0 or k <= 0:
        return []
    rel = np.asarray(relevance, dtype=np.float64)
    top = float(rel.max())
    rel = rel / top if top > 0 else rel
    available = np.ones(n, dtype=bool)
    max_sim = np.zeros(n, dtype=np.float64)
    picked: list[int] = []
    while len(picked) < k and available.any():
        score = np.where(available, mmr_lambda * rel - (1.0 - mmr_lambda) * max_sim, -np.inf)
        chains: dict[int, list[int]] = {}
        if requires is not None:
            score, chains = _unit_scores(score, requires, picked, k - len(picked))
        best = int(np.argmax(score))
        if score[best] == -np.inf:
            break  # nothing left that fits with what it leans on
        for item in chains.get(best, [best]):
            picked.append(item)
            available[item] = False
            if groups is not None:
                available &= np.asarray([g != groups[item] for g in groups])
            max_sim = np.maximum(max_sim, np.asarray(similarity[item], dtype=np.float64))
        available &= max_sim < max_similarity
    return picked


def _unit_scores(
    score: NDArray[np.float64], requires: Sequence[int | None], picked: Sequence[int], room: int
) -> tuple[NDArray[np.float64], dict[int, list[int]]]:
    """Each item's score as a unit with the not yet picked items it leans on: their mean
    score (``-inf`` when one of them can never be picked, is no longer available, or the unit
    does not fit in ``room``), and the units of the items that lean on others."""
    out = score.copy()
    chains: dict[int, list[int]] = {}
    for item in np.flatnonzero(np.isfinite(score)):
        chain = _with_requirements(int(item), requires, picked)
        if chain is None or len(chain) > room or not np.isfinite(score[chain]).all():
            out[item] = -np.inf
        elif len(chain) > 1:
            out[item] = float(score[chain].mean())
            chains[int(item)] = chain
    return out, chains


def _with_requirements(
    item: int, requires: Sequence[int | None] | None, picked: Sequence[int]
) -> list[int] | None:
    """``item`` preceded by the not yet picked items it requires (in reading order); None
    when one of them can never be picked."""
    chain = [item]
    current = item
    while requires is not None:
        needed = requires[current]
        if needed is None or needed in picked or needed in chain:
            break
        if needed < 0:
            return None
        chain.insert(0, needed)
        current = needed
    return chain
