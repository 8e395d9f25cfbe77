"""The national list (`kcopt consolidate -o national.xlsx`), written with XlsxWriter.

"Danh mục tổng hợp" is the consolidation form of the national-fund procedure: the Ministry's
title block, "ĐVT: triệu đồng", a two-row header with a column-number row, fund sections A
(khuyến công quốc gia) and B (khuyến công địa phương), Roman-numeral content sections in the
rule set's order, a row per province ("Tỉnh …" / "Thành phố …") with its projects numbered
1, 2, 3 under it; the national id, the file's own id and the file, sheet and row of each
project beside it; section and total rows as live SUBTOTAL formulas. It reads back through
`kcopt validate` (and `kcopt solve`) as the same projects. "Tổng hợp theo tỉnh" counts and sums
each province's projects by formulas over that sheet, per content type too; "Trùng lặp" lists
every likely duplicate with both rows' places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

import numpy as np
import pandas as pd

from kcopt.core.geo import load_geography
from kcopt.core.text import fold
from kcopt.core.vocabulary import canonical_column, column_specs
from kcopt.core.words import _, get_language, num
from kcopt.io.sheets import get_column_letter as column_letter
from kcopt.io.write import atomic_write
from kcopt.present.workbook.annex import FONT, FUND_WORDS, FUNDS, ROMAN
from kcopt.present.workbook.formats import MONEY as MONEY_FORMAT
from kcopt.present.workbook.formats import form_formats
from kcopt.rules.rates import load_rules

if TYPE_CHECKING:
    from kcopt.inputs.consolidate import Consolidated

LIST_SHEET, SUMMARY_SHEET, DUPLICATE_SHEET = "Danh mục tổng hợp", "Tổng hợp theo tỉnh", "Trùng lặp"
MONEY = "Kinh phí (triệu đồng)"
# (header, child under the merged money header, width, frame column)
COLUMNS = [("STT", None, 6, ""), ("Mã đề án", None, 14, "project_id"),
           ("Mã/STT gốc", None, 10, "original_id"), ("Tên đề án", None, 44, "name"),
           ("Tỉnh/Thành phố", None, 16, "province"), ("Đơn vị thực hiện", None, 22, "implementer"),
           ("Đơn vị thụ hưởng", None, 24, "beneficiary"),
           ("Địa điểm thực hiện", None, 26, "location"), ("Nguồn kinh phí", None, 14, "funds"),
           ("Năm", None, 7, "year"), ("Số cơ sở", None, 8, "establishments"),
           (MONEY, "Tổng kinh phí", 14, "total_cost"),
           (MONEY, "Kinh phí đề nghị hỗ trợ", 14, "requested"),
           (MONEY, "Vốn đối ứng", 14, "counterpart")]
TAIL = [("Tệp nguồn", None, 22, "source_file"), ("Trang tính", None, 14, "source_sheet"),
        ("Dòng", None, 7, "source_row"), ("Ghi chú", None, 30, "note")]
PROVINCE, TOTAL, REQUESTED = 4, 11, 12  # 0-based columns the summary sheet reads
HEADER = 8  # 0-based first header row of the list


@dataclass
class ConsolidatedCheck:
    """Where the sheets' figures are (0-based row, column) and what kcopt expects them to be."""

    summary: dict[tuple[int, int], float] = field(default_factory=dict)
    summary_rows: dict[str, int] = field(default_factory=dict)  # province → row
    summary_columns: dict[str, int] = field(default_factory=dict)  # "projects", category → col
    list_rows: dict[str, int] = field(default_factory=dict)  # project id → row


def write_consolidated(c: Consolidated, path: Path) -> ConsolidatedCheck:
    """Write the national workbook atomically; the check of its figures."""
    holder: list[ConsolidatedCheck] = []

    def write(p: Path) -> None:
        holder.append(consolidated_book(c, p))

    atomic_write(path, write)
    return holder[0]


def consolidated_book(c: Consolidated, path: Path) -> ConsolidatedCheck:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "Tổng hợp danh mục đề án khuyến công", "author": "kcopt"})
    base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}
    f = _formats(wb, base)
    frame = _ordered(c)
    check = ConsolidatedCheck()
    ws = wb.add_worksheet(LIST_SHEET)
    columns = [*COLUMNS, *_extra_columns(frame), *TAIL]
    _title(ws, f, frame, columns)
    blocks = _body(ws, f, frame, columns, check)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(HEADER, HEADER + 2)
    ws.fit_to_pages(1, 0)
    ws.freeze_panes(HEADER + 3, 4)
    _summary(wb.add_worksheet(SUMMARY_SHEET), f, frame, blocks, check)
    _duplicates(wb.add_worksheet(DUPLICATE_SHEET), f, c)
    wb.close()
    return check


def _formats(wb: Any, base: dict[str, Any]) -> dict[str, Any]:
    money = MONEY_FORMAT  # Vietnamese-style 1.450,5 where the file is opened in LibreOffice
    return {
        **form_formats(wb, base),
        "title": wb.add_format({**base, "bold": True, "font_size": 14, "align": "center"}),
        "bold": wb.add_format({**base, "bold": True, "border": 1, "text_wrap": True}),
        "bold_money": wb.add_format({**base, "bold": True, "border": 1, "num_format": money}),
        "money": wb.add_format({**base, "border": 1, "num_format": money}),
        "share": wb.add_format({**base, "border": 1, "num_format": "0%"}),
    }


def _ordered(c: Consolidated) -> pd.DataFrame:
    """Projects by fund, content type (the rule set's order), province, then as read; with the
    note naming each project's likely duplicates."""
    frame = c.frame.copy()
    notes: dict[int, list[str]] = {}
    for d in c.duplicates:
        notes.setdefault(d.first, []).append(str(frame["project_id"].iat[d.second]))
        notes.setdefault(d.second, []).append(str(frame["project_id"].iat[d.first]))
    frame["note"] = [_("possible duplicate of {ids}").format(ids=", ".join(notes[i]))
                     if i in notes else "" for i in range(len(frame))]
    order = {code: k for k, code in enumerate(load_rules().rules)}
    frame["_fund"] = frame["level"].map({"central": 0, "local": 1}).fillna(2)
    frame["_cat"] = frame["category"].map(order).fillna(len(order))
    frame["_prov"] = frame["province"].map(fold)
    frame["_read"] = np.arange(len(frame))
    return frame.sort_values(["_fund", "_cat", "_prov", "_read"]).reset_index(drop=True)


def _extra_columns(frame: pd.DataFrame) -> list[tuple[str, None, int, str]]:
    """The project-list columns the inputs give beyond the form's own (appraisal scores,
    priority flags, …), each under a Vietnamese header that reads back as the same column."""
    fixed = {col for *_rest, col in COLUMNS} | {"level", "category", "region"}
    out = []
    for name, spec in column_specs().items():
        if name in fixed or name not in frame:
            continue
        values = frame[name]
        default = {"flag": 0.0, "flag_fraction": 0.0, "typical_product": "none",
                   "count": 1.0}.get(spec.kind)
        used = values.notna() & (values != default) if default is not None else values.notna()
        if not used.any():
            continue
        header = next((a for a in spec.aliases if not a.isascii()
                       and canonical_column(a) == name), name)
        header = (header[:1].upper() + header[1:]).replace("cnnt", "CNNT")
        out.append((header, None, 12, name))
    return out


def _title(ws: Any, f: dict[str, Any], frame: pd.DataFrame,
           columns: list[tuple[str, str | None, int, str]]) -> None:
    last = len(columns) - 1
    ws.merge_range(0, 0, 0, 3, "BỘ CÔNG THƯƠNG", f["agency"])
    ws.merge_range(1, 0, 1, 3, "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG", f["motto"])
    ws.merge_range(0, 4, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f["agency"])
    ws.merge_range(1, 4, 1, last, "Độc lập - Tự do - Hạnh phúc", f["motto"])
    years = sorted({int(y) for y in frame["year"].dropna()})
    year = f" NĂM {years[0]}" if len(years) == 1 else (
        f" GIAI ĐOẠN {years[0]}-{years[-1]}" if years else "")
    ws.merge_range(3, 0, 3, last, f"TỔNG HỢP DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐĂNG KÝ{year}",
                   f["title"])
    ws.merge_range(4, 0, 4, last, _("({projects} projects from {files} file(s), {provinces} "
                                    "province(s))").format(
        projects=num(len(frame)), files=num(frame["source_file"].nunique()),
        provinces=num(frame["province"].nunique())), f["italic"])
    ws.merge_range(6, last - 1, 6, last, "ĐVT: triệu đồng", f["unit"])
    money = [j for j, col in enumerate(columns) if col[1] is not None]
    for j, (top, child, width, _col) in enumerate(columns):
        ws.set_column(j, j, width)
        if child is None:
            ws.merge_range(HEADER, j, HEADER + 1, j, top, f["head"])
        else:
            ws.write(HEADER + 1, j, child, f["head"])
        ws.write(HEADER + 2, j, f"({j + 1})", f["num"])
    ws.merge_range(HEADER, money[0], HEADER, money[-1], MONEY, f["head"])
    ws.set_row(HEADER, 30)


def _subtotal(ws: Any, row: int, lo: int, hi: int, rows: pd.DataFrame, fmt: Any) -> None:
    """SUBTOTAL(9, …) of the three amounts over rows lo…hi, their values cached."""
    for j, col in ((TOTAL, "total_cost"), (REQUESTED, "requested"), (REQUESTED + 1,
                                                                       "counterpart")):
        letter = column_letter(j + 1)
        ws.write_formula(row, j, f"=SUBTOTAL(9,{letter}{lo + 1}:{letter}{hi + 1})", fmt,
                         float(np.nansum(rows[col].to_numpy(float))))


def _heading(ws: Any, f: dict[str, Any], row: int, key: str | int, label: str,
             last: int) -> None:
    ws.write(row, 0, key, f["center"])
    for j in range(1, last + 1):
        ws.write_blank(row, j, None, f["bold"])
    ws.write(row, 3, label, f["bold"])


def _body(ws: Any, f: dict[str, Any], frame: pd.DataFrame,
          columns: list[tuple[str, str | None, int, str]],
          check: ConsolidatedCheck) -> dict[str, list[tuple[int, int]]]:
    """Fund parts, content sections, province rows and projects; the rows (first, last) of
    each content type's project blocks, for the summary's counts."""
    rules = load_rules().rules
    last = len(columns) - 1
    r = first = HEADER + 3
    blocks: dict[str, list[tuple[int, int]]] = {}
    for letter, level, heading in FUNDS:
        part = frame[frame["level"] == level]
        if part.empty:
            continue
        fund_row, r = r, r + 1
        for k, (_key, rows) in enumerate(part.groupby("_cat", sort=True)):
            code = str(rows["category"].iat[0])
            sec_row, r = r, r + 1
            rule = rules.get(code)
            for n, (_p, group) in enumerate(rows.groupby("_prov", sort=True), 1):
                _heading(ws, f, r, n, _province_row(str(group["province"].iat[0])), last)
                r += 1
                for m, rec in enumerate(group.to_dict("records"), 1):
                    _project(ws, f, r, m, rec, columns)
                    check.list_rows[str(rec["project_id"])] = r
                    r += 1
            blocks.setdefault(code, []).append((sec_row + 1, r - 1))
            _heading(ws, f, sec_row, ROMAN[k] if k < len(ROMAN) else str(k + 1),
                     rule.name_vi if rule else code, last)
            _subtotal(ws, sec_row, sec_row + 1, r - 1, rows, f["bold_money"])
        _heading(ws, f, fund_row, letter, heading, last)
        _subtotal(ws, fund_row, fund_row + 1, r - 1, part, f["bold_money"])
    _heading(ws, f, r, "", "TỔNG CỘNG" + (" (A+B)" if frame["level"].nunique() > 1 else ""),
             last)
    _subtotal(ws, r, first, r - 1, frame, f["bold_money"])
    blocks["*"] = [(first, r - 1)]
    return blocks


def _province_row(name: str) -> str:
    prov = load_geography().provinces.get(name)
    if name.startswith("Thành phố") or prov is None:
        return name
    return f"Thành phố {name}" if prov.kind == "city" else f"Tỉnh {name}"


def _project(ws: Any, f: dict[str, Any], r: int, n: int, rec: dict[Any, Any],
             columns: list[tuple[str, str | None, int, str]]) -> None:
    ws.write_number(r, 0, n, f["center"])
    for j, (_top, child, _w, col) in enumerate(columns[1:], 1):
        value = rec.get(col)
        if col == "funds":
            ws.write_string(r, j, FUND_WORDS.get(str(value), str(value)), f["cell"])
        elif _number(value):
            ws.write_number(r, j, float(value), f["money"] if child else f["center"])
        elif value is None or value == "" or (isinstance(value, float)
                                              and not np.isfinite(value)):
            ws.write_blank(r, j, None, f["cell"])
        else:
            ws.write_string(r, j, str(value), f["cell"])


def _number(value: object) -> TypeGuard[float | np.floating]:
    return (isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool) and bool(np.isfinite(float(value))))


def _summary(ws: Any, f: dict[str, Any], frame: pd.DataFrame,
             blocks: dict[str, list[tuple[int, int]]], check: ConsolidatedCheck) -> None:
    """Per province: its projects, total cost and support requested (COUNTIF / SUMIF over the
    list's province column) and its projects per content type (COUNTIF over that content
    type's blocks); a total row of SUMs."""
    rules = load_rules().rules
    lang = get_language()
    cats = [c for c in blocks if c != "*"]
    names = [(rules[c].name_vi if lang == "vi" else rules[c].name_en) if c in rules else c
             for c in cats]
    heads = [_("No."), _("Province"), _("Projects"), _("Total cost (million VND)"),
             _("Support requested (million VND)"),
             *(_("Projects: {content}").format(content=n) for n in names)]
    ws.merge_range(0, 0, 0, len(heads) - 1, _("Registrations by province"), f["title"])
    for j, h in enumerate(heads):
        ws.write(2, j, h, f["head"])
        ws.set_column(j, j, 18 if j != 1 else 24)
    ws.set_row(2, 60)
    lo, hi = blocks["*"][0]
    sheet = f"'{LIST_SHEET}'"

    def rng(col: int, a: int = lo, b: int = hi) -> str:
        letter = column_letter(col + 1)
        return f"{sheet}!${letter}${a + 1}:${letter}${b + 1}"

    provinces = sorted(set(frame["province"]), key=fold)
    r = 3
    for n, prov in enumerate(provinces, 1):
        ws.write_number(r, 0, n, f["center"])
        ws.write_string(r, 1, prov, f["cell"])
        for j, formula, value in _province_cells(frame[frame["province"] == prov], cats,
                                                 blocks, rng, f"$B{r + 1}"):
            ws.write_formula(r, j, formula, f["money"] if j in (3, 4) else f["center"], value)
            check.summary[(r, j)] = value
        check.summary_rows[prov] = r
        r += 1
    ws.write(r, 1, _("Total"), f["bold"])
    for j in range(2, len(heads)):
        letter = column_letter(j + 1)
        value = sum(check.summary[(row, j)] for row in check.summary_rows.values())
        ws.write_formula(r, j, f"=SUM({letter}4:{letter}{r})", f["bold_money"], value)
        check.summary[(r, j)] = value
    check.summary_rows["*"] = r
    check.summary_columns = {"projects": 2, "total_cost": 3, "requested": 4,
                             **{c: k for k, c in enumerate(cats, 5)}}
    ws.freeze_panes(3, 2)


def _province_cells(mine: pd.DataFrame, cats: list[str], blocks: dict[str, list[tuple[int, int]]],
                    rng: Callable[..., str], crit: str) -> list[tuple[int, str, float]]:
    """(column, formula, value) of one province's summary row: COUNTIF / SUMIF over the list's
    province column, and per content type COUNTIF over that content type's blocks."""
    cells = [(2, f"=COUNTIF({rng(PROVINCE)},{crit})", float(len(mine))),
             (3, f"=SUMIF({rng(PROVINCE)},{crit},{rng(TOTAL)})",
              float(mine["total_cost"].sum())),
             (4, f"=SUMIF({rng(PROVINCE)},{crit},{rng(REQUESTED)})",
              float(np.nansum(mine["requested"].to_numpy(float))))]
    for k, cat in enumerate(cats, 5):
        parts = "+".join(f"COUNTIF({rng(PROVINCE, a, b)},{crit})" for a, b in blocks[cat])
        cells.append((k, f"={parts}", float((mine["category"] == cat).sum())))
    return cells


def _duplicates(ws: Any, f: dict[str, Any], c: Consolidated) -> None:
    """One row per likely duplicate: both projects with their file, sheet and row."""
    side = [_("Id"), _("Project name"), _("Province"), _("Beneficiary"), _("File"), _("Sheet"),
            _("Row")]
    heads = [_("No."), _("Content type"), _("Names alike"),
             *(_("First: {column}").format(column=h) for h in side),
             *(_("Second: {column}").format(column=h) for h in side)]
    ws.merge_range(0, 0, 0, len(heads) - 1, _("Likely duplicates (not merged: decide which "
                                              "to keep)"), f["title"])
    for j, h in enumerate(heads):
        ws.write(2, j, h, f["head"])
        ws.set_column(j, j, 30 if h.endswith((side[1], side[3])) else 14)
    if not c.duplicates:
        ws.merge_range(3, 0, 3, len(heads) - 1, _("No likely duplicates found."), f["cell"])
        return
    frame = c.frame
    for n, d in enumerate(c.duplicates, 1):
        r = 2 + n
        ws.write_number(r, 0, n, f["center"])
        ws.write_string(r, 1, str(frame["category"].iat[d.first]), f["cell"])
        ws.write_number(r, 2, d.similarity, f["share"])
        for k, i in enumerate((d.first, d.second)):
            rec = frame.iloc[i]
            values = [rec["project_id"], rec["name"], rec["province"], rec["beneficiary"],
                      rec["source_file"], rec["source_sheet"]]
            for j, v in enumerate(values):
                ws.write_string(r, 3 + 7 * k + j, str(v or ""), f["cell"])
            ws.write_number(r, 3 + 7 * k + 6, int(rec["source_row"]), f["center"])
    ws.freeze_panes(3, 0)
