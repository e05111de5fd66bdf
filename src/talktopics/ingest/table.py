"""Tables of talks: CSV/TSV, JSON Lines and plain JSON lists of flat records -> talks.

Columns are found by name, ignoring case, spaces, ``_`` and ``-``. Default column names per
field (the first present wins):

==============  ==========================================================
field           columns
==============  ==========================================================
title           title, talk, talk title, session title
abstract        abstract, summary, short description
description     description, full description, details
notes           notes, my notes
speakers        speakers, speaker, speaker names, authors, author
conference      conference, event
year            year
date            date, day date
start           start, start time, time
day             day
room            room, location
session_type    session type, type, submission type, format, category
language        language, lang, locale, content locale
url             url, link, website url
video_url       video url, video, youtube
track           track
tags            tags, keywords
domains         domains, domain
==============  ==========================================================

``column_map`` (``--map title=Talk,abstract=Summary``) names the column for a field and
overrides the defaults. List fields (speakers, tags, domains) are split on ``;`` or ``|``,
else on ``,``. In JSON Lines and JSON lists, list values are taken as they are.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

from talktopics.errors import ConfigError, IngestError
from talktopics.ingest.edition import resolve_edition
from talktopics.ingest.factory import ReadContext, ReadResult, TalkFactory
from talktopics.ingest.fields import as_line, as_text, first_objects, iso_date
from talktopics.ingest.jsontext import parse_json
from talktopics.ingest.reading import Document
from talktopics.records import Labels

__all__ = [
    "DEFAULT_COLUMNS",
    "FIELDS",
    "is_json_records",
    "parse_column_map",
    "read_csv",
    "read_json_records",
    "read_jsonl",
]

logger = logging.getLogger(__name__)

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "talk", "talk title", "session title"),
    "abstract": ("abstract", "summary", "short description"),
    "description": ("description", "full description", "details"),
    "notes": ("notes", "my notes"),
    "speakers": ("speakers", "speaker", "speaker names", "authors", "author"),
    "conference": ("conference", "event"),
    "year": ("year",),
    "date": ("date", "day date"),
    "start": ("start", "start time", "time"),
    "day": ("day",),
    "room": ("room", "location"),
    "session_type": ("session type", "type", "submission type", "format", "category"),
    "language": ("language", "lang", "locale", "content locale"),
    "url": ("url", "link", "website url"),
    "video_url": ("video url", "video", "youtube"),
    "track": ("track",),
    "tags": ("tags", "keywords"),
    "domains": ("domains", "domain"),
}
FIELDS = tuple(DEFAULT_COLUMNS)


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.casefold())


def parse_column_map(spec: str | None) -> dict[str, str]:
    """``"title=Title,abstract=Abstract"`` -> ``{"title": "Title", "abstract": "Abstract"}``.

    Raises:
        ConfigError: a part is not ``field=column`` or names an unknown field.
    """
    out: dict[str, str] = {}
    if not spec:
        return out
    for part in spec.split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise ConfigError(
                f"--map: {part.strip()!r} is not FIELD=COLUMN (e.g. title=Title,abstract=Summary)"
            )
        check_fields({field: column})
        out[field] = column
    return out


def check_fields(column_map: Mapping[str, str]) -> None:
    """Raises ConfigError when the map names a field that talks do not have."""
    for field in column_map:
        if field not in DEFAULT_COLUMNS:
            raise ConfigError(f"--map: unknown field {field!r}; known fields: {', '.join(FIELDS)}")


def _columns(headers: list[str], column_map: Mapping[str, str], label: str) -> dict[str, str]:
    """Field -> actual header, from the explicit map and the defaults."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(_key(header), header)
    out: dict[str, str] = {}
    for field, column in column_map.items():
        if _key(column) not in by_key:
            raise IngestError(
                label,
                f"column {column!r} (from --map {field}={column}) is not in the file; "
                f"its columns are: {', '.join(headers) or '(none)'}",
            )
        out[field] = by_key[_key(column)]
    taken = set(out.values())
    for field, names in DEFAULT_COLUMNS.items():
        if field in out:
            continue
        for name in names:
            found = by_key.get(_key(name))
            if found is not None and found not in taken:
                out[field] = found
                taken.add(found)
                break
    if "title" not in out:
        raise IngestError(
            label,
            "no title column; name one with --map title=COLUMN "
            f"(columns found: {', '.join(headers) or '(none)'})",
        )
    return out


def _list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(t for t in (as_line(v) for v in value) if t)
    text = as_text(value)
    if not text:
        return ()
    sep = ";" if ";" in text else "|" if "|" in text else ","
    return tuple(t for t in (p.strip() for p in text.split(sep)) if t)


def _talk_from_row(
    row: Mapping[str, Any], columns: Mapping[str, str], factory: TalkFactory, record: str
) -> None:
    def get(field: str) -> Any:
        header = columns.get(field)
        return row.get(header) if header is not None else None

    year: int | None = None
    raw_year = as_line(get("year"))
    if raw_year:
        if re.fullmatch(r"\d{4}", raw_year):
            year = int(raw_year)
        else:
            factory.warn(record, f"year {raw_year!r} is not a year; ignored")
    conference = as_line(get("conference")) or None
    talk = factory.make(
        record,
        title=get("title"),
        speakers=_list(get("speakers")),
        abstract=get("abstract"),
        description=get("description"),
        notes=get("notes"),
        date=iso_date(get("date")),
        start=get("start"),
        day=get("day"),
        room=get("room"),
        session_type=get("session_type"),
        language=get("language"),
        url=get("url"),
        video_url=get("video_url"),
        labels=Labels(
            track=as_line(get("track")) or None,
            tags=_list(get("tags")),
            domains=_list(get("domains")),
        ),
        conference=conference,
        year=year,
    )
    if talk is not None:
        factory.result.talks.append(talk)


def _factory(doc: Document, ctx: ReadContext, result: ReadResult, fmt: str) -> TalkFactory:
    conference, year = resolve_edition(ctx, doc.path)
    return TalkFactory(ctx, result, path=doc.label, format=fmt, conference=conference, year=year)


def read_csv(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read a CSV or TSV file with a header row."""
    result = ReadResult(role="programme")
    factory = _factory(doc, ctx, result, "csv")
    text = doc.text
    if doc.suffix in (".tsv", ".tab"):
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(max(ctx.limits.max_file_bytes, 131_072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise IngestError(doc.label, f"no CSV header row ({exc})", record="line 1") from None
    headers = [h.strip() for h in headers]
    columns = _columns(headers, ctx.column_map, doc.label)
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            factory.error(f"line {start}", f"not valid CSV: {exc}; rest of the file skipped")
            break
        line = reader.line_num
        record = f"line {start}"
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(headers):
            factory.warn(
                record,
                f"row has {len(values)} values but the header has {len(headers)} columns",
            )
        row = dict(zip(headers, values, strict=False))
        _talk_from_row(row, columns, factory, record)
    return result


def _jsonl_rows(doc: Document, factory: TalkFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    for n, line in enumerate(doc.text.splitlines(), start=1):
        if not line.strip():
            continue
        record = f"line {n}"
        try:
            value, problems = parse_json(line)
        except json.JSONDecodeError as exc:
            factory.error(record, f"not valid JSON ({exc.msg}, column {exc.colno}); skipped")
            continue
        for problem in problems:
            where = f"line {n}, column {problem.offset + 1}"
            if "surrogate" in problem.message:
                factory.warn(where, problem.message)
            else:
                factory.error(where, problem.message)
        if not isinstance(value, dict):
            factory.error(record, f"expected a JSON object, found {type(value).__name__}; skipped")
            continue
        yield record, value


def read_jsonl(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read JSON Lines: one JSON object per line (bad lines are reported and skipped)."""
    result = ReadResult(role="programme")
    factory = _factory(doc, ctx, result, "jsonl")
    rows = list(_jsonl_rows(doc, factory))
    keys: dict[str, None] = {}  # ordered set: an object with a million keys stays linear
    for _, row in rows:
        keys.update(dict.fromkeys(row))
    headers = list(keys)
    if not rows:
        if not result.issues:
            raise IngestError(doc.label, "no JSON objects found")
        return result
    columns = _columns(headers, ctx.column_map, doc.label)
    for record, row in rows:
        _talk_from_row(row, columns, factory, record)
    return result


def is_json_records(data: Any, column_map: Mapping[str, str]) -> bool:
    """A JSON list of flat objects, one of whose keys is a title column."""
    names = [column_map["title"]] if "title" in column_map else list(DEFAULT_COLUMNS["title"])
    wanted = {_key(n) for n in names}
    return any(wanted & {_key(k) for k in row} for row in first_objects(data))


def read_json_records(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read a JSON list of flat talk objects (the same columns as CSV)."""
    result = ReadResult(role="programme")
    factory = _factory(doc, ctx, result, "json-records")
    data = doc.json()
    if not isinstance(data, list):
        raise IngestError(doc.label, f"expected a JSON list of talks, found {type(data).__name__}")
    keys: dict[str, None] = {}  # ordered set: objects with a million keys stay linear
    for row in data:
        if isinstance(row, dict):
            keys.update(dict.fromkeys(row))
    headers = list(keys)
    columns = _columns(headers, ctx.column_map, doc.label)
    for i, row in enumerate(data):
        record = f"[{i}]"
        if not isinstance(row, dict):
            factory.error(record, f"expected a JSON object, found {type(row).__name__}; skipped")
            continue
        _talk_from_row(row, columns, factory, record)
    return result
