"""Markdown notes (one heading per talk) -> talks with notes, day, description and video links.

The layout of a typical notes file::

    # Notes from PyCon.DE 2018                      <- document title: conference and year
    ## Talks I attended <a name="content"></a>      <- table of contents (links to anchors)
    Day 1                                           <- a day label, then its talks
    1. [Germany's next topic model](#topic-model)
    [Sprints](#sprints)                             <- outside the day lists
    ## Germany's next topic model <a name="topic-model"></a>
    Description: https://...                        <- labelled link lines, any language
    Video: https://...
    ![](images/slide1.jpg)                          <- images
    The notes themselves...
    [Back to contents](#content)                    <- navigation

Rules:

* The heading level that occurs most often (ties: the shallower) is the talk level; every
  heading of that level starts a talk section, except a table of contents (a section made of
  links to ``#anchors``). Shallower headings after the document title name a day when they
  look like one ("Day 2", "Tuesday", "Второй день", a date).
* The day of a talk comes from the table of contents (the label above its list), else from
  the enclosing day heading.
* Lines labelled as description or video links (``Description:``, ``Описание:``,
  ``Beschreibung:``, ``Video:``, ``Видео:``, ``Vidéo:``...) give ``url`` and ``video_url``
  and are removed from the notes; so are image lines, anchors and navigation links (lines
  made only of links to ``#anchors``). What remains is ``notes``.
* "Lightning talks" sections are talks (``session_type`` "lightning talks"); "Keynote: ..."
  sections are keynotes.
* A non-talk section (e.g. "Sprints and PyLadies workshop"): when the table of contents
  groups talks by day, a section listed outside the day groups that has no description or
  video link is kept, with ``session_type`` "other", so its notes are not lost; consumers
  that want only talks can leave such records out.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from talktopics.errors import IngestError
from talktopics.ingest.edition import resolve_edition
from talktopics.ingest.factory import ReadContext, ReadResult, TalkFactory
from talktopics.ingest.mdheadings import Heading, find_headings
from talktopics.ingest.reading import Document
from talktopics.nlp.language import identify_any_language, remembered_language
from talktopics.nlp.markup import is_navigation_line

__all__ = ["detect_notes_language", "looks_like_markdown", "read_markdown"]

logger = logging.getLogger(__name__)

_DESCRIPTION_LABELS = frozenset(
    {
        "description", "описание", "beschreibung", "abstract", "résumé", "resume",
        "descripción", "descripcion", "descrizione", "opis", "popis", "talk", "доклад",
        "link", "ссылка", "details", "page", "programme", "program", "schedule", "talk page",
        "официальное описание", "description du talk", "страница доклада", "abstrakt",
    }
)  # fmt: skip
_VIDEO_LABELS = frozenset(
    {
        "video", "видео", "vidéo", "vídeo", "videos", "відео", "youtube", "recording",
        "запись", "aufzeichnung", "aufnahme", "enregistrement", "запись доклада",
        "video recording",
    }
)  # fmt: skip
_LABEL_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<label>[^\W\d_][\w .'’-]{0,30}?)\s*(?:(?:\*\*|__)\s*)?[:：]"
    r"\s*(?:\*\*|__)?\s*(?P<value>.*)$"
)
_URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")
# Link text, link target and tag bodies never span a "[" or "<": each match attempt stops at
# the next one, so a 10 MB line of "[a[a[a..." or "<a<a<a..." is scanned in linear time.
_TARGET = r"\((?:[^()\[\]\n]|\([^()\[\]\n]*\))*\)"
_IMAGE = re.compile(r"!\[[^\[\]]*\]" + _TARGET + r"|<img\b[^<>]*>", re.IGNORECASE)
_ANCHOR_TAG = re.compile(r"<a\s+(?:name|id)\s*=\s*[\"']?([^\"'>\s]+)[\"']?\s*/?>\s*(?:</a>)?", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ATTR_ID = re.compile(r"\{#([^{}\s]+)[^{}]*\}\s*$")
_MARKERS = re.compile(r"(\*\*|__|`)")
_INTERNAL_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*#([^()\[\]\s]*)\s*\)")
_LINK = re.compile(r"!?\[([^\[\]]*)\]" + _TARGET)
_EMPHASIS = re.compile(r"(?<!\w)\*(\S(?:[^*]*?\S)?)\*(?!\w)|(?<!\w)_(\S(?:[^_]*?\S)?)_(?!\w)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DAY_LABEL = re.compile(
    r"\b(day|days|tag|день|jour|día|giorno|dzień|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|lundi|mardi|mercredi|"
    r"jeudi|vendredi|samedi|dimanche)\b|\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
_LIGHTNING = re.compile(r"\blightning\b|\bблиц", re.IGNORECASE)
_KEYNOTE = re.compile(r"^\s*keynote\b", re.IGNORECASE)


def looks_like_markdown(text: str) -> bool:
    """True when the text has at least one ATX heading (``# ...``) outside code fences."""
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and re.match(r"^ {0,3}#{1,6}\s+\S", line):
            return True
    return False


@dataclass(slots=True)
class _TocEntry:
    text: str
    day: str | None
    grouped: bool


@dataclass(slots=True)
class _Toc:
    entries: dict[str, _TocEntry] = field(default_factory=dict)
    has_days: bool = False


def _strip_inline(text: str) -> str:
    """Heading or link text without anchors, HTML tags, link syntax and emphasis markers."""
    text = _ANCHOR_TAG.sub("", text)
    text = _ATTR_ID.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _MARKERS.sub("", text)
    text = _EMPHASIS.sub(r"\1\2", text)
    return " ".join(text.split()).strip(" #")


def _anchor(raw: str) -> str | None:
    match = _ANCHOR_TAG.search(raw) or _ATTR_ID.search(raw)
    return match.group(1) if match else None


def _slug(title: str) -> str:
    """GitHub-style heading anchor."""
    text = re.sub(r"[^\w\- ]", "", title.casefold())
    return text.replace(" ", "-")


def _parse_toc(lines: list[str]) -> _Toc | None:
    """A table of contents: mostly links to ``#anchors``, optionally under day labels."""
    links = 0
    other = 0
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if "](" in stripped and _INTERNAL_LINK.search(stripped):
            links += 1
        else:
            other += 1
    if links < 2 or other > links:
        return None
    toc = _Toc()
    day: str | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        match = _INTERNAL_LINK.search(stripped)
        if match is None:
            label = _strip_inline(re.sub(r"^#+\s*", "", stripped)).rstrip(":")
            day = label or None
            if day:
                toc.has_days = True
            continue
        grouped = bool(_LIST_ITEM.match(line)) and day is not None
        anchor = match.group(2)
        if anchor and anchor not in toc.entries:
            toc.entries[anchor] = _TocEntry(
                text=_strip_inline(match.group(1)), day=day if grouped else None, grouped=grouped
            )
    return toc


@dataclass(slots=True)
class _Body:
    notes: str
    url: str | None
    video_url: str | None


def _label_of(line: str) -> tuple[str, str] | None:
    match = _LABEL_LINE.match(line)
    if match is None:
        return None
    label = " ".join(match.group("label").casefold().split())
    if label in _DESCRIPTION_LABELS:
        return "description", match.group("value")
    if label in _VIDEO_LABELS:
        return "video", match.group("value")
    return None


def _parse_body(lines: list[str]) -> _Body:
    kept: list[str] = []
    url: str | None = None
    video: str | None = None
    in_fence = False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
            kept.append(line.rstrip())
            continue
        if in_fence:
            kept.append(line.rstrip())
            continue
        labelled = _label_of(line) if (":" in line or "：" in line) else None
        if labelled is not None:
            kind, value = labelled
            found = _URL.search(value)
            if kind == "video":
                video = video or (found.group(0) if found else None)
            else:
                url = url or (found.group(0) if found else None)
            continue
        text = line
        if "<" in text or "![" in text:
            text = _ANCHOR_TAG.sub("", _IMAGE.sub("", text))
        if not text.strip():
            if line.strip():
                continue  # an image or anchor line: drop it entirely
            kept.append("")
            continue
        if (
            "](" in text
            and not _INTERNAL_LINK.sub("", text).strip(" \t|·•-–—>*")
            and _INTERNAL_LINK.search(text)
        ):
            continue  # navigation: only links to anchors
        if is_navigation_line(_strip_inline(text)):
            continue  # "Наверх к оглавлению", "Back to top": the one table in nlp.lexicon
        kept.append(text.rstrip())
    notes = "\n".join(kept)
    notes = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", notes).strip()
    return _Body(notes=notes, url=url, video_url=video)


_LANGUAGE_SAMPLE = 5000
"""Characters of notes that language identification looks at."""


def detect_notes_language(text: str) -> str | None:
    """ISO 639-1 code of a notes text (py3langid; remembered on disk), or None when too short
    to tell."""
    sample = re.sub(r"```.*?```", " ", text[:_LANGUAGE_SAMPLE], flags=re.DOTALL)
    sample = _URL.sub(" ", sample)
    letters = len(re.findall(r"[^\W\d_]", sample))
    if letters < 20:
        return None
    return remembered_language(sample, identify_any_language, kind="notes")


def _talk_level(headings: list[Heading]) -> int:
    """The heading level that repeats most (ties: the shallower).

    A first heading that is alone at the shallowest level is the document's title, not a
    talk, when other headings follow.
    """
    counted = headings
    top = min(h.level for h in headings)
    lone_top = sum(1 for h in headings if h.level == top) == 1
    if len(headings) > 1 and headings[0].level == top and lone_top:
        counted = headings[1:]
    counts: dict[int, int] = {}
    for heading in counted:
        counts[heading.level] = counts.get(heading.level, 0) + 1
    return max(counts, key=lambda level: (counts[level], -level))


def _sections(headings: list[Heading], level: int, n_lines: int) -> list[tuple[Heading, int]]:
    """Each talk-level heading with the line its section ends before: the next heading of the
    same or a higher level (one backward pass: linear in the number of headings)."""
    bounds: list[tuple[Heading, int]] = []
    stop = n_lines
    for heading in reversed(headings):
        if heading.level == level:
            bounds.append((heading, stop))
        if heading.level <= level:
            stop = heading.line
    bounds.reverse()
    return bounds


def _find_toc(lines: list[str], bounds: list[tuple[Heading, int]]) -> tuple[_Toc | None, set[int]]:
    """The table of contents (before the first talk, else the first section made of links)
    and the lines of the headings whose sections are tables of contents."""
    toc: _Toc | None = None
    toc_headings: set[int] = set()
    first_talk_line = bounds[0][0].line if bounds else len(lines)
    preamble_toc = _parse_toc(lines[:first_talk_line])
    if preamble_toc is not None:
        toc = preamble_toc
    for heading, end in bounds:
        section_toc = _parse_toc(lines[heading.end : end])
        if section_toc is not None:
            toc_headings.add(heading.line)
            if toc is None:
                toc = section_toc
    return toc, toc_headings


def _days(headings: list[Heading], level: int, title: Heading | None) -> dict[int, str | None]:
    """Heading line -> the day named by the shallower heading above it (if it names one)."""
    day_by_line: dict[int, str | None] = {}
    current_day: str | None = None
    for heading in headings:
        if heading.level < level and heading is not title:
            text = _strip_inline(heading.raw)
            current_day = text if _DAY_LABEL.search(text) else None
        day_by_line[heading.line] = current_day
    return day_by_line


def _session_type(title: str, toc: _Toc | None, entry: _TocEntry | None, body: _Body) -> str | None:
    if _LIGHTNING.search(title):
        return "lightning talks"
    if _KEYNOTE.match(title):
        return "keynote"
    if (
        toc is not None
        and toc.has_days
        and (entry is None or not entry.grouped)
        and body.url is None
        and body.video_url is None
    ):
        return "other"
    return None


def read_markdown(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read a Markdown notes file (see the module docstring for the layout).

    Raises:
        IngestError: the file has no headings at all.
    """
    result = ReadResult(role="notes")
    lines = doc.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headings = find_headings(lines)
    if not headings:
        raise IngestError(
            doc.label,
            "no Markdown headings found; a notes file needs one heading (e.g. '## Title') per talk",
        )
    level = _talk_level(headings)
    title_heading = next((h for h in headings if h.level < level), None)
    doc_title = _strip_inline(title_heading.raw) if title_heading else None
    conference, year = resolve_edition(ctx, doc.path, title=doc_title)
    factory = TalkFactory(
        ctx, result, path=doc.label, format="markdown", conference=conference, year=year
    )
    bounds = _sections(headings, level, len(lines))
    toc, toc_headings = _find_toc(lines, bounds)
    day_by_line = _days(headings, level, title_heading)
    for heading, end in bounds:
        if heading.line in toc_headings:
            continue
        title = _strip_inline(heading.raw)
        body = _parse_body(lines[heading.end : end])
        entry = toc.entries.get(_anchor(heading.raw) or _slug(title)) if toc else None
        aliases = (entry.text,) if entry and entry.text and entry.text != title else ()
        talk = factory.make(
            f"line {heading.line + 1}",
            title=title,
            notes=body.notes,
            notes_language=detect_notes_language(body.notes) if body.notes else None,
            day=entry.day if entry and entry.day else day_by_line.get(heading.line),
            session_type=_session_type(title, toc, entry, body),
            url=body.url,
            video_url=body.video_url,
            aliases=aliases,
        )
        if talk is not None:
            result.talks.append(talk)
    logger.debug("%s: %d talk sections at heading level %d", doc.label, len(result.talks), level)
    return result
