"""The head of an official form written with XlsxWriter (the annex, the adjustment annex): the
agency and the national motto, the title lines, "(Kèm theo Quyết định số …)", "ĐVT: triệu đồng"
and the two-row header with merged parents, written row by row so that a sheet in
constant-memory mode (`annex.xlsx` at 200,000 projects) takes every cell."""

from __future__ import annotations

import math
from typing import Any

LINE_HEIGHT = 16.5  # points per line of 12-point Times New Roman


def _lines(text: str, width: float) -> int:
    """Lines a wrapped bold 12-point heading takes in a column `width` characters wide."""
    return max(1, math.ceil(len(text) * 1.2 / max(width - 1, 1)))


def title_block(ws: Any, f: dict[str, Any], agency: list[str],
                lines: list[tuple[str, str]], last: int) -> int:
    """The head of an official form over columns 0…`last`: the agency and the national motto,
    `lines` (text, format) from the fourth row, "(Kèm theo Quyết định số …)" and "ĐVT: triệu
    đồng"; the row its two-row header starts on."""
    agency = [*agency[:2], "", ""][:2]
    ws.merge_range(0, 0, 0, 3, agency[0], f["agency"])  # row by row (constant memory)
    ws.merge_range(0, 4, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f["agency"])
    ws.merge_range(1, 0, 1, 3, agency[1], f["motto"])
    ws.merge_range(1, 4, 1, last, "Độc lập - Tự do - Hạnh phúc", f["motto"])
    r = 3
    for text, style in lines:
        ws.merge_range(r, 0, r, last, text, f[style])
        r += 1
    ws.merge_range(r, 0, r, last, "(Kèm theo Quyết định số ……/QĐ-…… ngày …… tháng …… năm "
                   "…… của ……)", f["italic"])
    ws.merge_range(r + 1, last - 1, r + 1, last, "ĐVT: triệu đồng", f["unit"])
    return r + 3


def form_headers(ws: Any, f: dict[str, Any], columns: list[tuple[str, str | None, int]],
                 h: int) -> None:
    """Two header rows: a heading alone spans both, a parent spans its children; the rows are
    tall enough for every wrapped heading (LibreOffice and Excel do not grow a row for a
    merged cell, so a heading left to them would be clipped). Written row by row (a sheet in
    constant-memory mode takes no cell above its current row)."""
    top_lines, child_lines, both_lines = 1, 1, 2
    groups: dict[str, list[int]] = {}
    for j, (top, child, w) in enumerate(columns):
        ws.set_column(j, j, w)
        if child is None:
            both_lines = max(both_lines, _lines(top, w))
        else:
            child_lines = max(child_lines, _lines(child, w))
            groups.setdefault(top, []).append(j)
    for top, cols in groups.items():
        top_lines = max(top_lines, _lines(top, sum(columns[j][2] for j in cols)))
    top_lines = max(top_lines, both_lines - child_lines)
    ws.set_row(h, LINE_HEIGHT * top_lines + 4)
    for j, (top, child, _w) in enumerate(columns):
        if child is None:
            merge_down(ws, h, j, top, f["head"])
    for top, cols in groups.items():
        ws.merge_range(h, cols[0], h, cols[-1], top, f["head"])
    ws.set_row(h + 1, LINE_HEIGHT * max(child_lines, both_lines - top_lines) + 4)
    for j, (_top, child, _w) in enumerate(columns):
        if child is None:
            ws.write_blank(h + 1, j, None, f["head"])
        else:
            ws.write(h + 1, j, child, f["head"])


def merge_down(ws: Any, r: int, c: int, text: str, fmt: Any) -> None:
    """Cells (r, c) and (r + 1, c) merged, holding `text`. In constant-memory mode the merge is
    recorded and row `r + 1`'s blank is left to the caller (XlsxWriter's merge_range writes
    it at once, which would close row `r` before its other cells); otherwise merge_range."""
    if not getattr(ws, "constant_memory", False):
        ws.merge_range(r, c, r + 1, c, text, fmt)
        return
    ws.write(r, c, text, fmt)
    ws.merge.append([r, c, r + 1, c])  # the list XlsxWriter writes <mergeCells> from
