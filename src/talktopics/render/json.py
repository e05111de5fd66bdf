"""Digest -> JSON text following the versioned schema in ``render/schema/digest.schema.json``."""

from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Any

from talktopics.records import (
    OTHER_TOPIC,
    Digest,
    IngestIssue,
    Summary,
    Talk,
    TalkTopics,
    TermMembership,
    Topic,
)
from talktopics.render.view import DigestView

__all__ = ["SCHEMA_ID", "SCHEMA_VERSION", "digest_to_dict", "load_schema", "render_json"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1.1"
"""Version of the digest JSON format: minor = fields added, major = fields changed/removed."""
SCHEMA_ID = "urn:talktopics:schema:digest:1.1"
"""The ``$id`` of the JSON Schema this output follows (also written as ``"$schema"``)."""
_DIGITS = 6


def _num(value: float) -> float:
    """Floats rounded so tiny numeric noise does not change the file."""
    return round(float(value), _DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _weights(pairs: tuple[tuple[str, float], ...], key: str) -> list[dict[str, Any]]:
    return [{key: name, "weight": _num(w)} for name, w in pairs]


def _summary(summary: Summary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {
        "sentences": list(summary.sentences),
        "source": summary.source,
        "language": summary.language,
    }


def _topic(topic: Topic, view: DigestView) -> dict[str, Any]:
    return {
        "id": topic.id,
        "label": topic.label,
        "level": topic.level,
        "parent": topic.parent,
        "flow": _num(topic.flow),
        "terms": _weights(topic.terms, "term"),
        "talk_ids": list(topic.talk_ids),
        "summary": _summary(view.topic_summaries.get(topic.id)),
    }


def _talk_topics(tt: TalkTopics | None) -> dict[str, Any]:
    if tt is None:
        return {"primary": OTHER_TOPIC, "distribution": [], "secondary": []}
    return {
        "primary": tt.primary,
        "distribution": _weights(tt.distribution, "topic"),
        "secondary": list(tt.secondary),
    }


def _talk(
    talk: Talk, view: DigestView, positions: dict[str, tuple[float, float]]
) -> dict[str, Any]:
    xy = positions.get(talk.id)
    position = {"x": _num(xy[0]), "y": _num(xy[1])} if xy is not None else None
    return {
        "id": talk.id,
        "title": talk.title,
        "speakers": list(talk.speakers),
        "conference": talk.conference,
        "year": talk.year,
        "date": talk.date,
        "start": talk.start,
        "day": talk.day,
        "room": talk.room,
        "session_type": talk.session_type,
        "language": talk.language,
        "url": talk.url,
        "video_url": talk.video_url,
        "abstract": talk.abstract,
        "description": talk.description,
        "notes": talk.notes,
        "notes_language": talk.notes_language,
        "labels": {
            "track": talk.labels.track,
            "tags": list(talk.labels.tags),
            "domains": list(talk.labels.domains),
        },
        "source": {
            "path": talk.source.path,
            "record": talk.source.record,
            "format": talk.source.format,
        },
        "topics": _talk_topics(view.talk_topics.get(talk.id)),
        "summary": _summary(view.talk_summaries.get(talk.id)),
        "map": position,
    }


def _term(m: TermMembership) -> dict[str, Any]:
    return {
        "term": m.term,
        "topics": _weights(m.topics, "topic"),
        "fuzzy": m.is_fuzzy,
        "df": m.df,
        "languages": list(m.languages),
    }


def _issue(issue: IngestIssue) -> dict[str, Any]:
    return {
        "level": issue.level,
        "path": issue.source.path,
        "record": issue.source.record,
        "message": issue.message,
    }


def digest_to_dict(digest: Digest, *, timings: bool = False) -> dict[str, Any]:
    """The digest as plain JSON-ready data, keys in a fixed order.

    Args:
        digest: What to convert.
        timings: Add ``run.timings`` (wall-clock seconds per stage). Off by default because
            timings differ between runs and the digest is otherwise byte-identical per seed.
    """
    view = DigestView(digest)
    run: dict[str, Any] = {
        "version": digest.run.version,
        "seed": digest.run.seed,
        "embedder": digest.run.embedder,
        "model": digest.run.model,
        "parameters": {name: value for name, value in digest.run.parameters},
    }
    if timings:
        run["timings"] = {stage: _num(seconds) for stage, seconds in digest.run.timings}
    others = [t.id for t in view.other_talks()]
    positions = {tid: (x, y) for tid, x, y in digest.talk_positions}
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "name": digest.name,
        "run": run,
        "counts": {
            "talks": len(digest.talks),
            "topics": len(digest.topics),
            "subtopics": len(digest.subtopics),
            "other_talks": len(others),
            "terms": len(digest.memberships),
            "fuzzy_terms": sum(1 for m in digest.memberships if m.is_fuzzy),
            "issues": len(digest.issues),
        },
        "topics": [_topic(t, view) for t in digest.topics],
        "subtopics": [_topic(t, view) for t in digest.subtopics],
        "other": {"talk_ids": others, "share": _num(digest.other_share)},
        "talks": [_talk(t, view, positions) for t in digest.talks],
        "terms": [_term(m) for m in digest.memberships],
        "network": {
            "nodes": [
                {
                    "term": n.term,
                    "display": n.display,
                    "topics": _weights(n.topics, "topic"),
                    "df": n.df,
                    "score": _num(n.score),
                    "x": _num(n.x),
                    "y": _num(n.y),
                }
                for n in digest.word_nodes
            ],
            "edges": [
                {"source": e.source, "target": e.target, "weight": _num(e.weight)}
                for e in digest.word_edges
            ],
            "topics": [
                {"topic": tid, "x": _num(x), "y": _num(y)} for tid, x, y in digest.topic_positions
            ],
        },
        "issues": [_issue(i) for i in digest.issues],
    }


def render_json(digest: Digest, *, timings: bool = False) -> str:
    """Render the digest as JSON (UTF-8 text, 2-space indent, fixed key order).

    Args:
        digest: What to render.
        timings: Include the non-deterministic ``run.timings`` (see :func:`digest_to_dict`).

    Returns:
        The JSON document, ending in a newline.
    """
    data = digest_to_dict(digest, timings=timings)
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def load_schema(name: str = "digest") -> dict[str, Any]:
    """A JSON Schema shipped with the package: ``render/schema/{name}.schema.json``
    (``"digest"`` or ``"compare"``)."""
    text = (
        resources.files("talktopics.render")
        .joinpath(f"schema/{name}.schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema
