"""After approval (issue 25): re-planning against an approved plan.

The hand-built case: ten machinery projects of Hà Nội, each costing 1.000 million and asking
200 (50% of cost, under the 300 ceiling: every cap is 200), central level, central budget
1.000. Objective weighted_funds with every appraisal 100: every score is 1, so every plan that
spends the whole budget is optimal — the approved plan gives each project 100.

- A 5% central cut (950): the least money moved is the cut, 50, from one project. A fresh
  solve is a simplex vertex: one row (the budget) allows at most one project strictly between
  0 and its cap, so at least nine of the ten (approved at 100) change.
- Locked projects (a signed contract, `approved.lock`) keep their amounts even where the
  score would take their money.
- A supplementary round (`keep: fixed`) with 300 more: every round-1 amount stays, and the new
  registrations share exactly the 300.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import kcopt
from kcopt.analysis.changes import CHANGE_COLUMNS, moved_money
from kcopt.cli import app
from kcopt.inputs.approved import Change, parse_change, read_plan
from kcopt.model.names import parse_col, parse_row
from kcopt.pipeline import Run
from kcopt.pipeline import run as compute

HN = "Hà Nội"
DONG = 1e-6  # one đồng in million VND
CUT = 50.0  # 5% of 1.000


def project(i: int, appraisal: float = 100, **extra: Any) -> dict[str, Any]:
    return {"project_id": f"HN-{i:02d}", "name": f"Đề án {i}", "province": HN,
            "category": "machinery", "total_cost": 1000, "requested": 200, "level": "central",
            "appraisal": appraisal, **extra}


def write_case(folder: Path, projects: list[dict[str, Any]], plan: dict[str, float] | None,
               **child: Any) -> Path:
    """projects.csv, base.yaml (round 1: central 1.000), approved.csv (when given) and
    replan.yaml, which `extends:` base.yaml with `child`'s keys; the path of replan.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(projects).to_csv(folder / "projects.csv", index=False)
    base = {"name": "vòng 1", "projects": "projects.csv",
            "budgets": {"central": 1000, "local": {HN: 0}}, "objective": "weighted_funds",
            "weights": {"appraisal": 1}}
    (folder / "base.yaml").write_text(yaml.safe_dump(base, allow_unicode=True), "utf-8")
    if plan is not None:
        pd.DataFrame({"project_id": list(plan), "central": list(plan.values()),
                      "local": 0.0}).to_csv(folder / "approved.csv", index=False)
    data = {"name": "điều chỉnh", "extends": "base.yaml", **child}
    (folder / "replan.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return folder / "replan.yaml"


EVEN = {f"HN-{i:02d}": 100.0 for i in range(1, 11)}


def checked(r: Run) -> pd.DataFrame:
    """The run's allocation, checked: no budget or cap exceeded, no row or bound broken."""
    alloc = r.allocation
    assert alloc is not None and not r.result.violations
    assert alloc["central"].sum() <= r.scenario.central_budget + DONG
    for province, local in alloc.groupby("province")["local"].sum().items():
        assert local <= r.scenario.local_budgets.get(str(province), 0.0) + DONG
    assert (alloc["total"] <= alloc["cap"] + DONG).all()
    return alloc


def touched(before: dict[str, float], alloc: pd.DataFrame) -> int:
    after = alloc.set_index("project_id")["total"]
    return sum(abs(after[p] - a) > DONG for p, a in before.items())


def test_a_five_percent_cut_moves_exactly_the_cut(tmp_path: Path, backend: str) -> None:
    """Σ|change| == the cut to the đồng, from one project; a fresh solve of the same budget
    touches at least nine of the ten. The score is the best the cut allows (950)."""
    path = write_case(tmp_path, [project(i) for i in range(1, 11)], EVEN,
                      approved={"plan": "approved.csv"}, budget_change={"central": "-5%"})
    r = compute(path, solver=backend)
    checked(r)
    assert r.scenario.central_budget == pytest.approx(950.0, abs=DONG)
    assert r.changes is not None and list(r.changes.columns) == CHANGE_COLUMNS
    moved, count = moved_money(r.changes)
    assert moved == pytest.approx(CUT, abs=DONG) and count == 1
    assert r.result.objective == pytest.approx(950.0, rel=1e-6)
    cut = r.changes[r.changes["change"] != 0].iloc[0]
    assert cut["change"] == pytest.approx(-CUT, abs=DONG) and cut["fund"] == "central"
    kcopt.set_language("vi")
    fresh = compute(kcopt.load_scenario(tmp_path / "base.yaml").with_budget(central=950),
                    solver=backend)
    assert touched(EVEN, checked(fresh)) >= 9 > count


def test_the_reason_of_a_cut_says_it_in_vietnamese(tmp_path: Path) -> None:
    path = write_case(tmp_path, [project(i) for i in range(1, 11)], EVEN,
                      approved={"plan": "approved.csv"}, budget_change={"central": "-5%"},
                      language="vi")
    r = compute(path)
    assert r.changes is not None
    reasons = r.changes.set_index("change")["reason"]
    assert reasons[-CUT] == "giảm 50 triệu đồng do cắt 5% kinh phí KCQG"
    assert set(reasons[0.0]) == {"giữ nguyên"}


def test_locked_projects_never_move(tmp_path: Path, backend: str) -> None:
    """HN-10 (appraisal 50) is the one a score-optimal cut takes first; its contract is signed
    ("Trạng thái": đã ký hợp đồng) and HN-09's is locked by the scenario: neither moves, though
    a 30% cut (300) must come from elsewhere. Without the locks the re-plan empties HN-10."""
    projects = [project(i) for i in range(1, 10)] + [project(10, appraisal=50)]
    projects[9]["Trạng thái"] = "da ky hop dong"  # diacritic-less, as typed
    path = write_case(tmp_path, projects, EVEN, approved={"plan": "approved.csv",
                                                          "lock": ["HN-09"]},
                      budget_change={"central": "-30%"}, language="vi")
    r = compute(path, solver=backend)
    after = checked(r).set_index("project_id")["central"]
    assert after["HN-10"] == pytest.approx(100.0, abs=DONG)
    assert after["HN-09"] == pytest.approx(100.0, abs=DONG)
    assert after.sum() == pytest.approx(700.0, abs=DONG)
    assert r.changes is not None
    reason = r.changes.set_index("project_id")["reason"]
    assert reason["HN-10"] == "giữ nguyên: đã ký hợp đồng"
    assert reason["HN-09"] == "giữ nguyên: khoá theo kịch bản"
    projects[9].pop("Trạng thái")
    free = write_case(tmp_path / "free", projects, EVEN, approved={"plan": "approved.csv"},
                      budget_change={"central": "-30%"})
    assert checked(compute(free, solver=backend)).set_index("project_id").at[
        "HN-10", "central"] == pytest.approx(0.0, abs=DONG)


def test_a_supplementary_round_keeps_every_amount_and_gives_new_projects_the_rest(
        tmp_path: Path, backend: str) -> None:
    """Round 1 solved by kcopt (its output folder is the approved plan; unfunded projects are
    in it at 0); round 2 adds three registrations (appraisal 60, below every round-1 project)
    and 300 million: every round-1 amount stays to the đồng, the new ones get exactly 300."""
    round1 = [project(i, appraisal=70 + 3 * i) for i in range(1, 11)]
    write_case(tmp_path, round1, None)
    first = kcopt.run(tmp_path / "base.yaml", out=tmp_path / "out1", plots=False, xlsx=False)
    before = checked(first).set_index("project_id")
    new = [project(i, appraisal=60) for i in (11, 12, 13)]
    path = write_case(tmp_path, round1 + new, None,
                      approved={"plan": "out1", "keep": "fixed"},
                      budget_change={"central": 300}, language="vi")
    r = compute(path, solver=backend)
    after = checked(r).set_index("project_id")
    for pid in before.index:
        for fund in ("central", "local"):
            assert after.at[pid, fund] == pytest.approx(before.at[pid, fund], abs=DONG), pid
    added = after.loc[["HN-11", "HN-12", "HN-13"], "total"].sum()
    assert added == pytest.approx(300.0, abs=DONG)
    assert r.changes is not None
    fresh = r.changes[r.changes["project_id"].isin(["HN-11", "HN-12", "HN-13"])]
    assert set(fresh["reason"]) == {"đề án mới (đợt bổ sung)"}
    moved, _count = moved_money(r.changes)
    assert moved == pytest.approx(300.0, abs=DONG)


def test_a_stopped_project_frees_its_money(tmp_path: Path) -> None:
    """HN-02 stops ("Dừng"); its 100 goes to the others, nothing else moves; the reason says
    how much was freed, and the '% giải ngân' column is read."""
    projects = [project(i) for i in range(1, 11)]
    for i, p in enumerate(projects):
        p["Trạng thái"] = "Dừng" if i == 1 else "Đang thực hiện"
        p["% giải ngân"] = "0%" if i == 1 else f"{10 * i}%"
    path = write_case(tmp_path, projects, EVEN, approved={"plan": "approved.csv"},
                      language="vi")
    r = compute(path)
    after = checked(r).set_index("project_id")
    assert after.at["HN-02", "total"] == 0.0 and after.at["HN-02", "status"] == "excluded"
    assert after["central"].sum() == pytest.approx(1000.0, abs=DONG)
    assert r.changes is not None
    ch = r.changes.set_index("project_id")
    assert ch.at["HN-02", "reason"] == "dừng thực hiện: thu hồi 100 triệu đồng"
    assert set(r.changes[r.changes["change"] > 0]["reason"]) == {
        "tăng 100 triệu đồng từ kinh phí được thu hồi"}
    moved, count = moved_money(r.changes)
    assert moved == pytest.approx(200.0, abs=DONG) and count == 2  # 100 out, 100 to one other
    assert r.projects.frame["disbursed"].tolist()[2] == pytest.approx(0.2)
    assert after.at["HN-03", "disbursed"] == pytest.approx(0.2)  # kept in allocation.csv
    assert after.at["HN-02", "progress"] == "stopped"


def test_fewest_changes_takes_the_cut_from_one_project(tmp_path: Path) -> None:
    """HN-01 is approved at 200, the nine others at 100 (central 1.100); a cut of 150 moves 150
    whichever projects give it, and only HN-01 can give it alone."""
    approved = {**EVEN, "HN-01": 200.0}
    path = write_case(tmp_path, [project(i) for i in range(1, 11)], approved,
                      approved={"plan": "approved.csv", "fewest_changes": True},
                      budgets={"central": 1100}, budget_change={"central": -150})
    r = compute(path)
    checked(r)
    assert r.changes is not None
    moved, count = moved_money(r.changes)
    assert moved == pytest.approx(150.0, abs=DONG) and count == 1
    assert r.changes.set_index("project_id").at["HN-01", "after"] == pytest.approx(50.0)


def test_budget_change_applies_per_fund_and_province(tmp_path: Path) -> None:
    path = write_case(tmp_path, [project(1)], None, budgets={
        "central": 1000, "local": {HN: 2000, "Huế": 500}},
        budget_change={"central": "-5%", "local": "-10%", "provinces": {"Ha Noi": "+200"}})
    sc = kcopt.load_scenario(path)
    assert sc.central_budget == pytest.approx(950.0)
    assert sc.local_budgets == pytest.approx({HN: 2200.0, "Huế": 450.0})
    assert parse_change("-5%") == Change(share=-0.05)
    assert parse_change("+1.500") == Change(amount=1500.0)
    assert parse_change("−10 %") == Change(share=-0.10)
    assert parse_change("cut") is None and parse_change(True) is None


def test_budget_options_on_the_command_line(tmp_path: Path) -> None:
    path = write_case(tmp_path, [project(i) for i in range(1, 11)], EVEN)
    result = CliRunner().invoke(app, [
        "solve", str(tmp_path / "base.yaml"), "--approved", str(tmp_path / "approved.csv"),
        "--budget", "central=-5%", "-o", str(tmp_path / "out"), "--no-plots", "--no-xlsx",
        "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "50 million VND moved; 1 projects changed" in result.output
    changes = pd.read_csv(tmp_path / "out" / "changes.csv", encoding="utf-8-sig")
    assert list(changes.columns) == CHANGE_COLUMNS
    assert changes["change"].abs().sum() == pytest.approx(CUT, abs=DONG)
    assert path.exists()


@pytest.mark.parametrize(("option", "words"), [
    ("central=-5x", ["--budget central", "'-5x'", "-5%"]),
    ("central", ["--budget takes FUND=CHANGE", "central=-5%"]),
    ("local=+200", ["--budget local", "percentage"]),
    ("Atlantis=+5", ["Atlantis", "central, local"]),
    ("central=-120%", ["--budget.central", "negative"]),
])
def test_a_bad_budget_option_says_which_and_how_to_fix_it(tmp_path: Path, option: str,
                                                          words: list[str]) -> None:
    write_case(tmp_path, [project(1)], None)
    result = CliRunner().invoke(app, ["solve", str(tmp_path / "base.yaml"), "--budget", option,
                                      "-o", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 2, result.output
    for w in words:
        assert w in result.output, (w, result.output)


@pytest.mark.parametrize(("keys", "words"), [
    ({"budget_change": {"central": "-5x"}}, ["budget_change.central", "-5x", "-5%"]),
    ({"budget_change": {"local": 200}}, ["budget_change.local", "percentage", "provinces"]),
    ({"budget_change": {"provinces": {"Atlantis": "-5%"}}}, ["Atlantis", "unknown province"]),
    ({"approved": {"plan": "approved.csv", "keep": "maybe"}}, ["approved.keep", "maybe",
                                                               "prefer", "fixed"]),
    ({"approved": {"plan": "nowhere.csv"}}, ["approved.plan", "nowhere.csv", "not found"]),
    ({"approved": {"plan": "approved.csv", "tolerance": 2}}, ["approved.tolerance"]),
    ({"approved": {"plan": "approved.csv", "colour": 1}}, ["approved.colour", "unknown key"]),
])
def test_bad_replan_keys_are_errors_naming_the_key(tmp_path: Path, keys: dict[str, Any],
                                                   words: list[str]) -> None:
    path = write_case(tmp_path, [project(1)], EVEN, **keys)
    kcopt.set_language("en")
    with pytest.raises(kcopt.InputError) as info:
        kcopt.load_scenario(path)
    text = str(info.value)
    for w in words:
        assert w in text, (w, text)


def test_the_plan_reads_alike_from_each_file_kcopt_writes(tmp_path: Path) -> None:
    """allocation.csv, allocation.xlsx and annex.xlsx of one solve give the same amounts."""
    round1 = [project(i, appraisal=70 + 3 * i) for i in range(1, 11)]
    write_case(tmp_path, round1, None)
    out = tmp_path / "out"
    kcopt.run(tmp_path / "base.yaml", out=out, plots=False)
    want = read_plan(out).amounts.set_index("project_id")
    assert want["central"].sum() == pytest.approx(1000.0)
    for name in ("allocation.xlsx", "annex.xlsx"):
        got = read_plan(out / name).amounts.set_index("project_id")
        funded = want[(want["central"] + want["local"]) > 0]
        got = got.reindex(want.index).fillna(0.0)
        assert np.allclose(got[["central", "local"]], want[["central", "local"]], atol=DONG), \
            name
        assert set(funded.index) <= set(read_plan(out / name).amounts["project_id"])


def test_the_move_program_is_named_and_built_as_documented(tmp_path: Path) -> None:
    """x − u + d = a per support column, and the score floor, under structured names."""
    from kcopt.model.replan import approved_columns, move_program

    path = write_case(tmp_path, [project(1), project(2)], {"HN-01": 150.0, "HN-02": 0.0},
                      approved={"plan": "approved.csv"})
    sc = kcopt.load_scenario(path)
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    moves = approved_columns(model, np.array([[150.0, 0.0], [0.0, 0.0]]), np.zeros(2, bool))
    lp, free = move_program(model, moves, 300.0, 1e-6)
    assert list(free.index) == list(moves.index)  # no column fixed: each has its split
    n = model.lp.shape[1]
    assert lp.col_names[n:] == ["move_up:HN-01:central", "move_up:HN-02:central",
                                "move_down:HN-01:central", "move_down:HN-02:central"]
    assert [parse_col(c).kind for c in lp.col_names[n:]] == ["move_up"] * 2 + ["move_down"] * 2
    row = lp.row("move:HN-01:central")
    assert lp.row_lower[row] == lp.row_upper[row] == 150.0
    coef = lp.A[row].toarray().ravel()
    assert coef[model.lp.col("x:HN-01:central")] == 1.0
    assert coef[lp.col("move_up:HN-01:central")] == -1.0
    assert coef[lp.col("move_down:HN-01:central")] == 1.0
    floor = lp.row("floor:score")
    assert parse_row("floor:score").family == "floor"
    assert lp.row_lower[floor] == pytest.approx(300.0 - 300.0 * 1e-6)
    assert list(lp.cost[n:]) == [-1.0] * 4


def test_budget_changes_from_python_and_in_the_funds_vietnamese_names(tmp_path: Path) -> None:
    """`Scenario.with_budget_change` takes the mapping `--budget` reads; KCQG / KCĐP name the
    funds as planners write them."""
    path = write_case(tmp_path, [project(1)], None, budgets={
        "central": 1000, "local": {HN: 2000, "Huế": 500}})
    sc = kcopt.load_scenario(path)
    cut = sc.with_budget_change({"KCQG": "-5%", "KCĐP": "-10%", "Ha Noi": 200})
    assert cut.central_budget == pytest.approx(950.0)
    assert cut.local_budgets == pytest.approx({HN: 2200.0, "Huế": 450.0})
    assert cut.budget_change.central == Change(share=-0.05)
    with pytest.raises(kcopt.UsageError, match="negative"):
        sc.with_budget_change({"central": -1001})


@pytest.mark.slow
def test_the_demo_cut_moves_what_the_tolerance_allows(tmp_path: Path) -> None:
    """The demo's approved plan is its own optimum and the cut's optimum is unique: with the
    default tolerance 0 the re-plan has the fresh solve's score exactly (7.561 million moved);
    a planner's tolerance of 0.1% of the score takes exactly the cut, 5.250 million, from the
    central money (to the 4 decimals allocation.csv writes, summed over its rows), and leaves
    nothing idle that the best plan spends: the 1.554,7 million of local money the approved
    plan left unspent and the cut's best plan spends are given to projects (floor:spent), so
    each budget spends what the fresh solve spends."""
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    kcopt.run(sc, out=tmp_path / "plan", plots=False, xlsx=False)
    cut = sc.with_budget_change({"central": "-5%"})
    fresh = compute(cut)
    exact = compute(cut.with_approved(tmp_path / "plan"))
    checked(exact)
    assert exact.result.objective == pytest.approx(fresh.result.objective, rel=1e-9)
    assert exact.changes is not None
    moved_exact, _count = moved_money(exact.changes)
    approved = exact.scenario.approved
    assert approved is not None and approved.tolerance == 0
    from dataclasses import replace

    loose = cut.with_approved(tmp_path / "plan")
    loose = replace(loose, approved=replace(approved, tolerance=1e-3))
    r = compute(loose)
    checked(r)
    assert r.changes is not None
    moved, _count = moved_money(r.changes)
    assert moved < moved_exact - 500
    assert r.result.objective >= fresh.result.objective * (1 - 1e-3) - 1e-9
    central = r.changes[r.changes["fund"] == "central"]["change"]
    assert central.abs().sum() == pytest.approx(5250.0, abs=1e-3) and (central <= 0).all()
    # nothing idle: each budget (central; each province's local) spends the fresh solve's
    assert r.allocation is not None and fresh.allocation is not None
    assert r.allocation["central"].sum() == pytest.approx(fresh.allocation["central"].sum(),
                                                          abs=DONG)
    spent = r.allocation.groupby("province")["local"].sum()
    best = fresh.allocation.groupby("province")["local"].sum()
    assert np.allclose(spent, best.reindex(spent.index), atol=DONG)


def test_the_plan_reads_from_a_planners_into_copy(tmp_path: Path) -> None:
    """A planner's annex (Hà Tĩnh's A/B fund sections) solved with --into: the copy's "Đề xuất
    hỗ trợ" column, fund by section, gives the plan's amounts."""
    from forms import fund_sections

    layout = fund_sections(tmp_path / "phu-luc.xlsx")
    scenario = tmp_path / "kich-ban.yaml"
    scenario.write_text("name: into\nprojects: phu-luc.xlsx\nbudgets: {central: 1000, local: "
                        "{Hà Tĩnh: 500}}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["solve", str(scenario), "-o", str(out), "--no-plots",
                                      "--into", str(layout.path)])
    assert result.exit_code == 0, result.output
    want = read_plan(out).amounts.set_index("project_id")
    got = read_plan(out / "phu-luc-kcopt.xlsx").amounts.set_index("project_id")
    assert sorted(got.index) == sorted(want.index)
    got = got.reindex(want.index)
    assert np.allclose(got[["central", "local"]], want[["central", "local"]], atol=DONG)
    assert want["central"].sum() > 0 and want["local"].sum() > 0


def test_a_cost_change_moves_the_cap_and_a_top_up_is_said(tmp_path: Path) -> None:
    """HN-03's cost falls to 100 (its cap to 50, half the cost): it loses 50, said with its new
    cap. HN-04 is signed but its cost fell to 120 (cap 60): it is held at its cap, with a
    warning. The 100 top-up and the 90 freed go to others: every rise names the top-up."""
    projects = [project(i) for i in range(1, 11)]
    projects[2].update({"total_cost": 100, "requested": 100})
    projects[3].update({"total_cost": 120, "requested": 120, "Trạng thái": "đã ký hợp đồng"})
    path = write_case(tmp_path, projects, EVEN, approved={"plan": "approved.csv"},
                      budget_change={"central": 100}, language="vi")
    r = compute(path)
    alloc = checked(r).set_index("project_id")
    assert alloc.at["HN-03", "central"] == pytest.approx(50.0)
    assert alloc.at["HN-04", "central"] == pytest.approx(60.0)
    assert any(w.code == "locked_above_cap" and "HN-04" in w.message for w in r.warnings)
    assert r.changes is not None
    ch = r.changes.set_index("project_id")
    assert ch.at["HN-03", "reason"] == ("giảm 50 triệu đồng: mức hỗ trợ tối đa nay là 50 triệu "
                                        "đồng (kinh phí đề án thay đổi)")
    assert alloc["central"].sum() == pytest.approx(1100.0, abs=DONG)
    ups = r.changes[r.changes["change"] > 0]
    assert ups["change"].sum() == pytest.approx(190.0, abs=DONG)
    assert all(reason.startswith("tăng ") and reason.endswith(
        "từ phần bổ sung 100 triệu đồng kinh phí KCQG và kinh phí được thu hồi")
        for reason in ups["reason"])
    moved, _count = moved_money(r.changes)
    assert moved == pytest.approx(50 + 40 + 190, abs=DONG)


def two_years(folder: Path, n2026: int, budget: float, **child: Any) -> Path:
    """A 2026–2027 programme: `n2026` projects start in 2026 and six in 2027 (caps 200, equal
    scores), central `budget` a year; round 1 solved into out1 (its allocation.csv has each
    project's start year), and replan.yaml extending it with `child`'s keys."""
    projects = ([project(i, year=2026) for i in range(1, n2026 + 1)]
                + [project(i, year=2027) for i in range(11, 17)])
    path = write_case(folder, projects, None, **child)
    base = yaml.safe_load((folder / "base.yaml").read_text("utf-8"))
    base.update({"years": [2026, 2027], "budgets": {"central": budget, "local": {HN: 0}}})
    (folder / "base.yaml").write_text(yaml.safe_dump(base, allow_unicode=True), "utf-8")
    kcopt.run(folder / "base.yaml", out=folder / "out1", plots=False, xlsx=False)
    return path


def test_a_programme_re_planned_from_its_second_year_keeps_the_first_as_executed(
        tmp_path: Path) -> None:
    """2026 is executed (600 over four projects); a 20% cut of the central budget (600 → 480 a
    year) cannot reach back into 2026: its projects keep every đồng, the cut comes from 2027
    alone — 120 moved."""
    path = two_years(tmp_path, 4, 600, language="vi", budget_change={"central": "-20%"},
                     approved={"plan": "out1", "executed_through": 2026})
    before = pd.read_csv(tmp_path / "out1" / "allocation.csv", encoding="utf-8-sig")
    r = compute(path)
    assert r.changes is not None and not r.result.violations
    after = r.allocation.set_index("project_id") if r.allocation is not None else None
    assert after is not None
    for row in before[before["start_year"] == 2026].itertuples():
        assert after.at[row.project_id, "central"] == pytest.approx(row.central, abs=DONG)
    assert after[after["start_year"] == 2027]["central"].sum() == pytest.approx(480.0)
    moved, _count = moved_money(r.changes)
    assert moved == pytest.approx(120.0, abs=DONG)
    ch = r.changes.set_index("project_id")
    funded = before[(before["start_year"] == 2026) & (before["central"] > 0)]["project_id"]
    assert len(funded) == 3 and {ch.at[pid, "reason"] for pid in funded} == {
        "giữ nguyên: đã thực hiện (bắt đầu trong năm đã thực hiện)"}


@pytest.mark.parametrize(("carry", "spent_2027"), [(False, 600.0), (True, 800.0)])
def test_unspent_money_of_an_executed_year_moves_on_only_when_the_scenario_says(
        tmp_path: Path, carry: bool, spent_2027: float) -> None:
    """2026 has two projects (400 of its 600): 200 unspent. With carry_over the 2027 budget
    takes it (800 allocated in 2027), without it 2027 keeps its own 600."""
    path = two_years(tmp_path, 2, 600, approved={
        "plan": "out1", "executed_through": 2026, "carry_over": carry})
    r = compute(path)
    assert r.allocation is not None and not r.result.violations
    after = r.allocation.set_index("project_id")
    assert after[after["start_year"] == 2027]["central"].sum() == pytest.approx(spent_2027)
    assert after[after["start_year"] == 2026]["central"].sum() == pytest.approx(400.0)


def test_a_planners_plan_csv_is_read_as_typed_and_every_bad_cell_is_said(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    pd.DataFrame({"Mã đề án": ["A", "B"], "Trung ương (KCQG)": ["1.200,5", ""],
                  "Địa phương (KCĐP)": ["0", "2"]}).to_csv(good, index=False)
    amounts = read_plan(good).amounts
    assert amounts["central"].tolist() == [1200.5, 0.0]
    assert amounts["local"].tolist() == [0.0, 2.0]
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"project_id": ["A", "B", "C"], "central": ["1.200,5", "", "x"],
                  "local": ["0", "-1", "2"]}).to_csv(bad, index=False)
    kcopt.set_language("en")
    with pytest.raises(kcopt.InputError) as info:
        read_plan(bad)
    text = str(info.value)
    assert "'x'" in text and "'-1'" in text and "row 4" in text and "row 3" in text
