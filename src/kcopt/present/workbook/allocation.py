"""`allocation.xlsx`, streamed with XlsxWriter in constant-memory mode: the sheets of
`workbook.sheets` and `workbook.info` written row by row, so 50,000 projects take seconds and
flat memory."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from kcopt.io.write import atomic_write
from kcopt.present.workbook.adjustment_sheet import adjustment_sheet
from kcopt.present.workbook.base import Book, Link, StreamBook, created_time
from kcopt.present.workbook.info import constraints_sheet, run_sheet
from kcopt.present.workbook.projects_sheet import allocation_sheet
from kcopt.present.workbook.reserve_sheet import reserve_sheet
from kcopt.present.workbook.sheets import (
    fund_sheet,
    group_sheet,
    priority_sheet,
    totals_of,
)
from kcopt.present.workbook.warnings_sheet import warnings_sheet

if TYPE_CHECKING:
    from kcopt.pipeline import Run


def write_allocation_xlsx(run: Run, path: Path) -> Path:
    """Write `allocation.xlsx` atomically; the same run always gives the same bytes."""

    def write(target: Path) -> None:
        book = StreamBook(target, created_time(run))
        allocation_book(run, book)
        book.close()

    return atomic_write(path, write)


def allocation_book(run: Run, book: Book | None = None, link: Link | None = None) -> Book:
    """Add the allocation, summary, constraint and run sheets to `book` (if None, a new
    workbook in memory, for its `expected` formula values)."""
    if book is None:
        book = StreamBook(io.BytesIO(), created_time(run))
    assert run.allocation is not None and run.constraints is not None
    totals = totals_of(run.allocation)
    refs = allocation_sheet(book, run, link)
    changes = getattr(run, "changes", None)  # a re-plan against an approved plan
    if changes is not None and len(changes):
        adjustment_sheet(book, run, changes)
    for key in ("province", "region", "category"):
        group_sheet(book, key, run, refs, totals)
    fund_sheet(book, run, refs, totals)
    priority_sheet(book, run, refs, totals)
    constraints_sheet(book, run.constraints)
    reserve_sheet(book, run)
    run_sheet(book, run, refs, totals)
    warnings_sheet(book, run)
    if hasattr(book, "wb") and hasattr(book.wb, "calculation"):  # openpyxl: recalculate on open
        book.wb.calculation.fullCalcOnLoad = True
    return book
