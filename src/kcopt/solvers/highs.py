"""HiGHS through highspy: the default backend (duals, ranging, IIS, fast warm re-solves)."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np

from kcopt.solvers import RawSolution

if TYPE_CHECKING:
    from kcopt.inputs.solveropts import SolverOptions
    from kcopt.model import LinearProgram

_STATUS = {
    "kOptimal": "optimal",
    "kModelEmpty": "optimal",  # nothing to allocate: no project any fund may pay
    "kInfeasible": "infeasible",
    "kUnbounded": "unbounded",
    "kUnboundedOrInfeasible": "infeasible",
    "kTimeLimit": "time_limit",
    "kIterationLimit": "time_limit",
    "kSolutionLimit": "time_limit",
    "kInterrupt": "time_limit",
}


_banner_shown = False


def new_highs() -> highspy.Highs:
    """A new `highspy.Highs`. HiGHS 1.16 prints its banner on stdout when the process makes its
    first instance, before any option can turn output off; that one is made with stdout (the
    file descriptor, as HiGHS writes from C++) pointed at /dev/null."""
    global _banner_shown
    if _banner_shown:
        return highspy.Highs()
    _banner_shown = True
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no stdout to protect
        return highspy.Highs()
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@cache
def version() -> str:
    """HiGHS's version, read once per process (an instance made only to ask it costs ~0.4 ms,
    and every solve reports it: twice per what-if)."""
    h = new_highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


def to_highs_lp(lp: LinearProgram, names: bool = True) -> highspy.HighsLp:
    A = lp.A.tocsc()
    h = highspy.HighsLp()
    h.num_col_, h.num_row_ = lp.A.shape[1], lp.A.shape[0]
    h.col_cost_ = lp.cost
    h.col_lower_ = lp.col_lower
    h.col_upper_ = np.where(np.isinf(lp.col_upper), highspy.kHighsInf, lp.col_upper)
    h.row_lower_ = np.where(np.isinf(lp.row_lower), -highspy.kHighsInf, lp.row_lower)
    h.row_upper_ = np.where(np.isinf(lp.row_upper), highspy.kHighsInf, lp.row_upper)
    h.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    h.a_matrix_.start_ = A.indptr.astype(np.int32)
    h.a_matrix_.index_ = A.indices.astype(np.int32)
    h.a_matrix_.value_ = A.data
    h.sense_ = highspy.ObjSense.kMaximize
    if lp.integer.any():
        h.integrality_ = [highspy.HighsVarType.kInteger if i else
                          highspy.HighsVarType.kContinuous for i in lp.integer.tolist()]
    if names:
        h.col_names_ = lp.col_names
        h.row_names_ = lp.row_names
    return h


def pass_lp(h: highspy.Highs, lp: LinearProgram) -> highspy.HighsStatus:
    """Hand `lp` to `h` through highspy's overload of ``passModel`` that takes the arrays
    themselves (read as buffers): 1.2 ms at 10,000 projects, against 6–7 ms for a `HighsLp`
    whose fields pybind fills value by value (`to_highs_lp`). No names are passed: nothing
    kcopt asks of HiGHS reads them."""
    A = lp.A.tocsc()
    inf = highspy.kHighsInf
    return h.passModel(
        int(lp.shape[1]), int(lp.shape[0]), int(A.nnz), int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMaximize), 0.0, np.asarray(lp.cost, dtype=np.float64),
        np.asarray(lp.col_lower, dtype=np.float64),
        np.where(np.isinf(lp.col_upper), inf, lp.col_upper).astype(np.float64),
        np.where(np.isinf(lp.row_lower), -inf, lp.row_lower).astype(np.float64),
        np.where(np.isinf(lp.row_upper), inf, lp.row_upper).astype(np.float64),
        A.indptr[:-1].astype(np.int32), A.indices.astype(np.int32),
        A.data.astype(np.float64), np.asarray(lp.integer, dtype=np.int32))


_scheduler_threads: int | None = None


def make_highs(opts: SolverOptions) -> highspy.Highs:
    """A quiet HiGHS instance with kcopt's options.

    HiGHS keeps one thread scheduler per process, started by the first solve; a later instance
    whose ``threads`` option differs is refused ("the scheduler has already been
    initialized"). So ``threads`` is set only when the scenario asks for it, and the global
    scheduler is restarted when the count changes.
    """
    global _scheduler_threads
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("random_seed", int(opts.seed))
    if opts.time_limit:
        h.setOptionValue("time_limit", float(opts.time_limit))
    h.setOptionValue("mip_rel_gap", float(opts.mip_gap))
    if opts.threads:
        if _scheduler_threads != int(opts.threads):
            highspy.Highs.resetGlobalScheduler(True)
            _scheduler_threads = int(opts.threads)
        h.setOptionValue("threads", int(opts.threads))
    return h


def solve(lp: LinearProgram, opts: SolverOptions, near: np.ndarray | None = None,
          plan: bool = False, kept: dict[str, Any] | None = None) -> RawSolution:
    """Solve `lp`; an LP from a starting basis guessed from `near` (a point close to its
    optimum, e.g. an approved plan before a cut) when given; `plan`: `near` is a plan of this
    very program (`guessed_basis`); `kept`: the basis kept with that plan (`basis_record`),
    started from instead of the guess when it is of a program with `lp`'s columns and rows."""
    start = time.perf_counter()
    h = make_highs(opts)
    if not lp.integer.any():
        # an allocation LP is mostly bounds and a few coupling rows: presolve finds little to
        # remove and costs 3× the simplex itself (measured at 10,000 and 50,000 projects)
        h.setOptionValue("presolve", "off")
    pass_lp(h, lp)
    if near is not None and not lp.integer.any() and lp.shape[1]:
        first = recorded_basis(lp, kept)
        ok = highspy.HighsStatus.kOk
        if (first is None or h.setBasis(first) != ok) \
                and h.setBasis(guessed_basis(lp, near, plan)) != ok:
            h.clearSolver()  # a guess HiGHS cannot use: a cold start, as without one
    h.run()
    return read_solution(h, lp, start)


_LETTER: dict[Any, str] = {
    highspy.HighsBasisStatus.kLower: "L", highspy.HighsBasisStatus.kBasic: "B",
    highspy.HighsBasisStatus.kUpper: "U", highspy.HighsBasisStatus.kZero: "Z",
    highspy.HighsBasisStatus.kNonbasic: "N"}
_OF_LETTER: dict[str, Any] = {letter: status for status, letter in _LETTER.items()}


def basis_record(lp: LinearProgram, basis: highspy.HighsBasis) -> dict[str, Any]:
    """A simplex basis of `lp` as text, to keep beside the plan it is at (a run's output
    folder, `.kcopt-basis.json`): each column's and row's status as one letter (L at its lower
    bound, B basic, U at its upper bound, Z free at zero, N nonbasic), and a hash of the
    program's column and row names, so it is used only for a program of the same columns and
    rows. A re-plan's first stage starts from it rather than from a basis guessed from the
    plan: at 10,000 projects after a 5% cut, 43 dual simplex iterations instead of 106."""
    return {"format": 1, "columns": _names_hash(lp.col_names), "rows": _names_hash(lp.row_names),
            "column_status": "".join(_LETTER[s] for s in basis.col_status),
            "row_status": "".join(_LETTER[s] for s in basis.row_status)}


def recorded_basis(lp: LinearProgram, record: dict[str, Any] | None) -> highspy.HighsBasis | None:
    """The basis of a `basis_record` for `lp`; None when there is none, or it is of another
    program (other columns or rows, or another length) or not read whole."""
    if not record or record.get("format") != 1:
        return None
    cols, rows = record.get("column_status"), record.get("row_status")
    if not isinstance(cols, str) or not isinstance(rows, str) \
            or (len(cols), len(rows)) != (lp.shape[1], lp.shape[0]) \
            or not set(cols + rows) <= set(_OF_LETTER) \
            or record.get("columns") != _names_hash(lp.col_names) \
            or record.get("rows") != _names_hash(lp.row_names):
        return None
    basis = highspy.HighsBasis()
    basis.col_status = [_OF_LETTER[c] for c in cols]
    basis.row_status = [_OF_LETTER[c] for c in rows]
    basis.valid = True
    return basis


def _names_hash(names: list[str]) -> str:
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def guessed_basis(lp: LinearProgram, x: np.ndarray, plan: bool = False) -> highspy.HighsBasis:
    """A starting basis read off a point `x` (clipped to the column bounds): a column strictly
    between its bounds basic, else at the bound it sits on; a row basic unless `x` holds it
    at a bound. Not square in general, so handed to HiGHS as an *alien* basis, which HiGHS
    completes (or trims) to a nonsingular one before its simplex starts — a warm start for a
    program whose optimum is near `x` (a re-plan after a cut starts from the approved plan:
    at 10,000 projects 106 dual simplex iterations instead of 910 from nothing).

    `plan`: `x` is an optimal plan of this very program before a change (the approved plan of
    a re-plan's score program), and one degenerate case is read the way the simplex leaves it:
    a project paid from both funds has a row of its total (`cap:<id>`, `must_fund:<id>`); when
    the plan pays it in full from one fund (that column at its upper bound, the row at its
    bound), the other fund's column, at 0, is basic. 529 iterations without it at 10,000
    projects. Not for a second stage started from the first's plan: the split program of the
    funds, which moves money between exactly those columns, takes 801 iterations with it
    against 414 without."""
    B = highspy.HighsBasisStatus
    x = np.clip(np.asarray(x, dtype=float), lp.col_lower, lp.col_upper)
    at_lo, at_up = _at_bounds(x, lp.col_lower, lp.col_upper)
    col = np.full(lp.shape[1], B.kBasic, dtype=object)
    col[at_up] = B.kUpper
    col[at_lo & ~_beside_a_full_column(lp, at_lo, at_up) if plan else at_lo] = B.kLower
    col[~at_lo & ~at_up & ~np.isfinite(lp.col_lower) & ~np.isfinite(lp.col_upper)] = B.kZero
    act = lp.A @ x
    row_lo, row_up = _at_bounds(act, lp.row_lower, lp.row_upper)
    row = np.full(lp.shape[0], B.kBasic, dtype=object)
    row[row_up] = B.kUpper
    row[row_lo] = B.kLower
    basis = highspy.HighsBasis()
    basis.col_status = col.tolist()
    basis.row_status = row.tolist()
    basis.valid = True
    basis.alien = True
    return basis


def _beside_a_full_column(lp: LinearProgram, at_lo: np.ndarray, at_up: np.ndarray
                         ) -> np.ndarray:
    """Per column: at its lower bound, and in a project's total row (`cap`, `must_fund`)
    with another column at its upper bound."""
    totals = [i for i, f in enumerate(lp.row_family) if f in ("cap", "must_fund")]
    out = np.zeros(lp.shape[1], dtype=bool)
    if not totals:
        return out
    A = lp.A[totals].tocsr()
    full = (A @ at_up.astype(float)) > 0  # per total row: a column of it at its upper bound
    out[A[full].indices] = True
    return out & at_lo & (lp.col_upper > lp.col_lower)


def read_solution(h: highspy.Highs, lp: LinearProgram, start: float) -> RawSolution:
    status = _STATUS.get(h.getModelStatus().name, "error")
    info = h.getInfo()
    is_mip = bool(lp.integer.any())
    has_x = info.primal_solution_status == 2 or lp.shape[1] == 0  # kSolutionStatusFeasible
    if status == "time_limit" and has_x:
        status = "feasible"
    x = row_dual = None
    objective = None
    if status in ("optimal", "feasible"):
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float).reshape(lp.shape[1])
        objective = float(info.objective_function_value) if lp.shape[1] else 0.0
        if not is_mip and sol.dual_valid:
            row_dual = np.asarray(sol.row_dual)
    gap = float(info.mip_gap) if is_mip and status in ("optimal", "feasible") else None
    return RawSolution(status, x, row_dual, objective, "highs", version(),
                       time.perf_counter() - start, gap, h.getModelStatus().name, h)


def rerun(h: Any, lp: LinearProgram) -> RawSolution:
    """`lp` solved by `h` (a `highspy.Highs`; its stubs lack `changeRowsBounds`), an instance
    holding an LP of the very same matrix: only the costs and bounds are handed over, and the
    simplex goes on from `h`'s last basis."""
    start = time.perf_counter()
    n, m = lp.shape[1], lp.shape[0]
    inf = highspy.kHighsInf
    cols = np.arange(n, dtype=np.int32)
    h.changeColsCost(n, cols, np.asarray(lp.cost, dtype=np.float64))
    h.changeColsBounds(n, cols, np.where(np.isinf(lp.col_lower), -inf, lp.col_lower),
                       np.where(np.isinf(lp.col_upper), inf, lp.col_upper))
    h.changeRowsBounds(m, np.arange(m, dtype=np.int32),
                       np.where(np.isinf(lp.row_lower), -inf, lp.row_lower),
                       np.where(np.isinf(lp.row_upper), inf, lp.row_upper))
    h.run()
    return read_solution(h, lp, start)


def solve_at(lp: LinearProgram, x: np.ndarray, opts: SolverOptions,
             hint: highspy.HighsBasis | None = None) -> RawSolution:
    """Solve the LP `lp` to an optimal basis *at* the solution `x` (optimal for it), so duals
    and ranging belong to that allocation — not to whichever alternative optimum a fresh solve
    would pick.

    First the LP with every bound and row that `x` meets made an equality: when `x` is a
    vertex it is the only point left, so that LP's simplex basis is a basis at `x`. That
    basis is handed to the LP itself, whose primal simplex (unperturbed) then only pivots
    degenerately — no step can improve an optimal `x` — to make the basis dual feasible. When
    anything fails, a plain simplex solve of `lp`. (HiGHS's own crossover from a given
    solution crashes the process with some.) `hint`: a basis optimal for `lp` at another
    optimum (the score program's), where the pinned LP's simplex starts."""
    start = time.perf_counter()
    lp = replace(lp, integer=np.zeros_like(lp.integer))
    quiet = replace(opts, time_limit=None)
    basis = None
    if lp.shape[1]:
        x = np.asarray(x, dtype=float)
        act = lp.A @ x
        at_lo, at_up = _at_bounds(x, lp.col_lower, lp.col_upper)
        row_lo, row_up = _at_bounds(act, lp.row_lower, lp.row_upper)
        pinned = replace(lp, col_lower=np.where(at_up, lp.col_upper, lp.col_lower),
                         col_upper=np.where(at_lo, lp.col_lower, lp.col_upper),
                         row_lower=np.where(row_up, lp.row_upper, lp.row_lower),
                         row_upper=np.where(row_lo, lp.row_lower, lp.row_upper))
        h0 = make_highs(quiet)
        h0.setOptionValue("solver", "simplex")
        h0.setOptionValue("presolve", "off")
        pass_lp(h0, pinned)
        if hint is not None and h0.setBasis(hint) != highspy.HighsStatus.kOk:
            h0.clearSolver()
        h0.run()
        if h0.getModelStatus().name == "kOptimal" and h0.getBasis().valid:
            basis = h0.getBasis()
            basis.col_status = _restore(list(basis.col_status), at_lo, at_up)
            basis.row_status = _restore(list(basis.row_status), row_lo, row_up)
    h = make_highs(quiet)
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("presolve", "off")
    if basis is not None:  # primal simplex, unperturbed: every pivot from x is degenerate
        h.setOptionValue("simplex_strategy", 4)
        h.setOptionValue("primal_simplex_bound_perturbation_multiplier", 0.0)
        h.setOptionValue("dual_simplex_cost_perturbation_multiplier", 0.0)
    pass_lp(h, lp)
    if basis is not None and h.setBasis(basis) != highspy.HighsStatus.kOk:
        h.clearSolver()
    h.run()
    return read_solution(h, lp, start)


def _at_bounds(v: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    tol = 1e-9 * np.maximum(1.0, np.abs(v))
    at_lo = np.isfinite(lower) & (np.abs(v - lower) <= tol)
    at_up = ~at_lo & np.isfinite(upper) & (np.abs(v - upper) <= tol)
    return at_lo, at_up


def _restore(status: list, at_lo: np.ndarray, at_up: np.ndarray) -> list:
    """Statuses of a pinned LP's basis for the LP itself: what was pinned at a bound and is
    nonbasic sits at that bound."""
    for j in np.flatnonzero(at_lo | at_up).tolist():
        if status[j] != highspy.HighsBasisStatus.kBasic:
            status[j] = highspy.HighsBasisStatus.kLower if at_lo[j] else \
                highspy.HighsBasisStatus.kUpper
    return status
