"""The project's own errors. Every message says what went wrong, where, and what to do next."""

from __future__ import annotations

import enum

__all__ = [
    "ConfigError",
    "ExitCode",
    "IngestError",
    "ModelNotAvailableError",
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


class ConfigError(TalkTopicsError):
    """An option or configuration value is invalid."""


class ModelNotAvailableError(TalkTopicsError):
    """A model or language resource is not installed; the message names the package."""
