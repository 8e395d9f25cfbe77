"""Sensitivity of a MIP plan: every analysis holds the plan's selection fixed (design §7), and
the selection margins find the score at which a selection flips.

Machinery projects in Sơn La, total cost 600, so each cap is min(50% × 600, 300) = 300, paid by
the central fund; weights {appraisal: 1} unless a case says otherwise, so a score is
appraisal/100 and a project funded by y counts score · y / 300 (objective `total_score`).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

import kcopt
import kcopt.inputs.scenario
from conftest import solve_case
from kcopt.analysis.sensitivity import (
    budget_sweep,
    policy_prices,
    selection_margins,
    tornado,
    weight_robustness,
)
from kcopt.analysis.sensitivity.suite import NOTES_SHEET, run_sensitivity, selection_notes
from kcopt.outputs import write_sensitivity

M = {"province": "Sơn La", "category": "machinery", "level": "central", "total_cost": 600,
     "green": 0}
W = {"weights": {"appraisal": 1}}


def _abc(make_case, budget: float = 700, **scenario):
    """A (0.9) and B (0.6) all-or-nothing, C (0.5) may be funded in part; central budget 700.
    The MIP selects A and B (600) and gives C the other 100: 0.9 + 0.6 + 0.5 · 100/300 = 5/3.
    (A with all of C would give 1.4.)"""
    projects = [dict(M, project_id="A", name="a", appraisal=90, all_or_nothing=1),
                dict(M, project_id="B", name="b", appraisal=60, all_or_nothing=1),
                dict(M, project_id="C", name="c", appraisal=50, green=1, all_or_nothing=0)]
    result = solve_case(make_case(projects, {"budgets": {"central": budget}, **W, **scenario}))
    assert result.model.mip and result.objective == pytest.approx(5 / 3)
    return result


def _fixed_lp_by_hand(scores: dict[str, float], budget: float,
                      share_max_green: float | None = None) -> tuple[str, float]:
    """The LP with A and B fixed at their cap, solved by scipy (HiGHS inside SciPy, built here
    from the case's numbers, not from kcopt's program): (status, objective)."""
    c = -np.array([scores["A"], scores["B"], scores["C"]]) / 300.0
    A_ub, b_ub = [[1.0, 1.0, 1.0]], [budget]
    if share_max_green is not None:  # C (green) ≤ share · (A + B + C)
        A_ub.append([-share_max_green, -share_max_green, 1.0 - share_max_green])
        b_ub.append(0.0)
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=[(300, 300), (300, 300), (0, 300)],
                  method="highs")
    return ("optimal", -res.fun) if res.status == 0 else ("infeasible", float("nan"))


def test_budget_sweep_and_tornado_hold_the_selection(make_case) -> None:
    """Central budget × 0.5 … 1.5 (350 … 1,050): with A and B fixed the plan needs 600, so 350
    and 525 are infeasible; 700 → 5/3, 875 → 1.5 + 275/600, 1,050 → 2 (C full). Tornado ±20%:
    560 infeasible, 840 → 1.5 + 240/600 = 1.9 (+0.2333). Re-selecting at 525 instead gives
    A + 225 of C = 0.9 + 0.375 — the figure the fixed selection does not claim."""
    result = _abc(make_case)
    sweep = budget_sweep(result, points=5, grid=2)
    central = sweep[sweep["sweep"] == "central"].reset_index(drop=True)
    assert central["central_budget"].tolist() == pytest.approx([350, 525, 700, 875, 1050])
    assert central["status"].tolist() == ["infeasible", "infeasible", "optimal", "optimal",
                                          "optimal"]
    assert central["objective"][2:].tolist() == pytest.approx([5 / 3, 1.5 + 275 / 600, 2.0])
    scores = {"A": 0.9, "B": 0.6, "C": 0.5}
    for _, row in central.iterrows():
        status, objective = _fixed_lp_by_hand(scores, row["central_budget"])
        assert row["status"] == status
        if status == "optimal":
            assert row["objective"] == pytest.approx(objective, rel=1e-9)
    torn = tornado(result).query("kind == 'budget' and parameter == 'central budget'")
    torn = torn.set_index("change")
    assert torn.loc[-0.2, "status"] == "infeasible"
    assert torn.loc[0.2, "objective"] == pytest.approx(1.9)
    assert torn.loc[0.2, "delta_objective"] == pytest.approx(1.9 - 5 / 3)
    again = budget_sweep(result, points=5, grid=2, reselect=True)
    again = again[again["sweep"] == "central"].reset_index(drop=True)
    assert again.loc[1, "status"] == "optimal"
    assert again.loc[1, "objective"] == pytest.approx(0.9 + 0.375)


def test_weight_draws_hold_the_selection(make_case) -> None:
    """Weights {appraisal 0.5, green 0.5}: A 0.45, B 0.3, C 0.75 (green); budget 700. A + C
    in full = 1.2 beats A + B + 100 of C = 1.0, so the MIP selects A and leaves B out. With that
    selection fixed a draw can move only C, which the budget already funds in full: A and C
    are funded in every draw, B in none — whatever the weights. (Re-selecting, a draw that
    favours appraisal would bring B in.)"""
    projects = [dict(M, project_id="A", name="a", appraisal=90, all_or_nothing=1),
                dict(M, project_id="B", name="b", appraisal=60, all_or_nothing=1),
                dict(M, project_id="C", name="c", appraisal=50, green=1, all_or_nothing=0)]
    sc = make_case(projects, {"budgets": {"central": 700},
                              "weights": {"appraisal": 0.5, "green": 0.5}})
    result = solve_case(sc)
    assert result.objective == pytest.approx(0.45 + 0.75)
    table = weight_robustness(result, draws=40, concentration=5.0, seed=3)
    table = table.set_index("project_id")
    assert table.loc["A", "funded_share"] == 1.0 and table.loc["C", "funded_share"] == 1.0
    assert table.loc["B", "funded_share"] == 0.0
    assert table["class"].to_dict() == {"A": "core", "B": "exterior", "C": "core"}
    # every draw is the fixed-selection LP: check a few against scipy with the draw's scores
    weights = table.attrs["weights"]
    for w in weights[:5]:
        w = dict(zip(kcopt.inputs.scenario.CRITERIA, w, strict=True))
        s = {"A": 0.9 * w["appraisal"], "B": 0.6 * w["appraisal"],
             "C": 0.5 * w["appraisal"] + w["green"]}
        c = -np.array([s["A"], s["B"], s["C"]]) / 300.0
        res = linprog(c, A_ub=[[1, 1, 1]], b_ub=[700],
                      bounds=[(300, 300), (0, 0), (0, 300)], method="highs")
        assert res.status == 0 and res.x[2] == pytest.approx(300)


def test_policy_price_on_the_fixed_selection(make_case) -> None:
    """Target: green (C) at most 10% of the allocation. With A and B fixed at 600, C ≤ 66.67:
    objective 1.5 + 66.67/600 = 1.6111; without the target C gets 100: 5/3. Score given up:
    33.33/600 = 0.05556 — both objectives checked against scipy."""
    projects = [dict(M, project_id="A", name="a", appraisal=90, all_or_nothing=1),
                dict(M, project_id="B", name="b", appraisal=60, all_or_nothing=1),
                dict(M, project_id="C", name="c", appraisal=50, green=1, all_or_nothing=0)]
    sc = make_case(projects, {"budgets": {"central": 700}, **W, "targets": [
        {"name": "green_cap", "kind": "share_max", "of": ["green"], "share": 0.1}]})
    result = solve_case(sc)
    assert result.objective == pytest.approx(1.5 + (200 / 3) / 600)
    row = policy_prices(result).set_index("target").loc["green_cap"]
    scores = {"A": 0.9, "B": 0.6, "C": 0.5}
    assert row["objective_with"] == pytest.approx(_fixed_lp_by_hand(scores, 700, 0.1)[1])
    assert row["objective_without"] == pytest.approx(_fixed_lp_by_hand(scores, 700)[1])
    assert row["score_given_up"] == pytest.approx((100 - 200 / 3) / 600)
    assert bool(row["conditional_on_selection"])


def test_selection_margin_of_a_minimum_fraction_project(make_case) -> None:
    """Budget 600. A (0.9) all-or-nothing; B (score s, 0.4) at least half its cap when funded;
    C (0.7) in part. Plan: A + C = 1.6, B out. With B selected the best plan is A + B 150 +
    C 150 (1.25 + s/2) or A + B 300 (0.9 + s): at s = 0.4 that is 1.45 with slope 1/2, so the
    first Newton step lands on s = 0.7, where both give 1.6 = the plan without B: B enters
    above 0.7 (margin 0.3). A (score s): without it the best is B 300 + C 300 = 1.1; with it,
    A + C = s + 0.7; so A is dropped below 0.4 (margin 0.5), found in one step (A's support
    is its whole cap, so its branch is a line)."""
    projects = [dict(M, project_id="A", name="a", appraisal=90, all_or_nothing=1),
                dict(M, project_id="B", name="b", appraisal=40, min_fraction=0.5),
                dict(M, project_id="C", name="c", appraisal=70)]
    result = solve_case(make_case(projects, {"budgets": {"central": 600}, **W}))
    assert result.objective == pytest.approx(1.6)
    margins = selection_margins(result, max_projects=5).set_index("project_id")
    assert not margins.loc["B", "selected"]
    assert margins.loc["B", "flip_score"] == pytest.approx(0.7, abs=1e-6)
    assert margins.loc["B", "margin"] == pytest.approx(0.3, abs=1e-6)
    assert margins.loc["A", "selected"]
    assert margins.loc["A", "flip_score"] == pytest.approx(0.4, abs=1e-6)


def test_suite_says_the_selection_is_fixed(make_case) -> None:
    result = _abc(make_case)
    s = run_sensitivity(result, draws=4, sweep_points=3, grid=2, margins=1)
    assert s.settings["selection"] == "fixed"
    notes = selection_notes(s.settings["selection"], True)
    assert len(notes) == 4 and "--reselect" in notes[2]
    assert selection_notes("lp", False) == []


def test_workbook_notes_say_the_selection_is_fixed(make_case, tmp_path) -> None:
    """sensitivity.xlsx of a MIP run has a notes sheet, also when the analyses were run one by
    one (as the app does) and the settings do not say how."""
    import openpyxl

    result = _abc(make_case)
    s = run_sensitivity(result, draws=4, sweep_points=3, grid=2, margins=1)
    del s.settings["selection"]
    write_sensitivity(s, result, tmp_path / "out", plots=False)
    wb = openpyxl.load_workbook(tmp_path / "out" / "sensitivity.xlsx")
    assert wb.sheetnames[-1] == NOTES_SHEET
    notes = [c.value for c in wb[NOTES_SHEET]["A"]]
    assert notes == selection_notes("fixed", True)
