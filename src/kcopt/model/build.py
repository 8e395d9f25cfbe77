"""build(): projects + scenario → a labelled linear program (docs/contract.md §4).

One column per (project, fund) pair that may pay — per start year in a multi-year plan — plus,
only when targets need them, one auxiliary total per fund scope; a row only where a constraint
couples columns. Columns are added through a `ColumnBlock`, which hands back their indices to
the row builders (`RowBlock`); no offset is counted by hand. Single-column caps and must-fund
floors are column bounds. Everything is assembled as NumPy arrays and one SciPy sparse matrix.

Which fund pays is part of the model but not of its objective: `Model.preference` weighs the
money each column pays from the fund the scenario's `fund_order` puts second, and
`kcopt.model.funds.split_program` — solved after the score program — moves every project's
money to its first fund wherever the rows allow, its total and the score unchanged
(docs/contract.md §4 and §10; the formulation is in that module).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.core.errors import InputError, Problem
from kcopt.core.words import N_, _, num, status_name
from kcopt.inputs.scenario import Scenario
from kcopt.inputs.schema import Projects
from kcopt.model.constraints import (
    add_budget_constraints,
    add_cap_constraints,
    add_cofinancing_constraints,
    add_target_constraints,
    add_total_definitions,
    scope_name,
)
from kcopt.model.counts import add_count_columns, add_count_constraints, count_warning
from kcopt.model.funds import fund_preference
from kcopt.model.horizon import Horizon, plan_horizon
from kcopt.model.integer import (
    IntegerPlan,
    add_integer_constraints,
    add_start_choice,
    integer_plan,
)
from kcopt.model.names import ColId, RowId, bound_names, parse_col, plan_year, support_names
from kcopt.model.program import INF, ColumnBlock, LinearProgram, Model, RowBlock
from kcopt.model.rulewarnings import rule_warnings
from kcopt.model.scores import objective_coefficients, planner_scores
from kcopt.rules.caps import CapTable, compute_caps
from kcopt.rules.pending import pending_warnings
from kcopt.rules.priorities import low_priority_warnings
from kcopt.rules.rates import FUNDS, RuleSet, load_rules


def build(projects: Projects | pd.DataFrame, scenario: Scenario, rules: RuleSet | None = None,
          mip: bool | None = None) -> Model:
    """Assemble the allocation program for `projects` under `scenario`.

    `mip=None` follows the scenario (`auto`: integer decisions only when a project needs them);
    `False` solves the LP relaxation (selection variables in [0, 1]) and warns; `True` keeps
    integer decisions.

    The steps, in the order they lay down columns and rows: check the inputs (states, caps,
    warnings) → columns (support, auxiliary totals, selection and start choices) → budgets →
    caps and co-financing → targets → integer rules (and fixed amounts, `round_to`) →
    objective (scores and the fund preference).

    Examples
    --------
    >>> import kcopt
    >>> sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    >>> model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    >>> model.lp.row_names[0]
    'budget:central'
    """
    inp = _check(projects, scenario, rules)
    cols, rows = ColumnBlock(), RowBlock()
    x = _add_support_columns(cols, inp.frame, scenario, inp.ids, inp.caps, inp.horizon,
                             inp.state)
    choice = _add_choice_columns(cols, inp, x, mip)
    counted = add_count_columns(cols, scenario, inp.frame, inp.ids, x.project, x.start)
    provinces = inp.frame["province"].to_numpy()[x.project]
    add_budget_constraints(rows, scenario, provinces, x.fund, x.spend, inp.warnings)
    _add_cap_rows(rows, inp, x)
    _add_target_rows(rows, inp, x, choice)
    add_count_constraints(rows, counted, scenario, inp.frame, inp.ids, x.index, x.project,
                          x.start, x.total_cap)
    _add_integer_rows(rows, inp, x, choice)
    fixed = fixed_amounts(inp.frame, scenario, inp.ids)
    add_fixed_constraints(rows, inp.ids, x.project, fixed, x.total_cap, inp.state.active,
                          scenario.round_to, inp.warnings)
    use_mip = add_round_to(rows, cols, x, scenario, mip, choice.use_mip, inp.warnings) \
        if scenario.round_to else choice.use_mip
    _annotate(inp.frame, inp.score, inp.caps, inp.state, fixed)
    cost, preference = _objective(cols, inp, x)
    lp = _program(cols, rows, cost, use_mip)
    extras = projects.extra_columns if isinstance(projects, Projects) else []
    return Model(lp=lp, projects=inp.frame, caps=inp.caps, scenario=scenario, rules=inp.rules,
                 col_project=cols.project, col_fund=cols.fund, bound_names=cols.bound_names,
                 mip=use_mip, warnings=inp.warnings, extra_columns=list(extras),
                 years=scenario.years, spend=x.spend, col_start=cols.start,
                 preference=preference)


def _program(cols: ColumnBlock, rows: RowBlock, cost: np.ndarray, mip: bool) -> LinearProgram:
    """The columns and rows laid down, as the matrix the solvers read."""
    A, row_lower, row_upper = rows.matrix(cols.n)
    return LinearProgram(cost=cost, col_lower=cols.lower, col_upper=cols.upper,
                         integer=cols.integer & mip, col_names=cols.names, A=A,
                         row_lower=row_lower, row_upper=row_upper, row_names=rows.names,
                         row_family=rows.family)


@dataclass
class _States:
    """Per project, before solving: which may be funded and why the others may not."""

    active: np.ndarray
    must: np.ndarray
    excluded: np.ndarray
    ineligible: np.ndarray
    status: np.ndarray
    reason: np.ndarray


@dataclass
class _Inputs:
    """The checked inputs every builder reads: the project table as the model sees it, its
    caps, plan horizon, scores and states, and the warnings gathered so far."""

    frame: pd.DataFrame
    scenario: Scenario
    rules: RuleSet
    ids: np.ndarray
    caps: CapTable
    horizon: Horizon
    score: np.ndarray
    state: _States
    warnings: list[Problem]


def _check(projects: Projects | pd.DataFrame, scenario: Scenario,
           rules: RuleSet | None) -> _Inputs:
    """The project table with the scenario's regions and default share, checked against the
    scenario's lists; caps, horizon, scores, states and the warnings they raise."""
    frame = (projects.frame if isinstance(projects, Projects) else projects).copy()
    warnings: list[Problem] = []
    rules = scenario.rule_set(rules or load_rules())
    if scenario.regions:
        frame["region"] = frame["province"].map(scenario.regions).fillna(frame["region"])
    ids = frame["project_id"].astype(str).to_numpy()
    _check_listed_ids(scenario, set(ids))
    if scenario.min_fraction and "min_fraction" in frame:  # the scenario's default share
        frame["min_fraction"] = frame["min_fraction"].fillna(scenario.min_fraction)
    caps = compute_caps(frame, rules, scenario.rule_options.priority)
    horizon = plan_horizon(frame, scenario.years, warnings)
    score = planner_scores(frame, scenario, warnings)
    state = _project_states(frame, scenario, ids, caps, horizon, warnings)
    warnings += rule_warnings(frame, caps, rules, state.active)
    warnings += pending_warnings(frame, caps, rules, state.active)
    warnings += low_priority_warnings(scenario.weights)
    _warn_must_fund(ids, state, warnings)
    return _Inputs(frame, scenario, rules, ids, caps, horizon, score, state, warnings)


def _project_states(frame: pd.DataFrame, scenario: Scenario, ids: np.ndarray, caps: CapTable,
                    horizon: Horizon, warnings: list[Problem]) -> _States:
    excluded = (frame["exclude"].to_numpy() > 0) | np.isin(ids, scenario.exclude)
    must = (frame["must_fund"].to_numpy() > 0) | np.isin(ids, scenario.must_fund)
    inel_reason = np.where(caps.ineligible != "", caps.ineligible, horizon.ineligible)
    ineligible = inel_reason != ""
    active = ~ineligible & ~excluded
    status = np.where(ineligible, "ineligible", np.where(excluded, "excluded", ""))
    reason = np.where(ineligible, inel_reason,
                      np.where(excluded, _("excluded by the scenario or the project list"), ""))
    return _States(active, must, excluded, ineligible, status, reason)


def _warn_must_fund(ids: np.ndarray, state: _States, warnings: list[Problem]) -> None:
    """A must-fund project that is ineligible or excluded is said, and not funded."""
    for i in np.flatnonzero(state.must & ~state.active):
        warnings.append(Problem("scenario", _("must-fund project {project} is {status}: "
                                              "{reason}; it is not funded").format(
                                                  project=ids[i],
                                                  status=status_name(state.status[i]),
                                                  reason=state.reason[i]), severity="warning"))
    state.must = state.must & state.active


@dataclass
class _Support:
    """The support columns x[p, fund(, start)]: their indices and what each stands for."""

    index: np.ndarray
    project: np.ndarray
    fund: np.ndarray
    start: np.ndarray
    upper: np.ndarray
    names: list[str]  # each column's name (`ColId.support`)
    per_project: np.ndarray  # columns per project row
    multi: np.ndarray  # per project: more than one column
    two: np.ndarray  # per project: both funds may pay
    total_cap: np.ndarray  # per project: its cap over both funds (0 when not active)
    spend: sp.csr_matrix  # x columns × plan years


def _add_support_columns(cols: ColumnBlock, frame: pd.DataFrame, scenario: Scenario,
                         ids: np.ndarray, caps: CapTable, horizon: Horizon,
                         state: _States) -> _Support:
    """One column per (project, fund, start year) that may pay; a single column's cap (or
    must-fund floor) is its bound, named after the rule it stands for."""
    pay = state.active[:, None] & ~np.isnan(caps.cap) & (np.nan_to_num(caps.cap) > 0)
    proj_f, fund_f = np.nonzero(pay)
    rows, _place, at = _spread(proj_f, horizon.starts)  # a column per (project, fund, start)
    project, fund = proj_f[rows], fund_f[rows]
    start = np.array([k for starts in horizon.starts for k in starts], dtype=int)[at]
    total_cap = np.where(state.active, caps.total_cap, 0.0)
    per_project = np.bincount(project, minlength=len(frame))
    multi = per_project > 1
    upper = caps.cap[project, fund]
    lower = np.zeros(len(project))
    single_must = state.must[project] & ~multi[project]
    lower[single_must] = upper[single_must]
    if scenario.round_to:  # a floor that is a multiple of round_to
        lower = np.floor(lower / scenario.round_to + 1e-9) * scenario.round_to
    projects = ids[project].tolist()
    years: list[int | None] = [plan_year(scenario.years, k) for k in start.tolist()] \
        if scenario.years else [None] * len(start)
    names = support_names(projects, np.array(FUNDS)[fund].tolist(), years)
    bounds = ["" if several else name for several, name in zip(  # one column: its bound's rule
        multi[project].tolist(), bound_names(projects, single_must.tolist()), strict=True)]
    index = cols.add(names, lower, upper, project=project, fund=fund, start=start,
                     bound_names=bounds)
    spend = _spend_matrix(project, start, horizon.profiles, horizon.periods)
    return _Support(index, project, fund, start, upper, names, per_project, multi,
                    pay.sum(axis=1) == 2, total_cap, spend)


def _integer_decisions(scenario: Scenario, mip: bool | None, plan: IntegerPlan,
                       horizon: Horizon, active: np.ndarray, per_project: np.ndarray,
                       warnings: list[Problem]) -> tuple[bool, list[tuple[int, int]]]:
    """Whether the program keeps integer decisions, and the (project, start) pairs of the
    projects that choose one start year among several."""
    windows = [p for p in np.flatnonzero(active & (per_project > 0))
               if len(horizon.starts[p]) > 1]
    counts = any(t.is_count for t in scenario.targets)
    needs_mip = len(plan.z_projects) > 0 or len(windows) > 0 or counts
    use_mip = needs_mip if mip is None and scenario.mip == "auto" else bool(
        scenario.mip if mip is None else mip)
    warnings += count_warning(scenario, use_mip)
    if (len(plan.z_projects) or windows) and not use_mip:
        warnings.append(Problem("scenario", _(
            "{count} project(s) have integer rules (all-or-nothing, minimum fraction, "
            "dependencies, groups) and {windows} may start in one of several years; solving the "
            "LP relaxation lets them be partly selected and split over start years").format(
                count=len(plan.z_projects), windows=len(windows)), severity="warning"))
    w_keys = [(int(p), int(s)) for p in np.flatnonzero(active) if len(horizon.starts[p]) > 1
              and per_project[p] > 0 for s in horizon.starts[p]] if use_mip else []
    return use_mip, w_keys


@dataclass
class _Choices:
    """The columns beside the support: whether the program keeps integer decisions, the
    projects' selection (z) and start-year (w) columns, and the auxiliary fund totals."""

    plan: IntegerPlan
    use_mip: bool
    w_keys: list[tuple[int, int]]
    scopes: list[tuple[str, int | None]]
    aux_index: dict[tuple[str, int | None], int]
    z_index: np.ndarray
    w_index: np.ndarray


def _add_choice_columns(cols: ColumnBlock, inp: _Inputs, x: _Support,
                        mip: bool | None) -> _Choices:
    """Auxiliary totals (only for the fund scopes, and years, some target measures shares
    of), then a selection column z[p] per project with an integer rule and a start column
    w[p, s] per project choosing one start year among several."""
    scenario, ids = inp.scenario, inp.ids
    plan = integer_plan(inp.frame, ids, inp.state.active, x.per_project > 0, inp.warnings)
    use_mip, w_keys = _integer_decisions(scenario, mip, plan, inp.horizon, inp.state.active,
                                         x.per_project, inp.warnings)
    scopes = sorted({(t.fund, t.year) for t in scenario.targets
                     if t.share is not None and t.share_of != "budget"},
                    key=lambda s: (s[0], -1 if s[1] is None else s[1]))
    aux_index = dict(zip(scopes, cols.add([scope_name(*s) for s in scopes], 0.0, INF),
                         strict=True))
    z_index = cols.add([str(ColId.selection(ids[p])) for p in plan.z_projects], 0.0,
                       np.where(plan.blocked[plan.z_projects], 0.0, 1.0), integer=True,
                       project=plan.z_projects)
    w_index = cols.add([str(ColId.start(ids[p], scenario.years[s])) for p, s in w_keys], 0.0, 1.0,
                       integer=True, project=[p for p, _w in w_keys])
    return _Choices(plan, use_mip, w_keys, scopes, aux_index, z_index, w_index)


def _add_cap_rows(rows: RowBlock, inp: _Inputs, x: _Support) -> None:
    """A project's cap over its several columns, and the local share of its support when
    both funds pay it (single-column caps are bounds, set with the columns)."""
    add_cap_constraints(rows, inp.ids, x.project, x.multi, inp.state.must, x.total_cap)
    add_cofinancing_constraints(rows, inp.ids, x.project, x.fund, x.two,
                                inp.scenario.local_match_min)


def _add_target_rows(rows: RowBlock, inp: _Inputs, x: _Support, choice: _Choices) -> None:
    """The auxiliary totals' definitions, then the scenario's policy targets."""
    spend_csc = x.spend.tocsc()
    add_total_definitions(rows, choice.scopes, choice.aux_index, inp.scenario.years, x.fund,
                          spend_csc)
    add_target_constraints(rows, inp.scenario, inp.frame, x.project, x.fund, spend_csc,
                           choice.aux_index)


def _add_integer_rows(rows: RowBlock, inp: _Inputs, x: _Support, choice: _Choices) -> None:
    """The integer rules (all-or-nothing, minimum fraction, dependencies, groups) and the
    choice of one start year."""
    scenario = inp.scenario
    add_integer_constraints(rows, inp.frame, inp.ids, x.project, choice.plan, choice.z_index,
                            x.total_cap, scenario.groups)
    z_of = {int(p): int(choice.z_index[i]) for i, p in enumerate(choice.plan.z_projects)}
    add_start_choice(rows, inp.ids, scenario.years, x.project, x.start, choice.w_keys,
                     choice.w_index, z_of, x.total_cap)


def _objective(cols: ColumnBlock, inp: _Inputs,
               x: _Support) -> tuple[np.ndarray, np.ndarray | None]:
    """The score program's cost per column (only the support columns cost), and the fund
    preference the second program minimises (only when some project may be paid by both; it
    reads the scores `_annotate` wrote into the project table)."""
    cost = cols.cost
    cost[x.index] = objective_coefficients(inp.score, x.total_cap, x.project,
                                           inp.scenario.objective)
    preference = fund_preference(inp.frame, cols.project, cols.fund,
                                 inp.scenario.fund_order) if x.two.any() else None
    return cost, preference


def add_round_to(rows: RowBlock, cols: ColumnBlock, x: _Support, scenario: Scenario,
                 mip: bool | None, use_mip: bool, warnings: list[Problem]) -> bool:
    """Every allocation an integer multiple of R = `round_to`, solved exactly; whether the
    program keeps integer decisions after it.

    Mathematical formulation::

        round:<x>   x − R·k = 0,   k integer, 0 ≤ k ≤ ⌊cap / R⌋
    """
    step = float(scenario.round_to or 0.0)
    col_ids = [parse_col(name) for name in x.names]
    k = cols.add([str(ColId.multiple(c)) for c in col_ids], 0.0, np.floor(x.upper / step + 1e-9),
                 integer=True)
    n = len(x.index)
    rows.add("round", [str(RowId.rounding(c)) for c in col_ids], 0.0, 0.0,
             np.concatenate([np.arange(n), np.arange(n)]), np.concatenate([x.index, k]),
             np.concatenate([np.ones(n), np.full(n, -step)]))
    if mip is None and scenario.mip == "auto":
        return True
    if not use_mip:
        warnings.append(Problem("scenario", _(
            "round_to: {step} needs integer decisions; solving the LP relaxation lets "
            "amounts fall between multiples").format(step=num(step, 6)), severity="warning"))
    return use_mip


def _annotate(frame: pd.DataFrame, score: np.ndarray, caps: CapTable, state: _States,
              fixed: np.ndarray) -> None:
    """The project table as the model explains it: score, cap, status and reason before
    solving."""
    frame["score"] = score
    frame["cap"] = np.where(state.active | state.ineligible, np.nan_to_num(caps.total_cap), 0.0)
    frame["must_fund"] = state.must.astype(float)
    frame["exclude"] = state.excluded.astype(float)
    frame["fixed_amount"] = fixed
    frame["status"] = state.status
    frame["reason"] = state.reason


def fixed_amounts(frame: pd.DataFrame, scenario: Scenario, ids: np.ndarray) -> np.ndarray:
    """A chosen amount per project (NaN: free): the list's `fixed_amount` column, then the
    scenario's `fixed_amount:` mapping."""
    fixed = (frame["fixed_amount"].to_numpy(float).copy() if "fixed_amount" in frame
             else np.full(len(frame), np.nan))
    index = {pid: i for i, pid in enumerate(ids)}
    unknown = [pid for pid in scenario.fixed_amount if pid not in index]
    if unknown:
        raise InputError([Problem("scenario", "fixed_amount names a project that is not in "
                                  "the list", "Use the project ids of the list (kcopt validate "
                                  "prints them)", column="fixed_amount", value=pid,
                                  column_label="key") for pid in unknown])
    for pid, amount in scenario.fixed_amount.items():
        fixed[index[pid]] = amount
    return fixed


def add_fixed_constraints(rows: RowBlock, ids: np.ndarray, col_project: np.ndarray,
                          fixed: np.ndarray, total_cap: np.ndarray, active: np.ndarray,
                          step: float | None, warnings: list[Problem]) -> None:
    """A project fixed at a chosen amount a[p] (not only in full or not at all).

    Mathematical formulation::

        fixed:<id>   Σ_fund x[p,·] = a[p]

    An amount above the project's cap, or not a multiple of `round_to`, is an input error.
    """
    chosen = np.flatnonzero(~np.isnan(fixed))
    problems = []
    keep = []
    for p in chosen:
        if not active[p]:
            warnings.append(Problem("projects", _(
                "{project}: fixed_amount {amount} is ignored: the project is ineligible or "
                "excluded").format(project=ids[p], amount=num(fixed[p], 6)),
                                    severity="warning"))
        elif fixed[p] > total_cap[p] + 1e-6:
            problems.append(Problem("projects", _(
                "the fixed amount is above the maximum support of {cap} million VND").format(
                    cap=num(total_cap[p], 6)),
                _("Lower fixed_amount or correct the support requested"), column="fixed_amount",
                                    value=float(fixed[p]), project_id=str(ids[p])))
        elif step and abs(fixed[p] / step - round(fixed[p] / step)) > 1e-9:
            problems.append(Problem("projects", _(
                "the fixed amount is not a multiple of round_to ({step})").format(
                    step=num(step, 6)), _("Round fixed_amount"),
                                    column="fixed_amount", value=float(fixed[p]),
                                    project_id=str(ids[p])))
        else:
            keep.append(p)
    if problems:
        raise InputError(problems)
    if not keep:
        return
    pos = np.full(len(ids), -1)
    pos[keep] = np.arange(len(keep))
    cols = np.flatnonzero(pos[col_project] >= 0)
    rows.add("fixed", [str(RowId.of_project("fixed", ids[p])) for p in keep], fixed[keep],
             fixed[keep], pos[col_project[cols]], cols, np.ones(len(cols)))


def _spend_matrix(col_project: np.ndarray, col_start: np.ndarray,
                  profiles: list[list[float]], periods: int) -> sp.csr_matrix:
    """x columns × plan years: the share of a column's support paid out in each year."""
    rows, year, at = _spread(col_project, profiles)
    flat = np.array([v for profile in profiles for v in profile], dtype=float)
    return sp.csr_matrix((flat[at], (rows, col_start[rows] + year)),
                         shape=(len(col_project), periods))


def _spread(which: np.ndarray, lists: list[list]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each entry of `lists[i]` for each i of `which` in turn, as three arrays: its place in
    `which`, its place in `lists[i]`, and its place in the lists laid end to end."""
    at = np.concatenate([[0], np.cumsum([len(v) for v in lists])]).astype(np.int64)
    lengths = (at[1:] - at[:-1])[which]
    rows = np.repeat(np.arange(len(which)), lengths)
    place = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return rows, place, at[which][rows] + place


def _check_listed_ids(scenario: Scenario, ids: set[str]) -> None:
    problems = [Problem(str(scenario.path or "scenario"), N_("no project with this id"), fix=
                        N_("Check the id against the project list"), column=key, value=pid)
                for key in ("must_fund", "exclude") for pid in getattr(scenario, key)
                if pid not in ids]
    if problems:
        raise InputError(problems)


