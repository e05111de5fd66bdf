"""Stage timing of a fit: stage names in (one :meth:`Timer.lap` per finished stage), seconds
per stage out (:attr:`Timer.timings`, recorded in ``ModelInfo.timings``)."""

from __future__ import annotations

import time

__all__ = ["Timer"]


class Timer:
    """Seconds per named stage; a lap adds the time since the previous lap (or the start)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def lap(self, stage: str) -> None:
        """Close ``stage``: add the seconds since the previous lap to it."""
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self._clock
        self._clock = now
