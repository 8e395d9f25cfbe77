"""Live what-if: a solved plan re-solved with other priority weights or budgets, warm-started
from the plan's own optimal basis, in milliseconds (the web app and notebooks call it on every
slider move).

    >>> import kcopt
    >>> base = kcopt.run(kcopt.demo_scenario_path()).result
    >>> greener = kcopt.resolve(base, weights={"green": 0.30}, budgets={"central": 90000})
    >>> greener.status.value, greener.model.scenario.central_budget
    ('optimal', 90000.0)
    >>> table = kcopt.allocation_table(greener)   # the new allocation, with reasons

Only the objective (weights) and the budget rows' right-hand sides change, so the program's
shape stays and HiGHS restarts simplex from the basis of `result`: a few dozen pivots instead
of a solve from scratch. Every re-solve starts from that same basis, so the same change always
gives the same plan, whatever was asked before (a degenerate program can have several optimal
plans of equal score, and the one found depends on the starting basis). Integer programs are
re-solved in full (branch and bound has no basis to restart from); the answer is the same.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from kcopt.core.errors import InputError, Problem
from kcopt.core.geo import load_geography
from kcopt.inputs.scenario import Scenario
from kcopt.model import (
    LinearProgram,
    Model,
    criteria_matrix,
    objective_coefficients,
    planner_scores,
)
from kcopt.model.funds import SplitShape, split_shape
from kcopt.model.names import parse_row, rows_of
from kcopt.solvers.solve import Result, WarmReduced, _result, settle_funds, solve

__all__ = ["resolve"]


@dataclass
class _Warm:
    """A HiGHS instance holding a program of this shape, and the basis to start from.

    It rides on the plan it was made from (`Result.warm`) and is handed on to each what-if of
    that plan, so it lives exactly as long as one of them does: no table keyed by `id()` that
    a later object at the same address could read. `A` is the program it was made for, held
    here, so `warm.A is lp.A` can only be true of that very program."""

    highs: Any
    basis: Any
    criteria: np.ndarray
    budget_rows: np.ndarray
    A: Any
    lock: threading.Lock = field(default_factory=threading.Lock)  # one re-solve at a time
    # the allocation's reasons worded so far in this chain, by the figures each says
    # (`kcopt.analysis.report.reason_memo`): a what-if words only the rows that changed
    reasons: dict[tuple, str] = field(default_factory=dict)
    # the last allocation table's rows by kind (`kcopt.analysis.report._chain_tables`)
    tables: dict[str, Any] = field(default_factory=dict)
    # the split program's structure (`kcopt.model.funds.SplitShape`), made by the first
    # what-if that needs it: it depends on the program's shape only
    split: SplitShape | None = None
    # the HiGHS instance of the last what-if's split program (`WarmReduced`): the next one of
    # the same shape starts from its basis
    split_highs: WarmReduced = field(default_factory=lambda: WarmReduced())
    # what the scores of the model a what-if last started from said (`_score_warnings`)
    scored: tuple[Model, list[Problem]] | None = None


_MAKING = threading.Lock()  # two sessions asking for the same plan's instance make it once


def resolve(result: Result, weights: Mapping[str, float] | None = None,
            budgets: Mapping[str, Any] | None = None) -> Result:
    """The plan of `result` re-solved with some priority weights and/or budgets changed.

    Parameters
    ----------
    result
        A solved plan (`kcopt.solve(...)`, `kcopt.run(...).result`, or an earlier `resolve`).
    weights
        Criterion → weight for the criteria to change (the rest kept); renormalised to sum 1,
        as in the scenario file. Criteria: appraisal, green, circular, digital,
        regional_advantage, typical_product, disadvantaged_area, women_or_ethnic_owned.
    budgets
        ``{"central": amount, "local": {province: amount} or one amount for every province}``
        in million VND; provinces not named keep their budget. Single-year plans only.

    Returns
    -------
    Result
        A new, plain `Result` whose `model.scenario` carries the changed weights and budgets;
        `result` itself is not modified. Turn it into tables with `kcopt.allocation_table`.
    """
    result.raise_for_status()
    model = result.model
    scenario = _changed_scenario(model.scenario, weights, budgets)
    lp = model.lp
    warm = _warm(result) if not lp.integer.any() else None
    criteria = (warm.criteria if warm is not None
                else criteria_matrix(model.projects, model.scenario))
    said: list[Problem] = []  # scored as `build` scores: priorities, and 1 each when all are 0
    score = planner_scores(model.projects, scenario, said, criteria)
    cap = model.projects["cap"].to_numpy(float)
    cost = objective_coefficients(score, cap, model.col_project, scenario.objective)
    cost[model.col_project < 0] = lp.cost[model.col_project < 0]  # auxiliary columns keep theirs
    rows = warm.budget_rows if warm is not None else _budget_rows(lp.row_names)
    projects = model.projects.copy(deep=False)
    projects["score"] = score
    new_lp = replace(lp, cost=cost, row_upper=_budgets(lp, scenario, rows))
    new_model = replace(model, lp=new_lp, projects=projects, scenario=scenario,
                        warnings=_score_warnings(model, criteria, said, warm))
    new = None
    if warm is not None:
        with warm.lock:  # an app's sessions may share one base plan
            new = _solve_warm(new_model, warm)
    if new is None:
        new = solve(new_model)
    new.warm = warm  # the next what-if of this one starts from the same basis
    return new


def _budgets(lp: LinearProgram, scenario: Scenario, rows: np.ndarray) -> np.ndarray:
    """The rows' upper bounds with each budget row's set to the scenario's budget."""
    row_upper = lp.row_upper.copy()
    for i in rows:
        row = parse_row(lp.row_names[i])
        row_upper[i] = scenario.budget(str(row.fund), row.province, row.year)
    return row_upper


def _score_warnings(model: Model, criteria: np.ndarray, said: list[Problem],
                    warm: _Warm | None = None) -> list[Problem]:
    """The model's warnings with what its scores said replaced by what the new scores say.
    `warm`: the chain's instance, where what the model's own scores said is kept (every
    what-if of one plan asks it of the same model)."""
    scored = warm.scored if warm is not None else None
    if scored is not None and scored[0] is model:
        before = scored[1]
    else:
        before = []
        planner_scores(model.projects, model.scenario, before, criteria)
        if warm is not None:
            warm.scored = (model, before)
    kept = [w for w in model.warnings if w not in before]
    at = next((i for i, w in enumerate(model.warnings) if w in before), 0)
    return [*kept[:at], *said, *kept[at:]]


def _changed_scenario(sc: Scenario, weights: Mapping[str, float] | None,
                      budgets: Mapping[str, Any] | None) -> Scenario:
    if weights:
        bad = {k: v for k, v in weights.items() if not _amount(v)}
        if bad:
            raise InputError(f"weights {bad}: each weight must be a number ≥ 0")
        sc = sc.with_weights(**{k: float(v) for k, v in weights.items()})
    if budgets:
        unknown = set(budgets) - {"central", "local"}
        if unknown:
            raise InputError(f"budgets: unknown key(s) {sorted(unknown)}; give 'central' "
                             "and/or 'local' (a province → amount mapping, or one amount)")
        if sc.years:
            raise InputError("budgets: the what-if changes single-year budgets; for a "
                             "multi-year programme change the scenario and solve again")
        central = budgets.get("central", sc.central_budget)
        local = budgets.get("local", {})
        if not _amount(central):
            raise InputError(f"budgets.central: must be an amount ≥ 0 in million VND; got "
                             f"{central!r}")
        merged = dict(sc.local_budgets)
        if isinstance(local, Mapping):
            geo = load_geography()
            for name, amount in local.items():
                resolved = geo.resolve(str(name)).name
                if resolved is None or not _amount(amount):
                    raise InputError(f"budgets.local[{name!r}] = {amount!r}: give one of the "
                                     "34 provinces and an amount ≥ 0 in million VND")
                merged[resolved] = float(amount)
        elif _amount(local):
            merged = dict.fromkeys(merged, float(local))
        else:
            raise InputError(f"budgets.local: a province → amount mapping or one amount ≥ 0; "
                             f"got {local!r}")
        sc = replace(sc, central_budget=float(central), local_budgets=merged)
    return sc


def _amount(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and bool(np.isfinite(v)) \
        and v >= 0


def _budget_rows(names: list[str]) -> np.ndarray:
    return np.array(rows_of(names, "budget"), dtype=np.int32)


def _warm(result: Result) -> _Warm:
    """The warm instance of the plan a chain of what-ifs started from (its basis is where each
    one starts): the one the record carries when it is of this very program, else a new one,
    attached to `result`."""
    warm = result.warm
    if isinstance(warm, _Warm) and warm.A is result.model.lp.A:
        return warm
    with _MAKING:
        warm = result.warm
        if isinstance(warm, _Warm) and warm.A is result.model.lp.A:
            return warm
        warm = result.warm = _make_warm(result)
    return warm


def _make_warm(root: Result) -> _Warm:
    import highspy

    # start-up: highspy only when this runs
    from kcopt.solvers.highs import make_highs, pass_lp

    model = root.model
    lp = model.lp
    h = make_highs(replace(model.scenario.solver, time_limit=None))
    h.setOptionValue("presolve", "off")  # keep the basis usable between solves
    pass_lp(h, lp)
    handle = root.raw.handle if root.raw is not None else None
    basis = None
    if isinstance(handle, highspy.Highs) and not lp.integer.any():
        b = handle.getBasis()
        if b.valid:
            basis = b
    if basis is None and not lp.integer.any():
        h.run()
        basis = h.getBasis()
    return _Warm(h, basis, criteria_matrix(model.projects, model.scenario),
                 _budget_rows(lp.row_names), lp.A)


def _solve_warm(model: Model, warm: _Warm) -> Result | None:
    # start-up: highspy only when this runs
    from kcopt.solvers.highs import read_solution

    start = time.perf_counter()
    lp = model.lp
    h = warm.highs
    n = lp.shape[1]
    h.changeColsCost(n, np.arange(n, dtype=np.int32), lp.cost)
    rows = warm.budget_rows
    if len(rows):
        h.changeRowsBounds(len(rows), rows, np.full(len(rows), -1e30),
                           np.minimum(lp.row_upper[rows], 1e30))
    if warm.basis is not None:
        h.clearSolver()  # no factor, edge weights or perturbation carried over from before
        h.setBasis(warm.basis)
    h.run()
    raw = read_solution(h, lp, start)
    raw.handle = None  # the instance stays with the chain's root; this record stays plain
    if raw.status != "optimal":
        return None  # let the full solve say why (infeasible, time limit) in its own words
    result = _result(model, raw)
    if model.preference is not None and (warm.split is None or not warm.split.fits(model)):
        warm.split = split_shape(model)
    settle_funds(result, model.scenario.solver, warm.split,  # prices stay the warm solve's
                 warm.split_highs)
    return result
