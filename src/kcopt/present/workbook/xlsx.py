"""The planner's workbook: `allocation.xlsx` (written by `workbook.allocation`, re-exported
here), and the same sheets written into a copy of the planner's own workbook (`kcopt solve
--into drafting.xlsx`).

`allocation.xlsx` holds the allocation (every project: cap, central, local, total, status,
reason, its inputs — so that the sheet reads back as the project list, `workbook.projects_sheet`
— and the priority criteria behind its score), summaries by province, region, content
type, fund and priority, the constraints with their shadow prices and run information, with
Vietnamese headers and English beneath; totals and shares are live formulas (`workbook.sheets`).

`write_into` copies the planner's workbook, adds the allocation columns beside their own rows
(and SUBTOTAL formulas in their subtotal rows), and appends the summary sheets; the appended
allocation sheet reads central and local from the planner's rows, so an edit there flows into
every summary. Their other sheets, formulas and formatting are left as they are; the original
file is only ever read.
"""

from __future__ import annotations

import re
import zipfile
from copy import copy
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kcopt.core.errors import InputError, Problem
from kcopt.core.limits import check_input_path
from kcopt.core.text import fold
from kcopt.core.vocabulary import STATUS_VI, canonical_column
from kcopt.core.vocabulary import is_header as _is_header
from kcopt.core.words import _
from kcopt.io.form import adapt
from kcopt.io.read import read_table
from kcopt.io.sheets import check_workbook_file, check_workbook_parts
from kcopt.io.write import atomic_write
from kcopt.present.workbook.allocation import allocation_book, write_allocation_xlsx
from kcopt.present.workbook.base import (
    MONEY,
    PERCENT,
    SCORE,
    Book,
    Link,
    created_time,
)
from kcopt.present.workbook.edit import (
    KCOPT_FILL,
    OpenpyxlBook,
    OpenpyxlSheet,
    free_column,
    save_reproducibly,
    saved_values,
)
from kcopt.present.workbook.into import write_form_into

if TYPE_CHECKING:
    from kcopt.io.formlayout import FormLayout
    from kcopt.pipeline import Run

__all__ = ["Book", "allocation_book", "check_into", "write_allocation_xlsx", "write_into"]

# the columns added beside the planner's rows: key, Vietnamese, English, number format, width
INTO_COLUMNS = [
    ("score", "Điểm ưu tiên", "Priority score", SCORE, 10),
    ("cap", "Mức hỗ trợ tối đa (triệu đồng)", "Support cap (million VND)", MONEY, 14),
    ("central", "Phân bổ trung ương (triệu đồng)", "Central allocated (million VND)", MONEY, 14),
    ("local", "Phân bổ địa phương (triệu đồng)", "Local allocated (million VND)", MONEY, 14),
    ("total", "Tổng phân bổ (triệu đồng)", "Total allocated (million VND)", MONEY, 14),
    ("fraction", "Tỷ lệ so với mức tối đa", "Share of cap", PERCENT, 11),
    ("status", "Tình trạng", "Status", None, 18),
    ("reason", "Lý do", "Reason", None, 60),
]
_GRAND = re.compile(r"^(tong|total|grand)")
_UNSUPPORTED = [
    ("xl/slicers", "slicers"), ("xl/timelines", "timelines"), ("xl/ctrlProps", "form controls"),
    ("xl/activeX", "ActiveX controls"), ("xl/embeddings", "embedded objects"),
]
_EXTENSIONS = [
    (b"x14:dataValidation", "drop-down lists stored as Excel 2010 extensions"),
    (b"x14:conditionalFormatting", "Excel 2010 conditional formats (data bars, icon sets)"),
    (b"x14:sparklineGroup", "sparklines"),
]


def check_into(source: Path) -> None:
    """Refuse, before solving, a workbook `--into` cannot use."""
    if not source.exists():
        raise InputError([Problem(str(source), "workbook for --into not found", "Check the path")])
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError([Problem(str(source), _(
            "--into needs an Excel workbook (.xlsx); got '{suffix}'").format(
                suffix=source.suffix), "Save the project list as .xlsx, or "
                                  "leave out --into and use allocation.xlsx")])
    check_input_path(source, "bảng tính --into")
    check_workbook_file(source)
    check_workbook_parts(source)  # the limits: it is loaded whole to be copied


def into_target(source: Path, out: Path) -> Path:
    """`<out>/<stem>-kcopt.xlsx`: where the copy of `source` goes."""
    return out / f"{source.stem}-kcopt{source.suffix.lower()}"


def write_into(run: Run, source: Path, target: Path) -> tuple[Path, Book, list[Problem]]:
    """Copy `source` to `target` with the allocation beside the planner's rows and the summary
    sheets appended. `source` is only read. Returns the path, the book and warnings."""
    check_into(source)
    if target.resolve() == source.resolve():
        raise InputError([Problem(str(source), "the copy would overwrite the original workbook",
                                  "Write the outputs to another folder (-o)")])
    assert run.allocation is not None
    same = source.resolve() == run.projects.path.resolve()
    raw = read_table(source, run.projects.sheet if same else None, _is_header, canonical_column)

    raw, form = adapt(raw, run.scenario.province)
    if form.is_form:  # an official annex: the proposal beside its rows, live section totals
        return _into_form(run, source, target, raw.sheet, raw.header_rows, form)
    id_header = next((h for h in raw.frame.columns if canonical_column(h) == "project_id"), None)
    if id_header is None:
        raise InputError([Problem(str(source), "no project id column (Mã đề án) in the table",
                                  "--into matches rows by project id", sheet=raw.sheet)])
    warnings: list[Problem] = []
    row_of: dict[str, int] = {}
    for pid, row in zip(raw.frame[id_header].str.strip(), raw.file_rows, strict=True):
        row_of.setdefault(pid, row)
    ids = run.allocation["project_id"].astype(str).tolist()
    rows = {i: row_of[pid] for i, pid in enumerate(ids) if pid in row_of}
    missing = [pid for pid in ids if pid not in row_of]
    if missing:
        warnings.append(Problem(
            str(source), f"{len(missing)} project(s) of the allocation are not in this sheet ("
            + ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "") + "); they are only "
            "in the appended sheets", sheet=raw.sheet, severity="warning"))
    keep_vba = source.suffix.lower() == ".xlsm"
    try:
        wb = openpyxl.load_workbook(source, keep_vba=keep_vba, rich_text=True)
    except Exception as exc:  # openpyxl raises many types on odd workbooks
        raise InputError([Problem(str(source), _(
            "cannot open the workbook for writing ({kind}: {error})").format(
                kind=type(exc).__name__, error=exc),
                                  "Re-save it from Excel or LibreOffice as .xlsx")]) from None
    warnings += _losses(source)
    ws = wb[raw.sheet] if raw.sheet else wb.worksheets[0]
    book = OpenpyxlBook(wb)
    link, first = _add_columns(book, ws, run, raw.header_rows, rows, raw.skipped)
    allocation_book(run, book, link)
    cached = {**saved_values(source, wb, first), **book.expected}
    path = atomic_write(target, lambda p: save_reproducibly(wb, p, created_time(run),
                                                            keep_created=True, cached=cached))
    return path, book, warnings


def _into_form(run: Run, source: Path, target: Path, sheet: str | None,
               header_rows: list[int], form: FormLayout) -> tuple[Path, Book, list[Problem]]:
    assert run.allocation is not None
    warnings: list[Problem] = []
    missing = [p for p in run.allocation["project_id"].astype(str) if p not in form.row_of]
    if missing:
        warnings.append(Problem(
            str(source), f"{len(missing)} đề án của phương án không có trong biểu này ("
            + ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "") + "); chúng chỉ có "
            "trong các trang kcopt thêm vào", sheet=sheet, severity="warning"))
    wb = _open_for_writing(source)
    warnings += _losses(source)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    book = OpenpyxlBook(wb)
    first = write_form_into(book, ws, run, form, header_rows)
    allocation_book(run, book)
    cached = {**saved_values(source, wb, first), **book.expected}
    path = atomic_write(target, lambda p: save_reproducibly(wb, p, created_time(run),
                                                            keep_created=True, cached=cached))
    return path, book, warnings


def _open_for_writing(source: Path) -> Workbook:
    keep_vba = source.suffix.lower() == ".xlsm"
    try:
        return openpyxl.load_workbook(source, keep_vba=keep_vba, rich_text=True)
    except Exception as exc:  # openpyxl raises many types on odd workbooks
        raise InputError([Problem(str(source), _(
            "cannot open the workbook for writing ({kind}: {error})").format(
                kind=type(exc).__name__, error=exc),
                                  "Re-save it from Excel or LibreOffice as .xlsx")]) from None


def _add_columns(book: Book, ws: Worksheet, run: Run, header_rows: list[int],
                 rows: dict[int, int], skipped: dict[int, str]) -> tuple[Link, int]:
    """The allocation's columns beside the planner's rows; the link the summary sheets read
    them through, and the first column written."""
    assert run.allocation is not None
    alloc = run.allocation
    table_rows = range(header_rows[0], max([*rows.values(), *skipped, header_rows[-1]]) + 1)
    start = free_column(ws, table_rows)
    letters = {key: get_column_letter(start + k) for k, (key, *_r) in enumerate(INTO_COLUMNS)}
    last_header = ws.cell(header_rows[-1], start - 1) if start > 1 else None
    for k, (_key, vi, en, _fmt, width) in enumerate(INTO_COLUMNS):
        col = start + k
        cells = ([ws.cell(header_rows[0], col, vi), ws.cell(header_rows[-1], col, en)]
                 if len(header_rows) > 1 else [ws.cell(header_rows[0], col, f"{vi}\n({en})")])
        for cell in cells:
            if last_header is not None and last_header.has_style:
                cell.font, cell.border = copy(last_header.font), copy(last_header.border)
            cell.fill = KCOPT_FILL
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    L = letters
    sh = OpenpyxlSheet(ws)
    central = alloc["central"].to_numpy(float)
    local = alloc["local"].to_numpy(float)
    cap = alloc["cap"].to_numpy(float)
    for i, r in rows.items():
        rec = alloc.iloc[i]
        values = {"score": rec["score"], "cap": cap[i], "central": central[i],
                  "local": local[i], "status": STATUS_VI.get(rec["status"], rec["status"]),
                  "reason": rec["reason"]}
        for k, (key, _vi, _en, fmt, _w) in enumerate(INTO_COLUMNS):
            col = start + k
            if key == "total":
                book.formula(sh, r, col, f"{L['central']}{r}+{L['local']}{r}",
                             central[i] + local[i], fmt)
            elif key == "fraction":
                book.formula(sh, r, col, f"IF({L['cap']}{r}>0,{L['total']}{r}/{L['cap']}{r},0)",
                             (central[i] + local[i]) / cap[i] if cap[i] > 0 else 0.0, fmt)
            else:
                book.put(sh, r, col, values[key], fmt)
            neighbour = ws.cell(r, start - 1) if start > 1 else None
            if neighbour is not None and neighbour.has_style:
                ws.cell(r, col).border = copy(neighbour.border)
    _subtotals(book, ws, run, rows, skipped, letters)
    return Link(ws.title, rows, letters["central"], letters["local"]), start


def _subtotals(book: Book, ws: Worksheet, run: Run, rows: dict[int, int],
               skipped: dict[int, str], letters: dict[str, str]) -> None:
    """SUBTOTAL formulas in the planner's own subtotal rows: a group's rows since the previous
    subtotal, or every project row for a grand total (SUBTOTAL skips nested SUBTOTALs)."""
    assert run.allocation is not None
    if not rows:
        return
    alloc = run.allocation
    sh = OpenpyxlSheet(ws)
    first, last = min(rows.values()), max(rows.values())
    by_row = {r: i for i, r in rows.items()}
    marks = sorted(r for r, why in skipped.items() if why == "subtotal")
    previous = first - 1
    start = ws[f"{letters['score']}1"].column
    for s in marks:
        label = next((fold(str(c.value)) for c in ws[s] if c.value is not None
                      and str(c.value).strip() and not str(c.value).startswith("=")), "")
        grand = s < first or bool(_GRAND.match(label)) or (
            s > last and s == marks[-1] and len(marks) > 1)
        lo, hi = (first, last) if grand else (previous + 1, s - 1)
        previous = s
        inside = [by_row[r] for r in range(lo, hi + 1) if r in by_row]
        sums = {key: float(alloc[key].iloc[inside].sum()) for key in ("cap", "central", "local")}
        sums["total"] = sums["central"] + sums["local"]
        for key in ("cap", "central", "local", "total"):
            c = letters[key]
            col = ws[f"{c}1"].column
            book.formula(sh, s, col, f"SUBTOTAL(9,{c}{lo}:{c}{hi})", sums[key], MONEY)
        col = ws[f"{letters['fraction']}1"].column
        book.formula(sh, s, col, f"IF({letters['cap']}{s}>0,{letters['total']}{s}/"
                     f"{letters['cap']}{s},0)",
                     sums["total"] / sums["cap"] if sums["cap"] > 0 else 0.0, PERCENT)
        neighbour = ws.cell(s, start - 1) if start > 1 else None
        if neighbour is not None and neighbour.has_style:  # their subtotal row's look
            for k in range(len(INTO_COLUMNS)):
                ws.cell(s, start + k).font = copy(neighbour.font)
                ws.cell(s, start + k).border = copy(neighbour.border)


def _losses(source: Path) -> list[Problem]:
    """What the copy cannot carry (openpyxl drops it), said before the planner finds out."""
    found: list[str] = []
    with zipfile.ZipFile(source) as zf:
        names = zf.namelist()
        drawings = [n for n in names if n.startswith("xl/drawings/") and n.endswith(".xml")]
        if any(re.search(rb"<(?:\w+:)?(?:sp|grpSp|cxnSp)\b", zf.read(n)) for n in drawings):
            found.append("shapes and text boxes")
        found += [what for prefix, what in _UNSUPPORTED if any(n.startswith(prefix)
                                                               for n in names)]
        sheets = [zf.read(n) for n in names if n.startswith("xl/worksheets/sheet")]
        found += [what for tag, what in _EXTENSIONS if any(tag in x for x in sheets)]
    if not found:
        return []
    return [Problem(str(source), "the copy does not carry the workbook's "
                    + ", ".join(found) + " (the spreadsheet library cannot write them back)",
                    "They are still in the original, which kcopt never modifies",
                    severity="warning")]
