"""The reserve list (danh sách dự phòng) agrees with re-solves: adding the money it says to a
fund funds the projects it puts first (issue 25), on hand-built cases and on the demo."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kcopt
from conftest import solve_case

MakeCase = Callable[..., kcopt.Scenario]


def project(pid: str, province: str, category: str, total_cost: float, appraisal: float,
            funds: str) -> dict[str, Any]:
    return {"project_id": pid, "name": f"Đề án {pid}", "province": province,
            "category": category, "total_cost": total_cost, "appraisal": appraisal,
            "funds": funds, "level": "central" if funds == "central" else "local"}


def totals(result: kcopt.Result) -> pd.Series:
    table = kcopt.allocation_table(result)
    return table.set_index("project_id")["total"]


def caps(result: kcopt.Result) -> pd.Series:
    return result.model.projects.set_index("project_id")["cap"]


@pytest.fixture
def hand_built(make_case: MakeCase) -> kcopt.Result:
    """Central machinery at 50% of cost (caps 100, 150, 200, 250, 300) and local pollution
    treatment in Lâm Đồng at 30% (caps 150, 180, 120, 90); money to the higher score first
    (weighted_funds). Central 175: C1 funded, C2 has 75 of 150. Local 200: L1 funded, L2 has 50
    of 180. So the central line is C2 (enters at 0, funded at +75), C3 (+75, +275), C4 (+275,
    +525), C5 (+525, +825); the local one L2 (0, +130), L3 (+130, +250), L4 (+250, +340)."""
    projects = [project(f"C{k}", "Hà Nội", "machinery", cost, score, "central")
                for k, (cost, score) in enumerate([(200, 90), (300, 80), (400, 70), (500, 60),
                                                   (600, 50)], start=1)]
    projects += [project(f"L{k}", "Lâm Đồng", "pollution_treatment", cost, score, "local")
                 for k, (cost, score) in enumerate([(500, 90), (600, 80), (400, 70), (300, 60)],
                                                   start=1)]
    sc = make_case(projects, {"budgets": {"central": 175, "local": {"Lâm Đồng": 200}},
                              "objective": "weighted_funds", "weights": {"appraisal": 1}})
    return solve_case(sc)


def test_hand_built_order_and_amounts(hand_built: kcopt.Result) -> None:
    reserve = kcopt.reserve_list(hand_built)
    central = reserve.query("fund == 'central'")
    assert central["project_id"].tolist() == ["C2", "C3", "C4", "C5"]
    assert central["enters_at"].tolist() == pytest.approx([0, 75, 275, 525], abs=1e-6)
    assert central["funded_at"].tolist() == pytest.approx([75, 275, 525, 825], abs=1e-6)
    assert central["missing"].tolist() == pytest.approx([75, 200, 250, 300], abs=1e-6)
    local = reserve.query("fund == 'local'")
    assert set(local["fund_province"]) == {"Lâm Đồng"}
    assert local["project_id"].tolist() == ["L2", "L3", "L4"]
    assert local["enters_at"].tolist() == pytest.approx([0, 130, 250], abs=1e-6)
    assert local["funded_at"].tolist() == pytest.approx([130, 250, 340], abs=1e-6)
    assert (reserve["paid_from"] == reserve["fund"]).all()
    assert reserve["reason"].str.len().min() > 20


def _first_three_funded(base: kcopt.Result, reserve: pd.DataFrame, fund: str,
                        province: str = "") -> tuple[float, float]:
    """Re-solve with the fund raised by what the list says the first three need; they must all
    be funded in full. Returns (the sum of their missing amounts, the raise used)."""
    line = reserve.query("fund == @fund and fund_province == @province").sort_values("rank")
    top = line.head(3)
    assert len(top) == 3
    raise_by = float(top["funded_at"].max())
    missing = float(top["missing"].sum())
    sc = base.model.scenario
    budgets: dict[str, Any] = ({"central": sc.central_budget + raise_by} if fund == "central"
                               else {"local": {province: sc.local_budgets[province] + raise_by}})
    again = kcopt.resolve(base, budgets=budgets)
    got = totals(again)
    cap = caps(base)
    for pid in top["project_id"]:
        assert got[pid] == pytest.approx(cap[pid], abs=1e-6), pid
    # a step short of that, the last of them is not yet funded in full
    short = dict(budgets)
    if fund == "central":
        short["central"] = sc.central_budget + raise_by - 1.0
    else:
        short["local"] = {province: sc.local_budgets[province] + raise_by - 1.0}
    last = top.sort_values("funded_at")["project_id"].iat[-1]
    assert totals(kcopt.resolve(base, budgets=short))[last] < cap[last] - 1e-6
    return missing, raise_by


def test_hand_built_agrees_with_a_re_solve(hand_built: kcopt.Result) -> None:
    """Adding the first three's missing amounts to a fund funds exactly them."""
    reserve = kcopt.reserve_list(hand_built)
    missing, used = _first_three_funded(hand_built, reserve, "central")
    assert used == pytest.approx(missing, abs=1e-6) and missing == pytest.approx(525)
    missing, used = _first_three_funded(hand_built, reserve, "local", "Lâm Đồng")
    assert used == pytest.approx(missing, abs=1e-6) and missing == pytest.approx(340)


@pytest.fixture(scope="module")
def demo() -> kcopt.Run:
    return kcopt.run(kcopt.demo_scenario_path(), reserve=5)


def test_demo_agrees_with_re_solves(demo: kcopt.Run) -> None:
    """On the demo the list of every solve agrees with re-solves, central and one local budget.
    The demo's targets tie some projects together (the NMM floor gives a quarter of every extra
    central million to NMM projects), so a project may be funded in full only after more than
    the missing amounts of those before it: the raise the list gives is what funds them."""
    reserve = demo.reserve
    assert reserve is not None and not reserve.empty
    missing, used = _first_three_funded(demo.result, reserve, "central")
    assert used >= missing - 1e-6
    local = reserve.query("fund == 'local'")
    counts = local.groupby("fund_province").size()
    own = local[local["province"] == local["fund_province"]].groupby("fund_province").size()
    province = next(p for p in counts.index if counts[p] >= 3 and own.get(p, 0) >= 3)
    _first_three_funded(demo.result, reserve, "local", province)


def test_reserve_written_by_every_solve(tmp_path, demo: kcopt.Run) -> None:
    """reserve.csv and the 'Dự phòng' sheet hold the list."""
    import openpyxl

    r = kcopt.run(kcopt.demo_scenario_path(), out=tmp_path / "out", plots=False, reserve=2)
    on_disk = pd.read_csv(tmp_path / "out" / "reserve.csv", encoding="utf-8-sig")
    assert on_disk["project_id"].tolist() == r.reserve["project_id"].tolist()
    book = openpyxl.load_workbook(tmp_path / "out" / "allocation.xlsx", read_only=True)
    ws = book["Dự phòng"]
    ids = [row[4] for row in ws.iter_rows(min_row=5, values_only=True) if row[4]]
    assert ids == r.reserve["project_id"].tolist()
    assert np.all(r.reserve.groupby(["fund", "fund_province"])["rank"].max() <= 2)


@pytest.fixture
def displacing(make_case: MakeCase) -> kcopt.Result:
    """Central machinery, money to the higher score first (weighted_funds), a MIP through a
    minimum share: A (cap 300, score 0.9) needs at least 90% of its cap (270); B (cap 150,
    score 0.8) all of it; C (cap 50, score 0.7) any share. At 200 million: B and C (155
    points). From 270: A alone (0.9 × budget ≥ 243 > 155), so B and C leave — between the sweep
    points 260 and 280 of the central sweep 100, 120, …, 300."""
    projects = [{**project("A", "Hà Nội", "machinery", 600, 90, "central"), "min_fraction": 0.9},
                {**project("B", "Hà Nội", "machinery", 300, 80, "central"), "min_fraction": 1.0},
                project("C", "Hà Nội", "machinery", 100, 70, "central")]
    sc = make_case(projects, {"budgets": {"central": 200}, "objective": "weighted_funds",
                              "weights": {"appraisal": 1}})
    return solve_case(sc)


def test_bigger_project_displaces_two_in_a_mip(displacing: kcopt.Result) -> None:
    from kcopt.analysis.sensitivity import budget_nestedness

    assert displacing.model.lp.integer.any()
    assert totals(displacing)[["A", "B", "C"]].tolist() == pytest.approx([0, 150, 50])
    nested = budget_nestedness(displacing, reselect=True)
    central = nested.query("sweep == 'central'")
    assert not central["nested"].any()
    assert sorted(central["project_id"]) == ["B", "C"]
    assert set(central["budget_from"]) == {260} and set(central["budget_to"]) == {280}
    assert set(central["entering"]) == {"A"}
    assert all("A (" in s for s in central["sentence"])


def test_budget_alone_is_nested(hand_built: kcopt.Result) -> None:
    """Without targets or integer rules money goes to projects in one order: nested."""
    from kcopt.analysis.sensitivity import budget_nestedness

    nested = budget_nestedness(hand_built)
    assert nested["sweep"].tolist() == ["central", "local"]
    assert nested["nested"].all()


def test_nestedness_in_sensitivity_files(tmp_path, displacing: kcopt.Result) -> None:
    import openpyxl

    from kcopt.outputs import write_sensitivity

    s = kcopt.run_sensitivity(displacing, draws=2, margins=0, reselect=True)
    assert s.settings["nested"] == {"central": False}
    out = tmp_path / "sens"
    write_sensitivity(s, displacing, out, plots=False)
    on_disk = pd.read_csv(out / "nestedness.csv", encoding="utf-8-sig")
    assert sorted(on_disk["project_id"]) == ["B", "C"]
    book = openpyxl.load_workbook(out / "sensitivity.xlsx", read_only=True)
    assert "Tính lồng nhau" in book.sheetnames


def test_reduced_program_walks_as_the_whole(demo: kcopt.Run, monkeypatch) -> None:
    """The walk on a reduced program (few columns kept, the others grown in when their reduced
    cost says they would enter) gives the list of the walk on the whole program."""
    from kcopt.analysis import reserve

    monkeypatch.setattr(reserve, "_NEAR_ROW", (0, 3))
    monkeypatch.setattr(reserve, "_NEAR_ANY", 3)
    monkeypatch.setattr(reserve, "_REDUCE_BELOW", 1.0)
    grown: list[int] = []
    walk = reserve._walk

    def counting(w, row, first):
        try:
            return walk(w, row, first)
        except reserve._Expand:
            grown.append(row)
            raise

    monkeypatch.setattr(reserve, "_walk", counting)
    small = kcopt.reserve_list(demo.result, first=5, jobs=1)  # grows counted here
    assert grown, "the reduced programs were never grown: the check is not exercised"
    monkeypatch.setattr(reserve, "_REDUCE_BELOW", 0.0)  # never reduce
    whole = kcopt.reserve_list(demo.result, first=5, jobs=1)
    cols = ["fund", "fund_province", "rank", "project_id"]
    assert small[cols].equals(whole[cols])
    for c in ("enters_at", "funded_at"):
        assert np.allclose(small[c], whole[c], atol=1e-6, equal_nan=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_rows_walked_by_forked_workers_give_the_same_list(demo: kcopt.Run,
                                                          monkeypatch) -> None:
    """The budget rows shared by this process and workers forked from it (`jobs`) give the
    list this process gives alone, line for line, and some rows were walked by a worker."""
    import time

    from kcopt.core import forkwork

    monkeypatch.setattr(forkwork, "_other_threads", list)  # threads earlier tests left idle
    real = forkwork.run
    seen: list[tuple[int, set[int]]] = []

    def run(items, workers, done=None):  # type: ignore[no-untyped-def]
        def where(item):  # type: ignore[no-untyped-def]
            def walked():  # type: ignore[no-untyped-def]
                time.sleep(0.01)  # so that every process gets some rows
                return item(), os.getpid()
            return walked
        got = real([where(item) for item in items], workers, done)
        seen.append((workers, {pid for _entries, pid in got}))
        return [entries for entries, _pid in got]

    monkeypatch.setattr(forkwork, "run", run)
    alone = kcopt.reserve_list(demo.result, first=5, jobs=1)
    assert not seen
    shared = kcopt.reserve_list(demo.result, first=5, jobs=3)
    assert len(seen) == 1 and seen[0][0] == 2
    assert os.getpid() in seen[0][1] and len(seen[0][1]) >= 2
    pd.testing.assert_frame_equal(shared, alone)
    pd.testing.assert_frame_equal(demo.reserve, kcopt.reserve_list(demo.result, first=5))
