"""The calendar (digest.ics) and CSV (digest.csv) exports: parsed back with icalendar and csv,
they hold the talks' times, rooms, links and topics; reruns are byte-identical."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import icalendar
import pytest

from fixtures.sample_digest import sample_digest as make_sample
from talktopics.errors import ConfigError
from talktopics.outputs import DIGEST_FORMATS, parse_formats
from talktopics.recipes.digest import write_digest
from talktopics.render import render_digest
from talktopics.render.csv_export import CSV_COLUMNS
from talktopics.render.view import DigestView


def _events(text: str) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(text)
    return {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_formats_ics_and_csv_are_known() -> None:
    assert parse_formats("md,ics,CSV,.ics") == ("md", "ics", "csv")
    assert DIGEST_FORMATS["ics"] == "digest.ics" and DIGEST_FORMATS["csv"] == "digest.csv"
    with pytest.raises(ConfigError, match="known formats: md, html, json, ics, csv"):
        parse_formats("pdf")


def test_calendar_holds_the_timed_talks_with_room_link_and_topic() -> None:
    digest = make_sample()
    text = render_digest(digest, "ics")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    events = _events(text)
    timed = {t.id for t in digest.talks if t.date and t.start}
    assert set(events) == timed  # only talks with a date and a start time
    first = events["example-conf-2024-01"]
    start = first.decoded("DTSTART")
    assert start == dt.datetime(2024, 4, 22, 11, 30) and start.tzinfo is None  # floating
    assert str(first["SUMMARY"]) == "Deep Learning with PyTorch for more Fun and Profit"
    assert str(first["LOCATION"]) == "Hall A"
    assert str(first["URL"]) == "https://example.org/talks/pytorch"
    view = DigestView(digest)
    topic = view.topics[view.home["example-conf-2024-01"]].label
    assert f"Topic: {topic}" in str(first["DESCRIPTION"])
    assert "Alex Doe" in str(first["DESCRIPTION"])
    assert str(events["example-conf-2024-06"]["LOCATION"]) == "Saal Ü"
    # An unsafe link is left out, never written.
    assert "URL" not in events["example-conf-2024-03"]
    assert "javascript" not in text
    # DTSTAMP comes from the input (the last talk date), not the clock.
    stamps = {e.decoded("DTSTAMP") for e in events.values()}
    assert stamps == {dt.datetime(2024, 4, 24, tzinfo=dt.UTC)}


def test_calendar_and_csv_are_byte_identical_on_reruns() -> None:
    for fmt in ("ics", "csv"):
        assert render_digest(make_sample(), fmt) == render_digest(make_sample(), fmt)


def test_csv_has_one_row_per_talk_with_topics_and_summary() -> None:
    digest = make_sample()
    rows = list(csv.DictReader(io.StringIO(render_digest(digest, "csv"), newline="")))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [r["id"] for r in rows] == [t.id for t in digest.talks]
    view = DigestView(digest)
    by_id = {r["id"]: r for r in rows}
    first = by_id["example-conf-2024-01"]
    assert first["date"] == "2024-04-22" and first["start"] == "11:30"
    assert first["room"] == "Hall A" and first["track"] == "PyData: Deep Learning"
    assert first["session_type"] == "Talk" and first["edition"] == "Example Conf 2024"
    assert first["primary_topic"] == view.topics[view.home[first["id"]]].label
    assert first["topics"].split(" (")[0] == first["primary_topic"]
    shares = [float(part.rsplit("(", 1)[1].rstrip("%)")) for part in first["topics"].split("; ")]
    assert shares == sorted(shares, reverse=True) and 99 <= sum(shares) <= 101
    assert first["summary"] == view.talk_summaries[first["id"]].text
    assert first["url"] == "https://example.org/talks/pytorch"
    assert by_id["example-conf-2024-05"]["speakers"] == "Jane Roe; John Poe"
    assert by_id["example-conf-2024-03"]["url"] == ""  # javascript: link dropped
    for row in rows:  # no cell a spreadsheet would run as a formula
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())


def test_write_digest_writes_ics_and_csv(tmp_path: Path) -> None:
    paths = write_digest(make_sample(), tmp_path, formats="ics,csv")
    assert [p.name for p in paths] == ["digest.ics", "digest.csv"]
    raw = (tmp_path / "digest.csv").read_bytes()
    assert raw.startswith(b"id,title,") and "Saal Ü".encode() in raw
    assert icalendar.Calendar.from_ical((tmp_path / "digest.ics").read_bytes())
