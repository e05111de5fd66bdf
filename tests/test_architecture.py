"""Rules the source tree keeps: read from the code itself (ast), not from a list kept by hand.

* no import cycle between the package's modules (imports inside functions count too);
* no name starting with ``_`` imported from another module (dunders such as ``__version__``
  are not private);
* no module over 400 lines; no function over 80 lines (a module-level data table may be longer,
  it is not a function);
* each module's docstring says what comes in and what goes out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "talktopics"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
TREES: dict[str, ast.Module] = {
    name: ast.parse(p.read_text("utf-8")) for name, p in MODULES.items()
}


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (relative imports resolved)."""
    if node.level == 0:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(module: str) -> Iterator[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) for every import in the module."""
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, node)
            for alias in node.names:
                yield target, alias.name, node.lineno


def _own_target(target: str, name: str | None) -> str | None:
    """The package module an import depends on (``from pkg import mod`` names the module)."""
    if name is not None and f"{target}.{name}" in MODULES:
        return f"{target}.{name}"
    return target if target in MODULES else None


def test_the_package_is_found() -> None:
    assert "talktopics" in MODULES
    assert len(MODULES) > 20


def test_no_import_cycle() -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module in MODULES:
        for target, name, _ in _imports(module):
            own = _own_target(target, name)
            if own and own != module:
                graph.add_edge(module, own)
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_name_crosses_a_module() -> None:
    found = []
    for module in MODULES:
        for target, name, line in _imports(module):
            if not target.startswith("talktopics") or name is None:
                continue
            if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                found.append(f"{MODULES[module].name}:{line} imports {target}.{name}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_size(module: str) -> None:
    lines = len(MODULES[module].read_text("utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module}: {lines} lines"


def test_no_long_function() -> None:
    long = []
    for module, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{module}.{node.name}: {length} lines")
    assert not long, "\n".join(long)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_docstring_says_what_comes_in_and_goes_out(module: str) -> None:
    doc = ast.get_docstring(TREES[module]) or ""
    assert len(doc.split()) >= 6, f"{module} has no docstring that says what it does"
