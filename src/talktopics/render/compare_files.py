"""Comparison and output formats in, every report file out, in memory: file name -> Markdown,
HTML or JSON text, SVG text or PNG bytes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from talktopics.render.compare_charts import flow_chart
from talktopics.render.compare_html import render_compare_html
from talktopics.render.compare_json import render_compare_json
from talktopics.render.compare_markdown import render_compare_markdown
from talktopics.render.compare_shares import share_chart

if TYPE_CHECKING:
    from talktopics.compare.records import Comparison

__all__ = ["COMPARE_FORMATS", "render_compare"]

logger = logging.getLogger(__name__)

COMPARE_FORMATS: dict[str, tuple[str, ...]] = {
    "md": ("compare.md",),
    "html": ("compare.html",),
    "json": ("compare.json",),
    "svg": ("compare-flow.svg", "compare-shares.svg"),
    "png": ("compare-flow.png", "compare-shares.png"),
}
"""Output format -> the file names it writes inside the output folder."""


def render_compare(
    comparison: Comparison, formats: Sequence[str], *, timings: bool = False
) -> dict[str, str | bytes]:
    """Every file of the requested formats, in memory: file name -> text or PNG bytes.

    Args:
        comparison: What to render.
        formats: Any of the keys of :data:`COMPARE_FORMATS`, in the order to render them.
        timings: Write the (non-deterministic) step timings into ``compare.json``.
    """
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
