"""Renderers: a Digest in, Markdown / self-contained HTML / JSON / iCalendar / CSV text out
(pure functions)."""

from __future__ import annotations

from talktopics.errors import ConfigError
from talktopics.outputs import DIGEST_FORMATS
from talktopics.records import Digest
from talktopics.render.csv_export import render_csv
from talktopics.render.html import render_html
from talktopics.render.ics import render_ics
from talktopics.render.json import render_json
from talktopics.render.markdown import render_markdown

__all__ = [
    "render_csv",
    "render_digest",
    "render_html",
    "render_ics",
    "render_json",
    "render_markdown",
]


def render_digest(digest: Digest, fmt: str, *, timings: bool = False) -> str:
    """Render the digest in one format (``"md"``, ``"html"``, ``"json"``, ``"ics"`` or
    ``"csv"``).

    Raises:
        ConfigError: An unknown format.
    """
    if fmt == "md":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest)
    if fmt == "json":
        return render_json(digest, timings=timings)
    if fmt == "ics":
        return render_ics(digest)
    if fmt == "csv":
        return render_csv(digest)
    raise ConfigError(f"unknown digest format {fmt!r}; known formats: {', '.join(DIGEST_FORMATS)}")
