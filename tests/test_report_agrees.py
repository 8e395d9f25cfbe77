"""Every figure about a plan comes from the plan's own allocation: ranging on its basis, the
committee report, the workbooks and `kcopt validate`."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from conftest import solve_case
from kcopt.analysis.sensitivity import lp_ranging, ranging
from kcopt.analysis.sensitivity.suite import SHEETS
from kcopt.cli import app

SL = {"province": "Sơn La", "category": "machinery", "total_cost": 600, "level": "central",
      "appraisal": 80}


def test_ranging_is_on_the_plans_basis_not_another_optimum(make_case) -> None:
    """A and B are alike (score 0.8, cap 300); the budget of 300 funds one of them: two optima.
    For each plan — the one the solve returned and the other — ranging reports that plan (its
    final values, its budget activity), even where a fresh solve picks the other optimum, and
    the price 0.8/300 per million either way."""
    sc = make_case([dict(SL, project_id="A", name="a"), dict(SL, project_id="B", name="b")],
                   {"budgets": {"central": 300}, "weights": {"appraisal": 1}})
    result = solve_case(sc)
    lp = result.model.lp
    a, b = lp.col("x:A:central"), lp.col("x:B:central")
    assert {result.x[a], result.x[b]} == {0.0, 300.0}
    fresh, _ = lp_ranging(lp)  # what a fresh solve picks
    swapped = result.x.copy()
    swapped[a], swapped[b] = result.x[b], result.x[a]  # as another solver might return it
    plans = [result, replace(result, x=swapped, row_activity=lp.A @ swapped, basis=None)]
    # one of the two plans differs from the fresh solve's optimum, so the test can fail
    assert any(p.x[a] != fresh["final_value"].iat[a] for p in plans)
    for plan in plans:
        projects, constraints = ranging(plan)
        got = projects.set_index("project_id")["final_value"]
        assert (got["A"], got["B"]) == (plan.x[a], plan.x[b])
        budget = constraints.set_index("name").loc["budget:central"]
        assert budget["final_value"] == 300 and budget["binding"]
        assert budget["shadow_price"] == pytest.approx(0.8 / 300)


def write_mip_case(folder: Path) -> Path:
    """Four alike central projects (cap 300, all-or-nothing) for a central budget of 1,000:
    three are funded, 100 is left. Two local projects in Hà Nội (pollution treatment, 30% of
    1,000 = 300, all-or-nothing) for a local budget of 500: one is funded, 200 is left. A 50%
    minimum for green projects (C, D and E are green) binds."""
    folder.mkdir()
    central = [dict(SL, project_id=p, name=p.lower(), all_or_nothing=1, green=int(p in "CD"))
               for p in "ABCD"]
    local = [{"project_id": p, "name": p.lower(), "province": "Hà Nội",
              "category": "pollution_treatment", "total_cost": 1000, "level": "local",
              "appraisal": 70, "all_or_nothing": 1, "green": int(p == "E")} for p in "EF"]
    pd.DataFrame(central + local).to_csv(folder / "projects.csv", index=False)
    sc = {"name": "mip", "projects": "projects.csv",
          "budgets": {"central": 1000, "local": {"Hà Nội": 500}},
          "weights": {"appraisal": 0.8, "green": 0.2},
          "targets": [{"name": "xanh", "kind": "share_min", "of": ["green"], "share": 0.5}]}
    (folder / "s.yaml").write_text(yaml.safe_dump(sc, allow_unicode=True), encoding="utf-8")
    return folder / "s.yaml"


@pytest.fixture(scope="module")
def mip_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("agree")
    out = base / "out"
    res = CliRunner().invoke(app, ["sensitivity", str(write_mip_case(base / "case")), "-o",
                                   str(out), "--draws", "6", "--no-plots", "--margins", "1"])
    assert res.exit_code == 0, res.output
    rep = CliRunner().invoke(app, ["report", str(out)])
    assert rep.exit_code == 0, rep.output
    return out


def test_report_headline_and_money_left_match_the_allocation(mip_out: Path) -> None:
    alloc = pd.read_csv(mip_out / "allocation.csv")
    central, local = alloc["central"].sum(), alloc["local"].sum()
    assert (central, local) == (900, 300)
    page = (mip_out / "report.html").read_text(encoding="utf-8")
    assert f"uses {central:,.0f} million VND of central and {local:,.0f} million VND" in page
    hanoi = alloc.loc[alloc["province"] == "Hà Nội", "local"].sum()
    rows = {m[0]: (m[1], m[2]) for m in re.findall(
        r"<tr><td>([^<]+)</td><td class=num>([\d,]+)</td><td class=num>([\d,]+)</td>"
        r"<td>[^<]*</td></tr>", page)}
    assert rows["central"] == ("1,000", f"{1000 - central:,.0f}")
    assert rows["local: Hà Nội"] == ("500", f"{500 - hanoi:,.0f}")
    assert "Budgets fully used (0 / 2)" in page


def test_ranging_and_constraints_are_the_plans(mip_out: Path) -> None:
    alloc = pd.read_csv(mip_out / "allocation.csv")
    for name in ("ranging_constraints", "constraints"):
        table = pd.read_csv(mip_out / f"{name}.csv").set_index("name")
        value = "final_value" if name.startswith("ranging") else "activity"
        assert table.loc["budget:central", value] == pytest.approx(alloc["central"].sum())
        assert table.loc["budget:local:Hà Nội", value] == pytest.approx(alloc["local"].sum())
        assert not table.loc["budget:central", "binding"]
    ranged = pd.read_csv(mip_out / "ranging_projects.csv").groupby("project_id")[
        "final_value"].sum()
    assert ranged.reindex(alloc["project_id"]).fillna(0).tolist() == alloc["total"].tolist()
    # the share target: 50% required; C, D (300 each of 900 central) and E or F locally
    cons = pd.read_csv(mip_out / "constraints.csv").set_index("name")
    green = alloc.loc[alloc["project_id"].isin(["C", "D", "E"]), "total"].sum()
    assert cons.loc["xanh", "share_required"] == 0.5
    assert cons.loc["xanh", "share_achieved"] == pytest.approx(green / alloc["total"].sum(),
                                                               abs=1e-6)
    sentence = pd.read_csv(mip_out / "ranging_constraints.csv").set_index("name").loc[
        "xanh", "sentence"]
    assert "50.0% required" in sentence and "achieved" in sentence


def test_sensitivity_workbook_holds_numbers(mip_out: Path) -> None:
    wb = openpyxl.load_workbook(mip_out / "sensitivity.xlsx")
    ws = wb[SHEETS["ranging_constraints"]]
    assert [c.value for c in ws[1]][:3] == ["Name", "Family", "Value in the plan"]
    head = [c.value for c in ws[2]]  # the codes, under the headings in words
    rows = {r[0]: dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=3,
                                                                         values_only=True)}
    central = rows["budget:central"]
    assert isinstance(central["final_value"], int | float) and central["final_value"] == 900
    assert isinstance(central["rhs"], int | float)
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=3, values_only=True):
            for v in row:
                if isinstance(v, str):  # text only where the value is words or infinity
                    assert not re.fullmatch(r"-?[\d.]+(e[-+]?\d+)?", v), (sheet.title, v)


def test_workbook_says_fully_allocated_only_when_binding(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    res = CliRunner().invoke(app, ["solve", str(write_mip_case(folder)), "-o",
                                   str(tmp_path / "out"), "--no-plots"])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(tmp_path / "out" / "allocation.xlsx")["Ràng buộc"]
    head = [c.value for c in ws[4]]  # English header row
    rows = {r[0]: dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=5,
                                                                         values_only=True)}
    for name in ("budget:central", "budget:local:Hà Nội"):  # 100 and 200 left
        assert rows[name]["Binding"] == "không"
        assert "fully allocated" not in rows[name]["Meaning (English)"]
    assert rows["total:all"]["Family"].startswith("Dòng nội bộ")
    assert rows["total:all"]["Meaning (English)"].startswith("internal row")
    assert rows["xanh"]["Share required"] == 0.5
    assert 0.5 <= rows["xanh"]["Share achieved"] <= 1


def test_validate_names_the_ineligible_projects(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(
        "project_id,name,province,category,total_cost,level,disadvantaged_area\n"
        "A,a,Sơn La,establish_enterprise,50,local,0\n"
        "B,b,Sơn La,establish_enterprise,50,local,1\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "p.csv")])
    assert res.exit_code == 0, res.output
    assert "1 ineligible" in res.output
    line = next(x for x in res.output.splitlines() if "ineligible:" in x)
    assert "A (Sơn La, establish_enterprise)" in line
    assert "difficult socio-economic conditions" in line
    assert "B (" not in res.output


def test_allocation_sums_equal_summary_totals(mip_out: Path) -> None:
    import json

    alloc = pd.read_csv(mip_out / "allocation.csv")
    s = json.loads((mip_out / "summary.json").read_text(encoding="utf-8"))
    assert s["totals"]["central"] == pytest.approx(alloc["central"].sum())
    assert s["totals"]["local"] == pytest.approx(alloc["local"].sum())
    by_p = {r["province"]: r["local"] for r in s["by_province"]}
    assert by_p["Hà Nội"] == pytest.approx(alloc.loc[alloc["province"] == "Hà Nội",
                                                     "local"].sum())
    assert np.isclose(sum(by_p.values()), alloc["local"].sum())


def test_the_basis_is_at_the_plan(make_case) -> None:
    """solve_at finds a simplex basis whose vertex *is* the given optimum, for either of two
    alike projects, and for the demo's plan (a vertex of 800 projects' LP)."""
    import kcopt
    from kcopt.solvers.highs import solve_at

    sc = make_case([dict(SL, project_id="A", name="a"), dict(SL, project_id="B", name="b")],
                   {"budgets": {"central": 300}, "weights": {"appraisal": 1}})
    result = solve_case(sc)
    lp = result.model.lp
    for x in (np.array([300.0, 0.0]), np.array([0.0, 300.0])):
        raw = solve_at(lp, x, sc.solver)
        assert raw.status == "optimal" and np.allclose(raw.x, x, atol=1e-9)
    demo = kcopt.load_scenario(kcopt.demo_scenario_path())
    plan = solve_case(demo)
    raw = solve_at(plan.model.lp, plan.x, demo.solver)
    assert np.abs(raw.x - plan.x).max() < 1e-6
    assert raw.objective == pytest.approx(plan.objective, rel=1e-9)
