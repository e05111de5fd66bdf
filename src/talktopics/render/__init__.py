"""Renderers: a Digest in, Markdown / self-contained HTML / JSON text out (pure functions)."""

from __future__ import annotations

from talktopics.render.html import render_html
from talktopics.render.json import render_json
from talktopics.render.markdown import render_markdown

__all__ = ["render_html", "render_json", "render_markdown"]
