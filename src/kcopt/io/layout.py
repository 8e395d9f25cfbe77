"""Where the project table sits in a sheet, as planners really lay it out.

Government forms open with the agency's name, a form number and a title; the header may take
two rows (a merged parent cell such as "Kinh phí (triệu đồng)" over "Tổng kinh phí" and
"Đề nghị hỗ trợ", or Vietnamese above English); a row of column numbers "(1) (2) (3)" may
follow; section headings ("I. Đề án khuyến công quốc gia") and subtotals ("Cộng", "Tổng cộng")
sit between the projects; a province may be one cell merged over its projects' rows.
`locate` finds the header, names each column and sorts the rows below into projects and rows
to skip, and notes every judgement it made with its row or cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kcopt.core.said import Num, say
from kcopt.core.text import fold
from kcopt.core.words import N_
from kcopt.io.sheets import Merge, cell_ref

ColumnName = Callable[[str], "str | None"]

# what `fold` of a text `_SUBTOTAL` matches starts with: t, c, s or g after the separators
# `fold` drops, or a letter outside ASCII (folded first); most ids (P-0001, 12) are not
_MAY_BE_SUBTOTAL = re.compile(r"[\s_\-./,;:()\[\]]*(?:[tcsgTCSG]|[^\x00-\x7f])")
_SUBTOTAL = re.compile(
    r"^(tong cong|tong so|tong|cong|cong don|total|grand total|sub ?total)"
    r"( total)?"  # a bilingual label: "Tổng cộng / Total"
    r"(( [a-h0-9ivxlc+]{1,6})*|"
    r" (nhom|muc|phan|vung|tinh|khu vuc|nganh|loai|nguon) .+|"
    r" (toan tinh|toan quoc|chung|ca nam|cac de an|de an|kcqg|kcdp|trung uong|dia phuong|tw|dp)"
    r"( .+)?)$")
_AMOUNT = re.compile(r"[+-]?\d[\d.,\s]*")  # a cell holding a number: 339.0, 1.200, 1 500
_ENUMERATOR = re.compile(r"^([IVXLC]+|[A-H])[.)]?$")
_SECTION_TITLE = re.compile(r"^([IVXLC]+|[A-H])[.)]\s+\S")
_NUMBERING = re.compile(r"^\(?[0-9A-Za-z]{1,2}\)?([=+\-*/x×:]\(?[0-9A-Za-z]{1,2}\)?)*$")
# columns whose one value may be merged over a group of projects' rows (read into each row)
FILL_DOWN = frozenset({"province", "category", "level", "funds", "sector", "year",
                       "typical_product", "disadvantaged_area", "women_or_ethnic_owned"})


@dataclass
class Layout:
    """The table in a grid: header rows, a name per column, project rows and skipped rows.

    Rows and columns are 0-based grid positions; `skipped` maps a row to why it was skipped
    ("blank", "numbering", "section", "subtotal"); `notes` are (message, row, column) with
    1-based rows for the warnings a planner reads.
    """

    header_rows: list[int]
    names: list[str]
    body: list[int]
    skipped: dict[int, str] = field(default_factory=dict)
    notes: list[tuple[str, int | None, str | None]] = field(default_factory=list)


def find_header(cells: list[list[str]], is_header: Callable[[list[str]], bool],
                limit: int) -> int | None:
    for i in range(min(limit, len(cells))):
        if is_header(cells[i]):
            return i
    return None


def locate(cells: list[list[str]], h: int, merges: list[Merge],
           is_header: Callable[[list[str]], bool], column_name: ColumnName | None) -> Layout:
    """Header rows and column names from header row `h`, then the rows below classified.

    `cells` is modified in place where merged cells are read into every cell they cover.
    """
    name_of = column_name or (lambda _h: None)
    width = len(cells[h])
    notes: list[tuple[str, int | None, str | None]] = []
    two = _has_subheader(cells, h, merges, is_header)
    rows = [h, h + 1] if two else [h]
    parent = [False] * width
    for m in merges:  # a merged header cell names every column it covers
        if m.r2 < rows[0] or m.r1 > rows[-1] or m.c1 >= width:
            continue  # a merge wholly right of the last filled column (a column cleared)
        value = cells[m.r1][m.c1]
        for r in range(max(m.r1, rows[0]), min(m.r2, rows[-1]) + 1):
            for c in range(m.c1, min(m.c2, width - 1) + 1):
                cells[r][c] = value
        if two and m.c2 > m.c1 and m.r1 <= h and m.r2 == h:
            for c in range(m.c1, min(m.c2, width - 1) + 1):
                parent[c] = True
    if two:
        names = [_combine(cells[h][j].strip(), cells[h + 1][j].strip(), parent[j], name_of)
                 for j in range(width)]
        children = [f"'{names[j]}' ({cell_ref(h + 1, j)})" for j in range(width)
                    if parent[j] and cells[h + 1][j].strip()]
        if children:
            notes.append((say(N_("two-row header (rows {first}–{second}): read {children} "
                                 "under their merged parent cell(s)"), first=h + 1,
                              second=h + 2, children=children), h + 1, None))
    else:
        names = [c.strip() for c in cells[h]]
    start = rows[-1] + 1
    _fill_body_merges(cells, merges, start, names, name_of, notes)
    id_col = next((j for j, n in enumerate(names) if n and name_of(n) == "project_id"), None)
    body, skipped = _classify(cells, start, names, id_col, notes)
    return Layout(rows, names, body, skipped, notes)


def _has_subheader(cells: list[list[str]], h: int, merges: list[Merge],
                   is_header: Callable[[list[str]], bool]) -> bool:
    if h + 1 >= len(cells):
        return False
    below = cells[h + 1]
    for m in merges:
        if m.r1 == h and m.r2 >= h + 1:
            return True  # a header cell merged down over the next row
        if m.r1 == m.r2 == h and m.c2 > m.c1 and any(
                below[c].strip() for c in range(m.c1, min(m.c2, len(below) - 1) + 1)):
            return True  # a parent cell over labelled children
    differing = [b for a, b in zip(cells[h], below, strict=True) if b.strip() and b != a]
    # a first project whose texts happen to be header words ("Chuyển đổi số", "Địa phương")
    # is still a project: a header row holds no amounts
    amounts = sum(bool(_AMOUNT.fullmatch(b.strip())) for b in differing)
    return bool(differing) and amounts < 2 and is_header(differing)


def _combine(top: str, bottom: str, parent: bool, name_of: ColumnName) -> str:
    if not bottom or bottom == top:
        return top
    if not top:
        return bottom
    if parent:  # "Kinh phí (triệu đồng)" over "Tổng kinh phí": the child names the column
        return bottom if name_of(bottom) else f"{top} / {bottom}"
    # stacked labels, e.g. Vietnamese above English: the first one kcopt knows
    if name_of(top) or not name_of(bottom):
        return top
    return bottom


def _fill_body_merges(cells: list[list[str]], merges: list[Merge], start: int, names: list[str],
                      name_of: ColumnName, notes: list[tuple[str, int | None, str | None]]
                      ) -> None:
    width = len(names)
    for m in sorted(merges, key=lambda m: (m.r1, m.c1)):
        if m.r1 < start or m.c1 >= width or not names[m.c1]:
            continue
        value = cells[m.r1][m.c1]
        column = names[m.c1]
        if m.r2 > m.r1:
            n = m.r2 - m.r1 + 1
            if m.c2 == m.c1 and name_of(column) in FILL_DOWN and value.strip():
                for r in range(m.r1 + 1, min(m.r2, len(cells) - 1) + 1):
                    cells[r][m.c1] = value
                notes.append((say(N_("merged cells {ref}: read {value} into each of their "
                                     "{count} rows"), ref=m.ref, value=repr(value.strip()),
                                  count=n), m.r1 + 1, column))
            elif value.strip():
                rest = (say(N_("row {row} is left blank in this column"), row=m.r2 + 1)
                        if n == 2 else say(N_("rows {first}–{last} are left blank in this "
                                              "column"), first=m.r1 + 2, last=m.r2 + 1))
                notes.append((say(N_("merged cells {ref}: {value} is read for row {row} only; "
                                     "{rest}"), ref=m.ref, value=repr(value.strip()),
                                  row=m.r1 + 1, rest=rest), m.r1 + 1, column))
        elif m.c2 > m.c1 and value.strip():
            covered = [names[c] for c in range(m.c1 + 1, min(m.c2, width - 1) + 1) if names[c]]
            if covered and sum(1 for v in cells[m.r1] if v.strip()) > 2:
                notes.append((say(N_("merged cells {ref}: {value} is read into column "
                                     "'{column}' only, not into {others}"), ref=m.ref,
                                  value=repr(value.strip()), column=column,
                                  others=[f"'{c}'" for c in covered]), m.r1 + 1, column))


def _a_project(row: list[str], named: list[int], id_col: int | None) -> bool:
    """A row after the first project that is one for certain: an id that is no subtotal word,
    and more than two cells filled (so no section heading) — what `_classify`'s tests find
    for it, without stripping every cell of a long row."""
    if id_col is None:
        return False
    pid = row[id_col].strip()
    if not pid or (_MAY_BE_SUBTOTAL.match(pid) and _SUBTOTAL.match(fold(pid))):
        return False
    filled = 0
    for j in named:
        if row[j].strip():
            filled += 1
            if filled > 2:
                return True
    return False


def _classify(cells: list[list[str]], start: int, names: list[str], id_col: int | None,
              notes: list[tuple[str, int | None, str | None]]) -> tuple[list[int], dict[int, str]]:
    named = [j for j, n in enumerate(names) if n]
    body: list[int] = []
    skipped: dict[int, str] = {}
    last = next((i for i in range(len(cells) - 1, start - 1, -1)
                 if any(cells[i][j].strip() for j in named)), start - 1)  # the last row filled
    blanks: list[int] = []
    for i in range(start, last + 1):
        if body and _a_project(cells[i], named, id_col):  # most rows, at a glance
            body.append(i)
            continue
        values = [cells[i][j].strip() for j in named]
        filled = [v for v in values if v]
        if not filled:
            skipped[i] = "blank"
            blanks.append(i + 1)
            continue
        id_value = cells[i][id_col].strip() if id_col is not None else ""
        if not body and len(filled) >= 3 and all(_NUMBERING.match(v.replace(" ", ""))
                                                  for v in filled):
            skipped[i] = "numbering"
            notes.append((say(N_("row of column numbers skipped ({numbers}, …)"),
                              numbers=filled[:4]), i + 1, None))
            continue
        # a subtotal row has no project id, or a subtotal word in the id column; fold (slow)
        # only those rows' cells
        words = ([v for v in filled if _SUBTOTAL.match(fold(v))]
                 if not id_value or _SUBTOTAL.match(fold(id_value)) else [])
        if words and (not id_value or id_value in words):
            skipped[i] = "subtotal"
            notes.append((say(N_("subtotal row skipped ({text})"), text=repr(words[0])), i + 1,
                          None))
            continue
        if len(filled) <= 2 and (_ENUMERATOR.match(filled[0]) or _SECTION_TITLE.match(filled[0])):
            skipped[i] = "section"
            notes.append((say(N_("section heading skipped ({text})"),
                              text=repr(" ".join(filled))), i + 1, None))
            continue
        body.append(i)
    if blanks:
        shown = ", ".join(map(str, blanks[:10])) + (" …" if len(blanks) > 10 else "")
        notes.append((say(N_("{count} blank row(s) skipped (row {rows})"),
                          count=Num(len(blanks)), rows=shown), None, None))
    return body, skipped
