"""The shape of the code, checked from its imports (docs/architecture.md).

Data flows one way, and so do imports: each module imports only from its own layer or
the layers below it, never in a circle, and a name with a leading underscore is used
only in the file that defines it (a package's internal API has public names).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "adcensus"

# Lowest first. A module belongs to the layer of the longest prefix naming it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation",
        (
            "adcensus",
            "adcensus.errors",
            "adcensus.columns",
            "adcensus.settings",
            "adcensus.progress",
            "adcensus.text",
            "adcensus.numberwords",
            "adcensus.memory",
            "adcensus.parallel",
            "adcensus.phones",
            "adcensus.privacy",
            "adcensus.write",
            "adcensus.outputs.contract",
            "adcensus.mse",
        ),
    ),
    ("read", ("adcensus.read", "adcensus.setaside")),
    ("normalize", ("adcensus.normalize", "adcensus.profiles", "adcensus.quality")),
    ("link", ("adcensus.link",)),
    ("tables", ("adcensus.tables",)),
    ("pipeline", ("adcensus.dedupe",)),
    ("outputs", ("adcensus.outputs", "adcensus.decisions")),
    ("store", ("adcensus.store",)),
    (
        "commands",
        (
            "adcensus.run",
            "adcensus.review",
            "adcensus.report",
            "adcensus.estimate",
            "adcensus.tally",
            "adcensus.explain",
            "adcensus.evaluate",
            "adcensus.outreach",
            "adcensus.synth",
        ),
    ),
    ("cli", ("adcensus.cli", "adcensus.__main__")),
]


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()


def _imports() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Every import between adcensus modules, function-level ones included, and every
    underscore name imported from another file: (importer, module, name)."""
    edges: dict[str, set[str]] = defaultdict(set)
    private = []
    for name, (path, is_package) in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".")[: None if is_package else -1]
                    base = base[: len(base) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                for alias in node.names:
                    child = f"{target}.{alias.name}"
                    module = child if child in MODULES else target
                    if module in MODULES and module != name:
                        edges[name].add(module)
                    if (
                        module in MODULES
                        and alias.name.startswith("_")
                        and not alias.name.startswith("__")
                    ):
                        private.append((name, target, alias.name))
            elif isinstance(node, ast.Import):
                edges[name] |= {a.name for a in node.names if a.name in MODULES} - {name}
    return edges, private


EDGES, PRIVATE = _imports()


def _layer(module: str) -> int:
    matches = [
        (len(prefix), rank)
        for rank, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(matches)[1]


def test_the_checker_sees_the_package() -> None:
    assert {"adcensus.dedupe", "adcensus.outputs.writer", "adcensus.cli.base"} <= MODULES.keys()
    assert "adcensus.outputs.contract" in EDGES["adcensus.tables"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_imports_only_from_its_layer_or_below(module: str) -> None:
    upward = sorted(
        f"{target} ({LAYERS[_layer(target)][0]})"
        for target in EDGES[module]
        if _layer(target) > _layer(module)
    )
    assert not upward, f"{module} ({LAYERS[_layer(module)][0]}) imports from above: {upward}"


def test_no_import_circle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(EDGES[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    assert not circles


def test_no_private_name_crosses_a_file() -> None:
    assert not PRIVATE, "\n".join(f"{a} imports {m}.{n}" for a, m, n in PRIVATE)
