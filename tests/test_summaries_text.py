"""Summary of one raw text (talktopics.summaries.summarize): verbatim, k respected, per language."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import FakeEmbedder

from talktopics.config import SummaryConfig
from talktopics.records import Talk
from talktopics.summaries import clean_markup, summarize, summarize_talk

# A hard-wrapped abstract with an HTML entity, an emphasised phrase and a link.
ABSTRACT = """\
Data pipelines in Python often start as a handful of small scripts on a laptop.
Over time they grow into a tangle of cron jobs, &quot;temporary&quot; CSV files and
notebooks that nobody dares to touch any more. In this talk we show how we moved
such a pipeline to a small set of tested functions, step by step and without a
big rewrite. We use pandas for the transformations, pytest for the checks and a
plain Makefile to run everything in order. You will see which parts were easy to
move, which ones needed a rewrite, and how we kept the old and the new pipeline
running side by side for a month.

The **slides** are on [our website](https://example.org/slides) after the talk.
"""

PACKAGING = (
    "Python packaging tools help python users ship python packages. "
    "Python packaging tools help python users ship python packages quickly. "
    "Wheels let python users install packages without compilers. "
    "We compare packaging tools like poetry, hatch and pip for python users. "
    "The weather in Berlin was rainy on Monday."
)

GERMAN = (
    "In diesem Vortrag zeigen wir Werkzeuge für Datenanalyse, z.B. Pandas und Polars. "
    "Wir vergleichen sie an echten Daten, d.h. an Tabellen mit Millionen Zeilen. "
    "Danach geht es um Speicher, Geschwindigkeit usw. Am Ende gibt es Zeit für Fragen "
    "aus dem Publikum."
)


class RefusingEmbedder:
    """Fails the test when asked to embed anything."""

    name = "refusing"
    dim = 8

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        raise AssertionError(f"nothing should be embedded, got {list(texts)}")


def _in_text_order(sentences: Sequence[str], text: str) -> bool:
    positions = [text.index(s) for s in sentences]
    return positions == sorted(positions)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_sentences_are_substrings_of_the_decoded_text_in_order(k: int) -> None:
    decoded = html.unescape(ABSTRACT)
    picked = summarize(ABSTRACT, k, embedder=FakeEmbedder())
    assert len(picked) == k
    assert all(sentence in decoded for sentence in picked)
    assert _in_text_order(picked, decoded)
    assert not any("&quot;" in s or "**" in s or "http" in s for s in picked)


def test_hard_wrapped_sentences_keep_their_line_breaks() -> None:
    picked = summarize(ABSTRACT, 6, "en", embedder=FakeEmbedder())
    assert any("\n" in sentence for sentence in picked)  # quoted as written
    # A sentence the cleaning changed (emphasis, a link) cannot be quoted: it is not picked.
    assert not any("slides" in sentence for sentence in picked)


def test_ranks_like_the_summary_of_a_talk() -> None:
    embedder = FakeEmbedder()
    for k in (1, 2, 3):
        talk = Talk(id="t", title="Packaging", description=PACKAGING, language="en")
        config = SummaryConfig(talk_sentences=k)
        expected = summarize_talk(talk, embedder=embedder, config=config).sentences
        assert summarize(PACKAGING, k, "en", embedder=embedder) == list(expected)
    assert "The weather in Berlin was rainy on Monday." not in summarize(
        PACKAGING, 2, embedder=embedder
    )


def test_the_language_decides_the_sentence_rules() -> None:
    picked = summarize(GERMAN, 4, "de", embedder=RefusingEmbedder())  # 4 candidates: no ranking
    assert picked == [
        "In diesem Vortrag zeigen wir Werkzeuge für Datenanalyse, z.B. Pandas und Polars.",
        "Wir vergleichen sie an echten Daten, d.h. an Tabellen mit Millionen Zeilen.",
        "Danach geht es um Speicher, Geschwindigkeit usw.",
        "Am Ende gibt es Zeit für Fragen aus dem Publikum.",
    ]
    assert summarize(GERMAN, 4, embedder=RefusingEmbedder()) == picked  # detected: German
    assert len(summarize(GERMAN, 2, "de", embedder=FakeEmbedder())) == 2


def test_empty_and_unreadable_texts_give_nothing() -> None:
    for text in ("", "   \n\n ", "```python\nprint(1)\n```", "https://example.org"):
        assert summarize(text, embedder=RefusingEmbedder()) == []


def test_short_texts_are_not_ranked() -> None:
    assert summarize("Only one sentence here.", 3, embedder=RefusingEmbedder()) == [
        "Only one sentence here."
    ]
    assert summarize("Hi.", embedder=RefusingEmbedder()) == ["Hi."]  # too short, but all


def test_k_below_one_is_an_error() -> None:
    with pytest.raises(ValueError, match="k = 0 is invalid; must be >= 1"):
        summarize(PACKAGING, 0, embedder=FakeEmbedder())


# --- the default embedder (the packaged MiniLM) on real texts ------------------------------


@pytest.mark.real
def test_real_descriptions_with_the_default_embedder(shared: Path) -> None:
    records = json.loads(
        (shared / "corpora" / "pyconde-www" / "pycon-de-2018" / "talks.json").read_text("utf-8")
    )
    texts = [
        rec["description"]
        for _, rec in sorted(records.items())
        if len(rec.get("description") or "") > 400
    ][:8]
    assert len(texts) == 8
    for text in texts:
        decoded = html.unescape(text)
        picked = summarize(text, 2)
        assert len(picked) == 2
        assert all(sentence in decoded for sentence in picked)
        assert _in_text_order(picked, decoded)
        assert all(len(sentence.split()) >= 3 for sentence in picked)
        cleaned = clean_markup(text)
        assert all(" ".join(s.split()) in cleaned for s in picked)
    assert summarize(texts[0], 3) == summarize(texts[0], 3)  # deterministic


@pytest.mark.real
def test_real_russian_notes_with_the_default_embedder(shared: Path) -> None:
    notes = (shared / "notes" / "pycon-de-2018-notes-ru.md").read_text(encoding="utf-8")
    section = max(notes.split("\n## "), key=len)  # the longest talk's notes
    picked = summarize(section, 3, "ru")
    assert len(picked) == 3
    assert all(sentence in html.unescape(section) for sentence in picked)
    assert summarize(section, 3) == picked  # detected: Russian
