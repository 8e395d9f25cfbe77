"""The proposed plan in the official annex layout: `annex.xlsx`, and the proposal written back
into a copy of the planner's own annex (`kcopt solve --into FORM.xlsx`).

`annex.xlsx` (XlsxWriter) is laid out like the annex to a Quyết định: the agency and national
motto in two merged blocks, the title, "(Kèm theo Quyết định số …)", "ĐVT: triệu đồng", a
two-row header with merged parents and a column-number row, fund sections A (khuyến công quốc
gia) and B (khuyến công địa phương), Roman-numeral content sections in the order of the rule
set, projects numbered 1, 2, 3 within each, section and total rows as live SUBTOTAL formulas,
Times New Roman, A4 landscape with the header repeated on every page and the signature block.
It lists the projects proposed for support (funded or partly funded) and reads back through
`kcopt validate` as the same projects, funds, content types and amounts.

`write_form_into` fills a "Đề xuất hỗ trợ" column beside each project row of the planner's
annex (in the annex's own unit), makes every section, district and "Cộng …" row a SUBTOTAL over
its rows, and keeps the title block, merged cells, print set-up and other sheets as they were.
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
from kcopt.present.workbook.base import created_time
from kcopt.rules.rates import load_rules

if TYPE_CHECKING:
    from kcopt.io.form import FormLayout
    from kcopt.pipeline import Run

FONT = "Times New Roman"
FUNDS = (("A", "central", "KINH PHÍ KHUYẾN CÔNG QUỐC GIA"),
         ("B", "local", "KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG"))
FUND_WORDS = {"central": "Trung ương", "local": "Địa phương", "both": "Trung ương, địa phương"}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV",
         "XXV", "XXVI", "XXVII", "XXVIII", "XXIX", "XXX")
# annex columns: header (row 1), child header under the merged "Kinh phí" parent, width
COLUMNS = [("STT", None, 6), ("Mã đề án", None, 12), ("Tên đề án", None, 48),
           ("Tỉnh/Thành phố", None, 16), ("Nguồn kinh phí", None, 14), ("Số cơ sở", None, 8),
           ("Kinh phí (triệu đồng)", "Tổng kinh phí", 14),
           ("Kinh phí (triệu đồng)", "Kinh phí hỗ trợ", 14),
           ("Kinh phí (triệu đồng)", "Vốn đối ứng", 14), ("Ghi chú", None, 40)]
TOTAL, SUPPORT, MATCH = 6, 7, 8  # 0-based columns of the three amounts
# written before "Ghi chú" when a proposed project has them (the Decree 32 cap needs them)
OPTIONAL = {"infra_investment": ("Tổng mức đầu tư (triệu đồng)", None, 14),
            "other_state_support": ("Hỗ trợ từ chương trình khác (triệu đồng)", None, 14)}


@dataclass
class AnnexCheck:
    """Where the annex's totals are and what kcopt expects them to be (for tests and readers):
    (row, column) 0-based → expected value."""

    expected: dict[tuple[int, int], float] = field(default_factory=dict)
    section_rows: dict[str, int] = field(default_factory=dict)  # "A", "A.I", "total" → row


def _agency(frame: pd.DataFrame) -> tuple[str, str]:
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
    """The projects proposed for support, with their level, category and amounts."""
    assert run.allocation is not None
    alloc = run.allocation
    frame = run.model.projects
    out = alloc[["project_id", "name", "province", "category", "level", "central", "local",
                 "total", "status", "reason"]].copy()
    out["total_cost"] = frame["total_cost"].to_numpy(float)
    out["funds"] = frame["funds"].to_numpy(object)
    out["establishments"] = (frame["establishments"].to_numpy(float)
                             if "establishments" in frame else np.ones(len(frame)))
    out["year"] = frame["year"].to_numpy(float) if "year" in frame else np.nan
    for key in OPTIONAL:
        out[key] = frame[key].to_numpy(float) if key in frame else np.nan
    return out[out["total"] > 1e-9].reset_index(drop=True)


def write_annex(run: Run, path: Path, form: FormLayout | None = None) -> Path:
    """Write `annex.xlsx` atomically (XlsxWriter)."""
    def write(p: Path) -> None:
        annex_book(run, p, form)

    return atomic_write(path, write)


def annex_book(run: Run, path: Path, form: FormLayout | None = None) -> AnnexCheck:
    import xlsxwriter

    plan = proposed(run)
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "Phụ lục kế hoạch khuyến công", "author": "kcopt",
                       "created": created_time(run)})
    base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}
    integral = bool(np.allclose(plan[["total", "total_cost"]].to_numpy(float),
                                np.round(plan[["total", "total_cost"]].to_numpy(float))))
    f = _formats(wb, base, "#,##0" if integral else "#,##0.00")
    ws = wb.add_worksheet("Phụ lục")
    extra = [k for k in OPTIONAL if (plan[k].fillna(0) > 0).any()]
    columns = [*COLUMNS[:-1], *(OPTIONAL[k] for k in extra), COLUMNS[-1]]
    h = _title_block(ws, f, run, plan, form, columns)
    check = AnnexCheck()
    r = _body(ws, f, plan, extra, h + 3, len(columns) - 1, check)
    _signatures(ws, f, r + 3, len(columns) - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(h, h + 2)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.freeze_panes(h + 3, 3)
    _left_out(wb, run, base)
    wb.close()
    return check


def _formats(wb: Any, base: dict[str, Any], money: str) -> dict[str, Any]:
    """The cell formats of the annex, in the style of the official forms."""
    f = {
        "agency": wb.add_format({**base, "bold": True, "align": "center"}),
        "motto": wb.add_format({**base, "bold": True, "align": "center", "underline": 1}),
        "title": wb.add_format({**base, "bold": True, "font_size": 14, "align": "center",
                                "text_wrap": True}),
        "italic": wb.add_format({**base, "italic": True, "align": "center"}),
        "unit": wb.add_format({**base, "italic": True, "align": "right"}),
        "head": wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True,
                               "border": 1}),
        "num": wb.add_format({**base, "italic": True, "align": "center", "border": 1,
                              "font_size": 10}),
        "fund": wb.add_format({**base, "bold": True, "border": 1, "text_wrap": True}),
        "fund_key": wb.add_format({**base, "bold": True, "border": 1, "align": "center"}),
        "sec_key": wb.add_format({**base, "bold": True, "italic": True, "border": 1,
                                  "align": "center"}),
        "fund_money": wb.add_format({**base, "bold": True, "border": 1, "num_format": money}),
        "sec": wb.add_format({**base, "bold": True, "italic": True, "border": 1,
                              "text_wrap": True}),
        "sec_money": wb.add_format({**base, "bold": True, "italic": True, "border": 1,
                                    "num_format": money}),
        "cell": wb.add_format({**base, "border": 1, "text_wrap": True}),
        "center": wb.add_format({**base, "border": 1, "align": "center"}),
        "money": wb.add_format({**base, "border": 1, "num_format": money}),
        "sign": wb.add_format({**base, "bold": True, "align": "center"}),
        "sign_note": wb.add_format({**base, "italic": True, "align": "center"}),
    }
    return f


def _title_block(ws: Any, f: dict[str, Any], run: Run, plan: pd.DataFrame,
                 form: FormLayout | None, columns: list[tuple[str, str | None, int]]) -> int:
    """Agency and motto, the title with the plan's years, the unit line and the two-row
    headers with their column numbers; the first header row."""
    width = len(columns)
    last = width - 1
    agency = form.agency[:2] if form is not None and form.agency else list(_agency(plan))
    agency += [""] * (2 - len(agency))
    ws.merge_range(0, 0, 0, 3, agency[0], f["agency"])
    ws.merge_range(1, 0, 1, 3, agency[1], f["motto"])
    ws.merge_range(0, 4, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f["agency"])
    ws.merge_range(1, 4, 1, last, "Độc lập - Tự do - Hạnh phúc", f["motto"])
    years = sorted({int(y) for y in plan["year"].dropna()})
    year = f" NĂM {years[0]}" if len(years) == 1 else (
        f" GIAI ĐOẠN {years[0]}-{years[-1]}" if years else "")
    ws.merge_range(3, 0, 3, last, f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỀ XUẤT HỖ TRỢ{year}",
                   f["title"])
    ws.merge_range(4, 0, 4, last, f"Phương án phân bổ: {run.scenario.name}", f["italic"])
    ws.merge_range(5, 0, 5, last, "(Kèm theo Quyết định số ……/QĐ-…… ngày …… tháng …… năm "
                   "…… của ……)", f["italic"])
    ws.merge_range(6, last - 1, 6, last, "ĐVT: triệu đồng", f["unit"])
    h = 8
    for j, (top, child, w) in enumerate(columns):
        ws.set_column(j, j, w)
        if child is None:
            ws.merge_range(h, j, h + 1, j, top, f["head"])
        else:
            ws.write(h + 1, j, child, f["head"])
    ws.merge_range(h, TOTAL, h, MATCH, "Kinh phí (triệu đồng)", f["head"])
    for j in range(width):
        label = f"({j + 1})" if j != MATCH else f"({MATCH + 1})=({TOTAL + 1})-({SUPPORT + 1})"
        ws.write(h + 2, j, label, f["num"])
    ws.set_row(h, 30)
    return h


def _sums(rows: pd.DataFrame) -> dict[int, float]:
    t = float(rows["total_cost"].sum())
    s = float(rows["total"].sum())
    return {TOTAL: t, SUPPORT: s, MATCH: t - s}


def _subtotal_row(ws: Any, check: AnnexCheck, row: int, lo: int, hi: int,
                  values: dict[int, float], fmt: Any) -> None:
    """SUBTOTAL formulas over rows lo…hi of the money columns, with their values cached."""
    for c in (TOTAL, SUPPORT, MATCH):
        letter = chr(ord("A") + c)
        ws.write_formula(row, c, f"=SUBTOTAL(9,{letter}{lo + 1}:{letter}{hi + 1})", fmt,
                         values[c])
        check.expected[(row, c)] = values[c]


def _body(ws: Any, f: dict[str, Any], plan: pd.DataFrame, extra: list[str], first_body: int,
          last: int, check: AnnexCheck) -> int:
    """Fund parts (A, B), content sections (I, II, …) and project rows, each part and section
    with its subtotal, then the grand total; the grand total's row."""
    order = {code: k for k, code in enumerate(load_rules().rules)}
    r = first_body
    for letter, level, heading in FUNDS:
        part = plan[plan["level"] == level]
        if part.empty:
            continue
        fund_row = r
        ws.write(r, 0, letter, f["fund_key"])
        ws.write(r, 1, "", f["fund"])
        ws.merge_range(r, 2, r, 5, heading, f["fund"])
        ws.write(r, last, "", f["fund"])
        r += 1
        cats = sorted(set(part["category"]), key=lambda c: order.get(c, len(order)))
        for k, cat in enumerate(cats):
            rows = part[part["category"] == cat]
            sec_row = r
            rule = load_rules().rules.get(cat)
            ws.write(r, 0, ROMAN[k] if k < len(ROMAN) else str(k + 1), f["sec_key"])
            ws.write(r, 1, "", f["sec"])
            ws.merge_range(r, 2, r, 5, rule.name_vi if rule else cat, f["sec"])
            ws.write(r, last, "", f["sec"])
            r += 1
            for n, rec in enumerate(rows.itertuples(index=False), 1):
                _project_row(ws, f, r, n, rec, extra, last)
                r += 1
            _subtotal_row(ws, check, sec_row, sec_row + 1, r - 1, _sums(rows), f["sec_money"])
            check.section_rows[f"{letter}.{ROMAN[k]}"] = sec_row
        _subtotal_row(ws, check, fund_row, fund_row + 1, r - 1, _sums(part), f["fund_money"])
        check.section_rows[letter] = fund_row
    ws.write(r, 0, "", f["fund"])
    ws.write(r, 1, "", f["fund"])
    ws.merge_range(r, 2, r, 5, "TỔNG CỘNG" + (" (A+B)" if plan["level"].nunique() > 1 else ""),
                   f["fund"])
    ws.write(r, last, "", f["fund"])
    _subtotal_row(ws, check, r, first_body, r - 1, _sums(plan), f["fund_money"])
    check.section_rows["total"] = r
    return r


def _project_row(ws: Any, f: dict[str, Any], r: int, n: int, rec: Any, extra: list[str],
                 last: int) -> None:
    ws.write_number(r, 0, n, f["center"])
    ws.write_string(r, 1, str(rec.project_id), f["cell"])
    ws.write_string(r, 2, str(rec.name), f["cell"])
    ws.write_string(r, 3, str(rec.province), f["cell"])
    ws.write_string(r, 4, FUND_WORDS.get(str(rec.funds), str(rec.funds)), f["cell"])
    ws.write_number(r, 5, float(rec.establishments), f["center"])
    ws.write_number(r, TOTAL, float(rec.total_cost), f["money"])
    ws.write_number(r, SUPPORT, float(rec.total), f["money"])
    ws.write_formula(r, MATCH, f"=G{r + 1}-H{r + 1}", f["money"],
                     float(rec.total_cost) - float(rec.total))
    for k, key in enumerate(extra):
        value = getattr(rec, key)
        if np.isfinite(value):
            ws.write_number(r, MATCH + 1 + k, float(value), f["money"])
        else:
            ws.write_blank(r, MATCH + 1 + k, None, f["money"])
    note = STATUS_VI.get(str(rec.status), str(rec.status))
    if rec.central > 1e-9 and rec.local > 1e-9:
        note += f"; trong đó KCQG {_vn(rec.central)}, KCĐP {_vn(rec.local)}"
    ws.write_string(r, last, note, f["cell"])


def _signatures(ws: Any, f: dict[str, Any], r: int, last: int) -> None:
    ws.merge_range(r, 0, r, 3, "NGƯỜI LẬP BIỂU", f["sign"])
    ws.merge_range(r, 6, r, last, "THỦ TRƯỞNG ĐƠN VỊ", f["sign"])
    ws.merge_range(r + 1, 0, r + 1, 3, "(Ký, ghi rõ họ tên)", f["sign_note"])
    ws.merge_range(r + 1, 6, r + 1, last, "(Ký tên, đóng dấu)", f["sign_note"])


def _vn(x: float) -> str:
    """Vietnamese number text: 1.234,5.

    >>> _vn(1234.5), _vn(300.0)
    ('1.234,5', '300')
    """
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _left_out(wb: Any, run: Run, base: dict[str, Any]) -> None:
    """A second sheet: the projects not proposed and why (not part of the annex)."""
    assert run.allocation is not None
    rest = run.allocation[run.allocation["total"] <= 1e-9]
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
    for i, rec in enumerate(rest.to_dict("records"), 3):
        for j, (_label, key, _w) in enumerate(cols):
            value = rec[key]
            if key == "status":
                value = STATUS_VI.get(str(value), str(value))
            ws.write_string(i, j, "" if value is None else str(value), cell)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(2)
