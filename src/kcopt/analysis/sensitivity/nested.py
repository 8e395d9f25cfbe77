"""Whether the selections of the budget frontier are nested: as a fund's budget grows, does every
project funded at one budget stay funded at the next? In an LP with only budgets, yes (money goes
to projects in one fixed order); minimum shares, all-or-nothing projects (a MIP) and share
targets can make a larger budget drop a project: a bigger project with a better score now fits
and takes the money two smaller ones had, or a target moves money between groups.

The frontier is re-solved at `points` budgets from `low` to `high` times the plan's (the central
budget alone, then every local budget together), warm-started (`engine.map_points`); between two
consecutive budgets a project *leaves* when it had money at the lower one and has none at the
higher one. For a MIP the selection is re-made at every point only with `reselect` (else it is
held fixed, as in the other sweeps, and said so).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from kcopt.analysis.sensitivity.analyses import _Layout, budget_task, program
from kcopt.analysis.sensitivity.engine import map_points
from kcopt.core.words import N_, _, num
from kcopt.solvers.solve import Result

NESTED_COLUMNS = ["sweep", "nested", "budget_from", "budget_to", "project_id", "name",
                  "province", "amount_before", "amount_after", "entering", "sentence"]
_TOL = 1e-6  # million VND


def budget_nestedness(result: Result, points: int = 11, low: float = 0.5, high: float = 1.5,
                      reselect: bool = False) -> pd.DataFrame:
    """Per sweep (central, local): one row per project that leaves the selection as the budget
    grows (`nested` False), or one row saying the selections are nested."""
    model = result.model
    layout = _Layout.of(model)
    task = budget_task(model, layout)
    factors = np.round(np.linspace(low, high, points), 6)
    rows: list[dict] = []
    for sweep, base in (("central", task.central_base), ("local", task.local_base)):
        if not len(base):
            continue
        plan = [(f, 1.0) if sweep == "central" else (1.0, f) for f in factors]
        out = map_points(program(result, reselect), task, plan, opts=model.scenario.solver,
                         desc=N_("budget sweep"))
        budgets = [float(base.sum()) * f for f in factors]
        money = [layout.project_matrix @ o["_x"] if "_x" in o else None for o in out]
        rows += _sweep_rows(model, sweep, budgets, money, bool(model.lp.integer.any()))
    return pd.DataFrame(rows, columns=NESTED_COLUMNS)


def _sweep_rows(model, sweep: str, budgets: list[float], money: list[np.ndarray | None],
                integer: bool) -> list[dict]:
    frame = model.projects
    score = frame["score"].to_numpy(float)
    ids = frame["project_id"].astype(str).to_numpy()
    scores = dict(zip(ids.tolist(), score.tolist(), strict=True))
    rows = []
    solved = [(b, y) for b, y in zip(budgets, money, strict=True) if y is not None]
    for (b0, y0), (b1, y1) in itertools.pairwise(solved):
        leaving = np.flatnonzero((y0 > _TOL) & (y1 <= _TOL))
        entering = np.flatnonzero((y0 <= _TOL) & (y1 > _TOL))
        came = sorted(entering.tolist(), key=lambda p: -score[p])
        for p in leaving.tolist():
            row = {"sweep": sweep, "nested": False, "budget_from": round(b0, 4),
                   "budget_to": round(b1, 4), "project_id": ids[p],
                   "name": frame["name"].iat[p], "province": frame["province"].iat[p],
                   "amount_before": round(float(y0[p]), 6),
                   "amount_after": round(float(y1[p]), 6),
                   "entering": "; ".join(ids[q] for q in came)}
            rows.append({**row, "sentence": nested_sentence(row, scores, integer)})
    if solved and not rows:
        row = {"sweep": sweep, "nested": True, "budget_from": round(solved[0][0], 4),
               "budget_to": round(solved[-1][0], 4), "project_id": "", "name": "",
               "province": "", "amount_before": np.nan, "amount_after": np.nan,
               "entering": ""}
        rows.append({**row, "sentence": nested_sentence(row, scores, integer)})
    return rows


def nested_sentence(row: dict, scores: dict[str, float], integer: bool) -> str:
    """A line of the nestedness table in words, in the language in use, from its columns
    (sweep, nested, budget_from/to, project_id, entering), the projects' scores by id and
    whether the program has integer decisions (the app's language switch says it again)."""
    fund = _("the central budget") if row["sweep"] == "central" else _("the local budgets")
    low, high = num(row["budget_from"]), num(row["budget_to"])
    if row["nested"]:
        return _("the selections are nested as {fund} grows from {low} to {high} million: no "
                 "funded project leaves").format(fund=fund, low=low, high=high)
    pid = str(row["project_id"])
    came = [q for q in str(row["entering"] or "").split("; ") if q]
    names = ", ".join(f"{q} ({num(scores.get(q, float('nan')), 3)})" for q in came[:4]) + \
        (" …" if len(came) > 4 else "")
    why = (_("a project with a better score that needs a larger minimum amount now fits and "
             "takes the money") if integer and any(scores.get(q, -1.0) >= scores[pid]
                                                  for q in came)
           else _("the integer rules (minimum shares, all-or-nothing) choose another "
                  "combination") if integer
           else _("the policy targets move its money to other projects"))
    return _("{project} (score {score}) leaves when {fund} grows from {low} to {high} "
             "million: {why}; entering: {entering}").format(
        project=pid, score=num(scores[pid], 3), fund=fund, low=low, high=high, why=why,
        entering=names or "—")
