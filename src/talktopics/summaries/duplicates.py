"""Near-duplicate sentences, told apart by their words: sentences in, similarity rows out.

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

__all__ = ["SharedWords", "shared_words"]


class SharedWords:
    """Row ``i`` of the sentences' Jaccard similarity (of their content words), computed when
    it is read: :func:`~talktopics.summaries.ranking.mmr_select` reads only the rows of the
    sentences it picks, so a pick of ``k`` out of ``n`` costs ``k * n`` set comparisons.

    Args:
        sentences: The sentences.
        language: ISO 639-1 code for the stop words and lemmas; None = en, de and ru together.
        bags: Their :func:`~talktopics.summaries.ranking.content_words` when the caller has
            them already.
    """

    def __init__(
        self,
        sentences: Sequence[str],
        *,
        language: str | None = None,
        bags: Sequence[set[str]] | None = None,
    ) -> None:
        self.bags = content_words(sentences, language) if bags is None else list(bags)

    def __len__(self) -> int:
        return len(self.bags)

    def __getitem__(self, item: int, /) -> NDArray[np.float64]:
        """Similarities in ``[0, 1]`` of sentence ``item`` to every sentence: 1 to itself and
        to a sentence with the same content words (or when neither has any)."""
        bag = self.bags[item]
        row = [len(bag & other) / len(bag | other) if bag or other else 1.0 for other in self.bags]
        return np.asarray(row, dtype=np.float64)


def shared_words(sentences: Sequence[str], *, language: str | None = None) -> NDArray[np.float64]:
    """The full ``(n, n)`` matrix of :class:`SharedWords` (symmetric, 1 on the diagonal)."""
    rows = SharedWords(sentences, language=language)
    if not len(rows):
        return np.zeros((0, 0), dtype=np.float64)
    return np.stack([rows[i] for i in range(len(rows))])
