"""The fit: talks (+ their terms and an embedder) in, a
:class:`~talktopics.topics.result.FittedTopics` out, as a sequence of named steps.

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
(:mod:`talktopics.topics.word_graph`) then serves what it is good at: fuzzy term memberships
(a term's tf-idf flow into its talks' topics, smoothed over its word-graph neighbours) and
the labels (:mod:`talktopics.topics.labels`).

Steps, in order: :func:`prepare_terms`, :func:`choose_embedder`, :func:`embed_talks`,
:func:`embed_terms`, the word graph (:func:`~talktopics.topics.word_graph.build_word_graph`),
:func:`weigh_terms`, :func:`partition_network` (Infomap), :func:`topic_groups`
(regroup/split/merge), :func:`settle_topics` (distributions, outliers),
:func:`term_memberships`, the topic and sub-topic records
(:mod:`talktopics.topics.describe`), :func:`annotate_word_graph`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence

import networkx as nx
import numpy as np
import scipy.sparse as sp

from talktopics import embed, nlp
from talktopics.config import TopicConfig
from talktopics.embed import Embedder
from talktopics.nlp.persons import person_terms
from talktopics.progress import Laps
from talktopics.records import OTHER_TOPIC, Talk, TermTable, Topic
from talktopics.topics.checks import check_topic_config, check_unique_ids
from talktopics.topics.consensus import partition
from talktopics.topics.describe import make_subtopics, make_topics, topic_ids, topic_terms
from talktopics.topics.distributions import make_talk_topics, settle_topics, soft_weights
from talktopics.topics.memberships import (
    annotate_word_graph,
    membership_records,
    term_memberships,
)
from talktopics.topics.network import (
    TalkTermNetwork,
    smooth_idf,
    talk_links,
    talk_term_links,
    tfidf,
)
from talktopics.topics.regroup import expand_giants, split_catch_alls, talks_in, towards_target
from talktopics.topics.result import FittedTopics, ModelInfo, ModelState, empty_fit, versions
from talktopics.topics.talk_text import topic_texts
from talktopics.topics.vocabulary import align_terms, language_talks, select_terms
from talktopics.topics.word_graph import build_word_graph

__all__ = ["Progress", "run_fit"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
"""Called with a short message as each stage starts."""


def run_fit(
    talks: Sequence[Talk],
    config: TopicConfig | None = None,
    *,
    embedder: Embedder | None = None,
    terms: TermTable | None = None,
    texts: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> FittedTopics:
    """Find fuzzy topics in a set of talks.

    Args:
        talks: The talks; ids must be unique. Every talk gets a ``TalkTopics`` entry.
        config: Options; ``None`` = defaults.
        embedder: Embedding backend; ``None`` = chosen by ``config.embed`` and the corpus'
            languages (:func:`talktopics.embed.select_embedder`).
        terms: Candidate terms; ``None`` = :func:`talktopics.nlp.extract_terms`.
        texts: The talks' :func:`~talktopics.topics.talk_text.topic_texts` for ``embedder``;
            ``None`` = computed here.
        progress: Called with a short message as each stage starts.

    Returns:
        The fitted record; the same talks, config and seed give byte-identical model JSON.

    Raises:
        ConfigError: Duplicate talk ids or an invalid option.
        ModelNotAvailableError: The embedding model is not installed.
    """
    config = config or TopicConfig()
    check_topic_config(config)
    talks = tuple(talks)
    check_unique_ids(talks)
    say = progress or _silent
    timer = Laps()
    if not talks:
        logger.info("no talks: an empty topic model")
        return empty_fit(config, str(embedder.name) if embedder is not None else "")
    terms = prepare_terms(talks, terms, config, say)
    timer.lap("terms")
    if embedder is None:
        embedder = choose_embedder(talks, config)
    talk_vectors = embed_talks(talks, embedder, say, texts=texts)
    timer.lap("embed_talks")
    selected = select_terms(terms, config.graph)
    term_vectors = embed_terms(terms, selected, embedder, talk_vectors.shape[1], say)
    timer.lap("embed_terms")
    embed.release_backend(embedder)  # nothing left to embed: the model's memory goes
    say("building the word graph")
    word_graph = build_word_graph(terms, term_vectors, config.graph)
    timer.lap("word_graph")
    say("finding topics (Infomap)")
    fitted = find_topics(
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
        len(fitted.topics),
        len(fitted.subtopics),
        len(fitted.other_talk_ids),
        100 * fitted.other_share,
    )
    return fitted


# --- steps before the partition ---------------------------------------------------------------


def prepare_terms(
    talks: tuple[Talk, ...], terms: TermTable | None, config: TopicConfig, say: Progress
) -> TermTable:
    """The candidate terms (extracted when not given), one row per talk in talk order."""
    if terms is None:
        say(f"extracting terms from {len(talks)} talks")
        terms = nlp.extract_terms(talks, config.nlp)
    return align_terms(terms, talks)


def choose_embedder(talks: tuple[Talk, ...], config: TopicConfig) -> Embedder:
    """The embedder ``config.embed`` picks for the talks' languages."""
    languages = [nlp.talk_language(t, languages=config.nlp.languages) for t in talks]
    return embed.select_embedder(config.embed, languages)


def embed_talks(
    talks: tuple[Talk, ...],
    embedder: Embedder,
    say: Progress,
    *,
    texts: Sequence[str] | None = None,
) -> np.ndarray:
    """One float32 row per talk: the embedding of its :func:`topic_texts` (``texts``, when
    the caller has them already)."""
    say(f"embedding {len(talks)} talks ({embedder.name})")
    if texts is None:
        texts = topic_texts(talks, embedder)
    elif len(texts) != len(talks):
        raise ValueError(f"{len(texts)} topic texts for {len(talks)} talks")
    return np.asarray(embed.embed_documents(list(texts), embedder), dtype=np.float32).reshape(
        len(talks), -1
    )


def embed_terms(
    terms: TermTable, selected: np.ndarray, embedder: Embedder, dim: int, say: Progress
) -> np.ndarray:
    """One float32 row per term of the table: the display form's embedding for the selected
    terms, zeros for the others."""
    say(f"embedding {selected.size} terms")
    term_vectors = np.zeros((len(terms.terms), dim), dtype=np.float32)
    if selected.size:
        term_vectors[selected] = embedder.embed([terms.display[j] for j in selected.tolist()])
    return term_vectors


# --- the partition and what follows from it ---------------------------------------------------


def find_topics(
    talks: tuple[Talk, ...],
    terms: TermTable,
    selected: np.ndarray,
    talk_vectors: np.ndarray,
    term_vectors: np.ndarray,
    word_graph: nx.Graph,
    config: TopicConfig,
    *,
    embedder_name: str,
    timer: Laps,
) -> FittedTopics:
    """Partition the talk-term network and describe its topics (``term_vectors``: one row per
    selected term). Annotates ``word_graph`` with the terms' memberships and flow."""
    n = len(talks)
    counts, idf, x = weigh_terms(terms, selected)
    net = partition_with_fallback(counts, x, talk_vectors, config)
    timer.lap("infomap")
    node_links = talk_node_links(talk_vectors, x, net.config)
    settled = settle_topics(topic_groups(net), node_links, net)
    k = len(settled.groups)
    ids = topic_ids(k)
    talk_topics = make_talk_topics(talks, settled.dists, ids, config.secondary_threshold)
    soft = soft_weights(settled.dists, n, k)
    timer.lap("distributions")

    vocab = tuple(terms.terms[j] for j in selected.tolist())
    kept, member = term_memberships(x, settled.primary, k, vocab, word_graph, config)
    memberships = membership_records(kept, vocab, terms, selected, ids)
    timer.lap("memberships")

    display = tuple(terms.display[j] for j in selected.tolist())
    persons = person_terms(talks, counts, display)
    vocabulary = topic_terms(counts, display, term_vectors, config.top_terms, hidden=persons)
    topics = make_topics(talks, soft, settled.primary, member, settled.groups, net, vocabulary)
    subtopics: list[Topic] = []
    for t in range(k):
        if int(settled.sizes[t]) >= config.subtopic_min_talks:
            subtopics.extend(
                make_subtopics(
                    t, settled.groups[t], talks, settled.primary, soft, node_links, net, vocabulary
                )
            )
    timer.lap("labels")

    annotate_word_graph(word_graph, vocab, kept, ids, net.communities.flow[n:])
    other = sum(1 for tt in talk_topics if tt.primary == OTHER_TOPIC)
    return FittedTopics(
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
            n_terms=x.shape[1],
            codelength=round(net.communities.codelength, 6),
            versions=versions(),
            timings=tuple(sorted((s, round(v, 4)) for s, v in timer.timings)),
        ),
        state=ModelState(
            vocabulary=vocab,
            idf=idf,
            talk_ids=tuple(t.id for t in talks),
            talk_vectors=talk_vectors,
            node_labels=settled.labels,
            n_topics=k,
            topic_centroids=settled.centroids,
            topic_fit=settled.fit,
        ),
    )


def weigh_terms(
    terms: TermTable, selected: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray, sp.csr_matrix]:
    """Talks x vocabulary counts, the idf and the tf-idf weights of the selected terms; idf
    against the talks that have text in the term's language (see ``language_talks``)."""
    counts = sp.csr_matrix(terms.counts)[:, selected]
    idf = smooth_idf(np.asarray((counts > 0).sum(axis=0)).ravel(), language_talks(terms)[selected])
    return counts, idf, tfidf(counts, idf)


def partition_network(
    counts: sp.csr_matrix,
    n_terms: int,
    talk_vectors: np.ndarray,
    links: tuple[np.ndarray, np.ndarray, np.ndarray],
    config: TopicConfig,
) -> TalkTermNetwork:
    """Infomap's partition of the talk-term network (talk-talk kNN and talk-term links): the
    best of ``config.trials`` trials, or the consensus of single trials up to
    ``config.consensus_max_talks`` talks (:func:`~talktopics.topics.consensus.partition`)."""
    rows, cols, weights = links
    communities = partition(
        talk_vectors.shape[0] + n_terms,
        rows,
        cols,
        weights,
        n_talks=talk_vectors.shape[0],
        seed=config.seed,
        trials=config.trials,
        markov_time=config.markov_time,
        consensus_max_talks=config.consensus_max_talks,
    )
    return TalkTermNetwork(
        counts=counts, talk_vectors=talk_vectors, communities=communities, config=config
    )


def talks_needed(config: TopicConfig) -> int:
    """The fewest talks that can hold topics: two topics of ``min_topic_talks`` each."""
    return 2 * config.min_topic_talks


def partition_with_fallback(
    counts: sp.csr_matrix, x: sp.csr_matrix, talk_vectors: np.ndarray, config: TopicConfig
) -> TalkTermNetwork:
    """:func:`partition_network`; while fewer than 2 modules hold ``min_topic_talks`` talks,
    halve ``talk_neighbors`` (10 -> 5 -> 2) and partition again. A ~50-talk programme on a
    10-NN graph is too dense for Infomap to split (PyCon AU 2024: one topic, AMI 0; with the
    fallback 0.60). The returned network carries the neighbour count used."""
    while True:
        links = talk_term_links(x, talk_vectors, config)
        net = partition_network(counts, x.shape[1], talk_vectors, links, config)
        sizes = [talks_in(g, net.n) for g in found_modules(net)]
        if sum(s >= config.min_topic_talks for s in sizes) >= 2 or config.talk_neighbors <= 2:
            return net
        logger.info("one topic at %d neighbours: halving them", config.talk_neighbors)
        config = dataclasses.replace(config, talk_neighbors=max(2, config.talk_neighbors // 2))


def found_modules(net: TalkTermNetwork) -> list[np.ndarray]:
    """Top-level modules (node groups), those over ``max_topic_share`` opened up."""
    top = net.communities.modules(1)
    n_modules = int(top.max()) + 1 if top.size else 0
    return expand_giants([np.flatnonzero(top == k) for k in range(n_modules)], net)


def topic_groups(net: TalkTermNetwork) -> list[np.ndarray]:
    """Top-level modules, giants opened up, too-small ones dropped, moved towards
    ``config.target_topics`` when set. Fewer talks than two topics of ``min_topic_talks``
    need: no topics (a warning says why)."""
    config = net.config
    needed = talks_needed(config)
    if net.n < needed:
        logger.warning(
            "too few talks: %d, topics need at least %d; every talk is in 'other'", net.n, needed
        )
        return []
    groups = [g for g in found_modules(net) if talks_in(g, net.n) >= config.min_topic_talks]
    groups = [
        g for g in split_catch_alls(groups, net) if talks_in(g, net.n) >= config.min_topic_talks
    ]
    if config.target_topics is not None:
        return towards_target(groups, config.target_topics, net)
    return groups


def talk_node_links(
    talk_vectors: np.ndarray, x: sp.csr_matrix, config: TopicConfig
) -> sp.csr_matrix:
    """Talks x nodes: each talk's links to its nearest talks (and itself) and to its terms."""
    return sp.hstack(
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


def _silent(message: str) -> None:
    """The progress callback when none is given."""
