"""Rows that state only the support, not the project's total cost (a budget estimate by content
line, a national list with an empty "Tổng kinh phí").

kcopt's cap is min(request, rate × total cost, ceiling), so a total cost is needed. Such a row's
total cost is its support plus its counterpart funds when the row gives them, else the support
divided by the support rate in force for its content type, fund and province (the national
level, or the province's resolution for local funds), rounded up to the đồng: the rate then
allows exactly the support stated, and the request and the ceiling (per establishment × count)
are the caps that remain. A content type without a rate counts its support as its whole cost.
Each row so read is a warning naming the row, the rate and the total cost assumed
(docs/contract.md §9).
"""

from __future__ import annotations

import math

import pandas as pd

from kcopt.core.errors import Problem
from kcopt.core.geo import load_geography
from kcopt.core.parse import parse_number_text
from kcopt.core.text import fold
from kcopt.core.vocabulary import LEVELS
from kcopt.core.words import _, num, pct
from kcopt.io.formlayout import fund_of, match_section
from kcopt.io.formstate import FormState, add_column
from kcopt.rules.rates import load_rules


def costs_from_support(st: FormState, frame: pd.DataFrame, file_rows: list[int]
                       ) -> pd.DataFrame:
    """`frame` with the total cost of every row that states only its support filled in."""
    req = st.canon.get("requested", "requested" if "requested" in frame else None)
    if req is None or req not in frame:
        return frame
    cost_col = st.canon.get("total_cost")
    costs = frame[cost_col].astype(str).str.strip().tolist() if cost_col else [""] * len(frame)
    if all(costs):
        return frame
    part = st.canon.get("counterpart")
    scale = st.form.scale or 1.0
    step = 1e-6 / scale  # one đồng in the sheet's unit
    out = list(costs)
    said = len(st.warnings)
    for k, given in enumerate(costs):
        support = parse_number_text(str(frame[req].iat[k]))
        if given or support is None or support <= 0:
            continue
        counterpart = parse_number_text(str(frame[part].iat[k])) if part else None
        if counterpart is not None and counterpart >= 0:
            total = support + counterpart
            st.warn(_("the row states no total cost: read as the support plus the counterpart "
                      "funds, {total}").format(total=num(total, 2)), file_rows[k])
        elif (rate := _rate(st, frame, k)) is None:
            total = support
            st.warn(_("the row states only its support ({support}), not the project's total "
                      "cost, and its content type has no support rate: the total cost is taken "
                      "as the support").format(support=num(support, 2)), file_rows[k])
        else:
            total = math.ceil(support / rate / step - 1e-6) * step
            st.warn(_("the row states only its support ({support}), not the project's total "
                      "cost: the total cost is taken as the support divided by the support "
                      "rate {rate}, {total}; add a 'Tổng kinh phí' column to give it").format(
                          support=num(support, 2), rate=pct(rate, 0), total=num(total, 2)),
                    file_rows[k])
        out[k] = repr(round(total)) if abs(total - round(total)) < 1e-9 else \
            repr(round(total, 9))
    kept: dict[str, Problem] = {}  # a line read as several projects is said once
    for w in st.warnings[said:]:
        kept.setdefault(str(w), w)
    st.warnings[said:] = list(kept.values())
    if cost_col:
        frame = frame.copy()
        frame[cost_col] = out
        return frame
    st.canon["total_cost"] = "total_cost"
    return add_column(frame, "total_cost", out)


def _rate(st: FormState, frame: pd.DataFrame, k: int) -> float | None:
    """The support rate in force for row `k`'s content type, fund and province (None when
    the rule set has none)."""
    rules = load_rules()

    def cell(code: str) -> str:
        col = st.canon.get(code, code)
        return str(frame[col].iat[k]).strip() if col in frame else ""

    text = cell("category")
    category = rules.category_index().get(fold(text)) or match_section(text)
    level = LEVELS.get(fold(cell("level"))) or fund_of(cell("level")) or st.form.level or "local"
    province = load_geography().resolve(cell("province")).name
    if category is None or category not in rules.rules:
        return None
    found = rules.level(category, level, province)
    rate = found.level.rate if found is not None else None
    return float(rate) if rate else None
