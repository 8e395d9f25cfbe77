"""`annex.xlsx` agrees with the plan to the đồng: section A holds only KCQG money and B only KCĐP
money (a project paid from both is listed in both with its share), every subtotal recalculated in
LibreOffice equals the plan's figure per fund, province, content section and in total; the annex
read back (`kcopt validate`) and solved again gives the same plan; it prints on A4 landscape with
Vietnamese numbers. On the bundled demo (800 projects, 20 paid from both funds) and on a small
Hải Phòng plan whose co-financed project lies in the former Hải Dương."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import kcopt
from forms import coded_both_funds
from kcopt.cli import app
from kcopt.inputs.schema import read_projects
from kcopt.outputs import run
from kcopt.present.workbook.annex import MONEY_FORMATS
from kcopt.present.workbook.facts import FACTS
from kcopt.rules.rates import load_rules

DONG = 1e-6  # one đồng in million VND
HP_PROJECTS = """project_id,name,province,old_province,category,level,funds,total_cost,requested,\
appraisal,disadvantaged_area,establishments,must_fund,green
HP-01,Máy sấy nông sản,Hải Phòng,Hải Dương,machinery,central,both,800,400,90,0,1,0,1
HP-02,Máy dệt,Hải Phòng,,machinery,central,central,500,200,80,0,1,1,0
HP-03,Dạy nghề mây tre,Hải Phòng,,training,local,local,150,100,70,0,1,0,0
HP-04,Thành lập doanh nghiệp,Hải Phòng,,establish_enterprise,local,local,30,10,60,1,1,0,0
HP-05,Mô hình trình diễn nhóm 3 cơ sở,Hải Phòng,,demo_model,local,local,900,500,50,0,3,0,0.5
HP-06,Hội chợ,Hải Phòng,,fair_domestic,local,local,100,60,20,0,1,0,0
HP-07,Máy ép,Hải Phòng,,machinery,central,central,300,100,30,0,1,0,0
"""
HP_SCENARIO = {"name": "Hải Phòng thử", "projects": "projects.csv", "plan_year": 2026,
               "budgets": {"central": 250, "local": {"Hải Phòng": 560}}}


@dataclass
class Annex:
    """The annex as LibreOffice computed it: project lines and the subtotal rows."""

    lines: pd.DataFrame  # fund, section, project_id, province, cost, support, counterpart
    funds: dict[str, dict[str, float]] = field(default_factory=dict)  # "A" → column → value
    sections: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    total: dict[str, float] = field(default_factory=dict)


def _amounts(ws, i: int) -> dict[str, float]:
    return {k: ws.cell(i, c).value or 0.0 for k, c in
            (("cost", 7), ("support", 8), ("counterpart", 9))}


def read_annex(path: Path) -> Annex:
    """Walk the recalculated sheet: fund rows (A, B), content rows (I, II, …), lines, total."""
    ws = openpyxl.load_workbook(path, data_only=True)["Phụ lục"]
    names = {r.name_vi: code for code, r in load_rules().rules.items()}
    annex, rows = Annex(pd.DataFrame()), []
    fund = section = ""
    for i in range(12, ws.max_row + 1):
        key, label = ws.cell(i, 1).value, str(ws.cell(i, 3).value or "")
        if key in ("A", "B"):
            fund = key
            annex.funds[fund] = _amounts(ws, i)
        elif isinstance(key, str) and re.fullmatch(r"[IVX]+", key):
            section = names[label]
            annex.sections[(fund, section)] = _amounts(ws, i)
        elif label.startswith("TỔNG CỘNG"):
            annex.total = _amounts(ws, i)
            break
        elif isinstance(key, int | float):
            rows.append({"fund": fund, "category": section,
                         "project_id": ws.cell(i, 2).value, "province": ws.cell(i, 4).value,
                         **_amounts(ws, i)})
    annex.lines = pd.DataFrame(rows)
    return annex


def _close(got: float, want: float) -> bool:
    return math.isclose(got, want, abs_tol=DONG)


def assert_agrees(annex: Annex, r) -> None:
    """Every subtotal and every line of the recalculated annex against the plan."""
    alloc = r.allocation
    plan = alloc[alloc["total"] > 1e-9]
    cost = r.model.projects.set_index("project_id")["total_cost"]
    assert _close(annex.funds["A"]["support"], plan["central"].sum())
    assert _close(annex.funds["B"]["support"], plan["local"].sum())
    assert _close(annex.total["support"], plan["total"].sum())
    assert _close(annex.funds["A"]["support"] + annex.funds["B"]["support"],
                  annex.total["support"])
    assert _close(annex.total["cost"], cost[plan["project_id"]].sum())
    assert _close(annex.total["counterpart"], cost[plan["project_id"]].sum()
                  - plan["total"].sum())
    for letter, fund in (("A", "central"), ("B", "local")):
        paid = plan[plan[fund] > 1e-9]
        lines = annex.lines[annex.lines["fund"] == letter].set_index("project_id")
        assert sorted(lines.index) == sorted(paid["project_id"])
        for pid, share in zip(paid["project_id"], paid[fund], strict=True):
            assert _close(lines.loc[pid, "support"], share), (letter, pid)
        for cat, want in paid.groupby("category")[fund].sum().items():
            assert _close(annex.sections[(letter, cat)]["support"], want), (letter, cat)
        by_province = lines.groupby("province")["support"].sum()
        for prov, want in paid.groupby("province")[fund].sum().items():
            assert _close(by_province[prov], want), (letter, prov)
    per_project = annex.lines.groupby("project_id")[["cost", "counterpart"]].sum()
    for pid, total in zip(plan["project_id"], plan["total"], strict=True):
        assert _close(per_project.loc[pid, "cost"], cost[pid]), pid
        assert _close(per_project.loc[pid, "counterpart"], cost[pid] - total), pid


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("demo")
    return run(kcopt.demo_scenario_path(), out=out / "plan", plots=False), out


@pytest.fixture(scope="module")
def haiphong(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("haiphong")
    (out / "projects.csv").write_text(HP_PROJECTS, encoding="utf-8")
    (out / "hp.yaml").write_text(yaml.safe_dump(HP_SCENARIO, allow_unicode=True),
                                 encoding="utf-8")
    return run(out / "hp.yaml", out=out / "plan", plots=False), out


def test_demo_annex_sections_hold_one_fund_each_in_libreoffice(libreoffice, demo) -> None:
    """Demo: A = 105.000 (KCQG allocated), B = 86.289 (KCĐP), the 20 projects paid from both
    listed in both; before, A held 112.964 and B 78.325."""
    from spreadsheet import error_cells

    r, out = demo
    both = r.allocation[(r.allocation["central"] > 1e-9) & (r.allocation["local"] > 1e-9)]
    assert len(both) == 20
    (path,) = libreoffice.recalc([out / "plan" / "annex.xlsx"], out / "lo")
    assert not error_cells(openpyxl.load_workbook(path, data_only=True))
    annex = read_annex(path)
    assert_agrees(annex, r)
    assert _close(annex.funds["A"]["support"], 105_000)
    assert set(both["project_id"]) <= set(annex.lines[annex.lines["fund"] == "B"]["project_id"])


def test_small_plan_paid_from_both_funds_in_libreoffice(libreoffice, haiphong) -> None:
    """HP-01 (cost 800) is paid 50 KCQG + 250 KCĐP: a line in A with 50, a line in B with 250,
    its cost once and its counterpart 800 − 50 − 250 = 500."""
    r, out = haiphong
    alloc = r.allocation.set_index("project_id")
    assert (alloc.loc["HP-01", "central"], alloc.loc["HP-01", "local"]) == pytest.approx(
        (50, 250))
    (path,) = libreoffice.recalc([out / "plan" / "annex.xlsx"], out / "lo")
    annex = read_annex(path)
    assert_agrees(annex, r)
    numbers = openpyxl.load_workbook(path)["Phụ lục"]["I11"].value
    assert numbers == "(9)"  # not "(9)=(7)-(8)": HP-01's counterpart is 800 - 50 - 250
    hp01 = annex.lines[annex.lines["project_id"] == "HP-01"].set_index("fund")
    assert hp01.loc["A", ["cost", "support", "counterpart"]].tolist() == [800, 50, 500]
    assert hp01.loc["B", ["cost", "support", "counterpart"]].tolist() == [0, 250, 0]


def _same_inputs(back: pd.DataFrame, r) -> None:
    """The read-back list holds every fact the plan depends on, for every proposed project."""
    alloc = r.allocation.set_index("project_id")
    proposed = alloc[alloc["total"] > 1e-9]
    inputs = r.model.projects.set_index("project_id").loc[proposed.index]
    assert sorted(back.index) == sorted(proposed.index)
    back = back.loc[proposed.index]
    for key in ("name", "province", "category", "total_cost", "funds", "establishments",
                "infra_investment", "other_state_support", *FACTS):
        want, got = inputs[key], back[key]
        same = (want.isna() & got.isna()) | (want.astype(object) == got.astype(object))
        if want.dtype.kind == "f":
            same |= (want - got).abs() <= DONG
        assert same.all(), (key, want[~same].head(3).tolist(), got[~same].head(3).tolist())
    for header, fund in (("Kinh phí hỗ trợ KCQG", "central"), ("Kinh phí hỗ trợ KCĐP", "local")):
        assert back[header].astype(float).to_numpy() == pytest.approx(
            proposed[fund].to_numpy(), abs=DONG)


def _solve_again(r, out: Path, scenario: Path) -> object:
    data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    data["projects"] = str(out / "plan" / "annex.xlsx")
    local = data["budgets"]["local"]
    if isinstance(local, str):
        data["budgets"]["local"] = str(scenario.parent / local)
    again = out / "again.yaml"
    again.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return run(again, out=None, plots=False)


def _upper_bounds(r) -> dict[tuple[str, int], float]:
    """(project, fund column: 0 KCQG, 1 KCĐP) → the upper bound of its support column."""
    m = r.model
    ids = m.projects["project_id"].astype(str).to_numpy()
    return {(ids[p], int(f)): float(u) for p, f, u in zip(
        m.col_project, m.col_fund, m.lp.col_upper[: len(m.col_project)], strict=True)}


def _compare(r, r2, exact_funds: bool) -> None:
    a = r.allocation.set_index("project_id")
    a = a[a["total"] > 1e-9]
    b = r2.allocation.set_index("project_id").loc[a.index]
    assert (a["status"] == b["status"]).all(), a.index[a["status"] != b["status"]].tolist()
    assert b["total"].to_numpy() == pytest.approx(a["total"].to_numpy(), abs=DONG)
    assert b["cap"].to_numpy() == pytest.approx(a["cap"].to_numpy(), abs=DONG)
    for fund in ("central", "local"):
        want, got = a.groupby("province")[fund].sum(), b.groupby("province")[fund].sum()
        assert got.to_numpy() == pytest.approx(want.to_numpy(), abs=DONG), fund
        if exact_funds:
            assert b[fund].to_numpy() == pytest.approx(a[fund].to_numpy(), abs=DONG), fund
    assert r2.result.objective == pytest.approx(r.result.objective, rel=1e-9)


def test_demo_annex_round_trip_and_solved_again(demo) -> None:
    """Read back: the same 719 projects with every fact (before, 4 funded establish_enterprise
    projects came back ineligible: the disadvantaged-area flag was lost); solved again: the
    same amounts, statuses, caps and fund totals per province. Which of two equally good
    projects of a province takes a KCQG share is the LP's tie, left to the fund tie-break."""
    r, out = demo
    annex = out / "plan" / "annex.xlsx"
    _same_inputs(read_projects(annex).frame.set_index("project_id"), r)
    result = CliRunner().invoke(app, ["validate", str(annex), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "ok: 719 projects; 0 ineligible" in result.output
    _compare(r, _solve_again(r, out, kcopt.demo_scenario_path()), exact_funds=False)


def test_small_plan_round_trip_keeps_territory_and_split(haiphong) -> None:
    """HP-01 lies in the former Hải Dương, whose resolution caps machinery at 250 from local
    funds: read back, it keeps its territory and solved again it is paid 50 + 250 again (not
    300 from KCĐP), every project with its own split."""
    r, out = haiphong
    back = read_projects(out / "plan" / "annex.xlsx").frame.set_index("project_id")
    _same_inputs(back, r)
    assert back.loc["HP-01", "old_province"] == "Hải Dương"
    r2 = _solve_again(r, out, out / "hp.yaml")
    _compare(r, r2, exact_funds=True)
    bounds, bounds2 = _upper_bounds(r), _upper_bounds(r2)
    assert bounds2[("HP-01", 1)] == pytest.approx(250)  # the former Hải Dương's local cap
    assert {k: bounds[k] for k in bounds2} == pytest.approx(bounds2)
    assert r2.allocation.set_index("project_id").loc["HP-01", "local"] == pytest.approx(250)


def test_amounts_are_shown_vietnamese_style_in_libreoffice(libreoffice, demo) -> None:
    """1.450,5 — not 1,450.00: LibreOffice shows the amounts of the Vietnamese-tagged number
    format with a dot between thousands and a decimal comma, to the đồng."""
    r, out = demo
    rows = libreoffice.displayed(out / "plan" / "annex.xlsx", out / "csv")["Phụ lục"]
    by_key = {row[0]: row for row in rows if row and row[0] in ("A", "B")}
    total = next(row for row in rows if len(row) > 2 and row[2].startswith("TỔNG CỘNG"))
    assert by_key["A"][7] == "105.000"
    local = r.allocation["local"].sum()
    whole, frac = f"{local:.6f}".rstrip("0").split(".")
    assert by_key["B"][7] == f"{int(whole):,}".replace(",", ".") + "," + frac
    assert total[7].count(".") == 1 and "," in total[7]
    money = [c for row in rows[11:] for c in row[6:9] if c]
    assert money and not [c for c in money if re.search(r"\d,\d{3}(\D|$)|\.\d{1,2}$", c)]


def test_annex_prints_on_a4_landscape_with_its_header_and_signatures(demo) -> None:
    _r, out = demo
    ws = openpyxl.load_workbook(out / "plan" / "annex.xlsx")["Phụ lục"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # one page wide (1, the default when the attribute is left out), as many pages tall
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$9:$11"
    # the print area ends at "Ghi chú": the facts for kcopt to the right are not printed
    note = next(c for c in range(1, ws.max_column + 1) if ws.cell(9, c).value == "Ghi chú")
    letter = openpyxl.utils.get_column_letter(note)
    area = re.fullmatch(r"'Phụ lục'!\$A\$1:\$([A-Z]+)\$(\d+)", ws.print_area)
    assert area and area.group(1) == letter  # down to the room left for the signatures
    assert ws.max_row < int(area.group(2)) <= ws.max_row + 6
    assert ws.cell(10, note + 1).value == "Cấp" and ws.max_column > note + 5
    # every heading fits its cell: rows tall enough for its wrapped lines (≥ 1.1 × the width
    # of its characters, 15 points a line)
    spans = {m.min_col: m for m in ws.merged_cells.ranges if m.min_row == 9}
    height = {row: ws.row_dimensions[row].height or 15 for row in (9, 10)}
    for col in range(1, ws.max_column + 1):
        for row in (9, 10):
            text = ws.cell(row, col).value
            if not text:
                continue
            m = spans.get(col) if row == 9 else None
            cols = range(col, (m.max_col if m else col) + 1)
            width = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width
                        for c in cols)
            tall = sum(height[x] for x in range(row, (m.max_row if m else row) + 1))
            lines = math.ceil(len(text) * 1.1 / width)
            assert tall >= 15 * lines, (text, tall, lines)
    money = [ws.cell(i, c) for i in range(12, ws.max_row + 1) for c in (7, 8, 9)
             if isinstance(ws.cell(i, c).value, int | float)
             or str(ws.cell(i, c).value).startswith("=")]
    assert len(money) > 2000
    assert {c.number_format for c in money} == set(MONEY_FORMATS)  # Vietnamese-tagged
    texts = [str(c.value) for row in ws.iter_rows(min_row=ws.max_row - 8) for c in row
             if c.value]
    for needed in ("……, ngày …… tháng …… năm ……", "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ",
                   "(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)"):
        assert needed in texts, needed


def test_a_planners_form_listing_a_project_under_both_funds_reads_as_one(tmp_path) -> None:
    """A planner's annex with codes that lists KB-1 in A (100 from KCQG) and in B (60 from
    KCĐP), its cost written on both lines: one project asking 160, paid from both funds, its
    cost once (the section subtotals stay consistent)."""
    frame = read_projects(coded_both_funds(tmp_path / "bieu.xlsx")).frame.set_index("project_id")
    assert list(frame.index) == ["KB-1", "KB-2"]
    assert frame.loc["KB-1", ["level", "funds"]].tolist() == ["central", "both"]
    assert frame.loc["KB-2", ["level", "funds"]].tolist() == ["local", "local"]
    assert frame["requested"].tolist() == [160, 30]
    assert frame["total_cost"].tolist() == [500, 200]


def test_amounts_with_three_decimals_read_back_as_they_are(tmp_path) -> None:
    """A number cell 115.544 (million VND, to the thousand đồng) is 115.544, not the
    Vietnamese-thousands 115.544 million that text "115.544" would be: the five-year demo's
    annex lost 9 such amounts in section A alone (read 1.000 times too big)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for c, h in enumerate(["Mã đề án", "Tên đề án", "Tỉnh/Thành phố", "Nội dung",
                           "Tổng kinh phí", "Kinh phí đề nghị hỗ trợ"], 1):
        ws.cell(1, c, h)
    for r, (pid, cost, asked) in enumerate((("P-1", 231.088, 115.544), ("P-2", 300.0, 96.6),
                                             ("P-3", 1234.567, 617.2835)), 2):
        for c, v in enumerate([pid, "Máy sấy", "Sơn La", "machinery", cost, asked], 1):
            ws.cell(r, c, v)
    wb.save(tmp_path / "list.xlsx")
    frame = read_projects(tmp_path / "list.xlsx").frame
    assert frame["total_cost"].tolist() == [231.088, 300.0, 1234.567]
    assert frame["requested"].tolist() == [115.544, 96.6, 617.2835]


def test_every_project_row_is_tall_enough_for_its_wrapped_name(demo) -> None:
    """A long project name, province or note wraps in its cell: its row is tall enough to print
    every line (≥ 1.1 × the width of its characters, 15 points a line), never clipped."""
    _r, out = demo
    ws = openpyxl.load_workbook(out / "plan" / "annex.xlsx")["Phụ lục"]
    widths = {c: ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width
              for c in range(1, ws.max_column + 1)}
    wrapped = 0
    for row in range(12, ws.max_row + 1):
        if not isinstance(ws.cell(row, 2).value, str) or not ws.cell(row, 2).value.startswith("P-"):
            continue
        tall = ws.row_dimensions[row].height or 15
        for col in (3, 4):
            lines = math.ceil(len(str(ws.cell(row, col).value)) * 1.1 / widths[col])
            wrapped += lines > 1
            assert tall >= 15 * lines, (row, ws.cell(row, col).value, tall, lines)
    assert wrapped > 0  # the demo has names long enough to wrap
