"""A table's rows under its headings in a constant-memory XlsxWriter sheet: built as XML a
column at a time (`stream_xml`, as allocation.xlsx and the annex's lines) where the installed
XlsxWriter allows it, else cell by cell through its public API — the same cells either way
(tests/test_table_rows.py). A number is written to 10 significant digits (so repeated runs
give identical workbooks), an infinite one as the text "inf" or "-inf", a yes/no as a boolean,
anything else as text (never a formula); a blank (None, NaN) is left out. Every cell written
gets the one format given."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kcopt.present.workbook.stream_xml import (
    BlockColumn,
    Rows,
    fast_rows_available,
    form_styles,
    write_rows,
)


def _cell_value(v: Any) -> Any:
    """What a table's cell holds (not `facts.cell_value`, an annex fact's): None (left out), a
    bool, a float at 10 significant digits, or a text."""
    if v is None:
        return None
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | float | np.integer | np.floating):
        f = float(v)
        if math.isnan(f):
            return None
        return float(f"{f:.10g}") if math.isfinite(f) else ("inf" if f > 0 else "-inf")
    return str(v)


def write_table_rows(ws: Any, first: int, columns: Sequence[Sequence[Any]], fmt: Any) -> None:
    """`columns` (each one column's values, top to bottom, from column A) on the 0-based rows
    `first`, `first` + 1, … of `ws`, each cell as `_cell_value` gives it, in the format `fmt`."""
    cells = [[_cell_value(v) for v in column] for column in columns]
    n = len(cells[0]) if cells else 0
    if not n:
        return
    if fast_rows_available(ws):
        styles = form_styles(fmt, blanks=False)
        write_rows(ws, Rows("", first + 1, n, [BlockColumn(c + 1, col)
                                               for c, col in enumerate(cells)],
                            [styles] * len(cells)))
        return
    for r, row in enumerate(zip(*cells, strict=True), start=first):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(r, c, v, fmt)
            elif isinstance(v, float):
                ws.write_number(r, c, v, fmt)
            else:
                ws.write_string(r, c, v, fmt)
