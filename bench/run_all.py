"""Entry point of ``make bench``: run every benchmark script in order.

Each script is a module in bench/ with ``main(argv: Sequence[str] | None = None) -> int`` that
writes its own section of bench/RESULTS.md (see ``results_md.write_section``). To add a
benchmark, append its module name to ``SCRIPTS``. A failing script is reported and the others
still run; the exit code is non-zero if any failed.

Usage::

    python bench/run_all.py [--only topics_quality,topics_speed]
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SCRIPTS: tuple[str, ...] = (
    "bench_embed",
    "topics_quality",
    "encoder_topics",
    "topic_labels_quality",
    "topics_speed",
    "bench_summaries",
    "bench_compare",
    "bench_scale",
    "ingest_scaling",
    "fuzz_readers",
)
"""Benchmark modules, run in this order (each writes its own RESULTS.md section)."""

logger = logging.getLogger("bench.run_all")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run_all.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", default="", help=f"comma-separated subset of: {','.join(SCRIPTS)}"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    chosen = [s.strip() for s in args.only.split(",") if s.strip()] or list(SCRIPTS)
    unknown = [s for s in chosen if s not in SCRIPTS]
    if unknown:
        parser.error(f"unknown script(s): {', '.join(unknown)}; known: {', '.join(SCRIPTS)}")
    failed: list[str] = []
    for name in chosen:
        start = time.perf_counter()
        logger.info("=== %s", name)
        try:
            code = importlib.import_module(name).main([])
        except Exception:
            logger.error("%s crashed:\n%s", name, traceback.format_exc())
            code = 1
        logger.info("=== %s done in %.0f s (exit %s)", name, time.perf_counter() - start, code)
        if code:
            failed.append(name)
    if failed:
        logger.error("failed: %s", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
