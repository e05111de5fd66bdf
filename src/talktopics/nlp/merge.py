"""Cross-lingual merging of terms: a :class:`TermTable` and an embedder in, a merged table out.

Near-duplicate terms of different languages ("машинное обучение" / "machine learning") end up
in one column. :func:`merge_translations` is the strict form that term extraction uses: a
Russian, German or French word and its English equivalent ("модель" / "model", "Daten" /
"data") become one term under the English key.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from talktopics.nlp.wordclass import word_classes
from talktopics.records import TermTable

if TYPE_CHECKING:
    from talktopics.embed.protocol import Embedder

__all__ = ["merge_similar_terms", "merge_translations"]

logger = logging.getLogger(__name__)

_BLOCK_ROWS = 1024
"""Terms compared at a time (1024 x 20,000 float32 similarities = 80 MB)."""


def merge_similar_terms(
    table: TermTable, embedder: Embedder, *, threshold: float = 0.9, min_df: int = 2
) -> TermTable:
    """Merge near-duplicate terms of different languages into one column.

    "машинное обучение" and "machine learning" become one term when their embeddings have
    cosine >= ``threshold``. Only groups with disjoint language sets are merged (each term
    with its best such partner), and only an embedder that maps languages into one space
    (the multilingual backend) makes sense here. Same-language near-duplicates stay apart:
    they usually differ in meaning ("data science" / "data scientist"). The merged column
    keeps the key and display form of the member seen in more talks.

    Args:
        table: Output of :func:`extract_terms`.
        embedder: Embeds the terms' display forms.
        threshold: Cosine similarity needed to merge.
        min_df: Only terms in at least this many talks are compared (bounds the cost).

    Returns:
        A new table (the input is returned unchanged when nothing merges).
    """
    df = np.asarray((table.counts > 0).sum(axis=0)).ravel()
    langs = table.languages or tuple(() for _ in table.terms)
    cand = [j for j in range(len(table.terms)) if df[j] >= min_df and langs[j]]
    if len({lang for j in cand for lang in langs[j]}) < 2:
        return table
    vectors = embedder.embed([table.display[j] for j in cand])
    parent = list(range(len(table.terms)))

    def find(j: int) -> int:
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    # Languages of each group (by root): groups only merge when these are disjoint, so a
    # chain "selection" ~ "выбор" ~ "choice" cannot fuse two English terms.
    group_langs = {j: set(langs[j]) for j in cand}
    merged = 0
    for start in range(0, len(cand), _BLOCK_ROWS):
        sims = vectors[start : start + _BLOCK_ROWS] @ vectors.T
        for r in range(sims.shape[0]):
            a = cand[start + r]
            order = np.argsort(-sims[r], kind="stable")
            for c in order[:20]:
                b = cand[int(c)]
                if sims[r, c] < threshold:
                    break
                ra, rb = find(a), find(b)
                if ra == rb:
                    continue
                if group_langs[ra] & group_langs[rb]:
                    continue
                keep, drop = sorted((ra, rb), key=lambda j: (-df[j], table.terms[j]))
                parent[drop] = keep
                group_langs[keep] |= group_langs.pop(drop)
                merged += 1
                break
    if not merged:
        return table
    logger.info("merged %d cross-lingual near-duplicate terms", merged)
    return _merge_columns(table, [find(j) for j in range(len(table.terms))])


def _translation_candidates(table: TermTable) -> tuple[list[int], dict[str, list[int]]]:
    """English single-word terms, and the other languages' single-word terms by language.

    Only lower-case keys of letters alone: product names keep their casing, and compounds
    ("python-файл", "GPU-Aufwand") are not one concept with their parts. A term seen in English
    text counts as English.
    """
    english: list[int] = []
    others: dict[str, list[int]] = {}
    for j, (key, langs) in enumerate(zip(table.terms, table.languages, strict=True)):
        if " " in key or not langs or key != key.lower() or not key.isalpha():
            continue
        if "en" in langs:
            if key.isascii():
                english.append(j)
        else:
            others.setdefault(langs[0], []).append(j)
    return english, others


def merge_translations(
    table: TermTable,
    embedder: Embedder,
    *,
    threshold: float = 0.87,
    cache_dir: Path | None = None,
) -> TermTable:
    """Merge each non-English single-word term into its English equivalent.

    A Russian, German or French word and an English word become one column when they are
    each other's nearest neighbour (cosine of the embedder's vectors) among the words of the
    other language and of the same word class (:func:`talktopics.nlp.wordclass.word_classes`),
    with cosine >= ``threshold``. Two English terms never merge, nor two terms of one
    language; phrases and product names stay as they are. The merged column keeps the English
    key and display form.

    Args:
        table: Output of :func:`talktopics.nlp.extract_terms` (languages per term needed).
        embedder: A multilingual embedder (one space for all languages).
        threshold: Cosine similarity needed to merge.
        cache_dir: Folder of the word classes' cache; None = no cache.

    Returns:
        A new table in sorted key order (the input itself when nothing merges).
    """
    if not table.languages:
        return table
    english, others = _translation_candidates(table)
    if not english or not others:
        return table
    cand = english + [j for lang in sorted(others) for j in others[lang]]
    info = [(table.terms[j], table.display[j], _main_language(table.languages[j])) for j in cand]
    classes = dict(zip(cand, word_classes(info, cache_dir=cache_dir), strict=True))
    # Only the words of a (language, word class) with words on both sides are compared, and
    # only they are embedded.
    pairs: list[tuple[list[int], list[int]]] = []
    for lang in sorted(others):
        for cls in ("noun", "adj"):
            left = [j for j in others[lang] if classes[j] == cls]
            right = [j for j in english if classes[j] == cls]
            if left and right:
                pairs.append((left, right))
    in_pairs = {j for left, right in pairs for j in (*left, *right)}
    compared = [j for j in cand if j in in_pairs]
    vectors = dict(zip(compared, embedder.embed([table.display[j] for j in compared]), strict=True))
    target = list(range(len(table.terms)))
    for left, right in pairs:
        for a, b in _mutual_nearest(left, right, vectors, threshold):
            target[a] = b
    merged = sum(1 for j, t in enumerate(target) if j != t)
    if not merged:
        return table
    logger.info("merged %d terms into their English equivalents", merged)
    return _merge_columns(table, target)


def _main_language(langs: Sequence[str]) -> str:
    """English when the term was seen in English text, else its first language."""
    return "en" if "en" in langs else langs[0]


def _mutual_nearest(
    left: Sequence[int], right: Sequence[int], vectors: dict[int, np.ndarray], threshold: float
) -> list[tuple[int, int]]:
    """Pairs (left, right) that are each other's most similar item, cosine >= threshold.

    Computed ``_BLOCK_ROWS`` left items at a time: memory is one block of similarities,
    never ``len(left) x len(right)``; the best left item of each right one is carried over
    the blocks (ties go to the earlier item, as ``argmax`` does).
    """
    if not left or not right:
        return []
    right_matrix = np.stack([vectors[j] for j in right])
    best_right: list[np.ndarray] = []
    best_value: list[np.ndarray] = []
    best_left = np.zeros(len(right), dtype=np.int64)
    top_left = np.full(len(right), -np.inf)
    for start in range(0, len(left), _BLOCK_ROWS):
        block = left[start : start + _BLOCK_ROWS]
        sims = np.stack([vectors[j] for j in block]) @ right_matrix.T
        rows = sims.argmax(axis=1)
        best_right.append(rows)
        best_value.append(sims[np.arange(len(block)), rows])
        cols = sims.argmax(axis=0)
        values = sims[cols, np.arange(len(right))]
        better = values > top_left
        best_left[better] = cols[better] + start
        top_left[better] = values[better]
    return [
        (left[i], right[int(r)])
        for i, (r, value) in enumerate(
            zip(np.concatenate(best_right), np.concatenate(best_value), strict=True)
        )
        if best_left[r] == i and value >= threshold
    ]


def _merge_columns(table: TermTable, target: Sequence[int]) -> TermTable:
    """Sum columns that share a target column (the target's key and display survive)."""
    from scipy import sparse

    roots = sorted(set(target), key=lambda j: table.terms[j])
    new_index = {root: i for i, root in enumerate(roots)}
    n = len(table.terms)
    projection = sparse.csr_matrix(
        (np.ones(n, dtype=np.int32), (np.arange(n), [new_index[target[j]] for j in range(n)])),
        shape=(n, len(roots)),
        dtype=np.int32,
    )
    counts = (table.counts @ projection).tocsr()
    sentence_counts = None
    if table.sentence_counts is not None:
        sentence_counts = ((table.sentence_counts @ projection) > 0).astype(np.int32).tocsr()
    languages: list[set[str]] = [set() for _ in roots]
    if table.languages:
        for j in range(n):
            languages[new_index[target[j]]].update(table.languages[j])
    return TermTable(
        talk_ids=table.talk_ids,
        terms=tuple(table.terms[r] for r in roots),
        display=tuple(table.display[r] for r in roots),
        counts=counts,
        languages=tuple(tuple(sorted(x)) for x in languages) if table.languages else (),
        sentence_counts=sentence_counts,
        sentence_talk=table.sentence_talk,
    )
