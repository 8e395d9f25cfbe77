"""The reserve list's words: why a project waits, and who is first in line per fund
(`kcopt.analysis.reserve` walks the funds; this says what the walk found)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kcopt.core.words import _, fund_name, num

TOL = 1e-6  # million VND: one đồng


def _fund_words(fund: str, province: str | None) -> str:
    if fund == "central":
        return _("the central budget (KCQG)")
    return _("the local budget (KCĐP) of {province}").format(province=province)


def reason(fund: str, province: str | None, rank: int, e: Any, entries: list[Any],
            allocated: float, missing: float) -> str:
    """Why the project waits, in words."""
    money = _fund_words(fund, province)
    if e.paid_from and e.paid_from != fund:
        return _("waits for {fund} to grow by {extra} million: that money frees {other} funds "
                 "for it").format(fund=money, extra=num(e.enters), other=fund_name(e.paid_from))
    if np.isfinite(e.funded) and e.funded - e.enters > missing + TOL:
        return _("gets part of each extra million of {fund} alongside other projects (a target "
                 "or co-financing rule ties them): funded in full when it grows by {full} "
                 "million").format(fund=money, full=num(e.funded))
    if allocated > TOL and e.enters <= TOL:
        return _("partly funded: {fund} is used up; {missing} million more of it funds this "
                 "project in full").format(fund=money, missing=num(missing))
    ahead = sum(1 for o in entries if o.enters < e.enters - TOL)
    return _("lower priority per million VND than the {count} project(s) ahead of it: waits "
             "for {fund} to grow by {extra} million").format(count=ahead, fund=money,
                                                          extra=num(e.enters))


def first_in_line(reserve: pd.DataFrame) -> list[tuple[str, str]]:
    """Per fund, who is first in line: (fund in words, project id)."""
    out: list[tuple[str, str]] = []
    if reserve.empty:
        return out
    for key, g in reserve.groupby(["fund", "fund_province", "year"], sort=False, dropna=False):
        fund, province, year = (str(v) if v == v and v is not None else "" for v in key)
        label = " ".join(part for part in (fund_name(fund), province,
                                           year.removesuffix(".0")) if part)
        out.append((label, str(g.sort_values("rank")["project_id"].iat[0])))
    return out
