"""Digest -> what the HTML page's browsing scripts need: one compact record per talk (for the
schedule, the filters and the .ics/.csv download of the current selection), the filter choices
and the topic hierarchy for the topic menu.

In: a :class:`~talktopics.render.view.DigestView` and the topic colours. Out: plain dicts and
lists, ready to be embedded as JSON (``script_json``) or rendered by the template.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from talktopics.records import OTHER_TOPIC, Talk
from talktopics.render.view import DigestView, anchor, safe_url, single_line

__all__ = [
    "FILTERS",
    "day_label",
    "day_sort_key",
    "days",
    "filter_choices",
    "has_notes_choice",
    "talk_records",
    "topic_menu",
]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

FILTERS = (
    ("day", "Day"),
    ("room", "Room"),
    ("track", "Track"),
    ("edition", "Edition"),
    ("type", "Session type"),
)
"""The filters over a talk field (record key, shown name), in page order; "has my notes" is a
checkbox after them."""


def day_label(talk: Talk) -> str:
    """A day as people read it (``"Mon 22 Apr 2024"``), the day label, or ``""``."""
    if talk.date:
        try:
            day = dt.date.fromisoformat(talk.date)
        except ValueError:
            return single_line(talk.date)
        return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
    return single_line(talk.day or "")


def _start(text: str | None) -> str:
    """``"9:05"`` -> ``"09:05"`` so times sort as text; anything else as it is."""
    value = single_line(text or "")
    head, sep, _ = value.partition(":")
    if sep and head.isdigit() and len(head) == 1:
        return "0" + value
    return value


def _edition(talk: Talk) -> str:
    name = single_line(talk.conference)
    if talk.year is None:
        return name
    return f"{name} {talk.year}".strip()


def talk_records(view: DigestView, colours: dict[str, str]) -> list[dict[str, Any]]:
    """One record per talk, in corpus order; ``anchor`` is the id of the talk's card.

    Keys: ``anchor``, ``uid`` (the talk id), ``title``, ``speakers``, ``date`` (ISO or ``""``),
    ``day`` (the day filter's value: ISO date or day label), ``start`` (``HH:MM``), ``room``,
    ``track``, ``edition``, ``type``, ``notes`` (``1`` when the talk has notes, else ``0``),
    ``topic`` (its topic id or ``"other"``), ``topic_label``, ``subtopic`` (label),
    ``subtopic_id``, ``colour``, ``url``,
    ``video_url``, ``summary``.
    """
    out: list[dict[str, Any]] = []
    for talk in view.digest.talks:
        home = view.home.get(talk.id)
        sub = view.subtopic_of.get(talk.id)
        summary = view.talk_summaries.get(talk.id)
        topic = view.topics.get(home) if home else None
        out.append(
            {
                "anchor": anchor("talk", talk.id),
                "uid": talk.id,
                "title": single_line(talk.title) or "Untitled talk",
                "speakers": single_line(", ".join(talk.speakers)),
                "date": single_line(talk.date or ""),
                "day": _field(talk, "day"),
                "start": _start(talk.start),
                "room": _field(talk, "room"),
                "track": _field(talk, "track"),
                "edition": _field(talk, "edition"),
                "type": _field(talk, "type"),
                "notes": 1 if talk.notes.strip() else 0,
                "topic": home or OTHER_TOPIC,
                "topic_label": single_line(topic.label) if topic else "",
                "subtopic": single_line(view.topics[sub].label) if sub in view.topics else "",
                "subtopic_id": sub if sub in view.topics else "",
                "colour": colours.get(home or OTHER_TOPIC, colours[OTHER_TOPIC]),
                "url": safe_url(talk.url) or "",
                "video_url": safe_url(talk.video_url) or "",
                "summary": single_line(summary.text) if summary is not None else "",
            }
        )
    return out


_WEEKDAY_NAMES = {
    name: i
    for i, day in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    for name in (day, day[:3])
}


def day_sort_key(value: str, first_seen: int) -> tuple[int, str, int]:
    """Days in order: ISO dates by date, then weekday names in week order, then other day
    labels ("Day 1", "Второй день") as first met."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        weekday = _WEEKDAY_NAMES.get(value.strip().casefold())
        if weekday is not None:
            return (1, "", weekday)
        return (2, "", first_seen)
    return (0, value, 0)


def _sort_key(key: str, value: str, first_seen: int) -> tuple[int, str, int]:
    if key == "day":
        return day_sort_key(value, first_seen)
    return (0, value.casefold(), first_seen)


def _field(talk: Talk, key: str) -> str:
    """A talk's value for one filter (as in its record), ``""`` when unknown."""
    if key == "edition":
        return _edition(talk)
    raw = {
        "day": talk.date or talk.day,
        "room": talk.room,
        "track": talk.labels.track,
        "type": talk.session_type,
    }[key]
    return single_line(raw or "")


def _options(view: DigestView, key: str) -> list[dict[str, str]]:
    """The distinct non-empty values of one field, in display order, with their labels."""
    seen: dict[str, tuple[int, str]] = {}
    for talk in view.digest.talks:
        value = _field(talk, key)
        if value and value not in seen:
            seen[value] = (len(seen), day_label(talk) if key == "day" else value)
    values = sorted(seen, key=lambda v: _sort_key(key, v, seen[v][0]))
    return [{"value": v, "label": seen[v][1]} for v in values]


def days(view: DigestView) -> list[dict[str, str]]:
    """Every day of the programme in order (``{"value", "label"}``; value as in the talk
    records' ``day``): the schedule's day blocks."""
    return _options(view, "day")


def filter_choices(view: DigestView) -> list[dict[str, Any]]:
    """The filters worth showing: those whose field has more than one value among the talks.

    Each is ``{"key", "name", "options": [{"value", "label"}]}``; a talk matches an option
    when its record's ``key`` equals the option's value.
    """
    out: list[dict[str, Any]] = []
    for key, name in FILTERS:
        options = _options(view, key)
        if len(options) > 1:
            out.append({"key": key, "name": name, "options": options})
    return out


def has_notes_choice(view: DigestView) -> bool:
    """Whether the "has my notes" filter tells anything: some talks have notes, some not."""
    with_notes = sum(1 for t in view.digest.talks if t.notes.strip())
    return 0 < with_notes < len(view.digest.talks)


def topic_menu(view: DigestView, colours: dict[str, str]) -> list[dict[str, Any]]:
    """Topics in page order with their sub-topics: ``{"id", "anchor", "label", "colour",
    "count", "subtopics": [{"label", "count"}]}``; "Talks in no topic" last when there are any."""
    out: list[dict[str, Any]] = []
    for topic in view.digest.topics:
        out.append(
            {
                "id": topic.id,
                "anchor": anchor("topic", topic.id),
                "label": single_line(topic.label) or f"Topic {view.number.get(topic.id, '')}",
                "colour": colours[topic.id],
                "count": len(view.talks_of(topic)),
                "subtopics": [
                    {
                        "id": s.id,
                        "label": single_line(s.label),
                        "count": sum(1 for tid in s.talk_ids if view.subtopic_of.get(tid) == s.id),
                    }
                    for s in view.subtopics.get(topic.id, [])
                ],
            }
        )
    others = len(view.other_talks())
    if others:
        out.append(
            {
                "id": OTHER_TOPIC,
                "anchor": "topic-other",
                "label": "Talks in no topic",
                "colour": colours[OTHER_TOPIC],
                "count": others,
                "subtopics": [],
            }
        )
    return out
