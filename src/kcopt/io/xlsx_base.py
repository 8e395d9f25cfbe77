"""Building blocks of the planner's workbooks: formats, bilingual header rows, a `Book` that
records the value kcopt expects of every formula it writes, and reproducible saving."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from kcopt.io.labels import MILLION_VND

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
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
KCOPT_FILL = PatternFill("solid", fgColor="E2EFDA")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)
EN_FONT = Font(italic=True, color="595959")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOP_RULE = Border(top=Side(style="thin"))
Value = float | int | str


@dataclass
class Column:
    key: str
    vi: str
    en: str
    fmt: str | None = None
    width: float = 12


@dataclass
class Book:
    """An openpyxl workbook being written, with the value kcopt expects of every formula."""

    wb: Workbook
    expected: dict[tuple[str, str], Value] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def sheet(self, key: str) -> Worksheet:
        name, n = SHEETS[key], 2
        while name in self.wb.sheetnames:  # never overwrite a planner's sheet
            name, n = f"{SHEETS[key]} (kcopt{'' if n == 2 else n})"[:31], n + 1
        self.names[key] = name
        return self.wb.create_sheet(name)

    def put(self, ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> Cell:
        cell = ws.cell(row, col, plain(value))
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text such as the sense "=", not a formula
        if fmt:
            cell.number_format = fmt
        return cell

    def formula(self, ws: Worksheet, row: int, col: int, text: str, expected: Value,
                fmt: str | None = None) -> Cell:
        cell = ws.cell(row, col, "=" + text)
        if fmt:
            cell.number_format = fmt
        self.expected[(ws.title, cell.coordinate)] = plain(expected)
        return cell


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


# --- layout helpers ---------------------------------------------------------------------------


def heading(ws: Worksheet, run: Run, title_vi: str, title_en: str,
             cols: Sequence[Column]) -> None:
    ws.cell(TITLE_ROW, 1, f"{title_vi} — {run.scenario.name}").font = Font(bold=True, size=13)
    created = (run.summary or {}).get("provenance", {}).get("created", "")
    ws.cell(NOTE_ROW, 1, f"{title_en}. Đơn vị / unit: {MILLION_VND}. kcopt, {created}"
            ).font = EN_FONT
    header_rows(ws, cols, VI_ROW, EN_ROW)


def header_rows(ws: Worksheet, cols: Sequence[Column], vi_row: int, en_row: int) -> None:
    for j, col in enumerate(cols, 1):
        top = ws.cell(vi_row, j, col.vi)
        top.font, top.fill, top.border = BOLD, HEADER_FILL, BOX
        top.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        bottom = ws.cell(en_row, j, col.en)
        bottom.font, bottom.fill, bottom.border = EN_FONT, HEADER_FILL, BOX
        bottom.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def total_style(ws: Worksheet, row: int, width: int) -> None:
    for j in range(1, width + 1):
        cell = ws.cell(row, j)
        cell.font, cell.fill, cell.border = BOLD, TOTAL_FILL, TOP_RULE


def finish(ws: Worksheet, cols: Sequence[Column], first: int, last: int, freeze: str | None,
            filters: bool = True) -> None:
    """Column widths, frozen headers, filters and print setup."""
    for j, col in enumerate(cols, 1):
        if col.width:
            ws.column_dimensions[get_column_letter(j)].width = col.width
    ws.row_dimensions[VI_ROW].height = 32
    if freeze:
        ws.freeze_panes = f"{freeze}{FIRST_ROW}"
    if filters:
        ws.auto_filter.ref = f"A{EN_ROW}:{get_column_letter(len(cols))}{max(last, EN_ROW + 1)}"
    ws.print_title_rows = f"{VI_ROW}:{EN_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def plain(value: Any) -> Any:
    """NumPy scalars to Python; NaN to an empty cell."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None if np.isnan(value) else ("inf" if value > 0 else "-inf")
    if value is pd.NA or value is pd.NaT:
        return None
    return value


# --- reproducible saving ----------------------------------------------------------------------


def created_time(run: Run) -> datetime:
    stamp = (run.summary or {}).get("provenance", {}).get("created")
    if stamp:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    return datetime(2000, 1, 1)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def save_reproducibly(wb: Workbook, path: Path, when: datetime,
                      keep_created: bool = False) -> None:
    """Save with fixed document times and zip entry times, so equal inputs give equal bytes."""
    wb.properties.creator = wb.properties.creator if keep_created else "kcopt"
    if not keep_created:
        wb.properties.created = when
    wb.properties.lastModifiedBy = "kcopt"
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    zip_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=zip_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)

