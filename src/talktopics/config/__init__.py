"""Frozen configuration dataclasses for every stage, loadable from TOML and CLI flags.

Each stage reads only its own section (``ingest``, ``topics``, ``summary``, ``compare``: one
module each); ``RunConfig`` bundles them and ``load_config`` reads a TOML file whose tables are
named like the fields of ``RunConfig`` (``[topics]``, ``[topics.graph]``...). Import every name
from here: ``from talktopics.config import RunConfig, TopicConfig``.
"""

from __future__ import annotations

from talktopics.config.compare import CompareConfig, CompareStrategy
from talktopics.config.ingest import IngestLimits
from talktopics.config.parallel import ParallelConfig
from talktopics.config.run import RunConfig, load_config
from talktopics.config.summary import SummaryConfig, SummarySourceName
from talktopics.config.topics import (
    EmbedConfig,
    EmbedderName,
    EncoderRuntime,
    GraphConfig,
    NLPConfig,
    TopicConfig,
)
from talktopics.errors import ConfigError

__all__ = [
    "CompareConfig",
    "CompareStrategy",
    "ConfigError",
    "EmbedConfig",
    "EmbedderName",
    "EncoderRuntime",
    "GraphConfig",
    "IngestLimits",
    "NLPConfig",
    "ParallelConfig",
    "RunConfig",
    "SummaryConfig",
    "SummarySourceName",
    "TopicConfig",
    "load_config",
]
