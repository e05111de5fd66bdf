"""talktopics: conference talks and attendee notes in, a talks-by-topic digest out."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
