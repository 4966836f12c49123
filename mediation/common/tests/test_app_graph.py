"""The apps import one another one way only: grimp's import graph of the product (tests left
out) squashed to one node per app has no cycle. `make lint` checks the same with import-linter's
contracts in pyproject.toml; this test also prints the graph, for docs/architecture.md."""

from __future__ import annotations

import grimp

ROOT = "mediation"


def app_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph(ROOT)
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 2 or "tests" in parts:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = imported.split(".")
            if "tests" in target or len(target) < 2 or target[1] == parts[1]:
                continue
            edges.setdefault(parts[1], set()).add(target[1])
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str]:
    """One cycle of apps, or [] when there is none (depth-first search)."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(app: str) -> list[str]:
        state[app] = "open"
        path.append(app)
        for other in sorted(edges.get(app, ())):
            if state.get(other) == "open":
                return path[path.index(other) :] + [other]
            if other not in state and (found := visit(other)):
                return found
        state[app] = "done"
        path.pop()
        return []

    for app in sorted(edges):
        if app not in state and (found := visit(app)):
            return found
    return []


def test_no_app_imports_an_app_that_imports_it_back(capsys):
    edges = app_graph()
    assert _cycle(edges) == []
    with capsys.disabled():
        for app in sorted(edges):
            print(f"{app} -> {', '.join(sorted(edges[app]))}")


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) == []
