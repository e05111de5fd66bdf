"""talktopics' own ``talktopics ingest --json`` output -> the same talks, ids kept.

So a corpus can be ingested once (and checked, or edited by hand) and then fed to later runs.
Unknown keys are ignored; a record without a title is reported like in any other format.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from talktopics.ingest.factory import ReadContext, ReadResult, TalkFactory
from talktopics.ingest.fields import as_line, split_labels
from talktopics.ingest.reading import Document
from talktopics.records import Labels, SourceRef

__all__ = ["is_talktopics_json", "read_talktopics_json"]

logger = logging.getLogger(__name__)


def is_talktopics_json(data: Any) -> bool:
    """``{"talks": [{"id", "title", ...}], "issues": [...], "sources": [...]}``."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("talks"), list)
        and "sources" in data
        and "issues" in data
    )


def read_talktopics_json(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read the JSON written by ``talktopics ingest --json``."""
    result = ReadResult(role="talks")
    factory = TalkFactory(ctx, result, path=doc.label, format="talktopics-json",
                          conference=ctx.conference or "", year=ctx.year)  # fmt: skip
    for i, item in enumerate(doc.json()["talks"]):
        record = f"talks[{i}]"
        if not isinstance(item, dict):
            factory.error(record, "talk is not a JSON object; skipped")
            continue
        raw_labels = item.get("labels")
        labels: dict[str, Any] = raw_labels if isinstance(raw_labels, dict) else {}
        year = item.get("year")
        raw_source = item.get("source")
        source: dict[str, Any] = raw_source if isinstance(raw_source, dict) else {}
        talk = factory.make(
            record,
            title=item.get("title"),
            speakers=item.get("speakers"),
            abstract=item.get("abstract"),
            description=item.get("description"),
            notes=item.get("notes"),
            notes_language=as_line(item.get("notes_language")) or None,
            date=item.get("date"),
            start=item.get("start"),
            day=item.get("day"),
            room=item.get("room"),
            session_type=item.get("session_type"),
            language=item.get("language"),
            url=item.get("url"),
            video_url=item.get("video_url"),
            labels=Labels(
                track=as_line(labels.get("track")) or None,
                tags=split_labels(labels.get("tags")),
                domains=split_labels(labels.get("domains")),
            ),
            conference=as_line(item.get("conference")),
            year=year if isinstance(year, int) and not isinstance(year, bool) else None,
            aliases=split_labels(item.get("aliases")),
        )
        if talk is None:
            continue
        talk_id = as_line(item.get("id"))
        original = SourceRef(
            path=as_line(source.get("path")) or doc.label,
            record=as_line(source.get("record")),
            format=as_line(source.get("format")) or "talktopics-json",
        )
        result.talks.append(replace(talk, id=talk_id or talk.id, source=original))
    return result
