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
    "counted",
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
        super().__init__(where, _no_talks_reason(corpus, paths))


def _no_talks_reason(corpus: Corpus, paths: Sequence[str | Path]) -> str:
    """Why no talk was read: the problems listed, an empty folder, or no readable file."""
    if corpus.issues:
        return f"no talk could be read ({counted(len(corpus.issues), 'problem')}, listed above)"
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    if (
        paths
        and len(folders) == len(paths)
        and not any(
            f.is_file() and not f.name.startswith(".") for d in folders for f in d.rglob("*")
        )
    ):
        which = "folders are" if len(folders) > 1 else "folder is"
        return f"no talk could be read: the {which} empty"
    return (
        "no talk could be read: no file in a format talktopics reads "
        "(`talktopics formats` lists them)"
    )


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``counted(1, "talk")`` -> ``"1 talk"``, ``counted(3, "talk")`` -> ``"3 talks"``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


class ConfigError(TalkTopicsError):
    """An option or configuration value is invalid."""


class ModelNotAvailableError(TalkTopicsError):
    """A model or language resource is not installed; the message names the package."""


class NotFittedError(TalkTopicsError, AttributeError):
    """A fitted attribute or method of an estimator was used before ``fit`` (or ``load``).

    Also an :class:`AttributeError`, so ``hasattr(model, "topics_")`` is False before a fit.
    """
