"""The recipe of ``talktopics compare``: edition arguments and options in, report files out.

read the editions -> load the embedding model -> compare (terms, topic models, alignment,
classification) -> render every format in memory -> write the files all or nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from talktopics import embed, nlp
from talktopics.compare.comparison import compare_editions
from talktopics.compare.editions import Edition, load_editions, parse_editions
from talktopics.compare.records import Comparison
from talktopics.config import RunConfig
from talktopics.errors import ConfigError
from talktopics.outputs import check_out_dir, parse_formats, write_files
from talktopics.parallel import use_executor
from talktopics.render.compare_files import COMPARE_FORMATS, render_compare

__all__ = ["CompareResult", "parse_compare_formats", "run_compare"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareResult:
    """What one compare run produced."""

    paths: tuple[Path, ...]
    comparison: Comparison
    editions: tuple[Edition, ...]
    """Every edition read, the skipped ones included."""
    timings: tuple[tuple[str, float], ...] = field(default=())


def parse_compare_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    """``"md,html"`` -> ``("md", "html")``, checked and de-duplicated.

    Raises:
        ConfigError: An unknown or no format.
    """
    return parse_formats(formats, tuple(COMPARE_FORMATS), "compare")


def run_compare(
    arguments: Sequence[str],
    out_dir: str | Path,
    *,
    labels: Sequence[str] = (),
    formats: Sequence[str] = ("md", "html", "json", "svg", "png"),
    config: RunConfig | None = None,
    input_format: str | None = None,
    column_map: Mapping[str, str] | None = None,
    conference: str | None = None,
    progress: Callable[[str], None] | None = None,
    timings: bool = False,
) -> CompareResult:
    """Compare the topics of several editions of a conference and write the report.

    Args:
        arguments: One PATH per edition (``A+B`` joins paths into one edition), or one folder
            whose sub-folders are the editions (see :mod:`talktopics.compare.editions`).
        out_dir: Folder for the report files (created).
        labels: One label per edition, in order; default = the editions' years.
        formats: Any of ``md``, ``html``, ``json``, ``svg``, ``png``.
        config: All options (``config.compare``: strategy and rules; ``config.topics``: the
            topic models, seed included).
        input_format: Force the input reader instead of detecting it.
        column_map: CSV/JSONL field -> column name.
        conference: Conference name when the input does not say.
        progress: Called with a short message as each step starts.
        timings: Write the (non-deterministic) step timings into ``compare.json``.

    Returns:
        The written paths (in format order), the comparison, the editions read and timings.

    Raises:
        ConfigError: Bad options, too many editions, or labels that do not match.
        NotEnoughEditionsError: Fewer than two editions with usable talks.
        ModelNotAvailableError: The embedding model is not installed.
    """
    config = config or RunConfig()
    formats = parse_compare_formats(formats)
    check_out_dir(out_dir)  # before the slow stages, not after them
    say = progress or (lambda message: None)
    clock: dict[str, float] = {}
    start = time.perf_counter()
    # Reading, term extraction and encoding go to the run's executor (a cluster with Dask).
    with use_executor(config.parallel), contextlib.ExitStack() as cleanup:
        # 1. Read the editions.
        editions = _read_editions(
            arguments, labels, config, input_format, column_map, conference, say
        )
        clock["ingest"] = time.perf_counter() - start
        # 2. Load the embedding model (closed when the comparison is done).
        say("loading the embedding model")
        embedder = _load_embedder(editions, config, cleanup)
        mark = time.perf_counter()
        # 3. Compare: terms, topic models, alignment, classification.
        comparison = compare_editions(
            editions, config.compare, topic_config=config.topics, embedder=embedder, progress=say
        )
        clock["compare"] = time.perf_counter() - mark
    mark = time.perf_counter()
    # 4. Render every format in memory.
    say("rendering " + ", ".join(formats))
    steps = tuple((k, round(v, 4)) for k, v in clock.items()) + tuple(
        ("compare." + k, v) for k, v in comparison.timings
    )
    comparison = dataclasses.replace(comparison, timings=steps)
    files = render_compare(comparison, formats, timings=timings)
    # 5. Write the files all or nothing: a failure leaves the previous report as it was.
    out = Path(out_dir)
    say(f"writing {out}")
    written = write_files(out, files, what="comparison")
    clock["render_write"] = time.perf_counter() - mark
    return CompareResult(
        paths=written,
        comparison=comparison,
        editions=tuple(editions),
        timings=tuple((k, round(v, 4)) for k, v in clock.items()),
    )


def _read_editions(
    arguments: Sequence[str],
    labels: Sequence[str],
    config: RunConfig,
    input_format: str | None,
    column_map: Mapping[str, str] | None,
    conference: str | None,
    say: Callable[[str], None],
) -> list[Edition]:
    """The editions the arguments name, every one read (checked for their number first)."""
    specs = parse_editions(arguments, labels)
    if len(specs) > config.compare.max_editions:
        raise ConfigError(
            f"{len(specs)} editions given; at most {config.compare.max_editions} can be "
            "compared (compare.max_editions)"
        )
    say(f"reading {len(specs)} editions")
    return load_editions(
        specs,
        input_format=input_format,
        column_map=column_map,
        conference=conference,
        limits=config.ingest,
    )


def _load_embedder(
    editions: Sequence[Edition], config: RunConfig, cleanup: contextlib.ExitStack
) -> embed.Embedder:
    """The embedder for the talks' languages; closed by ``cleanup`` when it can be."""
    languages = [
        nlp.talk_language(t, languages=config.topics.nlp.languages)
        for e in editions
        for t in e.talks
    ]
    embedder = embed.select_embedder(config.topics.embed, languages)
    close = getattr(embedder, "close", None)
    if callable(close):
        cleanup.callback(close)
    return embedder
