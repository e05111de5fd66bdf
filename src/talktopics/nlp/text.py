"""Cleaning and splitting for term extraction: raw talk text in, plain text and sentences out.

Rule-based and language-agnostic (the summaries split per language:
:mod:`talktopics.summaries.sentences`). Note structure (labels such as "Takeaway:" and
navigation lines such as "Back to top", tables in :mod:`talktopics.nlp.lexicon`) is stripped
here, so it never becomes a term.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from talktopics.nlp.lexicon import NAVIGATION_LINES, NOTE_LABEL_OWNERS, NOTE_LABELS

__all__ = [
    "clean_text",
    "is_navigation_line",
    "split_sentences",
    "strip_note_label",
    "strip_note_structure",
]


_FENCED = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.S | re.M)
_RST_CODE = re.compile(r"(::[ \t]*\n)(?:[ \t]*\n)+(?:(?:[ \t]+[^\n]*)?\n)*", re.M)
_RST_DIRECTIVE = re.compile(r"^\.\. [\w:-]+::.*$|^\.\. _[^:]+:.*$|^\.\. \|.*$", re.M)
_PROMPT = re.compile(r"^[ \t]*(>>>|\.\.\.|\$|In \[\d+\]:|Out\[\d+\]:)[ \t].*$", re.M)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<[^>]+>`_{1,2}")
_RST_ROLE = re.compile(r":[\w-]+:`([^`]+)`")
_URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>()\[\]]+", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_INLINE_CODE = re.compile(r"``?([^`\n]+)``?")
_CALL = re.compile(r"\b([A-Za-z_][\w.]*)\([^()\n]{0,40}\)")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.M)
_UNDERLINE = re.compile(r"^[ \t]*([=\-~^\"'`#*+_])\1{2,}[ \t]*$", re.M)
_BULLET = re.compile(r"^[ \t]*(?:[-*+•·▪–]|\d{1,3}[.)])[ \t]+", re.M)
_EMPHASIS = re.compile(r"\*{1,3}|(?<!\w)_{1,2}|_{1,2}(?!\w)")
_TABLE = re.compile(r"[|│]")
_HSPACE = re.compile(r"[ \t\u00A0]+")
_BLANKS = re.compile(r"\n[ \t]*\n[\s]*")


def clean_text(text: str) -> str:
    """Strip markup, URLs and code from a talk text; keep paragraphs and line breaks.

    Args:
        text: Raw text (plain, Markdown, reStructuredText or HTML fragments).

    Returns:
        Plain text. Bullets and headings start new paragraphs, so they become sentences.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _FENCED.sub("\n\n", text)
    text = _RST_CODE.sub("\n\n", text)
    text = _RST_DIRECTIVE.sub("", text)
    text = _PROMPT.sub("", text)
    text = _HTML_COMMENT.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    text = html.unescape(text)
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_REF_LINK.sub(r"\1", text)
    text = _RST_LINK.sub(r"\1", text)
    text = _RST_ROLE.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _INLINE_CODE.sub(r"\1", text)
    text = _CALL.sub(r"\1", text)
    text = _UNDERLINE.sub("", text)
    text = _HEADING.sub("\n", text)
    text = _BULLET.sub("\n", text)
    text = _EMPHASIS.sub("", text)
    text = _TABLE.sub(" ", text)
    text = _HSPACE.sub(" ", text)
    return _BLANKS.sub("\n\n", text).strip()


_ABBREVIATION_LIST = """
    e.g i.e etc vs cf al dr mr mrs ms prof inc ltd approx ca fig no vol pp st z.b u.a
    bzw ggf usw d.h т.е т.к т.д т.п др см рис стр г гг им
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_LIST.split())
_SENT_END = re.compile(r"(?<=[.!?…])[\"'»”)\]]*\s+(?=[\"'«“(\[]?[A-ZÀ-ÖØ-ÞА-ЯЁ0-9])")
_LINE_END = re.compile(r"[.!?…:;]$")


def split_sentences(text: str) -> list[str]:
    """Split cleaned text into sentences (rule-based, language-agnostic).

    Paragraphs always end a sentence. Inside a paragraph, a line break ends a sentence
    unless the text is hard-wrapped: a line without end punctuation continues on the next
    line when that one starts in lower case or the line itself is long (50+ characters), so
    wrapped abstracts keep their sentences while short lines of notes stay apart. End
    punctuation followed by a capital ends a sentence unless it closes a known abbreviation
    ("e.g.", "z.B.", "т.е.").
    """
    sentences: list[str] = []
    for paragraph in text.split("\n\n"):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        joined: list[str] = []
        for line in lines:
            if (
                joined
                and not _LINE_END.search(joined[-1])
                and (line[0].islower() or len(joined[-1].rsplit("\n", 1)[-1]) >= 50)
            ):
                joined[-1] = f"{joined[-1]}\n{line}"
            else:
                joined.append(line)
        joined = [block.replace("\n", " ") for block in joined]
        for block in joined:
            start = 0
            for match in _SENT_END.finditer(block):
                before = block[start : match.start()].rstrip("\"'»”)]")
                last = before.rsplit(None, 1)[-1].rstrip(".").casefold() if before else ""
                if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                    continue
                sentences.append(block[start : match.start()].strip())
                start = match.end()
            rest = block[start:].strip()
            if rest:
                sentences.append(rest)
    return [s for s in sentences if any(ch.isalnum() for ch in s)]


def _alternatives(phrases: frozenset[str]) -> str:
    """A regex alternation of phrases, longest first, words separated by any spaces."""
    ordered = sorted(phrases, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)


@functools.cache
def _label_pattern() -> re.Pattern[str]:
    """A note label (any language, optionally after an owner word) and its colon."""
    labels = frozenset().union(*NOTE_LABELS.values())
    owners = _alternatives(NOTE_LABEL_OWNERS)
    return re.compile(
        rf"^[ \t]*(?:(?:{owners})\s+)?(?:{_alternatives(labels)})[ \t\u00A0]*[:：][ \t]*",
        re.I | re.M,
    )


_NAV_NOISE = re.compile(r"[\W_]+")
_NAVIGATION = frozenset(
    _NAV_NOISE.sub(" ", line).strip() for lines in NAVIGATION_LINES.values() for line in lines
)


def is_navigation_line(line: str) -> bool:
    """Whether a line is note navigation only ("Наверх к оглавлению", "↑ Back to top")."""
    return _NAV_NOISE.sub(" ", line.casefold()).strip() in _NAVIGATION


def strip_note_structure(text: str) -> str:
    """Drop note navigation lines and note labels from cleaned text.

    Args:
        text: Output of :func:`clean_text` (lines and paragraphs kept).

    Returns:
        The same text without navigation lines; a label at the start of a line ("Takeaway:",
        "Mein Fazit:", "Вывод для себя:") is removed and what followed it starts a paragraph
        of its own, so it becomes a sentence of its own.
    """
    lines = [line for line in text.split("\n") if not is_navigation_line(line)]
    return _label_pattern().sub("\n\n", "\n".join(lines)).strip()


def strip_note_label(sentence: str) -> str:
    """One sentence without a leading note label ("Fazit: X" -> "X"); "" for navigation."""
    if is_navigation_line(sentence):
        return ""
    return _label_pattern().sub("", sentence, count=1)
