"""Every output folder carries the SHA-256 of each file its run wrote; a command that reads the
folder back refuses one whose tables changed (naming the file) and says which documents were
edited — never a committee report of half a plan."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.core.errors import OutputError
from kcopt.io.folders import MARKER, changed_files


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    kcopt.run(kcopt.load_scenario(kcopt.demo_scenario_path()), out=out, plots=False)
    return out


def _copy(folder: Path, tmp_path: Path) -> Path:
    shutil.copytree(folder, tmp_path / "copy")
    return tmp_path / "copy"


def test_the_marker_holds_each_files_hash(solved: Path) -> None:
    info = json.loads((solved / MARKER).read_text(encoding="utf-8"))
    assert set(info["sha256"]) == set(info["files"]) >= {"allocation.csv", "summary.json",
                                                          "allocation.xlsx", "annex.xlsx"}
    for rel, digest in info["sha256"].items():
        assert hashlib.sha256((solved / rel).read_bytes()).hexdigest() == digest
    assert changed_files(solved) == []


def test_a_table_cut_in_half_is_refused_by_name(solved: Path, tmp_path: Path) -> None:
    folder = _copy(solved, tmp_path)
    path = folder / "allocation.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8-sig")
    assert changed_files(folder) == [("allocation.csv", "changed")]
    with pytest.raises(OutputError, match=r"allocation\.csv"):
        kcopt.load_output(folder)
    runner = CliRunner()
    for args in (["report", str(folder)], ["compare", str(solved), str(folder)]):
        res = runner.invoke(app, ["--lang", "en", *args])
        assert res.exit_code == 1, res.output
        assert "allocation.csv" in res.output and "was changed after the run" in res.output
        assert "Traceback" not in res.output
    assert not (folder / "report.html").exists()


def test_a_missing_summary_is_named(solved: Path, tmp_path: Path) -> None:
    folder = _copy(solved, tmp_path)
    (folder / "summary.json").unlink()
    res = CliRunner().invoke(app, ["--lang", "en", "report", str(folder)])
    assert res.exit_code == 1
    assert "'summary.json' is missing" in res.output


def test_an_edited_workbook_is_said_not_refused(solved: Path, tmp_path: Path) -> None:
    """A planner may edit allocation.xlsx; the report still reads the plan's tables and says
    which document changed; the report it adds is hashed in its turn."""
    folder = _copy(solved, tmp_path)
    with open(folder / "allocation.xlsx", "ab") as f:
        f.write(b"\0")
    res = CliRunner().invoke(app, ["--lang", "en", "report", str(folder)])
    assert res.exit_code == 0, res.output
    assert "'allocation.xlsx' was changed after the run" in res.output
    info = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    assert info["sha256"]["report.html"] == hashlib.sha256(
        (folder / "report.html").read_bytes()).hexdigest()
    assert changed_files(folder) == [("allocation.xlsx", "changed")]


def test_a_folder_without_hashes_reads_as_before(solved: Path, tmp_path: Path) -> None:
    """A folder written before kcopt kept hashes has nothing to compare with."""
    folder = _copy(solved, tmp_path)
    info = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    del info["sha256"]
    (folder / MARKER).write_text(json.dumps(info), encoding="utf-8")
    assert changed_files(folder) == []
    assert kcopt.load_output(folder).changed == []
