"""Checks before a fit: options and talks in, nothing out, or a :class:`ConfigError` that names
the bad option (or the talk id used twice) and the rule it breaks."""

from __future__ import annotations

from collections.abc import Sequence

from talktopics.config import GraphConfig, TopicConfig
from talktopics.errors import ConfigError
from talktopics.records import Talk

__all__ = ["check_graph_config", "check_topic_config", "check_unique_ids"]


def check_unique_ids(talks: Sequence[Talk]) -> None:
    """Refuse two talks with the same id (the message names both sources)."""
    seen: dict[str, Talk] = {}
    for talk in talks:
        if talk.id in seen:
            raise ConfigError(
                f"talk id {talk.id!r} is used twice ({seen[talk.id].source} and {talk.source}); "
                "talk ids must be unique"
            )
        seen[talk.id] = talk


def check_topic_config(config: TopicConfig) -> None:
    """Refuse a topic option outside its range (``topics.<name> = <value> is invalid``)."""
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


def check_graph_config(config: GraphConfig) -> None:
    """Refuse a word-graph option outside its range (``graph.<name> = <value> is invalid``)."""
    if config.min_df < 1:
        raise ConfigError(f"graph.min_df = {config.min_df} is invalid; must be >= 1")
    if not 0.0 < config.max_df_share <= 1.0:
        raise ConfigError(
            f"graph.max_df_share = {config.max_df_share} is invalid; must be in (0, 1]"
        )
    if config.knn < 1:
        raise ConfigError(f"graph.knn = {config.knn} is invalid; must be >= 1")
    if config.max_terms < 1:
        raise ConfigError(f"graph.max_terms = {config.max_terms} is invalid; must be >= 1")
