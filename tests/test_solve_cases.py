"""Layer 2: tiny cases solved by hand, on every backend (design §4, conventions "Tests").

Each test's docstring works out the optimum and the shadow prices by hand. Prices follow the
textbook convention for a maximisation: the shadow price of a row is d objective / d rhs, so a
binding ≤ row (a budget, a cap, a share_max) has a price ≥ 0 and a binding ≥ row (share_min,
region_min, co-financing, min_fraction) a price ≤ 0. Reduced costs d = c − Aᵀy are ≥ 0 for a
column at its upper bound and ≤ 0 at its lower bound.

Scores are appraisal / 100 (weights: {appraisal: 1}). Machinery is paid by the central fund at
50% of cost up to 300 million; pollution_treatment by either fund at 30% up to 300 million.
Money is in million VND, so a price of 0.6 is 0.6 score points per million.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import kcopt
from conftest import needs_cbc, solve_case

MakeCase = Callable[..., kcopt.Scenario]
REL = 1e-6


def approx(value: float) -> Any:
    return pytest.approx(value, rel=REL, abs=1e-7)


def project(pid: str, province: str, category: str, total_cost: float, appraisal: float,
            **fields: Any) -> dict[str, Any]:
    funds = fields.pop("funds", "central" if category == "machinery" else "local")
    return {"project_id": pid, "name": f"Đề án {pid}", "province": province,
            "category": category, "total_cost": total_cost, "appraisal": appraisal,
            "funds": funds, **fields}


def scenario(central: float, local: dict[str, float] | None = None,
             objective: str = "weighted_funds", **keys: Any) -> dict[str, Any]:
    return {"budgets": {"central": central, "local": local or {}}, "objective": objective,
            "weights": {"appraisal": 1}, **keys}


def allocation(result: kcopt.Result) -> dict[str, float]:
    """Support per x column (`x:<id>:<fund>`), rounded off solver noise."""
    lp = result.model.lp
    assert result.x is not None
    return {n: round(float(v), 6) + 0.0 for n, v in zip(lp.col_names, result.x, strict=True)
            if n.startswith("x:")}


def price(result: kcopt.Result, row: str) -> float:
    assert result.shadow_price is not None
    return float(result.shadow_price[result.model.lp.row(row)])


def reduced(result: kcopt.Result, col: str) -> float:
    assert result.reduced_cost is not None
    return float(result.reduced_cost[result.model.lp.col(col)])


def solved(sc: kcopt.Scenario, backend: str, **build: Any) -> kcopt.Result:
    result = solve_case(sc, backend, **build)
    assert result.status == kcopt.Status.OPTIMAL, result.message
    return result


# --- the cases ---------------------------------------------------------------------------------
# Each builder returns a loaded scenario; the tests below solve it and check the hand solution,
# and test_backends_agree solves every one with HiGHS and with CBC.


def three_machinery(objective: str, **keys: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A1 cap 200 score 0.9; A2 cap 300 score 0.6; A3 cap 100 score 0.3; central budget 350."""
    projects = [
        project("A1", "Hà Nội", "machinery", 400, 90),
        project("A2", "Sơn La", "machinery", 600, 60),
        project("A3", "Lâm Đồng", "machinery", 200, 30),
    ]
    return projects, scenario(350, objective=objective, **keys)


def case_total_score(make_case: MakeCase) -> kcopt.Scenario:
    return make_case(*three_machinery("total_score"))


def case_weighted_funds(make_case: MakeCase) -> kcopt.Scenario:
    return make_case(*three_machinery("weighted_funds"))


def case_exclude(make_case: MakeCase, how: str = "scenario") -> kcopt.Scenario:
    projects, sc = three_machinery("weighted_funds")
    if how == "scenario":
        sc["exclude"] = ["A1"]
    else:
        projects[0]["exclude"] = 1
    return make_case(projects, sc)


def case_share_min(make_case: MakeCase, target: bool = True) -> kcopt.Scenario:
    projects = [
        project("N1", "Hà Nội", "machinery", 600, 90),
        project("G1", "Sơn La", "machinery", 600, 40, green=1),
    ]
    targets = [{"name": "green_digital", "kind": "share_min", "of": ["green", "digital"],
                "share": 0.5}] if target else []
    return make_case(projects, scenario(400, targets=targets))


def case_share_max(make_case: MakeCase, target: bool = True) -> kcopt.Scenario:
    projects = [
        project("M1", "Hà Nội", "machinery", 600, 90),
        project("T1", "Hà Nội", "pollution_treatment", 800, 50, funds="central"),
    ]
    targets = [{"name": "machinery_cap", "kind": "share_max", "category": "machinery",
                "share": 0.5}] if target else []
    return make_case(projects, scenario(400, targets=targets))


def case_region_min(make_case: MakeCase, target: bool = True) -> kcopt.Scenario:
    projects = [
        project("H1", "Hà Nội", "machinery", 600, 90),
        project("S1", "Sơn La", "machinery", 600, 60),
        project("L1", "Sơn La", "pollution_treatment", 1000, 50),  # local fund only
    ]
    targets = [{"name": "nmm_floor", "kind": "region_min", "region": "NMM", "fund": "central",
                "share": 0.4}] if target else []
    return make_case(projects, scenario(250, {"Sơn La": 100}, targets=targets))


def case_province_max(make_case: MakeCase, target: bool = True) -> kcopt.Scenario:
    projects = [
        project("H1", "Hà Nội", "machinery", 600, 90),
        project("H2", "Hà Nội", "machinery", 400, 80),
        project("S1", "Sơn La", "machinery", 600, 60),
    ]
    targets = [{"name": "province_cap", "kind": "province_max", "fund": "central",
                "share": 0.6}] if target else []
    return make_case(projects, scenario(400, targets=targets))


def case_cofinancing(make_case: MakeCase, match: float = 0.25) -> kcopt.Scenario:
    projects = [
        project("P", "Sơn La", "pollution_treatment", 1000, 80, funds="both"),
        project("M", "Hà Nội", "machinery", 600, 60),
    ]
    return make_case(projects, scenario(300, {"Sơn La": 60},
                                        cofinancing={"local_match_min": match}))


def case_local_budgets(make_case: MakeCase) -> kcopt.Scenario:
    projects = [
        project("P1", "Lâm Đồng", "pollution_treatment", 1000, 70, funds="both"),
        project("P2", "Sơn La", "machinery", 400, 90, funds="local"),
        project("P3", "Hà Nội", "machinery", 600, 50),
    ]
    return make_case(projects, scenario(
        300, {"Lâm Đồng": 100, "Sơn La": 150},
        rate_overrides=[{"category": "machinery", "fund": "local", "rate": 0.5, "cap": 300}]))


def case_must_fund(make_case: MakeCase, must: bool = True) -> kcopt.Scenario:
    projects = [
        project("A1", "Hà Nội", "machinery", 400, 90),
        project("A2", "Hà Nội", "machinery", 600, 60),
        project("A3", "Lâm Đồng", "machinery", 200, 30),
        project("T1", "Sơn La", "pollution_treatment", 500, 20, funds="both",
                must_fund=int(must)),
    ]
    return make_case(projects, scenario(450, {"Sơn La": 50}, must_fund=["A3"] if must else []))


def mip_case(make_case: MakeCase, **b1: Any) -> kcopt.Scenario:
    projects = [
        project("B1", "Hà Nội", "machinery", 600, 50, **b1),
        project("B2", "Hà Nội", "machinery", 400, 90),
        project("B3", "Hà Nội", "machinery", 600, 40),
    ]
    return make_case(projects, scenario(400))


def case_all_or_nothing(make_case: MakeCase) -> kcopt.Scenario:
    return mip_case(make_case, all_or_nothing=1)


def case_min_fraction(make_case: MakeCase) -> kcopt.Scenario:
    return mip_case(make_case, min_fraction=0.8)


# --- objectives ----------------------------------------------------------------------------------


def test_total_score(make_case, backend):
    """total_score: maximise Σ score·y/cap — money goes to the best score per million of cap.

    Coefficients: A1 0.9/200 = 0.0045, A3 0.3/100 = 0.003, A2 0.6/300 = 0.002 per million.
    Fill in that order with 350: A1 200, A3 100, A2 the last 50.
    Objective 0.9 + 0.3 + 50·0.002 = 1.3 (A1 and A3 funded, A2 one sixth).
    Shadow price of budget:central = A2's coefficient 0.002: one more million buys 1/300 of A2.
    Reduced costs: A1 0.0045 − 0.002 = 0.0025 ≥ 0 and A3 0.001 ≥ 0 (both at their caps);
    A2 basic, 0.
    """
    result = solved(case_total_score(make_case), backend)
    assert result.objective == approx(1.3)
    assert allocation(result) == approx({"x:A1:central": 200, "x:A2:central": 50,
                                         "x:A3:central": 100})
    assert price(result, "budget:central") == approx(0.002)
    assert reduced(result, "x:A1:central") == approx(0.0025)
    assert reduced(result, "x:A3:central") == approx(0.001)
    assert reduced(result, "x:A2:central") == approx(0.0)
    assert result.duals_conditional is False


def test_weighted_funds(make_case, backend):
    """weighted_funds: maximise Σ score·y — money goes to the highest scores first.

    Same projects and budget as test_total_score: A1 (0.9) 200, A2 (0.6) the remaining 150,
    A3 (0.3) nothing. Objective 0.9·200 + 0.6·150 = 270.
    Shadow price of budget:central = 0.6 (A2 is the marginal project).
    Reduced costs: A1 0.9 − 0.6 = 0.3 ≥ 0 at its cap; A3 0.3 − 0.6 = −0.3 ≤ 0 at zero: A3's
    score must rise by 0.3 before it gets money.
    """
    result = solved(case_weighted_funds(make_case), backend)
    assert result.objective == approx(270)
    assert allocation(result) == approx({"x:A1:central": 200, "x:A2:central": 150,
                                         "x:A3:central": 0})
    assert price(result, "budget:central") == approx(0.6)
    assert reduced(result, "x:A1:central") == approx(0.3)
    assert reduced(result, "x:A3:central") == approx(-0.3)
    assert reduced(result, "x:A2:central") == approx(0.0)


# --- targets -------------------------------------------------------------------------------------


def test_share_min_over_flags(make_case, backend):
    """share_min: green/digital projects get at least half of all support.

    N1 (cap 300, score 0.9), G1 green (cap 300, score 0.4); central budget 400.
    Without the target: N1 300, G1 100 → 270 + 40 = 310, budget price 0.4 (G1 marginal).
    With G1 ≥ 0.5·T, T = N1 + G1 = 400: G1 = N1 = 200 → 180 + 80 = 260; the target costs 50.
    Duals (λ budget, μ total:all, π target), both columns basic, T basic:
        N1: 0.9 = λ + μ,   G1: 0.4 = λ + μ + π,   T: 0 = −μ − 0.5·π
    → π = −0.5, μ = 0.25, λ = 0.65. Check λ: one more million goes half to each, 0.65.
    Check π: asking G1 − 0.5·T ≥ ε moves ε from N1 to G1, −0.5·ε. Raising the share by one
    percentage point asks ε = 0.01·400 = 4: it costs 2 score points.
    """
    free = solved(case_share_min(make_case, target=False), backend)
    assert free.objective == approx(310)
    assert allocation(free) == approx({"x:N1:central": 300, "x:G1:central": 100})
    assert price(free, "budget:central") == approx(0.4)

    result = solved(case_share_min(make_case), backend)
    assert result.objective == approx(260)
    assert allocation(result) == approx({"x:N1:central": 200, "x:G1:central": 200})
    assert price(result, "budget:central") == approx(0.65)
    assert price(result, "green_digital") == approx(-0.5)
    assert price(result, "total:all") == approx(0.25)


def test_share_max_per_category(make_case, backend):
    """share_max: machinery gets at most half of all support.

    M1 machinery (cap 300, score 0.9), T1 pollution_treatment paid centrally (cap
    min(0.3·800, 300) = 240, score 0.5); central budget 400.
    Without the target: M1 300, T1 100 → 270 + 50 = 320, budget price 0.5.
    With M1 ≤ 0.5·T: M1 = T1 = 200 → 180 + 100 = 280; the target costs 40.
    Duals: M1: 0.9 = λ + μ + π,  T1: 0.5 = λ + μ,  T: 0 = −μ − 0.5·π
    → π = 0.4 (≥ 0, a binding ≤ row), μ = −0.2, λ = 0.7. Check λ: an extra million splits
    half/half, 0.45 + 0.25 = 0.7; check π: M1 − 0.5·T ≤ ε moves ε from T1 to M1, +0.4·ε.
    """
    free = solved(case_share_max(make_case, target=False), backend)
    assert free.objective == approx(320)
    assert allocation(free) == approx({"x:M1:central": 300, "x:T1:central": 100})
    assert price(free, "budget:central") == approx(0.5)

    result = solved(case_share_max(make_case), backend)
    assert result.objective == approx(280)
    assert allocation(result) == approx({"x:M1:central": 200, "x:T1:central": 200})
    assert price(result, "budget:central") == approx(0.7)
    assert price(result, "machinery_cap") == approx(0.4)


def test_region_min_on_the_central_fund(make_case, backend):
    """region_min: NMM (Sơn La) gets at least 40% of the central fund.

    H1 Hà Nội (cap 300, 0.9) and S1 Sơn La (cap 300, 0.6) on central 250; L1 Sơn La local-only
    (cap 300, 0.5) on Sơn La's local 100 — L1 is in NMM but local money is not in the scope.
    Without the target: H1 250, S1 0, L1 100 → 225 + 50 = 275; central price 0.9 (H1 below
    its cap), S1 reduced cost 0.6 − 0.9 = −0.3.
    With S1 ≥ 0.4·T_central = 100: H1 150, S1 100, L1 100 → 135 + 60 + 50 = 245 (costs 30).
    Duals: H1: 0.9 = λ + μ,  S1: 0.6 = λ + μ + π,  T_central: 0 = −μ − 0.4·π
    → π = −0.3, μ = 0.12, λ = 0.78 (= 0.6·0.9 + 0.4·0.6: extra money is split 60/40).
    Sơn La's local budget is priced by L1 alone: 0.5.
    """
    free = solved(case_region_min(make_case, target=False), backend)
    assert free.objective == approx(275)
    assert allocation(free) == approx({"x:H1:central": 250, "x:S1:central": 0,
                                       "x:L1:local": 100})
    assert price(free, "budget:central") == approx(0.9)
    assert reduced(free, "x:S1:central") == approx(-0.3)

    result = solved(case_region_min(make_case), backend)
    assert result.objective == approx(245)
    assert allocation(result) == approx({"x:H1:central": 150, "x:S1:central": 100,
                                         "x:L1:local": 100})
    assert price(result, "budget:central") == approx(0.78)
    assert price(result, "nmm_floor") == approx(-0.3)
    assert price(result, "total:central") == approx(0.12)
    assert price(result, "budget:local:Sơn La") == approx(0.5)


def test_province_max(make_case, backend):
    """province_max: no province gets more than 60% of the central fund.

    H1 Hà Nội (cap 300, 0.9), H2 Hà Nội (cap 200, 0.8), S1 Sơn La (cap 300, 0.6); central 400.
    Without the target: H1 300, H2 100 → 270 + 80 = 350, budget price 0.8.
    With Hà Nội ≤ 0.6·400 = 240: H1 240, H2 0, S1 160 → 216 + 96 = 312 (costs 38).
    Row province_cap:Hà Nội binds (π), province_cap:Sơn La has slack (0):
        H1: 0.9 = λ + μ + π,  S1: 0.6 = λ + μ,  T_central: 0 = −μ − 0.6·π
    → π = 0.3, μ = −0.18, λ = 0.78 (= 0.6·0.9 + 0.4·0.6).
    H2's reduced cost 0.8 − λ − μ − π = −0.1: inside Hà Nội's 240 it loses to H1.
    """
    free = solved(case_province_max(make_case, target=False), backend)
    assert free.objective == approx(350)
    assert allocation(free) == approx({"x:H1:central": 300, "x:H2:central": 100,
                                       "x:S1:central": 0})
    assert price(free, "budget:central") == approx(0.8)

    result = solved(case_province_max(make_case), backend)
    assert result.objective == approx(312)
    assert allocation(result) == approx({"x:H1:central": 240, "x:H2:central": 0,
                                         "x:S1:central": 160})
    assert price(result, "budget:central") == approx(0.78)
    assert price(result, "province_cap:Hà Nội") == approx(0.3)
    assert price(result, "province_cap:Sơn La") == approx(0.0)
    assert price(result, "total:central") == approx(-0.18)
    assert reduced(result, "x:H2:central") == approx(-0.1)


# --- funds ---------------------------------------------------------------------------------------


def test_cofinancing_match(make_case, backend):
    """Co-financing: the local fund pays at least 25% of a jointly paid project.

    P Sơn La, both funds (cap 300, 0.8); M Hà Nội central (cap 300, 0.6); central 300, Sơn La
    local 60.
    Without a match: P local 60 + central 240 (at its cap), M 60 → 240 + 36 = 276; central
    price 0.6, cap:P price 0.2, Sơn La price 0.6 (a local million frees a central one for M).
    With match:P  0.75·L − 0.25·C ≥ 0 (C ≤ 3L = 180): P 180 + 60 = 240, M 120 →
    192 + 72 = 264 (the match costs 12).
    Duals: M: 0.6 = λc;  P central: 0.8 = λc − 0.25·ρ;  P local: 0.8 = λl + 0.75·ρ
    → ρ = −0.8, λl = 1.4: a local million unlocks three central ones for P (4·0.8 − 3·0.6).
    """
    free = solved(case_cofinancing(make_case, match=0.0), backend)
    assert free.objective == approx(276)
    assert allocation(free) == approx({"x:P:central": 240, "x:P:local": 60, "x:M:central": 60})
    assert price(free, "budget:central") == approx(0.6)
    assert price(free, "cap:P") == approx(0.2)
    assert price(free, "budget:local:Sơn La") == approx(0.6)

    result = solved(case_cofinancing(make_case), backend)
    assert result.objective == approx(264)
    assert allocation(result) == approx({"x:P:central": 180, "x:P:local": 60,
                                         "x:M:central": 120})
    assert price(result, "budget:central") == approx(0.6)
    assert price(result, "match:P") == approx(-0.8)
    assert price(result, "budget:local:Sơn La") == approx(1.4)
    assert price(result, "cap:P") == approx(0.0)


def test_per_province_local_budgets(make_case, backend):
    """Each province's local money pays only its own projects.

    P1 Lâm Đồng, both funds (cap 300, 0.7); P2 Sơn La machinery paid locally by the override
    (cap min(0.5·400, 300) = 200, 0.9); P3 Hà Nội machinery central (cap 300, 0.5).
    Central 300, Lâm Đồng 100, Sơn La 150.
    Lâm Đồng's 100 can only go to P1, Sơn La's 150 only to P2 (it cannot fill P1's gap).
    Central: P1 up to its cap (200 more, 0.7), then P3 the last 100 (0.5).
    Objective 0.7·300 + 0.9·150 + 0.5·100 = 395.
    Prices: central 0.5 (P3); cap:P1 0.7 − 0.5 = 0.2; Lâm Đồng 0.7 − 0.2 = 0.5 (a local million
    replaces a central one in P1, which goes to P3); Sơn La 0.9 (P2 below its cap).
    """
    result = solved(case_local_budgets(make_case), backend)
    assert result.objective == approx(395)
    assert allocation(result) == approx({"x:P1:central": 200, "x:P1:local": 100,
                                         "x:P2:local": 150, "x:P3:central": 100})
    assert price(result, "budget:central") == approx(0.5)
    assert price(result, "cap:P1") == approx(0.2)
    assert price(result, "budget:local:Lâm Đồng") == approx(0.5)
    assert price(result, "budget:local:Sơn La") == approx(0.9)


def test_must_fund(make_case, backend):
    """must_fund: A3 (single fund, by the scenario) and T1 (both funds, by the project list).

    A1 (cap 200, 0.9), A2 (cap 300, 0.6), A3 (cap 100, 0.3) central; T1 Sơn La both funds
    (cap min(0.3·500, 300) = 150, 0.2); central 450, Sơn La local 50.
    Without must-funds: T1 gets Sơn La's 50 only; central A1 200, A2 250 →
    180 + 150 + 10 = 340; central price 0.6, Sơn La price 0.2.
    With them: A3 100 (bound 100 ≤ x ≤ 100), T1 150 = local 50 + central 100, leaving 250
    central for A1 200 and A2 50 → 30 + 30 + 180 + 30 = 270 (the must-funds cost 70).
    Prices: central 0.6 (A2 still marginal); Sơn La 0.6 (a local million frees a central one
    for A2); A3's reduced cost 0.3 − 0.6 = −0.3 is the price of forcing it. T1's cap is the
    single equality row must_fund:T1 (x_c + x_l = 150): its price is 0.2 − 0.6 = −0.4 (each
    million T1 is forced to take costs 0.4 points net).
    """
    free = solved(case_must_fund(make_case, must=False), backend)
    assert free.objective == approx(340)
    assert allocation(free) == approx({"x:A1:central": 200, "x:A2:central": 250,
                                       "x:A3:central": 0, "x:T1:central": 0, "x:T1:local": 50})
    assert price(free, "budget:local:Sơn La") == approx(0.2)

    result = solved(case_must_fund(make_case), backend)
    assert result.objective == approx(270)
    assert allocation(result) == approx({"x:A1:central": 200, "x:A2:central": 50,
                                         "x:A3:central": 100, "x:T1:central": 100,
                                         "x:T1:local": 50})
    assert price(result, "budget:central") == approx(0.6)
    assert price(result, "budget:local:Sơn La") == approx(0.6)
    assert reduced(result, "x:A3:central") == approx(-0.3)
    assert price(result, "must_fund:T1") == approx(-0.4)
    assert "cap:T1" not in result.model.lp.row_names


@pytest.mark.parametrize("how", ["scenario", "column"])
def test_exclude(make_case, backend, how):
    """exclude: A1 is out (by the scenario's list or the project list's column).

    Same projects as test_weighted_funds. Without A1: A2 300 (its cap), A3 the last 50 →
    180 + 15 = 195 (vs 270). Budget price 0.3 (A3 marginal); A2 at its cap, reduced cost
    0.6 − 0.3 = 0.3. A1 has no column and is reported as excluded.
    """
    result = solved(case_exclude(make_case, how), backend)
    assert result.objective == approx(195)
    assert allocation(result) == approx({"x:A2:central": 300, "x:A3:central": 50})
    assert price(result, "budget:central") == approx(0.3)
    assert reduced(result, "x:A2:central") == approx(0.3)
    table = kcopt.allocation_table(result).set_index("project_id")
    assert table.loc["A1", "status"] == "excluded"
    assert table.loc["A1", "total"] == 0


# --- MIP -----------------------------------------------------------------------------------------


def test_all_or_nothing(make_case, backend):
    """all_or_nothing: B1 is funded in full (300) or not at all.

    B1 (cap 300, 0.5, all-or-nothing), B2 (cap 200, 0.9), B3 (cap 300, 0.4); central 400.
    LP relaxation: B2 200, B1 the remaining 200 → 180 + 100 = 280; price 0.5 (B1 marginal).
    MIP: with B1 in full, B2 gets 100 → 150 + 90 = 240; without B1, B2 200 and B3 200 →
    180 + 80 = 260. Optimum 260 < 280: B1 drops out entirely.
    Duals of the LP with z fixed (z[B1] = 0): B3 is marginal, budget price 0.4; B2 at its cap
    has reduced cost 0.9 − 0.4 = 0.5. x[B1] = 300·z[B1] = 0 sits at its lower bound too, so the
    price α of all_or_nothing:B1 is only bounded: 0.5 − 0.4 − α ≤ 0, α ≥ 0.1.
    """
    sc = case_all_or_nothing(make_case)
    relaxed = solved(sc, backend, mip=False)
    assert relaxed.objective == approx(280)
    assert allocation(relaxed) == approx({"x:B1:central": 200, "x:B2:central": 200,
                                          "x:B3:central": 0})
    assert price(relaxed, "budget:central") == approx(0.5)
    assert relaxed.duals_conditional is False

    result = solved(sc, backend)
    assert result.model.mip is True
    assert result.objective == approx(260)
    assert allocation(result) == approx({"x:B1:central": 0, "x:B2:central": 200,
                                         "x:B3:central": 200})
    assert result.x[result.model.lp.col("z:B1")] == approx(0)
    assert result.duals_conditional is True
    assert price(result, "budget:central") == approx(0.4)
    assert reduced(result, "x:B2:central") == approx(0.5)
    assert price(result, "all_or_nothing:B1") >= 0.1 - 1e-7


def test_min_fraction(make_case, backend):
    """min_fraction: B1, if funded, gets at least 0.8·300 = 240.

    Same projects as test_all_or_nothing, B1 with min_fraction 0.8 instead.
    LP relaxation 280 as there. MIP: funding B1 at its minimum 240 leaves 160 for B2 →
    120 + 144 = 264, better than dropping B1 (260). Optimum 264: B1 240, B2 160, B3 0.
    Duals with z[B1] = 1: B2 is marginal, budget price 0.9; min_fraction:B1 binds:
    0.5 = 0.9 + φ → φ = −0.4 (each million B1 must take costs 0.4); link:B1 has slack (0);
    B3's reduced cost 0.4 − 0.9 = −0.5.
    """
    sc = case_min_fraction(make_case)
    relaxed = solved(sc, backend, mip=False)
    assert relaxed.objective == approx(280)

    result = solved(sc, backend)
    assert result.objective == approx(264)
    assert allocation(result) == approx({"x:B1:central": 240, "x:B2:central": 160,
                                         "x:B3:central": 0})
    assert result.duals_conditional is True
    assert price(result, "budget:central") == approx(0.9)
    assert price(result, "min_fraction:B1") == approx(-0.4)
    assert price(result, "link:B1") == approx(0.0)
    assert reduced(result, "x:B3:central") == approx(-0.5)


# --- backends agree ------------------------------------------------------------------------------

CASES: dict[str, Callable[[MakeCase], kcopt.Scenario]] = {
    "total_score": case_total_score,
    "weighted_funds": case_weighted_funds,
    "exclude": case_exclude,
    "share_min": case_share_min,
    "share_min_free": lambda mc: case_share_min(mc, target=False),
    "share_max": case_share_max,
    "region_min": case_region_min,
    "province_max": case_province_max,
    "cofinancing": case_cofinancing,
    "local_budgets": case_local_budgets,
    "must_fund": case_must_fund,
    "all_or_nothing": case_all_or_nothing,
    "min_fraction": case_min_fraction,
}


@needs_cbc
@pytest.mark.parametrize("name", list(CASES))
def test_backends_agree(make_case, name):
    """HiGHS and CBC reach the same objective (relative difference ≤ 1e-6, design §4), and on
    these non-degenerate budgets the same normalised budget price."""
    sc = CASES[name](make_case)
    highs, cbc = solved(sc, "highs"), solved(sc, "cbc")
    assert cbc.objective == pytest.approx(highs.objective, rel=REL)
    for result in (highs, cbc):
        assert result.objective == approx(float(result.model.lp.cost @ result.x))
    assert price(cbc, "budget:central") == approx(price(highs, "budget:central"))
