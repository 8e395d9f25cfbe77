"""The reserve list (danh sách dự phòng): per fund, the projects waiting for money in the order
they would enter as that fund's budget grows, with the extra money at which each enters.

It is read off the model itself, not a sort: the budget row's right-hand side is raised step by
step (a parametric walk) and the program re-solved, warm-started, by HiGHS.

Mathematical formulation. With `b` the budget of one row (`budget:central`,
`budget:local:<province>`, per plan year) and `V(t)` the optimum of the program when that row's
bound is `b + t`, every other row and bound unchanged, an optimal basis stays optimal while its
primal solution stays within its bounds, and on that range the solution moves on a line
`x(t) = x(t₀) + (t − t₀)·d`. The walk finds one line per basis:

1. re-solve at `b + t + h` (h = 1 million VND; 0.001, then 10⁻⁷, when the line found does not
   pass through the projects' totals at t: a basis change within h), warm from the last basis;
   the line's direction is that basis's own, `d = B⁻¹ eᵢ` on the basic columns (one solve with
   the basis factor);
2. the line ends where a column or a row reaches a bound (the ratio test of the simplex method
   on `d`): the next breakpoint of `V`;
3. on the line each project's total `y_p(t)` is linear; it *enters* at the first `t` where it
   rises above its amount in the plan, and is *funded in full* where it reaches its cap.

The walk stops once `first` projects have entered (default 10 per fund, `kcopt solve
--reserve N`) and the first three of them are funded in full (a later one's `funded_at` may be
beyond the walk: empty), when the extra money buys nothing more (the row no longer binds:
other rows hold the waiting projects back), or when every waiting project the fund may pay is
funded.

Each row is walked on a reduced program (`_reduced`): the basic columns and those nearest to
entering kept, every other column fixed at its value. Every re-solve prices the left-out columns
with the rows' duals; one whose reduced cost says it would enter is put in and the row walked
again (column generation), so the list is the whole program's. Cost: one warm re-solve per
breakpoint, and the demo's targets tie 4–7 projects to each breakpoint, so a row takes 10–25;
measured on the 10,000-project benchmark (35 budget rows, `first` 10, ~900 re-solves): about
3 s of CPU (4.2 s before the per-row set-up — the basis's statuses, A by columns, a row's
projects, the left-out columns' costs — was made once), of which HiGHS's re-solves are 1.4 s,
against 1.2 s for the rest of the pipeline — above the ~1 s wished for (`--reserve 0` skips
it).

Plans with integer decisions: the walk is on the program with the plan's selected projects kept
selected and the others' integer decisions relaxed (a project may enter with any share of its
cap); the list says so (`basis: lp_relaxation`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.analysis.reserve_words import TOL as _TOL
from kcopt.analysis.reserve_words import first_in_line as first_in_line
from kcopt.analysis.reserve_words import reason as _reason
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model import LinearProgram
from kcopt.model.names import parse_row, rows_of
from kcopt.solvers.solve import Result

__all__ = ["RESERVE_COLUMNS", "RESERVE_FIRST", "first_in_line", "reserve_list"]

RESERVE_FIRST = 10  # projects listed per fund unless told otherwise (kcopt solve --reserve N)
RESERVE_COLUMNS = ["fund", "fund_province", "year", "rank", "project_id", "name", "province",
                   "category", "score", "status", "allocated", "cap", "missing", "enters_at",
                   "funded_at", "paid_from", "basis", "reason"]
_STEPS = (1.0, 1e-3, 1e-7)  # probe lengths h, million VND, tried in turn
_CHECKED = 3  # the walk goes on until this many of those in line are funded in full
# a reduced program keeps the basic columns, the (a·first + b) of the row nearest to entering
# and the _NEAR_ANY nearest anywhere; it is made only when that is below this share of them all
_NEAR_ROW, _NEAR_ANY, _REDUCE_BELOW = (20, 200), 300, 0.5


class _Expand(Exception):
    """A column left out of a reduced program would enter: put it in and walk again."""

    def __init__(self, columns: np.ndarray):
        super().__init__(f"{len(columns)} columns")
        self.columns = columns


@dataclass
class _Program:
    """The program the walk re-solves, a warm HiGHS instance holding it, and the per-project
    view of its columns.

    The instance may hold a reduced program: only the columns in `kept`, every other column
    fixed at its value in `x_fixed` (its money moved into the rows' bounds, `shift`). Each
    re-solve then checks the left-out columns' reduced costs against the row prices; one that
    would enter raises `_Expand`, and the walk is made again with it (column generation), so
    the walk is that of the whole program."""

    lp: LinearProgram
    highs: Any
    basis: Any
    P: sp.csr_matrix  # projects × columns: money per project
    col_fund: np.ndarray
    cap: np.ndarray
    y_plan: np.ndarray
    kept: np.ndarray | None = None
    x_fixed: np.ndarray | None = None
    shift: np.ndarray | None = None
    out: np.ndarray | None = None  # the columns left out
    out_T: sp.csr_matrix | None = None  # their coefficients, transposed (columns × rows)
    out_cost: np.ndarray | None = None  # their costs
    # where each is held: at its lower bound only, at its upper bound only, between them
    out_at: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    base_x: np.ndarray | None = None  # the whole program's solution at the plan's budgets
    base_d: np.ndarray | None = None  # and its reduced costs
    # of the whole program, made once for every row's `_reduced`: its basis's column statuses
    # (HiGHS copies the whole list on each read), which are basic, and A by columns
    owner: np.ndarray | None = None  # per column: the project whose money it is (−1: none)
    col_status: list[Any] | None = None
    basic: np.ndarray | None = None
    A_csc: sp.csc_matrix | None = None

    def _bounds(self, row: int, upper: float) -> tuple[float, float]:
        shift = float(self.shift[row]) if self.shift is not None else 0.0
        return float(max(self.lp.row_lower[row] - shift, -1e30)), float(upper - shift)

    def at(self, row: int, upper: float) -> tuple[np.ndarray, int] | None:
        """The optimal solution with row `row`'s bound at `upper` and the simplex iterations
        it took from the previous basis; None when not optimal."""
        h = self.highs
        h.changeRowBounds(int(row), *self._bounds(row, upper))
        h.run()
        if h.getModelStatus().name != "kOptimal":
            return None
        its = int(h.getInfo().simplex_iteration_count)
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        if self.kept is None:
            return x, its
        assert self.x_fixed is not None and self.out is not None and self.out_T is not None
        assert self.out_cost is not None and self.out_at is not None
        # a left-out column would enter: at its lower bound with d > 0, at its upper bound with
        # d < 0, between them with d ≠ 0 (a fixed one never)
        d = self.out_cost - self.out_T @ np.asarray(sol.row_dual, dtype=float)
        at_low, at_high, between = self.out_at
        wrong = (at_low & (d > 1e-9)) | (at_high & (d < -1e-9)) | (between & (np.abs(d) > 1e-9))
        if wrong.any():
            raise _Expand(self.out[wrong])
        full = self.x_fixed.copy()
        full[self.kept] = x
        return full, its

    def restart(self, row: int) -> None:
        h = self.highs
        h.changeRowBounds(int(row), *self._bounds(row, float(self.lp.row_upper[row])))
        if self.basis is not None:
            h.setBasis(self.basis)


def _walk_program(result: Result) -> tuple[LinearProgram, str]:
    """The LP the walk re-solves: the model's own, or for a MIP the program with the selected
    projects' integer decisions fixed at 1 and every other integer decision relaxed to [0, 1]."""
    lp = result.model.lp
    if not lp.integer.any():
        return lp, "lp"
    assert result.x is not None
    lower = lp.col_lower.copy()
    on = lp.integer & (np.round(result.x) >= 1)
    lower[on] = np.round(result.x[on])
    return replace(lp, col_lower=lower, integer=np.zeros_like(lp.integer)), "lp_relaxation"


def _program(result: Result) -> tuple[_Program, str]:
    # start-up: highspy only when this runs
    from dataclasses import replace as change

    from kcopt.solvers.highs import make_highs, to_highs_lp

    model = result.model
    lp, basis_kind = _walk_program(result)
    h = make_highs(change(model.scenario.solver, time_limit=None))
    h.setOptionValue("presolve", "off")  # re-solves start from the last basis
    h.setOptionValue("solver", "simplex")
    h.passModel(to_highs_lp(lp, names=False))
    handle = result.basis
    if basis_kind == "lp" and handle is not None and hasattr(handle, "getBasis"):
        b = handle.getBasis()
        if b.valid and len(b.col_status) == lp.shape[1]:
            h.setBasis(b)
    h.run()
    basis = h.getBasis() if h.getModelStatus().name == "kOptimal" else None
    xs = model.x_columns
    P = sp.csr_matrix((np.ones(len(xs)), (model.col_project[xs], xs)),
                      shape=(model.n_projects, lp.shape[1]))
    owner = np.full(lp.shape[1], -1, dtype=np.int64)
    owner[xs] = model.col_project[xs]
    cap = model.projects["cap"].to_numpy(float)
    assert result.x is not None
    sol = h.getSolution()
    col_status = list(basis.col_status) if basis is not None else None
    basic = None if col_status is None else \
        np.fromiter((s.name == "kBasic" for s in col_status), bool, len(col_status))
    return _Program(lp, h, basis, P, model.col_fund, np.nan_to_num(cap), P @ result.x,
                    base_x=np.asarray(sol.col_value, dtype=float),
                    base_d=np.asarray(sol.col_dual, dtype=float), owner=owner,
                    col_status=col_status,
                    basic=basic, A_csc=lp.A.tocsc()), basis_kind


def _reduced(w: _Program, row: int, first: int, extra: np.ndarray) -> _Program:
    """The program of `w` with only the columns the walk on `row` is likely to move: the basic
    ones, those of the row nearest to entering (by reduced cost per unit of the row), those
    nearest to entering anywhere, and `extra`; `w` itself when that is most of them."""
    lp = w.lp
    n = lp.shape[1]
    col_status, status, A_csc = w.col_status, w.basic, w.A_csc  # the whole program's
    assert col_status is not None and status is not None and A_csc is not None
    assert w.base_x is not None and w.base_d is not None
    x, d = w.base_x, np.abs(w.base_d)
    a = lp.A[row]
    per_unit = np.full(n, np.inf)
    per_unit[a.indices] = d[a.indices] / np.maximum(np.abs(a.data), 1e-12)
    per_unit[status] = np.inf
    near = np.where(status, np.inf, d)
    take = [np.flatnonzero(status),
            np.argsort(per_unit, kind="stable")[:_NEAR_ROW[0] * first + _NEAR_ROW[1]],
            np.argsort(near, kind="stable")[:_NEAR_ANY], extra]
    kept = np.unique(np.concatenate([t.astype(np.int64) for t in take]))
    kept = kept[np.isfinite(per_unit[kept]) | status[kept] | np.isin(kept, extra)
                | np.isfinite(near[kept])]
    if len(kept) > _REDUCE_BELOW * n:
        return w
    out = np.setdiff1d(np.arange(n), kept)
    shift = A_csc[:, out] @ x[out]
    sub = replace(lp, cost=lp.cost[kept], col_lower=lp.col_lower[kept],
                  col_upper=lp.col_upper[kept], integer=np.zeros(len(kept), dtype=bool),
                  col_names=[], A=A_csc[:, kept].tocsr(), row_lower=lp.row_lower - shift,
                  row_upper=lp.row_upper - shift)
    hs = _solve_reduced(sub, [col_status[j] for j in kept.tolist()], w.basis.row_status)
    if hs is None:
        return w
    low = x[out] <= lp.col_lower[out] + 1e-9
    high = x[out] >= lp.col_upper[out] - 1e-9
    return replace(w, highs=hs, basis=hs.getBasis(), kept=kept, x_fixed=x, shift=shift,
                   out=out, out_T=A_csc[:, out].T.tocsr(), out_cost=lp.cost[out],
                   out_at=(low & ~high, high & ~low, ~low & ~high), col_status=None,
                   basic=None, A_csc=None)


def _solve_reduced(sub: LinearProgram, col_status: list[Any], row_status: Any) -> Any:
    """HiGHS on a reduced program from the whole program's basis; None unless optimal."""
    import highspy

    # start-up: highspy only when this runs
    from kcopt.solvers.highs import make_highs, to_highs_lp

    hs = make_highs(SolverOptions(seed=0))
    hs.setOptionValue("presolve", "off")
    hs.setOptionValue("solver", "simplex")
    hs.passModel(to_highs_lp(sub, names=False))
    basis = highspy.HighsBasis()
    basis.col_status = col_status
    basis.row_status = list(row_status)
    basis.valid = True
    hs.setBasis(basis)
    hs.run()
    return hs if hs.getModelStatus().name == "kOptimal" else None


def _walk_row(w: _Program, row: int, first: int) -> list[_Entry]:
    """The walk on `row`, on a reduced program grown until no left-out column would enter
    (at most three times; then on the whole program)."""
    extra = np.zeros(0, dtype=np.int64)
    for _attempt in range(3):
        sub = _reduced(w, row, first, extra)
        try:
            return _walk(sub, row, first)
        except _Expand as grow:
            extra = np.union1d(extra, grow.columns)
    return _walk(w, row, first)


@dataclass
class _Line:
    """x(t) = x0 + (t − t0)·d for t in [t0, t1]."""

    t0: float
    t1: float
    x0: np.ndarray
    d: np.ndarray


def _line(w: _Program, row: int, base: float, t: float, y_t: np.ndarray) -> _Line | None:
    """The piece of the parametric path that starts at extra money `t` (see the module's
    formulation); None when a re-solve fails."""
    for h in _STEPS:
        got = w.at(row, base + t + h)
        if got is None:
            return None
        x = got[0]
        d = _direction(w, row)
        back = w.P @ (x - h * d)  # the line at t must be the path at t
        # np.allclose(back, y_t, atol=…, rtol=0), without its general-case machinery
        if h == _STEPS[-1] or float(np.max(np.abs(back - y_t), initial=0.0)) <= 1e-6 + 1e-3 * h:
            break
    return _Line(t + h, t + h + _ratio(w.lp, x, d, row), x, d)


def _direction(w: _Program, row: int) -> np.ndarray:
    """dx/db of the current basis when row `row`'s bound b moves: `B⁻¹ eᵢ` on the basic
    columns (HiGHS's logicals stand for −A x), 0 when the row itself is basic (not binding)."""
    h = w.highs
    n = w.lp.shape[1]
    d = np.zeros(n)
    basic = h.getBasicVariables()
    basic = np.asarray(basic[1] if isinstance(basic, tuple) else basic, dtype=np.int64)
    if (basic == -1 - row).any():  # the row's logical is basic: the row does not bind
        return d
    e = np.zeros(w.lp.shape[0])
    e[row] = 1.0
    solved = h.getBasisSolve(e)
    sol = np.asarray(solved[1] if isinstance(solved, tuple) else solved, dtype=float)
    cols = basic >= 0
    index = basic[cols] if w.kept is None else w.kept[basic[cols]]
    d[index] = sol[cols]
    d[np.abs(d) < 1e-12] = 0.0
    return d


def _ratio(lp: LinearProgram, x: np.ndarray, d: np.ndarray, row: int) -> float:
    """How far `x` may move along `d` before a column or a row (other than `row`, whose bound
    moves with the walk) reaches a bound."""
    steps = [np.inf]
    up, dn = d > 0, d < 0
    if up.any():
        steps.append(float(np.min((lp.col_upper[up] - x[up]) / d[up])))
    if dn.any():
        steps.append(float(np.min((x[dn] - lp.col_lower[dn]) / -d[dn])))
    act, a = lp.A @ x, lp.A @ d
    a[row] = 0.0
    a[np.abs(a) < 1e-9] = 0.0
    up, dn = a > 0, a < 0
    if up.any():
        steps.append(float(np.min((lp.row_upper[up] - act[up]) / a[up])))
    if dn.any():
        steps.append(float(np.min((act[dn] - lp.row_lower[dn]) / -a[dn])))
    return max(0.0, min(steps))


def _settled(entries: dict[int, _Entry], k: int) -> bool:
    """The first `k` in line are funded in full (their raise is known)."""
    line = sorted(entries.values(), key=lambda e: e.enters)[:k]
    return all(np.isfinite(e.funded) for e in line)


@dataclass
class _Entry:
    project: int
    enters: float
    funded: float = np.nan
    paid_from: str = ""


def _walk(w: _Program, row: int, first: int) -> list[_Entry]:
    """The projects that enter as row `row`'s bound grows, in order (the parametric walk)."""
    lp = w.lp
    base = float(lp.row_upper[row])
    in_row = np.unique(lp.A[row].indices)
    assert w.owner is not None
    owner = w.owner[in_row]
    scope = np.unique(owner[owner >= 0])  # the projects with a column in the row
    waiting = scope[w.y_plan[scope] < w.cap[scope] - _TOL]
    limit = float((w.cap[waiting] - w.y_plan[waiting]).sum())
    entries: dict[int, _Entry] = {}
    w.restart(row)
    y_t = w.y_plan.copy()
    t = 0.0
    for _step in range(4 * first + 40):
        if len(entries) >= first and _settled(entries, _CHECKED):
            break
        if t >= limit - _TOL:
            break
        line = _line(w, row, base, t, y_t)
        if line is None:
            break
        dy = w.P @ line.d
        if not (dy > 1e-9).any():
            break  # the extra money buys nothing: the row no longer binds
        y0 = w.P @ line.x0
        end = line.t1 if np.isfinite(line.t1) else line.t0 + limit
        _events(entries, w, line, dy, y0, t, end, first)
        y_t = y0 + (end - line.t0) * dy
        t = end
    w.restart(row)
    return sorted(entries.values(), key=lambda e: (e.enters, -w.cap[e.project], e.project))


def _events(entries: dict[int, _Entry], w: _Program, line: _Line, dy: np.ndarray,
            y0: np.ndarray, t: float, end: float, first: int) -> None:
    """Projects whose total rises on this piece: when they pass their amount in the plan
    (enter) and their cap (funded in full)."""
    for p in np.flatnonzero(dy > 1e-9).tolist():
        enters = max(t, line.t0 + (w.y_plan[p] - y0[p]) / dy[p])
        if p not in entries and enters <= end + _TOL and w.y_plan[p] < w.cap[p] - _TOL:
            if len(entries) >= first:
                continue
            cols = w.P.indices[w.P.indptr[p]:w.P.indptr[p + 1]]  # the row P[p]'s columns
            fund = w.col_fund[cols[np.argmax(line.d[cols])]]
            entries[p] = _Entry(p, round(enters, 6), paid_from="central" if fund == 0
                                else "local")
        e = entries.get(p)
        if e is not None and not np.isfinite(e.funded):
            full = line.t0 + (w.cap[p] - y0[p]) / dy[p]
            if full <= end + _TOL:
                e.funded = round(max(full, e.enters), 6)


def reserve_list(result: Result, first: int = RESERVE_FIRST) -> pd.DataFrame:
    """The reserve list of a solved plan: per fund (central, and each province's local budget,
    per plan year), the waiting projects in the order they enter as that fund grows.

    Parameters
    ----------
    result
        A solved plan: `kcopt.run(...).result` (a `Run` itself is taken too).
    first
        How many projects to list per fund (the walk stops there); 0 lists none.

    Returns
    -------
    DataFrame
        One row per (fund, project) with the columns of `RESERVE_COLUMNS`: `enters_at` is the
        extra money of that fund (million VND) at which the project first gets more money than
        in the plan, `funded_at` the extra at which it is funded in full (empty when beyond the
        walk), `missing` its cap less its amount in the plan, `paid_from` the fund its new
        money comes from, `reason` why it waits, in words.

    Examples
    --------
    >>> import kcopt
    >>> reserve = kcopt.reserve_list(kcopt.run(kcopt.demo_scenario_path()), first=3)
    >>> list(reserve.query("fund == 'central'")["rank"])
    [1, 2, 3]
    """
    result = getattr(result, "result", result)  # a Run: its result (no import of the layer above)
    result.raise_for_status()
    model = result.model
    lp = model.lp
    rows = [i for i in rows_of(lp.row_names, "budget") if lp.A[i].nnz]
    if first <= 0 or not rows or result.x is None:
        return pd.DataFrame(columns=RESERVE_COLUMNS)
    w, basis_kind = _program(result)
    if w.basis is None:
        return pd.DataFrame(columns=RESERVE_COLUMNS)
    out = []
    for i in rows:
        out += _rows(model, w, i, _walk_row(w, i, first), basis_kind)
    return pd.DataFrame(out, columns=RESERVE_COLUMNS)


def _rows(model: Any, w: _Program, row: int, entries: list[_Entry],
          basis_kind: str) -> list[dict[str, Any]]:
    name = parse_row(model.lp.row_names[row])
    frame = model.projects
    score = frame["score"].to_numpy(float)
    text = {col: frame[col] for col in ("project_id", "name", "province", "category")}
    out = []
    for rank, e in enumerate(entries, start=1):
        p = e.project
        allocated = float(w.y_plan[p])
        out.append({
            "fund": name.fund, "fund_province": name.province or "", "year": name.year,
            "rank": rank, "project_id": text["project_id"].iat[p],
            "name": text["name"].iat[p], "province": text["province"].iat[p],
            "category": text["category"].iat[p], "score": round(float(score[p]), 6),
            "status": "partial" if allocated > _TOL else "unfunded",
            "allocated": round(allocated, 6), "cap": round(float(w.cap[p]), 6),
            "missing": round(float(w.cap[p]) - allocated, 6),
            "enters_at": e.enters, "funded_at": e.funded, "paid_from": e.paid_from,
            "basis": basis_kind,
            "reason": _reason(name.fund or "", name.province, rank, e, entries, allocated,
                              float(w.cap[p]) - allocated)})
    return out
