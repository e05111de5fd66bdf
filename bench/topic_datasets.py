"""Labelled benchmark sets for topic quality: real talk records with gold labels, and BBC News.

Each loader returns a :class:`BenchSet`: the talks a method is fitted on, the text every
baseline sees, the gold label per talk (``None`` = fitted but not scored) and, where the
programme has them, multi-label gold sets for the overlap-aware score.

Scoring rules, the same for every method:

* Slots that are not talks (breaks, lunch, registration, opening/closing) are dropped; on the
  EuroPython sets, sessions without a track are dropped too (they are exactly those slots plus
  keynotes, announcements and sponsor slots that the programme filed under no subject).
* Tracks that do not name a subject — catch-alls such as EuroPython's "~None of the above" or
  JuliaCon's "JuliaCon" track, and format tracks such as "Posters", "Keynotes", "Sponsor" — are
  *fitted but not scored*: a real run sees those talks, but no method can be right or wrong
  about a label that says "no subject".
* PyCon.DE 2018 has no track, only domains (0-9 per talk): the first domain listed is the gold
  label for AMI/ARI, the full set is the multi-label gold; talks without domains are fitted,
  not scored. PyCon.DE & PyData Berlin 2019: gold = track (PyData / PyConDE), multi-label gold
  = domains. A second row scores 2019 against the first domain listed (omega vs all domains).
* EuroPython 2022 and 2023 have a second row (``ep2022-all``, ``ep2023-all``) that scores
  every track, catch-alls and format tracks included.
* EuroPython 2014: gold = the schedule's topic; its catch-all "Other" is fitted, not scored.
  PyCon AU 2024: gold = pretalx track; "Main Conference" (the catch-all) is fitted, not scored.
* PyCon.DE 2017: the organisers' schedule has the tags (coarse, 1-4 per talk) but no text; the
  pyvideo records have the text. Both are read with the project's reader and joined on the
  normalised title; gold = first tag, multi-label gold = all tags; unmatched talks are dropped.
* Not added: PyCon FR 2024/2025 (no tracks) and rc3 2020 (tracks are broadcast channels, not
  subjects).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from talktopics.records import Labels, SourceRef, Talk

__all__ = [
    "DATASETS",
    "SHARED",
    "BenchSet",
    "DatasetSpec",
    "load_dataset",
]

logger = logging.getLogger(__name__)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
"""The shared data folder beside the repository."""

BREAK_TYPES = frozenset(
    {"lunch break", "break", "breakfast", "social hour", "ceremony", "registration"}
)
"""Session types (case-folded) that are not talks."""

NON_SUBJECT_TRACKS: dict[str, frozenset[str]] = {
    "ep2022": frozenset({"~None of the above", "Sponsor", "Posters", "Keynotes", "Events"}),
    "ep2023": frozenset({"~ None of these topics", "TBD - Multiple Tracks"}),
    "juliacon2023": frozenset({"JuliaCon", "Pre-recorded Talks"}),
    "ep2014": frozenset({"Other"}),
    "pyconau2024": frozenset({"Main Conference"}),
}
"""Per set: tracks that are fitted but not scored (catch-alls and format tracks)."""

BBC_MAX_SEEDS = 3
"""BBC (2,225 documents) runs at most 3 seeds per method, to keep ``make bench`` in budget."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BenchSet:
    """One benchmark set, ready for any method.

    Attributes:
        key: short name used on the command line, e.g. ``"ep2022"``.
        title: readable name for tables.
        gold_kind: what the gold label is (``"track"``, ``"first domain"``, ...).
        talks: the records a method is fitted on (all of them, scored or not).
        docs: the text each baseline sees for the talk at the same index (title + text).
        gold: gold label per talk; ``None`` = fitted, not scored.
        gold_multi: multi-label gold per talk (empty set = not scored), or ``None``.
        tuned: True for the sets used to choose the engine's defaults.
        reader: which code produced the talks (the project's reader or the bench's own).
        max_seeds: at most this many seeds are run on the set (None = all asked for).
    """

    key: str
    title: str
    gold_kind: str
    talks: tuple[Talk, ...]
    docs: tuple[str, ...]
    gold: tuple[str | None, ...]
    gold_multi: tuple[frozenset[str], ...] | None
    tuned: bool
    reader: str
    max_seeds: int | None = None

    @property
    def scored(self) -> int:
        return sum(1 for g in self.gold if g is not None)

    @property
    def gold_k(self) -> int:
        """Number of distinct gold labels among scored talks (K for KMeans and LDA)."""
        return len({g for g in self.gold if g is not None})


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetSpec:
    key: str
    title: str
    path: tuple[str, ...]
    """Path under the shared folder."""
    tuned: bool
    build: Callable[[DatasetSpec], BenchSet]


# --- reading talks ----------------------------------------------------------------------------


def _read_talks(spec: DatasetSpec, path_parts: tuple[str, ...] = ()) -> tuple[list[Talk], str]:
    """The set's talks as the project's own ingest reads them (the real path, labels included)."""
    from talktopics.ingest import read_talks

    path = SHARED.joinpath(*(path_parts or spec.path))
    if not path.exists():
        raise FileNotFoundError(f"{spec.key}: {path} is missing")
    corpus = read_talks([path])
    for issue in corpus.issues:
        logger.debug("%s", issue)
    if corpus.issues:
        logger.info(
            "%s: %d ingest issues (%d errors)", path.name, len(corpus.issues), corpus.skipped
        )
    return list(corpus.talks), "talktopics.ingest"


def _doc(talk: Talk) -> str:
    return f"{talk.title}\n\n{talk.text}".strip()


def _is_break(talk: Talk) -> bool:
    return (talk.session_type or "").casefold() in BREAK_TYPES


# --- set builders -----------------------------------------------------------------------------


def _track_set(spec: DatasetSpec) -> BenchSet:
    talks, reader = _read_talks(spec)
    skip = NON_SUBJECT_TRACKS.get(spec.key, frozenset())
    kept = [t for t in talks if not _is_break(t) and t.labels.track]
    gold = tuple(None if t.labels.track in skip else t.labels.track for t in kept)
    return BenchSet(
        key=spec.key,
        title=spec.title,
        gold_kind="track",
        talks=tuple(kept),
        docs=tuple(_doc(t) for t in kept),
        gold=gold,
        gold_multi=None,
        tuned=spec.tuned,
        reader=reader,
    )


def _pyconde2018(spec: DatasetSpec) -> BenchSet:
    talks, reader = _read_talks(spec)
    kept = [t for t in talks if not _is_break(t)]
    return BenchSet(
        key=spec.key,
        title=spec.title,
        gold_kind="first domain",
        talks=tuple(kept),
        docs=tuple(_doc(t) for t in kept),
        gold=tuple(t.labels.domains[0] if t.labels.domains else None for t in kept),
        gold_multi=tuple(frozenset(t.labels.domains) for t in kept),
        tuned=spec.tuned,
        reader=reader,
    )


def _all_tracks_set(spec: DatasetSpec) -> BenchSet:
    base = _track_set(spec)
    return replace(
        base,
        gold_kind="track (all, catch-alls included)",
        gold=tuple(t.labels.track for t in base.talks),
    )


def _first_domain_set(spec: DatasetSpec) -> BenchSet:
    base = _track_set(spec)
    return replace(
        base,
        gold_kind="first domain",
        gold=tuple(t.labels.domains[0] if t.labels.domains else None for t in base.talks),
        gold_multi=tuple(frozenset(t.labels.domains) for t in base.talks),
    )


def _title_key(title: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in title.casefold()).split())


PYVIDEO_PYCONDE2017 = ("corpora", "pyvideo", "pycon-de-2017")


def _pyconde2017(spec: DatasetSpec) -> BenchSet:
    schedule, reader = _read_talks(spec)
    videos, _ = _read_talks(spec, PYVIDEO_PYCONDE2017)
    tags = {_title_key(t.title): t.labels.tags for t in schedule if t.labels.tags}
    kept = [
        replace(t, labels=replace(t.labels, tags=tags[_title_key(t.title)]))
        for t in videos
        if _title_key(t.title) in tags and t.text
    ]
    return BenchSet(
        key=spec.key,
        title=spec.title,
        gold_kind="first tag (schedule)",
        talks=tuple(kept),
        docs=tuple(_doc(t) for t in kept),
        gold=tuple(t.labels.tags[0] for t in kept),
        gold_multi=tuple(frozenset(t.labels.tags) for t in kept),
        tuned=spec.tuned,
        reader=f"{reader} (schedule tags joined to pyvideo text by title)",
    )


def _pyconde2019(spec: DatasetSpec) -> BenchSet:
    base = _track_set(spec)
    return replace(
        base,
        gold_kind="track (PyData / PyConDE)",
        gold_multi=tuple(frozenset(t.labels.domains) for t in base.talks),
    )


def _bbc(spec: DatasetSpec) -> BenchSet:
    path = SHARED.joinpath(*spec.path)
    if not path.exists():
        raise FileNotFoundError(f"{spec.key}: {path} is missing")
    talks: list[Talk] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)):
            if len(row) != 3:
                raise ValueError(f"{path.name}: line {i + 1}: expected 3 columns, got {len(row)}")
            text, _split, label = row
            talks.append(
                Talk(
                    id=f"bbc-{i:04d}",
                    title="",
                    conference="BBC News",
                    abstract=text,
                    labels=Labels(track=label),
                    source=SourceRef(path=path.name, record=f"line {i + 1}", format="octis-tsv"),
                )
            )
    return BenchSet(
        key=spec.key,
        title=spec.title,
        gold_kind="label",
        talks=tuple(talks),
        docs=tuple(t.abstract for t in talks),
        gold=tuple(t.labels.track for t in talks),
        gold_multi=None,
        tuned=spec.tuned,
        reader="bench reader (OCTIS corpus.tsv)",
        max_seeds=BBC_MAX_SEEDS,
    )


DATASETS: dict[str, DatasetSpec] = {
    spec.key: spec
    for spec in (
        DatasetSpec(
            key="ep2022",
            title="EuroPython 2022",
            path=("corpora", "europython-website", "europython-2022", "sessions_data.json"),
            tuned=True,
            build=_track_set,
        ),
        DatasetSpec(
            key="ep2023",
            title="EuroPython 2023",
            path=(
                "corpora",
                "pretalx",
                "europython-2023-api",
                "pretalx_schedule_response_20230714.testdata.json",
            ),
            tuned=False,
            build=_track_set,
        ),
        DatasetSpec(
            key="juliacon2023",
            title="JuliaCon 2023",
            path=("corpora", "pretalx", "juliacon-2023", "talks.json"),
            tuned=False,
            build=_track_set,
        ),
        DatasetSpec(
            key="pyconde2018",
            title="PyCon.DE 2018",
            path=("corpora", "pyconde-www", "pycon-de-2018", "talks.json"),
            tuned=False,
            build=_pyconde2018,
        ),
        DatasetSpec(
            key="pyconde2019",
            title="PyCon.DE & PyData Berlin 2019",
            path=("corpora", "pyconde-www", "pycon-de-pydata-berlin-2019", "schedule_databag.json"),
            tuned=False,
            build=_pyconde2019,
        ),
        DatasetSpec(
            key="pyconde2019-domain",
            title="PyCon.DE & PyData Berlin 2019 (domains)",
            path=("corpora", "pyconde-www", "pycon-de-pydata-berlin-2019", "schedule_databag.json"),
            tuned=False,
            build=_first_domain_set,
        ),
        DatasetSpec(
            key="ep2022-all",
            title="EuroPython 2022 (all tracks)",
            path=("corpora", "europython-website", "europython-2022", "sessions_data.json"),
            tuned=True,
            build=_all_tracks_set,
        ),
        DatasetSpec(
            key="ep2023-all",
            title="EuroPython 2023 (all tracks)",
            path=(
                "corpora",
                "pretalx",
                "europython-2023-api",
                "pretalx_schedule_response_20230714.testdata.json",
            ),
            tuned=False,
            build=_all_tracks_set,
        ),
        DatasetSpec(
            key="ep2014",
            title="EuroPython 2014",
            path=("corpora", "europython-xml", "europython-2014", "schedule.xml"),
            tuned=False,
            build=_track_set,
        ),
        DatasetSpec(
            key="pyconde2017",
            title="PyCon.DE 2017",
            path=("corpora", "pyconde-www", "pycon-de-2017"),
            tuned=False,
            build=_pyconde2017,
        ),
        DatasetSpec(
            key="pyconau2024",
            title="PyCon AU 2024",
            path=("corpora", "pretalx", "pycon-au-2024", "schedule.json"),
            tuned=False,
            build=_track_set,
        ),
        DatasetSpec(
            key="bbc",
            title="BBC News (OCTIS)",
            path=("benchmarks", "octis", "BBC_News", "corpus.tsv"),
            tuned=True,
            build=_bbc,
        ),
    )
}


def load_dataset(key: str) -> BenchSet:
    """Load one benchmark set by key.

    Raises:
        KeyError: unknown key (the message lists the known ones).
        FileNotFoundError: the shared data is not beside the repository.
    """
    if key not in DATASETS:
        raise KeyError(f"unknown dataset {key!r}; known: {', '.join(DATASETS)}")
    spec = DATASETS[key]
    bench_set = spec.build(spec)
    logger.info(
        "%s: %d talks fitted, %d scored, K=%d (%s)",
        key,
        len(bench_set.talks),
        bench_set.scored,
        bench_set.gold_k,
        bench_set.reader,
    )
    return bench_set


def describe(sets: Sequence[BenchSet]) -> list[tuple[str, int, int, int, str]]:
    """(key, fitted, scored, K, reader) per set, for logs and the results header."""
    return [(s.key, len(s.talks), s.scored, s.gold_k, s.reader) for s in sets]
