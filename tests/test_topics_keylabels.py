"""Topic labels from the topics' own words (coverage, precision, filters, mixed topics), tiny
programmes (too few talks for topics), and the labels of the demo corpus with real models."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import FakeEmbedder
from talktopics.config import TopicConfig
from talktopics.records import OTHER_TOPIC, Talk
from talktopics.topics import TopicModel
from talktopics.topics.keylabels import (
    GENERIC,
    adjectives,
    keyword_labels,
    label_allowed,
    name_tokens,
    topic_coherence,
)
from talktopics.topics.labels import describe_topics

NOTES = """# Fast tables with pandas

We saw how pandas groups, joins and reshapes tables. Categorical columns save memory,
and Arrow-backed strings made the string columns faster.

# Maps and geodata

Reading shapefiles with GeoPandas and projecting coordinates. Spatial joins matched
points to regions, and the maps were drawn with folium.

# Training models with PyTorch

Tensors, autograd and a small training loop in PyTorch. Data loaders, GPUs and saving
checkpoints came last.
"""


def test_label_filters() -> None:
    names = name_tokens(["Ada Lovelace", "Guido van Rossum"])
    assert not label_allowed("code", names)
    assert not label_allowed("data model", names)  # generic words only
    assert not label_allowed("Lovelace", names)
    assert not label_allowed("Guido Rossum", names)
    assert not label_allowed("2019", names)
    assert not label_allowed("one two three four five", names)
    assert label_allowed("pandas", names)
    assert label_allowed("data validation", names)
    assert {"python", "code", "data", "tests", "value", "system"} <= GENERIC


def _planted() -> tuple[np.ndarray, sp.csr_matrix, list[str], np.ndarray, np.ndarray]:
    """Two tight topics with their own words, and a catch-all of unrelated talks."""
    rng = np.random.default_rng(0)
    axes = np.eye(16)
    talks = [axes[0] + 0.1 * rng.standard_normal(16) for _ in range(6)]
    talks += [axes[1] + 0.1 * rng.standard_normal(16) for _ in range(6)]
    talks += [axes[2 + i] + 0.1 * rng.standard_normal(16) for i in range(8)]
    primary = np.array([0] * 6 + [1] * 6 + [2] * 8)
    display = ["asyncio", "pandas", "gardening", "chess", "Ada Lovelace", "code"]
    term_vectors = np.array([axes[0], axes[1], axes[2], axes[3], axes[0], axes[0]])
    rows = [[0, 4, 5]] * 6 + [[1, 5]] * 6 + [[2], [2], [3], [3], [], [], [], []]
    counts = sp.lil_matrix((20, len(display)))
    for i, cols in enumerate(rows):
        for j in cols:
            counts[i, j] = 1
    return primary, sp.csr_matrix(counts), display, np.array(talks), term_vectors


def test_adjectives_alone_are_told_from_nouns_and_product_names() -> None:
    words = ["neural", "Bayesian", "computational", "geometric", "nonlinear"]
    others = ["pytest", "PyTorch", "binary", "terminal", "deep learning", "data", "Karlsruhe"]
    flags = adjectives(words + others)
    assert flags[: len(words)].all(), [w for w, f in zip(words, flags, strict=False) if not f]
    # Words that are nouns too, names and phrases are no adjectives alone.
    assert not flags[len(words) :].any()


def test_keyword_labels_name_tight_topics_and_call_a_catch_all_mixed() -> None:
    primary, counts, display, talk_vectors, term_vectors = _planted()
    coherence = topic_coherence(talk_vectors, primary, 3)
    assert coherence[2] < 0.8 * float(np.median(coherence))
    used: set[str] = set()
    labels = keyword_labels(
        primary,
        3,
        counts,
        display,
        talk_vectors,
        term_vectors,
        names=name_tokens(["Ada Lovelace"]),
        used=used,
    )
    assert labels[0] == "asyncio"  # not the speaker's name, not the generic "code"
    assert labels[1] == "pandas"
    assert labels[2] is not None and labels[2].startswith("Mixed: ")
    assert len(set(labels)) == 3
    assert "asyncio" in used


def test_describe_topics_without_vocabulary_does_not_crash() -> None:
    terms, labels = describe_topics(
        tf=sp.csr_matrix((3, 0)), weights=np.ones((3, 1)), display=(), used=set()
    )
    assert terms == [[]]
    assert len(labels) == 1


def test_three_note_sections_give_no_topics_and_say_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from talktopics.ingest import read_talks

    path = tmp_path / "notes.md"
    path.write_text(NOTES, encoding="utf-8")
    talks = read_talks([path]).talks
    assert len(talks) == 3
    with caplog.at_level(logging.WARNING):
        model = TopicModel(TopicConfig(), embedder=FakeEmbedder()).fit(talks)
    assert model.topics_ == ()
    assert all(tt.primary == OTHER_TOPIC for tt in model.talk_topics_)
    assert "too few talks: 3, topics need at least 6" in caplog.text


def test_two_talks_give_no_topics_and_say_why(caplog: pytest.LogCaptureFixture) -> None:
    talks = [
        Talk(id="a", title="Pandas", abstract="pandas tables groupby joins"),
        Talk(id="b", title="Maps", abstract="maps coordinates projections"),
    ]
    with caplog.at_level(logging.WARNING):
        model = TopicModel(TopicConfig(), embedder=FakeEmbedder()).fit(talks)
    assert model.topics_ == ()
    assert [tt.primary for tt in model.talk_topics_] == [OTHER_TOPIC, OTHER_TOPIC]
    assert "too few talks: 2" in caplog.text


@pytest.mark.real
def test_demo_corpus_labels_cover_their_topics() -> None:
    from talktopics import embed
    from talktopics.ingest import read_talks
    from talktopics.nlp import extract_terms

    root = Path(__file__).resolve().parent.parent / "corpus"
    talks = [t for t in read_talks([root]).talks if t.has_text]
    terms = extract_terms(talks)
    model = TopicModel(TopicConfig(), embedder=embed.SentenceTransformerEmbedder())
    model.fit(talks, terms)
    display = [d.casefold() for d in terms.display]
    present = sp.csc_matrix(sp.csr_matrix(terms.counts) > 0)
    row = {t.id: i for i, t in enumerate(talks)}
    speakers = name_tokens([s for t in talks for s in t.speakers])
    coverage, precision = [], []
    for topic in model.topics_:
        label = topic.label.removeprefix("Mixed: ")
        parts = [p.strip() for p in re.split(r" & |, ", label)]
        assert len(label.split()) <= 9 and all(1 <= len(p.split()) <= 4 for p in parts)
        assert not (len(parts) == 1 and parts[0].casefold() in GENERIC), topic.label
        assert not all(w in speakers for p in parts for w in p.casefold().split()), topic.label
        has = np.zeros(len(talks), dtype=bool)
        for p in parts:
            cols = [j for j, d in enumerate(display) if d == p.casefold()]
            for j in cols:
                has |= present[:, j].toarray().ravel()
        inside = np.zeros(len(talks), dtype=bool)
        inside[[row[i] for i in topic.talk_ids]] = True
        coverage.append((has & inside).sum() / inside.sum())
        precision.append((has & inside).sum() / max(int(has.sum()), 1))
    labels = [t.label.casefold() for t in model.topics_]
    assert len(set(labels)) == len(labels)
    assert float(np.median(coverage)) >= 0.5, coverage
    assert float(np.median(precision)) >= 0.5, precision
