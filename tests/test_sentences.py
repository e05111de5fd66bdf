"""Sentence splitting per language and markup cleaning (talktopics.summaries)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talktopics.summaries import (
    clean_markup,
    detect_language,
    sentence_spans,
    split_sentences,
)

# --- splitting: abbreviations, numbers, initials, ellipses ----------------------------------

SPLIT_CASES = [
    (
        "en",
        "We use tools, e.g. pytest and mypy. It works, i.e. mostly. Dr. Smith wrote it.",
        ["We use tools, e.g. pytest and mypy.", "It works, i.e. mostly.", "Dr. Smith wrote it."],
    ),
    (
        "en",
        "Python 3.7 added data classes. Version 3.10.2 fixed it. Then J. R. R. Tolkien came.",
        [
            "Python 3.7 added data classes.",
            "Version 3.10.2 fixed it.",
            "Then J. R. R. Tolkien came.",
        ],
    ),
    (
        "en",
        'Wait... really? Yes! He said "Stop." Then he left (see Fig. 3). Kepler.gl is fun.',
        [
            "Wait... really?",
            "Yes!",
            'He said "Stop."',
            "Then he left (see Fig. 3).",
            "Kepler.gl is fun.",
        ],
    ),
    (
        "en",
        "We like pandas, numpy etc. But not everything. It costs approx. 5 dollars vs. 6 dollars.",
        [
            "We like pandas, numpy etc.",
            "But not everything.",
            "It costs approx. 5 dollars vs. 6 dollars.",
        ],
    ),
    (
        "de",
        "Wir nutzen z.B. pytest. Das ist u.a. gut. Es gibt z. B. Docker, d.h. Container. "
        "Am 3. Oktober kam Version 3.7 heraus. Dr. Müller sprach. Äpfel, Birnen usw. Danach "
        "kam nichts. Z.B. Pandas ist toll, bzw. Polars.",
        [
            "Wir nutzen z.B. pytest.",
            "Das ist u.a. gut.",
            "Es gibt z. B. Docker, d.h. Container.",
            "Am 3. Oktober kam Version 3.7 heraus.",
            "Dr. Müller sprach.",
            "Äpfel, Birnen usw.",
            "Danach kam nichts.",
            "Z.B. Pandas ist toll, bzw. Polars.",
        ],
    ),
    (
        "ru",
        "Примеры про shapely, в т.ч. contains, touches. Т.е. всё работает, и т.д. и т.п. "
        "Напр. Pandas 0.23 работает. Проф. Иванов пришёл. А. С. Пушкин писал. "
        "Яблоки, груши и т.д. Потом ничего. См. рис. 5 тут.",
        [
            "Примеры про shapely, в т.ч. contains, touches.",
            "Т.е. всё работает, и т.д. и т.п.",
            "Напр. Pandas 0.23 работает.",
            "Проф. Иванов пришёл.",
            "А. С. Пушкин писал.",
            "Яблоки, груши и т.д.",
            "Потом ничего.",
            "См. рис. 5 тут.",
        ],
    ),
    (
        "ru",
        "Рассказывает ... потом. Дальше будет пример! Вопрос? Ответ - нет…  Новая мысль",
        [
            "Рассказывает ... потом.",
            "Дальше будет пример!",
            "Вопрос?",
            "Ответ - нет…",
            "Новая мысль",
        ],
    ),
]


@pytest.mark.parametrize(("language", "text", "expected"), SPLIT_CASES)
def test_split_sentences_per_language(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


def test_line_broken_notes_each_line_is_a_sentence() -> None:
    notes = (
        "Боль-1 на картинке\n"
        "Боль-2: повторные запросы текущего времени могут привести к проблемам\n"
        "Geopandas\n"
        "Другой пример про датасет про города. Добавляем в dataframe колонку"
    )
    assert split_sentences(notes, "ru") == [
        "Боль-1 на картинке",
        "Боль-2: повторные запросы текущего времени могут привести к проблемам",
        "Geopandas",
        "Другой пример про датасет про города.",
        "Добавляем в dataframe колонку",
    ]


def test_bullet_list_items_are_sentences_after_cleaning() -> None:
    notes = (
        "Основной вопрос: как выбирать данные\n"
        "* cluster homogenity: кластеризовать неразмеченные данные\n"
        "* uncertainty sampling: брать объекты, про которые классификатор не уверен\n"
        "- query-by-committee: натренировать несколько классификаторов\n"
        "1. первый пункт списка без точки\n"
        "2) второй пункт списка без точки"
    )
    assert split_sentences(clean_markup(notes), "ru") == [
        "Основной вопрос: как выбирать данные",
        "cluster homogenity: кластеризовать неразмеченные данные",
        "uncertainty sampling: брать объекты, про которые классификатор не уверен",
        "query-by-committee: натренировать несколько классификаторов",
        "первый пункт списка без точки",
        "второй пункт списка без точки",
    ]


def test_language_codes_are_normalised_and_unknown_ones_fall_back() -> None:
    text = "Wir nutzen z.B. pytest. Das ist gut."
    assert split_sentences(text, "de-DE") == ["Wir nutzen z.B. pytest.", "Das ist gut."]
    # No spaCy tokenizer for "tlh": the multi-language one knows all our abbreviations.
    assert split_sentences(text, "tlh") == ["Wir nutzen z.B. pytest.", "Das ist gut."]
    # Polish spaCy splits "3.7" into three tokens; no space after the dot: no sentence end.
    assert split_sentences("Wersja 3.7 jest dobra. Tak.", "pl") == [
        "Wersja 3.7 jest dobra.",
        "Tak.",
    ]


def test_language_is_detected_when_not_given() -> None:
    assert detect_language("Доклад про выявление топиков в текстах путем представления") == "ru"
    assert detect_language("Wir zeigen, wie man mit Python Daten analysiert") == "de"
    assert detect_language("We show how to analyse data with Python") == "en"
    assert detect_language("ok") is None
    assert split_sentences("Т.е. всё работает. Напр. Pandas тоже.") == [
        "Т.е. всё работает.",
        "Напр. Pandas тоже.",
    ]


def test_empty_and_punctuation_only_input() -> None:
    assert split_sentences("", "en") == []
    assert split_sentences("  \n\n ", "en") == []
    assert split_sentences("...\n- -\n…", "en") == []


def test_spans_point_into_the_text() -> None:
    text = "  First one.  Second one!\nThird"
    spans = sentence_spans(text, "en")
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one!", "Third"]


_ALPHABET = st.sampled_from(
    [*"abcXYZ абвЖЗИ äöü 123 .!?…,;:-()\"'\n*#[]`_<>/", "e.g.", "т.е.", "z. B.", "3.7"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join), st.sampled_from(["en", "de", "ru", None]))
def test_sentences_are_ordered_verbatim_substrings(text: str, language: str | None) -> None:
    spans = sentence_spans(text, language)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        sentence = text[start:end]
        assert sentence == sentence.strip()
        assert "\n" not in sentence
        assert any(ch.isalnum() for ch in sentence)
        previous_end = end
    assert split_sentences(text, language) == [text[a:b] for a, b in spans]


# --- markup cleaning ------------------------------------------------------------------------


def test_clean_markdown() -> None:
    raw = (
        '## Germany\'s next topic model <a name="topic-model"></a>\n'
        "Описание: https://de.pycon.org/schedule/talks/germany-s-next-topic-model/\n"
        "\n"
        "![](images/photo_2018-11-08_18-48-44.jpg)\n"
        "Доклад про **выявление топиков** в текстах (см. [слайды](https://example.org/s.pdf))\n"
        "\n"
        "* Разбиение отелей по `похожести` отзывов - видны кластеры, hiking, ..\n"
        "* Ответ - по закону :flushed: Но вообще хорошо\n"
        "\n"
        "```python\nimport this\nprint('code')\n```\n"
        "Видео: https://youtu.be/sI7VpFNiy_I (доклад переписывали)\n"
        "[Наверх к оглавлению](#content)\n"
        "---\n"
        "Snake_case names like df_to_geojson and __init__ stay; *emphasis* and _this one_ go."
    )
    assert clean_markup(raw) == (
        "Germany's next topic model\n"
        "\n"
        "Доклад про выявление топиков в текстах (см. слайды)\n"
        "\n"
        "Разбиение отелей по похожести отзывов - видны кластеры, hiking, ..\n"
        "Ответ - по закону\n"  # the emoji separated two sentences
        "Но вообще хорошо\n"
        "\n"
        "Видео: (доклад переписывали)\n"
        "Snake_case names like df_to_geojson and __init__ stay; emphasis and this one go."
    )


def test_clean_restructuredtext() -> None:
    raw = (
        "Title\n"
        "=====\n"
        "\n"
        "See `the docs <https://docs.python.org>`_ and :func:`len` for details.\n"
        "\n"
        ".. code-block:: python\n"
        "\n"
        "    x = 1\n"
        "    y = 2\n"
        "\n"
        "An example::\n"
        "\n"
        "    $ pip install talktopics\n"
        "\n"
        ".. image:: diagram.png\n"
        "   :width: 200\n"
        "\n"
        "Use ``pip`` to install. Visit www.example.org today."
    )
    assert clean_markup(raw) == (
        "Title\n"
        "\n"
        "See the docs and len for details.\n"
        "\n"
        "An example:\n"
        "\n"
        "Use pip to install. Visit today."
    )


def test_clean_html_and_entities() -> None:
    raw = (
        "<p>We show <b>fast</b> &amp; <i>safe</i> code.</p><p>Second&nbsp;para<br>new line"
        "</p><!-- hidden --><script>alert(1)</script><img src='x.png'>"
    )
    assert clean_markup(raw) == "We show fast & safe code.\n\nSecond para\nnew line"


def test_hard_wrapped_paragraph_is_unwrapped_but_notes_are_not() -> None:
    wrapped = (
        "In this talk we will look at the ways in which Python programs can be\n"
        "made faster without rewriting them in another language, and we will see\n"
        "how profiling guides the work. Bring a laptop."
    )
    assert clean_markup(wrapped) == " ".join(wrapped.split("\n"))
    notes = "Geopandas\nДругой пример про датасет\nДобавляем в dataframe колонку"
    assert clean_markup(notes) == notes
    # A line ending in a comma, or a long line continued in lower case, is joined.
    assert clean_markup("We use pandas,\nnumpy and scipy") == "We use pandas, numpy and scipy"


def test_label_lines_lose_only_their_link() -> None:
    assert clean_markup("Video: https://youtu.be/x\nSlides: <https://x.org/s>") == ""
    assert clean_markup("Slides are here: https://x.org/s.") == "Slides are here:."
    assert clean_markup("Code (https://github.com/x/y) is online.") == "Code is online."


def test_markdown_table_and_quote() -> None:
    raw = "> A quoted line\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    assert clean_markup(raw) == "A quoted line\n\na | b\n1 | 2"


def test_clean_markup_empty() -> None:
    assert clean_markup("") == ""
    assert clean_markup("![](x.png)\n\n[Back](#content)\n") == ""


@settings(max_examples=100, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_clean_markup_never_crashes_and_normalises_whitespace(text: str) -> None:
    cleaned = clean_markup(text)
    assert "\x00" not in cleaned and "\t" not in cleaned
    assert "\n\n\n" not in cleaned
    for line in cleaned.split("\n"):
        assert line == line.strip()
        assert "  " not in line


@pytest.mark.real
def test_russian_notes_file_sentences(shared: Path) -> None:
    """The real notes: lines, bullets and sentences of the Cython talk's section."""
    text = (shared / "notes" / "pycon-de-2018-notes-ru.md").read_text(encoding="utf-8")
    section = text.split('<a name="cython"></a>', 1)[1].split("\n## ", 1)[0]
    cleaned = clean_markup(section)
    sentences = split_sentences(cleaned, "ru")
    assert "Просто перекомпиляция под cython 50->36 секунд на замеры бенчмарка" in sentences
    assert "Указание типов вспомогательных переменных: 36->31 секунд" in sentences
    assert (
        "Используют для текстов NLTK и хотят сделать его быстрее (спойлер: ускорили на 30%)"
        in sentences
    )
    assert (
        "Возможно, потом выложат тетрадку с разъяснениями, пока ни слайдов, ни других "
        "материалов в свободном доступе нет." in sentences
    )
    for sentence in sentences:
        assert "http" not in sentence and "![" not in sentence and "](" not in sentence
        assert sentence in cleaned


def test_list_item_continuation_lines_join_their_item() -> None:
    raw = (
        "Intro line\n"
        "* First item that goes on\n"
        "  Over a second line\n"
        "* Second item\n"
        "\n"
        "After the list"
    )
    assert clean_markup(raw) == (
        "Intro line\n\nFirst item that goes on Over a second line\nSecond item\n\nAfter the list"
    )


# --- splitting and cleaning that keep meaning -----------------------------------------------

MEANING_CASES = [
    (
        "en",
        "Revenue rose to $740m. It was the best year so far.",
        ["Revenue rose to $740m.", "It was the best year so far."],
    ),
    (
        "en",
        "The speech quoted Malcolm X. Besides, it cited two poets.",
        ["The speech quoted Malcolm X.", "Besides, it cited two poets."],
    ),
    ("en", "Ask J. R. R. Tolkien fans about it.", ["Ask J. R. R. Tolkien fans about it."]),
    (
        "en",
        'He wrote "more or less... mostly less" on the board. Nobody laughed.',
        ['He wrote "more or less... mostly less" on the board.', "Nobody laughed."],
    ),
    ("ru", "Бюджет вырос до 300к. Это рекорд.", ["Бюджет вырос до 300к.", "Это рекорд."]),
]


@pytest.mark.parametrize(("language", "text", "expected"), MEANING_CASES)
def test_split_keeps_meaning(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


def test_number_at_a_wrapped_line_start_is_no_list_item() -> None:
    text = (
        "Der Verein lädt herzlich zu seinem Sommertreffen ein und begeht dabei sein\n"
        "12. Jubiläum mit Vorträgen, Workshops und einem gemeinsamen Abendessen im\n"
        "Garten des Vereinsheims, zu dem alle Mitglieder eingeladen sind."
    )
    cleaned = clean_markup(text)
    assert "sein 12. Jubiläum" in cleaned
    assert len(split_sentences(cleaned, "de")) == 1
    # A real numbered list still is one.
    listed = clean_markup("Ablauf\n1. Begrüßung der Gäste\n2. Vorträge am Nachmittag")
    assert [x for x in listed.split("\n") if x] == [
        "Ablauf",
        "Begrüßung der Gäste",
        "Vorträge am Nachmittag",
    ]


def test_wrapped_paragraph_is_rejoined_after_a_url_was_removed() -> None:
    text = (
        "Im Vortrag stellen wir die Bibliothek vor und zeigen an einem Beispiel, wie\n"
        "sie mit https://example.org/a/very/long/path/to/the/docs/index.html arbeitet und\n"
        "wie sich die Auswertung damit in wenigen Zeilen Code schreiben lässt."
    )
    sentences = split_sentences(clean_markup(text), "de")
    assert len(sentences) == 1
    assert "wie sie mit arbeitet und wie sich" in sentences[0]


def test_removed_emoji_keeps_the_sentence_break() -> None:
    cleaned = clean_markup("Доклад про очереди :thumbsup: Автор показал свой брокер")
    assert split_sentences(cleaned, "ru") == ["Доклад про очереди", "Автор показал свой брокер"]
    assert clean_markup("I :heart: small tools") == "I small tools"


def test_image_leftovers_never_become_sentences() -> None:
    text = "Слайд с графиком ![](img/photo (2).jpg)\n(scan_01.png)\nВывод: всё работает"
    sentences = split_sentences(clean_markup(text), "ru")
    assert sentences == ["Слайд с графиком", "Вывод: всё работает"]
    assert not any(".jpg" in s or ".png" in s for s in sentences)


def test_each_notes_line_is_its_own_unit() -> None:
    text = "Начало доклада про кэширование\nКэш живёт в памяти процесса\n- пункт про TTL"
    assert split_sentences(clean_markup(text), "ru") == [
        "Начало доклада про кэширование",
        "Кэш живёт в памяти процесса",
        "пункт про TTL",
    ]
