"""Topic labels from the topic's own words: the primary topic of each talk, which terms each
talk holds, talk and term embeddings in; one unique 1-4 word label per topic out
(:func:`keyword_labels`), and each topic's coherence (:func:`topic_coherence`).

A candidate is a term found in at least 2 of the topic's talks. Score = cosine(term embedding,
topic centre) x F1 of coverage and precision (coverage = share of the topic's talks holding
the term, precision = share of the talks holding it that are in the topic), x1.1 for a
phrase: a term one or two talks own outright no longer beats one that most of the topic
shares. Never a label alone: a generic word (:data:`GENERIC`), a person's name (a token of a
speaker's name), a term with digits, an English adjective ("computational", "responsible").
When the best term covers less than half of the topic a partner B makes "A & B". A topic that
stays mixed is "Mixed: A, B": coherence below ``MIXED_COHERENCE`` of the median topic's and
either >= 10 % of the talks or no term covering ``MIXED_COVERAGE`` of it, or (whatever its
coherence) no label, partner included, covering ``MIXED_COVERAGE`` of it. Measured on
EuroPython 2022 (tuned): median coverage 0.57, precision 0.78, every label unique (F1 instead
of sqrt(coverage) x precision: median label~track cosine 0.19 -> 0.23).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["GENERIC", "keyword_labels", "label_allowed", "name_tokens", "topic_coherence"]

_GENERIC_WORDS = """
python code data model models test tests testing tool tools library libraries project
projects system systems application applications app apps software developer developers
development user users problem problems solution solutions example examples thing things
people time way work use case cases feature features number result results value values
type types process processes function functions language languages program programs
programming package packages framework frameworks service services question questions
experience lot set step steps level end kind point help goal life world part team teams
company companies approach talk talks introduction overview idea ideas technology
technologies method methods source sources file files input inputs output outputs issue
issues task tasks product products practice practices understanding future structure
standard technical environment environments community module modules session workshop
tutorial speaker audience attendee attendees year years day days today basics concept
concepts knowledge skill skills research science analysis processing information
pipeline pipelines api apis interface performance quality scale challenge challenges
benefit benefits advantage ways option options tip tips trick tricks lesson lessons
story stories journey look hands good new different simple real common important best
great easy better first second last next list note notes summary agenda outline slide
slides section chapter answer demo live lightning keynote
"""

GENERIC = frozenset(_GENERIC_WORDS.split())
"""Words too general to name a topic at a Python conference (every topic has code, data and
tests; format words name the session, not the subject): never a label alone, nor a phrase
made only of them."""

MIXED_COHERENCE = 0.8
"""A topic below this share of the median topic's coherence may be a catch-all."""

MIXED_COVERAGE = 0.3
"""... and is labelled "Mixed" when no candidate covers this share of its talks ..."""

CATCH_ALL_SHARE = 0.1
"""... or when it holds at least this share of all talks (the catch-all rule)."""

PARTNER_COVERAGE = 0.5
"""Below this coverage the best term gets an "& B" partner."""

_WORD = re.compile(r"[\w+#.\-]+")


def name_tokens(speakers: Sequence[str]) -> frozenset[str]:
    """Case-folded tokens (3+ letters) of the programme's speaker names."""
    return frozenset(w for name in speakers for w in _WORD.findall(name.casefold()) if len(w) >= 3)


def label_allowed(term: str, names: frozenset[str] = frozenset()) -> bool:
    """1-4 words, no digits, not only generic words, not (part of) a speaker's name."""
    words = _WORD.findall(term.casefold())
    if not words or len(words) > 4 or len(term) < 3 or any(ch.isdigit() for ch in term):
        return False
    if all(w in GENERIC for w in words):
        return False
    return not (len(words) <= 2 and any(w in names for w in words))


def adjectives(display: Sequence[str]) -> np.ndarray:
    """Per term, True for a single English word that is only ever an adjective: WordNet (the
    English lemmatizer's word lists, spacy-lookups-data) lists it as an adjective and not as
    a noun ("computational", "neural", "Bayesian"; not "binary", "terminal" or "public",
    which are nouns too, nor "pytest"). Lower-case words and words with only their first
    letter capitalised are looked up; all False without the English pipeline."""
    from talktopics.nlp.wordclass import adjective_only_words

    words = adjective_only_words()
    return np.array(
        [
            (t.islower() or (t[:1].isupper() and t[1:].islower())) and t.lower() in words
            for t in display
        ],
        dtype=bool,
    )


def topic_coherence(talk_vectors: np.ndarray, primary: np.ndarray, k: int) -> np.ndarray:
    """Per topic, mean pairwise cosine of its talks / the programme's mean pairwise cosine
    (0 for a topic of fewer than 2 talks)."""
    unit = np.asarray(talk_vectors, dtype=np.float64)
    unit = unit / np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)

    def mean_pairwise(rows: np.ndarray) -> float:
        m = rows.shape[0]
        if m < 2:
            return 0.0
        total = rows.sum(axis=0)
        return float((total @ total - (rows * rows).sum()) / (m * (m - 1)))

    base = mean_pairwise(unit)
    scale = base if abs(base) > 1e-9 else 1.0
    return np.array([mean_pairwise(unit[primary == t]) / scale for t in range(k)])


def _scores(
    inside: np.ndarray, present: sp.csc_matrix, centre: np.ndarray, term_vectors: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(score, cosine, coverage) of every term for one topic (score before filters)."""
    tp = np.asarray(present[inside].sum(axis=0)).ravel()
    df = np.asarray(present.sum(axis=0)).ravel()
    cov = tp / max(int(inside.sum()), 1)
    prec = np.divide(tp, df, out=np.zeros_like(cov), where=df > 0)
    cos = term_vectors @ centre
    both = cov + prec
    f1 = np.divide(2.0 * cov * prec, both, out=np.zeros_like(cov), where=both > 0)
    return np.maximum(cos, 0.0) * f1, cos, tp


def _partner(
    inside: np.ndarray,
    present: sp.csc_matrix,
    first: int,
    cos: np.ndarray,
    ok: np.ndarray,
    display: Sequence[str],
    used: set[str],
) -> int | None:
    """B for "A & B": raises coverage by >= 0.1, keeps >= 0.8 of A's precision, >= half A's
    cosine, shares no word with A; best by cos(B) x union coverage x union precision."""
    has_a = present[:, first].toarray().ravel() > 0
    cov_a = (has_a & inside).sum() / inside.sum()
    if cov_a >= PARTNER_COVERAGE:
        return None
    prec_a = (has_a & inside).sum() / max(int(has_a.sum()), 1)
    words_a = set(_WORD.findall(display[first].casefold()))
    best, best_j = 0.0, None
    for j in np.flatnonzero(ok & (cos >= 0.5 * cos[first])).tolist():
        taken = j == first or _key(display[j]) in used
        if taken or words_a & set(_WORD.findall(display[j].casefold())):
            continue
        union = has_a | (present[:, j].toarray().ravel() > 0)
        cov = (union & inside).sum() / inside.sum()
        prec = (union & inside).sum() / union.sum()
        if prec >= 0.8 * prec_a and cov >= cov_a + 0.1 and cos[j] * cov * prec > best:
            best, best_j = float(cos[j] * cov * prec), j
    return best_j


def keyword_labels(
    primary: np.ndarray,
    k: int,
    counts: sp.spmatrix,
    display: Sequence[str],
    talk_vectors: np.ndarray,
    term_vectors: np.ndarray,
    *,
    names: frozenset[str] = frozenset(),
    used: set[str] | None = None,
    mixed: bool = True,
) -> list[str | None]:
    """One label per topic ``0..k-1`` (``None``: no usable term; the caller keeps its own).

    ``primary``: topic index per talk (``-1`` = other); ``counts``: talks x terms; ``used``:
    case-folded labels already taken (updated); ``mixed``: label an incoherent topic
    "Mixed: A, B" (sub-topics, compared only with their siblings, never are). Topics pick in
    order of their best score.
    """
    used = set() if used is None else used
    present = sp.csc_matrix((sp.csr_matrix(counts) > 0).astype(np.float64))
    allowed = np.array([label_allowed(t, names) for t in display], dtype=bool)
    allowed &= ~adjectives(display)
    phrase = np.array([1.1 if len(_WORD.findall(t)) > 1 else 1.0 for t in display])
    unit = np.asarray(talk_vectors, dtype=np.float64)
    unit = unit / np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    terms = np.asarray(term_vectors, dtype=np.float64)
    coherence = topic_coherence(unit, primary, k)
    median = float(np.median(coherence)) if k else 0.0
    scored = {}
    for t in range(k):
        inside = primary == t
        if inside.sum() == 0:
            continue
        centre = unit[inside].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-12)
        score, cos, tp = _scores(inside, present, centre, terms)
        ok = allowed & (tp >= 2)
        scored[t] = (np.where(ok, score * phrase, -np.inf), cos, ok, tp / inside.sum())
    out: list[str | None] = [None] * k
    for t in sorted(scored, key=lambda t: (-float(np.max(scored[t][0], initial=-np.inf)), t)):
        score, cos, ok, cov = scored[t]
        picks = [
            j
            for j in np.lexsort((np.arange(score.size), -score)).tolist()
            if np.isfinite(score[j]) and _key(display[j]) not in used
        ]
        if not picks:
            continue
        first = picks[0]
        inside = primary == t
        partner = _partner(inside, present, first, cos, ok, display, used)
        covered = _coverage(inside, present, [first] if partner is None else [first, partner])
        if mixed and (
            _mixed(float(coherence[t]), median, float(inside.mean()), float(cov[first]))
            or covered < MIXED_COVERAGE
        ):
            second = next((j for j in picks[1:] if not _overlap(display[j], display[first])), None)
            label = f"Mixed: {display[first]}" + (
                f", {display[second]}" if second is not None else ""
            )
        else:
            label = display[first] if partner is None else f"{display[first]} & {display[partner]}"
            if partner is not None:
                used.add(_key(display[partner]))
        used.add(_key(display[first]))
        used.add(label.casefold())
        out[t] = label
    return out


def _coverage(inside: np.ndarray, present: sp.csc_matrix, columns: Sequence[int]) -> float:
    """Share of the topic's talks holding any of the terms ``columns``."""
    has = np.asarray(present[:, list(columns)].sum(axis=1)).ravel() > 0
    return float((has & inside).sum() / max(int(inside.sum()), 1))


def _key(term: str) -> str:
    """Case- and punctuation-folded form: "open-source" and "open source" are one label."""
    return re.sub(r"[\W_]+", "", term.casefold())


def _overlap(a: str, b: str) -> bool:
    return bool(set(_WORD.findall(a.casefold())) & set(_WORD.findall(b.casefold())))


def _mixed(coherence: float, median: float, share: float, coverage: float) -> bool:
    """A catch-all: less coherent than ``MIXED_COHERENCE`` x the median topic, and either big
    (>= ``CATCH_ALL_SHARE`` of the talks) or without a term covering ``MIXED_COVERAGE``."""
    if coherence >= MIXED_COHERENCE * median:
        return False
    return share >= CATCH_ALL_SHARE or coverage < MIXED_COVERAGE
