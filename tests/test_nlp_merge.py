"""Tests of cross-language term merging: a Russian or German word and its English equivalent
become one term under the English key; two English terms never merge."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from scipy import sparse
from tests.conftest import shared_path

from talktopics.config import NLPConfig
from talktopics.ingest.corpus import read_talks
from talktopics.nlp import extract_terms
from talktopics.nlp.merge import merge_translations
from talktopics.nlp.wordclass import word_classes
from talktopics.records import Talk, TermTable
from talktopics.store import SqliteCache


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own term cache (never the user's ~/.cache)."""
    monkeypatch.setenv("TALKTOPICS_CACHE", str(tmp_path / "cache"))


class _Table:
    """An embedder of a fixed table of words (unit vectors)."""

    name, dim = "table", 3
    vectors: ClassVar[dict[str, list[float]]] = {
        "model": [1.0, 0.0, 0.0],
        "models": [0.999, -0.04, 0.0],
        "модель": [0.99, 0.1, 0.0],
        "data": [0.0, 1.0, 0.0],
        "Daten": [0.0, 0.95, 0.3],
        "модельный": [0.98, 0.0, 0.2],
    }

    def embed(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
        rows = np.asarray([self.vectors[t] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _table(terms: tuple[str, ...], display: tuple[str, ...], langs: tuple[str, ...]) -> TermTable:
    counts = sparse.csr_matrix(np.eye(len(terms), dtype=np.int32))
    return TermTable(
        talk_ids=tuple(f"t{i}" for i in range(len(terms))),
        terms=terms,
        display=display,
        counts=counts,
        languages=tuple((lang,) for lang in langs),
        sentence_counts=counts.copy(),
        sentence_talk=tuple(range(len(terms))),
    )


def test_word_classes() -> None:
    classes = word_classes(
        [
            ("модель", "модель", "ru"),
            ("экспериментальный", "экспериментальный", "ru"),
            ("datum", "Daten", "de"),
            ("algorithmischer", "algorithmischer", "de"),
            ("version", "version", "en"),
            ("robust", "robust", "en"),
            ("machine learning", "machine learning", "en"),
        ]
    )
    assert classes == ["noun", "adj", "noun", "other", "noun", "adj", "other"]


def test_translation_merges_into_the_english_key_and_never_two_english_terms() -> None:
    table = _table(
        ("data", "datum", "model", "models", "модель", "модельный"),
        ("data", "Daten", "model", "models", "модель", "модельный"),
        ("en", "de", "en", "en", "ru", "ru"),
    )
    merged = merge_translations(table, _Table(), threshold=0.87)
    # "models" is as close to "model" as "модель" is, but two English terms never merge;
    # the adjective "модельный" is not the noun "model".
    assert merged.terms == ("data", "model", "models", "модельный")
    assert merged.display[0] == "data"
    assert [int(x) for x in merged.counts[:, 0].toarray().ravel()] == [1, 1, 0, 0, 0, 0]
    assert [int(x) for x in merged.counts[:, 1].toarray().ravel()] == [0, 0, 1, 0, 1, 0]
    assert merged.languages[:2] == (("de", "en"), ("en", "ru"))
    assert merged.sentence_counts.shape == (6, 4)
    # Below the threshold nothing merges.
    assert merge_translations(table, _Table(), threshold=0.999) is table


@pytest.mark.real
def test_translation_merging_block_by_block_merges_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from talktopics.nlp import merge

    table = _table(
        ("data", "datum", "model", "models", "модель", "модельный"),
        ("data", "Daten", "model", "models", "модель", "модельный"),
        ("en", "de", "en", "en", "ru", "ru"),
    )
    whole = merge_translations(table, _Table(), threshold=0.87)
    monkeypatch.setattr(merge, "_BLOCK_ROWS", 1)  # one term per block
    blocks = merge_translations(table, _Table(), threshold=0.87)
    assert blocks.terms == whole.terms == ("data", "model", "models", "модельный")
    assert (blocks.counts != whole.counts).nnz == 0


def test_russian_and_english_words_become_one_term() -> None:
    talks = [
        Talk(id="a", title="Versioning", abstract="We keep every version of a model and its data."),
        Talk(id="b", title="Версии модели", abstract="Мы храним каждую версию модели и данные."),
    ]
    table = extract_terms(talks)
    for gone in ("модель", "данные", "версия"):
        assert gone not in table.terms
    langs = dict(zip(table.terms, table.languages, strict=True))
    assert {"en", "ru"} <= set(langs["model"]) and {"en", "ru"} <= set(langs["data"])
    counts = table.counts[:, table.terms.index("model")].toarray().ravel()
    assert counts[0] >= 1 and counts[1] >= 1
    # Determinism: the same corpus gives the same table, with or without the term cache.
    again = extract_terms(talks, NLPConfig(use_cache=False))
    assert again.terms == table.terms and (again.counts != table.counts).nnz == 0
    # The option off keeps the languages apart.
    apart = extract_terms(talks, NLPConfig(merge_translations=False, use_cache=False))
    assert "модель" in apart.terms


@pytest.mark.real
def test_russian_notes_merge_into_english_terms() -> None:
    path = shared_path("notes", "pycon-de-2018-notes-ru.md")
    talks = list(read_talks([path]).talks)
    table = extract_terms(talks)
    terms = set(table.terms)
    assert "model" in terms and "data" in terms
    assert not {"модель", "данные"} & terms
    langs = dict(zip(table.terms, table.languages, strict=True))
    assert "ru" in langs["model"] and "ru" in langs["data"]
    # English terms stay apart: no two English words were merged into one.
    assert {"model", "models"} <= terms or "models" not in terms
    assert {"data", "dataset"} <= terms


def test_word_classes_are_cached_per_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import talktopics.nlp.wordclass as wordclass

    terms = [("version", "version", "en"), ("robust", "robust", "en"), ("create", "create", "en")]
    tagged = word_classes(terms)
    assert word_classes(terms, cache_dir=tmp_path) == tagged  # fills the cache
    store = SqliteCache(tmp_path / "terms.sqlite3")
    store.put_many(wordclass._namespace(), [(b"create", b"not a class")])  # damaged entry
    store.close()
    seen: list[list[str]] = []

    def tag(words: list[str]) -> list[str]:
        seen.append(list(words))
        return ["other"] * len(words)

    monkeypatch.setattr(wordclass, "_tag", tag)
    classes = word_classes([*terms, ("python", "Python", "en")], cache_dir=tmp_path)
    assert classes == [*tagged, "other"]
    assert seen == [["create", "python"]]  # only the damaged and the new word are tagged


def test_translation_merging_embeds_only_the_words_it_compares() -> None:
    class Recording(_Table):
        embedded: ClassVar[list[str]] = []

        def embed(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
            self.embedded.extend(texts)
            return super().embed(texts)

    table = _table(
        ("data", "datum", "model", "models", "модель", "модельный"),
        ("data", "Daten", "model", "models", "модель", "модельный"),
        ("en", "de", "en", "en", "ru", "ru"),
    )
    merged = merge_translations(table, Recording(), threshold=0.87)
    # The Russian adjective has no English adjective to be compared with: never embedded.
    assert sorted(Recording.embedded) == ["Daten", "data", "model", "models", "модель"]
    assert merged.terms == ("data", "model", "models", "модельный")
