"""Encoding on a cluster: texts in, vectors out, computed by the Dask workers in order.

:class:`ClusterEmbedder` is an embedder (``name``, ``dim``, ``embed``, ``count_tokens``,
``max_tokens``) whose work is done by the active remote executor's workers. Each worker builds
the backend once (``load``, a picklable function, cached per process under the embedder's
name) and keeps it for every later batch. The embedding cache stays in the run's process: it
wraps this embedder, so only texts it does not hold are sent.

Vectors are byte-identical to encoding in one process: with ``batch_size`` the texts are cut
into the very batches sentence-transformers forms itself (sorted by length, longest first,
``batch_size`` per forward pass), one batch per task; without it, one call is one task.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from talktopics.parallel.executor import Executor, active_executor

__all__ = ["ClusterEmbedder", "cluster_embedder", "length_batches"]

logger = logging.getLogger(__name__)

TOKEN_COUNT_CHUNK = 4096
"""Texts per token-counting task."""

_LOADED: dict[str, Any] = {}
"""The backends this (worker) process has built, by embedder name."""


def _backend(name: str, load: Callable[[], Any]) -> Any:
    if name not in _LOADED:
        _LOADED[name] = load()
    return _LOADED[name]


def _embed_batch(texts: Sequence[str], *, name: str, load: Callable[[], Any]) -> np.ndarray:
    return np.asarray(_backend(name, load).embed(list(texts)), dtype=np.float32)


def _count_tokens(texts: Sequence[str], *, name: str, load: Callable[[], Any]) -> list[int]:
    return [int(n) for n in _backend(name, load).count_tokens(list(texts))]


def _describe(_: object, *, name: str, load: Callable[[], Any]) -> tuple[int, int | None]:
    backend = _backend(name, load)
    limit = getattr(backend, "max_tokens", None)
    return int(backend.dim), None if limit is None else int(limit)


def length_batches(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """The batches sentence-transformers encodes ``texts`` in: indices sorted by length
    (longest first, as its ``encode`` sorts them), ``batch_size`` per batch."""
    order = np.argsort([-len(text) for text in texts])
    return [
        [int(i) for i in order[start : start + batch_size]]
        for start in range(0, len(order), batch_size)
    ]


class ClusterEmbedder:
    """An embedder whose backend runs on the workers of ``executor``.

    Args:
        name: The backend's name (cache keys use it).
        load: Builds the backend in a worker; must pickle (a module-level function or a
            ``functools.partial`` of one).
        executor: Where the batches go.
        batch_size: The backend's sentence-transformers batch size (None = one task per call).
    """

    def __init__(
        self,
        name: str,
        load: Callable[[], Any],
        executor: Executor,
        *,
        batch_size: int | None = None,
    ) -> None:
        self.name = name
        self._load = load
        self._executor = executor
        self.batch_size = batch_size
        self._shape: tuple[int, int | None] | None = None

    def __repr__(self) -> str:
        return f"ClusterEmbedder(name={self.name!r}, executor={self._executor!r})"

    def _task(self, fn: Callable[..., Any]) -> Callable[[Any], Any]:
        return functools.partial(fn, name=self.name, load=self._load)

    def _described(self) -> tuple[int, int | None]:
        if self._shape is None:
            self._shape = self._executor.map(self._task(_describe), [None])[0]
        return self._shape

    @property
    def dim(self) -> int:
        return self._described()[0]

    @dim.setter
    def dim(self, value: int) -> None:  # pragma: no cover - the Embedder protocol's attribute
        raise AttributeError("the dimension of a cluster embedder is its backend's")

    @property
    def max_tokens(self) -> int | None:
        return self._described()[1]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        chunks = [
            list(texts[i : i + TOKEN_COUNT_CHUNK]) for i in range(0, len(texts), TOKEN_COUNT_CHUNK)
        ]
        counts = self._executor.map(self._task(_count_tokens), chunks)
        return [n for part in counts for n in part]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.batch_size is None:
            return np.asarray(self._executor.map(self._task(_embed_batch), [list(texts)])[0])
        batches = length_batches(texts, self.batch_size)
        vectors = self._executor.map(
            self._task(_embed_batch), [[texts[i] for i in batch] for batch in batches]
        )
        out = np.zeros((len(texts), vectors[0].shape[1]), dtype=np.float32)
        for batch, rows in zip(batches, vectors, strict=True):
            out[batch] = rows
        return out


def cluster_embedder(
    name: str, load: Callable[[], Any], *, batch_size: int | None = None
) -> ClusterEmbedder | None:
    """A :class:`ClusterEmbedder` on the run's executor when it is a remote one (Dask), else
    None (the backend is built in this process)."""
    executor = active_executor()
    if executor is None or not executor.remote:
        return None
    logger.info("encoding with %s on %r", name, executor)
    return ClusterEmbedder(name, load, executor, batch_size=batch_size)
