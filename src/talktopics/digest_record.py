"""Stage results in (corpus, fitted topic model, summaries, timings), the Digest record the
renderers read out, its word network and its map of talks laid out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from talktopics.map_cache import cached_layout
from talktopics.outputs import digest_name
from talktopics.records import Corpus, Digest, RunInfo, Summary
from talktopics.render.network import build_word_network
from talktopics.version import __version__

if TYPE_CHECKING:
    from talktopics.topics import TopicModel

__all__ = ["MAX_NETWORK_TERMS", "assemble_digest"]

MAX_NETWORK_TERMS = 150
"""Terms shown in the HTML word network (the JSON lists every term's membership anyway)."""


def assemble_digest(
    corpus: Corpus,
    model: TopicModel,
    talk_summaries: Mapping[str, Summary],
    topic_summaries: Mapping[str, Summary],
    *,
    max_terms: int = MAX_NETWORK_TERMS,
    timings: Sequence[tuple[str, float]] = (),
    cache_dir: Path | None = None,
) -> Digest:
    """Assemble the renderers' input from the stages' results.

    Args:
        corpus: The ingested talks and issues.
        model: The fitted topic model.
        talk_summaries: ``{talk id: Summary}``.
        topic_summaries: ``{topic id: Summary}``.
        max_terms: Terms shown in the word network.
        timings: Seconds per stage (kept in ``RunInfo.timings``; not rendered by default).
        cache_dir: Where the map of talks is cached (:mod:`talktopics.map_cache`); None =
            always laid out.
    """
    info = model.info_
    backend, _, model_name = info.embedder.partition(":")
    network = build_word_network(
        model.memberships_,
        model.topics_,
        model.word_graph_,
        subtopics=model.subtopics_,
        max_nodes=max_terms,
        seed=info.seed,
    )
    state = model.state_
    mapped = set(state.talk_ids) & {t.id for t in corpus.talks}
    rows = [i for i, tid in enumerate(state.talk_ids) if tid in mapped]
    talk_map = cached_layout(
        state.talk_vectors[rows] if rows else state.talk_vectors[:0],
        [state.talk_ids[i] for i in rows],
        seed=info.seed,
        cache_dir=cache_dir,
    )
    cfg = model.config_
    parameters = (
        ("trials", str(cfg.trials)),
        ("target_topics", "auto" if cfg.target_topics is None else str(cfg.target_topics)),
        ("secondary_threshold", str(cfg.secondary_threshold)),
        ("embedding_dim", str(info.dim)),
        ("vocabulary_terms", str(info.n_terms)),
        ("codelength_bits", f"{info.codelength:.4f}"),
        ("network_terms", str(len(network.nodes))),
    )
    return Digest(
        name=digest_name(corpus),
        talks=corpus.talks,
        topics=model.topics_,
        subtopics=model.subtopics_,
        memberships=model.memberships_,
        talk_topics=model.talk_topics_,
        talk_summaries=tuple(talk_summaries[t.id] for t in corpus.talks if t.id in talk_summaries),
        topic_summaries=tuple(
            topic_summaries[t.id]
            for t in (*model.topics_, *model.subtopics_)
            if t.id in topic_summaries
        ),
        word_nodes=network.nodes,
        word_edges=network.edges,
        topic_positions=network.topic_positions,
        talk_positions=talk_map,
        other_share=model.other_share_,
        issues=corpus.issues,
        run=RunInfo(
            version=__version__,
            seed=info.seed,
            embedder=backend if model_name else "",
            model=model_name or backend,
            parameters=parameters,
            timings=tuple((name, round(seconds, 4)) for name, seconds in timings),
        ),
    )
