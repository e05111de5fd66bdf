"""The talk-term network: term counts and talk vectors in, weighted links out. Nodes
``0..n-1`` are talks, node ``n + j`` is vocabulary term ``j``; a talk links to its nearest
talks by embedding (:func:`talk_links`, :func:`talk_term_links`) and to its terms by tf-idf
(:func:`tfidf`, :func:`smooth_idf`). :class:`TalkTermNetwork` holds the partitioned network
and what re-partitioning a part of it needs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from talktopics.config import TopicConfig
from talktopics.embed import normalise_rows
from talktopics.topics.communities import Communities
from talktopics.topics.similarity import BLOCK_ROWS, knn_cosine, normalise_sparse_rows

__all__ = [
    "TalkTermNetwork",
    "nearest_references",
    "smooth_idf",
    "talk_links",
    "talk_term_links",
    "tfidf",
]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class TalkTermNetwork:
    """The partitioned talk-term network and what re-partitioning a part of it needs.

    Attributes:
        counts: Talks x vocabulary term counts (CSR).
        talk_vectors: Talk embeddings (unit rows).
        communities: Infomap's partition of the network (talks ``0..n-1``, then terms).
        config: The fit's options.
    """

    counts: sp.csr_matrix
    talk_vectors: np.ndarray
    communities: Communities
    config: TopicConfig

    @property
    def n(self) -> int:
        """Number of talks (term node ``j`` is node ``n + j``)."""
        return int(self.talk_vectors.shape[0])


def talk_term_links(
    x: sp.csr_matrix, talk_vectors: np.ndarray, config: TopicConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Links of the talk-term network: nodes ``0..n-1`` are talks, ``n + j`` term ``j``.

    Each talk links to its ``talk_neighbors`` nearest talks (``talk_link_weight x cosine``)
    and to its terms (tf-idf ``x``). No term-term links.
    """
    n = talk_vectors.shape[0]
    knn = sp.coo_matrix(knn_cosine(talk_vectors, config.talk_neighbors, min_similarity=0.0))
    tx = sp.coo_matrix(x)
    rows = np.concatenate([knn.row, tx.row]).astype(np.int64)
    cols = np.concatenate([knn.col, tx.col + n]).astype(np.int64)
    weights = np.concatenate([knn.data * config.talk_link_weight, tx.data]).astype(np.float64)
    return rows, cols, weights


def smooth_idf(df: np.ndarray, n_docs: int | np.ndarray) -> np.ndarray:
    """``log((1 + n) / (1 + df)) + 1`` (scikit-learn's smoothed idf); ``n`` may be per term."""
    n = np.asarray(n_docs, dtype=np.float64)
    return np.asarray(np.log((1.0 + n) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0)


def tfidf(counts: sp.spmatrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf (1 + log count) times idf, rows L2-normalised (empty rows stay empty)."""
    m = sp.csr_matrix(counts, dtype=np.float64)
    m.eliminate_zeros()
    m.data = 1.0 + np.log(np.maximum(m.data, 1.0))
    return normalise_sparse_rows(sp.csr_matrix(m @ sp.diags(np.asarray(idf, dtype=np.float64))))


def talk_links(
    vectors: np.ndarray,
    reference: np.ndarray,
    k: int,
    weight: float,
    *,
    include_self: bool,
) -> sp.csr_matrix:
    """Each talk's links to its nearest reference talks: ``weight x cosine`` (negatives 0).

    With ``include_self`` (assigning: the reference is the training set) a row links to its
    ``k + 1`` nearest references — a training talk finds itself first. Without it (fitting:
    ``vectors`` *is* the reference) a row links to its ``k`` nearest *other* talks plus
    itself with cosine 1, which is the same set.
    """
    n, n_ref = vectors.shape[0], reference.shape[0]
    if n == 0 or n_ref == 0:
        return sp.csr_matrix((n, n_ref), dtype=np.float64)
    if include_self:
        knn = nearest_references(vectors, reference, min(k + 1, n_ref))
    else:
        knn = knn_cosine(vectors, k, min_similarity=0.0) + sp.identity(n, format="csr")
    return sp.csr_matrix(knn * weight, dtype=np.float64)


def nearest_references(vectors: np.ndarray, reference: np.ndarray, k: int) -> sp.csr_matrix:
    """Each row's ``k`` most cosine-similar reference rows (negative cosines as 0), as a
    sparse ``n x n_ref`` matrix; ties go to the lower reference index.

    Computed ``BLOCK_ROWS`` rows at a time: memory is one block of similarities, never
    ``n x n_ref`` (assigning a whole corpus to a model fitted on another).
    """
    n, n_ref = vectors.shape[0], reference.shape[0]
    unit_ref = normalise_rows(reference)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for start in range(0, n, BLOCK_ROWS):
        sims = normalise_rows(vectors[start : start + BLOCK_ROWS]) @ unit_ref.T
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        vals.append(np.clip(np.take_along_axis(sims, top, axis=1), 0.0, None).ravel())
        rows.append(np.repeat(np.arange(start, start + sims.shape[0]), top.shape[1]))
        cols.append(top.ravel())
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n_ref)
    )
