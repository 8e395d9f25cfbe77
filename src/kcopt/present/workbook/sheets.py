"""The sheets of `allocation.xlsx`: the allocation and the summaries by province, region,
content type, fund and priority (the constraints and run information: `workbook.info`).

Totals and shares are formulas over the allocation sheet (SUBTOTAL, SUMIFS, COUNTIFS), so they
follow a planner's edits; each one's value as kcopt computed it goes into `Book.expected`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kcopt.core.geo import load_geography
from kcopt.core.vocabulary import (
    CRITERIA,
    CRITERIA_LABELS,
    FUND_VI,
)
from kcopt.io.sheets import get_column_letter as column_letter
from kcopt.present.workbook.base import (
    COUNT,
    FIRST_ROW,
    MONEY,
    NOTE,
    PERCENT,
    SECTION,
    VI_ROW,
    AllocationRefs,
    BarChart,
    Book,
    Column,
    Sheet,
    finish,
    header_rows,
    heading,
    total_style,
)
from kcopt.present.workbook.formats import SHARE

if TYPE_CHECKING:
    from kcopt.pipeline import Run

SCORE_BANDS = [(0.8, 1.01, "0,8 – 1"), (0.6, 0.8, "0,6 – 0,8"), (0.4, 0.6, "0,4 – 0,6"),
               (0.2, 0.4, "0,2 – 0,4"), (0.0, 0.2, "0 – 0,2")]

# --- summaries --------------------------------------------------------------------------------


@dataclass
class Totals:
    cap: float
    central: float
    local: float

    @property
    def total(self) -> float:
        return self.central + self.local


def totals_of(alloc: pd.DataFrame) -> Totals:
    return Totals(float(alloc["cap"].sum()), float(alloc["central"].sum()),
                   float(alloc["local"].sum()))


GROUP_COLUMNS = [
    Column("projects", "Số đề án", "Projects", COUNT, 9),
    Column("funded", "Hỗ trợ đủ", "Funded", COUNT, 9),
    Column("partial", "Hỗ trợ một phần", "Partly funded", COUNT, 10),
    Column("demand", "Nhu cầu (tổng mức tối đa)", "Demand (sum of caps)", MONEY, 14),
    Column("central", "Trung ương (KCQG)", "Central fund", MONEY, 14),
    Column("local", "Địa phương (KCĐP)", "Local fund", MONEY, 14),
    Column("total", "Tổng hỗ trợ", "Total support", MONEY, 14),
    Column("share", "Tỷ trọng trong tổng hỗ trợ", "Share of all support", PERCENT, 11),
]
# a province's summary also holds its local budget and how much of it is used
PROVINCE_COLUMNS = [Column("local_budget", "Ngân sách địa phương", "Local budget", MONEY, 14),
                    Column("budget_used", "Tỷ lệ sử dụng NS địa phương", "Local budget used",
                           PERCENT, 12)]
GROUP_TITLES = {"province": ("TỔNG HỢP THEO TỈNH, THÀNH PHỐ", "Summary by province"),
                "region": ("TỔNG HỢP THEO VÙNG", "Summary by region"),
                "category": ("TỔNG HỢP THEO NỘI DUNG HỖ TRỢ", "Summary by content type")}


def _group_rows(run: Run, key: str) -> tuple[str, list[Column], list[list[Any]]]:
    """(match column in the allocation sheet, label columns, label values per group)."""
    assert run.allocation is not None
    geo = load_geography()
    alloc = run.allocation
    if key == "province":
        names = sorted(set(alloc["province"].tolist()) | {p for p, b in
                                                 run.scenario.local_budgets.items() if b > 0})
        return "province", [Column("province", "Tỉnh/Thành phố", "Province", None, 24),
                            Column("region", "Vùng", "Region", None, 7)], [
            [p, geo.provinces[p].region] for p in names]
    if key == "region":
        codes = sorted(set(alloc["region"].tolist()))
        return "region", [Column("region", "Mã vùng", "Region code", None, 8),
                          Column("name_vi", "Vùng kinh tế – xã hội", "Region (Vietnamese)",
                                 None, 36),
                          Column("name_en", "Region", "Region (English)", None, 34)], [
            [c, *geo.regions[c]] if c in geo.regions else [c, c, c] for c in codes]
    rules = run.model.rules.rules
    cats = sorted(set(alloc["category"].tolist()))
    return "category", [Column("category", "Mã nội dung", "Content type code", None, 24),
                        Column("name_vi", "Nội dung", "Content type", None, 44)], [
        [c, rules[c].name_vi] for c in cats]


def group_sheet(book: Book, key: str, run: Run, refs: AllocationRefs, totals: Totals) -> None:
    """A summary sheet by province, region or content type: counts and sums as COUNTIFS and
    SUMIFS over the allocation sheet, shares, local budgets used, and a chart."""
    assert run.allocation is not None
    alloc = run.allocation
    match, labels, groups = _group_rows(run, key)
    cols = [*labels, *GROUP_COLUMNS]
    if key == "province":
        cols += PROVINCE_COLUMNS
    ws = book.sheet(key)
    heading(ws, run, *GROUP_TITLES[key], cols)
    first, last = FIRST_ROW, FIRST_ROW + len(groups) - 1
    total_row = last + 1
    L = {c.key: column_letter(j) for j, c in enumerate(cols, 1)}
    budgets = run.scenario.local_budgets
    for i, (values, expected) in enumerate(zip(groups, _group_figures(alloc, match, groups),
                                               strict=True)):
        r = first + i
        for j, v in enumerate(values, 1):
            book.put(ws, r, j, v)
        formulas = _group_formulas(refs, match, r)
        group_total = expected["central"] + expected["local"]
        for j, col in enumerate(cols, 1):
            if col.key in formulas:
                book.formula(ws, r, j, formulas[col.key], expected[col.key], col.fmt)
            elif col.key == "total":
                book.formula(ws, r, j, f"{L['central']}{r}+{L['local']}{r}", group_total,
                             col.fmt)
            elif col.key == "share":
                book.formula(ws, r, j, f"IF(${L['total']}${total_row}>0,{L['total']}{r}/"
                             f"${L['total']}${total_row},0)",
                             group_total / totals.total if totals.total > 0 else 0.0, col.fmt)
            elif col.key == "local_budget":
                book.put(ws, r, j, float(budgets.get(values[0], 0.0)), col.fmt)
            elif col.key == "budget_used":
                b = float(budgets.get(values[0], 0.0))
                book.formula(ws, r, j, f"IF({L['local_budget']}{r}>0,{L['local']}{r}/"
                             f"{L['local_budget']}{r},0)",
                             expected["local"] / b if b > 0 else 0.0, col.fmt)
    _group_totals(book, ws, cols, L, alloc, budgets, groups, totals, first, last)
    finish(ws, cols, first, last, freeze="B")
    if key in ("region", "category"):
        _bar_chart(ws, key, L["name_vi"], L["central"], L["local"], first, last,
                   anchor=f"{column_letter(len(cols) + 2)}{VI_ROW}")


def _group_figures(alloc: pd.DataFrame, match: str, groups: list[Any]) -> list[dict[str, Any]]:
    """Each group's project counts and sums: the values its formulas must give."""
    codes, names = pd.factorize(alloc[match].to_numpy(object))
    order = np.argsort(codes, kind="stable")  # each group's rows together, in their order
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    at = {name: i for i, name in enumerate(names.tolist())}
    funded = (alloc["status"] == "funded").to_numpy()
    partial = (alloc["status"] == "partial").to_numpy()
    cap, central, local = (alloc[k].to_numpy(float) for k in ("cap", "central", "local"))
    figures = []
    for values in groups:
        i = at.get(values[0])
        sel = order[bounds[i]:bounds[i + 1]] if i is not None else order[:0]
        figures.append({"projects": len(sel), "funded": int(funded[sel].sum()),
                        "partial": int(partial[sel].sum()), "demand": float(cap[sel].sum()),
                        "central": float(central[sel].sum()),
                        "local": float(local[sel].sum())})
    return figures


def _group_formulas(refs: AllocationRefs, match: str, r: int) -> dict[str, str]:
    """The counts and sums of the group on row `r` over the allocation sheet."""
    crit = f"{refs.rng(match)},$A{r}"
    return {
        "projects": f"COUNTIFS({crit})",
        "funded": f"COUNTIFS({crit},{refs.rng('status')},\"funded\")",
        "partial": f"COUNTIFS({crit},{refs.rng('status')},\"partial\")",
        "demand": f"SUMIFS({refs.rng('cap')},{crit})",
        "central": f"SUMIFS({refs.rng('central')},{crit})",
        "local": f"SUMIFS({refs.rng('local')},{crit})",
    }


def _group_totals(book: Book, ws: Any, cols: list[Column], L: dict[str, str],
                  alloc: pd.DataFrame, budgets: dict[str, float], groups: list[Any],
                  totals: Totals, first: int, last: int) -> None:
    """The total row of a summary sheet: sums of its groups, and the local budget used."""
    total_row = last + 1
    book.put(ws, total_row, 1, "Tổng cộng / Total")
    sums = {"projects": len(alloc), "funded": int((alloc["status"] == "funded").sum()),
            "partial": int((alloc["status"] == "partial").sum()), "demand": totals.cap,
            "central": totals.central, "local": totals.local, "total": totals.total,
            "share": 1.0 if totals.total > 0 else 0.0,
            "local_budget": float(sum(budgets.get(g[0], 0.0) for g in groups))}
    for j, col in enumerate(cols, 1):
        if col.key in sums:
            c = L[col.key]
            book.formula(ws, total_row, j, f"SUM({c}{first}:{c}{last})", sums[col.key], col.fmt)
        elif col.key == "budget_used":
            lb = sums["local_budget"]
            book.formula(ws, total_row, j, f"IF({L['local_budget']}{total_row}>0,"
                         f"{L['local']}{total_row}/{L['local_budget']}{total_row},0)",
                         float(alloc.loc[alloc["province"].isin([g[0] for g in groups]),
                                         "local"].sum()) / lb if lb > 0 else 0.0, col.fmt)
    total_style(ws, total_row, len(cols))


def _bar_chart(ws: Sheet, key: str, label: str, central: str, local: str, first: int,
               last: int, anchor: str) -> None:
    def col(letter: str) -> int:
        n = 0
        for ch in letter:
            n = n * 26 + ord(ch) - 64
        return n

    m = re.fullmatch(r"([A-Z]+)(\d+)", anchor)
    assert m
    horizontal = key == "category"
    ws.chart(BarChart(
        title=("Phân bổ theo nội dung hỗ trợ / Allocation by content type" if horizontal
               else "Phân bổ theo vùng / Allocation by region"),
        horizontal=horizontal, categories=col(label),
        series=[(col(central), "KCQG"), (col(local), "KCĐP")],
        first=first, last=last, width_cm=26,
        height_cm=max(9.0, 0.55 * (last - first + 1) + 4) if horizontal else 10,
        anchor=(int(m.group(2)), col(m.group(1)))))


def fund_sheet(book: Book, run: Run, refs: AllocationRefs, totals: Totals) -> None:
    assert run.allocation is not None
    alloc = run.allocation
    ws = book.sheet("fund")
    cols = [Column("fund", "Nguồn vốn", "Fund", None, 22),
            Column("fund_en", "Fund", "Fund (English)", None, 18),
            Column("budget", "Ngân sách", "Budget", MONEY, 14),
            Column("allocated", "Đã phân bổ", "Allocated", MONEY, 14),
            Column("remaining", "Còn lại", "Remaining", MONEY, 14),
            Column("used", "Tỷ lệ sử dụng", "Budget used", PERCENT, 11),
            Column("projects", "Số đề án được hỗ trợ", "Projects supported", COUNT, 11),
            Column("share", "Tỷ trọng trong tổng hỗ trợ", "Share of all support", PERCENT, 12)]
    heading(ws, run, "TỔNG HỢP THEO NGUỒN VỐN", "Summary by fund", cols)
    L = {c.key: column_letter(j) for j, c in enumerate(cols, 1)}
    sc = run.scenario
    budgets = {"central": float(sc.central_budget), "local": float(sum(sc.local_budgets.values()))}
    r_total = FIRST_ROW + 2
    for i, fund in enumerate(("central", "local")):
        r = FIRST_ROW + i
        allocated = totals.central if fund == "central" else totals.local
        book.put(ws, r, 1, FUND_VI[fund])
        book.put(ws, r, 2, "Central (KCQG)" if fund == "central" else "Local (KCĐP)")
        book.put(ws, r, 3, budgets[fund], MONEY)
        book.formula(ws, r, 4, f"SUM({refs.rng(fund)})", allocated, MONEY)
        book.formula(ws, r, 7, f"COUNTIF({refs.rng(fund)},\">0\")",
                     int((alloc[fund] > 0).sum()), COUNT)
        _fund_ratios(book, ws, r, L, budgets[fund], allocated, totals.total, r_total)
    book.put(ws, r_total, 1, "Tổng cộng")
    book.put(ws, r_total, 2, "Total")
    f, s = FIRST_ROW, FIRST_ROW + 1
    budget_all = budgets["central"] + budgets["local"]
    book.formula(ws, r_total, 3, f"C{f}+C{s}", budget_all, MONEY)
    book.formula(ws, r_total, 4, f"D{f}+D{s}", totals.total, MONEY)
    book.formula(ws, r_total, 7, f"COUNTIF({refs.rng('total')},\">0\")",
                 int(((alloc["central"] + alloc["local"]) > 0).sum()), COUNT)
    _fund_ratios(book, ws, r_total, L, budget_all, totals.total, totals.total, r_total)
    total_style(ws, r_total, len(cols))
    finish(ws, cols, FIRST_ROW, FIRST_ROW + 1, freeze="B")


def _fund_ratios(book: Book, ws: Sheet, r: int, L: dict[str, str], budget: float,
                 allocated: float, grand: float, r_total: int) -> None:
    book.formula(ws, r, 5, f"{L['budget']}{r}-{L['allocated']}{r}", budget - allocated, MONEY)
    book.formula(ws, r, 6, f"IF({L['budget']}{r}>0,{L['allocated']}{r}/{L['budget']}{r},0)",
                 allocated / budget if budget > 0 else 0.0, PERCENT)
    book.formula(ws, r, 8, f"IF($D${r_total}>0,{L['allocated']}{r}/$D${r_total},0)",
                 allocated / grand if grand > 0 else 0.0, PERCENT)


def priority_sheet(book: Book, run: Run, refs: AllocationRefs, totals: Totals) -> None:
    # start-up: scipy only when this runs
    from kcopt.model import criteria_matrix
    from kcopt.model.scores import criteria_in_use

    assert run.allocation is not None
    alloc = run.allocation
    ws = book.sheet("priority")
    cols = [Column("criterion", "Mã tiêu chí", "Criterion code", None, 22),
            Column("vi", "Tiêu chí ưu tiên", "Priority criterion", None, 28),
            Column("en", "Criterion", "Criterion (English)", None, 30),
            Column("weight", "Trọng số", "Weight", PERCENT, 10),
            Column("projects", "Số đề án đạt tiêu chí được hỗ trợ",
                   "Supported projects meeting it", COUNT, 14),
            Column("support", "Hỗ trợ cho các đề án này", "Support to these projects",
                   MONEY, 15),
            Column("share", "Tỷ trọng trong tổng hỗ trợ", "Share of all support", PERCENT, 12)]
    heading(ws, run, "TỔNG HỢP THEO TIÊU CHÍ ƯU TIÊN", "Summary by priority criterion", cols)
    crit = criteria_matrix(run.model.projects, run.scenario)
    total = (alloc["central"] + alloc["local"]).to_numpy(float)
    weights = run.scenario.weights
    grand = refs.total("total")
    shown = criteria_in_use(run.model.projects, run.scenario)
    for i, k in enumerate(shown):
        r = FIRST_ROW + i
        vi, en = CRITERIA_LABELS[k]
        book.put(ws, r, 1, k)
        book.put(ws, r, 2, run.scenario.weight_labels.get(k) or vi)  # the scenario's label:
        book.put(ws, r, 3, en)
        book.put(ws, r, 4, float(weights.get(k, 0.0)), PERCENT)
        meets = crit[:, CRITERIA.index(k)] > 0
        rng = refs.rng(f"crit:{k}")
        support = float(total[meets].sum())
        book.formula(ws, r, 5, f"COUNTIFS({rng},\">0\",{refs.rng('total')},\">0\")",
                     int((meets & (total > 0)).sum()), COUNT)
        book.formula(ws, r, 6, f"SUMIFS({refs.rng('total')},{rng},\">0\")", support, MONEY)
        book.formula(ws, r, 7, f"IF({grand}>0,F{r}/{grand},0)",
                     support / totals.total if totals.total > 0 else 0.0, PERCENT)
    last = FIRST_ROW + len(shown) - 1
    finish(ws, cols, FIRST_ROW, last, freeze="B")
    _score_bands(book, ws, alloc, refs, totals, last + 3)


def _score_bands(book: Book, ws: Any, alloc: pd.DataFrame, refs: AllocationRefs,
                 totals: Totals, top: int) -> None:
    """Below the criteria: the allocation by priority score band, from row `top`."""
    grand = refs.total("total")
    book.put(ws, top, 1, "PHÂN BỔ THEO NHÓM ĐIỂM ƯU TIÊN", style=SECTION)
    book.put(ws, top + 1, 1, "Allocation by priority score band", style=NOTE)
    band_cols = [Column("band", "Nhóm điểm", "Score band", None, 0),
                 Column("from", "Từ (≥)", "From (≥)", SHARE, 0),
                 Column("to", "Đến (<)", "To (<)", SHARE, 0),
                 *GROUP_COLUMNS[:3], Column("central", "Trung ương (KCQG)", "Central", MONEY),
                 Column("local", "Địa phương (KCĐP)", "Local", MONEY),
                 Column("total", "Tổng hỗ trợ", "Total support", MONEY),
                 Column("share", "Tỷ trọng", "Share of all support", PERCENT)]
    hv, he = top + 2, top + 3
    header_rows(ws, band_cols, hv, he)
    score = alloc["score"].to_numpy(float)
    status = alloc["status"].to_numpy(object)
    cent, loc = alloc["central"].to_numpy(float), alloc["local"].to_numpy(float)
    for i, (lo, hi, label) in enumerate(SCORE_BANDS):
        r = he + 1 + i
        sel = (score >= lo) & (score < hi)
        band = f"{refs.rng('score')},\">=\"&B{r},{refs.rng('score')},\"<\"&C{r}"
        book.put(ws, r, 1, label)
        book.put(ws, r, 2, lo, SHARE)
        book.put(ws, r, 3, hi, SHARE)
        book.formula(ws, r, 4, f"COUNTIFS({band})", int(sel.sum()), COUNT)
        book.formula(ws, r, 5, f"COUNTIFS({band},{refs.rng('status')},\"funded\")",
                     int((sel & (status == "funded")).sum()), COUNT)
        book.formula(ws, r, 6, f"COUNTIFS({band},{refs.rng('status')},\"partial\")",
                     int((sel & (status == "partial")).sum()), COUNT)
        c, lc = float(cent[sel].sum()), float(loc[sel].sum())
        book.formula(ws, r, 7, f"SUMIFS({refs.rng('central')},{band})", c, MONEY)
        book.formula(ws, r, 8, f"SUMIFS({refs.rng('local')},{band})", lc, MONEY)
        book.formula(ws, r, 9, f"G{r}+H{r}", c + lc, MONEY)
        book.formula(ws, r, 10, f"IF({grand}>0,I{r}/{grand},0)",
                     (c + lc) / totals.total if totals.total > 0 else 0.0, PERCENT)


