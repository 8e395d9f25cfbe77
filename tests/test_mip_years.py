"""Integer rules, multi-year programmes and the diagnoses a planner can act on.

Every case is solved by hand in its docstring (weights {appraisal: 1}, so a project's score is
appraisal/100; machinery is capped at min(50% of cost, 300) and paid by the central fund).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kcopt
from conftest import needs_cbc, solve_case
from kcopt.analysis.report import allocation_by_year, by_year_table
from kcopt.analysis.sensitivity import ranging, selection_margins
from kcopt.cli import app

M = {"province": "Sơn La", "category": "machinery", "level": "central", "total_cost": 600}
W = {"weights": {"appraisal": 1}}
DEMO = Path(kcopt.demo_scenario_path()).parent


def funded(result: kcopt.Result) -> dict[str, float]:
    alloc = kcopt.allocation_table(result)
    return dict(zip(alloc["project_id"], alloc["total"], strict=True))


def test_requires(make_case, backend: str) -> None:
    """R (relocation, cap 200, score 0.8) needs I (cluster infrastructure, cap 300, 0.3);
    B (cap 300, 0.6) stands alone; central budget 500.

    Without the dependency R 200 + B 300 = 1.4. With it, R counts only if I is funded in full:
    R + I = 500 → 0.8 + 0.3 = 1.1; B + I = 0.9; B alone 0.6 (R cannot, I needs all 300).
    The optimum is R + I = 1.1.
    """
    projects = [dict(M, project_id="I", name="infra", appraisal=30),
                dict(M, project_id="R", name="reloc", appraisal=80, total_cost=400),
                dict(M, project_id="B", name="b", appraisal=60)]
    free = solve_case(make_case(projects, {"budgets": {"central": 500}, **W}), backend)
    assert free.objective == pytest.approx(1.4)
    projects[1]["requires"] = "I"
    result = solve_case(make_case(projects, {"budgets": {"central": 500}, **W}), backend)
    assert result.model.mip and "requires:R:I" in result.model.lp.row_names
    assert result.objective == pytest.approx(1.1)
    assert funded(result) == pytest.approx({"I": 300, "R": 200, "B": 0})


@pytest.mark.parametrize("group_max,expected", [(None, 1.2), (2, 1.7)])
def test_exclusive_group(make_case, backend: str, group_max: int | None,
                         expected: float) -> None:
    """Two alternative sites A1 (cap 300, 0.9) and A2 (cap 300, 0.8) in group G, and C (cap
    300, 0.3); central budget 600. At most one of G (the default): A1 + C = 1.2. With
    groups: {G: 2} both sites fit: A1 + A2 = 1.7."""
    projects = [dict(M, project_id="A1", name="a1", appraisal=90, group="G"),
                dict(M, project_id="A2", name="a2", appraisal=80, group="G"),
                dict(M, project_id="C", name="c", appraisal=30)]
    scenario = {"budgets": {"central": 600}, **W}
    if group_max:
        scenario["groups"] = {"G": group_max}
    result = solve_case(make_case(projects, scenario), backend)
    assert result.objective == pytest.approx(expected)
    assert "group:G" in result.model.lp.row_names


def test_relaxation_bounds_the_mip_for_groups(make_case) -> None:
    """The LP relaxation of the group case lets A1 and A2 each be half-selected: z ≤ 1 in sum,
    y ≤ 300 z, so A1 300 (z 1) and nothing of A2 — the relaxation here equals 1.2 as well; it
    is never below the MIP."""
    projects = [dict(M, project_id="A1", name="a1", appraisal=90, group="G"),
                dict(M, project_id="A2", name="a2", appraisal=80, group="G"),
                dict(M, project_id="C", name="c", appraisal=30)]
    sc = make_case(projects, {"budgets": {"central": 600}, **W})
    lp = solve_case(sc, mip=False)
    mip = solve_case(sc)
    assert lp.objective >= mip.objective - 1e-9


def test_start_window_moves_a_project_to_a_later_year(make_case, backend: str) -> None:
    """Years 2026–2027, central budget 300 a year. A (cap 300, 0.9) and C (cap 300, 0.3) must
    start in 2026; B (cap 300, 0.6) may start in 2026 or 2027. 2026: A takes all 300; B moves
    to 2027 and takes its 300; C gets nothing. Objective 0.9 + 0.6 = 1.5."""
    projects = [dict(M, project_id="A", name="a", appraisal=90, year=2026),
                dict(M, project_id="B", name="b", appraisal=60, year=2026, latest_year=2027),
                dict(M, project_id="C", name="c", appraisal=30, year=2026)]
    sc = make_case(projects, {"years": [2026, 2027], "budgets": {"central": 300}, **W})
    result = solve_case(sc, backend)
    assert result.objective == pytest.approx(1.5)
    by_year = allocation_by_year(result).set_index(["project_id", "year"])["total"].to_dict()
    assert by_year == pytest.approx({("A", 2026): 300, ("B", 2027): 300})
    assert {"budget:central:2026", "budget:central:2027"} <= set(result.model.lp.row_names)


def test_profiles_growth_and_year_tables(make_case, backend: str) -> None:
    """Years 2026–2027; central 300 in 2026 growing 10% (330 in 2027). A (cap 300, 0.9) pays
    out 60/40 from 2026: 180 + 120. B (cap 300, 0.6) starts 2027: 330 − 120 = 210 left → B 210
    (0.42). C (cap 300, 0.3) starts 2026: 300 − 180 = 120 → 0.12. Objective 0.9 + 0.42 + 0.12
    = 1.44; 2026 price 0.001 per million (C marginal), 2027 price 0.002 (B marginal)."""
    projects = [dict(M, project_id="A", name="a", appraisal=90, year=2026, profile="60/40"),
                dict(M, project_id="B", name="b", appraisal=60, year=2027),
                dict(M, project_id="C", name="c", appraisal=30, year=2026)]
    sc = make_case(projects, {"years": [2026, 2027],
                              "budgets": {"central": 300, "growth": {"central": 0.1}}, **W})
    result = solve_case(sc, backend)
    assert result.objective == pytest.approx(1.44)
    lp = result.model.lp
    assert lp.row_upper[lp.row("budget:central:2027")] == pytest.approx(330)
    assert result.shadow_price[lp.row("budget:central:2026")] == pytest.approx(0.001)
    assert result.shadow_price[lp.row("budget:central:2027")] == pytest.approx(0.002)
    years = by_year_table(result).set_index("year")
    assert years.loc[2026, "central"] == pytest.approx(300)
    assert years.loc[2027, "central"] == pytest.approx(330)
    paid = allocation_by_year(result).set_index(["project_id", "year"])["total"].to_dict()
    assert paid == pytest.approx({("A", 2026): 180, ("A", 2027): 120, ("B", 2027): 210,
                                  ("C", 2026): 120})


def test_per_year_target(make_case, backend: str) -> None:
    """As the window case, with green C and a target: at least 50% of 2026 spending green.
    2026 holds A (300, not green) or C (300, green, 0.3): A + C would need 600. Share ≥ 0.5 of
    300 → C ≥ 150 → A ≤ 150: A 150 (0.45) + C 150 (0.15) in 2026, B 300 in 2027 (0.6):
    1.2 (vs 1.5 without the target)."""
    projects = [dict(M, project_id="A", name="a", appraisal=90, year=2026),
                dict(M, project_id="B", name="b", appraisal=60, year=2026, latest_year=2027),
                dict(M, project_id="C", name="c", appraisal=30, year=2026, green=1)]
    sc = make_case(projects, {"years": [2026, 2027], "budgets": {"central": 300}, **W,
                              "targets": [{"name": "green26", "kind": "share_min",
                                           "of": ["green"], "share": 0.5, "year": 2026}]})
    result = solve_case(sc, backend)
    assert result.objective == pytest.approx(1.2)
    assert "total:all:2026" in result.model.lp.col_names


def test_project_outside_the_plan_is_ineligible(make_case) -> None:
    projects = [dict(M, project_id="A", name="a", appraisal=90, year=2031),
                dict(M, project_id="B", name="b", appraisal=60, year=2027, profile="50/30/20")]
    sc = make_case(projects, {"years": [2026, 2027, 2028], "budgets": {"central": 300}, **W})
    reasons = kcopt.build(kcopt.read_projects(sc.projects), sc).projects.set_index(
        "project_id")["reason"]
    assert "outside the plan 2026–2028" in reasons["A"]
    assert "3-year disbursement from 2027 runs past 2028" in reasons["B"]


def test_diagnosis_local_must_fund(make_case) -> None:
    """Must-fund pollution-treatment projects in Lâm Đồng (30% of cost, ceiling 300): caps 300 +
    180 = 480 of local money; the budget is 400: raise it by 80."""
    pt = {"province": "Lâm Đồng", "category": "pollution_treatment", "level": "local",
          "must_fund": 1}
    sc = make_case([dict(pt, project_id="L1", name="l1", total_cost=1000),
                    dict(pt, project_id="L2", name="l2", total_cost=600)],
                   {"budgets": {"central": 0, "local": {"Lâm Đồng": 400}}})
    (finding,) = kcopt.presolve_checks(kcopt.build(kcopt.read_projects(sc.projects), sc))
    assert finding.constraint == "budget:local:Lâm Đồng"
    assert (finding.current, finding.needed) == (400, 480)
    assert "local money in Lâm Đồng" in finding.message and "Raise it by 80" in finding.message


def test_diagnosis_share_target_at_most(make_case) -> None:
    """Must-fund A (300, not green) and green C (cap 200 — cost 400): the green share is at most
    200 / 500 = 40%, so a 60% green target can reach at most 40.0%."""
    sc = make_case([dict(M, project_id="A", name="a", appraisal=50, must_fund=1),
                    dict(M, project_id="C", name="c", appraisal=50, total_cost=400, green=1)],
                   {"budgets": {"central": 1000}, **W,
                    "targets": [{"name": "green", "kind": "share_min", "of": ["green"],
                                 "share": 0.6}]})
    with pytest.raises(kcopt.InfeasibleError) as info:
        kcopt.run(sc, out=None)
    (finding,) = info.value.run.diagnosis
    assert finding.needed == pytest.approx(0.4, abs=1e-6)
    assert "can reach at most 40.0%" in finding.message


def test_diagnosis_region_floor_without_projects(make_case) -> None:
    sc = make_case([dict(M, project_id="A", name="a", appraisal=50)],
                   {"budgets": {"central": 1000}, **W,
                    "targets": [{"name": "mkd", "kind": "region_min", "region": "MKD",
                                 "fund": "central", "amount": 100}]})
    with pytest.raises(kcopt.InfeasibleError) as info:
        kcopt.run(sc, out=None)
    assert any(f.constraint == "mkd" and "no eligible project" in f.message
               for f in info.value.run.diagnosis)


def test_mip_sensitivity_is_conditional_and_margins_flip(make_case) -> None:
    """All-or-nothing A (cap 300, 0.9), B (cap 300, 0.6), C (cap 300, 0.5); budget 600:
    A + B = 1.5. B's score must fall below C's 0.5 (by 0.1) before C replaces it; C's must rise
    above 0.6 (by 0.1) before it enters."""
    projects = [dict(M, project_id=p, name=p.lower(), appraisal=a, all_or_nothing=1)
                for p, a in (("A", 90), ("B", 60), ("C", 50))]
    result = solve_case(make_case(projects, {"budgets": {"central": 600}, **W}))
    assert result.objective == pytest.approx(1.5) and result.duals_conditional
    _, constraints = ranging(result)
    assert constraints["conditional_on_selection"].all()
    margins = selection_margins(result, max_projects=3, tol=1e-3, iterations=12)
    margins = margins.set_index("project_id")
    assert margins.loc["B", "margin"] == pytest.approx(0.1, abs=2e-3)
    assert margins.loc["C", "margin"] == pytest.approx(0.1, abs=2e-3)
    assert not margins.loc["C", "selected"]


@needs_cbc
def test_demo_mip_highs_and_cbc_agree() -> None:
    sc = kcopt.load_scenario(DEMO / "demo-mip.yaml")
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    assert model.mip and model.lp.integer.sum() > 100
    highs = kcopt.solve(model, mip_gap=1e-7)
    cbc = kcopt.solve(model, solver="cbc", mip_gap=1e-7)
    assert highs.objective == pytest.approx(cbc.objective, rel=1e-6)
    assert not [v for v in cbc.violations if v.startswith("!")]


def test_cli_mip_and_multi_year_demos(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["solve", str(DEMO / "demo-mip.yaml"), "-o", str(tmp_path / "m"),
                              "--no-plots"])
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "m" / "summary.json").read_text())
    assert summary["mip"] and summary["mip_gap"] is not None
    assert summary["duals"] == "MIP with integer decisions fixed"
    res = runner.invoke(app, ["solve", str(DEMO / "demo-2026-2030.yaml"), "-o",
                              str(tmp_path / "y"), "--no-plots"])
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "y" / "summary.json").read_text())
    assert [r["year"] for r in summary["by_year"]] == [2026, 2027, 2028, 2029, 2030]
    for row in summary["by_year"]:
        assert row["central"] <= row["central_budget"] + 1e-6
    per_year = (tmp_path / "y" / "allocation_by_year.csv").read_text(encoding="utf-8-sig")
    assert per_year.startswith("project_id,province,year,central,local,total")


def test_time_limit_without_allocation_exits_4(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["solve", str(DEMO / "demo-mip.yaml"), "-o", str(tmp_path),
                                   "--time-limit", "0.000001", "--no-plots"])
    assert res.exit_code in (0, 4), res.output
    if res.exit_code == 4:
        assert "without an allocation" in res.output and "Traceback" not in res.output
    else:  # HiGHS found a first plan before looking at the clock: it must say so
        assert "time limit reached" in res.output
