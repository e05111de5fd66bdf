"""Comparison -> Markdown report: topics at a glance, shares table, one section per topic."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from talktopics.render.compare_view import (
    CLASS_NAMES,
    CLASS_TEXT,
    STRATEGY_TEXT,
    CompareView,
    percent,
    rules_text,
)
from talktopics.render.markdown import escape_markdown
from talktopics.render.view import anchor, safe_url

if TYPE_CHECKING:
    from talktopics.compare.records import Comparison, TopicSeries

__all__ = ["render_compare_markdown"]

logger = logging.getLogger(__name__)

_ISSUES_SHOWN = 20


def _series_link(series: TopicSeries) -> str:
    return f"[{escape_markdown(series.label) or series.id}](#{anchor('series', series.id)})"


def _talk_line(view: CompareView, talk_id: str) -> str:
    talk = view.talk(talk_id)
    if talk is None:
        return escape_markdown(talk_id)
    title = escape_markdown(talk.title) or "Untitled talk"
    url = safe_url(talk.url) or safe_url(talk.video_url)
    text = f"[{title}]({url})" if url else title
    if talk.speakers:
        text += " — " + escape_markdown(", ".join(talk.speakers))
    return text


def _terms(terms: Sequence[tuple[str, float]] | Sequence[str], limit: int = 8) -> str:
    words = [t if isinstance(t, str) else t[0] for t in terms][:limit]
    return ", ".join(escape_markdown(w) for w in words)


def _series_section(view: CompareView, series: TopicSeries) -> list[str]:
    lines = [f'<a id="{anchor("series", series.id)}"></a>', ""]
    title = escape_markdown(series.label) or series.id
    lines += [f"### {title} — {CLASS_NAMES[series.classification]}", ""]
    lines += [escape_markdown(series.reason, line_start=True) + ".", ""]
    facts: list[str] = []
    if series.terms:
        facts.append(f"**Terms:** {_terms(series.terms)}")
    if series.gained:
        facts.append(f"**Gained:** {_terms(series.gained)}")
    if series.lost:
        facts.append(f"**Lost:** {_terms(series.lost)}")
    if series.split_from and series.split_from in view.series:
        facts.append(f"**Split from:** {_series_link(view.series[series.split_from])}")
    if series.merged_into and series.merged_into in view.series:
        facts.append(f"**Merged into:** {_series_link(view.series[series.merged_into])}")
    for fact in facts:
        lines += [fact, ""]
    for share in series.shares:
        if not share.talks:
            continue
        head = (
            f"- **{escape_markdown(share.edition)}** — {share.talks} talks ({percent(share.share)})"
        )
        if share.terms:
            head += f": {_terms(share.terms, 6)}"
        lines.append(head)
        for talk_id in share.talk_ids:
            lines.append(f"  - {_talk_line(view, talk_id)}")
    lines.append("")
    return lines


def render_compare_markdown(comparison: Comparison, *, images: Sequence[str] = ()) -> str:
    """Render the comparison as Markdown (CommonMark / GitHub flavoured).

    Every string from the input is escaped so it renders as text; only http(s) links from
    the input are kept. Pure function of the comparison: byte-identical per input and seed.

    Args:
        comparison: What to render.
        images: Chart files written next to the report (e.g. ``compare-flow.svg``), shown
            as images.

    Returns:
        The Markdown document, ending in a newline.
    """
    view = CompareView(comparison)
    lines = _header(comparison)
    lines += _at_a_glance(view, images)
    lines += _shares_table(view, comparison)
    lines += ["## Topics", ""]
    for s in comparison.series:
        lines += _series_section(view, s)
    lines += ["## How the topics are classified", ""]
    lines += [f"- {escape_markdown(rule, line_start=True)}" for rule in rules_text(comparison)]
    lines.append("")
    lines += _editions(comparison)
    lines += _issues(comparison)
    return "\n".join(lines).rstrip("\n") + "\n"


def _header(comparison: Comparison) -> list[str]:
    """Title, the editions, the strategy and what made the report; skipped editions."""
    name = escape_markdown(comparison.name) or "Conference"
    run = comparison.run
    editions = ", ".join(
        f"{escape_markdown(e.label)} ({e.talks} talks)" for e in comparison.editions
    )
    lines = [f"# {name}: topics across editions", ""]
    model = " ".join(x for x in (run.embedder, run.model) if x)
    made = f"talktopics {escape_markdown(run.version)}"
    if model:
        made += f", {escape_markdown(model)}"
    if run.seed is not None:
        made += f", seed {run.seed}"
    lines += [
        f"{len(comparison.editions)} editions: {editions}. "
        f"{len(comparison.series)} topics. Strategy "
        f"{escape_markdown(STRATEGY_TEXT[comparison.strategy])}. Made by {made}.",
        "",
    ]
    if comparison.skipped:
        skipped = "; ".join(
            f"{escape_markdown(s.label)}: {escape_markdown(s.reason)}" for s in comparison.skipped
        )
        lines += [f"**Skipped editions:** {skipped}", ""]
    return lines


def _at_a_glance(view: CompareView, images: Sequence[str]) -> list[str]:
    """The topics of each class, then the chart images."""
    lines = ["## At a glance", ""]
    for cls, members in view.by_class():
        listed = ", ".join(
            f"{_series_link(s)} ({escape_markdown(view.summary(s))})" for s in members
        )
        lines.append(f"- **{CLASS_NAMES[cls]}** ({len(members)}) — {CLASS_TEXT[cls]}: {listed}")
    lines.append("")
    for image in images:
        what = "Flow of topics across editions" if "flow" in image else "Share of talks per topic"
        lines += [f"![{what}]({image})", ""]
    return lines


def _shares_table(view: CompareView, comparison: Comparison) -> list[str]:
    """Topics x editions: talks and share, then the talks in no topic and all talks."""
    lines = ["## Share of talks per edition", ""]
    header = "| topic | class | " + " | ".join(escape_markdown(e) for e in view.editions) + " |"
    lines += [header, "|---|---|" + "---:|" * len(view.editions)]
    for s in comparison.series:
        cells = [f"{x.talks} ({percent(x.share)})" if x.talks else "–" for x in s.shares]
        name = CLASS_NAMES[s.classification]
        lines.append(f"| {_series_link(s)} | {name} | " + " | ".join(cells) + " |")
    other = [f"{o.talks} ({percent(o.share)})" if o.talks else "–" for o in comparison.other]
    lines.append("| *talks in no topic* |  | " + " | ".join(other) + " |")
    totals = [str(e.talks) for e in comparison.editions]
    lines += ["| **all talks** |  | " + " | ".join(totals) + " |", ""]
    return lines


def _editions(comparison: Comparison) -> list[str]:
    """One line per edition: name, talks, paths and the boilerplate removed."""
    lines = ["## Editions", ""]
    for e in comparison.editions:
        paths = ", ".join(f"`{p}`" for p in e.paths) if all("`" not in p for p in e.paths) else ""
        line = (
            f"- **{escape_markdown(e.label)}** — {escape_markdown(e.name)}: {e.talks} talks "
            f"({e.with_text} with text, {e.other} in no topic) from {paths}"
        )
        if e.boilerplate:
            shown = "; ".join(f"“{escape_markdown(b)}”" for b in e.boilerplate[:3])
            more = f" and {len(e.boilerplate) - 3} more" if len(e.boilerplate) > 3 else ""
            line += f". Boilerplate lines removed: {shown}{more}"
        lines.append(line)
    lines.append("")
    return lines


def _issues(comparison: Comparison) -> list[str]:
    """The first input problems (none: no section)."""
    if not comparison.issues:
        return []
    lines = ["## Input problems", ""]
    for issue in comparison.issues[:_ISSUES_SHOWN]:
        lines.append(f"- {escape_markdown(str(issue))}")
    hidden = len(comparison.issues) - _ISSUES_SHOWN
    if hidden > 0:
        lines.append(f"- … and {hidden} more (see compare.json)")
    lines.append("")
    return lines
