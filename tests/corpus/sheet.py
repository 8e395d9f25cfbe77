"""The pieces every published form shares, written with openpyxl: the title block (agency and
national motto in merged cells, title, decision line, unit line), a header of one or two rows
with merged parents, the body, the signature and the "Nguồn" cell naming the source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

MONEY = ("Tổng kinh phí", "Kinh phí khuyến công hỗ trợ", "Vốn đối ứng")
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(name="Times New Roman", bold=True)


@dataclass(frozen=True)
class Fact:
    """One project as published: `total_cost` None when the form states only the support."""

    name: str
    province: str
    category: str
    level: str
    total_cost: float | None
    requested: float
    establishments: int = 1


@dataclass
class CorpusFile:
    """A published plan rebuilt: its file name and format, the patterns its reading needs that
    other parts of issue #24 add (`needs`: "sections", "group_lines", "structure_rows",
    "dutoan", "gazetteer", "support_only"), its source, which of its figures are published,
    and the facts a reader must find."""

    name: str
    fmt: str  # "xlsx", "xls" or "ods": the format the test reads it in
    needs: list[str]
    source: str
    published: str  # which figures are the published ones
    facts: list[Fact]
    build: Callable[[Path], Path]
    not_projects: list[str] = field(default_factory=list)  # lines that must not be read as one
    total: float | None = None  # the published total support (million VND), where published


def title_block(ws: Worksheet, agency: tuple[str, str], title: str, decision: str, unit: str,
                width: int) -> int:
    """Rows 1–6 of a published annex; returns the first free row (8)."""
    half = max(width // 2, 2)
    for r, (left, right) in enumerate(zip(agency, ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                   "Độc lập - Tự do - Hạnh phúc"),
                                          strict=True), 1):
        ws.cell(r, 1, left).font = BOLD
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=half - 1)
        ws.cell(r, half, right).font = BOLD
        ws.merge_cells(start_row=r, start_column=half, end_row=r, end_column=width)
    ws.cell(4, 1, title).font = Font(name="Times New Roman", bold=True, size=14)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    if decision:
        ws.cell(5, 1, decision).font = Font(name="Times New Roman", italic=True)
        ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=width)
    ws.cell(6, width - 1, unit).font = Font(name="Times New Roman", italic=True)
    ws.merge_cells(start_row=6, start_column=width - 1, end_row=6, end_column=width)
    for r in range(1, 6):
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
    return 8


def header(ws: Worksheet, r: int, singles: list[str], parent: str | None = None,
           children: tuple[str, ...] = ()) -> int:
    """One header row of `singles`, or two rows when `parent` spans `children` (the singles
    merged down both rows); then the column-number row. Returns the first body row."""
    two = parent is not None
    for c, text in enumerate(singles, 1):
        ws.cell(r, c, text)
        if two:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    width = len(singles)
    if two:
        first = len(singles) + 1
        ws.cell(r, first, parent)
        ws.merge_cells(start_row=r, start_column=first, end_row=r,
                       end_column=first + len(children) - 1)
        for k, text in enumerate(children):
            ws.cell(r + 1, first + k, text)
        width += len(children)
    rows = (r, r + 1) if two else (r,)
    for rr in rows:
        for c in range(1, width + 1):
            ws.cell(rr, c).font = BOLD
            ws.cell(rr, c).border = BOX
            ws.cell(rr, c).alignment = Alignment(horizontal="center", vertical="center",
                                                 wrap_text=True)
    below = r + len(rows)
    for c in range(1, width + 1):
        ws.cell(below, c, f"({c})").alignment = Alignment(horizontal="center")
    return below + 1


def body(ws: Worksheet, r: int, rows: list[list[Any]], width: int,
         bold: Callable[[list[Any]], bool] = lambda v: False) -> int:
    """The rows from `r`, boxed; a row for which `bold(row)` holds in bold (sections, sums).
    Returns the next free row."""
    for values in rows:
        for c, v in enumerate(values, 1):
            ws.cell(r, c, v)
        for c in range(1, width + 1):
            ws.cell(r, c).border = BOX
            if bold(values):
                ws.cell(r, c).font = BOLD
        r += 1
    return r


def sign_and_cite(ws: Worksheet, r: int, width: int, signer: str, source: str) -> None:
    """The signature block, then the "Nguồn" cell (source and date) two rows below it."""
    ws.cell(r + 1, max(width - 2, 2), signer).font = BOLD
    ws.cell(r + 4, 1, "Nguồn: " + source)
    ws.column_dimensions["B"].width = 48


def is_heading(v: list[Any]) -> bool:
    """A section row (STT a letter or roman numeral) or a sum row ("TỔNG…", "CỘNG…"): bold."""
    first = str(v[0] or "")
    return first.isalpha() or str(v[1] or "").upper().startswith(("TỔNG", "CỘNG"))


def new_sheet(title: str) -> tuple[openpyxl.Workbook, Worksheet]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    return wb, ws
