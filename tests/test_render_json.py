"""JSON digest: valid against the versioned schema, deterministic, lossless for user text."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest

from fixtures.sample_digest import TALKS, UNICODE_TITLES, XSS_SCRIPT_TITLE, sample_digest
from talktopics.records import Digest, RunInfo
from talktopics.render.json import SCHEMA_ID, SCHEMA_VERSION, load_schema, render_json


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_schema_is_versioned() -> None:
    schema = load_schema()
    assert schema["$id"] == SCHEMA_ID
    assert SCHEMA_VERSION in SCHEMA_ID
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_sample_validates(validator: jsonschema.Draft202012Validator) -> None:
    data = json.loads(render_json(sample_digest()))
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, errors[0]
    assert data["$schema"] == SCHEMA_ID


def test_with_timings_validates_and_timings_are_opt_in(
    validator: jsonschema.Draft202012Validator,
) -> None:
    digest = sample_digest(timings=(("ingest", 0.5), ("topics", 12.25)))
    plain = json.loads(render_json(digest))
    assert "timings" not in plain["run"]
    timed = json.loads(render_json(digest, timings=True))
    validator.validate(timed)
    assert timed["run"]["timings"] == {"ingest": 0.5, "topics": 12.25}


def test_byte_identical_per_seed_even_when_timings_differ() -> None:
    a = render_json(sample_digest(timings=(("topics", 1.0),)))
    b = render_json(sample_digest(timings=(("topics", 2.0),)))
    assert a == b
    assert render_json(sample_digest(seed=7)) != a


def test_schema_rejects_a_broken_document(validator: jsonschema.Draft202012Validator) -> None:
    data = json.loads(render_json(sample_digest()))
    data["talks"][0]["topics"]["distribution"][0]["weight"] = 1.5
    del data["topics"][0]["label"]
    data["run"]["surprise"] = True
    messages = " | ".join(e.message for e in validator.iter_errors(data))
    assert "1.5 is greater than the maximum of 1" in messages
    assert "'label' is a required property" in messages
    assert "'surprise' was unexpected" in messages


def test_holds_the_full_result() -> None:
    data = json.loads(render_json(sample_digest()))
    assert data["counts"] == {
        "talks": 12,
        "topics": 3,
        "subtopics": 2,
        "other_talks": 2,
        "terms": 16,
        "fuzzy_terms": 3,
        "issues": 2,
    }
    assert [t["id"] for t in data["topics"]] == ["t1", "t2", "t3"]
    assert data["subtopics"][0]["parent"] == "t1"
    assert data["topics"][0]["summary"]["sentences"][0] == "Training neural networks with PyTorch."
    assert data["other"]["talk_ids"] == [TALKS[10].id, TALKS[11].id]
    talk = data["talks"][5]
    assert talk["topics"]["primary"] == "t2" and talk["topics"]["secondary"] == ["t1", "t3"]
    assert talk["summary"]["language"] == "de"
    test = next(t for t in data["terms"] if t["term"] == "test")
    assert test["fuzzy"] is True and [m["topic"] for m in test["topics"]] == ["t3", "t1", "t2"]
    assert data["run"]["model"] == "all-MiniLM-L6-v2" and data["run"]["seed"] == 42
    assert data["issues"][0] == {
        "level": "error",
        "path": "talks.json",
        "record": "talks[13]",
        "message": "record has no title; skipped",
    }
    assert len(data["network"]["nodes"]) == 16
    positions = {tid: {"x": x, "y": y} for tid, x, y in sample_digest().talk_positions}
    assert [t["map"] for t in data["talks"]] == [positions[t.id] for t in TALKS]
    assert {t["topic"] for t in data["network"]["topics"]} == {"t1", "t2", "t3"}


def test_user_text_round_trips_unchanged() -> None:
    text = render_json(sample_digest())
    data = json.loads(text)
    titles = [t["title"] for t in data["talks"]]
    assert titles == [t.title for t in TALKS]
    assert XSS_SCRIPT_TITLE in titles
    for title in UNICODE_TITLES:
        assert title in text  # written as UTF-8, not \u escapes
    assert data["talks"][2]["url"] == "javascript:alert(document.cookie)"  # kept as data only


def test_empty_digest_validates(validator: jsonschema.Draft202012Validator) -> None:
    data = json.loads(render_json(Digest(name="", talks=(), topics=(), run=RunInfo(version="0"))))
    validator.validate(data)
    assert data["counts"]["talks"] == 0


def test_a_talk_without_a_map_position_has_map_null(
    validator: jsonschema.Draft202012Validator,
) -> None:
    digest = dataclasses.replace(sample_digest(), talk_positions=())
    data = json.loads(render_json(digest))
    validator.validate(data)
    assert {t["map"] for t in data["talks"]} == {None}
