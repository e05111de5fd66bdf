"""Which language a talk is read in, and the embedders chosen from those languages."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import FakeEmbedder
from talktopics import embed
from talktopics.config import EmbedConfig
from talktopics.embedder_choice import choose_embedders, programme_language, reading_language
from talktopics.records import Talk


def _talk(tid: str, **fields: Any) -> Talk:
    return Talk(id=tid, title=f"Talk {tid}", **fields)


def test_programme_text_decides_topics_and_notes_decide_reading() -> None:
    talk = _talk("a", abstract="About graphs.", language="en", notes="Заметки", notes_language="ru")
    assert programme_language(talk) == "en"
    assert reading_language(talk) == "ru"
    notes_only = _talk("b", notes="Заметки о докладе", notes_language="ru")
    assert programme_language(notes_only) == reading_language(notes_only) == "ru"


def test_auto_gives_summaries_their_own_embedder_when_the_notes_are_in_another_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[list[str | None]] = []

    def select(config: EmbedConfig, languages: list[str | None]) -> FakeEmbedder:
        asked.append(list(languages))
        return FakeEmbedder()

    monkeypatch.setattr(embed, "select_embedder", select)
    talks = [
        _talk(t, abstract="About graphs.", language="en", notes="Заметки", notes_language="ru")
        for t in "abc"
    ]
    mixed = choose_embedders(talks, EmbedConfig())
    assert asked == [["en"] * 3, ["ru"] * 3]
    assert mixed.topics is not mixed.summaries and len(mixed.distinct()) == 2
    asked.clear()
    fixed = choose_embedders(talks, EmbedConfig(embedder="sentence-transformers"))
    assert asked == [["en"] * 3] and fixed.distinct() == (fixed.topics,)
