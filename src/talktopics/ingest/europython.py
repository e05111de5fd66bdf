"""EuroPython website exports -> talks.

* ``europython-sessions``: the 2022 website's ``sessions_data.json``, a list of sessions
  (pretalx-derived: ``code, title, speakers, submission_type, track, abstract, description,
  room, start, website_url``). ``track`` is the gold label.
* ``europython-xml``: the 2014 ``schedule.xml`` (``<schedule><day date><entry>`` with
  ``category, topics/topic, start, duration, room, title, abstract, description,
  speakers/speaker/name``). ``topics/topic`` is the gold label (as ``track``: one per entry).

Left out: organisational slots (Opening and Closing sessions, Registration, announcements;
in 2014 the entries with an empty ``category`` and no speakers: breaks, sprints, BarCamp,
lightning-talk and sponsor placeholders).
"""

from __future__ import annotations

import logging
from typing import Any
from xml.etree.ElementTree import Element

from talktopics.ingest.edition import resolve_edition
from talktopics.ingest.factory import ReadContext, ReadResult, TalkFactory
from talktopics.ingest.fields import as_line, first_objects, hh_mm, is_organisational, iso_date
from talktopics.ingest.reading import Document
from talktopics.records import Labels

__all__ = [
    "is_europython_sessions",
    "is_europython_xml",
    "read_europython_sessions",
    "read_europython_xml",
]

logger = logging.getLogger(__name__)

_SESSION_MARKERS = frozenset({"website_url", "talks_in_parallel", "abstract_as_a_tweet"})


def is_europython_sessions(data: Any) -> bool:
    """A list of session objects with the EuroPython website's extra fields."""
    return any("title" in x and bool(_SESSION_MARKERS & set(x)) for x in first_objects(data))


def is_europython_xml(root: Element) -> bool:
    """``<schedule><day><entry>``."""
    return root.tag == "schedule" and root.find("day/entry") is not None


def read_europython_sessions(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read the EuroPython 2022 website's ``sessions_data.json``."""
    result = ReadResult(role="programme")
    data = doc.json()
    starts = sorted(
        d for s in data if isinstance(s, dict) and (d := iso_date(s.get("start"))) is not None
    )
    conference, year = resolve_edition(ctx, doc.path, year=int(starts[0][:4]) if starts else None)
    factory = TalkFactory(
        ctx,
        result,
        path=doc.label,
        format="europython-sessions",
        conference=conference,
        year=year,
    )
    seen: set[str] = set()
    for i, session in enumerate(data):
        record = f"[{i}]"
        if not isinstance(session, dict):
            factory.error(record, "session is not a JSON object; skipped")
            continue
        code = as_line(session.get("code"))
        if code:
            if code in seen:
                continue
            seen.add(code)
            record = f"[{i}] (code {code})"
        title = as_line(session.get("title"))
        kind = as_line(session.get("submission_type"))
        if is_organisational(kind, title):
            continue
        talk = factory.make(
            record,
            title=title,
            speakers=session.get("speakers"),
            abstract=session.get("abstract"),
            description=session.get("description"),
            date=iso_date(session.get("start")),
            start=hh_mm(session.get("start")),
            room=session.get("room"),
            session_type=kind,
            url=session.get("website_url"),
            labels=Labels(track=as_line(session.get("track")) or None),
            aliases=(as_line(session.get("slug")).replace("-", " "),)
            if session.get("slug")
            else (),
        )
        if talk is not None:
            result.talks.append(talk)
    return result


def _text(node: Element, path: str) -> str:
    found = node.find(path)
    return "".join(found.itertext()).strip() if found is not None else ""


def read_europython_xml(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read the EuroPython 2014 ``schedule.xml``."""
    result = ReadResult(role="programme")
    root = doc.xml()
    dates = sorted(d for day in root.findall("day") if (d := iso_date(day.get("date"))))
    conference, year = resolve_edition(ctx, doc.path, year=int(dates[0][:4]) if dates else None)
    factory = TalkFactory(
        ctx, result, path=doc.label, format="europython-xml", conference=conference, year=year
    )
    for day in root.findall("day"):
        for n, entry in enumerate(day.findall("entry")):
            record = (
                f"entry {entry.get('id')}" if entry.get("id") else f"day {day.get('date')}[{n}]"
            )
            title = _text(entry, "title")
            category = _text(entry, "category")
            speakers = [_text(s, "name") for s in entry.findall("speakers/speaker")]
            speakers = [s for s in speakers if s]
            if (not category and not speakers) or is_organisational(category, title):
                continue
            topics = [
                t
                for t in ("".join(x.itertext()).strip() for x in entry.findall("topics/topic"))
                if t
            ]
            talk = factory.make(
                record,
                title=title,
                speakers=speakers,
                abstract=_text(entry, "abstract"),
                description=_text(entry, "description"),
                date=iso_date(day.get("date")),
                start=hh_mm(_text(entry, "start")),
                room=_text(entry, "room"),
                session_type=category or None,
                labels=Labels(track=topics[0] if topics else None, tags=tuple(topics[1:])),
            )
            if talk is not None:
                result.talks.append(talk)
    return result
