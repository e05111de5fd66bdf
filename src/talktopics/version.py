"""The package version: nothing comes in; ``__version__`` goes out (written into every output's
metadata and printed by ``talktopics --version``)."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
