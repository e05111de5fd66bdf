"""Input limits: the ``[ingest]`` TOML table in, a validated :class:`IngestLimits` out."""

from __future__ import annotations

from dataclasses import dataclass

from talktopics.errors import ConfigError

__all__ = ["IngestLimits"]


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestLimits:
    """Limits that protect the machine from hostile or accidental huge input.

    Set them in the ``[ingest]`` table of the ``--config`` TOML file.
    """

    max_file_bytes: int = 200 * 1024 * 1024
    """Files larger than this are refused (with an error naming the file)."""
    max_text_chars: int = 50_000
    """Longer talk texts are truncated, with a warning."""
    max_talks: int = 100_000
    """At most this many talks per run; the rest are reported as skipped."""

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_text_chars", "max_talks"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(
                    f"ingest.{name} = {value!r} is invalid; must be a whole number >= 1"
                )
