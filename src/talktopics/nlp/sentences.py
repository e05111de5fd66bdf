"""Sentence splitting per language: clean text (and its language) in, verbatim sentences (or
their spans, or sentences with their languages) out.

The one splitter of the package: term extraction, embedding chunks and summaries all split
with it. Every line break ends a sentence (a line of notes without a final full stop is a
sentence of its own; :func:`~talktopics.nlp.markup.clean_markup` has already rejoined
hard-wrapped lines); inside a line, spaCy's tokenizer for the language (with its abbreviation
exceptions, plus :mod:`talktopics.nlp.abbreviations`) finds the tokens and a few rules decide
where a sentence ends. Sentences are returned verbatim: each is a substring of the text given
to :func:`split_sentences`, so a summary built from them never contains text that is not in
the (cleaned) source.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING, Any

from talktopics.config import NLPConfig
from talktopics.nlp.abbreviations import ABBREVIATIONS, TERMINAL_ABBREVIATIONS
from talktopics.nlp.language import detect_language, identify_language
from talktopics.nlp.lexicon import spacy_code, stop_words
from talktopics.nlp.markup import clean_markup
from talktopics.nlp.spacy_import import import_spacy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spacy.language import Language

__all__ = ["sentence_languages", "sentence_spans", "split_sentences"]

logger = logging.getLogger(__name__)

_TERMINAL_TOKEN = re.compile(r"[.!?…]+|[!?][!?.]*")
_UNIT_AFTER_NUMBER = re.compile(r"[^\W\d_]{1,3}\.")
"""An amount's unit glued to its number ("$500m.", "5bn.", "3к."): may end a sentence."""
_INITIAL = re.compile(r"[^\W\d_]\.")
"""One capital letter and a full stop: an initial ("J. R. R. Tolkien", "Malcolm X.")."""
_CLOSING = frozenset("\"'»”’)]}›")


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


@functools.lru_cache(maxsize=16)
def _tokenizer(code: str) -> Language:
    """A blank spaCy pipeline for ``code`` with our extra abbreviation exceptions."""
    spacy = import_spacy()
    from spacy.symbols import ORTH

    try:
        nlp: Language = spacy.blank(code)
    except ImportError:  # ja needs SudachiPy, ko needs mecab-ko: not installed
        return _tokenizer("xx")
    tokenizer: Any = nlp.tokenizer
    if not hasattr(tokenizer, "add_special_case"):  # zh: a word segmenter, not rule-based
        return _tokenizer("xx")
    extra = ABBREVIATIONS.get(code)
    if extra is None:
        extra = tuple(sorted({a for abbrs in ABBREVIATIONS.values() for a in abbrs}))
    rules = tokenizer.rules or {}
    for abbr in extra + TERMINAL_ABBREVIATIONS.get(code, ()):
        for form in (abbr, _capitalised(abbr)):
            if " " not in form and form not in rules:
                tokenizer.add_special_case(form, [{ORTH: form}])
    return nlp


def sentence_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``.

    See :func:`split_sentences`; ``text[start:end]`` is each sentence.
    """
    if not text or not text.strip():
        return []
    if language is None:
        language = detect_language(text)
    nlp = _tokenizer(spacy_code(language))
    terminal_abbrs = _terminal_abbreviations(nlp.lang)
    stops = stop_words(nlp.lang)
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for start, end in _line_spans(nlp.tokenizer(line), terminal_abbrs, stops):
                chunk = line[start:end]
                lead = len(chunk) - len(chunk.lstrip())
                trail = len(chunk.rstrip())
                if any(ch.isalnum() for ch in chunk):
                    spans.append((offset + start + lead, offset + start + trail))
        offset += len(line) + 1
    return spans


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Split text into sentences, verbatim.

    Every line break ends a sentence, so pass text through
    :func:`~talktopics.nlp.markup.clean_markup` first (it
    unwraps hard-wrapped paragraphs and puts each list item and note on its own line). Inside
    a line a sentence ends after ``.``, ``!``, ``?`` or an ellipsis (with any closing quotes or
    brackets) unless:

    - the full stop belongs to an abbreviation of the language (spaCy's tokenizer exceptions
      plus ours: "e.g.", "i.e.", "Dr.", "z.B.", "u.a.", "т.е.", "напр." ...), to an initial
      ("J. R. R. Tolkien", "А. С. Пушкин") or to a number ("3.7", "3. Oktober");
    - the next word starts with a lower-case letter ("z. B. die", "Wait... really?");
    - there is no space after it ("Kepler.gl", "3.7").

    Abbreviations that often end a sentence ("etc.", "usw.", "и т.д.") end one when the next
    word is capitalised. Pieces without a letter or digit are dropped.

    Args:
        text: Clean text.
        language: ISO 639-1 code ("en", "de", "ru", ...); ``None`` detects it. Codes spaCy
            has no tokenizer for use the multi-language one with all our abbreviations.

    Returns:
        The sentences, stripped of surrounding whitespace, in order.
    """
    return [text[start:end] for start, end in sentence_spans(text, language)]


@functools.lru_cache(maxsize=16)
def _terminal_abbreviations(code: str) -> frozenset[str]:
    forms = TERMINAL_ABBREVIATIONS.get(code)
    if forms is None:
        forms = tuple({a for abbrs in TERMINAL_ABBREVIATIONS.values() for a in abbrs})
    return frozenset(f for abbr in forms for f in (abbr, _capitalised(abbr)))


def _ends_like_abbreviation(tokens: list[Any], i: int, stops: frozenset[str]) -> bool:
    """True when token ``i`` ends a sentence if a capitalised word follows: an amount's unit
    ("$500m. It") or an initial followed by a stop word ("Malcolm X. Besides", but not
    "J. R. R. Tolkien")."""
    text = tokens[i].text
    if _UNIT_AFTER_NUMBER.fullmatch(text) and text[:1].islower() and i > 0:
        previous = tokens[i - 1]
        return not previous.whitespace_ and previous.text[-1:].isdigit()
    if _INITIAL.fullmatch(text) and text[:1].isupper() and i + 1 < len(tokens):
        return tokens[i + 1].text.lower() in stops
    return False


def _line_spans(
    doc: Any, terminal_abbrs: frozenset[str], stops: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """Sentence spans (character offsets) inside one line's spaCy Doc; ``stops`` are the
    language's stop words (a sentence may start with one after an initial)."""
    tokens = list(doc)
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        text = token.text
        is_terminal = _TERMINAL_TOKEN.fullmatch(text) is not None
        is_abbr = text in terminal_abbrs or _ends_like_abbreviation(tokens, i, stops)
        if not (is_terminal or is_abbr):
            i += 1
            continue
        # Absorb closing quotes/brackets and further marks written right after the stop.
        j = i
        while (
            j + 1 < n
            and not tokens[j].whitespace_
            and (tokens[j + 1].text in _CLOSING or _TERMINAL_TOKEN.fullmatch(tokens[j + 1].text))
        ):
            j += 1
        if j + 1 >= n:
            break
        if not tokens[j].whitespace_ and any(ch.isalnum() for ch in tokens[j + 1].text[:1]):
            i = j + 1  # "3.7", "Kepler.gl": no space, no sentence end
            continue
        following = _first_alnum(tokens, j + 1)
        if following is None:
            break
        if following.islower() or (is_abbr and not following.isupper()):
            i = j + 1
            continue
        end = tokens[j].idx + len(tokens[j].text)
        spans.append((start, end))
        start = tokens[j + 1].idx
        i = j + 1
    spans.append((start, len(doc.text)))
    return spans


def _first_alnum(tokens: list[Any], index: int) -> str | None:
    """The first letter or digit at or after token ``index``."""
    for token in tokens[index:]:
        for ch in token.text:
            if ch.isalnum():
                return str(ch)
    return None


def sentence_languages(
    text: str, *, languages: Sequence[str] | None = None
) -> list[tuple[str, str | None]]:
    """Sentences of a raw text with the language of each.

    The text is cleaned (:func:`~talktopics.nlp.markup.clean_markup`) and split with the rules
    of its dominant language. A sentence too short or too ambiguous to tell gets the language
    of the whole text; a sentence in another script (Russian inside English notes) gets its
    own.

    Returns:
        ``(sentence, language)`` pairs in text order.
    """
    langs = tuple(languages) if languages is not None else NLPConfig().languages
    cleaned = clean_markup(text)
    doc_lang = identify_language(cleaned, langs)
    return [
        (s, identify_language(s, langs, fallback=doc_lang))
        for s in split_sentences(cleaned, doc_lang)
    ]
