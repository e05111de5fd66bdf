"""pyvideo.org metadata: a folder with ``category.json`` and ``videos/*.json`` -> talks.

Every video file is one talk; nothing is filtered (pyvideo only lists recorded sessions).
The conference name and year come from ``category.json``'s title ("PyCon DE 2018"), else the
folder name. pyvideo's ``tags`` become gold labels. Lines that leak labels into the text
("*Tags:* ...", "Scheduled on ...", as in PyCon DE 2018's abstracts) are removed from it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from talktopics.errors import IngestError
from talktopics.ingest.edition import resolve_edition
from talktopics.ingest.factory import ReadContext, ReadResult, TalkFactory
from talktopics.ingest.fields import as_line, as_text, iso_date, split_labels
from talktopics.ingest.reading import Document, read_json_files, safe_label
from talktopics.records import IngestIssue, Labels, SourceRef, Talk

__all__ = ["is_pyvideo_dir", "read_pyvideo_dir", "read_pyvideo_video"]

logger = logging.getLogger(__name__)

_LEAKED_LABELS = re.compile(
    r"^\s*(\*Tags:\*.*|Scheduled on\s.*|in room\s.*|`?[a-z]+day \d\d:\d\d\s*<.*>`__.*)$",
    re.IGNORECASE | re.MULTILINE,
)


def is_pyvideo_dir(path: Path) -> bool:
    """A pyvideo conference folder has ``category.json`` and a ``videos`` folder."""
    return (path / "category.json").is_file() and (path / "videos").is_dir()


def _clean(text: str) -> str:
    text = _LEAKED_LABELS.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _video_talk(data: Any, factory: TalkFactory, record: str) -> Talk | None:
    if not isinstance(data, dict):
        factory.error(record, f"expected a JSON object for a video, found {type(data).__name__}")
        return None
    video_url = None
    videos = data.get("videos")
    if isinstance(videos, list):
        for video in videos:
            if isinstance(video, dict) and as_line(video.get("url")):
                video_url = as_line(video.get("url"))
                break
    url = None
    related = data.get("related_urls")
    if isinstance(related, list):
        for item in related:
            link = item.get("url") if isinstance(item, dict) else item
            if as_line(link):
                url = as_line(link)
                break
    abstract = _clean(as_text(data.get("abstract")) or as_text(data.get("summary")))
    description = _clean(as_text(data.get("description")))
    if not abstract and description:
        abstract, description = description, ""
    tags = split_labels(data.get("tags"))
    return factory.make(
        record,
        title=data.get("title"),
        speakers=data.get("speakers"),
        abstract=abstract,
        description=description,
        date=iso_date(data.get("recorded")),
        language=data.get("language"),
        url=url,
        video_url=video_url,
        labels=Labels(tags=tags),
    )


def _inside(path: Path, root: Path) -> bool:
    """True when ``path`` (its links followed) is ``root`` or under it; False for broken or
    looping links."""
    try:
        return path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False


def _category_title(path: Path, label: str, ctx: ReadContext, result: ReadResult) -> str:
    """The title in ``category.json``; "" (with an error issue) when it cannot be read."""
    doc: Document | None = None
    try:
        doc = Document.open(path, f"{label}/category.json", ctx.limits)
        meta = doc.json()
    except IngestError as exc:
        result.issues.append(
            IngestIssue(
                level="error",
                source=SourceRef(path=exc.path, record=exc.record, format="pyvideo"),
                message=f"{exc.reason}; the videos are read without it (the conference name "
                "and year come from the folder name)",
            )
        )
        return ""
    finally:
        if doc is not None:
            result.issues.extend(doc.issues)
    return as_line(meta.get("title")) if isinstance(meta, dict) else ""


def read_pyvideo_dir(path: Path, label: str, ctx: ReadContext) -> ReadResult:
    """Read a pyvideo conference folder; a broken ``category.json`` or video file is reported
    and the other videos are still read."""
    result = ReadResult()
    root = path.resolve()
    outside = "symbolic link to outside the pyvideo folder (or a broken one); not followed"
    category_inside = _inside(path / "category.json", root)
    title = _category_title(path / "category.json", label, ctx, result) if category_inside else ""
    conference, year = resolve_edition(ctx, path / "category.json", title=title or None)
    factory = TalkFactory(
        ctx, result, path=label, format="pyvideo", conference=conference, year=year
    )
    if not category_inside:
        factory.warn("category.json", outside)
    videos = [
        (video, f"videos/{safe_label(video.name)}")
        for video in sorted((path / "videos").glob("*.json"))
    ]
    inside = [_inside(video, root) for video, _ in videos]
    # each file read and parsed (on a cluster's workers when the run has one), in order
    read = iter(
        read_json_files(
            [(v, f"{label}/{r}") for (v, r), ok in zip(videos, inside, strict=True) if ok],
            ctx.limits,
        )
    )
    for (_, record), ok in zip(videos, inside, strict=True):
        if not ok:
            factory.warn(record, outside)
            continue
        issues, data, error = next(read)
        if error is not None:
            reason, where = error
            factory.error(record, reason + (f" ({where})" if where else ""))
        result.issues.extend(issues)  # after the error, as the file's own issues came
        if error is not None:
            continue
        talk = _video_talk(data, factory, record)
        if talk is not None:
            result.talks.append(talk)
    if not result.talks and not result.issues:
        factory.warn("videos/", "no video files (videos/*.json) in this pyvideo folder")
    return result


def read_pyvideo_video(doc: Document, ctx: ReadContext) -> ReadResult:
    """Read a single pyvideo video file (its folder's ``category.json`` names the edition)."""
    result = ReadResult()
    title = None
    category = doc.path.parent.parent / "category.json"
    if doc.path.parent.name == "videos" and category.is_file():
        try:
            meta = Document.open(category, safe_label(str(category)), ctx.limits).json()
            title = as_line(meta.get("title")) if isinstance(meta, dict) else None
        except IngestError:
            title = None
    conference, year = resolve_edition(ctx, doc.path, title=title)
    factory = TalkFactory(
        ctx, result, path=doc.label, format="pyvideo", conference=conference, year=year
    )
    talk = _video_talk(doc.json(), factory, "")
    if talk is not None:
        result.talks.append(talk)
    return result
