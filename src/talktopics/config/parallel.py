"""Where a run's parallel work goes: the ``[parallel]`` TOML table (or ``--scheduler`` /
``--workers``) in, a validated :class:`ParallelConfig` out."""

from __future__ import annotations

from dataclasses import dataclass

from talktopics.errors import ConfigError

__all__ = ["ParallelConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelConfig:
    """The executor of a run.

    Without ``scheduler`` and ``workers`` everything runs on this machine: term extraction in
    ``processes`` worker processes, the rest in the run's own process. With either, reading,
    language identification, term extraction and encoding run on a Dask cluster; the word
    graph, Infomap, summaries and rendering stay in the run's process.
    """

    scheduler: str | None = None
    """Address of a running Dask scheduler (``tcp://host:8786``)."""
    workers: int | None = None
    """Start a local Dask cluster of this many worker processes for the run."""
    processes: int | None = None
    """Worker processes for term extraction without Dask; None = the cores this process may
    use, 1 = no worker processes."""

    def __post_init__(self) -> None:
        for name in ("workers", "processes"):
            value = getattr(self, name)
            bad = isinstance(value, bool) or not isinstance(value, int) or value < 1
            if value is not None and bad:
                raise ConfigError(
                    f"parallel.{name} = {value!r} is invalid; must be a whole number >= 1"
                )
        if self.scheduler is not None and not str(self.scheduler).strip():
            raise ConfigError("parallel.scheduler is empty; give an address like tcp://host:8786")
        if self.scheduler is not None and self.workers is not None:
            raise ConfigError(
                "give either a scheduler address (a running cluster) or a number of workers "
                "(a local cluster), not both"
            )
