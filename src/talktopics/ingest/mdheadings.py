"""Markdown lines -> their headings (level, line span, raw text), as CommonMark reads them.

markdown-it-py finds the headings. It costs about 0.25 ms per list item, so before parsing,
the blocks that cannot hold or end a heading are blanked (`heading_skeleton`): a block starts
where every list, quote, paragraph and indented code block has ended (an unindented line
after a blank line, or after an unindented ATX heading), and a block none of whose lines may
start a heading, an underline, a fence or an HTML block is replaced by as many empty lines.
The line numbers stay, and so do the headings: the property tests compare both parses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Heading", "find_headings", "heading_skeleton"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Heading:
    """One heading of a Markdown text."""

    level: int
    line: int
    """0-based index of the heading's (first) line."""
    end: int
    """0-based index of the first line after the heading."""
    raw: str
    """The heading's text as written (inline syntax not parsed)."""


# After any list markers: what a line's content starts with.
_CONTENT_START = re.compile(r"(?:[ \t]*(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))*[ \t]*")
_BLOCK_STARTS = frozenset("#=-*_+")
"""Content that may be an ATX heading, a setext underline, a thematic break or a list item."""


def _may_matter(line: str) -> bool:
    """True when a non-blank line may start or end a heading, fence or HTML block."""
    if "<" in line or ">" in line or "`" in line or "~" in line:
        return True
    match = _CONTENT_START.match(line)
    rest = line[match.end() :] if match else line
    return not rest or rest[0] in _BLOCK_STARTS


def _blank(line: str) -> bool:
    return not line.strip(" \t")


_TOP_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")


def _block_starts(lines: Sequence[str]) -> list[int]:
    """Lines where every container has ended: an unindented line after a blank line, and
    the line after an unindented ATX heading (it never continues a paragraph or list item).
    Inside a fence or an HTML block they are not, but those have marked lines at both ends."""
    starts = [0]
    for i in range(1, len(lines)):
        line, prev = lines[i], lines[i - 1]
        if (line and line[0] not in " \t" and _blank(prev)) or _TOP_ATX.match(prev):
            starts.append(i)
    return starts


_PREFIX = re.compile(r"(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)))*[ \t]*")
_MAX_DEPTH = 40
"""Lines whose indentation and container markers open more levels than this are blanked: no
heading lives there, and markdown-it stops reading the rest of the text at its nesting limit."""
_MAX_NESTING = 4 * _MAX_DEPTH + 20
"""markdown-it's nesting limit (in tokens: a list level opens two)."""


def _too_deep(line: str) -> bool:
    match = _PREFIX.match(line)
    return match is not None and len(match.group(0).expandtabs(4)) > 2 * _MAX_DEPTH


def heading_skeleton(lines: Sequence[str]) -> str:
    """The text with every block that cannot matter to its headings blanked (same lines)."""
    out = list(lines)
    starts = _block_starts(lines)
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        if not any(_may_matter(line) for line in lines[start:end] if not _blank(line)):
            out[start:end] = [""] * (end - start)
            continue
        for i in range(start, end):
            if _too_deep(lines[i]):
                out[i] = ""
    return "\n".join(out)


def find_headings(lines: Sequence[str]) -> list[Heading]:
    """The ATX and setext headings of the text made of ``lines``, in order."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING})
    md.core.ruler.disable(["inline", "text_join"])  # headings only: inline parsing is slow
    tokens = md.parse(heading_skeleton(lines))
    out: list[Heading] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map is not None:
            inline = tokens[i + 1].content if i + 1 < len(tokens) else ""
            out.append(Heading(int(tok.tag[1]), tok.map[0], tok.map[1], inline))
    return out
