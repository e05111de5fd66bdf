"""Editions of a conference in, their topics compared out: shares per edition, a class per
topic (new, emerging, split, stable, merged, fading, gone) with its evidence, and the flows
between editions.

Two strategies (``CompareConfig.strategy``):

* **joint** (default) — one topic model (:func:`talktopics.topics.fit_topics`) over the talks
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
import scipy.sparse as sp

from talktopics import __version__
from talktopics.compare_editions import Edition, strip_boilerplate
from talktopics.compare_records import (
    Comparison,
    EditionInfo,
    EditionShare,
    Fitted,
    Flow,
    FlowKind,
    NotEnoughEditionsError,
    SkippedEdition,
    TalkPlacement,
    TopicSeries,
)
from talktopics.compare_rules import (
    ShareTest,
    Structure,
    benjamini_hochberg,
    classify,
    share_test,
)
from talktopics.config import CompareConfig, TopicConfig
from talktopics.records import OTHER_TOPIC, IngestIssue, RunInfo, SourceRef, Talk, TermTable

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
    from talktopics.topicmodel import align_terms

    terms = align_terms(terms, talks)
    clock.lap("terms")
    if config.strategy == "joint":
        fitted = _fit_joint(talks, edition_of, len(usable), topic_config, embedder, terms, say)
    else:
        from talktopics.compare_align import fit_align

        fitted = fit_align(usable, config, topic_config, embedder, terms, say)
    clock.lap("topics")
    say("classifying topics")
    comparison = _assemble(usable, talks, edition_of, fitted, terms, config, topic_config)
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
    from talktopics.topics import fit_topics

    say(f"fitting one topic model over {len(talks)} talks")
    model = fit_topics(talks, topic_config, embedder=embedder, terms=terms, progress=say)
    index = {t.id: k for k, t in enumerate(model.topics)}
    n, k = len(talks), len(model.topics)
    primary = np.full(n, -1, dtype=np.int64)
    weights = np.zeros((n, k))
    for i, tt in enumerate(model.talk_topics):
        primary[i] = index.get(tt.primary, -1)
        for topic_id, w in tt.distribution:
            if topic_id in index:
                weights[i, index[topic_id]] = w
    present = [
        [
            topic.id if np.any((primary == s) & (edition_of == e)) else None
            for e in range(n_editions)
        ]
        for s, topic in enumerate(model.topics)
    ]
    return Fitted(
        labels=[t.label for t in model.topics],
        primary=primary,
        weights=weights,
        topic_ids=present,
        terms=[t.terms for t in model.topics],
        links=[],
        structure=[Structure() for _ in model.topics],
        relations=[(None, None) for _ in model.topics],
        embedder=model.info.embedder,
        parameters=(
            ("topics", str(k)),
            ("codelength_bits", f"{model.info.codelength:.4f}"),
            ("vocabulary_terms", str(model.info.n_terms)),
        ),
    )


# --- from series to the comparison ----------------------------------------------------------


def _assemble(
    editions: list[Edition],
    talks: tuple[Talk, ...],
    edition_of: np.ndarray,
    fitted: Fitted,
    terms: TermTable,
    config: CompareConfig,
    topic_config: TopicConfig,
) -> Comparison:
    from talktopics.compare_terms import changed_terms, edition_terms, series_terms

    n_ed, n_series = len(editions), len(fitted.labels)
    sizes = np.bincount(edition_of, minlength=n_ed)
    counts = np.zeros((n_series, n_ed), dtype=np.int64)
    for s in range(n_series):
        counts[s] = np.bincount(edition_of[fitted.primary == s], minlength=n_ed)
    # Series order: most talks first, then the earlier start, then the label.
    order = sorted(
        range(n_series),
        key=lambda s: (-int(counts[s].sum()), int(np.argmax(counts[s] > 0)), fitted.labels[s]),
    )
    order = [s for s in order if counts[s].sum() > 0]
    ids = {s: f"s{rank + 1}" for rank, s in enumerate(order)}
    labels = [e.label for e in editions]
    years = [e.year for e in editions if e.year is not None]
    scores = [float(y) for y in years] if len(years) == n_ed else [float(k) for k in range(n_ed)]
    seed = topic_config.seed
    tests = [
        share_test(counts[s], sizes, scores, config, seed=seed * 1009 + rank)
        for rank, s in enumerate(order)
    ]
    if config.fdr:
        qs = benjamini_hochberg([t.p_value for t in tests])
        tests = [_with_q(t, q) for t, q in zip(tests, qs, strict=True)]

    tf, display = _tf(terms, topic_config)
    per_edition = edition_terms(
        tf, fitted.weights, fitted.primary, edition_of, n_ed, display, top_n=config.top_terms
    )
    overall = fitted.terms or series_terms(tf, fitted.weights, display, top_n=config.top_terms)
    weight_sums = np.zeros((n_series, n_ed))
    for e in range(n_ed):
        weight_sums[:, e] = fitted.weights[edition_of == e].sum(axis=0)

    label_of = {s: fitted.labels[s] for s in order}
    series: list[TopicSeries] = []
    for rank, s in enumerate(order):
        structure = fitted.structure[s]
        cls, reason, test = classify(
            counts[s], sizes, tests[rank], config, labels=labels, structure=structure
        )
        gained, lost = changed_terms(
            tf,
            fitted.primary == s,
            edition_of,
            counts[s],
            display,
            n_terms=config.changed_terms,
        )
        shares = tuple(
            EditionShare(
                edition=labels[e],
                talks=int(counts[s, e]),
                share=float(counts[s, e] / sizes[e]),
                weight=float(weight_sums[s, e] / sizes[e]),
                topic_id=fitted.topic_ids[s][e],
                terms=per_edition[s][e] if counts[s, e] else (),
                talk_ids=_representative(
                    talks,
                    fitted,
                    s,
                    np.flatnonzero((edition_of == e) & (fitted.primary == s)),
                    config.representative_talks,
                ),
            )
            for e in range(n_ed)
        )
        series.append(
            TopicSeries(
                id=ids[s],
                label=label_of[s],
                classification=cls,
                reason=reason,
                terms=tuple(overall[s]),
                shares=shares,
                test=test,
                gained=gained,
                lost=lost,
                split_from=_ref(fitted.relations[s][0], ids),
                merged_into=_ref(fitted.relations[s][1], ids),
            )
        )
    other_counts = np.bincount(edition_of[fitted.primary < 0], minlength=n_ed)
    return Comparison(
        name=_name(editions),
        strategy=config.strategy,
        editions=tuple(
            EditionInfo(
                label=e.label,
                year=e.year,
                name=e.name,
                paths=e.paths,
                talks=int(sizes[k]),
                with_text=sum(1 for t in e.talks if t.has_text),
                other=int(other_counts[k]),
                topics=int(sum(1 for s in order if counts[s, k] > 0)),
                boilerplate=e.boilerplate,
            )
            for k, e in enumerate(editions)
        ),
        series=tuple(series),
        flows=_flows(fitted, counts, sizes, order, ids, labels),
        placements=tuple(
            TalkPlacement(
                talk_id=t.id,
                edition=labels[int(edition_of[i])],
                series=ids.get(int(fitted.primary[i]), OTHER_TOPIC),
                weight=float(fitted.weights[i, fitted.primary[i]])
                if fitted.primary[i] >= 0
                else 1.0,
            )
            for i, t in enumerate(talks)
        ),
        other=tuple(
            EditionShare(
                edition=labels[e],
                talks=int(other_counts[e]),
                share=float(other_counts[e] / sizes[e]),
                weight=float(other_counts[e] / sizes[e]),
                talk_ids=tuple(
                    talks[i].id for i in np.flatnonzero((edition_of == e) & (fitted.primary < 0))
                ),
            )
            for e in range(n_ed)
        ),
        talks=talks,
        run=_run_info(fitted, config, topic_config, len(editions)),
        config=config,
    )


def _ref(series: int | None, ids: dict[int, str]) -> str | None:
    return ids.get(series) if series is not None else None


def _with_q(test: ShareTest, q: float) -> ShareTest:
    return dataclasses.replace(test, q_value=q)


def _tf(terms: TermTable, topic_config: TopicConfig) -> tuple[sp.csr_matrix, list[str]]:
    """Sublinear term frequencies of the comparison's vocabulary (terms of at least
    ``graph.min_df`` talks and at most ``graph.max_df_share`` of them)."""
    from talktopics.graph import select_terms

    columns = select_terms(terms, topic_config.graph)
    tf = sp.csr_matrix(sp.csr_matrix(terms.counts)[:, columns], dtype=np.float64)
    tf.data = 1.0 + np.log(np.maximum(tf.data, 1.0))
    return tf, [terms.display[j] for j in columns.tolist()]


def _representative(
    talks: tuple[Talk, ...], fitted: Fitted, s: int, rows: np.ndarray, k: int
) -> tuple[str, ...]:
    ranked = sorted(rows.tolist(), key=lambda i: (-round(float(fitted.weights[i, s]), 9), i))
    return tuple(talks[i].id for i in ranked[:k])


def _flows(
    fitted: Fitted,
    counts: np.ndarray,
    sizes: np.ndarray,
    order: list[int],
    ids: dict[int, str],
    labels: list[str],
) -> tuple[Flow, ...]:
    """Continuations where a series has talks in two consecutive editions, plus the
    strategy's links; a topic's band widths are split among its links by similarity."""
    shares = counts / sizes[None, :]
    raw: list[tuple[int, int, int, FlowKind, float | None]] = []
    for s in order:
        for e in range(len(labels) - 1):
            if counts[s, e] and counts[s, e + 1]:
                sim = 1.0 if not fitted.links else _similarity(fitted, e, s, s)
                raw.append((e, s, s, "continuation", sim))
    raw += [link for link in fitted.links if link[3] != "continuation"]
    out_sum: dict[tuple[int, int], float] = {}
    in_sum: dict[tuple[int, int], float] = {}
    for e, a, b, _, sim in raw:
        out_sum[(e, a)] = out_sum.get((e, a), 0.0) + (sim or 1.0)
        in_sum[(e + 1, b)] = in_sum.get((e + 1, b), 0.0) + (sim or 1.0)
    flows = []
    for e, a, b, kind, sim in sorted(
        raw, key=lambda r: (r[0], order.index(r[1]), order.index(r[2]))
    ):
        if a not in ids or b not in ids:
            continue
        weight = sim or 1.0
        flows.append(
            Flow(
                source=ids[a],
                target=ids[b],
                source_edition=labels[e],
                target_edition=labels[e + 1],
                kind=kind,
                source_share=float(shares[a, e] * weight / out_sum[(e, a)]),
                target_share=float(shares[b, e + 1] * weight / in_sum[(e + 1, b)]),
                similarity=None if not fitted.links else sim,
            )
        )
    return tuple(flows)


def _similarity(fitted: Fitted, e: int, a: int, b: int) -> float | None:
    for edition, source, target, kind, sim in fitted.links:
        if (edition, source, target, kind) == (e, a, b, "continuation"):
            return sim
    return None


def _name(editions: list[Edition]) -> str:
    """``"EuroPython 2011–2024"``: the conferences of most talks and the edition span."""
    from collections import Counter

    conferences = Counter(t.conference for e in editions for t in e.talks if t.conference)
    total = sum(conferences.values())
    main = [c for c, n in conferences.most_common() if n >= 0.2 * total][:2]
    span = f"{editions[0].label}–{editions[-1].label}"
    if len(main) == 2:
        # "PyCon.DE & PyData Karlsruhe" + "PyCon.DE & PyData Berlin" -> "PyCon.DE & PyData"
        words = [name.split() for name in main]
        common = [a for a, b in zip(*words, strict=False) if a == b]
        if common and words[0][: len(common)] == common == words[1][: len(common)]:
            main = [" ".join(common).rstrip(" &+-")]
    return f"{' + '.join(main)} {span}" if main else span


def _run_info(
    fitted: Fitted, config: CompareConfig, topic_config: TopicConfig, n_editions: int
) -> RunInfo:
    backend, _, model_name = fitted.embedder.partition(":")
    return RunInfo(
        version=__version__,
        seed=topic_config.seed,
        embedder=backend if model_name else "",
        model=model_name or backend,
        parameters=(
            ("strategy", config.strategy),
            ("editions", str(n_editions)),
            ("alpha", str(config.alpha)),
            ("fdr", "benjamini-hochberg" if config.fdr else "none"),
            ("min_ratio", str(config.min_ratio)),
            ("min_share_change", str(config.min_share_change)),
            ("present_min_talks", str(config.present_min_talks)),
            ("permutations", str(config.permutations)),
            ("trials", str(topic_config.trials)),
            *fitted.parameters,
        ),
    )
