"""Topic model -> the word network shown in the digest: a bounded set of terms, edges, positions."""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from talktopics.records import TermMembership, Topic, WordEdge, WordNode

__all__ = ["WordNetwork", "build_word_network"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class WordNetwork:
    """The displayed word network: terms, edges and the position of each topic's label."""

    nodes: tuple[WordNode, ...] = ()
    edges: tuple[WordEdge, ...] = ()
    topic_positions: tuple[tuple[str, float, float], ...] = ()
    """(topic id, x, y) in the nodes' coordinates."""


_HUB = "\x00topic:"
_ASPECT = 1.5
"""Width / height of the ring of topic hubs."""
"""Prefix of the layout-only hub node of each topic (never a term, since terms hold no NUL)."""


def _top_level_weights(
    membership: TermMembership, parent: dict[str, str | None], top_ids: set[str]
) -> tuple[tuple[str, float], ...]:
    """Fold sub-topic memberships into their top-level topics; weights renormalised."""
    merged: dict[str, float] = defaultdict(float)
    for topic_id, weight in membership.topics:
        seen: set[str] = set()
        while topic_id not in top_ids and parent.get(topic_id) and topic_id not in seen:
            seen.add(topic_id)
            topic_id = parent[topic_id] or topic_id
        if topic_id in top_ids and weight > 0:
            merged[topic_id] += float(weight)
    total = sum(merged.values())
    if total <= 0:
        return ()
    return tuple(
        sorted(((t, w / total) for t, w in merged.items()), key=lambda tw: (-tw[1], tw[0]))
    )


def _scores(memberships: Sequence[TermMembership], graph: Any | None) -> dict[str, float]:
    """Node importance: flow from the graph when it has it, else document frequency; max = 1."""
    raw: dict[str, float] = {}
    for m in memberships:
        value = 0.0
        if graph is not None and m.term in graph:
            attrs = graph.nodes[m.term]
            value = float(attrs.get("flow") or 0.0)
        raw[m.term] = value
    if not any(raw.values()):
        raw = {m.term: float(m.df) for m in memberships}
    top = max(raw.values(), default=0.0)
    return {t: (v / top if top > 0 else 0.0) for t, v in raw.items()}


def _choose(
    topics: Sequence[Topic],
    by_term: dict[str, TermMembership],
    display_to_term: dict[str, str],
    scores: dict[str, float],
    max_nodes: int,
    generic: frozenset[str],
) -> list[str]:
    """Every topic's best terms first (so each community shows), then the rest by score,
    generic words (``generic``: every topic has them) after all others."""
    chosen: dict[str, None] = {}
    quota = max(3, min(15, max_nodes // max(1, 2 * len(topics))))
    for topic in topics:
        taken = 0
        for term, _ in topic.terms:
            key = term if term in by_term else display_to_term.get(term.casefold())
            if key is None or key in chosen:
                continue
            chosen[key] = None
            taken += 1
            if taken >= quota or len(chosen) >= max_nodes:
                break
    ranked = sorted(by_term, key=lambda t: (t in generic, -scores.get(t, 0.0), -by_term[t].df, t))
    for term in ranked:
        if len(chosen) >= max_nodes:
            break
        chosen.setdefault(term, None)
    return list(chosen)


def _edges(graph: Any | None, chosen: Sequence[str], per_node: int, limit: int) -> list[WordEdge]:
    """Each chosen term's strongest edges to other chosen terms, at most ``limit`` in all."""
    if graph is None:
        return []
    index = {t: i for i, t in enumerate(chosen)}
    keep: dict[tuple[str, str], float] = {}
    for term in chosen:
        if term not in graph:
            continue
        nbrs = [
            (float(data.get("weight", 1.0)), other)
            for other, data in graph[term].items()
            if other in index and other != term
        ]
        nbrs.sort(key=lambda wo: (-wo[0], wo[1]))
        for weight, other in nbrs[:per_node]:
            a, b = sorted((term, other), key=lambda t: index[t])
            keep[(a, b)] = max(weight, keep.get((a, b), 0.0))
    ranked = sorted(keep.items(), key=lambda kv: (-kv[1], index[kv[0][0]], index[kv[0][1]]))
    top = max((w for _, w in ranked), default=1.0) or 1.0
    return [
        WordEdge(source=a, target=b, weight=round(max(w, 0.0) / top, 6))
        for (a, b), w in ranked[:limit]
    ]


def _hub_positions(
    topic_ids: Sequence[str], weights: dict[str, tuple[tuple[str, float], ...]]
) -> dict[str, tuple[float, float]]:
    """Topic hubs evenly on an ellipse, related topics (sharing fuzzy terms) side by side.

    The order is a greedy chain: start with the first (largest) topic, then always the
    unplaced topic sharing the most membership mass with the last one placed.
    """
    shared: dict[tuple[str, str], float] = defaultdict(float)
    for ws in weights.values():
        for i, (a, wa) in enumerate(ws):
            for b, wb in ws[i + 1 :]:
                shared[(a, b)] += min(wa, wb)
                shared[(b, a)] += min(wa, wb)
    order = [topic_ids[0]] if topic_ids else []
    rest = list(topic_ids[1:])
    while rest:
        last = order[-1]
        best = max(rest, key=lambda t: (shared.get((last, t), 0.0), -rest.index(t)))
        order.append(best)
        rest.remove(best)
    n = len(order)
    if n == 1:
        return {order[0]: (0.0, 0.0)}
    # An ellipse wider than high, like the screen the network is shown on.
    return {
        t: (
            _ASPECT * math.cos(2 * math.pi * i / n - math.pi / 2),
            math.sin(2 * math.pi * i / n - math.pi / 2),
        )
        for i, t in enumerate(order)
    }


def _ties(weights: tuple[tuple[str, float], ...], generic: bool) -> tuple[tuple[str, float], ...]:
    """How strongly a term is pulled to each topic's hub: memberships squared and renormalised,
    so a shared term leans towards its main topic instead of landing in the middle of the
    ring; a generic word (every topic has it) is tied to its main topic only."""
    if generic or len(weights) == 1:
        return ((weights[0][0], 1.0),)
    total = sum(w * w for _, w in weights) or 1.0
    return tuple((t, w * w / total) for t, w in weights)


def _layout(
    chosen: Sequence[str],
    weights: dict[str, tuple[tuple[str, float], ...]],
    topic_ids: Sequence[str],
    edges: Iterable[WordEdge],
    seed: int,
    generic: frozenset[str],
) -> dict[str, tuple[float, float]]:
    """Seeded spring layout around fixed topic hubs.

    Each topic has a hub on a circle; a term is tied to the hub of each of its topics by its
    membership weight (sharpened, see :func:`_ties`), so a term of one topic sits in that
    topic's cluster and a fuzzy term between the clusters it belongs to, nearer its main one.
    Similarity edges pull related terms together.
    """
    import networkx as nx
    import numpy as np

    used = [t for t in topic_ids if any(t == tid for ws in weights.values() for tid, _ in ws)]
    hubs = _hub_positions(used, weights)
    rng = np.random.default_rng(seed)
    g = nx.Graph()
    pos: dict[str, tuple[float, float]] = {}
    for topic_id, xy in hubs.items():
        g.add_node(_HUB + topic_id)
        pos[_HUB + topic_id] = xy
    for term in chosen:
        ws = _ties(weights[term], term in generic)
        x = sum(w * hubs[t][0] for t, w in ws)
        y = sum(w * hubs[t][1] for t, w in ws)
        jitter = rng.normal(scale=0.12, size=2)
        pos[term] = (x + float(jitter[0]), y + float(jitter[1]))
        g.add_node(term)
        for topic_id, w in ws:
            g.add_edge(term, _HUB + topic_id, weight=3.0 * w)
    for edge in edges:
        g.add_edge(edge.source, edge.target, weight=0.15 * edge.weight)
    k = 3.0 / math.sqrt(max(1, g.number_of_nodes()))
    laid = nx.spring_layout(
        g,
        pos=pos,
        fixed=[_HUB + t for t in hubs] if len(hubs) > 1 else None,
        k=k,
        iterations=150,
        seed=seed,
        weight="weight",
    )
    keys = [*chosen, *(_HUB + t for t in hubs)]
    xs = [float(laid[key][0]) for key in keys]
    ys = [float(laid[key][1]) for key in keys]
    x0, y0 = min(xs), min(ys)
    span = max(max(xs) - x0, max(ys) - y0) or 1.0
    return {
        key: (round((x - x0) / span * 1000, 1), round((y - y0) / span * 1000, 1))
        for key, x, y in zip(keys, xs, ys, strict=True)
    }


def build_word_network(
    memberships: Sequence[TermMembership],
    topics: Sequence[Topic],
    graph: Any | None = None,
    *,
    subtopics: Sequence[Topic] = (),
    max_nodes: int = 150,
    edges_per_node: int = 2,
    seed: int = 42,
) -> WordNetwork:
    """Pick the terms to show in the word network and lay them out.

    Each topic's most characteristic terms are kept first so every community is visible, then
    the most important remaining terms (by flow, else document frequency; generic words such
    as "code" or "software" last) up to ``max_nodes``.
    Memberships in sub-topics count for their top-level topic. Positions come from a seeded
    spring layout, so the same input and seed give the same picture.

    Args:
        memberships: Fuzzy memberships of all terms (from the topic model).
        topics: Top-level topics.
        graph: The word-similarity graph (``networkx.Graph`` with ``display``/``flow`` node
            attributes and ``weight`` on edges), or None for a network without edges.
        subtopics: Sub-topics (to map their memberships to the parent).
        max_nodes: At most this many terms.
        edges_per_node: Strongest edges kept per term.
        seed: Seed of the layout.

    Returns:
        The nodes (positions in 0..1000), edges (weights scaled to 0..1) and the position of
        each topic's label (its hub).
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes = {max_nodes} is invalid; must be >= 1")
    top_ids = {t.id for t in topics}
    parent = {t.id: t.parent for t in (*topics, *subtopics)}
    weights: dict[str, tuple[tuple[str, float], ...]] = {}
    by_term: dict[str, TermMembership] = {}
    for m in memberships:
        w = _top_level_weights(m, parent, top_ids)
        if w:
            weights[m.term] = w
            by_term[m.term] = m
    if not by_term:
        logger.info("no term belongs to a topic: the word network is empty")
        return WordNetwork()
    display: dict[str, str] = {}
    for term in by_term:
        shown = None
        if graph is not None and term in graph:
            shown = graph.nodes[term].get("display")
        display[term] = str(shown) if shown else term
    display_to_term = {d.casefold(): t for t, d in sorted(display.items(), reverse=True)}
    from talktopics.topics.keylabels import GENERIC

    generic = frozenset(t for t in by_term if display[t].casefold() in GENERIC or t in GENERIC)
    scores = _scores(list(by_term.values()), graph)
    chosen = _choose(topics, by_term, display_to_term, scores, max_nodes, generic)
    edges = _edges(graph, chosen, edges_per_node, limit=edges_per_node * len(chosen))
    pos = _layout(chosen, weights, [t.id for t in topics], edges, seed, generic)
    nodes = tuple(
        WordNode(
            term=t,
            display=display[t],
            topics=tuple((tid, round(w, 6)) for tid, w in weights[t]),
            df=by_term[t].df,
            score=round(scores.get(t, 0.0), 6),
            x=pos[t][0],
            y=pos[t][1],
        )
        for t in chosen
    )
    logger.debug("word network: %d of %d terms, %d edges", len(nodes), len(by_term), len(edges))
    hubs = tuple(
        (t.id, pos[_HUB + t.id][0], pos[_HUB + t.id][1]) for t in topics if _HUB + t.id in pos
    )
    return WordNetwork(nodes=nodes, edges=tuple(edges), topic_positions=hubs)
