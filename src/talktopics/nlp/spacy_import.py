"""spaCy imported without PyTorch: the one way this package imports spaCy.

thinc (spaCy's machine-learning layer) imports torch whenever it is installed, to offer
PyTorch-backed layers; no pipeline used here has one (the English tagger and NER run on
thinc's numpy ops). That import costs ~2 s of CPU and ~250 MB in every process that analyses
text, term-extraction workers included. :func:`import_spacy` imports spaCy with torch hidden
from the importing thread, so thinc finds no torch; other threads (an encoder being loaded
at the same time) and later imports of torch are not affected. When thinc is already imported,
nothing changes.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType

__all__ = ["import_spacy"]

_HIDDEN = "torch"


class _HideTorch(importlib.abc.MetaPathFinder):
    """An import finder that reports torch missing to one thread."""

    def __init__(self, thread: int) -> None:
        self.thread = thread

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if threading.get_ident() == self.thread and fullname.split(".")[0] == _HIDDEN:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None  # any other import, or another thread: the next finders decide


_lock = threading.Lock()


def import_spacy() -> ModuleType:
    """The ``spacy`` module, imported (the first time) without torch.

    Returns:
        ``spacy``; import its submodules (``spacy.tokens``, ``spacy.symbols``) after this.
    """
    with _lock:
        if "thinc" not in sys.modules and _HIDDEN not in sys.modules:
            finder = _HideTorch(threading.get_ident())
            sys.meta_path.insert(0, finder)
            try:
                import spacy
            finally:
                sys.meta_path.remove(finder)
        import spacy
    return spacy
