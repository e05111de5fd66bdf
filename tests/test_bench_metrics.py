"""Tests of the topic-quality benchmark's metric functions on tiny hand-checked inputs."""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import topic_metrics as tm


def test_scored_pairs_drops_unlabelled_items() -> None:
    gold, pred = tm.scored_pairs(["a", None, "b", None], [1, 2, 3, 4])
    assert gold == ["a", "b"]
    assert pred == [1, 3]


def test_scored_pairs_rejects_length_mismatch() -> None:
    with pytest.raises(ValueError, match="gold has 2 items but prediction has 3"):
        tm.scored_pairs(["a", "b"], [1, 2, 3])


def test_ami_ari_perfect_and_relabelled_partitions_score_one() -> None:
    gold = ["web", "web", "data", "data", "ml", "ml"]
    pred = ["t3", "t3", "t1", "t1", "other", "other"]
    assert tm.adjusted_mutual_info(gold, pred) == pytest.approx(1.0)
    assert tm.adjusted_rand(gold, pred) == pytest.approx(1.0)
    assert tm.normalized_mutual_info(gold, pred) == pytest.approx(1.0)


def test_ami_ignores_unscored_items() -> None:
    gold = ["web", "web", None, "data", "data", None]
    pred = ["t1", "t1", "t1", "t2", "t2", "t2"]
    assert tm.adjusted_mutual_info(gold, pred) == pytest.approx(1.0)


def test_one_big_cluster_scores_zero_ami_but_nmi_zero_too() -> None:
    gold = ["a", "a", "b", "b", "c", "c"]
    pred = ["t1"] * 6
    assert tm.adjusted_mutual_info(gold, pred) == pytest.approx(0.0, abs=1e-9)
    assert tm.adjusted_rand(gold, pred) == pytest.approx(0.0, abs=1e-9)


def test_mixed_label_types_are_accepted() -> None:
    # BERTopic ids are ints (-1 = outliers), ours are strings: both must work.
    gold = ["a", "a", "b", "b"]
    assert tm.adjusted_rand(gold, [-1, -1, 0, 0]) == pytest.approx(1.0)


def test_omega_identical_covers_is_one() -> None:
    cover = [{"a", "b"}, {"a"}, {"b", "c"}, {"c"}, set()]
    assert tm.omega_index(cover, cover) == pytest.approx(1.0)


def test_omega_equals_ari_on_partitions() -> None:
    rng = random.Random(7)
    for _ in range(20):
        n = rng.randint(5, 40)
        a = [rng.randint(0, 3) for _ in range(n)]
        b = [rng.randint(0, 4) for _ in range(n)]
        omega = tm.omega_index([{x} for x in a], [{x} for x in b])
        assert omega == pytest.approx(adjusted_rand_score(a, b), abs=1e-9)


def test_omega_hand_computed_overlapping_example() -> None:
    # Items 0..3. Cover A: {0,1,2} and {2,3}; cover B: {0,1} and {2,3}.
    # Pairs (01,02,03,12,13,23): A counts 1,1,0,1,0,1; B counts 1,0,0,0,0,1.
    # Agreement on 01, 03, 13, 23 -> observed 4/6.
    # A: 2 pairs at 0, 4 at 1; B: 4 at 0, 2 at 1 -> expected (2*4 + 4*2)/36 = 16/36.
    a = [{"x"}, {"x"}, {"x", "y"}, {"y"}]
    b = [{"p"}, {"p"}, {"q"}, {"q"}]
    observed, expected = 4 / 6, 16 / 36
    assert tm.omega_index(a, b) == pytest.approx((observed - expected) / (1 - expected))


def test_omega_rewards_matching_overlap_over_single_assignment() -> None:
    gold = [{"ml"}, {"ml"}, {"ml", "web"}, {"ml", "web"}, {"web"}, {"web"}]
    fuzzy = [{"t1"}, {"t1"}, {"t1", "t2"}, {"t1", "t2"}, {"t2"}, {"t2"}]
    hard = [{"t1"}, {"t1"}, {"t1"}, {"t2"}, {"t2"}, {"t2"}]
    assert tm.omega_index(gold, fuzzy) == pytest.approx(1.0)
    assert tm.omega_index(gold, hard) < 0.5


def test_omega_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        tm.omega_index([{"a"}], [{"a"}, {"b"}])
    with pytest.raises(ValueError, match="at least 2 items"):
        tm.omega_index([{"a"}], [{"a"}])


def test_tokenize_keeps_library_names() -> None:
    assert tm.tokenize("Using scikit-learn, C++ and Node.js.") == [
        "using",
        "scikit-learn",
        "c++",
        "and",
        "node.js",
    ]


def test_npmi_hand_computed() -> None:
    ref = tm.ReferenceCorpus.from_texts(
        ["apple banana", "apple banana", "apple cherry", "durian", "banana"]
    )
    # P(apple)=3/5, P(banana)=3/5, P(apple,banana)=2/5.
    expected = math.log((2 / 5) / (9 / 25)) / -math.log(2 / 5)
    score, per_topic = tm.npmi_coherence([["apple", "banana"]], ref)
    assert score == pytest.approx(expected)
    assert per_topic == [pytest.approx(expected)]


def test_npmi_never_cooccurring_or_missing_terms_score_minus_one() -> None:
    ref = tm.ReferenceCorpus.from_texts(["apple", "banana"])
    assert tm.npmi_coherence([["apple", "banana"]], ref)[0] == pytest.approx(-1.0)
    assert tm.npmi_coherence([["apple", "zebra"]], ref)[0] == pytest.approx(-1.0)


def test_npmi_coherent_topic_beats_mixed_topic() -> None:
    texts = ["goal match team"] * 5 + ["bank share market"] * 5 + ["team market"]
    ref = tm.ReferenceCorpus.from_texts(texts)
    coherent = ["goal", "match", "team"]
    mixed = ["goal", "bank", "market"]
    score, per_topic = tm.npmi_coherence([coherent, mixed], ref)
    assert per_topic[0] > 0.5 > per_topic[1]
    assert score == pytest.approx((per_topic[0] + per_topic[1]) / 2)


def test_npmi_phrases_need_contiguous_tokens() -> None:
    ref = tm.ReferenceCorpus.from_texts(
        ["machine learning model", "learning a machine", "machine learning"]
    )
    assert ref.occurrences("Machine Learning").tolist() == [True, False, True]


def test_npmi_only_top_n_terms_count_and_short_topics_are_skipped() -> None:
    ref = tm.ReferenceCorpus.from_texts(["a b", "a b", "c"])
    score_top2, _ = tm.npmi_coherence([["a", "b", "c"]], ref, top_n=2)
    assert score_top2 == pytest.approx(math.log((2 / 3) / (4 / 9)) / -math.log(2 / 3))
    score, per_topic = tm.npmi_coherence([["a"], ["a", "b"]], ref)
    assert math.isnan(per_topic[0])
    assert score == pytest.approx(per_topic[1])


def test_topic_diversity() -> None:
    assert tm.topic_diversity([["a", "b"], ["c", "d"]]) == pytest.approx(1.0)
    assert tm.topic_diversity([["a", "b"], ["a", "b"]]) == pytest.approx(0.5)
    assert tm.topic_diversity([["a", "b", "c"], ["c", "d", "e"]], top_n=2) == pytest.approx(1.0)
    assert math.isnan(tm.topic_diversity([]))


def test_stability_mean_pairwise_ari() -> None:
    same = [[0, 0, 1, 1], ["x", "x", "y", "y"], [5, 5, 7, 7]]
    assert tm.stability(same) == pytest.approx(1.0)
    mixed = [[0, 0, 1, 1], [0, 0, 1, 1], [0, 1, 0, 1]]
    expected = (1.0 + 2 * adjusted_rand_score([0, 0, 1, 1], [0, 1, 0, 1])) / 3
    assert tm.stability(mixed) == pytest.approx(expected)
    assert math.isnan(tm.stability([[0, 1]]))


def test_other_share_and_mean_std() -> None:
    assert tm.other_share(["t1", "other", "t2", "other"], "other") == pytest.approx(0.5)
    assert tm.other_share([-1, 0, 0, 0], -1) == pytest.approx(0.25)
    assert tm.mean_std([1.0, 3.0, math.nan]) == (pytest.approx(2.0), pytest.approx(1.0))
    mean, std = tm.mean_std([])
    assert math.isnan(mean) and math.isnan(std)


def test_write_section_replaces_only_its_own_section(tmp_path: Path) -> None:
    from results_md import write_section

    path = tmp_path / "RESULTS.md"
    write_section("alpha", "## Alpha\n\nfirst", path=path)
    write_section("beta", "## Beta\n\nother engineer's numbers", path=path)
    write_section("alpha", "## Alpha\n\nsecond", path=path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results")
    assert "first" not in text and "second" in text
    assert "other engineer's numbers" in text
    assert text.index("## Alpha") < text.index("## Beta")
    assert text.count("<!-- alpha:start -->") == 1
    with pytest.raises(ValueError, match="invalid"):
        write_section("bad name", "x", path=path)


@pytest.mark.real
def test_benchmark_sets_follow_the_documented_scoring_rules() -> None:
    from conftest import shared_path

    shared_path("corpora", "europython-website", "europython-2022")
    shared_path("corpora", "pyconde-www", "pycon-de-2018")
    shared_path("benchmarks", "octis", "BBC_News")
    from topic_datasets import load_dataset

    ep = load_dataset("ep2022")
    assert ep.reader == "talktopics.ingest"
    assert len(ep.talks) == len(ep.docs) == len(ep.gold)
    tracks = {t.labels.track for t in ep.talks}
    assert None not in tracks  # talks without a track are dropped
    unscored = {t.labels.track for t, g in zip(ep.talks, ep.gold, strict=True) if g is None}
    assert "~None of the above" in unscored and "Web" not in unscored
    assert ep.tuned and ep.gold_k == len({g for g in ep.gold if g})

    de = load_dataset("pyconde2018")
    assert de.gold_multi is not None and not de.tuned
    for talk, gold, multi in zip(de.talks, de.gold, de.gold_multi, strict=True):
        assert gold == (talk.labels.domains[0] if talk.labels.domains else None)
        assert multi == frozenset(talk.labels.domains)

    bbc = load_dataset("bbc")
    assert len(bbc.talks) == 2225 and bbc.gold_k == 5 and bbc.max_seeds == 3


@pytest.mark.real
def test_added_benchmark_sets_follow_the_documented_scoring_rules() -> None:
    from conftest import shared_path

    shared_path("corpora", "europython-xml", "europython-2014")
    shared_path("corpora", "pyconde-www", "pycon-de-2017")
    shared_path("corpora", "pyvideo", "pycon-de-2017")
    shared_path("corpora", "pretalx", "pycon-au-2024")
    from topic_datasets import load_dataset

    every = load_dataset("ep2022-all")
    assert every.tuned and all(g is not None for g in every.gold)
    assert "~None of the above" in set(every.gold)

    ep14 = load_dataset("ep2014")
    assert not ep14.tuned and ep14.scored < len(ep14.talks)
    assert "Other" not in set(ep14.gold) and "Science" in set(ep14.gold)

    de17 = load_dataset("pyconde2017")
    assert de17.gold_multi is not None and len(de17.talks) >= 45
    for talk, gold, multi in zip(de17.talks, de17.gold, de17.gold_multi, strict=True):
        assert talk.text and gold == talk.labels.tags[0] and multi == frozenset(talk.labels.tags)

    de19 = load_dataset("pyconde2019-domain")
    assert all(g == t.labels.domains[0] for t, g in zip(de19.talks, de19.gold, strict=True))

    au = load_dataset("pyconau2024")
    assert "Main Conference" not in set(au.gold) and au.gold_k == 3


def test_topic_coherence_is_relative_to_the_corpus() -> None:
    import numpy as np

    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    coherence = tm.topic_coherence(vectors, ["a", "a", "b", "b"])
    # corpus: 2 of the 6 pairs have cosine 1, so its mean is 1/3; each topic's pairs are all 1.
    assert coherence == {"a": pytest.approx(3.0), "b": pytest.approx(3.0)}
    assert tm.catch_all_ratio(vectors, ["a", "a", "b", "b"]) == pytest.approx(1.0)


def test_catch_all_ratio_flags_a_big_topic_with_an_unrelated_tail() -> None:
    import numpy as np

    tight = [[1.0, 0.0, 0.0]] * 3 + [[0.0, 1.0, 0.0]] * 3
    tail = [[0.0, 0.0, 1.0], [0.6, 0.0, 0.8]]
    vectors = np.array(tight + tail)
    primary = ["x"] * 3 + ["y"] * 3 + ["x", "x"]
    assert tm.catch_all_ratio(vectors, primary) < 0.85
    assert math.isnan(tm.catch_all_ratio(vectors, primary, min_share=0.9))


def test_topic_coherence_rejects_length_mismatch() -> None:
    import numpy as np

    with pytest.raises(ValueError, match="2 vectors but 3 labels"):
        tm.topic_coherence(np.eye(2), ["a", "a", "b"])
