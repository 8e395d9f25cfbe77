"""Count targets (`count_min`, `count_max`): "at least 340 demonstration models funded".

Every case is solved by hand in its docstring. Weights {appraisal: 1} and objective
weighted_funds, so a project's score is appraisal/100 per million. A demonstration model
(demo_model) costing 1.000 million is capped at 30% = 300; machinery costing 600 at 50% = 300;
every project here is paid by the central fund. A project counts toward count_min when it is
funded at least at its minimum share (min_fraction × cap, or its whole cap without one); toward
count_max when it gets any support.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

import kcopt
from conftest import needs_cbc, solve_case
from kcopt.analysis.report import allocation_by_year
from kcopt.analysis.sensitivity import policy_prices
from kcopt.analysis.wording import describe_row
from kcopt.cli import app
from kcopt.core.language import using
from kcopt.model.counts import count_breaches, model_outcomes
from kcopt.model.names import parse_col, parse_row
from kcopt.pipeline import run

DEMO = {"province": "Sơn La", "category": "demo_model", "level": "central", "total_cost": 1000}
MACH = {"province": "Sơn La", "category": "machinery", "level": "central", "total_cost": 600}
W = {"weights": {"appraisal": 1}, "objective": "weighted_funds"}


def projects(min_fraction: float | None = 0.5) -> list[dict[str, Any]]:
    """D1, D2, D3 demo models (cap 300; scores 0.9, 0.8, 0.4) and M1 machinery (cap 300, 0.7)."""
    mf = {} if min_fraction is None else {"min_fraction": min_fraction}
    return [dict(DEMO, project_id="D1", name="demo 1", appraisal=90, **mf),
            dict(DEMO, project_id="D2", name="demo 2", appraisal=80, **mf),
            dict(DEMO, project_id="D3", name="demo 3", appraisal=40, **mf),
            dict(MACH, project_id="M1", name="may 1", appraisal=70)]


def target(kind: str, count: int, **keys: Any) -> dict[str, Any]:
    return {"targets": [{"name": "demo", "kind": kind, "of": ["demo_model"], "count": count,
                         **keys}]}


def funded(result: kcopt.Result) -> dict[str, float]:
    assert result.status == kcopt.Status.OPTIMAL, result.message
    alloc = kcopt.allocation_table(result)
    return {k: round(float(v), 6) for k, v in zip(alloc["project_id"], alloc["total"],
                                                  strict=True)}


def test_count_min_funds_a_third_demo_model_instead_of_topping_up(make_case,
                                                                  backend: str) -> None:
    """Central budget 900. Without a target: D1 300 (0.9), D2 300 (0.8), M1 300 (0.7) = 720;
    D3 (0.4) gets nothing. With "at least 3 demonstration models", D3 must get its minimum
    share 0.5 × 300 = 150, taken from the weakest other use — M1, not D2 (0.8 > 0.7): D1 300,
    D2 300, D3 150, M1 150; objective 270 + 240 + 60 + 105 = 675."""
    free = solve_case(make_case(projects(), {"budgets": {"central": 900}, **W}), backend)
    assert funded(free) == {"D1": 300, "D2": 300, "D3": 0, "M1": 300}
    sc = make_case(projects(), {"budgets": {"central": 900}, **W, **target("count_min", 3)})
    result = solve_case(sc, backend)
    assert funded(result) == {"D1": 300, "D2": 300, "D3": 150, "M1": 150}
    assert result.objective == pytest.approx(675)
    assert result.model.mip
    [o] = model_outcomes(result.model, result.x)
    assert (o.achieved, o.possible, o.met) == (3, 3, True)


def test_without_a_minimum_share_a_project_counts_only_in_full(make_case, backend: str) -> None:
    """No min_fraction: a demo model counts only when funded in full (300). At least 3 of
    them with 900: D1, D2, D3 300 each, M1 nothing; 270 + 240 + 120 = 630."""
    sc = make_case(projects(None), {"budgets": {"central": 900}, **W,
                                    **target("count_min", 3)})
    result = solve_case(sc, backend)
    assert funded(result) == {"D1": 300, "D2": 300, "D3": 300, "M1": 0}
    assert result.objective == pytest.approx(630)


def test_count_max(make_case, backend: str) -> None:
    """At most 1 demonstration model funded (any support counts): D1 300 (0.9) and M1 300
    (0.7); D2 and D3 get nothing even though 300 is left; 270 + 210 = 480."""
    sc = make_case(projects(None), {"budgets": {"central": 900}, **W,
                                    **target("count_max", 1)})
    result = solve_case(sc, backend)
    assert funded(result) == {"D1": 300, "D2": 0, "D3": 0, "M1": 300}
    assert result.objective == pytest.approx(480)
    [o] = model_outcomes(result.model, result.x)
    assert (o.achieved, o.met) == (1, True)


def year_case() -> list[dict[str, Any]]:
    """D1 (0.9) and D2 (0.8) demo models that may start in 2026 or 2027, min share 0.5; M1
    machinery (0.7) starts in 2027, M2 machinery (0.6) in 2026."""
    return [dict(DEMO, project_id="D1", name="d1", appraisal=90, year=2026, latest_year=2027,
                 min_fraction=0.5),
            dict(DEMO, project_id="D2", name="d2", appraisal=80, year=2026, latest_year=2027,
                 min_fraction=0.5),
            dict(MACH, project_id="M1", name="m1", appraisal=70, year=2027),
            dict(MACH, project_id="M2", name="m2", appraisal=60, year=2026)]


def test_count_per_year(make_case, backend: str) -> None:
    """Years 2026–2027, central 300 a year. Free: one demo model a year at 300 (D1 and D2,
    270 + 240 = 510), both machinery projects left out. "At least 2 demonstration models
    starting in 2027": both start in 2027 at their minimum 150 each (the 2027 budget is 300),
    and 2026's 300 goes to M2: 135 + 120 + 180 = 435. Over the whole plan (no year) the free
    plan already has 2."""
    base = {"years": [2026, 2027], "budgets": {"central": 300}, **W}
    free = solve_case(make_case(year_case(), {**base, **target("count_min", 2)}), backend)
    assert free.objective == pytest.approx(510)
    assert "counted:D1" in free.model.lp.col_names
    result = solve_case(make_case(year_case(), {**base, **target("count_min", 2, year=2027)}),
                        backend)
    assert result.objective == pytest.approx(435)
    assert funded(result) == {"D1": 150, "D2": 150, "M1": 0, "M2": 300}
    by_year = allocation_by_year(result)
    assert set(by_year[by_year["project_id"].isin(["D1", "D2"])]["year"]) == {2027}
    assert {"counted:D1:2027", "count_floor:D1:2027"} <= {*result.model.lp.col_names,
                                                          *result.model.lp.row_names}


def test_build_rows_and_names(make_case) -> None:
    """The linking rows and the target row, coefficient by coefficient: count_floor:D3 reads
    x − 0.5·300·c ≥ 0, count_link:D3 (a count_max on the same group) x − 300·c ≤ 0, the
    target Σ c ≥ 3."""
    sc = make_case(projects(), {"budgets": {"central": 900}, **W, "targets": [
        {"name": "demo", "kind": "count_min", "of": ["demo_model"], "count": 3},
        {"name": "few", "kind": "count_max", "of": ["Mô hình trình diễn kỹ thuật"], "count": 3}]})
    lp = kcopt.build(kcopt.read_projects(sc.projects), sc).lp
    A = lp.A.toarray()
    floor, link, row = lp.row("count_floor:D3"), lp.row("count_link:D3"), lp.row("demo")
    x, c = lp.col("x:D3:central"), lp.col("counted:D3")
    assert (A[floor, x], A[floor, c], lp.row_lower[floor]) == (1.0, -150.0, 0.0)
    assert (A[link, x], A[link, c], lp.row_upper[link]) == (1.0, -300.0, 0.0)
    assert lp.row_lower[row] == 3 and np.isinf(lp.row_upper[row])
    assert [lp.col_names[j] for j in np.flatnonzero(A[row])] == [
        "counted:D1", "counted:D2", "counted:D3"]
    assert lp.integer[c] and "counted:M1" not in lp.col_names
    assert lp.row_upper[lp.row("few")] == 3


def test_post_solve_check_counts_the_allocation(make_case) -> None:
    """The check counts on the support itself: the plan without the target (D3 unfunded)
    misses "at least 3" and is named."""
    free = solve_case(make_case(projects(), {"budgets": {"central": 900}, **W}))
    sc = make_case(projects(), {"budgets": {"central": 900}, **W, **target("count_min", 3)})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    x = np.zeros(model.lp.shape[1])
    for j, name in enumerate(model.lp.col_names):
        if name in free.model.lp.col_names:
            x[j] = free.x[free.model.lp.col(name)]
    assert count_breaches(model, x) == ["!count target demo: 2 projects counted, target ≥ 3"]


def test_unreachable_count_is_diagnosed(make_case) -> None:
    """Five demonstration models asked, three in the list: the diagnosis says how many are
    possible, in Vietnamese by default; a budget too small for three at their minimum share
    (400 < 3 × 150) says that at most 2 fit; two must-fund demonstration models under "at most
    1" say that at least 2 are needed."""
    sc = make_case(projects(), {"budgets": {"central": 900}, **W, **target("count_min", 5)})
    with using("vi"), pytest.raises(kcopt.InfeasibleError) as err:
        run(sc)
    assert ("chỉ có 3 đề án mô hình trình diễn kỹ thuật đủ điều kiện; chỉ tiêu 'demo' yêu "
            "cầu 5") in str(err.value)
    sc = make_case(projects(), {"budgets": {"central": 400}, **W, **target("count_min", 3)})
    with pytest.raises(kcopt.InfeasibleError) as err:
        run(sc)
    assert "allow at most 2" in str(err.value)
    must = [dict(p, must_fund=1) if p["project_id"] in ("D1", "D2") else p for p in projects()]
    sc = make_case(must, {"budgets": {"central": 900}, **W, **target("count_max", 1)})
    with pytest.raises(kcopt.InfeasibleError) as err:
        run(sc)
    assert ("the target 'demo' allows at most 1 projects of technical demonstration model; the "
            "must-fund projects and other rules need at least 2") in str(err.value)


def test_reported_in_summary_and_console(make_case, tmp_path) -> None:
    """kcopt solve prints the count met with its figures and writes it to summary.json."""
    sc = make_case(projects(), {"budgets": {"central": 900}, **W, **target("count_min", 3)})
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["solve", str(sc.path), "-o", str(out), "--no-plots",
                                   "--no-xlsx"])
    assert res.exit_code == 0, res.output
    assert ("count target 'demo': 3 projects funded at least at their minimum share, target "
            "at least 3 (3 eligible): met") in res.output
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["count_targets"]
    assert rows == [{"name": "demo", "label": "demo", "kind": "count_min", "year": None,
                     "count": 3, "achieved": 3, "possible": 3, "met": True}]
    res = CliRunner().invoke(app, ["report", str(out)])
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text(encoding="utf-8")
    row = html[html.index("at least 3 projects funded"):][:400]
    assert "≥ 3" in row and "3 (met)" in row


def test_bad_count_targets_are_named(make_case) -> None:
    with pytest.raises(kcopt.InputError) as err:
        make_case(projects(), {"budgets": {"central": 900}, **W, "targets": [
            {"name": "a", "kind": "count_min", "of": ["demo_model"], "count": 2.5},
            {"name": "b", "kind": "count_max", "of": ["no_such"], "count": 1},
            {"name": "c", "kind": "count_min", "of": ["demo_model"], "count": 1,
             "share": 0.2}]})
    text = str(err.value)
    assert "targets[0].count" in text and "targets[1].of" in text and "targets[2].share" in text


@needs_cbc
def test_highs_and_cbc_agree(make_case) -> None:
    sc = make_case(projects(), {"budgets": {"central": 900}, **W, **target("count_min", 3)})
    assert funded(solve_case(sc, "highs")) == funded(solve_case(sc, "cbc"))


def test_policy_price_of_a_count(make_case) -> None:
    """What "at least 3 demonstration models" costs, re-selecting without it: 720 − 675 = 45
    score points (the hand case above)."""
    sc = make_case(projects(), {"budgets": {"central": 900}, **W, **target("count_min", 3)})
    [row] = policy_prices(solve_case(sc), reselect=True).to_dict("records")
    assert (row["goal"], row["objective_without"]) == ("3 projects", pytest.approx(720))
    assert row["score_given_up"] == pytest.approx(45)


def test_app_editor_reads_a_count_as_a_whole_number() -> None:
    """The browser app's targets table gives cells as floats; a count comes back whole."""
    from kcopt.app.scenario_tab import edited_row

    row = edited_row({"name": "demo", "kind": "count_min", "of": "demo_model", "count": 340.0,
                      "share": float("nan")})
    assert row == {"name": "demo", "kind": "count_min", "of": ["demo_model"], "count": 340}
    assert isinstance(row["count"], int)


def test_constraint_table_reads_the_count(make_case) -> None:
    """constraints.csv (and the workbook's constraints sheet) has the target's row with the
    count asked and the projects counted, and says what the linking rows are."""
    sc = make_case(projects(), {"budgets": {"central": 900}, **W, **target("count_min", 3)})
    table = kcopt.constraint_table(solve_case(sc)).set_index("name")
    assert (table.loc["demo", "sense"], table.loc["demo", "rhs"], table.loc["demo", "activity"],
            bool(table.loc["demo", "binding"])) == (">=", 3, 3, True)
    assert describe_row("count_floor:D3", 0.0) == (
        "internal row: D3 counts toward a count target only when funded at least at its "
        "minimum share")


@pytest.mark.parametrize("name", ["counted:P-0042", "counted:P-0042:2027"])
def test_counted_column_names_round_trip(name: str) -> None:
    col = parse_col(name)
    assert (col.kind, col.project, str(col)) == ("counted", "P-0042", name)


@pytest.mark.parametrize("name", ["count_floor:P-0042", "count_link:P-0042:2027"])
def test_count_row_names_round_trip(name: str) -> None:
    row = parse_row(name)
    assert (row.project, str(row)) == ("P-0042", name) and row.family != "target"


def test_workbook_run_sheet_says_the_count(make_case, tmp_path) -> None:
    """allocation.xlsx's run sheet has a line per count target, met or missed with figures."""
    sc = make_case(projects(), {"budgets": {"central": 900}, **W, **target("count_min", 3)})
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["solve", str(sc.path), "-o", str(out), "--no-plots"])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out / "allocation.xlsx")["Thông tin chạy"]
    lines = {str(r[0]): str(r[1]) for r in ws.iter_rows(min_col=1, max_col=2, values_only=True)}
    assert lines["Chỉ tiêu số lượng / Count target: demo"] == (
        "count target 'demo': 3 projects funded at least at their minimum share, target at "
        "least 3 (3 eligible): met")
