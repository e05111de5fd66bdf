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

import json
import logging
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from talktopics.config import GraphConfig
from talktopics.errors import ConfigError
from talktopics.records import TermTable

__all__ = [
    "build_word_graph",
    "document_frequency",
    "knn_cosine",
    "language_talks",
    "select_terms",
    "write_graph",
]

logger = logging.getLogger(__name__)

_BLOCK_ROWS = 1024
"""Rows per block in the blockwise similarity computations (1024 x 20k float32 = 80 MB)."""


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
    _check_config(config)
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


def knn_cosine(
    vectors: np.ndarray,
    k: int,
    *,
    min_similarity: float = -1.0,
    block_rows: int = _BLOCK_ROWS,
) -> sp.csr_matrix:
    """Each row's ``k`` most cosine-similar other rows, as a sparse (not symmetric) matrix.

    Computed block by block: memory is ``block_rows x n`` floats, never ``n x n``.
    Ties are broken by the lower column index, so the result is deterministic.

    Args:
        vectors: ``n x d`` array; rows are L2-normalised here (zero rows stay zero).
        k: Neighbours per row (at most ``n - 1``).
        min_similarity: Neighbours below this cosine are dropped.
        block_rows: Rows per block.

    Returns:
        ``n x n`` float32 CSR matrix with at most ``k`` entries per row, no diagonal.
    """
    n = int(vectors.shape[0])
    k = min(k, n - 1)
    if n == 0 or k <= 0:
        return sp.csr_matrix((n, n), dtype=np.float32)
    unit = _normalise_rows(np.asarray(vectors, dtype=np.float32))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        sims = unit[start:stop] @ unit.T
        local = np.arange(stop - start)
        sims[local, local + start] = -np.inf
        # Everything at least as similar as the k-th best (ties included), then the first k
        # by (-similarity, column): deterministic under ties, no full sort of each row.
        kth = np.partition(sims, n - k, axis=1)[:, n - k]
        r, c = np.nonzero((sims >= kth[:, None]) & (sims >= min_similarity))
        v = sims[r, c]
        keep = _first_k_per_row(r, c, v, k)
        rows.append(r[keep] + start)
        cols.append(c[keep])
        vals.append(v[keep])
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n),
        dtype=np.float32,
    )


def build_word_graph(
    terms: TermTable, term_vectors: np.ndarray, config: GraphConfig | None = None
) -> nx.Graph:
    """Build the word-similarity graph of a corpus.

    Args:
        terms: Candidate terms and their occurrences.
        term_vectors: One embedding row per column of ``terms.counts`` (rows of terms that do
            not pass :func:`select_terms` are ignored and may be zeros).
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

    vectors = _normalise_rows(np.asarray(term_vectors[idx], dtype=np.float32))
    semantic = knn_cosine(vectors, config.knn, min_similarity=config.min_similarity)
    profile = knn_cosine(vectors, config.second_order_k, min_similarity=0.0)
    profile = _normalise_sparse_rows(profile)
    occurrence, n_units = _occurrence_matrix(terms, idx)
    occ_t = sp.csr_matrix(occurrence.T)
    marginals = np.asarray(occurrence.sum(axis=0), dtype=np.float64).ravel()

    # Candidate pairs: each term's top-k by every measure (all computed blockwise).
    cand = (
        semantic
        + _topk_blockwise(
            lambda rows: _npmi_block(occ_t, occurrence, rows, marginals, n_units, config),
            idx.size,
            config.knn,
        )
        + _topk_blockwise(lambda rows: profile[rows] @ profile.T, idx.size, config.knn)
    ).tocoo()
    r, c = np.minimum(cand.row, cand.col), np.maximum(cand.row, cand.col)
    pairs = np.unique(np.stack([r, c], axis=1)[r != c], axis=0)
    if pairs.size == 0:
        return graph
    a, b = pairs[:, 0], pairs[:, 1]
    sem = np.einsum("ij,ij->i", vectors[a], vectors[b])
    sec = np.asarray(profile[a].multiply(profile[b]).sum(axis=1)).ravel()
    joint = np.asarray(occ_t[a].multiply(occ_t[b]).sum(axis=1)).ravel()
    npm = _npmi(joint, marginals[a], marginals[b], n_units)
    npm[joint < config.min_cooccurrence] = 0.0
    weight = (
        config.semantic_weight * np.clip(sem, 0.0, None)
        + config.npmi_weight * np.clip(npm, 0.0, None)
        + config.second_order_weight * np.clip(sec, 0.0, None)
    )
    keep = weight >= config.min_weight
    a, b, sem, sec, npm, weight = a[keep], b[keep], sem[keep], sec[keep], npm[keep], weight[keep]
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


def write_graph(graph: nx.Graph, path: str | Path) -> Path:
    """Write the graph for Gephi and friends: ``.graphml`` or ``.json`` (node-link).

    Tuple-valued attributes (languages, memberships) are written as JSON strings in GraphML,
    which only holds scalars. Nodes and edges are written in sorted order.

    Raises:
        ConfigError: The suffix is neither ``.graphml`` nor ``.json``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".graphml", ".json"}:
        raise ConfigError(f"{path}: unknown graph format {suffix!r}; use .graphml or .json")
    ordered = nx.Graph()
    for node in sorted(graph.nodes):
        ordered.add_node(node, **_scalar_attrs(graph.nodes[node], suffix))
    for u, v in sorted(tuple(sorted(e)) for e in graph.edges):
        ordered.add_edge(u, v, **_scalar_attrs(graph.edges[u, v], suffix))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".graphml":
        nx.write_graphml(ordered, path, encoding="utf-8")
    else:
        data = nx.node_link_data(ordered, edges="edges")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


# --- helpers --------------------------------------------------------------------------------


def _check_config(config: GraphConfig) -> None:
    if config.min_df < 1:
        raise ConfigError(f"graph.min_df = {config.min_df} is invalid; must be >= 1")
    if not 0.0 < config.max_df_share <= 1.0:
        raise ConfigError(
            f"graph.max_df_share = {config.max_df_share} is invalid; must be in (0, 1]"
        )
    if config.knn < 1:
        raise ConfigError(f"graph.knn = {config.knn} is invalid; must be >= 1")
    if config.max_terms < 1:
        raise ConfigError(f"graph.max_terms = {config.max_terms} is invalid; must be >= 1")


def _normalise_rows(x: np.ndarray) -> np.ndarray:
    from talktopics.embed import normalise_rows

    return normalise_rows(x)


def _normalise_sparse_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)


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


def _topk_blockwise(
    block_fn: Any, n: int, k: int, *, block_rows: int = _BLOCK_ROWS // 4
) -> sp.csr_matrix:
    """Top-``k`` positive off-diagonal entries per row of a matrix produced block by block.

    ``block_fn(slice)`` returns the rows of that slice (``len(slice) x n``, sparse or dense);
    only the kept entries are accumulated, so memory is bounded by one (dense) block. Ties:
    lower column first.
    """
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        block = sp.csr_matrix(block_fn(slice(start, stop)))
        block.sort_indices()
        coo = block.tocoo()
        r, c, v = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
        ok = (c != r + start) & (v > 0)
        r, c, v = r[ok], c[ok], v[ok]
        keep = _first_k_per_row(r, c, v, k)
        rows.append(r[keep] + start)
        cols.append(c[keep])
        vals.append(v[keep].astype(np.float32))
    if not rows:
        return sp.csr_matrix((n, n), dtype=np.float32)
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n),
        dtype=np.float32,
    )


def _first_k_per_row(r: np.ndarray, c: np.ndarray, v: np.ndarray, k: int) -> np.ndarray:
    """Indices of each row's ``k`` best entries by (-value, column); entries come sorted by
    (row, column) and values are finite."""
    if r.size == 0:
        return np.zeros(0, dtype=np.int64)
    # One stable sort on a composite key: row ascending, then value descending (values mapped
    # into [0, 1)); equal values keep their column order.
    v = np.asarray(v, dtype=np.float64)
    low, high = float(v.min()), float(v.max())
    scaled = (v - low) / ((high - low) * (1.0 + 1e-9)) if high > low else np.zeros_like(v)
    order = np.argsort(r.astype(np.float64) * 2.0 - scaled, kind="stable")
    sorted_rows = r[order]
    first = np.searchsorted(sorted_rows, sorted_rows, side="left")
    rank = np.arange(order.size) - first
    return np.sort(order[rank < k])


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


def _scalar_attrs(attrs: dict[str, Any], suffix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in sorted(attrs):
        value = attrs[key]
        if isinstance(value, (tuple, list, dict)) and suffix == ".graphml":
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out
