"""Ranging in the Excel Solver layout, from HiGHS ranging translated to the textbook convention.

HiGHS reports cost ranges as the cost values at which the basis changes and bound ranges as the
bound values; for basic rows and for columns sitting at a bound its numbers are not the textbook
ones. The rules here (for a maximisation) are those of a textbook sensitivity report:

- a column strictly inside its bounds (basic): allowable increase/decrease of its objective
  coefficient from HiGHS's cost range; at its upper bound: increase ∞, decrease = reduced cost;
  at its lower bound: increase = −reduced cost, decrease ∞;
- a binding row or bound: the right-hand side range from HiGHS; a non-binding ≤ row: increase ∞,
  decrease = slack (≥ rows mirrored).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from kcopt.analysis.report import target_shares
from kcopt.analysis.wording import budget_name, describe_row, price_unit
from kcopt.core.errors import SolverError, UsageError
from kcopt.core.words import _, fund_name, num, pct, sig
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model import LinearProgram
from kcopt.model.names import col_or_none, parse_row
from kcopt.rules.rates import FUNDS
from kcopt.solvers.solve import Result, fix_integers, normalise_duals

INF = float("inf")


def _ranged(lp: LinearProgram, opts: SolverOptions, x: np.ndarray | None = None,
            handle=None):
    """A HiGHS instance at an optimal simplex basis of `lp`, and its ranging: `handle` when it
    already holds one (the plan's own solve), else a solve from `x` (crossover to the basis
    at that allocation), else a fresh simplex solve."""
    # start-up: highspy only when this runs
    from kcopt.solvers.highs import make_highs, pass_lp, solve_at

    h = handle
    if h is not None:
        status, rng = h.getRanging()
        if h.getModelStatus().name == "kOptimal" and status.name == "kOk":
            return h, rng
    if x is not None:
        h = solve_at(lp, x, opts).handle
    else:
        h = make_highs(replace(opts, time_limit=None))
        h.setOptionValue("solver", "simplex")  # ranging needs a simplex basis
        pass_lp(h, lp)
        h.run()
    if h.getModelStatus().name != "kOptimal":
        raise SolverError(_("ranging needs an optimal LP; HiGHS says {status}").format(
            status=h.getModelStatus().name))
    _status, rng = h.getRanging()
    return h, rng


def lp_ranging(lp: LinearProgram, opts: SolverOptions | None = None,
               x: np.ndarray | None = None, handle=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Textbook ranging of any maximisation `LinearProgram`: (columns, rows) tables.

    With `x` (an optimal solution of `lp`, e.g. the plan's allocation) the ranging is on the
    basis at `x` and every final value, activity and binding flag is `x`'s own."""
    if lp.shape[1] == 0:  # an empty plan: nothing to range
        return _empty_ranging(lp)
    h, rng = _ranged(lp, opts or SolverOptions(), x, handle)
    sol = h.getSolution()
    basis = h.getBasis()
    if x is None:
        x = np.asarray(sol.col_value)
    x = np.asarray(x, dtype=float)
    y = np.asarray(sol.row_dual)
    d = np.asarray(sol.col_dual)

    y, d = normalise_duals(lp, x, y)
    col_basic = np.array([s.name == "kBasic" for s in basis.col_status])
    row_basic = np.array([s.name == "kBasic" for s in basis.row_status])
    return _column_ranging(lp, rng, x, d, col_basic), _row_ranging(lp, rng, x, y, row_basic)


def _empty_ranging(lp: LinearProgram) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ranging tables of a program without columns: no column, every row unlimited."""
    cols = pd.DataFrame(columns=["name", "final_value", "reduced_cost",
                                 "objective_coefficient", "allowable_increase",
                                 "allowable_decrease", "basic", "enters_up",
                                 "bound_increase", "bound_decrease"])
    rows = pd.DataFrame({"name": lp.row_names, "family": lp.row_family,
                         "final_value": 0.0, "shadow_price": 0.0,
                         "rhs": np.where(np.isinf(lp.row_lower), lp.row_upper,
                                         lp.row_lower),
                         "allowable_increase": INF, "allowable_decrease": INF,
                         "binding": False, "enters_up": "", "leaves_up": ""})
    return cols, rows


def _column_ranging(lp: LinearProgram, rng, x: np.ndarray, d: np.ndarray,
                    col_basic: np.ndarray) -> pd.DataFrame:
    """Each column's value, reduced cost, cost range and (for a column at its upper bound, a
    cap) the range of that bound."""
    n = len(x)
    c = lp.cost
    at_up = ~col_basic & np.isclose(x, lp.col_upper)
    cost_up = np.asarray(rng.col_cost_up.value_)[:n]
    cost_dn = np.asarray(rng.col_cost_dn.value_)[:n]
    inc = np.where(col_basic, cost_up - c, np.where(at_up, INF, np.maximum(-d, 0.0)))
    dec = np.where(col_basic, c - cost_dn, np.where(at_up, np.maximum(d, 0.0), INF))
    cols = pd.DataFrame({
        "name": lp.col_names, "final_value": x, "reduced_cost": np.where(col_basic, 0.0, d),
        "objective_coefficient": c, "allowable_increase": _clean(inc),
        "allowable_decrease": _clean(dec), "basic": col_basic,
        "enters_up": _var_names(lp, np.asarray(rng.col_cost_up.in_var_)[:n]),
    })
    # column bounds that stand for named constraints (caps): their range is the bound's range
    b_up = np.asarray(rng.col_bound_up.value_)[:n]
    b_dn = np.asarray(rng.col_bound_dn.value_)[:n]
    cols["bound_increase"] = _clean(np.where(at_up, b_up - lp.col_upper, INF))
    cols["bound_decrease"] = _clean(np.where(at_up, lp.col_upper - b_dn,
                                             lp.col_upper - x))
    return cols


def _row_ranging(lp: LinearProgram, rng, x: np.ndarray, y: np.ndarray,
                 row_basic: np.ndarray) -> pd.DataFrame:
    """Each row's activity at `x`, shadow price, right-hand side range and binding flag."""
    act = lp.A @ x  # the allocation's own activities, whatever basis prices it
    le = np.isinf(lp.row_lower)
    rhs = np.where(le, lp.row_upper, lp.row_lower)
    up = np.asarray(rng.row_bound_up.value_)
    dn = np.asarray(rng.row_bound_dn.value_)
    slack = np.where(le, lp.row_upper - act, act - lp.row_lower)
    slack = np.where(np.abs(slack) < 1e-9 * np.maximum(1.0, np.abs(rhs)), 0.0, slack)
    binds = np.abs(slack) <= 1e-6 * np.maximum(1.0, np.abs(rhs))
    r_inc = np.where(row_basic, np.where(le, INF, slack), up - rhs)
    r_dec = np.where(row_basic, np.where(le, slack, INF), rhs - dn)
    return pd.DataFrame({
        "name": lp.row_names, "family": lp.row_family, "final_value": act,
        "shadow_price": np.where(row_basic, 0.0, y), "rhs": rhs,
        "allowable_increase": _clean(r_inc), "allowable_decrease": _clean(r_dec),
        "binding": binds,
        "enters_up": _var_names(lp, np.asarray(rng.row_bound_up.in_var_)),
        "leaves_up": _var_names(lp, np.asarray(rng.row_bound_up.ou_var_)),
    })


def _clean(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    v = np.where(np.abs(v) >= 1e29, INF, v)
    return np.where(np.abs(v) < 1e-10, 0.0, np.maximum(v, 0.0))


def _var_names(lp: LinearProgram, idx: np.ndarray) -> list[str]:
    n = lp.shape[1]
    out = []
    for i in idx.tolist():
        if 0 <= i < n:
            out.append(lp.col_names[i])
        elif n <= i < n + lp.shape[0]:
            out.append(f"slack of {lp.row_names[i - n]}")
        else:
            out.append("")
    return out


def ranging(result: Result) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Excel-Solver-style ranging of a solved allocation, with a sentence per line.

    Returns (projects, constraints). For a MIP the LP with integer decisions fixed is ranged and
    every line says it is conditional on the selection.
    """
    model = result.model
    conditional = bool(model.lp.integer.any())
    lp, x_plan = _plan_lp(result) if conditional else (model.lp, result.x)
    # ranged on the basis at the plan's own allocation: its figures, not another optimum's
    cols, rows = lp_ranging(lp, model.scenario.solver, x=x_plan, handle=result.basis)
    projects = _project_ranging(model, cols)
    projects["conditional_on_selection"] = conditional
    shares = target_shares(result)  # share targets: the share required and achieved
    rows["share_required"] = [shares[i][0] if i in shares else np.nan for i in range(len(rows))]
    rows["share_achieved"] = [shares[i][1] if i in shares else np.nan for i in range(len(rows))]
    constraints = pd.concat([rows, _bound_ranging(model, lp, cols)], ignore_index=True)
    constraints = constraints[constraints["family"] != "total"].reset_index(drop=True)
    constraints["sentence"] = [_constraint_sentence(r) for r in constraints.itertuples()]
    constraints["conditional_on_selection"] = conditional
    return projects, constraints


def constraint_sentences(constraints: pd.DataFrame) -> list[str]:
    """Each line of a `ranging` constraints table said again in the language in use (the
    app's language switch): from the line's own figures, nothing re-solved."""
    return [_constraint_sentence(r) for r in constraints.itertuples()]


def project_sentences(projects: pd.DataFrame, caps: dict[str, float]) -> list[str]:
    """Each line of a `ranging` projects table said again in the language in use; `caps`:
    each project's cap (million VND) by id, as the model holds it."""
    return [_project_sentence(r, caps.get(str(r.project_id), float("nan")))
            for r in projects.itertuples()]


def _plan_lp(result: Result) -> tuple[LinearProgram, np.ndarray]:
    """A MIP's LP with its integer decisions fixed at the plan's, and the plan's allocation
    with those decisions rounded."""
    if result.x is None:
        raise UsageError(_("ranging needs a result with an allocation"),
                         result.status.value,
                         _("Range a solved result; result.raise_for_status() says why "
                           "this one has none."))
    model = result.model
    return (fix_integers(model.lp, result.x),
            np.where(model.lp.integer, np.round(result.x), result.x))


def _project_ranging(model, cols: pd.DataFrame) -> pd.DataFrame:
    """A line per project and fund: its cost range read as a range of its score, and a
    sentence."""
    frame = model.projects
    is_x = (model.col_project >= 0) & (model.col_fund >= 0)
    p = model.col_project[is_x]
    cap = frame["cap"].to_numpy(float)[p]
    score = frame["score"].to_numpy(float)[p]
    per_score = cap if model.scenario.objective == "total_score" else np.ones(len(p))
    x = cols[is_x].reset_index(drop=True)
    projects = pd.DataFrame({
        "project_id": frame["project_id"].to_numpy()[p],
        "name": frame["name"].to_numpy()[p],
        "fund": [FUNDS[f] for f in model.col_fund[is_x]],
        "final_value": x["final_value"].round(4),
        "reduced_cost": x["reduced_cost"],
        "objective_coefficient": x["objective_coefficient"],
        "allowable_increase": x["allowable_increase"],
        "allowable_decrease": x["allowable_decrease"],
        "score": score.round(6),
        "score_increase_to_change": (x["allowable_increase"] * per_score),
        "score_decrease_to_change": (x["allowable_decrease"] * per_score),
    })
    projects["sentence"] = [
        _project_sentence(r, cap[i]) for i, r in enumerate(projects.itertuples())]
    return projects


def _bound_ranging(model, lp: LinearProgram, cols: pd.DataFrame) -> pd.DataFrame:
    """The caps and must-fund floors held as column bounds, ranged as constraints."""
    bound_idx = np.flatnonzero([bool(b) for b in model.bound_names])
    return pd.DataFrame({
        "name": [model.bound_names[j] for j in bound_idx],
        "family": [parse_row(model.bound_names[j]).family for j in bound_idx],
        "final_value": cols["final_value"].to_numpy()[bound_idx],
        "shadow_price": cols["reduced_cost"].to_numpy()[bound_idx],
        "rhs": lp.col_upper[bound_idx],
        "allowable_increase": cols["bound_increase"].to_numpy()[bound_idx],
        "allowable_decrease": cols["bound_decrease"].to_numpy()[bound_idx],
        "binding": np.isclose(cols["final_value"].to_numpy()[bound_idx],
                              lp.col_upper[bound_idx]),
        "enters_up": "", "leaves_up": "",
    })


def _fmt_money(v: float) -> str:
    return "∞" if not np.isfinite(v) else num(v)


def _project_sentence(r, cap: float) -> str:
    who = f"{r.project_id} ({fund_name(r.fund)})"
    if r.final_value <= 1e-6 and r.allowable_decrease == INF:
        return _("{project} is not funded; its score would have to rise by {rise} (from "
                 "{score}) before it gets money").format(
                     project=who, rise=num(r.score_increase_to_change, 4),
                     score=num(r.score, 4))
    if r.allowable_increase == INF:
        return _("{project} is funded to its cap ({cap} million) and stays so unless its score "
                 "falls by more than {fall} (from {score})").format(
                     project=who, cap=num(cap), fall=num(r.score_decrease_to_change, 4),
                     score=num(r.score, 4))
    return _("{project} is the marginal project ({amount} of {cap} million); the allocation "
             "holds while its score stays within −{fall} / +{rise} of {score}").format(
                 project=who, amount=num(r.final_value), cap=num(cap),
                 fall=num(r.score_decrease_to_change, 4),
                 rise=num(r.score_increase_to_change, 4), score=num(r.score, 4))


def _entering_project(column: str) -> str:
    """The project of the support column that enters the basis ('' for any other column)."""
    col = col_or_none(column)
    return str(col.project) if col is not None and col.kind == "x" else ""


def _constraint_sentence(r) -> str:
    desc = describe_row(r.name, r.rhs, binding=bool(r.binding))
    unit = price_unit(r.allowable_increase, r.allowable_decrease)
    thousand = num(unit)
    if r.family == "budget":
        what = _("{budget} ({amount} million)").format(budget=budget_name(r.name),
                                                       amount=num(r.rhs))
        if not r.binding or abs(r.shadow_price) < 1e-12:
            return _("{budget}: {amount} million unused; more money adds nothing at these "
                     "priorities").format(budget=what, amount=num(r.rhs - r.final_value))
        nxt = _entering_project(r.enters_up)
        beyond = _("; beyond that project {project} is the next to enter").format(
            project=nxt) if nxt else ""
        return _("each extra {thousand} million VND of {budget} adds {points} score points, "
                 "valid up to +{up} million{beyond}; each {thousand} million less loses as "
                 "much, down to −{down} million (shadow price {price}: the score points one "
                 "more million VND adds)").format(
                     thousand=thousand, budget=what, points=sig(unit * r.shadow_price, 4),
                     price=sig(r.shadow_price, 4), up=_fmt_money(r.allowable_increase),
                     beyond=beyond, down=_fmt_money(r.allowable_decrease))
    if r.family in ("cap", "must_fund"):
        pid = parse_row(r.name).project
        if r.family == "must_fund":
            return _("must-fund project {project} costs {points} points per {thousand} million "
                     "it is forced to take").format(
                         project=pid, points=sig(unit * abs(r.shadow_price), 4),
                         thousand=thousand)
        if not r.binding or abs(r.shadow_price) < 1e-12:
            return _("the cap of {project} does not limit it").format(project=pid)
        return _("the cap of {project} binds: each extra {thousand} million of cap would add "
                 "{points} points (up to +{up} million)").format(
                     project=pid, thousand=thousand, points=sig(unit * r.shadow_price, 4),
                     up=_fmt_money(r.allowable_increase))
    required = getattr(r, "share_required", float("nan"))
    if required == required:  # a share target: the share it asks for and the plan's
        got = r.share_achieved
        desc += " " + (_("({required} required, {achieved} achieved)") if got == got else
                       _("({required} required, nothing allocated)")).format(
                           required=pct(required, 1), achieved=pct(got, 1))
    if not r.binding or abs(r.shadow_price) < 1e-12:
        return _("{constraint} does not bind: it costs nothing at these budgets").format(
            constraint=desc)
    return _("{constraint} binds: each {thousand} million of support it redirects costs "
             "{points} score points (valid for +{up} / −{down} million)").format(
                 constraint=desc, thousand=thousand, points=sig(unit * abs(r.shadow_price), 4),
                 up=_fmt_money(r.allowable_increase), down=_fmt_money(r.allowable_decrease))
