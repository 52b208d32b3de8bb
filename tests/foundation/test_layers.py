"""The layers of docs/architecture.md, kept by reading every module's imports (issue 24).

- The pure packages (référentiel, analytics, charts, documents, demo generator,
  formats, privacy) import nothing from Django nor from a Django app.
- The import layer (``collection``) does not reach up to the analyses.
- Module-level imports form no cycle between modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "reperes"
PURE = {"referentiel", "analytics", "charts", "documents", "demo", "formats", "privacy"}
# The demo's CLI glue and Django-side loaders live beside the generator; these modules are not pure.
NOT_PURE = {"reperes.demo.build", "reperes.demo.django_side"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}


def imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    if top_level_only:  # also imports under ``if TYPE_CHECKING`` are not run: leave them out
        nodes = [n for n in nodes if isinstance(n, ast.Import | ast.ImportFrom)]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def top_package(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "reperes" else None


@pytest.mark.parametrize("name", sorted(n for n in modules() if top_package(n) in PURE and n not in NOT_PURE))
def test_pure_packages_import_no_django_and_no_app(name):
    path = modules()[name]
    for target in imports(path, top_level_only=False):
        assert not target.startswith("django"), f"{name} imports {target}"
        package = top_package(target)
        assert package is None or package in PURE, f"{name} (pure) imports {target}"


def test_the_import_layer_does_not_reach_up_to_the_analyses():
    for name, path in modules().items():
        if top_package(name) == "collection":
            for target in imports(path, top_level_only=False):
                assert top_package(target) not in ("analyses", "reports", "dashboard"), f"{name} imports {target}"


def test_no_import_cycle_between_modules():
    known = modules()
    graph = {name: {t for t in imports(path, top_level_only=True) if t in known and t != name}
             for name, path in known.items()}
    # a package's __init__ importing its own submodules is not a cycle between modules
    graph = {n: {t for t in ts if not t.startswith(n + ".")} for n, ts in graph.items()}
    seen, stack, cycles = set(), [], []

    def visit(node, on_path):
        seen.add(node)
        on_path.add(node)
        stack.append(node)
        for nxt in graph[node]:
            if nxt in on_path:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in seen:
                visit(nxt, on_path)
        on_path.discard(node)
        stack.pop()

    for node in sorted(graph):
        if node not in seen:
            visit(node, set())
    assert not cycles, "\n".join(" → ".join(c) for c in cycles)
