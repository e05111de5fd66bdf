"""Batches whose shape does not depend on the other texts: token lengths in, batches out.

A transformer's output for a text changes in the last float bits with the shape of the batch
it is computed in (padding to the longest text, the number of rows): the same text embedded
beside other texts gives a slightly different vector, and a cache filled by earlier runs would
make the results depend on the cache's history. :func:`fixed_shape_batches` plans batches in
which every text's computation has a shape that depends on its own token length only:

* texts of at most ``short_tokens`` tokens are batched with texts of exactly the same length
  (no padding), and every batch is filled up to exactly ``size`` rows (the filler rows repeat
  a text of the batch and are dropped afterwards);
* longer texts are computed one by one (their batch is themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Batch", "fixed_shape_batches"]


@dataclass(frozen=True, slots=True)
class Batch:
    """One forward pass: the rows (indexes into the texts) and how many rows it has in all."""

    rows: tuple[int, ...]
    """Indexes of the texts computed in this batch, in input order."""
    size: int
    """Rows of the pass: ``len(rows)`` plus filler rows that repeat ``rows[-1]``."""

    @property
    def padded(self) -> tuple[int, ...]:
        """The rows of the pass, filler included."""
        return self.rows + (self.rows[-1],) * (self.size - len(self.rows))


def fixed_shape_batches(
    lengths: Sequence[int], *, size: int = 16, short_tokens: int = 32
) -> list[Batch]:
    """Plan forward passes whose shapes do not depend on which texts are embedded together.

    Args:
        lengths: Each text's token count as the model sees it (special tokens included,
            truncated to the model's limit).
        size: Rows of every batch of short texts.
        short_tokens: Texts of at most this many tokens are batched; longer ones go alone.

    Returns:
        Batches covering every index once: short texts grouped by exact length (lengths in
        ascending order, texts in input order), then the long texts one by one.
    """
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    by_length: dict[int, list[int]] = {}
    alone: list[Batch] = []
    for i, n in enumerate(lengths):
        if n <= short_tokens:
            by_length.setdefault(n, []).append(i)
        else:
            alone.append(Batch((i,), 1))
    batches = [
        Batch(tuple(rows[start : start + size]), size)
        for n in sorted(by_length)
        for rows in (by_length[n],)
        for start in range(0, len(rows), size)
    ]
    return batches + alone
