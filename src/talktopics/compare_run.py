"""The recipe of ``talktopics compare``: edition arguments in, report files out.

read the editions -> choose the embedder -> compare (terms, topic models, alignment,
classification) -> render every format in memory -> write each file atomically.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from talktopics.compare import compare_topics
from talktopics.compare_editions import Edition, load_editions, parse_editions
from talktopics.compare_records import Comparison
from talktopics.config import RunConfig
from talktopics.errors import ConfigError

__all__ = [
    "COMPARE_FORMATS",
    "CompareResult",
    "parse_compare_formats",
    "render_compare",
    "run_compare",
]

logger = logging.getLogger(__name__)

COMPARE_FORMATS: dict[str, tuple[str, ...]] = {
    "md": ("compare.md",),
    "html": ("compare.html",),
    "json": ("compare.json",),
    "svg": ("compare-flow.svg", "compare-shares.svg"),
    "png": ("compare-flow.png", "compare-shares.png"),
}
"""Output format -> the file names it writes inside the output folder."""


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
    from talktopics.outputs import parse_formats

    return parse_formats(formats, tuple(COMPARE_FORMATS), "compare")


def render_compare(
    comparison: Comparison, formats: Sequence[str], *, timings: bool = False
) -> dict[str, str | bytes]:
    """Every file of the requested formats, in memory: file name -> text or PNG bytes."""
    from talktopics.render.compare_charts import flow_chart, share_chart
    from talktopics.render.compare_html import render_compare_html
    from talktopics.render.compare_json import render_compare_json
    from talktopics.render.compare_markdown import render_compare_markdown

    files: dict[str, str | bytes] = {}
    images = COMPARE_FORMATS["svg"] if "svg" in formats else ()
    if not images and "png" in formats:
        images = COMPARE_FORMATS["png"]
    for fmt in formats:
        names = COMPARE_FORMATS[fmt]
        if fmt == "md":
            files[names[0]] = render_compare_markdown(comparison, images=images)
        elif fmt == "html":
            files[names[0]] = render_compare_html(comparison)
        elif fmt == "json":
            files[names[0]] = render_compare_json(comparison, timings=timings)
        elif fmt == "svg":
            files[names[0]] = flow_chart(comparison, "svg")
            files[names[1]] = share_chart(comparison, "svg")
        else:
            files[names[0]] = flow_chart(comparison, "png")
            files[names[1]] = share_chart(comparison, "png")
    return files


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
            whose sub-folders are the editions (see :mod:`talktopics.compare_editions`).
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
    from talktopics import embed, nlp
    from talktopics.outputs import check_out_dir

    config = config or RunConfig()
    formats = parse_compare_formats(formats)
    check_out_dir(out_dir)  # before the slow stages, not after them
    say = progress or (lambda message: None)
    clock: dict[str, float] = {}
    start = time.perf_counter()
    specs = parse_editions(arguments, labels)
    if len(specs) > config.compare.max_editions:
        raise ConfigError(
            f"{len(specs)} editions given; at most {config.compare.max_editions} can be "
            "compared (compare.max_editions)"
        )
    say(f"reading {len(specs)} editions")
    editions = load_editions(
        specs,
        input_format=input_format,
        column_map=column_map,
        conference=conference,
        limits=config.ingest,
    )
    clock["ingest"] = time.perf_counter() - start
    with contextlib.ExitStack() as cleanup:
        say("loading the embedding model")
        languages = [
            nlp.talk_language(t, languages=config.topics.nlp.languages)
            for e in editions
            for t in e.talks
        ]
        embedder = embed.select_embedder(config.topics.embed, languages)
        close = getattr(embedder, "close", None)
        if callable(close):
            cleanup.callback(close)
        mark = time.perf_counter()
        comparison = compare_topics(
            editions,
            config.compare,
            topic_config=config.topics,
            embedder=embedder,
            progress=say,
        )
        clock["compare"] = time.perf_counter() - mark
    mark = time.perf_counter()
    say("rendering " + ", ".join(formats))
    steps = tuple((k, round(v, 4)) for k, v in clock.items()) + tuple(
        ("compare." + k, v) for k, v in comparison.timings
    )
    import dataclasses

    comparison = dataclasses.replace(comparison, timings=steps)
    files = render_compare(comparison, formats, timings=timings)
    out = Path(out_dir)
    say(f"writing {out}")
    written = tuple(_write_atomic(out / name, data) for name, data in files.items())
    clock["render_write"] = time.perf_counter() - mark
    return CompareResult(
        paths=written,
        comparison=comparison,
        editions=tuple(editions),
        timings=tuple((k, round(v, 4)) for k, v in clock.items()),
    )


def _write_atomic(path: Path, data: str | bytes) -> Path:
    """Write text (via the digest's writer) or bytes so ``path`` is the old or the new file."""
    from talktopics.outputs import write_atomic_text as write_atomic

    if isinstance(data, str):
        return write_atomic(path, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
