"""Solving a re-plan (issue 25): the score program, then the move program (and, with
`fewest_changes`, the change program) of `kcopt.model.replan`, each on the same backend.

The allocation reported is the last stage's; it is checked against every row and bound of the
score program, and its prices are read at it (HiGHS), as after the split program of the funds.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kcopt.core.errors import Problem
from kcopt.core.words import _
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model import LinearProgram, Model
from kcopt.model.replan import Moves, change_program, move_program
from kcopt.solvers import RawSolution
from kcopt.solvers.solve import (
    Result,
    _check_allocation,
    _read_prices,
    _result,
    run_backend,
)


def solve_replan(model: Model, moves: Moves, tolerance: float, fewest_changes: bool = False,
                 solver: str | None = None, time_limit: float | None = None) -> Result:
    """The lexicographic re-plan: the best score the new situation allows (locked columns
    fixed in `model`), then the least money moved from the approved amounts within
    `tolerance` of it, then (`fewest_changes`) the fewest projects changed."""
    opts = model.scenario.solver
    opts = replace(opts, name=(solver or opts.name).lower(),
                   time_limit=time_limit if time_limit is not None else opts.time_limit)
    raw = run_backend(model.lp, opts, near=_approved_point(model, moves))
    result = _result(model, raw)
    if result.x is None or not result.status.has_solution or result.objective is None:
        return result
    n = model.lp.shape[1]
    exact = replace(opts, mip_gap=0.0)
    prices = None  # an LP's optimal face, from its prices (a MIP: the score floor)
    if tolerance == 0 and not model.lp.integer.any() and result.shadow_price is not None \
            and result.reduced_cost is not None:
        prices = (result.shadow_price, result.reduced_cost)
    moving, free = move_program(model, moves, float(result.objective), tolerance, prices,
                                spent=result.row_activity)
    second = _run_free(moving, exact)
    if second.x is not None and second.status in ("optimal", "feasible"):
        x = second.x
        if fewest_changes:
            moved = float(np.sum(second.x[n:]))
            third = run_backend(change_program(model, free, moving, moved), exact)
            if third.x is not None and third.status in ("optimal", "feasible"):
                x = third.x
                result.runtime += third.runtime
        result.x = x[:n].copy()
        result.row_activity = model.lp.A @ result.x
        result.objective = float(model.lp.cost @ result.x)  # the score of the plan reported
        result.runtime += second.runtime
    else:  # said, not hidden: the best-score plan stands, and it may move more money
        model.warnings.append(Problem("solver", _(
            "the re-plan's second stage (least money moved) stopped without a plan ({status}); "
            "the plan shown is the best-score one, which may move more money than needed").format(
                status=second.status), severity="warning", code="replan_second_stage"))
    _check_allocation(result)
    if result.x is not None:
        # the prices are stage one's when its plan is the one reported (its basis is at it)
        moved = raw.x is None or not np.allclose(result.x, raw.x, rtol=0.0, atol=1e-9)
        _read_prices(result, raw, opts, moved)
    return result


def _run_free(lp: LinearProgram, opts: SolverOptions) -> RawSolution:
    """`lp` solved with its fixed columns taken out (a column whose bounds meet: on the LP's
    optimal face most are) and the rows left with none of the others; the solution on all of
    `lp`'s columns. The move program at 10,000 projects keeps ~800 of its 12,000 columns and
    ~700 of its 3,000 rows. Its rows' duals are not read (only its plan is used). A MIP, and a
    program with few fixed columns, is solved whole.

    Mathematical formulation (F the fixed columns at their value f, R the rows with a column
    outside F; every other row holds a constant, which the first stage's plan meets)::

        max c_N·x_N   s.t.  l_R − A_{R,F}·f ≤ A_{R,N}·x_N ≤ u_R − A_{R,F}·f,   l_N ≤ x_N ≤ u_N
    """
    fixed = lp.col_lower == lp.col_upper
    if lp.integer.any() or fixed.sum() < 0.5 * lp.shape[1]:
        return run_backend(lp, opts)
    keep = np.flatnonzero(~fixed)
    f = np.where(fixed, lp.col_lower, 0.0)
    shift = lp.A @ f
    A_keep = lp.A[:, keep].tocsr()
    rows = np.flatnonzero(np.diff(A_keep.indptr) > 0)
    sub = LinearProgram(cost=lp.cost[keep], col_lower=lp.col_lower[keep],
                        col_upper=lp.col_upper[keep], integer=np.zeros(len(keep), dtype=bool),
                        col_names=[lp.col_names[j] for j in keep.tolist()] if lp.col_names
                        else [], A=A_keep[rows], row_lower=lp.row_lower[rows] - shift[rows],
                        row_upper=lp.row_upper[rows] - shift[rows],
                        row_names=[lp.row_names[i] for i in rows.tolist()] if lp.row_names
                        else [], row_family=[lp.row_family[i] for i in rows.tolist()]
                        if lp.row_family else [])
    raw = run_backend(sub, opts)
    if raw.x is not None:
        x = f.copy()
        x[keep] = raw.x
        raw.x = x
        raw.objective = float(lp.cost @ x)
    raw.row_dual = None
    return raw


def _approved_point(model: Model, moves: Moves) -> np.ndarray:
    """The approved plan on the model's columns (every other column at 0): where the score
    program's simplex starts (a cut or a top-up moves the optimum only a little from it)."""
    x = np.zeros(model.lp.shape[1])
    x[moves.index] = moves.approved
    return x
