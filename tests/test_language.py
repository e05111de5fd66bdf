"""Tests of talk_language's on-disk memo (talktopics.nlp.language): same answers, less work."""

from __future__ import annotations

from pathlib import Path

import pytest

from talktopics.ingest import read_talks
from talktopics.nlp import language
from talktopics.nlp.language import talk_language
from talktopics.records import Talk

REPO = Path(__file__).resolve().parents[1]

ENGLISH = Talk(
    id="a",
    title="Type hints in practice",
    abstract="How gradual typing with mypy catches bugs before they reach production code.",
)
GERMAN = Talk(
    id="b",
    title="Datenanalyse mit Pandas",
    abstract="Wie man mit Pandas große Tabellen schnell gruppiert, filtert und darstellt.",
)


@pytest.fixture
def fresh_memos(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without open memos (as a new process would)."""
    monkeypatch.setattr(language, "_MEMOS", {})


def _forbid_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> str | None:
        raise AssertionError("the language was identified again")

    monkeypatch.setattr(language, "identify_language", fail)


@pytest.mark.usefixtures("fresh_memos")
def test_a_rerun_reads_the_remembered_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = [talk_language(t, cache_dir=tmp_path) for t in (ENGLISH, GERMAN)]
    assert first == ["en", "de"]
    language._flush_all()
    monkeypatch.setattr(language, "_MEMOS", {})  # a new run: only the disk remembers
    _forbid_detection(monkeypatch)
    assert [talk_language(t, cache_dir=tmp_path) for t in (ENGLISH, GERMAN)] == first


@pytest.mark.usefixtures("fresh_memos")
def test_memo_keys_hold_everything_the_answer_depends_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert talk_language(GERMAN, cache_dir=tmp_path) == "de"
    assert talk_language(GERMAN, languages=("en",), cache_dir=tmp_path) == "en"  # other options
    changed = Talk(id="b", title=GERMAN.title, abstract="A talk about grouping data frames.")
    assert talk_language(changed, cache_dir=tmp_path) == "en"  # other text
    _forbid_detection(monkeypatch)
    assert talk_language(GERMAN, cache_dir=tmp_path) == "de"
    with pytest.raises(AssertionError, match="identified again"):
        talk_language(GERMAN, cache_dir=tmp_path, use_cache=False)  # no memo at all


@pytest.mark.usefixtures("fresh_memos")
def test_unknown_language_is_remembered_as_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blank = Talk(id="c", title="?!")
    assert talk_language(blank, cache_dir=tmp_path) is None
    language._flush_all()
    monkeypatch.setattr(language, "_MEMOS", {})
    _forbid_detection(monkeypatch)
    assert talk_language(blank, cache_dir=tmp_path) is None


@pytest.mark.usefixtures("fresh_memos")
def test_unwritable_cache_still_answers(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert talk_language(ENGLISH, cache_dir=blocker / "cache") == "en"
    language._flush_all()  # the write fails quietly


@pytest.mark.usefixtures("fresh_memos")
def test_remembered_answers_match_fresh_ones_on_the_demo_corpus(tmp_path: Path) -> None:
    talks = read_talks([REPO / "corpus" / "pycon-de-2018"]).talks
    assert len(talks) > 50
    fresh = [talk_language(t, use_cache=False) for t in talks]
    first = [talk_language(t, cache_dir=tmp_path) for t in talks]
    language._flush_all()
    language._MEMOS.clear()
    again = [talk_language(t, cache_dir=tmp_path) for t in talks]
    assert first == fresh and again == fresh
    assert {"en", "de"} <= set(fresh)


def test_remembered_language_detects_each_text_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from talktopics.nlp.language import remembered_language

    monkeypatch.setenv("TALKTOPICS_CACHE", str(tmp_path))
    calls: list[str] = []

    def detect(text: str) -> str | None:
        calls.append(text)
        return None if text == "??" else "de"

    for _ in range(2):
        assert remembered_language("Guten Morgen", detect, kind="test") == "de"
        assert remembered_language("??", detect, kind="test") is None
    assert remembered_language("Guten Morgen", detect, kind="other") == "de"
    assert calls == ["Guten Morgen", "??", "Guten Morgen"]


def test_notes_language_matches_py3langid_on_the_one_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes reader's identification is ``py3langid.classify``'s, from the model that the
    sentence identification reads (py3langid's own global would be a second copy)."""
    import py3langid
    from py3langid.langid import LanguageIdentifier

    texts = [
        "Wir haben ein Modell mit Sensordaten trainiert und die Ergebnisse verglichen.",
        "Мы обучили модель на данных датчиков и сравнили результаты.",
        "We trained a model on sensor readings and compared the results.",
        "Nous avons entraîné un modèle sur des données de capteurs.",
        "srpski jezik i hrvatski jezik su slični",
        "1234 !!!",
    ]
    assert [language.identify_any_language(t) for t in texts] == [
        py3langid.classify(t)[0] for t in texts
    ]
    reads: list[object] = []
    real = LanguageIdentifier.from_model_file.__func__  # type: ignore[attr-defined]

    def counting(cls: type, *args: object, **kwargs: object) -> object:
        reads.append(args)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(LanguageIdentifier, "from_model_file", classmethod(counting))
    language._full_identifier.cache_clear()
    language._raw_identifier.cache_clear()
    try:
        language.identify_any_language(texts[0])
        language.identify_language(texts[0], ["en", "de", "ru"])
    finally:
        language._full_identifier.cache_clear()
        language._raw_identifier.cache_clear()
        language._identifier.cache_clear()
    assert len(reads) == 1
