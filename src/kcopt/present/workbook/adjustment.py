"""The adjustment annex (`adjustment.xlsx`): the changes to an approved plan, laid out as a
provincial decision adjusting the year's khuyến công plan is.

"Phụ lục" and "ĐIỀU CHỈNH KẾ HOẠCH KHUYẾN CÔNG NĂM …" under the agency and motto block of the
plan's annex (`annex.title_block`), "ĐVT: triệu đồng", a two-row header with a column-number
row, fund parts A (KCQG) and B (KCĐP), Roman-numeral content sections in the rule set's order
(`annex.content_sections`), projects numbered 1, 2, 3 within each; per line the approved amount,
the adjusted amount, the difference as a live formula ((8) = (7) − (6), shown +50 or −50) and
the reason; each section, each fund part and the grand total a live SUBTOTAL of its lines. Only
the lines that change are listed (a project paid from both funds and changed in both has a line
in A and one in B); a line under the total counts the projects kept as approved.

The changes table is the re-plan's (`Run.changes`): one row per project and fund, columns
`CHANGE_COLUMNS`, amounts in million VND. The facts the table does not hold (content type,
implementing unit, place) come from the plan's allocation when it is given; without them the
lines go under one section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kcopt.core.text import fold
from kcopt.io.formlayout import LOCATION_HEADERS
from kcopt.io.write import atomic_write
from kcopt.present.workbook.annex import (
    FONT,
    FUNDS,
    LINE_HEIGHT,
    AnnexCheck,
    agency_lines,
    amount_formats,
    content_sections,
    form_cell_formats,
    form_headers,
    money_format,
    page_setup,
    section_heading,
    signatures,
    subtotal_row,
    title_block,
    year_words,
)
from kcopt.present.workbook.base import created_time
from kcopt.present.workbook.formats import SIGNED, SIGNED_WHOLE, wrapped_lines

if TYPE_CHECKING:
    from kcopt.pipeline import Run

CHANGE_COLUMNS = ("project_id", "name", "province", "fund", "before", "after", "change",
                  "reason")
PARENT = "Kinh phí hỗ trợ (triệu đồng)"
COLUMNS: list[tuple[str, str | None, int]] = [
    ("STT", None, 6), ("Mã đề án", None, 12), ("Tên đề án", None, 44),
    ("Đơn vị thực hiện", None, 22), ("Địa điểm", None, 18),
    (PARENT, "Kinh phí đã phê duyệt", 15), (PARENT, "Kinh phí điều chỉnh", 15),
    (PARENT, "Chênh lệch tăng (+), giảm (−)", 16), ("Lý do điều chỉnh", None, 44)]
BEFORE, AFTER, CHANGE, REASON = 5, 6, 7, 8  # 0-based columns
LAST = len(COLUMNS) - 1
# an increase shown +50, a decrease -50 (Vietnamese separators, as the other amounts)
SIGNED_FORMATS = (SIGNED_WHOLE, SIGNED)
OTHER_SECTION = "Nội dung khác"
EPS = 5e-7  # million VND: half a đồng, a change smaller than that is none
# headings of the project list's extra columns that name the implementing unit
IMPLEMENTER = ("don vi thuc hien", "don vi chu tri", "co quan chu tri",
               "don vi chu tri thuc hien", "implementing unit", "co quan thuc hien")


@dataclass(frozen=True)
class AdjustmentTitle:
    """What the title block says: the plan's name and its year (or the years of a programme:
    "GIAI ĐOẠN 2026-2030"), and when the plan was made."""

    name: str = ""
    years: tuple[int, ...] = ()
    created: datetime = datetime(2000, 1, 1)


def changed_lines(changes: pd.DataFrame, projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """The lines that change (|change| ≥ half a đồng), with their content type, implementing
    unit and place from `projects` (the plan's allocation) when given."""
    missing = [c for c in CHANGE_COLUMNS if c not in changes.columns]
    if missing:
        raise ValueError(f"the changes table lacks the columns {missing}; it needs "
                         f"{list(CHANGE_COLUMNS)}")
    funds = sorted(set(changes["fund"].astype(str)) - {fund for _letter, fund, _h in FUNDS})
    if funds:  # a line of an unknown fund would be left out of the official document
        raise ValueError(f"the changes table's fund must be 'central' or 'local'; got {funds}")
    out = changes[list(CHANGE_COLUMNS)].copy()
    for key in ("before", "after", "change"):
        out[key] = pd.to_numeric(out[key], errors="coerce").fillna(0.0).astype(float)
    out["project_id"] = out["project_id"].astype(str)
    out = out[out["change"].abs() >= EPS].reset_index(drop=True)
    facts = _facts(projects)
    for key in ("category", "implementer", "location"):
        out[key] = out["project_id"].map(facts[key]) if key in facts else None
    out["category"] = out["category"].fillna(OTHER_SECTION)
    out["implementer"] = out["implementer"].fillna("").astype(str)
    place = out["location"].fillna("").astype(str)
    out["location"] = [f"{p}, {prov}" if p and prov and fold(prov) not in fold(p) else p or prov
                       for p, prov in zip(place, out["province"].astype(str), strict=True)]
    return out


def unchanged_projects(changes: pd.DataFrame, projects: pd.DataFrame | None = None) -> int:
    """Projects of the plan with no line that changes: those in the table with none, and the
    plan's supported projects the table does not name."""
    ids = changes["project_id"].astype(str)
    moved = set(ids[pd.to_numeric(changes["change"], errors="coerce").abs() >= EPS])
    kept = set(ids) - moved
    if projects is not None and "total" in projects:
        supported = projects.loc[projects["total"].astype(float) > EPS, "project_id"]
        kept |= set(supported.astype(str)) - moved
    return len(kept)


def _facts(projects: pd.DataFrame | None) -> dict[str, pd.Series]:
    if projects is None or "project_id" not in projects:
        return {}
    frame = projects.drop_duplicates("project_id")
    frame = frame.set_index(frame["project_id"].astype(str))
    out: dict[str, pd.Series] = {}
    if "category" in frame:
        out["category"] = frame["category"]
    for key, names in (("implementer", IMPLEMENTER), ("location", LOCATION_HEADERS)):
        header = next((c for c in frame.columns if fold(str(c)) in names), None)
        if header is not None:
            out[key] = frame[header].where(frame[header].notna(), "").astype(str).str.strip()
    return out


def write_adjustment_annex(changes: pd.DataFrame, path: Path,
                           projects: pd.DataFrame | None = None,
                           title: AdjustmentTitle | None = None) -> Path:
    """Write `adjustment.xlsx` atomically: the lines of `changes` that change, under their fund
    and content section, with live subtotals (`projects`: the plan's allocation, for the
    content types, implementing units and places)."""

    def write(p: Path) -> None:
        adjustment_book(changes, p, projects, title)

    return atomic_write(path, write)


def write_run_adjustment(run: Run, path: Path) -> Path:
    """`adjustment.xlsx` of a run that carries a changes table (`run.changes`)."""
    changes = getattr(run, "changes", None)
    assert changes is not None
    sc = run.scenario
    years = sc.years or ((sc.rule_options.plan_year,) if sc.rule_options.plan_year else ())
    return write_adjustment_annex(changes, path, run.allocation,
                                  AdjustmentTitle(sc.name, tuple(years), created_time(run)))


def adjustment_book(changes: pd.DataFrame, path: Path, projects: pd.DataFrame | None = None,
                    title: AdjustmentTitle | None = None) -> AnnexCheck:
    """The workbook at `path`; where its subtotals are and what they must show."""
    import xlsxwriter
    from babel.numbers import format_decimal

    title = title or AdjustmentTitle()
    lines = changed_lines(changes, projects)
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "Phụ lục điều chỉnh kế hoạch khuyến công", "author": "kcopt",
                       "created": title.created})
    base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}
    f = _formats(wb, base)
    ws = wb.add_worksheet("Phụ lục điều chỉnh")
    where = projects if projects is not None and "province" in projects else changes
    agency = list(agency_lines(where.astype({"province": str})))
    year = year_words(title.years)
    h = title_block(ws, f, agency, [("Phụ lục", "title"),
                                    (f"ĐIỀU CHỈNH KẾ HOẠCH KHUYẾN CÔNG{year}", "title")]
                    + ([(f"Phương án điều chỉnh: {title.name}", "italic")] if title.name
                       else []), LAST)
    form_headers(ws, f, COLUMNS, h)
    for j in range(len(COLUMNS)):
        label = (f"({CHANGE + 1})=({AFTER + 1})-({BEFORE + 1})" if j == CHANGE
                 else f"({j + 1})")
        ws.write(h + 2, j, label, f["num"])
    check = AnnexCheck()
    r = _body(ws, f, lines, h + 3, check)
    kept = format_decimal(unchanged_projects(changes, projects), locale="vi")  # 1.234
    ws.merge_range(r + 1, 0, r + 1, LAST, f"Các đề án còn lại giữ nguyên kinh phí đã phê "
                   f"duyệt: {kept} đề án.", f["note"])
    end = signatures(ws, f, r + 3, LAST)
    page_setup(ws, h, end, LAST)
    wb.close()
    return check


def _formats(wb: Any, base: dict[str, Any]) -> dict[str, Any]:
    """The annex's formats, with the signed ones of the difference column ("change",
    "sec_change", "fund_change", each with a "_dec" twin for amounts with decimals)."""
    return {**form_cell_formats(wb, base), **amount_formats(wb, base, "change", SIGNED_FORMATS),
            "note": wb.add_format({**base, "italic": True, "text_wrap": True})}


def _sums(rows: pd.DataFrame) -> dict[int, float]:
    before, after = float(rows["before"].sum()), float(rows["after"].sum())
    return {BEFORE: before, AFTER: after, CHANGE: after - before}


def _keys(style: str) -> dict[int, str]:
    return {BEFORE: f"{style}_money", AFTER: f"{style}_money", CHANGE: f"{style}_change"}


def _body(ws: Any, f: dict[str, Any], lines: pd.DataFrame, first_body: int,
          check: AnnexCheck) -> int:
    """Fund parts, content sections and lines, each part and section with its subtotal, then
    the grand total; the grand total's row."""
    r = first_body
    for letter, fund, heading in FUNDS:
        part = lines[lines["fund"] == fund]
        if part.empty:
            continue
        fund_row = r
        section_heading(ws, f, r, letter, heading, "fund", LAST, span=4)
        r += 1
        for key, name, rows in content_sections(part):
            sec_row = r
            section_heading(ws, f, r, key, name, "sec", LAST, span=4)
            r += 1
            for n, rec in enumerate(rows.itertuples(index=False), 1):
                _line(ws, f, r, n, rec)
                check.lines.setdefault(str(rec.project_id), []).append(r)
                r += 1
            subtotal_row(ws, f, check, sec_row, sec_row + 1, r - 1, _sums(rows), _keys("sec"))
            check.section_rows[f"{letter}.{key}"] = sec_row
        subtotal_row(ws, f, check, fund_row, fund_row + 1, r - 1, _sums(part), _keys("fund"))
        check.section_rows[letter] = fund_row
    both = lines["fund"].nunique() > 1
    section_heading(ws, f, r, "", "TỔNG CỘNG" + (" (A+B)" if both else ""), "fund", LAST,
                    span=4)
    if lines.empty:  # nothing changes: a total of nothing, with no range to sum
        for c, key in _keys("fund").items():
            ws.write_number(r, c, 0.0, f[key])
            check.expected[(r, c)] = 0.0
    else:
        subtotal_row(ws, f, check, r, first_body, r - 1, _sums(lines), _keys("fund"))
    check.section_rows["total"] = r
    return r


def _line(ws: Any, f: dict[str, Any], r: int, n: int, rec: Any) -> None:
    """One changed line: the approved and the adjusted amount, their difference as a formula."""
    before, after = float(rec.before), float(rec.after)
    ws.write_number(r, 0, n, f["center"])
    ws.write_string(r, 1, str(rec.project_id), f["cell"])
    ws.write_string(r, 2, str(rec.name), f["cell"])
    ws.write_string(r, 3, str(rec.implementer), f["cell"])
    ws.write_string(r, 4, str(rec.location), f["cell"])
    ws.write_number(r, BEFORE, before, money_format(f, "money", before))
    ws.write_number(r, AFTER, after, money_format(f, "money", after))
    ws.write_formula(r, CHANGE, f"=G{r + 1}-F{r + 1}", money_format(f, "change", after - before),
                     after - before)
    reason = "" if _blank(rec.reason) else str(rec.reason)
    ws.write_string(r, REASON, reason, f["cell"])
    tall = max(wrapped_lines(str(rec.name), COLUMNS[2][2]),
               wrapped_lines(str(rec.location), COLUMNS[4][2]),
               wrapped_lines(reason, COLUMNS[REASON][2]))
    if tall > 1:
        ws.set_row(r, LINE_HEIGHT * tall + 4)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
