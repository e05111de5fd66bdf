"""Document embeddings for the benchmarks: MiniLM through ``talktopics.embed``, cached on disk.

Every method of the quality benchmark gets the same array for the same set. The cache lives
in ``bench/.cache/`` (git-ignored), so only the first run of a set pays for embedding.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CACHE_DIR",
    "JITTER_ANGLE",
    "RUNTIME_VARIABLE",
    "JitteredEmbedder",
    "embed_docs",
    "make_embedder",
]

logger = logging.getLogger(__name__)

CACHE_DIR = Path(__file__).resolve().parent / ".cache"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


RUNTIME_VARIABLE = "TALKTOPICS_BENCH_RUNTIME"
"""Names the encoder runtime of the benchmarks' MiniLM: ``torch`` (unset: the reference every
method is compared on), ``openvino`` (the engine's default runtime, at this CPU's default
precision) or ``torch+jitter:<seed>`` (the PyTorch vectors each moved by a tiny random turn,
:class:`JitteredEmbedder`); ``bench/encoder_topics.py`` sets it to compare them."""

JITTER_ANGLE = 0.005
"""Radians each vector of ``torch+jitter`` is turned by: cosine 0.9999875 to its unmoved
self, the mean cosine of the OpenVINO bf16 vectors to the PyTorch ones (0.999986-0.999988)."""


class JitteredEmbedder:
    """An embedder's unit vectors each turned by :data:`JITTER_ANGLE` in a random direction
    (seeded by ``seed`` and the text, so a text always gets the same vector): how much the
    topics move when the vectors move as little as a change of runtime moves them."""

    def __init__(self, inner: Any, seed: int) -> None:
        self.inner, self.seed = inner, seed
        self.name = f"{inner.name}+jitter:{seed}"
        self.dim = inner.dim
        self.max_tokens = getattr(inner, "max_tokens", None)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return list(self.inner.count_tokens(texts))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._turn(list(texts), np.asarray(self.inner.embed(texts)))

    def embed_documents(self, texts: Sequence[Any], **options: Any) -> np.ndarray:
        from talktopics.embed.documents import document_key

        vectors = np.asarray(self.inner.embed_documents(texts, **options))
        return self._turn([document_key(t) for t in texts], vectors)

    def _turn(self, keys: list[str], vectors: np.ndarray) -> np.ndarray:
        import hashlib

        out = np.array(vectors, dtype=np.float64)
        for i, key in enumerate(keys):
            digest = hashlib.sha256(f"{self.seed}\0{key}".encode()).digest()
            step = np.random.default_rng(int.from_bytes(digest[:8], "little")).normal(
                size=out.shape[1]
            )
            norm = np.linalg.norm(out[i])
            if norm == 0:
                continue
            unit = out[i] / norm
            step -= step.dot(unit) * unit  # a direction at right angles to the vector
            step /= np.linalg.norm(step)
            out[i] = np.cos(JITTER_ANGLE) * unit + np.sin(JITTER_ANGLE) * step
        return out.astype(np.float32)


def make_embedder(cache_dir: Path | None = None) -> Any:
    """The project's MiniLM embedder behind its on-disk cache (in bench/.cache/embed), on
    PyTorch unless ``$TALKTOPICS_BENCH_RUNTIME`` says ``openvino`` (the cache keys name the
    runtime and precision, so the two never share vectors)."""
    from talktopics.config import EmbedConfig
    from talktopics.embed import CachedEmbedder, SentenceTransformerEmbedder, select_embedder

    folder = cache_dir or CACHE_DIR / "embed"
    runtime = os.environ.get(RUNTIME_VARIABLE, "torch")
    if runtime == "torch":
        return CachedEmbedder(SentenceTransformerEmbedder(), folder)
    if runtime.startswith("torch+jitter:"):
        seed = int(runtime.rsplit(":", 1)[1])
        return JitteredEmbedder(CachedEmbedder(SentenceTransformerEmbedder(), folder), seed)
    config = EmbedConfig(embedder="sentence-transformers", runtime=runtime, cache_dir=str(folder))
    return select_embedder(config, [])


def embed_docs(texts: Sequence[str], *, cache_dir: Path | None = None) -> tuple[np.ndarray, str]:
    """L2-normalised float32 embeddings of ``texts`` and a note on how they were made.

    Long texts are chunked at sentence boundaries and pooled by ``embed_documents``, exactly as
    the engine embeds talks, so every method sees the same vectors for the same text.
    """
    from talktopics.embed import embed_documents

    embedder = make_embedder((cache_dir or CACHE_DIR) / "embed")
    vectors = np.asarray(embed_documents(list(texts), embedder), dtype=np.float32)
    return vectors, "talktopics.embed (MiniLM, chunked and pooled)"
