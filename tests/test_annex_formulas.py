"""The annex's totals computed from its own formulas with openpyxl alone (tests/annexformula.py,
checked once against LibreOffice on the demo annex): every section's, fund part's and the grand
total's SUBTOTAL equals the plan to the đồng, and the form is laid out as the official annex is
(agency and motto, title, A/B parts, Roman-numeral content sections in the rules' order,
projects numbered within each, the signature block, A4 landscape). Quick enough to run against
every mutant of the annex writer (benchmarks/mutation.py --set documents)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

import kcopt
from annexformula import FormulaError, Sheet, evaluate
from kcopt.outputs import run
from kcopt.present.workbook.annex import annex_book
from test_annex import HP_PROJECTS, HP_SCENARIO, assert_agrees, read_annex

DONG = 1e-6
WHOLE, DECIMAL = "[$-42A]#,##0", "[$-42A]#,##0.0#####"
# four projects of two provinces, all from KCQG: no part B, a counterpart of (7) - (8), the
# two optional columns of an industrial cluster, amounts to the hundredth
WEST = """project_id,name,province,category,level,funds,total_cost,requested,appraisal,\
establishments,infra_investment,other_state_support,year
SL-01,Hạ tầng kỹ thuật cụm công nghiệp Mai Sơn giai đoạn hai gồm đường nội bộ và hệ thống \
thoát nước,Sơn La,ccn_infrastructure,central,central,5000,2000,90,1,8000,600,2026
SL-02,Máy chế biến chè,Sơn La,machinery,central,central,700.25,300.5,80,1,,,2026
DB-01,Đào tạo nghề dệt thổ cẩm,Điện Biên,training,central,central,120.5,80.25,70,1,,,2026
DB-02,Hội chợ,Điện Biên,fair_domestic,central,central,90,50,10,1,,,2026
"""
WEST_SCENARIO = {"name": "Tây Bắc", "projects": "projects.csv", "plan_year": 2026,
                 "budgets": {"central": 1500, "local": {"Sơn La": 0}}}


def _solve(tmp: Path, projects: str, scenario: dict[str, Any]) -> Any:
    (tmp / "projects.csv").write_text(projects, encoding="utf-8")
    (tmp / "s.yaml").write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    return run(tmp / "s.yaml", out=None, plots=False)


def _plan(tmp: Path, projects: str, scenario: dict[str, Any]) -> tuple[Any, Path, Any]:
    r = _solve(tmp, projects, scenario)
    return r, tmp / "annex.xlsx", annex_book(r, tmp / "annex.xlsx")


# The plans are solved once a module; each test writes its own annex (a tenth of a second), so
# that mutmut, which counts a fixture's work for the first test using it only, runs every test
# that reads the annex against every mutant of its writer.
@pytest.fixture(scope="module")
def _hp_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _solve(tmp_path_factory.mktemp("hp"), HP_PROJECTS, HP_SCENARIO)


@pytest.fixture(scope="module")
def _west_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _solve(tmp_path_factory.mktemp("west"), WEST, WEST_SCENARIO)


@pytest.fixture
def haiphong(_hp_run: Any, tmp_path: Path) -> tuple[Any, Path, Any]:
    return _hp_run, tmp_path / "hp.xlsx", annex_book(_hp_run, tmp_path / "hp.xlsx")


@pytest.fixture
def west(_west_run: Any, tmp_path: Path) -> tuple[Any, Path, Any]:
    return _west_run, tmp_path / "west.xlsx", annex_book(_west_run, tmp_path / "west.xlsx")


def computed(path: Path, to: Path) -> Path:
    """A copy of the annex whose formula cells hold the values the evaluator computes (what
    a spreadsheet shows), for `test_annex.read_annex`."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Phụ lục"]
    for ref, value in evaluate(ws).items():
        ws[ref].value = value
    wb.save(to)
    return to


def values(path: Path) -> dict[str, Any]:
    """Every cell of the annex sheet: its number or text, a formula cell its computed value."""
    ws = openpyxl.load_workbook(path)["Phụ lục"]
    out = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    return {**out, **evaluate(ws)}


def cached(path: Path) -> dict[str, Any]:
    """The values the writer cached in its formula cells (what a viewer that does not
    recalculate shows)."""
    ws = openpyxl.load_workbook(path, data_only=True)["Phụ lục"]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row}


def amounts(v: dict[str, Any], row: int) -> tuple[Any, Any, Any]:
    return tuple(v.get(f"{col}{row}") for col in "GHI")  # type: ignore[return-value]


# -- the evaluator ---------------------------------------------------------------------------

def _sheet(cells: dict[str, Any]) -> Any:
    ws = openpyxl.Workbook().active
    for ref, value in cells.items():
        ws[ref] = value
    return ws


def test_subtotal_leaves_out_the_subtotals_inside_its_range() -> None:
    """A fund part's SUBTOTAL over its section's row and lines counts each line once; SUM
    counts the section's subtotal too; an empty cell is 0 and text is skipped in a sum."""
    ws = _sheet({"G1": "=SUBTOTAL(9,G2:G5)", "G2": "=SUBTOTAL(9,G3:G5)", "G3": 10.5,
                 "G4": "text", "G5": 4, "H1": "=SUM(G2:G5)", "H2": "=G3-G5-G6",
                 "H3": "=SUM(G3,G5)+G5-H2", "H4": "=SUBTOTAL(9,G3,G5:G5)"})
    assert evaluate(ws) == {"G1": 14.5, "G2": 14.5, "H1": 29.0, "H2": 6.5, "H3": 12.0,
                            "H4": 14.5}


@pytest.mark.parametrize("formula", [
    "=SUBTOTAL(109,G2:G3)", "=SUBTOTAL(1,G2:G3)", "=AVERAGE(G2:G3)", "=G2*2", "=G2+1",
    "=$G$2", "=Sheet2!G2", "=SUM(G3:G2)", "=SUM(G2:G3", "=SUM()", "=SUM(G2;G3)", "=G2+",
    "=-G2", "=G2 G3", "=G4", "=G1", "=SUM(G1:G2)", "=sum(G2:G3)", "=G2:G3",
    "=G5"])
def test_anything_outside_the_annexs_subset_is_an_error(formula: str) -> None:
    """Another function or SUBTOTAL code, a number in a sum, an absolute or other-sheet
    reference, a reversed range, text or a truth value in +/-, a circular reference, a range
    outside a function: an error, never a number."""
    ws = _sheet({"G1": formula, "G2": 1, "G3": 2, "G4": "text", "G5": True})
    with pytest.raises(FormulaError):
        evaluate(ws)


def test_a_value_is_a_number_text_or_empty() -> None:
    sheet = Sheet(_sheet({"A1": 3, "A2": "x", "A3": "=A1-A4"}))
    assert (sheet.value("A1"), sheet.value("A2"), sheet.value("A4"), sheet.value("A3")) == (
        3.0, "x", None, 3.0)


def test_the_evaluator_agrees_with_libreoffice_on_the_demo_annex(libreoffice,
                                                                  tmp_path: Path) -> None:
    """Every formula cell of the demo annex (800 projects, 20 paid from both funds): the
    evaluator's value is LibreOffice's, to the đồng."""
    r = run(kcopt.demo_scenario_path(), out=None, plots=False)
    annex_book(r, tmp_path / "annex.xlsx")
    (path,) = libreoffice.recalc([tmp_path / "annex.xlsx"], tmp_path / "lo")
    mine = evaluate(openpyxl.load_workbook(tmp_path / "annex.xlsx")["Phụ lục"])
    office = openpyxl.load_workbook(path, data_only=True)["Phụ lục"]
    assert len(mine) > 800  # 719 lines' counterparts and the subtotals
    bad = {ref: (v, office[ref].value) for ref, v in mine.items()
           if not math.isclose(v, office[ref].value, abs_tol=DONG)}
    assert not bad, list(bad.items())[:5]


# -- the annex's totals ----------------------------------------------------------------------

def test_small_plans_totals_computed_from_the_formulas_equal_the_plan(haiphong,
                                                                      tmp_path: Path) -> None:
    """Hải Phòng (HP-01 paid 50 KCQG + 250 KCĐP, cost 800): A = 1.300 cost, 250 support, 800
    counterpart (800 − 50 − 250 + 500 − 200); B = 1.180, 560, 870; the total 2.480, 810,
    1.670; each content section its own; every line and province as the plan."""
    r, path, check = haiphong
    v = values(path)
    rows = {key: row + 1 for key, row in check.section_rows.items()}
    assert rows == {"A": 12, "A.I": 13, "B": 16, "B.I": 17, "B.II": 19, "B.III": 21,
                    "B.IV": 23, "B.V": 25, "total": 27}
    want = {"A": (1300, 250, 800), "A.I": (1300, 250, 800), "B": (1180, 560, 870),
            "B.I": (150, 100, 50), "B.II": (30, 10, 20), "B.III": (900, 140, 760),
            "B.IV": (0, 250, 0), "B.V": (100, 60, 40), "total": (2480, 810, 1670)}
    assert {k: amounts(v, rows[k]) for k in want} == want
    assert amounts(v, 14) == (800, 50, 500) and amounts(v, 24) == (None, 250, None)
    assert_agrees(read_annex(computed(path, tmp_path / "computed.xlsx")), r)


def test_cached_values_are_the_computed_ones(haiphong, west) -> None:
    """A viewer that does not recalculate shows the same totals: every formula's cached value
    equals its computed one, and kcopt's own record of them (AnnexCheck) too."""
    for _r, path, check in (haiphong, west):
        v, shown = values(path), cached(path)
        ws = openpyxl.load_workbook(path)["Phụ lục"]
        formulas = evaluate(ws)
        assert formulas and {k: shown[k] for k in formulas} == pytest.approx(formulas,
                                                                              abs=DONG)
        expected = {f"{'GHI'[c - 6]}{row + 1}": x for (row, c), x in check.expected.items()}
        assert {k: v[k] for k in expected} == pytest.approx(expected, abs=DONG)
        assert set(expected) == {k for k in formulas if "SUBTOTAL" in str(ws[k].value)}


def test_a_plan_from_one_fund_has_one_part_and_a_plain_counterpart(west,
                                                                  tmp_path: Path) -> None:
    """Tây Bắc, all KCQG: part A only, sections in the rules' order (training, machinery,
    fairs, cluster infrastructure), "TỔNG CỘNG" without "(A+B)", the counterpart column
    numbered (9)=(7)-(8); 120,5 + 700,25 + 90 + 5.000 = 5.910,75 cost, 1.330,25 support."""
    r, path, _check = west
    v = values(path)
    body = [(v.get(f"A{i}"), v.get(f"B{i}"), v.get(f"C{i}")) for i in range(12, 22)]
    assert body == [
        ("A", None, "KINH PHÍ KHUYẾN CÔNG QUỐC GIA"),
        ("I", None, "Đào tạo nghề, truyền nghề"), (1, "DB-01", "Đào tạo nghề dệt thổ cẩm"),
        ("II", None, "Ứng dụng máy móc thiết bị tiên tiến"), (1, "SL-02", "Máy chế biến chè"),
        ("III", None, "Hội chợ triển lãm trong nước"), (1, "DB-02", "Hội chợ"),
        ("IV", None, "Đầu tư hạ tầng kỹ thuật cụm công nghiệp"),
        (1, "SL-01", r.allocation.loc[0, "name"]), (None, None, "TỔNG CỘNG")]
    assert amounts(v, 12) == amounts(v, 21) == pytest.approx((5910.75, 1330.25, 4580.5))
    assert amounts(v, 13) == pytest.approx((120.5, 80.25, 40.25))
    assert amounts(v, 16) == pytest.approx((700.25, 300, 400.25))
    assert v["I11"] == "(9)=(7)-(8)" and v["G11"] == "(7)" and v["L11"] == "(12)"
    assert (v["J9"], v["K9"], v["L9"]) == ("Tổng mức đầu tư (triệu đồng)",
                                           "Hỗ trợ từ chương trình khác (triệu đồng)", "Ghi chú")
    assert (v["J20"], v["K20"], v.get("J16"), v.get("K16")) == (8000, 600, None, None)
    assert_agrees_one_fund(read_annex(computed(path, tmp_path / "c.xlsx")), r)


def assert_agrees_one_fund(annex: Any, r: Any) -> None:
    alloc = r.allocation[r.allocation["total"] > 1e-9]
    assert set(annex.funds) == {"A"}
    assert annex.funds["A"] == pytest.approx(annex.total)
    assert annex.total["support"] == pytest.approx(alloc["central"].sum(), abs=DONG)
    lines = annex.lines.set_index("project_id")
    assert lines["support"].to_dict() == pytest.approx(
        alloc.set_index("project_id")["central"].to_dict(), abs=DONG)


# -- the form --------------------------------------------------------------------------------

def _widths(ws: Any) -> dict[int, float]:
    return {c: d.width for d in ws.column_dimensions.values()
            for c in range(d.min, d.max + 1)}


def test_the_annex_is_laid_out_as_the_official_form(haiphong) -> None:
    """Hải Phòng's annex, as the official form: its province's agency beside the national
    motto, the title, the plan's name, the decision line and the unit, two header rows under
    merged parents and a numbered row, part A then B, each content section numbered I, II, …
    in the rules' order and its projects 1, 2, …, the grand total (A+B), the signatures."""
    _r, path, _check = haiphong
    ws = openpyxl.load_workbook(path)["Phụ lục"]
    v = values(path)
    head = {k: v.get(k) for k in ("A1", "E1", "A2", "E2", "A4", "A5", "A6", "I7")}
    assert head == {
        "A1": "UBND THÀNH PHỐ HẢI PHÒNG", "E1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "A2": "SỞ CÔNG THƯƠNG", "E2": "Độc lập - Tự do - Hạnh phúc",
        "A4": "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỀ XUẤT HỖ TRỢ",
        "A5": "Phương án phân bổ: Hải Phòng thử",
        "A6": "(Kèm theo Quyết định số ……/QĐ-…… ngày …… tháng …… năm …… của ……)",
        "I7": "ĐVT: triệu đồng"}
    assert [v.get(f"{c}9") for c in "ABCDEFGJK"] == [
        "STT", "Mã đề án", "Tên đề án", "Tỉnh/Thành phố", "Nguồn kinh phí", "Số cơ sở",
        "Kinh phí (triệu đồng)", "Ghi chú", "Thông tin để kcopt đọc lại (ngoài vùng in)"]
    assert [v.get(f"{c}10") for c in "GHIK"] == ["Tổng kinh phí", "Kinh phí hỗ trợ",
                                                 "Vốn đối ứng", "Cấp"]
    assert [v.get(f"{c}11") for c in "ABCDEFGHIJKQ"] == [f"({k})" for k in
                                                          (*range(1, 11), 11, 17)]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert merged >= {"A1:D1", "E1:J1", "A2:D2", "E2:J2", "A4:J4", "A5:J5", "A6:J6", "I7:J7",
                      "A9:A10", "B9:B10", "C9:C10", "F9:F10", "J9:J10", "G9:I9", "K9:Q9",
                      "C12:F12", "C13:F13", "C27:F27", "G29:J29", "A30:D30", "G30:J30",
                      "A31:D31", "G31:J31"}
    body = [(v.get(f"A{i}"), v.get(f"B{i}"), v.get(f"C{i}"), v.get(f"E{i}"), v.get(f"F{i}"))
            for i in range(12, 28)]
    machinery = "Ứng dụng máy móc thiết bị tiên tiến"
    both = "Trung ương, địa phương"
    assert body == [
        ("A", None, "KINH PHÍ KHUYẾN CÔNG QUỐC GIA", None, None), ("I", None, machinery, None,
                                                                   None),
        (1, "HP-01", "Máy sấy nông sản", both, 1), (2, "HP-02", "Máy dệt", "Trung ương", 1),
        ("B", None, "KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG", None, None),
        ("I", None, "Đào tạo nghề, truyền nghề", None, None),
        (1, "HP-03", "Dạy nghề mây tre", "Địa phương", 1),
        ("II", None, "Hỗ trợ thành lập doanh nghiệp sản xuất CNNT", None, None),
        (1, "HP-04", "Thành lập doanh nghiệp", "Địa phương", 1),
        ("III", None, "Mô hình trình diễn kỹ thuật", None, None),
        (1, "HP-05", "Mô hình trình diễn nhóm 3 cơ sở", "Địa phương", 3),
        ("IV", None, machinery, None, None), (1, "HP-01", "Máy sấy nông sản", both, 1),
        ("V", None, "Hội chợ triển lãm trong nước", None, None),
        (1, "HP-06", "Hội chợ", "Địa phương", 1), (None, None, "TỔNG CỘNG (A+B)", None, None)]
    assert {v[f"D{i}"] for i in (14, 15, 18, 20, 22, 24, 26)} == {"Hải Phòng"}
    assert v["J14"] == ("Hỗ trợ đủ; đồng hỗ trợ: KCQG 50 (mục A), KCĐP 250 (mục B), tổng 300")
    assert v["J24"] == v["J14"] + "; tổng kinh phí và vốn đối ứng ghi ở mục A"
    assert (v["J15"], v["J22"]) == ("Hỗ trợ đủ", "Hỗ trợ một phần")
    assert [v.get(f"{c}14") for c in "KLMNOPQ"] == ["Trung ương", 400, "Hải Dương", 0, 90, 1, 0]
    assert (v["G29"], v["A30"], v["G30"], v["A31"], v["G31"]) == (
        "……, ngày …… tháng …… năm ……", "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ",
        "(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)")
    assert ws.max_row == 31


def test_the_annex_prints_on_a4_landscape_in_times_new_roman(haiphong) -> None:
    """A4 landscape, one page wide, the header rows 9–11 on every page, columns A–J (to "Ghi
    chú") printed down to the signatures, panes frozen under the header right of the names;
    Times New Roman 12 (14 for the title, 10 for the column numbers), bold parts and
    totals, bold italic sections, amounts whole or to the đồng, the columns' widths."""
    _r, path, _check = haiphong
    wb = openpyxl.load_workbook(path)
    ws = wb["Phụ lục"]
    ps, m = ws.page_setup, ws.page_margins
    assert (ps.orientation, int(ps.paperSize), ps.fitToHeight) == ("landscape", 9, 0)
    assert ps.fitToWidth in (None, 1) and ws.sheet_properties.pageSetUpPr.fitToPage
    assert (m.left, m.right, m.top, m.bottom) == (0.5, 0.4, 0.6, 0.6)
    assert ws.print_options.horizontalCentered
    assert (ws.print_title_rows, ws.print_area, ws.freeze_panes) == (
        "$9:$11", "'Phụ lục'!$A$1:$J$35", "D12")
    fonts = {(c.font.name, c.font.sz) for row in ws.iter_rows() for c in row
             if c.value is not None}
    assert fonts == {("Times New Roman", 12), ("Times New Roman", 14),
                     ("Times New Roman", 10)}
    style = {ref: (ws[ref].font.sz, bool(ws[ref].font.b), bool(ws[ref].font.i),
                   ws[ref].font.u, ws[ref].alignment.horizontal, ws[ref].border.left.style)
             for ref in ("A1", "A2", "A4", "A5", "I7", "A9", "A11", "A12", "C12", "A13",
                         "C13", "A14", "B14", "C27", "G29", "A30", "A31")}
    assert style == {
        "A1": (12, True, False, None, "center", None),
        "A2": (12, True, False, "single", "center", None),
        "A4": (14, True, False, None, "center", None),
        "A5": (12, False, True, None, "center", None),
        "I7": (12, False, True, None, "right", None),
        "A9": (12, True, False, None, "center", "thin"),
        "A11": (10, False, True, None, "center", "thin"),
        "A12": (12, True, False, None, "center", "thin"),
        "C12": (12, True, False, None, None, "thin"),
        "A13": (12, True, True, None, "center", "thin"),
        "C13": (12, True, True, None, None, "thin"),
        "A14": (12, False, False, None, "center", "thin"),
        "B14": (12, False, False, None, None, "thin"),
        "C27": (12, True, False, None, None, "thin"),
        "G29": (12, False, True, None, "center", None),
        "A30": (12, True, False, None, "center", None),
        "A31": (12, False, True, None, "center", None)}
    money = {ref: (ws[ref].number_format, bool(ws[ref].font.b), bool(ws[ref].font.i))
             for ref in ("G12", "H13", "G14", "I14", "H24", "G27")}
    assert money == {"G12": (WHOLE, True, False), "H13": (WHOLE, True, True),
                     "G14": (WHOLE, False, False), "I14": (WHOLE, False, False),
                     "H24": (WHOLE, False, False), "G27": (WHOLE, True, False)}
    widths = _widths(ws)
    assert [round(widths[c]) for c in range(1, 12)] == [7, 13, 49, 17, 15, 9, 15, 15, 15,
                                                        41, 15]
    assert all(ws[f"{c}{i}"].alignment.wrap_text for c in "BCDJ" for i in (14, 26))


def test_amounts_with_decimals_and_long_names(west) -> None:
    """An amount with decimals is shown to the đồng, a whole one without; a name too long for
    its column makes its row tall enough for every line; a plan of several provinces is the
    Ministry's (Bộ Công Thương, Cục Công Thương địa phương); one year is in the title."""
    _r, path, _check = west
    ws = openpyxl.load_workbook(path)["Phụ lục"]
    assert {ref: ws[ref].number_format for ref in ("G14", "H14", "G16", "H16", "G12", "G18",
                                                   "J20", "G21")} == {
        "G14": DECIMAL, "H14": DECIMAL, "G16": DECIMAL, "H16": WHOLE, "G12": DECIMAL,
        "G18": WHOLE, "J20": WHOLE, "G21": DECIMAL}
    assert (ws["A1"].value, ws["A2"].value) == ("BỘ CÔNG THƯƠNG", "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG")
    assert ws["A4"].value == "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỀ XUẤT HỖ TRỢ NĂM 2026"
    assert ws["K7"].value == "ĐVT: triệu đồng" and ws.print_area == "'Phụ lục'!$A$1:$L$29"
    assert ws.row_dimensions[20].height >= 3 * 15 and not ws.row_dimensions[18].height
    assert ws.row_dimensions[9].height >= 15 and ws.row_dimensions[10].height >= 3 * 15


def test_the_projects_left_out_are_listed_apart_with_why(haiphong) -> None:
    r, path, _check = haiphong
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Phụ lục", "Không đề xuất"]
    assert (wb.properties.title, wb.properties.creator) == ("Phụ lục kế hoạch khuyến công",
                                                            "kcopt")
    rows = list(wb["Không đề xuất"].iter_rows(values_only=True))
    reason = r.allocation.set_index("project_id").loc["HP-07", "reason"]
    assert rows == [("CÁC ĐỀ ÁN KHÔNG ĐỀ XUẤT HỖ TRỢ", None, None, None, None),
                    (None, None, None, None, None),
                    ("Mã đề án", "Tên đề án", "Tỉnh/Thành phố", "Tình trạng", "Lý do"),
                    ("HP-07", "Máy ép", "Hải Phòng", "Chưa bố trí được", reason)]
    assert wb["Không đề xuất"].page_setup.orientation == "landscape"


def test_a_plan_that_funds_nothing_totals_zero(tmp_path: Path) -> None:
    """No budget: no part, the grand total's cells are the number 0 (not a reversed range)."""
    scenario = {**HP_SCENARIO, "budgets": {"central": 0, "local": {"Hải Phòng": 0}}}
    _r, path, check = _plan(tmp_path, HP_PROJECTS.replace("80,0,1,1,0", "80,0,1,0,0"), scenario)
    v = values(path)
    assert check.section_rows == {"total": 11}
    assert (v["C12"], *amounts(v, 12)) == ("TỔNG CỘNG", 0, 0, 0)
    assert not evaluate(openpyxl.load_workbook(path)["Phụ lục"])
