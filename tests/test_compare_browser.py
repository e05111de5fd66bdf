"""The compare HTML in real headless Chromium: offline, no script runs, the charts render and
link to the topic sections, fits a phone. Screenshots go to test-artifacts/."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, FakeEmbedder
from fixtures.compare_corpus import synthetic_editions, word_terms
from talktopics.compare import compare_editions
from talktopics.config import CompareConfig, EmbedConfig, TopicConfig
from talktopics.render.compare_html import render_compare_html
from talktopics.render.compare_shares import MAX_PANELS

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"
SERIES: dict[Path, int] = {}


def comparison_of(path: Path) -> list[int]:
    """The number of topics of the page's comparison, as a list to take the len of."""
    return list(range(SERIES[path]))


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    editions = synthetic_editions()
    comparison = compare_editions(
        editions,
        CompareConfig(strategy="align"),
        topic_config=TopicConfig(
            trials=3, talk_link_weight=0.5, embed=EmbedConfig(use_cache=False)
        ),
        embedder=FakeEmbedder(),
        terms=word_terms([t for e in editions for t in e.talks]),  # type: ignore[arg-type]
    )
    series = list(comparison.series)
    series[0] = dataclasses.replace(series[0], label=XSS)
    talks = tuple(dataclasses.replace(t, title=XSS + t.title) for t in comparison.talks)
    comparison = dataclasses.replace(comparison, series=tuple(series), talks=talks)
    path = tmp_path_factory.mktemp("compare") / "compare.html"
    path.write_text(render_compare_html(comparison), encoding="utf-8")
    SERIES[path] = len(comparison.series)
    return path


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_compare_page_in_chromium(browser: Any, page_file: Path, viewport: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else 0)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    url = page_file.as_uri()
    page.goto(url)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"compare-{viewport}.png"), full_page=True)

    # The flow chart is drawn whole: every edition column inside the screen, not cut off.
    screen = VIEWPORTS[viewport]["width"]
    flow = page.eval_on_selector_all(
        "svg.chart",
        "els => els.map(e => [e.getBoundingClientRect().left, e.getBoundingClientRect().right])",
    )
    assert len(flow) == 1 and flow[0][1] - flow[0][0] > 300
    assert flow[0][0] >= 0 and flow[0][1] <= screen
    # One share panel per topic (up to the cap), each readable: inside the screen, at least
    # 300 px wide on a phone (one column) and with value labels of at least 10 px.
    panels = page.eval_on_selector_all(
        "#share-panels svg.panel-chart",
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            const v = e.querySelector('text.value').getBoundingClientRect();
            return [r.left, r.right, v.height];
        })""",
    )
    assert len(panels) == min(len(comparison_of(page_file)), MAX_PANELS)
    for left, right, text_height in panels:
        assert left >= 0 and right <= screen
        assert right - left >= (300 if viewport == "phone" else 200)
        assert text_height >= 10
    # The injected markup shows as text, and no image element came from it.
    assert page.locator("img").count() == 0
    assert XSS in page.locator(".topic h3").first.inner_text()
    # A bar of the flow diagram links to its topic's section.
    page.locator('svg.chart a[*|href="#series-s2"]').first.click()
    assert page.evaluate("location.hash") == "#series-s2"
    assert page.locator("#series-s2").is_visible()
    # Nothing overflows the screen width.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"] + 1
    assert not problems, problems
    assert [u for u in requests if u != url] == []
    context.close()
