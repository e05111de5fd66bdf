"""Conference name and year of a source: from its data, its file and folder names, or options."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from talktopics.ingest.factory import MAX_TITLE_CHARS, ReadContext
from talktopics.ingest.fields import as_line
from talktopics.ingest.reading import safe_label

__all__ = ["edition_from_name", "edition_from_title", "resolve_edition"]

logger = logging.getLogger(__name__)

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
    r"(?P<name>(?:(?:[A-Za-z][\w.&+'-]*|[&+])\s+){0,5}?[A-Za-z][\w.&+'-]*)\s*['’]?"
    r"(?P<year>(?:19|20)\d\d)\b"
)


def edition_from_title(title: str) -> tuple[str | None, int | None]:
    """Conference and year from a title such as "PyCon AU 2024" or "Notes from PyCon.DE 2018".

    When a well-known conference word (PyCon, EuroPython...) occurs, the name starts there;
    otherwise the capitalised words just before the year are taken.
    """
    text = as_line(title)[:MAX_TITLE_CHARS]  # longer is no title (and slow to search)
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
            n_conf, n_year = edition_from_name(safe_label(part))
            if n_year is not None:
                if conference is None and n_conf is not None:
                    conference = n_conf
                if year is None:
                    year = n_year
                if conference is not None:
                    break
    return (conference or ctx.conference or ""), (year if year is not None else ctx.year)
