"""Renderers: a Digest in, Markdown / self-contained HTML / JSON text out (pure functions)."""

from __future__ import annotations

from talktopics.errors import ConfigError
from talktopics.outputs import DIGEST_FORMATS
from talktopics.records import Digest
from talktopics.render.html import render_html
from talktopics.render.json import render_json
from talktopics.render.markdown import render_markdown

__all__ = ["render_digest", "render_html", "render_json", "render_markdown"]


def render_digest(digest: Digest, fmt: str, *, timings: bool = False) -> str:
    """Render the digest in one format (``"md"``, ``"html"`` or ``"json"``).

    Raises:
        ConfigError: An unknown format.
    """
    if fmt == "md":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest)
    if fmt == "json":
        return render_json(digest, timings=timings)
    raise ConfigError(f"unknown digest format {fmt!r}; known formats: {', '.join(DIGEST_FORMATS)}")
