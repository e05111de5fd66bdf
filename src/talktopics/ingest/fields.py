"""Turn raw record fields into `Talk` fields: text, speakers, languages, editions, breaks.

Every reader maps its format's record onto the keyword arguments of `TalkFactory.make`, which
validates the title, cleans and length-limits the text and computes the stable id. Values of
unexpected types never raise: they are coerced to text or ignored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talktopics.config import IngestLimits
from talktopics.records import IngestIssue, Labels, SourceRef, Talk, talk_id

__all__ = [
    "MAX_TITLE_CHARS",
    "ReadContext",
    "ReadResult",
    "TalkFactory",
    "as_text",
    "edition_from_name",
    "edition_from_title",
    "is_organisational",
    "language_code",
    "speaker_names",
    "split_labels",
]

logger = logging.getLogger(__name__)

MAX_TITLE_CHARS = 500
"""Longer titles are cut (with a warning): a title is a line, not a text."""

_PREFERRED_LANGS = ("en", "de", "fr")


# --- coercion -------------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """Any JSON value as text: i18n dicts pick English (else the first value), lists are joined.

    ``None`` and containers of the wrong kind give "". Line endings become ``\\n``.
    """
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        text = str(value)
    elif isinstance(value, Mapping):
        text = ""
        for lang in _PREFERRED_LANGS:
            if isinstance(value.get(lang), str) and value[lang].strip():
                text = value[lang]
                break
        else:
            for item in value.values():
                if isinstance(item, str) and item.strip():
                    text = item
                    break
    elif isinstance(value, list | tuple):
        text = "\n".join(t for t in (as_text(v) for v in value) if t)
    else:
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()


def as_line(value: Any) -> str:
    """Text on one line (titles, names): whitespace runs collapsed."""
    return " ".join(as_text(value).split())


_AFFILIATION = re.compile(r"\s*\([^()]*\)\s*$")


def speaker_names(value: Any) -> tuple[str, ...]:
    """Speaker names from a string ("A, B and C"), or a list of strings or person objects.

    Person objects may carry ``name``, ``public_name`` or ``full_name``. A trailing
    affiliation in parentheses ("Ada Lovelace (Analytical Engines)") is removed.
    """
    names: list[str] = []
    if isinstance(value, str):
        parts: Iterable[Any] = re.split(r"\s*(?:,|;|\band\b|&|\n)\s*", value)
    elif isinstance(value, list | tuple):
        parts = value
    elif isinstance(value, Mapping):
        parts = [value]
    else:
        parts = []
    for part in parts:
        if isinstance(part, Mapping):
            part = part.get("public_name") or part.get("name") or part.get("full_name")
        name = _AFFILIATION.sub("", as_line(part))
        if name and name not in names:
            names.append(name)
    return tuple(names)


def split_labels(value: Any) -> tuple[str, ...]:
    """Labels from a list, an i18n dict or a comma-separated string; order kept, no repeats."""
    items: list[str] = []
    if isinstance(value, str):
        raw: Iterable[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        raw = value
    elif value is None:
        raw = []
    else:
        raw = [value]
    for item in raw:
        if isinstance(item, Mapping) and "name" in item:
            item = item["name"]
        text = as_line(item)
        if text and text not in items:
            items.append(text)
    return tuple(items)


_LANG3 = {
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it",
    "por": "pt", "rus": "ru", "pol": "pl", "nld": "nl", "dut": "nl", "ces": "cs", "cze": "cs",
    "jpn": "ja", "zho": "zh", "chi": "zh", "kor": "ko", "ukr": "uk", "tur": "tr", "swe": "sv",
}  # fmt: skip
_LANG_NAMES = {
    "english": "en", "german": "de", "deutsch": "de", "french": "fr", "français": "fr",
    "spanish": "es", "español": "es", "italian": "it", "russian": "ru", "portuguese": "pt",
}  # fmt: skip


def language_code(value: Any) -> str | None:
    """ISO 639-1 code from "en", "en-GB", "eng", "English"...; None when unknown."""
    text = as_line(value).casefold().replace("_", "-")
    if not text:
        return None
    base = text.split("-")[0]
    if len(base) == 2 and base.isalpha() and base.isascii():
        return base
    if base in _LANG3:
        return _LANG3[base]
    return _LANG_NAMES.get(text)


# --- breaks and organisational slots --------------------------------------------------------

_ORGANISATIONAL_TYPE = re.compile(
    r"\b(break|breaks|lunch|breakfast|coffee|snack|registration|announcements?|"
    r"social hour|social event|general assembly|sessionname|opening session|closing session)\b",
    re.IGNORECASE,
)
_ORGANISATIONAL_WORDS = frozenset(
    {
        "welcome", "opening", "closing", "session", "sessions", "announcement",
        "announcements", "morning", "afternoon", "evening", "registration", "coffee", "break",
        "breaks", "lunch", "breakfast", "dinner", "snack", "accueil", "clôture", "cloture",
        "ouverture", "déjeuner", "dejeuner", "pause", "begrüßung", "begrussung",
        "mittagspause", "kaffeepause", "and", "remarks", "ceremony",
    }
)  # fmt: skip
_ORGANISATIONAL_TITLES = frozenset({"end of the day", "snack time", "day end"})


def is_organisational(session_type: str | None, title: str) -> bool:
    """True for breaks and organisational slots (not talks), which readers leave out.

    A slot is organisational when its type says so (break, lunch, breakfast, coffee, snack,
    registration, announcements, social hour/event, general assembly, opening or closing
    session), or when its title is made only of such words ("Coffee Break", "Welcome",
    "Accueil / Welcome", "Closing session", "Opening Ceremony", "End of the day").
    """
    if session_type and _ORGANISATIONAL_TYPE.search(session_type):
        return True
    words = re.findall(r"[^\W\d_]+", title.casefold())
    if " ".join(words) in _ORGANISATIONAL_TITLES:
        return True
    return bool(words) and all(w in _ORGANISATIONAL_WORDS for w in words)


# --- conference and year --------------------------------------------------------------------

_KNOWN_WORDS = {
    "pycon": "PyCon", "pydata": "PyData", "europython": "EuroPython", "juliacon": "JuliaCon",
    "djangocon": "DjangoCon", "scipy": "SciPy", "euroscipy": "EuroSciPy", "pyconde": "PyCon DE",
    "pyconfr": "PyCon FR", "pyconau": "PyCon AU", "pyconus": "PyCon US", "pyladies": "PyLadies",
    "pygotham": "PyGotham", "pyohio": "PyOhio", "fosdem": "FOSDEM", "rc3": "rC3",
}  # fmt: skip
_YEAR = re.compile(r"^(19[7-9]\d|20\d\d)$")
_NOT_NAME = frozenset(
    {
        "notes", "note", "export", "exports", "schedule", "schedules", "talks", "talk", "data",
        "api", "json", "xml", "csv", "programme", "program", "sessions", "session", "databag",
        "website", "www",
    }
)  # fmt: skip


def edition_from_name(name: str) -> tuple[str | None, int | None]:
    """Conference and year from a file or folder name: "pycon-de-2018" -> ("PyCon DE", 2018).

    Tokens before the year make the name (well-known words get their usual spelling,
    two-letter tokens are upper-cased); tokens after it are ignored. No year, no edition.
    """
    tokens = [t for t in re.split(r"[-_.\s]+", name) if t]
    for i in range(len(tokens) - 1, -1, -1):
        if _YEAR.match(tokens[i]):
            words = [t for t in tokens[:i] if t.casefold() not in _NOT_NAME]
            if not words:
                return None, int(tokens[i])
            pretty = [
                _KNOWN_WORDS.get(w.casefold())
                or (w.upper() if len(w) == 2 and w.isalpha() else w.capitalize())
                for w in words
            ]
            return " ".join(pretty), int(tokens[i])
    return None, None


_TITLE_EDITION = re.compile(
    r"(?P<name>(?:[A-Za-z][\w.&+'-]*\s+){0,4}?[A-Za-z][\w.&+'-]*)\s*['’]?(?P<year>(?:19|20)\d\d)\b"
)


def edition_from_title(title: str) -> tuple[str | None, int | None]:
    """Conference and year from a title such as "PyCon AU 2024" or "Notes from PyCon.DE 2018".

    When a well-known conference word (PyCon, EuroPython...) occurs, the name starts there;
    otherwise the capitalised words just before the year are taken.
    """
    text = as_line(title)
    match = _TITLE_EDITION.search(text)
    if match is None:
        year_only = re.search(r"\b(19[7-9]\d|20\d\d)\b", text)
        return None, int(year_only.group(1)) if year_only else None
    year = int(match.group("year"))
    words = match.group("name").split()
    start = None
    for i, word in enumerate(words):
        if re.sub(r"[^a-z0-9]", "", word.casefold().split(".")[0]) in _KNOWN_WORDS:
            start = i
            break
    if start is None:
        start = len(words)
        while start > 0 and any(c.isupper() or c.isdigit() for c in words[start - 1]):
            start -= 1
    name = " ".join(words[start:]).strip(" -:")
    return (name or None), year


# --- building talks -------------------------------------------------------------------------


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


def resolve_edition(
    ctx: ReadContext,
    path: Path,
    *,
    conference: str | None = None,
    year: int | None = None,
    title: str | None = None,
) -> tuple[str, int | None]:
    """Conference and year: from the data, else the file and folder names, else the options."""
    if title and (conference is None or year is None):
        t_conf, t_year = edition_from_title(title)
        conference = conference or t_conf
        year = year if year is not None else t_year
    if conference is None or year is None:
        for part in (path.stem, path.parent.name, path.parent.parent.name):
            n_conf, n_year = edition_from_name(part)
            if n_year is not None:
                if conference is None and n_conf is not None:
                    conference = n_conf
                if year is None:
                    year = n_year
                if conference is not None:
                    break
    return (conference or ctx.conference or ""), (year if year is not None else ctx.year)


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
            url=_http_url(url),
            video_url=_http_url(video_url),
            labels=labels or Labels(),
            source=self.source(record),
            aliases=aliases,
        )


def _http_url(value: Any) -> str | None:
    """Only http(s) links are kept (no ``javascript:`` or ``file:`` URLs from input)."""
    text = as_line(value)
    if text.startswith("//"):
        text = "https:" + text
    return text if re.match(r"^https?://[^\s]+$", text, re.IGNORECASE) else None


def iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or datetime string; None otherwise."""
    match = re.match(r"^\s*(\d{4}-\d{2}-\d{2})", as_text(value))
    return match.group(1) if match else None


def hh_mm(value: Any) -> str | None:
    """``HH:MM`` from "09:30", "0930", or an ISO datetime; None otherwise."""
    text = as_line(value)
    if "T" in text:
        text = text.split("T", 1)[1]
    match = re.match(r"^(\d{1,2}):?(\d{2})(?::\d{2})?", text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"
