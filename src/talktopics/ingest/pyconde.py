"""PyCon.DE website databags (Lektor site, 2017-2019) -> talks.

* ``pyconde-talks``: ``talks.json`` / ``tutorials.json`` (2017, 2018), an object keyed by
  slot ("THEATRE_1_1", "wed-11:30-cubus"). 2017 records have only ``title``, ``speaker``,
  ``tags``, ``slug``; 2018 records add ``abstract``, ``description``, ``speakers``,
  ``submission_type``, ``domains`` (comma-separated), ``room``, ``slot_date``, ``video``.
  Empty slots (``{}``) are skipped; a session that fills several slots (same ``code``, or
  the same record twice) is one talk.
* ``pyconde-databag``: ``schedule_databag.json`` (2019), ``dates[].rooms[].sessions[]``. Only
  sessions with a submission ``code`` are talks; the rest are breaks, session-name headers
  and community slots.

Gold labels: 2017 ``tags`` -> ``labels.tags``; 2018 ``domains`` -> ``labels.domains``;
2019 ``track`` -> ``labels.track`` and ``domains`` -> ``labels.domains``. The slug is kept as
an alias so that notes linking to the talk's page can be matched to it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from talktopics.ingest.edition import resolve_edition
from talktopics.ingest.factory import ReadContext, ReadResult, TalkFactory
from talktopics.ingest.fields import (
    as_line,
    hh_mm,
    is_organisational,
    iso_date,
    speaker_names,
    split_labels,
)
from talktopics.ingest.reading import Document
from talktopics.records import Labels

__all__ = ["is_pyconde_databag", "is_pyconde_talks", "read_pyconde_databag", "read_pyconde_talks"]

logger = logging.getLogger(__name__)

_SLOT_FIELDS = frozenset({"title", "speaker", "speakers", "slug", "code", "tags", "domains"})


def is_pyconde_talks(data: Any) -> bool:
    """An object whose values are talk objects (or empty slots) keyed by slot name."""
    if not isinstance(data, dict) or not data:
        return False
    values = list(data.values())
    objects = [v for v in values if isinstance(v, dict)]
    if len(objects) * 2 < len(values):  # a few broken slots do not change the shape
        return False
    filled = [v for v in objects if v]
    fitting = sum(1 for v in filled if "title" in v and len(_SLOT_FIELDS & set(v)) >= 2)
    return fitting > 0 and fitting * 2 >= len(filled)  # most slots are talks


def is_pyconde_databag(data: Any) -> bool:
    """``{"dates": [{"rooms": [{"sessions": [...]}]}]}``."""
    if not isinstance(data, dict) or not isinstance(data.get("dates"), list):
        return False
    dates = data["dates"]
    return not dates or (isinstance(dates[0], dict) and "rooms" in dates[0])


def _alias(slug: Any) -> tuple[str, ...]:
    text = as_line(slug)
    return (text.replace("-", " "),) if text else ()


def read_pyconde_talks(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read a 2017/2018 ``talks.json`` or ``tutorials.json`` databag."""
    result = ReadResult(role="programme")
    data = doc.json()
    conference, year = resolve_edition(ctx, doc.path)
    factory = TalkFactory(
        ctx, result, path=doc.label, format="pyconde-talks", conference=conference, year=year
    )
    seen: dict[str, str] = {}
    for slot, item in data.items():
        record = f"slot {slot}"
        if not item:
            continue  # an empty slot
        if not isinstance(item, dict):
            factory.error(record, f"slot is not a JSON object ({type(item).__name__}); skipped")
            continue
        key = as_line(item.get("code")) or repr(sorted((k, repr(v)) for k, v in item.items()))
        if key in seen:
            logger.debug(
                "%s: %s repeats %s (same session, another slot)", doc.label, record, seen[key]
            )
            continue
        seen[key] = record
        title = as_line(item.get("title"))
        kind = as_line(item.get("submission_type"))
        if is_organisational(kind, title):
            continue
        the_speakers = item.get("the_speakers")
        speakers = speaker_names(the_speakers) if isinstance(the_speakers, list) else ()
        speakers = speakers or speaker_names(item.get("speakers") or item.get("speaker"))
        slot_date = as_line(item.get("slot_date"))
        day_match = re.match(r"^([A-Za-z]+day)\b", slot_date)
        video = item.get("video")
        video_url = as_line(video.get("video_url")) if isinstance(video, dict) else None
        if "tags" in item:
            labels = Labels(tags=split_labels(item.get("tags")))
        else:
            labels = Labels(domains=split_labels(item.get("domains")))
        talk = factory.make(
            record,
            title=title,
            speakers=speakers,
            abstract=item.get("abstract"),
            description=item.get("description"),
            day=day_match.group(1).capitalize() if day_match else None,
            start=hh_mm(slot_date.split()[-1]) if slot_date else None,
            room=item.get("room"),
            session_type=kind or None,
            video_url=video_url,
            labels=labels,
            aliases=_alias(item.get("slug")),
        )
        if talk is not None:
            result.talks.append(talk)
    return result


def read_pyconde_databag(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read the 2019 ``schedule_databag.json``."""
    result = ReadResult(role="programme")
    data = doc.json()
    conference, year = resolve_edition(ctx, doc.path)
    factory = TalkFactory(
        ctx, result, path=doc.label, format="pyconde-databag", conference=conference, year=year
    )
    seen: set[str] = set()
    for d, date in enumerate(data["dates"]):
        if not isinstance(date, dict) or not isinstance(date.get("rooms"), list):
            continue
        datum = iso_date(date.get("datum"))
        for r, room in enumerate(date["rooms"]):
            if not isinstance(room, dict) or not isinstance(room.get("sessions"), list):
                continue
            for s, session in enumerate(room["sessions"]):
                record = f"dates[{d}].rooms[{r}].sessions[{s}]"
                if not isinstance(session, dict):
                    factory.error(record, "session is not a JSON object; skipped")
                    continue
                code = as_line(session.get("code"))
                if not code:
                    continue  # breaks, session names, community slots
                if code in seen:
                    continue
                seen.add(code)
                record = f"{record} (code {code})"
                talk = factory.make(
                    record,
                    title=session.get("title"),
                    speakers=session.get("speaker_names"),
                    abstract=session.get("short_description"),
                    description=session.get("description"),
                    date=datum,
                    start=hh_mm(session.get("start") or session.get("time")),
                    room=room.get("room_name"),
                    session_type=session.get("type"),
                    labels=Labels(
                        track=as_line(session.get("track")) or None,
                        domains=split_labels(session.get("domains")),
                    ),
                    aliases=_alias(session.get("slug")),
                )
                if talk is not None:
                    result.talks.append(talk)
    return result
