"""Every kind of sentence the reasons and the committee report say, read back in Vietnamese (the
planners' language: numbers as 1.450,5) and checked against the plan's own figures: its
allocation, its scenario's budgets and its program (rows, activities, prices).

Reasons (allocation.csv):
- "được hỗ trợ đủ (KCQG a, KCĐP b)": a and b are what each fund pays;
- "mức hỗ trợ tối đa: trần N / X% chi phí …": the first cap stated is the one that binds the
  project's total (it equals the project's cap, and the project receives no more); a fund's own
  cap ("riêng kinh phí …") is not exceeded by that fund;
- "được hỗ trợ một phần (S% …)": S is the share of its cap it receives;
- every row a reason names ("kinh phí … (N triệu đồng) đã phân bổ hết", "chỉ tiêu 'L' đã chạm mức
  tối đa / vừa đủ mức tối thiểu / đã dùng hết"): the row binds, N is its amount, and funding the
  project would tighten it (its coefficient in the project's column, through the share targets'
  totals too, times its price is positive) — a row it would loosen is never given;
- "đem lại V điểm …, thấp hơn mức W": V < W.
Committee report (report.html):
- "Trong N đề án đề nghị, …": the counts and the money of each fund;
- "Ngân sách đã dùng hết (k / n)": n is every budget the scenario gives, k those spent in full;
- each money-left line: the budget, budget − allocated, and why (no project may draw on it; each
  it may pay is at its cap; or the projects that could use it and the rows that hold them back).
Run on the bundled demo (LP and MIP) and on small cases that reproduce each bug of issue #23.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import kcopt
from conftest import BACKEND_PARAMS
from kcopt.core.language import using
from sentences import (
    SHOWN,
    Plan,
    check_constraints,
    check_reasons,
    check_report,
    check_targets,
    money_left_rows,
    solve,
)

# ---- the plans --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    return solve(kcopt.demo_scenario_path(), tmp_path_factory.mktemp("demo") / "out")


@pytest.fixture(scope="module")
def demo_mip(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    return solve(kcopt.demo_scenario_path().with_name("demo-mip.yaml"),
                 tmp_path_factory.mktemp("mip") / "out")


def write_case(folder: Path, projects: list[dict[str, Any]], scenario: dict[str, Any]) -> Path:
    folder.mkdir(parents=True)
    pd.DataFrame(projects).to_csv(folder / "projects.csv", index=False)
    sc = {"name": folder.name, "projects": "projects.csv", **scenario}
    (folder / "s.yaml").write_text(yaml.safe_dump(sc, allow_unicode=True), encoding="utf-8")
    return folder / "s.yaml"


def shares_case(base: Path) -> Path:
    """Central-only projects in Hà Nội; a 50% minimum for green projects and a 10% maximum for
    training, money goes to the highest appraisal first. G (green, machinery, cap 300) is all the
    green there is, so the total is at most 600; training at most 60 of it: T (training, cap 70)
    gets 60, N1 the 240 left, N2 nothing, and 400 of the central 1,000 stays idle.
    N1 and N2 are neither green nor training: funding them tightens the green minimum and
    loosens the training maximum, which must never be their reason (issue #23: nine demo cluster
    projects 'not funded: the cap Trần đào tạo nghề is used up')."""
    def p(pid: str, category: str, cost: float, appraisal: float, green: int = 0) -> dict:
        return {"project_id": pid, "name": f"Đề án {pid}", "province": "Hà Nội",
                "category": category, "total_cost": cost, "level": "central",
                "appraisal": appraisal, "funds": "central", "green": green}
    path = write_case(base / "case", [
        p("G", "machinery", 600, 20, green=1), p("T", "training", 100, 90),
        p("N1", "machinery", 600, 80), p("N2", "machinery", 600, 70)], {
        "budgets": {"central": 1000}, "objective": "weighted_funds",
        "weights": {"appraisal": 1},
        "rate_overrides": [{"category": "training", "rate": 0.7, "cap": 300}],
        "targets": [{"name": "xanh", "kind": "share_min", "of": ["green"], "share": 0.5,
                     "label": "Tỷ trọng xanh"},
                    {"name": "dao_tao", "kind": "share_max", "category": ["training"],
                     "share": 0.1, "label": "Trần đào tạo nghề"}]})
    return path


@pytest.fixture(scope="module")
def shares(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    base = tmp_path_factory.mktemp("shares")
    return solve(shares_case(base), base / "out")


@pytest.fixture(scope="module")
def hai_phong(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """HP-01 (machinery in the former Hải Dương, cost 1,000, both funds): the national cap is 300
    (TT 28/2018 Art. 8 cl. 4), the Hải Dương resolution's local cap 250. With 50 of central and
    250 of Hải Phòng's money it receives 50 + 250 = 300: its reason must cite the 300 that binds
    its total, not the 250 (issue #23). Quảng Ninh has a local budget of 500 and no project."""
    base = tmp_path_factory.mktemp("haiphong")
    path = write_case(base / "case", [
        {"project_id": "HP-01", "name": "Máy móc thiết bị", "province": "Hải Phòng",
         "old_province": "Hải Dương", "category": "machinery", "total_cost": 1000,
         "level": "local", "appraisal": 90, "funds": "both"},
        {"project_id": "HP-02", "name": "Máy móc thiết bị 2", "province": "Hải Phòng",
         "old_province": "Hải Dương", "category": "machinery", "total_cost": 400,
         "level": "local", "appraisal": 50, "funds": "local"}], {
        "budgets": {"central": 50, "local": {"Hải Phòng": 250, "Quảng Ninh": 500}},
        "objective": "weighted_funds", "weights": {"appraisal": 1}, "plan_year": 2026})
    return solve(path, base / "out")


# ---- the tests --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["demo", "demo_mip", "shares", "hai_phong"])
def test_every_sentence_is_true_of_the_plan(name: str, request: pytest.FixtureRequest) -> None:
    plan: Plan = request.getfixturevalue(name)
    reasons = check_reasons(plan)
    report = check_report(plan)
    targets = check_targets(plan)
    check_constraints(plan)
    # the checks are not vacuous: each plan has sentences of the kinds it is here for
    assert reasons["funded"] > 0 and reasons["rows"] > 0, reasons
    if name.startswith("demo"):
        assert reasons["partial"] > 0 and reasons["compare"] > 0 and report["money_left"] > 0
        assert targets == 4


def test_a_target_the_project_would_loosen_is_not_its_reason(shares: Plan) -> None:
    reasons = shares.alloc.set_index("project_id")["reason"]
    for pid in ("N1", "N2"):
        assert "Trần đào tạo nghề" not in reasons[pid], reasons[pid]
        assert "chỉ tiêu 'Tỷ trọng xanh' vừa đủ mức tối thiểu" in reasons[pid], reasons[pid]
    # T is training and not green: both targets hold it back
    assert "chỉ tiêu 'Trần đào tạo nghề' đã chạm mức tối đa" in reasons["T"]
    assert "chỉ tiêu 'Tỷ trọng xanh' vừa đủ mức tối thiểu" in reasons["T"]


def test_the_demo_cluster_projects_are_not_held_by_the_training_cap(demo: Plan) -> None:
    clusters = demo.alloc[(demo.alloc["category"] == "ccn_infrastructure")
                          & demo.alloc["status"].isin(["partial", "unfunded"])]
    assert len(clusters) >= 5
    assert not clusters["reason"].str.contains("Trần đào tạo nghề").any(), clusters["reason"]
    named = demo.alloc["reason"].str.contains("Trần đào tạo nghề")
    assert named.any() and (demo.alloc.loc[named, "category"] == "training").all()


def test_the_central_fund_left_idle_is_explained(shares: Plan) -> None:
    rows = {n: (left, why) for n, _amount, left, why in money_left_rows(shares.page)}
    left, why = rows["budget:central"]
    assert left == pytest.approx(400, abs=SHOWN)
    assert "N2" in why and "Tỷ trọng xanh" in why


def test_hai_phong_cites_the_cap_of_its_total(hai_phong: Plan) -> None:
    row = hai_phong.alloc.set_index("project_id").loc["HP-01"]
    assert (row["central"], row["local"], row["total"]) == (50, 250, 300)
    reason = row["reason"]
    assert "mức hỗ trợ tối đa: trần 300 triệu đồng" in reason, reason
    assert "riêng kinh phí KCĐP — mức hỗ trợ tối đa: trần 250 triệu đồng" in reason


def test_a_budget_without_projects_is_a_row_and_a_line(hai_phong: Plan) -> None:
    cons = hai_phong.cons.set_index("name")
    assert cons.loc["budget:local:Quảng Ninh", ["rhs", "activity", "slack"]].tolist() == [
        500, 0, 500]
    assert not cons.loc["budget:local:Quảng Ninh", "binding"]
    rows = {n: (left, why) for n, _amount, left, why in money_left_rows(hai_phong.page)}
    assert rows["budget:local:Quảng Ninh"][0] == 500
    assert rows["budget:local:Quảng Ninh"][1].startswith("không có đề án nào tại Quảng Ninh")
    assert "Ngân sách đã dùng hết (2 / 3)" in hai_phong.page


def test_hung_yen_money_left_names_the_project_and_the_target(demo: Plan) -> None:
    rows = {n: (left, why) for n, _amount, left, why in money_left_rows(demo.page)}
    left, why = rows["budget:local:Hưng Yên"]
    assert left == pytest.approx(demo.budgets()["budget:local:Hưng Yên"]
                                 - demo.allocated("budget:local:Hưng Yên"), abs=SHOWN)
    assert "P-0486" in why and "Tỷ trọng sản xuất sạch hơn, tuần hoàn, số" in why, why


def test_an_older_output_says_it_cannot_tell_why(hai_phong: Plan, tmp_path: Path) -> None:
    """An output folder written before summary.json had money_left: the report lists the money
    left, says it cannot tell why, and claims nothing about the projects."""
    import json
    import shutil

    folder = tmp_path / "old"
    shutil.copytree(hai_phong.folder, folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    del summary["money_left"]
    (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False),
                                         encoding="utf-8")
    marker = json.loads((folder / ".kcopt-run.json").read_text(encoding="utf-8"))
    del marker["sha256"]  # kcopt kept no hashes then either
    (folder / ".kcopt-run.json").write_text(json.dumps(marker), encoding="utf-8")
    with using("vi"):
        kcopt.write_report(folder)
    page = (folder / "report.html").read_text(encoding="utf-8")
    rows = money_left_rows(page)
    assert {n for n, *_rest in rows} == {"budget:local:Quảng Ninh"}
    assert all(why == "" for *_rest, why in rows)
    assert "Kết quả này chưa ghi lý do còn dư của từng dự toán" in page


@pytest.mark.parametrize("solver", BACKEND_PARAMS)
def test_every_backend_gives_true_sentences(solver: str, tmp_path: Path) -> None:
    """CBC's prices are normalised to HiGHS's signs: the same rows hold the same projects back."""
    plan = solve(shares_case(tmp_path), tmp_path / "out", solver)
    assert check_reasons(plan)["rows"] > 0
    assert check_report(plan)["money_left"] == 1
    assert check_targets(plan) == 2
    reasons = plan.alloc.set_index("project_id")["reason"]
    assert "Trần đào tạo nghề" not in reasons["N2"] and "Tỷ trọng xanh" in reasons["N2"]


def test_the_effective_coefficients_are_the_hand_derived_ones(shares: Plan) -> None:
    """Rows `xanh`: Σ green·x − 0.5·T ≥ 0 and `dao_tao`: Σ training·x − 0.1·T ≤ 0 with
    T = Σ x: a unit of G moves xanh by 1 − 0.5, of N2 by −0.5; a unit of T moves dao_tao by
    1 − 0.1, of N2 by −0.1. The total row itself drops out."""
    from kcopt.analysis.holdback import effective_matrix

    lp = shares.lp
    eff = effective_matrix(lp).toarray()
    col = {pid: shares.columns(pid)[0] for pid in ("G", "T", "N2")}
    xanh, dao_tao = lp.row("xanh"), lp.row("dao_tao")
    assert eff[xanh, col["G"]] == pytest.approx(0.5)
    assert eff[xanh, col["N2"]] == pytest.approx(-0.5)
    assert eff[dao_tao, col["T"]] == pytest.approx(0.9)
    assert eff[dao_tao, col["N2"]] == pytest.approx(-0.1)
    assert not eff[lp.row("total:all")].any() and not eff[:, lp.col("total:all")].any()
    # the prices: the green minimum (≥) negative, the training maximum (≤) positive, so N2's
    # money is charged by the first and credited by the second
    assert shares.pi[xanh] < 0 < shares.pi[dao_tao]
