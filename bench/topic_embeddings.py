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

__all__ = ["CACHE_DIR", "embed_docs", "make_embedder"]

logger = logging.getLogger(__name__)

CACHE_DIR = Path(__file__).resolve().parent / ".cache"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def make_embedder(cache_dir: Path | None = None) -> Any:
    """The project's MiniLM embedder behind its on-disk cache (in bench/.cache/embed)."""
    from talktopics.embed import CachedEmbedder, SentenceTransformerEmbedder

    return CachedEmbedder(SentenceTransformerEmbedder(), cache_dir or CACHE_DIR / "embed")


def embed_docs(texts: Sequence[str], *, cache_dir: Path | None = None) -> tuple[np.ndarray, str]:
    """L2-normalised float32 embeddings of ``texts`` and a note on how they were made.

    Long texts are chunked at sentence boundaries and pooled by ``embed_documents``, exactly as
    the engine embeds talks, so every method sees the same vectors for the same text.
    """
    from talktopics.embed import embed_documents

    embedder = make_embedder((cache_dir or CACHE_DIR) / "embed")
    vectors = np.asarray(embed_documents(list(texts), embedder), dtype=np.float32)
    return vectors, "talktopics.embed (MiniLM, chunked and pooled)"
