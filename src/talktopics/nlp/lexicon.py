"""Word lists: a config or a language in, stop words, note labels and product-name checks out.

The one source of stop words (:func:`stop_words`), note labels and navigation lines for term
extraction, sentence splitting and summaries."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from talktopics.config import NLPConfig

__all__ = [
    "DOMAIN_STOP_WORDS",
    "GENERIC_WORDS",
    "NAVIGATION_LINES",
    "NOTE_LABELS",
    "NOTE_LABEL_OWNERS",
    "PRODUCT_NAMES",
    "STOP_WORD_EXCEPTIONS",
    "WEAK_MODIFIERS",
    "Lexicon",
    "spacy_code",
    "stop_words",
]


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
    конфа кейноут туториал выступающий организатор зритель зал перерыв оглавление фото
    фотография фотка картинка скриншот
    vortrag vorträge sprecher sprecherin referent referentin folie folien präsentation
    publikum teilnehmer teilnehmerin konferenz
    vortragende vortragender redner rednerin zuhörer zuhörerin veranstalter tagung
    """
    )
)
"""Conference-domain stop words (any language, case-folded, surface forms and lemmas): they
describe the event, never the topic. Neither terms nor parts of keyphrases. Attendee notes add
their own scaffolding (photos of slides, the notes' table of contents, the organisers, "конфа"
for conference): it says how the notes were taken, not what the talk was about."""

GENERIC_WORDS: frozenset[str] = frozenset(
    _wordlist(
        """
    question answer introduction overview summary example year day time way thing lot kind
    sort bit people everyone anyone someone something anything everything part end case
    takeaway fazit
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
    введение вступление обзор итог вывод резюме начало конец момент пункт уровень знание
    опыт новичок применение необходимость количество число набор порядок шаг этап деталь
    подробность изменение разница отличие техника приём прием концепция понятие информация
    мир взгляд факт причина мотивация разнообразие основа урок совет трюк польза
    преимущество задача термин аспект сторона область сфера вариант контекст назначение
    смысл суть мысль мнение впечатление внимание история
    список перечень слово пара раз ряд вид образ название ссылка куча множество целое
    половина плюс минус ребята
    январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
    понедельник вторник среда четверг пятница суббота воскресенье утро вечер неделя месяц
    час секунда
    новый хороший разный простой интересный важный основной другой свой большой маленький
    весь каждый сам первый второй последний
    отличный лучший различный многий лёгкий легкий одинаковый собственный главный целый
    возможный полезный приятный крутой классный удивительный замечательный общий типичный
    конкретный определённый определенный реальный настоящий крупный небольшой высокий
    низкий базовый продвинутый современный текущий полный доступный популярный мощный
    ключевой следующий третий длинный долгий короткий практический отдельный особый
    недавний единственный правильный неправильный понятный итоговый финальный
    дополнительный существующий необходимый нужный значительный похожий подобный
    предыдущий известный классический традиционный неожиданный внезапный больший готовый
    beispiel frage antwort einführung überblick zeit jahr tag art weise teil thema problem
    lösung neu gut verschieden einfach interessant wichtig groß klein viel erste zweite
    letzte januar februar märz juni juli oktober dezember montag dienstag mittwoch
    donnerstag freitag samstag sonntag
    zusammenfassung anfang ende punkt schritt ziel idee ergebnis möglichkeit hilfe
    erfahrung wissen grundlage vorteil nachteil herausforderung tipp bereich aspekt
    liste stück sache menge anzahl zahl mensch leute welt woche monat stunde
    nächste nächster vorherige dritte ganz möglich nützlich spannend schnell
    """
    )
)
"""Too vague to be a term alone, but fine inside a keyphrase ("use case", "large language
model", "user experience"). Per language (lemmas as the language's analyser gives them): the
English list, then its Russian and German counterparts, which also hold the discourse words
of note-taking ("список докладов", "следующий пример", "Beispiel"): without them a few short
notes-only sections (lightning talks, keynotes) share a "topic" of such words."""

WEAK_MODIFIERS: frozenset[str] = frozenset(
    _wordlist(
        """
    new good great best better different many various several simple easy interesting
    important same other own main few whole possible useful nice cool awesome amazing
    typical specific certain next last first second third little much more most less
    новый хороший разный простой интересный важный другой свой весь каждый сам
    отличный лучший различный многий лёгкий легкий одинаковый собственный основной главный
    целый возможный полезный приятный крутой классный удивительный замечательный типичный
    конкретный определённый определенный небольшой следующий последний предыдущий первый
    второй третий
    neu gut verschieden einfach interessant wichtig viel nächste nächster ganz möglich
    nützlich spannend
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


def _phrases(text: str) -> frozenset[str]:
    """Comma- or line-separated phrases of a lexicon literal, case-folded."""
    return frozenset(" ".join(p.split()).casefold() for p in re.split(r"[,\n]", text) if p.strip())


NOTE_LABELS: dict[str, frozenset[str]] = {
    "en": _phrases(
        """
        takeaway, takeaways, key takeaway, key takeaways, main takeaway, conclusion,
        conclusions, summary, tl;dr, tldr, key points, main points, highlights, notes,
        note, remarks, comment, comments, description, abstract, video, videos, recording,
        slides, deck, link, links, url, website, homepage, page, repo, repository, code,
        source, sources, references, reference, resources, further reading, see also,
        agenda, outline, schedule, speaker, speakers, room, track, level, time, date, when,
        where, next talk, previous talk, question, questions, q&a, answer, tags, tag, update,
        my take, verdict
        """
    ),
    "de": _phrases(
        """
        fazit, mein fazit, mitgenommen, mitnehmen, zum mitnehmen, erkenntnis, erkenntnisse,
        zusammenfassung, kernpunkte, kernaussage, kernaussagen, wichtigste punkte, notizen,
        notiz, anmerkung, anmerkungen, beschreibung, abstrakt, video, videos, aufzeichnung,
        folien, slides, link, links, webseite, quellen, quelle, referenzen, literatur,
        agenda, gliederung, zeitplan, sprecher, sprecherin, raum, saal, zeit, datum,
        nächster vortrag, frage, fragen, antwort, schlagworte, hinweis, kurz, kurzfassung,
        meinung, ergebnis
        """
    ),
    "ru": _phrases(
        """
        вывод, выводы, вывод для себя, итог, итоги, итого, резюме, главное, суть, кратко,
        ключевые моменты, основные моменты, описание, описание доклада, аннотация, видео,
        запись, слайды, презентация, ссылка, ссылки, сайт, страница доклада, код,
        репозиторий, источники, литература, материалы, заметки, заметка, примечание,
        комментарий, план, программа, расписание, докладчик, спикер, зал, время, дата,
        следующий доклад, предыдущий доклад, вопрос, вопросы, ответ, теги,
        подробнее, подробнее по пунктам, мнение
        """
    ),
    "fr": _phrases(
        """
        à retenir, a retenir, conclusion, conclusions, en bref, résumé, resume, points clés,
        notes, note, remarque, remarques, description, vidéo, video, enregistrement,
        diapositives, diapos, slides, transparents, lien, liens, site, sources, références,
        programme, plan, orateur, oratrice, intervenant, intervenante, salle, date, heure,
        question, questions, réponse
        """
    ),
}
"""Labels of note structure per language, case-folded: at the start of a line or sentence and
followed by a colon ("Takeaway: ...", "Fazit: ...", "Вывод для себя: ...", "À retenir : ..."),
they say how the notes are laid out, never what the talk was about. Term extraction strips the
label and keeps what follows the colon. Each language's labels are recognised in every text
(notes mix languages), optionally after one of :data:`NOTE_LABEL_OWNERS` ("My takeaway:",
"Mein Fazit:")."""

NOTE_LABEL_OWNERS: frozenset[str] = _phrases(
    """
    my, our, the, his, her, their, mein, meine, unser, unsere, sein, seine, ihr, ihre, das,
    die, der, мой, моя, мои, наш, наша, наши, mon, ma, mes, notre, nos
    """
)
"""Words that may stand before a note label ("My takeaway:", "Mein Fazit:", "Мой вывод:")."""

NAVIGATION_LINES: dict[str, frozenset[str]] = {
    "en": _phrases(
        """
        back to top, back to contents, back to the top, back to table of contents,
        back to toc, back to index, back to overview, top, to top, up, table of contents,
        contents, next, previous, next talk, previous talk
        """
    ),
    "de": _phrases(
        """
        nach oben, zurück nach oben, zurück zum inhalt, zurück zum inhaltsverzeichnis,
        zum inhaltsverzeichnis, inhaltsverzeichnis, inhalt, zurück, weiter, nächster vortrag
        """
    ),
    "ru": _phrases(
        """
        наверх, наверх к оглавлению, к оглавлению, назад к оглавлению, вернуться к оглавлению,
        оглавление, содержание, к содержанию, назад, далее, следующий доклад
        """
    ),
    "fr": _phrases(
        """
        retour en haut, haut de page, en haut, retour au sommaire, retour à la table des
        matières, sommaire, table des matières, retour, suivant, précédent
        """
    ),
}
"""Whole lines of note navigation per language, case-folded ("Наверх к оглавлению", "Back to
top"): dropped before term extraction, in every text."""


STOP_WORD_EXCEPTIONS: dict[str, frozenset[str]] = {"ru": frozenset({"данные"})}
"""Lemmas that spaCy's stop list of a language holds for another sense: "данные" (data, a
noun) is listed with the pronoun-like "данный" (given, this). Such a word is a stop word only
when its lemma is not listed here."""


def spacy_code(language: str | None) -> str:
    """``"en-US"`` -> ``"en"``; None and codes spaCy has no language for -> ``"xx"`` (its
    multi-language class)."""
    if not language:
        return "xx"
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return code if _spacy_knows(code) else "xx"


@functools.cache
def _spacy_knows(code: str) -> bool:
    """Whether spaCy has a language ``code`` (found without importing spaCy, nor the language:
    importing a language compiles its tokenizer exceptions, 3.9 s for French)."""
    folder = _spacy_languages()
    return (
        folder is not None
        and re.fullmatch(r"[a-z]{2,3}", code) is not None
        and (folder / code / "__init__.py").is_file()
    )


@functools.cache
def _spacy_languages() -> Path | None:
    """spaCy's ``lang`` folder (None when spaCy is not installed), located without importing
    spaCy."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "lang"


@functools.cache
def stop_words(language: str | None) -> frozenset[str]:
    """spaCy's stop words of a language, lower-cased and case-folded ("außer", "ausser"); for
    None or a language spaCy does not know, those of en, de and ru together. The one stop-word
    source of term extraction, sentence splitting and the summaries' ranking. Read from the
    language's ``stop_words.py`` file alone, neither spaCy nor the language package imported
    (see :func:`_spacy_knows`); a language without that file has none."""
    code = spacy_code(language)
    if code == "xx":
        return stop_words("en") | stop_words("de") | stop_words("ru")
    folder = _spacy_languages()
    assert folder is not None  # spacy_code() found the language there
    words = _module_stop_words(folder / code / "stop_words.py")
    return frozenset(w.lower() for w in words) | frozenset(w.casefold() for w in words)


def _module_stop_words(path: Path) -> frozenset[str]:
    """``STOP_WORDS`` of one of spaCy's ``stop_words.py`` files (self-contained: they import
    nothing), executed on its own; empty when the file is missing."""
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    namespace: dict[str, object] = {"__name__": f"spacy.lang.{path.parent.name}.stop_words"}
    exec(compile(source, str(path), "exec"), namespace)
    words = namespace.get("STOP_WORDS", ())
    return frozenset(str(w) for w in words) if isinstance(words, set | frozenset) else frozenset()


class Lexicon:
    """Stop words and product names for one run (built from the config)."""

    def __init__(self, config: NLPConfig) -> None:
        self.config = config
        self.extra = frozenset(w.casefold() for w in config.extra_stop_words)
        self.products = {name.casefold(): name for name in PRODUCT_NAMES}
        self.products.update({a: c for a, c in _PRODUCT_ALIASES.items()})
        self.products.update({n.casefold(): n for n in config.extra_product_names})
        self._product_of: dict[tuple[str, str], str | None] = {}

    def is_stop(self, word: str, lemma: str, lang: str) -> bool:
        """Function word or conference-domain word: never a term, breaks phrases."""
        w, lem = word.casefold(), lemma.casefold()
        stops = stop_words(lang)
        return (
            ((w in stops or lem in stops) and lem not in STOP_WORD_EXCEPTIONS.get(lang, ()))
            or w in DOMAIN_STOP_WORDS
            or lem in DOMAIN_STOP_WORDS
            or w in self.extra
            or lem in self.extra
        )

    def product(self, surface: str, pos: str) -> str | None:
        """Canonical product name of a word, or None (remembered per word and POS: a corpus
        repeats its words, and the checks are regular expressions)."""
        key = (surface, pos if pos == "VERB" else "")  # the POS only matters for verbs
        if key not in self._product_of:
            self._product_of[key] = self._product(surface, pos)
        return self._product_of[key]

    def _product(self, surface: str, pos: str) -> str | None:
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
