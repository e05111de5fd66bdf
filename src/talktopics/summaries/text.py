"""Summary of one raw text: a text in, its ``k`` most central sentences out, verbatim.

:func:`summarize` ranks a text's sentences exactly as a talk's summary does (same cleaning,
splitting, candidates, centrality and MMR), and returns the picked sentences as they are
written in the text.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence

from talktopics.config import EmbedConfig, SummaryConfig
from talktopics.embed import Embedder, select_embedder
from talktopics.nlp.language import detect_language
from talktopics.nlp.markup import clean_markup
from talktopics.nlp.sentences import split_sentences
from talktopics.summaries.candidates import SourceText, candidate_sentences, embed_candidates
from talktopics.summaries.references import strip_label
from talktopics.summaries.talks import needs_sentence_vectors, pick_sentences

__all__ = ["default_embedder", "summarize"]


@functools.cache
def default_embedder() -> Embedder:
    """The packaged all-MiniLM-L6-v2 through the embed layer, with its on-disk cache.

    The model is loaded only when a sentence is not in the cache.

    Raises:
        ModelNotAvailableError: sentence-transformers or the packaged model is missing.
    """
    return select_embedder(EmbedConfig(embedder="sentence-transformers"), [])


def summarize(
    text: str,
    k: int = 3,
    language: str | None = None,
    *,
    embedder: Embedder | None = None,
    config: SummaryConfig | None = None,
) -> list[str]:
    """The ``k`` sentences that summarise a text, in text order.

    The text is cleaned of markup, split into sentences for its language and ranked as a
    talk's summary is (:func:`~talktopics.summaries.talks.summarize_talks`). Each returned
    sentence is an exact substring of the text after HTML entity decoding
    (``html.unescape(text)``), line breaks of hard-wrapped text included; sentences whose
    words the cleaning changed (emphasis or a link inside them) cannot be quoted so and are
    not picked.

    Args:
        text: Raw text: plain, Markdown, reStructuredText or HTML fragments.
        k: How many sentences at most.
        language: ISO 639-1 code of the text ("en", "de", "ru", ...); None = detected. It
            decides the sentence splitting rules and the stop words of the ranking.
        embedder: Embeds the sentences when the options rank by embeddings
            (:func:`~talktopics.summaries.talks.needs_sentence_vectors`; not by default);
            None = :func:`default_embedder` (English MiniLM; pass ``MultilingualUSEEmbedder``
            for texts that are not English).
        config: Ranking options; None = the defaults of talk summaries.

    Returns:
        At most ``k`` sentences; empty for a text without any.

    Raises:
        ValueError: ``k`` is below 1.
    """
    if k < 1:
        raise ValueError(f"k = {k} is invalid; must be >= 1")
    config = config or SummaryConfig()
    cleaned = clean_markup(text)
    if not cleaned:
        return []
    if language is None:
        language = detect_language(cleaned)
    sentences = tuple(strip_label(s, language) for s in split_sentences(cleaned, language))
    quotes = _quotes(sentences, html.unescape(text))
    quotable = {i for i, quote in enumerate(quotes) if quote is not None}
    candidates = candidate_sentences(sentences, language, config, allowed=quotable)
    if len(candidates) > k:
        source = SourceText("text", "text", language, sentences, tuple(candidates))
        vectors = None
        if needs_sentence_vectors(config):
            vectors = embed_candidates([source], embedder or default_embedder())[0]
        picked = pick_sentences(source, vectors, k, config)
    else:
        picked = candidates or sorted(quotable)[:1]  # nothing worth ranking: the first one
    return [quote for quote in (quotes[i] for i in picked) if quote is not None]


def _quotes(sentences: Sequence[str], source: str) -> list[str | None]:
    """Each sentence as written in ``source`` (whitespace may differ), in order; None when
    its words are not there in a row."""
    quotes: list[str | None] = []
    start = 0
    for sentence in sentences:
        pattern = r"\s+".join(re.escape(word) for word in sentence.split())
        match = re.compile(pattern).search(source, start) if pattern else None
        if match is None:
            quotes.append(None)
        else:
            quotes.append(match.group(0))
            start = match.end()
    return quotes
