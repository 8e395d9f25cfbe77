"""The constraint table: every named constraint of the plan — the rows of the program, the
budgets no project can draw on, the caps held as column bounds — with its activity, slack,
shadow price, and for a share target the share asked and the share achieved."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kcopt.analysis.holdback import idle_budget_rows
from kcopt.model.constraints import scope_budget, scope_name
from kcopt.model.names import parse_row, rows_of_target
from kcopt.solvers.solve import Result


def target_shares(result: Result) -> dict[int, tuple[float, float]]:
    """Row → (share required, share achieved) for the rows of share targets.

    A share-of-allocated row reads `Σ s·x − share·T`, so what it counts is its activity plus
    share·T, achieved = counted / T; a share-of-budget row counts Σ s·x against the budget B.
    Achieved is NaN when nothing is allocated in the scope (T = 0)."""
    model, lp = result.model, result.model.lp
    x = result.x
    if x is None:
        return {}
    act = lp.A @ x
    out: dict[int, tuple[float, float]] = {}
    for t in model.scenario.targets:
        if t.share is None:
            continue
        if t.share_of == "budget":
            base = scope_budget(model.scenario, t.fund, t.year)
            offset = 0.0
        else:
            name = scope_name(t.fund, t.year)
            if name not in lp.col_names:
                continue
            base = float(x[lp.col_names.index(name)])
            offset = t.share * base
        for i in rows_of_target(lp.row_names, lp.row_family, t.name):
            counted = float(act[i]) + offset
            out[i] = (t.share, counted / base if base > 1e-9 else float("nan"))
    return out


def constraint_table(result: Result) -> pd.DataFrame:
    """Every named constraint: rows of the program and the caps held as column bounds."""
    model, lp = result.model, result.model.lp
    rows = []
    act = result.row_activity if result.row_activity is not None else np.full(lp.shape[0], np.nan)
    pi = result.shadow_price if result.shadow_price is not None else np.full(lp.shape[0], np.nan)
    lo, up = lp.row_lower, lp.row_upper
    sense = np.where(lo == up, "=", np.where(np.isinf(lo), "<=", ">="))
    rhs = np.where(np.isinf(up), lo, up)
    frame = pd.DataFrame({"name": lp.row_names, "family": lp.row_family, "sense": sense,
                          "rhs": rhs, "activity": act, "shadow_price": pi})
    # a row's own magnitude Σ|a_ij x_j|: a share row (rhs 0) over 100,000 million is binding
    # within a solver's relative tolerance, not within 1e-6 million
    sizes = [abs(lp.A) @ np.abs(result.x) if result.x is not None else np.zeros(lp.shape[0])]
    rows.append(frame)
    idle = idle_budget_rows(model.scenario, set(lp.row_names))
    if len(idle):
        rows.append(idle)
        sizes.append(np.zeros(len(idle)))
    bounds = _bound_constraints(result)
    if bounds is not None:
        rows.append(bounds)
        sizes.append(np.abs(np.nan_to_num(bounds["activity"].to_numpy(float))))
    return _with_slack_and_shares(result, pd.concat(rows, ignore_index=True), sizes)


def _bound_constraints(result: Result) -> pd.DataFrame | None:
    """The caps and must-fund floors held as column bounds, as rows of the constraint table
    (None when no column bound stands for one)."""
    model, lp = result.model, result.model.lp
    bound_cols = np.flatnonzero(np.array([bool(b) for b in model.bound_names]))
    if not len(bound_cols):
        return None
    x = result.x if result.x is not None else np.full(lp.shape[1], np.nan)
    d = result.reduced_cost if result.reduced_cost is not None else np.full(
        lp.shape[1], np.nan)
    family = np.array([_bound_family(model.bound_names[j]) for j in bound_cols])
    is_must = family == "must_fund"
    # a cap prices the column only where the column sits at it; a column at zero is held
    # there by x ≥ 0, and its (negative) reduced cost is not the cap's price
    at_cap = np.isclose(x[bound_cols], lp.col_upper[bound_cols], rtol=1e-9, atol=1e-7)
    bound_price = np.where(is_must | at_cap | np.isnan(d[bound_cols]), d[bound_cols], 0.0)
    return pd.DataFrame({
        "name": [model.bound_names[j] for j in bound_cols],
        "family": family,
        "sense": np.where(is_must, "=", "<="),  # a must-fund column is fixed at its cap
        "rhs": np.where(is_must, lp.col_lower[bound_cols], lp.col_upper[bound_cols]),
        "activity": x[bound_cols],
        "shadow_price": bound_price,
    })


def _bound_family(name: str) -> str:
    """`parse_row(name).family` of a column bound's name, read off its prefix when it is
    `cap:<id>` or `must_fund:<id>` (parse_row's answer for those; a plan has one a project)."""
    family, _sep, rest = name.partition(":")
    return family if rest and family in ("cap", "must_fund") else parse_row(name).family


def _with_slack_and_shares(result: Result, out: pd.DataFrame,
                           sizes: list[np.ndarray]) -> pd.DataFrame:
    """The constraint table's slack, binding (within each row's own magnitude), rounding,
    price basis and the shares a share target asks for and gets."""
    slack = np.where(out["sense"] == ">=", out["activity"] - out["rhs"],
                     np.where(out["sense"] == "<=", out["rhs"] - out["activity"],
                              -np.abs(out["activity"] - out["rhs"])))
    out.insert(5, "slack", np.round(np.where(np.abs(slack) < 1e-7, 0.0, slack), 4))
    scale = np.maximum(np.maximum(1.0, np.abs(out["rhs"])), np.concatenate(sizes))
    out.insert(6, "binding", np.abs(slack) <= 1e-6 * scale)
    out["rhs"] = out["rhs"].round(4)
    out["activity"] = out["activity"].round(4)
    out["shadow_price"] = [float(f"{v:.8g}") if np.isfinite(v) else v for v in out["shadow_price"]]
    out["price_basis"] = ("MIP with integer decisions fixed" if result.duals_conditional
                          else "LP")
    shares = target_shares(result)
    required = np.full(len(out), np.nan)
    achieved = np.full(len(out), np.nan)
    for i, (req, got) in shares.items():
        required[i], achieved[i] = req, got
    out["share_required"] = np.round(required, 6)
    out["share_achieved"] = np.round(achieved, 6)
    return out
