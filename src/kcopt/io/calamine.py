"""Open an Excel 97–2003 (.xls) or OpenDocument (.ods) workbook for reading, through
python-calamine, and give each sheet as the same `Grid` of text and merged ranges that
`io.sheets.Workbook` gives for .xlsx, so the form reader walks one kind of grid whatever the
format.

.xlsx stays on openpyxl (`io.sheets`): calamine builds a sheet's whole rectangle from its first
to its farthest cell before Python sees any of it, so a 7 KB .xlsx with one value at XFD1048576
makes it ask for 512 GB and abort the process; openpyxl streams rows and refuses such a sheet
as it reads. The checks in front of calamine here:

- every file: its size (`limits.unzipped_bytes`);
- .ods (a zip): the same part checks as .xlsx (`check_workbook_parts`: decompressed size,
  compression ratio, DTD/ENTITY, over-long text), then one streaming pass over `content.xml`
  that finds each sheet's real extent (rows and columns holding a value, repeats counted) and
  its merged ranges (calamine does not report those of an .ods), refusing a sheet beyond the
  row or column limit before calamine builds it;
- .xls: an encrypted file is named as such; the format itself bounds a sheet to 65,536 rows ×
  256 columns, and the extent calamine reports is checked before any cell becomes Python text.
  That bound is all there is: a 6 KB .xls with one value at IV65536 still costs calamine about
  1 GB and ten seconds (16.7 million cells) before kcopt sees it; rows are then read one at a
  time, so Python adds little.

python-calamine before 0.7 shifts the rows of an .ods whose first rows are empty (the last row
is lost), hence the floor 0.7.0.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO
from xml.etree import ElementTree

from kcopt.core import limits
from kcopt.core.errors import InputError, Problem
from kcopt.core.words import _, num
from kcopt.io.sheets import (
    HEADER_ALLOWANCE,
    OLE_MAGIC,
    Grid,
    Merge,
    _cell_text,
    cell_ref,
    check_workbook_parts,
    get_column_letter,
)

_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_T = "{" + _NS_TABLE + "}"
_VALUE_TYPE = "{" + _NS_OFFICE + "}value-type"
_P = "{" + _NS_TEXT + "}p"
FORMATS = {".xls": "Excel 97–2003 (.xls)", ".ods": "OpenDocument (.ods)"}


@dataclass
class _OdsSheet:
    """What the pre-scan of an .ods found about one sheet."""

    rows: int = 0  # rows up to the last one holding a value
    columns: int = 0  # columns up to the last one holding a value
    merges: list[Merge] = field(default_factory=list)


def _refuse(path: Path, message: str, fix: str) -> InputError:
    return InputError([Problem(str(path), message, fix)])


def _resave_fix(path: Path) -> str:
    return _("Open it in Excel or LibreOffice and save it again (as .xlsx, or as {kind}); or "
             "get the original file again").format(kind=FORMATS[path.suffix.lower()])


def check_ole_file(path: Path, data: bytes | None = None) -> None:
    """An .xls must be an OLE compound file and not an encrypted one. `data`, when given, is
    the file's content already read (then the file is not opened)."""
    if data is None:
        data = path.read_bytes()
    head = data[:8]
    if head != OLE_MAGIC:
        kind = _("empty") if not head else (_("a zip archive (perhaps an .xlsx or .ods with "
                                              "the wrong name)") if head[:2] == b"PK"
                                            else _("not a workbook"))
        raise _refuse(path, _("not an Excel 97–2003 (.xls) workbook: the file is {kind}").format(
            kind=kind), _resave_fix(path))
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise _encrypted(path)


def _encrypted(path: Path) -> InputError:
    return _refuse(path, _("the workbook is protected by a password (encrypted), so it cannot "
                           "be read"),
                   _("Open it in Excel or LibreOffice, remove the password to open and save, "
                     "or save an unprotected copy and give kcopt that file"))


def scan_ods(path: Path, data: bytes | None = None) -> dict[str, _OdsSheet]:
    """Each sheet's real extent and merged ranges, from one streaming pass over content.xml;
    a sheet holding a value beyond the row or column limit is refused here. `data`, when
    given, is the file's content already read."""
    lim = limits.current()
    sheets: dict[str, _OdsSheet] = {}
    try:
        source = path if data is None else io.BytesIO(data)
        with zipfile.ZipFile(source) as zf, zf.open("content.xml") as fh:
            _walk_ods(path, fh, sheets, lim)
    except KeyError:
        raise _refuse(path, _("the OpenDocument file has no content.xml: it is not a "
                              "spreadsheet or it is damaged"), _resave_fix(path)) from None
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse(path, _("the file is damaged and cannot be read ({reason})").format(
            reason=f"{type(exc).__name__}: {exc}"), _resave_fix(path)) from None
    return sheets


def _walk_ods(path: Path, fh: IO[bytes], sheets: dict[str, _OdsSheet], lim: limits.Limits) -> None:
    """The row and column counters of the pre-scan: a row or cell repeated n times advances
    them by n; a value or a merge moves the sheet's extent."""
    sheet = _OdsSheet()
    name = ""
    row = col = 0
    filled = False  # the current row holds a value
    for event, el in ElementTree.iterparse(fh, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == _T + "table":
                name, sheet, row = el.get(_T + "name", ""), _OdsSheet(), 0
                sheets[name] = sheet
            elif tag == _T + "table-row":
                col, filled = 0, False
            continue
        if tag in (_T + "table-cell", _T + "covered-table-cell"):
            repeat = int(el.get(_T + "number-columns-repeated", "1"))
            if el.get(_VALUE_TYPE) or el.find(_P) is not None:
                filled = True
                _grow(path, sheet, name, row + 1, col + repeat, lim)
            span_c = int(el.get(_T + "number-columns-spanned", "1"))
            span_r = int(el.get(_T + "number-rows-spanned", "1"))
            if span_c > 1 or span_r > 1:
                sheet.merges.append(Merge(row, col, row + span_r - 1, col + span_c - 1))
            col += repeat
            el.clear()
        elif tag == _T + "table-row":
            repeat = int(el.get(_T + "number-rows-repeated", "1"))
            if filled and repeat > 1:  # a filled row repeated n times
                _grow(path, sheet, name, row + repeat, sheet.columns, lim)
            row += repeat
            el.clear()


def _grow(path: Path, sheet: _OdsSheet, name: str, rows: int, columns: int,
          lim: limits.Limits) -> None:
    if rows > lim.rows + HEADER_ALLOWANCE:
        raise limits.exceeded(str(path), _("the sheet holds values down to row {row}").format(
            row=num(rows)), "rows", sheet=name)
    if columns > lim.columns:
        raise limits.exceeded(str(path), _("row {row} holds a value in column {column} "
                                           "(column number {number})").format(
            row=rows, column=get_column_letter(columns), number=num(columns)), "columns",
            sheet=name, row=rows)
    sheet.rows = max(sheet.rows, rows)
    sheet.columns = max(sheet.columns, columns)


class CalamineBook:
    """An .xls or .ods workbook opened read-only through calamine; use as a context manager.
    Same reading interface as `io.sheets.Workbook`: `sheetnames` and `grid(title)`. The file
    is read once: its bytes (`data`, or read here, within the size limit) are what is checked
    and parsed."""

    def __init__(self, path: Path, data: bytes | None = None):
        import python_calamine as pc

        self.path = path
        self._ods: dict[str, _OdsSheet] | None = None
        if data is None:
            data = limits.read_input_bytes(path, path.suffix.lower())  # within the size limit
        if path.suffix.lower() == ".ods":
            if not zipfile.is_zipfile(io.BytesIO(data)):
                raise _refuse(path, _("not an OpenDocument (.ods) spreadsheet: the file is "
                                      "damaged or of another kind"), _resave_fix(path))
            check_workbook_parts(path, data)
            self._ods = scan_ods(path, data)
        else:
            check_ole_file(path, data)
        try:
            self._wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except pc.PasswordError:
            raise _encrypted(path) from None
        except Exception as exc:  # calamine's errors name the damaged record or part
            raise _refuse(path, _("the file is damaged and cannot be read ({reason})").format(
                reason=f"{type(exc).__name__}: {str(exc)[:200]}"), _resave_fix(path)) from None
        self.sheetnames: list[str] = list(self._wb.sheet_names)

    def __enter__(self) -> CalamineBook:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._wb.close()

    def grid(self, title: str) -> Grid:
        try:
            sheet = self._wb.get_sheet_by_name(title)
        except Exception as exc:
            raise _refuse(self.path, _("cannot read the sheet '{sheet}' ({reason})").format(
                sheet=title, reason=f"{type(exc).__name__}: {str(exc)[:200]}"),
                _resave_fix(self.path)) from None
        lim = limits.current()
        end_row, end_col = sheet.end or (-1, -1)  # (last row, last column), 0-based
        if end_row + 1 > lim.rows + HEADER_ALLOWANCE:
            raise limits.exceeded(str(self.path), _("the sheet holds values down to row {row}")
                                  .format(row=num(end_row + 1)), "rows", sheet=title)
        if end_col + 1 > lim.columns:
            raise limits.exceeded(str(self.path), _("the sheet holds values in column {column} "
                                                    "(column number {number})").format(
                column=get_column_letter(end_col + 1), number=num(end_col + 1)), "columns",
                sheet=title)
        cells = self._cells(sheet, title, lim)
        if self._ods is not None:
            merges = self._ods.get(title, _OdsSheet()).merges
        else:
            merges = [Merge(a[0], a[1], b[0], b[1]) for a, b in sheet.merged_cell_ranges or []]
        width = len(cells[0]) if cells else 0
        # a merge whose first cell lies past the last value holds nothing to read (an .ods
        # often keeps merged empty cells below or right of the table)
        return Grid(title, cells, [m for m in merges if m.r1 < len(cells) and m.c1 < width])

    def _cells(self, sheet: object, title: str, lim: limits.Limits) -> list[list[str]]:
        """The sheet's cells as the text `io.sheets` gives for the same cells of an .xlsx,
        row by row from the first row of the sheet: an empty row costs one empty list, trailing
        empty rows and columns are cut (an .xls with one value at IV65536 is 16 million cells
        of which two are filled)."""
        end_row, end_col = sheet.end or (-1, -1)  # type: ignore[attr-defined]
        rows: list[list[str]] = []
        width = 0
        for row in sheet.iter_rows():  # type: ignore[attr-defined]
            if row.count("") == len(row):  # counted in C
                rows.append([])
                continue
            end = len(row)
            while row[end - 1] == "":
                end -= 1
            # the rows run from the sheet's first row or its first used one, the cells from its
            # first used column: the rectangle ends at `end`, so the columns before are known
            text = [""] * (end_col + 1 - len(row)) + [_text(v) for v in row[:end]]
            i = len(rows)
            for j, t in enumerate(text):
                if len(t) > lim.cell_chars:
                    raise limits.exceeded(str(self.path), _("cell {cell} is {count} characters "
                                                            "long").format(
                        cell=cell_ref(i, j), count=num(len(t))), "cell_chars", sheet=title,
                        row=i + 1, column=get_column_letter(j + 1))
            width = max(width, len(text))
            rows.append(text)
        rows = [[] for _ in range(end_row + 1 - len(rows))] + rows
        while rows and not rows[-1]:
            rows.pop()
        return [r + [""] * (width - len(r)) for r in rows]


def _text(value: object) -> str:
    """A calamine value as `io.sheets` writes the same cell of an .xlsx: a date as openpyxl
    gives it (a datetime at midnight), an empty cell as ''."""
    if value == "" or value is None:
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return _cell_text(value)
