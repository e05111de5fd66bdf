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
from talktopics.render.html import PALETTE, render_html, script_json, topic_colours


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
    assert kinds == ["application/json", None, None, None, None]
    assert all("src" not in attrs for attrs, _ in parsed.scripts)
    assert not any(tag in {"iframe", "object", "embed", "img", "link"} for tag, _ in parsed.tags)


def test_user_text_is_escaped(page: str, parsed: _Page) -> None:
    text = "".join(parsed.text)
    assert XSS_SCRIPT_TITLE in text
    assert XSS_LINK_TITLE in text
    assert "<b>Mallory</b>" in text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    # the title as text: HTML-escaped in the cards, \u003c-escaped in the map's JSON data
    assert "onerror=" not in page.replace("onerror=alert(1)&gt;", "").replace(
        "onerror=alert(1)\\u003e", ""
    )


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
    assert len(hashes) == 4
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


def test_colours_follow_the_palette() -> None:
    colours = topic_colours(make_sample())
    assert colours["t1"] == PALETTE[0] and colours["t3"] == PALETTE[2]
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
