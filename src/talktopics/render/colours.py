"""Topic labels in, one colour per topic out: derived from the topic's label, so the same topic
has the same colour in the digest and in a comparison.

A label's colour is the palette entry its hash points to; when an earlier topic of the same
page (pages list topics largest first) already has that colour, the next free entry is taken,
so the colours of one page stay distinct while there are no more topics than colours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from talktopics.records import normalise_title

__all__ = ["OTHER_COLOUR", "PALETTE", "label_colour", "label_colours"]

PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#17becf", "#edc948", "#ff9da7",
    "#9c755f", "#3969ac", "#bcbd22", "#7f3c8d", "#11a579", "#e73f74", "#f2b701", "#008695",
    "#80ba5a", "#e68310", "#cf1c90", "#6f4e7c",
)  # fmt: skip
"""Topic colours (picked by label, see :func:`label_colours`)."""
OTHER_COLOUR = "#8a929b"
"""Talks in no topic."""


def label_colour(label: str) -> int:
    """The palette index a topic label prefers: a hash of its normalised form."""
    key = normalise_title(label) or label
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:4], "big") % len(PALETTE)


def label_colours(labels: Iterable[str]) -> list[str]:
    """One colour per label, in the order given (largest topic first): its preferred palette
    entry, or the next one no earlier label of this list took (entries are reused only when
    every one is taken)."""
    taken: set[int] = set()
    out: list[str] = []
    for label in labels:
        if len(taken) == len(PALETTE):
            taken.clear()
        index = label_colour(label)
        while index in taken:
            index = (index + 1) % len(PALETTE)
        taken.add(index)
        out.append(PALETTE[index])
    return out
