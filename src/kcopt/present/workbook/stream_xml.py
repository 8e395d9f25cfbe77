"""The rows of a large block of `allocation.xlsx` written as the XML XlsxWriter itself writes
in constant-memory mode, a column at a time (about 1 µs a cell instead of 10); equivalence with
the public API is tested (tests/test_xlsx.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kcopt.io.sheets import get_column_letter as column_letter
from kcopt.present.workbook.formats import plain, shown

StreamBook = Any  # workbook.base.StreamBook (imported from there, so not named here)


@dataclass
class BlockColumn:
    """One column of `Book.block`: values (or formulas' expected values with `template`)."""

    col: int
    values: Sequence[Any]
    fmt: str | None = None
    template: Callable[[int], str | None] | None = None  # row → formula text (None: value)


def fast_rows_available(raw: Any) -> bool:
    """The XlsxWriter internals the fast rows rely on are there (else: the public API)."""
    return bool(getattr(raw, "constant_memory", False)) and all(
        hasattr(raw, a) for a in ("_write_single_row", "_check_dimensions",
                                  "_escape_control_characters", "fh", "previous_row", "table"))


_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_PRESERVE = ' xml:space="preserve"'
_NEEDS_CARE = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")


def fast_rows(book: StreamBook, raw: Any, title: str, first: int, n: int,
              columns: Sequence[BlockColumn]) -> None:
    """The rows of a large block as the XML XlsxWriter itself writes in constant-memory mode,
    built a column at a time (about 1 µs a cell instead of 10) and appended to the worksheet's
    row stream. Equivalence with the public API is tested (tests/test_xlsx.py)."""
    raw._write_single_row(first - 1)  # the rows above go out first, in order
    rows = range(first, first + n)
    parts = [_column_xml(book, title, rows, c) for c in columns]
    write = raw.fh.write
    for r, row in zip(rows, zip(*parts, strict=True), strict=True):
        write(f'<row r="{r}">{"".join(row)}</row>')
    raw._check_dimensions(first + n - 2, min(c.col for c in columns) - 1)
    raw._check_dimensions(first + n - 2, max(c.col for c in columns) - 1)
    raw.previous_row = first + n - 2
    raw.table.clear()


def _column_xml(book: StreamBook, title: str, rows: range, c: BlockColumn) -> list[str]:
    """One column's cells of the block in XML: numbers, or text that needs no care, a column
    at once; formulas (their expected values recorded) and mixed values a cell at a time."""
    letter = column_letter(c.col)
    f = book.format(c.fmt)
    s_attr = f' s="{f._get_xf_index()}"' if f is not None else ""
    styles = {c.fmt: s_attr}

    def s_of(v: Any) -> str:  # a whole amount's format has no decimals (`formats.shown`)
        fmt = shown(c.fmt, v)
        if fmt not in styles:
            g = book.format(fmt)
            styles[fmt] = f' s="{g._get_xf_index()}"' if g is not None else ""
        return styles[fmt]

    values = [plain(v) for v in c.values]
    kinds = {type(v) for v in values}
    if c.template is None and kinds <= {float, int}:  # the common cases, a column at once
        return [f'<c r="{letter}{r}"{s_of(v)}><v>{v:.16G}</v></c>'
                for r, v in zip(rows, values, strict=True)]
    if c.template is None and kinds == {str} and not any(
            len(v) > 16383 or _NEEDS_CARE.search(v) for v in values):
        return [f'<c r="{letter}{r}"{s_attr} t="inlineStr"><is><t'
                f'{_PRESERVE if v != v.strip() else ""}>'
                f"{v.translate(_XML_ESCAPE)}</t></is></c>"
                for r, v in zip(rows, values, strict=True)]
    return [_cell_xml(book, title, letter, r, v, c, s_of, f is not None)
            for r, v in zip(rows, values, strict=True)]


def _cell_xml(book: StreamBook, title: str, letter: str, r: int, v: Any, c: BlockColumn,
              s_of: Callable[[Any], str], styled: bool) -> str:
    """One cell of a block in XML: a formula (its expected value recorded), a blank, a
    boolean, a number or a text."""
    from xlsxwriter.worksheet import Worksheet as XlsxSheet

    text = c.template(r) if c.template is not None else None
    if text is not None:
        book.expected[(title, f"{letter}{r}")] = v
        v = 0 if v is None else v
        t = ' t="str"' if isinstance(v, str) else ""
        value = str(v).translate(_XML_ESCAPE) if isinstance(v, str) else (
            int(v) if isinstance(v, bool) else v)
        return (f'<c r="{letter}{r}"{s_of(v)}{t}><f>'
                f"{text.translate(_XML_ESCAPE)}</f><v>{value}</v></c>")
    if v is None:
        return f'<c r="{letter}{r}"{s_of(v)}/>' if styled else ""
    if isinstance(v, bool):
        return f'<c r="{letter}{r}"{s_of(v)} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f'<c r="{letter}{r}"{s_of(v)}><v>{v:.16G}</v></c>'
    v = str(v)
    if len(v) > 16383 or _NEEDS_CARE.search(v):
        v = XlsxSheet._escape_control_characters(_utf16_cut(v))
    keep = _PRESERVE if v != v.strip() else ""
    return (f'<c r="{letter}{r}"{s_of(v)} t="inlineStr"><is><t{keep}>'
            f"{v.translate(_XML_ESCAPE)}</t></is></c>")


def _utf16_cut(text: str) -> str:
    """At most 32,767 UTF-16 units, Excel's limit for a cell, as XlsxWriter cuts it."""
    try:
        from xlsxwriter.worksheet import _utf16_len, _utf16_truncate
    except ImportError:  # older XlsxWriter: count code points
        return text[:32767]
    return _utf16_truncate(text, 32767) if _utf16_len(text) > 32767 else text
