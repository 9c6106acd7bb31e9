"""No import cycles in modellint: every import counts, at module level or inside a function.

A cycle hidden in a function-level import still ties two modules together (neither can be
understood, tested or moved without the other) and turns into an ImportError the day someone
moves the import up. Shared types live a layer below the modules that share them (``model``,
``weightfile``, ``suggest``, ``rulesdata``, ``sources.options``, ``identify.canonical``,
``facts.basecard``, ``fix.context``).

Edges are read from the source with ``ast``: ``import a.b`` and ``from a.b import c`` point at
``a.b``, and at ``a.b.c`` when that is a module. The implicit import of a parent package (``a``
before ``a.b``) is not an edge: a package that imports its own submodules is not a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Cycles that are known and being removed elsewhere, as sorted module lists: none today.
KNOWN_CYCLES: list[list[str]] = []


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``package`` (a folder)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_edges(package: Path) -> dict[str, dict[str, int]]:
    """Module -> {imported module of the same package: line of the first such import}."""
    modules = module_files(package)
    edges: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        found = edges.setdefault(name, {})
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(name, is_package, node.level, node.module)
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            else:
                continue
            for target in targets:
                if target in modules and target != name:
                    found.setdefault(target, node.lineno)
    return edges


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts + ([name] if name else []))


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)


def describe(component: list[str], edges: dict[str, dict[str, int]]) -> str:
    return "; ".join(f"{a} -> {b} (line {line})" for a in component
                     for b, line in sorted(edges[a].items()) if b in component)


def test_modellint_has_no_import_cycle():
    edges = import_edges(ROOT / "modellint")
    assert len(edges) > 50 and "modellint.facts" in edges["modellint.runner"]
    found = [c for c in cycles(edges) if c not in KNOWN_CYCLES]
    assert found == [], "\n".join(describe(c, edges) for c in found)


@pytest.mark.parametrize("where", ["module", "function"])
def test_a_cycle_is_found_wherever_the_import_is(tmp_path, where):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from pkg import a\n")  # a package importing its own: fine
    (pkg / "a.py").write_text("from pkg.sub import b\n")
    (pkg / "sub" / "__init__.py").write_text("")
    back = "from ..a import x\n" if where == "module" else "def f():\n    from pkg import a\n"
    (pkg / "sub" / "b.py").write_text("import os\n" + back)
    (pkg / "c.py").write_text("import pkg.a\n")
    edges = import_edges(pkg)
    assert edges["pkg.c"] == {"pkg.a": 1}
    assert cycles(edges) == [["pkg.a", "pkg.sub.b"]]
    assert describe(["pkg.a", "pkg.sub.b"], edges).startswith("pkg.a -> pkg.sub.b (line 1)")
