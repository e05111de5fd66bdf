"""Frozen configuration dataclasses for every stage, loadable from TOML and CLI flags.

Each stage reads only its own section. ``RunConfig`` bundles them; ``load_config`` reads a
TOML file whose tables are named like the fields of ``RunConfig`` (``[topics]``, ``[graph]``...).
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from talktopics.errors import ConfigError

__all__ = [
    "CompareConfig",
    "EmbedConfig",
    "GraphConfig",
    "IngestLimits",
    "NLPConfig",
    "RunConfig",
    "SummaryConfig",
    "TopicConfig",
    "load_config",
]


# --- ingest ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class IngestLimits:
    """Limits that protect the machine from hostile or accidental huge input.

    Set them in the ``[ingest]`` table of the ``--config`` TOML file.
    """

    max_file_bytes: int = 200 * 1024 * 1024
    """Files larger than this are refused (with an error naming the file)."""
    max_text_chars: int = 50_000
    """Longer talk texts are truncated, with a warning."""
    max_talks: int = 100_000
    """At most this many talks per run; the rest are reported as skipped."""

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_text_chars", "max_talks"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(
                    f"ingest.{name} = {value!r} is invalid; must be a whole number >= 1"
                )


# --- nlp ------------------------------------------------------------------------------------
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
    use_cache: bool = True
    """Cache the terms of each sentence on disk (``$TALKTOPICS_CACHE`` or
    ``~/.cache/talktopics``), so a re-run skips the spaCy analysis."""


# --- embeddings -----------------------------------------------------------------------------
EmbedderName = Literal["auto", "sentence-transformers", "use-multilingual"]


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
    batch_size: int = 64
    """Texts per forward pass (sentence-transformers). 64 was the fastest per CPU second of
    16/32/64/128 in bench/bench_embed.py; a batch of 64 long texts needs ~0.2 GB."""


# --- word graph -----------------------------------------------------------------------------
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


# --- topics ---------------------------------------------------------------------------------
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


# --- summaries ------------------------------------------------------------------------------
SummarySourceName = Literal["notes", "description", "abstract"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryConfig:
    """Extractive summaries of talks and topics (see :mod:`talktopics.summarize`)."""

    talk_sentences: int = 2
    """Sentences per talk summary (1-3 reads well; any positive number is allowed)."""
    topic_sentences: int = 2
    """Sentences in a topic's blurb, at most one per talk."""
    mmr_lambda: float = 0.7
    """Maximal marginal relevance: 1 = centrality only, lower = less redundancy."""
    max_similarity: float = 0.9
    """Never pick a sentence this similar (cosine) to one already picked: a near-duplicate
    (MMR alone keeps one when both are far more central than the rest); above 1 = off."""
    lexical_weight: float = 0.5
    """Share of word overlap (TextRank similarity) in the sentence graph; the rest is the
    embeddings' cosine. 0 = embeddings only (see bench/RESULTS.md)."""
    position_prior: float = 0.5
    """Strength of the lead bias: sentence ``i`` (0-based) gets prior weight ``(i+1)**-p``
    in the ranking's random jumps; 0 = plain LexRank. 0.5 was best on talk descriptions;
    news (BBC) scores best without it (see bench/RESULTS.md)."""
    damping: float = 0.85
    """PageRank damping: how much centrality counts against the position prior."""
    sources: tuple[SummarySourceName, ...] = ("notes", "description", "abstract")
    """Talk fields to summarise, in order of preference; the first with usable text wins."""
    min_words: int = 3
    """Shorter sentences ("Agenda", "Пример") are not ranked."""
    max_words: int = 60
    """Longer sentences are ranked only when nothing shorter is left."""
    max_candidates: int = 200
    """Only the first this-many sentences of a text are ranked (bounds time and memory)."""

    def __post_init__(self) -> None:
        for name in ("talk_sentences", "topic_sentences", "min_words", "max_candidates"):
            if getattr(self, name) < 1:
                raise ConfigError(
                    f"summary.{name} = {getattr(self, name)} is invalid; must be >= 1"
                )
        if self.max_words < self.min_words:
            raise ConfigError(
                f"summary.max_words = {self.max_words} is invalid; must be >= min_words "
                f"({self.min_words})"
            )
        if not 0.0 <= self.mmr_lambda <= 1.0:
            raise ConfigError(
                f"summary.mmr_lambda = {self.mmr_lambda} is invalid; must be in [0, 1]"
            )
        if self.max_similarity <= 0:
            raise ConfigError(
                f"summary.max_similarity = {self.max_similarity} is invalid; must be > 0"
            )
        if not 0.0 <= self.damping < 1.0:
            raise ConfigError(f"summary.damping = {self.damping} is invalid; must be in [0, 1)")
        if not 0.0 <= self.lexical_weight <= 1.0:
            raise ConfigError(
                f"summary.lexical_weight = {self.lexical_weight} is invalid; must be in [0, 1]"
            )
        if self.position_prior < 0:
            raise ConfigError(
                f"summary.position_prior = {self.position_prior} is invalid; must be >= 0"
            )
        allowed = ("notes", "description", "abstract")
        bad = [s for s in self.sources if s not in allowed]
        if bad or not self.sources:
            raise ConfigError(
                f"summary.sources = {list(self.sources)} is invalid; use a non-empty list of "
                f"{', '.join(allowed)}"
            )


# --- compare --------------------------------------------------------------------------------
CompareStrategy = Literal["joint", "align"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareConfig:
    """Cross-edition comparison of topics (see :mod:`talktopics.compare` for the strategies
    and :mod:`talktopics.compare_rules` for the classification rules).

    The similarity thresholds of the align strategy were chosen on EuroPython 2021-2024 and
    the demo corpus (bench/RESULTS.md, "Compare across years").
    """

    strategy: CompareStrategy = "joint"
    """``"joint"``: one topic model over all editions, shares per edition; ``"align"``: one
    model per edition, topics matched across consecutive editions (splits and merges)."""
    alpha: float = 0.05
    """Significance level of the new / gone / emerging / fading tests."""
    fdr: bool = True
    """Adjust the trend p-values of all topics for multiple testing (Benjamini-Hochberg)."""
    min_ratio: float = 1.5
    """Emerging: the late share is at least this many times the early share (fading: the
    early share this many times the late one)."""
    min_share_change: float = 0.01
    """...and the two shares differ by at least this much (0.01 = one percentage point)."""
    present_min_talks: int = 2
    """A topic is present in an edition with at least this many talks (new / gone rules)."""
    permutations: int = 20_000
    """Draws of the permutation trend test (three editions or more)."""
    link_min_similarity: float = 0.3
    """Align: topics of consecutive editions are linked at this similarity or more."""
    split_ratio: float = 0.75
    """Align: a second link of a topic (split / merge) must reach this share of its best."""
    term_weight: float = 0.5
    """Align: weight of the term-profile cosine against the embedding-centroid cosine."""
    min_edition_talks: int = 5
    """An edition with fewer talks that have text (abstract, description or notes) is
    reported and skipped."""
    max_editions: int = 20
    """Refuse to compare more editions than this."""
    representative_talks: int = 3
    """Talks listed per topic and edition."""
    top_terms: int = 8
    """Terms listed per topic and edition."""
    changed_terms: int = 5
    """Terms gained and lost listed per topic."""

    def __post_init__(self) -> None:
        checks: list[tuple[str, bool, str]] = [
            ("strategy", self.strategy in ("joint", "align"), "joint or align"),
            ("alpha", 0 < self.alpha < 1, "in (0, 1)"),
            ("min_ratio", self.min_ratio >= 1, ">= 1"),
            ("min_share_change", 0 <= self.min_share_change < 1, "in [0, 1)"),
            ("present_min_talks", self.present_min_talks >= 1, ">= 1"),
            ("permutations", self.permutations >= 100, ">= 100"),
            ("link_min_similarity", -1 <= self.link_min_similarity <= 1, "in [-1, 1]"),
            ("split_ratio", 0 < self.split_ratio <= 1, "in (0, 1]"),
            ("term_weight", 0 <= self.term_weight <= 1, "in [0, 1]"),
            ("min_edition_talks", self.min_edition_talks >= 1, ">= 1"),
            ("max_editions", self.max_editions >= 2, ">= 2"),
            ("representative_talks", self.representative_talks >= 1, ">= 1"),
            ("top_terms", self.top_terms >= 1, ">= 1"),
            ("changed_terms", self.changed_terms >= 0, ">= 0"),
        ]
        for name, ok, rule in checks:
            if not ok:
                raise ConfigError(
                    f"compare.{name} = {getattr(self, name)!r} is invalid; must be {rule}"
                )


@dataclass(frozen=True, slots=True, kw_only=True)
class RunConfig:
    """Everything one run needs."""

    ingest: IngestLimits = field(default_factory=IngestLimits)
    topics: TopicConfig = field(default_factory=TopicConfig)
    summary: SummaryConfig = field(default_factory=SummaryConfig)
    compare: CompareConfig = field(default_factory=CompareConfig)


def _build(cls: type[Any], table: dict[str, Any], where: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{where}: unknown option {key!r}; known options: {known}")
        default = getattr(cls(), key)
        if dataclasses.is_dataclass(default) and isinstance(value, dict):
            kwargs[key] = _build(type(default), value, f"{where}.{key}")
        elif isinstance(default, tuple) and isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


def load_config(path: str | Path | None = None) -> RunConfig:
    """Read a TOML configuration file; ``None`` gives the defaults.

    Raises:
        ConfigError: the file cannot be read or names an unknown option.
    """
    if path is None:
        return RunConfig()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return _build(RunConfig, data, str(path))  # type: ignore[no-any-return]
