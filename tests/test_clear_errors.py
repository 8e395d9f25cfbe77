"""Faults a planner meets, each a clear error in their language — what, the value as written,
where (file and line), the fix — with the documented exit code, never "internal error"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.core.errors import InputError
from kcopt.core.language import using

DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo"


def _scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"name: test\nprojects: {DEMO / 'projects.csv'}\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang,got,line", [("en", "got", "line"),
                                           ("vi", "giá trị nhận được:", "dòng")])
def test_a_nan_budget_is_shown_as_written_with_its_line(tmp_path: Path, lang: str, got: str,
                                                        line: str) -> None:
    path = _scenario(tmp_path, "budgets:\n  central: .nan\n  local:\n    Hà Nội: .inf\n")
    with using(lang), pytest.raises(InputError) as err:
        kcopt.load_scenario(path)
    text = str(err.value)
    assert f"{line} 4" in text and f"{line} 6" in text
    assert f"{got} .nan" in text and f"{got} .inf" in text
    assert "—" not in text


def test_a_merged_and_a_former_province_in_one_budget_file(tmp_path: Path) -> None:
    """Hải Phòng and Hải Dương (merged into it on 1 July 2025) in one local-budgets file: both
    rows named, and the merged province."""
    (tmp_path / "lb.csv").write_text("province,budget\nHải Phòng,3000\nHải Dương,1500\n",
                                     encoding="utf-8")
    path = _scenario(tmp_path, "budgets:\n  central: 1000\n  local: lb.csv\n")
    with using("en"), pytest.raises(InputError) as err:
        kcopt.load_scenario(path)
    (problem,) = err.value.problems
    text = str(problem)
    assert problem.row == 3
    assert "'Hải Dương' and 'Hải Phòng' (row 2) both name Hải Phòng" in text
    assert "1/7/2025" in text and "one row for Hải Phòng" in text


def test_a_bad_weight_bound_is_a_usage_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["--lang", "en", "sensitivity", str(DEMO / "demo.yaml"),
                                   "-o", str(tmp_path / "o"), "--bound", "green=abc"])
    assert res.exit_code == 2, res.output
    assert "--bound must be criterion=low:high" in res.output and "'green=abc'" in res.output
    assert not (tmp_path / "o").exists()


def test_a_scheduler_without_dask_says_how_to_install_it(tmp_path: Path) -> None:
    """Dask made unimportable in a real process: the command says what to install, exit 2."""
    code = ("import sys; sys.modules['distributed'] = None; from kcopt.cli import main; "
            f"sys.argv = ['kcopt', '--lang', 'en', 'sensitivity', {str(DEMO / 'demo.yaml')!r},"
            f" '-o', {str(tmp_path / 'o')!r}, '--draws', '4', '--scheduler', "
            "'tcp://127.0.0.1:1']; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "--scheduler needs Dask" in proc.stderr and "kcopt[dask]" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_nothing_is_left_beside_the_output_folder(tmp_path: Path) -> None:
    """Three runs into one folder at once, then a refused run: each run's set is whole, and
    no lock file, staging or old folder is left beside the folders."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kcopt", "solve", str(DEMO / "demo.yaml"), "-o", str(out)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for _ in range(3)]
    assert all(p.wait(timeout=300) == 0 for p in procs)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("kept", encoding="utf-8")
    refused = subprocess.run([*cmd[:-1], str(foreign)], capture_output=True, text=True,
                             timeout=300)
    assert refused.returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign", "out"]
    assert (foreign / "mine.txt").read_text(encoding="utf-8") == "kept"
    assert kcopt.load_output(out).summary.status == "optimal"


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1.3 MB file system (tmpfs): room for one set of the demo's outputs, not two."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1300k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"this machine does not let tests mount a tmpfs: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_said_and_keeps_the_previous_outputs(small_disk: Path) -> None:
    out = small_disk / "out"
    cmd = [sys.executable, "-m", "kcopt", "solve", str(DEMO / "demo.yaml"), "-o", str(out)]
    assert subprocess.run(cmd, capture_output=True, timeout=300).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    full = subprocess.run([*cmd, "--lang", "en"], capture_output=True, text=True, timeout=300)
    assert full.returncode == 1, full.stderr[-2000:]
    assert "no space left on device" in full.stderr.lower()
    assert "internal error" not in full.stderr and "Traceback" not in full.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in small_disk.iterdir()] == ["out"]
