"""The sensitivity suite: API on a solved result, files, reproducibility, parallel backends."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import kcopt
from conftest import solve_case
from kcopt.analysis.sensitivity import (
    budget_sweep,
    draw_weights,
    policy_prices,
    ranging,
    run_sensitivity,
    tornado,
    weight_robustness,
)
from kcopt.cli import app
from kcopt.outputs import write_sensitivity

SL = {"province": "Sơn La", "category": "machinery", "total_cost": 600, "level": "central"}


@pytest.fixture(scope="module")
def demo() -> kcopt.Result:
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    return kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))


def three_projects(make_case, **scenario):
    """A 0.9, B 0.6, C 0.3 (scores), each capped at 300 (machinery, 50% of 600, ceiling 300);
    central budget 450: A full, B half; objective 0.9 + 0.3 = 1.2; budget price 0.6/300
    = 0.002 per million, valid from 300 (B out) to 600 (B full) — i.e. +150 / −150."""
    return make_case([dict(SL, project_id="A", name="a", appraisal=90),
                      dict(SL, project_id="B", name="b", appraisal=60),
                      dict(SL, project_id="C", name="c", appraisal=30)],
                     {"budgets": {"central": 450}, "weights": {"appraisal": 1}, **scenario})


def test_ranging_of_a_hand_case(make_case) -> None:
    result = solve_case(three_projects(make_case))
    projects, constraints = ranging(result)
    budget = constraints.set_index("name").loc["budget:central"]
    assert budget["shadow_price"] == pytest.approx(0.002)
    assert (budget["allowable_increase"], budget["allowable_decrease"]) == (150, 150)
    # valid for ±150 only: quoted per 100 million, not per 1,000 (#27)
    assert "each extra 100 million VND of central budget" in budget["sentence"]
    assert "adds 0.2 score points, valid up to +150 million" in budget["sentence"]
    assert "C is the next to enter" in budget["sentence"]
    p = projects.set_index("project_id")
    # A at its cap: value per million 0.003 may fall by 0.001 (to B's 0.002) before it changes
    assert p.loc["A", "allowable_increase"] == np.inf
    assert p.loc["A", "allowable_decrease"] == pytest.approx(0.001)
    assert p.loc["A", "score_decrease_to_change"] == pytest.approx(0.3)
    # C unfunded: must gain 0.001 per million = 0.3 score points to enter
    assert p.loc["C", "score_increase_to_change"] == pytest.approx(0.3)
    assert p.loc["C", "allowable_decrease"] == np.inf
    cap_a = constraints.set_index("name").loc["cap:A"]
    assert cap_a["shadow_price"] == pytest.approx(0.001)


def test_budget_sweep_hand_case(make_case) -> None:
    """Central budget × 0, 0.5, 1, 1.5, 2 = 0, 225, 450, 675, 900. Point by point: 0 → 0;
    225 → A 225/300 → 0.675; 450 → A full + B half → 1.2; 675 → A, B full + C 75/300 →
    0.9 + 0.6 + 0.075 = 1.575; 900 → all three full → 1.8."""
    result = solve_case(three_projects(make_case))
    sweep = budget_sweep(result, points=5, low=0.0, high=2.0, grid=2)
    central = sweep[sweep["sweep"] == "central"]
    assert central["objective"].tolist() == pytest.approx([0, 0.675, 1.2, 1.575, 1.8])
    assert central["category:machinery"].tolist() == pytest.approx([0, 225, 450, 675, 900])
    assert (sweep["sweep"] == "grid").sum() == 4


def test_failed_points_are_recorded(make_case) -> None:
    """A must-fund project needs 300: the sweep points 0 and 225 are below that and infeasible;
    they are recorded and the sweep goes on to 450."""
    sc = make_case([dict(SL, project_id="A", name="a", appraisal=90, must_fund=1),
                    dict(SL, project_id="B", name="b", appraisal=60)],
                   {"budgets": {"central": 450}, "weights": {"appraisal": 1}})
    sweep = budget_sweep(solve_case(sc), points=3, low=0.0, high=1.0, grid=2)
    central = sweep[sweep["sweep"] == "central"]
    assert central["status"].tolist() == ["infeasible", "infeasible", "optimal"]
    assert central["objective"].iloc[2] == pytest.approx(0.9 + 0.3)


def test_policy_price_hand_case(make_case) -> None:
    """A share_max cap of 0.2 on green projects, with green A the best: without it A gets its
    300 and B 150 (1.2). With it, green money ≤ 0.2·T: A's share is forced down. Whatever the
    optimum, meeting the target gives up score ≥ 0, and the shadow price of the binding row
    has the textbook sign for a ≤ row (≥ 0)."""
    sc = make_case([dict(SL, project_id="A", name="a", appraisal=90, green=1),
                    dict(SL, project_id="B", name="b", appraisal=60),
                    dict(SL, project_id="C", name="c", appraisal=30)],
                   {"budgets": {"central": 450}, "weights": {"appraisal": 1},
                    "targets": [{"name": "green_cap", "kind": "share_max", "of": ["green"],
                                 "share": 0.2}]})
    result = solve_case(sc)
    table = policy_prices(result).set_index("target")
    row = table.loc["green_cap"]
    assert row["objective_without"] == pytest.approx(1.2)
    assert row["score_given_up"] == pytest.approx(1.2 - result.objective)
    assert row["score_given_up"] > 0 and row["shadow_price"] > 0


def test_weight_draws_are_seeded_bounded_and_on_the_simplex() -> None:
    w = {"appraisal": 0.5, "green": 0.3, "digital": 0.2}
    a = draw_weights(w, 500, concentration=30, seed=7, bounds={"green": (0.2, 0.4)})
    b = draw_weights(w, 500, concentration=30, seed=7, bounds={"green": (0.2, 0.4)})
    assert np.array_equal(a, b)
    assert np.allclose(a.sum(axis=1), 1)
    assert a[:, 1].min() >= 0.2 and a[:, 1].max() <= 0.4
    assert abs(a[:, 0].mean() - 0.5) < 0.05


def test_robustness_classes_on_demo(demo: kcopt.Result) -> None:
    table = weight_robustness(demo, draws=60, seed=3)
    assert set(table["class"]) <= {"core", "borderline", "exterior", "ineligible", "excluded"}
    funded = table["base_status"] == "funded"
    assert (table.loc[table["class"] == "core", "funded_share"] >= 0.95).all()
    assert table.loc[funded, "funded_share"].mean() > 0.8


def test_jobs_and_dask_give_the_serial_answer(demo: kcopt.Result,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from kcopt.analysis.sensitivity import engine

    serial = weight_robustness(demo, draws=24, seed=5)
    # the demo's draws take milliseconds, so `jobs` would keep them here: send all but the
    # first to the workers
    monkeypatch.setattr(engine, "PARALLEL_AFTER_S", 0.0)
    parallel = weight_robustness(demo, draws=24, seed=5, jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):
        on_dask = weight_robustness(demo, draws=24, seed=5, scheduler=cluster.scheduler_address)
        sweep_dask = budget_sweep(demo, points=3, grid=2, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(serial, on_dask)
    pd.testing.assert_frame_equal(budget_sweep(demo, points=3, grid=2), sweep_dask)


def test_tornado_on_demo(demo: kcopt.Result) -> None:
    table = tornado(demo)
    weights = table[table["kind"] == "weight"]
    assert set(weights["parameter"]) == {k for k, v in demo.model.scenario.weights.items() if v}
    budgets = table[table["kind"] == "budget"].set_index(["parameter", "change"])
    assert budgets.loc[("central budget", -0.2), "delta_objective"] < 0
    assert budgets.loc[("central budget", 0.2), "delta_objective"] >= 0
    assert (table["projects_changed"] >= 0).all()


def test_suite_files_are_reproducible(demo: kcopt.Result, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        s = run_sensitivity(demo, draws=30, seed=11, sweep_points=5, grid=3)
        write_sensitivity(s, demo, folder, plots=folder == a)
    for name in ("ranging_projects", "ranging_constraints", "budget_sweep",
                 "weight_robustness", "tornado", "policy_prices"):
        assert (a / f"{name}.csv").read_bytes() == (b / f"{name}.csv").read_bytes(), name
    text = (a / "ranging_constraints.csv").read_text(encoding="utf-8-sig")
    assert ",inf," in text and "1e+30" not in text.lower()
    import openpyxl

    wb = openpyxl.load_workbook(a / "sensitivity.xlsx")
    assert len(wb.sheetnames) == 7  # the six tables and the nestedness of the frontier
    for png in ("budget_frontiers", "budget_heatmap", "tornado", "robustness"):
        assert (a / "plots" / f"{png}.png").stat().st_size > 10_000
    assert json.loads((a / "sensitivity.json").read_text())["settings"]["seed"] == 11


def test_cli_sensitivity(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["sensitivity", str(kcopt.demo_scenario_path()), "-o",
                                   str(tmp_path), "--draws", "20", "--no-plots",
                                   "--bound", "appraisal=0.3:0.5"])
    assert res.exit_code == 0, res.output
    # the price quoted per an amount its range allows (#27: not per 1,000 valid to +11)
    said = re.search(r"each extra ([\d,]+) million VND of central budget \([\d,]+ million\) "
                     r"adds [\d.,]+ score points, valid up to \+([\d,]+) million", res.output)
    assert said and float(said[1].replace(",", "")) <= float(said[2].replace(",", "")), \
        res.output
    assert (tmp_path / "weight_robustness.csv").exists() and (tmp_path / "allocation.csv").exists()
    bad = CliRunner().invoke(app, ["sensitivity", str(kcopt.demo_scenario_path()), "--bound",
                                   "beauty=0:1"])
    assert bad.exit_code == 2 and "unknown criterion" in bad.output  # a bad option: exit 2


def test_each_draw_gives_one_plan_wherever_and_in_whatever_order_it_runs(
        demo: kcopt.Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """200 draws: serial, reversed, `jobs=2`, and a real Dask cluster whose scheduler and
    workers are separate processes give identical weight_robustness tables (each re-solve
    starts from the base basis, not from whatever its worker solved before)."""
    import socket
    import subprocess
    import sys

    from distributed import Client

    from kcopt.analysis.sensitivity.analyses import WeightTask, _Layout
    from kcopt.analysis.sensitivity.engine import map_points
    from kcopt.model import criteria_matrix

    serial = weight_robustness(demo, draws=200, seed=11)
    model = demo.model
    task = WeightTask(criteria_matrix(model.projects, model.scenario),
                      model.projects["cap"].to_numpy(float), model.col_project,
                      model.scenario.objective, _Layout.of(model))
    weights = list(draw_weights(model.scenario.weights, 40, seed=2))
    forward = map_points(model.lp, task, weights)
    backward = map_points(model.lp, task, weights[::-1])[::-1]
    assert all(np.array_equal(a[2], b[2]) for a, b in zip(forward, backward, strict=True))
    from kcopt.analysis.sensitivity import engine

    monkeypatch.setattr(engine, "PARALLEL_AFTER_S", 0.0)  # the workers, not this process
    pd.testing.assert_frame_equal(serial, weight_robustness(demo, draws=200, seed=11, jobs=2))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    common = ["--no-dashboard"]
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                                  "--host", "127.0.0.1", "--port", str(port), *common],
                                 cwd=tmp_path, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    workers = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                                "--nworkers", "2", "--nthreads", "1", *common],
                               cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        on_dask = weight_robustness(demo, draws=200, seed=11, scheduler=address)
    finally:
        for proc in (workers, scheduler):
            proc.terminate()
            proc.wait(timeout=60)
    pd.testing.assert_frame_equal(serial, on_dask)


def test_jobs_keep_small_work_in_this_process(demo: kcopt.Result) -> None:
    """The demo's 30 draws take milliseconds: `jobs=2` runs them here (no worker started)
    and gives the serial table; the split point is where the projected rest passes
    `PARALLEL_AFTER_S`."""
    from kcopt.analysis.sensitivity import engine

    calls = []

    class Counting:
        def __call__(self, r, p):
            calls.append(p)
            return r.solve().objective

    points = list(range(30))
    assert engine.map_points(demo.model.lp, Counting(), points, jobs=2) == \
        engine.map_points(demo.model.lp, Counting(), points)
    assert len(calls) == 60  # every point ran in this process both times
