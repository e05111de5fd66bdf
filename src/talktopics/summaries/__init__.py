"""Extractive summaries: talks, topics or one text in, verbatim sentences out.

A talk's summary (:func:`summarize_talks`, :func:`summarize_talk`) is taken from one of its
texts: the notes when there are any (they are what the attendee wrote), else the description,
else the abstract (``SummaryConfig.sources``). The text is cleaned (:func:`clean_markup`) and
split into sentences (:func:`split_sentences`) for its language; the candidates are chosen
(:mod:`~talktopics.summaries.candidates`). Then

1. **centrality** (:func:`rank_sentences`): LexRank — PageRank on a sentence graph whose edge
   weights are the cosine of the sentences' content-word sets, without a sentence's overlap
   with itself (:func:`word_overlap`); ``lexical_weight`` below 1 blends in the embeddings'
   cosine and ``position_prior`` adds a lead bias (both off by default: they lost on the
   benchmarks);
2. **what a sentence brings** (:func:`central_content`): its word count, counted where its
   centrality is clearly above the text's average sentence — among central sentences the one
   that says more wins (``central_sharpness``, ``central_threshold``; 0 = centrality alone);
3. **selection** (:func:`mmr_select`): the ``talk_sentences`` best sentences, never a
   near-duplicate (``max_similarity``: Jaccard of the content words, :mod:`~talktopics.
   summaries.duplicates`); ``mmr_lambda`` below 1
   trades centrality against redundancy. A sentence that refers back ("It ...", "Dabei ...",
   "Это ...", :mod:`~talktopics.summaries.references`) and the sentence before it are one
   unit, scored by their mean: picked together or not at all; a sentence that leans on
   something no neighbour supplies ("Slides available here") is never picked; a note's label
   ("Fazit:") is cut off;
4. the picked sentences are returned **in their original order**, verbatim.

Texts with nothing to rank fall back to their first sentence, talks with no text at all to
their title. A summary never holds text that is not in the cleaned source. The defaults were
chosen on held-out data; bench/bench_summaries.py measures them (bench/RESULTS.md).

:func:`summarize` does the same for one raw text and returns its sentences as written in it.
A topic's blurb (:func:`summarize_topics`, :func:`summarize_topic`) is composed: what the
topic covers (its label and sub-topic labels), then its representative talks (those whose talk
vectors lie closest to the topic's centroid), each with its own one-sentence summary.

Languages: sentences are split with the rules of the text's language (``Talk.notes_language``
for notes, ``Talk.language`` for the rest, detected when unknown), so Russian notes yield
Russian sentences from the notes. By default no sentence is embedded (the ranking and the
near-duplicate rule read words). Options that blend in the embeddings' cosine
(``lexical_weight`` below 1) need an embedder: the caller's choice; pass the multilingual one
(``MultilingualUSEEmbedder``) when the texts are not English.

Cleaning, splitting, the language guess and the stop words are the package's one text stack
in :mod:`talktopics.nlp` (``markup``, ``sentences``, ``language``, ``lexicon``), shared with
term extraction and embedding; they are re-exported here. Modules: ``references``
(back-references, note labels), ``candidates``, ``ranking`` (the algorithm), ``duplicates``
(near-duplicates by their words), ``talks``,
``topics`` (blurbs), ``text`` (:func:`summarize`). See docs/summaries.md.
"""

from __future__ import annotations

from talktopics.nlp import (
    clean_markup,
    detect_language,
    sentence_spans,
    split_sentences,
    stop_words,
)
from talktopics.summaries.ranking import (
    central_content,
    mmr_select,
    rank_sentences,
    word_overlap,
)
from talktopics.summaries.talks import summarize_talk, summarize_talks
from talktopics.summaries.text import summarize
from talktopics.summaries.topics import summarize_topic, summarize_topics

__all__ = [
    "central_content",
    "clean_markup",
    "detect_language",
    "mmr_select",
    "rank_sentences",
    "sentence_spans",
    "split_sentences",
    "stop_words",
    "summarize",
    "summarize_talk",
    "summarize_talks",
    "summarize_topic",
    "summarize_topics",
    "word_overlap",
]
