"""Robustness of every reader: hostile, broken and odd input yields talks or named issues.

The contract checked here (issue "Robustness"): whatever bytes a file holds, `read_talks`
returns a `Corpus` — talks that are well-formed, and an `IngestIssue` naming the file (and the
record or position where there is one) for everything it could not read. No other exception
escapes, nothing is lost silently, and the command line never prints a traceback.

Every reader is covered twice: valid records with many scripts must come back unchanged, and
mutations of those files (truncation, stray bytes, BOMs, NUL bytes, line-ending changes) must
keep the contract. Hypothesis runs derandomized (a fixed seed per test, no example database),
so CI sees the same examples every time.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from talktopics.cli import main
from talktopics.config import IngestLimits, load_config
from talktopics.errors import ConfigError, ExitCode
from talktopics.ingest import FORMATS, read_talks
from talktopics.ingest.fields import is_organisational
from talktopics.records import Corpus, normalise_title

PROPERTY = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
"""Modest, deterministic runs: the whole file stays well under a minute."""

CONF, YEAR = "Robust Conf", 2024
TALK_FORMATS = tuple(name for name in FORMATS if name != "aux")

# --- the contract ---------------------------------------------------------------------------

_HTTP = re.compile(r"^https?://\S+$", re.IGNORECASE)
_POSITION = re.compile(r"\bline \d+, column \d+\b")


def check_contract(corpus: Corpus, label: str, limits: IngestLimits | None = None) -> None:
    """What every corpus must satisfy, whatever the input was."""
    limits = limits or IngestLimits()
    assert isinstance(corpus, Corpus)
    for issue in corpus.issues:
        assert issue.level in ("warning", "error"), issue
        assert issue.source.path.startswith(label), f"issue does not name {label}: {issue}"
        assert issue.message.strip(), issue
        assert label in str(issue)
    ids = [talk.id for talk in corpus.talks]
    assert len(ids) == len(set(ids)), "talk ids must be unique"
    for talk in corpus.talks:
        assert talk.title and talk.title == " ".join(talk.title.split()), repr(talk.title)
        assert len(talk.title) <= 500
        assert talk.source.path.startswith(label), talk.source
        for text in (talk.abstract, talk.description, talk.notes):
            assert len(text) <= limits.max_text_chars
            assert "\x00" not in text and "\r" not in text
        for url in (talk.url, talk.video_url):
            assert url is None or _HTTP.match(url), url
    if not corpus.talks:
        assert corpus.issues, "an input without talks must say why"


def ingest_files(
    folder: Path,
    files: dict[str, bytes],
    *,
    read: str = "",
    format: str | None = None,
    limits: IngestLimits | None = None,
) -> tuple[Corpus, str]:
    """Write ``files`` under ``folder``, read ``folder/read`` (or the only file), check it."""
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    target = folder / (read or next(iter(files)))
    label = str(target)
    corpus = read_talks([target], format=format, conference=CONF, year=YEAR, limits=limits)
    check_contract(corpus, label, limits)
    return corpus, label


class _Scratch:
    """A fresh folder per Hypothesis example (function-scoped tmp_path is shared by examples)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.n = 0

    def __call__(self) -> Path:
        self.n += 1
        folder = self.root / f"ex{self.n}"
        folder.mkdir()
        return folder


@pytest.fixture
def scratch(tmp_path: Path) -> _Scratch:
    return _Scratch(tmp_path)


# --- valid files of every format ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rec:
    title: str
    abstract: str
    speakers: tuple[str, ...]


SPEAKERS = ("Анна Петрова", "Jürgen Müller", "李小龙", "José Núñez", "دانا خليل", "Ada Lovelace")


def _xml(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    node.text = text
    return node


def build_markdown(recs: list[Rec]) -> dict[str, bytes]:
    parts = [f"## {r.title}\n\n{r.abstract}\n" for r in recs]
    return {"notes.md": "\n".join(parts).encode()}


def build_pyvideo(recs: list[Rec]) -> dict[str, bytes]:
    files = {"pv/category.json": json.dumps({"title": f"{CONF} {YEAR}"}).encode()}
    for i, r in enumerate(recs):
        video = {
            "title": r.title,
            "speakers": list(r.speakers),
            "abstract": r.abstract,
            "recorded": f"{YEAR}-05-01",
            "videos": [{"type": "youtube", "url": f"https://www.youtube.com/watch?v={i}"}],
        }
        files[f"pv/videos/{i:03d}.json"] = json.dumps(video, ensure_ascii=False).encode()
    return files


def build_frab_json(recs: list[Rec]) -> dict[str, bytes]:
    events = [
        {
            "id": i + 1,
            "title": r.title,
            "abstract": r.abstract,
            "type": "Talk",
            "date": f"{YEAR}-05-01T10:00:00+02:00",
            "start": "10:00",
            "persons": [{"public_name": s} for s in r.speakers],
        }
        for i, r in enumerate(recs)
    ]
    days = [{"index": 1, "date": f"{YEAR}-05-01", "rooms": {"Hall": events}}]
    data = {"schedule": {"conference": {"title": f"{CONF} {YEAR}", "days": days}}}
    return {"schedule.json": json.dumps(data, ensure_ascii=False).encode()}


def build_frab_xml(recs: list[Rec]) -> dict[str, bytes]:
    root = ET.Element("schedule")
    conf = _sub(root, "conference")
    _sub(conf, "title", f"{CONF} {YEAR}")
    room = _sub(_sub(root, "day", date=f"{YEAR}-05-01"), "room", name="Hall")
    for i, r in enumerate(recs):
        event = _sub(room, "event", id=str(i + 1))
        _sub(event, "title", r.title)
        _sub(event, "type", "Talk")
        _sub(event, "abstract", r.abstract)
        persons = _sub(event, "persons")
        for s in r.speakers:
            _sub(persons, "person", s)
    return {"schedule.xml": _xml(root)}


def build_pretalx_api(recs: list[Rec]) -> dict[str, bytes]:
    results = [
        {
            "code": f"C{i:04d}",
            "title": r.title,
            "abstract": r.abstract,
            "speakers": [{"code": f"S{i}{j}", "name": s} for j, s in enumerate(r.speakers)],
            "submission_type": {"en": "Talk"},
            "state": "confirmed",
            "slot": {"start": f"{YEAR}-05-01T10:00:00+02:00", "room": {"en": "Hall"}},
        }
        for i, r in enumerate(recs)
    ]
    data = {"count": len(results), "next": None, "results": results}
    return {"talks.json": json.dumps(data, ensure_ascii=False).encode()}


def build_pretalx_widget(recs: list[Rec]) -> dict[str, bytes]:
    speakers = [
        {"code": f"S{i}{j}", "name": s}
        for i, r in enumerate(recs)
        for j, s in enumerate(r.speakers)
    ]
    talks = [
        {
            "code": f"C{i:04d}",
            "title": r.title,
            "abstract": r.abstract,
            "speakers": [f"S{i}{j}" for j in range(len(r.speakers))],
            "room": 1,
            "start": f"{YEAR}-05-01T10:00:00+02:00",
        }
        for i, r in enumerate(recs)
    ]
    data = {"talks": talks, "rooms": [{"id": 1, "name": "Hall"}], "speakers": speakers}
    return {"widget.json": json.dumps(data, ensure_ascii=False).encode()}


def build_pyconde_talks(recs: list[Rec]) -> dict[str, bytes]:
    data = {
        f"slot_{i}": {
            "title": r.title,
            "speakers": ", ".join(r.speakers),
            "abstract": r.abstract,
            "code": f"C{i:04d}",
            "slug": f"talk-{i}",
        }
        for i, r in enumerate(recs)
    }
    return {"talks.json": json.dumps(data, ensure_ascii=False).encode()}


def build_pyconde_databag(recs: list[Rec]) -> dict[str, bytes]:
    sessions = [
        {
            "code": f"C{i:04d}",
            "title": r.title,
            "speaker_names": list(r.speakers),
            "short_description": r.abstract,
        }
        for i, r in enumerate(recs)
    ]
    data = {
        "dates": [{"datum": f"{YEAR}-05-01", "rooms": [{"room_name": "A", "sessions": sessions}]}]
    }
    return {"schedule_databag.json": json.dumps(data, ensure_ascii=False).encode()}


def build_europython_sessions(recs: list[Rec]) -> dict[str, bytes]:
    data = [
        {
            "code": f"C{i:04d}",
            "title": r.title,
            "speakers": [{"name": s} for s in r.speakers],
            "abstract": r.abstract,
            "submission_type": "Talk",
            "track": "Python",
            "website_url": f"https://example.org/session/{i}",
            "start": f"{YEAR}-07-11T10:00:00",
        }
        for i, r in enumerate(recs)
    ]
    return {"sessions_data.json": json.dumps(data, ensure_ascii=False).encode()}


def build_europython_xml(recs: list[Rec]) -> dict[str, bytes]:
    root = ET.Element("schedule")
    day = _sub(root, "day", date=f"{YEAR}-07-11")
    for i, r in enumerate(recs):
        entry = _sub(day, "entry", id=str(i + 1))
        _sub(entry, "category", "Talk")
        _sub(entry, "title", r.title)
        _sub(entry, "abstract", r.abstract)
        speakers = _sub(entry, "speakers")
        for s in r.speakers:
            _sub(_sub(speakers, "speaker"), "name", s)
    return {"schedule.xml": _xml(root)}


def build_csv(recs: list[Rec]) -> dict[str, bytes]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Title", "Abstract", "Speakers"])
    for r in recs:
        writer.writerow([r.title, r.abstract, "; ".join(r.speakers)])
    return {"talks.csv": out.getvalue().encode()}


def build_jsonl(recs: list[Rec]) -> dict[str, bytes]:
    lines = [
        json.dumps({"title": r.title, "abstract": r.abstract, "speakers": list(r.speakers)})
        for r in recs
    ]
    return {"talks.jsonl": ("\n".join(lines) + "\n").encode()}


def build_json_records(recs: list[Rec]) -> dict[str, bytes]:
    data = [{"title": r.title, "abstract": r.abstract, "speakers": list(r.speakers)} for r in recs]
    return {"talks.json": json.dumps(data, ensure_ascii=False).encode()}


def build_talktopics_json(recs: list[Rec]) -> dict[str, bytes]:
    talks = [
        {
            "id": f"robust-conf-{YEAR}-{i}",
            "title": r.title,
            "conference": CONF,
            "year": YEAR,
            "speakers": list(r.speakers),
            "abstract": r.abstract,
        }
        for i, r in enumerate(recs)
    ]
    data = {"name": f"{CONF} {YEAR}", "sources": ["x"], "talks": talks, "issues": []}
    return {"corpus.json": json.dumps(data, ensure_ascii=False).encode()}


BUILDERS: dict[str, Callable[[list[Rec]], dict[str, bytes]]] = {
    "markdown": build_markdown,
    "pyvideo": build_pyvideo,
    "frab-json": build_frab_json,
    "frab-xml": build_frab_xml,
    "pretalx-api": build_pretalx_api,
    "pretalx-widget": build_pretalx_widget,
    "pyconde-talks": build_pyconde_talks,
    "pyconde-databag": build_pyconde_databag,
    "europython-sessions": build_europython_sessions,
    "europython-xml": build_europython_xml,
    "csv": build_csv,
    "jsonl": build_jsonl,
    "json-records": build_json_records,
    "talktopics-json": build_talktopics_json,
}


def build(fmt: str, recs: list[Rec]) -> tuple[dict[str, bytes], str]:
    """Files of one format and the path to read (the pyvideo folder, else the file)."""
    files = BUILDERS[fmt](recs)
    return files, ("pv" if fmt == "pyvideo" else next(iter(files)))


SAMPLE = [
    Rec(title="Graph topic models with Infomap", abstract="Words as nodes.", speakers=("A B",)),
    Rec(title="Тематическое моделирование", abstract="Граф слов и темы.", speakers=SPEAKERS[:2]),
    Rec(title="数据科学 🐍 für Anfänger", abstract="Größen und Maße. שלום עולם", speakers=()),
]


def test_every_reader_has_a_builder() -> None:
    """A new reader must be added here, so it gets the same robustness checks."""
    assert set(BUILDERS) == set(TALK_FORMATS)


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_sample_of_each_format_is_detected_and_read(scratch: _Scratch, fmt: str) -> None:
    files, read = build(fmt, SAMPLE)
    corpus, _ = ingest_files(scratch(), files, read=read)
    assert [t.title for t in corpus.talks] == [r.title for r in SAMPLE]
    assert {t.source.format for t in corpus.talks} == {fmt}
    assert [t.notes if fmt == "markdown" else t.abstract for t in corpus.talks] == [
        r.abstract for r in SAMPLE
    ]
    assert not [i for i in corpus.issues if i.level == "error"], corpus.issues


# --- strategies -----------------------------------------------------------------------------

# Letters of many scripts (Latin with diacritics, Cyrillic, Greek, CJK, Hebrew, Arabic), digits,
# emoji and punctuation that means nothing in any of the formats.
_WORD_CHARS = (
    "abcxyzABCXYZäöüßéñçøÅ"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяЖЩЯ"
    "αβγδΩ"
    "数据科学機械学習한국어"
    "שלוםעולם"
    "مرحبابالعالم"
    "0123456789"
    "🐍🚀👩‍💻"
)
_SAFE_PUNCT = ".,;?+=%$@~^'\"&/|()-"

words = st.text(alphabet=_WORD_CHARS + _SAFE_PUNCT, min_size=1, max_size=12)
titles = st.lists(words, min_size=1, max_size=8).map(" ".join)
abstracts = st.lists(words, min_size=1, max_size=30).map(" ".join)


@st.composite
def records(draw: st.DrawFn, min_size: int = 1, max_size: int = 6) -> list[Rec]:
    ts = draw(
        st.lists(
            titles.filter(lambda t: normalise_title(t) and not is_organisational(None, t)),
            min_size=min_size,
            max_size=max_size,
            unique_by=normalise_title,
        )
    )
    out = []
    for title in ts:
        out.append(
            Rec(
                title=title,
                abstract=draw(abstracts),
                speakers=tuple(draw(st.lists(st.sampled_from(SPEAKERS), max_size=2, unique=True))),
            )
        )
    return out


# --- valid records come back unchanged ------------------------------------------------------


@PROPERTY
@given(recs=records(), fmt=st.sampled_from(sorted(BUILDERS)))
def test_valid_records_round_trip(scratch: _Scratch, recs: list[Rec], fmt: str) -> None:
    if fmt == "markdown":
        # Inline Markdown in a heading is markup, not title text; keep to plain characters.
        assume(all(not re.search(r"[\\`*_\[\]<>{}#!|]", r.title) for r in recs))
    files, read = build(fmt, recs)
    corpus, _ = ingest_files(scratch(), files, read=read)
    assert [t.title for t in corpus.talks] == [r.title for r in recs]
    text = [t.notes if fmt == "markdown" else t.abstract for t in corpus.talks]
    assert text == [r.abstract for r in recs]
    if fmt != "markdown":
        assert [t.speakers for t in corpus.talks] == [r.speakers for r in recs]
    assert corpus.skipped == 0


# --- mutated files keep the contract --------------------------------------------------------

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)
_JUNK = (
    b"\x00",
    b"\xff\xfe",
    b"\xc3",
    b"\r",
    b"\r\n",
    b"<",
    b"{",
    b"]",
    b'"',
    b",",
    b"#",
    b"\x1b[2J",
)


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` changed in one to three random ways."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                ["truncate", "insert", "delete", "duplicate", "nul", "crlf", "cr", "bom", "flip"]
            )
        )
        n = len(data)
        pos = draw(st.integers(0, max(n - 1, 0)))
        if kind == "truncate":
            data = data[:pos]
        elif kind == "insert":
            data = data[:pos] + draw(st.sampled_from(_JUNK)) + data[pos:]
        elif kind == "delete":
            data = data[:pos] + data[pos + draw(st.integers(1, 40)) :]
        elif kind == "duplicate":
            data = data[:pos] + data[pos : pos + 60] + data[pos:]
        elif kind == "nul":
            data = data.replace(b" ", b" \x00", draw(st.integers(1, 5)))
        elif kind == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif kind == "cr":
            data = data.replace(b"\n", b"\r")
        elif kind == "bom":
            bom = draw(st.sampled_from(_BOMS))
            if bom == codecs.BOM_UTF8:
                data = bom + data
            else:  # a BOM must match the encoding, else the file is (rightly) undecodable
                codec = {2: "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"}.get(
                    len(bom), "utf-32-le"
                )
                data = bom + data.decode("utf-8", "replace").encode(codec)
        elif kind == "flip" and n:
            data = data[:pos] + bytes([data[pos] ^ 0x20]) + data[pos + 1 :]
    return data


@PROPERTY
@given(fmt=st.sampled_from(sorted(BUILDERS)), data=st.data())
def test_mutated_files_keep_the_contract(scratch: _Scratch, fmt: str, data: st.DataObject) -> None:
    files, read = build(fmt, SAMPLE)
    name = max(files, key=lambda k: len(files[k]))  # the main file (not category.json)
    files[name] = data.draw(mutations(files[name]))
    ingest_files(scratch(), files, read=read)


@PROPERTY
@given(fmt=st.sampled_from(sorted(BUILDERS)), data=st.data())
def test_mutated_files_with_forced_format(scratch: _Scratch, fmt: str, data: st.DataObject) -> None:
    """``--format`` on a damaged file of another (or the same) format: issues, no crash."""
    files, read = build(fmt, SAMPLE)
    name = max(files, key=lambda k: len(files[k]))
    files[name] = data.draw(mutations(files[name]))
    forced = data.draw(st.sampled_from(TALK_FORMATS))
    ingest_files(scratch(), files, read=read, format=forced)


# --- arbitrary content ----------------------------------------------------------------------

_SUFFIXES = (".md", ".json", ".xml", ".csv", ".tsv", ".jsonl", ".txt", "")


@PROPERTY
@given(
    text=st.text(max_size=300),
    suffix=st.sampled_from(_SUFFIXES),
    fmt=st.sampled_from([None, *TALK_FORMATS]),
)
def test_arbitrary_text(scratch: _Scratch, text: str, suffix: str, fmt: str | None) -> None:
    data = text.encode("utf-8", "surrogatepass")
    ingest_files(scratch(), {f"input{suffix}": data}, format=fmt)


_JSON_KEYS = sorted(
    {
        "title", "abstract", "description", "speakers", "persons", "schedule", "conference",
        "days", "rooms", "events", "date", "slot", "slots", "results", "talks", "code",
        "dates", "sessions", "videos", "recorded", "tags", "domains", "track", "name",
        "public_name", "website_url", "submission_type", "state", "issues", "sources",
        "category", "slug", "start", "room", "id", "speaker_names", "short_description",
    }
)  # fmt: skip
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "2024-05-01T10:00:00+02:00", "javascript:alert(1)", "https://x.org"])
)
json_values = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(_JSON_KEYS), children, max_size=6)
    ),
    max_leaves=30,
)


@PROPERTY
@given(value=json_values, fmt=st.sampled_from([None, *TALK_FORMATS]))
def test_arbitrary_json(scratch: _Scratch, value: Any, fmt: str | None) -> None:
    data = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    ingest_files(scratch(), {"data.json": data}, format=fmt)


@PROPERTY
@given(fmt=st.sampled_from(sorted(BUILDERS)), data=st.data())
def test_any_value_in_any_field(scratch: _Scratch, fmt: str, data: st.DataObject) -> None:
    """A record whose fields hold the wrong types (lists, objects, numbers, null) is read or
    skipped with an issue; the other records of the file are still read."""
    if fmt in ("markdown", "csv", "frab-xml", "europython-xml"):
        return  # no typed values in these formats
    files, read = build(fmt, SAMPLE)
    name = max(files, key=lambda k: len(files[k]))
    value = data.draw(json_values)
    text = files[name].decode()
    field = data.draw(st.sampled_from(["abstract", "speakers", "title", "code", "start"]))
    replaced, n = re.subn(
        rf'"{field}": ("[^"]*"|\[[^\]]*\])',
        lambda _: f'"{field}": {json.dumps(value)}',
        text,
        count=1,
    )
    files[name] = replaced.encode()
    corpus, _ = ingest_files(scratch(), files, read=read)
    if n and fmt != "pyvideo":  # in pyvideo each record is its own file
        assert len(corpus.talks) >= len(SAMPLE) - 1, corpus.issues


# --- XML ------------------------------------------------------------------------------------

_XML_TAGS = ("schedule", "conference", "title", "day", "room", "event", "entry", "persons",
             "person", "speakers", "speaker", "name", "abstract", "category", "topics", "topic",
             "start", "type", "x")  # fmt: skip
xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x1FFFF), max_size=20
)


@st.composite
def xml_trees(draw: st.DrawFn, depth: int = 0) -> ET.Element:
    node = ET.Element(draw(st.sampled_from(_XML_TAGS)))
    if draw(st.booleans()):
        node.set(draw(st.sampled_from(["id", "date", "name"])), draw(xml_text))
    node.text = draw(xml_text)
    if depth < 4:
        for child in draw(st.lists(xml_trees(depth=depth + 1), max_size=3)):
            node.append(child)
    return node


@PROPERTY
@given(tree=xml_trees(), fmt=st.sampled_from([None, "frab-xml", "europython-xml"]))
def test_arbitrary_xml(scratch: _Scratch, tree: ET.Element, fmt: str | None) -> None:
    root = tree if tree.tag == "schedule" else ET.Element("schedule")
    if root is not tree:
        root.append(tree)
    ingest_files(scratch(), {"schedule.xml": _xml(root)}, format=fmt)


_SECRET = "TOP-SECRET-CONTENT-42"


def _xml_attacks(secret: Path) -> dict[str, str]:
    uri = secret.as_uri()
    event = "<schedule><day><room><event id='1'><title>{}</title></event></room></day></schedule>"
    return {
        "billion-laughs": (
            '<?xml version="1.0"?>\n<!DOCTYPE schedule [\n<!ENTITY l0 "ha">\n'
            + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">\n' for i in range(1, 10))
            + "]>\n"
            + event.format("&l9;")
        ),
        "quadratic-blowup": (
            f'<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY a "{"x" * 50_000}">]>\n'
            + event.format("&a;" * 2000)
        ),
        "external-entity": (
            f'<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY s SYSTEM "{uri}">]>\n'
            + event.format("&s;")
        ),
        "parameter-entity": (
            f'<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY % p SYSTEM "{uri}"> %p;]>\n'
            + event.format("Talk")
        ),
        "external-dtd": (
            f'<?xml version="1.0"?>\n<!DOCTYPE schedule SYSTEM "{uri}">\n' + event.format("Talk")
        ),
        "xinclude": (
            '<schedule xmlns:xi="http://www.w3.org/2001/XInclude"><day><room><event id="1">'
            f'<title><xi:include href="{uri}" parse="text"/></title></event></room></day>'
            "</schedule>"
        ),
    }


@pytest.mark.parametrize("attack", sorted(_xml_attacks(Path("/x"))))
@pytest.mark.parametrize("fmt", [None, "frab-xml", "europython-xml"])
def test_xml_attacks_are_refused_not_expanded(tmp_path: Path, attack: str, fmt: str | None) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(_SECRET, encoding="utf-8")
    path = tmp_path / "schedule.xml"
    path.write_text(_xml_attacks(secret)[attack], encoding="utf-8")
    corpus = read_talks([path], format=fmt)
    check_contract(corpus, str(path))
    everything = json.dumps([str(t) for t in corpus.talks], ensure_ascii=False)
    assert _SECRET not in everything and "hahaha" not in everything
    assert "x" * 1000 not in everything
    if attack in ("xinclude", "external-dtd"):
        # Neither is fetched: the parser loads no external DTD and processes no XInclude, so
        # the document is read as it stands (and the secret file is never opened).
        assert {t.title for t in corpus.talks} <= {"Talk"}
        return
    assert corpus.talks == ()
    (issue,) = corpus.issues
    assert issue.level == "error" and "refused unsafe XML" in issue.message


def test_xml_character_references_and_encoding_declaration(tmp_path: Path) -> None:
    """Predefined entities and character references are text, and a declared encoding (the
    file is UTF-16 with a BOM) is honoured."""
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<schedule><conference><title>Conf 2020'
        "</title></conference><day date='2020-01-01'><room name='R'><event id='1'>"
        "<title>R&amp;D &lt;fast&gt; &#x1F40D; &#1046;</title></event></room></day></schedule>"
    )
    path = tmp_path / "schedule.xml"
    path.write_bytes(codecs.BOM_UTF16_LE + xml.encode("utf-16-le"))
    (talk,) = read_talks([path]).talks
    assert talk.title == "R&D <fast> 🐍 Ж"


# --- JSON -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [None, *sorted(f for f in BUILDERS if "json" in f or "-" in f)])
def test_deeply_nested_json_is_an_issue(tmp_path: Path, fmt: str | None) -> None:
    for depth in (100_000, 2_000):
        path = tmp_path / f"deep{depth}.json"
        path.write_text('{"title": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
        corpus = read_talks([path], format=fmt)
        check_contract(corpus, str(path))


@pytest.mark.parametrize("fmt", sorted(f for f in BUILDERS if f not in ("markdown", "csv")))
def test_nested_values_inside_a_record(scratch: _Scratch, fmt: str) -> None:
    """Values nested as deep as the JSON parser allows, in every field of every record."""
    files, read = build(fmt, SAMPLE)
    name = max(files, key=lambda k: len(files[k]))
    deep = "[" * 900 + '"x"' + "]" * 900
    if name.endswith(".xml"):
        deep_xml = "<x>" * 900 + "deep" + "</x>" * 900
        files[name] = files[name].replace(b"<abstract>", b"<abstract>" + deep_xml.encode())
    else:
        text = re.sub(r'"(abstract|speakers|short_description)": ', rf'"\1": {deep}, "_": ',
                      files[name].decode())  # fmt: skip
        files[name] = text.encode()
    corpus, _ = ingest_files(scratch(), files, read=read)
    assert [t.title for t in corpus.talks] == [r.title for r in SAMPLE]


def test_huge_numbers_in_json(scratch: _Scratch) -> None:
    """Python refuses to turn integers of more than 4,300 digits into text (ValueError)."""
    big = "9" * 5000
    for name, text in {
        "records.json": f'[{{"title": "A", "abstract": {big}}}, {{"title": "B"}}]',
        "video.json": f'{{"title": "A", "videos": [], "recorded": {big}}}',
        "talks.jsonl": f'{{"title": "A", "year": {big}}}\n{{"title": "B"}}\n',
        "lines.txt": f'{{"title": "A", "n": {big}}}\n',
    }.items():
        corpus, _ = ingest_files(scratch(), {name: text.encode()})
        if name == "lines.txt":  # one object of no known shape: reported, nothing to read
            assert corpus.talks == () and corpus.issues
            continue
        # The number alone is cut out (read as null): its record and the others are read.
        assert corpus.talks and corpus.talks[0].title == "A", name
        if name in ("talks.jsonl", "records.json"):
            assert [t.title for t in corpus.talks] == ["A", "B"]
            (issue,) = [i for i in corpus.issues if i.level == "error"]
            assert issue.source.record.startswith("line 1, column ")
            assert "5,000 digits" in issue.message


def test_truncated_json_names_line_and_column(tmp_path: Path) -> None:
    files, _ = build("pretalx-api", SAMPLE)
    data = files["talks.json"]
    path = tmp_path / "talks.json"
    path.write_bytes(data[: len(data) // 2])
    corpus = read_talks([path])
    check_contract(corpus, str(path))
    errors = [i for i in corpus.issues if i.level == "error"]
    assert errors and any(_POSITION.search(i.source.record) for i in errors), errors


# --- CSV ------------------------------------------------------------------------------------


@PROPERTY
@given(
    header=st.lists(
        st.sampled_from(["title", "Title", "abstract", "speakers", "x", ""]), max_size=5
    ),
    rows=st.lists(st.lists(st.text(max_size=12), max_size=7), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]),
)
def test_csv_wrong_columns(
    scratch: _Scratch, header: list[str], rows: list[list[str]], delimiter: str, quoting: int
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, escapechar="\\")
    try:
        writer.writerow(header)
        writer.writerows(rows)
    except csv.Error:  # e.g. an empty single field cannot be written unquoted
        assume(False)
    corpus, _ = ingest_files(
        scratch(), {"talks.csv": out.getvalue().encode("utf-8", "surrogatepass")}
    )
    if not any(h.casefold() == "title" for h in header):
        assert corpus.talks == ()


def test_csv_ragged_rows_are_read_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "talks.csv"
    path.write_text(
        'title,abstract\nOne,first\nTwo\nThree,third,EXTRA,MORE\n"Four, quoted",x\n"Five,open\n',
        encoding="utf-8",
    )
    corpus = read_talks([path])
    check_contract(corpus, str(path))
    titles = [t.title for t in corpus.talks]
    assert titles[:4] == ["One", "Two", "Three", "Four, quoted"]
    records = {i.source.record for i in corpus.issues}
    assert {"line 3", "line 4"} <= records  # the short and the long row, by line


# --- encodings, BOMs, line endings, NUL bytes -----------------------------------------------

_ENCODINGS = {
    "utf-8-bom": lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    "utf-16-le": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-16-be": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    "utf-32-le": lambda s: codecs.BOM_UTF32_LE + s.encode("utf-32-le"),
}


@pytest.mark.parametrize("encoding", sorted(_ENCODINGS))
@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_byte_order_marks(scratch: _Scratch, fmt: str, encoding: str) -> None:
    files, read = build(fmt, SAMPLE)
    name = max(files, key=lambda k: len(files[k]))
    text = files[name].decode()
    if encoding != "utf-8-bom" and name.endswith(".xml"):
        text = text.replace('encoding="UTF-8"', f'encoding="{encoding[:6].upper()}"')
    files[name] = _ENCODINGS[encoding](text)
    corpus, _ = ingest_files(scratch(), files, read=read)
    assert [t.title for t in corpus.talks] == [r.title for r in SAMPLE]


@pytest.mark.parametrize("newline", ["\r\n", "\r", "mixed"])
@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_line_endings(scratch: _Scratch, fmt: str, newline: str) -> None:
    files, read = build(fmt, SAMPLE)
    name = max(files, key=lambda k: len(files[k]))
    lines = files[name].decode().split("\n")
    if newline == "mixed":
        ends = ["\r\n", "\n", "\r"]
        text = "".join(line + ends[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    else:
        text = newline.join(lines)
    files[name] = text.encode()
    corpus, _ = ingest_files(scratch(), files, read=read)
    assert [t.title for t in corpus.talks] == [r.title for r in SAMPLE]


def test_line_endings_inside_text_become_newlines(tmp_path: Path) -> None:
    path = tmp_path / "talks.jsonl"
    path.write_text(json.dumps({"title": "T", "abstract": "a\r\nb\rc\nd"}) + "\n", encoding="utf-8")
    (talk,) = read_talks([path]).talks
    assert talk.abstract == "a\nb\nc\nd"


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_nul_bytes_are_dropped(scratch: _Scratch, fmt: str) -> None:
    files, read = build(fmt, SAMPLE)
    name = max(files, key=lambda k: len(files[k]))
    files[name] = files[name].replace(b" ", b" \x00").replace(b"a", b"a\x00")
    corpus, _ = ingest_files(scratch(), files, read=read)
    assert [t.title for t in corpus.talks] == [r.title for r in SAMPLE]


def test_non_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "talks.csv"
    path.write_bytes("title\nÄrger\nCafé\n".encode("cp1252"))
    corpus = read_talks([path])
    (issue,) = corpus.issues
    assert issue.level == "error" and issue.source.record == "line 2, column 1"
    assert "UTF-8" in issue.message and "re-save" in issue.message


def test_utf16_without_bom_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "talks.csv"
    path.write_bytes("title\nÜber Python\n".encode("utf-16-le"))
    corpus = read_talks([path])
    check_contract(corpus, str(path))
    assert corpus.talks == ()
    (issue,) = corpus.issues
    assert issue.level == "error" and _POSITION.search(issue.source.record)


# --- ten-megabyte single lines, including patterns that make regexes backtrack -------------

_TEN_MB = 10_000_000
_HOSTILE_LINES = {
    "plain": "lorem ipsum dolor " * (_TEN_MB // 18),
    "emphasis": " *a" * (_TEN_MB // 3),
    "links": "[a" * (_TEN_MB // 2),
    "anchor-links": "[x](#" * (_TEN_MB // 5),
    "images": "![a" * (_TEN_MB // 3),
    "tags": "<img" * (_TEN_MB // 4),
    "attr-ids": "{#a" * (_TEN_MB // 3),
    "spaces": "a" + " " * _TEN_MB + "b",
    "one-word": "x" * _TEN_MB,
}


@pytest.mark.timeout(120)  # a hang guard, not a timing: quadratic regexes take hours here
@pytest.mark.parametrize("pattern", sorted(_HOSTILE_LINES))
@pytest.mark.parametrize("where", ["notes", "heading", "title"])
def test_ten_megabyte_markdown_line(tmp_path: Path, pattern: str, where: str) -> None:
    line = _HOSTILE_LINES[pattern]
    text = {
        "notes": f"# Notes 2020\n\n## First\n\n{line}\n\n## Second\n\nok\n",
        "heading": f"# Notes 2020\n\n## {line}\n\nnotes\n\n## Second\n\nok\n",
        "title": f"# {line}\n\n## First\n\nnotes\n\n## Second\n\nok\n",
    }[where]
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    corpus = read_talks([path])
    check_contract(corpus, str(path))
    assert "Second" in [t.title for t in corpus.talks]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fmt", sorted(f for f in BUILDERS if f != "markdown"))
def test_ten_megabyte_field(scratch: _Scratch, fmt: str) -> None:
    big = _HOSTILE_LINES["plain"][:_TEN_MB].strip()
    recs = [Rec(title="Big", abstract=big, speakers=()), *SAMPLE[1:]]
    files, read = build(fmt, recs)
    corpus, _ = ingest_files(scratch(), files, read=read)
    assert [t.title for t in corpus.talks] == ["Big", *(r.title for r in SAMPLE[1:])]
    first = corpus.talks[0]
    assert len(first.abstract) == IngestLimits().max_text_chars
    assert first.abstract == big[: len(first.abstract)]
    (warning,) = [i for i in corpus.issues if "truncated" in i.message]
    assert warning.level == "warning" and warning.source.record


# --- limits ---------------------------------------------------------------------------------


def test_limits_are_configurable_in_toml(tmp_path: Path) -> None:
    config = tmp_path / "talktopics.toml"
    config.write_text(
        "[ingest]\nmax_file_bytes = 4096\nmax_text_chars = 10\nmax_talks = 2\n", encoding="utf-8"
    )
    limits = load_config(config).ingest
    assert (limits.max_file_bytes, limits.max_text_chars, limits.max_talks) == (4096, 10, 2)
    files, _ = build("jsonl", SAMPLE)
    corpus, _ = ingest_files(tmp_path, files, limits=limits)
    assert [t.abstract for t in corpus.talks] == [r.abstract[:10] for r in SAMPLE[:2]]
    assert any("IngestLimits.max_talks" in i.message and i.level == "error" for i in corpus.issues)
    assert sum("truncated to 10" in i.message for i in corpus.issues) >= 2

    huge = tmp_path / "huge.jsonl"
    huge.write_bytes(b'{"title": "x"}\n' * 300)
    corpus = read_talks([huge], limits=limits)
    (issue,) = corpus.issues
    assert "over the limit of 4,096 bytes" in issue.message and issue.source.path == str(huge)


def test_limits_apply_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "talktopics.toml"
    config.write_text("[ingest]\nmax_talks = 1\n", encoding="utf-8")
    files, _ = build("csv", SAMPLE)
    (tmp_path / "talks.csv").write_bytes(files["talks.csv"])
    out = tmp_path / "out.json"
    code = main(["ingest", "-q", "--config", str(config), str(tmp_path / "talks.csv"),
                 "--json", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == ExitCode.SKIPPED
    assert "max_talks" in err and "Traceback" not in err
    assert len(json.loads(out.read_text(encoding="utf-8"))["talks"]) == 1


@pytest.mark.parametrize(
    "line",
    [
        "max_talks = 0",
        "max_talks = -5",
        'max_talks = "many"',
        "max_text_chars = 0",
        "max_file_bytes = -1",
        "max_file_bytes = 1.5",
        "max_talks = true",
        "unknown_limit = 3",
    ],
)
def test_bad_limits_are_a_config_error(
    tmp_path: Path, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "talktopics.toml"
    config.write_text(f"[ingest]\n{line}\n", encoding="utf-8")
    name = line.split(" = ")[0]
    with pytest.raises(ConfigError, match=rf"ingest(\.|: unknown option '){name}"):
        load_config(config)
    talks = tmp_path / "talks.csv"
    talks.write_text("title\nA talk\n", encoding="utf-8")
    assert main(["ingest", "-q", "--config", str(config), str(talks)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ingest" in err and name in err


# --- the command line never shows a traceback -----------------------------------------------


@PROPERTY
@given(fmt=st.sampled_from(sorted(BUILDERS)), data=st.data())
def test_cli_ingest_never_shows_a_traceback(
    scratch: _Scratch, capsys: pytest.CaptureFixture[str], fmt: str, data: st.DataObject
) -> None:
    files, read = build(fmt, SAMPLE)
    name = max(files, key=lambda k: len(files[k]))
    files[name] = data.draw(mutations(files[name]))
    folder = scratch()
    for rel, content in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(content)
    out = folder / "out.json"
    code = main(["ingest", str(folder / read), "--json", str(out)])
    captured = capsys.readouterr()
    assert code in (ExitCode.OK, ExitCode.SKIPPED, ExitCode.FAILED)
    assert "Traceback" not in captured.out + captured.err
    written = json.loads(out.read_text(encoding="utf-8"))
    assert (code == ExitCode.FAILED) == (not written["talks"])
    skipped = any(i["level"] == "error" for i in written["issues"])
    assert code == (ExitCode.FAILED if not written["talks"] else int(skipped))
    if code == ExitCode.FAILED:
        assert "no talk could be read" in captured.err


def test_cli_digest_with_nothing_readable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"schedule": {"conference": {"days": [')
    out = tmp_path / "out"
    code = main(["digest", str(bad), str(tmp_path / "missing.md"), "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert code == ExitCode.FAILED
    assert "Traceback" not in captured.out + captured.err
    assert str(bad) in captured.err and "missing.md" in captured.err
    assert not out.exists() or not any(out.iterdir())


def test_terminal_escapes_in_input_do_not_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A title or file content with ANSI/OSC escape sequences must not drive the terminal."""
    path = tmp_path / "talks.jsonl"
    evil = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRed\x1b[0m [bold]markup[/bold]"
    path.write_text(
        json.dumps({"title": evil, "abstract": "x"}) + "\n" + '{"title": "\x1b[2J broken\n',
        encoding="utf-8",
    )
    main(["ingest", str(path)])
    captured = capsys.readouterr()
    assert "\x1b]0;" not in captured.out + captured.err
    assert "\x1b[2J" not in captured.out + captured.err


@pytest.mark.parametrize("command", ["digest", "compare"])
def test_cli_output_folder_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Found before any slow stage runs, and reported without a traceback."""
    files, _ = build("jsonl", SAMPLE)
    (tmp_path / "a.jsonl").write_bytes(files["talks.jsonl"])
    (tmp_path / "b.jsonl").write_bytes(files["talks.jsonl"])
    taken = tmp_path / "taken"
    taken.write_text("not a folder", encoding="utf-8")
    inputs = [str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")]
    for out in (taken, taken / "sub"):
        code = main([command, *inputs, "-o", str(out), "-q"])
        captured = capsys.readouterr()
        assert code == ExitCode.USAGE
        assert "Traceback" not in captured.out + captured.err
        assert f"{taken} is not a folder" in captured.err
    assert taken.read_text(encoding="utf-8") == "not a folder"


def _hostile_value(size: int = 2_000_000) -> str:
    """What once took hours in one field: distinct names joined by separators (quadratic
    de-duplication), then a run of spaces (quadratic regex backtracking). 2 MB is plenty: at
    40,000 spaces the old code already took minutes (10 MB lines are tested above)."""
    names = " and ".join(f"n{i}, m{i}; t{i}" for i in range(size // 20))[: size // 2]
    return names + " " * (size // 2) + "end"


def _fill_record(value: Any, hostile: str) -> Any:
    """``value`` (a record) with every string in it except its title replaced by ``hostile``."""
    if isinstance(value, str):
        return hostile
    if isinstance(value, list):
        return [_fill_record(v, hostile) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "title" else _fill_record(v, hostile) for k, v in value.items()}
    return value


def _fill_first_record(name: str, data: bytes, hostile: str) -> bytes:
    target = SAMPLE[0].title
    if name.endswith(".xml"):
        root = ET.fromstring(data)
        for node in root.iter():
            if node.findtext("title") == target:
                for child in node.iter():
                    if child is not node and child.tag != "title":
                        child.text = hostile
                break
        return _xml(root)
    if name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(data.decode())))
        rows[1] = [rows[1][0], *(hostile for _ in rows[1][1:])]
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode()

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if value.get("title") == target:
                return _fill_record(value, hostile)
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    if name.endswith(".jsonl"):
        lines = [json.dumps(walk(json.loads(line))) for line in data.decode().splitlines()]
        return ("\n".join(lines) + "\n").encode()
    return json.dumps(walk(json.loads(data))).encode()


@pytest.mark.timeout(180)  # a hang guard, not a timing
@pytest.mark.parametrize("fmt", sorted(f for f in BUILDERS if f != "markdown"))
def test_huge_values_in_every_field(scratch: _Scratch, fmt: str) -> None:
    files, read = build(fmt, SAMPLE)
    name = next(n for n in files if SAMPLE[0].title.encode() in files[n])
    files[name] = _fill_first_record(name, files[name], _hostile_value())
    corpus, _ = ingest_files(scratch(), files, read=read)
    assert [t.title for t in corpus.talks] == [r.title for r in SAMPLE]
