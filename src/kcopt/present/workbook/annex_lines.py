"""The project lines of `annex.xlsx` (`kcopt.present.workbook.annex`): a section's lines, a
line a project, with its STT, id, name, province, funds, establishments, the fund's share, its
cost and counterpart on its first line, the optional amounts, its note ("Ghi chú") and the
facts the readers take back.

The workbook is written top to bottom in XlsxWriter's constant-memory mode; a section's lines
are built as XML a column at a time (`workbook.stream_xml`, about 0.3 µs a cell against
XlsxWriter's 17: the lines are nearly all of an annex, 3.8 s of CPU at 10,000 projects), or cell
by cell through XlsxWriter's public API (`project_line`) where its internals are not those the
fast rows rely on. Both give the same workbook cell for cell (tests/test_annex_stream.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kcopt.core.vocabulary import STATUS_VI
from kcopt.present.workbook.annex_head import LINE_HEIGHT
from kcopt.present.workbook.facts import cell_value
from kcopt.present.workbook.formats import whole_amount, wrapped_lines
from kcopt.present.workbook.stream_xml import BlockColumn, Rows, form_styles, write_rows

FUND_WORDS = {"central": "Trung ương", "local": "Địa phương", "both": "Trung ương, địa phương"}
# annex columns: header (row 1), child header under the merged "Kinh phí" parent, width
COLUMNS = [("STT", None, 6), ("Mã đề án", None, 12), ("Tên đề án", None, 48),
           ("Tỉnh/Thành phố", None, 16), ("Nguồn kinh phí", None, 14), ("Số cơ sở", None, 8),
           ("Kinh phí (triệu đồng)", "Tổng kinh phí", 14),
           ("Kinh phí (triệu đồng)", "Kinh phí hỗ trợ", 14),
           ("Kinh phí (triệu đồng)", "Vốn đối ứng", 14), ("Ghi chú", None, 40)]
TOTAL, SUPPORT, MATCH = 6, 7, 8  # 0-based columns of the three amounts
EPS = 1e-9
CHUNK = 4096  # lines made at a time (issue 28: not the whole plan at once)


def money_format(f: dict[str, Any], key: str, value: float) -> Any:
    """The format for an amount: without decimals when it is whole (to the đồng)."""
    return f[key] if whole_amount(value) else f[key + "_dec"]


def vn_number(x: float) -> str:
    """Vietnamese number text: 1.234,5 (to the đồng: six decimals of a million).

    >>> vn_number(1234.5), vn_number(300.0), vn_number(78324.7273)
    ('1.234,5', '300', '78.324,7273')
    """
    text = f"{x:,.6f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def line_note(status: str, central: float, local: float, total: float, first: bool) -> str:
    """"Ghi chú": the project's status; for a project paid from both funds, both shares and
    where its cost is written."""
    note = STATUS_VI.get(status, status)
    if central > EPS and local > EPS:
        note += (f"; đồng hỗ trợ: KCQG {vn_number(central)} (mục A), KCĐP {vn_number(local)} "
                 f"(mục B), tổng {vn_number(total)}")
        if not first:
            note += "; tổng kinh phí và vốn đối ứng ghi ở mục A"
    return note


def _lines_tall(name: str, province: str, note: str) -> int:
    """Lines the row's wrapped texts take (name, province and note columns)."""
    return max(wrapped_lines(name, COLUMNS[2][2]), wrapped_lines(province, COLUMNS[3][2]),
               wrapped_lines(note, COLUMNS[-1][2]))


def section_lines(ws: Any, f: dict[str, Any], plan: pd.DataFrame, row: int, places: np.ndarray,
                  first: np.ndarray, lines: dict[str, list[int]], fund: str,
                  cols: tuple[list[str], list[str]], last: int, fast: bool) -> None:
    """A section's project lines under its heading at `row` (0-based): the plan's rows at
    `places`, `first` per line (the project's first line holds its cost and counterpart),
    `lines` each project's rows (its line in B, when in A too). `fast`: built as XML (the
    worksheet's internals checked by the caller), else cell by cell."""
    for lo in range(0, len(places), CHUNK):  # a chunk's rows as Python values at a time
        chunk = plan.iloc[places[lo:lo + CHUNK]]
        flags = first[lo:lo + CHUNK].tolist()
        ids = [str(v) for v in chunk["project_id"].tolist()]
        other = [rows[1] if flag and len(rows := lines[pid]) > 1 else None
                 for pid, flag in zip(ids, flags, strict=True)]
        if fast:
            _fast_lines(ws, f, chunk, row + lo + 1, lo + 1, (flags, ids, other), fund, cols,
                        last)
            continue
        for n, (rec, flag, below) in enumerate(zip(chunk.itertuples(index=False), flags, other,
                                                   strict=True), lo + 1):
            project_line(ws, f, row + n, n, rec, (fund, flag, below), cols, last)


def project_line(ws: Any, f: dict[str, Any], r: int, n: int, rec: Any,
                 line: tuple[str, bool, int | None], cols: tuple[list[str], list[str]],
                 last: int) -> None:
    """One line of a project in the section of `line[0]`'s fund, cell by cell; its cost and
    counterpart on its first line (`line[1]`), blank on the second. The counterpart of a
    project listed in A and B (`line[2]`: its row in B) is its cost less both shares."""
    fund, first, other = line
    extra, facts = cols
    share = float(getattr(rec, fund))
    ws.write_number(r, 0, n, f["center"])
    ws.write_string(r, 1, str(rec.project_id), f["cell"])
    ws.write_string(r, 2, str(rec.name), f["cell"])
    ws.write_string(r, 3, str(rec.province), f["cell"])
    ws.write_string(r, 4, FUND_WORDS.get(str(rec.funds), str(rec.funds)), f["cell"])
    ws.write_number(r, 5, float(rec.establishments), f["center"])
    ws.write_number(r, SUPPORT, share, money_format(f, "money", share))
    if first:
        cost = float(rec.total_cost)
        ws.write_number(r, TOTAL, cost, money_format(f, "money", cost))
        if other is None:
            ws.write_formula(r, MATCH, f"=G{r + 1}-H{r + 1}",
                             money_format(f, "money", cost - share), cost - share)
        else:
            value = cost - float(rec.total)
            ws.write_formula(r, MATCH, f"=G{r + 1}-H{r + 1}-H{other + 1}",
                             money_format(f, "money", value), value)
    else:
        ws.write_blank(r, TOTAL, None, f["money"])
        ws.write_blank(r, MATCH, None, f["money"])
    for k, key in enumerate(extra):
        value = float(getattr(rec, key))
        if np.isfinite(value):
            ws.write_number(r, MATCH + 1 + k, value, money_format(f, "money", value))
        else:
            ws.write_blank(r, MATCH + 1 + k, None, f["money"])
    note = line_note(str(rec.status), rec.central, rec.local, rec.total, first)
    ws.write_string(r, last, note, f["cell"])
    tall = _lines_tall(str(rec.name), str(rec.province), note)
    if tall > 1:  # a long name wraps: the row is made tall enough to print it whole
        ws.set_row(r, LINE_HEIGHT * tall + 4)
    for k, key in enumerate(facts, last + 1):
        fact = cell_value(key, getattr(rec, key))
        if isinstance(fact, float):
            ws.write_number(r, k, fact, f["center"])
        elif fact is not None:
            ws.write_string(r, k, fact, f["center"])


def _fast_lines(ws: Any, f: dict[str, Any], chunk: pd.DataFrame, r: int, n: int,
                said: tuple[list[bool], list[str], list[int | None]], fund: str,
                cols: tuple[list[str], list[str]], last: int) -> None:
    """The lines of `chunk` (the first on 0-based row `r`, numbered from `n`) as XML, a column
    at a time: what `project_line` writes for each."""
    flags, ids, other = said
    extra, facts = cols
    count = len(chunk)
    first = np.array(flags, dtype=bool)
    share = chunk[fund].to_numpy(float)
    cost = chunk["total_cost"].to_numpy(float)
    total = chunk["total"].to_numpy(float)
    top = r + 1  # 1-based: the rows' numbers in formulas and tags
    match = [None if not flag else f"G{top + i}-H{top + i}" if below is None
             else f"G{top + i}-H{top + i}-H{below + 1}"
             for i, (flag, below) in enumerate(zip(flags, other, strict=True))]
    values = np.where([b is None for b in other], cost - share, cost - total)
    money = form_styles(f["money_dec"], f["money"], blank=f["money"])
    cell, center = form_styles(f["cell"]), form_styles(f["center"])
    names = [str(v) for v in chunk["name"].tolist()]
    provinces = [str(v) for v in chunk["province"].tolist()]
    notes = [line_note(str(s), c, lo, t, flag) for s, c, lo, t, flag in zip(
        chunk["status"].tolist(), chunk["central"].tolist(), chunk["local"].tolist(),
        total.tolist(), flags, strict=True)]
    columns = [
        (BlockColumn(1, np.arange(n, n + count, dtype=float)), center),
        (BlockColumn(2, ids), cell), (BlockColumn(3, names), cell),
        (BlockColumn(4, provinces), cell),
        (BlockColumn(5, [FUND_WORDS.get(s, s) for s in map(str, chunk["funds"].tolist())]),
         cell),
        (BlockColumn(6, chunk["establishments"].to_numpy(float)), center),
        (BlockColumn(TOTAL + 1, np.where(first, cost, np.nan)), money),
        (BlockColumn(SUPPORT + 1, share), money),
        (BlockColumn(MATCH + 1, [v if flag else None for v, flag in zip(
            values.tolist(), flags, strict=True)], template=lambda row: match[row - top]),
         money),
        *((BlockColumn(MATCH + 2 + k, _finite(chunk[key])), money) for k, key in
          enumerate(extra)),
        (BlockColumn(last + 1, notes), cell),
        *((BlockColumn(k + 1, [cell_value(key, v) for v in chunk[key].tolist()]),
           form_styles(f["center"], blanks=False)) for k, key in enumerate(facts, last + 1)),
    ]
    texts = list(zip(names, provinces, notes, strict=True))
    tall = {k: _lines_tall(*k) for k in set(texts)}  # most rows repeat a province and a note
    heights = np.array([LINE_HEIGHT * tall[k] + 4 if tall[k] > 1 else np.nan for k in texts],
                       dtype=float)
    write_rows(ws, Rows("", top, count, [c for c, _s in columns], [s for _c, s in columns],
                        heights=heights))


def _finite(values: pd.Series) -> np.ndarray:
    """An optional amount's column: its numbers, a blank (NaN) where there is none or it is
    not finite."""
    a = values.to_numpy(float, na_value=np.nan)
    return np.where(np.isfinite(a), a, np.nan)
