"""Tests written to kill mutants that survived the second mutation sample (seed 7): each
asserts a fact worked by hand from the inputs and the rule data (a wording, a column, a
period, a warning's scope), never kcopt's own output read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pytest

import kcopt
from kcopt.analysis.report import allocation_by_year, allocation_table, constraint_table
from kcopt.analysis.wording import describe_row
from kcopt.solvers.solve import Result, Status


def machinery(pid: str, province: str, cost: float = 1000, **extra: Any) -> dict[str, Any]:
    return {"project_id": pid, "name": f"Máy móc {pid}", "province": province,
            "category": "machinery", "total_cost": cost, **extra}


def test_a_new_national_level_is_in_the_rules_table_with_its_unit_and_period() -> None:
    """A circular's level added by hand (machinery, central, 40% / 200 per establishment, in
    force from 1 January 2026): the rule set's version records the file's digest, and `kcopt
    rules` on 1 March 2026 shows 40% / 200, its unit and its period "01/01/2026 –"."""
    from kcopt.rules.levels import Level
    from kcopt.rules.rates import load_rules

    base = load_rules()
    new = Level("machinery", "central", 0.4, 200.0, "per establishment", "TT 99/2025/TT-BCT",
                "high", "", date(2026, 1, 1))
    rules = base.with_levels([new], "abc123")
    assert rules.version == f"{base.version}+nabc123"
    assert base.with_levels([new]).version == base.version
    table = rules.on(date(2026, 3, 1)).table()
    row = table[(table["category"] == "machinery") & (table["fund"] == "central")]
    assert len(row) == 1
    row = row.iloc[0]
    assert (row["rate"], row["ceiling"]) == (0.4, 200.0)
    assert row["unit"] == "per establishment"
    assert row["period"] == "01/01/2026 –"
    assert row["resolution"] == ""


def test_a_province_without_a_local_budget_is_warned_about_in_the_scenario(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Sơn La's project may use local funds but the scenario gives Sơn La no local budget: one
    warning, about the scenario (where the budget is missing), names the province."""
    sc = make_case([machinery("P1", "Sơn La", funds="local")],
                   {"budgets": {"central": 1000, "local": {"Hà Nội": 500}}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    said = [w for w in model.warnings if "no local budget" in w.message]
    assert len(said) == 1
    assert said[0].file == "scenario" and said[0].severity == "warning"
    assert "1 province(s)" in said[0].message and "Sơn La" in said[0].message


def test_a_single_year_plan_has_an_empty_by_year_table_with_the_fund_columns(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Without plan years there is nothing per year: the table is empty but keeps its columns,
    so a reader selecting `central` or `local` finds them."""
    sc = make_case([machinery("P1", "Sơn La", funds="central")], {"budgets": {"central": 500}})
    result = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))
    table = allocation_by_year(result)
    assert list(table.columns) == ["project_id", "year", "central", "local", "total"]
    assert table.empty


def test_a_result_without_values_has_tables_of_nothing_paid(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """A solver that stopped with no allocation (written by hand: no x, no activities, no
    prices): each project is paid 0 and each row's activity is unknown (NaN), one line per
    row of the program."""
    projects = [machinery("A", "Sơn La", funds="both"), machinery("B", "Hà Nội", funds="central"),
                machinery("C", "Hà Nội", funds="central")]
    sc = make_case(projects, {"budgets": {"central": 1000, "local": {"Sơn La": 200}}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    assert model.lp.shape[0] != model.lp.shape[1]
    empty = Result(model, Status.TIME_LIMIT, None, None, None, None, None, "hand", "", 0.0)
    alloc = allocation_table(empty)
    assert list(alloc["total"]) == [0.0, 0.0, 0.0]
    table = constraint_table(empty).set_index("name")
    rows = table.loc[list(model.lp.row_names)]
    assert len(rows) == model.lp.shape[0] and rows["activity"].isna().all()


def test_a_fixed_amount_is_named_in_its_reason(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """P1 (cap min(50% × 1,000, 300) = 300) fixed at 120 million: its reason says the amount
    and the share of its cap, 120 / 300 = 40%."""
    sc = make_case([machinery("P1", "Sơn La", funds="central"),
                    machinery("P2", "Sơn La", funds="central")],
                   {"budgets": {"central": 1000}, "fixed_amount": {"P1": 120}})
    result = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc)).raise_for_status()
    reason = result.allocation().set_index("project_id").loc["P1", "reason"]
    assert reason.startswith("fixed at 120 million by the planner")
    assert "40" in reason


@pytest.mark.parametrize(("name", "words"), [
    ("total:central:2026", "internal row: T = central support in 2026, the total the share "
                           "targets are measured against"),
    ("total:central", "internal row: T = central support, the total the share targets are "
                      "measured against"),
    ("cap:P1", "its support cap"),
    ("link:P1", "internal row: P1 is paid only when selected (its selection variable)"),
])
def test_internal_rows_are_described_in_planners_words(name: str, words: str) -> None:
    assert describe_row(name, 0.0) == words


def test_internal_rows_are_described_in_vietnamese() -> None:
    """The same rows in Vietnamese: the catalog's words, never the English or a blank."""
    from kcopt.core.language import using

    with using("vi"):
        for name in ("total:central:2026", "cap:P1", "link:P1"):
            text = describe_row(name, 0.0)
            assert text and "None" not in text
            with using("en"):
                english = describe_row(name, 0.0)
            assert text != english, name


def test_a_bundled_resolution_sets_the_local_cap_of_its_territory(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """The bundled provincial table gives Hải Dương (now part of Hải Phòng) machinery 50% /
    250 million per establishment from the local fund: a local machinery project there costing
    1,000 is capped at min(50% × 1,000, 250) = 250; one elsewhere in Hải Phòng (no resolution
    for the rest of the city) at the national min(500, 300) = 300."""
    projects = [machinery("HD", "Hải Phòng", funds="local", old_province="Hải Dương"),
                machinery("HP", "Hải Phòng", funds="local")]
    sc = make_case(projects, {"budgets": {"central": 1000, "local": {"Hải Phòng": 1000}}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    caps = dict(zip(model.projects["project_id"], model.projects["cap"], strict=True))
    assert caps == {"HD": 250, "HP": 300}


def test_a_project_tied_with_the_funded_one_is_not_said_to_earn_less(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """A and B are alike (machinery, cost 1,000, cap 300, appraisal 80), the central budget
    300 pays one of them. The other is not funded because the budget is spent, but its money
    would earn exactly what the funded one's earns (0.8 / 300 per million each): its reason
    names the budget and makes no "below what money earns at the margin" claim."""
    projects = [machinery(p, "Sơn La", funds="central", appraisal=80) for p in ("A", "B")]
    sc = make_case(projects, {"budgets": {"central": 300}, "weights": {"appraisal": 1}})
    alloc = _plan(sc).allocation().set_index("project_id")
    assert sorted(alloc["total"]) == pytest.approx([0, 300])
    [out] = alloc.index[alloc["total"] == 0]
    reason = alloc.loc[out, "reason"]
    assert reason.startswith("not funded:") and "300 million" in reason
    assert "below" not in reason and "earns at the margin" not in reason


def _plan(sc: kcopt.Scenario) -> kcopt.Result:
    return kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc)).raise_for_status()


def test_duals_handed_in_the_other_sign_convention_are_turned_to_the_textbooks() -> None:
    """maximise 0·x subject to x = 300 (a must-fund row), 0 ≤ x ≤ 300, at x = 300. The
    column sits at its upper bound, so its reduced cost d = 0 − y must be ≥ 0: the row's price
    is y ≤ 0. A backend in the other convention hands +0.5; kcopt turns it to −0.5 (d = 0.5),
    and keeps −0.5 when that is what it is handed."""
    import scipy.sparse as sp

    from kcopt.model.program import LinearProgram
    from kcopt.solvers.solve import normalise_duals

    lp = LinearProgram(np.zeros(1), np.zeros(1), np.full(1, 300.0), np.zeros(1, dtype=bool),
                       ["x:P:central"], sp.csr_matrix(np.ones((1, 1))), np.full(1, 300.0),
                       np.full(1, 300.0), ["must_fund:P"], ["must_fund"])
    x = np.full(1, 300.0)
    for handed in (0.5, -0.5):
        y, d = normalise_duals(lp, x, np.array([handed]))
        assert y.tolist() == [-0.5] and d.tolist() == [0.5]


def test_a_profile_not_understood_names_the_projects_file_and_the_cell(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """P2's disbursement profile "sáu mươi/bốn mươi" is no list of shares: the error is about
    the projects file, column `profile`, P2, with the value received; P1's 60/40 is fine."""
    projects = [machinery("P1", "Sơn La", funds="central", year=2026, profile="60/40"),
                machinery("P2", "Sơn La", funds="central", year=2026,
                          profile="sáu mươi/bốn mươi")]
    sc = make_case(projects, {"years": [2026, 2027], "budgets": {"central": 1000}})
    with pytest.raises(kcopt.InputError) as err:
        kcopt.build(kcopt.read_projects(sc.projects), sc)
    [problem] = err.value.problems
    assert (problem.file, problem.column, problem.value, problem.project_id) == (
        "projects", "profile", "sáu mươi/bốn mươi", "P2")


def test_a_list_without_criteria_is_ranked_by_priorities_and_warned_about(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """No appraisal nor any other criterion in the list, priorities {machinery: 1}: the scores
    are the priorities alone (M 1, T 0, D 0), and one warning about the projects file says so
    and names the contents without a priority, in order: demo_model, training."""
    projects = [machinery("M", "Sơn La", funds="central", appraisal=None),
                {"project_id": "T", "name": "Đào tạo", "province": "Sơn La",
                 "category": "training", "funds": "central", "total_cost": 300,
                 "requested": 250, "appraisal": None},
                {"project_id": "D", "name": "Trình diễn", "province": "Sơn La",
                 "category": "demo_model", "funds": "central", "total_cost": 500,
                 "appraisal": None}]
    sc = make_case(projects, {"budgets": {"central": 1000}, "weights": {"appraisal": 1},
                              "priorities": {"machinery": 1.0}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    scores = dict(zip(model.projects["project_id"], model.projects["score"], strict=True))
    assert scores == {"M": 1.0, "T": 0.0, "D": 0.0}
    said = [w for w in model.warnings if "priorities:" in w.message]
    assert len(said) == 1
    assert said[0].file == "projects" and said[0].severity == "warning"
    assert said[0].message.endswith(": demo_model, training")


def test_rule_warnings_count_each_contents_projects_and_quote_its_rule_data(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Three branding projects on the level support_rates.csv marks `low` and two information
    projects with no national level: one warning for each content (a warning, not an error),
    counting its projects and quoting the basis the rule data gives it."""
    from pathlib import Path

    import pandas as pd

    rates = pd.read_csv(Path(kcopt.__file__).parent / "data" / "support_rates.csv",
                        keep_default_na=False)
    basis = {c: rates.loc[rates["category"] == c, "basis"].iloc[0]
             for c in ("branding", "information")}
    assert rates.loc[rates["category"] == "branding", "confidence"].iloc[0] == "low"
    assert rates.loc[rates["category"] == "information", "rate"].iloc[0] == ""
    projects = [{"project_id": f"B{i}", "name": f"Nhãn hiệu {i}", "province": "Hà Nội",
                 "category": "branding", "total_cost": 100} for i in range(3)]
    projects += [{"project_id": f"I{i}", "name": f"Tuyên truyền {i}", "province": "Huế",
                  "category": "information", "total_cost": 80, "requested": 40}
                 for i in range(2)]
    sc = make_case(projects, {"budgets": {"central": 1000}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    said = {code: [w for w in model.warnings if w.file == "rules" and f"({code})" in w.message]
            for code in ("branding", "information")}
    assert [len(v) for v in said.values()] == [1, 1]
    branding, information = said["branding"][0], said["information"][0]
    assert branding.severity == information.severity == "warning"
    assert branding.message.startswith("3 project(s)") and "low" in branding.message
    assert information.message.startswith("2 project(s)")
    assert "have no national support level" in information.message
    assert basis["branding"] in branding.message
    assert basis["information"] in information.message


def test_a_project_asking_for_nothing_is_said_to_ask_for_nothing(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """A machinery project that may use central funds only and requests 0: its reason is that
    nothing was requested — read from the central cap, the one fund it may use."""
    sc = make_case([machinery("P1", "Hà Nội", funds="central", requested=0),
                    machinery("P2", "Hà Nội")], {"budgets": {"central": 1000}})
    table = allocation_table(_plan(sc))
    row = table.set_index("project_id").loc["P1"]
    assert row["status"] == "ineligible"
    assert row["reason"].endswith("no support requested (requested amount is 0)")
