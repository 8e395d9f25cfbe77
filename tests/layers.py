"""The layers of `src/kcopt` and the imports between its modules, read with `ast`.

`tests/test_layers.py` fails when an import points up or forms a cycle;
`python tests/layers.py` prints the figures (cycles, upward imports, in-function imports,
largest module, function and class). Every import counts: at the top, inside a function and
under `TYPE_CHECKING`; importing `kcopt.a.b` also runs the package `kcopt.a`.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "kcopt"

# The stages, lowest first: each is a folder of src/kcopt (or one loose module), and a module
# may import its own stage and the stages below it. A new module needs no entry here: its folder
# names its stage. CONTRIBUTING.md's map of the house says the same in words.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("core", ("kcopt._version", "kcopt.core")),
    ("rules", ("kcopt.rules",)),
    ("io", ("kcopt.io",)),
    ("inputs", ("kcopt.inputs",)),
    ("model", ("kcopt.model",)),
    ("solvers", ("kcopt.solvers",)),
    ("analysis", ("kcopt.analysis",)),
    ("pipeline", ("kcopt.pipeline",)),
    ("present", ("kcopt.present",)),
    ("outputs", ("kcopt.outputs",)),
    ("commands", ("kcopt.cli", "kcopt.app", "kcopt.__main__", "kcopt")),
]

# an import inside a function says, in a comment on it or above it in the function, that it
# buys start-up time (and it must point down like any other)
LAZY_NOTE = "start-up"


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    in_function: bool
    type_checking: bool
    commented: bool


def layer(module: str) -> int:
    best, rank = -1, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best:
                best, rank = len(p), i
    if rank < 0:
        raise LookupError(f"{module} is in no layer: add it to LAYERS in tests/layers.py")
    return rank


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports() -> list[Import]:
    mods = modules()
    found: list[Import] = []
    for name, path in mods.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]

        def commented(node: ast.stmt, start: int | None) -> bool:
            """A `# start-up` comment on the import, or above it in its function."""
            if start is None:
                return False
            around = lines[start - 1: node.end_lineno or node.lineno]  # noqa: B023
            return any(LAZY_NOTE in line.partition("#")[2] for line in around)

        def add(node: ast.stmt, target: str, func: int | None, tc: bool) -> None:
            targets = [target]
            while "." in target:  # importing kcopt.a.b runs kcopt.a first
                target = target.rpartition(".")[0]
                if target != "kcopt" and not name.startswith(target + "."):  # noqa: B023
                    targets.append(target)  # a package's own modules run inside it
            for t in targets:
                if t in mods and t != name:  # noqa: B023
                    found.append(Import(name, t, node.lineno, func is not None,  # noqa: B023
                                        tc, commented(node, func)))

        def visit(node: ast.AST, func: int | None, tc: bool) -> None:
            """`func`: the first line of the function the node is in, if any."""
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.Import):
                    for alias in child.names:
                        if alias.name.split(".")[0] == "kcopt":
                            add(child, alias.name, func, tc)
                elif isinstance(child, ast.ImportFrom):
                    base = child.module or ""
                    if child.level:
                        up = package.split(".")  # noqa: B023
                        up = up[: len(up) - child.level + 1]
                        base = ".".join([*up, base] if base else up)
                    if base.split(".")[0] != "kcopt":
                        continue
                    for alias in child.names:
                        full = f"{base}.{alias.name}"
                        add(child, full if full in mods else base, func, tc)
                elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    for stmt in child.body:
                        visit(ast.Module(body=[stmt], type_ignores=[]), func, True)
                    for stmt in child.orelse:
                        visit(ast.Module(body=[stmt], type_ignores=[]), func, tc)
                else:
                    inner = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                    visit(child, child.lineno if inner and func is None else func, tc)

        visit(ast.parse(text), None, False)
    return found


def upward(found: list[Import]) -> list[Import]:
    return [i for i in found if layer(i.target) > layer(i.source)]


def cycles(found: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for i in found:
        graph.setdefault(i.source, set()).add(i.target)
        graph.setdefault(i.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def sizes() -> tuple[tuple[int, str], tuple[int, str], tuple[int, str]]:
    """Largest module, function and class, in lines."""
    module = function = klass = (0, "")
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        module = max(module, (len(text.splitlines()), name))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                entry = (size, f"{name}:{node.name}")
                if isinstance(node, ast.ClassDef):
                    klass = max(klass, entry)
                else:
                    function = max(function, entry)
    return module, function, klass


def main() -> None:
    found = imports()
    statements = {(i.source, i.line) for i in found}
    in_function = {(i.source, i.line) for i in found if i.in_function}
    checking = {(i.source, i.line) for i in found if i.type_checking}
    up = upward(found)
    loops = cycles(found)
    module, function, klass = sizes()
    print(f"kcopt import statements: {len(statements)} ({len(in_function)} in functions, "
          f"{len(checking)} under TYPE_CHECKING)")
    print(f"cycles: {len(loops)} ({sum(map(len, loops))} modules)")
    for loop in loops:
        print("   ", " ".join(m.removeprefix("kcopt.") for m in loop))
    up_statements = {(i.source, i.line) for i in up}
    print(f"upward imports: {len({(i.source, i.target) for i in up})} module pairs, "
          f"{len(up_statements)} statements")
    for i in sorted(up, key=lambda i: (i.source, i.line)):
        kind = "function" if i.in_function else "TYPE_CHECKING" if i.type_checking else "top"
        print(f"    {i.source}:{i.line} -> {i.target} ({kind}, "
              f"{LAYERS[layer(i.source)][0]} -> {LAYERS[layer(i.target)][0]})")
    bare = {(i.source, i.line) for i in found if i.in_function and not i.commented}
    print(f"in-function imports without a start-up note: {len(bare)}")
    print(f"largest module: {module[1]} ({module[0]} lines); largest function: {function[1]} "
          f"({function[0]} lines); largest class: {klass[1]} ({klass[0]} lines)")


if __name__ == "__main__":
    main()
