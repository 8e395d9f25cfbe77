"""Count targets: how many projects of a group are funded (`count_min`, `count_max`).

A programme's targets are counts ("340 technical demonstration models"), not shares. A project
*counts* toward a `count_min` target when it is funded at least at its minimum share f·cap:
f is its `min_fraction` (the project list's, else the scenario's `min_fraction:`), or 1 — its
whole cap — when it has none, the same minimum a `requires` row asks of the project needed.
Toward a `count_max` target every project with any support counts, so "at most N" cannot be
met by funding an (N+1)-th project a little. A target with `year:` counts the projects that
start in that plan year; without it, over the whole plan.

Counting needs a binary per counted project, `counted:<id>[:<year>]`, so a scenario with a
count target is solved as a MIP (`--lp` solves its relaxation and says so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kcopt.core.errors import Problem
from kcopt.core.words import _
from kcopt.inputs.scenario import Scenario
from kcopt.inputs.targets import Target
from kcopt.model.names import ColId, RowId
from kcopt.model.program import INF, ColumnBlock, Model, RowBlock
from kcopt.model.scores import target_selection

TOL = 1e-6  # relative: a project at f·cap within solver tolerance counts


@dataclass
class CountPlan:
    """The counted columns: one per (project, start-year index or None for the whole plan)
    some count target may count, and which linking rows each needs."""

    projects: np.ndarray  # project row per counted column
    periods: np.ndarray  # start-year index per counted column, -1: over the whole plan
    floor: np.ndarray  # bool: some count_min target counts it (count_floor row)
    link: np.ndarray  # bool: some count_max target counts it (count_link row)
    index: np.ndarray  # the counted columns' indices in the program
    members: dict[str, np.ndarray]  # target name → positions of its counted columns


def count_targets(scenario: Scenario) -> list[Target]:
    return [t for t in scenario.targets if t.is_count]


def count_share(frame: pd.DataFrame) -> np.ndarray:
    """f per project: the share of its cap at which it counts (its min_fraction, else 1)."""
    f = frame["min_fraction"].fillna(0).to_numpy(float) if "min_fraction" in frame else \
        np.zeros(len(frame))
    return np.where(f > 0, f, 1.0)


def eligible_for(t: Target, frame: pd.DataFrame, years: tuple[int, ...],
                 x_project: np.ndarray, x_start: np.ndarray) -> np.ndarray:
    """The projects target `t` may count: of its group, with a support column (eligible,
    not excluded) — starting in the target's year when it has one."""
    has = np.zeros(len(frame), dtype=bool)
    cols = x_start == years.index(t.year) if t.year is not None else np.ones(len(x_project),
                                                                             dtype=bool)
    has[x_project[cols]] = True
    return has & (target_selection(frame, t) > 0)


def add_count_columns(cols: ColumnBlock, scenario: Scenario, frame: pd.DataFrame,
                      ids: np.ndarray, x_project: np.ndarray, x_start: np.ndarray) -> CountPlan:
    """A binary counted:<id>[:<year>] per project (and year) some count target may count."""
    years = scenario.years
    keys: dict[tuple[int, int], int] = {}
    floor: list[bool] = []
    link: list[bool] = []
    members: dict[str, np.ndarray] = {}
    for t in count_targets(scenario):
        period = years.index(t.year) if t.year is not None else -1
        own = []
        for p in np.flatnonzero(eligible_for(t, frame, years, x_project, x_start)):
            k = keys.setdefault((int(p), period), len(keys))
            if k == len(floor):
                floor.append(False)
                link.append(False)
            floor[k] |= t.kind == "count_min"
            link[k] |= t.kind == "count_max"
            own.append(k)
        members[t.name] = np.array(own, dtype=np.int64)
    projects = np.array([p for p, _s in keys], dtype=np.int64)
    periods = np.array([s for _p, s in keys], dtype=np.int64)
    index = cols.add([str(ColId.counted(ids[p], years[s] if s >= 0 else None))
                      for p, s in keys], 0.0, 1.0, integer=True, project=projects)
    return CountPlan(projects, periods, np.array(floor, dtype=bool), np.array(link, dtype=bool),
                     index, members)


def _key_of_column(plan: CountPlan, x_project: np.ndarray, x_start: np.ndarray,
                   n_projects: int, periods: int) -> tuple[np.ndarray, np.ndarray]:
    """(support column, counted column position) pairs: a column serves the whole-plan key of
    its project and the key of its own start year."""
    whole = np.full(n_projects, -1)
    by_year = np.full((n_projects, max(periods, 1)), -1)
    all_plan = plan.periods < 0
    whole[plan.projects[all_plan]] = np.flatnonzero(all_plan)
    by_year[plan.projects[~all_plan], plan.periods[~all_plan]] = np.flatnonzero(~all_plan)
    j = np.arange(len(x_project))
    k1, k2 = whole[x_project], by_year[x_project, x_start]
    cols = np.concatenate([j[k1 >= 0], j[k2 >= 0]])
    keys = np.concatenate([k1[k1 >= 0], k2[k2 >= 0]])
    return cols, keys


def add_count_constraints(rows: RowBlock, plan: CountPlan, scenario: Scenario,
                          frame: pd.DataFrame, ids: np.ndarray, x_index: np.ndarray,
                          x_project: np.ndarray, x_start: np.ndarray,
                          total_cap: np.ndarray) -> None:
    """Count targets, with y[p] = Σ x[p,·] (over the columns starting in the target's year,
    for a target of one year) and c[p] ∈ {0, 1} the counted column.

    Mathematical formulation::

        count_floor:<id>[:y]   y[p] − f[p]·cap[p]·c[p] ≥ 0      (p in a count_min group)
        count_link:<id>[:y]    y[p] − cap[p]·c[p] ≤ 0           (p in a count_max group)
        <target>  (count_min)  Σ_{p in group} c[p] ≥ N
        <target>  (count_max)  Σ_{p in group} c[p] ≤ N

    f[p] is the project's minimum share (its min_fraction, else 1): c[p] = 1 only when p is
    funded at least at f[p]·cap[p], so at least N projects are; a project with any support has
    c[p] = 1 under count_max, so at most N get support. cap[p] is the big-M: no project is
    paid above it.
    """
    if not len(plan.index):
        for t in count_targets(scenario):
            _add_target_row(rows, t, np.zeros(0, dtype=np.int64))
        return
    f = count_share(frame)[plan.projects]
    cap = total_cap[plan.projects]
    xc, key = _key_of_column(plan, x_project, x_start, len(frame), max(1, len(scenario.years)))
    for family, chosen, lower, upper, coef in (("count_floor", plan.floor, 0.0, INF, f * cap),
                                               ("count_link", plan.link, -INF, 0.0, cap)):
        members = np.flatnonzero(chosen)
        if not len(members):
            continue
        pos = np.full(len(chosen), -1)
        pos[members] = np.arange(len(members))
        mine = pos[key] >= 0
        rows.add(family, [str(RowId.of_project(family, ids[plan.projects[k]],
                                               _year(scenario, plan.periods[k])))
                          for k in members], lower, upper,
                 np.concatenate([pos[key[mine]], np.arange(len(members))]),
                 np.concatenate([x_index[xc[mine]], plan.index[members]]),
                 np.concatenate([np.ones(int(mine.sum())), -coef[members]]))
    for t in count_targets(scenario):
        _add_target_row(rows, t, plan.index[plan.members[t.name]])


def _year(scenario: Scenario, period: int) -> int | None:
    return scenario.years[period] if period >= 0 else None


def _add_target_row(rows: RowBlock, t: Target, counted: np.ndarray) -> None:
    n = float(t.count or 0)
    lower, upper = (n, INF) if t.kind == "count_min" else (-INF, n)
    rows.add("target", [str(RowId.of_target(t.name))], lower, upper,
             np.zeros(len(counted), dtype=np.int64), counted, np.ones(len(counted)))


def count_warning(scenario: Scenario, use_mip: bool) -> list[Problem]:
    """Count targets solved as an LP relaxation count fractions of projects: said."""
    if use_mip or not count_targets(scenario):
        return []
    return [Problem("scenario", _(
        "count targets need integer decisions; solving the LP relaxation counts fractions of "
        "projects, so the counts reported may not be met"), severity="warning")]


@dataclass(frozen=True)
class CountOutcome:
    """A count target as the allocation meets it: the projects it may count, and how many
    the allocation funds (at least at their minimum share; with any support for count_max)."""

    target: Target
    possible: int
    achieved: int

    @property
    def met(self) -> bool:
        n = self.target.count or 0
        return self.achieved >= n if self.target.kind == "count_min" else self.achieved <= n


def count_outcomes(scenario: Scenario, frame: pd.DataFrame, x: np.ndarray,
                   col_project: np.ndarray, col_fund: np.ndarray, col_start: np.ndarray | None,
                   total_cap: np.ndarray) -> list[CountOutcome]:
    """Every count target counted on the allocation itself (the support columns), not on the
    counted columns: the post-solve check of the count."""
    xs = np.flatnonzero((col_project >= 0) & (col_fund >= 0))
    proj = col_project[xs]
    start = col_start[xs] if col_start is not None else np.zeros(len(xs), dtype=np.int64)
    f = count_share(frame)
    out = []
    for t in count_targets(scenario):
        cols = start == scenario.years.index(t.year) if t.year is not None else \
            np.ones(len(xs), dtype=bool)
        y = np.bincount(proj[cols], weights=x[xs[cols]], minlength=len(frame))
        group = eligible_for(t, frame, scenario.years, proj, start)
        need = f * total_cap * (1 - TOL) if t.kind == "count_min" else \
            np.maximum(TOL * total_cap, TOL)
        out.append(CountOutcome(t, int(group.sum()), int((group & (y >= need)).sum())))
    return out


def model_outcomes(model: Model, x: np.ndarray) -> list[CountOutcome]:
    """`count_outcomes` of a built model's allocation `x`."""
    return count_outcomes(model.scenario, model.projects, x, model.col_project, model.col_fund,
                          model.col_start, np.nan_to_num(model.caps.total_cap))


def count_breaches(model: Model, x: np.ndarray) -> list[str]:
    """The post-solve check: each count target an integer allocation misses, as a line of
    `check_solution` (starting with "!": no solver tolerance explains a wrong count)."""
    if not model.mip:
        return []
    return [f"!count target {o.target.name}: {o.achieved} projects counted, target "
            f"{'≥' if o.target.kind == 'count_min' else '≤'} {o.target.count}"
            for o in model_outcomes(model, x) if not o.met]
