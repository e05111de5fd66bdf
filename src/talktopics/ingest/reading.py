"""Read one input file safely: size limit, UTF-8 decoding, JSON and XML parsing with positions."""

from __future__ import annotations

import codecs
import json
import logging
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from talktopics.config import IngestLimits
from talktopics.errors import IngestError

__all__ = ["Document", "line_col", "read_text"]

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def read_text(path: Path, label: str, limits: IngestLimits) -> str:
    """Read a whole file as text.

    UTF-8 is expected; a byte-order mark (UTF-8, UTF-16 or UTF-32) is honoured and removed.
    NUL characters are dropped (they are never meaningful in talk records).

    Raises:
        IngestError: the file is missing, unreadable, too large, empty or not valid UTF-8.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IngestError(label, "no such file or folder; check the path") from None
    except OSError as exc:
        raise IngestError(label, f"cannot read: {exc.strerror or exc}") from None
    if size > limits.max_file_bytes:
        raise IngestError(
            label,
            f"file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} bytes "
            "(IngestLimits.max_file_bytes); split it or raise the limit in the configuration",
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except PermissionError:
        raise IngestError(label, "permission denied: the file is not readable") from None
    except IsADirectoryError:
        raise IngestError(label, "is a folder where a file was expected") from None
    except OSError as exc:
        raise IngestError(label, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limits.max_file_bytes:
        raise IngestError(label, "file grew over the size limit while being read")
    if not data.strip():
        raise IngestError(label, "file is empty; nothing to read")
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex().upper()
        raise IngestError(
            label,
            f"byte 0x{bad} is not valid {encoding.upper()}; the file is probably in another "
            "encoding (e.g. Latin-1 or Windows-1252): re-save it as UTF-8",
            record=f"line {line}, column {col}",
        ) from None
    if "\x00" in text:
        text = text.replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


_SCAN_LIMIT = 20_000_000


def _unclosed(text: str) -> bool:
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


def _salvage_list(text: str) -> list[Any]:
    """The complete leading elements of a top-level JSON list that is broken further on."""
    decoder = json.JSONDecoder()
    start = text.find("[")
    if start < 0 or text[:start].strip():
        return []
    items: list[Any] = []
    pos = start + 1
    try:
        while True:
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos >= len(text) or text[pos] == "]":
                return items
            value, pos = decoder.raw_decode(text, pos)
            items.append(value)
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos < len(text) and text[pos] == ",":
                pos += 1
            elif pos < len(text) and text[pos] == "]":
                return items
            else:
                return items
    except (ValueError, RecursionError):  # ValueError: JSONDecodeError, or a 4,301-digit int
        return items


class Document:
    """One input file's text, with its JSON or XML parse done once, on demand.

    Attributes:
        path: The file to open.
        label: The path as the user gave it (used in every message).
        text: The decoded text.
    """

    def __init__(self, path: Path, label: str, text: str) -> None:
        self.path = path
        self.label = label
        self.text = text
        self._json: Any = None
        self._json_error: IngestError | None = None
        self._json_done = False
        self._xml: Element | None = None
        self.partial_error: IngestError | None = None
        """Set when only the complete records of a broken JSON list could be read."""

    @classmethod
    def open(cls, path: Path, label: str, limits: IngestLimits) -> Document:
        """Read ``path`` (see `read_text`)."""
        return cls(path, label, read_text(path, label, limits))

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    def looks_like_json(self) -> bool:
        head = self.text.lstrip()[:1]
        return head in ("{", "[")

    def looks_like_xml(self) -> bool:
        return self.text.lstrip().startswith("<")

    def json(self) -> Any:
        """The parsed JSON value.

        Raises:
            IngestError: not valid JSON (with line and column), or nested too deeply.
        """
        if not self._json_done:
            self._json_done = True
            try:
                self._json = json.loads(self.text)
            except json.JSONDecodeError as exc:
                hint = (
                    " (the file ends before the JSON does: truncated?)"
                    if _unclosed(self.text)
                    else ""
                )
                error = IngestError(
                    self.label,
                    f"not valid JSON: {exc.msg}{hint}",
                    record=f"line {exc.lineno}, column {exc.colno}",
                )
                salvaged = _salvage_list(self.text)
                if salvaged:
                    self._json = salvaged
                    self.partial_error = IngestError(
                        self.label,
                        f"{error.reason}; read the {len(salvaged)} complete records before it, "
                        "the rest of the file is skipped",
                        record=error.record,
                    )
                else:
                    self._json_error = error
            except RecursionError:
                self._json_error = IngestError(self.label, "JSON is nested too deeply to read")
            except ValueError as exc:  # Python refuses integers of more than 4,300 digits
                reason = str(exc).split(";")[0]
                self._json_error = IngestError(self.label, f"not valid JSON: {reason}")
        if self._json_error is not None:
            raise self._json_error
        return self._json

    def json_error(self) -> IngestError | None:
        """The JSON parse error, if the text is not valid JSON."""
        try:
            self.json()
        except IngestError as exc:
            return exc
        return None

    def xml(self) -> Element:
        """The parsed XML root, read with defusedxml (no entity expansion, no external DTDs).

        Raises:
            IngestError: not well-formed XML (with line and column) or forbidden constructs.
        """
        if self._xml is None:
            from defusedxml import DefusedXmlException
            from defusedxml.ElementTree import fromstring

            text = self.text
            if text.lstrip().startswith("<?xml"):
                # The text is already decoded; an encoding declaration would confuse the parser.
                end = text.find("?>")
                text = text[end + 2 :] if end >= 0 else text
            try:
                root = fromstring(text)
            except ParseError as exc:
                line, col = exc.position
                raise IngestError(
                    self.label, f"not well-formed XML: {exc}", record=f"line {line}, column {col}"
                ) from None
            except DefusedXmlException as exc:
                raise IngestError(
                    self.label, f"refused unsafe XML ({type(exc).__name__}): {exc}"
                ) from None
            except RecursionError:
                raise IngestError(self.label, "XML is nested too deeply to read") from None
            self._xml = root
        return self._xml
