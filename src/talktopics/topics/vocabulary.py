"""The vocabulary of a fit: a TermTable in, the terms kept as graph and network nodes out
(:func:`select_terms`, by document frequency within each language's talks); also a TermTable
re-aligned to a list of talks (:func:`align_terms`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from talktopics.config import GraphConfig
from talktopics.records import Talk, TermTable
from talktopics.topics.checks import check_graph_config

__all__ = [
    "align_terms",
    "document_frequency",
    "language_talks",
    "select_terms",
]


def document_frequency(terms: TermTable) -> np.ndarray:
    """Number of talks containing each term (int64, one entry per column of ``terms.counts``)."""
    counts = sp.csr_matrix(terms.counts)
    if counts.shape[1] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray((counts > 0).sum(axis=0), dtype=np.int64).ravel()


def language_talks(terms: TermTable) -> np.ndarray:
    """For each term, the number of talks with text in the term's language(s).

    A talk "has" a language when it uses any term of that language. In a one-language corpus
    (or without language data) this is the number of talks for every term; in a mixed one
    (English abstracts, Russian notes on a fifth of the talks) a Russian term is measured
    against the talks that have Russian text, so a word every Russian note uses counts as
    common, as it is, not as rare.
    """
    counts = sp.csr_matrix(terms.counts)
    n_talks, n_terms = counts.shape
    langs = terms.languages if len(terms.languages) == n_terms else ()
    codes = sorted({lang for ls in langs for lang in ls})
    if len(codes) < 2:
        return np.full(n_terms, n_talks, dtype=np.int64)
    index = {code: i for i, code in enumerate(codes)}
    rows = [j for j, ls in enumerate(langs) for _ in ls]
    cols = [index[lang] for ls in langs for lang in ls]
    term_lang = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_terms, len(codes)))
    talk_lang = sp.csr_matrix((counts > 0).astype(np.float64) @ term_lang) > 0
    talk_lang = sp.csc_matrix(talk_lang)
    out = np.full(n_terms, n_talks, dtype=np.int64)
    by_set: dict[tuple[str, ...], int] = {}
    for j, ls in enumerate(langs):
        if not ls:
            continue
        key = tuple(sorted(ls))
        if key not in by_set:
            cols_j = [index[lang] for lang in key]
            by_set[key] = int((np.asarray(talk_lang[:, cols_j].sum(axis=1)).ravel() > 0).sum())
        out[j] = by_set[key]
    return out


def select_terms(terms: TermTable, config: GraphConfig) -> np.ndarray:
    """Column indices of the terms that become graph nodes, in column order.

    A term is kept when it occurs in at least ``config.min_df`` talks and — when at least
    ``config.max_df_min_talks`` talks have text in its language (:func:`language_talks`) —
    in no more than ``config.max_df_share`` of those. When more than ``config.max_terms``
    remain, the most frequent are kept (ties by term key).
    """
    check_graph_config(config)
    df = document_frequency(terms)
    base = language_talks(terms)
    keep = df >= config.min_df
    big = base >= config.max_df_min_talks
    keep &= ~big | (df <= config.max_df_share * base)
    idx = np.flatnonzero(keep)
    if idx.size > config.max_terms:
        order = sorted(idx.tolist(), key=lambda j: (-int(df[j]), terms.terms[j]))
        idx = np.array(sorted(order[: config.max_terms]), dtype=np.int64)
    return idx.astype(np.int64)


def align_terms(terms: TermTable, talks: Sequence[Talk]) -> TermTable:
    """The TermTable restricted and re-ordered to ``talks`` (a missing talk = an empty row)."""
    ids = tuple(t.id for t in talks)
    if terms.talk_ids == ids:
        return terms
    position = {tid: i for i, tid in enumerate(terms.talk_ids)}
    rows = np.array([position.get(tid, -1) for tid in ids], dtype=np.int64)
    present = np.flatnonzero(rows >= 0)
    pick = sp.csr_matrix(
        (np.ones(present.size), (present, rows[present])),
        shape=(len(ids), len(terms.talk_ids)),
    )
    counts = sp.csr_matrix(pick @ sp.csr_matrix(terms.counts)).astype(np.int32)
    sentence_counts = None
    sentence_talk: tuple[int, ...] = ()
    if terms.sentence_counts is not None and terms.sentence_talk:
        new_row = {int(old): i for i, old in enumerate(rows.tolist()) if old >= 0}
        keep = [s for s, old in enumerate(terms.sentence_talk) if old in new_row]
        sentence_counts = sp.csr_matrix(terms.sentence_counts)[keep]
        sentence_talk = tuple(new_row[terms.sentence_talk[s]] for s in keep)
    return TermTable(
        talk_ids=ids,
        terms=terms.terms,
        display=terms.display,
        counts=counts,
        languages=terms.languages,
        sentence_counts=sentence_counts,
        sentence_talk=sentence_talk,
    )
