"""Layer 1: build tests without a solver (design §4).

A 3-project model whose every column, bound, objective coefficient and row is written out by
hand, then one constraint family at a time on top of it:

    P1  Lâm Đồng  machinery            central  cost  400            cap = min(0.5·400, 300) = 200
    P2  Sơn La    pollution_treatment  both     cost 1000, req. 250  cap = min(250, 300, 300) = 250
    P3  Hà Nội    machinery            central  cost 1000            cap = min(0.5·1000, 300) = 300

Scores are appraisal / 100 (weights: {appraisal: 1}): 0.8, 0.6, 0.5.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import kcopt
from kcopt.model import LinearProgram, Model

INF = np.inf

X1, X2C, X2L, X3 = "x:P1:central", "x:P2:central", "x:P2:local", "x:P3:central"


def project(pid: str, **fields: Any) -> dict[str, Any]:
    return {"project_id": pid, "name": f"Đề án {pid}", **fields}


def base_projects(**per_project: dict[str, Any]) -> list[dict[str, Any]]:
    """The 3-project model; `P2={...}` adds or overrides fields of one project."""
    rows = {
        "P1": project("P1", province="Lâm Đồng", category="machinery", funds="central",
                      total_cost=400, appraisal=80),
        "P2": project("P2", province="Sơn La", category="pollution_treatment", funds="both",
                      total_cost=1000, requested=250, appraisal=60),
        "P3": project("P3", province="Hà Nội", category="machinery", funds="central",
                      total_cost=1000, appraisal=50),
    }
    for pid, extra in per_project.items():
        rows[pid] = {**rows[pid], **extra}
    return list(rows.values())


BASE_SCENARIO: dict[str, Any] = {
    "budgets": {"central": 500, "local": {"Sơn La": 100, "Lâm Đồng": 80}},
    "objective": "total_score",
    "weights": {"appraisal": 1},
}


@pytest.fixture
def build_model(make_case: Callable[..., kcopt.Scenario]) -> Callable[..., Model]:
    def build(projects: list[dict[str, Any]] | None = None, build_mip: bool | None = None,
              **scenario: Any) -> Model:
        """`build_mip` is build()'s `mip=` argument; `mip=` here is the scenario key."""
        sc = make_case(projects if projects is not None else base_projects(),
                       {**BASE_SCENARIO, **scenario})
        return kcopt.build(kcopt.read_projects(sc.projects), sc, mip=build_mip)

    return build


def row_of(lp: LinearProgram, name: str) -> tuple[float, dict[str, float], float]:
    """(lower, {column: coefficient} for the nonzeros, upper) of one row."""
    i = lp.row(name)
    r = lp.A.getrow(i).tocoo()
    coefs = {lp.col_names[j]: float(v) for j, v in zip(r.col, r.data, strict=True) if v != 0}
    return float(lp.row_lower[i]), coefs, float(lp.row_upper[i])


def bounds_of(lp: LinearProgram) -> dict[str, tuple[float, float]]:
    return {n: (float(lo), float(up))
            for n, lo, up in zip(lp.col_names, lp.col_lower, lp.col_upper, strict=True)}


def family_rows(lp: LinearProgram, prefix: str) -> list[str]:
    return [n for n in lp.row_names if n.startswith(prefix)]


# --- columns, bounds, objective -------------------------------------------------------------


def test_one_column_per_project_and_paying_fund(build_model):
    model = build_model()
    lp = model.lp
    assert lp.col_names == [X1, X2C, X2L, X3]
    assert lp.shape == (len(lp.row_names), 4)
    assert not lp.integer.any()
    assert model.mip is False
    assert list(model.col_project) == [0, 1, 1, 2]
    assert list(model.col_fund) == [0, 0, 1, 0]


def test_single_fund_caps_are_column_bounds(build_model):
    """cap = min(requested, rate·cost, ceiling): P1 by the rate, P2 by the request, P3 by the
    ceiling; the two-fund P2 carries its cap on each column and in a `cap:P2` row."""
    model = build_model()
    assert bounds_of(model.lp) == {X1: (0, 200), X2C: (0, 250), X2L: (0, 250), X3: (0, 300)}
    assert model.bound_names == ["cap:P1", "", "", "cap:P3"]
    assert family_rows(model.lp, "cap:") == ["cap:P2"]
    caps = model.caps
    assert caps.limit[0, 0] == "rate"
    assert list(caps.limit[1]) == ["requested", "requested"]
    assert caps.limit[2, 0] == "ceiling"
    assert np.isnan(caps.cap[0, 1]) and np.isnan(caps.cap[2, 1])  # machinery: central only
    np.testing.assert_allclose(caps.total_cap, [200, 250, 300])
    np.testing.assert_allclose(model.projects["cap"], [200, 250, 300])


def test_total_score_objective_is_score_per_million_of_cap(build_model):
    lp = build_model(objective="total_score").lp
    np.testing.assert_allclose(lp.cost, [0.8 / 200, 0.6 / 250, 0.6 / 250, 0.5 / 300],
                               rtol=1e-12)


def test_weighted_funds_objective_is_the_score(build_model):
    lp = build_model(objective="weighted_funds").lp
    np.testing.assert_allclose(lp.cost, [0.8, 0.6, 0.6, 0.5], rtol=1e-12)


def test_scores_follow_the_weights(build_model):
    """Weights are normalised: {appraisal: 3, green: 1} → 0.75·appraisal/100 + 0.25·green."""
    model = build_model(base_projects(P1={"green": 1}), weights={"appraisal": 3, "green": 1})
    np.testing.assert_allclose(model.projects["score"],
                               [0.75 * 0.8 + 0.25, 0.75 * 0.6, 0.75 * 0.5], rtol=1e-12)


# --- rows ------------------------------------------------------------------------------------


def test_exact_rows_of_the_base_model(build_model):
    """Budgets and the one cap row, and nothing else: no targets, no co-financing, no MIP.
    Lâm Đồng has a local budget but no project its local fund may pay, so no row."""
    lp = build_model().lp
    assert lp.row_names == ["budget:central", "budget:local:Sơn La", "cap:P2"]
    assert lp.row_family == ["budget", "budget", "cap"]
    dense = lp.A.toarray()
    np.testing.assert_array_equal(dense, [[1, 1, 0, 1],
                                          [0, 0, 1, 0],
                                          [0, 1, 1, 0]])
    np.testing.assert_array_equal(lp.row_lower, [-INF, -INF, -INF])
    np.testing.assert_array_equal(lp.row_upper, [500, 100, 250])


def test_budget_rows(build_model):
    lp = build_model().lp
    assert row_of(lp, "budget:central") == (-INF, {X1: 1, X2C: 1, X3: 1}, 500)
    assert row_of(lp, "budget:local:Sơn La") == (-INF, {X2L: 1}, 100)
    assert "budget:local:Lâm Đồng" not in lp.row_names


def test_local_project_without_a_local_budget_gets_a_zero_row_and_a_warning(build_model):
    projects = [*base_projects(),
                project("P4", province="Hà Nội", category="pollution_treatment",
                        total_cost=500, appraisal=70)]  # level local → local fund only
    model = build_model(projects)
    assert row_of(model.lp, "budget:local:Hà Nội") == (-INF, {"x:P4:local": 1}, 0)
    assert any("Hà Nội" in w.message and w.severity == "warning" for w in model.warnings)


def test_cap_row_only_for_projects_both_funds_may_pay(build_model):
    lp = build_model().lp
    assert row_of(lp, "cap:P2") == (-INF, {X2C: 1, X2L: 1}, 250)
    assert "cap:P1" not in lp.row_names and "cap:P3" not in lp.row_names


def test_cofinancing_match_row(build_model):
    """match:P2  (1 − m)·x[local] − m·x[central] ≥ 0, i.e. local ≥ m·(central + local)."""
    lp = build_model(cofinancing={"local_match_min": 0.25}).lp
    lo, coefs, up = row_of(lp, "match:P2")
    assert (lo, up) == (0, INF)
    assert coefs == pytest.approx({X2C: -0.25, X2L: 0.75}, rel=1e-12)
    assert family_rows(lp, "match:") == ["match:P2"]


def test_no_match_rows_without_cofinancing(build_model):
    assert family_rows(build_model(cofinancing={"local_match_min": 0.0}).lp, "match:") == []


# --- targets ---------------------------------------------------------------------------------


def test_share_min_over_flags_uses_the_total_column(build_model):
    """green_digital: Σ_{flagged} y − 0.3·T ≥ 0 with T = total:all defined by its own row."""
    projects = base_projects(P1={"green": 1}, P3={"digital": 1})
    lp = build_model(projects, targets=[{"name": "gd", "kind": "share_min",
                                         "of": ["green", "digital"], "share": 0.3}]).lp
    assert lp.col_names == [X1, X2C, X2L, X3, "total:all"]
    assert bounds_of(lp)["total:all"] == (0, INF)
    assert lp.cost[lp.col("total:all")] == 0
    assert row_of(lp, "total:all") == (0, {X1: 1, X2C: 1, X2L: 1, X3: 1, "total:all": -1}, 0)
    lo, coefs, up = row_of(lp, "gd")
    assert (lo, up) == (0, INF)
    assert coefs == pytest.approx({X1: 1, X3: 1, "total:all": -0.3}, rel=1e-12)
    assert lp.row_family[lp.row("gd")] == "target"


def test_share_min_counts_fractional_flags_by_their_share(build_model):
    """A project 0.5 circular counts half: coefficient 0.5 on each of its columns."""
    projects = base_projects(P1={"green": 1}, P2={"circular": 0.5})
    lp = build_model(projects, targets=[{"name": "gcd", "kind": "share_min",
                                         "of": ["green", "circular", "digital"],
                                         "share": 0.3}]).lp
    _, coefs, _ = row_of(lp, "gcd")
    assert coefs == pytest.approx({X1: 1, X2C: 0.5, X2L: 0.5, "total:all": -0.3}, rel=1e-12)


def test_share_max_per_category(build_model):
    lp = build_model(targets=[{"name": "mach", "kind": "share_max", "category": "machinery",
                               "share": 0.5}]).lp
    lo, coefs, up = row_of(lp, "mach")
    assert (lo, up) == (-INF, 0)
    assert coefs == pytest.approx({X1: 1, X3: 1, "total:all": -0.5}, rel=1e-12)


def test_share_max_as_an_amount_needs_no_total_column(build_model):
    lp = build_model(targets=[{"name": "mach", "kind": "share_max", "category": "machinery",
                               "amount": 350}]).lp
    assert row_of(lp, "mach") == (-INF, {X1: 1, X3: 1}, 350)
    assert not any(n.startswith("total:") for n in lp.col_names + lp.row_names)


def test_region_min_on_the_central_fund(build_model):
    """Sơn La is in NMM; only its central column counts, against T_central."""
    lp = build_model(targets=[{"name": "nmm", "kind": "region_min", "region": "NMM",
                               "fund": "central", "share": 0.2}]).lp
    assert lp.col_names[-1] == "total:central"
    assert row_of(lp, "total:central") == (0, {X1: 1, X2C: 1, X3: 1, "total:central": -1}, 0)
    lo, coefs, up = row_of(lp, "nmm")
    assert (lo, up) == (0, INF)
    assert coefs == pytest.approx({X2C: 1, "total:central": -0.2}, rel=1e-12)


def test_province_max_one_row_per_province(build_model):
    lp = build_model(targets=[{"name": "pmax", "kind": "province_max", "fund": "central",
                               "share": 0.6}]).lp
    assert family_rows(lp, "pmax:") == ["pmax:Hà Nội", "pmax:Lâm Đồng", "pmax:Sơn La"]
    for name, col in (("pmax:Hà Nội", X3), ("pmax:Lâm Đồng", X1), ("pmax:Sơn La", X2C)):
        lo, coefs, up = row_of(lp, name)
        assert (lo, up) == (-INF, 0)
        assert coefs == pytest.approx({col: 1, "total:central": -0.6}, rel=1e-12)


def test_targets_on_two_scopes_get_two_total_columns(build_model):
    lp = build_model(targets=[
        {"name": "nmm", "kind": "region_min", "region": "NMM", "fund": "central", "share": 0.2},
        {"name": "mach", "kind": "share_max", "category": "machinery", "share": 0.5},
    ]).lp
    assert lp.col_names[4:] == ["total:all", "total:central"]
    assert family_rows(lp, "total:") == ["total:all", "total:central"]


# --- must_fund, exclude ----------------------------------------------------------------------


def test_must_fund_single_fund_is_a_column_lower_bound(build_model):
    model = build_model(must_fund=["P1"])
    assert bounds_of(model.lp)[X1] == (200, 200)
    assert model.bound_names[0] == "must_fund:P1"
    assert family_rows(model.lp, "must_fund:") == []


def test_must_fund_two_funds_is_a_row(build_model):
    model = build_model(base_projects(P2={"must_fund": 1}))
    lp = model.lp
    assert row_of(lp, "must_fund:P2") == (250, {X2C: 1, X2L: 1}, 250)
    assert "cap:P2" not in lp.row_names  # one equality row, so its price is unique
    assert lp.row_family[lp.row("must_fund:P2")] == "must_fund"
    assert bounds_of(lp)[X2C] == (0, 250)


@pytest.mark.parametrize("how", ["scenario", "column"])
def test_excluded_project_has_no_column(build_model, how):
    if how == "scenario":
        model = build_model(exclude=["P3"])
    else:
        model = build_model(base_projects(P3={"exclude": 1}))
    lp = model.lp
    assert lp.col_names == [X1, X2C, X2L]
    assert row_of(lp, "budget:central") == (-INF, {X1: 1, X2C: 1}, 500)
    assert model.projects["status"].tolist() == ["", "", "excluded"]
    assert model.projects["cap"].iloc[2] == 0


def test_unknown_id_in_scenario_lists_is_an_input_error(build_model):
    with pytest.raises(kcopt.InputError, match="no project with this id"):
        build_model(must_fund=["P9"])


# --- Decree 32, eligibility ------------------------------------------------------------------


def test_decree32_caps_ccn_infrastructure(build_model):
    """ccn_infrastructure (local fund, rate 0.30, no ceiling), other state support counted:

    C1: cost 2000, infra 1000, other 100 → min(0.30·2000 − 100, 0.30·1000 − 100) = 200 (Decree 32)
    C2: cost 1000, infra 5000, other  50 → min(0.30·1000 −  50, 0.30·5000 −  50) = 250 (rate)
    C3: cost 1000, infra  900, other 250 → min(300 − 250, 270 − 250) = 20 (Decree 32)
    C4: cost 1000, infra  900, other 300 → 270 − 300 < 0 → no room left: ineligible
    """
    ccn = {"province": "Lâm Đồng", "category": "ccn_infrastructure"}
    projects = [
        project("C1", **ccn, total_cost=2000, infra_investment=1000, other_state_support=100,
                appraisal=70),
        project("C2", **ccn, total_cost=1000, infra_investment=5000, other_state_support=50,
                appraisal=70),
        project("C3", **ccn, total_cost=1000, infra_investment=900, other_state_support=250,
                appraisal=70),
        project("C4", **ccn, total_cost=1000, infra_investment=900, other_state_support=300,
                appraisal=70),
    ]
    model = build_model(projects)
    assert bounds_of(model.lp) == {"x:C1:local": (0, 200), "x:C2:local": (0, 250),
                                   "x:C3:local": (0, 20)}
    assert list(model.caps.limit[:3, 1]) == ["decree32", "rate", "decree32"]
    assert model.projects["status"].tolist() == ["", "", "", "ineligible"]
    assert "no support room left" in model.projects["reason"].iloc[3]
    assert row_of(model.lp, "budget:local:Lâm Đồng") == (
        -INF, {"x:C1:local": 1, "x:C2:local": 1, "x:C3:local": 1}, 80)


def test_decree32_cap_binds_below_the_request(build_model):
    projects = [project("C1", province="Lâm Đồng", category="ccn_infrastructure",
                        total_cost=2000, requested=400, infra_investment=1000, appraisal=70)]
    model = build_model(projects)
    assert bounds_of(model.lp) == {"x:C1:local": (0, 300)}
    assert model.caps.limit[0, 1] == "decree32"


def test_establish_enterprise_only_in_disadvantaged_areas(build_model):
    """Ceiling 10 million, both funds by the rule set; E1 and E2 are local (level default)."""
    projects = [
        project("E1", province="Sơn La", category="establish_enterprise", total_cost=50,
                appraisal=70, disadvantaged_area=1),
        project("E2", province="Sơn La", category="establish_enterprise", total_cost=50,
                appraisal=70, disadvantaged_area=0),
    ]
    model = build_model(projects)
    assert bounds_of(model.lp) == {"x:E1:local": (0, 10)}
    assert model.projects["status"].tolist() == ["", "ineligible"]
    assert "difficult socio-economic" in model.projects["reason"].iloc[1]


def test_central_only_category_on_a_local_project_is_ineligible(build_model):
    projects = [project("M1", province="Sơn La", category="fair_abroad", total_cost=400,
                        appraisal=70)]  # level local → local funds only; fairs abroad: central
    model = build_model(projects)
    assert model.lp.col_names == []
    assert model.projects["status"].tolist() == ["ineligible"]
    assert "paid only from central" in model.projects["reason"].iloc[0]


def test_rate_override_lets_the_local_fund_pay(build_model):
    projects = [project("M1", province="Sơn La", category="machinery", total_cost=400,
                        appraisal=70)]
    model = build_model(projects, rate_overrides=[
        {"category": "machinery", "fund": "local", "rate": 0.4, "cap": 300}])
    assert bounds_of(model.lp) == {"x:M1:local": (0, 160)}
    assert model.projects["status"].tolist() == [""]


# --- MIP rows --------------------------------------------------------------------------------


def mip_projects() -> list[dict[str, Any]]:
    return base_projects(P2={"min_fraction": 0.4}, P3={"all_or_nothing": 1})


def test_all_or_nothing_row(build_model):
    """all_or_nothing:P3   x[P3] − 300·z[P3] = 0."""
    model = build_model(mip_projects())
    lp = model.lp
    assert model.mip is True
    assert lp.col_names == [X1, X2C, X2L, X3, "z:P2", "z:P3"]
    assert list(lp.integer) == [False] * 4 + [True, True]
    assert bounds_of(lp)["z:P3"] == (0, 1)
    assert row_of(lp, "all_or_nothing:P3") == (0, {X3: 1, "z:P3": -300}, 0)
    assert family_rows(lp, "all_or_nothing:") == ["all_or_nothing:P3"]


def test_min_fraction_and_link_rows(build_model):
    """min_fraction:P2   y − 0.4·250·z ≥ 0;   link:P2   y − 250·z ≤ 0."""
    lp = build_model(mip_projects()).lp
    assert row_of(lp, "min_fraction:P2") == (0, {X2C: 1, X2L: 1, "z:P2": -100}, INF)
    assert row_of(lp, "link:P2") == (-INF, {X2C: 1, X2L: 1, "z:P2": -250}, 0)
    assert family_rows(lp, "min_fraction:") == ["min_fraction:P2"]
    assert family_rows(lp, "link:") == ["link:P2"]
    assert lp.row_family[lp.row("link:P2")] == "link"


def test_build_lp_relaxation_keeps_integer_rows_with_continuous_z(build_model):
    """The LP relaxation of the same programme: z columns stay, bounded to [0, 1], continuous
    (so the relaxation bounds the MIP and dependencies/groups keep a fractional meaning)."""
    model = build_model(mip_projects(), build_mip=False)
    mipmodel = build_model(mip_projects())
    lp = model.lp
    assert model.mip is False
    assert lp.col_names == mipmodel.lp.col_names == [X1, X2C, X2L, X3, "z:P2", "z:P3"]
    assert not lp.integer.any() and mipmodel.lp.integer.sum() == 2
    assert lp.row_names == mipmodel.lp.row_names
    assert any("relaxation" in w.message for w in model.warnings)


def test_scenario_mip_false_also_relaxes(build_model):
    model = build_model(mip_projects(), mip=False)
    assert model.mip is False
    assert not model.lp.integer.any()


# --- reading the project list ---------------------------------------------------------------


def test_blank_and_fractional_flag_cells_are_read(make_case):
    """A flag given for some projects only (blank = 0) and a fractional flag (0–1 share): the
    cells every case here leaves blank. (Regression: under pandas 3 copy-on-write the parsed
    column was a read-only view and blank flags raised "assignment destination is read-only".)
    """
    sc = make_case([
        {"project_id": "P1", "name": "a", "province": "Sơn La", "category": "machinery",
         "funds": "central", "total_cost": 400, "green": 1, "circular": 0.5},
        {"project_id": "P2", "name": "b", "province": "Sơn La", "category": "machinery",
         "funds": "central", "total_cost": 400, "circular": 0},
    ], BASE_SCENARIO)
    frame = kcopt.read_projects(sc.projects).frame
    assert frame["green"].tolist() == [1.0, 0.0]
    assert frame["circular"].tolist() == [0.5, 0.0]
