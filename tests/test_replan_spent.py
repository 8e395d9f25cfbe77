"""A re-plan's tolerance does not leave money idle (issue 25; docs/replan.md, "floor:spent").

A tolerance τ > 0 lets the second stage give up score to move less money. Without a floor on
what each budget spends, the cheapest way to "move less" is to leave money unspent: a freed or
added million not given to anyone moves nothing. The `floor:spent` rows keep each budget —
central, each province's local — spending at least what the first stage (the best score's
plan) spent from it.

The hand-built cases are test_replan.py's: ten machinery projects of Hà Nội, each capped at
200, approved at 100 each; every score is 1 per million (weighted_funds, appraisal 100), so the
score of a plan is the money it spends and S* = the budget. With τ = 1% the score floor alone
lets the second stage give up 1% of S* — 10 million left idle.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kcopt
from kcopt.analysis.changes import moved_money
from kcopt.model.names import RowId, parse_row
from kcopt.pipeline import run as compute
from test_replan import DONG, EVEN, HN, checked, project, write_case

TOL = 0.01  # 1% of the score: 10 million of 1.000 (10.5 of 1.050)


def test_a_top_up_is_spent_whole_within_a_tolerance(tmp_path: Path, backend: str) -> None:
    """A 5% central top-up (1.050) with τ = 1%: the best plan spends 1.050, so the re-plan
    does too — the 50 added to the projects, 50 moved. The score floor alone gave 1.039,5
    (10,5 idle, 39,5 moved)."""
    path = write_case(tmp_path, [project(i) for i in range(1, 11)], EVEN,
                      approved={"plan": "approved.csv", "tolerance": TOL},
                      budget_change={"central": "+5%"})
    r = compute(path, solver=backend)
    alloc = checked(r)
    assert alloc["central"].sum() == pytest.approx(1050.0, abs=DONG)
    assert r.result.objective == pytest.approx(1050.0, abs=DONG)
    assert r.changes is not None
    moved, _count = moved_money(r.changes)
    assert moved == pytest.approx(50.0, abs=DONG)
    assert (r.changes["change"] >= -DONG).all()  # nothing taken from anyone


def test_a_stopped_projects_money_is_given_on_whole_within_a_tolerance(tmp_path: Path,
                                                                        backend: str) -> None:
    """HN-10 stops ("Trạng thái": dừng): its 100 are freed and the best plan gives them to the
    others (1.000 spent). With τ = 1% the re-plan gives on all 100: 200 moved, 1.000 spent.
    The score floor alone gave on 90 and left 10 idle (190 moved)."""
    projects = [project(i) for i in range(1, 11)]
    projects[9]["Trạng thái"] = "dừng"
    path = write_case(tmp_path, projects, EVEN,
                      approved={"plan": "approved.csv", "tolerance": TOL})
    r = compute(path, solver=backend)
    after = checked(r).set_index("project_id")["central"]
    assert after["HN-10"] == pytest.approx(0.0, abs=DONG)
    assert after.sum() == pytest.approx(1000.0, abs=DONG)
    assert r.changes is not None
    moved, _count = moved_money(r.changes)
    assert moved == pytest.approx(200.0, abs=DONG)


def test_each_provinces_local_budget_is_kept_spent(tmp_path: Path, backend: str) -> None:
    """Local projects in two provinces, local budgets 1.000 each, approved at 100 per project;
    Hà Nội's local budget +10% (1.100), Huế's unchanged. With τ = 1% both provinces spend
    their whole budgets (Hà Nội's 100 added: 100 moved, Huế untouched). The score floor alone
    left about 21 of Hà Nội's 100 idle."""
    hue = "Huế"
    projects = [project(i, level="local") for i in range(1, 11)]
    projects += [{**project(i, level="local"), "project_id": f"HU-{i:02d}", "province": hue}
                 for i in range(1, 11)]
    plan = {**EVEN, **{f"HU-{i:02d}": 100.0 for i in range(1, 11)}}
    path = write_case(tmp_path, projects, None,
                      approved={"plan": "approved.csv", "tolerance": TOL},
                      budgets={"central": 0, "local": {HN: 1000, hue: 1000}},
                      budget_change={"provinces": {HN: "+10%"}})
    pd.DataFrame({"project_id": list(plan), "central": 0.0,
                  "local": list(plan.values())}).to_csv(tmp_path / "approved.csv", index=False)
    r = compute(path, solver=backend)
    spent = checked(r).groupby("province")["local"].sum()
    assert spent[HN] == pytest.approx(1100.0, abs=DONG)
    assert spent[hue] == pytest.approx(1000.0, abs=DONG)
    assert r.changes is not None
    moved, _count = moved_money(r.changes)
    assert moved == pytest.approx(100.0, abs=DONG)
    hue_changes = r.changes[r.changes["province"] == hue]["change"]
    assert np.abs(hue_changes).max() < DONG


def test_the_spent_floors_are_named_and_built_as_documented(tmp_path: Path) -> None:
    """floor:spent:<budget>: the budget row's own coefficients, at least what the first
    stage's plan spends from it (never above the budget)."""
    from kcopt.model.replan import approved_columns, move_program

    path = write_case(tmp_path, [project(1), project(2)], {"HN-01": 150.0, "HN-02": 0.0},
                      approved={"plan": "approved.csv"})
    sc = kcopt.load_scenario(path)
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    moves = approved_columns(model, np.array([[150.0, 0.0], [0.0, 0.0]]), np.zeros(2, bool))
    x = np.zeros(model.lp.shape[1])
    x[model.lp.col("x:HN-01:central")] = 150.0
    x[model.lp.col("x:HN-02:central")] = 120.0
    lp, _free = move_program(model, moves, 270.0, 1e-2, spent=model.lp.A @ x)
    budget = model.lp.row("budget:central")
    floor = lp.row("floor:spent:central")
    assert lp.row_lower[floor] == pytest.approx(270.0) and np.isinf(lp.row_upper[floor])
    n = model.lp.shape[1]
    np.testing.assert_array_equal(lp.A[floor].toarray().ravel()[:n],
                                  model.lp.A[budget].toarray().ravel())
    assert not lp.A[floor].toarray().ravel()[n:].any()  # not on the split variables
    over = model.lp.A @ x
    over[budget] = 5000.0  # a first stage over the budget by the solver's last digits
    lp, _free = move_program(model, moves, 270.0, 1e-2, spent=over)
    assert lp.row_lower[lp.row("floor:spent:central")] == model.lp.row_upper[budget]


@pytest.mark.parametrize("name", ["floor:spent:central", "floor:spent:central:2027",
                                  f"floor:spent:local:{HN}", f"floor:spent:local:{HN}:2027"])
def test_a_spent_floors_name_reads_back(name: str) -> None:
    row = parse_row(name)
    assert row.family == "floor" and str(row) == name
    assert row == RowId.spent(parse_row("budget:" + name.split(":", 2)[2]))


@pytest.mark.parametrize("name", ["floor:spent", "floor:spent:", "floor:spent:regional",
                                  "floor:idle"])
def test_a_malformed_floor_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="floor:score"):
        parse_row(name)
