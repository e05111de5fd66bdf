"""Markup cleaning: raw Markdown / reStructuredText / HTML in, plain text (one unit per line) out.

The one cleaner of the package (term extraction, language identification, embedding chunks,
summaries). :func:`clean_markup` drops code blocks, doctest and shell prompt lines, images,
URLs, e-mail addresses, HTML tags, navigation lines ("Back to top", links to anchors) and emoji
short codes; link texts, inline code, list items and headings stay. Hard-wrapped paragraphs are
unwrapped, so every line of the result is one unit of meaning (a paragraph, a list item, a
heading or one line of notes), ready for :func:`~talktopics.nlp.sentences.split_sentences`.
"""

from __future__ import annotations

import html
import re

from talktopics.nlp.lexicon import NAVIGATION_LINES

__all__ = ["clean_markup", "is_navigation_line"]

_MARK = "\x00"
"""Placed where something was removed, so that only the spots we touched get tidied."""

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_RST_CODE_DIRECTIVE = re.compile(
    r"^(\s*)\.\.\s+(code|code-block|sourcecode|literalinclude|image|figure|math|raw|"
    r"highlight|csv-table|list-table|table|toctree|include|only|ipython|jupyter-execute)"
    r"::.*$",
    re.IGNORECASE,
)
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+[\w:-]+::\s*(.*)$")
_RST_COMMENT = re.compile(r"^\s*\.\.(\s.*)?$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_BLOCK = re.compile(r"<(script|style|pre|code)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>|</?(p|div|li|ul|ol|h[1-6]|tr|table|blockquote)\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(\s[^<>]*)?/?>")

_RULE_LINE = re.compile(r"^\s*([=\-~^\"'`#*+_:.])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|)+\s*(:?-{2,}:?)?\s*\|?\s*$")
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$")
_ANCHOR_LINK = r"\[[^\]]*\]\(#[^)]*\)"
_NAVIGATION_LINE = re.compile(rf"^\s*(?:[*+\-]|\d{{1,3}}[.)])?\s*(?:{_ANCHOR_LINK}\s*)+$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(
    r"^(\s*)(?:[*+\-•‣◦▪]|\d{1,3}[.)]|[a-zA-Z][.)](?=\s+\S))\s+(?:\[[ xX]\]\s+)?"
)
_PROMPT = re.compile(r"^[ \t]*(?:>>>|\$|In \[\d+\]:|Out\[\d+\]:)[ \t]")
"""A doctest, shell or notebook prompt: the line is code."""
_BLOCKQUOTE = re.compile(r"^\s*(?:>\s?)+")

_IMAGE = re.compile(r"!\[[^\]]*\]\((?:[^()]|\([^()]*\))*\)|!\[[^\]]*\]\[[^\]]*\]")
_IMAGE_FILE = re.compile(
    r"\(?[^\s()]*\.(?:jpe?g|png|gif|svg|webp|bmp|tiff?)\)?(?!\w)", re.IGNORECASE
)
"""An image's file name left in the text ("photo (1).jpg)", "(screenshot.png)")."""
_NUMBERED_LINE = re.compile(r"^\s*(\d{1,3})\.\s+\S")
_INLINE_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?[^)\s>]*>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_RST_LINK = re.compile(r"`([^`<]*?)\s*<[^>`]+>`_{1,2}")
_RST_REF = re.compile(r"`([^`]+)`_{1,2}(?!\w)")
_RST_ROLE = re.compile(r":[\w.+-]+:`([^`]*)`")
_RST_SUBSTITUTION = re.compile(r"\|[\w -]+\|_?")
_INLINE_CODE = re.compile(r"(`+)([^`]+?)\1")
_URL = re.compile(
    r"<(?:https?|ftp)://[^\s<>]+>"
    r"|(?:https?://|ftp://|www\.)[^\s<>\"'`\]]*[^\s<>\"'`\].,;:!?)]"
    r"|<?\b[\w.+-]+@[\w-]+\.[\w-]+(?:\.[\w-]+)*>?"
)
_BOLD = re.compile(
    r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![\w_])__(?=\S)([^_\n]*\s[^_\n]*?)(?<=\S)__(?![\w_])"
)
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*\s[^_\n]*?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_EMOJI_CODE = re.compile(r"(?<!\S):[a-z0-9_+\-]{2,}:(?!\S)")
_EMOJI_BREAK = re.compile(r"(?<=\w)\s+:[a-z0-9_+\-]{2,}:\s+(?=[^\W\d_])")
_BREAK = "\x02"
"""Placed where a removed emoji separated two sentences; becomes a line break."""
_LABEL_ONLY = re.compile(r"^[\w .\-/]{1,40}:$")
_TERMINAL_END = re.compile(r"[.!?…:;]['\"»”’)\]]*$")
_JOINING_END = re.compile(
    r"(?:[,;(/&+\-–—]|\b(?:and|or|the|a|of|to|und|oder|der|die|das|и|или|в))$"
)

_WRAP_MIN, _WRAP_MAX, _WRAP_SPREAD = 40, 100, 30
"""A paragraph whose inner lines are all 40-100 characters long, within 30 characters of each
other, is taken as hard-wrapped prose and joined into one line."""


def clean_markup(text: str) -> str:
    """Remove Markdown, reStructuredText and HTML markup, URLs, images and code from text.

    What stays is the readable text, otherwise unchanged: link texts, list items (without
    their bullets), headings (without ``#``), emphasised words (without ``*``). Whitespace is
    normalised: one space between words, one line per paragraph, list item, heading or line
    of notes, and a blank line between blocks. Hard-wrapped lines of a paragraph are joined.
    Lines left holding only a label (``"Video:"`` after its URL went) and navigation lines
    (links to anchors of the same page) are dropped.

    Args:
        text: Raw text of a description, abstract or notes.

    Returns:
        Clean text. Sentences found in it with
        :func:`~talktopics.nlp.sentences.split_sentences` are verbatim substrings of it.
    """
    if not text or not text.strip():
        return ""
    # 1. line breaks, tabs, HTML comments, blocks and breaks
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = text.replace(_MARK, "")
    text = _HTML_COMMENT.sub(_MARK, text)
    text = _HTML_BLOCK.sub(_MARK, text)
    text = _HTML_BREAK.sub("\n", text)
    # 2. code blocks
    lines = _drop_code_blocks(text.split("\n"))
    # 3. each line's readable text, gathered into paragraphs, list items and headings
    blocks = _Blocks()
    for raw in lines:
        if not raw.strip():
            blocks.blank()
            continue
        content = _line_content(raw)
        if content is not None and content[0] == "item" and blocks.continues_prose(raw):
            line = _clean_inline(raw.strip())  # "33. Jahr" wrapped to a line's start
            content = ("line", line, content[2]) if line else None
        if content is not None:
            blocks.add(*content, width=len(raw.strip()))
    return blocks.joined()


def _line_content(raw: str) -> tuple[str, str, int] | None:
    """``(kind, clean text, indent)`` of one non-blank line; kind is "heading", "item" or
    "line". None for lines that hold nothing readable (rules, tables' separators, link
    definitions, navigation, RST comments, markup only)."""
    if (
        _PROMPT.match(raw)
        or _RULE_LINE.match(raw)
        or _TABLE_SEPARATOR.match(raw)
        or _LINK_DEFINITION.match(raw)
        or _NAVIGATION_LINE.match(raw)
    ):
        return None
    directive = _RST_DIRECTIVE.match(raw)
    if directive is not None:
        raw = directive.group(1)
        if not raw.strip():
            return None
    elif _RST_COMMENT.match(raw):
        return None
    heading = _HEADING.match(raw)
    indent = len(raw) - len(raw.lstrip(" "))
    item = _LIST_ITEM.match(raw)
    if heading is not None:
        line, kind = heading.group(2), "heading"
    elif item is not None:
        line, kind = raw[item.end() :], "item"
    else:
        line, kind = _BLOCKQUOTE.sub("", raw), "line"
    if raw.lstrip().startswith("|") and raw.rstrip().endswith("|") and raw.count("|") >= 2:
        line = line.strip().strip("|")
    line = _clean_inline(line)
    return (kind, line, indent) if line and not is_navigation_line(line) else None


_NAV_NOISE = re.compile(r"[\W_]+")
_NAVIGATION = frozenset(
    _NAV_NOISE.sub(" ", line).strip() for lines in NAVIGATION_LINES.values() for line in lines
)


def is_navigation_line(line: str) -> bool:
    """Whether a line is note navigation only ("Наверх к оглавлению", "↑ Back to top")."""
    return _NAV_NOISE.sub(" ", line.casefold()).strip() in _NAVIGATION


class _Blocks:
    """Blocks of lines, each with the separator that goes before it: a blank line between
    paragraphs, a line break between the items of one list. A list item's continuation lines
    are joined to it; a paragraph's lines are unwrapped when they look hard-wrapped."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str]] = []
        self.current: list[str] = []
        self.widths: list[int] = []  # each line's length before cleaning
        self.item_indent: int | None = None
        self.tight = False  # the block being built is a list item right after another one

    def close(self, next_tight: bool = False) -> None:
        """End the block being built."""
        if self.current:
            if self.item_indent is not None:
                text = " ".join(self.current)
            else:
                text = "\n".join(_unwrap(self.current, self.widths))
            self.blocks.append(("\n" if self.tight and self.blocks else "\n\n", text))
        self.current = []
        self.widths = []
        self.tight = next_tight

    def blank(self) -> None:
        """A blank line: ends the block and any list."""
        self.close()
        self.item_indent = None

    def continues_prose(self, raw: str) -> bool:
        """True for a numbered line ("33. Jahr ...", number 2 or more) right after a line of
        a paragraph that does not end a sentence: a hard-wrapped number, not a list item."""
        numbered = _NUMBERED_LINE.match(raw)
        return (
            numbered is not None
            and int(numbered.group(1)) >= 2
            and self.item_indent is None
            and bool(self.current)
            and not _TERMINAL_END.search(self.current[-1])
        )

    def add(self, kind: str, line: str, indent: int, *, width: int = 0) -> None:
        """One line's clean text (see :func:`_line_content`) and its raw length."""
        if kind == "heading":
            self.blank()
            self.blocks.append(("\n\n", line))
        elif kind == "item":
            self.close(next_tight=self.item_indent is not None)
            self.current = [line]
            self.widths = [width]
            self.item_indent = indent
        elif self.item_indent is not None and indent > self.item_indent and self.current:
            self.current.append(line)  # continuation of a list item
            self.widths.append(width)
        else:
            if self.item_indent is not None:
                self.blank()
            self.current.append(line)
            self.widths.append(width)

    def joined(self) -> str:
        """The clean text of all blocks."""
        self.close()
        parts: list[str] = []
        for separator, block in self.blocks:
            if parts:
                parts.append(separator)
            parts.append(block)
        return "".join(parts)


def _drop_code_blocks(lines: list[str]) -> list[str]:
    """Remove fenced code, RST code directives and RST literal blocks (``::`` + indented)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence is not None:
            marker = fence.group(1)
            i += 1
            while i < len(lines) and not lines[i].lstrip().startswith(marker):
                i += 1
            i += 1
            out.append("")
            continue
        directive = _RST_CODE_DIRECTIVE.match(line)
        literal = line.rstrip().endswith("::") and not _RST_DIRECTIVE.match(line)
        if directive is not None or literal:
            base = len(line) - len(line.lstrip(" "))
            j = i + 1
            while j < len(lines) and lines[j].strip() and lines[j].lstrip().startswith(":"):
                j += 1  # directive options
            body_end = j
            while j < len(lines):
                if lines[j].strip():
                    indent = len(lines[j]) - len(lines[j].lstrip(" "))
                    if indent <= base:
                        break
                    body_end = j + 1
                j += 1
            if literal and body_end == i + 1:
                out.append(line)  # "::" without an indented block: keep the text
                i += 1
                continue
            if literal:
                kept = line.rstrip()[:-2].rstrip()
                if kept:
                    out.append(kept if kept.endswith(":") else kept + ":")
            out.append("")
            i = body_end
            continue
        out.append(line)
        i += 1
    return out


def _clean_inline(line: str) -> str:
    """Remove inline markup from one line and normalise its spaces."""
    code_spans: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        code_spans.append(match.group(2).strip())
        return f"\x01{len(code_spans) - 1}\x01"

    line = _RST_ROLE.sub(lambda m: m.group(1), line)
    line = _RST_LINK.sub(lambda m: m.group(1) or _MARK, line)
    line = _RST_REF.sub(lambda m: m.group(1), line)
    line = _INLINE_CODE.sub(keep_code, line)
    line = _IMAGE.sub(_MARK, line)
    line = _EMOJI_BREAK.sub(
        lambda m: _BREAK if line[m.end() : m.end() + 1].isupper() else m.group(0), line
    )
    line = _INLINE_LINK.sub(lambda m: m.group(1) or _MARK, line)
    line = _REF_LINK.sub(lambda m: m.group(1), line)
    line = _URL.sub(_MARK, line)
    line = _IMAGE_FILE.sub(_MARK, line)
    line = _HTML_TAG.sub(_MARK, line)
    line = _RST_SUBSTITUTION.sub(lambda m: m.group(0) if " | " in m.group(0) else _MARK, line)
    for _ in range(2):
        line = _BOLD.sub(lambda m: m.group(1) or m.group(2), line)
    line = _ITALIC_STAR.sub(lambda m: m.group(1), line)
    line = _ITALIC_UNDERSCORE.sub(lambda m: m.group(1), line)
    line = _STRIKE.sub(lambda m: m.group(1), line)
    line = _EMOJI_CODE.sub(_MARK, line)
    line = re.sub(r"\x01(\d+)\x01", lambda m: code_spans[int(m.group(1))], line)
    line = html.unescape(line)
    line = line.replace("\xa0", " ").replace("\u200b", "")
    removed = _MARK in line
    if removed:
        # Tidy only where something was taken out: empty brackets, space before punctuation.
        line = re.sub(rf"[(\[]\s*{_MARK}[\s{_MARK}]*[)\]]", _MARK, line)
        line = re.sub(rf"\s*{_MARK}[\s{_MARK}]*(?=[,.;:!?)\]]|$)", "", line)
        line = line.replace(_MARK, " ")
    line = "\n".join(" ".join(part.split()) for part in line.split(_BREAK))
    if removed and _LABEL_ONLY.match(line):
        return ""  # e.g. "Video:" whose link was removed
    if not any(ch.isalnum() for ch in line):
        return ""
    return line


def _unwrap(lines: list[str], widths: list[int] | None = None) -> list[str]:
    """Join the lines of a block that belong together (hard-wrapped prose); ``widths`` are
    the lines' lengths before cleaning (a removed URL does not hide the wrapping)."""
    if len(lines) < 2:
        return lines
    lengths = widths if widths and len(widths) == len(lines) else [len(x) for x in lines]
    inner = lengths[:-1]
    wrapped = (
        len(lines) >= 3
        and min(inner) >= _WRAP_MIN
        and max(inner) <= _WRAP_MAX
        and max(inner) - min(inner) <= _WRAP_SPREAD
        and not all(_TERMINAL_END.search(line) for line in lines[:-1])
    )
    out = [lines[0]]
    for line in lines[1:]:
        previous = out[-1]
        continues = (
            wrapped
            or _JOINING_END.search(previous) is not None
            or (
                line[:1].islower()
                and len(previous.split("\n")[-1]) >= _WRAP_MIN
                and not _TERMINAL_END.search(previous)
            )
        )
        if continues:
            out[-1] = f"{previous} {line}"
        else:
            out.append(line)
    return out
