"""The "Điều chỉnh" sheet of `allocation.xlsx`: what changed against the approved plan, one row
per project and fund whose amount changed (approved, adjusted, the difference as a formula,
the reason), the totals of the three amounts as live SUM formulas, each fund's as SUMIF, and
the count of projects kept as approved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from kcopt.core.vocabulary import FUND_VI
from kcopt.present.workbook.adjustment import changed_lines, unchanged_projects
from kcopt.present.workbook.base import (
    COUNT,
    EN_ROW,
    FIRST_ROW,
    MONEY,
    STRONG,
    VI_ROW,
    Book,
    Column,
    heading,
    total_style,
)
from kcopt.present.workbook.formats import SIGNED

if TYPE_CHECKING:
    from kcopt.pipeline import Run

COLUMNS = [Column("project_id", "Mã đề án", "Project ID", None, 12),
           Column("name", "Tên đề án", "Project", None, 40),
           Column("province", "Tỉnh/Thành phố", "Province", None, 16),
           Column("fund", "Nguồn vốn", "Fund", None, 18),
           Column("before", "Kinh phí đã phê duyệt", "Approved", MONEY, 15),
           Column("after", "Kinh phí điều chỉnh", "Adjusted", MONEY, 15),
           Column("change", "Chênh lệch tăng (+), giảm (−)", "Change (+/−)", SIGNED, 15),
           Column("reason", "Lý do điều chỉnh", "Reason", None, 60)]
BEFORE, AFTER, CHANGE = 5, 6, 7  # 1-based columns of the amounts (E, F, G)
FUND_ORDER = {"central": 0, "local": 1}


def adjustment_sheet(book: Book, run: Run, changes: pd.DataFrame) -> None:
    """The sheet, after the allocation sheet; its totals' rows are kcopt's `Book.expected`."""
    ws = book.sheet("adjustment")
    heading(ws, run, "ĐIỀU CHỈNH SO VỚI KẾ HOẠCH ĐÃ PHÊ DUYỆT",
            "Changes against the approved plan", COLUMNS)
    lines = changed_lines(changes, run.allocation)
    lines = lines.assign(_order=lines["fund"].map(FUND_ORDER).fillna(2)).sort_values(
        ["_order", "province", "project_id"], kind="stable").reset_index(drop=True)
    records: list[Any] = list(lines.itertuples(index=False))
    for i, rec in enumerate(records):
        r = FIRST_ROW + i
        book.put(ws, r, 1, str(rec.project_id))
        book.put(ws, r, 2, str(rec.name))
        book.put(ws, r, 3, str(rec.province))
        book.put(ws, r, 4, FUND_VI.get(str(rec.fund), str(rec.fund)))
        book.put(ws, r, BEFORE, float(rec.before), MONEY)
        book.put(ws, r, AFTER, float(rec.after), MONEY)
        book.formula(ws, r, CHANGE, f"F{r}-E{r}", float(rec.after) - float(rec.before), SIGNED)
        book.put(ws, r, 8, "" if pd.isna(rec.reason) else str(rec.reason))
    first, last = FIRST_ROW, FIRST_ROW + len(lines) - 1
    end = _totals(book, ws, lines, first, last)
    book.put(ws, end + 2, 1, "Số đề án giữ nguyên kinh phí đã phê duyệt / Projects kept as "
             "approved", style=STRONG)
    book.put(ws, end + 2, BEFORE, unchanged_projects(changes, run.allocation), COUNT)
    ws.layout({j: c.width for j, c in enumerate(COLUMNS, 1)}, (FIRST_ROW, 3),
              (EN_ROW, 1, max(last, EN_ROW + 1), len(COLUMNS)), (VI_ROW, EN_ROW),
              (end + 2, len(COLUMNS)))


def _totals(book: Book, ws: Any, lines: pd.DataFrame, first: int, last: int) -> int:
    """"Tổng cộng" (SUM of each amount) and a row per fund (SUMIF on the fund column) below
    the lines; the last of those rows."""
    r = last + 1
    book.put(ws, r, 1, "Tổng cộng / Total")
    sums = {BEFORE: float(lines["before"].sum()), AFTER: float(lines["after"].sum())}
    sums[CHANGE] = sums[AFTER] - sums[BEFORE]
    for col, letter in ((BEFORE, "E"), (AFTER, "F"), (CHANGE, "G")):
        fmt = SIGNED if col == CHANGE else MONEY
        if lines.empty:  # no line: nothing to sum
            book.put(ws, r, col, 0.0, fmt)
        else:
            book.formula(ws, r, col, f"SUM({letter}{first}:{letter}{last})", sums[col], fmt)
    total_style(ws, r, len(COLUMNS))
    for k, fund in enumerate(("central", "local"), 1):
        fr = r + k
        part = lines[lines["fund"] == fund]
        book.put(ws, fr, 1, "Trong đó / of which")
        book.put(ws, fr, 4, FUND_VI[fund])
        values = {BEFORE: float(part["before"].sum()), AFTER: float(part["after"].sum())}
        values[CHANGE] = values[AFTER] - values[BEFORE]
        for col, letter in ((BEFORE, "E"), (AFTER, "F"), (CHANGE, "G")):
            fmt = SIGNED if col == CHANGE else MONEY
            if lines.empty:
                book.put(ws, fr, col, 0.0, fmt)
            else:
                book.formula(ws, fr, col, f"SUMIF($D${first}:$D${last},D{fr},"
                             f"{letter}${first}:{letter}${last})", values[col], fmt)
    return r + 2
