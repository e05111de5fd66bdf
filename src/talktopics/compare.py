"""Editions of a conference in, their topics compared out: shares per edition, a class per
topic (new, emerging, split, stable, merged, fading, gone) with its evidence, and the flows
between editions.

Two strategies (``CompareConfig.strategy``):

* **joint** (default) — one topic model (:class:`talktopics.topics.TopicModel`) over the talks
  of all editions together. Every topic is shared by all editions by construction, so its share
  of each edition's talks is directly comparable, and a topic that shifts shows it in the
  terms it gains and loses. This is the simplest robust choice: one Infomap partition, no
  matching step that could fail on small editions (30-60 talks give coarse per-edition
  models). Splits and merges are not visible in a joint model; each topic is new, gone,
  emerging, fading or stable.
* **align** — one topic model per edition, and the topics of consecutive editions matched
  (:mod:`talktopics.compare_align`) by the cosine of their term profiles and of their
  embedding centroids. Matches are many-to-many, so a topic can split or merge; chains of
  one-to-one matches make the topics followed across editions.

Both share one vocabulary (candidate terms extracted once from all talks), one embedder and
one seed; same input + same seed = the same comparison. The classification rules are in
:mod:`talktopics.compare_rules`.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from talktopics.compare_assemble import assemble
from talktopics.compare_editions import Edition, strip_boilerplate
from talktopics.compare_records import (
    Comparison,
    EditionInfo,
    EditionShare,
    Fitted,
    Flow,
    NotEnoughEditionsError,
    SkippedEdition,
    TalkPlacement,
    TopicSeries,
)
from talktopics.compare_rules import Structure
from talktopics.config import CompareConfig, TopicConfig
from talktopics.records import IngestIssue, SourceRef, Talk, TermTable

if TYPE_CHECKING:
    from talktopics.embed import Embedder

__all__ = [
    "Comparison",
    "EditionInfo",
    "EditionShare",
    "Flow",
    "NotEnoughEditionsError",
    "SkippedEdition",
    "TalkPlacement",
    "TopicSeries",
    "compare_topics",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


# --- the comparison -------------------------------------------------------------------------


def compare_topics(
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
        editions: In time order (see :func:`talktopics.compare_editions.load_editions`).
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
    from talktopics.errors import ConfigError

    config = config or CompareConfig()
    topic_config = topic_config or TopicConfig()
    say = progress or (lambda message: None)
    if len(editions) > config.max_editions:
        raise ConfigError(
            f"{len(editions)} editions given; at most {config.max_editions} can be compared "
            "(compare.max_editions)"
        )
    clock = _Clock()
    usable, skipped, issues = _usable([strip_boilerplate(e) for e in editions], config)
    if len(usable) < 2:
        raise NotEnoughEditionsError(len(usable), skipped)
    talks = tuple(t for e in usable for t in e.talks)
    edition_of = np.repeat(np.arange(len(usable)), [len(e.talks) for e in usable])

    if embedder is None:
        from talktopics import embed, nlp

        say("choosing the embedder")
        langs = [nlp.talk_language(t, languages=topic_config.nlp.languages) for t in talks]
        embedder = embed.select_embedder(topic_config.embed, langs)
    if terms is None:
        from talktopics import nlp

        say(f"extracting terms from {len(talks)} talks")
        terms = nlp.extract_terms(talks, topic_config.nlp)
    from talktopics.topics.vocabulary import align_terms

    terms = align_terms(terms, talks)
    clock.lap("terms")
    if config.strategy == "joint":
        fitted = _fit_joint(talks, edition_of, len(usable), topic_config, embedder, terms, say)
    else:
        from talktopics.compare_align import fit_align

        fitted = fit_align(usable, config, topic_config, embedder, terms, say)
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
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._start, 4)
        self._start = now


def _usable(
    editions: Sequence[Edition], config: CompareConfig
) -> tuple[list[Edition], list[SkippedEdition], list[IngestIssue]]:
    """Editions with enough text; a talk read for two editions counts for the first only."""
    usable: list[Edition] = []
    skipped: list[SkippedEdition] = []
    issues: list[IngestIssue] = []
    seen: dict[str, str] = {}
    for edition in editions:
        issues.extend(edition.issues)
        talks: list[Talk] = []
        for talk in edition.talks:
            if talk.id in seen:
                issues.append(
                    IngestIssue(
                        level="warning",
                        source=SourceRef(path=talk.source.path, record=talk.source.record),
                        message=f"talk {talk.title!r} is in editions {seen[talk.id]} and "
                        f"{edition.label}; counted in {seen[talk.id]} only",
                    )
                )
                continue
            seen[talk.id] = edition.label
            talks.append(talk)
        with_text = sum(1 for t in talks if t.has_text)
        if with_text < config.min_edition_talks:
            errors = [i for i in edition.issues if i.level == "error"]
            why = (
                f"{with_text} talks with text (at least {config.min_edition_talks} needed)"
                if talks
                else "no talks could be read"
            )
            if errors:
                why += f"; first problem: {errors[0]}"
            logger.warning("edition %s skipped: %s", edition.label, why)
            skipped.append(SkippedEdition(label=edition.label, paths=edition.paths, reason=why))
            continue
        usable.append(dataclasses.replace(edition, talks=tuple(talks)))
    return usable, skipped, issues


def _fit_joint(
    talks: tuple[Talk, ...],
    edition_of: np.ndarray,
    n_editions: int,
    topic_config: TopicConfig,
    embedder: Embedder,
    terms: TermTable,
    say: Progress,
) -> Fitted:
    """One topic model over all editions: series = its topics."""
    from talktopics.topics import TopicModel

    say(f"fitting one topic model over {len(talks)} talks")
    model = TopicModel(topic_config, embedder=embedder).fit(talks, terms, progress=say)
    index = {t.id: k for k, t in enumerate(model.topics_)}
    n, k = len(talks), len(model.topics_)
    primary = np.full(n, -1, dtype=np.int64)
    weights = np.zeros((n, k))
    for i, tt in enumerate(model.talk_topics_):
        primary[i] = index.get(tt.primary, -1)
        for topic_id, w in tt.distribution:
            if topic_id in index:
                weights[i, index[topic_id]] = w
    present = [
        [
            topic.id if np.any((primary == s) & (edition_of == e)) else None
            for e in range(n_editions)
        ]
        for s, topic in enumerate(model.topics_)
    ]
    return Fitted(
        labels=[t.label for t in model.topics_],
        primary=primary,
        weights=weights,
        topic_ids=present,
        terms=[t.terms for t in model.topics_],
        links=[],
        structure=[Structure() for _ in model.topics_],
        relations=[(None, None) for _ in model.topics_],
        embedder=model.info_.embedder,
        parameters=(
            ("topics", str(k)),
            ("codelength_bits", f"{model.info_.codelength:.4f}"),
            ("vocabulary_terms", str(model.info_.n_terms)),
        ),
    )
