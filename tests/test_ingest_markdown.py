"""Markdown notes: any file with one heading per talk, in any language."""

from __future__ import annotations

from pathlib import Path

import pytest

from talktopics.ingest import load_talks, read_talks
from talktopics.records import Talk


def _read(tmp_path: Path, text: str, name: str = "notes.md") -> list[Talk]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    corpus = read_talks([path])
    assert [i for i in corpus.issues if i.level == "error"] == []
    return list(corpus.talks)


def test_plain_headings_without_contents(tmp_path: Path) -> None:
    talks = _read(
        tmp_path,
        "# EuroPython 2023 notes\n\nSome intro text.\n\n"
        "## Async all the things\nasyncio is great.\n\n"
        "## Typing in practice\n**Slides:** https://example.org/slides\nmypy strict helps.\n",
    )
    assert [t.title for t in talks] == ["Async all the things", "Typing in practice"]
    assert talks[0].notes == "asyncio is great."
    # an unknown label stays in the notes
    assert "**Slides:** https://example.org/slides" in talks[1].notes
    assert {(t.conference, t.year) for t in talks} == {("EuroPython", 2023)}
    assert [t.source.record for t in talks] == ["line 5", "line 8"]


def test_days_from_headings_above_the_talks(tmp_path: Path) -> None:
    talks = _read(
        tmp_path,
        "# PyData Berlin 2019\n\n## Day 1\n\n### Talk A\nnotes a\n\n### Talk B\nnotes b\n\n"
        "## Day 2\n\n### Talk C\nnotes c\n",
    )
    assert [(t.title, t.day) for t in talks] == [
        ("Talk A", "Day 1"),
        ("Talk B", "Day 1"),
        ("Talk C", "Day 2"),
    ]
    assert talks[0].conference == "PyData Berlin"


def test_every_heading_a_talk_at_level_one(tmp_path: Path) -> None:
    talks = _read(tmp_path, "# First talk\nA\n\n# Second talk\nB\n\n# Third talk\nC\n")
    assert [t.title for t in talks] == ["First talk", "Second talk", "Third talk"]


def test_setext_headings_and_code_fences(tmp_path: Path) -> None:
    talks = _read(
        tmp_path,
        "Decorators explained\n====================\n\n```python\n# not a heading\n"
        "@wraps(f)\n```\n\nTesting with hypothesis\n=======================\nproperties!\n",
    )
    assert [t.title for t in talks] == ["Decorators explained", "Testing with hypothesis"]
    assert "# not a heading" in talks[0].notes
    assert "@wraps(f)" in talks[0].notes


def test_labels_in_several_languages(tmp_path: Path) -> None:
    talks = _read(
        tmp_path,
        "# Notizen\n\n## Vortrag eins\nBeschreibung: https://example.org/talks/vortrag-eins/\n"
        "Aufzeichnung: https://example.org/v/1\nGut.\n\n"
        "## Exposé deux\n- **Description:** https://example.org/talks/deux\n"
        "- **Vidéo :** https://example.org/v/2\nTrès bien.\n",
    )
    assert [(t.url, t.video_url) for t in talks] == [
        ("https://example.org/talks/vortrag-eins/", "https://example.org/v/1"),
        ("https://example.org/talks/deux", "https://example.org/v/2"),
    ]
    assert [t.notes for t in talks] == ["Gut.", "Très bien."]


def test_images_anchors_and_navigation_are_stripped(tmp_path: Path) -> None:
    talks = _read(
        tmp_path,
        '# Notes 2020\n\n## Contents <a name="top"></a>\n1. [Talk](#talk)\n1. [Other](#other)\n\n'
        '## Talk {#talk}\n![](img/1.png) A slide about graphs\n<img src="x.png">\n'
        "Kept line with an [external link](https://example.org).\n\n[Back to top](#top)\n\n"
        "## Other\n[Back to contents](#top) | [Next](#talk)\n",
    )
    assert [t.title for t in talks] == ["Talk", "Other"]
    assert talks[0].notes == (
        "A slide about graphs\nKept line with an [external link](https://example.org)."
    )
    assert talks[1].notes == ""


def test_contents_by_day_and_non_talk_sections(tmp_path: Path) -> None:
    talks = _read(
        tmp_path,
        '# Notes from PyCon.DE 2018\n\n## Talks <a name="content"></a>\nDay one\n'
        "1. [Short name](#a)\n1. [Lightning talks](#lt)\n\nDay two\n1. [Keynote: Someone](#k)\n\n"
        "[Sprints](#sprints)\n\n"
        '## A much longer official title <a name="a"></a>\nDescription: https://x.org/t/a/\ntext\n\n'
        '## Lightning talks <a name="lt"></a>\nshort ones\n\n'
        '## Keynote: Someone <a name="k"></a>\nVideo: https://x.org/v/k\nvision\n\n'
        '## Sprints <a name="sprints"></a>\nhacking all weekend\n',
    )
    by_title = {t.title: t for t in talks}
    assert by_title["A much longer official title"].aliases == ("Short name",)
    assert by_title["A much longer official title"].day == "Day one"
    assert by_title["Lightning talks"].session_type == "lightning talks"
    assert by_title["Keynote: Someone"].session_type == "keynote"
    assert by_title["Keynote: Someone"].day == "Day two"
    assert by_title["Sprints"].session_type == "other"
    assert by_title["Sprints"].day is None
    assert by_title["Sprints"].notes == "hacking all weekend"


def test_heading_without_title_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\n## Fine\nok\n\n## <a name='x'></a>\nlost?\n", encoding="utf-8")
    corpus = read_talks([path])
    assert [t.title for t in corpus.talks] == ["Fine"]
    (issue,) = corpus.issues
    assert issue.level == "error" and issue.source.record == "line 6"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(tmp_path: Path, newline: str) -> None:
    text = newline.join(["# Notes 2020", "", "## One", "first", "", "## Two", "second", ""])
    path = tmp_path / "notes.md"
    path.write_bytes(text.encode("utf-8"))
    talks = load_talks(path)
    assert [(t.title, t.notes) for t in talks] == [("One", "first"), ("Two", "second")]


def test_unicode_survives(tmp_path: Path) -> None:
    text = (
        "# Заметки 2024\n\n## Über Typen 🐍\nГрафы слов и темы докладов — 图 и ✓\n\n"
        "## عنوان بالعربية\nنص من اليمين إلى اليسار\n"
    )
    talks = _read(tmp_path, text)
    assert [t.title for t in talks] == ["Über Typen 🐍", "عنوان بالعربية"]
    assert talks[0].notes == "Графы слов и темы докладов — 图 и ✓"
    assert talks[1].notes == "نص من اليمين إلى اليسار"
    assert talks[0].notes_language == "ru"


def test_notes_and_programme_in_one_folder_are_joined(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(
        "# Notes TestConf 2022\n\n## Graphs for topics\nDescription: "
        "https://testconf.org/talks/germany-s-next-topic-model/\nmy notes\n\n"
        "## Unknown talk\nmore notes\n",
        encoding="utf-8",
    )
    (tmp_path / "programme.csv").write_text(
        "title,speakers,abstract,track,conference,year\n"
        "Germany's next topic model,Thomas Mayer,Topics as communities,ML,TestConf,2022\n"
        "Another programme talk,Ada,Something,Web,TestConf,2022\n",
        encoding="utf-8",
    )
    corpus = read_talks([tmp_path])
    by_title = {t.title: t for t in corpus.talks}
    joined = by_title["Germany's next topic model"]
    assert joined.notes == "my notes" and joined.abstract == "Topics as communities"
    assert joined.speakers == ("Thomas Mayer",) and joined.labels.track == "ML"
    assert joined.aliases == ("Graphs for topics",)
    assert by_title["Another programme talk"].notes == ""
    assert by_title["Unknown talk"].notes == "more notes"
    (issue,) = corpus.issues
    assert issue.level == "warning" and "Unknown talk" in issue.message
