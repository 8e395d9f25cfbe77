"""The planner notebooks in notebooks/: committed without outputs, written against the public API
only, and executed top to bottom (nbclient, a fresh kernel in a scratch folder) within a time
limit per notebook."""

from __future__ import annotations

import ast
import json
import sys
import time
from pathlib import Path

import pytest

import kcopt

nbformat = pytest.importorskip("nbformat", reason="the notebook tests need the dev extra: "
                               "pip install -e '.[dev]' (nbformat, nbclient, ipykernel)")
nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[dev]'")
pytest.importorskip("ipykernel", reason="pip install -e '.[dev]'")

pytestmark = pytest.mark.slow  # minutes of real processes: not in the lowest-versions CI pass
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LIMIT_S = 90  # per notebook, kernel start included; each runs in well under 30 s here
CELL_LIMIT_S = 60


def test_there_are_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == ["01-quick-start.ipynb", "02-priorities.ipynb",
                                           "03-sensitivity.ipynb",
                                           "04-programme-2026-2030.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: strip the outputs before committing"
            assert cell.execution_count is None, path.name
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_public_api_only_and_reads_like_a_worksheet(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert len(markdown) >= len(code) // 2, "explain the steps in Markdown"
    for source in code:
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("kcopt"), f"{path.name}: {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name == "kcopt" or not alias.name.startswith("kcopt"), \
                        f"{path.name}: import {alias.name}"
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "kcopt"):
                assert node.attr in kcopt.__all__, f"{path.name}: kcopt.{node.attr} is not public"
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                    and isinstance(node.value.value, ast.Name) and node.value.value.id == "kcopt"
                    and node.value.attr == "plots"):
                assert node.attr in kcopt.plots.__all__, f"{path.name}: kcopt.plots.{node.attr}"


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A `python3` kernel on this interpreter (the one kcopt is installed in), whatever
    kernelspec the machine has."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (kcopt tests)", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path, kernel: str) -> None:
    nb = nbformat.read(path, as_version=4)
    work = tmp_path / "work"
    work.mkdir()
    client = nbclient.NotebookClient(nb, timeout=CELL_LIMIT_S, kernel_name=kernel,
                                     resources={"metadata": {"path": str(work)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    assert elapsed < LIMIT_S, f"{path.name} took {elapsed:.0f} s (limit {LIMIT_S} s)"
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # every figure shows as an image, not as "<Figure size …>"
    figures = sum("kcopt.plots." in c.source or ".plot()" in c.source for c in nb.cells
                  if c.cell_type == "code")
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == figures > 0
    assert not any("<Figure size" in o.get("data", {}).get("text/plain", "")
                   and "image/png" not in o.get("data", {}) for o in outputs)
    # what each notebook leaves on disk (in its scratch folder, not in the clone)
    written = {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()}
    expected = {"01-quick-start": "out/quick-start/report.html",
                "02-priorities": "out/greener-vs-base/compare.png",
                "03-sensitivity": "out/committee-report.html",
                "04-programme-2026-2030": "out/programme-2026-2030/allocation_by_year.csv",
                }[path.stem]
    assert expected in written
