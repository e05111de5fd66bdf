"""Give the process's freed heap memory back to the operating system.

glibc's allocator keeps memory a process has freed for its own later use, so a stage that
allocated and freed a lot (the OpenVINO runtime's buffers for passes of many shapes: several
hundred MB over a corpus) leaves the resident size as high as it was at that stage's peak.
:func:`trim_heap` asks glibc to return it (``malloc_trim``); it changes no value a run
computes. On other C libraries it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
from typing import Any

__all__ = ["trim_heap"]

logger = logging.getLogger(__name__)


def trim_heap() -> bool:
    """Return the free memory of every malloc arena to the OS; whether glibc did anything."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or None (another C library, or none found)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        logger.debug("no malloc_trim in this C library: the heap is not trimmed")
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim
