"""The rows of a large block of `allocation.xlsx` written as the XML XlsxWriter itself writes
in constant-memory mode, a column at a time (about 0.3 µs a cell instead of 10): numbers, texts
and formulas whose values are all numbers are checked and styled with NumPy over the whole
column, and only a column that mixes kinds goes cell by cell. The rows go out in chunks, so
the XML of a block is never all in memory. Equivalence with the public API is tested
(tests/test_xlsx.py)."""

from __future__ import annotations

import functools
import re
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from kcopt.io.sheets import get_column_letter as column_letter
from kcopt.present.workbook.formats import WHOLE, plain, shown

StreamBook = Any  # workbook.base.StreamBook (imported from there, so not named here)
CHUNK = 4096  # rows built in memory at once
Cells = Sequence[Any] | np.ndarray  # a column's values: a list, or an array of numbers


@dataclass
class BlockColumn:
    """One column of `Book.block`: values (or formulas' expected values with `template`), a
    list or a NumPy array."""

    col: int
    values: Cells
    fmt: str | None = None
    template: Callable[[int], str | None] | None = None  # row → formula text (None: value)


def fast_rows_available(raw: Any) -> bool:
    """The XlsxWriter internals the fast rows rely on are there (else: the public API)."""
    return bool(getattr(raw, "constant_memory", False)) and all(
        hasattr(raw, a) for a in ("_write_single_row", "_check_dimensions",
                                  "_escape_control_characters", "fh", "previous_row", "table"))


_DEFLATE_LOCK = threading.Lock()


@contextmanager
def fast_deflate(level: int = 1) -> Iterator[None]:
    """XlsxWriter's zip at zlib level `level` while the block is open: it deflates at zlib's
    default, 6, which takes about 1.6 s of CPU for the 130 MB of XML of 50,000 projects; level
    1 takes 0.6 s for a file about a third larger (15 → 21 MB). The cells are the same. Without
    the module attribute this relies on (another XlsxWriter), the default level is kept."""
    import xlsxwriter.workbook as module

    with _DEFLATE_LOCK:
        original = getattr(module, "ZipFile", None)
        if original is not zipfile.ZipFile:
            yield
            return
        module.ZipFile = functools.partial(zipfile.ZipFile, compresslevel=level)
        try:
            yield
        finally:
            module.ZipFile = original


_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_PRESERVE = ' xml:space="preserve"'
_NEEDS_CARE = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_NUMBERS = {float, int}
_TEXTS = {str, type(None)}


def fast_rows(book: StreamBook, raw: Any, title: str, first: int, n: int,
              columns: Sequence[BlockColumn]) -> None:
    """The rows of a large block as the XML XlsxWriter itself writes in constant-memory mode,
    built a column at a time, `CHUNK` rows at once, and appended to the worksheet's row
    stream."""
    raw._write_single_row(first - 1)  # the rows above go out first, in order
    write = raw.fh.write
    for lo in range(0, n, CHUNK):
        rows = range(first + lo, first + min(n, lo + CHUNK))
        parts = [_column_xml(book, title, rows, c.values[lo:lo + len(rows)], c)
                 for c in columns]
        write("".join([f'<row r="{r}">{"".join(cells)}</row>'
                       for r, cells in zip(rows, zip(*parts, strict=True), strict=True)]))
    raw._check_dimensions(first + n - 2, min(c.col for c in columns) - 1)
    raw._check_dimensions(first + n - 2, max(c.col for c in columns) - 1)
    raw.previous_row = first + n - 2
    raw.table.clear()


class _Styles:
    """The `s="…"` attribute of a column's format, and of its twin for whole amounts."""

    def __init__(self, book: StreamBook, fmt: str | None):
        self.book, self.fmt = book, fmt
        self.cache: dict[str | None, str] = {}
        self.base = self.of_format(fmt)
        self.styled = book.format(fmt) is not None
        self.whole = self.of_format(WHOLE[fmt]) if fmt in WHOLE else self.base

    def of_format(self, fmt: str | None) -> str:
        if fmt not in self.cache:
            f = self.book.format(fmt)
            self.cache[fmt] = f' s="{f._get_xf_index()}"' if f is not None else ""
        return self.cache[fmt]

    def of(self, value: Any) -> str:  # a whole amount's format has no decimals (`shown`)
        return self.of_format(shown(self.fmt, value))

    def of_numbers(self, a: np.ndarray) -> list[str]:
        """Per finite number, as `of`: the whole twin when it is whole to the đồng."""
        if self.whole == self.base:
            return [self.base] * len(a)
        whole = np.abs(a - np.round(a)) < 5e-7
        return np.where(whole, self.whole, self.base).tolist()


def _column_xml(book: StreamBook, title: str, rows: range, values: Cells,
                c: BlockColumn) -> list[str]:
    """One column's cells of a chunk of rows in XML: numbers, plain texts, and formulas with
    numeric values a column at once; anything else a cell at a time."""
    letter = column_letter(c.col)
    styles = _Styles(book, c.fmt)
    if c.template is None:
        numbers = _as_numbers(values)
        if numbers is not None:
            return _number_cells(letter, rows, numbers, styles)
        listed = values.tolist() if isinstance(values, np.ndarray) else list(values)
        if set(map(type, listed)) <= _TEXTS:
            texts = _text_cells(letter, rows, listed, styles)
            if texts is not None:
                return texts
    else:
        formulas = _formula_cells(book, title, letter, rows, values, c.template, styles)
        if formulas is not None:
            return formulas
    return [_cell_xml(book, title, letter, r, plain(v), c, styles.of, styles.styled)
            for r, v in zip(rows, values, strict=True)]


def _as_numbers(values: Cells) -> np.ndarray | None:
    """The values as floats (NaN for a blank) when every one is a number or blank and none is
    infinite (written as text); else None."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        a = values.astype(float, copy=False)
    else:
        kinds = set(map(type, values))
        if not kinds <= _NUMBERS | {type(None)} or not kinds & _NUMBERS:
            return None
        a = np.array([np.nan if v is None else v for v in values], dtype=float) \
            if type(None) in kinds else np.asarray(values, dtype=float)
    return None if np.isinf(a).any() else a


def _number_cells(letter: str, rows: range, a: np.ndarray, styles: _Styles) -> list[str]:
    """Numbers (NaN: a blank cell), each distinct value (by its bits: -0.0 is written "-0")
    formatted once when they repeat."""
    bits, inverse = np.unique(a.view(np.int64), return_inverse=True)  # -0.0 is not 0.0
    uniq = bits.view(float)
    if 2 * len(uniq) > len(a):
        uniq, inverse = a, np.arange(len(a))
    blank = np.isnan(uniq)
    attrs = styles.of_numbers(np.where(blank, 0.5, uniq))
    tails = [f"{styles.base}/>" if b else f"{attr}><v>{v:.16G}</v></c>"
             for b, attr, v in zip(blank.tolist(), attrs, uniq.tolist(), strict=True)]
    out = [f'<c r="{letter}{r}"{tails[i]}' for r, i in zip(rows, inverse.ravel().tolist(),
                                                          strict=True)]
    if not styles.styled:  # an unstyled blank is no cell at all
        for i in np.flatnonzero(np.isnan(a)).tolist():
            out[i] = ""
    return out


def _text_cells(letter: str, rows: range, values: list[Any], styles: _Styles
                ) -> list[str] | None:
    """Texts (and blanks) that need no care (no control character, no `_xHHHH_`, no text over
    16,383 characters), a column at once, each distinct text escaped once; None if one
    needs care."""
    distinct = set(values)
    texts = [v for v in distinct if v is not None]
    joined = "\n".join(texts)
    if _needs_care(joined) or max(map(len, texts), default=0) > 16383:
        return None
    s = styles.base
    tails = {v: f'{s} t="inlineStr"><is><t{_PRESERVE if v != v.strip() else ""}>'
                f'{v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}'
                "</t></is></c>" for v in texts}
    tails[None] = f"{s}/>"
    styled = styles.styled
    return [f'<c r="{letter}{r}"{tails[v]}' if v is not None or styled else ""
            for r, v in zip(rows, values, strict=True)]


def _needs_care(text: str) -> bool:
    """A control character XlsxWriter escapes, or text that reads as an `_xHHHH_` escape."""
    return _CONTROL.search(text) is not None or (
        "_x" in text and _NEEDS_CARE.search(text) is not None)


def _formula_cells(book: StreamBook, title: str, letter: str, rows: range,
                   values: Cells, template: Callable[[int], str | None],
                   styles: _Styles) -> list[str] | None:
    """Formulas on every row with finite numbers as their values, a column at once (their
    expected values recorded); None otherwise."""
    vals = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if not set(map(type, vals)) <= _NUMBERS:
        return None
    a = np.asarray(vals, dtype=float)
    if not np.isfinite(a).all():
        return None
    formulas = [template(r) for r in rows]
    texts = [t for t in formulas if t is not None]
    if len(texts) < len(formulas):
        return None
    refs = [f"{letter}{r}" for r in rows]
    book.expected.update(zip([(title, ref) for ref in refs], vals, strict=True))
    return [f'<c r="{ref}"{attr}><f>'
            f'{t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}</f>'
            f"<v>{v}</v></c>"
            for ref, attr, t, v in zip(refs, styles.of_numbers(a), texts, vals, strict=True)]


def _cell_xml(book: StreamBook, title: str, letter: str, r: int, v: Any, c: BlockColumn,
              s_of: Callable[[Any], str], styled: bool) -> str:
    """One cell of a block in XML: a formula (its expected value recorded), a blank, a
    boolean, a number or a text."""
    from xlsxwriter.worksheet import Worksheet as XlsxSheet

    text = c.template(r) if c.template is not None else None
    if text is not None:
        book.expected[(title, f"{letter}{r}")] = v
        v = 0 if v is None else v
        t = ' t="str"' if isinstance(v, str) else ' t="b"' if isinstance(v, bool) else ""
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
