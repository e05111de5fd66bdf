"""Near-duplicate sentences, told apart by their words: sentences in, pairwise similarity out.

A summary never holds two sentences that say the same thing (``SummaryConfig.max_similarity``).
They are compared by their content words (:func:`~talktopics.summaries.ranking.content_words`:
stop words out, lookup lemmas), the same words the ranking's sentence graph is built from, so
a summary needs no sentence embeddings and no sentence reaches the encoder for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from talktopics.summaries.ranking import content_words

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["shared_words"]


def shared_words(sentences: Sequence[str], *, language: str | None = None) -> NDArray[np.float64]:
    """Jaccard similarity of the sentences' content words.

    Args:
        sentences: The sentences.
        language: ISO 639-1 code for the stop words and lemmas; None = en, de and ru together.

    Returns:
        ``(n, n)`` symmetric similarities in ``[0, 1]``; 1 on the diagonal and between two
        sentences with the same content words (or none at all).
    """
    bags = content_words(sentences, language)
    n = len(bags)
    sim = np.eye(n, dtype=np.float64)
    for i in range(n):
        for j in range(i + 1, n):
            union = len(bags[i] | bags[j])
            sim[i, j] = sim[j, i] = len(bags[i] & bags[j]) / union if union else 1.0
    return sim
