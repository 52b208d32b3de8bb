"""The layers of docs/architecture.md, kept by reading every module's imports (issue 24).

- The pure packages (référentiel, analytics, charts, documents, demo generator,
  formats, privacy) import nothing from Django nor from a Django app.
- The layers of the architecture (``LAYERS``, drawn in docs/architecture.md) are kept: an import goes
  down or stays within its layer; at most two arrows go up, each listed in ``UPWARD`` with its reason.
- The import layer (``collection``) does not reach up to the analyses, the reports nor the dashboard.
- No cycle between modules, counting the imports inside functions too (they run as surely, only later);
  at most two cycles are tolerated, each listed in ``ALLOWED_CYCLES`` with its reason.
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


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _import_nodes(tree: ast.Module, *, top_level_only: bool) -> list[ast.Import | ast.ImportFrom]:
    """The import statements that run: module level, and (unless ``top_level_only``) inside functions too.
    Imports under ``if TYPE_CHECKING`` never run: left out."""
    found: list[ast.Import | ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            elif _type_checking(child):
                for other in child.orelse:
                    walk(other)
            elif not (top_level_only and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef
                                                    | ast.ClassDef | ast.If | ast.Try)):
                walk(child)

    walk(tree)
    return found


def imports(path: Path, *, top_level_only: bool) -> set[str]:
    """The modules ``path`` imports. ``from package import submodule`` is an import of the submodule
    (the package's ``__init__`` runs, but the dependency is on the submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    known = _known()
    found = set()
    for node in _import_nodes(tree, top_level_only=top_level_only):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = {f"{target}.{alias.name}" for alias in node.names}
            submodules = {n for n in names if n in known}
            found |= submodules
            if len(submodules) < len(names):
                found.add(target)
                found |= names - submodules
    return found


_KNOWN: set[str] = set()


def _known() -> set[str]:
    if not _KNOWN:
        _KNOWN.update(modules())
    return _KNOWN


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


# The layers of docs/architecture.md, lowest first. A module imports its own layer or a lower one.
LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"referentiel", "formats", "privacy", "safefiles", "reading", "background", "instance", "mail",
              "spreadsheets", "navigation", "__version__", "settings", "settings_test"}),
    ("pure", {"analytics", "charts", "documents", "demo"}),
    ("foundation", {"accounts", "audit", "configuration", "territory", "templatetags", "operations"}),
    ("import", {"collection"}),
    ("domains", {"analyses", "offer", "surveys", "benchmark", "evaluation"}),
    ("deliverables", {"reports", "protocol", "partners", "dashboard"}),
    ("entry", {"cli", "__main__", "urls", "wsgi"}),
]
# Modules that sit above their package's layer (the demo's Django-side build is an entry point).
LAYER_OF_MODULE = {"reperes.demo.build": "entry", "reperes.demo.django_side": "entry"}
# The arrows that go up, at most two, each with its reason.
UPWARD: dict[tuple[str, str], str] = {}
ALLOWED_UPWARD = 2


def layer(name: str) -> int | None:
    rank = {label: i for i, (label, _) in enumerate(LAYERS)}
    for module, label in LAYER_OF_MODULE.items():
        if name == module or name.startswith(module + "."):
            return rank[label]
    package = top_package(name)
    for i, (_, packages) in enumerate(LAYERS):
        if package in packages:
            return i
    return None


def upward_arrows() -> set[tuple[str, str]]:
    known = modules()
    found = set()
    for name, path in known.items():
        here = layer(name)
        for target in imports(path, top_level_only=False):
            there = layer(target) if target in known else None
            if here is not None and there is not None and there > here:
                found.add((name, target))
    return found


def test_every_module_has_a_layer():
    missing = sorted(n for n in modules() if n != "reperes" and layer(n) is None)
    assert not missing, f"place these modules in LAYERS (docs/architecture.md): {missing}"


def test_imports_go_down_the_layers_but_for_at_most_two_known_arrows():
    arrows = upward_arrows()
    assert len(UPWARD) <= ALLOWED_UPWARD
    assert arrows <= set(UPWARD), "\n".join(f"{a} → {b} goes up the layers" for a, b in sorted(arrows - set(UPWARD)))


def test_the_layer_rules_catch_an_arrow_up():
    assert layer("reperes.collection.uploads") < layer("reperes.analyses.services")
    assert layer("reperes.analytics.stats") < layer("reperes.collection.models")
    assert layer("reperes.demo.generator") < layer("reperes.demo.build")


# Cycles tolerated, at most two, each with its reason (both modules named, in order).
ALLOWED_CYCLES: dict[frozenset[str], str] = {}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {name: {t for t in imports(path, top_level_only=False) if t in known and t != name}
             for name, path in known.items()}
    # a package's __init__ importing its own submodules is not a cycle between modules
    return {n: {t for t in ts if not t.startswith(n + ".")} for n, ts in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    seen, stack, found = set(), [], []

    def visit(node, on_path):
        seen.add(node)
        on_path.add(node)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt in on_path:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in seen:
                visit(nxt, on_path)
        on_path.discard(node)
        stack.pop()

    for node in sorted(graph):
        if node not in seen:
            visit(node, set())
    return found


def test_no_import_cycle_between_modules_not_even_inside_functions():
    assert len(ALLOWED_CYCLES) <= 2
    found = [c for c in cycles(import_graph()) if frozenset(c) not in ALLOWED_CYCLES]
    assert not found, "\n".join(" → ".join(c) for c in found)


def test_the_cycle_check_sees_an_import_inside_a_function():
    graph = {"a": {"b"}, "b": {"a"}, "c": set()}
    assert cycles(graph) == [["a", "b", "a"]]
    source = "def f():\n    from reperes.collection import models\n"
    tree = ast.parse(source)
    assert [n.module for n in _import_nodes(tree, top_level_only=False)] == ["reperes.collection"]
    assert _import_nodes(tree, top_level_only=True) == []


def test_no_source_file_is_over_a_thousand_lines():
    """Issue 24: a file over 1 000 lines is split along its seams (migrations excepted)."""
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 1000}
    assert not long, long
