"""No import cycles inside simulator/.

A cycle makes the import order matter (a module half-initialised when its partner reads
it), hides which module is the lower one, and defeats the layer contracts, which only
look at imports between packages. Function-level imports count: an import moved into a
function to dodge a cycle still ties the two modules together. Imports under
``if TYPE_CHECKING`` do not run and are left out. The whole package is checked, the
service layer and the UI included.
"""

from __future__ import annotations

import grimp

def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root) & modules)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child) & modules))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    """One concrete loop through the component, with the import lines that close it."""
    first, members = component[0], set(component)
    chain: tuple[str, ...] | None = None
    for other in component[1:]:
        there = graph.find_shortest_chain(importer=first, imported=other)
        back = graph.find_shortest_chain(importer=other, imported=first)
        if there and back:
            chain = (*there, *back[1:])
            break
    links = []
    for importer, imported in zip(chain or (), (chain or ())[1:]):
        details = graph.get_import_details(importer=importer, imported=imported)
        where = f" (line {details[0]['line_number']}: {details[0]['line_contents']})" if details else ""
        links.append(f"  {importer} -> {imported}{where}")
    return f"cycle among {sorted(members)}:\n" + "\n".join(links)


def test_cycle_finder_finds_a_cycle() -> None:
    """The check itself: a graph with a known loop is reported, one without is not."""
    graph = grimp.ImportGraph()
    for name in ("pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.d")
    assert _cycles(graph, set(graph.modules)) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert "pkg.c -> pkg.a" in _describe(graph, ["pkg.a", "pkg.b", "pkg.c"])
    graph.remove_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(graph, set(graph.modules)) == []


def test_no_import_cycles_in_simulator() -> None:
    graph = grimp.build_graph("simulator", exclude_type_checking_imports=True)
    modules = set(graph.modules)
    assert {"simulator.service.practice", "simulator.ui.pages.practice"} <= modules
    assert len(modules) > 100, "the graph did not find the package's modules"
    problems = [_describe(graph, component) for component in _cycles(graph, modules)]
    assert not problems, "import cycles:\n" + "\n".join(problems)
