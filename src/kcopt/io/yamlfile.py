"""Read a scenario's YAML (or JSON) safely: within the nesting and alias limits of
`kcopt.core.limits`, and refusing a mapping that names the same key twice, which plain YAML loaders
resolve silently by keeping the last value (`central: 8000` then `central: 800000`).

>>> load_yaml(b"budgets: {central: 8000}", "s.yaml")
{'budgets': {'central': 8000}}
>>> try:
...     load_yaml(b"central: 8000\\ncentral: 800000\\n", "s.yaml")
... except InputError as exc:
...     print(exc.problems[0].message)
khóa 'central' xuất hiện hai lần: dòng 1 (8000) và dòng 2 (800000)
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kcopt.core import limits
from kcopt.core.errors import InputError, Problem
from kcopt.core.words import _

_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with a depth limit while composing (deep nesting would otherwise end
    in a RecursionError) and the facts needed to report duplicate keys."""

    def __init__(self, stream: str, max_depth: int, max_nodes: int):
        super().__init__(stream)
        self.depth = self.nodes = 0
        self.max_depth, self.max_nodes = max_depth, max_nodes
        self.too_deep: int | None = None

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        self.nodes += 1
        try:
            if self.depth > self.max_depth:
                mark = self.peek_event().start_mark
                self.too_deep = mark.line + 1
                raise _TooDeep
            if self.nodes > self.max_nodes:
                raise _TooMany
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _TooDeep(Exception):
    pass


class _TooMany(Exception):
    pass


def _expanded_size(root: Node, cap: int) -> int:
    """Values in the document once every alias is expanded (shared nodes counted each time they
    are used), computed without expanding; stops counting past `cap`."""
    memo: dict[int, int] = {}
    visiting: set[int] = set()
    order: list[Node] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:  # post-order without recursion: the nesting may be deep
        node, done = stack.pop()
        if id(node) in memo:
            continue
        if done:
            order.append(node)
            memo[id(node)] = 0
            continue
        if id(node) in visiting:  # an alias inside its own anchor: endless once expanded
            return cap + 1
        visiting.add(id(node))
        stack.append((node, True))
        for child in _children(node):
            if id(child) not in memo:
                stack.append((child, False))
    sizes: dict[int, int] = {}
    for node in order:
        sizes[id(node)] = min(cap + 1, 1 + sum(sizes.get(id(c), 1) for c in _children(node)))
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _duplicates(root: Node, file: str) -> list[Problem]:
    """Every key named twice in one mapping, with both lines and values. Keys brought in by a
    merge (`<<: *base`) may be overridden: that is what merges are for."""
    problems: list[Problem] = []
    seen_nodes: set[int] = set()
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[tuple[str, str], tuple[Node, Node]] = {}
            for key, value in node.value:
                if key.tag == _MERGE_TAG:
                    continue
                if isinstance(key, ScalarNode):
                    ident = (key.tag, key.value)
                    where = f"{path}.{key.value}" if path else str(key.value)
                    if ident in first:
                        k0, v0 = first[ident]
                        problems.append(Problem(
                            file, f"khóa '{key.value}' xuất hiện hai lần: dòng "
                            f"{k0.start_mark.line + 1} ({_show(v0)}) và dòng "
                            f"{key.start_mark.line + 1} ({_show(value)})",
                            "Giữ một dòng và xóa dòng kia", column=where, column_label="key"))
                    else:
                        first[ident] = (key, value)
                    stack.append((value, where))
                else:
                    stack.append((value, path))
        elif isinstance(node, SequenceNode):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(node.value))
    return problems[::-1] if len(problems) > 1 else problems


def _show(node: Node) -> str:
    if isinstance(node, ScalarNode):
        text = str(node.value)
        return text if len(text) <= 40 else text[:40] + "…"
    return "{…}" if isinstance(node, MappingNode) else "[…]"


def key_lines(root: Node) -> dict[str, int]:
    """Each key path of a document (`budgets.central`, `targets[2].share`) → its 1-based line,
    so a message about a key can say where it is written."""
    out: dict[str, int] = {}
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                name = f"{path}.{key.value}" if path else str(key.value)
                out.setdefault(name, key.start_mark.line + 1)
                stack.append((value, name))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                name = f"{path}[{i}]"
                out.setdefault(name, item.start_mark.line + 1)
                stack.append((item, name))
    return out


def load_yaml(raw: bytes, file: str, lines: dict[str, int] | None = None) -> Any:
    """Parse one YAML or JSON document; raise `InputError` for what cannot be read safely.
    `lines`, when given, receives each key path's line (`key_lines`)."""
    lim = limits.current()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, f"tệp không phải văn bản UTF-8 (byte {exc.start})",
                                  "Lưu tệp kịch bản với mã hóa UTF-8")]) from None
    loader = _Loader(text, lim.yaml_depth, lim.yaml_nodes)
    try:
        try:
            root = loader.get_single_node()
        except _TooDeep:
            raise limits.exceeded(file, f"các giá trị lồng nhau quá {lim.yaml_depth} tầng "
                                  f"(tại dòng {loader.too_deep})", "yaml_depth") from None
        except _TooMany:
            root = None
        if root is None and loader.nodes <= lim.yaml_nodes:
            return None
        if root is None or _expanded_size(root, lim.yaml_nodes) > lim.yaml_nodes:
            raise limits.exceeded(file, "tệp có hơn " + f"{lim.yaml_nodes:,}".replace(",", ".")
                                  + " giá trị (tính cả các giá trị lặp lại qua bí danh *anchor)",
                                  "yaml_nodes")
        problems = _duplicates(root, file)
        if problems:
            raise InputError(problems)
        if lines is not None:
            lines.update(key_lines(root))
        return loader.construct_document(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" at line {line}, column {column}").format(
            line=mark.line + 1, column=mark.column + 1) if mark else ""
        raise InputError([Problem(file, _("not valid YAML{where}: {problem}").format(
            where=where, problem=getattr(exc, "problem", exc)),
                                  "Check indentation and quoting")]) from None
    finally:
        loader.dispose()
