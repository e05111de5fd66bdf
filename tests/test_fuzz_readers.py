"""Fuzzing every reader (CI-sized): no crash, no hang, no good record lost beside a broken one.

The cases come from bench/fuzz_readers.py, which runs the same fuzzer for 10,000+ cases:
``record`` cases put one broken record (a hostile value or malformed markup) among three
good talks, in each of the 14 talk formats; ``mutation`` cases are byte mutations of those
files. Hypothesis drives a second run, choosing the format, the hostile value and its place.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import fuzz_readers as fz

TIME_BOUND = 30.0
"""Seconds per case; the slowest case takes about 5 s on a loaded 2-core machine."""


def _check(case: fz.Case, tmp_path: Path) -> None:
    outcome = fz.run_case(case, tmp_path, timeout=TIME_BOUND)
    assert not outcome.traceback, outcome.traceback
    assert not outcome.hang, f"{case.kind} {case.format}: over {TIME_BOUND} s"
    assert not outcome.lost, f"{case.format}: lost {outcome.lost} ({case.note})"
    assert outcome.unnamed_issues == 0


@pytest.mark.parametrize("fmt", fz.FORMATS)
def test_broken_record_beside_good_ones(tmp_path: Path, fmt: str) -> None:
    rng = random.Random(f"record {fmt}")
    for n in range(6):
        folder = tmp_path / str(n)
        folder.mkdir()
        _check(fz.make_case(rng, fmt), folder)


def test_byte_mutations_of_every_format(tmp_path: Path) -> None:
    rng = random.Random("mutation")
    for n in range(60):
        folder = tmp_path / str(n)
        folder.mkdir()
        _check(fz.make_case(rng, "", kind="mutation"), folder)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fmt=st.sampled_from(fz.FORMATS), seed=st.integers(0, 2**32 - 1), mutate=st.booleans())
def test_hypothesis_cases(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, seed: int, mutate: bool
) -> None:
    case = fz.make_case(random.Random(seed), fmt, kind="mutation" if mutate else "record")
    _check(case, tmp_path_factory.mktemp("case"))


def test_every_talk_format_is_fuzzed() -> None:
    from talktopics.ingest import FORMATS

    assert set(fz.FORMATS) == set(FORMATS) - {"aux"}
