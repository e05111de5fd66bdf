"""Talk vectors -> the map of talks: one point per talk in 0..1, similar talks close together.

In: the talks' embedding vectors (one row per talk, the topic model's ``state_.talk_vectors``)
and their ids. Out: ``(talk id, x, y)`` per talk, rounded to 4 decimals. The layout is t-SNE
(scikit-learn, PCA start, fixed seed, one BLAS thread), so the same vectors and seed give the same
map on every machine; very small corpora get the first two principal components instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

__all__ = ["MAP_DIGITS", "layout_talks"]

logger = logging.getLogger(__name__)

MAP_DIGITS = 4
"""Decimals of the stored map coordinates (0..1, so 1/10,000 of the map's side)."""
_TSNE_MIN_TALKS = 12
"""Fewer talks than this are laid out by PCA (t-SNE needs a neighbourhood to work with)."""
_PCA_DIMS = 50
"""Vectors are first reduced to this many principal components (faster neighbour search)."""
_PERPLEXITY = 30.0
_ITERATIONS = 500


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero), as float64."""
    x = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    out: np.ndarray = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    return out


def _pca(x: np.ndarray, dims: int, seed: int) -> np.ndarray:
    """The first ``dims`` principal components, zero columns where the data has fewer."""
    from sklearn.decomposition import PCA

    out = np.zeros((x.shape[0], dims))
    keep = min(dims, x.shape[0] - 1, x.shape[1])
    if keep >= 1 and np.ptp(x, axis=0).max() > 0:
        out[:, :keep] = PCA(n_components=keep, svd_solver="full", random_state=seed).fit_transform(
            x
        )
    return out


def _tsne(x: np.ndarray, seed: int) -> np.ndarray:
    """2-D t-SNE of the rows, on one thread.

    Barnes-Hut sums depend on the thread count; and the SVDs of the PCA steps, on matrices
    this small, cost ~50x the CPU time on two BLAS threads (they spin). The limit is set after
    scikit-learn is imported: it applies only to the thread pools loaded by then (its OpenMP
    runtime, SciPy's BLAS).
    """
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    n = x.shape[0]
    with threadpool_limits(limits=1):
        reduced = _pca(x, min(_PCA_DIMS, n - 1), seed)
        if not reduced.any():
            return reduced[:, :2]  # all talks alike: one spot
        tsne = TSNE(
            n_components=2,
            perplexity=min(_PERPLEXITY, max(2.0, (n - 1) / 3)),
            init="pca",
            max_iter=_ITERATIONS,
            random_state=seed,
        )
        result: np.ndarray = tsne.fit_transform(reduced)
    return result


def _principal_axes(xy: np.ndarray) -> np.ndarray:
    """The points turned so their longest extent lies along x (a map wider than high fits a
    screen), each axis' sign fixed by its skew so the turn is the same on every machine."""
    centred = xy - xy.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    turned = centred @ vectors[:, ::-1]
    signs = np.where(np.sum(turned**3, axis=0) < 0, -1.0, 1.0)
    out: np.ndarray = turned * signs
    return out


def _to_unit_square(xy: np.ndarray) -> np.ndarray:
    """Shift and scale (one factor for both axes) into 0..1; the shorter side is centred."""
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = float(max(hi - lo)) or 1.0
    out: np.ndarray = (xy - lo) / span + (1.0 - (hi - lo) / span) / 2
    return out


def layout_talks(
    vectors: np.ndarray, talk_ids: Sequence[str], *, seed: int = 42
) -> tuple[tuple[str, float, float], ...]:
    """Place each talk on a 2-D map so talks with similar vectors sit close together.

    Args:
        vectors: One embedding row per talk (``len(talk_ids) x dim``).
        talk_ids: The talks' ids, in the rows' order.
        seed: Seed of the layout (t-SNE's start and its random steps).

    Returns:
        ``(talk id, x, y)`` per talk in input order, both coordinates in 0..1 with
        :data:`MAP_DIGITS` decimals; empty for no talks, ``(0.5, 0.5)`` for a single one.

    Raises:
        ValueError: The number of rows differs from the number of ids.
    """
    x = np.asarray(vectors)
    n = len(talk_ids)
    if x.ndim != 2 or x.shape[0] != n:
        raise ValueError(f"vectors has shape {x.shape}; expected {n} rows, one per talk id")
    if n == 0:
        logger.info("no talks: the map of talks is empty")
        return ()
    if n == 1:
        return ((talk_ids[0], 0.5, 0.5),)
    unit = _unit_rows(x)
    xy = _tsne(unit, seed) if n >= _TSNE_MIN_TALKS else _pca(unit, 2, seed)
    xy = _to_unit_square(_principal_axes(np.asarray(xy, dtype=np.float64)))
    return tuple(
        (tid, round(float(a), MAP_DIGITS) + 0.0, round(float(b), MAP_DIGITS) + 0.0)
        for tid, (a, b) in zip(talk_ids, xy, strict=True)
    )
