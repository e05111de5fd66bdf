"""Tests of language identification and candidate-term extraction (talktopics.nlp)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from tests.conftest import shared_path

from talktopics.config import NLPConfig
from talktopics.nlp import (
    clean_markup,
    detect_language,
    extract_terms,
    merge_similar_terms,
    sentence_languages,
    split_sentences,
    talk_language,
)
from talktopics.nlp import talks as talks_module
from talktopics.records import Talk, TermTable


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own term cache (never the user's ~/.cache)."""
    monkeypatch.setenv("TALKTOPICS_CACHE", str(tmp_path / "cache"))


def talk(tid: str, title: str, text: str = "", **kw: object) -> Talk:
    return Talk(id=tid, title=title, abstract=text, **kw)  # type: ignore[arg-type]


def column(table: TermTable, key: str) -> list[int]:
    """Per-talk counts of one term (fails with the known terms listed if it is absent)."""
    assert key in table.terms, f"{key!r} not among {table.terms}"
    j = table.terms.index(key)
    return [int(x) for x in table.counts[:, j].toarray().ravel()]


# --- cleaning, sentences, language ---------------------------------------------------------


def test_clean_text_strips_urls_markup_and_code() -> None:
    raw = (
        "# Heading\n\nSee [the docs](https://example.org/docs) and https://x.io/a?b=1 or "
        "mail me@example.org.\n\n```python\nimport secret_module\n```\n\n"
        "![](images/photo.jpg)\n<b>Bold</b> **strong** use `asyncio.gather()` and :func:`len`.\n"
        ">>> print('prompt')\n"
    )
    text = clean_markup(raw)
    assert "http" not in text and "example.org" not in text and "@" not in text
    assert "secret_module" not in text and "photo.jpg" not in text and "prompt" not in text
    assert "the docs" in text and "Bold" in text and "strong" in text and "*" not in text
    assert "asyncio.gather" in text and "len" in text and "<b>" not in text


def test_split_sentences_joins_wrapped_lines_and_respects_abbreviations() -> None:
    text = (
        "Many projects use static HTML and\njust a bit of AJAX. We use tools, e.g. Babel "
        "and Webpack. Then it works!\n\nA new paragraph"
    )
    assert split_sentences(clean_markup(text), "en") == [
        "Many projects use static HTML and just a bit of AJAX.",
        "We use tools, e.g. Babel and Webpack.",
        "Then it works!",
        "A new paragraph",
    ]


def test_split_sentences_keeps_short_note_lines_apart() -> None:
    text = "Немного истории\nСегодня: десятки кубитов\nМотивация: симуляция"
    assert split_sentences(text, "ru") == text.split("\n")


def test_detect_language() -> None:
    assert detect_language("This talk shows how to build web applications with Django.") == "en"
    assert detect_language("Dieser Vortrag zeigt, wie man Webanwendungen baut.") == "de"
    assert detect_language("Докладчик рассказал, как строить веб-приложения.") == "ru"
    assert detect_language("42 ---") is None
    # Restricting the candidates is honoured.
    assert detect_language("Dieser Vortrag zeigt etwas.", languages=["en", "ru"]) == "en"


def test_language_per_sentence_in_mixed_russian_english_notes() -> None:
    notes = (
        "Докладчик рассказал про обучение нейронных сетей на PyTorch. "
        "Потом были type annotations и mypy.\n\n"
        "The speaker then showed how asyncio works together with FastAPI in production."
    )
    pairs = sentence_languages(notes)
    assert [lang for _, lang in pairs] == ["ru", "ru", "en"]
    # Terms of the English sentence are English; the Latin words inside a Russian sentence
    # are analysed as English too; the Russian words as Russian.
    table = extract_terms([talk("t", "", notes)])
    langs = dict(zip(table.terms, table.languages, strict=True))
    assert langs["нейронный сеть"] == ("ru",)
    assert langs["type annotation"] == ("en",)
    assert langs["asyncio"] == ("en",)
    assert not any("были" in term or "потом" in term for term in table.terms)


def test_talk_language_falls_back_to_declared_language() -> None:
    assert talk_language(talk("a", "PyData", "", language="de")) == "de"
    assert talk_language(talk("b", "Доклад о Python", "Как писать быстрый код на Python")) == "ru"


# --- candidate terms -----------------------------------------------------------------------


def test_stop_words_domain_and_configured() -> None:
    talks = [
        talk(
            "a",
            "Data pipelines",
            "In this talk the speaker shows slides to the audience about data pipelines.",
        ),
        talk("b", "Доклад", "Докладчик показал слайды про конвейеры данных."),
        talk("c", "Vortrag", "Der Vortrag zeigt Folien über Datenpipelines."),
    ]
    terms = set(extract_terms(talks).terms)
    for stop in (
        "talk",
        "speaker",
        "slide",
        "audience",
        "доклад",
        "докладчик",
        "слайд",
        "vortrag",
        "folie",
        "the",
        "in",
    ):
        assert stop not in terms
    assert "data pipeline" in terms and "конвейер" in terms
    configured = extract_terms(talks, NLPConfig(extra_stop_words=("Pipeline", "конвейер")))
    assert "pipeline" not in configured.terms and "конвейер" not in configured.terms
    assert "data" in configured.terms


def test_product_names_kept_intact_with_their_casing() -> None:
    talks = [
        talk("a", "Fast numerics", "We compare NumPy, pandas and scikit-learn with PyTorch."),
        talk("b", "Async", "asyncio and pytorch; sklearn pipelines; numpy arrays; FastHTML."),
    ]
    table = extract_terms(talks)
    for key in ("NumPy", "pandas", "scikit-learn", "PyTorch", "asyncio", "FastHTML"):
        assert key in table.terms
    # Lower-case mentions and aliases end up in the same column.
    assert column(table, "PyTorch") == [1, 1]
    assert column(table, "scikit-learn") == [1, 1]
    assert column(table, "NumPy") == [1, 1]
    assert "panda" not in table.terms and "pytorch" not in table.terms
    assert table.display[table.terms.index("scikit-learn")] == "scikit-learn"


def test_keyphrases() -> None:
    table = extract_terms(
        [
            talk(
                "a",
                "Machine learning with type annotations",
                "We build a data pipeline for machine learning. Type annotations help "
                "large language models. Models using pandas are great.",
            )
        ]
    )
    terms = set(table.terms)
    assert {"machine learning", "type annotation", "data pipeline", "large language model"} <= terms
    assert "language model" in terms
    assert not any(term.startswith("models using") or term.endswith(" using") for term in terms)
    assert "great" not in terms  # generic adjectives are no terms
    assert column(table, "machine learning") == [2]


def test_russian_lemmas_one_key_for_all_forms() -> None:
    table = extract_terms(
        [
            talk("a", "Нейронные сети", "Обучение нейронных сетей требует данных."),
            talk("b", "О нейронной сети", "Мы обучили нейронную сеть на квантовом компьютере."),
        ]
    )
    assert column(table, "нейронный сеть") == [2, 2]
    assert column(table, "сеть") == [2, 2]
    assert "квантовый компьютер" in table.terms
    assert table.languages[table.terms.index("нейронный сеть")] == ("ru",)


def test_generic_russian_note_words_are_not_terms() -> None:
    """Attendee notes are full of note-taking words ("Список докладов", "Следующий пример",
    "Примеры применения"); alone they say nothing about a talk's subject, so they must not
    become terms that tie unrelated notes together. Content words stay."""
    table = extract_terms(
        [
            talk(
                "a",
                "Lightning talks",
                "Список докладов. Следующий пример применения: разметка текстур какого-то "
                "физического процесса.",
            ),
            talk(
                "b",
                "Keynote",
                "Примеры применения нейронных сетей для анализа данных. Первый вопрос про "
                "связный список.",
            ),
        ]
    )
    terms = set(table.terms)
    for generic in ("список", "следующий", "пример", "применение", "какой-то", "первый"):
        assert generic not in terms
    assert not any(t.startswith(("какой-то ", "первый ", "следующий ")) for t in terms)
    # Content words and keyphrases survive, the generic word inside a keyphrase too.
    for content in ("нейронный сеть", "данные", "анализ данные", "физический процесс"):
        assert content in terms
    assert "связный список" in terms and "разметка" in terms


def test_russian_substantivised_participles_and_display() -> None:
    """Russian "данные" is the noun "data" in every case form (not the participle of "дать"); a
    participle modifier gets its own base form; single Russian words show as their lemma."""
    table = extract_terms(
        [
            talk("a", "Данные", "Размеченных данных мало. Работа с данными."),
            talk("b", "Процессы", "Модель физического процесса на размеченные данные."),
        ]
    )
    assert column(table, "данные") == [3, 1]
    assert column(table, "размеченный данные") == [1, 1]
    assert "дать" not in table.terms
    assert table.display[table.terms.index("процесс")] == "процесс"
    assert table.display[table.terms.index("физический")] == "физический"


def test_german_generic_words_are_not_terms_alone() -> None:
    table = extract_terms(
        [talk("a", "Beispiele", "Ein Beispiel mit einer Liste: das Ergebnis der Datenanalyse.")]
    )
    assert not {"beispiel", "liste", "ergebnis"} & set(table.terms)
    assert "datenanalyse" in table.terms


def test_german_lookup_lemmas() -> None:
    table = extract_terms(
        [
            talk("a", "Neuronale Netze mit Python", "Neuronale Netze lernen aus Daten."),
            talk("b", "Über neuronalen Netzen", "Wir trainieren die neuronalen Netze schnell."),
        ]
    )
    assert column(table, "netz") == [2, 2]
    assert column(table, "neuronal netz") == [2, 2]
    assert "lernen" not in table.terms and "schnell" not in table.terms


def test_term_table_shape_order_and_sentences() -> None:
    talks = [
        talk("a", "Web scraping", "Scrapy crawls websites. Scrapy parses HTML."),
        talk("b", "Testing", "pytest fixtures make testing easy."),
        talk("c", "", ""),
    ]
    table = extract_terms(talks)
    assert table.talk_ids == ("a", "b", "c")
    assert list(table.terms) == sorted(table.terms)
    assert table.counts.shape == (3, len(table.terms))
    assert table.counts.dtype == np.int32
    assert column(table, "Scrapy") == [2, 0, 0]
    assert table.counts[2].sum() == 0  # a talk without text keeps its (empty) row
    assert len(table.display) == len(table.languages) == len(table.terms)
    assert table.sentence_counts.shape == (len(table.sentence_talk), len(table.terms))
    assert set(table.sentence_counts.data.tolist()) == {1}
    assert table.sentence_talk == (0, 0, 0, 1, 1)  # title + sentences per talk
    j = table.terms.index("Scrapy")
    rows = table.sentence_counts[:, j].nonzero()[0].tolist()
    assert rows == [1, 2]


def test_deterministic_across_runs() -> None:
    talks = [
        talk("a", "Machine learning in production", "MLflow tracks models; Docker ships them."),
        talk("b", "Машинное обучение", "Докладчик рассказал про MLflow и Docker."),
    ]
    first, second = extract_terms(talks), extract_terms(list(reversed(talks))[::-1])
    assert first.terms == second.terms and first.display == second.display
    assert (first.counts != second.counts).nnz == 0
    assert (first.sentence_counts != second.sentence_counts).nnz == 0


def test_empty_corpus() -> None:
    table = extract_terms([])
    assert table.terms == () and table.counts.shape == (0, 0)


class _TableEmbedder:
    """Maps known strings to fixed vectors: a stand-in for a multilingual model."""

    name = "table"
    dim = 3
    vectors: ClassVar[dict[str, list[float]]] = {
        "machine learning": [1.0, 0.0, 0.0],
        "машинное обучение": [0.99, 0.1, 0.0],
        "машинного обучения": [0.99, 0.1, 0.0],
        "data": [0.0, 1.0, 0.0],
        "данные": [0.0, 0.2, 1.0],
        "данных": [0.0, 0.2, 1.0],
    }

    def embed(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
        rows = [self.vectors.get(t.lower(), [0.0, 0.0, 1.0]) for t in texts]
        out = np.asarray(rows, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_merge_similar_terms_across_languages_only() -> None:
    talks = [
        talk("a", "Machine learning", "Machine learning needs data."),
        talk("b", "Machine learning", "Machine learning with data."),
        talk("c", "Машинное обучение", "Машинное обучение и данные."),
        talk("d", "Машинное обучение", "Машинное обучение требует данных."),
    ]
    table = extract_terms(talks, NLPConfig(merge_translations=False))
    merged = merge_similar_terms(table, _TableEmbedder(), threshold=0.9)
    assert "машинный обучение" not in merged.terms
    assert column(merged, "machine learning") == [2, 2, 2, 2]
    assert merged.languages[merged.terms.index("machine learning")] == ("en", "ru")
    assert column(merged, "data") == [1, 1, 0, 0]  # not similar enough: kept apart
    assert list(merged.terms) == sorted(merged.terms)
    assert merged.sentence_counts.shape[1] == len(merged.terms)


def test_speaker_and_conference_names_are_not_terms() -> None:
    t = Talk(
        id="a",
        title="Scaling Django at EuroPython",
        abstract="Jane Doe shows how Doe's team scaled Django. EuroPython 2019 loved it.",
        speakers=("Jane Doe",),
        conference="EuroPython",
    )
    terms = set(extract_terms([t]).terms)
    assert "Django" in terms
    assert not {"jane", "doe", "jane doe", "EuroPython", "europython"} & terms


def test_boilerplate_sentences_repeated_across_talks_yield_no_terms() -> None:
    licence = "This video is licensed under the Creative Commons Attribution licence {}."
    talks = [
        talk(f"t{i}", f"Talk about {topic}", f"{topic} in practice. " + licence.format(2020 + i))
        for i, topic in enumerate(["Django", "NumPy", "asyncio"])
    ]
    table = extract_terms(talks)
    assert "creative commons" not in table.terms and "licence" not in table.terms
    assert {"Django", "NumPy", "asyncio"} <= set(table.terms)
    assert len(table.sentence_talk) == 9  # the rows stay, empty
    kept = extract_terms(talks, NLPConfig(boilerplate_min_talks=0))
    assert "creative commons" in kept.terms
    # The same abstract under the same title (a talk given twice) is not boilerplate.
    twice = [
        talk(f"r{i}", "Same talk", "We profile memory usage of Python programs.") for i in range(3)
    ]
    assert "memory usage" in extract_terms(twice).terms


def test_term_cache_skips_analysis_on_a_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    talks = [
        talk("a", "Machine learning", "Deep learning with PyTorch."),
        talk("b", "Нейронные сети", "Обучение нейронных сетей на PyTorch."),
    ]
    first = extract_terms(talks, cache_dir=tmp_path)
    analysed: list[int] = []
    original = talks_module.analyse_sentences

    def counting(sentences, config, lex):  # type: ignore[no-untyped-def]
        analysed.append(len(sentences))
        return original(sentences, config, lex)

    monkeypatch.setattr(talks_module, "analyse_sentences", counting)
    second = extract_terms(talks, cache_dir=tmp_path)
    assert analysed == []
    assert second.terms == first.terms and second.languages == first.languages
    assert (second.counts != first.counts).nnz == 0
    # Another option that shapes terms means another cache namespace.
    extract_terms(talks, NLPConfig(extra_stop_words=("pytorch",)), cache_dir=tmp_path)
    assert analysed == [4]
    # Without the cache everything is analysed again.
    extract_terms(talks, NLPConfig(use_cache=False))
    assert analysed == [4, 4]


def test_merge_does_not_chain_two_terms_of_one_language() -> None:
    from scipy import sparse

    class Chain:
        name, dim = "chain", 2
        vectors: ClassVar[dict[str, list[float]]] = {
            "choice": [1.0, 0.0],
            "выбор": [0.995, 0.0998],
            "selection": [0.98, 0.199],
        }

        def embed(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
            return np.asarray([self.vectors[t] for t in texts], dtype=np.float32)

    terms = ("choice", "selection", "выбор")
    counts = sparse.csr_matrix(np.array([[3, 0, 0], [0, 2, 0], [0, 0, 2]], dtype=np.int32))
    table = TermTable(
        talk_ids=("a", "b", "c"),
        terms=terms,
        display=terms,
        counts=counts,
        languages=(("en",), ("en",), ("ru",)),
        sentence_counts=counts.copy(),
        sentence_talk=(0, 1, 2),
    )
    merged = merge_similar_terms(table, Chain(), threshold=0.9, min_df=1)
    assert merged.terms == ("choice", "selection")
    assert column(merged, "choice") == [3, 0, 2]
    assert merged.languages == (("en", "ru"), ("en",))


# --- real corpora --------------------------------------------------------------------------


@pytest.mark.real
def test_terms_of_a_real_europython_year() -> None:
    folder = shared_path("corpora", "pyvideo", "europython-2019", "videos")
    talks = []
    for path in sorted(folder.glob("*.json"))[:150]:
        data = json.loads(path.read_text(encoding="utf-8"))
        talks.append(talk(path.stem, data.get("title", ""), data.get("description") or ""))
    table = extract_terms(talks)
    df = dict(zip(table.terms, np.asarray((table.counts > 0).sum(axis=0)).ravel(), strict=True))
    assert df.get("machine learning", 0) >= 3
    assert df.get("Django", 0) >= 2
    assert df.get("data", 0) >= 10
    for noise in ("talk", "speaker", "slide", "the", "https", "www", ".js", "0.x"):
        assert noise not in df
    assert all(
        set(langs) <= {"en", "de", "fr", "es", "it", "pt", "nl", "pl"}
        for langs in table.languages
        if langs
    )


@pytest.mark.real
def test_terms_of_russian_notes_about_an_english_conference() -> None:
    path = shared_path("notes", "pycon-de-2018-notes-ru.md")
    text = path.read_text(encoding="utf-8")
    sections = text.split("\n## ")[1:]
    talks = [
        talk(f"n{i}", s.split("\n", 1)[0], s.split("\n", 1)[-1]) for i, s in enumerate(sections)
    ]
    table = extract_terms(talks)
    df = dict(zip(table.terms, np.asarray((table.counts > 0).sum(axis=0)).ravel(), strict=True))
    assert df.get("PyTorch", 0) >= 2 and df.get("pandas", 0) >= 2
    assert df.get("квантовый компьютер", 0) >= 1 or df.get("кубит", 0) >= 1
    langs = dict(zip(table.terms, table.languages, strict=True))
    assert "ru" in langs.get("data", ()) and "ru" in langs.get("model", ())  # merged
    assert not any(t in df for t in ("доклад", "докладчик", "слайд", "видео"))
    # Note-taking words of the notes-only sections (lightning talks, keynotes, sprints) are no
    # terms: they would make a "topic" of their own.
    for generic in ("список", "следующий", "пример", "применение", "какой-то", "конфа"):
        assert generic not in df
    assert df.get("scikit-image", 0) >= 1 and df.get("обработка изображение", 0) >= 1


_NO_TORCH_CHILD = """
import json, sys
from talktopics.config import NLPConfig
from talktopics.nlp import extract_terms, stop_words
from talktopics.records import Talk

french = stop_words("fr")
after_stop_words = sorted(m for m in ("spacy", "spacy.lang.fr", "torch") if m in sys.modules)
talks = [
    Talk(id="a", title="Neural networks", abstract="We train neural networks with PyTorch."),
    Talk(id="b", title="Neuronale Netze", abstract="Wir lernen neuronale Netze.", language="de"),
]
table = extract_terms(talks, NLPConfig(use_cache=False, merge_translations=False))
print(json.dumps({
    "french": sorted(w for w in ("les", "de", "python") if w in french),
    "after_stop_words": after_stop_words,
    "spacy": "spacy" in sys.modules,
    "torch": "torch" in sys.modules,
    "terms": [t for t in table.terms if "net" in t],
}))
"""


def test_term_extraction_imports_spacy_without_torch() -> None:
    """Stop words are read without importing spaCy (nor a language's tokenizer exceptions);
    term extraction runs spaCy's pipelines without thinc importing PyTorch."""
    import subprocess
    import sys

    child = subprocess.run(
        [sys.executable, "-c", _NO_TORCH_CHILD],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["french"] == ["de", "les"]
    assert report["after_stop_words"] == []
    assert report["spacy"] and not report["torch"]
    assert {"neural network", "neuronal netz"} <= set(report["terms"])  # English and German


def test_torch_imported_later_still_works_after_spacy() -> None:
    """Hiding torch from thinc does not hide it from anyone else afterwards."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from talktopics.nlp.spacy_import import import_spacy\n"
        "import_spacy()\n"
        "assert 'torch' not in sys.modules\n"
        "import torch\n"
        "print(torch.ones(2).sum().item())\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert child.stdout.strip().splitlines()[-1] == "2.0"


def test_one_lemma_table_for_german_terms_and_summaries() -> None:
    from talktopics.nlp.lemmas import lemma_table
    from talktopics.summaries.ranking import content_words

    german = lemma_table("de-AT")
    assert german is lemma_table("de")  # read once per process
    assert german["Netze"] == "Netz"
    assert lemma_table("fr") == {} and lemma_table(None) == {}
    # The summaries' content words look their lower-cased words up in the same table
    # (capitalised nouns are not found in lower case and stay as they are).
    assert content_words(["Wir lernten die schnellen Netze"], "de") == [
        {"lernen", "schnell", "netze"}
    ]
