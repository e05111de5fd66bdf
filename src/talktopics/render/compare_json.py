"""Comparison -> JSON text following the versioned schema ``render/schema/compare.schema.json``."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from talktopics.compare.rules import CLASSES
from talktopics.render.json import load_schema

if TYPE_CHECKING:
    from talktopics.compare.records import Comparison, EditionShare, TopicSeries

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "comparison_to_dict",
    "load_compare_schema",
    "render_compare_json",
]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "2.0"
"""Version of the compare JSON format: minor = fields added, major = fields changed/removed."""
SCHEMA_ID = "urn:talktopics:schema:compare:2.0"
"""The ``$id`` of the JSON Schema this output follows (also written as ``"$schema"``)."""


def _num(value: float | None) -> float | None:
    if value is None:
        return None
    return round(float(value), 6) + 0.0  # + 0.0 turns -0.0 into 0.0


def _terms(terms: tuple[tuple[str, float], ...]) -> list[dict[str, Any]]:
    return [{"term": t, "weight": _num(w)} for t, w in terms]


def _share(share: EditionShare) -> dict[str, Any]:
    return {
        "edition": share.edition,
        "talks": share.talks,
        "share": _num(share.share),
        "weight": _num(share.weight),
        "topic_id": share.topic_id,
        "terms": _terms(share.terms),
        "talk_ids": list(share.talk_ids),
    }


def _series(series: TopicSeries) -> dict[str, Any]:
    test = series.test
    return {
        "id": series.id,
        "label": series.label,
        "class": series.classification,
        "reason": series.reason,
        "total_talks": series.total,
        "terms": _terms(series.terms),
        "gained": list(series.gained),
        "lost": list(series.lost),
        "split_from": series.split_from,
        "merged_into": series.merged_into,
        "test": {
            "method": test.method,
            "p_value": _num(test.p_value),
            "q_value": _num(test.q_value),
            "direction": test.direction,
            "early_share": _num(test.early_share),
            "late_share": _num(test.late_share),
            "ratio": _num(test.ratio),
            "presence_p": _num(test.presence_p),
            "power": _num(test.power),
            "needed_talks": test.needed_talks,
        },
        "editions": [_share(s) for s in series.shares],
    }


def comparison_to_dict(comparison: Comparison, *, timings: bool = False) -> dict[str, Any]:
    """The comparison as plain JSON-ready data, keys in a fixed order.

    Args:
        comparison: What to convert.
        timings: Add ``run.timings`` (seconds per step; they differ between runs, so they are
            left out by default and the file is byte-identical per input and seed).
    """
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "name": comparison.name,
        "strategy": comparison.strategy,
        "run": _run(comparison, timings=timings),
        "rules": _rules(comparison),
        "classes": list(CLASSES),
        "editions": [
            {
                "label": e.label,
                "year": e.year,
                "name": e.name,
                "paths": list(e.paths),
                "talks": e.talks,
                "with_text": e.with_text,
                "other": e.other,
                "topics": e.topics,
                "boilerplate": list(e.boilerplate),
            }
            for e in comparison.editions
        ],
        "skipped_editions": [
            {"label": s.label, "paths": list(s.paths), "reason": s.reason}
            for s in comparison.skipped
        ],
        "series": [_series(s) for s in comparison.series],
        "other": [
            {
                "edition": o.edition,
                "talks": o.talks,
                "share": _num(o.share),
                "talk_ids": list(o.talk_ids),
            }
            for o in comparison.other
        ],
        "flows": _flows(comparison),
        "talks": _talks(comparison),
        "issues": [
            {
                "level": i.level,
                "path": i.source.path,
                "record": i.source.record,
                "message": i.message,
            }
            for i in comparison.issues
        ],
    }


def _run(comparison: Comparison, *, timings: bool) -> dict[str, Any]:
    run: dict[str, Any] = {
        "version": comparison.run.version,
        "seed": comparison.run.seed,
        "embedder": comparison.run.embedder,
        "model": comparison.run.model,
        "parameters": dict(comparison.run.parameters),
    }
    if timings:
        run["timings"] = {name: _num(seconds) for name, seconds in comparison.timings}
    return run


def _rules(comparison: Comparison) -> dict[str, Any]:
    config = comparison.config
    return {
        "alpha": config.alpha,
        "fdr": config.fdr,
        "min_ratio": config.min_ratio,
        "min_share_change": config.min_share_change,
        "min_power": config.min_power,
        "present_min_talks": config.present_min_talks,
        "permutations": config.permutations,
        "link_min_similarity": config.link_min_similarity,
        "split_ratio": config.split_ratio,
        "term_weight": config.term_weight,
    }


def _flows(comparison: Comparison) -> list[dict[str, Any]]:
    return [
        {
            "source": f.source,
            "target": f.target,
            "source_edition": f.source_edition,
            "target_edition": f.target_edition,
            "kind": f.kind,
            "source_share": _num(f.source_share),
            "target_share": _num(f.target_share),
            "similarity": _num(f.similarity),
        }
        for f in comparison.flows
    ]


def _talks(comparison: Comparison) -> list[dict[str, Any]]:
    talks = {t.id: t for t in comparison.talks}
    return [
        {
            "id": p.talk_id,
            "title": talks[p.talk_id].title,
            "speakers": list(talks[p.talk_id].speakers),
            "edition": p.edition,
            "series": p.series,
            "weight": _num(p.weight),
            "url": talks[p.talk_id].url,
            "video_url": talks[p.talk_id].video_url,
        }
        for p in comparison.placements
    ]


def render_compare_json(comparison: Comparison, *, timings: bool = False) -> str:
    """The comparison as JSON (UTF-8 text, 2-space indent, fixed key order, final newline)."""
    data = comparison_to_dict(comparison, timings=timings)
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def load_compare_schema() -> dict[str, Any]:
    """The JSON Schema of the compare format (``render/schema/compare.schema.json``)."""
    return load_schema("compare")
