"""Constraint families that couple columns: budgets, caps, co-financing, totals, targets.

Each builder adds one family with one vectorised call; no Python loop runs per project.
`spend` (x columns × plan years) says how much of a column is paid out in each year; in a
single-period plan it is a column of ones.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.core.errors import Problem
from kcopt.core.words import _
from kcopt.inputs.scenario import Scenario
from kcopt.inputs.targets import Target
from kcopt.model.names import ColId, RowId, plan_year
from kcopt.model.program import INF, RowBlock, group_rows
from kcopt.model.scores import target_selection
from kcopt.rules.rates import FUNDS


def add_budget_constraints(rows: RowBlock, scenario: Scenario, provinces: np.ndarray,
                           col_fund: np.ndarray, spend: sp.csr_matrix,
                           warnings: list[Problem]) -> None:
    """Budgets: what each fund pays out in each plan year stays within its envelope.

    Mathematical formulation::

        budget:central[:y]        Σ_j spend[j,y]·x_j ≤ B_central(y)        over central columns
        budget:local:<prov>[:y]   Σ_j spend[j,y]·x_j ≤ B_prov(y)           over prov's local ones

    The central fund pays anywhere; each province's local money only pays its own projects.
    """
    years = scenario.years
    coo = spend.tocoo()
    j, k, v = coo.row, coo.col, coo.data
    central = col_fund[j] == 0
    periods = spend.shape[1]
    rows.add("budget", [str(RowId.budget("central", year=plan_year(years, y)))
                        for y in range(periods)], -INF,
             [scenario.budget("central", year=years[y] if years else None)
              for y in range(periods)], k[central], j[central], v[central])
    local = ~central
    keys = np.array([f"{p}\x00{y:03d}" for p, y in zip(provinces[j[local]], k[local],
                                                        strict=True)], dtype=object)
    names, codes = group_rows(keys)
    provs = [n.split("\x00")[0] for n in names]
    ks = [int(n.split("\x00")[1]) for n in names]
    known = set(scenario.local_budgets) | set(scenario.local_by_year)
    missing = sorted({p for p in provs if p not in known})
    if missing:
        warnings.append(Problem("scenario", _(
            "{count} province(s) with local projects have no local budget and get no local "
            "money: {provinces}").format(count=len(missing), provinces=", ".join(missing)),
            severity="warning"))
    rhs = [scenario.budget("local", p, years[y] if years else None)
           for p, y in zip(provs, ks, strict=True)]
    rows.add("budget", [str(RowId.budget("local", p, plan_year(years, y)))
                        for p, y in zip(provs, ks, strict=True)],
             -INF, rhs, codes, j[local], v[local])


def _one_row_per_project(chosen: np.ndarray, col_project: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a family with one row per chosen project: the projects, their columns, and the row
    (within the family) of each of those columns."""
    members = np.flatnonzero(chosen)
    pos = np.full(len(chosen), -1)
    pos[members] = np.arange(len(members))
    cols = np.flatnonzero(chosen[col_project])
    return members, cols, pos[col_project[cols]]


def add_cap_constraints(rows: RowBlock, ids: np.ndarray, col_project: np.ndarray,
                        multi: np.ndarray, must: np.ndarray, total_cap: np.ndarray) -> None:
    """Caps for projects with more than one column (two funds, or several start years);
    single-column caps are column bounds.

    Mathematical formulation::

        cap:<id>        Σ_{fund, start} x[p,·] ≤ cap[p]
        must_fund:<id>  Σ_{fund, start} x[p,·] = cap[p]      (instead, for must-fund projects)

    Together the funds never pay a project more than the regulation allows; a must-fund
    project gets exactly its cap, in one row so its price is unique.
    """
    both, cols, row_of = _one_row_per_project(multi, col_project)
    if not len(both):
        return
    is_must = must[both]
    names = [str(RowId.bound(ids[p], m))
             for p, m in zip(both, is_must, strict=True)]
    rows.add(np.where(is_must, "must_fund", "cap").tolist(), names,
             np.where(is_must, total_cap[both], -INF), total_cap[both],
             row_of, cols, np.ones(len(cols)))


def add_cofinancing_constraints(rows: RowBlock, ids: np.ndarray, col_project: np.ndarray,
                                col_fund: np.ndarray, two: np.ndarray, m: float) -> None:
    """Co-financing: the local share of a jointly paid project's support is at least `m`.

    Mathematical formulation::

        match:<id>   (1 − m)·Σ x[p,local] − m·Σ x[p,central] ≥ 0
    """
    if m <= 0:
        return
    both, cols, row_of = _one_row_per_project(two, col_project)
    if not len(both):
        return
    vals = np.where(col_fund[cols] == 1, 1.0 - m, -m)
    rows.add("match", [str(RowId.of_project("match", ids[p])) for p in both], 0.0, INF,
             row_of, cols, vals)


def scope_coefficients(fund: str, year: int | None, years: tuple[int, ...],
                       col_fund: np.ndarray, spend: sp.csc_matrix) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    """Columns in a fund scope and their weight: 1 over the whole plan, or a year's share."""
    cols = np.arange(len(col_fund)) if fund == "all" else np.flatnonzero(
        col_fund == FUNDS.index(fund))
    if year is None:
        return cols, np.ones(len(cols))
    k = years.index(year)
    weight = np.asarray(spend[:, k].todense()).ravel()[cols]
    keep = weight > 0
    return cols[keep], weight[keep]


def scope_budget(scenario: Scenario, fund: str, year: int | None) -> float:
    """The budget of a fund scope: the central budget, every province's local budget, or both;
    over the whole plan, or one plan year."""
    years: list[int | None] = [year] if year is not None else (list(scenario.years) or [None])
    provinces = sorted(set(scenario.local_budgets) | set(scenario.local_by_year))
    total = 0.0
    for y in years:
        if fund in ("all", "central"):
            total += scenario.budget("central", year=y)
        if fund in ("all", "local"):
            total += sum(scenario.budget("local", p, y) for p in provinces)
    return float(total)


def scope_name(fund: str, year: int | None) -> str:
    """The name of a fund scope's total: its auxiliary column T and the row defining it."""
    return str(ColId.total(fund, year))


def add_total_definitions(rows: RowBlock, scopes: list[tuple[str, int | None]],
                          aux_index: dict[tuple[str, int | None], int], years: tuple[int, ...],
                          col_fund: np.ndarray, spend: sp.csc_matrix) -> None:
    """Auxiliary totals T = Σ x over a fund scope (and year), so share targets stay sparse.

    Mathematical formulation::

        total:<fund>[:y]   Σ_{j in scope} w_j·x_j − T = 0
    """
    for fund, year in scopes:
        cols, w = scope_coefficients(fund, year, years, col_fund, spend)
        rows.add("total", [scope_name(fund, year)], 0.0, 0.0, np.zeros(len(cols) + 1),
                 np.append(cols, aux_index[(fund, year)]), np.append(w, -1.0))


def add_target_constraints(rows: RowBlock, scenario: Scenario, frame: pd.DataFrame,
                           col_project: np.ndarray, col_fund: np.ndarray, spend: sp.csc_matrix,
                           aux_index: dict[tuple[str, int | None], int]) -> None:
    """Policy targets as shares of the fund scope's total T (or as amounts).

    Mathematical formulation::

        share_min / region_min   Σ_p s_p·x_p − share·T ≥ 0      (or Σ s_p·x_p ≥ amount)
        share_max                Σ_p s_p·x_p − share·T ≤ 0      (or ≤ amount)
        province_max:<prov>      Σ_{p in prov} x_p − share·T ≤ 0, one row per province

    `s_p` is how much project p counts (its flag, 0–1); T is one auxiliary column, so a share
    target costs one sparse row, not a dense one. A target with a `year` counts that year's
    spending only. With `share_of: budget` the share is of the scope's budget B, a constant:
    `Σ_p s_p·x_p ≥ share·B` — met only by spending, never by allocating less.
    """
    years = scenario.years
    for t in scenario.targets:
        if t.is_count:  # count targets: kcopt.model.counts
            continue
        cols, w = scope_coefficients(t.fund, t.year, years, col_fund, spend)
        t_col = aux_index.get((t.fund, t.year))
        if t.share is not None and t.share_of == "budget":
            t = replace(t, amount=t.share * scope_budget(scenario, t.fund, t.year), share=None)
        if t.kind == "province_max":
            _add_province_max(rows, t, frame, col_project, cols, w, t_col)
            continue
        sel = target_selection(frame, t)[col_project[cols]] * w
        keep = sel > 0
        c, v = cols[keep], sel[keep]
        if t.share is not None:
            assert t_col is not None
            c, v = np.append(c, t_col), np.append(v, -t.share)
            bound = 0.0
        else:
            bound = float(t.amount or 0.0)
        lower, upper = (bound, INF) if t.kind in ("share_min", "region_min") else (-INF, bound)
        rows.add("target", [str(RowId.of_target(t.name))], lower, upper, np.zeros(len(c)), c, v)


def _add_province_max(rows: RowBlock, t: Target, frame: pd.DataFrame, col_project: np.ndarray,
                      cols: np.ndarray, w: np.ndarray, t_col: int | None) -> None:
    """A province_max target: a row per province (or its one province), Σ_{p in prov} x_p
    at most share·T (or the amount)."""
    provs = frame["province"].to_numpy()[col_project[cols]]
    names = [t.province] if t.province else sorted(set(provs))
    pos = {p: i for i, p in enumerate(names)}
    sel = target_selection(frame, t)[col_project[cols]]  # of / category / region
    keep = np.array([p in pos for p in provs], dtype=bool) & (sel > 0)
    r = np.array([pos[p] for p in provs[keep]], dtype=np.int64)
    c, v = cols[keep], (w * sel)[keep]
    if t.share is not None:
        assert t_col is not None
        r = np.append(r, np.arange(len(names)))
        c = np.append(c, np.full(len(names), t_col))
        v = np.append(v, np.full(len(names), -t.share))
        upper = 0.0
    else:
        upper = float(t.amount or 0.0)
    rows.add("target", [str(RowId.of_target(t.name, p)) for p in names], -INF, upper, r, c, v)
