"""Word-similarity graph: a TermTable and term vectors in, a weighted ``networkx.Graph`` out.

Nodes are the candidate terms that pass the document-frequency filters. An edge between two
terms blends three kinds of evidence (weights in :class:`~talktopics.config.GraphConfig`):

* **semantic** — cosine similarity of the terms' embeddings, found as k nearest neighbours
  computed block by block, so memory stays bounded (a brute-force 20k x 20k matrix is 3 GB);
* **co-occurrence** — normalised pointwise mutual information (NPMI) of the two terms over
  sentences (or over talks when the TermTable has no sentence rows), positive part only;
* **second-order** — as in the PyCon.DE 2018 talk "Germany's next topic model": two terms are
  similar when their *neighbourhoods* are, i.e. the cosine between their rows of the sparse
  semantic-kNN similarity matrix. It links terms that share many neighbours even where their
  own vectors are only moderately close, and it damps isolated, accidental kNN edges.

Candidate pairs are the union of each term's top-k semantic, NPMI and second-order
neighbours; each candidate gets all three scores and the blended weight, and every node keeps
its ``knn`` strongest edges (an edge survives when either end keeps it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from talktopics.config import GraphConfig
from talktopics.embed import normalise_rows
from talktopics.errors import ConfigError
from talktopics.records import TermTable
from talktopics.topics.similarity import (
    knn_cosine,
    normalise_sparse_rows,
    top_k_blockwise,
)
from talktopics.topics.vocabulary import document_frequency, select_terms

__all__ = ["build_word_graph"]

logger = logging.getLogger(__name__)


def build_word_graph(
    terms: TermTable, term_vectors: np.ndarray, config: GraphConfig | None = None
) -> nx.Graph:
    """Build the word-similarity graph of a corpus.

    Args:
        terms: Candidate terms and their occurrences.
        term_vectors: One embedding row per column of ``terms.counts`` (rows of terms that do
            not pass :func:`~talktopics.topics.vocabulary.select_terms` are ignored and may be
            zeros).
        config: Thresholds and blend weights; ``None`` = defaults.

    Returns:
        Undirected graph. Nodes are term keys with attributes ``display`` (str), ``df`` (int)
        and ``languages`` (tuple of str); edges carry ``weight`` (the blend) and its parts
        ``semantic``, ``npmi`` and ``second_order``. An empty TermTable gives an empty graph.

    Raises:
        ConfigError: ``term_vectors`` does not have one row per term, or a bad config value.
    """
    config = config or GraphConfig()
    n_terms = len(terms.terms)
    if term_vectors.ndim != 2 or term_vectors.shape[0] != n_terms:
        raise ConfigError(
            f"term_vectors has shape {term_vectors.shape}; expected ({n_terms}, dim): "
            "one row per term of the TermTable"
        )
    idx = select_terms(terms, config)
    df = document_frequency(terms)
    graph = nx.Graph()
    for j in idx.tolist():
        langs = terms.languages[j] if j < len(terms.languages) else ()
        graph.add_node(
            terms.terms[j], display=terms.display[j], df=int(df[j]), languages=tuple(langs)
        )
    if idx.size < 2:
        logger.info("word graph: %d term(s) pass the filters; no edges", idx.size)
        return graph

    evidence = _evidence(terms, idx, term_vectors, config)
    pairs = _candidate_pairs(evidence, idx.size, config)
    if pairs.size == 0:
        return graph
    a, b, sem, sec, npm, weight = _score_pairs(evidence, pairs, config)
    chosen = _keep_top_per_node(a, b, weight, idx.size, config.knn)
    names = [terms.terms[j] for j in idx.tolist()]
    for e in np.flatnonzero(chosen).tolist():
        graph.add_edge(
            names[a[e]],
            names[b[e]],
            weight=round(float(weight[e]), 6),
            semantic=round(float(sem[e]), 6),
            npmi=round(float(npm[e]), 6),
            second_order=round(float(sec[e]), 6),
        )
    logger.info(
        "word graph: %d nodes, %d edges (%d candidate pairs)",
        graph.number_of_nodes(),
        graph.number_of_edges(),
        len(pairs),
    )
    return graph


# --- helpers --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class _Evidence:
    """The selected terms' unit vectors, semantic kNN, second-order profiles and occurrences."""

    vectors: np.ndarray
    semantic: sp.csr_matrix
    profile: sp.csr_matrix
    occurrence: sp.csr_matrix
    occ_t: sp.csr_matrix
    marginals: np.ndarray
    n_units: int


def _evidence(
    terms: TermTable, idx: np.ndarray, term_vectors: np.ndarray, config: GraphConfig
) -> _Evidence:
    vectors = normalise_rows(np.asarray(term_vectors[idx], dtype=np.float32))
    semantic = knn_cosine(vectors, config.knn, min_similarity=config.min_similarity)
    profile = knn_cosine(vectors, config.second_order_k, min_similarity=0.0)
    profile = normalise_sparse_rows(profile)
    occurrence, n_units = _occurrence_matrix(terms, idx)
    occ_t = sp.csr_matrix(occurrence.T)
    marginals = np.asarray(occurrence.sum(axis=0), dtype=np.float64).ravel()
    return _Evidence(
        vectors=vectors,
        semantic=semantic,
        profile=profile,
        occurrence=occurrence,
        occ_t=occ_t,
        marginals=marginals,
        n_units=n_units,
    )


def _candidate_pairs(ev: _Evidence, n: int, config: GraphConfig) -> np.ndarray:
    """Pairs ``(a, b)``, ``a < b``: each term's top-k by every measure (all blockwise)."""
    cand = (
        ev.semantic
        + top_k_blockwise(
            lambda rows: _npmi_block(
                ev.occ_t, ev.occurrence, rows, ev.marginals, ev.n_units, config
            ),
            n,
            config.knn,
        )
        + top_k_blockwise(lambda rows: ev.profile[rows] @ ev.profile.T, n, config.knn)
    ).tocoo()
    r, c = np.minimum(cand.row, cand.col), np.maximum(cand.row, cand.col)
    pairs: np.ndarray = np.unique(np.stack([r, c], axis=1)[r != c], axis=0)
    return pairs


def _score_pairs(
    ev: _Evidence, pairs: np.ndarray, config: GraphConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(a, b, semantic, second-order, npmi, blended weight)`` of the pairs that reach
    ``config.min_weight``."""
    a, b = pairs[:, 0], pairs[:, 1]
    sem = np.einsum("ij,ij->i", ev.vectors[a], ev.vectors[b])
    sec = np.asarray(ev.profile[a].multiply(ev.profile[b]).sum(axis=1)).ravel()
    joint = np.asarray(ev.occ_t[a].multiply(ev.occ_t[b]).sum(axis=1)).ravel()
    npm = _npmi(joint, ev.marginals[a], ev.marginals[b], ev.n_units)
    npm[joint < config.min_cooccurrence] = 0.0
    weight = (
        config.semantic_weight * np.clip(sem, 0.0, None)
        + config.npmi_weight * np.clip(npm, 0.0, None)
        + config.second_order_weight * np.clip(sec, 0.0, None)
    )
    keep = weight >= config.min_weight
    return a[keep], b[keep], sem[keep], sec[keep], npm[keep], weight[keep]


def _occurrence_matrix(terms: TermTable, idx: np.ndarray) -> tuple[sp.csr_matrix, int]:
    """Binary units x selected-terms matrix: sentences when available, else talks."""
    source = terms.sentence_counts if terms.sentence_counts is not None else terms.counts
    m = sp.csr_matrix(source)[:, idx]
    m = (m > 0).astype(np.float32)
    used = np.asarray(m.sum(axis=1)).ravel() > 0
    return sp.csr_matrix(m), max(int(used.sum()), 1)


def _npmi(joint: np.ndarray, m_a: np.ndarray, m_b: np.ndarray, n_units: int) -> np.ndarray:
    """NPMI from joint and marginal counts; 0 where the pair never co-occurs."""
    joint = np.asarray(joint, dtype=np.float64)
    out = np.zeros(joint.shape, dtype=np.float64)
    seen = joint > 0
    p_ab = joint[seen] / n_units
    p_a = np.asarray(m_a, dtype=np.float64)[seen] / n_units
    p_b = np.asarray(m_b, dtype=np.float64)[seen] / n_units
    denom = -np.log(p_ab)
    pmi = np.log(p_ab / (p_a * p_b))
    # p_ab == 1 (both terms in every unit): perfectly associated.
    out[seen] = np.where(denom > 1e-12, pmi / np.where(denom > 1e-12, denom, 1.0), 1.0)
    return np.clip(out, -1.0, 1.0)


def _npmi_block(
    occ_t: sp.csr_matrix,
    occurrence: sp.csr_matrix,
    rows: slice,
    marginals: np.ndarray,
    n_units: int,
    config: GraphConfig,
) -> sp.csr_matrix:
    """Positive NPMI of the terms in ``rows`` against every term (a sparse block)."""
    co = sp.coo_matrix(occ_t[rows] @ occurrence)
    keep = co.data >= config.min_cooccurrence
    r, c, joint = co.row[keep], co.col[keep], co.data[keep]
    start = rows.start or 0
    values = _npmi(joint, marginals[r + start], marginals[c], n_units)
    pos = values > 0
    return sp.csr_matrix((values[pos], (r[pos], c[pos])), shape=co.shape, dtype=np.float32)


def _keep_top_per_node(
    a: np.ndarray, b: np.ndarray, weight: np.ndarray, n: int, k: int
) -> np.ndarray:
    """Mask of edges among the ``k`` strongest of at least one of their two ends."""
    chosen = np.zeros(a.size, dtype=bool)
    ends = np.concatenate([a, b])
    edge = np.concatenate([np.arange(a.size), np.arange(a.size)])
    w = np.concatenate([weight, weight])
    order = np.lexsort((edge, -w, ends))
    ends, edge = ends[order], edge[order]
    starts = np.searchsorted(ends, np.arange(n))
    rank = np.arange(ends.size) - starts[ends]
    chosen[edge[rank < k]] = True
    return chosen
