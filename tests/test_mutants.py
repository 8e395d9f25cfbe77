"""Tests written to kill mutants that survived `benchmarks/mutation.py`: each asserts a fact
computed in the test from the inputs and the rule data (a price, a cap, a reason, a check),
never kcopt's own output read back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kcopt
from kcopt.analysis.report import constraint_table, top_slice_lines, warning_record
from kcopt.core.errors import Problem
from kcopt.solvers.solve import Result, Status


def machinery(pid: str, province: str, cost: float = 1000, **extra: Any) -> dict[str, Any]:
    return {"project_id": pid, "name": f"Máy móc {pid}", "province": province,
            "category": "machinery", "total_cost": cost, **extra}


def test_top_slice_reserves_every_provinces_local_budget(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Management 1.5%, implementers 2.5%, local budgets Sơn La 2,000 and Lâm Đồng 1,000: the
    local line is the split of their sum, 3,000: management 45, allocatable 2,955 / 1.025."""
    sc = make_case([machinery("P1", "Sơn La", funds="local")],
                   {"budgets": {"central": 10000, "local": {"Sơn La": 2000, "Lâm Đồng": 1000}},
                    "top_slice": {"management": 0.015, "implementer": 0.025}})
    lines = top_slice_lines(sc)["top_slice"]
    assert lines["local"]["budget"] == pytest.approx(3000)
    assert lines["local"]["management"] == pytest.approx(45)
    assert lines["local"]["allocatable"] == pytest.approx(2955 / 1.025)
    assert lines["central"]["management"] == pytest.approx(150)


@pytest.mark.parametrize(("file", "code"), [("scenario", "scenario"), ("rules", "rules"),
                                            ("solver", "solver"), ("projects", "projects"),
                                            ("nq.csv", "input")])
def test_a_warning_without_a_code_is_coded_by_where_it_comes_from(file: str, code: str) -> None:
    record = warning_record(Problem(file, "something", severity="warning", amount=12.5))
    assert record["code"] == code and record["amount"] == 12.5
    assert warning_record(Problem(file, "x", code="budget_unspent"))["code"] == "budget_unspent"


def test_an_infeasible_scenario_says_what_cannot_hold(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """A must-fund project whose cap (min(50% × 1,000, 300) = 300) is above the whole central
    budget (100) cannot be funded: the error says so, it is no allocation."""
    sc = make_case([machinery("P1", "Sơn La", funds="central")],
                   {"budgets": {"central": 100}, "must_fund": ["P1"]})
    result = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))
    assert result.status == Status.INFEASIBLE
    with pytest.raises(kcopt.InfeasibleError,
                       match="budgets, targets and must-fund projects cannot all hold"):
        result.raise_for_status()


def test_an_equality_row_off_its_value_has_negative_slack(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Slack is how far a row is inside its bound; an equality row off its value by 2 (here a
    broken answer written by hand) is 2 outside it, whichever side: slack −2, not binding."""
    sc = make_case([machinery("P1", "Sơn La", funds="both")],
                   {"budgets": {"central": 1000, "local": {"Sơn La": 1000}},
                    "must_fund": ["P1"]})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    lp = model.lp
    eq = [i for i in range(lp.shape[0]) if lp.row_lower[i] == lp.row_upper[i]
          and np.isfinite(lp.row_lower[i])]
    assert eq, "the case has an equality row"
    best = kcopt.solve(model)
    for delta in (2.0, -2.0):
        x = best.x.copy()
        i = eq[0]
        j = int(np.flatnonzero(lp.A.getrow(i).toarray().ravel())[0])
        x[j] += delta / float(lp.A[i, j])
        broken = Result(model, Status.OPTIMAL, None, x, lp.A @ x, None, None, "hand", "", 0.0)
        table = constraint_table(broken).set_index("name")
        assert table.loc[lp.row_names[i], "slack"] == pytest.approx(-2.0)
        assert not table.loc[lp.row_names[i], "binding"]


def test_the_rules_table_sources_only_resolutions() -> None:
    """`kcopt rules`: the `source` column is the provincial resolution's source; a row where
    no resolution applies (the national table, here every central row) has none, although the
    national level carries one (support_rates.csv)."""
    from datetime import date

    from kcopt.rules.rates import load_rules

    rules = load_rules().on(date(2026, 1, 1))
    table = rules.table(province="Hải Phòng")
    with_res = table[table["resolution"] != ""]
    assert len(with_res) and (with_res["fund"] == "local").all()
    assert (with_res["source"] != "").all()
    assert (table.loc[table["resolution"] == "", "source"] == "").all()
    nat = rules.national("machinery", "central", date(2026, 1, 1), None)
    assert nat is not None and nat.level.source  # what the mutant would show


def _plan(sc: kcopt.Scenario) -> kcopt.Result:
    return kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc)).raise_for_status()


def test_a_fixed_amount_is_paid_exactly_and_checked_against_the_cap(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Three central machinery projects, cost 1,000 each (cap min(50% × 1,000, 300) = 300),
    central budget 1,000. P3 has the lowest score; fixed at 120 it gets exactly 120 (P1 and P2
    their cap, 300 each; 280 left). 150 is no multiple of round_to 100; 350 is above the cap of
    300; a fixed amount on an excluded project is ignored with a warning naming it."""
    projects = [machinery(f"P{i}", "Sơn La", funds="central", appraisal=90 - 10 * i)
                for i in (1, 2, 3)]
    base = {"budgets": {"central": 1000}, "weights": {"appraisal": 1}}
    result = _plan(make_case(projects, {**base, "fixed_amount": {"P3": 120}}))
    alloc = result.allocation().set_index("project_id")
    assert alloc.loc["P3", "total"] == pytest.approx(120)
    assert alloc.loc["P1", "total"] == pytest.approx(300)
    assert alloc.loc["P2", "total"] == pytest.approx(300)
    assert "fixed:P3" in result.model.lp.row_names

    sc = make_case(projects, {**base, "fixed_amount": {"P2": 350}})
    with pytest.raises(kcopt.InputError) as err:
        kcopt.build(kcopt.read_projects(sc.projects), sc)
    problem = err.value.problems[0]
    assert (problem.file, problem.column, problem.value, problem.project_id) == (
        "projects", "fixed_amount", 350.0, "P2")
    assert "300" in problem.message

    sc = make_case(projects, {**base, "fixed_amount": {"P2": 150}, "round_to": 100})
    with pytest.raises(kcopt.InputError) as err:
        kcopt.build(kcopt.read_projects(sc.projects), sc)
    problem = err.value.problems[0]
    assert (problem.file, problem.column, problem.value, problem.project_id) == (
        "projects", "fixed_amount", 150.0, "P2")
    assert "round_to (100)" in problem.message

    sc = make_case(projects, {**base, "fixed_amount": {"P2": 100}, "exclude": ["P2"]})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    said = [w for w in model.warnings if "fixed_amount" in str(w)]
    assert len(said) == 1 and said[0].file == "projects" and said[0].severity == "warning"
    assert "P2" in said[0].message and "is ignored" in said[0].message
    assert not any(n.startswith("fixed:") for n in model.lp.row_names)


M600 = {"province": "Sơn La", "category": "machinery", "level": "central", "total_cost": 600}


def test_a_multi_year_reason_says_the_start_year(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Years 2026–2027, central 300 a year; caps min(50% × 600, 300) = 300. A (0.9) and C
    (0.3) must start in 2026, B (0.6) may wait until 2027: A takes 2026, B starts in 2027, C
    gets nothing. The reasons of A and B say their start year, C's says none."""
    projects = [dict(M600, project_id="A", name="a", appraisal=90, year=2026),
                dict(M600, project_id="B", name="b", appraisal=60, year=2026,
                     latest_year=2027),
                dict(M600, project_id="C", name="c", appraisal=30, year=2026)]
    sc = make_case(projects, {"years": [2026, 2027], "budgets": {"central": 300},
                              "weights": {"appraisal": 1}})
    alloc = _plan(sc).allocation().set_index("project_id")
    assert alloc.loc["A", "start_year"] == 2026 and alloc.loc["B", "start_year"] == 2027
    assert pd.isna(alloc.loc["C", "start_year"])
    assert alloc.loc["A", "reason"].endswith("; starts 2026")
    assert alloc.loc["B", "reason"].endswith("; starts 2027")
    assert "starts" not in alloc.loc["C", "reason"]


def test_a_share_of_the_budget_is_measured_against_the_budget(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Central 1,000 and local 500 (Sơn La); at least 20% of the central *budget* to green
    projects: G (green, cap 300) gets at least 200 of the central fund. The constraints table
    says required 0.2, achieved = G's central money / 1,000."""
    projects = [machinery("G", "Sơn La", funds="central", appraisal=10, green=1),
                machinery("P1", "Sơn La", funds="central", appraisal=90),
                machinery("P2", "Sơn La", funds="central", appraisal=80),
                machinery("P3", "Sơn La", funds="central", appraisal=70)]
    sc = make_case(projects, {"budgets": {"central": 1000, "local": {"Sơn La": 500}},
                              "weights": {"appraisal": 1},
                              "targets": [{"name": "xanh", "kind": "share_min", "of": ["green"],
                                           "share": 0.2, "fund": "central",
                                           "share_of": "budget"}]})
    result = _plan(sc)
    green = float(result.allocation().set_index("project_id").loc["G", "central"])
    assert green == pytest.approx(200)
    row = constraint_table(result).set_index("name").loc["xanh"]
    assert row["share_required"] == 0.2
    assert row["share_achieved"] == pytest.approx(green / 1000)


def test_a_project_takes_the_rules_in_force_on_1_january_of_its_year(
        make_case: Callable[..., kcopt.Scenario], tmp_path) -> None:
    """Sơn La's resolution (local machinery 50% / 120) takes effect on 2 January 2026: a 2026
    project takes the rules of 1 January 2026, the national 50% / 300 → min(500, 300) = 300;
    a 2027 project takes the resolution → min(500, 120) = 120."""
    res = tmp_path / "nq.csv"
    res.write_text("province,resolution,effective,category,rate,cap_million_vnd\n"
                   "Sơn La,NQ 9/2025/NQ-HĐND,2026-01-02,machinery,0.5,120\n", encoding="utf-8")
    projects = [machinery("Y26", "Sơn La", funds="local", year=2026),
                machinery("Y27", "Sơn La", funds="local", year=2027)]
    sc = make_case(projects, {"budgets": {"central": 1000, "local": {"Sơn La": 1000}},
                              "rules": {"provincial": str(res)}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    caps = dict(zip(model.projects["project_id"], model.projects["cap"], strict=True))
    assert caps == {"Y26": 300, "Y27": 120}


def test_a_province_max_of_zero_funds_nothing_there(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """A province ceiling of 0 for Sơn La: its project (the better one) gets nothing, Hà Nội's
    gets its cap, min(50% × 1,000, 300) = 300."""
    projects = [machinery("S", "Sơn La", funds="central", appraisal=90),
                machinery("H", "Hà Nội", funds="central", appraisal=50)]
    sc = make_case(projects, {"budgets": {"central": 1000}, "weights": {"appraisal": 1},
                              "targets": [{"name": "sl", "kind": "province_max",
                                           "province": "Sơn La", "amount": 0}]})
    result = _plan(sc)
    alloc = result.allocation().set_index("project_id")
    assert alloc.loc["S", "total"] == 0 and alloc.loc["H", "total"] == pytest.approx(300)
    lp = result.model.lp
    assert lp.row_upper[lp.row("sl:Sơn La")] == 0.0


def test_a_project_needing_an_excluded_one_is_warned_about_alone(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """B requires A, A is excluded: B cannot be funded and one warning says so, naming B and
    A; C (no dependency) is funded with no warning. Budget 1,000, caps 300 each."""
    projects = [machinery("A", "Sơn La", funds="central", appraisal=50),
                machinery("B", "Sơn La", funds="central", appraisal=90, requires="A"),
                machinery("C", "Sơn La", funds="central", appraisal=70)]
    sc = make_case(projects, {"budgets": {"central": 1000}, "weights": {"appraisal": 1},
                              "exclude": ["A"]})
    result = _plan(sc)
    said = [str(w) for w in result.model.warnings if "requires" in str(w)]
    assert len(said) == 1 and "B requires A" in said[0]
    alloc = result.allocation().set_index("project_id")
    assert alloc.loc["B", "total"] == 0 and alloc.loc["C", "total"] == pytest.approx(300)


def test_an_unknown_listed_id_names_the_scenario_file_or_the_scenario(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """must_fund / exclude naming no project: the problem names the scenario's file, or "scenario"
    for one made in memory, the key and the id received."""
    from dataclasses import replace

    sc = make_case([machinery("P1", "Sơn La", funds="central")], {"budgets": {"central": 500}})
    projects = kcopt.read_projects(sc.projects)
    for scenario, file in ((replace(sc, must_fund=("ZZ",)), str(sc.path)),
                           (replace(sc, path=None, exclude=("ZZ",)), "scenario")):
        with pytest.raises(kcopt.InputError) as err:
            kcopt.build(projects, scenario)
        [problem] = err.value.problems
        assert (problem.file, problem.value) == (file, "ZZ")
        assert problem.column == ("must_fund" if scenario.must_fund else "exclude")


def test_priorities_add_to_the_score(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """weights {appraisal: 1}, priorities {training: 0.5, group_project: 0.25}: M (machinery,
    appraisal 80) scores 0.8; T (training, 60) 0.6 + 0.5 = 1.1; G (machinery, 3
    establishments, 70) 0.7 + 0.25 = 0.95."""
    projects = [machinery("M", "Sơn La", funds="central", appraisal=80),
                {"project_id": "T", "name": "Đào tạo", "province": "Sơn La",
                 "category": "training", "funds": "central", "total_cost": 300,
                 "requested": 250, "appraisal": 60},
                machinery("G", "Sơn La", funds="central", appraisal=70, establishments=3)]
    sc = make_case(projects, {"budgets": {"central": 1000}, "weights": {"appraisal": 1},
                              "priorities": {"training": 0.5, "group_project": 0.25}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    scores = dict(zip(model.projects["project_id"], model.projects["score"], strict=True))
    assert scores == pytest.approx({"M": 0.8, "T": 1.1, "G": 0.95})


def test_round_to_makes_every_amount_a_multiple(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """round_to 100: M (machinery, cap 300) and T (training, requested 250 → cap 250), budget
    1,000: M gets 300, T 200 (250 is no multiple of 100); each x column has a step column k
    with at most floor(cap / 100) steps: 3 and 2."""
    projects = [machinery("M", "Sơn La", funds="central", appraisal=80),
                {"project_id": "T", "name": "Đào tạo", "province": "Sơn La",
                 "category": "training", "funds": "central", "total_cost": 300,
                 "requested": 250, "appraisal": 60}]
    sc = make_case(projects, {"budgets": {"central": 1000}, "weights": {"appraisal": 1},
                              "round_to": 100})
    result = _plan(sc)
    alloc = result.allocation().set_index("project_id")
    assert alloc["total"].to_dict() == pytest.approx({"M": 300, "T": 200})
    lp = result.model.lp
    upper = dict(zip(lp.col_names, lp.col_upper, strict=True))
    assert upper["k:x:M:central"] == 3 and upper["k:x:T:central"] == 2


def test_every_column_belongs_to_its_project_or_to_none(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """The model's column → project map, read from the column names: x:, z: and w: columns
    are a project's, a share target's total column (total:…) and the step columns (k:…)
    belong to none (−1) and are paid by no fund (−1)."""
    projects = [machinery("A", "Sơn La", funds="central", appraisal=80, green=1, year=2026,
                          latest_year=2027, all_or_nothing=1),
                machinery("B", "Hà Nội", funds="central", appraisal=60)]
    sc = make_case(projects, {"budgets": {"central": 500}, "weights": {"appraisal": 1},
                              "years": [2026, 2027], "round_to": 50, "mip": True,
                              "targets": [{"name": "xanh", "kind": "share_min",
                                           "of": ["green"], "share": 0.3}]})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    ids = list(model.projects["project_id"])
    kinds = set()
    for j, name in enumerate(model.lp.col_names):
        kind, _, rest = name.partition(":")
        kinds.add(kind)
        if kind in ("x", "z", "w"):
            assert model.col_project[j] == ids.index(rest.split(":")[0]), name
        else:
            assert (model.col_project[j], model.col_fund[j]) == (-1, -1), name
    assert kinds == {"x", "z", "w", "total", "k"}


def test_a_content_without_a_level_or_a_request_is_ineligible_by_name(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Digital transformation has no rate or ceiling in the rule set: without a requested
    amount the project cannot be capped, and its reason names the content as the rule data
    names it."""
    from kcopt.rules.rates import load_rules

    name = load_rules().rules["digital_transformation"].name_vi
    projects = [{"project_id": "D", "name": "Số hoá", "province": "Sơn La",
                 "category": "digital_transformation", "funds": "central",
                 "total_cost": 500}]
    sc = make_case(projects, {"budgets": {"central": 1000}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    row = model.projects.iloc[0]
    assert row["status"] == "ineligible"
    assert f"no support level for '{name}'" in row["reason"]


def test_a_rate_override_opens_only_its_own_content_to_the_fund(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """A scenario override lets the local fund pay machinery (40% / 300): M's cap is
    min(40% × 400, 300) = 160. International cooperation, central-only in the national table,
    stays ineligible for a project that may use only local funds, the reason saying so."""
    projects = [machinery("M", "Sơn La", cost=400, funds="local"),
                {"project_id": "I", "name": "Hợp tác", "province": "Sơn La",
                 "category": "international_cooperation", "funds": "local",
                 "total_cost": 400}]
    sc = make_case(projects, {"budgets": {"central": 1000, "local": {"Sơn La": 1000}},
                              "rate_overrides": [{"category": "machinery", "fund": "local",
                                                  "rate": 0.4, "cap": 300}]})
    frame = kcopt.build(kcopt.read_projects(sc.projects), sc).projects.set_index("project_id")
    assert frame.loc["M", "cap"] == pytest.approx(160) and frame.loc["M", "status"] == ""
    assert frame.loc["I", "status"] == "ineligible"
    assert "is paid only from central funds" in frame.loc["I", "reason"]
