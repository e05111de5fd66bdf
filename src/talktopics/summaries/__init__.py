"""Extractive summaries: talks, topics or one text in, verbatim sentences out.

A talk's summary (:func:`summarize_talks`, :func:`summarize_talk`) is taken from one of its
texts: the notes when there are any (they are what the attendee wrote), else the description,
else the abstract (``SummaryConfig.sources``). The text is cleaned (:func:`clean_markup`) and
split into sentences (:func:`split_sentences`) for its language; the candidates are chosen
(:mod:`~talktopics.summaries.candidates`). Then

1. **centrality** (:func:`rank_sentences`): LexRank — PageRank on a sentence graph whose edge
   weights blend the embeddings' cosine similarity with TextRank's word overlap
   (:func:`word_overlap`, ``lexical_weight``), with random jumps that follow a position
   prior ``(i+1)**-position_prior`` (opening sentences of a description tend to say what the
   talk is about);
2. **redundancy** (:func:`mmr_select`): maximal marginal relevance picks
   ``talk_sentences`` sentences, trading centrality against cosine similarity to those
   already picked (``mmr_lambda``); near-duplicates (``max_similarity``) are never picked;
3. the picked sentences are returned **in their original order**, verbatim.

Texts with nothing to rank fall back to their first sentence, talks with no text at all to
their title. A summary never holds text that is not in the cleaned source. The defaults were
chosen on held-out data; bench/bench_summaries.py measures them (bench/RESULTS.md).

:func:`summarize` does the same for one raw text and returns its sentences as written in it.
A topic's blurb (:func:`summarize_topics`, :func:`summarize_topic`) picks the sentences of the
topic's talks closest to the topic's centroid, at most one per talk, again with MMR.

Languages: sentences are split with the rules of the text's language (``Talk.notes_language``
for notes, ``Talk.language`` for the rest, detected when unknown), so Russian notes yield
Russian sentences from the notes. Which embedder ranks them is the caller's choice: pass the
multilingual one (``MultilingualUSEEmbedder``) when the texts are not English; the English
MiniLM model ranks non-English text poorly (but still only picks sentences from it).

Modules: ``markup`` (cleaning), ``sentences`` (splitting, language, stop words),
``candidates``, ``ranking`` (the algorithm), ``talks``, ``topics`` (blurbs), ``text``
(:func:`summarize`).
"""

from __future__ import annotations

from talktopics.summaries.markup import clean_markup
from talktopics.summaries.ranking import mmr_select, rank_sentences, word_overlap
from talktopics.summaries.sentences import (
    detect_language,
    sentence_spans,
    split_sentences,
    stop_words,
)
from talktopics.summaries.talks import summarize_talk, summarize_talks
from talktopics.summaries.text import summarize
from talktopics.summaries.topics import summarize_topic, summarize_topics

__all__ = [
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
