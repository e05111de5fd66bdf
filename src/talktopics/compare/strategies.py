"""A strategy name and options in, a strategy out: the one interface of the comparison strategies
and their registry by name.

A strategy turns the editions to compare (with one shared vocabulary and one embedder) into a
:class:`~talktopics.compare.records.Fitted`: every talk's primary series and its weights over
all series, where a series is a topic followed across the editions. Two strategies ship:

* ``joint`` (:class:`~talktopics.compare.joint.JointStrategy`): one topic model over all
  editions; every topic is a series.
* ``align`` (:class:`~talktopics.compare.align.AlignStrategy`): one topic model per edition;
  topics of consecutive editions matched into series, with splits and merges.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from talktopics.compare.align import AlignStrategy
from talktopics.compare.editions import Edition
from talktopics.compare.joint import JointStrategy
from talktopics.compare.records import Fitted
from talktopics.config import CompareConfig, TopicConfig
from talktopics.errors import ConfigError
from talktopics.records import TermTable

if TYPE_CHECKING:
    from talktopics.embed import Embedder

__all__ = ["STRATEGIES", "Strategy", "StrategyFactory", "make_strategy"]

logger = logging.getLogger(__name__)


class Strategy(Protocol):
    """How the topics of several editions are found and followed across them.

    ``__init__`` only stores the options; :meth:`fit` does the work.
    """

    def fit(
        self,
        editions: Sequence[Edition],
        *,
        terms: TermTable,
        embedder: Embedder,
        progress: Callable[[str], None],
    ) -> Fitted:
        """The series of the editions' talks.

        Args:
            editions: The editions to compare, in time order, each with usable talks.
            terms: Candidate terms of the talks of all editions, rows in edition order.
            embedder: The embedding backend of every topic model.
            progress: Called with a short message as each step starts.

        Returns:
            Per talk (in edition order) its primary series and series weights; per series
            its label, topic ids per edition, structure and links.
        """
        ...


StrategyFactory = Callable[[CompareConfig, TopicConfig], Strategy]
"""Builds a strategy from the comparison's and the topic models' options."""

STRATEGIES: dict[str, StrategyFactory] = {
    "joint": JointStrategy,
    "align": AlignStrategy,
}
"""Strategy name (``CompareConfig.strategy``) -> its factory."""


def make_strategy(config: CompareConfig, topic_config: TopicConfig) -> Strategy:
    """The strategy named by ``config.strategy``, with its options.

    Raises:
        ConfigError: No strategy has that name.
    """
    factory = STRATEGIES.get(config.strategy)
    if factory is None:
        raise ConfigError(
            f"compare.strategy = {config.strategy!r} is invalid; must be one of "
            + ", ".join(STRATEGIES)
        )
    return factory(config, topic_config)
