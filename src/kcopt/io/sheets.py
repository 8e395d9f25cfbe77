"""Open a planner's workbook for reading: refuse what cannot be read with a message that says
what the file is, and give each sheet as a grid of text plus the facts openpyxl's fast reader
does not expose (merged cells, formulas whose value was never saved).

A password-protected workbook is not a zip at all: Excel wraps the encrypted package in an OLE
compound file (the same container as an old .xls), which starts with the bytes D0 CF 11 E0.

Nothing the file claims about itself is trusted (`kcopt.core.limits`): its parts are checked against
the decompressed-size limit and read through once before openpyxl sees them (a corrupted part
is named, a cell longer than the limit refused), and sheets are read to their real last row and
column, not to the stored `<dimension>`, which may be stale or claim XFD1048576.
"""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from xml.etree import ElementTree

import numpy as np

from kcopt.core import limits
from kcopt.core.errors import InputError, Problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
_BARE_FORMULA = re.compile(
    rb"<(?:\w+:)?c\b[^>]*\br=\"([A-Z]+[0-9]+)\"[^>]*>\s*"
    rb"<(?:\w+:)?f\b(?:[^>]*/>|[^>]*>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")
_CELL = re.compile(r"([A-Z]+)([0-9]+)")
HEADER_ALLOWANCE = 50  # title and header rows above the data, on top of the row limit
STYLED_ROWS_PAST_LIMIT = 1000


def get_column_letter(col: int) -> str:
    """1-based column number → letters (here rather than from openpyxl, whose import costs a
    CSV-only command 0.2 s).

    >>> get_column_letter(28)
    'AB'
    """
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index_from_string(letters: str) -> int:
    """Letters → 1-based column number.

    >>> column_index_from_string("AB")
    28
    """
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def cell_ref(row: int, col: int) -> str:
    """0-based (row, column) → 'C8'.

    >>> cell_ref(7, 2)
    'C8'
    """
    return f"{get_column_letter(col + 1)}{row + 1}"


def parse_ref(ref: str) -> tuple[int, int]:
    """'C8' → 0-based (7, 2)."""
    m = _CELL.fullmatch(ref)
    assert m, ref
    return int(m.group(2)) - 1, column_index_from_string(m.group(1)) - 1


@dataclass(frozen=True)
class Merge:
    """A merged range, 0-based and inclusive."""

    r1: int
    c1: int
    r2: int
    c2: int

    @property
    def ref(self) -> str:
        return f"{cell_ref(self.r1, self.c1)}:{cell_ref(self.r2, self.c2)}"


@dataclass
class Grid:
    """One sheet: every cell as text ('' when empty), its merged ranges and the cells holding a
    formula with no saved value (a workbook written by a program and never opened in Excel)."""

    title: str
    cells: list[list[str]]
    merges: list[Merge] = field(default_factory=list)
    unsaved_formulas: list[tuple[int, int]] = field(default_factory=list)


def check_workbook_file(path: Path, data: bytes | None = None) -> None:
    """Raise a clear `InputError` for a workbook that is encrypted, an old .xls or not a zip.
    `data`, when given, is the file's content already read (then the file is not opened)."""
    if data is None:
        with path.open("rb") as fh:
            head = fh.read(512)
    else:
        head = data[:512]
    if head[:8] == OLE_MAGIC:
        # the OLE directory names its streams in UTF-16; an encrypted package has this one
        whole = path.read_bytes() if data is None else data
        if "EncryptedPackage".encode("utf-16-le") in whole:
            raise InputError([Problem(
                str(path), "the workbook is password-protected (encrypted), so it cannot be "
                "read", "Open it in Excel or LibreOffice, remove the password to open "
                "(Excel: File ▸ Info ▸ Protect Workbook ▸ Encrypt with Password, clear it) and "
                "save, or save an unprotected copy and point kcopt at that")])
        raise InputError([Problem(
            str(path), "this is an old Excel 97–2003 workbook (.xls format) with an .xlsx name",
            "Open it in Excel or LibreOffice and save as .xlsx (Excel Workbook)")])
    if not zipfile.is_zipfile(path if data is None else io.BytesIO(data)):
        kind = "empty" if not head else ("a text file" if _is_text(head) else "not a workbook")
        raise InputError([Problem(
            str(path), f"not an .xlsx workbook (the file is {kind})",
            "Save it from Excel or LibreOffice as .xlsx, or give a .csv with a .csv name")])


def check_workbook_parts(path: Path, data: bytes | None = None) -> None:
    """Refuse a workbook whose parts decompress beyond the limits (a zip bomb), hold a text run
    longer than any cell may be, use a compression Excel never writes, or are corrupted.
    `data`, when given, is the file's content already read (then the file is not opened)."""
    lim = limits.current()
    try:
        with zipfile.ZipFile(path if data is None else io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > lim.unzipped_bytes:
                raise limits.exceeded(str(path), f"tệp .xlsx giải nén ra {total:,} byte",
                                      "unzipped_bytes")
            for info in infos:
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise InputError([Problem(
                        str(path), f"thành phần '{info.filename}' dùng kiểu nén mà Excel không "
                        "dùng; tệp không phải bảng tính Excel thông thường",
                        "Mở bằng Excel hoặc LibreOffice và lưu lại thành .xlsx")])
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 2**20 and ratio > lim.zip_ratio:
                    raise limits.exceeded(str(path), f"thành phần '{info.filename}' nén "
                                          f"{ratio:,.0f} lần ({info.file_size:,} byte khi giải "
                                          "nén): dấu hiệu của một quả bom nén", "zip_ratio")
                if info.filename.endswith((".xml", ".rels")):
                    _scan_part(path, zf, info, lim)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputError([Problem(
            str(path), f"tệp .xlsx bị hỏng, không đọc được ({type(exc).__name__}: {exc})",
            "Mở bằng Excel hoặc LibreOffice (chọn sửa tệp nếu được hỏi) và lưu lại; hoặc lấy "
            "lại bản gốc")]) from None


def _scan_part(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo,
               lim: limits.Limits) -> None:
    """Read one XML part through (which checks its CRC) and find its longest run of text: a cell
    of `cell_chars` characters takes at most 6 bytes per character in XML (`&amp;`)."""
    longest_ok = lim.cell_chars * 6
    run = 0
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 22):
            if b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
                raise InputError([Problem(
                    str(path), f"thành phần '{info.filename}' khai báo DTD/ENTITY, điều Excel "
                    "và LibreOffice không bao giờ ghi (có thể là một quả bom XML)",
                    "Mở bằng Excel hoặc LibreOffice và lưu lại thành .xlsx, hoặc lấy lại bản "
                    "gốc")])
            where = np.flatnonzero(np.frombuffer(chunk, np.uint8) == ord("<"))
            if where.size == 0:
                run += len(chunk)
            else:
                gaps = np.diff(where)
                widest = max(run + int(where[0]), int(gaps.max()) - 1 if gaps.size else 0)
                run = len(chunk) - int(where[-1]) - 1
                if widest > longest_ok:
                    break
            if run > longest_ok:
                break
        else:
            return
    raise limits.exceeded(str(path), f"thành phần '{info.filename}' chứa một đoạn văn bản dài "
                          f"hơn {longest_ok:,} byte (một ô quá dài)", "cell_chars")


def _is_text(head: bytes) -> bool:
    return b"\0" not in head


class Workbook:
    """A workbook opened read-only; use as a context manager. The file is read once: its bytes
    (`data`, or read here) are what is checked and parsed, so whoever hashed those bytes
    hashed what is read even if the file changes meanwhile."""

    def __init__(self, path: Path, data: bytes | None = None):
        import openpyxl

        if data is None:
            data = limits.read_input_bytes(path, path.suffix.lower())
        check_workbook_file(path, data)
        check_workbook_parts(path, data)
        self.path = path
        self.data = data
        try:
            self._wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError,
                ElementTree.ParseError) as exc:
            raise InputError([Problem(
                str(path), f"cannot open the workbook ({type(exc).__name__}: {exc})",
                "Re-save it from Excel or LibreOffice as .xlsx")]) from None
        self.sheetnames: list[str] = list(self._wb.sheetnames)
        self._xml_paths: dict[str, str] | None = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._wb.close()

    def grid(self, title: str) -> Grid:
        ws = self._wb[title]
        ws.reset_dimensions()  # the stored <dimension> may be stale, or claim XFD1048576
        try:
            cells = self._cells(ws, title)
        except (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, KeyError,
                IndexError) as exc:  # a sheet's XML broken, or a shared string that is missing
            raise InputError([Problem(
                str(self.path), f"không đọc được trang tính '{title}' ({type(exc).__name__}: "
                f"{exc})", "Mở bằng Excel hoặc LibreOffice và lưu lại thành .xlsx")]) from None
        xml = self._sheet_xml(title)
        merges = [_merge(m.decode()) for m in _MERGE.findall(xml)]
        unsaved = [parse_ref(m.decode()) for m in _BARE_FORMULA.findall(xml)]
        return Grid(ws.title, cells, merges, unsaved)

    def _cells(self, ws: object, title: str) -> list[list[str]]:
        """The sheet's cells as text, read row by row up to the last one holding a value (empty
        rows and formatted empty cells at the far end cost no memory); a value past the row or
        column limit is refused."""
        lim = limits.current()
        rows: list[list[str]] = []
        last = width = 0  # rows up to the last holding a value; columns up to the last one
        styled = 0  # rows past the limit holding formatted but empty cells
        for i, row in enumerate(ws.iter_rows(values_only=True)):  # type: ignore[attr-defined]
            if row.count(None) == len(row):  # counted in C: a million empty rows take a second
                if i < lim.rows + HEADER_ALLOWANCE:
                    rows.append([])
                elif row:
                    styled += 1
                    if styled > STYLED_ROWS_PAST_LIMIT:
                        raise limits.exceeded(str(self.path), "trang tính có ô (định dạng, "
                                              f"không có giá trị) đến dòng {i + 1:,}"
                                              .replace(",", "."), "rows", sheet=title)
                continue
            if i >= lim.rows + HEADER_ALLOWANCE:
                raise limits.exceeded(str(self.path), f"trang tính có dữ liệu đến dòng {i + 1:,}"
                                      .replace(",", "."), "rows", sheet=title, row=i + 1)
            tail = row[width:]
            if tail.count(None) != len(tail):  # a value right of every one seen so far
                end = len(row)
                while row[end - 1] is None:
                    end -= 1
                if end > lim.columns:
                    raise limits.exceeded(str(self.path), f"dòng {i + 1} có dữ liệu ở cột "
                                          f"{get_column_letter(end)} (cột thứ {end:,})"
                                          .replace(",", "."), "columns",
                                          sheet=title, row=i + 1)
                width = end
            text = ["" if v is None else _cell_text(v) for v in row[:width]]
            for j, t in enumerate(text):
                if len(t) > lim.cell_chars:
                    raise limits.exceeded(str(self.path), f"ô {cell_ref(i, j)} dài {len(t):,} ký "
                                          "tự".replace(",", "."), "cell_chars", sheet=title,
                                          row=i + 1, column=get_column_letter(j + 1))
            rows.append(text)
            last = i + 1
        return [r + [""] * (width - len(r)) for r in rows[:last]]

    def _sheet_xml(self, title: str) -> bytes:
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                if self._xml_paths is None:
                    self._xml_paths = _sheet_paths(zf)
                part = self._xml_paths.get(title)
                return zf.read(part) if part else b""
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
            return b""  # merged cells are a refinement; the values were read already


def _merge(ref: str) -> Merge:
    a, _, b = ref.partition(":")
    r1, c1 = parse_ref(a)
    r2, c2 = parse_ref(b or a)
    return Merge(r1, c1, r2, c2)


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its XML part, from xl/workbook.xml and its relationships."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    out = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        out[sheet.get("name", "")] = part
    return out


_LIKE_THOUSANDS = re.compile(r"-?[1-9]\d{0,2}\.\d{3}")  # "115.544": 115544 in a money column


def _cell_text(value: object) -> str:
    """A cell's value as the text the column parsers read. A number cell's text never looks
    like Vietnamese thousands: 115.544 (a number, three decimals) is written "115.5440", since
    "115.544" typed as text is read as 115.544 thousand in a money column.

    >>> _cell_text(115.544), _cell_text(300.0), _cell_text(96.6), _cell_text(1234.567)
    ('115.5440', '300', '96.6', '1234.567')
    """
    if isinstance(value, str):  # one spelling of each letter: ids equal after NFC are one id
        return unicodedata.normalize("NFC", value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if isinstance(value, float) and _LIKE_THOUSANDS.fullmatch(text):
        return text + "0"
    return text
