"""constraints.csv's shadow prices, row by row, against the hand-solved cases of
test_solve_cases.py — every row family, the caps and must-funds held as column bounds included,
on every backend.

The price of a row is d objective / d right-hand side (textbook convention for a maximisation):
a binding ≤ row (budget, cap, share_max, province_max, link) has a price ≥ 0, a binding ≥ row
(share_min, region_min, match, min_fraction, requires) a price ≤ 0, a row with slack 0. A cap
held as a column bound (one fund pays) is priced by the column's reduced cost when the column
sits at its cap, and is 0 otherwise: a project at zero is held there by x ≥ 0, not by its cap.

The hand derivations are in the docstrings of test_solve_cases.py; each expected table below
repeats the figures of the case it names. A second test checks, on the demos, that every row of
constraints.csv has the sign its sense and slack call for and that the prices are an optimal
dual (the objective equals what the binding rows and bounds are worth).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import kcopt
import test_solve_cases as cases
from conftest import require_backend, solve_case

MakeCase = Callable[..., kcopt.Scenario]
DEMO = Path(kcopt.demo_scenario_path()).parent

# case -> (build options, {constraint name: shadow price}); None is "at least" via BOUNDS below
EXPECTED: dict[str, tuple[Callable[[MakeCase], kcopt.Scenario], dict[str, float]]] = {
    # A1 200 at its cap (reduced cost 0.9 − 0.6), A2 basic, A3 at zero (its cap does not bind)
    "weighted_funds": (cases.case_weighted_funds, {
        "budget:central": 0.6, "cap:A1": 0.3, "cap:A2": 0.0, "cap:A3": 0.0}),
    "total_score": (cases.case_total_score, {
        "budget:central": 0.002, "cap:A1": 0.0025, "cap:A2": 0.0, "cap:A3": 0.001}),
    "exclude": (cases.case_exclude, {"budget:central": 0.3, "cap:A2": 0.3, "cap:A3": 0.0}),
    "share_min": (cases.case_share_min, {
        "budget:central": 0.65, "green_digital": -0.5, "total:all": 0.25,
        "cap:N1": 0.0, "cap:G1": 0.0}),
    "share_max": (cases.case_share_max, {
        "budget:central": 0.7, "machinery_cap": 0.4, "total:all": -0.2,
        "cap:M1": 0.0, "cap:T1": 0.0}),
    "region_min": (cases.case_region_min, {
        "budget:central": 0.78, "nmm_floor": -0.3, "total:central": 0.12,
        "budget:local:Sơn La": 0.5, "cap:H1": 0.0, "cap:S1": 0.0, "cap:L1": 0.0}),
    "province_max": (cases.case_province_max, {
        "budget:central": 0.78, "province_cap:Hà Nội": 0.3, "province_cap:Sơn La": 0.0,
        "total:central": -0.18, "cap:H1": 0.0, "cap:H2": 0.0, "cap:S1": 0.0}),
    # cap:P is a row (two funds pay P); cap:M a bound with slack
    "cofinancing_free": (lambda mc: cases.case_cofinancing(mc, match=0.0), {
        "budget:central": 0.6, "cap:P": 0.2, "budget:local:Sơn La": 0.6, "cap:M": 0.0}),
    "cofinancing": (cases.case_cofinancing, {
        "budget:central": 0.6, "match:P": -0.8, "budget:local:Sơn La": 1.4, "cap:P": 0.0,
        "cap:M": 0.0}),
    "local_budgets": (cases.case_local_budgets, {
        "budget:central": 0.5, "cap:P1": 0.2, "budget:local:Lâm Đồng": 0.5,
        "budget:local:Sơn La": 0.9, "cap:P2": 0.0, "cap:P3": 0.0}),
    # must_fund:A3 is a bound (one fund), must_fund:T1 a row (two funds)
    "must_fund": (cases.case_must_fund, {
        "budget:central": 0.6, "budget:local:Sơn La": 0.6, "must_fund:A3": -0.3,
        "must_fund:T1": -0.4, "cap:A1": 0.3, "cap:A2": 0.0}),
    "all_or_nothing": (cases.case_all_or_nothing, {
        "budget:central": 0.4, "cap:B1": 0.0, "cap:B2": 0.5, "cap:B3": 0.0}),
    "min_fraction": (cases.case_min_fraction, {
        "budget:central": 0.9, "min_fraction:B1": -0.4, "link:B1": 0.0, "cap:B1": 0.0,
        "cap:B2": 0.0, "cap:B3": 0.0}),
}
# prices that are only bounded (a degenerate vertex): name -> (low, high)
BOUNDS = {"all_or_nothing": {"all_or_nothing:B1": (0.1, np.inf)}}
FAMILY = {"budget": "budget", "cap": "cap", "must_fund": "must_fund", "match": "match",
          "total": "total", "link": "link", "min_fraction": "min_fraction",
          "all_or_nothing": "all_or_nothing"}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_constraint_table_prices_by_hand(make_case: MakeCase, backend: str, name: str) -> None:
    build, expected = EXPECTED[name]
    result = solve_case(build(make_case), backend)
    assert result.status == kcopt.Status.OPTIMAL, result.message
    table = result.constraints().set_index("name")
    assert table.index.is_unique
    for row, value in expected.items():
        assert row in table.index, f"{row} missing from constraints.csv"
        got = float(table.loc[row, "shadow_price"])
        assert got == pytest.approx(value, rel=1e-6, abs=1e-7), (name, row, got)
        family = FAMILY.get(row.split(":")[0], "target")
        assert table.loc[row, "family"] == family, (row, table.loc[row, "family"])
    for row, (low, high) in BOUNDS.get(name, {}).items():
        got = float(table.loc[row, "shadow_price"])
        assert low - 1e-7 <= got <= high, (row, got)
    # every row named in the table has a price (none left NaN on an optimal solve)
    assert table["shadow_price"].notna().all()


def test_caps_held_as_bounds_appear_once_with_their_kind(make_case: MakeCase) -> None:
    """A project one fund pays has its cap as a bound: constraints.csv lists it as `cap:<id>`
    (≤, right-hand side the cap, activity the support) — or `must_fund:<id>` (≥) — and a project
    two funds pay has it as a row; no project is listed twice."""
    result = solve_case(cases.case_must_fund(make_case))
    table = result.constraints().set_index("name")
    lp = result.model.lp
    assert "cap:A1" not in lp.row_names and "must_fund:A3" not in lp.row_names
    assert "must_fund:T1" in lp.row_names
    assert table.loc["cap:A1", ["sense", "rhs", "activity", "slack", "binding"]].tolist() == [
        "<=", 200.0, 200.0, 0.0, True]
    assert table.loc["cap:A2", ["sense", "rhs", "activity", "slack", "binding"]].tolist() == [
        "<=", 300.0, 50.0, 250.0, False]
    assert table.loc["must_fund:A3", ["family", "sense", "rhs", "activity"]].tolist() == [
        "must_fund", "=", 100.0, 100.0]
    assert table.loc["must_fund:T1", ["family", "sense", "rhs", "activity"]].tolist() == [
        "must_fund", "=", 150.0, 150.0]


# --- every row of constraints.csv on the demos: signs and strong duality -----------------------


def check_price_signs(result: kcopt.Result) -> dict[str, int]:
    """Signs by sense and slack for every row of constraints.csv, and strong duality: the
    objective equals Σ rhs·price over the rows plus the bound terms of every column.
    Returns the number of binding rows with a non-zero price per family."""
    table = result.constraints()
    price = table["shadow_price"].to_numpy(float)
    tol = 1e-7 * max(1.0, float(np.abs(price).max(initial=0.0)))
    le = (table["sense"] == "<=").to_numpy()
    ge = (table["sense"] == ">=").to_numpy()
    slack = ~table["binding"].to_numpy(bool)
    bad = table[(le & (price < -tol)) | (ge & (price > tol)) | (slack & (np.abs(price) > tol))]
    assert bad.empty, bad[["name", "family", "sense", "slack", "shadow_price"]].head(10)
    # strong duality on the LP (or the LP with integer decisions fixed)
    lp = result.model.lp
    assert result.x is not None and result.shadow_price is not None
    pi = result.shadow_price
    rhs = np.where(pi > 0, lp.row_upper, np.where(pi < 0, lp.row_lower, 0.0))
    d = result.reduced_cost
    assert d is not None
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    if result.duals_conditional:
        z = np.round(result.x[lp.integer])
        lower[lp.integer] = upper[lp.integer] = z
    d = np.where(np.abs(d) < 1e-9, 0.0, d)  # solver noise on a column with no upper bound
    bnd = np.where(d > 0, upper, np.where(d < 0, lower, 0.0))
    dual_obj = float(rhs @ pi + bnd @ d)
    assert dual_obj == pytest.approx(result.objective, rel=1e-6, abs=1e-6)
    # the bounds in constraints.csv carry exactly the bound terms of their columns
    nz = table[(table["shadow_price"].abs() > tol) & table["binding"]]
    return nz["family"].value_counts().to_dict()


@pytest.mark.parametrize("scenario", ["demo.yaml", "demo-mip.yaml"])
def test_every_price_in_the_demo_has_its_sign(backend: str, scenario: str) -> None:
    require_backend(backend)
    sc = kcopt.load_scenario(DEMO / scenario)
    result = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc), solver=backend)
    assert result.status == kcopt.Status.OPTIMAL
    priced = check_price_signs(result)
    # the demo binds its budgets, some caps and its green share: each must carry a price
    assert priced.get("budget", 0) >= 10 and priced.get("cap", 0) >= 50
    assert priced.get("target", 0) >= 1


def test_mip_families_prices(make_case: MakeCase, backend: str) -> None:
    """requires, group, start and one_start rows in one small MIP, priced on the LP with the
    selection fixed: signs and strong duality hold on every backend."""
    P = cases.project
    projects = [
        P("R1", "Hà Nội", "machinery", 600, 40, year=2026),
        P("R2", "Hà Nội", "machinery", 400, 90, requires="R1", year=2026),
        P("G1", "Sơn La", "machinery", 600, 70, group="site", year=2026),
        P("G2", "Sơn La", "machinery", 600, 65, group="site", year=2026),
        P("W1", "Lâm Đồng", "machinery", 500, 80, year=2026, latest_year=2027),
        P("M1", "Lâm Đồng", "machinery", 300, 50, year=2027, min_fraction=0.5),
    ]
    sc = make_case(projects, cases.scenario(700, years=[2026, 2027]))
    result = solve_case(sc, backend)
    assert result.status == kcopt.Status.OPTIMAL and result.duals_conditional
    families = set(result.model.lp.row_family)
    assert {"requires", "group", "start", "one_start", "link", "min_fraction"} <= families
    check_price_signs(result)


@pytest.mark.parametrize("name", ["cap:P-0042", "must_fund:P-1", "cap:A:B:2027", "must_fund:x y",
                                  "match:P-1", "budget:local:Huế", "green:Hà Nội", "cap"])
def test_bound_family_is_parse_rows(name: str) -> None:
    """The constraint table reads a column bound's family off its name's prefix: as parse_row
    does (and through it for any other name, a malformed one raising as before)."""
    from kcopt.analysis.constraint_table import _bound_family
    from kcopt.model.names import parse_row

    try:
        expected = parse_row(name).family
    except Exception as err:  # the same error, whichever parse_row raises
        with pytest.raises(type(err)):
            _bound_family(name)
        return
    assert _bound_family(name) == expected
