"""frab-compatible schedule exports (pretalx ``schedule.json`` and ``schedule.xml``) -> talks.

Both list ``days -> rooms -> events``. The conference title ("PyCon AU 2024") gives the
conference name and year (else its start date, its acronym, then the file or folder name).
``track`` becomes the gold label. Breaks and organisational slots (see
`talktopics.ingest.fields.is_organisational`) are left out; pretalx puts none in these exports.
"""

from __future__ import annotations

import logging
from typing import Any
from xml.etree.ElementTree import Element

from talktopics.ingest.edition import edition_from_name, edition_from_title, resolve_edition
from talktopics.ingest.factory import ReadContext, ReadResult, TalkFactory
from talktopics.ingest.fields import as_line, hh_mm, is_organisational, iso_date
from talktopics.ingest.reading import Document
from talktopics.records import Labels

__all__ = ["is_frab_json", "is_frab_xml", "read_frab_json", "read_frab_xml"]

logger = logging.getLogger(__name__)


def is_frab_json(data: Any) -> bool:
    """``{"schedule": {"conference": {...}}}``."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("schedule"), dict)
        and isinstance(data["schedule"].get("conference"), dict)
    )


def is_frab_xml(root: Element) -> bool:
    """``<schedule>`` with ``<day><room><event>`` (or a ``<conference>`` header)."""
    return root.tag == "schedule" and (
        root.find("conference") is not None or root.find("day/room/event") is not None
    )


def _edition(
    ctx: ReadContext, doc: Document, title: str, start: str, acronym: str
) -> tuple[str, int | None]:
    """Conference and year from the export's header, with the usual fallbacks."""
    conference, year = edition_from_title(title)
    if conference is None and title:
        conference = title
    if year is None:
        start_date = iso_date(start)
        year = int(start_date[:4]) if start_date else edition_from_name(acronym)[1]
    if conference is None:
        conference = edition_from_name(acronym)[0]
    return resolve_edition(ctx, doc.path, conference=conference, year=year)


def read_frab_json(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read a frab/pretalx ``schedule.json`` export."""
    result = ReadResult(role="programme")
    data = doc.json()
    conf = data["schedule"]["conference"]
    conference, year = _edition(
        ctx,
        doc,
        as_line(conf.get("title")),
        as_line(conf.get("start")),
        as_line(conf.get("acronym")),
    )
    factory = TalkFactory(
        ctx, result, path=doc.label, format="frab-json", conference=conference, year=year
    )
    days = conf.get("days")
    if not isinstance(days, list):
        factory.error("schedule.conference.days", "no list of days; no talks read")
        return result
    for d, day in enumerate(days):
        rooms = day.get("rooms") if isinstance(day, dict) else None
        if not isinstance(rooms, dict):
            continue
        for room_name, events in rooms.items():
            if not isinstance(events, list):
                continue
            for e, event in enumerate(events):
                record = f"days[{d}].rooms[{room_name!r}][{e}]"
                if not isinstance(event, dict):
                    factory.error(record, "event is not a JSON object; skipped")
                    continue
                if event.get("id") is not None:
                    record = f"event {as_line(event.get('id'))}"
                title = as_line(event.get("title"))
                kind = as_line(event.get("type"))
                if is_organisational(kind, title):
                    continue
                subtitle = as_line(event.get("subtitle"))
                track = as_line(event.get("track")) or None
                talk = factory.make(
                    record,
                    title=title,
                    speakers=event.get("persons"),
                    abstract=event.get("abstract"),
                    description=event.get("description"),
                    date=iso_date(event.get("date")) or iso_date(day.get("date")),
                    start=hh_mm(event.get("start")),
                    room=event.get("room") or room_name,
                    session_type=kind,
                    language=event.get("language"),
                    url=event.get("url"),
                    labels=Labels(track=track),
                    aliases=(f"{title}: {subtitle}",) if subtitle else (),
                )
                if talk is not None:
                    result.talks.append(talk)
    return result


def _text(node: Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path)
    return "".join(found.itertext()).strip() if found is not None else ""


def read_frab_xml(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read a frab/pretalx ``schedule.xml`` export."""
    result = ReadResult(role="programme")
    root = doc.xml()
    conf = root.find("conference")
    conference, year = _edition(
        ctx, doc, _text(conf, "title"), _text(conf, "start"), _text(conf, "acronym")
    )
    factory = TalkFactory(
        ctx, result, path=doc.label, format="frab-xml", conference=conference, year=year
    )
    for d, day in enumerate(root.findall("day")):
        for room in day.findall("room"):
            for e, event in enumerate(room.findall("event")):
                record = f"event {event.get('id')}" if event.get("id") else f"day[{d}]/event[{e}]"
                title = _text(event, "title")
                kind = _text(event, "type")
                if is_organisational(kind, title):
                    continue
                persons = ["".join(p.itertext()).strip() for p in event.findall("persons/person")]
                subtitle = _text(event, "subtitle")
                talk = factory.make(
                    record,
                    title=title,
                    speakers=persons,
                    abstract=_text(event, "abstract"),
                    description=_text(event, "description"),
                    date=iso_date(_text(event, "date")) or iso_date(day.get("date")),
                    start=hh_mm(_text(event, "start")),
                    room=_text(event, "room") or room.get("name"),
                    session_type=kind,
                    language=_text(event, "language"),
                    url=_text(event, "url"),
                    labels=Labels(track=_text(event, "track") or None),
                    aliases=(f"{title}: {subtitle}",) if subtitle else (),
                )
                if talk is not None:
                    result.talks.append(talk)
    return result
