"""Time the readers of a 20,000-row project list in .xlsx, .xls and .ods (issue 24, part 3):
the grid kcopt builds from each (openpyxl for .xlsx, python-calamine for .xls and .ods), the
raw calamine read of the same .xlsx (the speed it would have if .xlsx went through calamine),
and the whole `read_projects`. Needs LibreOffice to save the .xls and .ods.

    PYTHONPATH=src python benchmarks/read_formats.py [ROWS]

Prints the best of three runs of each, in seconds.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import python_calamine

import kcopt
from kcopt.io.calamine import CalamineBook
from kcopt.io.office import LibreOffice
from kcopt.io.sheets import Workbook


def best(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def write(path: Path, rows: int) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Danh mục")
    ws.append(["Mã đề án", "Tên đề án", "Tỉnh", "Nội dung", "Cấp", "Tổng kinh phí",
               "Kinh phí đề nghị", "Điểm thẩm định"])
    for i in range(rows):
        ws.append([f"P-{i:05d}", f"Ứng dụng máy móc thiết bị số {i}", "Lâm Đồng", "machinery",
                   "local", 1200.5 + i, 300, 70 + i % 30])
    wb.save(path)
    return path


def grid(opener: Callable[[Path], Workbook | CalamineBook], path: Path) -> None:
    with opener(path) as book:
        book.grid(book.sheetnames[0])


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kcopt-read-"))
    xlsx = write(folder / "big.xlsx", rows)
    lo = LibreOffice()
    files = {"xlsx": xlsx, "xls": lo.convert([xlsx], folder / "xls", "xls")[0],
             "ods": lo.convert([xlsx], folder / "ods", "ods")[0]}
    print(f"{rows:,} rows")
    print(f"  grid .xlsx (openpyxl)          {best(lambda: grid(Workbook, xlsx)):6.2f} s")
    raw = best(lambda: python_calamine.CalamineWorkbook.from_path(str(xlsx))
               .get_sheet_by_index(0).to_python())
    print(f"  raw calamine .xlsx (not used)  {raw:6.2f} s")
    for kind in ("xls", "ods"):
        t = best(lambda kind=kind: grid(CalamineBook, files[kind]))
        print(f"  grid .{kind} (calamine)          {t:6.2f} s")
    for kind, path in files.items():
        t = best(lambda path=path: kcopt.read_projects(path))
        print(f"  read_projects .{kind:<4}            {t:6.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
