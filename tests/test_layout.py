"""The package's layout: no import cycle among src/vidlint modules, leaves that stay leaves.

Every import statement counts as an arrow, wherever it is: at module level, inside a function
(a lazy import only hides a cycle until someone calls the function) or under ``TYPE_CHECKING``
(a type named across a cycle is a dependency across it too).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "vidlint"


def modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package's __init__)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


@cache  # parsed once per test process; the tests only read it
def import_graph() -> dict[str, set[str]]:
    """Module -> the vidlint modules it imports (``from vidlint.x import y``: ``vidlint.x.y`` when
    that is a module, else ``vidlint.x``)."""
    known = modules()

    def owner(name: str) -> str:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in known.items():
        package = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(owner(alias.name) for alias in node.names if alias.name.startswith("vidlint"))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                    + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                if base == "vidlint" or base.startswith("vidlint."):
                    targets.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else owner(base)
                                   for alias in node.names)
        targets.discard(name)
        targets.discard("")
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan), as a path a -> ... -> a."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_through(group, graph) for group in groups]


def _path_through(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest cycle from the group's first module back to it (breadth first, inside the group)."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    return sorted(group)


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_import_cycle_among_vidlint_modules() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_cycle_finder_finds_a_lazy_import_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_remote_and_probe_are_leaves() -> None:
    """Probing (local or over the network) imports nothing of the lint above it: no check, rules,
    settings, report or CLI module."""
    graph = import_graph()
    above = ("vidlint.check", "vidlint.rules", "vidlint.api", "vidlint.run", "vidlint.load", "vidlint.cli",
             "vidlint.report", "vidlint.submit", "vidlint.settings", "vidlint.models", "vidlint.lsp")
    for leaf in ("vidlint.remote", "vidlint.probe"):
        members = [name for name in graph if name == leaf or name.startswith(leaf + ".")]
        needed = set().union(*(reachable(graph, m) for m in members))
        assert not [n for n in needed if n.startswith(above)], (leaf, sorted(needed))


def test_the_core_imports_nothing_above_it() -> None:
    graph = import_graph()
    for name in [n for n in graph if n.startswith("vidlint.core")]:
        assert all(t == "vidlint" or t.startswith("vidlint.core") for t in graph[name]), (name, sorted(graph[name]))
