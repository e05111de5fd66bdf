"""Parsed command-line arguments in, what the commands run on out: the run configuration
(``--config`` file + flags) and the input corpus."""

from __future__ import annotations

import argparse
import dataclasses

from talktopics.config import RunConfig, load_config
from talktopics.errors import ConfigError
from talktopics.ingest import parse_column_map, read_talks
from talktopics.records import Corpus

__all__ = ["load_input", "run_config"]


def run_config(args: argparse.Namespace) -> RunConfig:
    """The run configuration: ``--config`` file, then the command-line overrides.

    Raises:
        ConfigError: A bad configuration file or option value.
    """
    config = load_config(args.config)
    topics = config.topics
    embed = topics.embed
    if args.model is not None:
        embed = dataclasses.replace(embed, model=args.model)
    if args.embedder is not None:
        embed = dataclasses.replace(embed, embedder=args.embedder)
    if getattr(args, "encoder_runtime", None) is not None:
        embed = dataclasses.replace(embed, runtime=args.encoder_runtime)
    topics = dataclasses.replace(topics, embed=embed)
    if args.seed is not None:
        topics = dataclasses.replace(topics, seed=args.seed)
    if args.topics is not None:
        if args.topics < 1:
            raise ConfigError(f"--topics {args.topics} is invalid; must be >= 1")
        topics = dataclasses.replace(topics, target_topics=args.topics)
    config = dataclasses.replace(config, topics=topics)
    scheduler, workers = getattr(args, "scheduler", None), getattr(args, "workers", None)
    if scheduler is not None or workers is not None:
        parallel = dataclasses.replace(config.parallel, scheduler=scheduler, workers=workers)
        config = dataclasses.replace(config, parallel=parallel)
    strategy = getattr(args, "strategy", None)
    if strategy is not None:
        config = dataclasses.replace(
            config, compare=dataclasses.replace(config.compare, strategy=strategy)
        )
    return config


def load_input(args: argparse.Namespace) -> Corpus:
    """Read the PATHs of an input-taking command (``ingest``, ``topics``) into a corpus.

    Raises:
        ConfigError: bad ``--input-format``, ``--map`` or configuration file.
    """
    limits = load_config(getattr(args, "config", None)).ingest
    schedule = getattr(args, "schedule", None)
    if isinstance(schedule, str):
        schedule = [schedule]
    return read_talks(
        args.paths,
        format=args.input_format,
        column_map=parse_column_map(args.column_map),
        schedule=schedule or (),
        conference=args.conference,
        year=args.year,
        limits=limits,
    )
