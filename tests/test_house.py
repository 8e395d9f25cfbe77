"""The house by stages, kept: each folder of src/kcopt is a stage, at most 8 modules loose at
the top, no module over 500 lines, no function over 50 lines unless its docstring says why
(a line starting "Long:")."""

from __future__ import annotations

import ast
from pathlib import Path

import layers

SRC = layers.SRC
STAGES = {"core", "rules", "io", "inputs", "model", "solvers", "analysis", "present", "cli",
          "app", "data", "locale"}
MAX_MODULE, MAX_FUNCTION, MAX_LOOSE = 500, 50, 8


def test_every_folder_is_a_stage_and_few_modules_are_loose() -> None:
    folders = {p.name for p in SRC.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders <= STAGES, f"a folder that is no stage: {sorted(folders - STAGES)}"
    loose = sorted(p.name for p in SRC.glob("*.py"))
    assert len(loose) <= MAX_LOOSE, loose
    for folder in folders - {"data", "locale"}:
        assert (SRC / folder / "__init__.py").read_text(encoding="utf-8").startswith('"""'), \
            f"{folder}/__init__.py says what the stage holds in its docstring"


def _sizes() -> tuple[list[str], list[str]]:
    big, long = [], []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC).as_posix()
        if len(text.splitlines()) > MAX_MODULE:
            big.append(f"{rel}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            doc = ast.get_docstring(node) or ""
            if length > MAX_FUNCTION and not any(line.strip().startswith("Long:")
                                                 for line in doc.splitlines()):
                long.append(f"{rel}:{node.lineno} {node.name}: {length} lines")
    return big, long


def test_no_module_over_500_lines() -> None:
    big, _ = _sizes()
    assert not big, "split these modules:\n" + "\n".join(big)


def test_no_function_over_50_lines_without_a_reason() -> None:
    _, long = _sizes()
    assert not long, ("split these functions, or say why in a docstring line starting "
                      "'Long:':\n" + "\n".join(long))


def test_the_checks_fire(tmp_path: Path, monkeypatch) -> None:
    """A toy module over the limits is found; a reason in the docstring lets a function pass."""
    pkg = tmp_path / "kcopt"
    pkg.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(55))
    (pkg / "toy.py").write_text(
        f"def long():\n{body}\n\n\ndef explained():\n    \"\"\"Long: a table.\"\"\"\n{body}\n"
        + "\n" * 400, encoding="utf-8")
    monkeypatch.setattr("test_house.SRC", pkg)
    big, long = _sizes()
    assert big == ["toy.py: 515 lines"]
    assert long == ["toy.py:1 long: 56 lines"]
