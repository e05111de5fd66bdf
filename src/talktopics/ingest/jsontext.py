"""JSON text -> Python values, tolerant of one bad value: it is cut out, not the whole file.

`parse_json` returns the value and the problems met (`JsonProblem`, with the text offset):

* a lone UTF-16 surrogate escape (``"\\ud800"``) becomes U+FFFD, so no text downstream holds
  a character that cannot be written as UTF-8;
* an integer of more than 4,300 digits (Python refuses to convert it) is read as null;
* a value nested too deeply for the parser (a 10,000-deep list) is read as null, and only that
  value: the containers around it are read element by element.

Syntax errors still raise `json.JSONDecodeError`; `salvage_list` then keeps the complete
leading elements of a top-level list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["JsonProblem", "line_starts", "parse_json", "salvage_list", "skip_value", "unclosed"]

_SURROGATES = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
)
_SURROGATE_HINT = re.compile(r"\\u[dD][89a-fA-F]")
_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SCALAR = re.compile(r"[^,:\]}\s]+")
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_MAX_DIGITS = 4300
_MAX_DESCENT = 16
"""Containers that fail to parse are read element by element down to this depth; a value that
still fails there is cut out whole."""


@dataclass(frozen=True, slots=True)
class JsonProblem:
    """A value that could not be read as it is: where it starts and what was done."""

    offset: int
    message: str


def _repair(text: str) -> tuple[str, list[int]]:
    """Lone surrogate escapes -> ``\\ufffd``; the offsets of the repaired escapes."""
    if "\\u" not in text or not _SURROGATE_HINT.search(text):
        return text, []
    offsets: list[int] = []

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        if len(token) != 6:  # an escaped backslash or a valid surrogate pair
            return token
        offsets.append(match.start())
        return "\\ufffd"

    return _SURROGATES.sub(fix, text), offsets


def skip_value(text: str, pos: int) -> int:
    """The end of the JSON value starting at ``pos``, found without parsing it (linear).

    Raises:
        json.JSONDecodeError: the value is not closed before the end of the text.
    """
    if text.startswith('"', pos):
        match = _STRING.match(text, pos)
        if match is None:
            raise json.JSONDecodeError("Unterminated string", text, pos)
        return match.end()
    if not text.startswith(("[", "{"), pos):
        match = _SCALAR.match(text, pos)
        if match is None:
            raise json.JSONDecodeError("Expecting value", text, pos)
        return match.end()
    depth = 0
    for token in _TOKENS.finditer(text, pos):
        if token.group(0) in "[{":
            depth += 1
        elif token.group(0) in "]}":
            depth -= 1
            if depth == 0:
                return token.end()
    raise json.JSONDecodeError("Unterminated container", text, pos)


class _Reader:
    """One parse: a decoder whose integers never raise, and element-wise recovery."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[JsonProblem] = []
        self.big_ints: list[str] = []
        self.decoder = json.JSONDecoder(parse_int=self._int)

    def _int(self, digits: str) -> int | None:
        if len(digits) > _MAX_DIGITS:
            self.big_ints.append(digits)
            return None
        return int(digits)

    def document(self) -> Any:
        """The whole text as one value (trailing data is a syntax error)."""
        text = self.text
        start = _WS.match(text, 0).end()  # type: ignore[union-attr]
        try:
            value = self.decoder.decode(text)
        except RecursionError:
            self.big_ints.clear()
            value, end = self.container(start, "", 0)
            end = _WS.match(text, end).end()  # type: ignore[union-attr]
            if end != len(text):
                raise json.JSONDecodeError("Extra data", text, end) from None
        self.locate_big_ints()
        return value

    def value(self, pos: int, path: str, depth: int) -> tuple[Any, int]:
        """One value at ``pos`` and the offset after it; a too-deep value is read as null."""
        try:
            return self.decoder.raw_decode(self.text, pos)
        except RecursionError:
            pass
        # Each failed attempt stops near the parser's depth limit, so descending costs
        # _MAX_DESCENT short attempts however deep the value goes.
        if depth < _MAX_DESCENT and self.text.startswith(("[", "{"), pos):
            return self.container(pos, path, depth)
        end = skip_value(self.text, pos)
        where = f" at {_short(path)}" if path else ""
        self.problems.append(
            JsonProblem(pos, f"value{where} is nested too deeply to read; read as null")
        )
        return None, end

    def container(self, pos: int, path: str, depth: int) -> tuple[Any, int]:
        """A list or object read element by element (each element with `value`)."""
        text = self.text
        is_list = text.startswith("[", pos)
        close = "]" if is_list else "}"
        items: list[Any] = []
        members: dict[str, Any] = {}
        i = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        if text.startswith(close, i):
            return (items if is_list else members), i + 1
        while True:
            if is_list:
                value, i = self.value(i, f"{path}[{len(items)}]", depth + 1)
                items.append(value)
            else:
                if not text.startswith('"', i):
                    raise json.JSONDecodeError("Expecting property name", text, i)
                key, i = self.decoder.raw_decode(text, i)
                i = _WS.match(text, i).end()  # type: ignore[union-attr]
                if not text.startswith(":", i):
                    raise json.JSONDecodeError("Expecting ':' delimiter", text, i)
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
                members[key], i = self.value(i, f"{path}.{key}" if path else key, depth + 1)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text.startswith(",", i):
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
            elif text.startswith(close, i):
                return (items if is_list else members), i + 1
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)

    def locate_big_ints(self) -> None:
        cursor = 0
        for digits in self.big_ints:
            found = self.text.find(digits, cursor)
            offset = found if found >= 0 else 0
            cursor = offset + len(digits)
            self.problems.append(
                JsonProblem(
                    offset,
                    f"integer of {len(digits):,} digits (Python reads at most {_MAX_DIGITS:,}); "
                    "read as null",
                )
            )
        self.big_ints.clear()


def _short(path: str) -> str:
    return path if len(path) <= 80 else path[:77] + "..."


def parse_json(text: str) -> tuple[Any, list[JsonProblem]]:
    """Parse ``text``; values that cannot be read are reported and read as null.

    Raises:
        json.JSONDecodeError: the text is not valid JSON (syntax).
    """
    text, repaired = _repair(text)
    reader = _Reader(text)
    value = reader.document()
    problems = [
        JsonProblem(offset, "lone UTF-16 surrogate escape (not a character); read as U+FFFD")
        for offset in repaired
    ]
    return value, sorted(problems + reader.problems, key=lambda p: p.offset)


def salvage_list(text: str) -> tuple[list[Any], list[JsonProblem]]:
    """The complete leading elements of a top-level JSON list that is broken further on."""
    text, repaired = _repair(text)
    start = text.find("[")
    if start < 0 or text[:start].strip():
        return [], []
    reader = _Reader(text)
    items: list[Any] = []
    pos = _WS.match(text, start + 1).end()  # type: ignore[union-attr]
    try:
        while pos < len(text) and text[pos] != "]":
            value, pos = reader.value(pos, f"[{len(items)}]", 1)
            items.append(value)
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            if not text.startswith(",", pos):
                break
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    except ValueError:  # JSONDecodeError: the broken element
        pass
    reader.locate_big_ints()
    problems = [JsonProblem(o, "lone UTF-16 surrogate escape; read as U+FFFD") for o in repaired]
    return items, sorted(problems + reader.problems, key=lambda p: p.offset)


_SCAN_LIMIT = 20_000_000


def unclosed(text: str) -> bool:
    """True when brackets or a string are still open at the end of the text."""
    if len(text) > _SCAN_LIMIT:
        return False
    depth = 0
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return in_string or depth > 0


def line_starts(text: str) -> Callable[[int], tuple[int, int]]:
    """A function offset -> (1-based line, 1-based column) for ``text``."""
    import bisect

    starts = [0]
    find = text.find
    pos = find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)

    def where(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    return where
