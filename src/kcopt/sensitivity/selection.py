"""Selection margins for MIP runs: how far a project's score must move before the optimal
selection includes or drops it.

For a project p with a selection variable z[p], the optimum as a function of p's score is the
better of two branches — the best plan with p selected and the best without — so the selection
flips at one score. It is found by bisection on the score, each step re-solving the MIP. The
LP with the selection fixed gives a first guess (p's reduced cost, in score points), which
brackets the search and ranks projects: those nearest the margin are examined first.
Each step is a full MIP solve, so the number of projects examined is bounded (`max_projects`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from kcopt.model import objective_coefficients
from kcopt.scenario import SolverOptions
from kcopt.solve import Result
from kcopt.words import _, fixed


def _solve(model, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray,
           opts: SolverOptions) -> tuple[float, np.ndarray | None]:
    from kcopt.solvers import highs

    lp = replace(model.lp, cost=cost, col_lower=lower, col_upper=upper)
    raw = highs.solve(lp, opts)
    return (raw.objective if raw.objective is not None else float("nan")), raw.x


def selection_margins(result: Result, max_projects: int = 10, iterations: int = 6,
                      tol: float = 5e-3, jobs: int = 1, progress: bool = False) -> pd.DataFrame:
    """Per integer project (the `max_projects` nearest the selection margin): the score change
    that flips its selection, its direction, and the score at which it flips."""
    model = result.model
    lp = model.lp
    if not lp.integer.any() or result.x is None or result.objective is None:
        return pd.DataFrame(columns=["project_id", "selected", "score", "margin",
                                     "flip_score", "sentence"])
    opts = model.scenario.solver
    frame = model.projects
    score = frame["score"].to_numpy(float)
    cap = frame["cap"].to_numpy(float)
    z_cols = np.flatnonzero(lp.integer & np.array([n.startswith("z:") for n in lp.col_names]))
    z_proj = model.col_project[z_cols]
    selected = np.round(result.x[z_cols]) > 0.5
    # nearest the margin first: projects the LP relaxation funds only in part, or not as the
    # MIP does; the relaxation's reduced costs (in score points) seed each bracket
    relaxed = replace(lp, integer=np.zeros_like(lp.integer))
    from kcopt.solvers import highs

    raw = highs.solve(relaxed, replace(opts, time_limit=None))
    xs = model.x_columns
    estimate = np.zeros(len(frame))
    closeness = np.ones(len(frame))
    if raw.x is not None:
        frac = np.zeros(len(frame))
        np.add.at(frac, model.col_project[xs], raw.x[xs])
        frac = np.where(cap > 0, frac / np.where(cap > 0, cap, 1), 0)
        closeness = np.abs(frac - 0.5)
        if raw.row_dual is not None:
            from kcopt.solve import normalise_duals

            _, d = normalise_duals(relaxed, raw.x, raw.row_dual)
            per_point = cap[model.col_project[xs]] if model.scenario.objective == \
                "total_score" else 1.0
            np.maximum.at(estimate, model.col_project[xs], np.abs(d[xs]) * per_point)
    order = np.lexsort((estimate[z_proj], closeness[z_proj]))[:max_projects]
    args = [(model, int(z_proj[k]), int(z_cols[k]), bool(selected[k]), score, cap,
             float(estimate[int(z_proj[k])]), opts, iterations, tol) for k in order]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(args), desc="selection margins", unit="project", leave=False)
    rows = []
    try:
        if jobs > 1 and len(args) > 1:  # each project's bisection is independent
            from joblib import Parallel, delayed

            for row in Parallel(n_jobs=jobs, return_as="generator")(
                    delayed(_margin)(*a) for a in args):
                rows.append(row)
                if bar is not None:
                    bar.update(1)
        else:
            for a in args:
                rows.append(_margin(*a))
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return pd.DataFrame(rows)


def _margin(model, p, j, sel, score, cap, estimate, opts, iterations, tol) -> dict:
    lp = model.lp
    pid = model.projects["project_id"].iat[p]
    xs = model.x_columns

    def flips(delta: float) -> bool:
        s = score.copy()
        s[p] = max(score[p] + (-delta if sel else delta), 0.0)
        cost = lp.cost.copy()
        cost[xs] = objective_coefficients(s, cap, model.col_project, model.scenario.objective)[xs]
        _obj, x = _solve(model, cost, lp.col_lower, lp.col_upper, opts)
        return x is not None and (np.round(x[j]) > 0.5) != sel

    limit = score[p] if sel else 1.0 - score[p]
    lo, hi = 0.0, min(max(2 * estimate, 4 * tol), limit)
    if not flips(hi):
        lo, hi = hi, limit
        if hi <= lo or not flips(hi):
            return {"project_id": pid, "selected": sel, "score": round(score[p], 6),
                    "margin": float("inf"), "flip_score": float("nan"),
                    "sentence": (_("{project} stays selected whatever its score") if sel else
                                 _("{project} stays out whatever its score")).format(
                                     project=pid)}
    for _step in range(iterations):
        if hi - lo <= tol:
            break
        mid = (lo + hi) / 2
        if flips(mid):
            hi = mid
        else:
            lo = mid
    flip = score[p] - hi if sel else score[p] + hi
    sentence = (_("{project} is selected: its score would have to fall by about {margin} (to "
                  "{flip}) before it is dropped") if sel else
                _("{project} is not selected: its score would have to rise by about {margin} "
                  "(to {flip}) before it is selected"))
    return {"project_id": pid, "selected": sel, "score": round(score[p], 6),
            "margin": round(hi, 6), "flip_score": round(flip, 6),
            "sentence": sentence.format(project=pid, margin=fixed(hi, 3),
                                        flip=fixed(flip, 3))}
