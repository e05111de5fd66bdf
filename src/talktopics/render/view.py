"""Read-only lookups over a Digest shared by the renderers: ids, topic order, safe links, dates."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections import defaultdict
from typing import Any
from urllib.parse import quote, urlsplit

from talktopics.records import OTHER_TOPIC, Digest, Summary, Talk, TalkTopics, Topic

__all__ = [
    "DigestView",
    "anchor",
    "safe_url",
    "schedule_text",
    "single_line",
    "template_environment",
]

logger = logging.getLogger(__name__)

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Characters a URL may keep as they are; everything else (spaces, quotes, parentheses, angle
# brackets, backticks, non-ASCII...) is percent-encoded so the URL cannot break out of a
# Markdown link or an HTML attribute.
_URL_SAFE = "!#$%&'*+,/:;=?@[]~-._"
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def safe_url(url: str | None) -> str | None:
    """An absolute http(s) link from input, made safe to embed; ``None`` for anything else.

    ``javascript:``, ``data:``, ``file:``, relative and scheme-less links are dropped, so the
    digest never links to something that runs script or reads local files.
    """
    if not url:
        return None
    url = url.strip()
    if _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return quote(url, safe=_URL_SAFE)


_DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Unicode categories Cc (control characters but tab, newline and carriage return) and Cs
(lone surrogates)."""


def single_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces and drop control chars."""
    return " ".join(_DROPPED.sub("", text).split())


def anchor(prefix: str, ident: str) -> str:
    """A fragment id safe in HTML and Markdown: ``prefix-`` plus the id's ``[a-z0-9._-]``."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", ident.lower()).strip("-")
    return f"{prefix}-{slug or 'x'}"


def schedule_text(talk: Talk) -> str:
    """When and where, as known: ``"Wed 24 Oct 2018 · 11:30 · Cubus"``; ``""`` if unknown."""
    parts: list[str] = []
    if talk.date:
        try:
            day = dt.date.fromisoformat(talk.date)
        except ValueError:
            parts.append(single_line(talk.date))
        else:
            parts.append(
                f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
            )
    elif talk.day:
        parts.append(single_line(talk.day))
    if talk.start:
        parts.append(single_line(talk.start))
    if talk.room:
        parts.append(single_line(talk.room))
    return " · ".join(p for p in parts if p)


class DigestView:
    """Lookups the Markdown, HTML and JSON renderers share (built once per render).

    Args:
        digest: The digest to view.
    """

    def __init__(self, digest: Digest) -> None:
        self.digest = digest
        self.talks: dict[str, Talk] = {t.id: t for t in digest.talks}
        self.topics: dict[str, Topic] = {t.id: t for t in (*digest.topics, *digest.subtopics)}
        self.talk_topics: dict[str, TalkTopics] = {tt.talk_id: tt for tt in digest.talk_topics}
        self.talk_summaries: dict[str, Summary] = {s.subject_id: s for s in digest.talk_summaries}
        self.topic_summaries: dict[str, Summary] = {s.subject_id: s for s in digest.topic_summaries}
        self.number: dict[str, int] = {t.id: i for i, t in enumerate(digest.topics, start=1)}
        self.subtopics: dict[str, list[Topic]] = defaultdict(list)
        for sub in digest.subtopics:
            if sub.parent is not None:
                self.subtopics[sub.parent].append(sub)
        # Which top-level topic shows a talk: the first topic listing it among its talks.
        self.home: dict[str, str] = {}
        for topic in digest.topics:
            for tid in topic.talk_ids:
                if tid in self.talks:
                    self.home.setdefault(tid, topic.id)
        self.subtopic_of: dict[str, str] = {}
        for sub in digest.subtopics:
            for tid in sub.talk_ids:
                self.subtopic_of.setdefault(tid, sub.id)
        self._related: dict[str, list[Talk]] | None = None
        """Top-level topic id -> talks listing it as a secondary topic (built on first use)."""
        unknown = [tid for t in digest.topics for tid in t.talk_ids if tid not in self.talks]
        if unknown:
            logger.warning(
                "%d topic member(s) name no known talk, e.g. %s", len(unknown), unknown[0]
            )

    def talks_of(self, topic: Topic) -> list[Talk]:
        """The talks a topic shows, most representative first (each talk shown once)."""
        return [self.talks[tid] for tid in topic.talk_ids if self.home.get(tid) == topic.id]

    def other_talks(self) -> list[Talk]:
        """Talks in no topic, in corpus order."""
        return [t for t in self.digest.talks if t.id not in self.home]

    def top_level(self, topic_id: str) -> str:
        """The top-level topic id of a (sub-)topic id."""
        topic = self.topics.get(topic_id)
        seen = set()
        while topic is not None and topic.parent is not None and topic.id not in seen:
            seen.add(topic.id)
            topic = self.topics.get(topic.parent)
        return topic.id if topic is not None else topic_id

    def secondary(self, talk: Talk) -> list[Topic]:
        """The talk's further topics (known, top-level, not its own), strongest first."""
        tt = self.talk_topics.get(talk.id)
        if tt is None:
            return []
        own = self.home.get(talk.id)
        out: list[Topic] = []
        for topic_id in tt.secondary:
            if topic_id == OTHER_TOPIC:
                continue
            top = self.top_level(topic_id)
            topic = self.topics.get(top)
            if topic is not None and top != own and topic not in out:
                out.append(topic)
        return out

    def related(self, topic: Topic) -> list[Talk]:
        """Talks of other topics that list this topic among their secondary topics, the
        strongest share of this topic first."""
        if self._related is None:
            self._related = defaultdict(list)
            for t in self.digest.talks:
                for other in self.secondary(t):
                    self._related[other.id].append(t)
        found = self._related.get(topic.id, [])
        return sorted(found, key=lambda t: -self.weight(t.id, topic.id))

    def weight(self, talk_id: str, topic_id: str) -> float:
        """The share of a topic (sub-topics counted for their parent) in a talk."""
        tt = self.talk_topics.get(talk_id)
        if tt is None:
            return 0.0
        return sum(w for tid, w in tt.distribution if self.top_level(tid) == topic_id)


@functools.cache
def template_environment() -> Any:
    """The Jinja environment of the HTML templates (autoescaped, strict about undefined names)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("talktopics.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
