"""A Digest in, an iCalendar file (RFC 5545, via ``icalendar``) out: one event per talk with a
date and a start time, with its room, link, speakers, topic and summary.

Times are written as the programme gives them: local times of the event without a time zone
("floating" in RFC 5545 terms), because the talk records keep no zone. An event has no end
when the programme gives none. ``UID`` comes from the talk id and ``DTSTAMP`` from the input
(the last talk date, midnight UTC), so the same input gives a byte-identical file.
"""

from __future__ import annotations

import datetime as dt
import logging

from talktopics.records import Digest, Talk
from talktopics.render.view import DigestView, safe_url
from talktopics.version import __version__

__all__ = ["calendar_talks", "render_ics"]

logger = logging.getLogger(__name__)


def _start(talk: Talk) -> dt.datetime | None:
    """The talk's start as a naive (floating) date-time, or None without a date and time."""
    if not talk.date or not talk.start:
        return None
    try:
        return dt.datetime.fromisoformat(f"{talk.date}T{talk.start}")
    except ValueError:
        return None


def calendar_talks(digest: Digest) -> list[tuple[dt.datetime, Talk]]:
    """The talks with a date and a start time, by start, room and title."""
    timed = [(start, t) for t in digest.talks if (start := _start(t)) is not None]
    return sorted(timed, key=lambda x: (x[0], x[1].room or "", x[1].title, x[1].id))


def _description(view: DigestView, talk: Talk) -> str:
    parts: list[str] = []
    if talk.speakers:
        parts.append(", ".join(talk.speakers))
    home = view.home.get(talk.id)
    if home:
        parts.append(f"Topic: {view.topics[home].label}")
    summary = view.talk_summaries.get(talk.id)
    if summary and summary.text:
        parts.append(summary.text)
    return "\n\n".join(parts)


def render_ics(digest: Digest) -> str:
    """The digest's timed talks as an iCalendar document (``\\r\\n`` line ends)."""
    import icalendar  # lazy: only this export needs it

    view = DigestView(digest)
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//talktopics//talktopics {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", digest.name)
    talks = calendar_talks(digest)
    stamp = max((s for s, _ in talks), default=dt.datetime(2000, 1, 1)).date()
    dtstamp = dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=dt.UTC)
    for start, talk in talks:
        event = icalendar.Event()
        event.add("uid", f"{talk.id}@talktopics")
        event.add("dtstamp", dtstamp)
        event.add("dtstart", start)
        event.add("summary", " ".join(talk.title.split()))
        if talk.room:
            event.add("location", talk.room)
        url = safe_url(talk.url)
        if url:
            event.add("url", url)
        home = view.home.get(talk.id)
        if home:
            event.add("categories", [view.topics[home].label])
        description = _description(view, talk)
        if description:
            event.add("description", description)
        cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))
