"""Edition arguments in, editions out: which paths make one edition, its label and year, its
boilerplate lines, and which editions have enough text to be compared.

How ``talktopics compare`` turns its PATH arguments into editions:

* Each PATH is one edition: a notes file, an export, a pyvideo folder, or a folder such as
  ``corpus/pycon-de-2018`` (notes + programme, joined by ingest).
* ``PATH1+PATH2`` joins several paths into one edition — for events that pyvideo splits, such
  as PyCon DE 2019 and PyData Berlin 2019 (``pycon-de-2019+pydata-berlin-2019``). An argument
  that exists as a path as it is (a name with a ``+`` in it) is never split.
* One PATH that is a folder of editions — not a pyvideo folder, and holding at least two
  sub-folders — stands for its sub-folders, one edition each (``talktopics compare corpus/``).
* The label of an edition is ``--label`` (one per edition, in argument order), else its year
  (the most common year of its talks, else a year in its path name), else its path name.
  Editions with the same label are one edition: two pyvideo folders of 2019 are compared as
  the 2019 edition.
* Editions are compared in the order of their years when every edition has one, else in the
  order given.

Boilerplate (:func:`strip_boilerplate`): exports often repeat lines in every talk of one
edition — "Recorded at the PyConDE & PyData Berlin 2019 conference.", a licence, "[Online]",
"[Liffey Hall 1 on 2022-07-13]". Such lines say nothing about a talk's topic but make all talks
of an edition alike, so a model over several editions would group talks by edition. A line of
an abstract or description (compared case-folded, with digits and URLs masked) that occurs in
at least ``BOILERPLATE_MIN_SHARE`` of an edition's talks (and at least three) is removed before
the comparison; the removed lines are reported per edition.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from talktopics.compare.records import SkippedEdition
from talktopics.config import CompareConfig, IngestLimits
from talktopics.errors import ConfigError
from talktopics.ingest import read_talks
from talktopics.ingest.detect import SUFFIXES
from talktopics.ingest.pyvideo import is_pyvideo_dir
from talktopics.records import IngestIssue, SourceRef, Talk

__all__ = [
    "BOILERPLATE_MIN_SHARE",
    "Edition",
    "EditionSpec",
    "load_editions",
    "parse_editions",
    "strip_boilerplate",
    "usable_editions",
]

logger = logging.getLogger(__name__)

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
BOILERPLATE_MIN_SHARE = 0.1
"""A line in at least this share of an edition's talks (and in three or more) is boilerplate."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EditionSpec:
    """One edition as given on the command line: its paths and an optional label."""

    paths: tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Edition:
    """The talks of one edition of a conference."""

    label: str
    """Unique among the compared editions, e.g. ``"2019"``."""
    year: int | None
    talks: tuple[Talk, ...]
    paths: tuple[str, ...]
    name: str = ""
    """Readable name, e.g. ``"PyCon DE 2019 + PyData Berlin 2019"``."""
    issues: tuple[IngestIssue, ...] = ()
    boilerplate: tuple[str, ...] = ()
    """Lines removed from its talks by :func:`strip_boilerplate` (masked form)."""


def parse_editions(arguments: Sequence[str], labels: Sequence[str] = ()) -> list[EditionSpec]:
    """Turn PATH arguments (and ``--label`` values) into edition specs.

    Args:
        arguments: PATH arguments; ``A+B`` joins paths into one edition, one folder of
            edition folders stands for its sub-folders.
        labels: One label per edition, in order (may be empty).

    Raises:
        ConfigError: No argument, an empty part of ``A+B``, or a label count that does not
            match the editions.
    """
    if not arguments:
        raise ConfigError("no edition given; pass two or more PATHs (or one folder of editions)")
    specs: list[EditionSpec] = []
    for argument in arguments:
        if Path(argument).exists() or "+" not in argument:
            parts = [argument]
        else:
            parts = [part.strip() for part in argument.split("+")]
            if not all(parts):
                raise ConfigError(f"{argument!r}: empty path in an edition of the form A+B")
        specs.append(EditionSpec(paths=tuple(parts)))
    if len(specs) == 1 and len(specs[0].paths) == 1:
        specs = _folder_of_editions(Path(specs[0].paths[0])) or specs
    if labels:
        if len(labels) != len(specs):
            where = ", ".join("+".join(s.paths) for s in specs)
            raise ConfigError(
                f"{len(labels)} --label values for {len(specs)} editions ({where}); give one "
                "label per edition, in the same order"
            )
        specs = [
            EditionSpec(paths=s.paths, label=label.strip() or None)
            for s, label in zip(specs, labels, strict=True)
        ]
    return specs


def _folder_of_editions(path: Path) -> list[EditionSpec] | None:
    """The sub-folders of ``path`` as editions, or None when it is not a folder of editions."""
    if not path.is_dir() or is_pyvideo_dir(path):
        return None
    children = sorted((p for p in path.iterdir() if not p.name.startswith(".")), key=str)
    folders = [p for p in children if p.is_dir()]
    if len(folders) < 2:
        return None
    ignored = [
        p.name
        for p in children
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not p.stem.casefold().startswith(("readme", "license", "licence", "notice"))
    ]
    if ignored:
        logger.warning(
            "%s is read as a folder of editions (one per sub-folder); files directly in it "
            "are not read: %s",
            path,
            ", ".join(ignored),
        )
    return [EditionSpec(paths=(str(p),)) for p in folders]


def load_editions(
    specs: Sequence[EditionSpec],
    *,
    input_format: str | None = None,
    column_map: Mapping[str, str] | None = None,
    conference: str | None = None,
    limits: IngestLimits | None = None,
) -> list[Edition]:
    """Read every edition; editions with the same label are merged.

    Reading never fails on bad input: problems are the editions' ``issues``, and an edition
    may come back without talks (the comparison reports and skips it).

    Raises:
        ConfigError: ``input_format`` or ``column_map`` names something unknown.
    """
    groups: dict[str, list[tuple[EditionSpec, list[Talk], list[IngestIssue], str]]] = {}
    years: dict[str, int | None] = {}
    for spec in specs:
        corpus = read_talks(
            spec.paths,
            format=input_format,
            column_map=column_map,
            conference=conference,
            limits=limits,
        )
        year = _edition_year(corpus.talks, spec.paths)
        label = spec.label or (str(year) if year is not None else _path_label(spec.paths))
        if spec.label is None and year is not None:
            # A talk without a year of its own belongs to the edition's year.
            talks = [t if t.year is not None else _with_year(t, year) for t in corpus.talks]
        else:
            talks = list(corpus.talks)
        groups.setdefault(label, []).append((spec, talks, list(corpus.issues), corpus.name))
        years.setdefault(label, year)
    editions: list[Edition] = []
    for label, members in groups.items():
        if len(members) > 1:
            logger.info(
                "edition %s: %s read as one edition",
                label,
                " + ".join("+".join(m[0].paths) for m in members),
            )
        talks, issues = _unique_talks([t for m in members for t in m[1]])
        editions.append(
            Edition(
                label=label,
                year=years[label],
                talks=tuple(talks),
                paths=tuple(p for m in members for p in m[0].paths),
                name=" + ".join(dict.fromkeys(m[3] for m in members if m[3])) or label,
                issues=tuple(i for m in members for i in m[2]) + tuple(issues),
            )
        )
    if all(e.year is not None for e in editions):
        editions.sort(key=lambda e: e.year or 0)  # stable: same-year labels keep their order
    return editions


def _edition_year(talks: Sequence[Talk], paths: Sequence[str]) -> int | None:
    counts = Counter(t.year for t in talks if t.year is not None)
    if counts:
        return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    for path in paths:
        found = _YEAR.findall(Path(path).name) or _YEAR.findall(str(path))
        if found:
            return int(found[-1])
    return None


def _path_label(paths: Sequence[str]) -> str:
    return "+".join(Path(p).stem or str(p) for p in paths)


def _with_year(talk: Talk, year: int) -> Talk:
    return dataclasses.replace(talk, year=year)


def _unique_talks(talks: list[Talk]) -> tuple[list[Talk], list[IngestIssue]]:
    """Talks with distinct ids (the first kept); a warning names every dropped duplicate."""
    seen: dict[str, Talk] = {}
    issues: list[IngestIssue] = []
    for talk in talks:
        first = seen.get(talk.id)
        if first is None:
            seen[talk.id] = talk
            continue
        issues.append(
            IngestIssue(
                level="warning",
                source=SourceRef(path=talk.source.path, record=talk.source.record),
                message=f"talk {talk.title!r} was read twice for this edition (first from "
                f"{first.source}); counted once",
            )
        )
    return list(seen.values()), issues


def _line_key(line: str) -> str:
    text = _URL.sub("<url>", " ".join(line.split()).casefold())
    return re.sub(r"\d", "0", text)


def strip_boilerplate(
    edition: Edition, *, min_share: float = BOILERPLATE_MIN_SHARE, min_talks: int = 3
) -> Edition:
    """The edition with the lines repeated across many of its talks removed.

    A line of an abstract or description is boilerplate when its masked form (case-folded,
    whitespace collapsed, URLs and digits masked) occurs in at least ``min_talks`` talks and
    in at least ``min_share`` of the edition's talks. Notes (a person's own words) are kept.

    Returns:
        A copy with cleaned talks and ``boilerplate`` listing the removed lines (sorted).
    """
    counts: Counter[str] = Counter()
    for talk in edition.talks:
        keys = {_line_key(line) for field in (talk.abstract, talk.description)
                for line in field.splitlines() if line.strip()}  # fmt: skip
        counts.update(keys)
    limit = max(min_talks, min_share * len(edition.talks))
    found = {key for key, n in counts.items() if n >= limit}
    if not found:
        return edition

    def clean(text: str) -> str:
        kept = [line for line in text.splitlines() if _line_key(line) not in found]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()

    talks = tuple(
        dataclasses.replace(t, abstract=clean(t.abstract), description=clean(t.description))
        for t in edition.talks
    )
    logger.info("edition %s: %d boilerplate lines removed", edition.label, len(found))
    return dataclasses.replace(edition, talks=talks, boilerplate=tuple(sorted(found)))


def usable_editions(
    editions: Sequence[Edition], config: CompareConfig
) -> tuple[list[Edition], list[SkippedEdition], list[IngestIssue]]:
    """Editions with enough text; a talk read for two editions counts for the first only.

    Returns:
        ``(usable, skipped, issues)``: the editions to compare (their talks de-duplicated
        across editions), the ones left out and why, and every edition's issues plus a
        warning per talk dropped as a duplicate.
    """
    usable: list[Edition] = []
    skipped: list[SkippedEdition] = []
    issues: list[IngestIssue] = []
    seen: dict[str, str] = {}
    for edition in editions:
        issues.extend(edition.issues)
        talks: list[Talk] = []
        for talk in edition.talks:
            if talk.id in seen:
                issues.append(
                    IngestIssue(
                        level="warning",
                        source=SourceRef(path=talk.source.path, record=talk.source.record),
                        message=f"talk {talk.title!r} is in editions {seen[talk.id]} and "
                        f"{edition.label}; counted in {seen[talk.id]} only",
                    )
                )
                continue
            seen[talk.id] = edition.label
            talks.append(talk)
        with_text = sum(1 for t in talks if t.has_text)
        if with_text < config.min_edition_talks:
            skipped.append(_skipped(edition, talks, with_text, config))
            continue
        usable.append(dataclasses.replace(edition, talks=tuple(talks)))
    return usable, skipped, issues


def _skipped(
    edition: Edition, talks: list[Talk], with_text: int, config: CompareConfig
) -> SkippedEdition:
    """Why an edition is left out (also logged as a warning)."""
    errors = [i for i in edition.issues if i.level == "error"]
    why = (
        f"{with_text} talks with text (at least {config.min_edition_talks} needed)"
        if talks
        else "no talks could be read"
    )
    if errors:
        why += f"; first problem: {errors[0]}"
    logger.warning("edition %s skipped: %s", edition.label, why)
    return SkippedEdition(label=edition.label, paths=edition.paths, reason=why)
