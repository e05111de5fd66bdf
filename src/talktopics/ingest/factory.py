"""Build the talks of one source: title check, text length limits, stable ids, issues."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from talktopics.config import IngestLimits
from talktopics.ingest.fields import as_line, as_text, http_url, language_code, speaker_names
from talktopics.records import IngestIssue, Labels, SourceRef, Talk, talk_id

__all__ = ["MAX_TITLE_CHARS", "ReadContext", "ReadResult", "TalkFactory"]

logger = logging.getLogger(__name__)

MAX_TITLE_CHARS = 500
"""Longer titles are cut (with a warning): a title is a line, not a text."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadContext:
    """What every reader needs besides the file: fallbacks, limits and the CSV column map."""

    conference: str | None = None
    """Used when neither the data nor the file or folder name says."""
    year: int | None = None
    limits: IngestLimits = field(default_factory=IngestLimits)
    column_map: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ReadResult:
    """What a reader returns for one source."""

    talks: list[Talk] = field(default_factory=list)
    issues: list[IngestIssue] = field(default_factory=list)
    role: str = "talks"
    """``"notes"`` for attendee notes (joined with a programme of the same folder),
    ``"programme"`` for schedule exports, ``"aux"`` for files without talks (rooms lists)."""


class TalkFactory:
    """Builds the talks of one source: validates titles, limits text length, computes ids."""

    def __init__(
        self,
        ctx: ReadContext,
        result: ReadResult,
        *,
        path: str,
        format: str,
        conference: str,
        year: int | None,
    ) -> None:
        self.ctx = ctx
        self.result = result
        self.path = path
        self.format = format
        self.conference = conference
        self.year = year

    def source(self, record: str) -> SourceRef:
        return SourceRef(path=self.path, record=record, format=self.format)

    def error(self, record: str, message: str) -> None:
        self.result.issues.append(
            IngestIssue(level="error", source=self.source(record), message=message)
        )

    def warn(self, record: str, message: str) -> None:
        self.result.issues.append(
            IngestIssue(level="warning", source=self.source(record), message=message)
        )

    def _limit(self, record: str, name: str, text: str) -> str:
        limit = self.ctx.limits.max_text_chars
        if len(text) > limit:
            self.warn(
                record,
                f"{name} is {len(text):,} characters long; truncated to {limit:,} "
                "(IngestLimits.max_text_chars)",
            )
            return text[:limit]
        return text

    def make(
        self,
        record: str,
        *,
        title: Any,
        speakers: Any = (),
        abstract: Any = "",
        description: Any = "",
        notes: Any = "",
        date: Any = None,
        start: Any = None,
        day: Any = None,
        room: Any = None,
        session_type: Any = None,
        language: Any = None,
        notes_language: str | None = None,
        url: Any = None,
        video_url: Any = None,
        labels: Labels | None = None,
        conference: str | None = None,
        year: int | None = None,
        aliases: tuple[str, ...] = (),
        id_extra: str = "",
    ) -> Talk | None:
        """One talk, or None (with an error issue) when the record has no usable title.

        Args:
            record: Where the record is inside the source ("line 12", "[3]", "videos/x.json").
            id_extra: Added to the title for the id only (to tell apart same-titled sessions
                that the source itself distinguishes).
        """
        title_text = as_line(title)
        if not title_text:
            self.error(record, "record has no title; skipped (every talk needs a title)")
            return None
        if len(title_text) > MAX_TITLE_CHARS:
            self.warn(
                record,
                f"title is {len(title_text):,} characters long; cut to {MAX_TITLE_CHARS}",
            )
            title_text = title_text[:MAX_TITLE_CHARS].rstrip()
        conf = conference if conference is not None else self.conference
        yr = year if year is not None else self.year
        speaker_tuple = speakers if isinstance(speakers, tuple) else speaker_names(speakers)
        abstract_text = self._limit(record, "abstract", as_text(abstract))
        description_text = self._limit(record, "description", as_text(description))
        if description_text == abstract_text:
            description_text = ""
        notes_text = self._limit(record, "notes", as_text(notes))
        id_title = f"{title_text} {id_extra}" if id_extra else title_text
        return Talk(
            id=talk_id(conf, yr, id_title),
            title=title_text,
            conference=conf,
            year=yr,
            speakers=speaker_tuple,
            date=as_line(date) or None,
            start=as_line(start) or None,
            day=as_line(day) or None,
            room=as_line(room) or None,
            session_type=as_line(session_type) or None,
            language=language_code(language),
            abstract=abstract_text,
            description=description_text,
            notes=notes_text,
            notes_language=notes_language,
            url=http_url(url),
            video_url=http_url(video_url),
            labels=labels or Labels(),
            source=self.source(record),
            aliases=aliases,
        )
