"""The texts of allocation.xlsx's big blocks are shared strings (`stream_xml.SharedTexts`):
each distinct text once in `xl/sharedStrings.xml`, after XlsxWriter's own, and a cell holds
its index. Read back by openpyxl, by LibreOffice and by kcopt's own reader, every text is the
text written: Vietnamese, a text that looks like a formula, spaces at either end, escapes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from kcopt.io.sheets import Workbook
from kcopt.present.workbook.base import SHEETS, BlockColumn, StreamBook
from kcopt.present.workbook.formats import MONEY
from spreadsheet import needs_soffice

REPEATED = "được hỗ trợ đủ từ kinh phí KCQG; mức hỗ trợ tối đa: số kinh phí đề nghị hỗ trợ"
TEXTS = ["Hỗ trợ đủ", "=1+1", "", " lề trái", "Đắk Lắk ", None, "a < b & c > d", "_x0041_",
         "+84 90", "-5", "Thừa Thiên Huế", "'quoted", "=SUM(A1:A2)", "Nâng cấp\nxưởng", ""]
ROWS = TEXTS + [REPEATED] * 1000 + ["Hỗ trợ đủ"]


def write(path: Path, own: str | None = None) -> Path:
    """A workbook with a block of texts (B), numbers (C) and texts again (D) from row 3, and
    the ids of the rows (E, texts each once); `own`: a text put first in XlsxWriter's own
    shared strings."""
    book = StreamBook(path, datetime(2026, 1, 1))
    ws = book.sheet("allocation")
    ws.write(1, 1, "Tiêu đề")
    n = len(ROWS)
    book.block(ws, 3, [BlockColumn(2, ROWS, None), BlockColumn(3, [float(i) for i in range(n)],
                                                               MONEY),
                       BlockColumn(4, ROWS[::-1], MONEY),
                       BlockColumn(5, [f"P-{i:04d}" for i in range(n)], None)])
    if own is not None:
        book.wb.str_table._get_shared_string_index(own)
    book.close()
    return path


def table(path: Path) -> tuple[dict[str, str], list[str]]:
    """The attributes of `<sst>` and the raw XML of each item."""
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/sharedStrings.xml").decode()
    head = re.search(r"<sst ([^>]*)>", xml)
    assert head is not None
    return dict(re.findall(r'(\w+)="([^"]*)"', head[1])), re.findall(r"<si>.*?</si>", xml, re.S)


def test_each_text_once_and_read_back_by_openpyxl(tmp_path: Path) -> None:
    path = write(tmp_path / "texts.xlsx")
    attrs, items = table(path)
    distinct = {t for t in ROWS if t is not None} | {f"P-{i:04d}" for i in range(len(ROWS))}
    assert len(items) == len(set(items)) == len(distinct) == int(attrs["uniqueCount"])
    texts = sum(t is not None for t in ROWS)
    assert int(attrs["count"]) == 2 * texts + len(ROWS)  # a reference per text cell
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert REPEATED not in sheet and "inlineStr" not in sheet.split('<row r="3"', 1)[1]
    assert sheet.count(' t="s"><v>') == 2 * texts + len(ROWS)
    ws = openpyxl.load_workbook(path)[SHEETS["allocation"]]
    assert [ws.cell(3 + i, 2).value for i in range(len(ROWS))] == ROWS
    assert [ws.cell(3 + i, 4).value for i in range(len(ROWS))] == ROWS[::-1]
    assert {ws.cell(3 + i, 2).data_type for i in range(len(ROWS)) if ROWS[i] is not None} == {"s"}
    assert ws.cell(4, 2).value == "=1+1" and ws.cell(4, 2).data_type == "s"  # text, no formula
    assert ws.cell(2 + len(ROWS), 5).value == f"P-{len(ROWS) - 1:04d}"
    assert ws["A1"].value == "Tiêu đề"
    with Workbook(path) as wb:  # kcopt's own reader ('' for an empty cell, as for a blank)
        cells = wb.grid(SHEETS["allocation"]).cells
    assert [cells[2 + i][1] for i in range(len(ROWS))] == ["" if t is None else t for t in ROWS]


def test_the_texts_follow_xlsxwriters_own_shared_strings(tmp_path: Path) -> None:
    """A text in XlsxWriter's table when the workbook closes keeps index 0; the blocks' texts
    come after it, and their cells point past it."""
    path = write(tmp_path / "merged.xlsx", own="Của XlsxWriter")
    attrs, items = table(path)
    assert items[0] == "<si><t>Của XlsxWriter</t></si>"
    assert items[1] == "<si><t>Hỗ trợ đủ</t></si>"
    assert int(attrs["uniqueCount"]) == len(items)
    ws = openpyxl.load_workbook(path)[SHEETS["allocation"]]
    assert [ws.cell(3 + i, 2).value for i in range(len(ROWS))] == ROWS


def test_the_same_workbook_under_another_hash_seed(tmp_path: Path) -> None:
    """The order of the shared strings is the order the texts first appear, not a set's: the
    same workbook gives the same bytes in another process, whatever its string hashes."""
    code = ("import sys; from pathlib import Path; sys.path[:0] = sys.argv[2:]; "
            "from test_shared_strings import write; write(Path(sys.argv[1]))")
    src = str(Path(__file__).resolve().parents[1] / "src")
    here = str(Path(__file__).resolve().parent)
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.xlsx"
        subprocess.run([sys.executable, "-c", code, str(out), src, here], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


@needs_soffice
@pytest.mark.slow
def test_libreoffice_reads_every_text_as_written(tmp_path: Path, libreoffice) -> None:
    """LibreOffice opens the workbook and saves it again: every text is the one written (an
    empty text an empty cell, as LibreOffice reads XlsxWriter's own inline empty text)."""
    path = write(tmp_path / "texts.xlsx")
    (saved,) = libreoffice.recalc([path], tmp_path / "lo")
    ws = openpyxl.load_workbook(saved)[SHEETS["allocation"]]
    want = [None if t == "" else t for t in ROWS]
    assert [ws.cell(3 + i, 2).value for i in range(len(ROWS))] == want
    assert [ws.cell(3 + i, 4).value for i in range(len(ROWS))] == want[::-1]
    assert [ws.cell(3 + i, 5).value for i in range(len(ROWS))] == [
        f"P-{i:04d}" for i in range(len(ROWS))]
    assert ws.cell(4, 2).data_type == "s" and ws.cell(4, 3).value == 1.0
