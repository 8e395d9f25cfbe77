"""Project lists in the official annex layout (tests/forms.py builds them the way Departments of
Industry and Trade publish them): read with no hand edit, solved, written back as annex.xlsx and
into a copy of the planner's form, both recalculated in LibreOffice."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import kcopt
from forms import (
    SCENARIO,
    check_projects,
    form_with_errors,
    messages,
    national_list,
    provincial_plan,
)
from kcopt.cli import app
from kcopt.core.errors import InputError
from kcopt.inputs.schema import read_projects
from kcopt.io.formlayout import match_section, province_in
from kcopt.outputs import run
from kcopt.rules.rates import load_rules


@pytest.mark.usefixtures("vietnamese")
def test_provincial_plan_read_from_its_sections_and_title(tmp_path: Path) -> None:
    path, expected = provincial_plan(tmp_path / "ke-hoach.xlsx")
    projects = read_projects(path)
    check_projects(projects.frame, expected)
    text = messages(projects.warnings)
    assert "đọc từ tiêu đề (UBND TỈNH ĐẮK LẮK)" in text
    assert "'Loại đề án' ghi loại đề án (đề án điểm / đề án nhóm)" in text
    assert "1 dòng địa bàn, 4 dòng cộng, 7 đề án" in text
    # "Vốn đối ứng" kept and consistent: no warning about total = support + counterpart
    assert "vốn đối ứng" not in text.lower().replace("'vốn đối ứng' (j9)", "")
    assert projects.frame["counterpart"].tolist() == [900, 1000, 60, 40, 0, 10, 960]
    # the district group row is a location, never a project
    assert "Huyện Krông Ana" not in projects.frame["name"].tolist()
    assert projects.frame["Địa bàn"].tolist()[2:4] == ["Huyện Krông Ana"] * 2
    assert "Loại đề án" in projects.extra_columns


@pytest.mark.usefixtures("vietnamese")
def test_national_list_in_dong_with_provinces_in_the_address(tmp_path: Path) -> None:
    path, expected = national_list(tmp_path / "danh-muc.xlsx")
    projects = read_projects(path)
    check_projects(projects.frame, expected)
    text = messages(projects.warnings)
    assert "đơn vị 'Đơn vị tính: đồng'" in text and "đổi ra triệu đồng" in text
    assert "đọc từ cột 'Địa điểm'" in text
    assert "mọi đề án là khuyến công quốc gia" in text
    # the stale "Cộng mục I" row is reported with both amounts, in the sheet's own unit
    assert ("ghi kinh phí hỗ trợ 1.100.000.000 nhưng 2 đề án bên dưới cộng lại 1.300.000.000"
            in text)


@pytest.mark.usefixtures("vietnamese")
def test_unknown_section_names_the_row_and_the_nearest_types(tmp_path: Path) -> None:
    path = form_with_errors(tmp_path / "bieu.xlsx")
    with pytest.raises(InputError) as info:
        read_projects(path)
    (problem,) = info.value.problems
    assert problem.row == 9 and "Hỗ trợ nuôi trồng thủy sản nước ngọt" in problem.message
    assert problem.fix.startswith("Gần nhất: ") and problem.fix.count("(") >= 3
    warned = messages(info.value.warnings)
    assert "cột 'Nguồn' giống tên cột 'funds'" in warned
    assert "cột 'Nội dung' giống tên cột 'category'" in warned


def test_headers_that_only_look_like_ours_are_read_by_content(tmp_path: Path) -> None:
    path = form_with_errors(tmp_path / "bieu.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["B9"] = "Tư vấn"  # section II now a content type kcopt knows
    wb.save(path)
    projects = read_projects(path)
    assert projects.frame["category"].tolist() == ["training", "consulting"]
    assert projects.frame["province"].tolist() == ["Nghệ An", "Nghệ An"]
    assert projects.frame["level"].tolist() == ["local", "local"]
    assert {"Nguồn", "Nội dung"} <= set(projects.extra_columns)


def test_every_content_type_name_maps_back_to_itself() -> None:
    for code, rule in load_rules().rules.items():
        assert match_section(rule.name_vi) == code
        assert match_section(f"{'IV'}. {rule.name_vi}") == code


@pytest.mark.parametrize(("text", "province"), [
    ("xã Lạc Xuân, huyện Đơn Dương, tỉnh Lâm Đồng", "Lâm Đồng"),
    ("Phường 1, TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("huyện Ia Grai, Gia Lai", "Gia Lai"),
    ("xã Hòa Bình, huyện Krông Pắc", None),  # a commune named like an old province
    ("Bình Dương", "Thành phố Hồ Chí Minh"),
])
def test_province_in_an_address(text: str, province: str | None) -> None:
    assert province_in(text) == province


@pytest.mark.usefixtures("vietnamese")
def test_province_from_the_scenario_when_the_form_names_none(tmp_path: Path) -> None:
    path = form_with_errors(tmp_path / "bieu.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["A1"] = "SỞ CÔNG THƯƠNG"
    ws["B9"] = "Tư vấn"
    wb.save(path)
    with pytest.raises(InputError, match="không biết đề án thuộc tỉnh nào"):
        read_projects(path)
    projects = read_projects(path, province="Hà Tĩnh")
    assert set(projects.frame["province"]) == {"Hà Tĩnh"}
    assert "khóa 'province:' của kịch bản" in messages(projects.warnings)


def _solve(tmp_path: Path, builder, central: float, local: float, extra: str = "",
           into: bool = False) -> tuple[kcopt.Run, Path, list]:
    form, expected = builder(tmp_path / "form.xlsx")
    sc = tmp_path / "kich-ban.yaml"
    sc.write_text(SCENARIO.format(name="Thử", file=form.name, central=central, local=local)
                  + extra, encoding="utf-8")
    r = run(sc, out=tmp_path / "out", plots=False)
    return r, form, expected


def test_group_project_cap_is_ceiling_times_establishments(tmp_path: Path) -> None:
    r, _form, _exp = _solve(tmp_path, provincial_plan, 5000, 5000)
    alloc = r.allocation.set_index("project_id")
    # machinery: 300 million per establishment; 3 establishments → 900, below 50% of 2,000
    assert alloc.loc["A.I.2", "cap"] == pytest.approx(900)
    assert alloc.loc["A.I.2", "total"] == pytest.approx(900)
    assert "300 million × 3 establishments (group project)" in alloc.loc["A.I.2", "reason"]
    assert alloc.loc["A.I.1", "cap"] == pytest.approx(300)


def test_a_list_without_scores_is_said_loudly_and_ranked_by_priorities(tmp_path: Path) -> None:
    r, _f, _e = _solve(tmp_path, provincial_plan, 800, 330)
    text = messages(r.warnings)
    assert "NO RANKING CRITERIA IN THE LIST" in text  # an English session (conftest)
    # the LP's slivers are said, with the remedy
    assert "are given less than 25% of their cap (B.IV.1: 30 / 300)" in text
    assert "min_fraction: 0.5" in text
    assert r.result.objective > 0
    (tmp_path / "p").mkdir()
    prio = "priorities: {pollution_treatment: 1.0, training: 0.2, information: 0.1}\n"
    r2, _f, _e = _solve(tmp_path / "p", provincial_plan, 800, 400, prio)
    assert "ranked by the scenario's `priorities:` alone" in messages(r2.warnings)
    local = r2.allocation.set_index("project_id")["total"]
    # the local budget (400) goes to the priority content first: pollution treatment in full
    assert local["B.IV.1"] == pytest.approx(300)
    assert local["B.I.1.1"] + local["B.I.1.2"] + local["B.III.1"] + local["B.II.1"] == \
        pytest.approx(100)
    # a bonus for group projects: the central budget goes to the group project first
    (tmp_path / "g").mkdir()
    r3, _f, _e = _solve(tmp_path / "g", provincial_plan, 800, 400,
                        "priorities: {machinery: 0.2, group_project: 1.0}\n")
    central = r3.allocation.set_index("project_id")["central"]
    assert central["A.I.2"] == pytest.approx(800) and central["A.I.1"] == pytest.approx(0)


def test_units_scale_the_scenario_budgets_too(tmp_path: Path) -> None:
    form, _ = national_list(tmp_path / "form.xlsx")
    sc = tmp_path / "kcqg.yaml"
    sc.write_text(f"name: KCQG\nprojects: {form.name}\nunits: vnd\n"
                  "budgets: {central: 1500000000}\n", encoding="utf-8")
    scenario = kcopt.load_scenario(sc)
    assert scenario.central_budget == pytest.approx(1500)
    assert "các ngân sách của kịch bản được đổi ra triệu đồng" in messages(scenario.warnings)
    r = run(scenario, out=None)
    assert r.summary.totals.central == pytest.approx(1500)
    assert r.summary.budgets.central == pytest.approx(1500)


def test_annex_reads_back_as_the_same_plan(tmp_path: Path) -> None:
    r, _form, _exp = _solve(tmp_path, provincial_plan, 800, 400)
    annex = tmp_path / "out" / "annex.xlsx"
    assert annex in r.files
    back = read_projects(annex).frame.set_index("project_id")
    alloc = r.allocation.set_index("project_id")
    proposed = alloc[alloc["total"] > 0]
    assert sorted(back.index) == sorted(proposed.index)
    for pid, rec in proposed.iterrows():
        assert back.loc[pid, "category"] == rec["category"]
        assert back.loc[pid, "level"] == rec["level"]
        assert back.loc[pid, "province"] == rec["province"]
        assert float(back.loc[pid, "Kinh phí hỗ trợ"]) == pytest.approx(rec["total"])
    inputs = r.model.projects.set_index("project_id")
    for pid in proposed.index:
        assert back.loc[pid, "requested"] == pytest.approx(inputs.loc[pid, "requested"])
        assert back.loc[pid, "total_cost"] == pytest.approx(inputs.loc[pid, "total_cost"])
        assert back.loc[pid, "funds"] == inputs.loc[pid, "funds"]
        assert back.loc[pid, "establishments"] == inputs.loc[pid, "establishments"]


def test_annex_layout(tmp_path: Path) -> None:
    _solve(tmp_path, provincial_plan, 800, 400)
    wb = openpyxl.load_workbook(tmp_path / "out" / "annex.xlsx")
    ws = wb["Phụ lục"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    for needed in ("UBND TỈNH ĐẮK LẮK", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "ĐVT: triệu đồng", "NGƯỜI LẬP BIỂU",
                   "THỦ TRƯỞNG ĐƠN VỊ", "KINH PHÍ KHUYẾN CÔNG QUỐC GIA",
                   "KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG", "TỔNG CỘNG (A+B)"):
        assert needed in texts, needed
    assert any(t.startswith("(Kèm theo Quyết định số") for t in texts)
    assert ws["A12"].value == "A" and ws["A13"].value == "I"
    assert str(ws["G12"].value).startswith("=SUBTOTAL(9,")
    assert ws["A9"].font.name == "Times New Roman"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$9:$11"
    assert {str(m) for m in ws.merged_cells.ranges} >= {"G9:I9", "A9:A10"}


def test_into_a_form_keeps_it_and_fills_the_proposal(tmp_path: Path) -> None:
    form, _ = provincial_plan(tmp_path / "form.xlsx")
    before = hashlib.sha256(form.read_bytes()).hexdigest()
    sc = tmp_path / "kb.yaml"
    sc.write_text(SCENARIO.format(name="Thử", file=form.name, central=800, local=400),
                  encoding="utf-8")
    result = CliRunner().invoke(app, ["solve", str(sc), "-o", str(tmp_path / "out"),
                                      "--no-plots", "--into", str(form)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(form.read_bytes()).hexdigest() == before
    copy = openpyxl.load_workbook(tmp_path / "out" / "form-kcopt.xlsx")
    original = openpyxl.load_workbook(form)
    ws, ow = copy["Phụ lục"], original["Phụ lục"]
    assert {str(m) for m in ow.merged_cells.ranges} <= {str(m) for m in ws.merged_cells.ranges}
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$8:$10"
    assert ws.freeze_panes == ow.freeze_panes
    assert copy["Thuyết minh"]["B1"].value == original["Thuyết minh"]["B1"].value
    assert ws["M8"].value == "Đề xuất hỗ trợ (triệu đồng)"
    assert ws["M13"].value == pytest.approx(300)  # A.I.1, funded in full
    assert ws["M11"].value == "=SUBTOTAL(9,M13:M14)"  # section A: its two projects
    assert ws["M29"].value == "=SUBTOTAL(9,M13:M27)"  # TỔNG CỘNG (A+B): every project


# --- LibreOffice: the annex and the filled form recalculated --------------------------------


def test_annex_and_into_copy_recalculate_in_libreoffice(libreoffice, tmp_path: Path) -> None:
    from spreadsheet import error_cells

    form, _ = national_list(tmp_path / "form.xlsx")
    sc = tmp_path / "kb.yaml"
    sc.write_text(f"name: KCQG\nprojects: {form.name}\nunits: vnd\n"
                  "budgets: {central: 1500000000}\n", encoding="utf-8")
    r = run(sc, out=tmp_path / "out", plots=False)
    from kcopt.present.workbook.xlsx import into_target, write_into

    copy_path, _book, _notes = write_into(r, form, into_target(form, tmp_path / "out"))
    (tmp_path / "p").mkdir()
    rp, pform, _e = _solve(tmp_path / "p", provincial_plan, 800, 400)
    pcopy_path, pbook, _notes = write_into(rp, pform, into_target(pform, tmp_path / "p"))
    pcopy_path = pcopy_path.rename(tmp_path / "p" / "tinh-kcopt.xlsx")
    annex, copy, pcopy = libreoffice.recalc(
        [tmp_path / "out" / "annex.xlsx", copy_path, pcopy_path], tmp_path / "lo")
    wb = openpyxl.load_workbook(annex, data_only=True)
    assert not error_cells(wb)
    ws = wb["Phụ lục"]
    alloc = r.allocation.set_index("project_id")
    cost = r.model.projects.set_index("project_id")["total_cost"]
    rows = {str(ws.cell(i, 1).value): i for i in range(12, ws.max_row + 1)}
    total_row = next(i for i in range(12, ws.max_row + 1)
                     if str(ws.cell(i, 3).value).startswith("TỔNG CỘNG"))
    assert ws.cell(total_row, 8).value == pytest.approx(alloc["total"].sum())
    assert ws.cell(rows["A"], 8).value == pytest.approx(alloc["central"].sum())
    funded = alloc[alloc["total"] > 0]
    assert ws.cell(total_row, 7).value == pytest.approx(cost[funded.index].sum())
    assert ws.cell(total_row, 9).value == pytest.approx(
        cost[funded.index].sum() - funded["total"].sum())
    machinery = funded[funded["category"] == "machinery"]["total"].sum()
    # content sections in the order of the rule set: demo model (I) before machinery (II)
    assert ws.cell(rows["I"], 3).value == "Mô hình trình diễn kỹ thuật"
    assert ws.cell(rows["II"], 8).value == pytest.approx(machinery)
    demo = funded[funded["category"] == "demo_model"]["total"].sum()
    assert ws.cell(rows["I"], 8).value == pytest.approx(demo)

    filled = openpyxl.load_workbook(copy, data_only=True)
    assert not error_cells(filled)
    fs = filled["Danh mục"]
    # national list in đồng: the proposal column is in đồng too
    assert fs["M11"].value == pytest.approx(machinery * 1e6)  # section I
    assert fs["M14"].value == pytest.approx(machinery * 1e6)  # "Cộng mục I"
    assert fs["M15"].value == pytest.approx(demo * 1e6)  # "II. …" merged across the row
    assert fs["M18"].value == pytest.approx(alloc["total"].sum() * 1e6)  # TỔNG CỘNG
    assert fs["M12"].value == pytest.approx(alloc.loc["I.1", "total"] * 1e6)

    # the provincial plan: A/B funds, sections with their own totals, a district row and
    # "Cộng …" rows, each a live SUBTOTAL equal to kcopt's totals
    prov = openpyxl.load_workbook(pcopy, data_only=True)
    assert not error_cells(prov)
    ps = prov["Phụ lục"]
    pa = rp.allocation.set_index("project_id")["total"]
    want = {11: pa[["A.I.1", "A.I.2"]].sum(),  # A
            12: pa[["A.I.1", "A.I.2"]].sum(),  # A.I
            15: pa[["A.I.1", "A.I.2"]].sum(),  # Cộng A
            16: pa[[p for p in pa.index if p.startswith("B.")]].sum(),  # B
            17: pa[["B.I.1.1", "B.I.1.2"]].sum(),  # B.I
            18: pa[["B.I.1.1", "B.I.1.2"]].sum(),  # district Huyện Krông Ana
            21: pa[["B.I.1.1", "B.I.1.2"]].sum(),  # Cộng mục I
            28: pa[[p for p in pa.index if p.startswith("B.")]].sum(),  # Cộng B
            29: pa.sum()}  # TỔNG CỘNG (A+B)
    for row, value in want.items():
        assert ps[f"M{row}"].value == pytest.approx(value), row
    # and every formula kcopt wrote has the value kcopt expected
    from spreadsheet import mismatches

    assert not mismatches(pbook.expected, prov)


# --- amounts as decisions write them ----------------------------------------------------------


def test_round_to_fixed_amount_and_min_fraction(tmp_path: Path) -> None:
    extra = ("round_to: 5\nmin_fraction: 0.5\nfixed_amount: {B.I.1.1: 100}\n"
             "priorities: {pollution_treatment: 1.0, training: 0.5, information: 0.3, "
             "capacity_building: 0.3, machinery: 0.8}\n")
    r, _f, _e = _solve(tmp_path, provincial_plan, 800, 403, extra)
    alloc = r.allocation.set_index("project_id")
    assert r.model.mip
    for fund in ("central", "local", "total"):  # exact multiples of 5, not rounded afterwards
        assert all(abs(v / 5 - round(v / 5)) < 1e-6 for v in alloc[fund]), fund
    assert alloc["central"].sum() <= 800 + 1e-6 and alloc["local"].sum() <= 403 + 1e-6
    assert alloc.loc["B.I.1.1", "total"] == pytest.approx(100)
    assert alloc.loc["B.I.1.1", "reason"].startswith("fixed at 100 million by the planner")
    funded = alloc[alloc["total"] > 0]
    assert (funded["total"] >= 0.5 * funded["cap"] - 1e-6).all()  # no slivers
    (tmp_path / "b").mkdir()
    with pytest.raises(InputError, match="above the maximum support"):
        _solve(tmp_path / "b", provincial_plan, 800, 400, "fixed_amount: {A.I.1: 450}\n")


# --- a scenario to start from -----------------------------------------------------------------


def test_init_writes_a_scenario_solve_accepts(tmp_path: Path) -> None:
    form, _ = provincial_plan(tmp_path / "ke-hoach.xlsx")
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(form)])
    assert result.exit_code == 0, result.output
    scenario = tmp_path / "ke-hoach-kich-ban.yaml"
    text = scenario.read_text(encoding="utf-8")
    assert '"Đắk Lắk": 640' in text and "central: 1300" in text
    assert "priorities:" in text and "# Đào tạo nghề, truyền nghề" in text
    again = runner.invoke(app, ["init", str(form)])
    assert again.exit_code == 1 and "already exists" in again.output
    solved = runner.invoke(app, ["solve", str(scenario), "-o", str(tmp_path / "out"),
                                 "--no-plots"])
    assert solved.exit_code == 0, solved.output
    assert (tmp_path / "out" / "annex.xlsx").exists()


def test_init_with_criteria_lists_their_weights(tmp_path: Path) -> None:
    from kcopt import demo_scenario_path

    projects = demo_scenario_path().parent / "projects.csv"
    out = tmp_path / "kb.yaml"
    result = CliRunner().invoke(app, ["init", str(projects), "-o", str(out)])
    assert result.exit_code == 0, result.output
    scenario = kcopt.load_scenario(out)
    assert set(scenario.weights) >= {"appraisal", "green", "digital"}
    assert not scenario.priorities and len(scenario.local_budgets) == 34


def test_fund_written_as_annexes_write_it_and_dong_never_read_as_million(tmp_path: Path
                                                                         ) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "UBND TỈNH NGHỆ AN"
    for c, h in enumerate(["STT", "Tên đề án", "Loại đề án", "Tổng kinh phí",
                           "Kinh phí đề nghị hỗ trợ"], 1):
        ws.cell(3, c, h)
    rows = [["I", "Đào tạo nghề, truyền nghề"],
            [1, "Dạy nghề mây tre", "Khuyến công quốc gia", "100.000.000", "60.000.000"],
            [2, "Dạy nghề dệt", "Ngân sách tỉnh", "200.000.000", "80.000.000"]]
    for i, values in enumerate(rows, 4):
        for c, v in enumerate(values, 1):
            ws.cell(i, c, v)
    path = tmp_path / "bieu.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match="số tiền trông như tính bằng đồng") as info:
        read_projects(path)
    assert "ĐVT: đồng" in info.value.problems[0].fix
    projects = read_projects(path, money_scale=1e-6)
    assert projects.frame["level"].tolist() == ["central", "local"]
    assert projects.frame["total_cost"].tolist() == [100, 200]
    ws["D2"] = "ĐVT: đồng"
    wb.save(path)
    assert read_projects(path).frame["requested"].tolist() == [60, 80]


def test_demo_annex_round_trip(tmp_path: Path) -> None:
    """The bundled demo (34 provinces, both funds, CCN projects with their investment)."""
    from kcopt import demo_scenario_path

    r = run(demo_scenario_path(), out=tmp_path, plots=False)
    back = read_projects(tmp_path / "annex.xlsx").frame.set_index("project_id")
    alloc = r.allocation.set_index("project_id")
    proposed = alloc[alloc["total"] > 0]
    assert sorted(back.index) == sorted(proposed.index)
    joined = proposed.join(back.add_suffix("_annex"))
    for key in ("category", "level", "province"):
        assert (joined[key] == joined[f"{key}_annex"]).all(), key
    assert joined["Kinh phí hỗ trợ_annex"].astype(float).to_numpy() == pytest.approx(
        joined["total"].to_numpy())
    inputs = r.model.projects.set_index("project_id").loc[proposed.index]
    assert joined["requested_annex"].to_numpy() == pytest.approx(inputs["requested"].to_numpy())
    assert back.loc[proposed.index, "total_cost"].to_numpy() == pytest.approx(
        inputs["total_cost"].to_numpy())
    ccn = inputs["category"] == "ccn_infrastructure"
    assert ccn.any()
    assert back.loc[ccn[ccn].index, "infra_investment"].to_numpy() == pytest.approx(
        inputs.loc[ccn, "infra_investment"].to_numpy())


def test_weights_that_zero_every_score_are_said(make_case) -> None:
    from conftest import solve_case

    sc = make_case([{"project_id": "P1", "name": "a", "province": "Sơn La",
                     "category": "machinery", "total_cost": 100, "requested": 50,
                     "level": "central",
                     "appraisal": 0, "green": 1},
                    {"project_id": "P2", "name": "b", "province": "Sơn La",
                     "category": "machinery", "total_cost": 100, "requested": 50,
                     "level": "central",
                     "appraisal": 0}],
                   {"budgets": {"central": 60}, "weights": {"appraisal": 1.0}})
    result = solve_case(sc)
    assert result.objective > 0
    assert any("has weight 0 in the scenario" in str(w) for w in result.model.warnings)


def test_validate_command_on_forms(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["validate", str(form_with_errors(tmp_path / "bieu.xlsx"))])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert "row 9: section II 'Hỗ trợ nuôi trồng thủy sản nước ngọt'" in bad.output
    form, _ = provincial_plan(tmp_path / "ke-hoach.xlsx")
    ok = runner.invoke(app, ["validate", str(form)])
    assert ok.exit_code == 0 and "ok: 7 projects" in ok.output


def test_the_form_reader_keeps_its_names_after_the_split() -> None:
    """io/form.py was split by concern into io/form*.py (issue 22): every public name it had
    is still importable from it, and is the very object of its new home."""
    import importlib

    form = importlib.import_module("kcopt.io.form")
    layout = importlib.import_module("kcopt.io.formlayout")
    before = {"AMBIGUOUS", "CENTRAL_WORDS", "GROUP_KINDS", "LOCAL_WORDS", "LOCATION_HEADERS",
              "PROVINCE_UNKNOWN", "SHARE_HEADERS", "STT_HEADERS", "UNIT_NAMES", "UNIT_SCALES",
              "FormLayout", "Section", "adapt", "fund_of", "group_count", "header_unit",
              "match_section", "nearest_sections", "province_in", "section_synonyms",
              "unit_scale"}
    assert before <= set(form.__all__)
    for name in before - {"adapt"}:
        assert getattr(form, name) is getattr(layout, name), name
    assert form.adapt.__module__ == "kcopt.io.form"
