"""One text stack: term extraction, embedding chunks and summaries clean, split, identify the
language and look up stop words with the same functions (talktopics.nlp)."""

from __future__ import annotations

from collections.abc import Sequence

from talktopics import nlp, summaries
from talktopics.embed import chunk_text
from talktopics.nlp import clean_markup, split_sentences
from talktopics.records import Summary


def test_summaries_use_the_nlp_stack() -> None:
    assert summaries.clean_markup is nlp.clean_markup
    assert summaries.split_sentences is nlp.split_sentences
    assert summaries.detect_language is nlp.detect_language
    assert summaries.stop_words is nlp.stop_words


def _words(texts: Sequence[str]) -> list[int]:
    return [len(t.split()) for t in texts]


def test_embedding_chunks_end_where_sentences_end() -> None:
    text = (
        "We raised $500m. It went well, e.g. in Berlin.\n\n"
        "* first point of the list\n* second point\n\nSee https://example.org for more."
    )
    sentences = split_sentences(clean_markup(text), "en")
    assert sentences[:2] == ["We raised $500m.", "It went well, e.g. in Berlin."]
    chunks = [c for c, _ in chunk_text(text, _words, 6, "en")]
    # Every chunk is whole sentences of the cleaned text, in order.
    assert " ".join(chunks) == " ".join(sentences)
    assert all(any(c.startswith(s) for s in sentences) for c in chunks)


def test_summary_text_keeps_lines_of_notes_apart() -> None:
    summary = Summary(
        subject_id="t",
        sentences=("Теперь доклад про таймзоны", "Текущие таймзоны меняются часто", "Итог."),
        source="notes",
        language="ru",
    )
    assert summary.text == "Теперь доклад про таймзоны. Текущие таймзоны меняются часто. Итог."
    ended = Summary(subject_id="t", sentences=("One.", "Two?", "Last line"), source="notes")
    assert ended.text == "One. Two? Last line"
