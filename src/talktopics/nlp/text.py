"""Note structure: cleaned text or one sentence in, the same without note labels and
navigation lines out.

Labels such as "Takeaway:", "Fazit:" or "Вывод для себя:" say how notes are laid out, never
what the talk was about: term extraction drops them (:func:`strip_note_structure`) and a
summary sentence does not start with one (:func:`strip_note_label`). The labels come from
:data:`~talktopics.nlp.lexicon.NOTE_LABELS`, one table for both.
"""

from __future__ import annotations

import functools
import re

from talktopics.nlp.lexicon import NOTE_LABEL_OWNERS, NOTE_LABELS
from talktopics.nlp.markup import is_navigation_line

__all__ = ["label_length", "strip_note_label", "strip_note_structure"]


def _alternatives(phrases: frozenset[str]) -> str:
    """A regex alternation of phrases, longest first, words separated by any spaces."""
    ordered = sorted(phrases, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)


@functools.cache
def _label_pattern(language: str | None) -> re.Pattern[str]:
    """A note label of ``language`` (None or a language without labels: any language),
    optionally after an owner word ("My takeaway"), and its colon."""
    code = (language or "").split("-")[0].split("_")[0].lower()
    labels = NOTE_LABELS.get(code) or frozenset().union(*NOTE_LABELS.values())
    owners = _alternatives(NOTE_LABEL_OWNERS)
    return re.compile(
        rf"^[ \t]*(?:(?:{owners})\s+)?(?:{_alternatives(labels)})[ \t\u00A0]*[:：][ \t]*",
        re.I | re.M,
    )


def strip_note_structure(text: str) -> str:
    """Drop note navigation lines and note labels (of any language) from cleaned text.

    Args:
        text: Output of :func:`~talktopics.nlp.markup.clean_markup` (lines kept).

    Returns:
        The same text without navigation lines; a label at the start of a line ("Takeaway:",
        "Mein Fazit:", "Вывод для себя:") is removed and what followed it starts a paragraph
        of its own, so it becomes a sentence of its own.
    """
    lines = [line for line in text.split("\n") if not is_navigation_line(line)]
    return _label_pattern(None).sub("\n\n", "\n".join(lines)).strip()


def label_length(sentence: str, language: str | None = None) -> int:
    """How many leading characters of a sentence are a note label with its colon and the
    spaces after it ("Fazit: Es lohnt sich." -> 7); 0 when it starts with none.

    Args:
        sentence: One sentence.
        language: ISO 639-1 code whose labels count; None = the labels of every language.
    """
    match = _label_pattern(language).match(sentence)
    return match.end() if match is not None else 0


def strip_note_label(sentence: str, language: str | None = None) -> str:
    """One sentence without a leading note label ("Fazit: X" -> "X"); "" for navigation."""
    if is_navigation_line(sentence):
        return ""
    return sentence[label_length(sentence, language) :]
