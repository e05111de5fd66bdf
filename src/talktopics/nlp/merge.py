"""Cross-lingual merging of terms: a :class:`TermTable` and an embedder in, a merged table out.

Near-duplicate terms of different languages ("машинное обучение" / "machine learning") end up
in one column.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from talktopics.records import TermTable

if TYPE_CHECKING:
    from talktopics.embed.protocol import Embedder

__all__ = ["merge_similar_terms"]

logger = logging.getLogger(__name__)


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
    for start in range(0, len(cand), 1024):
        sims = vectors[start : start + 1024] @ vectors.T
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
