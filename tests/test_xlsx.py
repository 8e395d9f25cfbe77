"""allocation.xlsx and the --into copy: structure, live formulas, reproducibility, the
planner's workbook left as it was — and every formula recalculated in LibreOffice."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.present.workbook.base import SHEETS
from kcopt.present.workbook.formats import MONEY, MONEY_WHOLE
from kcopt.present.workbook.xlsx import allocation_book, write_into
from spreadsheet import as_shared, error_cells, formula_cells, mismatches
from workbooks import GOVERNMENT_SCENARIO, government_form

runner = CliRunner()
DEMO = kcopt.demo_scenario_path()
SUMMARY_SHEETS = [SHEETS[k] for k in ("allocation", "province", "region", "category", "fund",
                                      "priority", "constraints", "reserve", "run", "warnings")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[kcopt.Run, Path]:
    out = tmp_path_factory.mktemp("demo-xlsx")
    run = kcopt.run(DEMO, out=out, plots=False)
    return run, out / "allocation.xlsx"


@pytest.fixture
def planner(tmp_path: Path) -> tuple[Path, Path]:
    """A government-style workbook and a scenario reading it."""
    form = government_form(tmp_path / "ke-hoach.xlsx")
    (tmp_path / "s.yaml").write_text(GOVERNMENT_SCENARIO.format(file=form.name),
                                     encoding="utf-8")
    return form, tmp_path / "s.yaml"


def test_allocation_workbook_sheets_headers_and_formats(demo: tuple[kcopt.Run, Path]) -> None:
    run, path = demo
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SUMMARY_SHEETS
    for ws in wb:
        assert ws["A1"].value
        assert ws["A3"].value and ws["A4"].value and ws["A3"].value != ws["A4"].value, ws.title
    ws = wb[SHEETS["allocation"]]
    vi = [c.value for c in ws[3]]
    en = [c.value for c in ws[4]]
    assert vi[:3] == ["Mã đề án", "Tên đề án", "Tỉnh/Thành phố"]
    assert en[:3] == ["Project ID", "Project name", "Province"]
    assert "Ghi chú" in vi  # the input's extra column is carried through
    assert ws.freeze_panes == "C5" and ws.auto_filter.ref.startswith("A4:")
    assert ws.print_title_rows == "$3:$4"
    col = {h: j + 1 for j, h in enumerate(en)}
    n = len(run.allocation)
    assert ws.cell(5 + n, 1).value == "Tổng cộng / Total"
    # Vietnamese-tagged formats (`workbook.formats`): a whole amount without decimals
    central = ws.cell(5, col["Central fund"])
    assert central.number_format == (MONEY_WHOLE if float(central.value).is_integer()
                                     else MONEY)
    assert ws.cell(5, col["Share of cap"]).number_format == "[$-42A]0.0%"
    assert ws.cell(5, col["Total support"]).value.startswith("=")
    assert ws.cell(5 + n, col["Central fund"]).value == f"=SUBTOTAL(9,J5:J{4 + n})"
    assert ws.column_dimensions["B"].width > 30
    frame = pd.read_csv(path.parent / "allocation.csv", dtype={"project_id": str})
    ids = [ws.cell(5 + i, 1).value for i in range(n)]
    assert ids == frame["project_id"].tolist()
    assert [ws.cell(5 + i, col["Central fund"]).value for i in range(n)] == pytest.approx(
        frame["central"].tolist())
    prov = wb[SHEETS["province"]]
    assert prov["C5"].value.startswith("=COUNTIFS('Phân bổ'!$C$5:$C$")
    assert prov["G5"].value.startswith("=SUMIFS('Phân bổ'!$J$5:")
    with zipfile.ZipFile(path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2  # by content type and by region, native Excel charts
        # native Excel bar charts (XlsxWriter writes the c: prefix, openpyxl none), stacked
        assert all(re.search(rb"<(c:)?barChart>", zf.read(c)) for c in charts)
        assert all(b'grouping val="stacked"' in zf.read(c) for c in charts)
    info = {r[0]: r[1] for r in wb[SHEETS["run"]].iter_rows(min_row=5, max_col=2,
                                                            values_only=True) if r[0]}
    prov_json = run.summary.provenance
    assert info["Bộ định mức / Rule-set version"] == prov_json.rules_version
    assert info["Bộ giải / Solver"].startswith("highs")
    assert any(k.startswith("Tệp đầu vào (SHA-256)") and v == prov_json.inputs_sha256[
        k.split(": ", 1)[1]] for k, v in info.items())


def test_workbook_is_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    a = kcopt.run(DEMO, out=tmp_path / "a", plots=False)
    kcopt.run(DEMO, out=tmp_path / "b", plots=False)
    first = (tmp_path / "a" / "allocation.xlsx").read_bytes()
    assert first == (tmp_path / "b" / "allocation.xlsx").read_bytes()
    assert a.summary.provenance.created == "2026-01-01T00:00:00Z"
    with zipfile.ZipFile(tmp_path / "a" / "allocation.xlsx") as zf:
        core = zf.read("docProps/core.xml").decode()
        assert core.count("2026-01-01T00:00:00Z") == 2  # created and modified
        assert len({i.date_time for i in zf.infolist()}) == 1  # one fixed time, not the clock


def test_into_adds_columns_beside_rows_and_keeps_the_original(planner: tuple[Path, Path]
                                                              ) -> None:
    form, scenario = planner
    before = form.read_bytes()
    mtime = form.stat().st_mtime_ns
    out = form.parent / "out"
    res = runner.invoke(app, ["solve", str(scenario), "-o", str(out), "--no-plots",
                              "--into", str(form)])
    assert res.exit_code == 0, res.output
    assert form.read_bytes() == before and form.stat().st_mtime_ns == mtime
    copy = out / "ke-hoach-kcopt.xlsx"
    assert "ke-hoach-kcopt.xlsx" in res.output and "original is unchanged" in res.output
    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames == ["Danh mục", "Ghi chú", *SUMMARY_SHEETS]
    ws = wb["Danh mục"]
    # two-row header: Vietnamese above, English beneath, right of the planner's last column
    assert ws["J5"].value == "Điểm ưu tiên" and ws["J6"].value == "Priority score"
    assert ws["L5"].value.startswith("Phân bổ trung ương")
    alloc = pd.read_csv(out / "allocation.csv", dtype={"project_id": str}).set_index(
        "project_id")
    for row, pid in ((9, "P-1"), (10, "P-2"), (11, "P-3"), (14, "P-4")):
        assert ws[f"B{row}"].value == pid
        assert ws[f"K{row}"].value == pytest.approx(alloc.loc[pid, "cap"])
        assert ws[f"L{row}"].value == pytest.approx(alloc.loc[pid, "central"])
        assert ws[f"M{row}"].value == pytest.approx(alloc.loc[pid, "local"])
        assert ws[f"N{row}"].value == f"=L{row}+M{row}"
    assert ws["K12"].value == "=SUBTOTAL(9,K9:K11)"  # the planner's group subtotal "Cộng I"
    assert ws["K15"].value == "=SUBTOTAL(9,K9:K14)"  # and their grand total
    assert ws["J8"].value is None and ws["J7"].value is None  # section and numbering rows
    link = wb[SHEETS["allocation"]]
    assert link["J5"].value == "='Danh mục'!$L$9"  # summaries follow edits in their rows
    # the planner's own cells are as they were: values, formulas, formats, merges, widths
    original = openpyxl.load_workbook(form)
    for name in original.sheetnames:
        old, new = original[name], wb[name]
        assert {str(r) for r in old.merged_cells.ranges} == {str(r) for r in
                                                             new.merged_cells.ranges}
        for row in old.iter_rows():
            for c in row:
                d = new[c.coordinate]
                assert (d.value, d.number_format) == (c.value, c.number_format), c
                for style in ("font", "fill", "border", "alignment", "protection"):
                    assert repr(getattr(d, style)) == repr(getattr(c, style)), (c, style)
        for key, dim in old.column_dimensions.items():
            assert new.column_dimensions[key].width == dim.width
        assert new.freeze_panes == old.freeze_panes


def test_into_refuses_what_it_cannot_use(planner: tuple[Path, Path], tmp_path: Path) -> None:
    form, scenario = planner
    out = tmp_path / "o"
    (tmp_path / "p.csv").write_text("a\n", encoding="utf-8")
    for target, needle in ((tmp_path / "p.csv", "--into needs an Excel workbook"),
                           (tmp_path / "nope.xlsx", "workbook for --into not found"),
                           (Path(__file__).parent / "data" / "encrypted.xlsx",
                            "password-protected")):
        res = runner.invoke(app, ["solve", str(scenario), "-o", str(out), "--into",
                                  str(target)])
        assert res.exit_code == 1 and needle in res.output, res.output
        assert "Traceback" not in res.output
    assert not out.exists()  # refused before anything was written
    run = kcopt.run(scenario)
    with pytest.raises(kcopt.InputError, match="overwrite the original"):
        write_into(run, form, form)


def test_into_a_workbook_with_colliding_sheet_names(planner: tuple[Path, Path]) -> None:
    form, scenario = planner
    wb = openpyxl.load_workbook(form)
    wb.create_sheet(SHEETS["allocation"])["A1"] = "the planner's own"
    wb.save(form)
    with zipfile.ZipFile(form, "a") as zf:  # a part the copy cannot carry
        zf.writestr("xl/slicers/slicer1.xml", "<slicers/>")
    run = kcopt.run(scenario)
    path, book, notes = write_into(run, form, form.parent / "copy.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb[SHEETS["allocation"]]["A1"].value == "the planner's own"
    assert f"{SHEETS['allocation']} (kcopt)" in wb.sheetnames
    assert any(k[0] == f"{SHEETS['allocation']} (kcopt)" for k in book.expected)
    assert any("slicers" in n.message for n in notes)


# --- LibreOffice: every formula recalculated and compared with kcopt's own values ----------------


def _check_in_libreoffice(libreoffice, workbooks: list[tuple[Path, dict]], tmp: Path,
                          ) -> tuple[int, float]:
    start = time.perf_counter()
    converted = libreoffice.recalc([p for p, _ in workbooks], tmp / "lo")
    seconds = time.perf_counter() - start
    checked = 0
    for (path, expected), result in zip(workbooks, converted, strict=True):
        ours = {k for k in formula_cells(path) if k[0] in {s for s, _ in expected}}
        assert ours == set(expected), f"{path.name}: formulas without an expected value"
        wb = openpyxl.load_workbook(result, data_only=True)
        assert not error_cells(wb), error_cells(wb)[:10]
        bad = mismatches(expected, wb)
        assert not bad, f"{path.name}: {len(bad)} formula(s) differ, e.g. {bad[:5]}"
        checked += len(expected)
    return checked, seconds


def test_demo_workbook_recalculates_in_libreoffice(libreoffice, demo: tuple[kcopt.Run, Path],
                                                   tmp_path: Path) -> None:
    run, path = demo
    book = allocation_book(run)
    checked, seconds = _check_in_libreoffice(libreoffice, [(path, book.expected)], tmp_path)
    assert checked > 3000
    wb = openpyxl.load_workbook(tmp_path / "lo" / path.name, data_only=True)
    ws = wb[SHEETS["allocation"]]
    row = 5 + len(run.allocation)
    totals = run.summary.totals
    for col, key in (("I", "demand"), ("J", "central"), ("K", "local"), ("L", "total")):
        assert ws[f"{col}{row}"].value == pytest.approx(getattr(totals, key), rel=1e-6)
    fund = wb[SHEETS["fund"]]
    assert fund["D5"].value == pytest.approx(totals.central, rel=1e-6)
    assert fund["C5"].value == run.summary.budgets.central
    print(f"\nLibreOffice: {checked} formula cells of allocation.xlsx match ({seconds:.1f} s)")


def test_into_copy_recalculates_in_libreoffice(libreoffice, planner: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    form, scenario = planner
    run = kcopt.run(scenario)
    path, book, _ = write_into(run, form, tmp_path / "copy.xlsx")
    expected = dict(book.expected)
    # the planner's own formulas, recalculated too: their SUMs skip amounts typed as text
    expected |= {("Danh mục", "F12"): 900, ("Danh mục", "G12"): 300,
                 ("Danh mục", "F15"): 900, ("Danh mục", "G15"): 700,
                 ("Ghi chú", "B1"): 700, ("Ghi chú", "B2"): 0.07}
    checked, seconds = _check_in_libreoffice(libreoffice, [(path, expected)], tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "lo" / path.name, data_only=True)
    assert wb["Danh mục"]["N15"].value == pytest.approx(run.summary.totals.total)
    assert wb[SHEETS["fund"]]["D7"].value == pytest.approx(run.summary.totals.total)
    print(f"\nLibreOffice: {checked} formula cells of the --into copy match ({seconds:.1f} s)")


def test_edit_in_planner_rows_flows_into_summaries(libreoffice, planner: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    """Live formulas: raise one project's central amount in the planner's sheet of the copy
    and every summary follows when the spreadsheet recalculates."""
    form, scenario = planner
    run = kcopt.run(scenario)
    path, _, _ = write_into(run, form, tmp_path / "copy.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Danh mục"]["L9"] = wb["Danh mục"]["L9"].value + 100
    wb.save(tmp_path / "edited.xlsx")
    (result,) = libreoffice.recalc([tmp_path / "edited.xlsx"], tmp_path / "lo")
    wb = openpyxl.load_workbook(result, data_only=True)
    central = run.summary.totals.central + 100
    assert wb[SHEETS["fund"]]["D5"].value == pytest.approx(central)
    assert wb[SHEETS["allocation"]][f"J{5 + len(run.allocation)}"].value == pytest.approx(
        central)
    lam_dong = next(r for r in wb[SHEETS["province"]].iter_rows(min_row=5, values_only=True)
                    if r[0] == "Lâm Đồng")
    expected = sum(v for p, v in zip(run.allocation["province"], run.allocation["central"],
                                     strict=True) if p == "Lâm Đồng") + 100
    assert lam_dong[6] == pytest.approx(expected)



def test_fast_rows_match_xlsxwriter_public_api(demo: tuple[kcopt.Run, Path], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The allocation rows are written as XML a column at a time; cell for cell, the workbook
    equals the one XlsxWriter's public API writes (values, formulas, formats, fonts)."""
    import dataclasses

    import kcopt.present.workbook.base as base
    from kcopt.present.workbook.allocation import write_allocation_xlsx

    run = dataclasses.replace(demo[0], allocation=demo[0].allocation.copy())
    run.allocation.loc[0, "name"] = " <b>&amp; lead\x01 space_x0041_ "  # escapes and controls
    fast = write_allocation_xlsx(run, tmp_path / "fast.xlsx")
    monkeypatch.setattr(base, "fast_rows_available", lambda raw: False)
    slow = write_allocation_xlsx(run, tmp_path / "slow.xlsx")
    a, b = openpyxl.load_workbook(fast), openpyxl.load_workbook(slow)
    assert a.sheetnames == b.sheetnames
    for ws in a:
        other = b[ws.title]
        assert ws.dimensions == other.dimensions, ws.title
        assert (ws.freeze_panes, ws.print_title_rows, ws.auto_filter.ref) == (
            other.freeze_panes, other.print_title_rows, other.auto_filter.ref), ws.title
        assert {k: d.width for k, d in ws.column_dimensions.items()} == {
            k: d.width for k, d in other.column_dimensions.items()}, ws.title
        assert {k: d.height for k, d in ws.row_dimensions.items()} == {
            k: d.height for k, d in other.row_dimensions.items()}, ws.title
        for row_a, row_b in zip(ws.iter_rows(), other.iter_rows(), strict=True):
            for x, y in zip(row_a, row_b, strict=True):  # the blocks' texts shared (as_shared)
                assert (x.value, x.data_type, x.number_format) == (
                    as_shared(y.value), y.data_type, y.number_format), x.coordinate
                assert [repr(s) for s in (x.font, x.fill, x.border, x.alignment)] == [
                    repr(s) for s in (y.font, y.fill, y.border, y.alignment)], x.coordinate
    assert a[SHEETS["allocation"]]["B5"].value.startswith(" <b>&amp; lead")
    with zipfile.ZipFile(fast) as zf:  # the rows went straight into the zip, cells without r=,
        assert '<c t="s">' in zf.read("xl/worksheets/sheet1.xml").decode()  # texts shared
