"""Lookup lemmas: a language in, spacy-lookups-data's word -> lemma table out.

The one reader of those tables: German term extraction (:mod:`talktopics.nlp.words`) and the
summaries' content words (:func:`talktopics.summaries.content_words`) both look words up here.
The table is read straight from the package's JSON file, once per process: no spaCy pipeline
and no lemmatizer component are built for it. Russian words are analysed by pymorphy3 instead
(:func:`morph_analyzer`, one per process for term extraction and the summaries).
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from talktopics.errors import ModelNotAvailableError

__all__ = ["LEMMA_LANGUAGES", "lemma_table", "morph_analyzer"]

logger = logging.getLogger(__name__)

LEMMA_LANGUAGES = ("en", "de", "ru")
"""Languages with a lookup table in spacy-lookups-data that this package reads."""


def lemma_table(language: str | None) -> Mapping[str, str]:
    """spacy-lookups-data's lemma lookup table of a language, as stored (case kept:
    "Netze" -> "Netz"); empty for other languages, for None and when spacy-lookups-data is
    not installed (or its file is broken: logged). Read once per process.

    Args:
        language: A language code; a region is ignored (``"de-AT"`` reads the German table).
    """
    code = (language or "").split("-")[0].split("_")[0].lower()
    return _read_table(code) if code in LEMMA_LANGUAGES else {}


@functools.cache
def _read_table(code: str) -> Mapping[str, str]:
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / "data" / f"{code}_lemma_lookup.json.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            table: dict[str, str] = json.load(handle)  # JSON: word -> lemma, both strings
    except (OSError, ValueError) as exc:
        logger.warning("lemma table %s is unreadable (%s): no %s lemmas", path, exc, code)
        return {}
    return table


@functools.cache
def morph_analyzer() -> Any:
    """pymorphy3's Russian analyser, loaded once per process (term extraction and the
    summaries' back-reference rules share it)."""
    try:
        import pymorphy3
    except ImportError as exc:
        raise ModelNotAvailableError(
            "Russian lemmas need pymorphy3; install 'pymorphy3 pymorphy3-dicts-ru'"
        ) from exc
    return pymorphy3.MorphAnalyzer()
