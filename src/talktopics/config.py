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
    """Limits that protect the machine from hostile or accidental huge input."""

    max_file_bytes: int = 200 * 1024 * 1024
    """Files larger than this are refused (with an error naming the file)."""
    max_text_chars: int = 50_000
    """Longer talk texts are truncated, with a warning."""
    max_talks: int = 100_000
    """At most this many talks per run; the rest are reported as skipped."""


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
    )
    """Language identification chooses among these ISO 639-1 codes only."""
    min_term_chars: int = 2
    max_phrase_words: int = 3
    """Longest multi-word keyphrase kept (2..max words)."""
    batch_size: int = 256
    """Sentences per ``nlp.pipe`` batch."""
    boilerplate_min_talks: int = 3
    """A sentence of four or more words repeated (digits aside) in this many talks with
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
    batch_size: int = 32
    """Texts per forward pass (sentence-transformers; measured in bench/bench_embed.py)."""


# --- word graph -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class GraphConfig:
    """Word-similarity graph: which terms become nodes and how edges are weighted."""

    min_df: int = 2
    knn: int = 10


# --- topics ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class TopicConfig:
    """Infomap communities, fuzzy memberships, talk distributions and labels."""

    seed: int = 42
    trials: int = 10
    target_topics: int | None = None
    """``--topics K``: merge or split towards K topics; None = let Infomap decide."""
    secondary_threshold: float = 0.15
    graph: GraphConfig = field(default_factory=GraphConfig)
    nlp: NLPConfig = field(default_factory=NLPConfig)
    embed: EmbedConfig = field(default_factory=EmbedConfig)


# --- summaries ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryConfig:
    """Extractive summaries of talks and topics."""

    talk_sentences: int = 2
    topic_sentences: int = 2
    mmr_lambda: float = 0.7


# --- compare --------------------------------------------------------------------------------
CompareStrategy = Literal["joint", "align"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareConfig:
    """Cross-edition comparison of topics."""

    strategy: CompareStrategy = "joint"


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
