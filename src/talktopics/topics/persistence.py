"""Model files: a fitted record (:class:`~talktopics.topics.result.FittedTopics`) in, its
deterministic JSON form (:func:`to_dict`, :func:`to_json`) and a model folder (:func:`save`:
``model.json``, ``state.json``, ``timings.json`` and ``.npy`` arrays, versioned) out, and back
(:func:`load`); the word graph as JSON (:func:`graph_to_dict`, :func:`graph_from_dict`) and
as a file for Gephi and friends (:func:`write_graph`)."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from talktopics.config import EmbedConfig, GraphConfig, NLPConfig, TopicConfig
from talktopics.errors import ConfigError
from talktopics.records import OTHER_TOPIC, TalkTopics, TermMembership, Topic
from talktopics.topics.result import FittedTopics, ModelInfo, ModelState, round_weight

__all__ = [
    "DEFAULT_MODEL_DIR",
    "FORMAT",
    "FORMAT_VERSION",
    "graph_from_dict",
    "graph_to_dict",
    "load",
    "save",
    "to_dict",
    "to_json",
    "write_graph",
]

logger = logging.getLogger(__name__)

FORMAT = "talktopics-topic-model"
FORMAT_VERSION = 1
DEFAULT_MODEL_DIR = Path("models") / "topics"
"""Where :func:`save` writes when no folder is given."""

_ARRAYS = ("talk_vectors", "node_labels", "idf", "topic_centroids", "topic_fit")


def to_dict(fitted: FittedTopics) -> dict[str, Any]:
    """JSON-ready dict; deterministic (sorted, floats rounded to 6 digits, no timings)."""
    other = fitted.other_talk_ids
    info = fitted.info
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "run": {
            "seed": info.seed,
            "embedder": info.embedder,
            "dim": info.dim,
            "n_talks": info.n_talks,
            "n_terms": info.n_terms,
            "codelength": round_weight(info.codelength),
            "versions": dict(info.versions),
        },
        "config": _round_all(dataclasses.asdict(fitted.config)),
        "topics": [_topic_dict(t) for t in fitted.topics],
        "subtopics": [_topic_dict(t) for t in fitted.subtopics],
        "other": {
            "talks": len(other),
            "share": round_weight(fitted.other_share),
            "talk_ids": list(other),
        },
        "talk_topics": [
            {
                "talk_id": t.talk_id,
                "primary": t.primary,
                "secondary": list(t.secondary),
                "distribution": [[k, round_weight(w)] for k, w in t.distribution],
            }
            for t in fitted.talk_topics
        ],
        "memberships": [
            {
                "term": m.term,
                "topics": [[k, round_weight(w)] for k, w in m.topics],
                "df": m.df,
                "languages": list(m.languages),
            }
            for m in fitted.memberships
        ],
        "word_graph": graph_to_dict(fitted.word_graph),
    }


def to_json(fitted: FittedTopics) -> str:
    """:func:`to_dict` as JSON text (UTF-8, indented, trailing newline)."""
    return json.dumps(to_dict(fitted), ensure_ascii=False, indent=1) + "\n"


def save(fitted: FittedTopics, directory: str | Path | None = None) -> Path:
    """Write ``model.json``, ``state.json``, ``timings.json`` and the ``.npy`` arrays.

    Args:
        fitted: The model.
        directory: Target folder (created); ``None`` = ``models/topics``.

    Returns:
        The folder.
    """
    folder = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.json").write_text(to_json(fitted), encoding="utf-8")
    state = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "vocabulary": list(fitted.state.vocabulary),
        "talk_ids": list(fitted.state.talk_ids),
        "n_topics": fitted.state.n_topics,
        "arrays": {name: f"{name}.npy" for name in _ARRAYS},
    }
    (folder / "state.json").write_text(
        json.dumps(state, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (folder / "timings.json").write_text(
        json.dumps(dict(fitted.info.timings), indent=1) + "\n", encoding="utf-8"
    )
    for name in _ARRAYS:
        np.save(folder / f"{name}.npy", getattr(fitted.state, name), allow_pickle=False)
    return folder


def load(directory: str | Path | None = None) -> FittedTopics:
    """Read a model written by :func:`save`.

    Raises:
        ConfigError: The folder does not hold a model of a format this version reads.
    """
    folder = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
    try:
        data = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        arrays = {name: np.load(folder / f"{name}.npy", allow_pickle=False) for name in _ARRAYS}
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{folder}: not a readable topic model ({exc}); fit one with `talktopics topics`"
        ) from exc
    for what, doc in (("model.json", data), ("state.json", state)):
        if doc.get("format") != FORMAT or doc.get("format_version") != FORMAT_VERSION:
            raise ConfigError(
                f"{folder / what}: format {doc.get('format')!r} version "
                f"{doc.get('format_version')!r} is not {FORMAT!r} version {FORMAT_VERSION}; "
                "re-fit the model with this version of talktopics"
            )
    timings: dict[str, float] = {}
    try:
        timings = json.loads((folder / "timings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.debug("%s: no timings.json", folder)
    return _fitted_from(data, state, arrays, timings)


def graph_to_dict(graph: nx.Graph) -> dict[str, Any]:
    """Deterministic JSON-ready form of the word graph (sorted nodes and edges)."""
    nodes = []
    for key in sorted(graph.nodes):
        attrs = graph.nodes[key]
        nodes.append(
            {
                "term": key,
                "display": attrs.get("display", key),
                "df": int(attrs.get("df", 0)),
                "topic": attrs.get("topic", OTHER_TOPIC),
                "topics": [[k, round_weight(w)] for k, w in attrs.get("topics", ())],
                "flow": round_weight(float(attrs.get("flow", 0.0))),
                "languages": list(attrs.get("languages", ())),
            }
        )
    edges = []
    for u, v in sorted(tuple(sorted(e)) for e in graph.edges):
        attrs = graph.edges[u, v]
        edge: dict[str, Any] = {"source": u, "target": v}
        for name in ("weight", "semantic", "npmi", "second_order"):
            edge[name] = round_weight(float(attrs.get(name, 0.0)))
        edges.append(edge)
    return {"nodes": nodes, "edges": edges}


def graph_from_dict(data: dict[str, Any]) -> nx.Graph:
    """Inverse of :func:`graph_to_dict`."""
    graph = nx.Graph()
    for node in data["nodes"]:
        graph.add_node(
            node["term"],
            display=node["display"],
            df=int(node["df"]),
            topic=node["topic"],
            topics=tuple((k, float(w)) for k, w in node["topics"]),
            flow=float(node["flow"]),
            languages=tuple(node.get("languages", ())),
        )
    for edge in data["edges"]:
        graph.add_edge(
            edge["source"],
            edge["target"],
            **{k: float(edge[k]) for k in ("weight", "semantic", "npmi", "second_order")},
        )
    return graph


def write_graph(graph: nx.Graph, path: str | Path) -> Path:
    """Write the graph for Gephi and friends: ``.graphml`` or ``.json`` (node-link).

    Tuple-valued attributes (languages, memberships) are written as JSON strings in GraphML,
    which only holds scalars. Nodes and edges are written in sorted order.

    Raises:
        ConfigError: The suffix is neither ``.graphml`` nor ``.json``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".graphml", ".json"}:
        raise ConfigError(f"{path}: unknown graph format {suffix!r}; use .graphml or .json")
    ordered = nx.Graph()
    for node in sorted(graph.nodes):
        ordered.add_node(node, **_scalar_attrs(graph.nodes[node], suffix))
    for u, v in sorted(tuple(sorted(e)) for e in graph.edges):
        ordered.add_edge(u, v, **_scalar_attrs(graph.edges[u, v], suffix))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".graphml":
        nx.write_graphml(ordered, path, encoding="utf-8")
    else:
        data = nx.node_link_data(ordered, edges="edges")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


# --- helpers --------------------------------------------------------------------------------


def _fitted_from(
    data: dict[str, Any],
    state: dict[str, Any],
    arrays: dict[str, np.ndarray],
    timings: dict[str, float],
) -> FittedTopics:
    """The record from the parsed ``model.json``, ``state.json``, arrays and timings."""
    run = data["run"]
    return FittedTopics(
        topics=tuple(_topic_from(t) for t in data["topics"]),
        subtopics=tuple(_topic_from(t) for t in data["subtopics"]),
        memberships=tuple(
            TermMembership(
                term=m["term"],
                topics=tuple((k, float(w)) for k, w in m["topics"]),
                df=int(m["df"]),
                languages=tuple(m["languages"]),
            )
            for m in data["memberships"]
        ),
        talk_topics=tuple(
            TalkTopics(
                talk_id=t["talk_id"],
                primary=t["primary"],
                distribution=tuple((k, float(w)) for k, w in t["distribution"]),
                secondary=tuple(t["secondary"]),
            )
            for t in data["talk_topics"]
        ),
        word_graph=graph_from_dict(data["word_graph"]),
        other_share=float(data["other"]["share"]),
        config=_config_from(TopicConfig, data["config"]),
        info=ModelInfo(
            seed=int(run["seed"]),
            embedder=str(run["embedder"]),
            dim=int(run["dim"]),
            n_talks=int(run["n_talks"]),
            n_terms=int(run["n_terms"]),
            codelength=float(run["codelength"]),
            versions=tuple((str(k), str(v)) for k, v in run["versions"].items()),
            timings=tuple(sorted((k, float(v)) for k, v in timings.items())),
        ),
        state=ModelState(
            vocabulary=tuple(state["vocabulary"]),
            talk_ids=tuple(state["talk_ids"]),
            n_topics=int(state["n_topics"]),
            **arrays,
        ),
    )


def _round_all(value: Any) -> Any:
    if isinstance(value, float):
        return round_weight(value)
    if isinstance(value, dict):
        return {k: _round_all(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_round_all(v) for v in value]
    return value


def _topic_dict(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.id,
        "label": topic.label,
        "parent": topic.parent,
        "level": topic.level,
        "flow": round_weight(topic.flow),
        "terms": [[t, round_weight(w)] for t, w in topic.terms],
        "talk_ids": list(topic.talk_ids),
    }


def _topic_from(data: dict[str, Any]) -> Topic:
    return Topic(
        id=data["id"],
        label=data["label"],
        terms=tuple((t, float(w)) for t, w in data["terms"]),
        talk_ids=tuple(data["talk_ids"]),
        parent=data["parent"],
        level=int(data["level"]),
        flow=float(data["flow"]),
    )


def _config_from(cls: type[Any], data: dict[str, Any]) -> Any:
    """Rebuild a (nested) config dataclass; unknown keys from other versions are ignored."""
    nested = {"graph": GraphConfig, "nlp": NLPConfig, "embed": EmbedConfig}
    known = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            logger.warning("saved topic model: unknown option %r ignored", key)
            continue
        if cls is TopicConfig and key in nested and isinstance(value, dict):
            kwargs[key] = _config_from(nested[key], value)
        elif isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


def _scalar_attrs(attrs: dict[str, Any], suffix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in sorted(attrs):
        value = attrs[key]
        if isinstance(value, (tuple, list, dict)) and suffix == ".graphml":
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out
