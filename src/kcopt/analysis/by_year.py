"""Plans over years: each project's support per plan year, and each year's budgets and money
paid out (allocation_by_year.csv and the per-year lines of the report)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kcopt.solvers.solve import Result


def plan_budget(sc, fund: str, province: str | None = None) -> float:
    """A fund's budget over the whole plan (the one period, or every plan year)."""
    if not sc.years:
        return sc.budget(fund, province if fund == "local" else None)
    return float(sum(sc.budget(fund, province, y) for y in sc.years))


def allocation_by_year(result: Result, digits: int | None = 4) -> pd.DataFrame:
    """Support paid out per project, fund and plan year (multi-year plans), non-zero rows."""
    model = result.model
    if not model.years or result.x is None or model.spend is None:
        return pd.DataFrame(columns=["project_id", "year", "central", "local", "total"])
    xs = model.x_columns
    paid = model.spend.multiply(result.x[xs][:, None]).tocoo()  # x columns × years
    proj = model.col_project[xs][paid.row]
    fund = model.col_fund[xs][paid.row]
    frame = pd.DataFrame({"p": proj, "year": np.array(model.years)[paid.col],
                          "fund": np.where(fund == 0, "central", "local"), "v": paid.data})
    table = frame.pivot_table(index=["p", "year"], columns="fund", values="v", aggfunc="sum",
                              fill_value=0.0).reset_index()
    for f in ("central", "local"):
        if f not in table:
            table[f] = 0.0
    table["total"] = table["central"] + table["local"]
    table = table[table["total"] > 1e-6]
    ids = model.projects["project_id"].to_numpy()
    out = pd.DataFrame({"project_id": ids[table["p"].to_numpy()],
                        "province": model.projects["province"].to_numpy()[table["p"].to_numpy()],
                        "year": table["year"].to_numpy(),
                        "central": table["central"].to_numpy(),
                        "local": table["local"].to_numpy(),
                        "total": table["total"].to_numpy()})
    if digits is not None:
        out[["central", "local", "total"]] = out[["central", "local", "total"]].round(digits)
    return out.reset_index(drop=True)


def by_year_table(result: Result) -> pd.DataFrame:
    """Per plan year: budgets and what is paid out from each fund."""
    sc = result.model.scenario
    per = allocation_by_year(result, digits=None).groupby("year")[
        ["central", "local", "total"]].sum()
    provinces = sorted(set(sc.local_budgets) | set(sc.local_by_year))
    return pd.DataFrame([{
        "year": y,
        "central_budget": sc.budget("central", year=y),
        "central": float(per["central"].get(y, 0.0)),
        "local_budget": float(sum(sc.budget("local", p, y) for p in provinces)),
        "local": float(per["local"].get(y, 0.0)),
        "total": float(per["total"].get(y, 0.0)),
    } for y in sc.years])
