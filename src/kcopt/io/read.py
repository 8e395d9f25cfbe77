"""Read a project list (CSV or XLSX) into a table of raw cells, finding the header row.

Government forms open with the agency's name, a form number and a title; the header row is the
first of the top rows in which at least two cells are known column names. Cells are kept as text
so validation can quote exactly what the planner typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kcopt.errors import InputError, Problem

HEADER_SCAN_ROWS = 30


@dataclass
class RawTable:
    """Cells as text under their original headers, with the file row number of each data row."""

    frame: pd.DataFrame
    file_rows: list[int]
    path: Path
    sheet: str | None
    header_row: int
    notes: list[Problem] = field(default_factory=list)


def split_sheet(spec: str | Path) -> tuple[Path, str | None]:
    """`file.xlsx#Danh mục` → (file.xlsx, 'Danh mục')."""
    text = str(spec)
    if "#" in text and text.lower().split("#", 1)[0].endswith((".xlsx", ".xlsm")):
        path, sheet = text.split("#", 1)
        return Path(path), sheet
    return Path(text), None


def read_table(path: Path, sheet: str | None, is_header: Callable[[list[str]], bool]) -> RawTable:
    """Read `path` (and `sheet` for workbooks); `is_header(cells)` recognises the header row."""
    if not path.exists():
        raise InputError([Problem(str(path), "file not found", "Check the path (relative paths "
                                  "in a scenario are relative to the scenario file)")])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        grid, sheet = _read_xlsx(path, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        grid = _read_csv(path)
    elif suffix == ".xls":
        raise InputError([Problem(str(path), "old Excel 97–2003 (.xls) workbooks are not read",
                                  "Open it in Excel or LibreOffice and save as .xlsx")])
    else:
        raise InputError([Problem(str(path), f"unsupported file type '{suffix}'",
                                  "Give a .csv or .xlsx file")])
    if grid.empty:
        raise InputError([Problem(str(path), "the file is empty", "Add a header row and projects",
                                  sheet=sheet)])
    header_at = None
    for i in range(min(HEADER_SCAN_ROWS, len(grid))):
        if is_header([str(c) for c in grid.iloc[i].tolist()]):
            header_at = i
            break
    if header_at is None:
        raise InputError([Problem(
            str(path), f"no header row found in the first {HEADER_SCAN_ROWS} rows", sheet=sheet,
            fix="The header row needs at least 'Mã đề án' (project_id) and 'Tên đề án' (name) "
            "or other known column names; run `kcopt template` for a starting workbook",
        )])
    headers = [str(h).strip() for h in grid.iloc[header_at].tolist()]
    body = grid.iloc[header_at + 1:]
    keep = [j for j, h in enumerate(headers) if h]
    body = body.iloc[:, keep]
    body.columns = [headers[j] for j in keep]
    blank = (body.apply(lambda s: s.str.strip()) == "").all(axis=1)
    file_rows = [header_at + 2 + i for i in range(len(body))]
    notes = []
    if blank.any():
        notes.append(Problem(str(path), f"{int(blank.sum())} blank row(s) skipped", sheet=sheet,
                             severity="warning"))
    rows = [r for r, b in zip(file_rows, blank.tolist(), strict=True) if not b]
    body = body.loc[~blank.to_numpy()].reset_index(drop=True)
    return RawTable(body, rows, path, sheet, header_at + 1, notes)


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16", "cp1258"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes nearly anything
        raise InputError([Problem(str(path), "cannot decode the file", "Save it as UTF-8 CSV")])
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                           keep_default_na=False, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        raise InputError([Problem(
            str(path), f"not a readable CSV table ({exc})",
            "Check quoting and that every row has the same columns")]) from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _read_xlsx(path: Path, sheet: str | None) -> tuple[pd.DataFrame, str]:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise InputError([Problem(
            str(path), f"cannot open the workbook ({type(exc).__name__})",
            "If it is password-protected, save an unprotected copy; otherwise re-save it as .xlsx",
        )]) from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError([Problem(str(path), f"no sheet named '{sheet}'",
                                      f"The workbook has: {', '.join(wb.sheetnames)}")])
        rows = [["" if v is None else _cell_text(v) for v in row]
                for row in ws.iter_rows(values_only=True)]
        title = ws.title
    finally:
        wb.close()
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str), title


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
