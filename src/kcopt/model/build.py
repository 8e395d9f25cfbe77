"""build(): projects + scenario → a labelled linear program (docs/contract.md §4).

One column per (project, fund) pair that may pay — per start year in a multi-year plan — plus,
only when targets need them, one auxiliary total per fund scope; a row only where a constraint
couples columns. Single-column caps and must-fund floors are column bounds. Everything is
assembled as NumPy arrays and one SciPy sparse matrix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.errors import InputError, Problem
from kcopt.model.constraints import (
    add_budget_constraints,
    add_cap_constraints,
    add_cofinancing_constraints,
    add_target_constraints,
    add_total_definitions,
    scope_name,
)
from kcopt.model.horizon import plan_horizon
from kcopt.model.integer import add_integer_constraints, add_start_choice, integer_plan
from kcopt.model.program import INF, LinearProgram, Model, RowBlock
from kcopt.model.scores import objective_coefficients, planner_scores
from kcopt.rules import FUNDS, CapTable, RuleSet, compute_caps, load_rules
from kcopt.scenario import Scenario
from kcopt.schema import Projects
from kcopt.words import N_, _, data_text, num, status_name


def build(projects: Projects | pd.DataFrame, scenario: Scenario, rules: RuleSet | None = None,
          mip: bool | None = None) -> Model:
    """Assemble the allocation program for `projects` under `scenario`.

    `mip=None` follows the scenario (`auto`: integer decisions only when a project needs them);
    `False` solves the LP relaxation (selection variables in [0, 1]) and warns; `True` keeps
    integer decisions.

    Examples
    --------
    >>> import kcopt
    >>> sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    >>> model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    >>> model.lp.row_names[0]
    'budget:central'
    """
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
    excluded = (frame["exclude"].to_numpy() > 0) | np.isin(ids, scenario.exclude)
    must = (frame["must_fund"].to_numpy() > 0) | np.isin(ids, scenario.must_fund)
    inel_reason = np.where(caps.ineligible != "", caps.ineligible, horizon.ineligible)
    ineligible = inel_reason != ""
    active = ~ineligible & ~excluded
    status = np.where(ineligible, "ineligible", np.where(excluded, "excluded", ""))
    reason = np.where(ineligible, inel_reason,
                      np.where(excluded, _("excluded by the scenario or the project list"), ""))
    warnings += _rule_warnings(frame, caps, rules, active)
    for i in np.flatnonzero(must & ~active):
        warnings.append(Problem("scenario", _("must-fund project {project} is {status}: "
                                              "{reason}; it is not funded").format(
                                                  project=ids[i], status=status_name(status[i]),
                                                  reason=reason[i]), severity="warning"))
    must &= active

    # --- columns: one per (project, fund, start year) that may pay -------------------------
    pay = active[:, None] & ~np.isnan(caps.cap) & (np.nan_to_num(caps.cap) > 0)
    proj_f, fund_f = np.nonzero(pay)
    n_starts = np.array([len(horizon.starts[p]) for p in proj_f], dtype=int)
    col_project = np.repeat(proj_f, n_starts)
    col_fund = np.repeat(fund_f, n_starts)
    col_start = np.concatenate([horizon.starts[p] for p in proj_f]).astype(int) \
        if len(proj_f) else np.zeros(0, dtype=int)
    n_x = len(col_project)
    spend = _spend_matrix(col_project, col_start, horizon.profiles, horizon.periods)
    total_cap = np.where(active, caps.total_cap, 0.0)
    cols_per_project = np.bincount(col_project, minlength=len(frame))
    two = pay.sum(axis=1) == 2
    multi = cols_per_project > 1
    col_upper = caps.cap[col_project, col_fund]
    col_lower = np.zeros(n_x)
    single_must = must[col_project] & ~multi[col_project]
    col_lower[single_must] = col_upper[single_must]
    cost = objective_coefficients(score, total_cap, col_project, scenario.objective)
    col_names = [_col_name(ids[p], FUNDS[f], scenario.years, s)
                 for p, f, s in zip(col_project, col_fund, col_start, strict=True)]
    bound_names = [("must_fund:" if m else "cap:") + ids[p] if not multi[p] else ""
                   for p, m in zip(col_project, single_must, strict=True)]

    # --- integer decisions -------------------------------------------------------------------
    plan = integer_plan(frame, ids, active, cols_per_project > 0, warnings)
    windows = [p for p in np.flatnonzero(active & (cols_per_project > 0))
               if len(horizon.starts[p]) > 1]
    needs_mip = len(plan.z_projects) > 0 or len(windows) > 0
    use_mip = needs_mip if mip is None and scenario.mip == "auto" else bool(
        scenario.mip if mip is None else mip)
    if needs_mip and not use_mip:
        warnings.append(Problem("scenario", _(
            "{count} project(s) have integer rules (all-or-nothing, minimum fraction, "
            "dependencies, groups) and {windows} may start in one of several years; solving the "
            "LP relaxation lets them be partly selected and split over start years").format(
                count=len(plan.z_projects), windows=len(windows)), severity="warning"))
    w_keys = [(int(p), int(s)) for p in np.flatnonzero(active) if len(horizon.starts[p]) > 1
              and cols_per_project[p] > 0 for s in horizon.starts[p]] if use_mip else []

    # auxiliary totals, only for the fund scopes (and years) some target measures shares of
    scopes = sorted({(t.fund, t.year) for t in scenario.targets
                     if t.share is not None and t.share_of != "budget"},
                    key=lambda s: (s[0], -1 if s[1] is None else s[1]))
    aux_index = {s: n_x + i for i, s in enumerate(scopes)}
    z_index = n_x + len(scopes) + np.arange(len(plan.z_projects))
    w_index = n_x + len(scopes) + len(plan.z_projects) + np.arange(len(w_keys))
    n_cols = n_x + len(scopes) + len(plan.z_projects) + len(w_keys)

    rows = RowBlock()
    provinces = frame["province"].to_numpy()[col_project]
    add_budget_constraints(rows, scenario, provinces, col_fund, spend, warnings)
    add_cap_constraints(rows, ids, col_project, multi, must, total_cap)
    add_cofinancing_constraints(rows, ids, col_project, col_fund, two, scenario.local_match_min)
    spend_csc = spend.tocsc()
    add_total_definitions(rows, scopes, aux_index, scenario.years, col_fund, spend_csc)
    add_target_constraints(rows, scenario, frame, col_project, col_fund, spend_csc, aux_index)
    add_integer_constraints(rows, frame, ids, col_project, plan, z_index, total_cap,
                            scenario.groups)
    z_of = {int(p): int(z_index[i]) for i, p in enumerate(plan.z_projects)}
    add_start_choice(rows, ids, scenario.years, col_project, col_start, w_keys, w_index, z_of,
                     total_cap)

    fixed = fixed_amounts(frame, scenario, ids)
    add_fixed_constraints(rows, ids, col_project, fixed, total_cap, active, scenario.round_to,
                          warnings)
    # round_to: every allocation an integer multiple of R, solved exactly (x = R·k, k integer)
    step = scenario.round_to
    n_k = n_x if step else 0
    if step:
        rows.add("round", [f"round:{c}" for c in col_names], 0.0, 0.0,
                 np.concatenate([np.arange(n_x), np.arange(n_x)]),
                 np.concatenate([np.arange(n_x), n_cols + np.arange(n_x)]),
                 np.concatenate([np.ones(n_x), np.full(n_x, -step)]))
        col_lower = np.floor(col_lower / step + 1e-9) * step
        if mip is None and scenario.mip == "auto":
            use_mip = True
        elif not use_mip:
            warnings.append(Problem("scenario", _(
                "round_to: {step} needs integer decisions; solving the LP relaxation lets "
                "amounts fall between multiples").format(step=num(step, 6)), severity="warning"))
    n_cols += n_k
    A, row_lower, row_upper = rows.matrix(n_cols)
    n_int = len(plan.z_projects) + len(w_keys)
    z_upper = np.where(plan.blocked[plan.z_projects], 0.0, 1.0)
    lp = LinearProgram(
        cost=np.concatenate([cost, np.zeros(n_cols - n_x)]),
        col_lower=np.concatenate([col_lower, np.zeros(n_cols - n_x)]),
        col_upper=np.concatenate([col_upper, np.full(len(scopes), INF), z_upper,
                                  np.ones(len(w_keys)),
                                  np.floor(col_upper / step + 1e-9) if step else []]),
        integer=np.concatenate([np.zeros(n_x + len(scopes), dtype=bool),
                                np.full(n_int + n_k, use_mip)]),
        col_names=col_names + [scope_name(*s) for s in scopes]
        + [f"z:{ids[p]}" for p in plan.z_projects]
        + [f"w:{ids[p]}:{scenario.years[s]}" for p, s in w_keys]
        + [f"k:{c}" for c in (col_names if step else [])],
        A=A, row_lower=row_lower, row_upper=row_upper, row_names=rows.names,
        row_family=rows.family)

    frame["score"] = score
    frame["cap"] = np.where(active | ineligible, np.nan_to_num(caps.total_cap), 0.0)
    frame["must_fund"] = must.astype(float)
    frame["exclude"] = excluded.astype(float)
    frame["fixed_amount"] = fixed
    frame["status"] = status
    frame["reason"] = reason
    aux = n_cols - n_x
    extras = projects.extra_columns if isinstance(projects, Projects) else []
    return Model(lp, frame, caps, scenario, rules,
                 np.concatenate([col_project, np.full(len(scopes), -1), plan.z_projects,
                                 np.array([p for p, _w in w_keys], dtype=int),
                                 np.full(n_k, -1)]),
                 np.concatenate([col_fund, np.full(aux, -1)]),
                 bound_names + [""] * aux, use_mip, warnings, list(extras),
                 scenario.years, spend, np.concatenate([col_start, np.full(aux, -1)]))


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
    rows.add("fixed", [f"fixed:{ids[p]}" for p in keep], fixed[keep], fixed[keep],
             pos[col_project[cols]], cols, np.ones(len(cols)))


def _col_name(pid: str, fund: str, years: tuple[int, ...], start: int) -> str:
    return f"x:{pid}:{fund}" + (f":{years[start]}" if years else "")


def _spend_matrix(col_project: np.ndarray, col_start: np.ndarray,
                  profiles: list[list[float]], periods: int) -> sp.csr_matrix:
    """x columns × plan years: the share of a column's support paid out in each year."""
    lengths = np.array([len(profiles[p]) for p in col_project], dtype=int)
    rows = np.repeat(np.arange(len(col_project)), lengths)
    offsets = np.concatenate([np.arange(n) for n in lengths]) if len(lengths) else \
        np.zeros(0, dtype=int)
    cols = np.repeat(col_start, lengths) + offsets
    vals = np.concatenate([profiles[p] for p in col_project]) if len(col_project) else \
        np.zeros(0)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(col_project), periods))


def _rule_warnings(frame: pd.DataFrame, caps: CapTable, rules: RuleSet,
                   active: np.ndarray) -> list[Problem]:
    """Projects whose cap rests on a level the rule set flags: superseded (low), not retrieved
    (unverified) or a stand-in for a level in force that is not known."""
    out = []
    assert caps.flagged is not None and caps.confidence is not None
    used = active[:, None] & ~np.isnan(caps.cap) & caps.flagged
    cats = frame["category"].to_numpy()
    seen: dict[tuple[str, str, str], int] = {}
    for i in np.flatnonzero(used.any(axis=1)):
        k = 0 if used[i, 0] else 1
        key = (str(cats[i]), str(caps.basis[i, k]), str(caps.confidence[i, k]))
        seen[key] = seen.get(key, 0) + 1
    for (cat, basis, confidence), count in seen.items():
        rule = rules.rules[cat]
        idx = np.flatnonzero(active & (cats == cat))
        if np.isnan(caps.rate[idx]).all() and np.isnan(caps.ceiling[idx]).all():
            text = _("{count} project(s) of '{content}' ({code}) have no national support "
                     "level in the rule set ({basis}); their caps are the amounts requested. "
                     "Set a rate in rate_overrides").format(
                         count=count, content=rule.name_vi, code=cat,
                         basis=data_text(rule.note or rule.basis))
        else:
            text = _("{count} project(s) of '{content}' ({code}) use a support level the rule "
                     "set marks {confidence} ({basis}); confirm it or set it in "
                     "rate_overrides").format(count=count, content=rule.name_vi, code=cat,
                                              confidence=_(confidence),  # "low": a word
                                              basis=data_text(basis))
        out.append(Problem("rules", text, severity="warning"))
    if "vote_level" in frame:
        odd = frame["vote_level"].notna().to_numpy() & (cats != "typical_product")
        if odd.any():
            out.append(Problem("rules", _(
                "{count} project(s) state a selection level but are not of the content "
                "'typical rural industrial products'; the selection level is ignored").format(
                    count=int(odd.sum())), severity="warning"))
    return out


def _check_listed_ids(scenario: Scenario, ids: set[str]) -> None:
    problems = [Problem(str(scenario.path or "scenario"), N_("no project with this id"), fix=
                        N_("Check the id against the project list"), column=key, value=pid)
                for key in ("must_fund", "exclude") for pid in getattr(scenario, key)
                if pid not in ids]
    if problems:
        raise InputError(problems)


