"""Every input file is read once: the bytes hashed into the plan's provenance are the bytes the
plan was made from, even when the file changes between loading the scenario and solving it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

import kcopt

DEMO = Path(kcopt.demo_scenario_path()).parent


def _demo_copy(tmp_path: Path, fmt: str) -> Path:
    """The demo scenario in `tmp_path`, its project list as `projects.<fmt>`."""
    for name in ("demo.yaml", "local-budgets.csv"):
        shutil.copy(DEMO / name, tmp_path / name)
    frame = pd.read_csv(DEMO / "projects.csv", dtype=str, keep_default_na=False)
    _write(frame, tmp_path / f"projects.{fmt}")
    scenario = tmp_path / "demo.yaml"
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("projects: projects.csv", f"projects: projects.{fmt}"),
                        encoding="utf-8")
    return scenario


def _write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    else:
        frame.to_excel(path, index=False, engine="openpyxl")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_list_changed_after_loading_is_not_mixed_up(tmp_path: Path, fmt: str) -> None:
    scenario = _demo_copy(tmp_path, fmt)
    path = tmp_path / f"projects.{fmt}"
    sc = kcopt.load_scenario(scenario)
    loaded = path.read_bytes()
    assert sc.input_hashes[path.name] == hashlib.sha256(loaded).hexdigest()

    # the planner edits the list while kcopt works: half the projects go
    _write(pd.read_csv(DEMO / "projects.csv", dtype=str, keep_default_na=False).iloc[:400], path)
    assert path.read_bytes() != loaded

    run = kcopt.run(sc)
    assert run.allocation is not None and run.summary is not None
    # the plan is made of the list that was hashed, and says so
    assert len(run.allocation) == 800
    assert run.summary.provenance.inputs_sha256[path.name] == hashlib.sha256(
        loaded).hexdigest()
    assert run.scenario.project_bytes is None  # not carried past the read


def test_a_scenario_pointed_at_another_list_reads_that_list(tmp_path: Path) -> None:
    from dataclasses import replace

    scenario = _demo_copy(tmp_path, "csv")
    sc = kcopt.load_scenario(scenario)
    other = tmp_path / "other.csv"
    pd.read_csv(DEMO / "projects.csv", dtype=str, keep_default_na=False).iloc[:100].to_csv(
        other, index=False, encoding="utf-8", lineterminator="\n")
    run = kcopt.run(replace(sc, projects=other))
    assert run.allocation is not None and len(run.allocation) == 100


def _bytes_read() -> int:
    """Bytes this process has read through read(2) and the like so far (Linux)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="Linux /proc needed")
def test_a_local_budget_file_is_read_once(tmp_path: Path) -> None:
    scenario = _demo_copy(tmp_path, "csv")
    budgets = pd.read_csv(DEMO / "local-budgets.csv", dtype=str, keep_default_na=False)
    budgets["note"] = "x" * 30_000  # 34 rows × 30 kB: about 1 MB, far above everything else
    budgets.to_csv(tmp_path / "local-budgets.csv", index=False, encoding="utf-8")
    size = (tmp_path / "local-budgets.csv").stat().st_size
    kcopt.load_scenario(scenario)  # warm: the bundled rules and geography are read once
    before = _bytes_read()
    sc = kcopt.load_scenario(scenario)
    read = _bytes_read() - before
    assert sc.local_budgets["Hà Nội"] == 8020.0
    assert size <= read < 2 * size  # once, not twice (the small files add some kB)


def test_validate_checks_the_list_it_hashed(tmp_path: Path) -> None:
    """`kcopt validate scenario.yaml` parses the bytes read when the scenario was loaded."""
    from kcopt.inputs.schema import read_projects

    scenario = _demo_copy(tmp_path, "csv")
    sc = kcopt.load_scenario(scenario)
    (tmp_path / "projects.csv").write_text("not,a,project,list\n", encoding="utf-8")
    projects = read_projects(sc.projects, sc.sheet, money_scale=sc.money_scale,
                             province=sc.province, data=sc.project_data())
    assert len(projects) == 800


@pytest.mark.parametrize("how", ["key", "option"])
def test_an_approved_plan_changed_after_loading_is_not_mixed_up(tmp_path: Path,
                                                                how: str) -> None:
    """The approved plan hashed when the scenario is loaded (`approved:`, or `--approved`
    through `Scenario.with_approved`) is the plan the re-plan keeps: an edit made to the file
    while kcopt works reaches neither the changes nor the provenance."""
    import yaml

    scenario = _demo_copy(tmp_path, "csv")
    first = kcopt.run(kcopt.load_scenario(scenario))
    assert first.allocation is not None
    plan = tmp_path / "approved.csv"
    first.allocation.to_csv(plan, index=False, encoding="utf-8-sig")
    if how == "key":
        data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
        data["approved"] = {"plan": "approved.csv"}
        scenario.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        sc = kcopt.load_scenario(scenario)
    else:
        sc = kcopt.load_scenario(scenario).with_approved(plan)
    loaded = plan.read_bytes()
    digest = hashlib.sha256(loaded).hexdigest()
    assert digest in sc.input_hashes.values()

    # the plan's file is overwritten while kcopt works: every amount becomes 0
    edited = first.allocation.copy()
    edited[["central", "local"]] = 0.0
    edited.to_csv(plan, index=False, encoding="utf-8-sig")

    run = kcopt.run(sc)
    assert run.changes is not None and run.summary is not None
    # nothing forced a change: the plan loaded is kept to the đồng (against the edited file,
    # every funded project would have changed)
    assert len(run.changes) and (run.changes["change"].abs() < 1e-6).all()
    assert digest in run.summary.provenance.inputs_sha256.values()
    assert run.scenario.approved is not None and run.scenario.approved.plan_bytes is None
