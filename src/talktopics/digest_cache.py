"""The digest's result cache: a run's inputs in (corpus, options, embedder names), the
:class:`~talktopics.records.Digest` a previous run built from them out.

Topics, summaries and the two layouts are deterministic functions of the talk records, the
options (the seed included), the embedders and the code and libraries that compute them, so a
re-run with all of these unchanged reads the digest record back instead of computing it: no
spaCy, no encoder, no Infomap, no t-SNE. The key (:func:`digest_key`) holds

* a schema number and the package version,
* a digest of the package's own files (any code change is a new key),
* the installed distributions and their versions (any install or upgrade is a new key), the
  Python version and the machine type,
* the corpus record (talks, issues, sources, name) and the options that shape the result
  (everything but ``parallel``: a cluster gives the same bytes as one process),
* the embedders' names (backend, model and precision).

Records are stored as JSON (:func:`encode_digest` / :func:`decode_digest`: lossless for the
record types, floats included) in ``results.sqlite3`` of the cache folder
(:class:`~talktopics.store.SqliteCache`: checksummed values, transactional writes). An entry
that cannot be read back is ignored (with a warning) and replaced by the recomputed one; a run
with an empty cache and one with a filled cache write the same files. Timings are never stored.
``TALKTOPICS_RESULT_CACHE=0`` turns the result cache off (:func:`results_enabled`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from talktopics.config import RunConfig
from talktopics.records import (
    Corpus,
    Digest,
    IngestIssue,
    Labels,
    RunInfo,
    SourceRef,
    Summary,
    Talk,
    TalkTopics,
    TermMembership,
    Topic,
    WordEdge,
    WordNode,
)
from talktopics.store import SqliteCache, files_digest
from talktopics.version import __version__

__all__ = [
    "SCHEMA",
    "DigestCache",
    "decode_digest",
    "digest_key",
    "encode_digest",
    "installed_distributions",
    "package_digest",
    "results_enabled",
]

logger = logging.getLogger(__name__)

SCHEMA = 1
"""Raised whenever the stored form or the key's parts change."""

_NAMESPACE = f"digest:v{SCHEMA}"

_RECORDS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        Digest,
        RunInfo,
        Talk,
        Labels,
        SourceRef,
        IngestIssue,
        Topic,
        TermMembership,
        TalkTopics,
        Summary,
        WordNode,
        WordEdge,
    )
}
"""Every record type a digest holds, by class name (the only types decoding builds)."""

_TYPE = "~"
"""The key that names a record's type in its JSON object."""


def results_enabled() -> bool:
    """False when ``$TALKTOPICS_RESULT_CACHE`` is ``0``, ``off``, ``no`` or ``false``: every
    stage is computed (the embedding and term caches still serve what they hold)."""
    setting = os.environ.get("TALKTOPICS_RESULT_CACHE", "").strip().lower()
    return setting not in ("0", "off", "no", "false")


# --- the key ----------------------------------------------------------------------------------


def package_digest() -> str:
    """sha256 of every file of this package (names and bytes; caches of compiled code aside)."""
    return files_digest(Path(__file__).resolve().parent)


@functools.cache
def installed_distributions() -> tuple[str, ...]:
    """Names (with versions) of the metadata folders of every installed distribution on the
    import path, sorted: any install, upgrade or removal changes them."""
    found: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return tuple(sorted(found))


def digest_key(corpus: Corpus, config: RunConfig, embedders: Sequence[str]) -> bytes:
    """The result cache's key of a run: everything its digest record depends on.

    Args:
        corpus: The talks as read (with issues, sources and name).
        config: The run's options (``parallel`` is left out: it does not change the result).
        embedders: Names of the run's embedders (topic vectors, summaries).
    """
    options = dataclasses.replace(config, parallel=type(config.parallel)())
    parts = [
        f"schema {SCHEMA}",
        __version__,
        package_digest(),
        "\n".join(installed_distributions()),
        f"{sys.version} {platform.machine()}",
        repr(options),
        repr(tuple(embedders)),
        repr(corpus),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).digest()


# --- the stored form --------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A record tree as JSON-ready values (records as objects that name their type)."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if dataclasses.is_dataclass(value) and type(value).__name__ in _RECORDS:
        out = {_TYPE: type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = _plain(getattr(value, f.name))
        return out
    raise TypeError(f"a digest cannot hold {type(value).__name__} values")


def _record(value: Any) -> Any:
    """The inverse of :func:`_plain` (lists back to tuples, objects back to records)."""
    if isinstance(value, list):
        return tuple(_record(v) for v in value)
    if isinstance(value, dict):
        cls = _RECORDS[value.pop(_TYPE)]
        return cls(**{k: _record(v) for k, v in value.items()})
    return value


def encode_digest(digest: Digest) -> bytes:
    """The digest record (its timings left out) as UTF-8 JSON."""
    bare = dataclasses.replace(digest, run=dataclasses.replace(digest.run, timings=()))
    text = json.dumps(_plain(bare), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate in a talk stays as it is


def decode_digest(blob: bytes) -> Digest:
    """The digest record of :func:`encode_digest`'s bytes.

    Raises:
        ValueError: The bytes do not hold a digest record.
    """
    try:
        digest = _record(json.loads(blob.decode("utf-8", "surrogatepass")))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a stored digest record ({exc})") from exc
    if not isinstance(digest, Digest):
        raise ValueError("not a stored digest record")
    return digest


# --- the cache --------------------------------------------------------------------------------


class DigestCache:
    """Digest records by key, in ``<folder>/results.sqlite3``.

    Args:
        folder: The cache folder (the embedding cache's).
    """

    def __init__(self, folder: str | Path) -> None:
        self.store = SqliteCache(Path(folder).expanduser() / "results.sqlite3")

    def get(self, key: bytes) -> Digest | None:
        """The stored record, or None (none stored, or one that cannot be read: logged)."""
        blob = self.store.get_many(_NAMESPACE, [key]).get(key)
        if blob is None:
            return None
        try:
            return decode_digest(blob)
        except ValueError as exc:
            logger.warning("result cache %s: a damaged entry is rebuilt (%s)", self.store.path, exc)
            return None

    def put(self, key: bytes, digest: Digest) -> None:
        """Store the record (one transaction; failures are logged, never raised)."""
        try:
            blob = encode_digest(digest)
        except (TypeError, ValueError) as exc:  # pragma: no cover - a value JSON cannot hold
            logger.warning("result cache: digest not stored (%s)", exc)
            return
        self.store.put_many(_NAMESPACE, [(key, blob)])

    def close(self) -> None:
        self.store.close()
