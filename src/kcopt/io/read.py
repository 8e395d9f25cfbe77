"""Read a project list (CSV or XLSX) into a table of raw cells, finding the header row.

Government forms open with the agency's name, a form number and a title; the header row is the
first of the top rows in which at least two cells are known column names. `io.layout` handles
two-row and merged headers and skips blank, numbering, section and subtotal rows, noting each;
`io.sheets` opens workbooks and refuses encrypted or old-format ones clearly. Cells are kept as
text so validation can quote exactly what the planner typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kcopt.core import limits
from kcopt.core.errors import InputError, Problem
from kcopt.core.limits import check_input_path, read_input_bytes
from kcopt.core.said import say
from kcopt.core.text import fold
from kcopt.core.words import N_, _
from kcopt.io.encoding import decode_text
from kcopt.io.layout import ColumnName, find_header, locate
from kcopt.io.sheets import HEADER_ALLOWANCE, Grid, Workbook, cell_ref, get_column_letter

if TYPE_CHECKING:
    from kcopt.io.calamine import CalamineBook

HEADER_SCAN_ROWS = 30
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass
class RawTable:
    """Cells as text under their original headers, with the file row number of each data row.

    `header_row` is the last header row (1-based); `header_rows` all of them, `columns` the
    1-based file column of each frame column, `skipped` the rows that are not projects (file
    row → "blank", "numbering", "section" or "subtotal"). `io.form.adapt` fills `roles` (a
    header read as another column than its name says, or as none) and `money_scale` (from the
    sheet's unit line).
    """

    frame: pd.DataFrame
    file_rows: list[int]
    path: Path
    sheet: str | None
    header_row: int
    notes: list[Problem] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)
    cells: list[list[str]] | None = None  # the whole sheet as text, merged cells filled in
    roles: dict[str, str | None] = field(default_factory=dict)  # header → column it is read as
    money_scale: float | None = None  # million VND per unit of the file's amounts, when stated


def split_sheet(spec: str | Path) -> tuple[Path, str | None]:
    """`file.xlsx#Danh mục` → (file.xlsx, 'Danh mục')."""
    text = str(spec)
    if "#" in text and text.lower().split("#", 1)[0].endswith(WORKBOOK_SUFFIXES):
        path, sheet = text.split("#", 1)
        return Path(path), sheet
    return Path(text), None


def read_table(path: Path, sheet: str | None, is_header: Callable[[list[str]], bool],
               column_name: ColumnName | None = None, data: bytes | None = None) -> RawTable:
    """Read `path` (and `sheet` for workbooks); `is_header(cells)` recognises the header row and
    `column_name(header)` (canonical name or None) refines two-row headers and skipped rows.

    The file is read once: `data` is its content when the caller has read it already (to hash
    it: then what was hashed is what is parsed), else it is read here; `path` names it in
    messages and its suffix says the format."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ".xls", ".ods"):
        _missing(path, data)
        raise InputError([Problem(
            str(path), _("unsupported file type '{suffix}'").format(suffix=suffix),
            _("Give a .csv, .xlsx, .xls or .ods file"))])
    if data is None:
        _missing(path, data)
        data = read_input_bytes(path, "danh sách")
    if suffix in (".xlsx", ".xlsm"):
        grid, notes = _read_xlsx(path, data, sheet, is_header)
    elif suffix in (".csv", ".txt", ".tsv"):
        frame, notes = _read_csv(path, data)
        grid = Grid("", frame.to_numpy(dtype=object).tolist())
    else:  # .xls, .ods: through python-calamine, into the same kind of grid
        grid, notes = _read_xlsx(path, data, sheet, is_header, opener=_calamine_book)
    title, cells = grid.title or None, grid.cells
    _refuse_empty(path, title, cells)
    header_at = find_header(cells, is_header, HEADER_SCAN_ROWS)
    if header_at is None:
        raise _no_header(path, grid)
    layout = locate(cells, header_at, grid.merges, is_header, column_name)
    keep = [j for j, h in enumerate(layout.names) if h]
    headers = _unique_headers(path, title, [layout.names[j] for j in keep], keep, column_name)
    if not layout.body:
        raise InputError([Problem(
            str(path), _("no projects below the header (row {row})").format(
                row=layout.header_rows[-1] + 1),
            _("Fill in one project per row from row {row}").format(
                row=layout.header_rows[-1] + 2), sheet=title)])
    body = pd.DataFrame([[cells[i][j] for j in keep] for i in layout.body],
                        columns=headers, dtype=str)
    for message, row, column in layout.notes:
        notes.append(Problem(str(path), message, sheet=title, row=row, column=column,
                             severity="warning"))
    notes += _unsaved_formulas(path, grid, set(layout.body), keep, headers)
    return RawTable(body, [i + 1 for i in layout.body], path, title, layout.header_rows[-1] + 1,
                    notes, [r + 1 for r in layout.header_rows], [j + 1 for j in keep],
                    {r + 1: why for r, why in layout.skipped.items()}, cells)


def _refuse_empty(path: Path, title: str | None, cells: list[list[Any]]) -> None:
    """A file, or its sheet, with no text in any cell: refused, saying what to add."""
    if not any(str(c).strip() for row in cells for c in row):
        raise InputError([Problem(
            str(path), _("the file is empty") if title is None else
            _("sheet '{sheet}' is empty").format(sheet=title),
            _("Add a header row and one project per row below it"), sheet=title)])


def _missing(path: Path, data: bytes | None) -> None:
    """Refuse a path that is not there (when its content was not given) or not a file."""
    if data is not None:
        return
    if not path.exists():
        raise InputError([Problem(str(path), "file not found", "Check the path (relative paths "
                                  "in a scenario are relative to the scenario file)")])
    check_input_path(path, "danh sách")


def _no_header(path: Path, grid: Grid, others: list[str] | None = None) -> InputError:
    """No header row: which rows were looked at, the header kcopt expects, what the first
    filled row holds, and one fix."""
    title = grid.title or None
    last = min(HEADER_SCAN_ROWS, len(grid.cells))
    seen = [[c.strip() for c in row if c.strip()] for row in grid.cells[:last]]
    at = next((k for k, r in enumerate(seen) if len(r) >= 2), None)
    if at is None:
        at = next((k for k, r in enumerate(seen) if r), None)
    first = _("The first row with two or more filled cells is row {row}: {cells}.")
    found = "" if at is None else " " + first.format(
        row=at + 1, cells=", ".join(repr(c[:40]) for c in seen[at][:6])
        + (" …" if len(seen[at]) > 6 else ""))
    where = _("sheet '{sheet}'").format(sheet=title) if title else _("the file")
    fix = _("Name the columns of the header row as kcopt knows them: 'Mã đề án', 'Tên đề án', "
            "'Tỉnh/Thành phố', 'Nội dung', 'Tổng kinh phí', 'Kinh phí đề nghị hỗ trợ' (a budget "
            "estimate: 'Nội dung', 'Số chương trình, đề án', 'Kinh phí hỗ trợ'); `kcopt "
            "template` writes a workbook to start from")
    if others:
        fix += ". " + _("The workbook's sheets: {sheets} (choose one with "
                        "file.xlsx#Sheet)").format(sheets=", ".join(others))
    return InputError([Problem(
        str(path), _("no header row found in rows 1–{last} of {where}: kcopt looks for a row "
                     "naming at least two of its columns, one of them the project code, name, "
                     "province or total cost, or a budget estimate's content, number of "
                     "projects and support.").format(last=last, where=where) + found,
        sheet=title, fix=fix)])


def _unique_headers(path: Path, sheet: str | None, names: list[str], cols: list[int],
                    column_name: ColumnName | None) -> list[str]:
    out: list[str] = []
    for name, j in zip(names, cols, strict=True):
        if name in out:
            first = cols[out.index(name)]
            if column_name is not None and column_name(name) is not None:
                raise InputError([Problem(
                    str(path), f"two columns are headed '{name}' ({get_column_letter(first + 1)}"
                    f" and {get_column_letter(j + 1)})", "Rename or delete one of them",
                    sheet=sheet, column=name)])
            name = f"{name} ({get_column_letter(j + 1)})"
        out.append(name)
    return out


def _unsaved_formulas(path: Path, grid: Grid, rows: set[int], cols: list[int],
                      headers: list[str]) -> list[Problem]:
    by_col: dict[int, list[str]] = {}
    for r, c in grid.unsaved_formulas:
        if r in rows and c in cols:
            by_col.setdefault(c, []).append(cell_ref(r, c))
    return [Problem(
        str(path), f"{len(refs)} cell(s) hold a formula whose value was never saved ("
        + ", ".join(refs[:5]) + (" …" if len(refs) > 5 else "") + "); they read as blank",
        "The workbook was written by a program: open it in Excel or LibreOffice and save it so "
        "the values are stored", sheet=grid.title, column=headers[cols.index(c)],
        severity="warning") for c, refs in sorted(by_col.items())]


# the encodings a CSV without UTF-8 is read in, as a planner is told
ENCODINGS = {"cp1258": N_("Windows-1258 (Vietnamese)"), "latin-1": N_("Latin-1 (Windows-1252)")}


def _read_csv(path: Path, raw: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    text, encoding = decode_text(raw, str(path))
    notes = []
    if encoding in ("cp1258", "latin-1"):
        notes.append(Problem(str(path), say(N_("the file is not UTF-8; read as {encoding}"),
                                            encoding=say(ENCODINGS[encoding])),
                             "Check the Vietnamese marks in the result; save the file as CSV "
                             "UTF-8 to be sure", severity="warning"))
    lim = limits.current()
    lines = text.count("\n") + 1
    if lines > lim.rows + HEADER_ALLOWANCE:
        raise limits.exceeded(str(path), f"tệp có {lines:,} dòng", "rows")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                            keep_default_na=False, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        raise InputError([Problem(
            str(path), f"not a readable CSV table ({exc})",
            "Check quoting and that every row has the same columns")]) from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame(), notes
    if frame.shape[1] > lim.columns:
        raise limits.exceeded(str(path), f"tệp có {frame.shape[1]:,} cột", "columns")
    if len(frame) > lim.rows + HEADER_ALLOWANCE:
        raise limits.exceeded(str(path), f"tệp có {len(frame):,} dòng", "rows")
    longest = frame.apply(lambda c: c.str.len()).max().max() if frame.size else 0
    if longest > lim.cell_chars:
        lengths = frame.apply(lambda c: c.str.len()).to_numpy()
        i, j = divmod(int(lengths.argmax()), frame.shape[1])
        raise limits.exceeded(str(path), f"một ô dài {int(longest):,} ký tự", "cell_chars",
                              row=i + 1, column=get_column_letter(j + 1))
    return frame, notes


def _calamine_book(path: Path, data: bytes) -> CalamineBook:
    # start-up: python-calamine is loaded only when an .xls or .ods is read
    from kcopt.io.calamine import CalamineBook

    return CalamineBook(path, data)


def _read_xlsx(path: Path, data: bytes, sheet: str | None,
               is_header: Callable[[list[str]], bool],
               opener: Callable[[Path, bytes], Workbook | CalamineBook] = Workbook
               ) -> tuple[Grid, list[Problem]]:
    """The named sheet, or the first sheet holding a project table (the first sheet if none).
    `opener` opens the workbook's bytes `data`: openpyxl for .xlsx, calamine for .xls and
    .ods."""
    notes: list[Problem] = []
    with opener(path, data) as book:
        names = book.sheetnames
        if sheet is not None:
            title = _pick_sheet(path, sheet, names, notes)
            grid = book.grid(title)
            if find_header(grid.cells, is_header, HEADER_SCAN_ROWS) is None and any(
                    c.strip() for row in grid.cells for c in row):
                raise _no_header(path, grid, names)
            return grid, notes
        first = book.grid(names[0])
        if find_header(first.cells, is_header, HEADER_SCAN_ROWS) is not None:
            return first, notes
        filled = _filled(first)
        for title in names[1:]:
            grid = book.grid(title)
            filled = filled or _filled(grid)
            if find_header(grid.cells, is_header, HEADER_SCAN_ROWS) is not None:
                notes.append(Problem(
                    str(path), f"the first sheet '{names[0]}' holds no project table; read "
                    f"sheet '{title}'", "Name the sheet to be sure: file.xlsx#" + title
                    + " or `sheet:` in the scenario", sheet=title, severity="warning"))
                return grid, notes
        if not filled:
            if len(names) == 1:
                return first, notes
            raise InputError([Problem(str(path), "the workbook is empty (every sheet: "
                                      + ", ".join(names) + ")", "Add a header row and projects")])
        raise _no_header(path, first, names)


def _filled(grid: Grid) -> bool:
    return any(c.strip() for row in grid.cells for c in row)


def _pick_sheet(path: Path, sheet: str, names: list[str], notes: list[Problem]) -> str:
    if sheet in names:
        return sheet
    close = [n for n in names if fold(n) == fold(sheet)]
    if len(close) == 1:
        notes.append(Problem(str(path), _(
            "no sheet named exactly '{sheet}'; read sheet '{found}'").format(
            sheet=sheet, found=close[0]), sheet=close[0], severity="warning"))
        return close[0]
    raise InputError([Problem(str(path), _("no sheet named '{sheet}'").format(sheet=sheet),
                              _("The workbook has: {sheets}. Give one of these after '#' "
                                "(file.xlsx#Sheet) or in the scenario's `sheet:` key").format(
                                  sheets=", ".join(names)))])
