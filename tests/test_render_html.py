"""HTML digest (static checks): escaping, embedded data, CSP, self-containment, determinism.

What the page does in a browser is tested in test_digest_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from fixtures.sample_digest import TALKS, UNICODE_TITLES, XSS_LINK_TITLE, XSS_SCRIPT_TITLE
from fixtures.sample_digest import sample_digest as make_sample
from talktopics.records import Digest, RunInfo, Talk
from talktopics.render.colours import OTHER_COLOUR, PALETTE, label_colours
from talktopics.render.html import STATIC_SCRIPTS, render_html, script_json, topic_colours


class _Page(HTMLParser):
    """Collects elements, attributes and script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._buf: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self._buf = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._buf)))
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._buf.append(data)
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(make_sample())


@pytest.fixture(scope="module")
def parsed(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    return p


def test_is_deterministic_per_seed(page: str) -> None:
    assert render_html(make_sample()) == page
    assert render_html(make_sample(seed=7)) != page  # the network layout depends on the seed


def test_only_our_own_scripts(parsed: _Page) -> None:
    kinds = [attrs.get("type") for attrs, _ in parsed.scripts]
    assert kinds == ["application/json"] + [None] * len(STATIC_SCRIPTS)
    assert all("src" not in attrs for attrs, _ in parsed.scripts)
    assert not any(tag in {"iframe", "object", "embed", "img", "link"} for tag, _ in parsed.tags)


def test_user_text_is_escaped(page: str, parsed: _Page) -> None:
    text = "".join(parsed.text)
    assert XSS_SCRIPT_TITLE in text
    assert XSS_LINK_TITLE in text
    assert "<b>Mallory</b>" in text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    # as text (escaped) in the cards, and in the talk records of the JSON island (<, > escaped)
    cleared = page.replace("onerror=alert(1)&gt;", "").replace("onerror=alert(1)\\u003e", "")
    assert "onerror=" not in cleared


def test_embedded_json_cannot_close_its_script(parsed: _Page) -> None:
    data = parsed.scripts[0][1]
    assert "<" not in data and ">" not in data and "&" not in data
    assert "\u2028" not in data and "\u2029" not in data
    decoded = json.loads(data)
    labels = {n["label"] for n in decoded["nodes"]}
    assert "</script>" in labels  # a term that looks like a closing tag round-trips intact


def test_script_json_escapes_the_dangerous_characters() -> None:
    text = script_json({"a": "</script><!--&\u2028\u2029"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}'
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029"}


def test_csp_forbids_network_and_allows_exactly_our_scripts(parsed: _Page) -> None:
    metas = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert len(metas) == 1 and metas[0]["http-equiv"] == "Content-Security-Policy"
    policy = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in (metas[0]["content"] or "").split(";")
    )
    assert policy["default-src"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"]
    hashes = set(re.findall(r"'sha256-([^']+)'", policy["script-src"]))
    for attrs, body in parsed.scripts:
        if attrs.get("type") is None:
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
            assert digest in hashes
    assert len(hashes) == len(STATIC_SCRIPTS)
    assert policy["base-uri"] == "'none'"


def test_no_network_references(parsed: _Page) -> None:
    for tag, attrs in parsed.tags:
        for name in ("src", "srcset", "data", "action", "poster"):
            assert name not in attrs, (tag, attrs)
        if "href" in attrs:
            href = attrs["href"] or ""
            assert tag == "a", (tag, attrs)
            assert href.startswith("#") or re.match(r"https?://", href), href


def test_links_only_for_http_and_https(page: str, parsed: _Page) -> None:
    hrefs = [a["href"] or "" for t, a in parsed.tags if t == "a" and "href" in a]
    assert "https://example.org/talks/pytorch" in hrefs
    assert "https://example.org/talks/xss?q=%3Cx%3E&y=%221%22" in hrefs
    assert not any(h.lower().startswith(("javascript:", "data:")) for h in hrefs)
    assert "javascript:alert(document.cookie)" not in page


def test_unicode_survives(parsed: _Page) -> None:
    text = "".join(parsed.text)
    for title in UNICODE_TITLES:
        assert title in text
    assert "Мария Иванова" in text and "ليلى" in text and "😀" in text


def test_topic_sections_cards_and_secondary_links(page: str, parsed: _Page) -> None:
    sections = [
        a for t, a in parsed.tags if t == "section" and "topic-section" in (a.get("class") or "")
    ]
    assert [s["data-topic"] for s in sections] == ["t1", "t2", "t3", "other"]
    cards = [a["id"] for t, a in parsed.tags if t == "article"]
    assert cards == [f"talk-{TALKS[i].id}" for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)]
    card6 = page.split(f'id="talk-{TALKS[5].id}"', 1)[1].split("</article>", 1)[0]
    assert 'href="#topic-t1"' in card6 and 'href="#topic-t3"' in card6
    t1 = page.split('id="topic-t1"', 1)[1].split("</header>", 1)[0]
    assert f'href="#talk-{TALKS[5].id}"' in t1  # the reverse link, from the topic to the talk


def test_chart_has_a_bar_per_topic_and_no_topic(page: str) -> None:
    chart = page.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    assert chart.count("<rect") == 4
    assert 'href="#topic-other"' in chart
    assert "testing &amp; typing &lt;tests&gt;" in chart


def test_colours_follow_the_topic_label() -> None:
    digest = make_sample()
    colours = topic_colours(digest)
    assert [colours[t.id] for t in digest.topics] == label_colours(t.label for t in digest.topics)
    assert len({colours[t.id] for t in digest.topics}) == len(digest.topics)
    assert set(colours.values()) <= {*PALETTE, OTHER_COLOUR}
    assert colours["t1.1"] == colours["t1"]


def test_network_data_holds_every_node_and_fuzzy_memberships(parsed: _Page) -> None:
    data = json.loads(parsed.scripts[0][1])
    digest = make_sample()
    assert len(data["nodes"]) == len(digest.word_nodes)
    assert len(data["edges"]) == len(digest.word_edges)
    test = next(n for n in data["nodes"] if n["label"] == "test")
    assert [t for t, _ in test["topics"]] == ["t3", "t1", "t2"]
    # the sub-topic term counts for its parent
    tema = next(n for n in data["nodes"] if n["label"] == "тема")
    assert tema["topics"] == [["t1", 1.0]]
    assert all(t["x"] is not None for t in data["topics"])


def test_empty_digest_renders_without_network() -> None:
    page = render_html(Digest(name="Empty", talks=(), topics=(), run=RunInfo(version="0")))
    assert "0 talks in 0 topics" in page
    assert '"nodes":[]' in page


def test_huge_talk_text_is_cut_in_the_details() -> None:
    talk = Talk(id="a", title="Long", abstract="word " * 5000)
    page = render_html(Digest(name="X", talks=(talk,), topics=(), run=RunInfo(version="0")))
    assert page.count("word ") < 1500
    assert " …" in page


def test_big_corpus_page_stays_loadable() -> None:
    """Details shrink with the corpus so thousands of talks still give a page of a few MB."""
    from talktopics.render.html import _detail_chars

    assert _detail_chars(130) == 6000
    assert _detail_chars(20_000) == 0
    text = "Lorem ipsum dolor sit amet. " * 300
    talks = tuple(Talk(id=f"t{i}", title=f"Talk {i}", abstract=text) for i in range(5000))
    page = render_html(Digest(name="Big", talks=talks, topics=(), run=RunInfo(version="0")))
    assert page.count("<article") == 5000
    assert len(page.encode()) < 12_000_000


def test_filters_only_for_fields_with_several_values() -> None:
    from talktopics.records import Labels
    from talktopics.render.browse import filter_choices, has_notes_choice, talk_records
    from talktopics.render.view import DigestView

    talks = (
        Talk(id="a", title="A", conference="Conf", year=2023, date="2023-05-02", start="9:05",
             room="Hall 1", session_type="Talk", labels=Labels(track="Data"), notes="mine"),
        Talk(id="b", title="B", conference="Conf", year=2024, day="Thursday", room="Hall 1",
             session_type="Talk", labels=Labels(track="Web")),
        Talk(id="c", title="C", conference="Conf", year=2024, day="Wednesday", room="Hall 1"),
    )  # fmt: skip
    view = DigestView(Digest(name="X", talks=talks, topics=(), run=RunInfo(version="0")))
    filters = {f["key"]: [o["value"] for o in f["options"]] for f in filter_choices(view)}
    # one room and one session type: no filter; weekday names in week order after dates
    assert filters == {
        "day": ["2023-05-02", "Wednesday", "Thursday"],
        "track": ["Data", "Web"],
        "edition": ["Conf 2023", "Conf 2024"],
    }
    assert has_notes_choice(view)
    records = talk_records(view, topic_colours(view.digest))
    assert records[0]["start"] == "09:05" and records[0]["notes"] == 1
    assert records[0]["anchor"] == "talk-a" and records[2]["topic"] == "other"
    assert (records[1]["day"], records[1]["edition"], records[1]["track"]) == (
        "Thursday",
        "Conf 2024",
        "Web",
    )


def test_page_offers_the_filters_schedule_menu_and_downloads(page: str, parsed: _Page) -> None:
    ids = {a.get("id") for _, a in parsed.tags}
    for element in ("schedule", "tt-menu", "tt-filter-day", "tt-filter-room", "tt-ics", "tt-csv"):
        assert element in ids, element
    assert "tt-filter-type" not in ids  # every talk with a session type is a "Talk"
    data = json.loads(parsed.scripts[0][1])
    assert [t["anchor"] for t in data["talks"]] == [f"talk-{t.id}" for t in TALKS]
    assert [d["value"] for d in data["days"]][:3] == ["2024-04-22", "2024-04-23", "2024-04-24"]


def test_map_data_has_a_point_per_talk_with_its_topic(parsed: _Page) -> None:
    data = json.loads(parsed.scripts[0][1])
    digest = make_sample()
    assert [p[4] for p in data["map"]] == [tid for tid, _, _ in digest.talk_positions]
    by_id = {p[4]: p for p in data["map"]}
    first = by_id[TALKS[0].id]
    assert first[:4] == [*digest.talk_positions[0][1:], 0, f"talk-{TALKS[0].id}"]
    assert first[5] == TALKS[0].title
    assert by_id[TALKS[10].id][2] == -1  # in no topic
    assert all(len(p[6]) <= 160 for p in data["map"])
    assert any(a.get("id") == "talk-map" for _, a in parsed.tags)
