"""What a summary sentence leans on: units of a back-reference and its antecedent, Russian
sentences without a subject, "again" words, and sentences that pointed at a removed link.

Real sentences come from the Russian notes of PyCon DE 2018 and the EuroPython 2022
programme in ../shared; the others are written by us."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from conftest import shared_path
from talktopics.config import SummaryConfig
from talktopics.ingest import read_talks
from talktopics.records import Corpus, Talk
from talktopics.summaries import summarize_talk
from talktopics.summaries.candidates import text_sentences
from talktopics.summaries.ranking import mmr_select
from talktopics.summaries.references import reaches_back, refers_back
from talktopics.summaries.russian_subject import lacks_subject

NOTES = "notes/pycon-de-2018-notes-ru.md"
PROGRAMME = "corpora/pyconde-www/pycon-de-2018/talks.json"


@functools.cache
def _notes() -> Corpus:
    return read_talks([shared_path(NOTES)], schedule=[shared_path(PROGRAMME)])


def _talk(title_start: str) -> Talk:
    return next(t for t in _notes().talks if t.title.startswith(title_start) and t.notes)


def _notes_text() -> str:
    return Path(shared_path(NOTES)).read_text(encoding="utf-8")


# --- one unit: a back-reference and what it leans on ---------------------------------------


def test_a_pair_is_chosen_by_its_mean_score() -> None:
    similarity = np.eye(4)
    requires = [None, 0, None, None]
    # Item 1 leans on item 0: as a unit they score (0.2 + 1.0) / 2 = 0.6, below items 2 and 3.
    weak = np.array([0.2, 1.0, 0.7, 0.65])
    assert sorted(mmr_select(weak, similarity, 2, mmr_lambda=1.0, requires=requires)) == [2, 3]
    # With a strong antecedent the unit (0.95) wins and comes whole, antecedent first.
    strong = np.array([0.9, 1.0, 0.7, 0.65])
    assert mmr_select(strong, similarity, 2, mmr_lambda=1.0, requires=requires) == [0, 1]
    # One slot: the unit does not fit, so neither of its sentences is picked for it.
    assert mmr_select(strong, similarity, 1, mmr_lambda=1.0, requires=requires) == [0]


def test_a_unit_whose_antecedent_is_a_near_duplicate_of_a_pick_is_dropped() -> None:
    relevance = np.array([0.5, 1.0, 0.9, 0.3])
    similarity = np.eye(4)
    similarity[0, 2] = similarity[2, 0] = 0.95  # 0 and 2 say the same
    requires = [None, 0, None, None]
    picked = mmr_select(
        relevance, similarity, 3, mmr_lambda=1.0, max_similarity=0.9, requires=requires
    )
    assert 2 in picked and 0 not in picked and 1 not in picked


# --- Russian: a passive or reflexive predicate without a subject ----------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "В производстве тестируются на реально повреждённых трубах",
        "Двигается со скоростью 2-5 метров в секунду, внутри начинка из десятков сенсоров",
    ],
)
def test_real_subjectless_sentences_hang_on_the_one_before(sentence: str) -> None:
    assert sentence in _notes_text()
    assert lacks_subject(sentence)
    assert reaches_back(sentence, "Трубы проверяют роботом.", "ru") == "previous"


@pytest.mark.parametrize(
    "sentence",
    [
        "Проблемы перечислены на слайде.",  # the subject is there
        "Используются infomap community detection алгоритмы",  # a Latin-script name
        "Переключился на обложку, получилось очень классно",  # the speaker did it
        "Заметили, что сериализация пустого датафрейма занимает кучу времени, wtf?",  # active
    ],
)
def test_real_sentences_with_a_subject_or_an_agent_stand_alone(sentence: str) -> None:
    assert sentence in _notes_text()
    assert not lacks_subject(sentence)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Закончились деньги, модель сошлась.", False),  # "деньги" may be nominative
        ("Модели обучаются на GPU.", False),
        ("Обучаются на GPU за ночь.", True),
        ("Результаты сохранены в базе.", False),
        ("Сохранены в базе на месяц.", True),
        ("Tests are stored in the repo.", False),  # not Russian
    ],
)
def test_subject_rule_on_sentences_written_by_us(sentence: str, expected: bool) -> None:
    assert lacks_subject(sentence) is expected


def test_a_notes_summary_keeps_a_subjectless_line_after_its_subject() -> None:
    talk = _talk("Data science complexity")
    _, sentences = text_sentences(talk.notes, talk.notes_language)
    hanging = "В производстве тестируются на реально повреждённых трубах"
    before = sentences[sentences.index(hanging) - 1]
    for k in (1, 2, 3):
        summary = summarize_talk(talk, config=SummaryConfig(talk_sentences=k)).sentences
        assert summary
        if hanging in summary:
            assert summary[summary.index(hanging) - 1] == before


# --- Russian "again" words ------------------------------------------------------------------


def test_again_leans_on_the_sentence_before_only_when_it_shares_a_word() -> None:
    again = "Опять напоминание фиксировать random seed"
    real_before = (
        "Пара слайдов про hold-out, про bias-variance problem, learning curves, разные "
        "варианты разбиения для кросс-валидации."
    )
    assert again in _notes_text() and real_before + " " + again in _notes_text()
    # The real line before is about something else: the first reminder was further up.
    assert reaches_back(again, real_before, "ru") == "beyond"
    assert reaches_back(again, "Нужно фиксировать все рандомные параметры.", "ru") == "previous"
    assert refers_back(again, "ru")


def test_a_notes_summary_never_takes_an_again_line_without_the_first_time() -> None:
    talk = _talk("Reproducibility, and Selection Bias")
    for k in (1, 2, 3):
        summary = summarize_talk(talk, config=SummaryConfig(talk_sentences=k))
        assert summary.sentences and not any("Опять" in s for s in summary.sentences)


# --- sentences that pointed at a removed link -----------------------------------------------


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("en", "Slides available here :)", "beyond"),  # EuroPython 2022
        (
            "en",
            "Please set up your local environment beforehand per the instructions here.",
            "beyond",
        ),
        ("de", "Die Folien gibt es hier.", "beyond"),
        ("ru", "Решения не особо замысловатые, слайды есть тут", "beyond"),  # the notes
        ("ru", "Слайды к этому докладу и ещё паре от той же компании есть здесь:", "beyond"),
        ("en", "Here we build a parser from scratch.", "none"),
        ("en", "We fit hierarchical models to the data.", "none"),
        ("de", "Hier bauen wir einen Parser.", "none"),
    ],
)
def test_a_sentence_ending_in_here_is_never_picked(
    language: str, sentence: str, expected: str
) -> None:
    assert reaches_back(sentence, "We talk about parsers.", language) == expected


def test_a_summary_drops_the_line_that_pointed_at_the_slides() -> None:
    talk = _talk("Data science complexity")
    pointer = "Решения не особо замысловатые, слайды есть тут"
    _, sentences = text_sentences(talk.notes, talk.notes_language)
    assert pointer in sentences
    for k in (1, 2, 3, 5):
        summary = summarize_talk(talk, config=SummaryConfig(talk_sentences=k))
        assert summary.sentences and pointer not in summary.sentences


# --- time words, reduced relatives, "the former" as an adjective, an antecedent in the sentence


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The final is at this weekend's championships in Madrid.", "none"),
        ("This year the conference moves to Dublin.", "none"),
        ("Next Friday's strike is the biggest since 1993.", "none"),
        ("That year the conference moved to Dublin.", "previous"),  # which year?
        ("Many of those nominated for awards are newcomers.", "none"),
        ("Those are the numbers we need.", "previous"),
        ("The minister will visit the former Nazi camp in January.", "none"),
        ("The former is faster, the latter easier to read.", "previous"),
        ("A common type of ink is visible, but misuse of this type of ink spoils ballots.", "none"),
        ("Misuse of this type of ink spoils ballots.", "previous"),
        ("It's a rule that every release ships a changelog.", "previous"),  # "It's" = "It is"
    ],
)
def test_deictic_and_in_sentence_references_on_sentences_written_by_us(
    sentence: str, expected: str
) -> None:
    assert reaches_back(sentence, "Elections need ink.", "en") == expected
