"""Building blocks of the planner's workbooks: formats and styles, bilingual header rows, and
a `Book` that records the value kcopt expects of every formula it writes.

Two backends share the sheet code (`workbook.sheets`): `StreamBook` writes a new workbook with
XlsxWriter in constant-memory mode, row by row (allocation.xlsx: 50,000 projects in seconds,
flat memory), and `workbook.edit.OpenpyxlBook` adds the same sheets to a copy of the planner's
own workbook (`--into`), which only openpyxl can edit. Styles are plain dicts in XlsxWriter's
format vocabulary; the openpyxl backend translates them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kcopt.core.vocabulary import MILLION_VND
from kcopt.core.words import vietnam_time
from kcopt.io.sheets import get_column_letter as column_letter
from kcopt.present.workbook.formats import (  # noqa: F401 (re-exported to the sheet modules)
    COUNT,
    LINE_HEIGHT,
    MONEY,
    PERCENT,
    PRICE,
    SCORE,
    plain,
    quote_sheetname,
    shown,
    wrapped_lines,
)
from kcopt.present.workbook.stream_xml import (
    BlockColumn,
    Rows,
    SharedColumn,
    SharedTexts,
    deferred_rows,
    expected_of,
    fast_rows,
    fast_rows_available,
    shared_column,
)
from kcopt.present.workbook.stream_zip import Blocks, streaming_available, xlsx_zip

if TYPE_CHECKING:
    from kcopt.pipeline import Run

TITLE_ROW, NOTE_ROW, VI_ROW, EN_ROW, FIRST_ROW = 1, 2, 3, 4, 5
SHEETS = {"allocation": "Phân bổ", "province": "Theo tỉnh", "region": "Theo vùng",
          "category": "Theo nội dung", "fund": "Theo nguồn vốn", "priority": "Theo ưu tiên",
          "constraints": "Ràng buộc", "reserve": "Dự phòng", "run": "Thông tin chạy",
          "warnings": "Cảnh báo",
          "adjustment": "Điều chỉnh"}
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
               title_rows: tuple[int, int] | None,
               print_area: tuple[int, int] | None = None) -> None:
        """Column widths, frozen panes (row, column of the first unfrozen cell), filter range,
        rows repeated on every printed page, A4 landscape fitted to the page width, and the
        cells printed (from A1 to (last row, last column); None: all)."""

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
        self.expect((ws.title, f"{column_letter(col)}{row}"), value)

    def expect(self, key: tuple[str, str], value: Value) -> None:
        """Record the value kcopt expects of the formula in (sheet, cell) `key`."""
        self.expected[key] = value

    def block(self, ws: Sheet, first: int, columns: Iterable[BlockColumn]) -> None:
        """Columns of cells from row `first` down: values, or formulas from a row template
        (`columns` may be made one by one as they are taken)."""
        columns = list(columns)
        n = max((len(c.values) for c in columns), default=0)
        for i in range(n):
            r = first + i
            for c in columns:
                text = c.template(r) if c.template is not None else None
                if text is not None:
                    self.formula(ws, r, c.col, text, c.values[i], c.fmt)
                else:
                    ws.write(r, c.col, c.values[i], c.fmt)


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
            if is_formula:
                text, cached = value
                f = self.book.format(shown(fmt, cached), style)
                self.ws.write_formula(r, col - 1, text, f, cached)
            else:
                f = self.book.format(shown(fmt, value), style)
                self.book.write_value(self.ws, r, col - 1, value, f)
        self._cells = {}

    def row_height(self, row: int, height: float) -> None:
        self._at(row)
        self.ws.set_row(row - 1, height)

    def layout(self, widths: dict[int, float], freeze: tuple[int, int] | None,
               autofilter: tuple[int, int, int, int] | None,
               title_rows: tuple[int, int] | None,
               print_area: tuple[int, int] | None = None) -> None:
        for j, w in widths.items():
            self.ws.set_column(j - 1, j - 1, w)
        if print_area:
            self.ws.print_area(0, 0, print_area[0] - 1, print_area[1] - 1)
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
        self._blocks: Blocks = {}  # rows written straight into the zip (`stream_zip`)
        self._unread: list[Rows] = []  # blocks whose formulas' values are not in `expected`
        self._texts = SharedTexts()  # the streamed blocks' texts, in the shared strings

    @property
    def expected(self) -> dict[tuple[str, str], Value]:
        """The value kcopt expects of every formula; a block's are added when first read (no
        cell is written twice in a stream, so the order they are added in does not matter)."""
        while self._unread:
            self._expected.update(expected_of(self._unread.pop(0)))
        return self._expected

    @expected.setter
    def expected(self, value: dict[tuple[str, str], Value]) -> None:
        self._expected = value

    def expect(self, key: tuple[str, str], value: Value) -> None:
        self._expected[key] = value

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

    def block(self, ws: Sheet, first: int, columns: Iterable[BlockColumn]) -> None:
        assert isinstance(ws, StreamSheet)
        ws._at(first)
        ws.flush()
        raw = ws.ws
        streamed = fast_rows_available(raw) and streaming_available()
        shared: list[SharedColumn | None] = []
        taken: list[BlockColumn] = []
        for c in columns:  # streamed: each column's texts go into the shared strings as it
            # is made, and its Python strings before the next is made (issue 28)
            taken.append(shared_column(c, self._texts, shared) if streamed else c)
            del c
        columns = taken
        n = max((len(c.values) for c in columns), default=0)
        if n and streamed:
            sheets = [w for w in self.wb.worksheets() if not w.is_chartsheet]
            entry = f"xl/worksheets/sheet{sheets.index(raw) + 1}.xml"
            mark = f"<!--kcopt-rows-{sum(map(len, self._blocks.values()))}-->"
            rows = deferred_rows(self, raw, ws.title, first, n, columns, mark, shared)
            self._blocks.setdefault(entry, []).append((mark, rows))
            self._unread.append(rows)
        elif n and fast_rows_available(raw):
            fast_rows(self, raw, ws.title, first, n, columns)
        else:
            self._public_rows(ws, first, n, columns)
        ws._row = first + n - 1

    def _public_rows(self, ws: StreamSheet, first: int, n: int,
                     columns: Sequence[BlockColumn]) -> None:
        """Cell by cell through XlsxWriter's public API (about 10 µs a cell)."""
        # `_expected`, not `expected`: reading that would work out every streamed block's
        # formula values too (a dict of every formula cell), which only the checks ask for
        raw, title, expected = ws.ws, ws.title, self._expected
        plans = [(c.col - 1, [plain(v) for v in c.values], c.fmt, c.template,
                  column_letter(c.col)) for c in columns]
        write_value, write_formula = self.write_value, raw.write_formula
        for i in range(n):
            r = first + i
            for j, values, fmt, template, letter in plans:
                v = values[i]
                f = self.format(shown(fmt, v))
                if template is not None and (text := template(r)) is not None:
                    write_formula(r - 1, j, text, f, 0 if v is None else v)
                    expected[(title, f"{letter}{r}")] = v
                else:
                    write_value(raw, r - 1, j, v, f)

    def close(self) -> None:
        if self._sheets:
            self._sheets[-1].flush()
        texts = self._texts
        if texts.index:  # XlsxWriter counts them in its table (`stream_zip` writes them)
            table = self.wb.str_table
            texts.offset = table.unique_count
            table.count += texts.references
            table.unique_count += len(texts.index)
        with xlsx_zip(blocks=self._blocks, texts=texts):
            self.wb.close()


# --- layout helpers ---------------------------------------------------------------------------


def heading(ws: Sheet, run: Run, title_vi: str, title_en: str,
            cols: Sequence[Column]) -> None:
    ws.write(TITLE_ROW, 1, f"{title_vi} — {run.scenario.name}", style=TITLE)
    created = vietnam_time(run.summary.provenance.created) if run.summary is not None else ""
    ws.write(NOTE_ROW, 1, f"{title_en}. Đơn vị / unit: {MILLION_VND}. kcopt, {created}",
             style=NOTE)
    header_rows(ws, cols, VI_ROW, EN_ROW)


def header_rows(ws: Sheet, cols: Sequence[Column], vi_row: int, en_row: int,
                height: float | None = None) -> None:
    """The Vietnamese headings, the English beneath, each row tall enough for its wrapped
    headings (neither LibreOffice nor Excel grows a row for them when it opens the file)."""
    for row, style, text in ((vi_row, HEADER_VI, "vi"), (en_row, HEADER_EN, "en")):
        lines = max((wrapped_lines(getattr(c, text), c.width or 8.43) for c in cols), default=1)
        if row == vi_row and height:
            ws.row_height(row, max(height, LINE_HEIGHT * lines))
        elif lines > 1:
            ws.row_height(row, LINE_HEIGHT * lines)
        for j, col in enumerate(cols, 1):
            ws.write(row, j, getattr(col, text), style=style)


def total_style(ws: Sheet, row: int, width: int) -> None:
    ws.style_row(row, width, TOTAL)


def finish(ws: Sheet, cols: Sequence[Column], first: int, last: int, freeze: str | None,
           filters: bool = True, print_cols: int | None = None) -> None:
    """Column widths, frozen headers, filters and print setup (columns 1..`print_cols` of
    the rows down to the total row printed; None: all)."""
    widths = {j: col.width for j, col in enumerate(cols, 1) if col.width}
    frozen = (FIRST_ROW, ord(freeze) - 64) if freeze else None
    ranged = (EN_ROW, 1, max(last, EN_ROW + 1), len(cols)) if filters else None
    ws.layout(widths, frozen, ranged, (VI_ROW, EN_ROW),
              (last + 1, print_cols) if print_cols else None)



def table(book: Book, ws: Sheet, cols: Sequence[Column], values: Mapping[str, Sequence[Any]],
          freeze: str | None) -> None:
    """A sheet's columns of values, one per declared column (by key), from the first row down,
    then its widths, frozen headers and filters."""
    n = max((len(values[c.key]) for c in cols), default=0)
    book.block(ws, FIRST_ROW, [BlockColumn(j, values[c.key], c.fmt)
                               for j, c in enumerate(cols, 1)])
    finish(ws, cols, FIRST_ROW, FIRST_ROW + max(n, 1) - 1, freeze=freeze)


def created_time(run: Run) -> datetime:
    stamp = run.summary.provenance.created if run.summary is not None else None
    if stamp:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    return datetime(2000, 1, 1)
