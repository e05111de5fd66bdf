"""Small hand-made inputs for each reader, format detection, editions, breaks and the join."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talktopics.config import IngestLimits
from talktopics.errors import ConfigError
from talktopics.ingest import FORMATS, detect_format, join_schedule, read_talks
from talktopics.ingest.edition import edition_from_name, edition_from_title
from talktopics.ingest.fields import is_organisational
from talktopics.ingest.join import match_score
from talktopics.ingest.reading import Document
from talktopics.ingest.table import parse_column_map
from talktopics.records import Labels, SourceRef, Talk, talk_id


def _write(tmp_path: Path, name: str, content: str | dict[str, object] | list[object]) -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


def _talk(title: str, **kw: object) -> Talk:
    conference = str(kw.pop("conference", "TestConf"))
    year = kw.pop("year", 2022)
    assert year is None or isinstance(year, int)
    return Talk(
        id=talk_id(conference, year, title),
        title=title,
        conference=conference,
        year=year,
        source=SourceRef(path="x", record="", format="test"),
        **kw,  # type: ignore[arg-type]
    )


# --- CSV, JSONL, JSON records ----------------------------------------------------------------


def test_csv_default_columns(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "talks.csv",
        "Title,Speakers,Abstract,Track,Tags,Year,Conference,Date,Language\n"
        'Graphs,"Ada Lovelace; Grace Hopper",About graphs,Data,"nlp|graphs",2021,TestConf,'
        "2021-05-04,English\n",
    )
    (talk,) = read_talks([path]).talks
    assert talk.speakers == ("Ada Lovelace", "Grace Hopper")
    assert talk.labels == Labels(track="Data", tags=("nlp", "graphs"))
    assert (talk.conference, talk.year, talk.date, talk.language) == (
        "TestConf",
        2021,
        "2021-05-04",
        "en",
    )
    assert talk.id == talk_id("TestConf", 2021, "Graphs")


def test_csv_column_map_and_semicolons(tmp_path: Path) -> None:
    path = _write(tmp_path, "export.csv", "Vortrag;Zusammenfassung;Wer\nTypen;Über Typen;Ada\n")
    column_map = parse_column_map("title=Vortrag, abstract=Zusammenfassung,speakers=Wer")
    (talk,) = read_talks([path], column_map=column_map, conference="X", year=2020).talks
    assert (talk.title, talk.abstract, talk.speakers) == ("Typen", "Über Typen", ("Ada",))
    assert (talk.conference, talk.year) == ("X", 2020)

    missing = read_talks([path], column_map={"title": "Titel"})
    assert "column 'Titel' (from --map title=Titel) is not in the file" in str(missing.issues[0])


def test_csv_without_title_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.csv", "name,summary\nA,B\n")
    (issue,) = read_talks([path]).issues
    assert "no title column" in issue.message and "name, summary" in issue.message


def test_csv_ragged_rows_and_multiline_fields(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "talks.csv",
        'title,abstract\n"Multi","line one\nline two"\nShort\nExtra,a,b\n',
    )
    corpus = read_talks([path])
    assert [t.title for t in corpus.talks] == ["Multi", "Short", "Extra"]
    assert corpus.talks[0].abstract == "line one\nline two"
    assert [(i.level, i.source.record) for i in corpus.issues] == [
        ("warning", "line 4"),
        ("warning", "line 5"),
    ]


def test_json_records_and_jsonl(tmp_path: Path) -> None:
    records = [
        {"title": "One", "speakers": ["A", "B"], "tags": ["x"], "notes": "my notes"},
        {"title": "Two", "abstract": "two"},
    ]
    as_list = _write(tmp_path, "talks.json", records)
    as_lines = _write(tmp_path, "talks.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    a = read_talks([as_list]).talks
    b = read_talks([as_lines]).talks
    assert [t.title for t in a] == [t.title for t in b] == ["One", "Two"]
    assert a[0].speakers == ("A", "B") and a[0].labels.tags == ("x",)
    assert a[0].notes == "my notes"
    assert a[0].source.format == "json-records" and b[0].source.format == "jsonl"


def test_parse_column_map_errors() -> None:
    assert parse_column_map(None) == {}
    with pytest.raises(ConfigError, match="unknown field 'titel'"):
        parse_column_map("titel=Title")
    with pytest.raises(ConfigError, match="FIELD=COLUMN"):
        parse_column_map("title")


# --- schedule formats ------------------------------------------------------------------------


FRAB = {
    "schedule": {
        "version": "1",
        "conference": {
            "title": "TestConf 2022",
            "start": "2022-05-01",
            "days": [
                {
                    "date": "2022-05-01",
                    "rooms": {
                        "Hall": [
                            {
                                "id": 1,
                                "title": "Coffee Break",
                                "type": "Break",
                                "date": "2022-05-01T10:00:00+02:00",
                            },
                            {
                                "id": 2,
                                "title": "Graph topics",
                                "subtitle": "with Infomap",
                                "type": "Talk",
                                "track": "ML",
                                "language": "de",
                                "abstract": "Words as a graph.",
                                "description": "Long text.",
                                "date": "2022-05-01T11:00:00+02:00",
                                "start": "11:00",
                                "url": "https://testconf.org/talk/2/",
                                "persons": [{"public_name": "Ada"}, {"name": "Grace"}],
                            },
                        ]
                    },
                }
            ],
        },
    }
}


def test_frab_json(tmp_path: Path) -> None:
    (talk,) = read_talks([_write(tmp_path, "schedule.json", FRAB)]).talks
    assert (talk.title, talk.conference, talk.year) == ("Graph topics", "TestConf", 2022)
    assert talk.speakers == ("Ada", "Grace")
    assert (talk.date, talk.start, talk.room, talk.language) == (
        "2022-05-01",
        "11:00",
        "Hall",
        "de",
    )
    assert talk.labels.track == "ML" and talk.aliases == ("Graph topics: with Infomap",)


def test_pretalx_api_new_shape_with_speaker_codes(tmp_path: Path) -> None:
    data = {
        "schedule": {
            "2025-11-01": {
                "540": {
                    "12": {
                        "code": "AAA",
                        "title": "Typed pandas",
                        "speakers": ["SP1"],
                        "submission_type": {"id": 1, "name": {"en": "Talk", "fr": "Conf"}},
                        "state": "confirmed",
                        "description": "desc",
                        "content_locale": "fr",
                        "slots": [
                            {"room": {"name": {"en": "B003"}}, "start": "2025-11-01T09:00:00+01:00"}
                        ],
                    }
                }
            }
        },
        "sprints": {},
        "speakers": {"SP1": {"code": "SP1", "name": "Zoé"}},
    }
    rejected = {"code": "BBB", "title": "Rejected", "state": "rejected", "submission_type": "Talk"}
    data["schedule"]["2025-11-01"]["600"] = {"12": rejected}
    corpus = read_talks([_write(tmp_path, "pyconfr-2025.json", data)])
    (talk,) = corpus.talks
    assert (talk.title, talk.speakers, talk.session_type) == ("Typed pandas", ("Zoé",), "Talk")
    assert (talk.room, talk.date, talk.start, talk.language) == (
        "B003",
        "2025-11-01",
        "09:00",
        "fr",
    )
    assert (talk.conference, talk.year) == ("PyCon FR", 2025)


def test_europython_xml(tmp_path: Path) -> None:
    xml = (
        '<schedule><day date="2014-07-22">'
        "<entry id='1'><category></category><title>Lunch</title></entry>"
        "<entry id='2'><category>Talk</category><topics><topic>Web</topic></topics>"
        "<start>1100</start><room>C01</room><title>Django &amp; you</title>"
        "<abstract>A &lt;b&gt;talk&lt;/b&gt;</abstract>"
        "<speakers><speaker><name>Ada</name></speaker></speakers></entry>"
        "</day></schedule>"
    )
    corpus = read_talks([_write(tmp_path, "europython-2014.xml", xml)])
    (talk,) = corpus.talks
    assert (talk.title, talk.abstract, talk.start, talk.labels.track) == (
        "Django & you",
        "A <b>talk</b>",
        "11:00",
        "Web",
    )
    assert (talk.conference, talk.year, talk.date) == ("EuroPython", 2014, "2014-07-22")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (FRAB, "frab-json"),
        ({"slots": [{"code": "A", "title": "T"}], "breaks": []}, "pretalx-api"),
        ({"count": 1, "results": [{"code": "A", "title": "T"}]}, "pretalx-api"),
        ([{"code": "A", "title": "T", "submission_type": "Talk"}], "pretalx-api"),
        ({"talks": [], "rooms": [], "tracks": []}, "pretalx-widget"),
        ([{"code": "A", "title": "T", "website_url": "u"}], "europython-sessions"),
        ({"dates": [{"rooms": []}]}, "pyconde-databag"),
        ({"SLOT_1": {"title": "T", "speaker": "A"}, "SLOT_2": {}}, "pyconde-talks"),
        ({"title": "T", "videos": [], "speakers": []}, "pyvideo"),
        ([{"Title": "T"}], "json-records"),
        ([{"name": "Room", "capacity": 3, "id": 1}], "aux"),
    ],
)
def test_detect_json_shapes(
    tmp_path: Path, content: dict[str, object] | list[object], expected: str
) -> None:
    path = _write(tmp_path, "data.json", content)
    doc = Document.open(path, str(path), IngestLimits())
    assert detect_format(doc) == expected
    assert expected in FORMATS


def test_rooms_file_is_not_talks(tmp_path: Path) -> None:
    rooms = _write(tmp_path, "rooms.json", [{"name": {"en": "A"}, "id": 1, "position": 0}])
    corpus = read_talks([rooms])
    assert corpus.talks == ()
    (issue,) = corpus.issues
    assert issue.level == "warning" and "holds no talks" in issue.message
    # inside a folder it is quietly left alone
    assert read_talks([tmp_path]).issues == ()


def test_pyvideo_folder_and_single_video(tmp_path: Path) -> None:
    folder = tmp_path / "pydata-berlin-2099"
    (folder / "videos").mkdir(parents=True)
    _write(folder, "category.json", {"title": "PyData Berlin 2099"})
    video = {
        "title": "Graph topics",
        "speakers": ["Ada"],
        "description": "Words as a graph.\n\n*Tags:* NLP\n",
        "recorded": "2099-07-01",
        "language": "deu",
        "tags": ["NLP"],
        "videos": [{"type": "youtube", "url": "https://youtu.be/x"}],
    }
    _write(folder / "videos", "graph-topics.json", video)
    _write(folder / "videos", "broken.json", '{"title": ')
    corpus = read_talks([folder])
    (talk,) = corpus.talks
    assert (talk.conference, talk.year, talk.language) == ("PyData Berlin", 2099, "de")
    assert talk.abstract == "Words as a graph." and talk.labels.tags == ("NLP",)
    assert talk.source.path == str(folder) and talk.source.record == "videos/graph-topics.json"
    (issue,) = corpus.issues
    assert issue.source.record == "videos/broken.json" and "line 1" in issue.message
    single = read_talks([folder / "videos" / "graph-topics.json"]).talks
    assert [t.id for t in single] == [talk.id]


# --- editions and breaks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pycon-de-2018", ("PyCon DE", 2018)),
        ("pycon-de-2018-notes-ru", ("PyCon DE", 2018)),
        ("europython-2023-api", ("EuroPython", 2023)),
        ("pyconfr-2024", ("PyCon FR", 2024)),
        ("pydata-berlin-2019", ("PyData Berlin", 2019)),
        ("talks", (None, None)),
        ("2019", (None, 2019)),
    ],
)
def test_edition_from_name(name: str, expected: tuple[str | None, int | None]) -> None:
    assert edition_from_name(name) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("PyCon AU 2024", ("PyCon AU", 2024)),
        ("Заметки с PyCon.DE 2018", ("PyCon.DE", 2018)),
        ("My notes from EuroPython 2019", ("EuroPython", 2019)),
        ("Notes from Big Data Days 2017", ("Big Data Days", 2017)),
        ("rC3 Channels", (None, None)),
    ],
)
def test_edition_from_title(title: str, expected: tuple[str | None, int | None]) -> None:
    assert edition_from_title(title) == expected


@pytest.mark.parametrize(
    ("kind", "title", "expected"),
    [
        ("Break", "Morning tea", True),
        ("Lunch Break", "Lunch Day 1 (Room 2)", True),
        ("Announcements", "Registration & Welcome @ Forum Hall", True),
        ("Short plenary", "Accueil / Welcome", True),
        ("Ceremony", "Opening Ceremony", True),
        ("Ceremony", "Julia Developer Survey Results", False),
        ("", "Coffee Break", True),
        ("Talk", "Opening the black box of deep learning", False),
        ("Talk", "Breaking changes in Python 3.12", False),
        (None, "Lightning Talks", False),
    ],
)
def test_is_organisational(kind: str | None, title: str, expected: bool) -> None:
    assert is_organisational(kind, title) is expected


# --- the join --------------------------------------------------------------------------------


def test_join_matches_short_forms_and_slugs() -> None:
    programme = [
        _talk("A Day Has Only 24±1 Hours: import pytz", speakers=("Miro",)),
        _talk("Germany's next topic model", abstract="official", labels=Labels(track="ML")),
        _talk("Something else entirely"),
    ]
    notes = [
        _talk("A Day Has Only 24±1 Hours", notes="tz notes", conference="Notes", year=None),
        _talk(
            "Topic models",
            notes="graph notes",
            url="https://x.org/schedule/talks/germany-s-next-topic-model/",
        ),
        _talk("Keynote: a person", notes="keynote notes"),
    ]
    assert match_score(notes[0], programme[0]) == 95.0
    assert match_score(notes[1], programme[1]) == 100.0
    talks, issues = join_schedule(notes, programme)
    assert [t.title for t in talks] == [
        "A Day Has Only 24±1 Hours: import pytz",
        "Germany's next topic model",
        "Something else entirely",
        "Keynote: a person",
    ]
    assert talks[0].notes == "tz notes" and talks[0].speakers == ("Miro",)
    assert talks[1].notes == "graph notes" and talks[1].abstract == "official"
    assert talks[1].labels.track == "ML" and talks[1].id == programme[1].id
    assert "Topic models" in talks[1].aliases
    (issue,) = issues
    assert issue.level == "warning" and "Keynote: a person" in issue.message


def test_join_is_one_to_one_and_keeps_everything() -> None:
    programme = [_talk("Python decorators")]
    notes = [_talk("Python decorators", notes="a"), _talk("Python decorator", notes="b")]
    talks, issues = join_schedule(notes, programme)
    assert [(t.title, t.notes) for t in talks] == [
        ("Python decorators", "a"),
        ("Python decorator", "b"),
    ]
    assert len(issues) == 1 and "matched another section" in issues[0].message
    assert join_schedule([], programme) == (programme, [])


def test_join_ignores_kind_prefixes_and_remarks() -> None:
    programme = [_talk("Python 2020+"), _talk("Productionizing your ML code seamlessly")]
    notes = [
        _talk("Keynote: Python 2020+", notes="k"),
        _talk("Shortcut", aliases=("Productionizing your ML code seamlessly (Yelp)",), notes="p"),
    ]
    talks, issues = join_schedule(notes, programme)
    assert [(t.title, t.notes) for t in talks] == [
        ("Python 2020+", "k"),
        ("Productionizing your ML code seamlessly", "p"),
    ]
    assert issues == []


def test_ingest_json_round_trip(tmp_path: Path) -> None:
    """What `talktopics ingest --json` writes reads back as the same talks."""
    from talktopics.cli import main

    notes = _write(
        tmp_path,
        "notes.md",
        "# Notes PyCon DE 2019\n\n## Über Typen 🐍\nDescription: https://x.org/t/types/\n"
        "Графы слов и темы докладов — 图 и ✓\n\n## عنوان بالعربية\nنص من اليمين إلى اليسار\n",
    )
    programme = _write(
        tmp_path,
        "programme.csv",
        "title,speakers,track,tags,conference,year\n"
        "Über Typen 🐍,Zoé;Ada,Python,a|b,PyCon DE,2019\n",
    )
    out = tmp_path / "out" / "talks.json"
    assert main(["ingest", "-q", str(notes), "--schedule", str(programme), "--json", str(out)]) == 0
    first = read_talks([notes], schedule=str(programme))
    again = read_talks([out])
    assert again.issues == ()
    assert again.talks == first.talks
    assert again.talks[0].speakers == ("Zoé", "Ada")
    assert again.talks[0].notes == "Графы слов и темы докладов — 图 и ✓"


def test_schedule_as_a_single_path(tmp_path: Path) -> None:
    notes = _write(tmp_path, "notes.md", "# Notes X 2020\n\n## Typing\nmy notes\n")
    programme = _write(tmp_path, "p.csv", "title,abstract,conference,year\nTyping,Abs,X,2020\n")
    for schedule in (str(programme), programme, [programme]):
        (talk,) = read_talks(str(notes), schedule=schedule).talks  # type: ignore[arg-type]
        assert (talk.abstract, talk.notes) == ("Abs", "my notes")
