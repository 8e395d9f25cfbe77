"""Promises that had no test able to fail: the post-solve check, the report's headline, the
time-limit path, policy prices and tornado against hand answers, .mps export, the CLI's
--lp/--mip/--margins/--jobs/--scheduler, the `units` and `regions` keys, the demo generator."""

from __future__ import annotations

import filecmp
import html
import json
import re
import sys
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import kcopt
import test_solve_cases as cases
from conftest import solve_case
from kcopt.analysis.sensitivity import policy_prices, tornado
from kcopt.cli import app
from kcopt.solvers.solve import check_solution

DEMO = Path(kcopt.demo_scenario_path()).parent
runner = CliRunner()


# --- every solve is checked -------------------------------------------------------------------


def test_check_solution_accepts_the_optimum_and_names_every_breach(make_case) -> None:
    """case_must_fund (central 450): A1 200, A2 50, A3 100 (fixed), T1 100 + 50 local."""
    result = solve_case(cases.case_must_fund(make_case))
    lp = result.model.lp
    assert check_solution(lp, result.x) == []
    x = result.x.copy()
    x[lp.col("x:A2:central")] += 100  # central 550 > 450
    x[lp.col("x:A1:central")] = 260  # its cap is 200: budget by 160 in all
    x[lp.col("x:A3:central")] = 0  # must fund, fixed at 100
    out = check_solution(lp, x)
    assert "!row budget:central by 60" in out  # 200 + 150 + 0 + 100 + 60 more = 510 − 450
    assert "!bound of x:A1:central by 60" in out
    assert "!bound of x:A3:central by 100" in out
    assert len(out) == 3, out
    # a breach within a solver's tolerance is a plain line, a gross one starts with "!"
    x = result.x.copy()
    x[lp.col("x:A2:central")] += 0.002  # 0.002 / 450 ≈ 4e-6 relative
    assert check_solution(lp, x) == ["row budget:central by 0.002"]
    # the row's lower side: T1 must get its 150 from both funds together
    x = result.x.copy()
    x[lp.col("x:T1:local")] = 0.0
    assert check_solution(lp, x) == ["!row must_fund:T1 by 50"]


def test_check_solution_checks_integrality(make_case) -> None:
    result = solve_case(cases.case_all_or_nothing(make_case))
    lp = result.model.lp
    x = result.x.copy()
    x[lp.col("z:B1")] = 0.5
    x[lp.col("x:B1:central")] = 150  # consistent with all_or_nothing: 150 = 300·0.5
    x[lp.col("x:B3:central")] = 50  # and within the budget
    assert check_solution(lp, x) == ["!integrality of z:B1 by 0.5"]


def test_a_broken_solver_answer_is_an_error_not_a_plan(make_case, monkeypatch) -> None:
    """A backend that returns an allocation breaking the budget: solve() reports Status.ERROR
    and names the row, whatever the backend said."""
    solve_module = sys.modules["kcopt.solvers.solve"]  # `kcopt.solvers.solve` is also the function
    real = solve_module.run_backend

    def broken(lp, opts):
        raw = real(lp, opts)
        raw.x = raw.x * 2  # every project paid twice: the budget breaks
        return raw

    monkeypatch.setattr(solve_module, "run_backend", broken)
    sc = cases.case_weighted_funds(make_case)
    result = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))
    assert result.status == kcopt.Status.ERROR
    assert "budget:central" in result.message
    with pytest.raises(kcopt.SolverError):
        result.raise_for_status()


# --- the committee report's headline ----------------------------------------------------------

CARD = re.compile(r"<div class=card><div class=label>(.*?)</div><div class=value>(.*?)</div>"
                  r"<div class=sub>(.*?)</div></div>", re.S)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()


def test_report_headline_figures_are_the_allocations() -> None:
    """Each headline card against sums of allocation.csv, formatted here: central and local
    must differ in the demo, so a swap cannot pass."""
    run = kcopt.run(kcopt.demo_scenario_path(), out=None)
    a = run.allocation
    central, local, total = a["central"].sum(), a["local"].sum(), a["total"].sum()
    assert abs(central - local) > 1000
    sc = run.result.model.scenario
    local_budget = sum(sc.local_budgets.values())
    page = kcopt.report_html(run)
    head = page[page.index('<section id="headline">'):]
    head = head[:head.index("</section>")]
    cards = {" ".join(_text(label)): (" ".join(_text(v)), " ".join(_text(s)))
             for label, v, s in CARD.findall(head)}
    central_card = next(v for k, v in cards.items() if "Central funds" in k)
    local_card = next(v for k, v in cards.items() if "Local funds" in k)
    total_card = next(v for k, v in cards.items() if "Total support" in k)
    supported = next(v for k, v in cards.items() if "Projects supported" in k)
    objective = next(v for k, v in cards.items() if "Objective" in k)
    assert central_card[0] == f"{central:,.0f}"
    assert central_card[1] == (f"of {sc.central_budget:,.0f} "
                               f"({100 * central / sc.central_budget:.1f}%)")
    assert local_card[0] == f"{local:,.0f}"
    assert local_card[1] == f"of {local_budget:,.0f} ({100 * local / local_budget:.1f}%)"
    assert total_card[0] == f"{total:,.0f}"
    n_funded = int((a["status"] == "funded").sum())
    n_partial = int((a["status"] == "partial").sum())
    assert supported[0] == f"{n_funded + n_partial:,} / {len(a):,}"
    assert supported[1].startswith(f"{n_funded} in full, {n_partial} in part")
    assert objective[0] == f"{run.result.objective:,.2f}"
    sentence = " ".join(_text(head))
    assert (f"uses {central:,.0f} million VND of central and {local:,.0f} million VND of local"
            in sentence)
    assert f"{n_funded:,} are funded in full and {n_partial:,} in part" in sentence
    assert f"{int((a['status'] == 'unfunded').sum()):,} get nothing" in sentence


# --- time limit: a feasible plan, labelled so -------------------------------------------------


def test_time_limit_returns_a_feasible_partial_plan(tmp_path: Path) -> None:
    """The 2026–2030 demo with a zero optimality gap: HiGHS has a first plan within about a
    second and cannot prove optimality in ten (a 1e-4 gap alone takes ~20 s), so the solve
    stops at the limit with a plan in hand: exit 0, status 'feasible', the gap reported, and
    every budget and cap of that plan holding."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"extends: {DEMO / 'demo-2026-2030.yaml'}\n"
        "solver: {name: highs, time_limit: 10, mip_gap: 0.0}\n", encoding="utf-8")
    res = runner.invoke(app, ["solve", str(scenario), "-o", str(tmp_path / "o"), "--no-plots",
                              "--no-xlsx"])
    assert res.exit_code == 0, res.output
    assert "time limit reached" in res.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "feasible", "the instance solved within the limit"
    assert summary["mip_gap"] > 0
    for row in summary["by_year"]:
        assert row["central"] <= row["central_budget"] * (1 + 1e-9) + 1e-6
        assert row["local"] <= row["local_budget"] * (1 + 1e-9) + 1e-6
    alloc = pd.read_csv(tmp_path / "o" / "allocation.csv", encoding="utf-8-sig")
    assert (alloc["total"] <= alloc["cap"] + 1e-6).all()
    assert (alloc["status"].isin(["funded", "partial"])).sum() > 100
    # the plan is no better than the LP relaxation's bound
    sc = kcopt.load_scenario(scenario)
    relaxed = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc, mip=False))
    assert summary["objective"] <= relaxed.objective * (1 + 1e-9)


# --- policy prices and tornado against hand answers -------------------------------------------

POLICY = {  # case: (target, objective without it, with it, strongest shadow price, binding)
    "share_min": ("green_digital", 310, 260, -0.5, "green_digital"),
    "share_max": ("machinery_cap", 320, 280, 0.4, "machinery_cap"),
    "region_min": ("nmm_floor", 275, 245, -0.3, "nmm_floor"),
    "province_max": ("province_cap", 350, 312, 0.3, "province_cap:Hà Nội"),
}


@pytest.mark.parametrize("name", list(POLICY))
def test_policy_prices_by_hand(make_case, name: str) -> None:
    """The figures of test_solve_cases.py: each target's score given up is the objective
    without it minus the objective with it."""
    target, without, with_, price, binding = POLICY[name]
    result = solve_case(getattr(cases, f"case_{name}")(make_case))
    row = policy_prices(result).set_index("target").loc[target]
    assert row["objective_with"] == pytest.approx(with_)
    assert row["objective_without"] == pytest.approx(without)
    assert row["score_given_up"] == pytest.approx(without - with_)
    assert row["shadow_price"] == pytest.approx(price)
    assert row["binding_rows"] == binding
    assert f"costs {without - with_:.4g} score points" in row["sentence"]


def test_tornado_by_hand(make_case) -> None:
    """weighted_funds, central 350; weights appraisal 0.8, green 0.2.
    A1 cap 200 appraisal 90 → 0.72; A2 cap 300, 60 → 0.48; A3 cap 100, 30, green → 0.44.
    Base: A1 200, A2 150 → 144 + 72 = 216; A3 unfunded.
    appraisal −20%: weights (0.64, 0.2)/0.84 = (16/21, 5/21); A1 14.4/21, A2 9.6/21, A3 9.8/21:
      A3 overtakes A2 → A1 200, A3 100, A2 50 → (2880 + 980 + 480)/21 = 206.667; A3 changes
      status (unfunded → funded), A2 stays partial: 1 project changed.
    appraisal +20%: (0.96, 0.2)/1.16 → (0.864·200 + 0.576·150)/1.16 = 223.448; none changed.
    green −20%: (0.8, 0.16)/0.96 → 216/0.96 = 225; none changed.
    green +20%: (0.8, 0.24)/1.04 → A2 and A3 tie at 0.48/1.04: 216/1.04 = 207.692.
    central budget ±20% (280, 420): A2 gets 80 or 220 → 182.4 and 249.6; none changed.
    local budgets ±20% of nothing: 216, unchanged.
    """
    P = cases.project
    sc = make_case([P("A1", "Hà Nội", "machinery", 400, 90),
                    P("A2", "Sơn La", "machinery", 600, 60),
                    P("A3", "Lâm Đồng", "machinery", 200, 30, green=1)],
                   {"budgets": {"central": 350}, "objective": "weighted_funds",
                    "weights": {"appraisal": 0.8, "green": 0.2}})
    result = solve_case(sc)
    assert result.objective == pytest.approx(216)
    t = tornado(result).set_index(["parameter", "change"])
    expected = {("appraisal", -0.2): (16 / 21, 4340 / 21, 1),
                ("appraisal", 0.2): (0.96 / 1.16, 259.2 / 1.16, 0),
                ("green", -0.2): (0.16 / 0.96, 225.0, 0),
                ("green", 0.2): (0.24 / 1.04, 216 / 1.04, None),
                ("central budget", -0.2): (280, 182.4, 0),
                ("central budget", 0.2): (420, 249.6, 0),
                ("local budgets", -0.2): (0, 216, 0),
                ("local budgets", 0.2): (0, 216, 0)}
    assert set(t.index) == set(expected)
    for key, (value, objective, changed) in expected.items():
        row = t.loc[key]
        assert row["value"] == pytest.approx(value, abs=1e-6), key
        assert row["objective"] == pytest.approx(objective), key
        assert row["delta_objective"] == pytest.approx(objective - 216, abs=1e-7), key
        if changed is not None:
            assert row["projects_changed"] == changed, key


# --- .mps and .lp export ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["mps", "lp"])
def test_exported_model_solves_to_the_same_optimum(tmp_path: Path, suffix: str) -> None:
    """The file kcopt writes for audit, read back by HiGHS itself and solved: same optimum,
    same number of rows and columns, the structured names kept (made ASCII)."""
    path = tmp_path / f"model.{suffix}"
    res = runner.invoke(app, ["solve", str(kcopt.demo_scenario_path()), "-o", str(tmp_path / "o"),
                              "--no-plots", "--no-xlsx", "--write-model", str(path)])
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    lp = h.getLp()
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    assert (lp.num_row_, lp.num_col_) == model.lp.shape
    if suffix == "mps":
        assert "budget_central" in lp.row_names_
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert abs(h.getInfo().objective_function_value) == pytest.approx(summary["objective"],
                                                                     rel=1e-6)


# --- command-line options ---------------------------------------------------------------------


def test_cli_lp_and_mip_switches(tmp_path: Path) -> None:
    """--lp relaxes the MIP demo (objective ≥ the MIP's, fractions of all-or-nothing projects
    allowed); --mip forces integer decisions on the plain demo (same optimum: nothing there
    needs them)."""
    out = {}
    for name, scen, flag in (("mip", "demo-mip.yaml", None), ("lp", "demo-mip.yaml", "--lp"),
                             ("plain", "demo.yaml", None), ("forced", "demo.yaml", "--mip")):
        args = ["solve", str(DEMO / scen), "-o", str(tmp_path / name), "--no-plots", "--no-xlsx"]
        res = runner.invoke(app, args + ([flag] if flag else []))
        assert res.exit_code == 0, res.output
        out[name] = json.loads((tmp_path / name / "summary.json").read_text(encoding="utf-8"))
    assert out["mip"]["mip"] is True and out["lp"]["mip"] is False
    assert out["lp"]["objective"] >= out["mip"]["objective"] - 1e-9
    assert out["lp"]["objective"] > out["mip"]["objective"] * (1 + 1e-6)  # the rules bind
    lp_alloc = pd.read_csv(tmp_path / "lp" / "allocation.csv", encoding="utf-8-sig")
    mip_alloc = pd.read_csv(tmp_path / "mip" / "allocation.csv", encoding="utf-8-sig")
    projects = kcopt.read_projects(kcopt.load_scenario(DEMO / "demo-mip.yaml").projects).frame
    aon = projects.set_index("project_id")["all_or_nothing"] > 0
    for alloc, fractional_ok in ((mip_alloc, False), (lp_alloc, True)):
        f = alloc.set_index("project_id")["fraction"][aon[aon].index]
        partial = ((f > 1e-6) & (f < 1 - 1e-6)).sum()
        assert (partial > 0) == fractional_ok
    assert out["plain"]["mip"] is False and out["forced"]["mip"] is True
    assert out["forced"]["objective"] == pytest.approx(out["plain"]["objective"], rel=1e-6)


def _small_mip(folder: Path) -> Path:
    """Eight machinery projects, half all-or-nothing, on a central budget of 1,000."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"project_id": f"Q{i}", "name": f"q{i}", "province": prov, "category": "machinery",
             "total_cost": cost, "appraisal": appr, "green": i % 2, "funds": "central",
             "all_or_nothing": int(i < 4)}
            for i, (prov, cost, appr) in enumerate([
                ("Hà Nội", 500, 90), ("Sơn La", 380, 85), ("Lâm Đồng", 600, 70),
                ("Huế", 460, 65), ("Hà Nội", 300, 60), ("Sơn La", 520, 55),
                ("Lâm Đồng", 440, 50), ("Huế", 260, 40)])]
    pd.DataFrame(rows).to_csv(folder / "projects.csv", index=False)
    (folder / "s.yaml").write_text(
        "name: small mip\nprojects: projects.csv\nbudgets: {central: 1000}\n"
        "weights: {appraisal: 0.7, green: 0.3}\n"
        "targets:\n  - {name: green_share, kind: share_min, of: [green], share: 0.3}\n",
        encoding="utf-8")
    return folder / "s.yaml"


def test_cli_sensitivity_margins_and_jobs(tmp_path: Path) -> None:
    """--margins N: N selection margins on a MIP run; --jobs 2 gives the tables of --jobs 1."""
    scenario = _small_mip(tmp_path / "case")
    tables = {}
    for jobs, margins in (("1", "3"), ("2", "2")):
        out = tmp_path / f"j{jobs}"
        res = runner.invoke(app, ["sensitivity", str(scenario), "-o", str(out), "--draws", "8",
                                  "--no-plots", "--jobs", jobs, "--margins", margins])
        assert res.exit_code == 0, res.output
        sel = pd.read_csv(out / "selection_margins.csv", encoding="utf-8-sig")
        assert len(sel) == int(margins)
        tables[jobs] = {n: pd.read_csv(out / f"{n}.csv", encoding="utf-8-sig")
                        for n in ("weight_robustness", "tornado", "budget_sweep",
                                  "policy_prices")}
    for name, frame in tables["1"].items():
        pd.testing.assert_frame_equal(frame, tables["2"][name], check_exact=False, rtol=1e-6,
                                      obj=name)


def test_cli_scheduler_option(tmp_path: Path) -> None:
    """--scheduler sends the re-solves to a Dask scheduler (an in-process cluster here): the
    same robustness table as the serial run; an unreachable scheduler is an error, not a
    traceback."""
    distributed = pytest.importorskip("distributed", reason="the dev extra installs dask")
    scenario = _small_mip(tmp_path / "case")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    try:
        tables = []
        for extra in ([], ["--scheduler", cluster.scheduler_address]):
            out = tmp_path / ("dask" if extra else "serial")
            res = runner.invoke(app, ["sensitivity", str(scenario), "-o", str(out), "--draws",
                                      "4", "--no-plots", "--margins", "1", *extra])
            assert res.exit_code == 0, res.output
            tables.append(pd.read_csv(out / "weight_robustness.csv", encoding="utf-8-sig"))
        pd.testing.assert_frame_equal(*tables, check_exact=False, rtol=1e-6)
    finally:
        cluster.close()


# --- scenario keys: units and regions ---------------------------------------------------------


def _units_case(make_case, scale: float, units: str | None, budgets_scaled: bool):
    P = cases.project
    projects = [P("A1", "Hà Nội", "machinery", 400 * scale, 90),
                P("A2", "Sơn La", "machinery", 600 * scale, 60, requested=250 * scale),
                P("A3", "Lâm Đồng", "machinery", 200 * scale, 30,
                  other_state_support=20 * scale)]
    b = scale if budgets_scaled else 1.0
    sc = cases.scenario(350 * b, **({"units": units} if units else {}))
    return make_case(projects, sc)


@pytest.mark.parametrize(("units", "scale"), [("vnd", 1e6), ("thousand_vnd", 1e3),
                                              ("ty_dong", 1e-3)])
def test_units_scale_the_project_amounts(make_case, units: str, scale: float) -> None:
    """The same programme, project list and budgets written in VND, thousand VND or billion
    VND: caps and allocation in million VND are those of the million-VND file (A1 200, A2 its
    request 250, A3 100 − 20 received; A3 is then ruled out: no double funding)."""
    base = kcopt.run(_units_case(make_case, 1.0, None, False)).allocation
    other = kcopt.run(_units_case(make_case, scale, units, True)).allocation
    assert other["cap"].tolist() == pytest.approx([200, 250, 80])
    for col in ("cap", "central", "total", "fraction"):
        assert other[col].tolist() == pytest.approx(base[col].tolist(), rel=1e-9), col


def test_units_scale_the_budgets(make_case) -> None:
    base = kcopt.run(_units_case(make_case, 1.0, None, False)).result
    vnd = kcopt.run(_units_case(make_case, 1e6, "vnd", True)).result
    assert vnd.objective == pytest.approx(base.objective, rel=1e-9)


def test_regions_key_moves_a_province_between_regions(make_case) -> None:
    """case_region_min with Hà Nội declared part of NMM: H1's central money now counts toward
    the 40% floor, which no longer binds — the optimum is the unconstrained 275 (H1 250,
    L1 100) and the allocation's region column says NMM for Hà Nội."""
    projects = [cases.project("H1", "Hà Nội", "machinery", 600, 90),
                cases.project("S1", "Sơn La", "machinery", 600, 60),
                cases.project("L1", "Sơn La", "pollution_treatment", 1000, 50)]
    targets = [{"name": "nmm_floor", "kind": "region_min", "region": "NMM", "fund": "central",
                "share": 0.4}]
    plain = solve_case(make_case(projects, cases.scenario(250, {"Sơn La": 100},
                                                          targets=targets)))
    moved = solve_case(make_case(projects, cases.scenario(250, {"Sơn La": 100}, targets=targets,
                                                          regions={"Hà Nội": "NMM"})))
    assert plain.objective == pytest.approx(245)
    assert moved.objective == pytest.approx(275)
    table = moved.allocation().set_index("project_id")
    assert table.loc["H1", "region"] == "NMM" and table.loc["H1", "central"] == pytest.approx(250)
    assert plain.allocation().set_index("project_id").loc["H1", "region"] != "NMM"
    summary = kcopt.summary(moved, moved.allocation())
    regions = {r["region"]: r["central"] for r in summary.by_region}
    assert regions["NMM"] == pytest.approx(250)


# --- the demo generator ------------------------------------------------------------------------


def test_demo_generator_reproduces_the_committed_demo(tmp_path: Path) -> None:
    """scenarios/demo/generate.py's write_demo, run afresh, writes byte for byte the committed
    project lists and local budgets."""
    from kcopt.inputs.synth import write_demo

    write_demo(tmp_path, n=800, seed=2026)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["local-budgets.csv", "projects-2026-2030.csv", "projects-mip.csv",
                     "projects.csv"]
    _match, mismatch, errors = filecmp.cmpfiles(tmp_path, DEMO, names, shallow=False)
    assert not mismatch and not errors, (mismatch, errors)
    assert np.isfinite(pd.read_csv(tmp_path / "projects.csv").shape[0])
