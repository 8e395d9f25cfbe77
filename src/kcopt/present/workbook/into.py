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
from kcopt.io.formlayout import UNIT_NAMES

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from kcopt.io.formlayout import FormLayout, Section
    from kcopt.pipeline import Run
    from kcopt.present.workbook.base import Book


def write_form_into(book: Book, ws: Worksheet, run: Run, form: FormLayout,
                    header_rows: list[int]) -> int:
    """A "Đề xuất hỗ trợ" column (in the form's unit) and a note column beside the planner's
    rows; every section, district and subtotal row a SUBTOTAL over exactly its block.
    Returns the proposal's column (the first one kcopt fills)."""
    from openpyxl.styles import Alignment

    # start-up: openpyxl only when this runs
    from kcopt.present.workbook.edit import OpenpyxlSheet, free_column

    assert run.allocation is not None
    alloc = run.allocation
    scale = form.scale or 1.0
    unit = UNIT_NAMES.get(scale, UNIT_NAMES[1.0])
    blocks = form_blocks(form)
    end = max([*form.row_of.values(), *blocks, header_rows[-1]])
    col = free_column(ws, range(header_rows[0], end + 1))
    _proposal_headers(ws, header_rows, col, unit)
    fmt = "#,##0" if scale < 1 else "#,##0.0"
    ids = alloc["project_id"].astype(str)
    total = dict(zip(ids, alloc["total"].to_numpy(float), strict=True))
    status = dict(zip(ids, alloc["status"], strict=True))
    reason = dict(zip(ids, alloc["reason"], strict=True))
    value_at: dict[int, float] = {}
    sheet = OpenpyxlSheet(ws)
    for pid, r in form.row_of.items():
        if pid not in total:
            continue
        value_at[r] = total[pid] / scale
        book.put(sheet, r, col, value_at[r], fmt)
        _look(ws, r, col, ws.cell(r, col))
        book.put(sheet, r, col + 1, f"{STATUS_VI.get(status[pid], status[pid])}: "
                 f"{reason[pid]}")
        note = ws.cell(r, col + 1)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        _look(ws, r, col + 1, note)
    projects = set(form.row_of.values())
    for row, block in sorted(blocks.items()):
        runs = block_ranges(row, block, projects)
        expected = sum(value_at.get(r, 0.0) for r in block)
        if runs:
            book.formula(sheet, row, col, subtotal_formula(col, runs), expected, fmt)
        else:  # a section without projects: nothing to sum
            book.put(sheet, row, col, 0, fmt)
        cell = ws.cell(row, col)
        _look(ws, row, col, cell)
        cell.font = copy(ws.cell(row, col - 1).font)
        _look(ws, row, col + 1, ws.cell(row, col + 1))
    return col


def form_blocks(form: FormLayout) -> dict[int, list[int]]:
    """Every section, district, group and subtotal row of the form → the project rows it sums
    (its own and those of the sections inside it; all of them for a grand total)."""
    out: dict[int, list[int]] = {}

    def visit(node: Section) -> None:
        if node.row is not None:
            out[node.row] = node.all_projects()
        for child in node.children:
            visit(child)

    visit(form.root)
    for row, scope in form.subtotals.items():
        out[row] = scope.all_projects()
    return out


def block_ranges(row: int, block: list[int], projects: set[int]) -> list[tuple[int, int]]:
    """The row ranges that cover exactly `block`: a range runs on over section and subtotal
    rows (SUBTOTAL skips their SUBTOTALs) but never over a project outside the block or over
    the subtotal's own `row`.

    >>> block_ranges(17, [19, 20, 22], {19, 20, 22, 30})  # "Cộng A" above its block
    [(19, 22)]
    >>> block_ranges(21, [19, 20, 22], {19, 20, 21, 22})  # a foreign project at 21
    [(19, 20), (22, 22)]
    >>> block_ranges(5, [], {6})
    []
    """
    runs: list[tuple[int, int]] = []
    for r in sorted(set(block)):
        if runs and not any(x in projects or x == row for x in range(runs[-1][1] + 1, r)):
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


def subtotal_formula(col: int, runs: list[tuple[int, int]]) -> str:
    """`SUBTOTAL(9,Q19:Q22)`, or several ranges when the block is split.

    >>> subtotal_formula(17, [(19, 20), (22, 22)])
    'SUBTOTAL(9,Q19:Q20,Q22:Q22)'
    """
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(col)
    return "SUBTOTAL(9," + ",".join(f"{letter}{lo}:{letter}{hi}" for lo, hi in runs) + ")"


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


def _look(ws: Worksheet, row: int, col: int, cell: Any) -> None:
    neighbour = ws.cell(row, col - 1)
    if neighbour.has_style:
        cell.border = copy(neighbour.border)
        if cell.font is None or not cell.font.b:
            cell.font = copy(neighbour.font)
