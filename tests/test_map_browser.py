"""The map of talks and the word network in real headless Chromium, at laptop and phone
widths: a dot per talk, hover and click, selection events, and no overlapping labels in the
network's default view (measured from cytoscape's own label boxes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from fixtures.big_digest import big_digest
from fixtures.sample_digest import sample_digest
from talktopics.records import Digest
from talktopics.render.html import render_html

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
DIGESTS = {"sample": sample_digest, "big": lambda: big_digest(2000)}

LABEL_OVERLAPS = """() => {
  // Every label cytoscape draws in the network's current view (its own label boxes, in screen
  // pixels), and the pairs of them that overlap by more than a pixel each way.
  const cy = window.talktopics.cy, W = cy.width(), H = cy.height(), z = cy.zoom();
  const scale = Math.pow(2, Math.ceil(Math.log2(z * window.devicePixelRatio)));
  const labels = [];
  cy.nodes().forEach(n => {
    const text = n.pstyle('label').strValue;
    if (!n.visible() || !text) return;
    if (n.pstyle('font-size').pfValue * scale < n.pstyle('min-zoomed-font-size').pfValue) return;
    if (n.pstyle('text-opacity').value <= 0.2 || n.pstyle('opacity').value <= 0.2) return;
    const b = n.renderedBoundingBox({includeNodes: false, includeLabels: true,
                                     includeEdges: false, includeOverlays: false});
    if (b.x2 < 0 || b.y2 < 0 || b.x1 > W || b.y1 > H) return;
    labels.push({text: text, hub: n.hasClass('hub'), b: b});
  });
  const over = (a, b) => Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) > 1
                      && Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) > 1;
  const pairs = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      if (over(labels[i].b, labels[j].b)) pairs.push([labels[i].text, labels[j].text]);
  return {labels: labels.length, hubs: labels.filter(l => l.hub).length,
          terms: labels.filter(l => !l.hub).map(l => l.text), pairs: pairs};
}"""


@pytest.fixture(scope="module")
def digests() -> dict[str, Digest]:
    return {name: make() for name, make in DIGESTS.items()}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, digests: dict[str, Digest]) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("map")
    out = {}
    for name, digest in digests.items():
        out[name] = folder / f"{name}.html"
        out[name].write_text(render_html(digest), encoding="utf-8")
    return out


class Page:
    """An opened digest with its console errors, page errors and requests recorded."""

    def __init__(self, page: Any, url: str, viewport: str, digest: Digest) -> None:
        self.page, self.url, self.viewport, self.digest = page, url, viewport, digest
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda exc: self.problems.append(f"error: {exc}"))
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"{m.type}: {m.text}")
                if m.type in {"error", "warning"}
                else None
            ),
        )
        page.on("request", lambda req: self.requests.append(req.url))

    def assert_clean(self) -> None:
        assert not self.problems, self.problems
        assert [u for u in self.requests if u != self.url] == []


@pytest.fixture(
    scope="module",
    params=[(v, d) for d in DIGESTS for v in VIEWPORTS],
    ids=lambda p: f"{p[1]}-{p[0]}",
)
def opened(
    request: pytest.FixtureRequest, browser: Any, files: dict[str, Path], digests: dict[str, Digest]
) -> Iterator[Page]:
    viewport, name = request.param
    context = browser.new_context(viewport=VIEWPORTS[viewport], device_scale_factor=1)
    page = context.new_page()
    opened = Page(page, files[name].as_uri(), viewport, digests[name])
    page.goto(opened.url)
    page.wait_for_function("window.talktopics && window.talktopics.cy && window.talktopics.map")
    page.wait_for_timeout(200)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".map-panel").screenshot(path=str(ARTIFACTS / f"map-{name}-{viewport}.png"))
    page.locator(".network-panel").screenshot(
        path=str(ARTIFACTS / f"network-{name}-{viewport}.png")
    )
    yield opened
    opened.assert_clean()
    context.close()


def _dot(page: Any, index: int) -> tuple[float, float, str]:
    """Screen position and card id of the map's ``index``-th dot (scrolled into view)."""
    page.locator("#talk-map").scroll_into_view_if_needed()
    dot = page.locator("#talk-map circle").nth(index)
    box = dot.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, dot.get_attribute("data-talk")


def test_map_has_a_dot_per_talk(opened: Page) -> None:
    page = opened.page
    assert page.locator("#talk-map circle").count() == len(opened.digest.talks)
    assert page.locator("#tt-map-count").inner_text() == f"{len(opened.digest.talks)} talks"
    inside = page.evaluate(
        """() => { const m = document.getElementById('talk-map').getBoundingClientRect();
                   return Array.from(document.querySelectorAll('#talk-map circle')).every(c => {
                     const b = c.getBoundingClientRect();
                     return b.left >= m.left && b.right <= m.right
                         && b.top >= m.top && b.bottom <= m.bottom; }); }"""
    )
    assert inside
    colours = page.eval_on_selector_all(
        "#talk-map circle", "cs => new Set(cs.map(c => c.getAttribute('fill'))).size"
    )
    assert colours >= min(len(opened.digest.topics), 3)
    opened.assert_clean()


def test_map_hover_shows_the_title_and_click_goes_to_the_card(opened: Page) -> None:
    page = opened.page
    index = len(opened.digest.talks) // 3
    x, y, card_id = _dot(page, index)
    page.mouse.move(x + 1, y + 1)
    page.mouse.move(x, y)
    tip = page.locator("#tt-map-tip")
    tip.wait_for(state="visible")
    # the nearest dot may be a neighbour: the tooltip names the dot it highlights
    hot = page.locator("#talk-map circle.hot").get_attribute("data-talk")
    title = page.locator(f"#{hot} .talk-title").inner_text()
    assert title in tip.inner_text()
    assert card_id is not None
    page.mouse.click(x, y)
    card = page.locator(f"#{hot}")
    page.wait_for_function(
        """(id) => { const b = document.getElementById(id).getBoundingClientRect();
                     return b.top >= 0 && b.bottom <= window.innerHeight + b.height / 2; }""",
        arg=hot,
    )
    assert "map-flash" in (card.get_attribute("class") or "")
    assert tip.is_hidden()
    opened.assert_clean()


def test_map_and_network_follow_the_selection(opened: Page) -> None:
    page = opened.page
    talks = opened.digest.talks
    chosen = [t.id for t in talks[: max(1, len(talks) // 4)]]
    page.evaluate(
        """(ids) => { window.talktopics.selection = ids;
           document.dispatchEvent(new CustomEvent('talktopics:selection', {detail: {ids}})); }""",
        chosen,
    )
    assert page.locator("#talk-map circle.out").count() == len(talks) - len(chosen)
    assert (
        page.locator("#tt-map-count").inner_text()
        == f"{len(chosen)} of {len(talks)} talks selected"
    )
    counts = page.evaluate("window.talktopics.cy.nodes('.term').map(n => n.data('sel'))")
    assert all(isinstance(c, int) for c in counts) and any(c > 0 for c in counts)
    faded = page.evaluate("window.talktopics.cy.nodes('.term.nosel').length")
    assert faded == sum(1 for c in counts if c == 0)
    # card ids select as well as talk ids; no selection shows everything again
    page.evaluate(
        """(id) => document.dispatchEvent(new CustomEvent('talktopics:selection',
                     {detail: {ids: [id]}}))""",
        "talk-" + talks[0].id,
    )
    assert page.locator("#talk-map circle:not(.out)").count() == 1
    page.evaluate(
        """() => { window.talktopics.selection = null;
           document.dispatchEvent(
             new CustomEvent('talktopics:selection', {detail: {ids: null}})); }"""
    )
    assert page.locator("#talk-map circle.out").count() == 0
    assert page.evaluate("window.talktopics.cy.nodes('.term.nosel').length") == 0
    opened.assert_clean()


def test_no_overlapping_labels_in_the_default_view(opened: Page) -> None:
    page = opened.page
    page.locator("#tt-network").scroll_into_view_if_needed()
    page.locator("#tt-fit").click()  # the default view
    page.wait_for_timeout(100)
    seen = page.evaluate(LABEL_OVERLAPS)
    assert seen["pairs"] == [], seen["pairs"][:5]
    assert seen["hubs"] == len(opened.digest.topics)
    assert seen["terms"], "no term is labelled"
    if opened.viewport == "laptop" and len(opened.digest.word_nodes) >= 100:
        assert len(seen["terms"]) >= 40
    # zooming in labels more terms, still without overlaps
    page.locator("#tt-zoom-in").click()
    page.locator("#tt-zoom-in").click()
    page.wait_for_timeout(150)
    closer = page.evaluate(LABEL_OVERLAPS)
    assert closer["pairs"] == []
    if len(opened.digest.word_nodes) >= 100:
        assert len(closer["terms"]) > len(seen["terms"]) // 2
    page.locator("#tt-fit").click()
    opened.assert_clean()


def test_tooltip_closes_on_zoom_and_a_near_tap_picks_the_nearest_dot(opened: Page) -> None:
    page = opened.page
    page.locator("#tt-network").scroll_into_view_if_needed()
    page.locator("#tt-fit").click()
    page.wait_for_timeout(100)
    # a term whose nearest other dot is far: a click 9 px beside it still picks it
    found = page.evaluate(
        """() => { const cy = window.talktopics.cy, ts = cy.nodes('.term');
           for (const n of ts) { const p = n.renderedPosition();
             const far = ts.every(m => m === n || Math.hypot(m.renderedPosition().x - p.x,
                                                             m.renderedPosition().y - p.y) > 32);
             const hubsFar = cy.nodes('.hub').every(h => { const b = h.renderedBoundingBox();
               return p.x + 30 < b.x1 || p.x - 30 > b.x2 || p.y + 30 < b.y1 || p.y - 30 > b.y2; });
             if (far && hubsFar && p.x > 40 && p.y > 40 && p.x < cy.width() - 60
                 && p.y < cy.height() - 60)
               return {label: n.data('label'), x: p.x, y: p.y, r: n.renderedWidth() / 2}; }
           return null; }"""
    )
    if found is None:
        pytest.skip("no term in this layout stands 32 px clear of the others")
    box = page.locator("#tt-network").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + found["x"] + found["r"] + 9, box["y"] + found["y"])
    tip = page.locator("#tt-tip")
    tip.wait_for(state="visible")
    assert tip.locator(".tip-term").inner_text() == found["label"]
    page.locator("#tt-zoom-in").click()
    tip.wait_for(state="hidden")
    page.locator("#tt-fit").click()
    opened.assert_clean()


def test_a_tap_on_a_topic_label_highlights_the_topic(opened: Page) -> None:
    page = opened.page
    page.locator("#tt-network").scroll_into_view_if_needed()
    page.locator("#tt-fit").click()
    page.wait_for_timeout(100)
    spot = page.evaluate(
        """() => { const cy = window.talktopics.cy;
           for (const h of cy.nodes('.hub')) {
             const b = h.renderedBoundingBox({includeNodes: false, includeLabels: true});
             const x = (b.x1 + b.x2) / 2, y = (b.y1 + b.y2) / 2;
             const clear = cy.nodes('.term').every(n => { const p = n.renderedPosition();
               return Math.hypot(p.x - x, p.y - y) > 26; });
             if (clear) return {topic: h.data('topic'), x: x, y: y}; }
           return null; }"""
    )
    if spot is None:
        pytest.skip("every topic label has a dot near its middle")
    box = page.locator("#tt-network").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    button = page.locator(f".legend-item[data-topic='{spot['topic']}']")
    assert button.get_attribute("aria-pressed") == "true"
    button.click()  # back to no highlight
    assert page.evaluate("window.talktopics.cy.elements('.faded').length") == 0
    opened.assert_clean()
