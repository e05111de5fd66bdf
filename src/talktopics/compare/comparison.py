"""Editions of a conference in, their topics compared out: shares per edition, a class per
topic (new, emerging, split, stable, merged, fading, gone) with its evidence, and the flows
between editions.

:func:`compare_editions` checks the editions (:mod:`talktopics.compare.editions`), extracts
one vocabulary from all talks, runs the strategy named by ``CompareConfig.strategy``
(:mod:`talktopics.compare.strategies`: ``joint`` or ``align``) and assembles the comparison
(:mod:`talktopics.compare.assemble`, classification rules in :mod:`talktopics.compare.rules`).
Both strategies share one vocabulary (candidate terms extracted once from all talks), one
embedder and one seed; same input + same seed = the same comparison.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from talktopics import embed, nlp
from talktopics.compare.assemble import assemble
from talktopics.compare.editions import Edition, strip_boilerplate, usable_editions
from talktopics.compare.records import Comparison, NotEnoughEditionsError
from talktopics.compare.strategies import make_strategy
from talktopics.config import CompareConfig, TopicConfig
from talktopics.errors import ConfigError
from talktopics.records import TermTable
from talktopics.topics.vocabulary import align_terms

if TYPE_CHECKING:
    from talktopics.embed import Embedder

__all__ = ["compare_editions"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def compare_editions(
    editions: Sequence[Edition],
    config: CompareConfig | None = None,
    *,
    topic_config: TopicConfig | None = None,
    embedder: Embedder | None = None,
    terms: TermTable | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Compare the topics of two to ``config.max_editions`` editions.

    Args:
        editions: In time order (see :func:`talktopics.compare.editions.load_editions`).
        config: Strategy and classification thresholds.
        topic_config: Options of the topic models (seed included).
        embedder: Embedding backend; None = chosen from the talks' languages.
        terms: Candidate terms of the talks of all editions (any row order; rows of other
            talks are ignored); None = :func:`talktopics.nlp.extract_terms`.
        progress: Called with a short message as each step starts.

    Returns:
        The comparison; editions without enough text are in ``skipped``.

    Raises:
        ConfigError: Too many editions, or an invalid option.
        NotEnoughEditionsError: Fewer than two editions have usable talks.
    """
    config = config or CompareConfig()
    topic_config = topic_config or TopicConfig()
    say = progress or (lambda message: None)
    if len(editions) > config.max_editions:
        raise ConfigError(
            f"{len(editions)} editions given; at most {config.max_editions} can be compared "
            "(compare.max_editions)"
        )
    clock = _Clock()
    usable, skipped, issues = usable_editions([strip_boilerplate(e) for e in editions], config)
    if len(usable) < 2:
        raise NotEnoughEditionsError(len(usable), skipped)
    talks = tuple(t for e in usable for t in e.talks)
    edition_of = np.repeat(np.arange(len(usable)), [len(e.talks) for e in usable])

    if embedder is None:
        say("choosing the embedder")
        langs = [nlp.talk_language(t, languages=topic_config.nlp.languages) for t in talks]
        embedder = embed.select_embedder(topic_config.embed, langs)
    if terms is None:
        say(f"extracting terms from {len(talks)} talks")
        terms = nlp.extract_terms(talks, topic_config.nlp)
    terms = align_terms(terms, talks)
    clock.lap("terms")
    strategy = make_strategy(config, topic_config)
    fitted = strategy.fit(usable, terms=terms, embedder=embedder, progress=say)
    clock.lap("topics")
    say("classifying topics")
    comparison = assemble(usable, talks, edition_of, fitted, terms, config, topic_config)
    clock.lap("classify")
    return _replace(
        comparison,
        skipped=tuple(skipped),
        issues=tuple(issues),
        timings=tuple(clock.timings.items()),
    )


def _replace(comparison: Comparison, **changes: object) -> Comparison:
    return dataclasses.replace(comparison, **changes)  # type: ignore[arg-type]


class _Clock:
    """Seconds per step, each lap measured from the previous one."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._start, 4)
        self._start = now
