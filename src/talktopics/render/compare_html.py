"""Comparison -> one self-contained HTML page: flow diagram, share chart, tables, topic cards.

The page works offline and makes no network request: the charts are inline SVG drawn by
:mod:`talktopics.render.compare_charts` (their bars and lines link to the topic sections and
carry tooltips), the CSS is inline, and there is no script at all — the
Content-Security-Policy allows none and forbids every fetch. User text is escaped by Jinja2's
autoescape; the SVG text by matplotlib's XML writer.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import markupsafe

from talktopics.render.compare_charts import flow_chart, series_colours
from talktopics.render.compare_shares import share_panels, share_scale
from talktopics.render.compare_view import (
    CLASS_NAMES,
    CLASS_TEXT,
    STRATEGY_TEXT,
    CompareView,
    percent,
    rules_text,
)
from talktopics.render.view import anchor, safe_url, single_line, template_environment

if TYPE_CHECKING:
    from talktopics.compare.records import Comparison, TopicSeries

__all__ = ["CSP", "inline_svg", "render_compare_html"]

logger = logging.getLogger(__name__)

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    )
)
"""No scripts, no fetches: only the page's own inline styles (and SVG styles)."""
_ISSUES_SHOWN = 200
_CLASS_COLOURS = {
    "new": "#1a7f37",
    "emerging": "#2da44e",
    "split": "#8250df",
    "stable": "#0969da",
    "merged": "#9a6700",
    "fading": "#cf222e",
    "gone": "#a40e26",
    "inconclusive": "#6e7781",
}


def inline_svg(svg: str, prefix: str) -> str:
    """A matplotlib SVG document made fit to sit inside HTML.

    The XML declaration, DOCTYPE and metadata go; the SVG's own ids (and the references to
    them) get ``prefix`` so two charts on one page never share an id. Links to the page's
    sections (``#series-...``) are kept as they are, opening in the same page.
    """
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)

    def fix_tag(match: re.Match[str]) -> str:
        # Only inside tags: text content never holds a raw "<", so it is left alone.
        tag = match.group(0)
        tag = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', tag)
        tag = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", tag)
        tag = tag.replace(' target="_blank"', "")  # section links stay in the page
        if tag.startswith("<use"):
            tag = re.sub(
                r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}-{m.group(1)}"', tag
            )
        return tag

    svg = re.sub(r"<[^<>]+>", fix_tag, svg)
    svg = re.sub(r"<svg\b", '<svg class="chart" role="img"', svg, count=1)
    return svg.strip()


def _talk(view: CompareView, talk_id: str) -> dict[str, Any] | None:
    talk = view.talk(talk_id)
    if talk is None:
        return None
    return {
        "title": single_line(talk.title) or "Untitled talk",
        "speakers": single_line(", ".join(talk.speakers)),
        "url": safe_url(talk.url) or safe_url(talk.video_url),
    }


def _series(view: CompareView, s: TopicSeries, colours: dict[str, str]) -> dict[str, Any]:
    def ref(series_id: str | None) -> dict[str, str] | None:
        other = view.series.get(series_id or "")
        if other is None:
            return None
        return {"label": single_line(other.label), "href": "#" + anchor("series", other.id)}

    return {
        "id": s.id,
        "anchor": anchor("series", s.id),
        "label": single_line(s.label) or s.id,
        "cls": CLASS_NAMES[s.classification],
        "cls_colour": _CLASS_COLOURS[s.classification],
        "colour": colours[s.id],
        "reason": single_line(s.reason[:1].upper() + s.reason[1:]),
        "terms": [single_line(t) for t, _ in s.terms[:8]],
        "gained": [single_line(t) for t in s.gained],
        "lost": [single_line(t) for t in s.lost],
        "split_from": ref(s.split_from),
        "merged_into": ref(s.merged_into),
        "total": s.total,
        "p": f"{s.test.p_value:.3g}",
        "q": f"{s.test.q_value:.3g}",
        "cells": [
            {"talks": x.talks, "pct": percent(x.share), "heat": min(1.0, x.share * 5)}
            for x in s.shares
        ],
        "editions": [
            {
                "label": single_line(x.edition),
                "talks": x.talks,
                "pct": percent(x.share),
                "terms": [single_line(t) for t, _ in x.terms[:6]],
                "talks_list": [t for t in (_talk(view, tid) for tid in x.talk_ids) if t],
            }
            for x in s.shares
            if x.talks
        ],
    }


def render_compare_html(comparison: Comparison) -> str:
    """Render the comparison as one self-contained HTML page that works offline.

    Args:
        comparison: What to render.

    Returns:
        The HTML document (byte-identical per input and seed).
    """
    view = CompareView(comparison)
    colours = series_colours(comparison)
    flow = inline_svg(str(flow_chart(comparison, "svg", links=True)), "flow")
    run = comparison.run
    template = template_environment().get_template("compare.html.j2")
    return str(
        template.render(
            name=single_line(comparison.name) or "Conference",
            csp=CSP,
            strategy=STRATEGY_TEXT[comparison.strategy],
            run={
                "version": run.version,
                "model": " ".join(x for x in (run.embedder, run.model) if x),
                "seed": run.seed,
            },
            editions=[
                {
                    "label": single_line(e.label),
                    "name": single_line(e.name),
                    "talks": e.talks,
                    "with_text": e.with_text,
                    "other": e.other,
                    "topics": e.topics,
                    "boilerplate": [single_line(b) for b in e.boilerplate],
                }
                for e in comparison.editions
            ],
            skipped=[
                {"label": single_line(s.label), "reason": single_line(s.reason)}
                for s in comparison.skipped
            ],
            glance=[
                {
                    "cls": CLASS_NAMES[cls],
                    "colour": _CLASS_COLOURS[cls],
                    "text": CLASS_TEXT[cls],
                    "series": [
                        {
                            "label": single_line(s.label),
                            "href": "#" + anchor("series", s.id),
                            "span": single_line(view.summary(s)),
                        }
                        for s in members
                    ],
                }
                for cls, members in view.by_class()
            ],
            flow_svg=_markup(flow),
            panels=[
                {**p, "href": "#" + anchor("series", p["id"]), "svg": _markup(p["svg"])}
                for p in share_panels(comparison)
            ],
            share_top=f"{share_scale(comparison):g}",
            series=[_series(view, s, colours) for s in comparison.series],
            other=[{"talks": o.talks, "pct": percent(o.share)} for o in comparison.other],
            rules=rules_text(comparison),
            issues=[str(i) for i in comparison.issues[:_ISSUES_SHOWN]],
            hidden_issues=max(0, len(comparison.issues) - _ISSUES_SHOWN),
        )
    )


def _markup(text: str) -> Any:
    """Trusted text (our own SVG, its user text escaped by matplotlib) that Jinja2 must not
    escape again."""
    return markupsafe.Markup(text)
