"""Language identification: a text, talk or sentence in, an ISO 639-1 code (or None) out.

The one language detector of the package (term extraction, embedding, summaries): py3langid
decides among the configured languages after a script check (Cyrillic, Latin, Han, Kana).

:func:`talk_language` remembers its answers on disk (``languages.sqlite3`` beside the
embedding and term caches, keyed by the talk's text, the languages asked for, py3langid's
version and this package's code), so a re-run does not identify every talk again.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from talktopics.config import NLPConfig
from talktopics.nlp.markup import clean_markup
from talktopics.records import Talk
from talktopics.store import SqliteCache, default_cache_dir, files_digest

__all__ = [
    "CYRILLIC_LETTER",
    "LATIN_LETTER",
    "detect_language",
    "identify_any_language",
    "identify_language",
    "remembered_language",
    "talk_language",
    "to_iso639_1",
]

logger = logging.getLogger(__name__)

# Languages by script; the first listed in NLPConfig.languages is a script's default.
_SCRIPT_OF = {"ru": "cyrl", "uk": "cyrl", "bg": "cyrl", "sr": "cyrl", "ja": "kana", "zh": "han"}

CYRILLIC_LETTER = re.compile(r"[\u0400-\u04FF]")
"""A Cyrillic letter."""
LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
"""A Latin letter (basic and extended)."""
_HAN = re.compile(r"[\u4E00-\u9FFF]")
_KANA = re.compile(r"[\u3040-\u30FF]")


@functools.cache
def _identifier(languages: tuple[str, ...]) -> Any:
    """py3langid restricted to ``languages``: a copy of the one loaded model (restricting
    replaces the copy's arrays, it never changes the shared full model)."""
    identifier = copy.copy(_full_identifier())
    known = set(identifier.labels)
    usable = [lang for lang in languages if lang in known]
    if usable:
        identifier.set_languages(usable)
    return identifier


@functools.cache
def _full_identifier() -> Any:
    """py3langid's model, read once per process (about a second each time)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify_any_language(text: str) -> str:
    """py3langid's language of ``text`` among all it knows: what ``py3langid.classify`` says,
    from the process's one copy of the model (``classify`` would read a second one)."""
    return str(_raw_identifier().classify(text)[0])


@functools.cache
def _raw_identifier() -> Any:
    """py3langid's full model with raw scores (``py3langid.classify``'s own setting), on the
    arrays of :func:`_full_identifier`."""
    full = _full_identifier()
    return type(full)(
        full.nb_ptc,
        full.nb_pc,
        full.nb_classes,
        full.tk_nextmove,
        full.tk_output,
        norm_probs=False,
        tk_row=full.tk_row,
    )


def _script_counts(text: str) -> dict[str, int]:
    return {
        "cyrl": len(CYRILLIC_LETTER.findall(text)),
        "latn": len(LATIN_LETTER.findall(text)),
        "han": len(_HAN.findall(text)),
        "kana": len(_KANA.findall(text)),
    }


def _script_languages(script: str, languages: Sequence[str]) -> list[str]:
    if script == "han":  # Han characters alone: Chinese; with kana: Japanese
        return [lang for lang in languages if lang in ("zh", "ja")]
    return [lang for lang in languages if _SCRIPT_OF.get(lang, "latn") == script]


def _classify(text: str, candidates: Sequence[str]) -> tuple[str, float]:
    if len(candidates) == 1:
        return candidates[0], 1.0
    lang, prob = _identifier(tuple(sorted(candidates))).classify(text)
    return str(lang), float(prob)


def identify_language(
    text: str, languages: Sequence[str], *, fallback: str | None = None, min_letters: int = 3
) -> str | None:
    """Language of an already cleaned text among ``languages`` (script check, then py3langid).

    Args:
        text: Clean text (see :func:`~talktopics.nlp.markup.clean_markup`).
        languages: Candidate ISO 639-1 codes; the first of each script is its default.
        fallback: The answer for texts too short or too unclear to tell (e.g. the language of
            the document a sentence comes from).
        min_letters: Texts with fewer letters get ``fallback``.

    Returns:
        The language code, or ``fallback``.
    """
    counts = _script_counts(text)
    letters = sum(counts.values())
    if letters < min_letters:
        return fallback
    if counts["kana"]:
        counts["han"] += counts["kana"]
        counts["kana"] = 0
        script = "kana" if counts["han"] >= max(counts["cyrl"], counts["latn"]) else ""
    else:
        script = ""
    if not script:
        # Cyrillic text with English terms inside is Russian (or another Cyrillic language):
        # English sentences hardly ever contain Cyrillic words.
        cyrillic_share = counts["cyrl"] / letters
        script = "cyrl" if cyrillic_share >= 0.2 else max(("latn", "han"), key=counts.__getitem__)
    candidates = _script_languages(script, languages)
    if not candidates:
        return fallback
    if fallback in candidates and letters < 40:
        return fallback  # too short to overrule the document's language
    lang, prob = _classify(text, candidates)
    if fallback in candidates and prob < 0.6:
        return fallback
    if letters < 40 and prob < 0.95:
        return candidates[0]  # short and unsure: the script's first configured language
    return lang


def detect_language(text: str, *, languages: Sequence[str] | None = None) -> str | None:
    """Language of a text (ISO 639-1), deterministic.

    The dominant script narrows the candidates (Cyrillic -> ru/uk, ...), then py3langid
    decides among ``languages`` (default: ``NLPConfig().languages``).

    Returns:
        The language code, or None when the text has fewer than three letters or its script
        matches no configured language.
    """
    langs = tuple(languages) if languages is not None else NLPConfig().languages
    return identify_language(clean_markup(text), langs)


def talk_language(
    talk: Talk,
    *,
    languages: Sequence[str] | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
) -> str | None:
    """Dominant language of a talk's own text (title, abstract, description, notes).

    The language the source declares (``talk.language``) decides when the text is too short
    to tell (under 40 letters) and is written in a script of that language.

    Args:
        talk: The talk.
        languages: Candidate languages (default: ``NLPConfig().languages``).
        cache_dir: Where the answers are remembered; None = ``$TALKTOPICS_CACHE`` or
            ``~/.cache/talktopics``.
        use_cache: False = identify the language anew and remember nothing.
    """
    langs = tuple(languages) if languages is not None else NLPConfig().languages
    memo = _memo(cache_dir) if use_cache else None
    key = _talk_key(talk, langs) if memo is not None else b""
    if memo is not None:
        found = memo.get(key)
        if found is not None:
            return found or None
    declared = to_iso639_1(talk.language)
    text = clean_markup(f"{talk.title}\n\n{talk.text}")
    lang = identify_language(text, langs, fallback=declared)
    if memo is not None:
        memo.put(key, lang or "")
    return lang


def remembered_language(text: str, detect: Callable[[str], str | None], *, kind: str) -> str | None:
    """``detect(text)``, remembered on disk like :func:`talk_language`'s answers (the default
    cache folder), under ``kind`` (the detector's name): reading a programme again skips
    loading py3langid's model."""
    memo = _memo(None)
    key = hashlib.sha256(f"{kind}\0{text}".encode("utf-8", "surrogatepass")).digest()
    found = memo.get(key)
    if found is not None:
        return found or None
    lang = detect(text)
    memo.put(key, lang or "")
    return lang


# --- the on-disk memo of talk_language --------------------------------------------------------


class _Memo:
    """Remembered talk languages in one SQLite file; new answers are written in batches
    (a transaction per talk would cost about a millisecond each) and at exit."""

    FLUSH_EVERY = 128

    def __init__(self, path: Path) -> None:
        self.store: SqliteCache = SqliteCache(path)
        self.namespace = f"talk_language:{_fingerprint()}"
        self.pending: dict[bytes, str] = {}

    def get(self, key: bytes) -> str | None:
        if key in self.pending:
            return self.pending[key]
        blob = self.store.get_many(self.namespace, [key]).get(key)
        try:
            return blob.decode("ascii") if blob is not None else None
        except UnicodeDecodeError:
            return None

    def put(self, key: bytes, lang: str) -> None:
        self.pending[key] = lang
        if len(self.pending) >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            items = [(key, lang.encode("ascii")) for key, lang in self.pending.items()]
            self.store.put_many(self.namespace, items)
            self.pending.clear()


_MEMOS: dict[Path, _Memo] = {}


def _memo(cache_dir: str | Path | None) -> _Memo:
    directory = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    memo = _MEMOS.get(directory)
    if memo is None:
        if not _MEMOS:
            _at_exit(_flush_all)
        memo = _MEMOS[directory] = _Memo(directory / "languages.sqlite3")
    return memo


def _flush_all() -> None:
    """Write the answers still pending (the last batch of a run)."""
    for memo in _MEMOS.values():
        memo.flush()


def _at_exit(callback: Callable[[], None]) -> None:
    """Run ``callback`` at exit, also in a multiprocessing worker (which skips atexit)."""
    import atexit
    from multiprocessing import util

    atexit.register(callback)
    util.Finalize(None, callback, exitpriority=10)


@functools.cache
def _fingerprint() -> str:
    """This package's code (cleaning and detection rules, word lists) and py3langid's version."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(files_digest(Path(__file__).resolve().parent, "*.py").encode())
    try:
        digest.update(version("py3langid").encode())
    except (PackageNotFoundError, ValueError):
        digest.update(b"py3langid=?")
    return digest.hexdigest()[:24]


def _talk_key(talk: Talk, languages: tuple[str, ...]) -> bytes:
    """Memo key of everything of a talk that :func:`talk_language` reads."""
    fields = [talk.title, talk.text, talk.language, list(languages)]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).digest()


_ISO639_2 = {
    "eng": "en", "deu": "de", "ger": "de", "rus": "ru", "fra": "fr", "fre": "fr", "spa": "es",
    "ita": "it", "por": "pt", "nld": "nl", "dut": "nl", "pol": "pl", "ukr": "uk", "ces": "cs",
    "cze": "cs", "swe": "sv", "tur": "tr", "jpn": "ja", "zho": "zh", "chi": "zh",
}  # fmt: skip


def to_iso639_1(code: str | None) -> str | None:
    """ "en", "eng", "EN", "en-US", "English" -> "en"; None stays None."""
    if not code:
        return None
    code = code.strip().casefold().replace("_", "-").split("-")[0]
    names = {"english": "en", "german": "de", "deutsch": "de", "russian": "ru"}
    return _ISO639_2.get(code) or names.get(code) or (code if len(code) == 2 else None)
