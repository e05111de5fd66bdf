"""Sentence splitting per language: clean text in, verbatim sentences (or their spans) out.

Every line break ends a sentence (a line of notes without a final full stop is a sentence of
its own); inside a line, spaCy's tokenizer for the language (with its abbreviation exceptions,
plus ours) finds the tokens and a few rules decide where a sentence ends. Sentences are
returned verbatim: each is a substring of the text given to :func:`split_sentences`, so a
summary built from them never contains text that is not in the (cleaned) source. Also here:
the language guess (:func:`detect_language`) and the stop words (:func:`stop_words`) the
summaries use.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["detect_language", "sentence_spans", "split_sentences", "stop_words"]

logger = logging.getLogger(__name__)

# Abbreviations that spaCy's tokenizer exceptions lack. Non-terminal: a capitalised word after
# them does not start a new sentence ("e.g. Python", "напр. Pandas"). Each is also added with a
# capital first letter (sentence-initial "Т.е.").
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "e.g.",
        "i.e.",
        "vs.",
        "cf.",
        "approx.",
        "incl.",
        "esp.",
        "resp.",
        "fig.",
        "figs.",
        "eq.",
        "eqs.",
        "al.",
        "ca.",
        "viz.",
        "w.r.t.",
        "dept.",
        "univ.",
        "ver.",
        "sec.",
    ),
    "de": (
        "z.B.",
        "z.b.",
        "d.h.",
        "u.a.",
        "bzw.",
        "vgl.",
        "ggf.",
        "evtl.",
        "inkl.",
        "ca.",
        "bspw.",
        "sog.",
        "insb.",
        "z.T.",
        "u.U.",
        "o.ä.",
        "Abb.",
        "Kap.",
        "Bsp.",
        "e.g.",
        "i.e.",
        "al.",
    ),
    "ru": (
        "напр.",
        "т.е.",
        "т.к.",
        "т.н.",
        "т.ч.",
        "т.о.",
        "см.",
        "ср.",
        "рис.",
        "табл.",
        "гл.",
        "проф.",
        "акад.",
        "доц.",
        "им.",
        "англ.",
        "нем.",
        "рус.",
        "лат.",
        "франц.",
        "букв.",
        "прим.",
        "мб.",
        "вкл.",
        "искл.",
        "e.g.",
        "i.e.",
        "vs.",
        "al.",
    ),
}
# Abbreviations that often end a sentence: a capitalised word after them starts a new one.
_TERMINAL_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "en": ("etc.", "Inc.", "Ltd.", "Co.", "Corp.", "Bros."),
    "de": ("etc.", "usw.", "u.s.w.", "usf.", "u.v.m.", "uvm.", "Chr.", "Inc.", "Ltd.", "Co."),
    "ru": ("т.д.", "т.п.", "и т.д.", "и т.п.", "и др.", "и пр.", "др.", "пр.", "etc.", "гг."),
}
_TERMINAL_TOKEN = re.compile(r"[.!?…]+|[!?][!?.]*")
_UNIT_AFTER_NUMBER = re.compile(r"[^\W\d_]{1,3}\.")
"""An amount's unit glued to its number ("$500m.", "5bn.", "3к."): may end a sentence."""
_INITIAL = re.compile(r"[^\W\d_]\.")
"""One capital letter and a full stop: an initial ("J. R. R. Tolkien", "Malcolm X.")."""
_CLOSING = frozenset("\"'»”’)]}›")
_SUPPORTED_DETECT = ("en", "de", "ru", "fr", "es", "it", "nl", "pt", "uk", "pl")


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


@functools.lru_cache(maxsize=64)
def _language_code(language: str | None) -> str:
    """``"en-US"`` -> ``"en"``; unknown or unsupported codes -> ``"xx"`` (multi-language).

    Cached: spaCy's language lookup scans the installed packages' entry points each time
    (12 ms a call; once per talk, that was minutes on 20,000 talks)."""
    if not language:
        return "xx"
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    from spacy.util import get_lang_class

    try:
        get_lang_class(code)
    except Exception:  # spaCy raises ImportError/KeyError-like errors for unknown codes
        logger.debug("no spaCy tokenizer for language %r; using the multi-language one", code)
        return "xx"
    return code


@functools.lru_cache(maxsize=16)
def stop_words(language: str | None) -> frozenset[str]:
    """spaCy's stop words of a language (lower case); for unknown languages those of en, de
    and ru together."""
    code = _language_code(language)
    if code == "xx":
        return stop_words("en") | stop_words("de") | stop_words("ru")
    from spacy.util import get_lang_class

    words = get_lang_class(code).Defaults.stop_words
    return frozenset(w.lower() for w in words)


@functools.lru_cache(maxsize=16)
def _tokenizer(code: str) -> Language:
    """A blank spaCy pipeline for ``code`` with our extra abbreviation exceptions."""
    import spacy
    from spacy.symbols import ORTH

    try:
        nlp = spacy.blank(code)
    except ImportError:  # ja needs SudachiPy, ko needs mecab-ko: not installed
        return _tokenizer("xx")
    tokenizer: Any = nlp.tokenizer
    if not hasattr(tokenizer, "add_special_case"):  # zh: a word segmenter, not rule-based
        return _tokenizer("xx")
    extra = _ABBREVIATIONS.get(code)
    if extra is None:
        extra = tuple(sorted({a for abbrs in _ABBREVIATIONS.values() for a in abbrs}))
    rules = tokenizer.rules or {}
    for abbr in extra + _TERMINAL_ABBREVIATIONS.get(code, ()):
        for form in (abbr, _capitalised(abbr)):
            if " " not in form and form not in rules:
                tokenizer.add_special_case(form, [{ORTH: form}])
    return nlp


@functools.lru_cache(maxsize=1)
def _language_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(_SUPPORTED_DETECT))
    return identifier


def detect_language(text: str) -> str | None:
    """Guess the ISO 639-1 language of a text (one of en, de, ru, fr, es, it, nl, pt, uk, pl).

    Returns ``None`` for texts too short to tell (fewer than 3 letters). Deterministic.
    """
    if sum(ch.isalpha() for ch in text) < 3:
        return None
    code, _prob = _language_identifier().classify(text[:5000])
    return str(code)


def sentence_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``.

    See :func:`split_sentences`; ``text[start:end]`` is each sentence.
    """
    if not text or not text.strip():
        return []
    if language is None:
        language = detect_language(text)
    nlp = _tokenizer(_language_code(language))
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
    :func:`~talktopics.summaries.markup.clean_markup` first (it
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
    forms = _TERMINAL_ABBREVIATIONS.get(code)
    if forms is None:
        forms = tuple({a for abbrs in _TERMINAL_ABBREVIATIONS.values() for a in abbrs})
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
