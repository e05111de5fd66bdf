"""Topic-model configuration: the ``[topics]`` TOML table (with ``graph``, ``nlp`` and
``embed``) in, frozen :class:`TopicConfig`, :class:`GraphConfig`, :class:`NLPConfig` and
:class:`EmbedConfig` out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "EmbedConfig",
    "EmbedderName",
    "EncoderRuntime",
    "GraphConfig",
    "NLPConfig",
    "TopicConfig",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class NLPConfig:
    """Language identification and candidate-term extraction."""

    extra_stop_words: tuple[str, ...] = ()
    """Added to the built-in per-language and conference-domain stop words (any language;
    compared case-folded with both the surface form and the lemma)."""
    extra_product_names: tuple[str, ...] = ()
    """Library / product names to keep intact with this exact casing (e.g. ``"FastHTML"``),
    added to the curated list in :mod:`talktopics.nlp`."""
    languages: tuple[str, ...] = (
        "en",
        "de",
        "ru",
        "fr",
        "es",
        "it",
        "pt",
        "nl",
        "pl",
        "uk",
        "cs",
        "sv",
        "tr",
        "ja",
        "zh",
        "eu",
    )
    """Language identification chooses among these ISO 639-1 codes only; the first of each
    script (en for Latin, ru for Cyrillic) is the default for short, unclear texts."""
    min_term_chars: int = 2
    max_phrase_words: int = 3
    """Longest multi-word keyphrase kept (2..max words)."""
    batch_size: int = 256
    """Sentences per ``nlp.pipe`` batch."""
    boilerplate_min_talks: int = 3
    """A sentence of three or more words repeated (digits aside) in this many talks with
    different titles is boilerplate (licence, room and date lines) and yields no terms;
    0 = keep everything."""
    merge_translations: bool = True
    """Merge each Russian, German or French word into its English equivalent ("модель" ->
    "model", "Daten" -> "data"): mutual nearest neighbours of one word class in the packaged
    multilingual encoder, cosine >= 0.87 (see :func:`talktopics.nlp.merge.merge_translations`;
    the 154 such merges on Russian PyCon.DE 2018 notes and the demo corpus checked by hand:
    151 right, 0.98)."""
    use_cache: bool = True
    """Cache the terms of each sentence on disk (``$TALKTOPICS_CACHE`` or
    ``~/.cache/talktopics``), so a re-run skips the spaCy analysis."""


EmbedderName = Literal["auto", "sentence-transformers", "use-multilingual"]
EncoderRuntime = Literal["openvino", "torch"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EmbedConfig:
    """Which embedding backend and model, and where the cache lives."""

    embedder: EmbedderName = "auto"
    model: str | None = None
    """sentence-transformers model name or path; None = the packaged all-MiniLM-L6-v2."""
    cache_dir: str | None = None
    """None = ``$TALKTOPICS_CACHE`` or ``~/.cache/talktopics``."""
    use_cache: bool = True
    """Keep vectors on disk so a re-run embeds nothing twice."""
    runtime: EncoderRuntime = "openvino"
    """What runs a sentence-transformers model: ``"openvino"`` (converted once per machine to an
    OpenVINO IR in the per-user model cache, ``$TALKTOPICS_MODEL_CACHE`` or
    ``~/.cache/talktopics/models``, run at OpenVINO's default precision: bf16 where the CPU
    has it, else f32; each text's vector independent of the other texts of a batch) or
    ``"torch"`` (sentence-transformers on PyTorch). Vectors of the two are cached apart; the
    multilingual backend ignores this option."""
    batch_size: int = 64
    """Texts per forward pass (sentence-transformers). 64 was the fastest per CPU second of
    16/32/64/128 in bench/bench_embed.py; a batch of 64 long texts needs ~0.2 GB."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphConfig:
    """Word-similarity graph: which terms become nodes and how edges are weighted.

    The same term selection feeds the talk-term network that Infomap partitions, so these
    thresholds decide the vocabulary of the whole topic model (see
    :mod:`talktopics.topics.vocabulary`).
    """

    min_df: int = 3
    """A term must occur in at least this many talks."""
    max_df_share: float = 0.5
    """...and in at most this share of the talks (corpora of ``max_df_min_talks`` or more)."""
    max_df_min_talks: int = 20
    """Below this many talks the ``max_df_share`` cut is not applied."""
    max_terms: int = 6000
    """Keep at most this many terms (the most frequent) — bounds time and memory."""
    knn: int = 10
    """Edges kept per term: its ``knn`` strongest (an edge survives if either end keeps it)."""
    min_similarity: float = 0.3
    """Embedding cosine below this never proposes a semantic neighbour."""
    second_order_k: int = 50
    """Neighbours in the similarity profile behind the second-order score."""
    min_cooccurrence: int = 2
    """Co-occurrence (NPMI) counts only for pairs seen together at least this often."""
    semantic_weight: float = 0.5
    """Blend weight of the embedding cosine."""
    npmi_weight: float = 0.3
    """Blend weight of the positive NPMI over sentences (or talks)."""
    second_order_weight: float = 0.2
    """Blend weight of the second-order (neighbourhood) similarity."""
    min_weight: float = 0.25
    """Edges whose blended weight is below this are dropped."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TopicConfig:
    """Infomap communities, fuzzy memberships, talk distributions and labels.

    Talks are grouped by Infomap on one network of talk and term nodes (see
    :mod:`talktopics.topics.fit`); the defaults were chosen on EuroPython 2022 and PyCon DE 2018
    (bench/RESULTS.md, "Topic engine").
    """

    seed: int = 42
    """Infomap's random seed: same talks + same seed = the same model, byte for byte."""
    trials: int = 10
    """Infomap trials; the partition with the shortest codelength wins."""
    consensus_max_talks: int = 0
    """Up to this many talks the partition is instead the consensus of single Infomap trials
    (:mod:`talktopics.topics.consensus`; 1,000 is affordable); 0 = never. Off by default:
    it raises seed stability (EuroPython 2023 0.63 -> 0.88, JuliaCon 2023 0.77 -> 0.92) but
    its AMI is below the default's on the tuned EuroPython 2022 (0.349 against 0.370) and,
    with ``target_topics``, on 8 of 11 bench sets (bench/RESULTS.md, "Consensus rules measured
    for issue 12")."""
    target_topics: int | None = None
    """``--topics K``: merge or split towards K topics; None = let Infomap decide."""
    target_refine_iterations: int = 20
    """With ``target_topics``: at most this many k-means (Lloyd) passes that move each talk to
    the nearest topic centre after merging/splitting; 0 = keep the merged groups as they are."""
    target_refine_term_weight: float = 2.0
    """Weight of a talk's (unit) tf-idf row beside its (unit) embedding in those passes
    (chosen on the tuned sets: BBC News AMI 0.839 at 0.5, 0.873 at 2, 0.871 at 4; EuroPython
    2022 0.345 / 0.339 / 0.339)."""
    target_refine_neighbor_weight: float = 0.5
    """In those passes a talk is described by this share of its neighbours' mean (its
    ``talk_neighbors`` nearest talks, cosine-weighted) and the rest its own: one smoothing
    step along the talk graph (tuned sets: EuroPython 2022 AMI 0.339 -> 0.354, BBC News
    0.873 -> 0.868; 0 = none)."""
    talk_neighbors: int = 10
    """Each talk links to this many nearest talks by embedding cosine."""
    talk_link_weight: float = 2.0
    """Multiplier of the talk-talk cosine links against the (L2-normalised) tf-idf links."""
    markov_time: float = 1.0
    """Infomap's Markov time: above 1 fewer, larger topics; below 1 more, smaller ones."""
    max_topic_share: float = 0.5
    """A module holding more of the talks than this is replaced by its sub-modules (Infomap's
    tree on large corpora can put nearly everything under one top module)."""
    min_topic_talks: int = 3
    """A module needs this many talks to be a topic (smaller ones feed "other")."""
    subtopic_min_talks: int = 12
    """Topics with at least this many talks are split into sub-topics where they can be."""
    secondary_threshold: float = 0.15
    """Further topics of a talk with at least this share are listed as secondary."""
    own_module_weight: float = 1.0
    """A talk's own Infomap module counts this much against all its links together (1 = half
    its distribution), so the partition decides the primary topic, the links the secondary."""
    other_min_share: float = 0.3
    """A talk whose links put less than this share into topics fits nowhere ("other")."""
    outlier_z: float = 3.0
    """A talk whose embedding is this many robust deviations (median absolute deviation)
    less similar to its topic's centroid than the topic's talks typically are fits nowhere
    either ("other"); 0 = no such test."""
    min_topic_share: float = 0.05
    """Smaller shares are dropped from a talk's distribution."""
    fuzzy_threshold: float = 0.2
    """A term belongs to every topic with at least this share of its flow (the strongest
    always counts); more than one = a fuzzy term."""
    max_term_topics: int = 3
    """At most this many topics per term."""
    membership_graph_weight: float = 0.15
    """How much a term's membership leans on its word-graph neighbours' (0 = not at all).
    Kept below ``fuzzy_threshold``: neighbours alone never make a term fuzzy, they tip it."""
    top_terms: int = 10
    """Terms listed per topic."""
    graph: GraphConfig = field(default_factory=GraphConfig)
    nlp: NLPConfig = field(default_factory=NLPConfig)
    embed: EmbedConfig = field(default_factory=EmbedConfig)
