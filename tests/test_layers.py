"""The house's layers, read from the source with `ast` (imports at module level and inside functions alike):

- no import cycle among the modules of bot/, handlers/ and jobs/;
- handlers -> feature services -> models: a models module imports only models (and the clock); bot/ imports
  neither handlers nor jobs, except the composition root that puts the features together; handlers never import
  jobs, jobs never import handlers;
- Block Kit builders (bot/block_kit.py, bot/<feature>/blocks_*.py) are pure: they take data, and import no
  database, session, delivery or runtime, and no service (a module that does).

Imports under `if TYPE_CHECKING:` are for annotations only and are not followed; `lazy("module", ...)` and
`listener("module", ...)` (bot/lazy.py) are imports of their module.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "jobs")
# Where the features are put together: the only modules of bot/ that import handlers and jobs.
COMPOSITION_ROOT = {"bot.app", "bot.features", "bot.__main__", "bot.server", "bot.worker_process"}
# The emulator and its drivers sit above the app (they start it, and move its clock): not product layers.
TOOLS = "bot.sandbox"
# What makes a module a service (it reads or writes the database, queues posts, or holds the runtime).
# `lazy("module", "name")` and `listener("module", "name")` (bot/lazy.py) import their module on first call.
LAZY = {"lazy", "listener"}
IMPURE = {"bot.db", "bot.delivery", "bot.runtime", "sqlmodel.Session", "sqlmodel.select", "sqlmodel.col",
          "sqlalchemy", "sqlalchemy.orm"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _callee(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def imported_names(source: str, name: str, *, is_package: bool = False) -> set[str]:
    """Every module (or module.name) `source` imports, wherever the import statement is."""
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if _type_checking_only(node):
            for child in getattr(node, "orelse", []):
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _callee(node) in LAZY and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            found.add(node.args[0].value)  # imported when first called (bot/lazy.py)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


@cache
def imports() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    mods = modules()
    graph = {}
    for name, path in mods.items():
        raw = imported_names(path.read_text(), name, is_package=path.name == "__init__.py")
        graph[name] = {m for m in raw if m in mods and m != name}
    return graph


@cache
def raw_imports(name: str) -> frozenset[str]:
    path = modules()[name]
    return frozenset(imported_names(path.read_text(), name, is_package=path.name == "__init__.py"))


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph`, as the list of its modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                cycle = walk(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = walk(node)
            if cycle:
                return cycle
    return None


def is_builder(name: str) -> bool:
    return name == "bot.block_kit" or (name.startswith("bot.") and name.rpartition(".")[2].startswith("blocks_"))


def is_models(name: str) -> bool:
    return name == "bot.models" or name.startswith("bot.models.") or name.endswith(".models") \
        or name.endswith("_models")


@cache
def is_service(name: str) -> bool:
    """A module that touches the database, the outbox or the runtime (itself)."""
    return not is_models(name) and bool(raw_imports(name) & IMPURE)


def test_the_walk_sees_every_package() -> None:
    names = modules()
    assert {"bot.app", "bot.features", "handlers.common", "jobs.scheduler"} <= set(names)
    assert any(is_builder(n) for n in names) and any(is_service(n) for n in names)


def test_no_import_cycles() -> None:
    cycle = find_cycle(imports())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_is_found_even_through_a_function_level_import() -> None:
    graph = {"bot.a": {"bot.b"}, "bot.b": set()}
    late = imported_names("def f():\n    from bot.a import x\n", "bot.b")
    graph["bot.b"] = {m for m in late if m in graph}
    assert find_cycle(graph) == ["bot.a", "bot.b", "bot.a"]
    assert imported_names("if TYPE_CHECKING:\n    import bot.a\n", "bot.b") == set()
    assert imported_names("x = lazy('bot.a', 'f')\n", "bot.b") == {"bot.a"}


def test_builders_are_pure() -> None:
    bad = {}
    for name in sorted(modules()):
        if not is_builder(name):
            continue
        wrong = sorted((raw_imports(name) & IMPURE) | {m for m in imports()[name] if is_service(m)})
        if wrong:
            bad[name] = wrong
    assert not bad, f"Block Kit builders must take data, not fetch it: {bad}"


def test_models_import_only_models() -> None:
    bad = {name: sorted(m for m in imports()[name] if not is_models(m) and m != "bot.clock")
           for name in modules() if is_models(name)}
    assert not {k: v for k, v in bad.items() if v}


@pytest.mark.parametrize(("layer", "forbidden"), [("handlers", "jobs"), ("jobs", "handlers")])
def test_handlers_and_jobs_stay_apart(layer: str, forbidden: str) -> None:
    bad = {name: sorted(m for m in imports()[name] if m.split(".")[0] == forbidden)
           for name in modules() if name.split(".")[0] == layer}
    assert not {k: v for k, v in bad.items() if v}


def test_the_product_does_not_import_its_listeners_or_jobs() -> None:
    bad = {}
    for name in modules():
        if not name.startswith("bot.") or name in COMPOSITION_ROOT or name.startswith(TOOLS):
            continue
        wrong = sorted(m for m in imports()[name] if m.split(".")[0] in ("handlers", "jobs"))
        if wrong:
            bad[name] = wrong
    assert not bad, f"only {sorted(COMPOSITION_ROOT)} put handlers and jobs together: {bad}"
