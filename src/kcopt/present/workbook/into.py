"""The proposal written back into a copy of the planner's own annex (`kcopt solve --into
FORM.xlsx`).

`write_form_into` fills a "Đề xuất hỗ trợ" column beside each project row of the planner's
annex (in the annex's own unit), makes every section, district and "Cộng …" row a SUBTOTAL over
its rows, and keeps the title block, merged cells, print set-up and other sheets as they were.
"""

from __future__ import annotations

from copy import copy
from typing import TYPE_CHECKING, Any

from kcopt.core.vocabulary import STATUS_VI

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from kcopt.io.form import FormLayout, Section
    from kcopt.pipeline import Run
    from kcopt.present.workbook.base import Book


def write_form_into(book: Book, ws: Worksheet, run: Run, form: FormLayout,
                    header_rows: list[int]) -> None:
    """A "Đề xuất hỗ trợ" column (in the form's unit) and a note column beside the planner's
    rows; every section, district and subtotal row a SUBTOTAL over the rows it covers."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    # start-up: openpyxl only when this runs
    from kcopt.present.workbook.edit import OpenpyxlSheet, free_column

    assert run.allocation is not None
    alloc = run.allocation
    scale = form.scale or 1.0
    unit = {1.0: "triệu đồng", 1e-6: "đồng", 1e-3: "nghìn đồng", 1e3: "tỷ đồng"}.get(
        scale, "triệu đồng")
    rows_all = [*form.row_of.values(), *form.subtotals, *_section_rows(form.root)]
    end = max([*rows_all, header_rows[-1]])
    col = free_column(ws, range(header_rows[0], end + 1))
    note_col = col + 1
    letter = get_column_letter(col)
    _proposal_headers(ws, header_rows, col, unit)
    fmt = "#,##0" if scale < 1 else "#,##0.0"
    total = dict(zip(alloc["project_id"].astype(str), alloc["total"].to_numpy(float),
                     strict=True))
    status = dict(zip(alloc["project_id"].astype(str), alloc["status"], strict=True))
    reason = dict(zip(alloc["project_id"].astype(str), alloc["reason"], strict=True))
    value_at: dict[int, float] = {}
    sheet = OpenpyxlSheet(ws)
    for pid, r in form.row_of.items():
        if pid not in total:
            continue
        v = total[pid] / scale
        value_at[r] = v
        book.put(sheet, r, col, v, fmt)
        cell = ws.cell(r, col)
        _look(ws, r, col, cell)
        book.put(sheet, r, note_col, f"{STATUS_VI.get(status[pid], status[pid])}: "
                 f"{reason[pid]}")
        note = ws.cell(r, note_col)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        _look(ws, r, note_col, note)

    def subtotal(row: int, lo: int, hi: int) -> None:
        expected = sum(v for r, v in value_at.items() if lo <= r <= hi)
        book.formula(sheet, row, col, f"SUBTOTAL(9,{letter}{lo}:{letter}{hi})", expected, fmt)
        cell = ws.cell(row, col)
        _look(ws, row, col, cell)
        cell.font = copy(ws.cell(row, col - 1).font)
        _look(ws, row, note_col, ws.cell(row, note_col))

    def visit(node: Section) -> None:
        if node.row is not None:
            covered = node.all_projects()
            hi = max([node.row + 1, *covered])
            subtotal(node.row, node.row + 1, hi)
        for child in node.children:
            visit(child)

    visit(form.root)
    first = min(rows_all)
    for row, scope in form.subtotals.items():
        lo = first if scope.row is None else scope.row + 1
        subtotal(row, lo, row - 1)


def _proposal_headers(ws: Worksheet, header_rows: list[int], col: int, unit: str) -> None:
    """The headings of the proposal and note columns, styled like the form's own, merged over
    its header rows, numbered when the form numbers its columns."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    # start-up: openpyxl only when this runs
    from kcopt.present.workbook.edit import KCOPT_FILL

    top = ws.cell(header_rows[0], col - 1)
    for c, text in ((col, f"Đề xuất hỗ trợ ({unit})"), (col + 1, "Ghi chú (kcopt)")):
        cell = ws.cell(header_rows[0], c, text)
        cell.font = copy(top.font) if top.has_style else Font(bold=True)
        cell.border = copy(top.border)
        cell.fill = KCOPT_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        if len(header_rows) > 1:
            ws.merge_cells(start_row=header_rows[0], start_column=c, end_row=header_rows[-1],
                           end_column=c)
    numbering = header_rows[-1] + 1
    left = ws.cell(numbering, col - 1).value
    if isinstance(left, str) and left.strip().startswith("("):
        ws.cell(numbering, col, f"({col})").alignment = Alignment(horizontal="center")
    ws.column_dimensions[get_column_letter(col)].width = 16
    ws.column_dimensions[get_column_letter(col + 1)].width = 45


def _section_rows(node: Section) -> list[int]:
    out = [node.row] if node.row is not None else []
    for c in node.children:
        out += _section_rows(c)
    return out


def _look(ws: Worksheet, row: int, col: int, cell: Any) -> None:
    neighbour = ws.cell(row, col - 1)
    if neighbour.has_style:
        cell.border = copy(neighbour.border)
        if cell.font is None or not cell.font.b:
            cell.font = copy(neighbour.font)
