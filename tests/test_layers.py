"""Imports in `src/kcopt` point one way, down the layers of `tests/layers.py` (README, "Layout"):
no cycle, no upward import — counting imports inside functions and under `TYPE_CHECKING` — and
an import inside a function only where a comment says it buys start-up time."""

from __future__ import annotations

import layers


def test_every_module_has_a_layer() -> None:
    for name in layers.modules():
        layers.layer(name)  # raises for a module in no layer


def test_no_import_points_up() -> None:
    up = [f"{i.source}:{i.line} imports {i.target} "
          f"({layers.LAYERS[layers.layer(i.source)][0]} → "
          f"{layers.LAYERS[layers.layer(i.target)][0]})" for i in layers.upward(layers.imports())]
    assert not up, "imports pointing up:\n" + "\n".join(up)


def test_no_import_cycle() -> None:
    assert not layers.cycles(layers.imports())


def test_imports_inside_functions_say_why() -> None:
    bare = sorted({f"{i.source}:{i.line}" for i in layers.imports()
                   if i.in_function and not i.commented})
    assert not bare, (f"in-function imports without a '# {layers.LAZY_NOTE}' comment (move them "
                      "to the top, or say what start-up time they save):\n" + "\n".join(bare))


def test_the_checker_sees_what_it_must(tmp_path, monkeypatch) -> None:
    """A toy package with an upward import, a cycle through a function and an unexplained
    in-function import: each is found."""
    pkg = tmp_path / "kcopt"
    for folder in ("io", "core"):
        (pkg / folder).mkdir(parents=True)
        (pkg / folder / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "errors.py").write_text("from kcopt.io import read\n")  # core → io: up
    (pkg / "io" / "read.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kcopt.core import errors\n"
        "def f():\n    from kcopt.core import errors\n\n"
        "def g():\n    from kcopt.core import errors  # start-up: a toy\n")
    monkeypatch.setattr(layers, "SRC", pkg)
    found = layers.imports()
    assert {(i.source, i.target) for i in layers.upward(found)} == {
        ("kcopt.core.errors", "kcopt.io.read"), ("kcopt.core.errors", "kcopt.io")}
    assert layers.cycles(found) == [["kcopt.core.errors", "kcopt.io.read"]]
    assert sorted({(i.line, i.commented) for i in found if i.in_function}) == [(5, False),
                                                                              (8, True)]
    assert {i.line for i in found if i.type_checking} == {3}
