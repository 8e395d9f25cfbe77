"""The fast row writer of allocation.xlsx (`workbook.stream_xml`) against XlsxWriter's public
API on a block of awkward columns: cell for cell the same values, kinds, number formats and the
same text in every `<v>`, chunk boundaries included."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

import kcopt.present.workbook.base as base
import kcopt.present.workbook.stream_xml as stream_xml
from kcopt.present.workbook.base import BlockColumn, StreamBook
from kcopt.present.workbook.formats import MONEY, PERCENT
from spreadsheet import as_shared

N = 23  # rows; the chunk is made smaller so that a block spans several chunks


def columns() -> list[BlockColumn]:
    rng = np.random.default_rng(7)
    money = np.round(rng.random(N) * 1000, 3)
    money[[1, 4]] = [12.0, 0.0]
    repeated = np.tile([0.0, -0.0, 1.0, 0.5, np.nan, 1e-07], 4)[:N]
    texts = ["Hà Nội", "a < b & c > d", " lead", "trail ", "Hà Nội", "x" * 17000,
             "_x0041_ kept", "line\nbreak", "ctrl\x01char", None] + ["Lâm Đồng"] * (N - 10)
    plain_texts = ["Hà Nội", "a < b", None, " both "] * 5 + ["Huế"] * (N - 20)
    mixed: list[object] = [1.5, "text", None, True, 2, float("inf"), np.nan] * 3 + [0.0, 7.0]
    ints = list(range(N))
    ints[3] = 10**17
    with_blanks: list[object] = [None if k % 3 == 0 else k * 1.25 for k in range(N)]
    return [
        BlockColumn(1, money, MONEY),
        BlockColumn(2, repeated, MONEY),
        BlockColumn(3, texts, None),
        BlockColumn(4, plain_texts, MONEY),
        BlockColumn(5, mixed, MONEY),
        BlockColumn(6, ints, None),
        BlockColumn(7, with_blanks, PERCENT),
        BlockColumn(8, money + 1, MONEY, lambda r: f"A{r}+1"),
        BlockColumn(9, np.where(money > 0, 1.0, 0.0), PERCENT,
                    lambda r: f'IF(A{r}>0,1,0)&"<"' if r % 5 else None),
        BlockColumn(10, [None, "x", True] * 7 + [1.0, 2.0], None, lambda r: f"J{r - 1}"),
        BlockColumn(11, np.array([True, False] * 11 + [True]), None),
        BlockColumn(12, np.arange(N, dtype=np.int64) - 5, MONEY),
    ]


def write(path: Path) -> dict[tuple[str, str], object]:
    book = StreamBook(path, datetime(2026, 1, 1))
    ws = book.sheet("allocation")
    ws.write(1, 1, "title")
    book.block(ws, 3, columns())
    # a block from column C with a gap (E) and unstyled blanks: cells that need r=
    book.block(ws, 3 + N, [BlockColumn(3, [1.0, None, 2.0], None),
                           BlockColumn(4, [None, None, "d"], None),
                           BlockColumn(6, ["a", "b", None], MONEY)])
    ws.write(6 + N, 1, "after")
    book.close()
    return book.expected


def shared_strings(path: Path) -> list[str]:
    """The XML text of each item of the workbook's shared strings (none: an empty list)."""
    with zipfile.ZipFile(path) as zf:
        if "xl/sharedStrings.xml" not in zf.namelist():
            return []
        xml = zf.read("xl/sharedStrings.xml").decode()
    return re.findall(r"<si><t(?: xml:space=\"preserve\")?>(.*?)</t></si>", xml, re.S)


def raw_cells(path: Path) -> dict[str, tuple[str, str]]:
    """cell → (its type attribute, the text of its <v> or <t>); a cell without `r=` is in the
    column after the cell before it; a shared string (`t="s"`) is an inline string of the text
    its index names."""
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    table = shared_strings(path)
    out = {}
    for row in re.finditer(r'<row r="(\d+)"[^>]*?(?:/>|>(.*?)</row>)', xml, re.S):
        col = 0
        for m in re.finditer(r'<c(?: r="([A-Z]+)\d+")?([^>]*?)(/>|>(.*?)</c>)', row[2] or "",
                             re.S):
            col = column_index_from_string(m[1]) if m[1] else col + 1
            kind = re.search(r't="(\w+)"', m[2])
            inner = re.search(r"<[vt][^>]*>(.*?)</[vt]>", m[4] or "", re.S)
            cell = (kind[1] if kind else "", inner[1] if inner else "")
            if cell[0] == "s":
                cell = ("inlineStr", table[int(cell[1])])
            out[f"{get_column_letter(col)}{row[1]}"] = cell
    return out


@pytest.mark.parametrize("into", ["zip", "row file"])
def test_fast_rows_equal_the_public_api(into: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows streamed into the zip entry (`stream_zip`) and, where XlsxWriter's zip cannot be
    reached, appended to XlsxWriter's row file."""
    monkeypatch.setattr(stream_xml, "CHUNK", 5)
    if into == "row file":
        monkeypatch.setattr(base, "streaming_available", lambda: False)
    fast_expected = write(tmp_path / "fast.xlsx")
    monkeypatch.setattr(base, "fast_rows_available", lambda raw: False)
    slow_expected = write(tmp_path / "slow.xlsx")
    assert fast_expected == slow_expected
    fast, slow = raw_cells(tmp_path / "fast.xlsx"), raw_cells(tmp_path / "slow.xlsx")
    assert fast == slow
    assert fast["B3"] == ("", "0") and fast["B4"] == ("", "-0")  # -0.0 kept apart from 0.0
    a = openpyxl.load_workbook(tmp_path / "fast.xlsx").active
    b = openpyxl.load_workbook(tmp_path / "slow.xlsx").active
    assert a.max_row == b.max_row == N + 6 and a.max_column == b.max_column
    shared = into == "zip"
    for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
        for x, y in zip(row_a, row_b, strict=True):
            assert (x.value, x.data_type, x.number_format) == (
                as_shared(y.value) if shared else y.value, y.data_type, y.number_format
            ), x.coordinate
    if shared:  # the texts read back as written ("_x0041_" too), but a control character
        texts = columns()[2].values
        assert [a.cell(3 + i, 3).value for i in range(N) if texts[i] != "ctrl\x01char"] == [
            t for t in texts if t != "ctrl\x01char"]


def test_another_threads_workbook_is_not_given_this_ones_blocks(tmp_path: Path) -> None:
    """While one thread streams its blocks (XlsxWriter's zip swapped for the block zip), a
    workbook another thread closes meanwhile — the annex of a run beside it, in the app's
    sessions — is written with XlsxWriter's own zip, not this one's blocks (it failed with
    "the place of a block of rows is lost")."""
    import threading

    import xlsxwriter

    from kcopt.present.workbook.stream_zip import xlsx_zip

    inside, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def streaming() -> None:
        with xlsx_zip(blocks={"xl/worksheets/sheet1.xml": [("<!--mark-->", None)]}):  # type: ignore[list-item]
            inside.set()
            done.wait(30)

    holder = threading.Thread(target=streaming)
    holder.start()
    try:
        assert inside.wait(30)
        wb = xlsxwriter.Workbook(str(tmp_path / "other.xlsx"))
        wb.add_worksheet("Phụ lục").write(0, 0, "Kế hoạch")
        try:
            wb.close()
        except RuntimeError as exc:
            errors.append(exc)
    finally:
        done.set()
        holder.join(30)
    assert not errors, errors
    assert openpyxl.load_workbook(tmp_path / "other.xlsx")["Phụ lục"]["A1"].value == "Kế hoạch"


def test_streamed_entries_deflated_by_isal_read_as_zlibs(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The entries kcopt streams are deflated by ISA-L (`isal`), and without it by zlib: both
    plain deflate that any zip reader reads, with the same XML inside."""
    import sys

    from test_shared_strings import write as write_texts

    entries = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")
    isal = write_texts(tmp_path / "isal.xlsx")
    monkeypatch.setitem(sys.modules, "isal", None)  # import isal fails
    plain = write_texts(tmp_path / "zlib.xlsx")
    with zipfile.ZipFile(isal) as a, zipfile.ZipFile(plain) as b:
        assert a.testzip() is None and b.testzip() is None
        for name in entries:
            assert a.getinfo(name).compress_type == zipfile.ZIP_DEFLATED
            assert a.read(name) == b.read(name)
            with open(isal, "rb") as fa, open(plain, "rb") as fb:  # the deflated bytes differ
                ia, ib = a.getinfo(name), b.getinfo(name)
                fa.seek(ia.header_offset + 30 + len(ia.filename.encode()) + len(ia.extra))
                fb.seek(ib.header_offset + 30 + len(ib.filename.encode()) + len(ib.extra))
                assert fa.read(ia.compress_size) != fb.read(ib.compress_size), name


class _Texts(list):  # type: ignore[type-arg]
    """A column's texts that can be watched (a weak reference says when they are let go)."""


def test_a_streamed_block_holds_one_columns_texts_at_a_time(tmp_path: Path) -> None:
    """A block streamed into the zip takes its columns as they are made: each column's texts
    go into the shared strings and the column's Python strings are let go before the next
    column is made (issue 28: at 200,000 projects the block's text columns held together were
    ~120 MB of allocation.xlsx's peak). The workbook reads the same."""
    import gc
    import weakref

    n = 40
    made: list[weakref.ref[_Texts]] = []
    alive_when_made: list[int] = []

    def block() -> Any:
        for j in range(1, 6):
            gc.collect()
            alive_when_made.append(sum(ref() is not None for ref in made))
            texts = _Texts(f"{j}-{k % (3 * j)}" for k in range(n))
            made.append(weakref.ref(texts))
            yield BlockColumn(j, texts, None)
            del texts

    book = StreamBook(tmp_path / "texts.xlsx", datetime(2026, 1, 1))
    ws = book.sheet("allocation")
    book.block(ws, 3, block())
    book.close()
    assert alive_when_made == [0, 0, 0, 0, 0]
    sheet = openpyxl.load_workbook(tmp_path / "texts.xlsx").active
    assert [[sheet.cell(3 + k, j).value for j in range(1, 6)] for k in (0, n - 1)] == [
        [f"{j}-0" for j in range(1, 6)], [f"{j}-{(n - 1) % (3 * j)}" for j in range(1, 6)]]
