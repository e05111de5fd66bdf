"""Read one input file safely: size limit, UTF-8 decoding, JSON and XML parsing with positions."""

from __future__ import annotations

import codecs
import functools
import logging
import re
from collections.abc import Sequence
from json import JSONDecodeError
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from talktopics.config import IngestLimits
from talktopics.errors import IngestError
from talktopics.ingest.jsontext import JsonProblem, line_starts, parse_json, salvage_list, unclosed
from talktopics.parallel import active_executor
from talktopics.records import IngestIssue, IssueLevel, SourceRef

__all__ = [
    "Document",
    "JsonFile",
    "line_col",
    "read_json_file",
    "read_json_files",
    "read_text",
    "safe_label",
]

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_label(name: str) -> str:
    """A file name as text that can always be printed and written as UTF-8.

    Bytes of a name that are not UTF-8 (which Python keeps as surrogate escapes) are shown as
    ``\\xNN``, as ``bytes.decode(errors="backslashreplace")`` does; any other lone surrogate
    becomes U+FFFD.
    """
    if not _SURROGATE.search(name):
        return name
    out: list[str] = []
    for ch in name:
        if "\udc80" <= ch <= "\udcff":
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif "\ud800" <= ch <= "\udfff":
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


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
        self.issues: list[IngestIssue] = []
        """Values the JSON parse cut out or repaired, and the records lost to a syntax error."""

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
        """The parsed JSON value (values that cannot be read are null, see `parse_json`).

        Raises:
            IngestError: not valid JSON (with line and column).
        """
        if not self._json_done:
            self._json_done = True
            try:
                self._json, problems = parse_json(self.text)
            except JSONDecodeError as exc:
                self._json_error = self._syntax_error(exc)
            else:
                self._add_problems(problems)
        if self._json_error is not None:
            raise self._json_error
        return self._json

    def _syntax_error(self, exc: JSONDecodeError) -> IngestError | None:
        """The error to raise for a syntax error, or None when leading records were saved."""
        hint = " (the file ends before the JSON does: truncated?)" if unclosed(self.text) else ""
        reason = f"not valid JSON: {exc.msg}{hint}"
        record = f"line {exc.lineno}, column {exc.colno}"
        salvaged, problems = salvage_list(self.text)
        if not salvaged:
            return IngestError(self.label, reason, record=record)
        self._json = salvaged
        self._add_problems(problems)
        self.issues.append(
            IngestIssue(
                level="error",
                source=SourceRef(path=self.label, record=record),
                message=f"{reason}; read the {len(salvaged)} complete records before it, "
                "the rest of the file is skipped",
            )
        )
        return None

    def _add_problems(self, problems: list[JsonProblem]) -> None:
        if not problems:
            return
        where = line_starts(self.text)
        for problem in problems:
            line, col = where(problem.offset)
            level: IssueLevel = "warning" if "surrogate" in problem.message else "error"
            self.issues.append(
                IngestIssue(
                    level=level,
                    source=SourceRef(path=self.label, record=f"line {line}, column {col}"),
                    message=problem.message,
                )
            )

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
            cuts = 0
            while True:
                try:
                    root = fromstring(text)
                    break
                except ParseError as exc:
                    line, col = exc.position
                    error = IngestError(
                        self.label,
                        f"not well-formed XML: {exc}",
                        record=f"line {line}, column {col}",
                    )
                    cut = _cut_record(text, line, col) if cuts < _MAX_CUTS else None
                    if cut is None:
                        cut = _drop_broken_records(text) if cuts < _MAX_CUTS else None
                    if cut is None:
                        raise error from None
                    text, tag = cut
                    cuts += 1
                    self.issues.append(
                        IngestIssue(
                            level="error",
                            source=SourceRef(path=self.label, record=error.record),
                            message=f"{error.reason}; this <{tag}> is skipped, the others are read",
                        )
                    )
                except DefusedXmlException as exc:
                    raise IngestError(
                        self.label, f"refused unsafe XML ({type(exc).__name__}): {exc}"
                    ) from None
                except RecursionError:
                    raise IngestError(self.label, "XML is nested too deeply to read") from None
            self._xml = root
        return self._xml


_RECORD_TAGS = ("event", "entry")
"""The record elements of the XML formats (frab ``<event>``, EuroPython ``<entry>``)."""
_MAX_CUTS = 100


def _cut_record(text: str, line: int, col: int) -> tuple[str, str] | None:
    """The text without the record element around a parse error (its lines kept as blank
    lines, so later positions stay right), and the element's tag; None when the error is
    not inside a record."""
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    offset += col
    best: tuple[int, int, str] | None = None
    for tag in _RECORD_TAGS:
        start = max(text.rfind(f"<{tag}>", 0, offset), text.rfind(f"<{tag} ", 0, offset))
        end = text.find(f"</{tag}>", max(offset - len(tag) - 3, start + 1))
        if start >= 0 and end >= 0 and (best is None or start > best[0]):
            best = (start, end + len(tag) + 3, tag)
    if best is None:
        return None
    start, end, tag = best
    return text[:start] + "\n" * text.count("\n", start, end) + text[end:], tag


def _drop_broken_records(text: str) -> tuple[str, str] | None:
    """The text without its first record element that is not well-formed on its own (for
    errors found only at the end of the text: an unclosed CDATA section or comment)."""
    from defusedxml.ElementTree import fromstring

    for tag in _RECORD_TAGS:
        for match in re.finditer(rf"<{tag}[\s>].*?</{tag}>", text, re.DOTALL):
            try:
                fromstring(match.group(0))
            except ParseError:
                start, end = match.span()
                return text[:start] + "\n" * text.count("\n", start, end) + text[end:], tag
            except Exception:  # refused or too deep: the whole-text parse says so
                continue
    return None


JsonFile = tuple[list[IngestIssue], Any, tuple[str, str] | None]
"""One JSON file read: the reading issues, the parsed data, and (reason, record) of the
error that stopped it (None when it was read)."""

FILES_PER_TASK = 64
"""JSON files per task when files are read on a cluster."""


def read_json_file(path: Path, label: str, limits: IngestLimits) -> JsonFile:
    """Open and parse one JSON file, never raising: see :data:`JsonFile`."""
    doc: Document | None = None
    try:
        doc = Document.open(path, label, limits)
        return doc.issues, doc.json(), None
    except IngestError as exc:
        return (doc.issues if doc is not None else []), None, (exc.reason, exc.record)


def _read_json_files(files: Sequence[tuple[Path, str]], limits: IngestLimits) -> list[JsonFile]:
    return [read_json_file(path, label, limits) for path, label in files]


def read_json_files(files: Sequence[tuple[Path, str]], limits: IngestLimits) -> list[JsonFile]:
    """:func:`read_json_file` of each ``(path, label)``, in order; on a Dask cluster the
    files are read and parsed by its workers (which must see them at the same paths)."""
    executor = active_executor()
    if executor is None or not executor.remote or len(files) < 2:
        return _read_json_files(files, limits)
    parts = [files[i : i + FILES_PER_TASK] for i in range(0, len(files), FILES_PER_TASK)]
    done = executor.map(functools.partial(_read_json_files, limits=limits), parts)
    return [one for part in done for one in part]
