"""Weight draws solved on a reduced program with a pricing check (`DrawTask`), so that each
draw is the whole program's optimum at a fraction of its cost.

A weight draw changes every column's cost, and a warm dual simplex from the base program's
optimal basis B takes about 125 iterations at 10,000 projects whatever is done around it; what
a smaller program buys is cheaper iterations. Most columns never move under a draw: a project
funded in full whose reduced cost is far above the margin, an unfunded one far below it, a
project held by its own binding rows (cap and co-financing, both its columns basic: *frozen*,
`kcopt.analysis.reserve_program`) whose rows' prices are far from 0.

Mathematical formulation. Let d be the base program's reduced costs and `spread` the typical
change of a column's cost under a draw (the standard deviation given by the draws' Dirichlet
spread, median over the columns). The reduced program keeps the columns C: the basic columns
of projects not frozen, every nonbasic column with |d_j| < `NEAR`·spread, the frozen projects
whose binding rows' smallest |price| is below that, and with each of these every column of its
project; and the rows R that touch C. Every other column is fixed at its base value, its money
moved into the row bounds; every other row is constant and left out (its logical is basic, or
it is a frozen project's own). The base basis restricted to R and C is a basis of the reduced
program (`reserve_program`'s argument), so each draw starts from the same basis, whichever
process solves it.

After each draw's solve the answer is checked against the whole program with the draw's own
costs c: with y_R the reduced program's row prices, the rows left out priced 0 except the frozen
projects' rows, priced so that their basic columns keep a zero reduced cost, every left-out
column's reduced cost c_j − A_jᵀy must have the sign its bound allows (one sparse product over
all of them) and every frozen row's price the sign of the bound it holds. A draw that fails is
solved again on the reduced program grown by the columns that would move and their projects
(at most `_GROW` times, then on the whole program). What a draw solves depends only on the base
program and the draw, never on the draws solved before, so the table is the same over any
number of processes or a Dask cluster.

Tolerance. The reduced programs and the check hold reduced costs to `DUAL_TOL` = 10⁻¹⁰, not
HiGHS's default 10⁻⁷: a cost is score/cap, about 10⁻³ at 10,000 projects, so at 10⁻⁷ projects
worth the same to the 4th digit tie, and which plan a solve stops at depends on the program it
solves (at 10,000 projects the whole program solved at 10⁻⁷ and at 10⁻¹⁰ gives another plan
in 38 of 200 draws, the one at 10⁻⁷ scoring up to 7·10⁻⁵ less, of ~3,300). At 10⁻¹⁰ each
draw's plan is the whole program's optimum to that tolerance; on the benchmark's 1,000 draws
the table differs from one made by solving the whole program at 10⁻¹⁰ in 2 projects (by one
draw), and from the one the whole program at 10⁻⁷ gave before in 197 (by at most 3 draws:
benchmarks/README.md, "Where the sensitivity time goes"). Costs: at
10,000 projects the reduced program is ~1,030 rows × ~3,230 columns, a draw ~85 iterations at
about half the whole program's cost each, and 1 draw in 11 is grown once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from kcopt.analysis.reserve_pricing import Priced as _Priced
from kcopt.analysis.reserve_pricing import priced as _priced
from kcopt.analysis.reserve_program import _Frozen, _frozen_blocks
from kcopt.analysis.sensitivity.engine import Resolver
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model import LinearProgram, objective_coefficients

NEAR = 2.0  # a column is kept when its reduced cost is within this many spreads of 0
# below this many columns the whole program is solved (the demo's 843: 0.9 ms a draw whole,
# 1.2 reduced; the benchmark's 1,000 projects: 1.3 whole, 1.1 reduced)
REDUCE_FROM = 2000
_REDUCE_BELOW = 0.5  # the reduced program is used only when it keeps less than this share
# reduced costs and prices are held to this (HiGHS's default, 10⁻⁷, is 10⁻⁴ of a typical cost,
# score/cap: plans of nearly equal score then tie, and which one a solve stops at depends on
# the program it solves)
DUAL_TOL = 1e-10
_GROW = 3  # grown at most this often for a draw; then the whole program
_KEY = "draws"  # where a Resolver keeps its reduced program (`Resolver.extra`)


@dataclass
class _Base:
    """The whole program at the base costs, solved once per Resolver from the base basis."""

    lp: LinearProgram
    A_csc: sp.csc_matrix
    x: np.ndarray
    act: np.ndarray  # row activities
    col_status: list[Any]
    row_status: list[Any]
    col_basic: np.ndarray
    row_basic: np.ndarray
    group: np.ndarray  # per column: its project (−1: none)
    members: sp.csr_matrix  # projects × columns
    frozen: _Frozen | None
    priced: _Priced
    keep: np.ndarray  # the columns the first reduced program keeps
    tol: float  # the dual feasibility tolerance of the reduced programs and their check


@dataclass
class _Sub:
    """A reduced program in a warm HiGHS instance: its columns and rows of the whole, and the
    priced columns and frozen rows it leaves out (those are checked)."""

    cols: np.ndarray
    rows: np.ndarray
    highs: Any
    basis: Any
    out: _Priced  # the nonbasic, not fixed columns left out
    frozen_on: np.ndarray | None


def spread(criteria: np.ndarray, cap: np.ndarray, col_project: np.ndarray, objective: str,
           weights: np.ndarray, concentration: float) -> float:
    """The typical change of a column's cost under a draw: per column the standard deviation
    of its cost when the weights are Dirichlet around `weights` with `concentration`, median
    over the projects' columns (0 when there are none)."""
    active = weights > 0
    mean = weights[active] / weights[active].sum()
    cov = (np.diag(mean) - np.outer(mean, mean)) / (concentration + 1.0)
    unit = np.column_stack([objective_coefficients(criteria[:, k], cap, col_project, objective)
                            for k in np.flatnonzero(active)])
    sd = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", unit, cov, unit), 0.0))
    xs = col_project >= 0
    return float(np.median(sd[xs])) if xs.any() else 0.0


def draws_near(criteria: np.ndarray, cap: np.ndarray, col_project: np.ndarray, objective: str,
               weights: np.ndarray, concentration: float, columns: int) -> float:
    """`DrawTask.near` for draws around `weights` with `concentration`: `NEAR` spreads, or 0
    (the whole program every draw) for a program of fewer than `REDUCE_FROM` columns."""
    if columns < REDUCE_FROM:
        return 0.0
    return NEAR * spread(criteria, cap, col_project, objective, weights, concentration)


def _base(r: Resolver, col_project: np.ndarray, near: float) -> _Base | None:
    """Long: the whole program solved at its base costs from the base basis (no pivot: the
    basis is optimal), and the columns a reduced program keeps; None when there is no base
    basis (a MIP re-solved whole) or the reduced program would keep most columns."""
    import highspy  # start-up: highspy only when this runs

    lp = r.lp
    n = lp.shape[1]
    if r.basis is None or not n:
        return None
    h = r.h
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(lp.cost, dtype=float))
    h.clearSolver()
    h.setBasis(r.basis)
    h.run()
    if h.getModelStatus().name != "kOptimal":
        return None
    sol = h.getSolution()
    x = np.asarray(sol.col_value, dtype=float)
    y = np.asarray(sol.row_dual, dtype=float)
    d = np.asarray(sol.col_dual, dtype=float)
    col_status, row_status = list(r.basis.col_status), list(r.basis.row_status)
    basic = int(highspy.HighsBasisStatus.kBasic)
    col_basic = np.array([int(s) == basic for s in col_status], dtype=bool)
    row_codes = np.fromiter((int(s) for s in row_status), np.int8, len(row_status))
    A = lp.A.tocsr()
    group = np.asarray(col_project, dtype=np.int64)
    n_projects = int(group.max(initial=-1)) + 1
    mine = np.flatnonzero(group >= 0)
    members = sp.csr_matrix((np.ones(len(mine)), (group[mine], mine)), shape=(n_projects, n))
    frozen, frozen_project = _frozen_blocks(lp, A, group, col_basic, row_codes, highspy, x)
    A_csc = A.tocsc()
    priced = _priced(lp, A_csc, x, col_basic)
    free = col_basic & ~((group >= 0) & frozen_project[np.maximum(group, 0)])
    keep = [np.flatnonzero(free), priced.cols[np.abs(d[priced.cols]) < near]]
    if frozen is not None:
        held = (frozen.side != 0) & (np.abs(y[frozen.rows]) < near)
        keep.append(members[np.unique(frozen.row_project[held])].indices)
    base = _Base(lp, A_csc, x, A @ x, col_status, row_status, col_basic, row_codes == basic,
                 group, members, frozen, priced,
                 np.unique(np.concatenate(keep)).astype(np.int64), DUAL_TOL)
    return base if len(_columns(base, base.keep)) < _REDUCE_BELOW * n else None


def _columns(b: _Base, keep: np.ndarray) -> np.ndarray:
    """`keep` and every column of their projects, sorted."""
    group = b.group[keep]
    return np.union1d(keep, b.members[np.unique(group[group >= 0])].indices)


def _reduced(b: _Base, keep: np.ndarray, cost: np.ndarray, opts: SolverOptions) -> _Sub | None:
    """The reduced program with the columns `keep` (and their projects') and the rows they
    touch, at the costs `cost`, in a HiGHS instance given the base basis; None when that basis
    is not square (cannot happen when `keep` holds every basic column of a project not frozen
    and whole frozen projects)."""
    import highspy  # start-up: highspy only when this runs

    from kcopt.solvers.highs import make_highs, pass_lp

    lp = b.lp
    m, n = lp.shape
    cols = _columns(b, keep)
    part = b.A_csc[:, cols]
    in_rows = np.zeros(m, dtype=bool)
    in_rows[part.indices] = True
    rows = np.flatnonzero(in_rows)
    A_sub = part.tocsr()[rows]
    shift = b.act[rows] - A_sub @ b.x[cols]
    sub = LinearProgram(cost[cols], lp.col_lower[cols], lp.col_upper[cols],
                        np.zeros(len(cols), dtype=bool), [], A_sub, lp.row_lower[rows] - shift,
                        lp.row_upper[rows] - shift, [], [])
    if int(b.col_basic[cols].sum()) + int(b.row_basic[rows].sum()) != len(rows):
        return None
    basis = highspy.HighsBasis()
    basis.col_status = [b.col_status[j] for j in cols.tolist()]
    basis.row_status = [b.row_status[i] for i in rows.tolist()]
    basis.valid = True
    h = make_highs(opts)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("dual_feasibility_tolerance", b.tol)
    pass_lp(h, sub)
    in_cols = np.zeros(n, dtype=bool)
    in_cols[cols] = True
    frozen_on = None if b.frozen is None else ~in_rows[b.frozen.rows]
    pr = b.priced
    on = ~in_cols[pr.cols]
    out = _Priced(pr.cols[on], pr.cost[on], pr.A_T[on], pr.low[on], pr.high[on], pr.between[on])
    return _Sub(cols, rows, h, basis, out, frozen_on)


def _run(sub: _Sub, opts: SolverOptions) -> tuple[np.ndarray, np.ndarray] | None:
    """Column values and row prices of the reduced program's optimum, from the base basis;
    None when not optimal."""
    h = sub.highs
    if opts.time_limit:  # HiGHS counts its limit over every run of an instance (engine)
        h.setOptionValue("time_limit", h.getRunTime() + float(opts.time_limit))
    h.clearSolver()  # no factor, edge weights or perturbation carried over from another draw
    h.setBasis(sub.basis)
    h.run()
    if h.getModelStatus().name != "kOptimal":
        return None
    sol = h.getSolution()
    return np.asarray(sol.col_value, dtype=float), np.asarray(sol.row_dual, dtype=float)


def _check(b: _Base, sub: _Sub, cost: np.ndarray, y_sub: np.ndarray) -> np.ndarray:
    """The columns to put in for the reduced program's optimum with row prices `y_sub` to be
    the whole program's at the costs `cost` (none: it is; the module's formulation)."""
    y = np.zeros(b.lp.shape[0])
    y[sub.rows] = y_sub
    grow = [np.zeros(0, dtype=np.int64)]
    fz, tol = b.frozen, b.tol
    if fz is not None and sub.frozen_on is not None and sub.frozen_on.any():
        y_f = replace(fz, cost=cost[fz.cols]).prices(y[:, None])[:, 0]
        on = sub.frozen_on
        y[fz.rows[on]] = y_f[on]
        bad = on & (((fz.side > 0) & (y_f < -tol)) | ((fz.side < 0) & (y_f > tol)))
        if bad.any():
            grow.append(b.members[np.unique(fz.row_project[bad])].indices)
    out = sub.out
    d = cost[out.cols] - out.A_T @ y
    wrong = (out.low & (d > tol)) | (out.high & (d < -tol)) | (out.between & (np.abs(d) > tol))
    grow.append(out.cols[wrong])
    return np.concatenate(grow).astype(np.int64)


class Draws:
    """A Resolver's reduced program for weight draws (`solve`), made on its first draw."""

    def __init__(self, b: _Base, opts: SolverOptions):
        self.base, self.opts = b, opts
        self.first = _reduced(b, b.keep, b.lp.cost, opts)
        if self.first is not None:
            # an instance keeps what its first run works out from the costs for its later runs
            # (clearSolver does not reset it): run first at the program's own costs (0
            # iterations), so a draw's answer does not depend on which draw came first in this
            # process (at 10,000 projects 8 of 200 draws differed between two orders)
            _run(self.first, opts)
        self.grown = 0  # draws whose reduced program had to be grown (for the benchmark)
        self.whole = 0  # draws left to the whole program

    def solve(self, cost: np.ndarray) -> np.ndarray | None:
        """The whole program's optimal column values at the costs `cost`; None when the
        reduced programs do not give it (the caller then solves the whole program)."""
        b, sub, keep = self.base, self.first, self.base.keep
        if sub is not None:
            sub.highs.changeColsCost(len(sub.cols), np.arange(len(sub.cols), dtype=np.int32),
                                     cost[sub.cols])
        for attempt in range(_GROW + 1):
            got = _run(sub, self.opts) if sub is not None else None
            if sub is None or got is None:
                break
            grow = _check(b, sub, cost, got[1])
            if not len(grow):
                x = b.x.copy()
                x[sub.cols] = got[0]
                return x
            self.grown += attempt == 0
            keep = np.union1d(keep, grow)
            sub = _reduced(b, keep, cost, self.opts) if attempt < _GROW else None
        self.whole += 1
        return None


def draws_of(r: Resolver, col_project: np.ndarray, near: float) -> Draws | None:
    """The Resolver's `Draws` (made once and kept in `r.extra`); None when a reduced program
    would not pay (no base basis, or it would keep most columns)."""
    if _KEY not in r.extra:
        b = _base(r, col_project, near) if near > 0 else None
        r.extra[_KEY] = Draws(b, r.opts) if b is not None else None
    return r.extra[_KEY]
