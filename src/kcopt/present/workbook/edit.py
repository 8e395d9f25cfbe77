"""The openpyxl backend of the planner's workbooks: the summary sheets added to a copy of the
planner's own workbook (`kcopt solve --into`), which must be read and edited in place, and
reproducible saving. New workbooks are streamed with XlsxWriter instead (`workbook.base`)."""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.chart import BarChart as OpenpyxlBarChart
from openpyxl.chart import Reference, Series
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kcopt.core.vocabulary import MILLION_VND
from kcopt.present.workbook.base import SHEETS, BarChart, Book, Sheet, Style, plain
from kcopt.present.workbook.formats import shown

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
KCOPT_FILL = PatternFill("solid", fgColor="E2EFDA")
BOLD = Font(bold=True)
EN_FONT = Font(italic=True, color="595959")


def apply_style(cell: Any, style: Style) -> None:
    """Set an openpyxl cell's look from a style dict in XlsxWriter's vocabulary."""
    font = {k: v for k, v in (("b", style.get("bold")), ("i", style.get("italic")),
                              ("sz", style.get("font_size")), ("name", style.get("font_name")),
                              ("color", style.get("font_color", "").lstrip("#") or None))
            if v}
    if font:
        cell.font = Font(**font)
    if "bg_color" in style:
        cell.fill = PatternFill("solid", fgColor=style["bg_color"].lstrip("#"))
    if style.get("border"):
        side = Side(style="thin", color=style.get("border_color", "#000000").lstrip("#"))
        cell.border = Border(left=side, right=side, top=side, bottom=side)
    elif style.get("top"):
        cell.border = Border(top=Side(style="thin"))
    align = {k: v for k, v in (("wrap_text", style.get("text_wrap")),
                               ("horizontal", style.get("align")),
                               ("vertical", {"vcenter": "center"}.get(style.get("valign", ""))))
             if v}
    if align:
        cell.alignment = Alignment(**align)


class OpenpyxlSheet(Sheet):
    def __init__(self, ws: Worksheet):
        self.ws, self.title = ws, ws.title

    def write(self, row: int, col: int, value: Any, fmt: str | None = None,
              style: Style | None = None) -> None:
        cell = self.ws.cell(row, col, plain(value))
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text such as the sense "=", not a formula
        if fmt:
            cell.number_format = shown(fmt, plain(value))
        if style:
            apply_style(cell, style)

    def formula(self, row: int, col: int, text: str, cached: Any, fmt: str | None = None,
                style: Style | None = None) -> None:
        cell = self.ws.cell(row, col, "=" + text)
        if fmt:
            cell.number_format = shown(fmt, plain(cached))
        if style:
            apply_style(cell, style)

    def style_row(self, row: int, width: int, style: Style) -> None:
        for j in range(1, width + 1):
            apply_style(self.ws.cell(row, j), style)

    def row_height(self, row: int, height: float) -> None:
        self.ws.row_dimensions[row].height = height

    def layout(self, widths: dict[int, float], freeze: tuple[int, int] | None,
               autofilter: tuple[int, int, int, int] | None,
               title_rows: tuple[int, int] | None,
               print_area: tuple[int, int] | None = None) -> None:
        ws = self.ws
        if print_area:
            ws.print_area = f"A1:{get_column_letter(print_area[1])}{print_area[0]}"
        for j, w in widths.items():
            ws.column_dimensions[get_column_letter(j)].width = w
        if freeze:
            ws.freeze_panes = f"{get_column_letter(freeze[1])}{freeze[0]}"
        if autofilter:
            r1, c1, r2, c2 = autofilter
            ws.auto_filter.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        if title_rows:
            ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
        print_a4_landscape(ws)

    def chart(self, chart: BarChart) -> None:
        c = OpenpyxlBarChart()
        c.type = "bar" if chart.horizontal else "col"
        c.grouping = "stacked"
        c.overlap = 100
        c.title = chart.title
        for col, name in chart.series:
            c.series.append(Series(Reference(self.ws, min_col=col, min_row=chart.first,
                                             max_row=chart.last), title=name))
        c.set_categories(Reference(self.ws, min_col=chart.categories, min_row=chart.first,
                                   max_row=chart.last))
        c.y_axis.title = MILLION_VND
        c.y_axis.numFmt = "#,##0"
        c.x_axis.delete = False
        c.y_axis.delete = False
        if chart.horizontal:
            c.x_axis.scaling.orientation = "maxMin"
        c.legend.position = "b"
        c.width, c.height = chart.width_cm, chart.height_cm
        self.ws.add_chart(c, f"{get_column_letter(chart.anchor[1])}{chart.anchor[0]}")


class OpenpyxlBook(Book):
    """Sheets added to an openpyxl workbook (the planner's own, for `--into`)."""

    def __init__(self, wb: Workbook):
        super().__init__()
        self.wb = wb

    def sheet(self, key: str) -> OpenpyxlSheet:
        name, n = SHEETS[key], 2
        while name in self.wb.sheetnames:  # never overwrite a planner's sheet
            name, n = f"{SHEETS[key]} (kcopt{'' if n == 2 else n})"[:31], n + 1
        self.names[key] = name
        return OpenpyxlSheet(self.wb.create_sheet(name))


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def print_a4_landscape(ws: Worksheet) -> None:
    """Print set-up of every workbook kcopt edits or drafts: A4 landscape, one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def save_reproducibly(wb: Workbook, path: Path, when: datetime,
                      keep_created: bool = False,
                      cached: Mapping[tuple[str, str], Any] | None = None) -> None:
    """Save with fixed document times and zip entry times, so equal inputs give equal bytes;
    with the value kcopt expects stored in each formula cell of `cached` ((sheet, "M12") →
    value), which openpyxl leaves empty."""
    wb.properties.creator = wb.properties.creator if keep_created else "kcopt"
    if not keep_created:
        wb.properties.created = when
    wb.properties.lastModifiedBy = "kcopt"
    buffer = io.BytesIO()
    wb.save(buffer)
    parts: dict[str, dict[str, Any]] = {}
    titles = {ws.title: ws.path.lstrip("/") for ws in wb.worksheets}  # paths set by save
    for (sheet, ref), value in (cached or {}).items():
        if sheet in titles:
            parts.setdefault(titles[sheet], {})[ref] = value
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    zip_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            elif info.filename in parts:
                data = with_cached_values(data, parts[info.filename])
            entry = zipfile.ZipInfo(info.filename, date_time=zip_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)


_FORMULA_CELL = re.compile(
    rb'(<c r="([A-Z]+[0-9]+)"(?: [^>]*?)?)>(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')


def with_cached_values(xml: bytes, values: Mapping[str, Any]) -> bytes:
    """A sheet's XML with `values` ("M12" → number, text or bool) stored as the results of
    its formula cells, so a program that reads a workbook without recalculating it (kcopt
    validate, pandas, file previewers) sees the numbers Excel and LibreOffice compute. Cells
    that are not plain formulas, and values of other types, are left as they are.

    >>> with_cached_values(b'<c r="M12" s="3"><f>SUBTOTAL(9,M13:M14)</f><v /></c>',
    ...                    {"M12": 1234.5})
    b'<c r="M12" s="3"><f>SUBTOTAL(9,M13:M14)</f><v>1234.5</v></c>'
    >>> with_cached_values(b'<c r="B2"><f>A1&amp;"x"</f><v></v></c>', {"B2": "1 & x"})
    b'<c r="B2" t="str"><f>A1&amp;"x"</f><v>1 &amp; x</v></c>'
    """
    def put(m: re.Match[bytes]) -> bytes:
        value = values.get(m.group(2).decode(), None)
        if isinstance(value, bool):
            kind, text = ' t="b"', str(int(value))
        elif isinstance(value, int | float) and math.isfinite(value):
            kind, text = "", repr(float(value)) if isinstance(value, float) else str(value)
        elif isinstance(value, str):
            kind, text = ' t="str"', escape(value)
        else:
            return m.group(0)
        return m.group(1) + kind.encode() + b">" + m.group(3) + b"<v>" + text.encode() + b"</v></c>"

    return _FORMULA_CELL.sub(put, xml)


_COMPUTED_ADDRESS = re.compile(r"\b(INDIRECT|OFFSET)\s*\(|(?<![A-Z0-9$])\$?\d+:\$?\d+\b", re.I)
_CELL_REFS = re.compile(r"\$?([A-Z]{1,3})\$?\d+(?::\$?([A-Z]{1,3})\$?\d+)?"
                        r"|(?<![A-Z0-9$])\$?([A-Z]{1,3}):\$?([A-Z]{1,3})(?![A-Z0-9(])")


def saved_values(source: Path, wb: Workbook, first_col: int) -> dict[tuple[str, str], Any]:
    """The values `source` stored for the planner's own formulas, (sheet, "J13") → value, to
    be stored again in the copy (openpyxl drops them): a reader that does not recalculate
    then still sees "Vốn đối ứng = (8)-(9)" and the planner's sums. A formula that may read
    a column kcopt fills (from `first_col` on), a whole row, or an address it computes
    (INDIRECT, OFFSET) is left without, for the spreadsheet to recalculate."""
    from openpyxl import load_workbook

    values = load_workbook(source, data_only=True)
    out: dict[tuple[str, str], Any] = {}
    for ws in wb.worksheets:
        if ws.title not in values.sheetnames:
            continue
        saved = values[ws.title]
        for row in ws.iter_rows():
            for c in row:
                if (c.data_type == "f" and isinstance(c.value, str)
                        and not reaches(c.value, first_col)):
                    out[(ws.title, c.coordinate)] = saved[c.coordinate].value
    return out


def reaches(formula: str, col: int) -> bool:
    """Whether a formula may read a cell in column `col` or right of it (on any sheet).

    >>> reaches("=H13-I13", 13), reaches("=SUM(A1:M9)", 13), reaches("=SUM(M:M)", 13)
    (False, True, True)
    >>> reaches("=SUM(11:11)", 13), reaches("=INDIRECT(B2)", 13)
    (True, True)
    """
    if _COMPUTED_ADDRESS.search(formula):
        return True
    from openpyxl.utils import column_index_from_string

    for m in _CELL_REFS.finditer(formula.upper()):
        letters = [g for g in m.groups() if g]
        if max(column_index_from_string(x) for x in letters) >= col:
            return True
    return False


def free_column(ws: Worksheet, rows: range) -> int:
    """The first column right of everything in the table's rows (values and merged cells)."""
    last = 0
    for row in ws.iter_rows(min_row=rows.start, max_row=rows.stop - 1):
        for cell in row:
            if cell.value is not None and str(cell.value).strip():
                last = max(last, cell.column)
    for rng in ws.merged_cells.ranges:
        if rng.min_row < rows.stop and rng.max_row >= rows.start:
            last = max(last, rng.max_col)
    return last + 1
