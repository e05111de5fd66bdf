"""Browsing the HTML digest in real headless Chromium at laptop and phone widths: filters and
search select the same talks everywhere (counts, chart, menu, network tooltips), the schedule
lists each day's talks by start time, the URL fragment restores the selection, the shown talks
download as .ics and .csv that parse, and the topic menu and back-to-top work. Every page load
is checked for console errors and network requests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.sample_digest import TALKS
from fixtures.sample_digest import sample_digest as make_sample
from talktopics.render.html import render_html, topic_colours

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
N = len(TALKS)
DATED = [t for t in TALKS if t.date and t.start]


@pytest.fixture(scope="module")
def digest_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("browse") / "digest.html"
    path.write_text(render_html(make_sample()), encoding="utf-8")
    return path.as_uri()


class Page:
    """A page of the digest with console errors, page errors and requests recorded."""

    def __init__(self, context: Any, url: str) -> None:
        self.url = url.split("#", 1)[0]
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"{m.type}: {m.text}")
                if m.type in {"error", "warning"}
                else None
            ),
        )
        self.page.on("pageerror", lambda exc: self.problems.append(str(exc)))
        self.page.on("request", self._request)
        self.page.goto(url)
        self.page.wait_for_function("() => window.talktopics && window.talktopics.cy")

    def _request(self, req: Any) -> None:
        if req.url.split("#", 1)[0] != self.url and not req.url.startswith("blob:"):
            self.problems.append(f"request: {req.url}")

    def count_text(self) -> str:
        return str(self.page.locator("#tt-count").inner_text())

    def visible_cards(self) -> int:
        return int(self.page.locator("article.talk:visible").count())

    def open_filters(self) -> None:
        self.page.evaluate("document.getElementById('tt-filters').open = true")

    def clear(self) -> None:
        self.page.evaluate("document.getElementById('tt-clear').click()")


@pytest.fixture(params=list(VIEWPORTS), scope="module")
def context(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(
        viewport=VIEWPORTS[request.param], device_scale_factor=1, accept_downloads=True
    )
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def shown(context: Any, digest_url: str) -> Iterator[Page]:
    page = Page(context, digest_url)
    yield page
    assert not page.problems, page.problems


def test_only_useful_filters_are_offered(shown: Page) -> None:
    page = shown.page
    keys = page.eval_on_selector_all(
        "select[data-filter]", "els => els.map(e => e.getAttribute('data-filter'))"
    )
    assert keys == ["day", "room"]  # one session type, track and edition: no filter for them
    days = page.eval_on_selector_all("#tt-filter-day option", "els => els.map(e => e.value)")
    assert days == ["", "2024-04-22", "2024-04-23", "2024-04-24", "Второй день", "Day 1"]
    assert page.locator("#tt-filter-notes").count() == 1


def test_filters_search_and_counts_agree(shown: Page) -> None:
    page = shown.page
    shown.open_filters()
    page.select_option("#tt-filter-day", "2024-04-22")
    assert shown.visible_cards() == 2
    assert shown.count_text() == f"2 of {N} talks match"
    assert page.evaluate("window.talktopics.selection.length") == 2
    chart = page.eval_on_selector_all(
        "svg.chart .bar-count", "els => els.map(e => Number(e.textContent))"
    )
    menu = page.eval_on_selector_all(
        "#tt-menu [data-count-topic]", "els => els.map(e => Number(e.textContent))"
    )
    assert sum(chart) == 2 and sum(menu) == 2 and chart == menu
    assert page.locator("#topic-t1 .topic-count").inner_text() == "1 of 4 talks"
    # the network follows: terms of none of the shown talks and empty topics fade out
    out = "window.talktopics.cy.nodes('.nosel').map(n => n.data('label') || n.data('topic'))"
    page.wait_for_function(f"() => {out}.length > 0")
    faded = page.evaluate(out)
    assert "satellite" in faded and "geodata" not in faded and "pytorch" not in faded
    hubs = page.evaluate("window.talktopics.cy.nodes('.hub.nosel').map(n => n.data('topic'))")
    assert hubs == ["t3"]
    page.fill("#tt-search", "geodata")
    assert shown.visible_cards() == 1
    assert shown.count_text() == f"1 of {N} talks match"
    page.fill("#tt-search", "")
    shown.clear()
    page.locator("#tt-filter-notes").check()
    ids = page.evaluate("window.talktopics.selection")
    assert ids == [f"talk-{TALKS[1].id}"]  # the only talk with notes
    shown.clear()
    assert shown.count_text() == f"{N} talks"
    assert page.evaluate("window.talktopics.selection.length") == N
    page.wait_for_function("() => window.talktopics.cy.nodes('.nosel').length === 0")


def test_a_terms_count_is_what_find_talks_finds(shown: Page) -> None:
    page = shown.page
    shown.open_filters()
    page.select_option("#tt-filter-room", "Hall B")
    for label in ("data", "geodata", "test", "map"):
        said = page.evaluate("l => window.talktopics.countFor(l)", label)
        page.evaluate("l => window.talktopics.search(l)", label)
        assert shown.visible_cards() == said, label
    shown.clear()


def test_selection_event_carries_the_ids(shown: Page) -> None:
    page = shown.page
    page.evaluate(
        """() => { window.__seen = [];
                   document.addEventListener('talktopics:selection',
                     e => window.__seen.push(e.detail.ids)); }"""
    )
    page.fill("#tt-search", "python")
    seen = page.evaluate("window.__seen[window.__seen.length - 1]")
    cards = page.eval_on_selector_all("article.talk:not([hidden])", "els => els.map(e => e.id)")
    assert seen == cards and seen
    page.fill("#tt-search", "")


def test_schedule_lists_days_in_order_and_talks_by_time(shown: Page) -> None:
    page = shown.page
    page.locator(".view-switch button[data-view='schedule']").click()
    assert page.locator("#schedule").is_visible()
    assert page.locator(".topic-section:visible").count() == 0
    days = page.eval_on_selector_all(".sched-day", "els => els.map(e => e.dataset.day)")
    assert days == ["2024-04-22", "2024-04-23", "2024-04-24", "Второй день", "Day 1", ""]
    for day in days:
        starts = page.eval_on_selector_all(
            f".sched-day[data-day='{day}'] .sched-grid .sched-item",
            "els => els.map(e => e.dataset.start)",
        )
        assert starts == sorted(starts)
    assert page.locator(".sched-item").count() == N
    # each item has its topic's colour; the untimed talks follow the grid of their day
    colour = page.locator(f".sched-item[data-talk='talk-{TALKS[0].id}']").evaluate(
        "e => e.style.getPropertyValue('--c')"
    )
    sample = make_sample()
    primary = next(t.primary for t in sample.talk_topics if t.talk_id == TALKS[0].id)
    assert colour == topic_colours(sample)[primary]
    assert page.locator(".sched-day[data-day='Day 1'] .sched-untimed .sched-item").count() == 1
    # the filters apply to the schedule too
    shown.open_filters()
    page.select_option("#tt-filter-day", "2024-04-23")
    assert page.locator(".sched-item").count() == 2
    # a click on a talk shows it among the topics
    page.locator(f".sched-item[data-talk='talk-{TALKS[5].id}']").click()
    assert page.locator(f"#talk-{TALKS[5].id}").is_visible()
    assert page.locator("#schedule").is_hidden()
    shown.clear()
    assert "=" not in page.evaluate("location.hash")


def test_fragment_restores_search_and_filters(shown: Page, context: Any) -> None:
    page = shown.page
    shown.open_filters()
    page.select_option("#tt-filter-day", "2024-04-23")
    page.fill("#tt-search", "daten")
    page.locator(".view-switch button[data-view='schedule']").click()
    fragment = page.evaluate("location.hash")
    assert "q=daten" in fragment and "day=2024-04-23" in fragment and "view=schedule" in fragment
    count = shown.count_text()
    again = Page(context, shown.url + fragment)
    try:
        assert again.page.input_value("#tt-search") == "daten"
        assert again.page.input_value("#tt-filter-day") == "2024-04-23"
        assert again.count_text() == count == f"1 of {N} talks match"
        assert again.page.locator("#schedule").is_visible()
        assert again.page.locator(".sched-item").count() == 1
        assert not again.problems, again.problems
    finally:
        again.page.close()
    page.locator(".view-switch button[data-view='topic']").click()
    page.fill("#tt-search", "")
    shown.clear()


def _download(page: Any, button: str) -> str:
    with page.expect_download() as info:
        page.locator(button).click()
    path = info.value.path()
    return Path(path).read_bytes().decode("utf-8")


def test_shown_talks_download_as_ics_and_csv(shown: Page) -> None:
    icalendar = pytest.importorskip("icalendar")
    page = shown.page
    text = _download(page, "#tt-ics")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cal = icalendar.Calendar.from_ical(text)
    events = cal.walk("VEVENT")
    assert len(events) == len(DATED)
    first = next(e for e in events if str(e["UID"]).startswith(TALKS[0].id))
    assert first.decoded("DTSTART").isoformat() == "2024-04-22T11:30:00"
    assert str(first["LOCATION"]) == "Hall A"
    assert all("DTSTAMP" in e for e in events)

    page.fill("#tt-search", "python")
    rows = list(csv.DictReader(io.StringIO(_download(page, "#tt-csv"), newline="")))
    shown_ids = page.evaluate("window.talktopics.selection")
    assert [f"talk-{r['id']}" for r in rows] == shown_ids
    assert rows[0]["title"] and "topic" in rows[0] and "summary" in rows[0]
    page.fill("#tt-search", "")
    # hostile text stays text: escaped in the calendar, no formula in the table
    hostile = {
        "anchor": "x", "uid": "x", "title": "=HYPERLINK(\"x\"); a, b\\ " + "Ж" * 60,
        "speakers": "", "date": "2024-01-02", "start": "09:00", "room": "A;B", "summary": "",
        "topic_label": "", "url": "",
    }  # fmt: skip
    ics = page.evaluate("r => window.talktopics.icsFor([r])", hostile)
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == hostile["title"] and str(event["LOCATION"]) == "A;B"
    table = page.evaluate("r => window.talktopics.csvFor([r])", hostile)
    cell = next(iter(csv.DictReader(io.StringIO(table, newline=""))))["title"]
    assert cell == "'" + hostile["title"]


def test_topic_menu_back_to_top_and_hierarchy(shown: Page) -> None:
    page = shown.page
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.locator("#tt-top").wait_for(state="visible")
    page.locator("#tt-menu summary").click()  # the toolbar stays on screen: the menu is there
    items = page.eval_on_selector_all("#tt-menu .menu-list > li > a", "els => els.length")
    assert items == 4
    subs = page.eval_on_selector_all(
        "#tt-menu .menu-subs li", "els => els.map(e => e.textContent.trim().replace(/\\s+/g, ' '))"
    )
    assert subs == ["pytorch · tensor 2", "topic models 1"]  # t1's sub-topics, with their talks
    page.locator("#tt-menu a[href='#topic-t2']").click()
    assert page.locator("#tt-menu").get_attribute("open") is None
    top = page.locator("#topic-t2").bounding_box()
    assert top is not None and -5 <= top["y"] < 260
    assert page.locator("#topic-t1 .subtopic-tree li").count() == 2
    page.locator("#tt-top").click()
    page.wait_for_function("() => window.scrollY === 0")
