"""A strategy's series in, the comparison out: counts, trend tests, classes, term evidence and
flows.

The strategies (:mod:`talktopics.compare.strategies`) hand back a
:class:`~talktopics.compare.records.Fitted` (which talk is in which series); :func:`assemble`
turns it into the :class:`~talktopics.compare.records.Comparison` the renderers read.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from talktopics.compare.editions import Edition
from talktopics.compare.records import (
    Comparison,
    EditionInfo,
    EditionShare,
    Fitted,
    Flow,
    FlowKind,
    TalkPlacement,
    TopicSeries,
)
from talktopics.compare.rules import ShareTest, benjamini_hochberg, classify, share_test
from talktopics.compare.terms import Terms, changed_terms, edition_terms, series_terms
from talktopics.config import CompareConfig, TopicConfig
from talktopics.records import OTHER_TOPIC, RunInfo, Talk, TermTable
from talktopics.topics.vocabulary import select_terms
from talktopics.version import __version__

__all__ = ["assemble"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class _Tally:
    """The counts every part of the comparison is built from."""

    labels: list[str]
    """Edition labels."""
    edition_of: np.ndarray
    """Edition index of every talk."""
    sizes: np.ndarray
    """Talks per edition."""
    counts: np.ndarray
    """Series x editions: talks whose primary topic is the series."""
    order: list[int]
    """Series with talks: most talks first, then the earlier start, then the label."""
    ids: dict[int, str]
    """Series index -> its id (``s1``, ``s2``, ... in ``order``)."""


def assemble(
    editions: list[Edition],
    talks: tuple[Talk, ...],
    edition_of: np.ndarray,
    fitted: Fitted,
    terms: TermTable,
    config: CompareConfig,
    topic_config: TopicConfig,
) -> Comparison:
    """The comparison of a strategy's series.

    Args:
        editions: The compared editions, in time order.
        talks: Their talks, in edition order (the rows of ``fitted`` and ``terms``).
        edition_of: Edition index of every talk.
        fitted: The strategy's series.
        terms: Candidate terms of ``talks`` (rows in the same order).
        config: Classification thresholds and term counts.
        topic_config: The topic models' options (seed and vocabulary limits).

    Returns:
        The comparison without skipped editions, issues and timings (the caller adds them).
    """
    tally = _tally(editions, edition_of, fitted)
    tests = _share_tests(editions, tally, config, topic_config.seed)
    n_ed = len(editions)
    other_counts = np.bincount(edition_of[fitted.primary < 0], minlength=n_ed)
    return Comparison(
        name=_name(editions),
        strategy=config.strategy,
        editions=_edition_infos(editions, tally, other_counts),
        series=_series(talks, fitted, terms, tally, tests, config, topic_config),
        flows=_flows(fitted, tally.counts, tally.sizes, tally.order, tally.ids, tally.labels),
        placements=_placements(talks, fitted, tally),
        other=tuple(
            EditionShare(
                edition=tally.labels[e],
                talks=int(other_counts[e]),
                share=float(other_counts[e] / tally.sizes[e]),
                weight=float(other_counts[e] / tally.sizes[e]),
                talk_ids=tuple(
                    talks[i].id for i in np.flatnonzero((edition_of == e) & (fitted.primary < 0))
                ),
            )
            for e in range(n_ed)
        ),
        talks=talks,
        run=_run_info(fitted, config, topic_config, n_ed),
        config=config,
    )


def _tally(editions: list[Edition], edition_of: np.ndarray, fitted: Fitted) -> _Tally:
    n_ed, n_series = len(editions), len(fitted.labels)
    sizes = np.bincount(edition_of, minlength=n_ed)
    counts = np.zeros((n_series, n_ed), dtype=np.int64)
    for s in range(n_series):
        counts[s] = np.bincount(edition_of[fitted.primary == s], minlength=n_ed)
    order = sorted(
        range(n_series),
        key=lambda s: (-int(counts[s].sum()), int(np.argmax(counts[s] > 0)), fitted.labels[s]),
    )
    order = [s for s in order if counts[s].sum() > 0]
    return _Tally(
        labels=[e.label for e in editions],
        edition_of=edition_of,
        sizes=sizes,
        counts=counts,
        order=order,
        ids={s: f"s{rank + 1}" for rank, s in enumerate(order)},
    )


def _share_tests(
    editions: list[Edition], tally: _Tally, config: CompareConfig, seed: int
) -> list[ShareTest]:
    """The trend test of each series in ``tally.order`` (q-values adjusted with ``fdr``)."""
    n_ed = len(editions)
    years = [e.year for e in editions if e.year is not None]
    scores = [float(y) for y in years] if len(years) == n_ed else [float(k) for k in range(n_ed)]
    tests = [
        share_test(tally.counts[s], tally.sizes, scores, config, seed=seed * 1009 + rank)
        for rank, s in enumerate(tally.order)
    ]
    if config.fdr:
        qs = benjamini_hochberg([t.p_value for t in tests])
        tests = [_with_q(t, q) for t, q in zip(tests, qs, strict=True)]
    return tests


def _series(
    talks: tuple[Talk, ...],
    fitted: Fitted,
    terms: TermTable,
    tally: _Tally,
    tests: list[ShareTest],
    config: CompareConfig,
    topic_config: TopicConfig,
) -> tuple[TopicSeries, ...]:
    """Every series with talks, in order: its class, reason, terms and per-edition shares."""
    edition_of, counts, n_ed = tally.edition_of, tally.counts, len(tally.labels)
    tf, display = _tf(terms, topic_config)
    per_edition = edition_terms(
        tf, fitted.weights, fitted.primary, edition_of, n_ed, display, top_n=config.top_terms
    )
    overall = fitted.terms or series_terms(tf, fitted.weights, display, top_n=config.top_terms)
    weight_sums = np.zeros((len(fitted.labels), n_ed))
    for e in range(n_ed):
        weight_sums[:, e] = fitted.weights[edition_of == e].sum(axis=0)
    series: list[TopicSeries] = []
    for rank, s in enumerate(tally.order):
        cls, reason, test = classify(
            counts[s],
            tally.sizes,
            tests[rank],
            config,
            labels=tally.labels,
            structure=fitted.structure[s],
        )
        gained, lost = changed_terms(
            tf, fitted.primary == s, edition_of, counts[s], display, n_terms=config.changed_terms
        )
        series.append(
            TopicSeries(
                id=tally.ids[s],
                label=fitted.labels[s],
                classification=cls,
                reason=reason,
                terms=tuple(overall[s]),
                shares=_shares(talks, fitted, s, tally, per_edition[s], weight_sums[s], config),
                test=test,
                gained=gained,
                lost=lost,
                split_from=_ref(fitted.relations[s][0], tally.ids),
                merged_into=_ref(fitted.relations[s][1], tally.ids),
            )
        )
    return tuple(series)


def _shares(
    talks: tuple[Talk, ...],
    fitted: Fitted,
    s: int,
    tally: _Tally,
    terms: list[Terms],
    weight_sums: np.ndarray,
    config: CompareConfig,
) -> tuple[EditionShare, ...]:
    """Series ``s`` in each edition: talks, shares, terms and representative talks."""
    counts, sizes = tally.counts, tally.sizes
    return tuple(
        EditionShare(
            edition=tally.labels[e],
            talks=int(counts[s, e]),
            share=float(counts[s, e] / sizes[e]),
            weight=float(weight_sums[e] / sizes[e]),
            topic_id=fitted.topic_ids[s][e],
            terms=terms[e] if counts[s, e] else (),
            talk_ids=_representative(
                talks,
                fitted,
                s,
                np.flatnonzero((tally.edition_of == e) & (fitted.primary == s)),
                config.representative_talks,
            ),
        )
        for e in range(len(tally.labels))
    )


def _edition_infos(
    editions: list[Edition], tally: _Tally, other_counts: np.ndarray
) -> tuple[EditionInfo, ...]:
    return tuple(
        EditionInfo(
            label=e.label,
            year=e.year,
            name=e.name,
            paths=e.paths,
            talks=int(tally.sizes[k]),
            with_text=sum(1 for t in e.talks if t.has_text),
            other=int(other_counts[k]),
            topics=int(sum(1 for s in tally.order if tally.counts[s, k] > 0)),
            boilerplate=e.boilerplate,
        )
        for k, e in enumerate(editions)
    )


def _placements(
    talks: tuple[Talk, ...], fitted: Fitted, tally: _Tally
) -> tuple[TalkPlacement, ...]:
    return tuple(
        TalkPlacement(
            talk_id=t.id,
            edition=tally.labels[int(tally.edition_of[i])],
            series=tally.ids.get(int(fitted.primary[i]), OTHER_TOPIC),
            weight=float(fitted.weights[i, fitted.primary[i]]) if fitted.primary[i] >= 0 else 1.0,
        )
        for i, t in enumerate(talks)
    )


def _ref(series: int | None, ids: dict[int, str]) -> str | None:
    return ids.get(series) if series is not None else None


def _with_q(test: ShareTest, q: float) -> ShareTest:
    return dataclasses.replace(test, q_value=q)


def _tf(terms: TermTable, topic_config: TopicConfig) -> tuple[sp.csr_matrix, list[str]]:
    """Sublinear term frequencies of the comparison's vocabulary (terms of at least
    ``graph.min_df`` talks and at most ``graph.max_df_share`` of them)."""
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
            ("min_power", str(config.min_power)),
            ("present_min_talks", str(config.present_min_talks)),
            ("permutations", str(config.permutations)),
            ("trials", str(topic_config.trials)),
            *fitted.parameters,
        ),
    )
