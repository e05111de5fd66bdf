"""Memory of the topic-summary step: one topic of 30,000 sentences stays far below the
``n x n`` similarity matrix (7.2 GB of float64); the on-demand rows pick what the matrix
picks."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from talktopics.records import Talk, Topic
from talktopics.summaries import mmr_select, summarize_topic
from talktopics.summaries.ranking import CosineRows

_DIM = 384
_TALKS = 3_000
_SENTENCES = 10
_LIMIT_MB = 300


class RandomUnitEmbedder:
    """Random unit vectors of dim 384 (seeded by the batch size): as cheap as an embedder
    gets, with the shape of MiniLM's."""

    name = "random-unit"
    dim = _DIM

    def embed(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
        rng = np.random.default_rng(len(texts))
        out = rng.standard_normal((len(texts), _DIM), dtype=np.float32)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


def _talks() -> list[Talk]:
    return [
        Talk(
            id=f"t{i}",
            title=f"Talk number {i}",
            abstract=" ".join(
                f"Talk {i} makes point {j} about testing code." for j in range(_SENTENCES)
            ),
            language="en",
        )
        for i in range(_TALKS)
    ]


def test_topic_summary_of_30000_sentences_stays_under_300_mb() -> None:
    talks = _talks()
    topic = Topic(id="big", label="Testing", terms=(), talk_ids=tuple(t.id for t in talks))
    tracemalloc.start()
    try:
        blurb = summarize_topic(topic, talks, embedder=RandomUnitEmbedder())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Two representative talks, each named with its own one-line summary.
    assert len(blurb.sentences) == 2
    assert blurb.sentences[1].count("«Talk number") == 2
    # The full similarity matrix alone would be 30,000^2 x 8 bytes = 7.2 GB.
    assert peak < _LIMIT_MB * 2**20, f"peak {peak / 2**20:.0f} MB"


@pytest.mark.parametrize("mmr_lambda", [1.0, 0.7, 0.3])
def test_cosine_rows_pick_what_the_full_matrix_picks(mmr_lambda: float) -> None:
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((300, 16))
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    relevance = matrix @ matrix[:20].mean(axis=0)
    groups = [str(i // 4) for i in range(300)]
    options = {"mmr_lambda": mmr_lambda, "max_similarity": 0.8, "groups": groups}
    full = mmr_select(relevance, matrix @ matrix.T, 6, **options)  # type: ignore[arg-type]
    rows = mmr_select(relevance, CosineRows(matrix), 6, **options)  # type: ignore[arg-type]
    assert rows == full
    assert len(rows) == 6
    assert np.allclose(CosineRows(matrix)[5], (matrix @ matrix.T)[5])
