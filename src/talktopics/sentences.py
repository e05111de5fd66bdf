"""Markup cleaning and sentence splitting: raw talk text in, clean text and sentences out.

Two steps, used by the summaries and by any stage that needs sentences:

1. :func:`clean_markup` turns Markdown / reStructuredText / HTML into plain text: code blocks,
   images, URLs, HTML tags, navigation lines and emoji short codes go; link texts, list items
   and headings stay. Hard-wrapped paragraphs are unwrapped, so every line of the result is one
   unit of meaning (a paragraph, a list item, a heading or one line of notes).
2. :func:`split_sentences` splits clean text into sentences. Every line break ends a sentence
   (a line of notes without a final full stop is a sentence of its own); inside a line, spaCy's
   tokenizer for the language (with its abbreviation exceptions, plus ours) finds the tokens
   and a few rules decide where a sentence ends.

Sentences are returned verbatim: each is a substring of the text given to
:func:`split_sentences`, so a summary built from them never contains text that is not in the
(cleaned) source.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "clean_markup",
    "detect_language",
    "sentence_spans",
    "split_sentences",
    "stop_words",
]

logger = logging.getLogger(__name__)

# --- markup cleaning ------------------------------------------------------------------------

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
_BLOCKQUOTE = re.compile(r"^\s*(?:>\s?)+")

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
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
    r"|<[\w.+-]+@[\w-]+\.[\w.-]+>"
)
_BOLD = re.compile(
    r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![\w_])__(?=\S)([^_\n]*\s[^_\n]*?)(?<=\S)__(?![\w_])"
)
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*\s[^_\n]*?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_EMOJI_CODE = re.compile(r"(?<!\S):[a-z0-9_+\-]{2,}:(?!\S)")
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
        Clean text. Sentences found in it with :func:`split_sentences` are verbatim
        substrings of it.
    """
    if not text or not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = text.replace(_MARK, "")
    text = _HTML_COMMENT.sub(_MARK, text)
    text = _HTML_BLOCK.sub(_MARK, text)
    text = _HTML_BREAK.sub("\n", text)
    lines = _drop_code_blocks(text.split("\n"))

    # Blocks of lines, each with the separator that goes before it: a blank line between
    # paragraphs, a line break between the items of one list. A list item's continuation
    # lines are joined to it; a paragraph's lines are unwrapped when they look hard-wrapped.
    blocks: list[tuple[str, str]] = []
    current: list[str] = []
    item_indent: int | None = None
    tight = False  # the block being built is a list item right after another one

    def close(next_tight: bool = False) -> None:
        nonlocal current, tight
        if current:
            text = " ".join(current) if item_indent is not None else "\n".join(_unwrap(current))
            blocks.append(("\n" if tight and blocks else "\n\n", text))
        current = []
        tight = next_tight

    for raw in lines:
        if not raw.strip():
            close()
            item_indent = None
            continue
        if (
            _RULE_LINE.match(raw)
            or _TABLE_SEPARATOR.match(raw)
            or _LINK_DEFINITION.match(raw)
            or _NAVIGATION_LINE.match(raw)
        ):
            continue
        directive = _RST_DIRECTIVE.match(raw)
        if directive is not None:
            raw = directive.group(1)
            if not raw.strip():
                continue
        elif _RST_COMMENT.match(raw):
            continue
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
        if not line:
            continue
        if kind == "heading":
            close()
            item_indent = None
            blocks.append(("\n\n", line))
        elif kind == "item":
            close(next_tight=item_indent is not None)
            current = [line]
            item_indent = indent
        elif item_indent is not None and indent > item_indent and current:
            current.append(line)  # continuation of a list item
        else:
            if item_indent is not None:
                close()
                item_indent = None
            current.append(line)
    close()

    parts: list[str] = []
    for separator, block in blocks:
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
    line = _INLINE_LINK.sub(lambda m: m.group(1) or _MARK, line)
    line = _REF_LINK.sub(lambda m: m.group(1), line)
    line = _URL.sub(_MARK, line)
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
    line = " ".join(line.split())
    if removed and _LABEL_ONLY.match(line):
        return ""  # e.g. "Video:" whose link was removed
    if not any(ch.isalnum() for ch in line):
        return ""
    return line


def _unwrap(lines: list[str]) -> list[str]:
    """Join the lines of a block that belong together (hard-wrapped prose)."""
    if len(lines) < 2:
        return lines
    inner = [len(line) for line in lines[:-1]]
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


# --- sentence splitting ---------------------------------------------------------------------

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
_CLOSING = frozenset("\"'»”’)]}›")
_SUPPORTED_DETECT = ("en", "de", "ru", "fr", "es", "it", "nl", "pt", "uk", "pl")


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _language_code(language: str | None) -> str:
    """``"en-US"`` -> ``"en"``; unknown or unsupported codes -> ``"xx"`` (multi-language)."""
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
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for start, end in _line_spans(nlp.tokenizer(line), terminal_abbrs):
                chunk = line[start:end]
                lead = len(chunk) - len(chunk.lstrip())
                trail = len(chunk.rstrip())
                if any(ch.isalnum() for ch in chunk):
                    spans.append((offset + start + lead, offset + start + trail))
        offset += len(line) + 1
    return spans


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Split text into sentences, verbatim.

    Every line break ends a sentence, so pass text through :func:`clean_markup` first (it
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


def _line_spans(doc: Any, terminal_abbrs: frozenset[str]) -> list[tuple[int, int]]:
    """Sentence spans (character offsets) inside one line's spaCy Doc."""
    tokens = list(doc)
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        text = token.text
        is_terminal = _TERMINAL_TOKEN.fullmatch(text) is not None
        is_abbr = text in terminal_abbrs
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
