"""Talks in, their sentences (language identified) with term occurrences out, computed in
worker processes or on a Dask cluster, in the talks' order.

:func:`analyse_talks` is the work of one worker: clean, split and language-identify a chunk
of talks, then analyse all their sentences in one spaCy batch per language (each worker loads
its pipelines once and keeps them). :func:`analyse_corpus` cuts the talks into contiguous
chunks, sends them to the run's executor (:func:`talktopics.parallel.active_executor`; without
one, a pool of worker processes for corpora of :data:`MIN_PARALLEL_TALKS` talks or more) and
puts the results back in order: the output does not depend on the number of workers.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Sequence

from talktopics.config import NLPConfig
from talktopics.nlp.analysis import Sentence, analyse_sentences
from talktopics.nlp.language import identify_language, to_iso639_1
from talktopics.nlp.lexicon import Lexicon
from talktopics.nlp.markup import clean_markup
from talktopics.nlp.sentences import split_sentences
from talktopics.nlp.text import strip_note_label, strip_note_structure
from talktopics.parallel import Executor, ProcessPool, active_executor, contiguous_chunks
from talktopics.records import Talk

__all__ = ["MIN_PARALLEL_TALKS", "analyse_corpus", "analyse_talks", "talk_sentences"]

logger = logging.getLogger(__name__)

MIN_PARALLEL_TALKS = 400
"""Below this many talks to analyse, worker processes cost more (each loads spaCy: ~4 s of
CPU) than they save, unless the run has an executor of its own."""

CHUNKS_PER_WORKER = 4
"""Chunks per worker: enough to even out long and short talks, few enough for big batches."""


def names_pattern(talk: Talk) -> re.Pattern[str] | None:
    """Speaker names and the conference's own name: they say who and where, not what."""
    names: set[str] = set()
    for speaker in talk.speakers:
        speaker = speaker.strip()
        if speaker:
            names.add(speaker)
            names.update(part for part in speaker.split() if len(part) >= 3 and part[0].isupper())
    if talk.conference.strip():
        names.add(talk.conference.strip())
        names.update(
            part for part in talk.conference.split() if re.search(r"[a-z][A-Z]", part)
        )  # EuroPython, PyCon, PyData
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:['’]s)?(?![\w-])", re.I)


_CALL = re.compile(r"\b([A-Za-z_][\w.]*)\([^()\n]{0,40}\)")
"""A call in running text ("read_csv(path)"): its arguments are no terms."""


def clean_for_terms(text: str) -> str:
    """Text for term extraction: :func:`~talktopics.nlp.markup.clean_markup` (NFC-normalised
    first), calls without their arguments."""
    return _CALL.sub(r"\1", clean_markup(unicodedata.normalize("NFC", text)))


def talk_sentences(talk: Talk, t: int, config: NLPConfig) -> list[Sentence]:
    """Cleaned sentences of one talk (title first) with their languages; the body's note
    structure (labels, navigation lines) is stripped."""
    title = clean_for_terms(talk.title)
    body = strip_note_structure(clean_for_terms(talk.text))
    names = names_pattern(talk)
    if names is not None:
        title, body = names.sub(" ", title), names.sub(" ", body)
    title = " ".join(title.split())
    doc_lang = identify_language(
        f"{title}\n\n{body}", config.languages, fallback=to_iso639_1(talk.language)
    )
    sentences: list[Sentence] = []
    if title:
        lang = identify_language(title, config.languages, fallback=doc_lang)
        sentences.append(Sentence(talk=t, text=title, lang=lang, is_title=True))
    for text in split_sentences(body, doc_lang):
        text = strip_note_label(text)
        if not any(ch.isalnum() for ch in text):
            continue
        lang = identify_language(text, config.languages, fallback=doc_lang)
        sentences.append(Sentence(talk=t, text=text, lang=lang))
    return sentences


def analyse_talks(chunk: Sequence[tuple[int, Talk]], config: NLPConfig) -> list[list[Sentence]]:
    """The sentences of each ``(index, talk)`` with their term occurrences, in order
    (``Sentence.talk`` is the index)."""
    per_talk = [talk_sentences(talk, t, config) for t, talk in chunk]
    fresh = [sent for sentences in per_talk for sent in sentences]
    if fresh:
        occurrences = analyse_sentences(fresh, config, Lexicon(config))
        for sent, occs in zip(fresh, occurrences, strict=True):
            sent.occurrences = occs
    return per_talk


def analyse_corpus(talks: Sequence[tuple[int, Talk]], config: NLPConfig) -> list[list[Sentence]]:
    """:func:`analyse_talks` of every ``(index, talk)``, spread over the run's workers."""
    executor: Executor | None = active_executor()
    owned = None
    if executor is None and len(talks) >= MIN_PARALLEL_TALKS:
        executor = owned = ProcessPool()
    if executor is None or (not executor.remote and len(talks) < MIN_PARALLEL_TALKS):
        return analyse_talks(talks, config)
    try:
        workers = executor.workers
        if workers <= 1 and not executor.remote:
            return analyse_talks(talks, config)
        chunks = [
            talks[part.start : part.stop]
            for part in contiguous_chunks(len(talks), workers * CHUNKS_PER_WORKER)
        ]
        logger.info("analysing %d talks in %d chunks on %r", len(talks), len(chunks), executor)
        results = executor.map(functools.partial(analyse_talks, config=config), chunks)
    finally:
        if owned is not None:
            owned.close()
    return [sentences for part in results for sentences in part]
