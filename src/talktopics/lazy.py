"""Names a package loads from their modules on first use (PEP 562): a package's
``__getattr__`` and ``__dir__`` call these with the package's namespace and its table of
public name -> module, so importing the package imports none of those modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

__all__ = ["lazy_dir", "load_name"]


def load_name(namespace: dict[str, Any], where: Mapping[str, str], name: str) -> Any:
    """``name`` imported from its module ``where[name]`` and kept in ``namespace``.

    Raises:
        AttributeError: the package has no such public name.
    """
    module = where.get(name)
    if module is None:
        raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    namespace[name] = value
    return value


def lazy_dir(namespace: Mapping[str, Any], where: Mapping[str, str]) -> list[str]:
    """The package's names, loaded or not."""
    return sorted(set(namespace) | set(where))
