"""The allocation sheet of `allocation.xlsx` ('Phân bổ'): a row per project with its allocation
and the inputs it was planned from, so that the sheet is itself a valid project list.

Read back (`kcopt validate allocation.xlsx`, or named as a scenario's `projects:`) it gives the
plan's projects with their inputs: the identity columns (Mã đề án, Tên đề án, Tỉnh/Thành phố,
Nội dung — the content type by its Vietnamese name — and Cấp) and, after "Lý do", the inputs:
Tổng kinh phí, Kinh phí đề nghị hỗ trợ, Nguồn vốn, Số cơ sở, and each fact of `facts.FACTS`
(former province, flags, criteria, must-fund, fixed amount, years, …) that a project has, under
the headers the annex writes them under (`facts.cell_value`), so the two documents say the same.
The headers of the results (score, cap, central, local, total, share of the cap, status, reason,
the criteria behind the score) are no column of the contract (data/columns.yaml), so they come
back as extra columns and never change the plan; the total row reads as a subtotal.

Printed: the columns from "Mã đề án" to "Lý do"; the inputs to the right are there to be read
back, as the annex's facts are (A4 landscape, one page wide, the headings on every page).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kcopt.core.vocabulary import CRITERIA, CRITERIA_LABELS, LEVEL_VI, STATUS_VI
from kcopt.present.workbook.base import (
    FIRST_ROW,
    MONEY,
    PERCENT,
    SCORE,
    AllocationRefs,
    BlockColumn,
    Book,
    Column,
    Link,
    column_letter,
    finish,
    heading,
    quote_sheetname,
    total_style,
)
from kcopt.present.workbook.facts import (
    DEFAULTS,
    FACTS,
    WORDS,
    blank,
    cell_value,
    column_cells,
)
from kcopt.present.workbook.formats import PROJECTS, SHARE
from kcopt.present.workbook.sheets import totals_of
from kcopt.present.workbook.stream_xml import Cells

if TYPE_CHECKING:
    from kcopt.pipeline import Run

# inputs of the project list the annex's facts leave out: column → (header the reader maps
# back, English beneath); the facts follow under their annex headers (`facts.FACTS`)
INPUTS = {"total_cost": ("Tổng kinh phí", "Total cost"),
          "requested": (FACTS["requested"], "Support requested"),
          "funds": ("Nguồn vốn", "Funds"),
          "establishments": ("Số cơ sở", "Establishments"),
          "infra_investment": ("Tổng mức đầu tư", "Infrastructure investment"),
          "other_state_support": ("Hỗ trợ từ chương trình khác", "Other state support"),
          "counterpart": ("Vốn đối ứng", "Counterpart funds"),
          "exclude": ("Loại trừ", "Excluded")}
ENGLISH = {"old_province": "Former province", "disadvantaged_area": "Disadvantaged area",
           "women_or_ethnic_owned": "Women- or ethnic-minority-owned",
           "appraisal": "Appraisal score", "green": "Cleaner production",
           "circular": "Circular economy", "digital": "Digital transformation",
           "sector": "Sector", "typical_product": "Typical product", "vote_level": "Vote level",
           "must_fund": "Must fund", "fixed_amount": "Fixed amount",
           "min_fraction": "Minimum fraction", "all_or_nothing": "All or nothing",
           "year": "Year", "latest_year": "Latest start year",
           "profile": "Disbursement profile", "requires": "Requires",
           "group": "Exclusive group"}
ALWAYS = ("total_cost", "requested", "funds", "establishments")
AMOUNTS = {"total_cost", "requested", "infra_investment", "other_state_support", "counterpart",
           "fixed_amount"}
# the words a planner writes for the funds a project may be paid from (core/vocabulary.py)
FUND_WORDS = {"central": "KCQG", "local": "KCĐP", "both": "Cả hai"}
# the allocation's own columns (the rest of run.allocation: the input's extra columns)
SHOWN = {"project_id", "name", "province", "region", "category", "level", "score", "cap",
         "central", "local", "total", "fraction", "status", "reason"}


def input_keys(frame: pd.DataFrame) -> list[str]:
    """The inputs worth a column for these projects: always the cost, the support asked for,
    the funds and the establishments; any other only when a project holds a value other than
    the one the reader gives a missing column."""
    keys = [*INPUTS, *(k for k in FACTS if k not in INPUTS and k != "level")]
    defaults = {**DEFAULTS, "exclude": 0.0}
    out = []
    for key in keys:
        if key not in frame:
            continue
        if key in ALWAYS or _holds_value(frame[key], defaults.get(key)):
            out.append(key)
    return out


def _holds_value(column: pd.Series, default: Any) -> bool:
    """Some cell of `column` holds a value (not blank) other than `default`."""
    if column.dtype.kind in "fiu" and (default is None or isinstance(default, float)):
        a = column.to_numpy(float, na_value=np.nan)
        return bool((~np.isnan(a) & (a != default if default is not None else True)).any())
    return any(not blank(v) and v != default for v in _distinct(column.tolist()))


def _distinct(values: list[Any]) -> Sequence[Any]:
    """Each value once (by its kind and value: 1 and 1.0 apart), in order; all of them if one
    cannot be hashed."""
    try:
        return [v for _kind, v in dict.fromkeys(zip(map(type, values), values, strict=True))]
    except TypeError:
        return values


def _allocation_columns(run: Run, inputs: list[str]) -> list[Column]:
    cols = [
        Column("project_id", "Mã đề án", "Project ID", None, 12),
        Column("name", "Tên đề án", "Project name", None, 44),
        Column("province", "Tỉnh/Thành phố", "Province", None, 22),
        Column("region", "Vùng", "Region", None, 7),
        Column("category", "Mã nội dung", "Content type code", None, 22),
        Column("category_vi", "Nội dung", "Content type", None, 36),
        Column("level", "Cấp", "Level", None, 11),
        Column("score", "Điểm ưu tiên", "Priority score", SCORE, 10),
        Column("cap", "Mức hỗ trợ tối đa", "Support cap", MONEY, 13),
        Column("central", "Trung ương (KCQG)", "Central fund", MONEY, 13),
        Column("local", "Địa phương (KCĐP)", "Local fund", MONEY, 13),
        Column("total", "Tổng hỗ trợ", "Total support", MONEY, 13),
        Column("fraction", "Tỷ lệ so với mức tối đa", "Share of cap", PERCENT, 11),
        Column("status", "Trạng thái", "Status", None, 11),
        Column("status_vi", "Tình trạng", "Status (Vietnamese)", None, 18),
        Column("reason", "Lý do", "Reason", None, 70),
    ]
    for key in inputs:
        vi, en = INPUTS.get(key) or (FACTS[key], ENGLISH.get(key, key))
        cols.append(Column(f"in:{key}", vi, en, MONEY if key in AMOUNTS else None, 13))
    # the criteria as the score counts them (0–1), under headers that are no input column
    # start-up: scipy only when this runs
    from kcopt.model.scores import criteria_in_use

    shown = criteria_in_use(run.model.projects, run.scenario)
    cols += [Column(f"crit:{k}", f"{vi} (tiêu chí, 0–1)", f"{en} (criterion, 0–1)", SHARE, 11)
             for k, (vi, en) in CRITERIA_LABELS.items() if k in shown]
    assert run.allocation is not None
    cols += [Column(f"extra:{c}", str(c), str(c), None, 16) for c in run.allocation.columns
             if c not in SHOWN]
    return cols


def allocation_sheet(book: Book, run: Run, link: Link | None) -> AllocationRefs:
    """The allocation sheet, a row per project: its values, its total and funded share as
    formulas (its funds too, when they link to the planner's own annex), its inputs, and the
    total row."""
    # start-up: scipy only when this runs
    from kcopt.model import criteria_matrix

    assert run.allocation is not None
    alloc = run.allocation
    frame = run.model.projects
    if not frame["project_id"].astype(str).equals(alloc["project_id"].astype(str)):
        frame = frame.set_index("project_id", drop=False).loc[alloc["project_id"]]
    ws = book.sheet("allocation")
    cols = _allocation_columns(run, input_keys(frame))
    heading(ws, run, "PHÂN BỔ KINH PHÍ KHUYẾN CÔNG", "Allocation of industrial-promotion funds",
            cols)
    first, last = FIRST_ROW, FIRST_ROW + max(len(alloc), 1) - 1
    letters = {c.key: column_letter(j) for j, c in enumerate(cols, 1)}
    criteria = criteria_matrix(run.model.projects, run.scenario)
    rules = run.model.rules.rules
    computed = _computed_columns(alloc, letters, link, first)

    def block() -> Iterator[BlockColumn]:  # made as the book takes them (one column's
        for j, col in enumerate(cols, 1):  # Python strings at a time: issue 28)
            values: Cells
            if col.key in computed:
                values, template = computed[col.key]
            elif col.key.startswith("in:"):
                values, template = _input_values(col.key[3:], frame), None
            else:
                values, template = _allocation_values(col.key, alloc, rules, criteria), None
            yield BlockColumn(j, values, col.fmt, template)
            del values  # taken: not held while the next column is made

    book.block(ws, first, block())
    _allocation_totals(book, ws, cols, alloc, first, last, letters)
    finish(ws, cols, first, last, freeze="C",
           print_cols=[c.key for c in cols].index("reason") + 1)
    return AllocationRefs(ws.title, first, last, last + 1, letters)


def _input_values(key: str, frame: pd.DataFrame) -> Cells:
    """An input column's cells, in the words the reader takes back."""
    if key == "funds":
        return [FUND_WORDS.get(str(v)) if not blank(v) else None for v in frame[key].tolist()]
    if frame[key].dtype.kind in "fiu" and key not in WORDS:  # numbers, NaN a blank cell
        return frame[key].to_numpy(float, na_value=np.nan)
    values = frame[key].tolist()
    try:  # each distinct value (by its kind and value) worded once
        said = {(type(v), v): cell_value(key, v) for v in _distinct(values)}
        return [said[(type(v), v)] for v in values]
    except TypeError:  # a value that cannot be hashed
        return [cell_value(key, v) for v in values]
def _computed_columns(alloc: pd.DataFrame, L: dict[str, str], link: Link | None,
                      first: int) -> dict[str, tuple[np.ndarray, Any]]:
    """The allocation columns written as formulas: key → (values, row → formula)."""
    n = len(alloc)
    cap, central, local = (alloc[k].to_numpy(float) for k in ("cap", "central", "local"))
    total = central + local
    fraction = np.divide(total, cap, out=np.zeros(n), where=cap > 0)
    linked = link.rows if link is not None else {}

    def from_planner(fund: str) -> Any:
        assert link is not None
        src = link.central if fund == "central" else link.local
        sheet = quote_sheetname(link.sheet)
        row_of = {first + i: r for i, r in linked.items()}
        return lambda r: f"{sheet}!${src}${row_of[r]}" if r in row_of else None

    lc, ll, lcap, lt = L["central"], L["local"], L["cap"], L["total"]

    def total_formula(r: int) -> str:
        return f"{lc}{r}+{ll}{r}"

    def fraction_formula(r: int) -> str:
        return f"IF({lcap}{r}>0,{lt}{r}/{lcap}{r},0)"

    return {"total": (total, total_formula), "fraction": (fraction, fraction_formula),
            "central": (central, from_planner("central") if linked else None),
            "local": (local, from_planner("local") if linked else None)}


def _allocation_values(key: str, alloc: pd.DataFrame, rules: dict[str, Any],
                       criteria: np.ndarray) -> Cells:
    """The cells of an allocation column that holds values, not formulas."""
    if key == "category_vi":
        names = {c: rules[c].name_vi for c in set(alloc["category"].tolist())}
        return [names[c] for c in alloc["category"].tolist()]
    if key == "level":
        return [LEVEL_VI.get(str(v), v) for v in alloc["level"].tolist()]
    if key == "status_vi":
        return [STATUS_VI.get(str(v), v) for v in alloc["status"].tolist()]
    if key.startswith("crit:"):
        return criteria[:, CRITERIA.index(key[5:])].astype(float)
    column = alloc[key[6:] if key.startswith("extra:") else key]
    if column.dtype.kind == "f":
        return column.to_numpy(float, na_value=np.nan)
    return column_cells(column)


def _allocation_totals(book: Book, ws: Any, cols: Sequence[Column], alloc: pd.DataFrame,
                       first: int, last: int, L: dict[str, str]) -> None:
    """The total row: projects counted, money summed (SUBTOTAL, so filters count) and the
    share of the caps funded."""
    totals = totals_of(alloc)
    total_row = last + 1
    book.put(ws, total_row, 1, "Tổng cộng / Total")
    book.formula(ws, total_row, 2, f"SUBTOTAL(3,A{first}:A{last})", len(alloc),
                 PROJECTS)
    sums = {"cap": totals.cap, "central": totals.central, "local": totals.local,
            "total": totals.total}
    for key, value in sums.items():
        c = L[key]
        book.formula(ws, total_row, cols.index(_col(cols, key)) + 1,
                     f"SUBTOTAL(9,{c}{first}:{c}{last})", value, MONEY)
    book.formula(ws, total_row, cols.index(_col(cols, "fraction")) + 1,
                 f"IF({L['cap']}{total_row}>0,{L['total']}{total_row}/{L['cap']}{total_row},0)",
                 totals.total / totals.cap if totals.cap > 0 else 0.0, PERCENT)
    total_style(ws, total_row, len(cols))


def _col(cols: Sequence[Column], key: str) -> Column:
    return next(c for c in cols if c.key == key)


