"""Extractive summaries of talks, topics and single texts (talktopics.summaries)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FakeEmbedder
from talktopics.config import SummaryConfig
from talktopics.errors import ConfigError
from talktopics.records import Talk, Topic
from talktopics.summaries import (
    central_content,
    clean_markup,
    mmr_select,
    rank_sentences,
    summarize_talk,
    summarize_talks,
    summarize_topic,
    summarize_topics,
    word_overlap,
)

# --- the algorithm --------------------------------------------------------------------------


def _unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_rank_sentences_prefers_the_central_sentence() -> None:
    # Sentence 2 is similar to all others; 0, 1, 3 are similar to it but not to each other.
    vectors = _unit([[1, 0, 0, 0.2], [0, 1, 0, 0.2], [1, 1, 1, 1], [0, 0, 1, 0.2]])
    scores = rank_sentences(vectors @ vectors.T, position_prior=0.0)
    assert int(np.argmax(scores)) == 2
    assert scores.sum() == pytest.approx(1.0)


def test_position_prior_breaks_symmetry_towards_the_start() -> None:
    similarity = np.ones((5, 5))  # identical sentences: centrality cannot tell them apart
    assert np.allclose(rank_sentences(similarity, position_prior=0.0), 0.2)
    scores = rank_sentences(similarity, position_prior=1.0)
    assert list(np.argsort(-scores)) == [0, 1, 2, 3, 4]
    # The prior follows the sentences' positions in the text, not their row order.
    scores = rank_sentences(similarity, positions=[9, 3, 0, 5, 7], position_prior=1.0)
    assert int(np.argmax(scores)) == 2


def test_rank_sentences_degenerate_inputs() -> None:
    assert rank_sentences(np.zeros((0, 0))).shape == (0,)
    assert rank_sentences(np.ones((1, 1))).tolist() == [1.0]
    # Unrelated sentences (no edges, or only negative similarity): the prior decides.
    scores = rank_sentences(np.eye(3), position_prior=1.0)
    assert list(np.argsort(-scores)) == [0, 1, 2]
    scores = rank_sentences(np.eye(3) - 0.5, position_prior=1.0)
    assert list(np.argsort(-scores)) == [0, 1, 2]


def test_word_overlap_counts_shared_content_words_with_crude_stems() -> None:
    sentences = [
        "Кластеры отелей по отзывам",
        "Кластеризовать отзывы об отелях",  # three shared stems: класт, отеле, отзыв
        "Много отелей у моря",  # one shared stem: отеле
        "The weather was rainy",
        "и в на",  # stop words only
    ]
    sim = word_overlap(sentences, language="ru")
    assert sim.shape == (5, 5)
    assert np.allclose(sim, sim.T) and np.allclose(np.diag(sim), 0.0)
    assert sim[0, 1] == pytest.approx(1.0)  # the strongest pair, scaled to 1
    assert 0.0 < sim[0, 2] < sim[0, 1]
    assert sim[0, 3] == 0.0 and sim[4].sum() == 0.0
    english = word_overlap(
        ["We ship packages", "Packaging ships the code", "The a an"], language="en"
    )
    assert english[0, 1] > 0 and english[2].sum() == 0.0
    assert word_overlap([]).shape == (0, 0)


def test_word_overlap_scales_shared_words_by_cosine_or_by_log_lengths() -> None:
    sentences = ["alpha beta", "alpha beta", "alpha beta gamma"]
    cosine = word_overlap(sentences, language="en")
    # 2 shared words over sqrt(2 * 2) = 1 (the maximum) and over sqrt(2 * 3).
    assert cosine[0, 1] == pytest.approx(1.0)
    assert cosine[0, 2] == pytest.approx(2 / np.sqrt(6))
    log = word_overlap(sentences, language="en", scaling="log")
    # TextRank: 2 / (ln 2 + ln 2) is the maximum, 2 / (ln 2 + ln 3) scaled by it.
    assert log[0, 2] == pytest.approx((2 / np.log(6)) / (2 / np.log(4)))


def test_central_content_prefers_the_longer_of_two_central_sentences() -> None:
    # Sentences 0 and 1 are both clearly central (2.5x and 2.4x the average of 5), sentence 2
    # is long but below average, 3 and 4 are peripheral.
    centrality = np.array([0.50, 0.48, 0.01, 0.005, 0.005])
    words = [8, 25, 40, 10, 10]
    scores = central_content(centrality, words)
    assert list(np.argsort(-scores)[:2]) == [1, 0]  # the longer central sentence first
    assert scores[2] < scores[0]  # length does not buy centrality
    assert scores[1] == pytest.approx(25, rel=0.01)  # a clearly central sentence: ~all its words
    # Below the threshold only a fraction of the words count, smoothly.
    average = np.full(4, 0.25)
    half = central_content(average, [10, 10, 10, 10], threshold=0.0)
    assert half == pytest.approx(np.full(4, 5.0), rel=1e-6)
    assert central_content(np.zeros(0), []).shape == (0,)


def test_mmr_skips_a_near_duplicate() -> None:
    relevance = np.array([1.0, 0.98, 0.8])
    similarity = np.array([[1.0, 0.97, 0.3], [0.97, 1.0, 0.3], [0.3, 0.3, 1.0]])
    assert mmr_select(relevance, similarity, 2, mmr_lambda=1.0) == [0, 1]  # relevance only
    assert mmr_select(relevance, similarity, 2, mmr_lambda=0.7) == [0, 2]
    assert mmr_select(relevance, similarity, 5, mmr_lambda=0.7) == [0, 2, 1]
    assert mmr_select(relevance, similarity, 0) == []


def test_mmr_groups_allow_one_item_per_group() -> None:
    relevance = np.array([1.0, 0.9, 0.5])
    similarity = np.eye(3)
    assert mmr_select(relevance, similarity, 3, groups=["a", "a", "b"]) == [0, 2]


# --- talk summaries -------------------------------------------------------------------------

PACKAGING = (
    "Python packaging tools help python users ship python packages. "
    "Python packaging tools help python users ship python packages quickly. "
    "Wheels let python users install packages without compilers. "
    "We compare packaging tools like poetry, hatch and pip for python users. "
    "The weather in Berlin was rainy on Monday."
)


def test_summary_sentences_are_verbatim_counted_and_in_order(fake_embedder) -> None:
    talk = Talk(id="t1", title="Packaging", description=PACKAGING, language="en")
    summary = summarize_talk(talk, embedder=fake_embedder, config=SummaryConfig(talk_sentences=3))
    assert summary.subject_id == "t1"
    assert summary.source == "description"
    assert summary.language == "en"
    assert len(summary.sentences) == 3
    positions = [PACKAGING.index(s) for s in summary.sentences]
    assert positions == sorted(positions)
    assert "The weather in Berlin was rainy on Monday." not in summary.sentences


def test_mmr_removes_a_near_duplicate_sentence(fake_embedder) -> None:
    talk = Talk(id="t1", title="Packaging", description=PACKAGING, language="en")
    first, near_duplicate = (s + "." for s in PACKAGING.split(". ")[:2])

    def both(config: SummaryConfig) -> bool:
        summary = summarize_talk(talk, embedder=fake_embedder, config=config)
        assert len(summary.sentences) == 2
        return first in summary.sentences and near_duplicate in summary.sentences

    # The two are the most central sentences: by centrality alone both are picked.
    assert both(SummaryConfig(mmr_lambda=1.0, max_similarity=1.1))
    # MMR trades centrality for novelty...
    assert not both(SummaryConfig(mmr_lambda=0.5, max_similarity=1.1))
    # ...and the defaults never let a near-duplicate through.
    assert not both(SummaryConfig())


def test_notes_are_preferred_and_sources_follow_the_config(fake_embedder) -> None:
    talk = Talk(
        id="t1",
        title="Decorators",
        description="Decorators wrap functions. They add behaviour. They are everywhere.",
        notes="Пара примеров с кодом про декораторы\nДальше будет пример полезного декоратора",
        notes_language="ru",
        language="en",
    )
    summary = summarize_talk(talk, embedder=fake_embedder)
    assert summary.source == "notes"
    assert summary.language == "ru"
    assert set(summary.sentences) <= set(talk.notes.split("\n"))
    config = SummaryConfig(sources=("description", "notes"))
    summary = summarize_talk(talk, embedder=fake_embedder, config=config)
    assert summary.source == "description"
    assert set(summary.sentences) <= {
        "Decorators wrap functions.",
        "They add behaviour.",
        "They are everywhere.",
    }


def test_short_texts_fall_back_to_the_first_sentence_or_the_title(fake_embedder) -> None:
    # Notes too short to rank: their first sentence.
    talk = Talk(id="a", title="Agenda talk", notes="Agenda\nTools", description="")
    summary = summarize_talk(talk, embedder=fake_embedder)
    assert summary.sentences == ("Agenda",)
    assert summary.source == "notes"
    # Notes made only of images and links: the description is used instead.
    talk = Talk(
        id="b",
        title="Maps",
        notes="![](slide1.jpg)\n![](slide2.jpg)\n[Back to contents](#content)",
        description="Folium draws interactive maps in the browser.",
        language="en",
    )
    summary = summarize_talk(talk, embedder=fake_embedder)
    assert summary.sentences == ("Folium draws interactive maps in the browser.",)
    assert summary.source == "description"
    # No text at all: the title.
    talk = Talk(id="c", title="  Lightning   talks ", language="en")
    summary = summarize_talk(talk, embedder=fake_embedder)
    assert summary.sentences == ("Lightning talks",)
    assert summary.source == "title"
    # Nothing whatsoever.
    assert summarize_talk(Talk(id="d", title=""), embedder=fake_embedder).sentences == ()


def test_a_notes_heading_repeating_the_title_is_not_a_summary(fake_embedder) -> None:
    notes = (
        "## Python Decorators: Gift or Poison?\n"
        "Дополнительная обработка результатов и логгирование через декораторы\n"
        "Пара слов про late binding в замыканиях"
    )
    talk = Talk(id="t", title="Python Decorators: Gift or Poison?", notes=notes)
    summary = summarize_talk(talk, embedder=fake_embedder)
    assert "Python Decorators: Gift or Poison?" not in summary.sentences
    assert len(summary.sentences) == 2


def test_markup_and_urls_never_reach_a_summary(fake_embedder) -> None:
    description = (
        "**Pandas** makes [data frames](https://pandas.pydata.org) easy to use.\n\n"
        "```python\nimport pandas as pd\n```\n\n"
        "See https://example.org/slides.pdf for the slides of this talk.\n\n"
        "* Arrow makes pandas faster for large data sets\n"
        "* Polars is a newer data frame library in Rust"
    )
    talk = Talk(id="t", title="Pandas", description=description, language="en")
    summary = summarize_talk(talk, embedder=fake_embedder, config=SummaryConfig(talk_sentences=3))
    cleaned = clean_markup(description)
    assert len(summary.sentences) == 3
    for sentence in summary.sentences:
        assert sentence in cleaned
        assert not re.search(r"https?://|\*\*|\]\(|```|^\* ", sentence)


def test_summaries_are_deterministic_and_batching_changes_nothing(fake_embedder) -> None:
    talks = [
        Talk(id="t1", title="Packaging", description=PACKAGING, language="en"),
        Talk(id="t2", title="Decorators", notes="Пара примеров с кодом\nПро late binding тоже"),
        Talk(id="t3", title="Empty"),
    ]
    batch = summarize_talks(talks, embedder=fake_embedder)
    assert list(batch) == ["t1", "t2", "t3"]
    assert batch == summarize_talks(talks, embedder=fake_embedder)
    for talk in talks:
        assert summarize_talk(talk, embedder=fake_embedder) == batch[talk.id]


def test_one_broken_talk_does_not_stop_the_batch(fake_embedder, monkeypatch, caplog) -> None:
    import talktopics.summaries.candidates as module

    real = module.clean_markup

    def fragile(text: str) -> str:
        if "BROKEN" in text:
            raise RuntimeError("cannot parse")
        return real(text)

    monkeypatch.setattr(module, "clean_markup", fragile)
    talks = [
        Talk(id="bad", title="Bad talk", description="BROKEN text here. More of it."),
        Talk(id="ok", title="Packaging", description=PACKAGING, language="en"),
    ]
    summaries = summarize_talks(talks, embedder=fake_embedder)
    assert summaries["bad"].sentences == ("Bad talk",)
    assert summaries["bad"].source == "title"
    assert len(summaries["ok"].sentences) == 2
    assert "bad" in caplog.text and "cannot parse" in caplog.text


def test_embedder_returning_the_wrong_number_of_vectors_is_an_error() -> None:
    class Broken:
        name, dim = "broken", 4

        def embed(self, texts: list[str]) -> np.ndarray:
            return np.ones((1, 4), dtype=np.float32)

    talk = Talk(id="t1", title="Packaging", description=PACKAGING, language="en")
    with pytest.raises(ValueError, match="returned 1 vectors for 5 sentences"):
        summarize_talk(talk, embedder=Broken(), config=SummaryConfig(lexical_weight=0.5))


def test_default_summaries_and_blurbs_embed_nothing(fake_embedder) -> None:
    """Ranking and near-duplicates go by words, blurbs by the talk vectors: no sentence
    reaches an encoder (the talk texts reach it once, for the talk vectors)."""

    class Refusing:
        name, dim = "refusing", 4

        def embed(self, texts: list[str]) -> np.ndarray:
            raise AssertionError(f"embedded {len(texts)} texts")

    talk = Talk(id="t1", title="Packaging", description=PACKAGING, language="en")
    assert summarize_talk(talk, embedder=Refusing()) == summarize_talk(talk)
    talks = _topic_talks()
    vectors = {t.id: fake_embedder.embed([t.title + " " + t.description])[0] for t in talks}
    topic = Topic(id="t1", label="maps", terms=(), talk_ids=tuple(t.id for t in talks))
    blurb = summarize_topic(topic, talks, embedder=Refusing(), talk_vectors=vectors)
    assert blurb.sentences and "Representative talks" in blurb.sentences[-1]
    with pytest.raises(ValueError, match="pass embedder"):
        summarize_talk(talk, config=SummaryConfig(lexical_weight=0.5))


_WORDS = st.sampled_from(
    [
        "python",
        "data",
        "notes",
        "talk",
        "pandas",
        "graph",
        "топики",
        "граф",
        "доклад",
        "Daten",
        "und",
        "z.B.",
        "e.g.",
        "т.е.",
        "3.7",
        "**bold**",
        "[link](https://x.org)",
        "![](img.png)",
        "https://y.org/a",
        "`code`",
        ":joy:",
        "...",
        "!",
        "?",
        ".",
        ",",
        ":",
        "\n",
        "\n\n",
        "*",
        "-",
        "1.",
        "#",
        "##",
        ">",
        "<b>",
        "</b>",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    notes=st.lists(_WORDS, max_size=60).map(" ".join),
    description=st.lists(_WORDS, max_size=40).map(" ".join),
    k=st.integers(min_value=1, max_value=3),
)
def test_property_summary_is_made_of_source_sentences(notes: str, description: str, k: int) -> None:
    talk = Talk(id="t", title="A talk", notes=notes, description=description)
    summary = summarize_talk(talk, embedder=FakeEmbedder(), config=SummaryConfig(talk_sentences=k))
    source = {"notes": notes, "description": description, "abstract": "", "title": "A talk"}
    cleaned = (
        source[summary.source]
        if summary.source == "title"
        else clean_markup(source[summary.source])
    )
    assert 1 <= len(summary.sentences) <= k
    position = -1
    for sentence in summary.sentences:
        assert sentence in cleaned
        found = cleaned.find(sentence, position + 1)
        assert found > position  # in source order
        position = found


# --- topic blurbs ---------------------------------------------------------------------------


def _topic_talks() -> list[Talk]:
    return [
        Talk(
            id="maps1",
            title="Geodata",
            description="Geopandas reads shapefiles into data frames. Shapely handles polygons. "
            "Folium draws maps of polygons and points.",
            language="en",
        ),
        Talk(
            id="maps2",
            title="Put your data on a map",
            description="Folium draws interactive maps of points. Kepler.gl shows large "
            "geodata sets on maps. MapboxGL styles maps.",
            language="en",
        ),
        Talk(
            id="maps3",
            title="Satellites",
            description="Satellite images become maps of land use with data frames and maps.",
            language="en",
        ),
        Talk(
            id="other",
            title="Memory",
            description="Empty data frames leaked memory.",
            language="en",
        ),
    ]


def test_topic_blurb_takes_central_sentences_one_per_talk(fake_embedder) -> None:
    talks = _topic_talks()
    topic = Topic(
        id="t1", label="maps", terms=(("maps", 1.0),), talk_ids=("maps1", "maps2", "maps3")
    )
    config = SummaryConfig(topic_sentences=3)
    blurb = summarize_topic(topic, talks, embedder=fake_embedder, config=config)
    assert blurb.subject_id == "t1"
    assert blurb.source == "talks"
    assert blurb.language == "en"
    covers, named = blurb.sentences
    assert covers == "Covers maps."
    # Each talk by its title and its own one-line summary, in the topic's talk order.
    assert named.startswith("Representative talks: «Geodata» — ")
    assert named.index("«Geodata»") < named.index("«Put your data on a map»")
    assert named.index("«Put your data on a map»") < named.index("«Satellites»")
    for part in named.removeprefix("Representative talks: ").rstrip(".").split("; "):
        title, line = part.split(" — ")
        talk = next(t for t in talks if f"«{t.title}»" == title)
        assert line in talk.description
    assert "Memory" not in named


def test_topic_blurb_names_subtopics_and_quotes_other_languages(fake_embedder) -> None:
    talks = [
        *_topic_talks()[:2],
        Talk(
            id="ru1",
            title="Карты",
            notes="Доклад про карты и полигоны в геоданных.",
            notes_language="ru",
            language="ru",
        ),
    ]
    topic = Topic(id="t1", label="Maps", terms=(), talk_ids=("maps1", "maps2", "ru1"))
    subs = [
        Topic(id="t1.1", label="Polygons", terms=(), talk_ids=("maps1",), parent="t1"),
        Topic(id="t1.2", label="Web maps", terms=(), talk_ids=("maps2",), parent="t1"),
    ]
    blurb = summarize_topic(
        topic,
        talks,
        embedder=fake_embedder,
        config=SummaryConfig(topic_sentences=3),
        subtopics=subs,
    )
    assert blurb.sentences[0] == "Covers Maps, Polygons and Web maps."
    assert "«Карты» — in Russian: «Доклад про карты и полигоны в геоданных»" in blurb.sentences[1]


def test_topic_weights_bring_in_talks_and_zero_weight_drops_them(fake_embedder) -> None:
    talks = _topic_talks()
    topic = Topic(id="t1", label="maps", terms=(), talk_ids=("maps1",))
    config = SummaryConfig(topic_sentences=2)
    blurb = summarize_topic(
        topic,
        talks,
        embedder=fake_embedder,
        config=config,
        talk_weights={"maps1": 0.0, "maps2": 0.6, "other": 0.3},
    )
    named = blurb.sentences[-1]
    assert "«Put your data on a map»" in named and "«Memory»" in named
    assert "«Geodata»" not in named


def test_topic_without_text_has_an_empty_blurb(fake_embedder) -> None:
    topic = Topic(id="t9", label="x", terms=(), talk_ids=("missing", "empty"))
    talks = [Talk(id="empty", title="")]
    blurb = summarize_topic(topic, talks, embedder=fake_embedder)
    assert blurb.sentences == () and blurb.source == "talks"


def test_summarize_topics_matches_one_by_one(fake_embedder) -> None:
    talks = _topic_talks()
    topics = [
        Topic(id="a", label="a", terms=(), talk_ids=("maps1", "maps2")),
        Topic(id="b", label="b", terms=(), talk_ids=("maps3", "other")),
    ]
    batch = summarize_topics(topics, talks, embedder=fake_embedder)
    assert list(batch) == ["a", "b"]
    for topic in topics:
        assert batch[topic.id] == summarize_topic(topic, talks, embedder=fake_embedder)


# --- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"talk_sentences": 0}, "summary.talk_sentences = 0 is invalid"),
        ({"mmr_lambda": 1.5}, "summary.mmr_lambda = 1.5 is invalid"),
        ({"damping": 1.0}, "summary.damping = 1.0 is invalid"),
        ({"max_similarity": 0}, "summary.max_similarity = 0 is invalid"),
        ({"position_prior": -1}, "summary.position_prior = -1 is invalid"),
        ({"central_sharpness": -1}, "summary.central_sharpness = -1 is invalid"),
        ({"central_threshold": float("nan")}, "summary.central_threshold = nan is invalid"),
        ({"sources": ("slides",)}, "summary.sources = ['slides'] is invalid"),
        ({"min_words": 5, "max_words": 4}, "summary.max_words = 4 is invalid"),
    ],
)
def test_bad_summary_options_are_reported(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        SummaryConfig(**options)  # type: ignore[arg-type]


# --- real models and the real notes ---------------------------------------------------------


@pytest.fixture(scope="module")
def use_embedder():
    from talktopics.embed import MultilingualUSEEmbedder

    return MultilingualUSEEmbedder()


def _cyrillic_share(sentence: str) -> float:
    letters = [ch for ch in sentence if ch.isalpha()]
    return sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff") / max(len(letters), 1)


@pytest.mark.real
def test_russian_notes_give_russian_sentences_from_the_notes(shared: Path, use_embedder) -> None:
    from talktopics.ingest import read_talks

    path = shared / "notes" / "pycon-de-2018-notes-ru.md"
    raw = path.read_text(encoding="utf-8")
    talks = [t for t in read_talks([path]).talks if t.notes.strip()]
    assert len(talks) >= 20
    summaries = summarize_talks(talks, embedder=use_embedder)
    assert summaries == summarize_talks(talks, embedder=use_embedder)  # deterministic
    for talk in talks:
        summary = summaries[talk.id]
        cleaned = clean_markup(talk.notes)
        assert summary.source == "notes", talk.title
        assert summary.language == "ru"
        assert 1 <= len(summary.sentences) <= 2
        for sentence in summary.sentences:
            assert sentence in cleaned  # verbatim from the notes...
            assert sentence in raw  # ...as the attendee wrote it
            assert _cyrillic_share(sentence) > 0.5, sentence  # Russian, not an English line
            assert "http" not in sentence and "![" not in sentence
    by_title = {t.title: summaries[t.id] for t in talks}
    # Talks with plenty of notes get two sentences; they say what the talk was about.
    topic_model = " ".join(by_title["Germany's next topic model"].sentences)
    assert len(by_title["Germany's next topic model"].sentences) == 2
    assert re.search(r"топик|граф|infomap|fuzzy|кластер", topic_model), topic_model
    geodata = " ".join(by_title["Processing Geodata using Python"].sentences)
    assert re.search(r"shapely|карт|geopandas|pyproj|fiona|полигон", geodata, re.I), geodata


@pytest.mark.real
def test_english_abstracts_with_minilm(shared: Path) -> None:
    import json

    from talktopics.embed import SentenceTransformerEmbedder

    records = json.loads(
        (shared / "corpora" / "pyconde-www" / "pycon-de-2018" / "talks.json").read_text("utf-8")
    )
    talks = [
        Talk(id=key, title=rec["title"], description=rec.get("description") or "", language="en")
        for key, rec in sorted(records.items())
        if len(rec.get("description") or "") > 400
    ][:12]
    summaries = summarize_talks(talks, embedder=SentenceTransformerEmbedder())
    for talk in talks:
        summary = summaries[talk.id]
        assert summary.source == "description"
        assert len(summary.sentences) == 2
        cleaned = clean_markup(talk.description)
        assert all(sentence in cleaned for sentence in summary.sentences)
        assert all(len(sentence.split()) >= 3 for sentence in summary.sentences)
