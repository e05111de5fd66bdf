"""Digest -> Markdown text: contents, one section per topic with its talks, talks in no topic."""

from __future__ import annotations

import logging
import re

from talktopics.records import Digest, Talk, Topic
from talktopics.render.view import DigestView, anchor, safe_url, schedule_text, single_line

__all__ = ["escape_markdown", "render_markdown"]

logger = logging.getLogger(__name__)

# Characters that can start inline Markdown (emphasis, code, links, images, autolinks, raw HTML,
# entities, tables, strike-through, math). Escaping them with a backslash is valid CommonMark
# for any ASCII punctuation, so the text renders exactly as written.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~$])")
# A line that starts with one of these would become a heading, quote, list, rule or setext line.
_HASH = re.compile(r"(^|\s)#")
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=*]|\d+[.)])")
_TOP_TERMS = 8
_ISSUES_SHOWN = 20
_RELATED_SHOWN = 6


def escape_markdown(text: str, *, line_start: bool = False) -> str:
    """User text as one line of Markdown that renders literally (no links, HTML or markup).

    Args:
        text: Any text; whitespace (newlines included) collapses to single spaces.
        line_start: The text begins a line (or a quote or list item), so a leading ``#``,
            ``>``, ``-``, ``+``, ``=``, ``*`` or ``1.`` must not start a block.
    """
    text = _INLINE.sub(r"\\\1", single_line(text))
    # A "#" after a space could close an ATX heading ("C #" would lose its "#").
    text = _HASH.sub(r"\1\\#", text)
    if line_start:
        text = _BLOCK_START.sub(lambda m: m.group(1) + _escape_block_marker(m.group(2)), text)
    return text


def _escape_block_marker(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def _link(text: str, url: str | None) -> str | None:
    href = safe_url(url)
    return f"[{text}]({href})" if href else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _topic_title(view: DigestView, topic: Topic) -> str:
    label = escape_markdown(topic.label) or f"Topic {view.number.get(topic.id, '')}".strip()
    number = view.number.get(topic.id)
    return f"{number}. {label}" if number is not None else label


def _topic_link(view: DigestView, topic: Topic, *, numbered: bool = True) -> str:
    text = _topic_title(view, topic) if numbered else escape_markdown(topic.label)
    return f"[{text or 'Topic'}](#{anchor('topic', topic.id)})"


def _run_line(digest: Digest) -> str:
    run = digest.run
    model = run.model if run.model.startswith(run.embedder) else f"{run.embedder} {run.model}"
    model = model.strip()
    parts = [f"talktopics {escape_markdown(run.version)}"]
    if model:
        parts.append(escape_markdown(model))
    if run.seed is not None:
        parts.append(f"seed {run.seed}")
    return "Made by " + ", ".join(parts) + "."


def _talk(view: DigestView, talk: Talk) -> list[str]:
    lines = [f'<a id="{anchor("talk", talk.id)}"></a>', ""]
    lines += [f"### {escape_markdown(talk.title) or 'Untitled talk'}", ""]
    meta: list[str] = []
    if talk.speakers:
        meta.append("*" + escape_markdown(", ".join(talk.speakers)) + "*")
    when = schedule_text(talk)
    if when:
        meta.append(escape_markdown(when, line_start=not meta))
    if talk.session_type:
        meta.append(escape_markdown(talk.session_type, line_start=not meta))
    for text, url in (("description", talk.url), ("video", talk.video_url)):
        link = _link(text, url)
        if link:
            meta.append(link)
    if meta:
        lines += [" · ".join(meta), ""]
    summary = view.talk_summaries.get(talk.id)
    if summary is not None and summary.sentences:
        text = escape_markdown(summary.text, line_start=True)
        if summary.source == "notes":
            text += " *(from the notes)*"
        lines += [text, ""]
    sub = view.subtopic_of.get(talk.id)
    also = view.secondary(talk)
    tags: list[str] = []
    if sub is not None and sub in view.topics:
        tags.append("Sub-topic: " + escape_markdown(view.topics[sub].label))
    if also:
        tags.append("Also in: " + ", ".join(_topic_link(view, t) for t in also))
    if tags:
        lines += [" · ".join(tags), ""]
    return lines


def _topic(view: DigestView, topic: Topic) -> list[str]:
    talks = view.talks_of(topic)
    lines = [f'<a id="{anchor("topic", topic.id)}"></a>', ""]
    lines += [f"## {_topic_title(view, topic)}", ""]
    lines += [f"{_plural(len(talks), 'talk')}.", ""]
    if topic.terms:
        terms = " · ".join(escape_markdown(term) for term, _ in topic.terms[:_TOP_TERMS])
        lines += [f"**Top terms:** {terms}", ""]
    subs = view.subtopics.get(topic.id, [])
    if subs:
        listed = " · ".join(
            f"{escape_markdown(s.label)} ({_plural(len(s.talk_ids), 'talk')})" for s in subs
        )
        lines += [f"**Sub-topics:** {listed}", ""]
    blurb = view.topic_summaries.get(topic.id)
    if blurb is not None and blurb.sentences:
        lines += [f"> {escape_markdown(blurb.text, line_start=True)}", ""]
    related = view.related(topic)
    if related:
        links = ", ".join(
            f"[{escape_markdown(t.title)}](#{anchor('talk', t.id)})"
            for t in related[:_RELATED_SHOWN]
        )
        if len(related) > _RELATED_SHOWN:
            links += f" and {len(related) - _RELATED_SHOWN} more"
        lines += [f"**Also touching this topic:** {links}", ""]
    for talk in talks:
        lines += _talk(view, talk)
    return lines


def render_markdown(digest: Digest) -> str:
    """Render the digest as Markdown (CommonMark/GitHub flavoured).

    Every string from the input is escaped so it renders as text; only http(s) links from the
    input are kept. The result is a pure function of the digest: byte-identical per input.

    Args:
        digest: What to render.

    Returns:
        The Markdown document, ending in a newline.
    """
    view = DigestView(digest)
    others = view.other_talks()
    name = escape_markdown(digest.name) or "Conference"
    lines = [f"# {name}: talks by topic", ""]
    summary = f"{_plural(len(digest.talks), 'talk')} in {_plural(len(digest.topics), 'topic')}"
    if others:
        summary += f"; {_plural(len(others), 'talk')} in no topic"
    lines += [summary + ". " + _run_line(digest), ""]

    lines += ["## Contents", ""]
    for topic in digest.topics:
        count = _plural(len(view.talks_of(topic)), "talk")
        lines.append(
            f"{view.number[topic.id]}. {_topic_link(view, topic, numbered=False)}: {count}"
        )
    if others:
        lines.append(f"- [Talks in no topic](#topic-other): {_plural(len(others), 'talk')}")
    if digest.issues:
        lines.append(f"- [Input problems](#input-problems): {len(digest.issues)}")
    lines.append("")

    for topic in digest.topics:
        lines += _topic(view, topic)

    if others:
        lines += ['<a id="topic-other"></a>', "", "## Talks in no topic", ""]
        lines += ["These talks share too few terms with any topic to be placed in one.", ""]
        for talk in others:
            lines += _talk(view, talk)

    if digest.issues:
        lines += ['<a id="input-problems"></a>', "", "## Input problems", ""]
        skipped = sum(1 for i in digest.issues if i.level == "error")
        lines += [
            f"{_plural(skipped, 'record')} could not be read; "
            f"{_plural(len(digest.issues) - skipped, 'warning')}.",
            "",
        ]
        for issue in digest.issues[:_ISSUES_SHOWN]:
            lines.append(f"- {escape_markdown(str(issue), line_start=True)}")
        if len(digest.issues) > _ISSUES_SHOWN:
            lines.append(f"- … and {len(digest.issues) - _ISSUES_SHOWN} more (see digest.json)")
        lines.append("")

    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
