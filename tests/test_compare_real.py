"""Cross-edition comparison with the real models: the synthetic conference in real English
(MiniLM + spaCy terms), the demo corpus through the command line, and two pyvideo editions of
PyCon DE / PyData Berlin with the align strategy."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, shared_path
from fixtures.compare_corpus import PLANTED, synthetic_editions, topic_of
from talktopics.cli import main
from talktopics.compare import compare_editions
from talktopics.compare.editions import load_editions, parse_editions
from talktopics.compare.rules import CLASSES
from talktopics.config import CompareConfig, TopicConfig
from talktopics.render.compare_json import load_compare_schema

pytestmark = pytest.mark.real


def _check_structure(data: dict, talk_ids: set[str]) -> None:
    """Shares sum to 1 per edition, every talk counted once, classes from the allowed set."""
    jsonschema.validate(data, load_compare_schema())
    placed = [t["id"] for t in data["talks"]]
    assert len(placed) == len(set(placed))
    assert set(placed) == talk_ids
    for e, edition in enumerate(data["editions"]):
        total = sum(s["editions"][e]["share"] for s in data["series"]) + data["other"][e]["share"]
        assert total == pytest.approx(1.0, abs=1e-4)
        counted = sum(s["editions"][e]["talks"] for s in data["series"]) + data["other"][e]["talks"]
        assert counted == edition["talks"]
        assert edition["talks"] == sum(1 for t in data["talks"] if t["edition"] == edition["label"])
    assert {s["class"] for s in data["series"]} <= set(CLASSES)
    assert all(s["total_talks"] >= 1 and s["terms"] for s in data["series"])


@pytest.mark.parametrize("strategy", ["joint", "align"])
def test_synthetic_conference_with_the_real_model(strategy: str) -> None:
    editions = synthetic_editions()
    result = compare_editions(
        editions, CompareConfig(strategy=strategy), topic_config=TopicConfig(seed=42)
    )
    by_id = {s.id: s for s in result.series}
    # No change is planted in web and dataviz, but at 60 talks an edition a halving of their
    # share could not be seen either: too few talks to tell, never "stable".
    planted = (
        ("llm", "emerging"),
        ("py2", "fading"),
        ("web", "inconclusive"),
        ("dataviz", "inconclusive"),
    )
    for topic, expected in planted:
        placed = Counter(p.series for p in result.placements if topic_of(p.talk_id) == topic)
        series, n = placed.most_common(1)[0]
        assert n >= 0.8 * sum(PLANTED[topic]), (topic, placed)
        assert by_id[series].classification == expected, (topic, by_id[series].reason)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("compare-demo")
    code = main(["compare", str(REPO / "corpus"), "--seed", "42", "-q", "-o", str(out)])
    assert code in (0, 1)
    return out


def test_demo_corpus_through_the_command_line(demo_run: Path) -> None:
    names = sorted(p.name for p in demo_run.iterdir())
    assert names == [
        "compare-flow.png", "compare-flow.svg", "compare-shares.png", "compare-shares.svg",
        "compare.html", "compare.json", "compare.md",
    ]  # fmt: skip
    data = json.loads((demo_run / "compare.json").read_text(encoding="utf-8"))
    editions = load_editions(parse_editions([str(REPO / "corpus")]))
    assert [e["label"] for e in data["editions"]] == ["2018", "2019"]
    _check_structure(data, {t.id for e in editions for t in e.talks})
    # The planted shift of the demo corpus: typing and code quality grow from 2018 to 2019.
    typing = [s for s in data["series"] if {"mypy", "type hints"} & {t["term"] for t in s["terms"]}]
    assert typing, [s["label"] for s in data["series"]]
    assert (demo_run / "compare-flow.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # No topic is called stable when a doubling or halving of its share would not have shown:
    # at about 60 talks an edition, every topic without a significant change is too few to tell.
    for series in data["series"]:
        if series["class"] == "stable":
            assert series["test"]["power"] >= data["rules"]["min_power"], series["reason"]
        if series["class"] == "inconclusive":
            assert series["test"]["power"] < data["rules"]["min_power"]
    assert "stable" not in {s["class"] for s in data["series"]}
    md = (demo_run / "compare.md").read_text(encoding="utf-8")
    assert "## At a glance" in md and "![Flow of topics across editions](compare-flow.svg)" in md


def test_pyvideo_editions_with_the_align_strategy(tmp_path: Path) -> None:
    pyvideo = shared_path("corpora", "pyvideo")
    joined = f"{pyvideo / 'pycon-de-2019'}+{pyvideo / 'pydata-berlin-2019'}"
    out = tmp_path / "out"
    code = main(
        [
            "compare", joined, str(pyvideo / "pycon-de-2022"), "--strategy", "align",
            "--format", "json,html", "-q", "-o", str(out),
        ]
    )  # fmt: skip
    assert code in (0, 1)
    data = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    editions = load_editions(parse_editions([joined, str(pyvideo / "pycon-de-2022")]))
    assert [(e.label, len(e.talks)) for e in editions] == [("2019", 109), ("2022", 66)]
    _check_structure(data, {t.id for e in editions for t in e.talks})
    assert data["strategy"] == "align"
    kinds = Counter(f["kind"] for f in data["flows"])
    assert kinds["continuation"] >= 3, kinds
    assert all(f["similarity"] >= 0.3 for f in data["flows"])
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert page.count('<svg class="chart"') == 1 and "<script" not in page
    assert page.count('<svg class="panel-chart"') == min(len(data["series"]), 24)
