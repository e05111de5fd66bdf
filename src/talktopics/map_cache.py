"""The map of talks behind a cache: talk vectors, ids and seed in, the layout of
:func:`talktopics.render.talk_map.layout_talks` out, computed once per input and read back after.

t-SNE is the slowest step after the topic model (seconds for a few hundred talks, more for
thousands); a run whose talk vectors did not change (other summary options, say) reads the
layout instead. The key holds the vectors' bytes, shape and type, the ids, the seed, this
package's files and the installed distributions; entries live in ``results.sqlite3`` of the
cache folder (namespace ``map:v1``). An entry that does not read back as one point per talk
is ignored (with a warning) and recomputed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from talktopics.digest_cache import installed_distributions, package_digest
from talktopics.render.talk_map import layout_talks
from talktopics.store import SqliteCache

__all__ = ["cached_layout", "layout_key"]

logger = logging.getLogger(__name__)

_NAMESPACE = "map:v1"

Layout = tuple[tuple[str, float, float], ...]


def layout_key(vectors: np.ndarray, talk_ids: Sequence[str], seed: int) -> bytes:
    """Everything the layout depends on, hashed."""
    x = np.ascontiguousarray(vectors)
    digest = hashlib.sha256()
    for part in (
        _NAMESPACE,
        package_digest(),
        "\n".join(installed_distributions()),
        f"{sys.version} {platform.machine()}",
        f"seed {seed}",
        f"{x.dtype.str} {x.shape}",
        json.dumps(list(talk_ids), ensure_ascii=False),
    ):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(x.tobytes())
    return digest.digest()


def _read(blob: bytes, talk_ids: Sequence[str]) -> Layout | None:
    try:
        points = json.loads(blob)
        if len(points) != len(talk_ids):
            return None
        return tuple(
            (tid, float(x), float(y)) for tid, (x, y) in zip(talk_ids, points, strict=True)
        )
    except (ValueError, TypeError):
        return None


def cached_layout(
    vectors: np.ndarray, talk_ids: Sequence[str], *, seed: int, cache_dir: Path | None
) -> Layout:
    """:func:`~talktopics.render.talk_map.layout_talks`, read from the cache in ``cache_dir``
    when an earlier run laid out the same input (None = no cache: always computed)."""
    if cache_dir is None or len(talk_ids) < 2:
        return layout_talks(vectors, talk_ids, seed=seed)
    store = SqliteCache(cache_dir / "results.sqlite3")
    try:
        key = layout_key(vectors, talk_ids, seed)
        blob = store.get_many(_NAMESPACE, [key]).get(key)
        if blob is not None:
            found = _read(blob, talk_ids)
            if found is not None:
                return found
            logger.warning("map cache %s: a damaged entry is recomputed", store.path)
        layout = layout_talks(vectors, talk_ids, seed=seed)
        points = [[x, y] for _, x, y in layout]
        store.put_many(_NAMESPACE, [(key, json.dumps(points).encode())])
        return layout
    finally:
        store.close()
