"""`allocation.xlsx` agrees with the plan and gives it back: its allocation sheet is a valid
project list (`kcopt validate` reads the plan's projects with their inputs, the results as extra
columns), solved again it gives the same plan; it prints on A4 landscape with its headings on
every page and shows amounts the Vietnamese way in LibreOffice, on every sheet with money."""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.inputs.schema import read_projects
from kcopt.outputs import run
from kcopt.present.workbook.base import SHEETS
from kcopt.present.workbook.facts import FACTS

DONG = 1e-6  # one đồng in million VND
# a co-financed project in a former province (its own resolution's cap), a group project, a
# must-fund one, an ineligible one (a new enterprise outside a disadvantaged area)
SMALL = """project_id,name,province,old_province,category,level,funds,total_cost,requested,\
appraisal,disadvantaged_area,establishments,must_fund,green
HP-01,Máy sấy nông sản,Hải Phòng,Hải Dương,machinery,central,both,800,400,90,0,1,0,1
HP-02,Máy dệt,Hải Phòng,,machinery,central,central,500,200,80,0,1,1,0
HP-03,Dạy nghề mây tre,Hải Phòng,,training,local,local,150,100,70,0,1,0,0
HP-04,Thành lập doanh nghiệp,Hải Phòng,,establish_enterprise,local,local,30,10,60,1,1,0,0
HP-05,Mô hình trình diễn nhóm 3 cơ sở,Hải Phòng,,demo_model,local,local,900,500,50,0,3,0,0.5
HP-06,Hội chợ,Hải Phòng,,fair_domestic,local,local,100,60,20,0,1,0,0
HP-07,Máy ép,Hải Phòng,,machinery,central,central,300,100,30,0,1,0,0
HP-08,Thành lập doanh nghiệp 2,Hải Phòng,,establish_enterprise,local,local,30,10,60,0,1,0,0
"""
SMALL_SCENARIO = {"name": "Hải Phòng thử", "projects": "projects.csv", "plan_year": 2026,
                  "budgets": {"central": 250, "local": {"Hải Phòng": 560}}}
INPUTS = ("name", "province", "category", "level", "funds", "total_cost", "requested",
          "establishments", "infra_investment", "other_state_support", *FACTS)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("demo")
    return run(kcopt.demo_scenario_path(), out=out / "plan", plots=False), out


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("small")
    (out / "projects.csv").write_text(SMALL, encoding="utf-8")
    (out / "hp.yaml").write_text(yaml.safe_dump(SMALL_SCENARIO, allow_unicode=True),
                                 encoding="utf-8")
    return run(out / "hp.yaml", out=out / "plan", plots=False), out


def _same_inputs(back: pd.DataFrame, r) -> None:
    """Every project of the plan, with every input the plan depends on."""
    inputs = r.model.projects.set_index("project_id")
    assert back.index.tolist() == inputs.index.tolist()
    for key in INPUTS:
        want, got = inputs[key], back[key]
        same = (want.isna() & got.isna()) | (want.astype(object) == got.astype(object))
        if want.dtype.kind == "f":
            same |= (want - got).abs() <= DONG
        assert same.all(), (key, want[~same].head(3).tolist(), got[~same].head(3).tolist())


def _solve_again(out: Path, scenario: Path):
    data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    data["projects"] = str(out / "plan" / "allocation.xlsx")
    local = data["budgets"]["local"]
    if isinstance(local, str):
        data["budgets"]["local"] = str(scenario.parent / local)
    again = out / "again.yaml"
    again.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return run(again, out=None, plots=False)


def _same_plan(r, r2) -> None:
    """The same objective, statuses, caps and totals per project, funds per province."""
    a = r.allocation.set_index("project_id")
    b = r2.allocation.set_index("project_id").loc[a.index]
    assert r2.result.objective == pytest.approx(r.result.objective, rel=1e-9)
    assert (a["status"] == b["status"]).all(), a.index[a["status"] != b["status"]].tolist()
    for key in ("total", "cap"):
        assert b[key].to_numpy() == pytest.approx(a[key].to_numpy(), abs=DONG), key
    for fund in ("central", "local"):
        want, got = a.groupby("province")[fund].sum(), b.groupby("province")[fund].sum()
        assert got.to_numpy() == pytest.approx(want.to_numpy(), abs=DONG), fund


def test_demo_allocation_book_reads_back_as_the_plans_projects(demo) -> None:
    """Before, `kcopt validate allocation.xlsx` failed: "required column missing total_cost".
    Now: the 800 projects, their inputs, the 11 ineligible ones; the results are extras."""
    r, out = demo
    book = out / "plan" / "allocation.xlsx"
    back = read_projects(book)
    _same_inputs(back.frame.set_index("project_id"), r)
    results = {"Mức hỗ trợ tối đa", "Trung ương (KCQG)", "Địa phương (KCĐP)", "Tổng hỗ trợ",
               "Trạng thái", "Lý do", "Điểm ưu tiên", "Tỷ lệ so với mức tối đa", "Ghi chú"}
    assert results <= set(back.extra_columns)
    alloc = r.allocation.set_index("project_id")
    extra = back.frame.set_index("project_id")
    assert extra["Trạng thái"].tolist() == alloc["status"].tolist()
    assert extra["Trung ương (KCQG)"].astype(float).to_numpy() == pytest.approx(
        alloc["central"].to_numpy(), abs=DONG)
    result = CliRunner().invoke(app, ["validate", str(book), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "ok: 800 projects; 11 ineligible" in result.output
    ineligible = sorted(alloc.index[alloc["status"] == "ineligible"])
    assert len(ineligible) == 11 and all(p in result.output for p in ineligible)


def test_demo_allocation_book_solved_again_gives_the_same_plan(demo) -> None:
    r, out = demo
    _same_plan(r, _solve_again(out, kcopt.demo_scenario_path()))


def test_small_plan_keeps_territory_split_and_eligibility(small) -> None:
    """HP-01 in the former Hải Dương (its resolution caps machinery at 250 from local funds),
    paid from both funds; HP-08 ineligible: read back and solved again, all as before."""
    r, out = small
    back = read_projects(out / "plan" / "allocation.xlsx").frame.set_index("project_id")
    _same_inputs(back, r)
    assert back.loc["HP-01", "old_province"] == "Hải Dương"
    assert back.loc["HP-01", "funds"] == "both"
    assert back.loc["HP-05", "establishments"] == 3
    assert back.loc["HP-02", "must_fund"] == 1
    r2 = _solve_again(out, out / "hp.yaml")
    _same_plan(r, r2)
    a, b = r.allocation.set_index("project_id"), r2.allocation.set_index("project_id")
    assert a.loc["HP-08", "status"] == b.loc["HP-08", "status"] == "ineligible"
    for fund in ("central", "local"):
        assert b[fund].to_numpy() == pytest.approx(a[fund].to_numpy(), abs=DONG), fund


def _vn(x: float) -> str:
    """An amount as the Vietnamese-tagged format shows it: 1.450,5; a whole one 1.450."""
    whole, frac = f"{x:.6f}".rstrip("0").rstrip(".").partition(".")[::2]
    text = f"{int(whole):,}".replace(",", ".")
    return text + ("," + frac if frac else "")


def test_amounts_are_shown_vietnamese_style_in_libreoffice(libreoffice, demo) -> None:
    """1.450,5 — not 1,450.0: on the allocation sheet and every summary with money."""
    r, out = demo
    by_title = libreoffice.displayed(out / "plan" / "allocation.xlsx", out / "csv")
    # every sheet but "Điều chỉnh", written only for a re-plan (tests/test_adjustment.py)
    shown = {key: by_title[title] for key, title in SHEETS.items() if key != "adjustment"}
    alloc = r.allocation
    rows = shown["allocation"]
    en = rows[3]
    total = next(row for row in rows if row and row[0].startswith("Tổng cộng"))
    assert total[en.index("Central fund")] == _vn(alloc["central"].sum()) == "105.000"
    assert total[en.index("Local fund")] == _vn(alloc["local"].sum())
    assert "," in total[en.index("Local fund")]  # the local fund is not whole: to the đồng
    for i, (c, loc) in enumerate(zip(alloc["central"], alloc["local"], strict=True)):
        assert rows[4 + i][en.index("Central fund")] == _vn(c)
        assert rows[4 + i][en.index("Local fund")] == _vn(loc)
    assert rows[4][en.index("Share of cap")].endswith("%") and "." not in rows[4][
        en.index("Share of cap")]
    fund = shown["fund"]
    assert [row[3] for row in fund[4:7]] == [_vn(alloc["central"].sum()),
                                             _vn(alloc["local"].sum()),
                                             _vn(alloc["total"].sum())]
    english = re.compile(r"\d,\d{3}(\D|$)|\d\.\d{1,2}$|\.\d+%")
    for key in ("province", "region", "category", "fund", "priority"):
        cells = [c for row in shown[key][4:] for c in row if re.fullmatch(r"[\d.,%]+", c)]
        assert cells and not [c for c in cells if english.search(c)], (key, cells[:5])


def column_width(ws, col: int) -> float:
    """A column's width as the file states it: adjacent columns of one width are stored as one
    range (<col min max>), which openpyxl keys by its first letter only."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= col <= (dim.max or dim.min) and dim.width:
            return float(dim.width)
    return 8.43


def test_every_sheet_prints_on_a4_landscape_with_its_headings(demo) -> None:
    """A4 landscape, one page wide, the two heading rows on every page, rows tall enough for
    their wrapped headings (≥ 1.1 × the width of their characters, 15 points a line); the
    allocation sheet prints its plan (to "Lý do"), not the inputs kept for reading back."""
    _r, out = demo
    wb = openpyxl.load_workbook(out / "plan" / "allocation.xlsx")
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$3:$4", ws.title
        for row in (3, 4):
            tall = ws.row_dimensions[row].height or 15
            for cell in ws[row]:
                if not cell.value:
                    continue
                width = column_width(ws, cell.column)
                lines = math.ceil(len(str(cell.value)) * 1.1 / width)
                assert tall >= 15 * lines, (ws.title, cell.coordinate, cell.value, tall)
    ws = wb[SHEETS["allocation"]]
    reason = next(c.column_letter for c in ws[4] if c.value == "Reason")
    assert ws.print_area == f"'{ws.title}'!$A$1:${reason}${ws.max_row}"
