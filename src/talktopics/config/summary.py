"""Summary options: the ``[summary]`` TOML table in, a validated :class:`SummaryConfig` out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from talktopics.errors import ConfigError

__all__ = ["SummaryConfig", "SummarySourceName"]


SummarySourceName = Literal["notes", "description", "abstract"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryConfig:
    """Extractive summaries of talks and topics (see :mod:`talktopics.summaries`)."""

    talk_sentences: int = 2
    """Sentences per talk summary (1-3 reads well; any positive number is allowed)."""
    topic_sentences: int = 2
    """Sentences in a topic's blurb, at most one per talk."""
    mmr_lambda: float = 1.0
    """Maximal marginal relevance: 1 = centrality only, lower = less redundancy (trades
    ROUGE away on news and on talk descriptions; near-duplicates go by ``max_similarity``)."""
    max_similarity: float = 0.6
    """Never pick a sentence this similar to one already picked (Jaccard of their content
    words, :mod:`talktopics.summaries.duplicates`): a near-duplicate (MMR alone keeps one
    when both are far more central than the rest); above 1 = off. MMR's novelty reads the
    same similarity. By words, so no sentence is embedded for it (ROUGE as with the former
    cosine >= 0.9 of sentence embeddings, see bench/RESULTS.md)."""
    lexical_weight: float = 1.0
    """Share of word overlap (TextRank similarity, no self-overlap) in the sentence graph; the
    rest is the embeddings' cosine. 1 = word overlap only: best on news (BBC) and on the dev
    half of the talk descriptions (see bench/RESULTS.md)."""
    position_prior: float = 0.0
    """Strength of the lead bias: sentence ``i`` (0-based) gets prior weight ``(i+1)**-p``
    in the ranking's random jumps; 0 = plain LexRank (best on news and on talk descriptions'
    dev half, see bench/RESULTS.md)."""
    damping: float = 0.85
    """PageRank damping: how much centrality counts against the position prior."""
    central_sharpness: float = 7.0
    """A sentence is worth its word count times ``sigmoid(central_sharpness * (log(n *
    centrality) - central_threshold))`` (:func:`~talktopics.summaries.ranking.
    central_content`): among the clearly central sentences the one that says more wins.
    0 = rank by centrality alone (shorter picks and lower ROUGE on BBC News and on the talk
    descriptions' dev half, see bench/RESULTS.md)."""
    central_threshold: float = 0.1
    """Log of the centrality, relative to the text's average sentence, at which half a
    sentence's words count (0.1: 1.1 times the average)."""
    sources: tuple[SummarySourceName, ...] = ("notes", "description", "abstract")
    """Talk fields to summarise, in order of preference; the first with usable text wins."""
    min_words: int = 3
    """Shorter sentences ("Agenda", "Пример") are not ranked."""
    max_words: int = 60
    """Longer sentences are ranked only when nothing shorter is left."""
    max_candidates: int = 200
    """Only the first this-many sentences of a text are ranked (bounds time and memory)."""

    def __post_init__(self) -> None:
        for name in ("talk_sentences", "topic_sentences", "min_words", "max_candidates"):
            if getattr(self, name) < 1:
                raise ConfigError(
                    f"summary.{name} = {getattr(self, name)} is invalid; must be >= 1"
                )
        if self.max_words < self.min_words:
            raise ConfigError(
                f"summary.max_words = {self.max_words} is invalid; must be >= min_words "
                f"({self.min_words})"
            )
        if not 0.0 <= self.mmr_lambda <= 1.0:
            raise ConfigError(
                f"summary.mmr_lambda = {self.mmr_lambda} is invalid; must be in [0, 1]"
            )
        if self.max_similarity <= 0:
            raise ConfigError(
                f"summary.max_similarity = {self.max_similarity} is invalid; must be > 0"
            )
        if not self.central_sharpness >= 0:  # also NaN
            raise ConfigError(
                f"summary.central_sharpness = {self.central_sharpness} is invalid; must be "
                ">= 0 (0: centrality alone)"
            )
        if not math.isfinite(self.central_threshold):
            raise ConfigError(
                f"summary.central_threshold = {self.central_threshold} is invalid; must be a "
                "finite number"
            )
        if not 0.0 <= self.damping < 1.0:
            raise ConfigError(f"summary.damping = {self.damping} is invalid; must be in [0, 1)")
        if not 0.0 <= self.lexical_weight <= 1.0:
            raise ConfigError(
                f"summary.lexical_weight = {self.lexical_weight} is invalid; must be in [0, 1]"
            )
        if self.position_prior < 0:
            raise ConfigError(
                f"summary.position_prior = {self.position_prior} is invalid; must be >= 0"
            )
        allowed = ("notes", "description", "abstract")
        bad = [s for s in self.sources if s not in allowed]
        if bad or not self.sources:
            raise ConfigError(
                f"summary.sources = {list(self.sources)} is invalid; use a non-empty list of "
                f"{', '.join(allowed)}"
            )
