"""`kcopt sensitivity` on every scenario the solver accepts, through the command line: no
target, one target, one weight, one project, zero budgets, identical draws, `--draws 0`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from kcopt.cli import app

SL = {"province": "Sơn La", "category": "machinery", "total_cost": 600, "level": "central",
      "appraisal": 80, "green": 0, "digital": 0}
THREE = [dict(SL, project_id="A", name="a", appraisal=90, green=1),
         dict(SL, project_id="B", name="b", appraisal=60),
         dict(SL, project_id="C", name="c", appraisal=30, digital=1)]
WEIGHTS = {"appraisal": 0.6, "green": 0.2, "digital": 0.2}


def write_case(folder: Path, projects: list[dict[str, Any]], **scenario: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(projects).to_csv(folder / "projects.csv", index=False)
    data = {"name": folder.name, "projects": "projects.csv", "weights": WEIGHTS,
            "budgets": {"central": 450}, **scenario}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                          encoding="utf-8")
    return folder / "scenario.yaml"


def sensitivity(scenario: Path, out: Path, *extra: str, draws: str = "8"):
    """`kcopt sensitivity` with its plots, then `kcopt report` on what it wrote."""
    res = CliRunner().invoke(app, ["sensitivity", str(scenario), "-o", str(out), "--draws",
                                   draws, *extra])
    assert res.exit_code == 0, res.output
    assert "internal error" not in res.output
    for name in ("ranging_projects", "ranging_constraints", "budget_sweep",
                 "weight_robustness", "tornado", "policy_prices"):
        assert (out / f"{name}.csv").exists(), name
    assert (out / "sensitivity.xlsx").exists()
    assert (out / "plots" / "robustness.png").exists()
    rep = CliRunner().invoke(app, ["report", str(out)])
    assert rep.exit_code == 0, rep.output
    assert (out / "report.html").stat().st_size > 10_000
    return res


CASES = {
    "no_target": (THREE, {}),
    "one_target": (THREE, {"targets": [{"name": "xanh", "kind": "share_min", "of": ["green"],
                                        "share": 0.5}]}),
    "one_weight": (THREE, {"weights": {"appraisal": 1}}),
    "one_project": (THREE[:1], {}),
    "zero_budgets": (THREE, {"budgets": {"central": 0, "local": {"Sơn La": 0}}}),
    "identical_draws": (THREE, {"weights": {"appraisal": 1},
                                "targets": [{"name": "xanh", "kind": "share_min",
                                             "of": ["green"], "share": 0.2}]}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_sensitivity_runs_on_every_solvable_scenario(tmp_path: Path, case: str) -> None:
    projects, scenario = CASES[case]
    res = sensitivity(write_case(tmp_path / case, projects, **scenario), tmp_path / "out")
    out = tmp_path / "out"
    prices = pd.read_csv(out / "policy_prices.csv")
    assert len(prices) == len(scenario.get("targets", []))
    if not scenario.get("targets"):
        assert "no policy target" in res.output
    robust = pd.read_csv(out / "weight_robustness.csv")
    assert len(robust) == len(projects)
    settings = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))["settings"]
    assert settings["draws"] == 8


def test_zero_budgets_fund_nothing_and_say_so(tmp_path: Path) -> None:
    projects, scenario = CASES["zero_budgets"]
    sensitivity(write_case(tmp_path / "z", projects, **scenario), tmp_path / "out")
    robust = pd.read_csv(tmp_path / "out" / "weight_robustness.csv")
    assert (robust["funded_share"] == 0).all() and (robust["class"] == "exterior").all()


def test_identical_draws_agree_with_the_plan(tmp_path: Path) -> None:
    """One weight: every draw is the scenario's own weights, so each project is funded in all
    draws or in none, exactly as in the plan (A full, B half → B never 'funded')."""
    projects, scenario = CASES["identical_draws"]
    sensitivity(write_case(tmp_path / "i", projects, **scenario), tmp_path / "out")
    robust = pd.read_csv(tmp_path / "out" / "weight_robustness.csv").set_index("project_id")
    alloc = pd.read_csv(tmp_path / "out" / "allocation.csv").set_index("project_id")
    assert set(robust["funded_share"]) <= {0.0, 1.0}
    for pid in robust.index:
        assert (robust.loc[pid, "funded_share"] == 1.0) == (alloc.loc[pid, "status"] == "funded")


def test_zero_draws(tmp_path: Path) -> None:
    res = sensitivity(write_case(tmp_path / "d", THREE), tmp_path / "out", draws="0")
    robust = pd.read_csv(tmp_path / "out" / "weight_robustness.csv")
    assert len(robust) == 3 and set(robust["class"]) == {"not_run"}
    assert "0 weight draws" in res.output
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "0 weight draws" in page
