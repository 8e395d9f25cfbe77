"""Faults a planner's machine meets, in the suite: a run killed (kill -9) while it writes each of
its outputs, and a scenario edited while a run reads it. Each time the output folder holds one
run's files, whole and matching their recorded hashes (or the previous run's), and the inputs
are byte for byte what the planner wrote."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import kcopt
from test_outputs import leftovers, whole_set

pytestmark = pytest.mark.slow  # minutes of real processes: not in the lowest-versions CI pass
DEMO = kcopt.demo_scenario_path()


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(DEMO.parent, folder, ignore=shutil.ignore_patterns("*2026-2030*", "*mip*",
                                                                       "generate.py"))
    return folder / DEMO.name


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _solve(scenario: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kcopt", "solve", str(scenario), "-o",
                             str(out), *extra], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def _consistent(out: Path) -> dict:
    """The set is whole, every file matches the hash its run recorded, and the scenario hash
    recorded is that of a scenario whose budget the plan used."""
    marker = whole_set(out)
    for name, digest in marker["sha256"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    kcopt.load_output(out)  # kcopt's own check of the folder agrees
    return marker


def _writing(parent: Path, name: str) -> bool:
    """A staging folder holds `name`, whole or as the temporary file it is written to."""
    stem = Path(name).name
    for stage in parent.glob(".plan.kcopt-new-*"):
        try:
            for p in stage.rglob("*"):
                if p.name == stem or p.name.startswith(f".{stem}."):
                    return True
        except FileNotFoundError:  # the run put its set in place (or cleared it) meanwhile
            continue
    return False


def test_kill_during_each_outputs_write_leaves_old_or_new_whole(tmp_path: Path) -> None:
    scenario = _inputs(tmp_path)
    other = scenario.with_name("cut.yaml")
    other.write_text(f"extends: {scenario.name}\nbudgets: {{central: 90000}}\n",
                     encoding="utf-8")
    inputs = _snapshot(scenario.parent)
    out = tmp_path / "out" / "plan"
    assert _solve(scenario, out).wait() == 0
    old = _consistent(out)
    caught = []
    for name in sorted(old["files"]):
        proc = _solve(other, out)
        deadline = time.monotonic() + 120
        while proc.poll() is None and not _writing(out.parent, name):
            assert time.monotonic() < deadline, f"{name} never appeared"
            time.sleep(0.001)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            caught.append(name)
        proc.wait()
        state = _consistent(out)
        assert state["run_id"] == old["run_id"] or state["central_budget"] == 90000, name
        if state["run_id"] != old["run_id"]:  # the run finished first: back to the old set
            assert _solve(scenario, out).wait() == 0
            old = _consistent(out)
        assert _snapshot(scenario.parent) == inputs, "an input was changed"
    print(f"killed while writing: {caught}")
    assert {"allocation.xlsx", "annex.xlsx"} <= set(caught), caught
    assert _solve(other, out).wait() == 0  # the next run clears what the killed ones left
    assert _consistent(out)["central_budget"] == 90000
    assert leftovers(out.parent) == []


@pytest.mark.parametrize("delay", [0.0, 0.2, 0.6])
def test_a_scenario_edited_while_the_run_reads_it(tmp_path: Path, delay: float) -> None:
    """The planner saves the scenario again while kcopt reads it: the run's plan and its
    recorded scenario hash belong to one and the same version of the file (or the run stops
    with an error and the previous set stays)."""
    scenario = _inputs(tmp_path)
    out = tmp_path / "out" / "plan"
    assert _solve(scenario, out, "--no-plots").wait() == 0
    before = scenario.read_bytes()
    data = yaml.safe_load(before)
    data["budgets"]["central"] = 90000
    after = yaml.safe_dump(data, allow_unicode=True).encode()
    versions = {hashlib.sha256(v).hexdigest(): budget
                for v, budget in ((before, 105000), (after, 90000))}
    proc = _solve(scenario, out, "--no-plots")
    time.sleep(delay)
    scenario.write_bytes(after)
    err = proc.communicate()[1].decode()
    assert "Traceback" not in err and "internal error" not in err
    state = _consistent(out)
    recorded = kcopt.load_output(out).summary.provenance.inputs_sha256[scenario.name]
    assert versions[recorded] == state["central_budget"]
    assert scenario.read_bytes() == after
    assert leftovers(out.parent) == []
