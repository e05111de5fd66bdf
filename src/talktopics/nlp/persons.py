"""Person names among candidate terms: the talks, their term counts and the terms' display
forms in; the display forms that name people out (:func:`person_terms`).

A speaker's name never becomes a term of their own talk (it is cut from the text before
analysis), but other people's names do: "Guido", "Alexander", a cited author. They say who,
not what, so they are kept out of the topic terms and labels. A candidate is a display form
of 1-3 title-case words ("Guido", "Ada Lovelace") that is not a known product name
(:data:`~talktopics.nlp.lexicon.PRODUCT_NAMES`: "Django", "Jupyter Notebooks") and none of
whose words is ever written in lower case in the talks that hold it ("Notebooks" or
"Progress" starting a sentence, "Tuning Performance", "Square Kilometer Array"). Its first
``CONTEXTS`` occurrences in those talks are read by spaCy's English named-entity recogniser
(``en_core_web_sm``, the ``ner`` component alone, of the process's one English pipeline:
:mod:`talktopics.nlp.english`). The candidate is a person when every occurrence read, and
at least ``MIN_PERSON`` of them, lie inside a PERSON entity, and, for a single word, at least
one of those entities is a full name of two or more words ("Guido" in "Guido van Rossum").
The small model alone calls a library or a language a person now and then ("Django and
Pandas meet Kubernetes", "Java", "Parquet"), but not in every sentence and rarely as part of
a full name. Measured by hand on EuroPython 2014/2022, JuliaCon 2023 and
PyCon.DE 2018/2019 (see bench/RESULTS.md, "Topic quality").
Without an English spaCy pipeline nothing is found (a log line says so).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from talktopics.nlp.english import english_package, english_pipeline, run_components
from talktopics.nlp.lexicon import PRODUCT_NAMES
from talktopics.records import Talk

__all__ = ["CONTEXTS", "MAX_CANDIDATES", "MIN_PERSON", "person_terms"]

logger = logging.getLogger(__name__)

CONTEXTS = 5
"""Occurrences of a candidate read by the recogniser (the first ones, in talk order)."""
MIN_PERSON = 2
"""Occurrences inside a PERSON entity a candidate needs (and more than half of those read)."""
MAX_CANDIDATES = 500
"""At most this many candidates are read, the most widely used first (the terms that can top
a topic's list): the recogniser's work stays bounded on a large programme (500 x 5 windows of
~320 characters)."""
WINDOW = 160
"""Characters of text on each side of an occurrence given to the recogniser."""

_SHAPE = re.compile(r"[A-Z][a-z]+(?:[ '-][A-Z][a-z]+){0,2}")
_PRODUCTS = frozenset(name.casefold() for name in PRODUCT_NAMES)


def _candidate(display: str) -> bool:
    words = re.split(r"[ '-]", display.casefold())
    return bool(_SHAPE.fullmatch(display)) and not any(
        w in _PRODUCTS for w in [*words, display.casefold()]
    )


def _contexts(term: str, rows: Sequence[int], talks: Sequence[Talk]) -> list[tuple[str, int]]:
    """Up to ``CONTEXTS`` windows of text around the term, with the term's offset in each;
    none when a word of the term is also written in lower case in these talks."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")
    words = "|".join(re.escape(w.lower()) for w in re.split(r"[ '-]", term))
    lower = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")
    found: list[tuple[str, int]] = []
    for i in rows:
        talk = talks[i]
        for text in (talk.title, talk.text):
            if lower.search(text):
                return []
            for match in pattern.finditer(text):
                if len(found) < CONTEXTS:
                    start = max(0, match.start() - WINDOW)
                    found.append((text[start : match.end() + WINDOW], match.start() - start))
    return found


def person_terms(
    talks: Sequence[Talk], counts: sp.spmatrix, display: Sequence[str]
) -> frozenset[str]:
    """The display forms (columns of ``counts``, talks x terms) that name people.

    Args:
        talks: The talks, in the row order of ``counts``.
        counts: Talks x terms occurrence counts.
        display: Each column's display form.
    """
    csc = sp.csc_matrix(counts)
    df = np.diff(csc.indptr)
    columns = sorted(
        (j for j, d in enumerate(display) if _candidate(d)), key=lambda j: (-int(df[j]), j)
    )[:MAX_CANDIDATES]
    if not columns:
        return frozenset()
    if english_package() is None:
        logger.info("no English spaCy pipeline: person names are not filtered from the terms")
        return frozenset()
    windows: list[tuple[str, str, int]] = []
    for j in columns:
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]].tolist()
        windows.extend((display[j], text, at) for text, at in _contexts(display[j], rows, talks))
    recognised = run_components(english_pipeline().nlp, (w[1] for w in windows), ["ner"])
    votes: dict[str, list[int]] = {}
    for (term, _, at), doc in zip(windows, recognised, strict=True):
        # 0: not inside a PERSON entity; 1: a one-word PERSON; 2: inside a full name
        vote = 0
        for e in doc.ents:
            if e.label_ == "PERSON" and e.start_char <= at and at + len(term) <= e.end_char:
                vote = 2 if len(e) > len(term.split()) or " " in term else 1
        votes.setdefault(term, []).append(vote)
    persons = frozenset(
        term for term, v in votes.items() if len(v) >= MIN_PERSON and min(v) > 0 and max(v) == 2
    )
    logger.debug("person names among the terms: %s", ", ".join(sorted(persons)))
    return persons
