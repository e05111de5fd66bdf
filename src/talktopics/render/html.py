"""Digest -> one self-contained HTML page: topic chart, interactive word network, map of talks,
talk cards."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import Any

from talktopics.records import OTHER_TOPIC, Digest, Talk, Topic
from talktopics.render.browse import (
    days,
    filter_choices,
    has_notes_choice,
    talk_records,
    topic_menu,
)
from talktopics.render.colours import OTHER_COLOUR, PALETTE, label_colours
from talktopics.render.view import (
    DigestView,
    anchor,
    safe_url,
    schedule_text,
    single_line,
    template_environment,
)

__all__ = ["PALETTE", "STATIC_SCRIPTS", "render_html", "script_json", "topic_colours"]

logger = logging.getLogger(__name__)

_TERMS_SHOWN = 10
_RELATED_SHOWN = 6
_BAR_SPAN = 280
"""Longest bar of the chart, in SVG units of a 330-unit-wide chart (its labels take 13 units)."""
_DETAIL_CHARS = 6000
"""Most characters of each text (abstract, description, notes) shown in a talk's details."""
_DETAIL_BUDGET = 6_000_000
"""About this many characters of details in all; big corpora get shorter details (or none)."""
STATIC_SCRIPTS = (
    "cytoscape.min.js",
    "filters.js",
    "schedule.js",
    "download.js",
    "network.js",
    "map.js",
)
"""Scripts inlined in this order: filters.js owns the selection (search + filters) and
announces it (``talktopics:selection``); the others (schedule, downloads, the word network,
the map of talks) listen."""
_STYLES = ("digest.css", "map.css")
_MAP_SUMMARY_CHARS = 160
"""The map's tooltip shows this much of a talk's summary (one line)."""
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(data: Any) -> str:
    """JSON safe to place inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``... so no input can close the script element or
    open a comment; U+2028/2029 are escaped for old JavaScript parsers.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def topic_colours(digest: Digest) -> dict[str, str]:
    """Colour of each topic id: top-level topics by their label
    (:func:`~talktopics.render.colours.label_colours`, as in a comparison), sub-topics their
    parent's."""
    labels = label_colours(t.label for t in digest.topics)
    colours = {t.id: colour for t, colour in zip(digest.topics, labels, strict=True)}
    for sub in digest.subtopics:
        colours[sub.id] = colours.get(sub.parent or "", OTHER_COLOUR)
    colours[OTHER_TOPIC] = OTHER_COLOUR
    return colours


@functools.cache
def _static(name: str) -> str:
    text = resources.files("talktopics.render").joinpath(f"static/{name}").read_text("utf-8")
    if "</script" in text.lower() or "<!--" in text:
        raise RuntimeError(f"static asset {name} cannot be inlined: it contains </script or <!--")
    return text


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Bar:
    topic: str
    label: str
    href: str
    count: int
    colour: str
    y: int
    width: float


def _chart(view: DigestView, colours: dict[str, str]) -> tuple[list[_Bar], int]:
    """Rows of the talks-per-topic bar chart (SVG user units, about 1:1 with CSS pixels)."""
    rows = [
        (t.id, t.label, "#" + anchor("topic", t.id), len(view.talks_of(t)), colours[t.id])
        for t in view.digest.topics
    ]
    others = len(view.other_talks())
    if others:
        rows.append((OTHER_TOPIC, "Talks in no topic", "#topic-other", others, OTHER_COLOUR))
    most = max((r[3] for r in rows), default=1) or 1
    bars = [
        _Bar(
            topic=topic,
            label=label,
            href=href,
            count=n,
            colour=c,
            y=i * 40,
            width=round(_BAR_SPAN * n / most, 1),
        )
        for i, (topic, label, href, n, c) in enumerate(rows)
    ]
    return bars, max(40, len(bars) * 40)


def _detail_chars(n_talks: int) -> int:
    """Characters per text in the talk details, so the page stays loadable for big corpora."""
    cap = min(_DETAIL_CHARS, _DETAIL_BUDGET // max(1, 3 * n_talks))
    return cap if cap >= 200 else 0


def _talk(
    view: DigestView, talk: Talk, colours: dict[str, str], detail_chars: int
) -> dict[str, Any]:
    summary = view.talk_summaries.get(talk.id)
    sub = view.subtopic_of.get(talk.id)
    details: list[dict[str, str]] = []
    for name, text, lang in (
        ("Abstract", talk.abstract, talk.language),
        ("Description", talk.description, talk.language),
        ("Notes", talk.notes, talk.notes_language),
    ):
        text = text.strip()
        if text and detail_chars and all(text != d["text"] for d in details):
            cut = text if len(text) <= detail_chars else text[:detail_chars].rstrip() + " …"
            details.append({"name": name, "text": cut, "lang": lang or ""})
    return {
        "anchor": anchor("talk", talk.id),
        "title": single_line(talk.title) or "Untitled talk",
        "speakers": single_line(", ".join(talk.speakers)),
        "when": schedule_text(talk),
        "session_type": single_line(talk.session_type or ""),
        "url": safe_url(talk.url),
        "video_url": safe_url(talk.video_url),
        "summary": single_line(summary.text) if summary is not None else "",
        "summary_source": summary.source if summary is not None else "",
        "summary_lang": (summary.language or "") if summary is not None else "",
        "subtopic": single_line(view.topics[sub].label) if sub in view.topics else "",
        "secondary": [
            {"label": t.label, "href": "#" + anchor("topic", t.id), "colour": colours[t.id]}
            for t in view.secondary(talk)
        ],
        "details": details,
    }


def _topic(
    view: DigestView,
    topic: Topic,
    colours: dict[str, str],
    detail_chars: int,
    menu: list[dict[str, Any]],
) -> dict[str, Any]:
    terms = topic.terms[:_TERMS_SHOWN]
    top = max((w for _, w in terms), default=0.0)
    blurb = view.topic_summaries.get(topic.id)
    related = view.related(topic)
    return {
        "id": topic.id,
        "anchor": anchor("topic", topic.id),
        "number": view.number.get(topic.id, 0),
        "label": single_line(topic.label) or f"Topic {view.number.get(topic.id, '')}",
        "colour": colours[topic.id],
        "terms": [
            {"term": single_line(t), "weight": w, "pct": round(100 * w / top) if top > 0 else 0}
            for t, w in terms
        ],
        "blurb": single_line(blurb.text) if blurb is not None else "",
        "subtopics": next(m["subtopics"] for m in menu if m["id"] == topic.id),
        "related": [
            {"title": single_line(t.title), "href": "#" + anchor("talk", t.id)}
            for t in related[:_RELATED_SHOWN]
        ],
        "related_more": max(0, len(related) - _RELATED_SHOWN),
        "talks": [_talk(view, t, colours, detail_chars) for t in view.talks_of(topic)],
    }


def _network_data(view: DigestView, colours: dict[str, str]) -> dict[str, Any]:
    """What network.js draws: topics (with hub positions), terms and edges, compact."""
    digest = view.digest
    index = {n.term: i for i, n in enumerate(digest.word_nodes)}
    hubs = {tid: (x, y) for tid, x, y in digest.topic_positions}
    topics = [
        {
            "id": t.id,
            "label": t.label,
            "colour": colours[t.id],
            "talks": len(view.talks_of(t)),
            "anchor": anchor("topic", t.id),
            "x": hubs[t.id][0] if t.id in hubs else None,
            "y": hubs[t.id][1] if t.id in hubs else None,
        }
        for t in digest.topics
    ]
    # Label priority: a term's place among its main topic's terms (the network lists each
    # topic's best terms first, generic words last), so the default view labels every
    # topic's top terms before any topic's lesser ones.
    seen: dict[str, int] = defaultdict(int)
    rank: list[int] = []
    for n in digest.word_nodes:
        main = n.topics[0][0] if n.topics else ""
        rank.append(seen[main])
        seen[main] += 1
    return {
        "topics": topics,
        "talks": talk_records(view, colours),
        "days": days(view),
        "nodes": [
            {
                "label": n.display,
                "rank": rank[i],
                "topics": [[tid, round(w, 4)] for tid, w in n.topics],
                "df": n.df,
                "score": round(n.score, 4),
                "x": n.x,
                "y": n.y,
            }
            for i, n in enumerate(digest.word_nodes)
        ],
        "edges": [
            [index[e.source], index[e.target], round(e.weight, 4)]
            for e in digest.word_edges
            if e.source in index and e.target in index
        ],
    }


def _map_data(view: DigestView) -> list[list[Any]]:
    """The map of talks for map.js: per talk ``[x, y, topic index (-1: none), card anchor,
    talk id, title, summary (one line, cut)]``; coordinates in 0..1."""
    digest = view.digest
    index = {t.id: i for i, t in enumerate(digest.topics)}
    points: list[list[Any]] = []
    for tid, x, y in digest.talk_positions:
        talk = view.talks.get(tid)
        if talk is None:
            continue
        summary = view.talk_summaries.get(tid)
        text = single_line(summary.text) if summary is not None else ""
        if len(text) > _MAP_SUMMARY_CHARS:
            text = text[: _MAP_SUMMARY_CHARS - 1].rstrip() + "…"
        points.append(
            [
                x,
                y,
                index.get(view.home.get(tid, ""), -1),
                anchor("talk", tid),
                tid,
                single_line(talk.title) or "Untitled talk",
                text,
            ]
        )
    return points


def render_html(digest: Digest) -> str:
    """Render the digest as one self-contained HTML page that works offline.

    All CSS and JavaScript (the vendored cytoscape.js included) are inlined; a
    Content-Security-Policy forbids every network request and allows only the page's own
    scripts (by hash). User text is escaped by Jinja2's autoescape; data for the scripts is
    embedded as JSON with ``<``, ``>``, ``&`` escaped. Pure function of the digest.

    Args:
        digest: What to render.

    Returns:
        The HTML document.
    """
    view = DigestView(digest)
    detail_chars = _detail_chars(len(digest.talks))
    colours = topic_colours(digest)
    scripts = [_static(name) for name in STATIC_SCRIPTS]
    csp = "; ".join(
        (
            "default-src 'none'",
            "script-src " + " ".join(_csp_hash(s) for s in scripts),
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    bars, chart_height = _chart(view, colours)
    menu = topic_menu(view, colours)
    others = view.other_talks()
    run = digest.run
    template = template_environment().get_template("digest.html.j2")
    return str(
        template.render(
            name=single_line(digest.name) or "Conference",
            csp=csp,
            css=_markup("\n".join(_static(name) for name in _STYLES)),
            scripts=[_markup(s) for s in scripts],
            data=_markup(
                script_json(
                    {
                        **_network_data(view, colours),
                        "map": _map_data(view),
                        "other_colour": OTHER_COLOUR,
                    }
                )
            ),
            n_mapped=len(digest.talk_positions),
            run={
                "version": run.version,
                "model": (
                    run.model
                    if run.model.startswith(run.embedder)
                    else f"{run.embedder} {run.model}".strip()
                ),
                "seed": run.seed,
            },
            about=_about(digest),
            n_talks=len(digest.talks),
            n_terms=len(digest.word_nodes),
            topics=[_topic(view, t, colours, detail_chars, menu) for t in digest.topics],
            menu=menu,
            filters=filter_choices(view),
            has_notes=has_notes_choice(view),
            others=[_talk(view, t, colours, detail_chars) for t in others],
            other_colour=OTHER_COLOUR,
            bars=bars,
            chart_height=chart_height,
            issues=[str(i) for i in digest.issues],
            skipped=sum(1 for i in digest.issues if i.level == "error"),
        )
    )


def _about(digest: Digest) -> dict[str, Any]:
    """Counts for the "About this digest" panel."""
    sources: dict[str, int] = {}
    for summary in digest.talk_summaries:
        sources[summary.source] = sources.get(summary.source, 0) + 1
    names = {"notes": "the notes", "title": "the title only"}
    parts = [
        f"{n} from {names.get(source, 'the ' + source)}"
        for source, n in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {
        "subtopics": len(digest.subtopics),
        "terms": len(digest.memberships),
        "fuzzy": sum(1 for m in digest.memberships if m.is_fuzzy),
        "sources": ", ".join(parts),
    }


def _markup(text: str) -> Any:
    """Trusted text (our own assets, escaped JSON) that Jinja2 must not escape again."""
    import markupsafe

    return markupsafe.Markup(text)
