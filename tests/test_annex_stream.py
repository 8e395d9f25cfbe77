"""`annex.xlsx` is written top to bottom in XlsxWriter's constant-memory mode (one row held at a
time, so 200,000 projects do not hold every cell): cell for cell it is the annex XlsxWriter
writes with every cell in memory — values, cached formula values, fonts, fills, borders,
alignment, number formats, merged ranges, row heights, column widths, frozen panes and print
setup. A cell written above the current row in that mode is silently dropped, so a layout
written out of order shows here as a missing cell or merge. On the demo (800 projects, 20 of
them listed in A and B) and a small Hải Phòng plan."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
import yaml

import kcopt
from kcopt.present.workbook import annex, annex_lines
from kcopt.present.workbook.annex import write_annex

ROOT = Path(__file__).resolve().parents[1]
HP_PROJECTS = """project_id,name,province,category,level,funds,total_cost,requested,appraisal,\
establishments
HP-01,Máy sấy nông sản,Hải Phòng,machinery,central,both,800,400,90,1
HP-02,Máy dệt,Hải Phòng,machinery,central,central,500,200,80,1
HP-03,Dạy nghề mây tre,Hải Phòng,training,local,local,150,100,70,1
HP-05,Mô hình trình diễn nhóm 3 cơ sở,Hải Phòng,demo_model,local,local,900,500,50,3
"""


def sheet_facts(ws: Any) -> dict[str, Any]:
    cells = {x.coordinate: (x.value, x.data_type, x.number_format,
                            *(repr(s) for s in (x.font, x.fill, x.border, x.alignment)))
             for row in ws.iter_rows() for x in row if x.value is not None or x.has_style}
    setup = ws.page_setup
    return {"cells": cells, "merged": sorted(map(str, ws.merged_cells.ranges)),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
            "frame": (ws.freeze_panes, ws.print_area, ws.print_title_rows, ws.dimensions,
                      setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
                      ws.print_options.horizontalCentered)}


def facts(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: {**sheet_facts(ws), "cached": {
        x.coordinate: x.value for row in cached[ws.title].iter_rows() for x in row
        if x.value is not None}} for ws in wb}


def in_memory_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    """XlsxWriter with every cell in memory (the mode that takes cells in any order)."""
    real = xlsxwriter.Workbook

    def workbook(target: Any, options: dict[str, Any] | None = None) -> Any:
        return real(target, {**(options or {}), "constant_memory": False})

    monkeypatch.setattr(xlsxwriter, "Workbook", workbook)


@pytest.fixture(params=["demo", "hai-phong"])
def plan(request: pytest.FixtureRequest, tmp_path: Path) -> kcopt.Run:
    if request.param == "hai-phong":
        (tmp_path / "projects.csv").write_text(HP_PROJECTS, encoding="utf-8")
        scenario = {"name": "Hải Phòng thử", "projects": "projects.csv", "plan_year": 2026,
                    "budgets": {"central": 250, "local": {"Hải Phòng": 560}}}
        path = tmp_path / "scenario.yaml"
        path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    else:
        path = ROOT / "scenarios" / "demo" / f"{request.param}.yaml"
    return kcopt.run(path, out=tmp_path / "out", plots=False, xlsx=False, reserve=0)


@pytest.mark.parametrize("lines", ["xml", "cell by cell"])
def test_annex_in_row_order_equals_the_in_memory_annex(plan: kcopt.Run, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       lines: str) -> None:
    """In row order: the project lines built as XML a column at a time (`annex_lines`), or
    cell by cell through XlsxWriter's public API where its internals differ."""
    assert plan.allocation is not None
    both = ((plan.allocation["central"] > 0) & (plan.allocation["local"] > 0)).sum()
    assert both > 0  # a counterpart over the lines in A and B is written
    built: list[int] = []
    real_rows = annex_lines.write_rows

    def counted(raw: Any, rows: Any) -> None:
        built.append(rows.n)
        real_rows(raw, rows)

    monkeypatch.setattr(annex_lines, "write_rows", counted)
    if lines == "cell by cell":
        monkeypatch.setattr(annex, "fast_rows_available", lambda raw: False)
    streamed = write_annex(plan, tmp_path / "streamed.xlsx")
    proposed = int((plan.allocation["total"] > annex.EPS).sum())
    assert sum(built) == (proposed + both if lines == "xml" else 0)  # every line, or none
    with zipfile.ZipFile(streamed) as zf:  # constant-memory mode: inline strings, no table
        assert "xl/sharedStrings.xml" not in zf.namelist()
    in_memory_workbook(monkeypatch)
    held = write_annex(plan, tmp_path / "held.xlsx")
    with zipfile.ZipFile(held) as zf:
        assert "xl/sharedStrings.xml" in zf.namelist()
    a, b = facts(streamed), facts(held)
    assert list(a) == list(b)
    for title in a:
        for key in a[title]:
            assert a[title][key] == b[title][key], (title, key)


def test_merge_down_in_memory_is_merge_range(tmp_path: Path) -> None:
    """Other forms share the two-row headers and write them with every cell in memory."""
    wb = xlsxwriter.Workbook(str(tmp_path / "h.xlsx"))
    ws = wb.add_worksheet()
    annex.merge_down(ws, 0, 0, "STT", None)
    ws.write_blank(1, 0, None, None)
    wb.close()
    assert sorted(map(str, openpyxl.load_workbook(tmp_path / "h.xlsx").active.merged_cells
                      .ranges)) == ["A1:A2"]
