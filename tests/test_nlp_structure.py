"""Tests of note structure in term extraction: labels ("Takeaway:", "Fazit:", "Вывод:") and
navigation lines ("Back to top") are stripped, the content after a label stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import REPO, shared_path

from talktopics.ingest.corpus import read_talks
from talktopics.nlp import extract_terms
from talktopics.nlp.lexicon import NAVIGATION_LINES, NOTE_LABELS
from talktopics.nlp.markup import clean_markup
from talktopics.nlp.text import strip_note_label, strip_note_structure
from talktopics.records import Talk


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own term cache (never the user's ~/.cache)."""
    monkeypatch.setenv("TALKTOPICS_CACHE", str(tmp_path / "cache"))


def _structure_words() -> set[str]:
    """Every single word of the label and navigation tables, case-folded."""
    tables = [*NOTE_LABELS.values(), *NAVIGATION_LINES.values()]
    return {phrase for table in tables for phrase in table}


NOTES = {
    "en": (
        "We trained a gradient boosting model on sensor readings.\n"
        "Takeaway: gradient boosting beats neural networks on tabular data.\n"
        "My takeaway: profile before optimising.\n"
        "Key points: caching, vectorisation\n"
        "Slides: on the speaker's page\n"
        "Back to top"
    ),
    "de": (
        "Der Vortrag zeigte Geodaten mit offenen Bibliotheken.\n"
        "Fazit: Geodaten lassen sich ohne proprietäre Software auswerten.\n"
        "Mein Fazit: Rasterdaten sind schwieriger als Vektordaten.\n"
        "Mitgenommen: Kartenprojektionen verstehen.\n"
        "Folien: auf der Konferenzseite\n"
        "Zusammenfassung: Shapely und Rasterio reichen.\n"
        "Zurück nach oben"
    ),
    "ru": (
        "Докладчик рассказал про разметку данных.\n"
        "Описание: страница доклада\n"
        "Видео: нет\n"
        "Вывод для себя: активное обучение экономит разметку.\n"
        "Итог: модели нужна хорошая валидация.\n"
        "Слайды: нет\n"
        "Наверх к оглавлению"
    ),
    "fr": (
        "La présentation portait sur la visualisation de cartes.\n"
        "À retenir : les cartes interactives avec Folium.\n"
        "Diapositives : en ligne\n"
        "Retour en haut"
    ),
}


def test_labels_and_navigation_are_stripped_content_kept() -> None:
    text = clean_markup(NOTES["en"] + "\n" + NOTES["ru"] + "\n" + "[Наверх к оглавлению](#content)")
    stripped = strip_note_structure(text)
    for gone in ("Takeaway:", "My takeaway:", "Key points:", "Slides:", "Back to top"):
        assert gone not in stripped
    for gone in ("Описание:", "Видео:", "Вывод для себя:", "Итог:", "Наверх"):
        assert gone not in stripped
    assert "gradient boosting beats neural networks" in stripped
    assert "активное обучение экономит разметку" in stripped
    assert strip_note_label("Fazit: Geodaten lassen sich auswerten.") == (
        "Geodaten lassen sich auswerten."
    )
    assert strip_note_label("À retenir : les cartes") == "les cartes"
    assert strip_note_label("Back to top") == ""
    # A colon after a content word is not structure.
    assert strip_note_label("Folium: maps in Python") == "Folium: maps in Python"
    assert strip_note_label("The takeaway is: test more") == "The takeaway is: test more"


@pytest.mark.parametrize("lang", sorted(NOTES))
def test_note_structure_words_never_become_terms(lang: str) -> None:
    talks = [Talk(id="a", title="", abstract=NOTES[lang])]
    terms = {t.casefold() for t in extract_terms(talks).terms}
    for word in ("takeaway", "fazit", "mitgenommen", "mitnehmen", "вывод", "итог", "описание"):
        assert word not in terms
    assert not {t for t in terms if t in _structure_words()} - {"code", "source", "page"}
    content = {
        "en": "gradient boosting",
        "de": "geodaten",
        "ru": "активный обучение",
        "fr": "folium",
    }[lang]
    assert content in terms, sorted(terms)


def _label_terms(talks: list[Talk]) -> set[str]:
    """Terms of a corpus that are note labels, navigation or their words."""
    terms = {t.casefold() for t in extract_terms(talks).terms}
    labels = {"takeaway", "fazit", "mitgenommen", "mitnehmen", "описание", "видео", "наверх"}
    labels |= {"оглавление", "слайды", "вывод", "итог", "back to top", "key points"}
    return terms & labels


def test_demo_corpus_has_no_note_label_terms() -> None:
    corpus = read_talks([REPO / "corpus" / "pycon-de-2018", REPO / "corpus" / "pycon-de-2019"])
    assert len(corpus.talks) > 100
    assert _label_terms(list(corpus.talks)) == set()


@pytest.mark.real
def test_russian_notes_have_no_note_label_terms() -> None:
    path = shared_path("notes", "pycon-de-2018-notes-ru.md")
    talks = list(read_talks([path]).talks)
    assert len(talks) > 20
    assert _label_terms(talks) == set()
