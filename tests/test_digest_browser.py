"""The HTML digest in real headless Chromium: renders offline, runs no injected script, works
at laptop and phone widths. Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from fixtures.sample_digest import TALKS, UNICODE_TITLES, XSS_LINK_TITLE, XSS_SCRIPT_TITLE
from fixtures.sample_digest import sample_digest as make_sample
from talktopics.render.html import render_html

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def digest_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("digest") / "digest.html"
    path.write_text(render_html(make_sample()), encoding="utf-8")
    return path


class Watched:
    """A page with every console message, page error, dialog and request recorded."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", self._dialog)
        page.on("request", lambda req: self.requests.append(req.url))

    def _console(self, msg: Any) -> None:
        if msg.type in {"error", "warning"}:
            self.console.append(f"{msg.type}: {msg.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self) -> None:
        assert not self.errors, self.errors
        assert not self.console, self.console
        assert not self.dialogs, f"injected script ran: {self.dialogs}"
        others = [u for u in self.requests if u != self.url]
        assert not others, f"network requests: {others}"


@pytest.fixture(params=list(VIEWPORTS), scope="module")
def opened(request: pytest.FixtureRequest, browser: Any, digest_file: Path) -> Iterator[Watched]:
    name = request.param
    context = browser.new_context(viewport=VIEWPORTS[name], device_scale_factor=1)
    page = context.new_page()
    watched = Watched(page, digest_file.as_uri())
    page.goto(watched.url)
    page.wait_for_function("window.talktopics && window.talktopics.cy")
    page.wait_for_timeout(300)  # let cytoscape paint
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"digest-{name}.png"), full_page=True)
    page.locator(".network-panel").screenshot(path=str(ARTIFACTS / f"digest-{name}-network.png"))
    watched.viewport = name  # type: ignore[attr-defined]
    yield watched
    watched.assert_clean()
    context.close()


def test_loads_offline_without_errors(opened: Watched) -> None:
    opened.assert_clean()


def test_network_graph_renders(opened: Watched) -> None:
    page = opened.page
    digest = make_sample()
    terms = page.evaluate("window.talktopics.cy.nodes('.term').length")
    hubs = page.evaluate("window.talktopics.cy.nodes('.hub').length")
    assert terms == len(digest.word_nodes)
    assert hubs == len(digest.topics)
    fuzzy = page.evaluate("window.talktopics.cy.nodes('.fuzzy').map(n => n.data('label')).sort()")
    assert fuzzy == ["data", "geodata", "test"]
    size = page.evaluate(
        """() => Array.from(document.querySelectorAll('#tt-network canvas'))
                 .map(c => c.width * c.height).reduce((a, b) => Math.max(a, b), 0)"""
    )
    assert size > 100 * 100
    # every term is inside the visible box after the initial fit
    inside = page.evaluate(
        """() => { const cy = window.talktopics.cy, w = cy.width(), h = cy.height();
                   return cy.nodes('.term').every(n => { const p = n.renderedPosition();
                     return p.x >= 0 && p.y >= 0 && p.x <= w && p.y <= h; }); }"""
    )
    assert inside


def test_topic_cards_render(opened: Watched) -> None:
    page = opened.page
    assert page.locator(".topic-section").count() == 4
    assert page.locator("article.talk").count() == len(TALKS)
    assert page.locator("#topic-t2 article.talk").count() == 3
    assert page.locator("svg.chart rect").count() == 4
    box = page.locator(f"#talk-{TALKS[0].id}").bounding_box()
    assert box is not None and box["width"] > 250


def test_injected_markup_shows_as_text(opened: Watched) -> None:
    page = opened.page
    assert page.locator("script").count() == 5
    card = page.locator(f"#talk-{TALKS[2].id} .talk-title")
    assert card.inner_text() == XSS_SCRIPT_TITLE
    assert page.locator(f"#talk-{TALKS[8].id} .talk-title").inner_text() == XSS_LINK_TITLE
    assert page.locator("img").count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert not opened.dialogs


def test_unicode_survives(opened: Watched) -> None:
    page = opened.page
    body = page.inner_text("body")
    for title in UNICODE_TITLES:
        assert title in body
    for text in ("Мария Иванова", "Jürgen Müller", "山田 太郎", "ليلى", "Emoji Person 😀"):
        assert text in body
    arabic = page.locator(f"#talk-{TALKS[9].id} .talk-title")
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    russian = page.locator(f"#talk-{TALKS[1].id} .talk-title")
    assert russian.evaluate("e => getComputedStyle(e).direction") == "ltr"


def test_fits_the_screen_width(opened: Watched) -> None:
    page = opened.page
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    width = page.evaluate("document.querySelector('#tt-network').clientWidth")
    assert width >= (300 if getattr(opened, "viewport", "") == "phone" else 600)


def test_search_filters_cards_and_topics(opened: Watched) -> None:
    page = opened.page
    search = page.locator("#tt-search")
    search.fill("GEODAT")  # case-insensitive, a word's prefix matches: Geodata, Geodaten
    visible = page.locator("article.talk:visible .talk-title")
    titles = sorted(visible.all_inner_texts())
    assert titles == ["Größenwahn: Über Datenqualität in Köln", "Processing Geodata using Python"]
    assert page.locator("#tt-count").inner_text() == f"2 of {len(TALKS)} talks match"
    assert page.locator("#topic-t3").is_hidden()
    search.fill("zzz-no-such-word")
    assert page.locator("#tt-empty").is_visible()
    search.fill("")
    assert page.locator("article.talk:visible").count() == len(TALKS)


def test_topic_highlight_and_term_tooltip(opened: Watched) -> None:
    page = opened.page
    page.locator(".legend-item[data-topic='t2']").click()
    assert page.locator(".legend-item[data-topic='t2']").get_attribute("aria-pressed") == "true"
    lit = page.evaluate("window.talktopics.cy.nodes('.term.hl').map(n => n.data('label')).sort()")
    assert lit == ["data", "geodata", "map", "raster", "satellite", "straße", "test"]
    faded = page.evaluate("window.talktopics.cy.nodes('.term.faded').length")
    assert faded == len(make_sample().word_nodes) - len(lit)
    page.locator(".legend-item[data-topic='t2']").click()
    assert page.evaluate("window.talktopics.cy.elements('.faded').length") == 0

    # hover a fuzzy term: the tooltip lists its topics with weights, its ties show
    page.locator("#tt-network").scroll_into_view_if_needed()
    tip = page.locator("#tt-tip")
    # On a loaded machine the page may still scroll or re-fit the network after the first
    # read of the node's position: read it again and move there until the tooltip shows.
    for _attempt in range(5):
        box = page.locator("#tt-network").bounding_box()
        pos = page.evaluate(
            "(() => { const p = window.talktopics.cy.nodes('.term').filter(n => "
            "n.data('label') === 'test').renderedPosition(); return [p.x, p.y]; })()"
        )
        page.mouse.move(box["x"] + pos[0] + 1, box["y"] + pos[1] + 1)
        page.mouse.move(box["x"] + pos[0], box["y"] + pos[1])
        try:
            tip.wait_for(state="visible", timeout=5_000)
            break
        except Exception:  # playwright's TimeoutError: try the hover again
            page.wait_for_timeout(500)
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "test" in text and "shared by 3 topics" in text and "60 %" in text
    assert page.evaluate("window.talktopics.cy.edges('.member.show').length") == 3

    # click it: the tooltip stays and offers to find the term's talks
    page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    page.locator("#tt-tip button").click()
    assert page.locator("#tt-search").input_value() == "test"
    assert page.locator("article.talk:visible").count() >= 2
    page.locator("#tt-search").fill("")


def test_secondary_topic_link_jumps_to_the_topic(opened: Watched) -> None:
    page = opened.page
    page.locator(f"#talk-{TALKS[5].id} a.chip[href='#topic-t3']").click()
    assert page.evaluate("location.hash") == "#topic-t3"
    top = page.locator("#topic-t3").bounding_box()
    assert top is not None and -5 <= top["y"] < 200  # scrolled into view below the toolbar
