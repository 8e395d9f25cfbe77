"""The "Cảnh báo" sheet of `allocation.xlsx`: one row per warning of the run (summary.json's
`warnings`), its kind in words, how many of that kind, where it is and what it says, in the
language in use; the console shows one line per kind and points here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kcopt.analysis.warned import warning_rows
from kcopt.present.workbook.base import COUNT, MONEY, Book, Column, heading, table

if TYPE_CHECKING:
    from kcopt.pipeline import Run


def warnings_sheet(book: Book, run: Run) -> None:
    """One row per warning: kind, how many warnings of that kind, where, the message, the
    money it is about (million VND) when it is about money. No sheet when there is none."""
    s = run.summary
    if s is None or not s.warnings:
        return
    rows = warning_rows([w if isinstance(w, dict) else {"message": str(w)} for w in s.warnings])
    ws = book.sheet("warnings")
    cols = [Column("no", "STT", "No.", COUNT, 6),
            Column("kind", "Loại cảnh báo", "Kind", None, 24),
            Column("count", "Số cảnh báo cùng loại", "Warnings of this kind", COUNT, 11),
            Column("where", "Vị trí", "Where", None, 40),
            Column("message", "Nội dung cảnh báo", "Message", None, 100),
            Column("amount", "Số tiền liên quan", "Amount concerned", MONEY, 14)]
    heading(ws, run, "CẢNH BÁO CỦA LẦN CHẠY", "Warnings of the run", cols)
    values = [list(range(1, len(rows) + 1)), *map(list, zip(*rows, strict=True))]
    table(book, ws, cols, {c.key: v for c, v in zip(cols, values, strict=True)}, freeze="C")
