"""Stage timing and progress: named stages (or laps) in, their wall-clock seconds and an
optional rich progress display on stderr out.

* :class:`Stages` — a context manager per stage (``with stages.stage("topics", "Finding
  topics") as say: ...``); the timings are collected in order; with ``display=True`` each
  stage is a line with a spinner on stderr.
* :class:`Laps` — the same timings for code that marks the end of each step (``lap("terms")``).
* :func:`spinner` — one rich status line on stderr whose text follows the current step.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

__all__ = ["Laps", "Say", "Stages", "Timings", "spinner"]

logger = logging.getLogger(__name__)

Say = Callable[[str], None]
"""Called with a short message about the current step."""
Timings = tuple[tuple[str, float], ...]
"""``((stage, seconds), ...)`` in the order the stages ran."""


class Stages:
    """Times each stage; with ``display=True`` shows it as a rich progress line on stderr."""

    def __init__(self, *, display: bool = False) -> None:
        self.display = display
        self._timings: list[tuple[str, float]] = []
        self._progress: Progress | None = None

    @property
    def timings(self) -> Timings:
        """Seconds per finished stage, in order (a failed stage is not listed)."""
        return tuple(self._timings)

    def __enter__(self) -> Stages:
        if self.display:
            self._progress = Progress(
                SpinnerColumn(finished_text="[green]✓[/]"),
                TextColumn("{task.description}"),
                BarColumn(bar_width=24),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    @contextlib.contextmanager
    def stage(self, key: str, title: str) -> Iterator[Say]:
        """One stage: yields a callback that shows (and logs) the stage's current step.

        Args:
            key: The stage's name in :attr:`timings`.
            title: What the stage does, shown and logged as it starts.
        """
        progress = self._progress
        task = progress.add_task(escape(title), total=None) if progress is not None else None

        def say(message: str) -> None:
            logger.info("%s: %s", title, message)
            if progress is not None and task is not None:
                progress.update(task, description=escape(f"{title}: {message}"))

        logger.info("%s", title)
        start = time.perf_counter()
        try:
            yield say
        except BaseException:
            if progress is not None and task is not None:
                progress.update(task, description=f"[red]{escape(title)}: stopped[/]")
            raise
        self._timings.append((key, time.perf_counter() - start))
        if progress is not None and task is not None:
            progress.update(task, description=escape(title), total=1, completed=1)


class Laps:
    """Times consecutive steps: each :meth:`lap` ends the step that began at the last one."""

    def __init__(self) -> None:
        self._seconds: dict[str, float] = {}
        self._clock = time.perf_counter()

    def lap(self, key: str) -> None:
        """End step ``key`` now (a key seen before adds to its seconds)."""
        now = time.perf_counter()
        self._seconds[key] = self._seconds.get(key, 0.0) + now - self._clock
        self._clock = now

    @property
    def timings(self) -> Timings:
        """Seconds per step, in the order each key first ended."""
        return tuple(self._seconds.items())


@contextlib.contextmanager
def spinner(title: str, *, enabled: bool = True) -> Iterator[Say]:
    """A rich status line on stderr showing ``title``, then each message given to the yielded
    callback; with ``enabled=False`` the callback does nothing."""
    if not enabled:
        yield _silent
        return
    console: Any = Console(stderr=True, highlight=False)
    with console.status(title) as status:

        def say(message: str) -> None:
            status.update(escape(message))

        yield say


def _silent(message: str) -> None:
    """A :data:`Say` that shows nothing."""
