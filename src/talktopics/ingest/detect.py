"""Which reader fits a file: by content first, the file name only to break ties."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from talktopics.errors import IngestError
from talktopics.ingest import europython, frab, markdown, native, pretalx, pyconde, pyvideo, table
from talktopics.ingest.factory import ReadContext, ReadResult
from talktopics.ingest.reading import Document

__all__ = ["FORMATS", "SUFFIXES", "Format", "detect_format", "run_reader"]

logger = logging.getLogger(__name__)

Reader = Callable[[Document, ReadContext], ReadResult]


@dataclass(frozen=True, slots=True, kw_only=True)
class Format:
    """An input format: its name (for ``--input-format``), reader and a one-line description."""

    name: str
    reader: Reader
    description: str


def _aux(doc: Document, ctx: ReadContext) -> ReadResult:
    """Files that sit beside talk data but hold none (pretalx rooms, pyvideo category)."""
    return ReadResult(role="aux")


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            name="markdown",
            reader=markdown.read_markdown,
            description="attendee notes, one heading per talk (.md)",
        ),
        Format(
            name="pyvideo",
            reader=pyvideo.read_pyvideo_video,
            description="pyvideo.org folder (category.json + videos/*.json) or one video file",
        ),
        Format(
            name="frab-json",
            reader=frab.read_frab_json,
            description="pretalx/frab schedule.json export",
        ),
        Format(
            name="frab-xml",
            reader=frab.read_frab_xml,
            description="pretalx/frab schedule.xml export",
        ),
        Format(
            name="pretalx-api",
            reader=pretalx.read_pretalx_api,
            description="pretalx REST API response (schedules, talks, submissions; old or new "
            "shape), PyConFR site files",
        ),
        Format(
            name="pretalx-widget",
            reader=pretalx.read_pretalx_widget,
            description="pretalx schedule widget data (widgets/schedule.json)",
        ),
        Format(
            name="pyconde-talks",
            reader=pyconde.read_pyconde_talks,
            description="PyCon.DE website talks.json / tutorials.json (2017, 2018)",
        ),
        Format(
            name="pyconde-databag",
            reader=pyconde.read_pyconde_databag,
            description="PyCon.DE website schedule_databag.json (2019)",
        ),
        Format(
            name="europython-sessions",
            reader=europython.read_europython_sessions,
            description="EuroPython website sessions_data.json (2022)",
        ),
        Format(
            name="europython-xml",
            reader=europython.read_europython_xml,
            description="EuroPython schedule.xml (2014)",
        ),
        Format(name="csv", reader=table.read_csv, description="CSV/TSV with a header row"),
        Format(name="jsonl", reader=table.read_jsonl, description="JSON Lines, one talk per line"),
        Format(
            name="json-records",
            reader=table.read_json_records,
            description="JSON list of flat talk objects (CSV column names)",
        ),
        Format(
            name="talktopics-json",
            reader=native.read_talktopics_json,
            description="the JSON that `talktopics ingest --json` writes",
        ),
        Format(
            name="aux",
            reader=_aux,
            description="not talks: pretalx rooms list, pyvideo category.json (read as nothing)",
        ),
    )
}

SUFFIXES = frozenset({".md", ".markdown", ".json", ".xml", ".csv", ".tsv", ".jsonl", ".ndjson"})
"""File name endings read when walking a folder (other files there are left alone)."""


def _is_pyvideo_video(data: Any) -> bool:
    return isinstance(data, dict) and "title" in data and ("videos" in data or "recorded" in data)


def _is_pyvideo_category(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and "title" in data
        and set(data) <= {"title", "description", "url", "start_date", "slug"}
    )


def _json_format(data: Any, column_map: Mapping[str, str]) -> str | None:
    checks: tuple[tuple[str, Callable[[Any], bool]], ...] = (
        ("frab-json", frab.is_frab_json),
        ("talktopics-json", native.is_talktopics_json),
        ("pretalx-widget", pretalx.is_pretalx_widget),
        ("europython-sessions", europython.is_europython_sessions),
        ("pretalx-api", pretalx.is_pretalx_api),
        ("pyconde-databag", pyconde.is_pyconde_databag),
        ("pyvideo", _is_pyvideo_video),
        ("aux", lambda d: pretalx.is_pretalx_rooms(d) or _is_pyvideo_category(d)),
        ("json-records", lambda d: table.is_json_records(d, column_map)),
        ("pyconde-talks", pyconde.is_pyconde_talks),
    )
    for name, check in checks:
        if check(data):
            return name
    return None


def _first_line_is_object(text: str) -> bool:
    for line in text.splitlines():
        if line.strip():
            try:
                return isinstance(json.loads(line), dict)
            except (ValueError, RecursionError):  # ValueError includes JSONDecodeError
                return False
    return False


def detect_format(doc: Document, column_map: Mapping[str, str] | None = None) -> str:
    """The name of the format (a key of `FORMATS`) that reads ``doc``.

    Raises:
        IngestError: the content fits no reader (the message lists ``--input-format`` values), or
            it is JSON/XML that cannot be parsed (with line and column).
    """
    column_map = column_map or {}
    suffix = doc.suffix
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".tab"):
        return "csv"
    if suffix in (".md", ".markdown", ".mdown", ".mkd"):
        return "markdown"
    if doc.looks_like_json():
        error = doc.json_error()
        if error is None:
            name = _json_format(doc.json(), column_map)
            if name is not None:
                return name
            raise IngestError(
                doc.label,
                "JSON of a shape no reader knows; use --input-format (one of: "
                f"{', '.join(n for n in FORMATS if n != 'aux')})",
            )
        if _first_line_is_object(doc.text):
            return "jsonl"
        raise error
    if doc.looks_like_xml():
        root = doc.xml()
        if frab.is_frab_xml(root):
            return "frab-xml"
        if europython.is_europython_xml(root):
            return "europython-xml"
        raise IngestError(
            doc.label, f"XML with a <{root.tag}> root that no reader knows; use --input-format"
        )
    if markdown.looks_like_markdown(doc.text):
        return "markdown"
    first = doc.text.lstrip().split("\n", 1)[0]
    if ("," in first or "\t" in first or ";" in first) and suffix in ("", ".txt"):
        return "csv"
    raise IngestError(
        doc.label,
        "cannot tell the format of this file; use --input-format (one of: "
        f"{', '.join(n for n in FORMATS if n != 'aux')})",
    )


def run_reader(doc: Document, name: str, ctx: ReadContext) -> ReadResult:
    """Run the reader ``name`` on ``doc``; whatever goes wrong becomes an `IngestError`."""
    try:
        return FORMATS[name].reader(doc, ctx)
    except IngestError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        logger.debug("%s: reader %s failed", doc.label, name, exc_info=True)
        raise IngestError(
            doc.label,
            f"does not have the layout of format {name!r} "
            f"({type(exc).__name__}: {exc}); check --input-format",
        ) from None
    except RecursionError:
        raise IngestError(doc.label, "data nested too deeply to read") from None
    except Exception as exc:  # a bug in a reader must not cost the other files
        logger.debug("%s: reader %s crashed", doc.label, name, exc_info=True)
        raise IngestError(
            doc.label,
            f"internal error in the {name} reader ({type(exc).__name__}: {exc}); this file "
            "was skipped; please report this as a bug",
        ) from None
