"""The layout is the architecture: imports run one way (see ARCHITECTURE.md).

Reads every module's imports with :mod:`ast` (imports inside functions count)
and checks the layer rules, that no module takes another module's private
name, and that there is no import cycle anywhere in ``src/neutralcore``.
"""

from __future__ import annotations

import ast
from pathlib import Path


PKG = Path(__file__).resolve().parents[1] / "src" / "neutralcore"

#: package -> packages it must not import (prefixes of module names)
FORBIDDEN = {
    "neutralcore._core": ("neutralcore.measure", "neutralcore.reduce", "neutralcore.offsets", "neutralcore.claim",
                          "neutralcore.registry", "neutralcore.packs", "neutralcore.levers", "neutralcore.plugins",
                          "neutralcore.testing", "neutralcore.plotting", "neutralcore.cli", "neutralcore.units",
                          "neutralcore.gwp"),
    "neutralcore.measure": ("neutralcore.reduce", "neutralcore.offsets", "neutralcore.claim", "neutralcore.registry", "neutralcore.packs",
                            "neutralcore.levers", "neutralcore.plugins", "neutralcore.cli", "neutralcore.testing"),
    "neutralcore.offsets": ("neutralcore.measure", "neutralcore.reduce", "neutralcore.claim", "neutralcore.registry",
                            "neutralcore.levers", "neutralcore.plugins", "neutralcore.cli"),
    "neutralcore.claim": ("neutralcore.reduce", "neutralcore.registry", "neutralcore.levers", "neutralcore.plugins",
                          "neutralcore.cli"),
    "neutralcore.reduce": ("neutralcore.claim", "neutralcore.offsets", "neutralcore.plugins", "neutralcore.cli"),
    "neutralcore.registry": ("neutralcore.reduce", "neutralcore.offsets", "neutralcore.claim", "neutralcore.plugins",
                             "neutralcore.cli"),
    "neutralcore.packs": ("neutralcore.reduce", "neutralcore.offsets", "neutralcore.claim", "neutralcore.registry",
                          "neutralcore.plugins", "neutralcore.cli"),
    "neutralcore.levers": ("neutralcore.reduce", "neutralcore.offsets", "neutralcore.claim", "neutralcore.plugins",
                           "neutralcore.cli"),
    "neutralcore.units": ("neutralcore.measure", "neutralcore.reduce", "neutralcore.offsets", "neutralcore.claim",
                          "neutralcore.registry", "neutralcore.packs", "neutralcore.levers", "neutralcore.plugins"),
    "neutralcore.gwp": ("neutralcore.measure", "neutralcore.reduce", "neutralcore.offsets", "neutralcore.claim",
                        "neutralcore.registry", "neutralcore.packs", "neutralcore.levers", "neutralcore.plugins"),
    "neutralcore.importers": ("neutralcore.reduce", "neutralcore.offsets", "neutralcore.claim", "neutralcore.registry",
                              "neutralcore.levers", "neutralcore.plugins", "neutralcore.cli"),
    "neutralcore.dask": ("neutralcore.reduce", "neutralcore.offsets", "neutralcore.claim", "neutralcore.levers",
                         "neutralcore.plugins", "neutralcore.cli"),
    "neutralcore.errors": ("neutralcore.",),
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for every import in *path*."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub, None) if sub in MODULES else (base, alias.name))
    return [(m, n) for m, n in found if m == "neutralcore" or m.startswith("neutralcore.")]


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_layer_rules():
    """Each step package imports only the layers below it."""
    bad = [
        f"{mod} imports {target}"
        for mod, imports in GRAPH.items()
        for layer, banned in FORBIDDEN.items()
        if mod == layer or mod.startswith(layer + ".")
        for target, _ in imports
        if any(target == b.rstrip(".") or target.startswith(b.rstrip(".") + ".") or (b.endswith(".") and target.startswith(b)) for b in banned)
    ]
    assert bad == []


def test_no_private_names_across_modules():
    """No module takes another module's ``_private`` name."""
    bad = [f"{mod} takes {target}.{name}" for mod, imports in GRAPH.items() for target, name in imports
           if name is not None and name.startswith("_") and target != mod]
    assert bad == []


def test_no_import_cycles():
    """The import graph of src/neutralcore is acyclic (a package's __init__ counts as its module)."""
    edges = {m: sorted({t for t, _ in imps if t in MODULES and t != m}) for m, imps in GRAPH.items()}
    # importing a.b.c first imports a and a.b: the package __init__s of a target are edges too
    for m, targets in edges.items():
        extra = set()
        for t in targets:
            parts = t.split(".")
            extra |= {".".join(parts[:i]) for i in range(2, len(parts))}
        edges[m] = sorted((set(targets) | extra) - {m} - {p for p in extra if m.startswith(p + ".")})
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    assert cycles == []
