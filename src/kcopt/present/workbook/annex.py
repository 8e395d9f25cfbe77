"""The proposed plan in the official annex layout: `annex.xlsx`, and the proposal written back
into a copy of the planner's own annex (`kcopt solve --into FORM.xlsx`).

`annex.xlsx` (XlsxWriter) is laid out like the annex to a Quyết định: the agency and national
motto in two merged blocks, the title, "(Kèm theo Quyết định số …)", "ĐVT: triệu đồng", a
two-row header with merged parents and a column-number row, fund sections A (khuyến công quốc
gia) and B (khuyến công địa phương), Roman-numeral content sections in the order of the rule
set, projects numbered 1, 2, 3 within each, section and total rows as live SUBTOTAL formulas,
Times New Roman, A4 landscape fitted to the page width with the header repeated on every page,
and the signature block.

**Sections are funds, so a project paid from both appears in both.** Section A is the list of
what the national fund pays and section B what the local fund pays: the official annexes head
them "A. KINH PHÍ KHUYẾN CÔNG QUỐC GIA" / "B. … ĐỊA PHƯƠNG", each section is the part of the plan
its own authority approves (the Ministry for KCQG, the provincial People's Committee for KCĐP),
and their columns are the same three amounts (total cost, support, counterpart) with no column per
fund. A co-financed project is therefore listed once in A with its KCQG share and once in B with
its KCĐP share ("Kinh phí hỗ trợ"); its total cost and its counterpart (cost − KCQG − KCĐP, a live
formula over both lines) are written on its first line only, and both lines' notes name the other
share. So A = the central fund allocated, B = the local fund allocated, A + B = the total, and the
cost and counterpart columns add up each project once. `kcopt validate` reads the two lines back
as one project (io/form.py).

The facts the plan depends on but the form does not print (the level, the support asked for, the
former province, the priority criteria, must-fund, …) are columns to the right of "Ghi chú",
outside the print area (present/workbook/facts.py), so the annex read back and solved again gives
the same plan.

Amounts are numbers (the SUBTOTALs add them) shown with a number format tagged Vietnamese,
`[$-42A]#,##0.0#####`: LibreOffice takes a format's separators from its language, so the annex
shows 1.450,5 wherever it is opened there; Excel takes separators from the computer's regional
settings whatever the tag, so it shows 1.450,5 on a computer set to Vietnamese and 1,450.5 on one
set to English. Every amount keeps its decimals to the đồng (six decimals of a million).

The proposal written into a copy of the planner's own annex (`--into`) is `into.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kcopt.core.geo import load_geography
from kcopt.core.text import fold
from kcopt.core.vocabulary import STATUS_VI
from kcopt.io.write import atomic_write
from kcopt.present.workbook.annex_head import (  # noqa: F401 (re-exported to the other forms)
    LINE_HEIGHT,
    form_headers,
    merge_down,
    title_block,
)
from kcopt.present.workbook.annex_lines import (  # noqa: F401 (re-exported to the other forms)
    CHUNK,
    COLUMNS,
    EPS,
    FUND_WORDS,
    MATCH,
    SUPPORT,
    TOTAL,
    money_format,
    section_lines,
)
from kcopt.present.workbook.base import created_time
from kcopt.present.workbook.facts import FACTS, PARENT, fact_columns
from kcopt.present.workbook.formats import form_formats
from kcopt.present.workbook.stream_xml import (
    BlockColumn,
    Rows,
    fast_rows_available,
    form_styles,
    write_rows,
)
from kcopt.rules.rates import load_rules

if TYPE_CHECKING:
    from kcopt.io.formlayout import FormLayout
    from kcopt.pipeline import Run

FONT = "Times New Roman"
FUNDS = (("A", "central", "KINH PHÍ KHUYẾN CÔNG QUỐC GIA"),
         ("B", "local", "KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG"))
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV",
         "XXV", "XXVI", "XXVII", "XXVIII", "XXIX", "XXX")
# written before "Ghi chú" when a proposed project has them (the Decree 32 cap needs them)
OPTIONAL = {"infra_investment": ("Tổng mức đầu tư (triệu đồng)", None, 14),
            "other_state_support": ("Hỗ trợ từ chương trình khác (triệu đồng)", None, 14)}
# Vietnamese separators in LibreOffice (the format's language), the computer's in Excel
MONEY_FORMATS = ("[$-42A]#,##0", "[$-42A]#,##0.0#####")


@dataclass
class AnnexCheck:
    """Where the annex's totals are and what kcopt expects them to be (for tests and readers):
    (row, column) 0-based → expected value."""

    expected: dict[tuple[int, int], float] = field(default_factory=dict)
    section_rows: dict[str, int] = field(default_factory=dict)  # "A", "A.I", "total" → row
    lines: dict[str, list[int]] = field(default_factory=dict)  # project → its rows


def agency_lines(frame: pd.DataFrame) -> tuple[str, str]:
    provinces = sorted(set(frame["province"]))
    if len(provinces) == 1:
        prov = load_geography().provinces.get(provinces[0])
        kind = "THÀNH PHỐ" if prov is not None and "city" in fold_kind(prov.kind) else "TỈNH"
        name = provinces[0].upper().removeprefix("THÀNH PHỐ ")
        return f"UBND {kind} {name}", "SỞ CÔNG THƯƠNG"
    return "BỘ CÔNG THƯƠNG", "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG"


def fold_kind(kind: str) -> str:
    return fold(kind)


def proposed(run: Run) -> pd.DataFrame:
    """The projects proposed for support: their allocation by fund and the inputs the annex
    writes (amounts, establishments, the facts of `facts.FACTS`)."""
    assert run.allocation is not None
    alloc = run.allocation
    frame = run.model.projects
    # the proposed rows are taken first, each column then only theirs, in its own dtype: a
    # line reads each cell as the Python value it holds (`itertuples`), as from a column of
    # objects, without an object a cell held for the whole annex (issue 28: ~170 MB in the
    # annex's child at 200,000 projects); not the reasons (the left-out sheet reads them)
    keep = np.flatnonzero(alloc["total"].to_numpy(float) > EPS)
    out = alloc[["project_id", "name", "province", "category", "level", "central", "local",
                 "total", "status"]].iloc[keep].reset_index(drop=True)
    out["total_cost"] = frame["total_cost"].to_numpy(float)[keep]
    out["funds"] = frame["funds"].iloc[keep].reset_index(drop=True)
    out["establishments"] = (frame["establishments"].to_numpy(float)[keep]
                             if "establishments" in frame else np.ones(len(keep)))
    for key in OPTIONAL:
        out[key] = frame[key].to_numpy(float)[keep] if key in frame else np.nan
    for key in FACTS:
        if key not in out and key in frame:
            out[key] = frame[key].iloc[keep].reset_index(drop=True)
    if "year" not in out:
        out["year"] = np.nan
    return out


def write_annex(run: Run, path: Path, form: FormLayout | None = None) -> Path:
    """Write `annex.xlsx` atomically (XlsxWriter)."""
    def write(p: Path) -> None:
        annex_book(run, p, form)

    return atomic_write(path, write)


def annex_book(run: Run, path: Path, form: FormLayout | None = None) -> AnnexCheck:
    import xlsxwriter

    plan = proposed(run)
    # rows written top to bottom (the layout is worked out first), so XlsxWriter keeps one row
    # in memory, not every cell: 200,000 projects' cells were most of the writer's peak
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.set_properties({"title": "Phụ lục kế hoạch khuyến công", "author": "kcopt",
                       "created": created_time(run)})
    base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}
    f = form_cell_formats(wb, base)
    ws = wb.add_worksheet("Phụ lục")
    extra = [k for k in OPTIONAL if (plan[k].fillna(0) > 0).any()]
    facts = fact_columns(plan)
    printed = [*COLUMNS[:-1], *(OPTIONAL[k] for k in extra), COLUMNS[-1]]
    columns = [*printed, *((PARENT, FACTS[k], 14) for k in facts)]
    h = _title_block(ws, f, run, plan, form, columns, len(printed) - 1)
    check = AnnexCheck()
    r = _body(ws, f, plan, (extra, facts), h + 3, len(printed) - 1, check)
    end = signatures(ws, f, r + 2, len(printed) - 1)
    page_setup(ws, h, end, len(printed) - 1)
    _left_out(wb, run, base)
    wb.close()
    return check


def page_setup(ws: Any, h: int, end: int, last: int) -> None:
    """A4 landscape one page wide, the header (rows `h`…`h`+2) on every page, rows 0…`end` of
    columns 0…`last` printed, the panes frozen below the header and right of the names."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(h, h + 2)
    ws.print_area(0, 0, end, last)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.freeze_panes(h + 3, 3)


def form_cell_formats(wb: Any, base: dict[str, Any]) -> dict[str, Any]:
    """The cell formats of the annex, in the style of the official forms; each money format
    twice, for whole amounts ("money") and amounts with decimals ("money_dec")."""
    f = {
        **form_formats(wb, base),
        "title": wb.add_format({**base, "bold": True, "font_size": 14, "align": "center",
                                "text_wrap": True}),
        "fund": wb.add_format({**base, "bold": True, "border": 1, "text_wrap": True}),
        "fund_key": wb.add_format({**base, "bold": True, "border": 1, "align": "center"}),
        "sec_key": wb.add_format({**base, "bold": True, "italic": True, "border": 1,
                                  "align": "center"}),
        "sec": wb.add_format({**base, "bold": True, "italic": True, "border": 1,
                              "text_wrap": True}),
        "sign": wb.add_format({**base, "bold": True, "align": "center"}),
        "sign_note": wb.add_format({**base, "italic": True, "align": "center"}),
        "place": wb.add_format({**base, "italic": True, "align": "center"}),
    }
    return {**f, **amount_formats(wb, base, "money", MONEY_FORMATS)}


def amount_formats(wb: Any, base: dict[str, Any], kind: str,
                   num_formats: tuple[str, str]) -> dict[str, Any]:
    """An amount's formats in a fund part's row (bold: "fund_<kind>"), a section's (bold
    italic: "sec_<kind>") and a line (`kind`), each for a whole amount and, with "_dec", one
    with decimals (`num_formats`: those two)."""
    styles = {f"fund_{kind}": {"bold": True}, f"sec_{kind}": {"bold": True, "italic": True},
              kind: {}}
    return {key + suffix: wb.add_format({**base, **style, "border": 1, "num_format": fmt})
            for key, style in styles.items()
            for suffix, fmt in zip(("", "_dec"), num_formats, strict=True)}


def year_words(years: Any) -> str:
    """" NĂM 2026", " GIAI ĐOẠN 2026-2030", or "" for no year (the plan's years)."""
    found = sorted({int(y) for y in years})
    return f" NĂM {found[0]}" if len(found) == 1 else (
        f" GIAI ĐOẠN {found[0]}-{found[-1]}" if found else "")


def _title_block(ws: Any, f: dict[str, Any], run: Run, plan: pd.DataFrame,
                 form: FormLayout | None, columns: list[tuple[str, str | None, int]],
                 last: int) -> int:
    """Agency and motto, the title with the plan's years, the unit line and the two-row
    headers with their column numbers (`last`: the last printed column); the first header
    row."""
    agency = form.agency[:2] if form is not None and form.agency else list(agency_lines(plan))
    years = pd.to_numeric(plan["year"], errors="coerce").dropna()
    h = title_block(ws, f, agency, [
        (f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỀ XUẤT HỖ TRỢ{year_words(years)}", "title"),
        (f"Phương án phân bổ: {run.scenario.name}", "italic")], last)
    form_headers(ws, f, columns, h)
    # (9)=(7)-(8) holds on every line unless a project is paid from both funds: its
    # counterpart is its cost less both shares, on the line in A
    both = bool(((plan["central"] > EPS) & (plan["local"] > EPS)).any())
    for j in range(len(columns)):
        label = f"({j + 1})" if j != MATCH or both else (
            f"({MATCH + 1})=({TOTAL + 1})-({SUPPORT + 1})")
        ws.write(h + 2, j, label, f["num"])
    return h


def _sums(money: dict[str, np.ndarray], at: np.ndarray, fund: str, first: np.ndarray
          ) -> dict[int, float]:
    """A block's amounts (`at`: its lines' places in the plan, `money`: the plan's amount
    columns): the fund's support, and the cost and counterpart of the projects whose first
    line is in it."""
    own = at[first[at]]
    t = float(money["total_cost"][own].sum())
    return {TOTAL: t, SUPPORT: float(money[fund][at].sum()),
            MATCH: t - float(money["total"][own].sum())}


def subtotal_row(ws: Any, f: dict[str, Any], check: AnnexCheck, row: int, lo: int, hi: int,
                 values: dict[int, float], key: str | dict[int, str]) -> None:
    """SUBTOTAL formulas over rows lo…hi of the money columns (those of `values`), with their
    values cached (`key`: the format of every column, or of each); a block without rows (a
    plan that funds nothing) is the number 0, not a reversed range."""
    for c in values:
        letter = chr(ord("A") + c)
        fmt = key if isinstance(key, str) else key[c]
        if hi < lo:
            ws.write_number(row, c, 0.0, money_format(f, fmt, 0.0))
            check.expected[(row, c)] = 0.0
            continue
        ws.write_formula(row, c, f"=SUBTOTAL(9,{letter}{lo + 1}:{letter}{hi + 1})",
                         money_format(f, fmt, values[c]), values[c])
        check.expected[(row, c)] = values[c]


def section_heading(ws: Any, f: dict[str, Any], r: int, key: str, text: str, style: str,
                    last: int, span: int = 5) -> None:
    """A fund part's or content section's row: its key, its name over columns 2…`span`."""
    ws.write(r, 0, key, f[f"{style}_key"])
    ws.write(r, 1, "", f[style])
    ws.merge_range(r, 2, r, span, text, f[style])
    ws.write(r, last, "", f[style])


def content_sections(part: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """A fund part's content sections in the rule set's order: (I, II, …; the content type's
    Vietnamese name; its rows), a type the rules do not know last, under its own code."""
    categories = part["category"].to_numpy(object)
    return [(key, name, part.iloc[at]) for key, name, at in
            _sections(categories, np.arange(len(part)))]


def _sections(categories: np.ndarray, at: np.ndarray) -> list[tuple[str, str, np.ndarray]]:
    """`content_sections` of the lines at the places `at` (`categories`: every line's
    content type): each section's lines as places, in their order."""
    rules = load_rules().rules
    order = {code: k for k, code in enumerate(rules)}
    of = categories[at]
    cats = sorted(set(of.tolist()), key=lambda c: (order.get(c, len(order)), str(c)))
    out = []
    for k, cat in enumerate(cats):
        rule = rules.get(cat)
        out.append((ROMAN[k] if k < len(ROMAN) else str(k + 1),
                    rule.name_vi if rule else str(cat), at[of == cat]))
    return out


@dataclass
class _Block:
    """A fund part's or content section's heading row and its subtotal over the lines below
    it (rows `lo`…`hi`), worked out before anything is written."""

    row: int
    key: str
    text: str
    style: str  # "fund" or "sec"
    lo: int
    hi: int
    sums: dict[int, float]
    lines: np.ndarray | None = None  # a section's project lines: places in the plan (None: a part)
    fund: str = ""
    first: np.ndarray | None = None  # per line: the project's first line (cost, counterpart)


def _layout(plan: pd.DataFrame, first_body: int, check: AnnexCheck) -> tuple[list[_Block], int]:
    """The rows of the fund parts (A: the KCQG shares, B: the KCĐP shares), their content
    sections (I, II, …) and project lines, top to bottom, each project's rows in
    `check.lines`; the grand total's row. A block holds its lines' places in the plan, not a
    copy of their rows (issue 28)."""
    money = {k: plan[k].to_numpy(float) for k in ("central", "local", "total", "total_cost")}
    categories = plan["category"].to_numpy(object)
    ids = plan["project_id"].astype(str).to_numpy(object)
    first = np.ones(len(plan), dtype=bool)  # a project's first line holds cost and match
    blocks: list[_Block] = []
    r = first_body
    for letter, fund, heading in FUNDS:
        part = np.flatnonzero(money[fund] > EPS)
        if not len(part):
            continue
        head = _Block(r, letter, heading, "fund", r + 1, 0, _sums(money, part, fund, first))
        blocks.append(head)
        r += 1
        for key, name, at in _sections(categories, part):
            blocks.append(_Block(r, f"{letter}.{key}", name, "sec", r + 1, r + len(at),
                                 _sums(money, at, fund, first), at, fund, first[at]))
            for k, pid in enumerate(ids[at].tolist(), r + 1):
                check.lines.setdefault(pid, []).append(k)
            r += 1 + len(at)
        head.hi = r - 1
        first[part] = False
    return blocks, r


def _body(ws: Any, f: dict[str, Any], plan: pd.DataFrame, cols: tuple[list[str], list[str]],
          first_body: int, last: int, check: AnnexCheck) -> int:
    """Fund parts, content sections and project lines (`_layout`), each part and section with
    its subtotal, then the grand total, written top to bottom; the grand total's row. `cols`:
    the optional printed columns and the fact columns."""
    blocks, r = _layout(plan, first_body, check)
    fast = fast_rows_available(ws)  # the lines as XML (`annex_lines`), else cell by cell
    for b in blocks:
        key = b.key.rpartition(".")[2]
        section_heading(ws, f, b.row, key, b.text, b.style, last)
        subtotal_row(ws, f, check, b.row, b.lo, b.hi, b.sums, f"{b.style}_money")
        check.section_rows[b.key] = b.row
        if b.lines is None or b.first is None:
            continue
        section_lines(ws, f, plan, b.row, b.lines, b.first, check.lines, b.fund, cols, last,
                      fast)
    both = (plan["central"] > EPS).any() and (plan["local"] > EPS).any()
    section_heading(ws, f, r, "", "TỔNG CỘNG" + (" (A+B)" if both else ""), "fund", last)
    total = {TOTAL: float(plan["total_cost"].sum()), SUPPORT: float(plan["total"].sum())}
    total[MATCH] = total[TOTAL] - total[SUPPORT]
    subtotal_row(ws, f, check, r, first_body, r - 1, total, "fund_money")
    check.section_rows["total"] = r
    return r


def signatures(ws: Any, f: dict[str, Any], r: int, last: int) -> int:
    """The place and date line and the two signatures of the form; the last row written."""
    ws.merge_range(r, 6, r, last, "……, ngày …… tháng …… năm ……", f["place"])
    ws.merge_range(r + 1, 0, r + 1, 3, "NGƯỜI LẬP BIỂU", f["sign"])
    ws.merge_range(r + 1, 6, r + 1, last, "THỦ TRƯỞNG ĐƠN VỊ", f["sign"])
    ws.merge_range(r + 2, 0, r + 2, 3, "(Ký, ghi rõ họ tên)", f["sign_note"])
    ws.merge_range(r + 2, 6, r + 2, last, "(Ký tên, đóng dấu)", f["sign_note"])
    return r + 6


def _shown(key: str, value: Any) -> str:
    """A cell of the sheet of projects not proposed: the text of `value` (a status in
    Vietnamese)."""
    if key == "status":
        value = STATUS_VI.get(str(value), str(value))
    return "" if value is None else str(value)


def _left_out(wb: Any, run: Run, base: dict[str, Any]) -> None:
    """A second sheet: the projects not proposed and why (not part of the annex)."""
    assert run.allocation is not None
    alloc = run.allocation
    rest = np.flatnonzero(alloc["total"].to_numpy(float) <= EPS)
    ws = wb.add_worksheet("Không đề xuất")
    head = wb.add_format({**base, "bold": True, "border": 1, "text_wrap": True})
    cell = wb.add_format({**base, "border": 1, "text_wrap": True})
    cols = [("Mã đề án", "project_id", 14), ("Tên đề án", "name", 44),
            ("Tỉnh/Thành phố", "province", 16), ("Tình trạng", "status", 16),
            ("Lý do", "reason", 70)]
    ws.write(0, 0, "CÁC ĐỀ ÁN KHÔNG ĐỀ XUẤT HỖ TRỢ", wb.add_format({**base, "bold": True}))
    for j, (label, _key, w) in enumerate(cols):
        ws.set_column(j, j, w)
        ws.write(2, j, label, head)
    keys = [key for _label, key, _w in cols]
    fast = form_styles(cell) if fast_rows_available(ws) else None  # as XML, else cell by cell
    for lo in range(0, len(rest), CHUNK):  # the columns it shows, a chunk's rows at a time
        chunk = alloc[keys].iloc[rest[lo:lo + CHUNK]].to_dict("records")
        texts = [[_shown(key, rec[key]) for rec in chunk] for key in keys]
        if fast is not None:
            write_rows(ws, Rows("", lo + 4, len(chunk), [BlockColumn(j, column) for j, column
                                                         in enumerate(texts, 1)],
                                [fast] * len(keys)))
            continue
        for i, row in enumerate(zip(*texts, strict=True), lo + 3):  # row by row: in order
            for j, text in enumerate(row):
                ws.write_string(i, j, text, cell)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(2)
