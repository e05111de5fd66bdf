"""Nearest neighbours by similarity, block by block: row vectors (or a block-producing
function) in, sparse top-k similarity matrices out; memory stays bounded by one block, never
``n x n``. Also the one sparse row normaliser of the topic engine."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from talktopics.embed import normalise_rows

__all__ = [
    "BLOCK_ROWS",
    "first_k_per_row",
    "knn_cosine",
    "normalise_sparse_rows",
    "top_k_blockwise",
]

BLOCK_ROWS = 1024
"""Rows per block in the blockwise similarity computations (1024 x 20k float32 = 80 MB)."""


def knn_cosine(
    vectors: np.ndarray,
    k: int,
    *,
    min_similarity: float = -1.0,
    block_rows: int = BLOCK_ROWS,
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
    unit = normalise_rows(np.asarray(vectors, dtype=np.float32))
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
        keep = first_k_per_row(r, c, v, k)
        rows.append(r[keep] + start)
        cols.append(c[keep])
        vals.append(v[keep])
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n),
        dtype=np.float32,
    )


def normalise_sparse_rows(m: sp.spmatrix) -> sp.csr_matrix:
    """CSR copy with unit-length (L2) rows; empty rows stay empty."""
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)


def top_k_blockwise(
    block_fn: Callable[[slice], sp.spmatrix | np.ndarray],
    n: int,
    k: int,
    *,
    block_rows: int = BLOCK_ROWS // 4,
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
        keep = first_k_per_row(r, c, v, k)
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


def first_k_per_row(r: np.ndarray, c: np.ndarray, v: np.ndarray, k: int) -> np.ndarray:
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
