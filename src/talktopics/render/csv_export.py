"""A Digest in, one CSV row per talk out (UTF-8 text with a header): when and where it is, its
edition, its primary topic, every topic with its share of the talk, its summary and link."""

from __future__ import annotations

import csv
import io
import logging

from talktopics.records import Digest, Talk
from talktopics.render.view import DigestView, safe_url, single_line

__all__ = ["CSV_COLUMNS", "render_csv", "topic_shares"]

logger = logging.getLogger(__name__)

CSV_COLUMNS = (
    "id",
    "title",
    "speakers",
    "date",
    "start",
    "end",
    "room",
    "track",
    "session_type",
    "edition",
    "primary_topic",
    "topics",
    "summary",
    "url",
)
"""The header row, in column order. ``speakers`` are joined by ``"; "``; ``topics`` lists the
talk's top-level topics strongest first as ``"label (62%)"`` joined by ``"; "``; ``end`` is
empty when the programme gives no end time (the talk records keep none yet)."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is read as a formula by spreadsheet programs."""


def topic_shares(view: DigestView, talk: Talk) -> list[tuple[str, float]]:
    """The talk's top-level topics (label, share of the talk), strongest first; sub-topics
    count for their parent, talks in no topic give an empty list."""
    tt = view.talk_topics.get(talk.id)
    if tt is None:
        return []
    shares: dict[str, float] = {}
    for topic_id, weight in tt.distribution:
        top = view.top_level(topic_id)
        if top in view.topics and view.topics[top].parent is None:
            shares[top] = shares.get(top, 0.0) + weight
    ranked = sorted(shares.items(), key=lambda kv: (-kv[1], view.number.get(kv[0], 0)))
    return [(view.topics[tid].label, weight) for tid, weight in ranked if weight > 0]


def _cell(text: str) -> str:
    """One line, and a leading ``'`` where a spreadsheet would run the cell as a formula."""
    text = single_line(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(view: DigestView, talk: Talk) -> list[str]:
    home = view.home.get(talk.id)
    summary = view.talk_summaries.get(talk.id)
    edition = " ".join(x for x in (talk.conference.strip(), str(talk.year or "")) if x)
    topics = "; ".join(f"{label} ({100 * w:.0f}%)" for label, w in topic_shares(view, talk))
    values = [
        talk.id,
        talk.title,
        "; ".join(talk.speakers),
        talk.date or "",
        talk.start or "",
        "",
        talk.room or "",
        talk.labels.track or "",
        talk.session_type or "",
        edition,
        view.topics[home].label if home else "",
        topics,
        summary.text if summary else "",
        safe_url(talk.url) or "",
    ]
    return [_cell(v) for v in values]


def render_csv(digest: Digest) -> str:
    """Every talk of the digest as a CSV row, in the digest's talk order (RFC 4180 quoting,
    ``\\r\\n`` line ends, UTF-8 when written)."""
    view = DigestView(digest)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for talk in digest.talks:
        writer.writerow(_row(view, talk))
    return buffer.getvalue()
