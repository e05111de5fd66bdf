"""Topic engine: talks (+ their terms and embeddings) in, a fitted :class:`TopicModel` out.

How talks are grouped (measured on EuroPython 2022 tracks; see bench/RESULTS.md): Infomap
partitions *one* network that holds talk nodes and term nodes —

* talk–term links weighted by the term's tf-idf in the talk (sublinear tf, rows L2-normalised);
* talk–talk links from each talk to its ``talk_neighbors`` nearest talks by embedding cosine,
  multiplied by ``talk_link_weight``;
* no term–term links inside the partition (a pure word graph scatters the talks).

Top-level modules with at least ``min_topic_talks`` talks are the topics; the module tree
below them (or, where Infomap found no deeper level, a sub-run on the topic's own part of the
network) gives the sub-topics. A talk's distribution is the share of its own links (its terms,
its nearest talks and itself) that lands in each topic; talks whose links mostly end outside
every topic go to the explicit ``other`` bucket. The word-similarity graph
(:mod:`talktopics.graph`) then serves what it is good at: fuzzy term memberships (a term's
tf-idf flow into its talks' topics, smoothed over its word-graph neighbours) and the labels
(:mod:`talktopics.labels`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import scipy.sparse as sp

from talktopics.community import (
    detect_communities,
    flow_memberships,
    sparsify_memberships,
)
from talktopics.config import TopicConfig
from talktopics.errors import ConfigError
from talktopics.graph import build_word_graph, language_talks, select_terms
from talktopics.labels import describe_topics
from talktopics.partition import (
    TalkTermNetwork,
    expand_giants,
    node_labels,
    sort_groups,
    split_group,
    talk_term_links,
    talks_in,
    towards_target,
)
from talktopics.records import OTHER_TOPIC, Talk, TermMembership, TermTable, Topic
from talktopics.topicmodel import (
    ModelInfo,
    ModelState,
    TopicModel,
    align_terms,
    make_talk_topics,
    mark_outliers,
    reading_language,
    smooth_idf,
    talk_distributions,
    talk_links,
    talk_text,
    tfidf,
    topic_fit,
    versions,
)

if TYPE_CHECKING:
    from talktopics.embed import Embedder

__all__ = ["TopicModel", "fit_topics", "talk_text"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def fit_topics(
    talks: Sequence[Talk],
    config: TopicConfig | None = None,
    *,
    embedder: Embedder | None = None,
    terms: TermTable | None = None,
    progress: Progress | None = None,
) -> TopicModel:
    """Find fuzzy topics in a set of talks.

    Args:
        talks: The talks; ids must be unique. Every talk gets a ``TalkTopics`` entry.
        config: Options; ``None`` = defaults.
        embedder: Embedding backend; ``None`` = chosen by ``config.embed`` and the corpus'
            languages (:func:`talktopics.embed.select_embedder`).
        terms: Candidate terms; ``None`` = :func:`talktopics.nlp.extract_terms`.
        progress: Called with a short message as each stage starts.

    Returns:
        The fitted model; the same talks, config and seed give a byte-identical
        ``to_json()``.

    Raises:
        ConfigError: Duplicate talk ids or an invalid option.
        ModelNotAvailableError: The embedding model is not installed.
    """
    from talktopics import embed

    config = config or TopicConfig()
    _check_config(config)
    talks = tuple(talks)
    _check_unique_ids(talks)
    say = progress or (lambda message: None)
    timer = _Timer()
    if not talks:
        logger.info("no talks: an empty topic model")
        return _empty_model(config, str(embedder.name) if embedder is not None else "")

    if terms is None:
        from talktopics import nlp

        say(f"extracting terms from {len(talks)} talks")
        terms = nlp.extract_terms(talks, config.nlp)
    terms = align_terms(terms, talks)
    timer.lap("terms")

    if embedder is None:
        from talktopics import nlp

        languages = [nlp.talk_language(t, languages=config.nlp.languages) for t in talks]
        embedder = embed.select_embedder(config.embed, languages)
    say(f"embedding {len(talks)} talks ({embedder.name})")
    reading = reading_language(embedder)
    talk_vectors = np.asarray(
        embed.embed_documents([talk_text(t, reading) for t in talks], embedder),
        dtype=np.float32,
    ).reshape(len(talks), -1)
    timer.lap("embed_talks")

    selected = select_terms(terms, config.graph)
    say(f"embedding {selected.size} terms")
    dim = talk_vectors.shape[1] if talks else int(getattr(embedder, "dim", 0))
    term_vectors = np.zeros((len(terms.terms), dim), dtype=np.float32)
    if selected.size:
        term_vectors[selected] = embedder.embed([terms.display[j] for j in selected.tolist()])
    timer.lap("embed_terms")

    say("building the word graph")
    word_graph = build_word_graph(terms, term_vectors, config.graph)
    timer.lap("word_graph")

    say("finding topics (Infomap)")
    model = _fit(
        talks,
        terms,
        selected,
        talk_vectors,
        term_vectors[selected],
        word_graph,
        config,
        embedder_name=str(embedder.name),
        timer=timer,
    )
    logger.info(
        "%d talks -> %d topics, %d sub-topics, %d talks in 'other' (%.1f%%)",
        len(talks),
        len(model.topics),
        len(model.subtopics),
        len(model.other_talk_ids),
        100 * model.other_share,
    )
    return model


# --- the fit proper -------------------------------------------------------------------------


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self._clock
        self._clock = now


def _fit(
    talks: tuple[Talk, ...],
    terms: TermTable,
    selected: np.ndarray,
    talk_vectors: np.ndarray,
    term_vectors: np.ndarray,
    word_graph: nx.Graph,
    config: TopicConfig,
    *,
    embedder_name: str,
    timer: _Timer,
) -> TopicModel:
    n = len(talks)
    counts = sp.csr_matrix(terms.counts)[:, selected]
    # idf against the talks that have text in the term's language (see language_talks).
    idf = smooth_idf(np.asarray((counts > 0).sum(axis=0)).ravel(), language_talks(terms)[selected])
    x = tfidf(counts, idf)
    m = x.shape[1]

    # One network: talk-talk kNN links (scaled) + talk-term tf-idf links, no term-term links.
    rows, cols, weights = talk_term_links(x, talk_vectors, config)
    timer.lap("network")
    communities = detect_communities(
        n + m,
        rows,
        cols,
        weights,
        seed=config.seed,
        trials=config.trials,
        markov_time=config.markov_time,
    )
    net = TalkTermNetwork(
        counts=counts, talk_vectors=talk_vectors, communities=communities, config=config
    )
    timer.lap("infomap")

    top = communities.modules(1)
    n_modules = int(top.max()) + 1 if top.size else 0
    groups = [np.flatnonzero(top == k) for k in range(n_modules)]
    groups = expand_giants(groups, net)
    groups = [g for g in groups if talks_in(g, n) >= config.min_topic_talks]
    if config.target_topics is not None:
        groups = towards_target(groups, config.target_topics, net)

    # Talk distributions; a topic that ends up primary for no talk is dropped (once).
    links = sp.hstack(
        [
            talk_links(
                talk_vectors,
                talk_vectors,
                config.talk_neighbors,
                config.talk_link_weight,
                include_self=False,
            ),
            x,
        ]
    ).tocsr()

    def distribute(
        groups: list[np.ndarray],
    ) -> tuple[np.ndarray, list[tuple[int, tuple[tuple[int, float], ...]]], np.ndarray, np.ndarray]:
        labels = node_labels(groups, top, n + m)
        dists = talk_distributions(links, labels, len(groups), config, own=labels[:n])
        pre = np.array([p for p, _ in dists], dtype=np.int64)
        # Talks that do not resemble their topic at all fit nowhere.
        centroids, fit = topic_fit(talk_vectors, pre, len(groups))
        return labels, mark_outliers(dists, talk_vectors, centroids, fit, config), centroids, fit

    # A topic that ends up primary for no talk is dropped.
    while True:
        groups = sort_groups(groups, communities, n)
        labels, dists, centroids, fit = distribute(groups)
        primary = np.array([p for p, _ in dists], dtype=np.int64)
        alive = [k for k in range(len(groups)) if np.any(primary == k)]
        if len(alive) == len(groups):
            break
        groups = [groups[k] for k in alive]
    k = len(groups)
    # Order topics by how many talks they finally hold (a relabelling: same decisions).
    sizes = np.bincount(primary[primary >= 0], minlength=k)
    order = sorted(range(k), key=lambda t: (-int(sizes[t]), t))
    if order != list(range(k)):
        groups = [groups[t] for t in order]
        labels, dists, centroids, fit = distribute(groups)
        primary = np.array([p for p, _ in dists], dtype=np.int64)
        sizes = np.bincount(primary[primary >= 0], minlength=k)
    topic_ids = tuple(f"t{t + 1}" for t in range(k))
    talk_topics = make_talk_topics(talks, dists, topic_ids, config.secondary_threshold)
    soft = np.zeros((n, k))
    for i, (_, dist) in enumerate(dists):
        for t, w in dist:
            if t >= 0:
                soft[i, t] = w
    timer.lap("distributions")

    # Fuzzy term memberships: a term's tf-idf flow into its talks' primary topics, smoothed
    # over its word-graph neighbours; small shares dropped.
    vocab = tuple(terms.terms[j] for j in selected.tolist())
    hard = np.where(primary >= 0, primary, k)
    shares = flow_memberships(x.T.tocsr(), hard, k + 1)[:, :k]
    shares = _smooth_over_graph(shares, vocab, word_graph, config.membership_graph_weight)
    kept = sparsify_memberships(
        shares, min_weight=config.fuzzy_threshold, max_modules=config.max_term_topics
    )
    member = np.zeros((m, k))
    for j, mem in enumerate(kept):
        for t, w in mem:
            member[j, t] = w
    df_all = np.asarray((sp.csr_matrix(terms.counts) > 0).sum(axis=0)).ravel()
    memberships = tuple(
        sorted(
            (
                TermMembership(
                    term=vocab[j],
                    topics=tuple((topic_ids[t], round(w, 6)) for t, w in kept[j])
                    or ((OTHER_TOPIC, 1.0),),
                    df=int(df_all[col]),
                    languages=tuple(terms.languages[col]) if col < len(terms.languages) else (),
                )
                for j, col in enumerate(selected.tolist())
            ),
            key=lambda mem: mem.term,
        )
    )
    timer.lap("memberships")

    # Topics: vocabularies, labels, representative talks; then sub-topics.
    display = tuple(terms.display[j] for j in selected.tolist())
    tf = sp.csr_matrix(counts, dtype=np.float64)
    tf.data = 1.0 + np.log(np.maximum(tf.data, 1.0))
    unit_terms = _unit(term_vectors)
    used: set[str] = set()
    ranked, label = describe_topics(
        tf=tf,
        weights=soft,
        display=display,
        used=used,
        membership=member,
        vectors=unit_terms,
        top_n=config.top_terms,
    )
    topics = tuple(
        Topic(
            id=topic_ids[t],
            label=label[t],
            terms=tuple((term, round(w, 6)) for term, w in ranked[t]),
            talk_ids=_representative(talks, soft, primary, t),
            level=1,
            flow=round(float(communities.flow[groups[t]].sum()), 6),
        )
        for t in range(k)
    )
    subtopics: list[Topic] = []
    for t in range(k):
        if int(sizes[t]) >= config.subtopic_min_talks:
            subtopics.extend(
                _subtopics(
                    t,
                    topic_ids[t],
                    groups[t],
                    talks,
                    primary,
                    soft,
                    links,
                    tf,
                    display,
                    unit_terms,
                    net,
                    used,
                )
            )
    timer.lap("labels")

    for j, key in enumerate(vocab):
        if key in word_graph:
            node = word_graph.nodes[key]
            node["topics"] = tuple((topic_ids[t], round(w, 6)) for t, w in kept[j]) or (
                (OTHER_TOPIC, 1.0),
            )
            node["topic"] = node["topics"][0][0]
            node["flow"] = round(float(communities.flow[n + j]), 9)

    other = sum(1 for tt in talk_topics if tt.primary == OTHER_TOPIC)
    return TopicModel(
        topics=topics,
        subtopics=tuple(subtopics),
        memberships=memberships,
        talk_topics=talk_topics,
        word_graph=word_graph,
        other_share=round(other / n, 6) if n else 0.0,
        config=config,
        info=ModelInfo(
            seed=config.seed,
            embedder=embedder_name,
            dim=int(talk_vectors.shape[1]),
            n_talks=n,
            n_terms=m,
            codelength=round(communities.codelength, 6),
            versions=versions(),
            timings=tuple(sorted((s, round(v, 4)) for s, v in timer.timings.items())),
        ),
        state=ModelState(
            vocabulary=vocab,
            idf=idf,
            talk_ids=tuple(t.id for t in talks),
            talk_vectors=talk_vectors,
            node_labels=labels,
            n_topics=k,
            topic_centroids=centroids,
            topic_fit=fit,
        ),
    )


def _empty_model(config: TopicConfig, embedder_name: str) -> TopicModel:
    return TopicModel(
        topics=(),
        subtopics=(),
        memberships=(),
        talk_topics=(),
        word_graph=nx.Graph(),
        other_share=0.0,
        config=config,
        info=ModelInfo(
            seed=config.seed,
            embedder=embedder_name,
            dim=0,
            n_talks=0,
            n_terms=0,
            versions=versions(),
        ),
        state=ModelState(
            vocabulary=(),
            idf=np.zeros(0),
            talk_ids=(),
            talk_vectors=np.zeros((0, 0), dtype=np.float32),
            node_labels=np.zeros(0, dtype=np.int64),
            n_topics=0,
            topic_centroids=np.zeros((0, 0), dtype=np.float32),
            topic_fit=np.zeros((0, 2)),
        ),
    )


def _subtopics(
    t: int,
    parent_id: str,
    group: np.ndarray,
    talks: tuple[Talk, ...],
    primary: np.ndarray,
    soft: np.ndarray,
    links: sp.csr_matrix,
    tf: sp.csr_matrix,
    display: tuple[str, ...],
    unit_terms: np.ndarray,
    net: TalkTermNetwork,
    used: set[str],
) -> list[Topic]:
    """Sub-topics of topic ``t``: its group split one level down (:func:`split_group`). A talk of
    the topic belongs to the part it was put in, or (a talk that joined the topic through its
    links) to the part receiving most of its links. Parts with too few talks are left out."""
    n, config = len(talks), net.config
    parts = split_group(group, net)
    if len(parts) < 2:
        return []
    labels = np.full(links.shape[1], -1, dtype=np.int64)
    for s, part in enumerate(parts):
        labels[part] = s
    members = np.flatnonzero(primary == t)
    shares = flow_memberships(links[members], labels, len(parts))
    best = np.where(shares.sum(axis=1) > 0, np.argmax(shares, axis=1), -1)
    best = np.where(labels[members] >= 0, labels[members], best)
    sizes = np.bincount(best[best >= 0], minlength=len(parts))
    keep = [s for s in range(len(parts)) if sizes[s] >= config.min_topic_talks]
    if len(keep) < 2:
        return []
    keep.sort(key=lambda s: (-int(sizes[s]), s))
    weights = np.zeros((n, len(keep)))
    for col, s in enumerate(keep):
        rows = members[best == s]
        weights[rows, col] = soft[rows, t]
    ranked, label = describe_topics(
        tf=tf,
        weights=weights,
        display=display,
        used=used,
        vectors=unit_terms,
        background=soft[:, t],
        context=np.delete(soft, t, axis=1),
        top_n=config.top_terms,
    )
    out = []
    for col, s in enumerate(keep):
        rows = members[best == s]
        order = sorted(rows.tolist(), key=lambda i: (-shares[np.searchsorted(members, i), s], i))
        out.append(
            Topic(
                id=f"{parent_id}.{col + 1}",
                label=label[col],
                terms=tuple((term, round(w, 6)) for term, w in ranked[col]),
                talk_ids=tuple(talks[i].id for i in order),
                parent=parent_id,
                level=2,
                flow=round(float(net.communities.flow[parts[s]].sum()), 6),
            )
        )
    return out


def _representative(
    talks: tuple[Talk, ...], soft: np.ndarray, primary: np.ndarray, t: int
) -> tuple[str, ...]:
    """The topic's primary talks, most representative (highest weight) first."""
    rows = np.flatnonzero(primary == t).tolist()
    return tuple(talks[i].id for i in sorted(rows, key=lambda i: (-round(soft[i, t], 9), i)))


def _smooth_over_graph(
    shares: np.ndarray, vocab: tuple[str, ...], graph: nx.Graph, weight: float
) -> np.ndarray:
    """``(1 - weight) * own shares + weight * weighted mean of the word-graph neighbours'``."""
    if weight <= 0 or graph.number_of_edges() == 0 or shares.size == 0:
        return shares
    index = {key: j for j, key in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for u, v, w in graph.edges(data="weight", default=0.0):
        if u in index and v in index:
            rows += [index[u], index[v]]
            cols += [index[v], index[u]]
            vals += [float(w), float(w)]
    adj = sp.csr_matrix((vals, (rows, cols)), shape=(len(vocab), len(vocab)))
    adj.sum_duplicates()
    degree = np.asarray(adj.sum(axis=1)).ravel()
    neighbours = np.asarray(adj @ shares)
    has = degree > 0
    neighbours[has] /= degree[has, None]
    out = shares.copy()
    out[has] = (1 - weight) * shares[has] + weight * neighbours[has]
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    from talktopics.embed import normalise_rows

    return normalise_rows(x)


# --- checks ---------------------------------------------------------------------------------


def _check_unique_ids(talks: tuple[Talk, ...]) -> None:
    seen: dict[str, Talk] = {}
    for talk in talks:
        if talk.id in seen:
            raise ConfigError(
                f"talk id {talk.id!r} is used twice ({seen[talk.id].source} and {talk.source}); "
                "talk ids must be unique"
            )
        seen[talk.id] = talk


def _check_config(config: TopicConfig) -> None:
    checks: list[tuple[str, bool, str]] = [
        ("trials", config.trials >= 1, ">= 1"),
        ("talk_neighbors", config.talk_neighbors >= 1, ">= 1"),
        ("talk_link_weight", config.talk_link_weight >= 0, ">= 0"),
        ("markov_time", config.markov_time > 0, "> 0"),
        ("min_topic_talks", config.min_topic_talks >= 1, ">= 1"),
        ("max_topic_share", 0 < config.max_topic_share <= 1, "in (0, 1]"),
        ("subtopic_min_talks", config.subtopic_min_talks >= 2, ">= 2"),
        ("secondary_threshold", 0 < config.secondary_threshold <= 1, "in (0, 1]"),
        ("other_min_share", 0 <= config.other_min_share <= 1, "in [0, 1]"),
        ("min_topic_share", 0 < config.min_topic_share <= 1, "in (0, 1]"),
        ("fuzzy_threshold", 0 < config.fuzzy_threshold <= 1, "in (0, 1]"),
        ("max_term_topics", config.max_term_topics >= 1, ">= 1"),
        ("membership_graph_weight", 0 <= config.membership_graph_weight <= 1, "in [0, 1]"),
        ("top_terms", config.top_terms >= 1, ">= 1"),
        ("target_refine_iterations", config.target_refine_iterations >= 0, ">= 0"),
        ("target_refine_term_weight", config.target_refine_term_weight >= 0, ">= 0"),
        (
            "target_refine_neighbor_weight",
            0 <= config.target_refine_neighbor_weight <= 1,
            "in [0, 1]",
        ),
    ]
    if config.target_topics is not None:
        checks.append(("target_topics", config.target_topics >= 1, ">= 1"))
    for name, ok, rule in checks:
        if not ok:
            raise ConfigError(
                f"topics.{name} = {getattr(config, name)!r} is invalid; must be {rule}"
            )
