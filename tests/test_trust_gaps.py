"""Behaviours a planner relies on that once let a planted bug through the whole suite, and their
neighbours: a multi-year plan's payout profile under every binding budget, the post-solve
integrality check on both sides of .5, group ceilings by their unit, and a former province
however a planner writes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import kcopt
from conftest import solve_case
from kcopt.model import LinearProgram
from kcopt.rules.rates import PER_ESTABLISHMENT
from kcopt.solvers.solve import check_solution

W = {"weights": {"appraisal": 1}}


# --- a multi-year plan pays out by its profile, whichever budget binds -------------------------


@pytest.mark.parametrize("fund", ["central", "local"])
def test_a_profile_spreads_a_project_under_a_yearly_budget(make_case, backend: str,
                                                           fund: str) -> None:
    """Years 2026–2027, 200 a year in one fund. A: machinery, cap 300 (50% of 600), paid 60/40
    from 2026 → 180 + 120, each within 200 → A gets all 300. Were the profile ignored in that
    fund's rows, 300 would have to fit one year's 200 → 200."""
    projects = [{"project_id": "A", "name": "a", "province": "Sơn La", "category": "machinery",
                 "level": fund, "funds": fund, "total_cost": 600, "appraisal": 90,
                 "year": 2026, "profile": "60/40"}]
    budgets: dict[str, Any] = {"central": 200 if fund == "central" else 0,
                               "local": {"Sơn La": 200 if fund == "local" else 0}}
    sc = make_case(projects, {"years": [2026, 2027], "budgets": budgets, **W})
    result = solve_case(sc, backend)
    alloc = kcopt.allocation_table(result).set_index("project_id")
    assert alloc.loc["A", fund] == pytest.approx(300)
    paid = kcopt.allocation_by_year(result).set_index("year")["total"].to_dict()
    assert paid == pytest.approx({2026: 180, 2027: 120})


def test_the_later_year_binds_a_profile(make_case, backend: str,
                                                    tmp_path) -> None:
    """Local budgets per year from a CSV (province, year, budget): Sơn La 300 in 2026, 100 in
    2027. A (cap 300) pays 60/40 → 0.4·y ≤ 100 → y = 250: 150 in 2026, 100 in 2027."""
    projects = [{"project_id": "A", "name": "a", "province": "Sơn La", "category": "machinery",
                 "level": "local", "total_cost": 600, "appraisal": 90, "year": 2026,
                 "profile": "60/40"}]
    budgets = tmp_path / "local.csv"
    budgets.write_text("province,year,budget\nSơn La,2026,300\nSơn La,2027,100\n",
                       encoding="utf-8")
    sc = make_case(projects, {"years": [2026, 2027],
                              "budgets": {"central": 0, "local": str(budgets)}, **W})
    result = solve_case(sc, backend)
    paid = kcopt.allocation_by_year(result).set_index("year")["total"].to_dict()
    assert paid == pytest.approx({2026: 150, 2027: 100})
    alloc = kcopt.allocation_table(result).set_index("project_id")
    assert alloc.loc["A", "local"] == pytest.approx(250)


# --- the post-solve check: integrality on both sides of .5 -------------------------------------


def _one_integer_column(value: float) -> tuple[LinearProgram, np.ndarray]:
    import scipy.sparse as sp

    lp = LinearProgram(
        cost=np.zeros(1), A=sp.csr_matrix((0, 1)), row_lower=np.zeros(0),
        row_upper=np.zeros(0), col_lower=np.zeros(1), col_upper=np.ones(1),
        integer=np.array([True]), row_names=[], row_family=[], col_names=["z:P1"])
    return lp, np.array([value])


@pytest.mark.parametrize("value,broken", [(0.0, False), (1.0, False), (1e-9, False),
                                          (1 - 1e-9, False), (0.3, True), (0.49, True),
                                          (0.51, True), (0.7, True), (0.999, True)])
def test_integrality_is_checked_on_both_sides_of_a_half(value: float, broken: bool) -> None:
    """An integer column at 0.7 rounds up to 1 and is 0.3 away from it: broken, as 0.3 is."""
    lp, x = _one_integer_column(value)
    problems = check_solution(lp, x)
    assert bool([p for p in problems if p.startswith(("integrality", "!integrality"))]) == broken


# --- group projects: the count multiplies only ceilings given per establishment ----------------


def _group_cases() -> list[tuple[str, str, float, str]]:
    rules = kcopt.load_rules()
    out = []
    for code, rule in rules.rules.items():
        if rule.ceiling and rule.rate and rule.unit:
            out.append((code, "central" if "central" in rule.funds or "both" in rule.funds
                        else "local", float(rule.ceiling), rule.unit))
    return out


@pytest.mark.parametrize("category,fund,ceiling,unit", _group_cases())
def test_a_group_multiplies_only_per_establishment_ceilings(
        make_case: Callable[..., kcopt.Scenario], category: str, fund: str, ceiling: float,
        unit: str) -> None:
    """A group of 3 establishments with a cost large enough that the ceiling binds: the cap is
    3 × the ceiling when it is per establishment (or enterprise), the ceiling itself when it is
    per model, cluster, event, course…"""
    project = {"project_id": "G", "name": "nhóm", "province": "Sơn La", "category": category,
               "level": fund, "funds": fund, "total_cost": 100 * ceiling, "appraisal": 80,
               "establishments": 3, "disadvantaged_area": 1, "infra_investment": 1000 * ceiling}
    sc = make_case([project], {"budgets": {"central": 10 * ceiling, "local": {
        "Sơn La": 10 * ceiling}}, **W, "plan_year": 2026})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    cap = float(model.projects["cap"].iloc[0])
    factor = 3 if unit in PER_ESTABLISHMENT else 1
    if cap == 0:
        pytest.skip(f"{category} is not payable as set up here: "
                    f"{model.projects['status'].iloc[0]}")
    assert cap == pytest.approx(factor * ceiling), (category, unit)


# --- a former province however a planner writes it ---------------------------------------------


@pytest.mark.parametrize("written", ["Hải Dương", "Tỉnh Hải Dương", "tỉnh Hải Dương",
                                     "Hai Duong", "HẢI DƯƠNG", "Tinh Hai Duong",
                                     "Hải Dương (cũ)", "tỉnh Hải Dương cũ"])
@pytest.mark.parametrize("column", ["province", "old_province"])
def test_a_former_province_keeps_its_resolution_however_written(
        make_case: Callable[..., kcopt.Scenario], written: str, column: str) -> None:
    """Local machinery, cost 1,000, in the former Hải Dương (now Hải Phòng): its resolution's
    ceiling 250 applies, not the national 300, whether the former name is in the province
    column or in `old_province`, with or without "Tỉnh", diacritics or case."""
    project = {"project_id": "H", "name": "máy", "category": "machinery", "level": "local",
               "total_cost": 1000, "appraisal": 80,
               **({"province": written} if column == "province"
                  else {"province": "Hải Phòng", "old_province": written})}
    sc = make_case([project], {"budgets": {"central": 0, "local": {"Hải Phòng": 5000}},
                               **W, "plan_year": 2026})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    assert float(model.projects["cap"].iloc[0]) == pytest.approx(250)
    assert model.projects["province"].iloc[0] == "Hải Phòng"
