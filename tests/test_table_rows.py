"""A table's rows written as XML a column at a time (`workbook.table_rows`) are the cells
XlsxWriter's public API writes for the same values — number for number, text for text, the
same format — and so are those of the cell-by-cell path kept for an XlsxWriter whose internals
differ; sensitivity.xlsx, written that way, holds what the sensitivity CSVs hold."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xlsxwriter

from kcopt.present.workbook import table_rows

COLUMNS = [
    [1.0, 2.5, None, float("nan"), np.float64(1 / 3), 123456789.123456789, -0.0, 7],
    ["a", " kept spaces ", "=HYPERLINK(\"x\")", "Đắk Lắk", "a & b < c", None, "1,5", "x"],
    [True, False, np.bool_(True), None, "có", 3, np.int64(4), float("inf")],
    [float("-inf"), 1e-12, 2e15, 0.1 + 0.2, np.nan, None, "no limit", 5.0],
]


def _public_api(path: Path) -> None:
    """The cells as XlsxWriter's public API writes them, one at a time (a workbook held in
    memory, not in constant-memory mode)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("t")
    fmt = wb.add_format({"num_format": "#,##0.##"})
    ws.write_string(0, 0, "head", fmt)
    for c, column in enumerate(COLUMNS):
        for r, v in enumerate(column, start=2):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            if isinstance(v, bool | np.bool_):
                ws.write_boolean(r, c, bool(v), fmt)
            elif isinstance(v, int | float | np.integer | np.floating):
                f = float(v)
                if math.isfinite(f):
                    ws.write_number(r, c, float(f"{f:.10g}"), fmt)
                else:
                    ws.write_string(r, c, "inf" if f > 0 else "-inf", fmt)
            else:
                ws.write_string(r, c, str(v), fmt)
    wb.close()


def _ours(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("t")
    fmt = wb.add_format({"num_format": "#,##0.##"})
    ws.write_string(0, 0, "head", fmt)
    table_rows.write_table_rows(ws, 2, COLUMNS, fmt)
    wb.close()


def _cells(path: Path) -> dict[tuple[int, int], tuple]:
    ws = openpyxl.load_workbook(path)["t"]
    return {(c.row, c.column): (c.value, type(c.value).__name__, c.data_type, c.number_format)
            for row in ws.iter_rows() for c in row if c.value is not None}


@pytest.mark.parametrize("fast", [True, False], ids=["xml", "cell by cell"])
def test_table_rows_are_the_public_apis_cells(tmp_path: Path, fast: bool,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    if not fast:
        monkeypatch.setattr(table_rows, "fast_rows_available", lambda ws: False)
    else:
        written = []
        real = table_rows.write_rows
        monkeypatch.setattr(table_rows, "write_rows",
                            lambda *a: (written.append(1), real(*a)))
    _public_api(tmp_path / "public.xlsx")
    _ours(tmp_path / "ours.xlsx")
    expected, got = _cells(tmp_path / "public.xlsx"), _cells(tmp_path / "ours.xlsx")
    assert got == expected
    assert len(got) == 1 + sum(v is not None and not (isinstance(v, float) and math.isnan(v))
                               for column in COLUMNS for v in column)
    if fast:
        assert written  # the XML path wrote them
    assert got[(5, 2)] == ("=HYPERLINK(\"x\")", "str", "s", "#,##0.##")  # never a formula
    assert got[(8, 1)] == (pytest.approx(123456789.1), "float", "n", "#,##0.##")


def test_sensitivity_workbook_holds_the_csvs_figures(tmp_path: Path) -> None:
    import pandas as pd

    import kcopt
    from kcopt.analysis.sensitivity import run_sensitivity
    from kcopt.analysis.sensitivity.suite import SHEETS
    from kcopt.outputs import write_sensitivity

    r = kcopt.run(kcopt.demo_scenario_path(), out=None)
    s = run_sensitivity(r.result, draws=20, seed=1)
    out = tmp_path / "out"
    out.mkdir()
    from kcopt.io import folders

    with folders.writing(out, folders.scenario_inputs(r.scenario), command="sensitivity") as f:
        write_sensitivity(s, r.result, f, plots=False)
    book = openpyxl.load_workbook(out / "sensitivity.xlsx", read_only=True)
    for name, df in s.tables().items():
        rows = list(book[SHEETS[name]].iter_rows(min_row=3, values_only=True))
        assert len(rows) == len(df), name
        csv = pd.read_csv(out / f"{name}.csv", keep_default_na=False)
        for c, col in enumerate(df.columns):
            if not pd.api.types.is_float_dtype(df[col]):
                continue
            for k, v in enumerate(df[col].tolist()):
                cell = rows[k][c] if c < len(rows[k]) else None
                if isinstance(v, float) and math.isfinite(v):
                    assert cell == pytest.approx(float(csv[col].iloc[k]), rel=1e-9), (name, col)
