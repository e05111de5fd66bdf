"""Cross-edition comparison: the classification rules, editions from paths, and a synthetic
four-edition conference with a planted emerging and a planted fading topic (fake embedder,
word terms: fast)."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections import Counter
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from conftest import FakeEmbedder
from fixtures.compare_corpus import PHRASES, PLANTED, synthetic_editions, topic_of, word_terms
from talktopics.cli import main
from talktopics.compare import NotEnoughEditionsError, compare_editions
from talktopics.compare.editions import Edition, load_editions, parse_editions
from talktopics.compare.power import change_power, needed_talks
from talktopics.compare.records import Comparison
from talktopics.compare.rules import (
    CLASSES,
    benjamini_hochberg,
    classify,
    share_test,
    trend_test,
    windows,
)
from talktopics.config import CompareConfig, ConfigError, EmbedConfig, TopicConfig
from talktopics.render.compare_html import inline_svg, render_compare_html
from talktopics.render.compare_json import comparison_to_dict, load_compare_schema
from talktopics.render.compare_markdown import render_compare_markdown

TOPICS = TopicConfig(trials=3, talk_link_weight=0.5, embed=EmbedConfig(use_cache=False))
"""Small models: fewer Infomap trials, no disk caches; the fake embedder's hashed bag of words
is a weak similarity, so talk-talk links weigh less than with a real model."""
LABELS = ["2018", "2019"]


def _classify(counts: list[int], sizes: list[int], **options: object) -> tuple[str, str]:
    config = CompareConfig(**options)  # type: ignore[arg-type]
    scores = [float(i) for i in range(len(counts))]
    test = share_test(counts, sizes, scores, config, seed=1)
    labels = [str(2018 + i) for i in range(len(counts))]
    cls, reason, _ = classify(counts, sizes, test, config, labels=labels)
    return cls, reason


# --- the rules ------------------------------------------------------------------------------


def test_one_to_two_talks_is_not_emerging_nor_stable() -> None:
    cls, reason = _classify([1, 2], [50, 50])
    assert cls == "inconclusive"
    assert "no significant change" in reason and "would have been detected" in reason


def test_too_few_talks_to_tell_is_never_stable() -> None:
    # The demo's case: 3.4% -> 16.7% of about 60 talks, not significant after FDR; a doubling
    # or halving of a 10% share at 60 talks per edition has a power far below 80%.
    power = change_power(0.1, 58, 60, alpha=0.05)
    assert 0.1 < power < 0.4
    test = share_test([2, 10], [58, 60], [0.0, 1.0], CompareConfig(), seed=1)
    test = dataclasses.replace(test, q_value=0.3)  # as after the adjustment for 9 topics
    cls, reason, _ = classify([2, 10], [58, 60], test, CompareConfig(), labels=LABELS)
    assert cls == "inconclusive" and f"{100 * test.power:.0f}%" in reason
    assert f"about {test.needed_talks} talks per window" in reason
    # The same shares in editions big enough to see a halving: stable no more needs luck.
    assert _classify([200, 205], [2000, 2000])[0] == "stable"
    assert _classify([200, 205], [2000, 2000])[1].startswith("no significant change")


def test_power_grows_with_the_talks_and_is_simulated_right() -> None:
    assert change_power(0.0, 60, 60, alpha=0.05) == 0.0
    assert change_power(0.1, 60, 60, alpha=0.05) < change_power(0.1, 600, 600, alpha=0.05)
    n = needed_talks(0.1, alpha=0.05, power=0.8)
    assert (
        change_power(0.1, n, n, alpha=0.05) >= 0.8 > change_power(0.1, n - 20, n - 20, alpha=0.05)
    )
    # Against a simulation of the share test itself (Fisher exact, halving of 10% at n talks
    # per window): the approximation is within a few points.
    from scipy.stats import fisher_exact

    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(400):
        a, b = rng.binomial(n, 0.1), rng.binomial(n, 0.05)
        hits += fisher_exact([[a, n - a], [b, n - b]]).pvalue < 0.05
    assert abs(hits / 400 - change_power(0.1, n, n, alpha=0.05)) < 0.1


def test_a_big_significant_rise_is_emerging_and_a_fall_fading() -> None:
    assert _classify([3, 15], [60, 60])[0] == "emerging"
    assert _classify([15, 3], [60, 60])[0] == "fading"


def test_from_nothing_to_many_is_new_and_the_reverse_gone() -> None:
    cls, reason = _classify([0, 12], [60, 60])
    assert cls == "new" and "first present in 2019" in reason
    cls, reason = _classify([12, 0], [60, 60])
    assert cls == "gone" and "last present in 2018" in reason
    # A topic that appears with two talks is not significantly new, nor stable.
    assert _classify([0, 2], [60, 60])[0] == "inconclusive"


def test_significant_but_small_change_is_stable() -> None:
    # 20% -> 26% of many talks: significant, but below the 1.5x ratio.
    cls, reason = _classify([400, 520], [2000, 2000])
    assert cls == "stable" and reason.startswith("change too small")


def test_trend_over_many_editions() -> None:
    rising = [2, 3, 5, 7, 9, 12]
    sizes = [60] * 6
    method, p, direction = trend_test(
        rising, sizes, [float(y) for y in range(2015, 2021)], permutations=5000, seed=3
    )
    assert method == "permutation-trend" and p < 0.001 and direction == 1
    # A flat series is nowhere near significant.
    _, p_flat, _ = trend_test([5] * 6, sizes, list(map(float, range(6))), permutations=5000, seed=3)
    assert p_flat > 0.5
    assert _classify(rising, sizes)[0] == "emerging"
    assert _classify(rising[::-1], sizes)[0] == "fading"


def test_trend_test_is_deterministic_per_seed() -> None:
    args = ([2, 4, 5, 8], [40, 40, 40, 40], [0.0, 1.0, 2.0, 3.0])
    a = trend_test(*args, permutations=2000, seed=5)
    b = trend_test(*args, permutations=2000, seed=5)
    assert a == b


def test_windows_cover_a_third() -> None:
    assert windows(2) == (range(0, 1), range(1, 2))
    assert windows(14) == (range(0, 4), range(10, 14))


def test_benjamini_hochberg() -> None:
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.5])
    # sorted 0.01, 0.03, 0.04, 0.5 -> 0.04, 0.06, 0.0533, 0.5; then the running minimum
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.5])
    assert benjamini_hochberg([]) == []
    assert all(0 <= x <= 1 for x in benjamini_hochberg([0.9, 0.99, 1.0]))


def test_config_is_checked() -> None:
    with pytest.raises(ConfigError, match=r"compare.alpha = 2 is invalid"):
        CompareConfig(alpha=2)
    with pytest.raises(ConfigError, match="strategy"):
        CompareConfig(strategy="both")  # type: ignore[arg-type]


# --- editions from paths --------------------------------------------------------------------


def _jsonl(path: Path, year: int | None, n: int, conference: str = "TestConf") -> Path:
    rows = [
        {
            "title": f"Talk {i} about topic {i % 3}",
            "abstract": f"A talk on subject number {i} with enough words to count as text.",
            "conference": conference,
            **({"year": year} if year else {}),
        }
        for i in range(n)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_plus_joins_paths_and_same_year_merges(tmp_path: Path) -> None:
    a = _jsonl(tmp_path / "pycon-2019.jsonl", 2019, 6, "PyCon")
    b = _jsonl(tmp_path / "pydata-2019.jsonl", 2019, 4, "PyData")
    c = _jsonl(tmp_path / "pycon-2018.jsonl", 2018, 5, "PyCon")
    specs = parse_editions([f"{a}+{b}", str(c)])
    assert [len(s.paths) for s in specs] == [2, 1]
    editions = load_editions(specs)
    assert [(e.label, len(e.talks)) for e in editions] == [("2018", 5), ("2019", 10)]
    # Two PATHs of the same year are one edition too.
    editions = load_editions(parse_editions([str(a), str(b), str(c)]))
    assert [(e.label, len(e.talks)) for e in editions] == [("2018", 5), ("2019", 10)]
    assert "PyCon 2019" in editions[1].name and "PyData 2019" in editions[1].name


def test_folder_of_editions_and_labels(tmp_path: Path) -> None:
    _jsonl(tmp_path / "conf" / "ed-b" / "talks.jsonl", None, 5)
    _jsonl(tmp_path / "conf" / "ed-a" / "talks.jsonl", None, 6)
    (tmp_path / "conf" / "README.md").write_text("# about\n", encoding="utf-8")
    specs = parse_editions([str(tmp_path / "conf")])
    assert [Path(s.paths[0]).name for s in specs] == ["ed-a", "ed-b"]
    editions = load_editions(specs)
    assert [e.label for e in editions] == ["ed-a", "ed-b"]  # no year: path names, given order
    labelled = load_editions(parse_editions([str(tmp_path / "conf")], ["first", "second"]))
    assert [e.label for e in labelled] == ["first", "second"]
    with pytest.raises(ConfigError, match="1 --label values for 2 editions"):
        parse_editions([str(tmp_path / "conf")], ["only-one"])


def test_an_edition_without_text_is_skipped_not_fatal(tmp_path: Path) -> None:
    editions = synthetic_editions()[:2]
    empty = Edition(label="2024", year=2024, talks=(), paths=("missing.jsonl",))
    result = compare_editions(
        [*editions, empty], topic_config=TOPICS, embedder=FakeEmbedder(), terms=_terms(editions)
    )
    assert [e.label for e in result.editions] == ["2020", "2021"]
    assert [(s.label, s.reason) for s in result.skipped] == [("2024", "no talks could be read")]
    with pytest.raises(NotEnoughEditionsError, match="1 edition"):
        compare_editions([editions[0], empty], topic_config=TOPICS, embedder=FakeEmbedder())


def test_too_many_editions_is_refused() -> None:
    editions = synthetic_editions()
    with pytest.raises(ConfigError, match="at most 3"):
        compare_editions(editions, CompareConfig(max_editions=3), embedder=FakeEmbedder())


def _terms(editions: list[Edition]) -> object:
    return word_terms([t for e in editions for t in e.talks])


# --- the synthetic conference ---------------------------------------------------------------


@pytest.fixture(scope="module", params=["joint", "align"])
def synthetic(request: pytest.FixtureRequest) -> Comparison:
    editions = synthetic_editions()
    return compare_editions(
        editions,
        CompareConfig(strategy=request.param),
        topic_config=TOPICS,
        embedder=FakeEmbedder(),
        terms=word_terms([t for e in editions for t in e.talks]),  # type: ignore[arg-type]
    )


def _series_of(comparison: Comparison, topic: str) -> tuple[str, float]:
    """The series holding most talks of a planted topic, and the share of them it holds."""
    placed = Counter(p.series for p in comparison.placements if topic_of(p.talk_id) == topic)
    series, n = placed.most_common(1)[0]
    return series, n / sum(PLANTED[topic])


def test_planted_emerging_and_fading_topics_are_found(synthetic: Comparison) -> None:
    by_id = {s.id: s for s in synthetic.series}
    llm, llm_share = _series_of(synthetic, "llm")
    assert llm_share == 1.0
    assert by_id[llm].classification == "emerging", by_id[llm].reason
    assert [s.talks for s in by_id[llm].shares] == [6, 12, 18, 24]
    assert by_id[llm].test.q_value < 0.05 < by_id[llm].test.late_share
    py2, py2_share = _series_of(synthetic, "py2")
    if synthetic.strategy == "align":
        assert py2_share >= 0.9
        assert by_id[py2].classification == "fading", by_id[py2].reason
        for topic in ("web", "testing", "dataviz"):
            series, share = _series_of(synthetic, topic)
            assert share >= 0.9
            # No change planted; at 60 talks an edition a halving could not be seen either.
            expected = "stable" if by_id[series].test.power >= 0.8 else "inconclusive"
            assert by_id[series].classification == expected, (topic, by_id[series].reason)
    else:
        # The fake embedder's hashed words are a weak similarity: the joint model cuts the
        # fading topic into facets (the real-model test checks its class exactly). None of
        # them may be called rising, and together they fall as planted.
        facets = {p.series for p in synthetic.placements if topic_of(p.talk_id) == "py2"}
        assert not {by_id[f].classification for f in facets} & {"new", "emerging", "split"}
        pooled = [sum(by_id[f].shares[e].talks for f in facets) for e in range(4)]
        assert pooled[0] > pooled[-1]


def test_every_talk_is_counted_once_and_shares_sum_to_one(synthetic: Comparison) -> None:
    ids = [p.talk_id for p in synthetic.placements]
    assert len(ids) == len(set(ids)) == 240
    for e, edition in enumerate(synthetic.editions):
        total = sum(s.shares[e].share for s in synthetic.series) + synthetic.other[e].share
        assert total == pytest.approx(1.0)
        counted = sum(s.shares[e].talks for s in synthetic.series) + synthetic.other[e].talks
        assert counted == edition.talks == 60
    assert {s.classification for s in synthetic.series} <= set(CLASSES)


def test_evidence_per_edition(synthetic: Comparison) -> None:
    llm, _ = _series_of(synthetic, "llm")
    series = next(s for s in synthetic.series if s.id == llm)
    last = series.shares[-1]
    assert last.talks == 24 and len(last.talk_ids) == 3
    assert all(topic_of(t) == "llm" for t in last.talk_ids)
    vocabulary = {w.lower() for phrase in PHRASES["llm"] for w in phrase.split()}
    top = [t for t, _ in last.terms[:5]]
    assert sum(1 for t in top if t.lower() in vocabulary) >= 4, top


def test_align_links_the_planted_topics_across_editions(synthetic: Comparison) -> None:
    if synthetic.strategy != "align":
        pytest.skip("joint models have no alignment")
    llm, _ = _series_of(synthetic, "llm")
    continuations = [f for f in synthetic.flows if f.source == f.target == llm]
    assert len(continuations) == 3
    assert all(f.similarity is not None and f.similarity >= 0.3 for f in continuations)


# --- outputs --------------------------------------------------------------------------------


def _hostile(comparison: Comparison) -> Comparison:
    """The comparison with a script tag and Markdown/SVG specials in labels and titles."""
    series = list(comparison.series)
    series[0] = dataclasses.replace(series[0], label='<script>alert(1)</script> & $x$ "id="q"')
    talks = tuple(
        dataclasses.replace(t, title="<img src=x onerror=alert(2)> [link](javascript:alert(3))")
        for t in comparison.talks
    )
    return dataclasses.replace(comparison, series=tuple(series), talks=talks)


def test_json_follows_the_schema_and_is_deterministic(synthetic: Comparison) -> None:
    data = comparison_to_dict(synthetic)
    jsonschema.validate(data, load_compare_schema())
    assert data["strategy"] == synthetic.strategy
    assert len(data["talks"]) == 240
    with_timings = comparison_to_dict(synthetic, timings=True)
    jsonschema.validate(with_timings, load_compare_schema())
    broken = dict(data, series=[dict(data["series"][0], **{"class": "booming"})])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, load_compare_schema())


def test_markdown_escapes_user_text(synthetic: Comparison) -> None:
    md = render_compare_markdown(_hostile(synthetic), images=["compare-flow.svg"])
    assert not re.search(r"(?<!\\)<(script|img)", md)  # only backslash-escaped
    assert "\\<script\\>" in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md)  # no link is formed
    assert "![Flow of topics across editions](compare-flow.svg)" in md
    assert md.count("| ") > 10 and md.endswith("\n")


def test_html_is_offline_escaped_and_has_both_charts(synthetic: Comparison) -> None:
    page = render_compare_html(_hostile(synthetic))
    assert "<script" not in page.replace("&lt;script", "")
    assert "<img" not in page
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert found is not None
    csp = html.unescape(found[1])
    assert "script-src 'none'" in csp and "default-src 'none'" in csp
    assert page.count('<svg class="chart"') == 1  # the flow diagram
    panels = page.count('<svg class="panel-chart"')
    assert panels == min(len(synthetic.series), 24)  # a share panel per topic
    assert 'xlink:href="#series-s1"' in page  # bars link to their topic section
    assert "<title>" in page  # tooltips
    assert not re.search(r"<[^>]*\s(src|on\w+)=", page)  # no attribute from input text
    # Two inline SVGs never share an id.
    ids = re.findall(r'<[^<>]*\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_inline_svg_prefixes_ids_only_inside_tags() -> None:
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg><metadata>x</metadata>'
        '<defs><path id="m1"/></defs><g id="a" clip-path="url(#c1)"><use xlink:href="#m1"/>'
        '<a xlink:href="#series-s1"><text>id="keep" url(#keep)</text></a></g></svg>'
    )
    out = inline_svg(svg, "flow")
    assert out.startswith('<svg class="chart"') and "metadata" not in out
    assert 'id="flow-m1"' in out and "url(#flow-c1)" in out and 'xlink:href="#flow-m1"' in out
    assert 'xlink:href="#series-s1"' in out and 'id="keep" url(#keep)' in out


# --- the command line -----------------------------------------------------------------------


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _jsonl(tmp_path / "a-2018.jsonl", 2018, 6)
    code = main(["compare", str(a), str(a), "-o", str(tmp_path / "out"), "--format", "pdf"])
    assert code == 2
    assert "unknown compare format 'pdf'" in capsys.readouterr().err
    code = main(["compare", str(a), "-o", str(tmp_path / "out"), "--label", "x", "--label", "y"])
    assert code == 2
    assert "2 --label values for 1 editions" in capsys.readouterr().err


def test_cli_fails_cleanly_with_one_usable_edition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALKTOPICS_CACHE", str(tmp_path / "cache"))
    a = _jsonl(tmp_path / "a-2018.jsonl", 2018, 6)
    empty = tmp_path / "b-2019.jsonl"
    empty.write_text("", encoding="utf-8")
    code = main(["compare", str(a), str(empty), "-q", "-o", str(tmp_path / "out")])
    assert code == 3
    err = capsys.readouterr().err
    assert "a comparison needs at least two" in err and "2019" in err
    assert not (tmp_path / "out").exists()


def test_shares_are_fractions(synthetic: Comparison) -> None:
    shares = np.array([[x.share for x in s.shares] for s in synthetic.series])
    assert ((shares >= 0) & (shares <= 1)).all()


def test_same_seed_gives_byte_identical_files(synthetic: Comparison) -> None:
    from talktopics.render.compare_files import COMPARE_FORMATS, render_compare

    editions = synthetic_editions()
    again = compare_editions(
        editions,
        CompareConfig(strategy=synthetic.strategy),
        topic_config=TOPICS,
        embedder=FakeEmbedder(),
        terms=word_terms([t for e in editions for t in e.talks]),  # type: ignore[arg-type]
    )
    first = render_compare(synthetic, list(COMPARE_FORMATS))
    second = render_compare(again, list(COMPARE_FORMATS))
    assert sorted(first) == sorted(n for names in COMPARE_FORMATS.values() for n in names)
    for name, data in first.items():
        assert data == second[name], name


def test_edition_boilerplate_is_removed() -> None:
    from talktopics.compare.editions import strip_boilerplate
    from talktopics.records import Talk

    names = ("Ada", "Bob", "Cyd", "Dee", "Eve", "Fay", "Gus", "Hal")
    subjects = ("asyncio", "typing", "pandas", "Django", "pytest", "NumPy", "Rust", "LLMs")
    talks = tuple(
        Talk(
            id=f"t{i}",
            title=f"Talk {i}",
            description=f"Speaker: {names[i]}\n\nA talk about {subjects[i]}.\n\nRecorded at "
            f"Conf 2019.\nMore details: https://example.org/program/{i}\n"
            f"[Hall {i % 2} on 2019-07-0{i + 1}]",
        )
        for i in range(8)
    )
    edition = strip_boilerplate(Edition(label="2019", year=2019, talks=talks, paths=()))
    assert edition.talks[0].description == "Speaker: Ada\n\nA talk about asyncio."
    assert "recorded at conf 0000." in edition.boilerplate
    assert "more details: <url>" in edition.boilerplate
    assert "[hall 0 on 0000-00-00]" in edition.boilerplate  # each hall in half of the talks
    # Lines in fewer than three talks stay.
    few = strip_boilerplate(Edition(label="x", year=None, talks=talks[:2], paths=()))
    assert few.talks == talks[:2] and few.boilerplate == ()


def test_a_topic_has_the_same_colour_in_the_digest_and_the_comparison(
    synthetic: Comparison,
) -> None:
    from fixtures.sample_digest import sample_digest
    from talktopics.render.compare_charts import series_colours
    from talktopics.render.html import topic_colours

    digest = sample_digest()
    labels = [s.label for s in synthetic.series][: len(digest.topics)]
    # The digest finds the same topics, in another order (its topics are ranked otherwise).
    topics = tuple(
        dataclasses.replace(t, label=label)
        for t, label in zip(digest.topics, reversed(labels), strict=False)
    )
    digest = dataclasses.replace(digest, topics=topics)
    colours = topic_colours(digest)
    in_digest = {t.label: colours[t.id] for t in topics}
    in_compare = {s.label: series_colours(synthetic)[s.id] for s in synthetic.series}
    same = [label for label in in_digest if in_digest[label] == in_compare[label]]
    assert len(same) >= len(in_digest) - 1, (in_digest, in_compare)  # a clash may move one
    assert len(set(in_compare.values())) == len(in_compare)  # distinct within a page
