"""Ingest of the real shared corpora and notes: counts per folder and file, labels, the join."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import shared_path
from talktopics.cli import main
from talktopics.ingest import load_talks, read_talks
from talktopics.records import Corpus, Talk, talk_id

pytestmark = pytest.mark.real

NOTES = ("notes", "pycon-de-2018-notes-ru.md")
TALKS_2018 = ("corpora", "pyconde-www", "pycon-de-2018", "talks.json")


@functools.cache
def _load(path: Path) -> Corpus:
    """Each shared folder is read once per test session."""
    return read_talks([path])


def _errors(corpus: Corpus) -> list[str]:
    return [str(i) for i in corpus.issues if i.level == "error"]


def _sources_pyvideo_counts() -> dict[str, int]:
    """The talk counts of SOURCES.md's pyvideo table (``| `pyvideo/x/` | 60 | ...``)."""
    text = shared_path("corpora", "SOURCES.md").read_text(encoding="utf-8")
    counts = {}
    for match in re.finditer(r"^\| `pyvideo/([^`/]+)/` \| (\d+) \|", text, re.MULTILINE):
        counts[match.group(1)] = int(match.group(2))
    return counts


# --- counts per folder ----------------------------------------------------------------------

# folder -> (talks we read, why this differs from SOURCES.md, if it does)
FOLDER_COUNTS: dict[str, tuple[int, str]] = {
    "pyconde-www/pycon-de-2017": (
        60,
        "SOURCES: 54 talk slots + 8 tutorial slots; one tutorial slot is empty and "
        "'Machine Learning as a Service' fills two: 54 + 6",
    ),
    "pyconde-www/pycon-de-2018": (
        79,
        "SOURCES: 80 records; 'Cython to speed up your Python code' (code 7ZNCP8) is in two slots",
    ),
    "pyconde-www/pycon-de-pydata-berlin-2019": (
        119,
        "= SOURCES: 119 sessions with a code; the other 285 slots are breaks and headers",
    ),
    "europython-website/europython-2022": (
        146,
        "SOURCES: 153 sessions - 3 Opening Session - 2 Registration - 1 Closing Session "
        "- 1 unscheduled second copy of 'Sponsor Recruitment Session'",
    ),
    "europython-xml/europython-2014": (
        129,
        "SOURCES: 188 entries, 129 with speakers; the 59 with an empty category are breaks, "
        "sprints, BarCamp and placeholders",
    ),
    "pretalx/pycon-au-2024": (
        57,
        "= SOURCES: schedule.json, schedule.xml and widgets/schedule.json hold the same 57",
    ),
    "pretalx/rc3-channels-2020": (48, "= SOURCES"),
    "pretalx/europython-2023-api": (
        180,
        "SOURCES: two versions (172 and 180 slots) of one schedule, minus 4 and 9 "
        "Announcements slots = 168 and 171 talks; together 180 different talks",
    ),
    "pretalx/juliacon-2023": (
        286,
        "SOURCES: 341 incl. 47 breaks/lunches; also left out: 3 Breakfast, 2 Social hour, "
        "Opening and Closing Ceremony; 'Hackathon' is listed twice (two rooms)",
    ),
    "pretalx/pyconfr-2024": (
        72,
        "SOURCES: 76 - the PyLadies Lunch, the AFPy General Assembly, 'Accueil / Welcome', "
        "'Clôture / Closing'",
    ),
    "pretalx/pyconfr-2025": (
        80,
        "SOURCES: 93 talk objects = 84 submissions (9 sprints fill two slots) - the same 4 "
        "organisational slots as 2024",
    ),
}

# file -> talks read from that file alone
FILE_COUNTS: dict[str, int] = {
    "pyconde-www/pycon-de-2017/talks.json": 54,
    "pyconde-www/pycon-de-2017/tutorials.json": 6,
    "pyconde-www/pycon-de-2018/talks.json": 79,
    "pyconde-www/pycon-de-pydata-berlin-2019/schedule_databag.json": 119,
    "europython-website/europython-2022/sessions_data.json": 146,
    "europython-xml/europython-2014/schedule.xml": 129,
    "pretalx/pycon-au-2024/schedule.json": 57,
    "pretalx/pycon-au-2024/schedule.xml": 57,
    "pretalx/pycon-au-2024/widgets/schedule.json": 57,
    "pretalx/rc3-channels-2020/pretalx-rc3.json": 48,
    "pretalx/europython-2023-api/pretalx_schedule_response_20230701.testdata.json": 168,
    "pretalx/europython-2023-api/pretalx_schedule_response_20230714.testdata.json": 171,
    "pretalx/juliacon-2023/talks.json": 286,
    "pretalx/pyconfr-2024/schedule.json": 72,
    "pretalx/pyconfr-2025/schedule.json": 80,
}


@pytest.mark.parametrize("folder", sorted(FOLDER_COUNTS))
def test_folder_count(folder: str) -> None:
    expected, why = FOLDER_COUNTS[folder]
    corpus = _load(shared_path("corpora", *folder.split("/")))
    assert _errors(corpus) == []
    assert len(corpus.talks) == expected, why
    assert len({t.id for t in corpus.talks}) == len(corpus.talks)
    assert all(t.title and t.conference and t.year for t in corpus.talks)


@pytest.mark.parametrize("name", sorted(FILE_COUNTS))
def test_file_count(name: str) -> None:
    corpus = read_talks([shared_path("corpora", *name.split("/"))])
    assert _errors(corpus) == []
    assert len(corpus.talks) == FILE_COUNTS[name]


def test_every_data_file_is_covered() -> None:
    """Each data file outside pyvideo has a count above (rooms.json holds no talks)."""
    root = shared_path("corpora")
    files = {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".json", ".xml") and p.parts[len(root.parts)] != "pyvideo"
    }
    assert files - set(FILE_COUNTS) == {"pretalx/juliacon-2023/rooms.json"}


def test_pyvideo_folders_match_sources_md() -> None:
    """Every pyvideo folder: one talk per video file, as many as SOURCES.md says."""
    documented = _sources_pyvideo_counts()
    folders = sorted(p for p in shared_path("corpora", "pyvideo").iterdir() if p.is_dir())
    assert len(folders) == 47
    assert set(documented) == {p.name for p in folders}
    for folder in folders:
        corpus = _load(folder)
        assert _errors(corpus) == [], folder.name
        assert len(corpus.talks) == documented[folder.name], folder.name
        assert len(corpus.talks) == len(list((folder / "videos").glob("*.json")))
        conference, year = corpus.talks[0].conference, corpus.talks[0].year
        assert (
            f"{conference} {year}"
            == json.loads((folder / "category.json").read_text(encoding="utf-8"))["title"]
        )


def test_same_titled_pyvideo_sessions_stay_apart() -> None:
    """EuroPython 2014 has five 'Lightning Talks' videos (one per day): five talks."""
    corpus = read_talks([shared_path("corpora", "pyvideo", "europython-2014")])
    lightning = [t for t in corpus.talks if t.title.casefold() == "lightning talks"]
    assert len(lightning) == 5
    assert len({t.id for t in lightning}) == 5
    assert len({t.date for t in lightning}) == 5


def test_everything_shared_in_one_run() -> None:
    """One run over all shared data: no errors; a talk found in several sources is one talk."""
    root = shared_path("corpora")
    corpus = read_talks([root, shared_path(*NOTES)])
    assert _errors(corpus) == []
    folders = [root / f for f in FOLDER_COUNTS] + sorted(
        p for p in (root / "pyvideo").iterdir() if p.is_dir()
    )
    separately: set[str] = {t.id for t in load_talks(shared_path(*NOTES))}
    for folder in folders:
        separately.update(t.id for t in _load(folder).talks)
    assert {t.id for t in corpus.talks} == separately
    assert len(corpus.talks) == len(separately) == 5759
    cross = [i for i in corpus.issues if "already read from" in i.message]
    assert any("pyvideo/europython-2022" in str(i.source) for i in cross)
    # README/SOURCES/LICENSE files are documentation, not notes
    assert not any("README" in s or "SOURCES" in s for s in corpus.sources)


# --- labels and fields ----------------------------------------------------------------------


def test_gold_labels() -> None:
    ep22 = read_talks([shared_path("corpora", "europython-website", "europython-2022")])
    tracks = Counter(t.labels.track for t in ep22.talks)
    assert tracks["Software Engineering & Architecture"] == 17
    assert len([k for k in tracks if k]) == 24

    ep14 = read_talks([shared_path("corpora", "europython-xml", "europython-2014")])
    topics = Counter(t.labels.track for t in ep14.talks)
    assert topics["Other"] == 40 and topics["Science"] == 17

    de19 = read_talks([shared_path("corpora", "pyconde-www", "pycon-de-pydata-berlin-2019")])
    assert Counter(t.labels.track for t in de19.talks) == {"PyData": 76, "PyConDE": 43}
    assert sum("Data Science" in t.labels.domains for t in de19.talks) == 55
    assert all(t.date and t.date.startswith("2019-10-") for t in de19.talks)

    de18 = read_talks([shared_path(*TALKS_2018)])
    assert sum("Data Science" in t.labels.domains for t in de18.talks) == 32

    de17 = read_talks([shared_path("corpora", "pyconde-www", "pycon-de-2017", "talks.json")])
    assert sum("Programming" in t.labels.tags for t in de17.talks) == 39


def test_pyvideo_labels_do_not_leak_into_text() -> None:
    """PyCon DE 2018 abstracts embed '*Tags:*' and 'Scheduled on' lines: labels, not text."""
    corpus = read_talks([shared_path("corpora", "pyvideo", "pycon-de-2018")])
    assert sum(bool(t.labels.tags) for t in corpus.talks) == 87
    for talk in corpus.talks:
        assert "*Tags:*" not in talk.text
        assert "Scheduled on" not in talk.text
    talk = next(t for t in corpus.talks if t.title == "Germany's next topic model")
    assert talk.language == "en"
    assert talk.video_url and talk.video_url.startswith("https://www.youtube.com/")


def test_frab_json_and_xml_agree() -> None:
    folder = ("corpora", "pretalx", "pycon-au-2024")
    from_json = read_talks([shared_path(*folder, "schedule.json")]).talks
    from_xml = read_talks([shared_path(*folder, "schedule.xml")]).talks
    from_widget = read_talks([shared_path(*folder, "widgets", "schedule.json")]).talks

    def key(t: Talk) -> tuple[object, ...]:
        return (t.id, t.title, t.speakers, t.date, t.start, t.room, t.labels.track)

    assert sorted(map(key, from_json)) == sorted(map(key, from_xml))
    assert sorted(map(key, from_json)) == sorted(map(key, from_widget))
    assert {t.conference for t in from_json} == {"PyCon AU"}


def test_pretalx_api_shapes() -> None:
    old = read_talks([shared_path("corpora", "pretalx", "pyconfr-2024", "schedule.json")])
    new = read_talks([shared_path("corpora", "pretalx", "pyconfr-2025", "schedule.json")])
    for corpus in (old, new):
        assert Counter(t.language for t in corpus.talks).keys() == {"fr", "en"}
        assert all(t.speakers or t.session_type == "Sprint" for t in corpus.talks)
        assert all(t.room and t.date for t in corpus.talks)
        assert all(t.description for t in corpus.talks)
    assert {t.conference for t in new.talks} == {"PyCon FR"}
    assert Counter(t.session_type for t in new.talks)["Sprint"] == 9

    julia = read_talks([shared_path("corpora", "pretalx", "juliacon-2023")])
    assert Counter(t.labels.track for t in julia.talks)["SciML"] == 36
    assert "Julia Developer Survey Results" in {t.title for t in julia.talks}
    assert not any(t.session_type in ("Break", "Lunch Break") for t in julia.talks)


def test_ids_are_stable_across_sources() -> None:
    """The same talk gets the same id from pyvideo, the website databag and talk_id()."""
    title = "Germany's next topic model"
    pyvideo = read_talks([shared_path("corpora", "pyvideo", "pycon-de-2018")]).talks
    website = read_talks([shared_path(*TALKS_2018)]).talks
    a = next(t for t in pyvideo if t.title == title)
    b = next(t for t in website if t.title == title)
    assert a.id == b.id == talk_id("PyCon DE", 2018, title)
    again = read_talks([shared_path(*TALKS_2018)]).talks
    assert [t.id for t in again] == [t.id for t in website]


# --- the Russian notes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def notes() -> list[Talk]:
    return load_talks(shared_path(*NOTES))


def test_notes_sections(notes: list[Talk]) -> None:
    # 22 talk sections listed day by day in the contents, plus the sprints section
    assert len(notes) == 23
    talks = [t for t in notes if t.session_type != "other"]
    assert len(talks) == 22
    assert Counter(t.day for t in talks) == {"Первый день": 8, "Второй день": 10, "Третий день": 4}
    lightning = [t.title for t in notes if t.session_type == "lightning talks"]
    assert lightning == ["Lightning talks"] * 2
    assert len({t.id for t in notes}) == 23
    keynotes = [t.title for t in notes if t.session_type == "keynote"]
    assert keynotes == ["Keynote: Wes McKinney (создатель pandas)", "Keynote: Emmanuelle Gouillart"]
    other = next(t for t in notes if t.session_type == "other")
    assert other.title == "Спринты и воркшоп PyLadies" and other.day is None
    assert "micropython" in other.notes
    assert {(t.conference, t.year) for t in notes} == {("PyCon.DE", 2018)}


def test_notes_day_and_links(notes: list[Talk]) -> None:
    topic = next(t for t in notes if t.title == "Germany's next topic model")
    assert topic.day == "Первый день"
    assert topic.url == "https://de.pycon.org/schedule/talks/germany-s-next-topic-model/"
    assert topic.video_url == "https://youtu.be/sI7VpFNiy_I"
    assert topic.source.record == "line 74"
    decorators = next(t for t in notes if t.title.startswith("Python Decorators"))
    assert decorators.day == "Третий день"
    cython = next(t for t in notes if t.title.startswith("Cython"))
    # the video line carries a remark after the URL; the URL alone is kept
    assert cython.video_url == "https://youtu.be/zx0wMxuh-wk"
    # the short table-of-contents names are kept for matching
    prod = next(t for t in notes if t.title == "Productionizing your ML code seamlessly")
    assert prod.aliases == ("Productionizing your ML code seamlessly (Yelp)",)
    assert sum(1 for t in notes if t.url) == 20  # lightning talks and sprints have none
    assert sum(1 for t in notes if t.video_url) == 22


def test_notes_text_without_images_or_navigation(notes: list[Talk]) -> None:
    topic = next(t for t in notes if t.title == "Germany's next topic model")
    assert "infomap community detection" in topic.notes
    assert topic.notes.startswith("Доклад про выявление топиков")
    assert topic.notes_language == "ru"
    for talk in notes:
        assert "![" not in talk.notes and "images/PyCon.DE_2018" not in talk.notes
        assert "Наверх к оглавлению" not in talk.notes and "(#content)" not in talk.notes
        assert "Описание:" not in talk.notes and "Видео:" not in talk.notes
        assert "<a name" not in talk.notes
    # notes lines that merely look like "Label: value" stay
    geodata = next(t for t in notes if t.title == "Processing Geodata using Python")
    assert "Fiona: больше возможностей" in geodata.notes
    first_lightning = next(t for t in notes if t.session_type == "lightning talks")
    assert first_lightning.notes == ""  # only an image and the links


# --- the join ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def joined() -> Corpus:
    return read_talks([shared_path(*NOTES)], schedule=[shared_path(*TALKS_2018)])


def test_join_with_the_2018_programme(joined: Corpus) -> None:
    matched = [t for t in joined.talks if t.source.format == "markdown+pyconde-talks"]
    # all 18 regular talks of the notes; the programme has no keynotes or lightning talks
    assert len(matched) == 18
    unmatched = [i for i in joined.issues if "matches no talk" in i.message]
    assert len(unmatched) == 4
    assert {i.source.record for i in unmatched} == {"line 264", "line 275", "line 581", "line 596"}
    assert all(i.level == "warning" for i in joined.issues)
    # nothing dropped: 79 programme talks + 4 unmatched sections + the sprints section
    assert len(joined.talks) == 79 + 5
    assert sum(1 for t in joined.talks if t.notes) == 22
    assert {(t.conference, t.year) for t in joined.talks} == {("PyCon DE", 2018)}


def test_join_gives_official_abstract_and_speakers(joined: Corpus) -> None:
    raw = json.loads(shared_path(*TALKS_2018).read_text(encoding="utf-8"))
    official = next(v for v in raw.values() if v["title"] == "Germany's next topic model")
    talk = next(t for t in joined.talks if t.title == "Germany's next topic model")
    assert talk.abstract == official["abstract"].strip()
    assert talk.description.startswith(official["description"][:60])
    assert talk.speakers == ("Thomas Mayer",)
    assert "Data Science" in talk.labels.domains
    assert "infomap" in talk.notes and talk.notes_language == "ru"
    assert talk.video_url == "https://www.youtube.com/watch?v=sI7VpFNiy_I"
    assert talk.id == talk_id("PyCon DE", 2018, "Germany's next topic model")
    # a short table-of-contents form matched the long official title
    quantum = next(t for t in joined.talks if t.title.startswith("Introduction and practical"))
    assert quantum.notes and quantum.speakers == ("Dr. Andreas Riegg",)


def test_cli_on_real_notes_and_programme(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "talks.json"
    code = main(
        ["ingest", str(shared_path(*NOTES)), "--schedule", str(shared_path(*TALKS_2018)),
         "--json", str(out)]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert "pycon-de-2018-notes-ru.md" in captured.out and "84" in captured.out
    assert "matches no talk" in captured.err and "Traceback" not in captured.err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["talks"]) == 84
    topic = next(t for t in data["talks"] if t["title"] == "Germany's next topic model")
    assert topic["speakers"] == ["Thomas Mayer"] and "infomap" in topic["notes"]
