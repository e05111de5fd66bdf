"""Stage timing: stages and laps are timed in order; a failed stage is not listed."""

from __future__ import annotations

import pytest

from talktopics.progress import Laps, Stages, spinner


def test_stages_are_timed_in_order_and_a_failed_stage_is_not_listed() -> None:
    said: list[str] = []
    with Stages() as stages:
        with stages.stage("read", "Reading") as say:
            say("file 1")
            said.append("read")
        with stages.stage("fit", "Fitting"):
            pass
        with pytest.raises(KeyboardInterrupt), stages.stage("render", "Rendering"):
            raise KeyboardInterrupt
    assert [key for key, _ in stages.timings] == ["read", "fit"]
    assert all(seconds >= 0 for _, seconds in stages.timings)
    assert said == ["read"]


def test_laps_add_up_per_key_in_first_seen_order() -> None:
    laps = Laps()
    laps.lap("terms")
    laps.lap("embed")
    laps.lap("terms")
    assert [key for key, _ in laps.timings] == ["terms", "embed"]


def test_a_disabled_spinner_shows_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with spinner("Working", enabled=False) as say:
        say("step [1/2]")
    assert capsys.readouterr() == ("", "")
