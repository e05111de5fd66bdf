"""Executors: a function and a list of items in, the results in the items' order out.

Three kinds behind one :class:`Executor` interface:

* :class:`SerialExecutor`: this process, one item after the other;
* :class:`ProcessPool`: worker processes on this machine (``spawn``, started on first use), each
  keeping what it loads (spaCy pipelines) for the next item;
* :class:`DaskExecutor`: the workers of a Dask cluster (``dask.distributed``), a running one
  (``scheduler`` address) or a local one started for the run (``workers``).

A run opens one executor (:func:`open_executor`) and makes it the active one
(:func:`use_executor`); stages ask :func:`active_executor` where to send their work. Only
executors with ``remote = True`` (Dask) take reading and encoding; term extraction uses any.
Functions and items must pickle; results come back in input order, so the output never depends
on how many workers there are.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

from talktopics.config.parallel import ParallelConfig
from talktopics.errors import ConfigError

__all__ = [
    "DaskExecutor",
    "Executor",
    "ProcessPool",
    "SerialExecutor",
    "active_executor",
    "available_cores",
    "contiguous_chunks",
    "open_executor",
    "use_executor",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs a function over items, results in input order."""

    @property
    def workers(self) -> int:
        """How many items it runs at once."""
        ...

    @property
    def remote(self) -> bool:
        """True when the work may leave this machine (reading and encoding go there too)."""
        ...

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[fn(item) for item in items]``, computed by the workers."""
        ...

    def close(self) -> None:
        """Stop the workers this executor started."""
        ...


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def contiguous_chunks(count: int, parts: int) -> list[range]:
    """``range(count)`` cut into at most ``parts`` contiguous, nearly equal, non-empty ranges."""
    parts = max(1, min(parts, count))
    bounds = [count * i // parts for i in range(parts + 1)]
    return [range(a, b) for a, b in itertools.pairwise(bounds) if b > a]


class SerialExecutor:
    """Everything in this process."""

    workers = 1
    remote = False

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(item) for item in items]

    def close(self) -> None:
        pass


class ProcessPool:
    """Worker processes on this machine, started (``spawn``) on the first :meth:`map`."""

    remote = False

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or available_cores()
        self._pool: Any = None

    def __repr__(self) -> str:
        return f"ProcessPool(workers={self.workers})"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        import multiprocessing
        from concurrent.futures.process import BrokenProcessPool

        if self.workers <= 1 or len(items) <= 1 or multiprocessing.parent_process() is not None:
            return [fn(item) for item in items]  # no pool inside a worker process
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
            )
        try:
            return list(self._pool.map(fn, items))
        except BrokenProcessPool as exc:
            # e.g. a script without ``if __name__ == "__main__":`` that workers re-run
            logger.warning("worker processes failed (%s); running in this process", exc)
            self.close()
            self.workers = 1
            return [fn(item) for item in items]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """The workers of a Dask cluster, through a ``distributed.Client``.

    Args:
        client: A connected client.
        cluster: A cluster this executor started and closes (None = someone else's).
    """

    remote = True

    def __init__(self, client: Any, cluster: Any = None) -> None:
        self.client = client
        self.cluster = cluster

    def __repr__(self) -> str:
        return f"DaskExecutor({self.client.scheduler.address!r}, workers={self.workers})"

    @property
    def workers(self) -> int:
        """Threads of the cluster's workers now (at least 1)."""
        info = self.client.scheduler_info()
        return max(1, sum(int(w.get("nthreads", 1)) for w in info["workers"].values()))

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if not items:
            return []
        futures = self.client.map(fn, list(items), pure=False)
        return list(self.client.gather(futures))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def open_executor(config: ParallelConfig) -> Executor:
    """The executor a run's options ask for (a Dask client is connected now).

    Raises:
        ConfigError: Dask is not installed, or the scheduler cannot be reached.
    """
    if config.scheduler is None and config.workers is None:
        processes = config.processes or available_cores()
        return ProcessPool(processes) if processes > 1 else SerialExecutor()
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
        raise ConfigError(
            "--scheduler and --workers need 'pip install \"dask[distributed]\"'"
        ) from exc
    if config.scheduler is not None:
        try:
            client = Client(config.scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler at {config.scheduler}: {exc}; start one "
                "with 'dask scheduler' and its workers with 'dask worker ADDRESS'"
            ) from exc
        logger.info("Dask scheduler %s", config.scheduler)
        return DaskExecutor(client)
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=config.workers,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    logger.info("local Dask cluster of %d worker processes", config.workers)
    return DaskExecutor(Client(cluster), cluster)  # type: ignore[no-untyped-call]


_ACTIVE: contextvars.ContextVar[Executor | None] = contextvars.ContextVar(
    "talktopics_executor", default=None
)


def active_executor() -> Executor | None:
    """The executor of the run in progress (None outside :func:`use_executor`)."""
    return _ACTIVE.get()


@contextlib.contextmanager
def use_executor(config_or_executor: ParallelConfig | Executor) -> Iterator[Executor]:
    """Make an executor the active one for the block; one opened here is closed after it."""
    if isinstance(config_or_executor, ParallelConfig):
        executor = open_executor(config_or_executor)
        owned = True
    else:
        executor, owned = config_or_executor, False
    token = _ACTIVE.set(executor)
    try:
        yield executor
    finally:
        _ACTIVE.reset(token)
        if owned:
            executor.close()
