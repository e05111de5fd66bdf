"""The align strategy: the editions' talks in, one topic model per edition and its topics
matched across editions out (as series).

For each pair of consecutive editions the similarity of a topic ``A`` of the first and ``B``
of the second is::

    sim(A, B) = w * cos(terms_A, terms_B) + (1 - w) * cos(centroid_A, centroid_B)

* ``terms_X``: the sum of the tf-idf rows (one vocabulary and idf for all editions) of the
  topic's primary talks;
* ``centroid_X``: the mean embedding of those talks minus the mean embedding of all compared
  talks (centring removes what every talk of a conference shares, so unrelated topics score
  near 0);
* ``w`` = ``CompareConfig.term_weight``.

Pairs with ``sim >= link_min_similarity`` are candidates. The one-to-one *continuations* are
the maximum-similarity matching among the candidates (Hungarian algorithm); chains of
continuations are the topics followed across editions (the series). Every other candidate
pair reaching ``split_ratio`` times the best similarity of either of its topics is a further
link: a **split** when ``B`` continues no topic (``B``'s series comes out of ``A``'s), a
**merge** when ``A`` continues into no topic (``A``'s series flows into ``B``'s), else a
**cross** link between two continuing series.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from talktopics.compare.editions import Edition
from talktopics.compare.records import Fitted, FlowKind
from talktopics.compare.rules import Structure
from talktopics.config import CompareConfig, TopicConfig
from talktopics.records import TermTable
from talktopics.topics import TopicModel
from talktopics.topics.network import smooth_idf, tfidf
from talktopics.topics.vocabulary import select_terms

if TYPE_CHECKING:
    from talktopics.embed import Embedder

__all__ = ["AlignStrategy", "topic_similarity"]

logger = logging.getLogger(__name__)

Node = tuple[int, int]
"""(edition index, topic index in that edition's model)."""
Link = tuple[int, Node, Node, FlowKind, float]
"""(edition, topic in it, topic in the next edition, kind, similarity)."""
SeriesLink = tuple[int, int, int, FlowKind, float | None]
"""(edition, source series, target series, kind, similarity)."""


class AlignStrategy:
    """One topic model per edition; topics followed across editions (module docstring).

    Args:
        config: The matching thresholds (``link_min_similarity``, ``split_ratio``,
            ``term_weight``).
        topic_config: Options of the per-edition topic models (seed included).
    """

    def __init__(self, config: CompareConfig, topic_config: TopicConfig) -> None:
        self.config = config
        self.topic_config = topic_config

    def fit(
        self,
        editions: Sequence[Edition],
        *,
        terms: TermTable,
        embedder: Embedder,
        progress: Callable[[str], None],
    ) -> Fitted:
        """Fit one model per edition and chain its topics into series."""
        models: list[TopicModel] = []
        for edition in editions:
            progress(f"fitting the topics of {edition.label} ({len(edition.talks)} talks)")
            models.append(
                TopicModel(self.topic_config, embedder=embedder).fit(edition.talks, terms)
            )
        offsets = np.cumsum([0] + [len(e.talks) for e in editions])
        local = _local_topics(models, offsets)
        profiles, centroids = _profiles(models, local, offsets, terms, self.topic_config)
        successor, links = _link_editions(profiles, centroids, self.config)
        chains = _chains(models, successor)
        series_of = {node: c for c, chain in enumerate(chains) for node in chain}
        labels = _chain_labels(chains, models, [e.label for e in editions])
        primary, weights = _series_weights(models, local, offsets, series_of, len(chains))
        out_links, split_from, merged_into = _series_links(links, series_of)
        last = len(editions) - 1
        structure = [
            Structure(
                starts_late=chain[0][0] > 0,
                ends_early=chain[-1][0] < last,
                split_from=labels[split_from[c][1]] if c in split_from else None,
                merged_into=labels[merged_into[c][1]] if c in merged_into else None,
            )
            for c, chain in enumerate(chains)
        ]
        topic_ids: list[list[str | None]] = [[None] * len(editions) for _ in chains]
        for c, chain in enumerate(chains):
            for e, k in chain:
                topic_ids[c][e] = models[e].topics_[k].id
        return Fitted(
            labels=labels,
            primary=primary,
            weights=weights,
            topic_ids=topic_ids,
            terms=None,
            links=out_links,
            structure=structure,
            relations=[
                (
                    split_from[c][1] if c in split_from else None,
                    merged_into[c][1] if c in merged_into else None,
                )
                for c in range(len(chains))
            ],
            embedder=models[0].info_.embedder,
            parameters=self._parameters(models),
        )

    def _parameters(self, models: list[TopicModel]) -> tuple[tuple[str, str], ...]:
        return (
            ("topics_per_edition", ",".join(str(len(m.topics_)) for m in models)),
            ("link_min_similarity", str(self.config.link_min_similarity)),
            ("split_ratio", str(self.config.split_ratio)),
            ("term_weight", str(self.config.term_weight)),
        )


def _local_topics(models: list[TopicModel], offsets: np.ndarray) -> np.ndarray:
    """Every talk's primary topic in its edition's model (-1 = other), in edition order."""
    local = np.full(int(offsets[-1]), -1, dtype=np.int64)
    for e, model in enumerate(models):
        index = {t.id: k for k, t in enumerate(model.topics_)}
        for i, tt in enumerate(model.talk_topics_):
            local[offsets[e] + i] = index.get(tt.primary, -1)
    return local


def _link_editions(
    profiles: list[np.ndarray], centroids: list[np.ndarray], config: CompareConfig
) -> tuple[dict[Node, Node], list[Link]]:
    """The continuations (topic -> its successor) and every link of consecutive editions."""
    successor: dict[Node, Node] = {}
    links: list[Link] = []
    for e in range(len(profiles) - 1):
        sim = topic_similarity(
            profiles[e], centroids[e], profiles[e + 1], centroids[e + 1], config.term_weight
        )
        for a, b, kind, value in _match(sim, config):
            if kind == "continuation":
                successor[(e, a)] = (e + 1, b)
            links.append((e, (e, a), (e + 1, b), kind, value))
    return successor, links


def _chains(models: list[TopicModel], successor: dict[Node, Node]) -> list[list[Node]]:
    """Chains of continuations: the series, each from a topic that continues none."""
    predecessor = {b: a for a, b in successor.items()}
    chains: list[list[Node]] = []
    for e, model in enumerate(models):
        for k in range(len(model.topics_)):
            if (e, k) in predecessor:
                continue
            chain = [(e, k)]
            while chain[-1] in successor:
                chain.append(successor[chain[-1]])
            chains.append(chain)
    return chains


def _series_weights(
    models: list[TopicModel],
    local: np.ndarray,
    offsets: np.ndarray,
    series_of: dict[Node, int],
    n_series: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Every talk's primary series (-1 = other) and its talks x series weights."""
    n = int(offsets[-1])
    primary = np.full(n, -1, dtype=np.int64)
    weights = np.zeros((n, n_series))
    for e, model in enumerate(models):
        index = {t.id: k for k, t in enumerate(model.topics_)}
        for i, tt in enumerate(model.talk_topics_):
            row = offsets[e] + i
            if local[row] >= 0:
                primary[row] = series_of[(e, int(local[row]))]
            for topic_id, w in tt.distribution:
                if topic_id in index:
                    weights[row, series_of[(e, index[topic_id])]] += w
    return primary, weights


def _series_links(
    links: list[Link], series_of: dict[Node, int]
) -> tuple[list[SeriesLink], dict[int, tuple[float, int]], dict[int, tuple[float, int]]]:
    """The links between series, and per series the strongest split source / merge target
    as ``(similarity, series)``."""
    split_from: dict[int, tuple[float, int]] = {}
    merged_into: dict[int, tuple[float, int]] = {}
    out_links: list[SeriesLink] = []
    for e, source, target, kind, value in links:
        sa, sb = series_of[source], series_of[target]
        if kind == "split":
            split_from[sb] = max(split_from.get(sb, (-1.0, -1)), (value, sa))
        elif kind == "merge":
            merged_into[sa] = max(merged_into.get(sa, (-1.0, -1)), (value, sb))
        out_links.append((e, sa, sb, kind, value))
    return out_links, split_from, merged_into


def topic_similarity(
    profiles_a: np.ndarray,
    centroids_a: np.ndarray,
    profiles_b: np.ndarray,
    centroids_b: np.ndarray,
    term_weight: float,
) -> np.ndarray:
    """``term_weight * cos(profiles) + (1 - term_weight) * cos(centroids)`` for every pair
    (rows L2-normalised; zero rows score 0)."""
    terms = _unit(profiles_a) @ _unit(profiles_b).T
    centroids = _unit(centroids_a) @ _unit(centroids_b).T
    return np.asarray(term_weight * terms + (1 - term_weight) * centroids, dtype=np.float64)


def _match(sim: np.ndarray, config: CompareConfig) -> list[tuple[int, int, FlowKind, float]]:
    """Continuations (maximum-similarity one-to-one matching of the candidate pairs) and the
    further split / merge / cross links between two editions' topics."""
    from scipy.optimize import linear_sum_assignment  # lazy: scipy.optimize is slow to import

    if sim.size == 0:
        return []
    candidate = sim >= config.link_min_similarity
    cost = np.where(candidate, -sim, 0.0)
    rows, cols = linear_sum_assignment(cost)
    matched = {(int(a), int(b)) for a, b in zip(rows, cols, strict=True) if candidate[a, b]}
    has_next = {a for a, _ in matched}
    has_prev = {b for _, b in matched}
    best_row = sim.max(axis=1)
    best_col = sim.max(axis=0)
    out: list[tuple[int, int, FlowKind, float]] = []
    for a, b in zip(*np.nonzero(candidate), strict=True):
        a, b = int(a), int(b)
        value = float(sim[a, b])
        if (a, b) in matched:
            out.append((a, b, "continuation", value))
            continue
        ratio = config.split_ratio
        if value < ratio * best_row[a] and value < ratio * best_col[b]:
            continue
        if b not in has_prev:
            out.append((a, b, "split", value))
        elif a not in has_next:
            out.append((a, b, "merge", value))
        else:
            out.append((a, b, "cross", value))
    return out


def _profiles(
    models: list[TopicModel],
    local: np.ndarray,
    offsets: np.ndarray,
    terms: TermTable,
    topic_config: TopicConfig,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per edition: topics x terms tf-idf profiles and topics x dim centred centroids."""
    columns = select_terms(terms, topic_config.graph)
    counts = sp.csr_matrix(terms.counts)[:, columns]
    idf = smooth_idf(np.asarray((counts > 0).sum(axis=0)).ravel(), counts.shape[0])
    x = tfidf(counts, idf)
    vectors = np.concatenate([m.state_.talk_vectors for m in models]).astype(np.float64)
    mean = vectors.mean(axis=0) if vectors.size else np.zeros(0)
    profiles: list[np.ndarray] = []
    centroids: list[np.ndarray] = []
    for e, model in enumerate(models):
        k = len(model.topics_)
        rows = np.arange(offsets[e], offsets[e + 1])
        member = sp.csr_matrix(
            (
                np.ones(int((local[rows] >= 0).sum())),
                (local[rows][local[rows] >= 0], rows[local[rows] >= 0]),
            ),
            shape=(k, x.shape[0]),
        )
        profiles.append(np.asarray((member @ x).todense()))
        sizes = np.asarray(member.sum(axis=1)).ravel()
        sums = np.asarray(member @ vectors).reshape(k, vectors.shape[1])
        safe = np.where(sizes > 0, sizes, 1.0)
        centroids.append(np.asarray(sums) / safe[:, None] - mean[None, :])
    return profiles, centroids


def _chain_labels(
    chains: list[list[Node]], models: list[TopicModel], edition_labels: list[str]
) -> list[str]:
    """A chain's label is its largest topic's (the latest on ties); repeats get the span."""
    labels: list[str] = []
    for chain in chains:
        e, k = max(
            chain, key=lambda node: (len(models[node[0]].topics_[node[1]].talk_ids), node[0])
        )
        labels.append(models[e].topics_[k].label)
    seen: dict[str, int] = {}
    for label in labels:
        seen[label.casefold()] = seen.get(label.casefold(), 0) + 1
    out: list[str] = []
    used: set[str] = set()
    for chain, label in zip(chains, labels, strict=True):
        if seen[label.casefold()] > 1:
            first, last = edition_labels[chain[0][0]], edition_labels[chain[-1][0]]
            label = f"{label} ({first}–{last})" if first != last else f"{label} ({first})"
        base, number = label, 2
        while label.casefold() in used:
            label = f"{base} #{number}"
            number += 1
        used.add(label.casefold())
        out.append(label)
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True) if x.size else np.ones((x.shape[0], 1))
    return x / np.where(norms > 0, norms, 1.0)
