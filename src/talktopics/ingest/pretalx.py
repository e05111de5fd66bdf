"""pretalx REST API responses and pretalx-derived JSON -> talks.

Shapes read (all hold pretalx *submission* objects: ``code, title, abstract, description,
speakers, submission_type, track, state, content_locale, slot`` or ``slots``):

* ``pretalx-api``: a ``schedules/latest/`` response (``{"slots": [...], "breaks": [...]}``),
  a ``talks/`` or ``submissions/`` page (``{"results": [...]}``) or its bare list, in the old
  (before 2025) API shape or the new one (``expand=`` objects, ``slots`` list); and the
  PyConFR site files, which regroup submissions as ``{"schedule": {DATE: {MINUTE: {ROOM:
  talk}}}, "sprints": ..., "speakers": {CODE: speaker}}``.
* ``pretalx-widget``: the schedule widget's ``widgets/schedule.json`` (``talks`` with speaker,
  room and track ids resolved through ``speakers``/``rooms``/``tracks``).

Left out, by design: breaks and organisational slots (types such as Break, Lunch Break,
Breakfast, Announcements, Social hour, General Assembly; titles such as "Opening Ceremony";
widget entries without a ``code``, named in one warning unless their title is a break's),
submissions that are rejected, withdrawn or cancelled, and repeated slots of the same
submission (a talk given in two slots is one talk).

pretalx has no conference name in these files: it comes from the file or folder name
("europython-2023-api" -> EuroPython 2023), else the first slot's year and ``--conference``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from talktopics.ingest.edition import resolve_edition
from talktopics.ingest.factory import ReadContext, ReadResult, TalkFactory
from talktopics.ingest.fields import (
    as_line,
    as_text,
    first_objects,
    hh_mm,
    is_organisational,
    iso_date,
    speaker_names,
    split_labels,
)
from talktopics.ingest.reading import Document
from talktopics.records import Labels

__all__ = [
    "is_pretalx_api",
    "is_pretalx_rooms",
    "is_pretalx_widget",
    "read_pretalx_api",
    "read_pretalx_widget",
]

logger = logging.getLogger(__name__)

_DROPPED_STATES = frozenset({"rejected", "withdrawn", "canceled", "cancelled", "deleted"})


def _is_submission(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and "title" in item
        and ("code" in item or "submission_type" in item or "slot" in item or "slots" in item)
    )


def is_pretalx_api(data: Any) -> bool:
    """A schedules/talks/submissions response, a bare list of submissions, or a PyConFR file."""
    if isinstance(data, list):
        return any(_is_submission(x) for x in first_objects(data))
    if not isinstance(data, dict):
        return False
    for key in ("slots", "results"):
        if isinstance(data.get(key), list):
            items = data[key]
            return not items or any(_is_submission(x) for x in first_objects(items))
    schedule = data.get("schedule")
    return (
        isinstance(schedule, dict)
        and "conference" not in schedule
        and ("sprints" in data or "rooms" in data or "speakers" in data)
    )


def is_pretalx_widget(data: Any) -> bool:
    """``{"talks": [...], "rooms": [...], ...}`` of the schedule widget."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("talks"), list)
        and any(k in data for k in ("rooms", "tracks", "speakers", "event_start"))
    )


def is_pretalx_rooms(data: Any) -> bool:
    """A pretalx ``rooms/`` list: objects with a name and a capacity or position, no title."""
    return (
        isinstance(data, list)
        and bool(data)
        and all(
            isinstance(x, dict)
            and "name" in x
            and "title" not in x
            and ("capacity" in x or "position" in x)
            for x in data
        )
    )


def _name(value: Any) -> str:
    """Text of a pretalx value: a string, an i18n dict, or an object with a ``name``."""
    if isinstance(value, Mapping) and "name" in value:
        return as_line(value["name"])
    return as_line(value)


def _submissions(data: Any) -> Iterator[tuple[str, Any]]:
    """(record, submission) pairs in file order."""
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield f"[{i}]", item
        return
    for key in ("slots", "results"):
        if isinstance(data.get(key), list):
            for i, item in enumerate(data[key]):
                yield f"{key}[{i}]", item
            return
    for part in ("schedule", "sprints"):
        days = data.get(part)
        if not isinstance(days, dict):
            continue
        for date, minutes in days.items():
            if not isinstance(minutes, dict):
                continue
            for minute, rooms in minutes.items():
                if not isinstance(rooms, dict):
                    continue
                for room, item in rooms.items():
                    yield f"{part}[{date}][{minute}][{room}]", item


def _slot(item: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(ISO date, HH:MM, room) of a submission's first slot."""
    slot: Any = item.get("slot")
    slots = item.get("slots")
    if not isinstance(slot, dict) and isinstance(slots, list) and slots:
        slot = slots[0]
    if not isinstance(slot, dict):
        return None, None, None
    start = slot.get("start")
    return iso_date(start), hh_mm(start), _name(slot.get("room")) or None


def read_pretalx_api(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read a pretalx API response or a PyConFR-style regrouped file."""
    result = ReadResult(role="programme")
    data = doc.json()
    speakers_by_code: dict[str, str] = {}
    if isinstance(data, dict) and isinstance(data.get("speakers"), dict):
        for code, person in data["speakers"].items():
            name = speaker_names([person])
            if name:
                speakers_by_code[str(code)] = name[0]
    items = list(_submissions(data))
    years = sorted(
        int(date[:4])
        for _, item in items
        if isinstance(item, dict) and (date := _slot(item)[0]) is not None
    )
    conference, year = resolve_edition(ctx, doc.path)
    if year is None and years:
        year = years[0]
    factory = TalkFactory(
        ctx, result, path=doc.label, format="pretalx-api", conference=conference, year=year
    )
    seen_codes: set[str] = set()
    for record, item in items:
        if not isinstance(item, dict):
            factory.error(record, "submission is not a JSON object; skipped")
            continue
        code = as_line(item.get("code"))
        if code:
            if code in seen_codes:
                continue  # another slot of a submission already read
            seen_codes.add(code)
            record = f"{record} (code {code})"
        title = as_line(item.get("title"))
        kind = _name(item.get("submission_type"))
        if is_organisational(kind, title):
            continue
        if as_line(item.get("state")).casefold() in _DROPPED_STATES:
            logger.debug("%s: %s: state %s, left out", doc.label, record, item.get("state"))
            continue
        speakers_raw = item.get("speakers")
        if isinstance(speakers_raw, list) and speakers_by_code:
            speakers_raw = [
                speakers_by_code.get(s, s) if isinstance(s, str) else s for s in speakers_raw
            ]
        date, start, room = _slot(item)
        tags = tuple(t for t in split_labels(item.get("tags")) if not t.isdigit())
        talk = factory.make(
            record,
            title=title,
            speakers=speakers_raw,
            abstract=item.get("abstract"),
            description=item.get("description"),
            date=date,
            start=start,
            room=room,
            session_type=kind,
            language=item.get("content_locale"),
            labels=Labels(track=_name(item.get("track")) or None, tags=tags),
        )
        if talk is not None:
            result.talks.append(talk)
    return result


def read_pretalx_widget(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read pretalx's schedule-widget JSON (entries without a ``code`` are breaks)."""
    result = ReadResult(role="programme")
    data = doc.json()

    def index(key: str) -> dict[str, str]:
        out: dict[str, str] = {}
        items = data.get(key)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and item.get("id", item.get("code")) is not None:
                    out[str(item.get("code", item.get("id")))] = _name(item)
                    out[str(item.get("id", item.get("code")))] = _name(item)
        return out

    rooms, tracks, speakers = index("rooms"), index("tracks"), index("speakers")
    start_year = iso_date(data.get("event_start"))
    conference, year = resolve_edition(ctx, doc.path)
    if year is None and start_year:
        year = int(start_year[:4])
    factory = TalkFactory(
        ctx, result, path=doc.label, format="pretalx-widget", conference=conference, year=year
    )
    uncoded: list[str] = []
    for i, item in enumerate(data["talks"]):
        record = f"talks[{i}]"
        if not isinstance(item, dict):
            factory.error(record, "talk is not a JSON object; skipped")
            continue
        title = as_text(item.get("title"))
        if not as_line(item.get("code")):
            # Breaks, placeholders and opening sessions have no submission code.
            if not is_organisational(None, title):
                uncoded.append(f"{record} {as_line(title)[:60]!r}")
            continue
        record = f"{record} (code {as_line(item['code'])})"
        raw_speakers = item.get("speakers")
        names = (
            [speakers.get(str(s), str(s)) for s in raw_speakers]
            if isinstance(raw_speakers, list)
            else raw_speakers
        )
        talk = factory.make(
            record,
            title=title,
            speakers=names,
            abstract=item.get("abstract"),
            description=item.get("description"),
            date=iso_date(item.get("start")),
            start=hh_mm(item.get("start")),
            room=rooms.get(str(item.get("room"))),
            language=item.get("content_locale") or item.get("language"),
            labels=Labels(track=tracks.get(str(item.get("track"))) or None),
        )
        if talk is not None:
            result.talks.append(talk)
    if uncoded:
        _report_uncoded(factory, uncoded)
    return result


_MAX_LISTED = 20


def _report_uncoded(factory: TalkFactory, uncoded: list[str]) -> None:
    """One warning for the widget entries left out for want of a submission code."""
    listed = "; ".join(uncoded[:_MAX_LISTED])
    more = f"; and {len(uncoded) - _MAX_LISTED} more" if len(uncoded) > _MAX_LISTED else ""
    factory.warn(
        f"{len(uncoded)} records",
        f"{len(uncoded)} entries without a submission code left out (the widget marks "
        f"breaks, placeholders and plenary sessions so): {listed}{more}",
    )
