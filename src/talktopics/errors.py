"""The project's own errors and exit codes: raised by the stages, mapped to exit codes by the CLI.

Every message says what went wrong, where, and what to do next.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from talktopics.records import Corpus

__all__ = [
    "ConfigError",
    "ExitCode",
    "IngestError",
    "ModelNotAvailableError",
    "NoTalksError",
    "NotFittedError",
    "TalkTopicsError",
]


class ExitCode(enum.IntEnum):
    """Process exit codes of the ``talktopics`` command."""

    OK = 0
    SKIPPED = 1
    """The run finished, but some input records or sources were skipped (see the warnings)."""
    USAGE = 2
    """Bad command line or configuration."""
    FAILED = 3
    """Nothing usable was produced (no readable input, missing model, ...)."""
    INTERNAL = 70
    """An unexpected error (a bug in talktopics; EX_SOFTWARE of sysexits.h)."""
    INTERRUPTED = 130


class TalkTopicsError(Exception):
    """Base class of every error this project raises on purpose."""


class IngestError(TalkTopicsError):
    """A file or record could not be read.

    Attributes:
        path: The file.
        record: The record, line or position inside the file ("" if the whole file).
    """

    def __init__(self, path: str, message: str, *, record: str = "") -> None:
        self.path = path
        self.record = record
        self.reason = message
        where = f"{path}: {record}" if record else path
        super().__init__(f"{where}: {message}")


class NoTalksError(IngestError):
    """No talk could be read from the input; ``corpus.issues`` says why."""

    def __init__(self, corpus: Corpus, paths: Sequence[str | Path]) -> None:
        self.corpus = corpus
        where = ", ".join(str(p) for p in paths)
        super().__init__(
            where, f"no talk could be read ({len(corpus.issues)} problems, listed above)"
        )


class ConfigError(TalkTopicsError):
    """An option or configuration value is invalid."""


class ModelNotAvailableError(TalkTopicsError):
    """A model or language resource is not installed; the message names the package."""


class NotFittedError(TalkTopicsError, AttributeError):
    """A fitted attribute or method of an estimator was used before ``fit`` (or ``load``).

    Also an :class:`AttributeError`, so ``hasattr(model, "topics_")`` is False before a fit.
    """
