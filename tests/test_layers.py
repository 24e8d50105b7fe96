"""The layer rule of docs/architecture.md, read from the code's own imports.

    crawler.extraction  pure: no Scrapy, Twisted, SQLAlchemy, nothing else of the project
    storage             may use crawler.extraction; not the crawler runtime, newsmon or scheduler
    crawler             (the Scrapy runtime) may use storage; not newsmon or scheduler
    newsmon             (CLI, scheduling, alerts, web) may use everything below; not scheduler.py
    scheduler.py        the thin entry point on top

Imports inside functions count as much as those at the top of a module: a deferred import
is still a dependency. No product module may take part in an import cycle, and no product
file is longer than MAX_LINES (migrations aside: Alembic writes them).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "storage", "newsmon")
MAX_LINES = 600

#: What each layer may not import, by module-name prefix; the first matching layer applies.
FORBIDDEN: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "crawler.extraction",
        ("scrapy", "twisted", "sqlalchemy", "storage", "newsmon", "scheduler", "crawler"),
    ),
    ("storage", ("scrapy", "twisted", "newsmon", "scheduler", "crawler")),
    ("crawler", ("newsmon", "scheduler")),
    ("newsmon", ("scheduler",)),
)
#: Exceptions to FORBIDDEN: a layer may always import itself and what lies below it.
ALLOWED: dict[str, tuple[str, ...]] = {
    "crawler.extraction": ("crawler.extraction",),
    "storage": ("crawler.extraction",),
}


def product_files() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path
    yield "scheduler", ROOT / "scheduler.py"


MODULES = dict(product_files())


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _resolve(name: str) -> str:
    """The product module that ``name`` refers to (``a.b.func`` -> ``a.b``), or ``name`` itself."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            return candidate
    return name


def imports_of(module: str, path: Path) -> set[str]:
    """Every module ``module`` imports, at any depth of its code, resolved to product modules."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_resolve(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                found.add(_resolve(f"{base}.{alias.name}" if base else alias.name))
    found.discard(module)
    return found


GRAPH = {module: imports_of(module, path) for module, path in MODULES.items()}


def layer_violations() -> list[str]:
    problems = []
    for module, deps in sorted(GRAPH.items()):
        for layer, forbidden in FORBIDDEN:
            if not _within(module, layer):
                continue
            allowed = ALLOWED.get(layer, ())
            for dep in sorted(deps):
                if any(_within(dep, f) for f in forbidden) and not any(
                    _within(dep, a) for a in allowed
                ):
                    problems.append(f"{module} ({layer}) imports {dep}")
            break
    return problems


def import_cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    edges = {m: sorted(d for d in deps if d in GRAPH) for m, deps in GRAPH.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for j in range(i, len(edges[node])):
                nxt = edges[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return cycles


def test_every_layer_imports_only_what_lies_below_it() -> None:
    assert layer_violations() == []


def test_product_modules_form_no_import_cycle() -> None:
    assert import_cycles() == []


def test_no_product_file_is_longer_than_the_limit() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in MODULES.values()
        if (n := path.read_text(encoding="utf-8").count("\n")) > MAX_LINES
    }
    assert long == {}


def test_the_checker_sees_deferred_imports_and_cycles(tmp_path: Path) -> None:
    """The rule is only as good as its reading of imports: a function-level import of a
    higher layer, and a two-module cycle, must both be caught."""
    GRAPH["crawler.extraction.__probe__"] = {"storage.models"}
    GRAPH["storage.__probe_a__"] = {"storage.__probe_b__"}
    GRAPH["storage.__probe_b__"] = {"storage.__probe_a__"}
    try:
        assert "crawler.extraction.__probe__ (crawler.extraction) imports storage.models" in (
            layer_violations()
        )
        assert ["storage.__probe_a__", "storage.__probe_b__"] in import_cycles()
    finally:
        for probe in ("crawler.extraction.__probe__", "storage.__probe_a__", "storage.__probe_b__"):
            del GRAPH[probe]
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from newsmon.cli import main\n    return main\n")
    MODULES["crawler.__probe__"] = source
    try:
        assert "newsmon.cli" in imports_of("crawler.__probe__", source)
    finally:
        del MODULES["crawler.__probe__"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_points_outside_the_repository(module: str) -> None:
    """Docstrings and comments name files of this repository only."""
    text = MODULES[module].read_text(encoding="utf-8")
    for outside in ("DESIGN.md", "PERFORMANCE.md", "STYLE.md", "../shared"):
        assert outside not in text, f"{module} mentions {outside}"


@pytest.mark.parametrize(
    "doc", ["README.md", *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").glob("*.md")))]
)
def test_no_document_points_outside_the_repository(doc: str) -> None:
    """The README and docs/ name files of this repository only (a user has nothing else)."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    for outside in ("DESIGN.md", "PERFORMANCE.md", "STYLE.md", "../shared"):
        assert outside not in text, f"{doc} mentions {outside}"
