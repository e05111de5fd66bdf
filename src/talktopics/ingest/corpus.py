"""Files and folders in, one `Corpus` out: walking, joining, de-duplicating, limits.

Paths:

* A file is read with the reader its content calls for (or ``format``).
* A pyvideo folder (``category.json`` + ``videos/``) is read as one source.
* Any other folder is walked in sorted order: its files ending in ``.md``, ``.markdown``,
  ``.json``, ``.xml``, ``.csv``, ``.tsv``, ``.jsonl`` or ``.ndjson`` (except README, LICENSE,
  SOURCES, CHANGELOG, CONTRIBUTING, NOTICE, COPYING: documentation, not data), then its
  sub-folders the same way. Hidden files and folders are left alone, and so are symbolic
  links that lead outside the folder given (with a warning); each folder is read once.
* When a folder holds Markdown notes *and* programme exports, the notes are joined with the
  programme of the same folder (`talktopics.ingest.join.join_schedule`); programme talks
  without notes are kept.
* ``schedule`` files are joined in the same way with all notes read from ``paths`` that no
  folder joined already.

Duplicates: talks with the same id are one talk; the first is kept, the second's notes are
merged into it when the first has none, and a warning names both records. Within one
source, same-titled talks that differ in speakers, date or day (two "Lightning talks"
sessions, two "Keynote" videos) are different talks: the later one gets an id that includes
what tells it apart.

Limits (`IngestLimits`): files over ``max_file_bytes`` are refused, texts over
``max_text_chars`` are cut (with a warning), and talks beyond ``max_talks`` are skipped (with
an error; reading stops there).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from talktopics.config import IngestLimits
from talktopics.errors import ConfigError, IngestError
from talktopics.ingest import pyvideo
from talktopics.ingest.dedupe import dedupe_talks
from talktopics.ingest.detect import FORMATS, SUFFIXES, detect_format, run_reader
from talktopics.ingest.factory import ReadContext, ReadResult
from talktopics.ingest.join import join_schedule
from talktopics.ingest.reading import Document, safe_label
from talktopics.ingest.table import check_fields
from talktopics.records import Corpus, IngestIssue, SourceRef, Talk

__all__ = ["load_talks", "read_talks"]

logger = logging.getLogger(__name__)

_DOC_NAMES = frozenset(
    {"readme", "license", "licence", "sources", "changelog", "contributing", "notice", "copying"}
)


@dataclass(slots=True)
class _Segment:
    talks: list[Talk]
    pending_notes: bool = False


@dataclass(slots=True)
class _Run:
    ctx: ReadContext
    format: str | None
    segments: list[_Segment] = field(default_factory=list)
    issues: list[IngestIssue] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    count: int = 0
    visited: set[Path] = field(default_factory=set)

    def error(self, label: str, message: str, record: str = "") -> None:
        self.issues.append(
            IngestIssue(level="error", source=SourceRef(path=label, record=record), message=message)
        )

    def warn(self, label: str, message: str) -> None:
        self.issues.append(
            IngestIssue(level="warning", source=SourceRef(path=label), message=message)
        )

    def from_exception(self, exc: IngestError) -> None:
        self.error(exc.path, exc.reason, exc.record)

    def full(self, label: str) -> bool:
        if self.count > self.ctx.limits.max_talks:
            self.error(
                label,
                f"not read: the run already has {self.ctx.limits.max_talks:,} talks "
                "(IngestLimits.max_talks)",
            )
            return True
        return False

    # --- reading ------------------------------------------------------------------------------

    def read_file(self, path: Path, label: str, *, explicit: bool) -> ReadResult | None:
        if self.full(label):
            return None
        self.sources.append(label)
        doc: Document | None = None
        try:
            doc = Document.open(path, label, self.ctx.limits)
            name = self.format or detect_format(doc, self.ctx.column_map)
            result = run_reader(doc, name, self.ctx)
        except IngestError as exc:
            self.from_exception(exc)
            return None
        finally:
            if doc is not None:
                self.issues.extend(doc.issues)
        if result.role == "aux":
            logger.info("%s: holds no talks (%s); left alone", label, name)
            if explicit:
                self.issues.append(
                    IngestIssue(
                        level="warning",
                        source=SourceRef(path=label, format=name),
                        message="this file holds no talks (rooms list or pyvideo category "
                        "file); give the folder it describes instead",
                    )
                )
            self.sources.remove(label)
            return None
        self.issues.extend(result.issues)
        if not result.talks and not any(i.level == "error" for i in result.issues):
            self.issues.append(
                IngestIssue(
                    level="warning",
                    source=SourceRef(path=label, format=name),
                    message="no talks found in this file",
                )
            )
        self.count += len(result.talks)
        return result

    def read_pyvideo(self, path: Path, label: str) -> ReadResult | None:
        if self.full(label):
            return None
        self.sources.append(label)
        try:
            result = pyvideo.read_pyvideo_dir(path, label, self.ctx)
        except IngestError as exc:
            self.from_exception(exc)
            return None
        self.issues.extend(result.issues)
        self.count += len(result.talks)
        return result

    def add_path(self, path: Path, label: str, *, explicit: bool, root: Path | None = None) -> None:
        """Read a file or folder; ``root`` is the input folder a walk started from."""
        if root is not None and path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                self.warn(label, "broken or looping symbolic link; not followed")
                return
            if not target.is_relative_to(root):
                self.warn(label, "symbolic link to outside the input folder; not followed")
                return
        if path.is_dir():
            if path.name == "videos" and pyvideo.is_pyvideo_dir(path.parent):
                path, label = path.parent, str(Path(label).parent)
            if (self.format in (None, "pyvideo")) and pyvideo.is_pyvideo_dir(path):
                result = self.read_pyvideo(path, label)
                if result is not None:
                    self.segments.append(_Segment(result.talks))
                return
            self.add_folder(path, label, root or path.resolve())
            return
        if not path.exists():
            self.sources.append(label)
            self.error(label, "no such file or folder; check the path")
            return
        if path.name == "category.json" and pyvideo.is_pyvideo_dir(path.parent):
            self.add_path(path.parent, str(Path(label).parent), explicit=explicit)
            return
        result = self.read_file(path, label, explicit=explicit)
        if result is not None:
            self.segments.append(_Segment(result.talks, pending_notes=result.role == "notes"))

    def add_folder(self, path: Path, label: str, root: Path) -> None:
        real = path.resolve()
        if real in self.visited:
            return  # reached again through a link: read once
        self.visited.add(real)
        try:
            children = sorted(path.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            self.error(label, f"cannot list the folder: {exc.strerror or exc}")
            return
        files = [
            p
            for p in children
            if not p.name.startswith(".")
            and p.suffix.lower() in SUFFIXES
            and p.stem.casefold() not in _DOC_NAMES
            and p.is_file()
        ]
        folders = [p for p in children if not p.name.startswith(".") and p.is_dir()]
        notes: list[Talk] = []
        programme: list[Talk] = []
        for child in files:
            child_label = f"{label}/{safe_label(child.name)}"
            if child.is_symlink() and not child.resolve().is_relative_to(root):
                self.warn(child_label, "symbolic link to outside the input folder; not followed")
                continue
            result = self.read_file(child, child_label, explicit=False)
            if result is None:
                continue
            (notes if result.role == "notes" else programme).extend(result.talks)
        if notes and programme:
            programme, dup_issues = dedupe_talks(programme)
            self.issues.extend(dup_issues)
            joined, issues = join_schedule(notes, programme)
            self.issues.extend(issues)
            self.segments.append(_Segment(joined))
        elif notes:
            self.segments.append(_Segment(notes, pending_notes=True))
        elif programme:
            self.segments.append(_Segment(programme))
        for child in folders:
            self.add_path(child, f"{label}/{safe_label(child.name)}", explicit=False, root=root)


# --- entry points ---------------------------------------------------------------------------


def _path_label(raw: str | Path) -> str:
    """A path as the user gave it, for messages and source labels; a folder's trailing
    slash dropped (``corpus/`` + ``notes.md`` reads ``corpus/notes.md``, not ``corpus//``)."""
    text = safe_label(str(raw))
    return text.rstrip("/") or text


def _corpus_name(talks: Sequence[Talk], labels: Sequence[str]) -> str:
    editions = sorted({f"{t.conference} {t.year or ''}".strip() for t in talks if t.conference})
    if len(editions) == 1:
        return editions[0]
    return " + ".join(Path(label).name for label in labels)


def read_talks(
    paths: Sequence[str | Path],
    *,
    format: str | None = None,
    column_map: Mapping[str, str] | None = None,
    schedule: Sequence[str | Path] | str | Path | None = (),
    conference: str | None = None,
    year: int | None = None,
    limits: IngestLimits | None = None,
) -> Corpus:
    """Read talks from files and folders; every problem becomes an `IngestIssue`.

    Args:
        paths: Files and folders (see the module docstring for how folders are read).
        format: Force one reader for every file (a key of `FORMATS`); None detects it.
        column_map: CSV/JSONL field -> column name, overriding the default column names.
        schedule: Programme exports (files or folders; one path or several) to join the
            notes with (fuzzy title match).
        conference: Conference name for talks whose data and path names do not say.
        year: Year for talks whose data and path names do not say.
        limits: File size, text length and talk count limits.

    Returns:
        The talks that could be read, in reading order, and the issues: ``error`` = a
        record or file was skipped, ``warning`` = kept with a caveat. Never raises for bad
        input; a corpus without talks means nothing was readable.

    Raises:
        ConfigError: ``format`` or ``column_map`` names something unknown.
    """
    if format is not None and format not in FORMATS:
        known = ", ".join(n for n in FORMATS if n != "aux")
        raise ConfigError(f"--input-format {format!r} is unknown; known input formats: {known}")
    column_map = dict(column_map or {})
    check_fields(column_map)
    ctx = ReadContext(
        conference=safe_label(conference) if conference else conference,
        year=year,
        limits=limits or IngestLimits(),
        column_map=column_map,
    )
    if isinstance(paths, str | Path):
        paths = (paths,)
    # 1. Read every path (folders walked, notes joined with their folder's programme).
    run = _Run(ctx=ctx, format=format)
    for raw in paths:
        run.add_path(Path(raw), _path_label(raw), explicit=True)
    # 2. Join the remaining notes with the --schedule programmes.
    schedules = _as_paths(schedule)
    if schedules:
        _join_schedules(run, schedules)
    # 3. One talk per id, then the talk count limit.
    talks, dup_issues = dedupe_talks([t for seg in run.segments for t in seg.talks])
    run.issues.extend(dup_issues)
    talks = _apply_max_talks(talks, ctx.limits.max_talks, run.issues)
    return Corpus(
        talks=tuple(talks),
        issues=tuple(run.issues),
        sources=tuple(dict.fromkeys(run.sources)),
        name=_corpus_name(talks, [_path_label(p) for p in paths]),
    )


def _as_paths(schedule: Sequence[str | Path] | str | Path | None) -> Sequence[str | Path]:
    if schedule is None:
        return ()
    if isinstance(schedule, str | Path):
        return (schedule,)
    return schedule


def _join_schedules(run: _Run, schedule: Sequence[str | Path]) -> None:
    """Read the programmes of ``schedule`` and join the notes of ``run`` no folder joined."""
    programme_run = _Run(ctx=run.ctx, format=None)
    for raw in schedule:
        programme_run.add_path(Path(raw), _path_label(raw), explicit=True)
    run.issues.extend(programme_run.issues)
    run.sources.extend(programme_run.sources)
    programme = [t for seg in programme_run.segments for t in seg.talks]
    programme, dup_issues = dedupe_talks(programme)
    run.issues.extend(dup_issues)
    pending = [t for seg in run.segments if seg.pending_notes for t in seg.talks]
    if pending:
        joined, issues = join_schedule(pending, programme)
        run.issues.extend(issues)
    else:
        joined = programme
        run.issues.append(
            IngestIssue(
                level="warning",
                source=SourceRef(path=", ".join(_path_label(s) for s in schedule)),
                message="--schedule given, but no notes to join it with were read",
            )
        )
    segments: list[_Segment] = []
    placed = False
    for seg in run.segments:
        if seg.pending_notes:
            if not placed:
                segments.append(_Segment(joined))
                placed = True
        else:
            segments.append(seg)
    if not placed:
        segments.append(_Segment(joined))
    run.segments = segments


def _apply_max_talks(talks: list[Talk], limit: int, issues: list[IngestIssue]) -> list[Talk]:
    """The first ``limit`` talks; an error issue names where the skipped ones start."""
    if len(talks) <= limit:
        return talks
    extra = talks[limit:]
    issues.append(
        IngestIssue(
            level="error",
            source=extra[0].source,
            message=(
                f"{len(extra):,} talks from here on skipped: a run takes at most {limit:,} "
                "talks (IngestLimits.max_talks)"
            ),
        )
    )
    return talks[:limit]


def load_talks(
    path: str | Path,
    *,
    format: str | None = None,
    column_map: Mapping[str, str] | None = None,
    conference: str | None = None,
    year: int | None = None,
    limits: IngestLimits | None = None,
) -> list[Talk]:
    """The talks of one file or folder; record-level problems are logged as warnings.

    Raises:
        IngestError: nothing could be read (missing, unreadable, empty or unknown file...).
        ConfigError: ``format`` or ``column_map`` names something unknown.
    """
    corpus = read_talks(
        [path],
        format=format,
        column_map=column_map,
        conference=conference,
        year=year,
        limits=limits,
    )
    errors = [i for i in corpus.issues if i.level == "error"]
    if not corpus.talks and errors:
        first = errors[0]
        raise IngestError(first.source.path, first.message, record=first.source.record)
    for issue in corpus.issues:
        logger.warning("%s", issue)
    return list(corpus.talks)
