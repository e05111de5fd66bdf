"""Duplicate talks within a run: one talk per id, same-titled distinct sessions kept apart."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from talktopics.records import IngestIssue, SourceRef, Talk, talk_id

__all__ = ["dedupe_talks"]

logger = logging.getLogger(__name__)

_BULK_DUPLICATES = 3
"""More duplicates than this between the same two files are reported as one warning."""


def _differs(a: Talk, b: Talk) -> str | None:
    """What tells two same-id talks apart, or None when they are the same talk.

    Within one source, different speakers or a different date, day or time make different
    talks (a daily "Lightning talks" session, two "Keynote" videos). Across sources, the same
    id is the same talk: sources spell speakers differently, and versions of a schedule move
    talks around.
    """
    if a.source.path != b.source.path:
        return None
    if a.speakers and b.speakers and set(a.speakers) != set(b.speakers):
        return ", ".join(b.speakers)
    for name in ("date", "day", "start"):
        va, vb = getattr(a, name), getattr(b, name)
        if va and vb and va != vb:
            return " ".join(str(v) for v in (b.date, b.day, b.start) if v)
    return None


def dedupe_talks(talks: Sequence[Talk]) -> tuple[list[Talk], list[IngestIssue]]:
    """One talk per id, first one first; a warning per duplicate (or per file pair, in bulk).

    A duplicate's notes are merged into the kept talk when that one has none. Same-titled
    talks that `_differs` tells apart are kept, the later one with an id of its own.
    """
    kept: dict[str, int] = {}
    out: list[Talk] = []
    dups: dict[tuple[str, str], list[tuple[Talk, Talk, bool]]] = {}
    next_number: dict[str, int] = {}
    for talk in talks:
        index = kept.get(talk.id)
        if index is not None:
            first = out[index]
            tell = _differs(first, talk)
            if tell is not None:
                base = f"{talk.title} {tell}"
                new_id = talk_id(talk.conference, talk.year, base)
                # Resume where the last search for this name stopped: ``kept`` only grows,
                # so the first free number is never below it (a thousand same-named
                # sessions stay linear).
                n = next_number.get(base, 2)
                while new_id in kept:
                    new_id = talk_id(talk.conference, talk.year, f"{base} {n}")
                    n += 1
                next_number[base] = n
                talk = replace(talk, id=new_id)
            else:
                merged = False
                if talk.notes and not first.notes:
                    out[index] = replace(
                        first, notes=talk.notes, notes_language=talk.notes_language
                    )
                    merged = True
                key = (first.source.path, talk.source.path)
                dups.setdefault(key, []).append((first, talk, merged))
                continue
        kept[talk.id] = len(out)
        out.append(talk)
    issues: list[IngestIssue] = []
    for (first_path, second_path), pairs in dups.items():
        if len(pairs) > _BULK_DUPLICATES:
            examples = "; ".join(f"{b.source.record} = {a.source.record}" for a, b, _ in pairs[:2])
            n_merged = sum(1 for *_, m in pairs if m)
            issues.append(
                IngestIssue(
                    level="warning",
                    source=SourceRef(path=second_path, record=f"{len(pairs)} records"),
                    message=(
                        f"{len(pairs)} talks are the same as talks already read from "
                        f"{first_path} (e.g. {examples}); kept the first"
                        + (f", merged the notes of {n_merged}" if n_merged else "")
                    ),
                )
            )
            continue
        for first, talk, was_merged in pairs:
            issues.append(
                IngestIssue(
                    level="warning",
                    source=talk.source,
                    message=(
                        f"duplicate of {first.source} ({talk.title!r}, id {talk.id}); kept "
                        "the first"
                        + (" and merged this record's notes into it" if was_merged else "")
                    ),
                )
            )
    return out, issues
