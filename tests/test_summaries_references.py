"""Self-contained summaries: back-references come with what they lean on; labels go."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import FakeEmbedder
from talktopics.config import SummaryConfig
from talktopics.records import Talk
from talktopics.summaries import summarize_talk
from talktopics.summaries.ranking import mmr_select
from talktopics.summaries.references import refers_back, strip_label


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("en", "It runs on every laptop.", True),
        ("en", "They wrote a parser for it.", True),
        ("en", "This way the queue never blocks.", True),
        ("en", "Such tools help a lot.", True),
        ("en", "This talk shows a parser.", False),
        ("en", "Parsers are everywhere.", False),
        ("de", "Dabei hilft ein kleiner Trick.", True),
        ("de", "Das ist schneller als gedacht.", True),
        ("de", "Das Paket ist neu.", False),
        ("de", "Es gibt drei Varianten.", False),
        ("de", "Dieser Vortrag zeigt Beispiele.", False),
        ("ru", "Это работает быстрее.", True),
        ("ru", "Они написали свой брокер.", True),
        ("ru", "Ещё один пример с кэшем.", True),
        ("ru", "Этот доклад про очереди.", False),
        ("ru", "Брокер написан на Go.", False),
    ],
)
def test_refers_back(language: str, sentence: str, expected: bool) -> None:
    assert refers_back(sentence, language) is expected


def test_note_labels_are_stripped_and_content_kept() -> None:
    assert strip_label("Fazit: Der Umstieg lohnt sich.", "de") == "Der Umstieg lohnt sich."
    assert strip_label("Takeaway: measure before you tune", "en") == "measure before you tune"
    assert strip_label("Описание: доклад про очереди", "ru") == "доклад про очереди"
    assert strip_label("Python 3: what changed", "en") == "Python 3: what changed"


def test_mmr_picks_a_back_reference_only_with_its_antecedent() -> None:
    relevance = np.array([0.1, 1.0, 0.5, 0.4])
    similarity = np.eye(4)
    requires = [None, 0, None, -1]
    assert sorted(mmr_select(relevance, similarity, 2, requires=requires)) == [0, 1]
    # One slot left: the back-reference cannot come with its antecedent, so neither.
    assert mmr_select(relevance, similarity, 1, requires=requires) == [2]
    assert 3 not in mmr_select(relevance, similarity, 4, requires=requires)


def test_talk_summary_never_starts_with_a_dangling_pronoun(fake_embedder: FakeEmbedder) -> None:
    description = (
        "Graph databases store relations as first-class data. "
        "They make deep traversals cheap compared to joins. "
        "We benchmark three engines on social network data. "
        "Takeaway: pick the engine by your query shapes."
    )
    talk = Talk(id="t", title="Graphs", description=description, language="en")
    for k in (1, 2, 3):
        summary = summarize_talk(
            talk, embedder=fake_embedder, config=SummaryConfig(talk_sentences=k)
        )
        sentences = list(summary.sentences)
        for n, sentence in enumerate(sentences):
            if sentence.startswith("They"):
                assert n > 0 and sentences[n - 1].startswith("Graph databases")
        assert all(not s.startswith("Takeaway") for s in sentences)
