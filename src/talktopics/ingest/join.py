"""Join attendee notes with a programme export by fuzzy title match -> enriched talks.

A notes section and a programme talk are compared on every name each has: the title, the
aliases (a notes file's table-of-contents entry, a programme's slug or "title: subtitle") and
the last path segment of its link (notes usually link to the talk's page, whose slug is the
official title: ``.../talks/germany-s-next-topic-model/``), each also without a leading
"Keynote:"/"Workshop:"/"Tutorial:" and a trailing "(...)" remark. Names are folded with
`normalise_title`. The score of a pair is the best over their names of

* 100 for equal names,
* 95 when the shorter name (at least three words) is a word-for-word prefix of the longer
  (short forms: "A Day Has Only 24±1 Hours" for "A Day Has Only 24±1 Hours: import pytz"),
* otherwise rapidfuzz's ``ratio``, and ``token_set_ratio`` x 0.95 when both names have at
  least four words (the same words in another order, or a few extra).

Pairs at or above ``threshold`` are matched one-to-one, best score first. A matched talk
keeps the programme's id, title, speakers, abstract, description, labels, date, room and
type, and gets the notes (and the notes' links and day where the programme has none).
Unmatched notes are kept as they are (with a warning); programme talks without notes are
kept too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import unquote, urlparse

from talktopics.records import IngestIssue, SourceRef, Talk, normalise_title, talk_id

__all__ = ["DEFAULT_THRESHOLD", "join_schedule", "match_score"]

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 85.0


def _url_slug(url: str | None) -> str | None:
    if not url:
        return None
    path = unquote(urlparse(url).path).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"\.(html?|php)$", "", last)
    if "-" not in last and "_" not in last:
        return None
    return last.replace("-", " ").replace("_", " ")


_KIND_PREFIX = re.compile(
    r"^\s*(keynote|workshop|tutorial|talk|panel|lightning talk|invited talk)\s*[:\-–—]\s*",
    re.IGNORECASE,
)
_TRAILING_PARENS = re.compile(r"\s*\([^()]*\)\s*$")


def _names(talk: Talk) -> list[str]:
    """Folded names of a talk: title, aliases, link slug, and each without a "Keynote:"
    prefix or a trailing "(...)" remark."""
    names: list[str] = []
    for raw in (talk.title, *talk.aliases, _url_slug(talk.url)):
        if not raw:
            continue
        bare = _TRAILING_PARENS.sub("", _KIND_PREFIX.sub("", raw))
        for variant in (raw, bare):
            key = normalise_title(variant)
            if key and key not in names:
                names.append(key)
    return names


def _pair_score(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    if a == b:
        return 100.0
    wa, wb = a.split(), b.split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) >= 3 and long_[: len(short)] == short:
        return 95.0
    score = float(fuzz.ratio(a, b))
    if len(wa) >= 4 and len(wb) >= 4:
        score = max(score, 0.95 * float(fuzz.token_set_ratio(a, b)))
    return score


def match_score(note: Talk, talk: Talk) -> float:
    """How well a notes section and a programme talk match (0-100)."""
    return max(
        (_pair_score(a, b) for a in _names(note) for b in _names(talk)),
        default=0.0,
    )


def _merge(note: Talk, talk: Talk) -> Talk:
    aliases: list[str] = []
    for alias in (*talk.aliases, note.title, *note.aliases):
        if alias and alias != talk.title and alias not in aliases:
            aliases.append(alias)
    return replace(
        talk,
        notes=note.notes,
        notes_language=note.notes_language,
        url=talk.url or note.url,
        video_url=talk.video_url or note.video_url,
        day=talk.day or note.day,
        date=talk.date or note.date,
        session_type=talk.session_type or note.session_type,
        aliases=tuple(aliases),
        source=SourceRef(
            path=note.source.path,
            record=note.source.record,
            format=f"{note.source.format}+{talk.source.format}",
        ),
    )


def join_schedule(
    notes: Sequence[Talk],
    programme: Sequence[Talk],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[list[Talk], list[IngestIssue]]:
    """Give notes sections the programme's data; nothing is dropped.

    Args:
        notes: Talks read from notes (titles may be short forms of the official ones).
        programme: Talks of the official programme.
        threshold: Lowest score (0-100) that counts as a match.

    Returns:
        The programme's talks in programme order (those with notes enriched), then the notes
        that matched nothing, in notes order; and a warning per unmatched notes section.
        When every programme talk has the same conference and year, unmatched notes take
        them too (and their ids follow), so that one edition has one name.
    """
    if not notes or not programme:
        return [*programme, *notes], []
    note_to_prog, best = _match(notes, programme, threshold)
    prog_to_note = {j: i for i, j in note_to_prog.items()}
    editions = {(t.conference, t.year) for t in programme}
    edition = next(iter(editions)) if len(editions) == 1 else None

    out: list[Talk] = []
    for j, talk in enumerate(programme):
        note_index = prog_to_note.get(j)
        out.append(_merge(notes[note_index], talk) if note_index is not None else talk)
    issues: list[IngestIssue] = []
    for i, note in enumerate(notes):
        if i in note_to_prog:
            continue
        if edition is not None and (note.conference, note.year) != edition:
            conference, year = edition
            note = replace(
                note, conference=conference, year=year, id=talk_id(conference, year, note.title)
            )
        out.append(note)
        if note.session_type == "other":
            continue  # not a talk: not expected in the programme
        score, j = best.get(i, (0.0, -1))
        issues.append(_unmatched(note, programme[j] if j >= 0 else None, score, j in prog_to_note))
    logger.info("joined %d of %d notes sections with the programme", len(note_to_prog), len(notes))
    return out, issues


def _match(
    notes: Sequence[Talk], programme: Sequence[Talk], threshold: float
) -> tuple[dict[int, int], dict[int, tuple[float, int]]]:
    """Notes index -> programme index, one-to-one, best score first; and each note's closest
    programme talk (score, index)."""
    prog_names = [_names(t) for t in programme]
    candidates: list[tuple[float, int, int]] = []
    best: dict[int, tuple[float, int]] = {}
    for i, note in enumerate(notes):
        note_names = _names(note)
        for j, names in enumerate(prog_names):
            score = max(
                (_pair_score(a, b) for a in note_names for b in names),
                default=0.0,
            )
            if score > best.get(i, (-1.0, -1))[0]:
                best[i] = (score, j)
            if score >= threshold:
                candidates.append((score, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    note_to_prog: dict[int, int] = {}
    taken: set[int] = set()
    for _score, i, j in candidates:
        if i in note_to_prog or j in taken:
            continue
        note_to_prog[i] = j
        taken.add(j)
    return note_to_prog, best


def _unmatched(note: Talk, closest: Talk | None, score: float, taken: bool) -> IngestIssue:
    """The warning for a notes section that matched no programme talk."""
    hint = ""
    if closest is not None:
        taken_by = ", which matched another section" if taken else ""
        hint = f" (closest: {closest.title!r}, {score:.0f}%{taken_by})"
    return IngestIssue(
        level="warning",
        source=note.source,
        message=(
            f"notes section {note.title!r} matches no talk of the programme"
            f"{hint}; kept with the notes' own data only"
        ),
    )
