"""Where a run's parallel work goes: one ``map`` over a local process pool or a Dask cluster.

:mod:`~talktopics.parallel.executor` holds the executors and the run's active one;
:mod:`~talktopics.parallel.embedding` sends encoding to the cluster's workers.
"""

from __future__ import annotations

from talktopics.parallel.executor import (
    DaskExecutor,
    Executor,
    ProcessPool,
    SerialExecutor,
    active_executor,
    available_cores,
    contiguous_chunks,
    open_executor,
    use_executor,
)

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
