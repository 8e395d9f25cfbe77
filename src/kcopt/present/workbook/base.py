"""Building blocks of the planner's workbooks: formats and styles, bilingual header rows, and
a `Book` that records the value kcopt expects of every formula it writes.

Two backends share the sheet code (`workbook.sheets`): `StreamBook` writes a new workbook with
XlsxWriter in constant-memory mode, row by row (allocation.xlsx: 50,000 projects in seconds,
flat memory), and `workbook.edit.OpenpyxlBook` adds the same sheets to a copy of the planner's
own workbook (`--into`), which only openpyxl can edit. Styles are plain dicts in XlsxWriter's
format vocabulary; the openpyxl backend translates them.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kcopt.core.vocabulary import MILLION_VND

if TYPE_CHECKING:
    from kcopt.pipeline import Run

MONEY = "#,##0.0"
PERCENT = "0.0%"
COUNT = "#,##0"
SCORE = "0.0000"
PRICE = "0.000000"
TITLE_ROW, NOTE_ROW, VI_ROW, EN_ROW, FIRST_ROW = 1, 2, 3, 4, 5
SHEETS = {"allocation": "Phân bổ", "province": "Theo tỉnh", "region": "Theo vùng",
          "category": "Theo nội dung", "fund": "Theo nguồn vốn", "priority": "Theo ưu tiên",
          "constraints": "Ràng buộc", "run": "Thông tin chạy"}
Style = dict[str, Any]
_BOX: Style = {"border": 1, "border_color": "#A6A6A6", "text_wrap": True, "valign": "vcenter",
               "align": "center", "bg_color": "#DDEBF7"}
HEADER_VI: Style = {**_BOX, "bold": True}
HEADER_EN: Style = {**_BOX, "italic": True, "font_color": "#595959"}
TITLE: Style = {"bold": True, "font_size": 13}
SECTION: Style = {"bold": True, "font_size": 12}
NOTE: Style = {"italic": True, "font_color": "#595959"}
STRONG: Style = {"bold": True}
TOTAL: Style = {"bold": True, "bg_color": "#F2F2F2", "top": 1}
MONO: Style = {"font_name": "Courier New"}
LEFT: Style = {"align": "left"}
Value = float | int | str


def quote_sheetname(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def column_letter(col: int) -> str:
    """1-based column number → letters."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Column:
    key: str
    vi: str
    en: str
    fmt: str | None = None
    width: float = 12


@dataclass
class Link:
    """Where each project's central and local amounts live in the planner's sheet (--into)."""

    sheet: str
    rows: dict[int, int]  # project position → row in the planner's sheet
    central: str  # column letters
    local: str


@dataclass
class AllocationRefs:
    sheet: str
    first: int
    last: int
    total_row: int
    letters: dict[str, str]

    def rng(self, key: str) -> str:
        c = self.letters[key]
        return f"{quote_sheetname(self.sheet)}!${c}${self.first}:${c}${self.last}"

    def total(self, key: str) -> str:
        return f"{quote_sheetname(self.sheet)}!${self.letters[key]}${self.total_row}"


@dataclass
class BarChart:
    """A stacked bar (or column) chart over rows `first`..`last` of its sheet."""

    title: str
    horizontal: bool
    categories: int  # column numbers, 1-based
    series: list[tuple[int, str]]  # (column, name)
    first: int
    last: int
    width_cm: float
    height_cm: float
    anchor: tuple[int, int]  # (row, column), 1-based


class Sheet(ABC):
    """One worksheet being written: cells row by row, then layout."""

    title: str

    @abstractmethod
    def write(self, row: int, col: int, value: Any, fmt: str | None = None,
              style: Style | None = None) -> None: ...

    @abstractmethod
    def formula(self, row: int, col: int, text: str, cached: Any, fmt: str | None = None,
                style: Style | None = None) -> None: ...

    @abstractmethod
    def style_row(self, row: int, width: int, style: Style) -> None:
        """Add `style` to columns 1..`width` of `row` (the row last written)."""

    @abstractmethod
    def row_height(self, row: int, height: float) -> None: ...

    @abstractmethod
    def layout(self, widths: dict[int, float], freeze: tuple[int, int] | None,
               autofilter: tuple[int, int, int, int] | None,
               title_rows: tuple[int, int] | None) -> None:
        """Column widths, frozen panes (row, column of the first unfrozen cell), filter range,
        rows repeated on every printed page, and A4 landscape fitted to the page width."""

    @abstractmethod
    def chart(self, chart: BarChart) -> None: ...


@dataclass
class Book(ABC):
    """A workbook being written, with the value kcopt expects of every formula."""

    expected: dict[tuple[str, str], Value] = field(default_factory=dict, init=False)
    names: dict[str, str] = field(default_factory=dict, init=False)

    @abstractmethod
    def sheet(self, key: str) -> Sheet: ...

    def put(self, ws: Sheet, row: int, col: int, value: Any, fmt: str | None = None,
            style: Style | None = None) -> None:
        ws.write(row, col, value, fmt, style)

    def formula(self, ws: Sheet, row: int, col: int, text: str, expected: Value,
                fmt: str | None = None, style: Style | None = None) -> None:
        value = plain(expected)
        ws.formula(row, col, text, value, fmt, style)
        self.expected[(ws.title, f"{column_letter(col)}{row}")] = value

    def block(self, ws: Sheet, first: int, columns: Sequence[BlockColumn]) -> None:
        """Columns of cells from row `first` down: values, or formulas from a row template."""
        n = max((len(c.values) for c in columns), default=0)
        for i in range(n):
            r = first + i
            for c in columns:
                text = c.template(r) if c.template is not None else None
                if text is not None:
                    self.formula(ws, r, c.col, text, c.values[i], c.fmt)
                else:
                    ws.write(r, c.col, c.values[i], c.fmt)


@dataclass
class BlockColumn:
    """One column of `Book.block`: values (or formulas' expected values with `template`)."""

    col: int
    values: Sequence[Any]
    fmt: str | None = None
    template: Callable[[int], str | None] | None = None  # row → formula text (None: value)


class StreamSheet(Sheet):
    """An XlsxWriter worksheet in constant-memory mode: a row's cells are held until the next
    row starts (so a row's style can still be added), then written for good."""

    def __init__(self, book: StreamBook, ws: Any):
        self.book, self.ws, self.title = book, ws, ws.name
        self._row = 0
        self._cells: dict[int, list[Any]] = {}

    def _at(self, row: int) -> None:
        if row != self._row:
            if row < self._row:
                raise ValueError(f"{self.title}: row {row} written after row {self._row}")
            self.flush()
            self._row = row

    def write(self, row: int, col: int, value: Any, fmt: str | None = None,
              style: Style | None = None) -> None:
        self._at(row)
        self._cells[col] = [False, plain(value), fmt, dict(style or {})]

    def formula(self, row: int, col: int, text: str, cached: Any, fmt: str | None = None,
                style: Style | None = None) -> None:
        self._at(row)
        self._cells[col] = [True, (text, cached), fmt, dict(style or {})]

    def style_row(self, row: int, width: int, style: Style) -> None:
        self._at(row)
        for j in range(1, width + 1):
            cell = self._cells.setdefault(j, [False, None, None, {}])
            cell[3].update(style)

    def flush(self) -> None:
        r = self._row - 1
        for col, (is_formula, value, fmt, style) in sorted(self._cells.items()):
            f = self.book.format(fmt, style)
            if is_formula:
                text, cached = value
                self.ws.write_formula(r, col - 1, text, f, cached)
            else:
                self.book.write_value(self.ws, r, col - 1, value, f)
        self._cells = {}

    def row_height(self, row: int, height: float) -> None:
        self._at(row)
        self.ws.set_row(row - 1, height)

    def layout(self, widths: dict[int, float], freeze: tuple[int, int] | None,
               autofilter: tuple[int, int, int, int] | None,
               title_rows: tuple[int, int] | None) -> None:
        for j, w in widths.items():
            self.ws.set_column(j - 1, j - 1, w)
        if freeze:
            self.ws.freeze_panes(freeze[0] - 1, freeze[1] - 1)
        if autofilter:
            self.ws.autofilter(*(v - 1 for v in autofilter))
        if title_rows:
            self.ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.fit_to_pages(1, 0)

    def chart(self, chart: BarChart) -> None:
        c = self.book.wb.add_chart({"type": "bar" if chart.horizontal else "column",
                                    "subtype": "stacked"})
        for k, (col, name) in enumerate(chart.series):
            series: dict[str, Any] = {
                "name": name,
                "categories": [self.title, chart.first - 1, chart.categories - 1,
                               chart.last - 1, chart.categories - 1],
                "values": [self.title, chart.first - 1, col - 1, chart.last - 1, col - 1]}
            if k == 0:
                series["overlap"] = 100
            c.add_series(series)
        c.set_title({"name": chart.title})
        c.set_y_axis({"name": MILLION_VND, "num_format": "#,##0"})
        if chart.horizontal:  # first category at the top, as in the table
            c.set_x_axis({"reverse": True})
        c.set_legend({"position": "bottom"})
        c.set_size({"width": round(chart.width_cm * 37.8), "height":
                    round(chart.height_cm * 37.8)})
        self.ws.insert_chart(chart.anchor[0] - 1, chart.anchor[1] - 1, c)


class StreamBook(Book):
    """A new workbook written with XlsxWriter, row by row, in constant memory."""

    def __init__(self, target: Path | IO[bytes], created: datetime):
        import xlsxwriter

        super().__init__()
        self.wb = xlsxwriter.Workbook(target, {"constant_memory": True,
                                               "strings_to_numbers": False,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
        self.wb.set_properties({"author": "kcopt", "created": created})
        self.wb.set_calc_mode("auto")
        self._formats: dict[tuple[Any, ...], Any] = {}
        self._sheets: list[StreamSheet] = []

    def sheet(self, key: str) -> StreamSheet:
        self.names[key] = SHEETS[key]
        if self._sheets:
            self._sheets[-1].flush()
        ws = StreamSheet(self, self.wb.add_worksheet(SHEETS[key]))
        self._sheets.append(ws)
        return ws

    def format(self, fmt: str | None, style: Style | None = None) -> Any:
        key = (fmt, *sorted((style or {}).items()))
        f = self._formats.get(key)
        if f is None and (fmt or style):
            props = dict(style or {})
            if fmt:
                props["num_format"] = fmt
            f = self._formats[key] = self.wb.add_format(props)
        return f

    @staticmethod
    def write_value(ws: Any, r: int, c: int, value: Any, f: Any) -> None:
        if value is None:
            if f is not None:
                ws.write_blank(r, c, None, f)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value, f)
        elif isinstance(value, int | float):
            ws.write_number(r, c, value, f)
        elif isinstance(value, datetime):
            ws.write_datetime(r, c, value, f)
        else:
            ws.write_string(r, c, str(value), f)

    def block(self, ws: Sheet, first: int, columns: Sequence[BlockColumn]) -> None:
        assert isinstance(ws, StreamSheet)
        ws._at(first)
        ws.flush()
        raw = ws.ws
        n = max((len(c.values) for c in columns), default=0)
        if n and _fast_rows_available(raw):
            _fast_rows(self, raw, ws.title, first, n, columns)
        else:
            self._public_rows(ws, first, n, columns)
        ws._row = first + n - 1

    def _public_rows(self, ws: StreamSheet, first: int, n: int,
                     columns: Sequence[BlockColumn]) -> None:
        """Cell by cell through XlsxWriter's public API (about 10 µs a cell)."""
        raw, title, expected = ws.ws, ws.title, self.expected
        plans = [(c.col - 1, [plain(v) for v in c.values], self.format(c.fmt), c.template,
                  column_letter(c.col)) for c in columns]
        write_value, write_formula = self.write_value, raw.write_formula
        for i in range(n):
            r = first + i
            for j, values, f, template, letter in plans:
                v = values[i]
                if template is not None and (text := template(r)) is not None:
                    write_formula(r - 1, j, text, f, 0 if v is None else v)
                    expected[(title, f"{letter}{r}")] = v
                else:
                    write_value(raw, r - 1, j, v, f)

    def close(self) -> None:
        if self._sheets:
            self._sheets[-1].flush()
        self.wb.close()


def _fast_rows_available(raw: Any) -> bool:
    """The XlsxWriter internals the fast rows rely on are there (else: the public API)."""
    return bool(getattr(raw, "constant_memory", False)) and all(
        hasattr(raw, a) for a in ("_write_single_row", "_check_dimensions",
                                  "_escape_control_characters", "fh", "previous_row", "table"))


_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_PRESERVE = ' xml:space="preserve"'
_NEEDS_CARE = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")


def _fast_rows(book: StreamBook, raw: Any, title: str, first: int, n: int,
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
    from xlsxwriter.worksheet import Worksheet as XlsxSheet

    letter = column_letter(c.col)
    f = book.format(c.fmt)
    s_attr = f' s="{f._get_xf_index()}"' if f is not None else ""
    values = [plain(v) for v in c.values]
    kinds = {type(v) for v in values}
    if c.template is None and kinds <= {float, int}:  # the common cases, a column at once
        return [f'<c r="{letter}{r}"{s_attr}><v>{v:.16G}</v></c>'
                for r, v in zip(rows, values, strict=True)]
    if c.template is None and kinds == {str} and not any(
            len(v) > 16383 or _NEEDS_CARE.search(v) for v in values):
        return [f'<c r="{letter}{r}"{s_attr} t="inlineStr"><is><t'
                f'{_PRESERVE if v != v.strip() else ""}>'
                f"{v.translate(_XML_ESCAPE)}</t></is></c>"
                for r, v in zip(rows, values, strict=True)]
    cells: list[str] = []
    for r, v in zip(rows, values, strict=True):
        text = c.template(r) if c.template is not None else None
        if text is not None:
            book.expected[(title, f"{letter}{r}")] = v
            v = 0 if v is None else v
            t = ' t="str"' if isinstance(v, str) else ""
            value = str(v).translate(_XML_ESCAPE) if isinstance(v, str) else (
                int(v) if isinstance(v, bool) else v)
            cells.append(f'<c r="{letter}{r}"{s_attr}{t}><f>'
                         f"{text.translate(_XML_ESCAPE)}</f><v>{value}</v></c>")
        elif v is None:
            cells.append(f'<c r="{letter}{r}"{s_attr}/>' if f is not None else "")
        elif isinstance(v, bool):
            cells.append(f'<c r="{letter}{r}"{s_attr} t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, int | float):
            cells.append(f'<c r="{letter}{r}"{s_attr}><v>{v:.16G}</v></c>')
        else:
            v = str(v)
            if len(v) > 16383 or _NEEDS_CARE.search(v):
                v = XlsxSheet._escape_control_characters(_utf16_cut(v))
            keep = _PRESERVE if v != v.strip() else ""
            cells.append(f'<c r="{letter}{r}"{s_attr} t="inlineStr"><is><t{keep}>'
                         f"{v.translate(_XML_ESCAPE)}</t></is></c>")
    return cells


def _utf16_cut(text: str) -> str:
    """At most 32,767 UTF-16 units, Excel's limit for a cell, as XlsxWriter cuts it."""
    try:
        from xlsxwriter.worksheet import _utf16_len, _utf16_truncate
    except ImportError:  # older XlsxWriter: count code points
        return text[:32767]
    return _utf16_truncate(text, 32767) if _utf16_len(text) > 32767 else text


# --- layout helpers ---------------------------------------------------------------------------


def heading(ws: Sheet, run: Run, title_vi: str, title_en: str,
            cols: Sequence[Column]) -> None:
    ws.write(TITLE_ROW, 1, f"{title_vi} — {run.scenario.name}", style=TITLE)
    created = (run.summary or {}).get("provenance", {}).get("created", "")
    ws.write(NOTE_ROW, 1, f"{title_en}. Đơn vị / unit: {MILLION_VND}. kcopt, {created}",
             style=NOTE)
    header_rows(ws, cols, VI_ROW, EN_ROW)


def header_rows(ws: Sheet, cols: Sequence[Column], vi_row: int, en_row: int,
                height: float | None = None) -> None:
    if height:
        ws.row_height(vi_row, height)
    for j, col in enumerate(cols, 1):
        ws.write(vi_row, j, col.vi, style=HEADER_VI)
    for j, col in enumerate(cols, 1):
        ws.write(en_row, j, col.en, style=HEADER_EN)


def total_style(ws: Sheet, row: int, width: int) -> None:
    ws.style_row(row, width, TOTAL)


def finish(ws: Sheet, cols: Sequence[Column], first: int, last: int, freeze: str | None,
           filters: bool = True) -> None:
    """Column widths, frozen headers, filters and print setup."""
    widths = {j: col.width for j, col in enumerate(cols, 1) if col.width}
    frozen = (FIRST_ROW, ord(freeze) - 64) if freeze else None
    ranged = (EN_ROW, 1, max(last, EN_ROW + 1), len(cols)) if filters else None
    ws.layout(widths, frozen, ranged, (VI_ROW, EN_ROW))


def plain(value: Any) -> Any:
    """NumPy scalars to Python; NaN to an empty cell."""
    if value is None:
        return None
    if type(value) is float:
        if math.isfinite(value):
            return value
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if type(value) is str or type(value) is int:
        return value
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None if np.isnan(value) else ("inf" if value > 0 else "-inf")
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def created_time(run: Run) -> datetime:
    stamp = (run.summary or {}).get("provenance", {}).get("created")
    if stamp:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    return datetime(2000, 1, 1)
