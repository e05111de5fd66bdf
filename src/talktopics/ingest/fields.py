"""Raw record values -> `Talk` field values: text, speakers, labels, languages, times, links.

Values of unexpected types never raise: they are coerced to text or ignored. Also here: which
schedule slots are breaks or organisational rather than talks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "as_line",
    "as_text",
    "first_objects",
    "hh_mm",
    "http_url",
    "is_organisational",
    "iso_date",
    "language_code",
    "speaker_names",
    "split_labels",
]

logger = logging.getLogger(__name__)

_PREFERRED_LANGS = ("en", "de", "fr")


# --- coercion -------------------------------------------------------------------------------


_MAX_NESTING = 20
"""Lists nested deeper than this hold no talk text (and would exhaust the stack)."""


def as_text(value: Any, *, _depth: int = 0) -> str:
    """Any JSON value as text: i18n dicts pick English (else the first value), lists are joined.

    ``None`` and containers of the wrong kind give "". Line endings become ``\\n``.
    """
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        if not value:
            return ""
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
        if _depth >= _MAX_NESTING:
            return ""
        text = "\n".join(t for t in (as_text(v, _depth=_depth + 1) for v in value) if t)
    else:
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()


def first_objects(items: Any, limit: int = 20) -> list[dict[str, Any]]:
    """The first ``limit`` non-empty JSON objects of a list: format detection asks whether
    any of them has the format's shape, so one broken record does not hide the format."""
    found: list[dict[str, Any]] = []
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and item:
                found.append(item)
                if len(found) == limit:
                    break
    return found


def as_line(value: Any) -> str:
    """Text on one line (titles, names): whitespace runs collapsed."""
    return " ".join(as_text(value).split())


_AFFILIATION = re.compile(r"\s*\([^()]*\)\s*$")


def speaker_names(value: Any) -> tuple[str, ...]:
    """Speaker names from a string ("A, B and C"), or a list of strings or person objects.

    Person objects may carry ``name``, ``public_name`` or ``full_name``. A trailing
    affiliation in parentheses ("Ada Lovelace (Analytical Engines)") is removed.
    """
    names: dict[str, None] = {}  # ordered, and a set: a million names stay linear
    if isinstance(value, str):
        # No "\s*" around the separators: each part is stripped below anyway, and "\s*" made
        # a long run of spaces quadratic (40,000 spaces took minutes).
        parts: Iterable[Any] = re.split(r",|;|\band\b|&|\n", value)
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
        if name:
            names[name] = None
    return tuple(names)


def split_labels(value: Any) -> tuple[str, ...]:
    """Labels from a list, an i18n dict or a comma-separated string; order kept, no repeats."""
    items: dict[str, None] = {}  # ordered, and a set: a million labels stay linear
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
        if text:
            items[text] = None
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


_HTTP_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


def http_url(value: Any) -> str | None:
    """Only http(s) links are kept (no ``javascript:`` or ``file:`` URLs from input)."""
    if value is None:
        return None
    text = as_line(value)
    if text.startswith("//"):
        text = "https:" + text
    return text if _HTTP_URL.match(text) else None


def iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or datetime string; None otherwise."""
    if value is None:
        return None
    match = _ISO_DATE.match(as_text(value))
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
