"""The programs the reserve list's walk re-solves (`kcopt.analysis.reserve`): the whole program,
solved once at the plan's budgets (`Base`), and per budget row a reduced one (`reduced`).

Mathematical formulation of the reduced program. Let B be the optimal basis of the whole program
at the plan's budgets. A *project row* is a row whose columns all belong to one project (its cap,
its co-financing, must-fund, …). A project p is *frozen* when its binding project rows F_p (those
whose logical is nonbasic) are as many as its basic columns G_p: the rows F_p of B then have
nonzeros only in the columns G_p, B[F_p, G_p] is nonsingular, and `B⁻¹ eᵢ` is 0 on G_p for any
row i outside F_p — while the basis holds, the project's money does not move whatever budget
grows. Most basic columns are such (a project paid by both funds and funded in full: its cap and
co-financing rows bind, both its columns basic): 750 of 795 on the 10,000-project benchmark.

The reduced program of row i keeps the columns C: the basic columns of projects not frozen, the
columns nearest to entering (`reserve._reduced`), and with each of these every column of its
project; and the rows R that touch C (with i). Every other column is fixed at its value, its
money moved into the row bounds (`shift`); every other row is constant and left out. A row left
out that is not a frozen project's own has its logical basic (else B would be singular), so the
whole basis restricted to R and C is a basis of the reduced program, with the same solution and
row prices: the reduced program starts optimal.

Each re-solve then checks that its optimum, the left-out columns at their values, is optimal for
the whole program: with y_R its row prices, the rows left out priced 0, and the frozen projects'
rows priced by y_F·B[F, G] = c_G − y_R·A[R, G] (so their basic columns keep a zero reduced cost),
every left-out column must not want to move (at its lower bound a reduced cost ≤ 0, at its upper
bound ≥ 0, between them 0) and every frozen row's price must have the sign of the bound it holds.
A column that fails is put in, with its project, and the walk is made again (`Expand`): so the
walk is that of the whole program, on a program whose size does not grow with the project list.
A left-out column's reduced cost is computed only where a bound cannot clear it (`_Bound`):
it is at most |a_j|ᵀ|y − y₀| from its reduced cost at the plan's prices y₀, and at 50,000
projects that clears all but ~18,000 of the 4 million a list checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from kcopt.analysis.reserve_pricing import DUAL_TOL as _DUAL_TOL
from kcopt.analysis.reserve_pricing import Bound as _Bound
from kcopt.analysis.reserve_pricing import Priced as _Priced
from kcopt.analysis.reserve_pricing import priced as _priced
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model import LinearProgram
from kcopt.solvers.solve import Result

_CHUNK = 16  # re-solves checked together (a product of columns × row prices of 16 re-solves)
_OPTIMAL: Any = None  # highspy.HighsModelStatus.kOptimal, once highspy is imported


class Expand(Exception):
    """A column left out of a reduced program would enter: put it in and walk again."""

    def __init__(self, columns: np.ndarray):
        super().__init__(f"{len(columns)} columns")
        self.columns = columns


@dataclass
class _Frozen:
    """The frozen projects' basic columns G and binding rows F, both in project order, and
    per block size s the inverses of Bᵀ[G, F] (k blocks × s × s), for the rows' prices."""

    cols: np.ndarray
    rows: np.ndarray
    row_project: np.ndarray
    side: np.ndarray  # per row of F: +1 held at its upper bound, −1 at its lower, 0 equality
    cost: np.ndarray  # c_G
    A_T: sp.csr_matrix  # A[:, G]ᵀ
    blocks: list[tuple[np.ndarray, np.ndarray]]  # (positions in G and F, inverses)

    def prices(self, Y: np.ndarray) -> np.ndarray:
        """y_F (rows in the order of `rows`) for each column of row prices `Y` (0 on the
        rows F)."""
        r = self.cost[:, None] - self.A_T @ Y
        out = np.empty((len(self.rows), Y.shape[1]))
        for at, inv in self.blocks:
            k, s, _s = inv.shape
            out[at] = np.einsum("kij,kjl->kil", inv, r[at].reshape(k, s, -1)).reshape(k * s, -1)
        return out


@dataclass
class Base:
    """The whole walk program at the plan's budgets, solved once, and what every row's reduced
    program is made from."""

    lp: LinearProgram
    A_csc: sp.csc_matrix
    highs: Any
    basis: Any
    col_status: list[Any]
    row_status: list[Any]
    x: np.ndarray
    d: np.ndarray  # reduced costs
    act: np.ndarray  # row activities
    col_basic: np.ndarray
    P: sp.csr_matrix  # projects × columns: money per project
    owner: np.ndarray  # per column: the project whose money it is (−1: none)
    group: np.ndarray  # per column: the project it belongs to (−1: none)
    members: sp.csr_matrix  # projects × columns: 1 where the column belongs to the project
    col_fund: np.ndarray
    cap: np.ndarray
    y_plan: np.ndarray
    gap: np.ndarray  # per project: |its money at the start − its money in the plan|
    free_basic: np.ndarray  # the basic columns of projects not frozen (and auxiliaries)
    near: np.ndarray  # the nonbasic, not fixed columns by |reduced cost|, nearest first
    always: np.ndarray  # columns that would move already at the start (within HiGHS's tolerance)
    # per column of a frozen project: the smallest |price| of the bounds its project's rows
    # hold (the nearer 0, the sooner a change of prices frees it); inf for the others
    hold: np.ndarray
    frozen: _Frozen | None
    priced: _Priced
    bound: _Bound  # the priced columns' reduced costs bounded, for the check


@dataclass
class Program:
    """The program one walk re-solves, and a warm HiGHS instance holding it: the whole program
    (`cols`, `rows` None) or a reduced one, its columns `cols` and rows `rows` of the whole,
    every other column fixed at its value (its money in `shift`). `proj` are the projects whose
    columns it holds (every other project keeps its money), `P` their money per column."""

    base: Base
    lp: LinearProgram
    highs: Any
    basis: Any
    proj: np.ndarray
    P: sp.csr_matrix
    gap: float = 0.0  # the largest |money at the start − plan| of the projects left out
    cols: np.ndarray | None = None
    rows: np.ndarray | None = None
    shift: np.ndarray | None = None
    price_on: np.ndarray | None = None  # per priced column: left out, so checked
    frozen_on: np.ndarray | None = None  # per frozen row: left out, so checked
    pending: list[np.ndarray] = field(default_factory=list)  # row prices not yet checked

    def local(self, row: int) -> int:
        """The position in this program of the whole program's row `row`."""
        if self.rows is None:
            return row
        at = int(np.searchsorted(self.rows, row))
        assert at < len(self.rows) and self.rows[at] == row
        return at

    def global_cols(self, cols: np.ndarray) -> np.ndarray:
        return cols if self.cols is None else self.cols[cols]

    def _bounds(self, r: int, upper: float) -> tuple[float, float]:
        shift = float(self.shift[r]) if self.shift is not None else 0.0
        return float(max(self.lp.row_lower[r], -1e30)), float(upper - shift)

    def at(self, r: int, upper: float) -> np.ndarray | None:
        """The optimal solution (on this program's columns) with its row `r`'s bound at
        `upper` (the whole program's terms); None when not optimal. Its row prices are kept
        for `verify`."""
        h = self.highs
        h.changeRowBounds(int(r), *self._bounds(r, upper))
        h.run()
        if h.getModelStatus() != _OPTIMAL:
            return None
        sol = h.getSolution()
        if self.rows is not None:
            self.pending.append(np.asarray(sol.row_dual, dtype=float))
        return np.asarray(sol.col_value, dtype=float)

    def verify(self) -> None:
        """Raise `Expand` unless every solution `at` gave since the last call, the left-out
        columns at their values, is optimal for the whole program (the module's formulation):
        checked once per walk, all re-solves at once (a product of the left-out columns with
        the row prices of every re-solve, in chunks)."""
        pending, self.pending = self.pending, []
        if self.rows is None or not pending:
            return
        fz = self.base.frozen
        moved = self.rows if fz is None or self.frozen_on is None \
            else np.union1d(self.rows, fz.rows[self.frozen_on])  # where row prices may change
        grow = [self._check(np.column_stack(pending[k:k + _CHUNK]), moved)
                for k in range(0, len(pending), _CHUNK)]
        if any(len(g) for g in grow):
            raise Expand(np.unique(np.concatenate(grow)).astype(np.int64))

    def _check(self, Y_r: np.ndarray, moved: np.ndarray) -> np.ndarray:
        """The columns to put in for the re-solves whose row prices are the columns of `Y_r`
        (none: each is optimal for the whole program); `moved`: the rows whose prices may
        differ from the plan's (this program's and the frozen rows it checks)."""
        b = self.base
        assert self.rows is not None and self.price_on is not None
        Y = np.zeros((b.lp.shape[0], Y_r.shape[1]))
        Y[self.rows] = Y_r
        grow = [np.zeros(0, dtype=np.int64)]
        fz = b.frozen
        if fz is not None and self.frozen_on is not None and self.frozen_on.any():
            Y_f = fz.prices(Y)
            on = self.frozen_on
            Y[fz.rows[on]] = Y_f[on]
            side = fz.side[:, None]
            bad = on & (((side > 0) & (Y_f < -_DUAL_TOL))
                        | ((side < 0) & (Y_f > _DUAL_TOL))).any(axis=1)
            if bad.any():
                grow.append(b.members[np.unique(fz.row_project[bad])].indices)
        grow.append(b.bound.wrong(Y, self.price_on, moved))
        return np.concatenate(grow)

    def restart(self, r: int, upper: float) -> None:
        self.pending = []
        h = self.highs
        h.changeRowBounds(int(r), *self._bounds(r, upper))
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


def _solve_whole(result: Result, lp: LinearProgram, basis_kind: str) -> Any:
    # start-up: highspy only when this runs
    from dataclasses import replace as change

    from kcopt.solvers.highs import make_highs, pass_lp

    h = make_highs(change(result.model.scenario.solver, time_limit=None))
    h.setOptionValue("presolve", "off")  # re-solves start from the last basis
    h.setOptionValue("solver", "simplex")
    pass_lp(h, lp)
    handle = result.basis
    if basis_kind == "lp" and handle is not None and hasattr(handle, "getBasis"):
        b = handle.getBasis()
        if b.valid and len(b.col_status) == lp.shape[1]:
            h.setBasis(b)
    h.run()
    return h


def _status_codes(statuses: list[Any]) -> np.ndarray:
    return np.fromiter((int(s) for s in statuses), np.int8, len(statuses))


def program(result: Result) -> tuple[Program, str] | None:
    """The whole walk program, solved at the plan's budgets; None when it is not optimal."""
    import highspy  # start-up: highspy only when this runs

    global _OPTIMAL
    _OPTIMAL = highspy.HighsModelStatus.kOptimal
    model = result.model
    lp, basis_kind = _walk_program(result)
    h = _solve_whole(result, lp, basis_kind)
    if h.getModelStatus().name != "kOptimal":
        return None
    basis = h.getBasis()
    sol = h.getSolution()
    x = np.asarray(sol.col_value, dtype=float)
    n = lp.shape[1]
    xs = model.x_columns
    P = sp.csr_matrix((np.ones(len(xs)), (model.col_project[xs], xs)),
                      shape=(model.n_projects, n))
    owner = np.full(n, -1, dtype=np.int64)
    owner[xs] = model.col_project[xs]
    group = np.asarray(model.col_project, dtype=np.int64)
    mine = np.flatnonzero(group >= 0)
    members = sp.csr_matrix((np.ones(len(mine)), (group[mine], mine)),
                            shape=(model.n_projects, n))
    col_status, row_status = list(basis.col_status), list(basis.row_status)
    basic_code = int(highspy.HighsBasisStatus.kBasic)
    col_basic = _status_codes(col_status) == basic_code
    row_codes = _status_codes(row_status)
    A = lp.A.tocsr()
    y0 = np.asarray(sol.row_dual, dtype=float)
    frozen, frozen_project = _frozen_blocks(lp, A, group, col_basic, row_codes, highspy, x)
    free = col_basic & ~((group >= 0) & frozen_project[np.maximum(group, 0)])
    d = np.asarray(sol.col_dual, dtype=float)
    A_csc = A.tocsc()
    priced = _priced(lp, A_csc, x, col_basic)
    bound = _Bound.of(priced, y0)
    near = priced.cols[np.argsort(np.abs(d[priced.cols]), kind="stable")]
    cap = np.nan_to_num(model.projects["cap"].to_numpy(float))
    assert result.x is not None
    y_plan = P @ result.x
    base = Base(lp, A_csc, h, basis, col_status, row_status, x, d, A @ x, col_basic, P, owner,
                group, members, model.col_fund, cap, y_plan, np.abs(P @ x - y_plan),
                np.flatnonzero(free), near, _moving(bound, frozen, members),
                _hold(frozen, group, y0), frozen, priced, bound)
    return Program(base, lp, h, basis, np.arange(model.n_projects), P), basis_kind


def _hold(frozen: _Frozen | None, group: np.ndarray, y0: np.ndarray) -> np.ndarray:
    out = np.full(len(group), np.inf)
    if frozen is None:
        return out
    held = frozen.side != 0
    least = np.full(int(group.max(initial=-1)) + 1, np.inf)
    np.minimum.at(least, frozen.row_project[held], np.abs(y0[frozen.rows[held]]))
    out[frozen.cols] = least[group[frozen.cols]]
    return out


def _moving(bound: _Bound, frozen: _Frozen | None, members: sp.csr_matrix) -> np.ndarray:
    """Columns a reduced program keeps (with their projects): those that would move at the
    start already (by more than the check allows, less than HiGHS's tolerance), and frozen
    projects held by a row priced 0 (a degenerate bound: the first change frees it)."""
    priced, d, y0 = bound.priced, bound.d0, bound.y0
    wrong = ((priced.low & (d > _DUAL_TOL)) | (priced.high & (d < -_DUAL_TOL))
             | (priced.between & (np.abs(d) > _DUAL_TOL)))
    out = [priced.cols[wrong]]
    if frozen is not None:
        y_f = y0[frozen.rows]
        # a bound held at a price of 0 (degenerate): the first change of prices may free it
        bad = (((frozen.side > 0) & (y_f < _DUAL_TOL)) | ((frozen.side < 0) & (y_f > -_DUAL_TOL)))
        out.append(members[np.unique(frozen.row_project[bad])].indices)
    return np.unique(np.concatenate(out)).astype(np.int64)


def _frozen_blocks(lp: LinearProgram, A: sp.csr_matrix, group: np.ndarray, col_basic: np.ndarray,
                   row_codes: np.ndarray, highspy: Any,
                   x: np.ndarray) -> tuple[_Frozen | None, np.ndarray]:
    """The frozen projects (the module's formulation) and, per project, whether it is one."""
    m, _n = A.shape
    n_projects = int(group.max(initial=-1)) + 1
    none = np.zeros(max(n_projects, 1), dtype=bool)
    counts = np.diff(A.indptr)
    full = counts > 0
    g = group[A.indices]
    lo = np.full(m, -1, dtype=np.int64)
    hi = np.full(m, -2, dtype=np.int64)
    if len(g):
        lo[full] = np.minimum.reduceat(g, A.indptr[:-1][full])
        hi[full] = np.maximum.reduceat(g, A.indptr[:-1][full])
    basic_code = int(highspy.HighsBasisStatus.kBasic)
    binding = (lo == hi) & (lo >= 0) & (row_codes != basic_code)
    f_count = np.bincount(lo[binding], minlength=n_projects)
    own = col_basic & (group >= 0)
    g_count = np.bincount(group[own], minlength=n_projects)
    frozen = (g_count > 0) & (f_count == g_count)
    if not frozen.any():
        return None, none
    cols = np.flatnonzero(own & frozen[np.maximum(group, 0)])
    cols = cols[np.lexsort((cols, group[cols]))]
    rows = np.flatnonzero(binding & frozen[np.maximum(lo, 0)])
    rows = rows[np.lexsort((rows, lo[rows]))]
    blocks = _block_inverses(A, cols, rows, g_count[group[cols]])
    if blocks is None:
        return None, none
    upper = int(highspy.HighsBasisStatus.kUpper)
    codes = row_codes[rows]
    side = np.where(lp.row_lower[rows] == lp.row_upper[rows], 0,
                    np.where(codes == upper, 1, -1)).astype(np.int8)
    return _Frozen(cols, rows, lo[rows], side, lp.cost[cols],
                   A[:, cols].T.tocsr(), blocks), frozen


def _block_inverses(A: sp.csr_matrix, cols: np.ndarray, rows: np.ndarray, sizes: np.ndarray
                    ) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Per block size s: the positions of its blocks' columns (and rows) and the inverses of
    the blocks' transposes, Bᵀ[G, F]⁻¹ (so y_F = inv · r_G); None when a block is singular."""
    blocks = []
    for s in np.unique(sizes).tolist():
        at = np.flatnonzero(sizes == s)  # positions in cols (and in rows: same project order)
        k = len(at) // s
        part = A[rows[at]][:, cols[at]].tocoo()
        mats = np.zeros((k, s, s))
        same = part.row // s == part.col // s
        mats[part.row[same] // s, part.row[same] % s, part.col[same] % s] = part.data[same]
        mats_t = np.transpose(mats, (0, 2, 1))
        if np.any(np.abs(np.linalg.det(mats_t)) < 1e-12):
            return None
        blocks.append((at, np.linalg.inv(mats_t)))
    return blocks


def reduced(base: Base, keep: np.ndarray, row: int, below: float) -> Program | None:
    """The reduced program with the columns `keep` (and every column of their projects) and
    the rows they touch; None when that is more than `below` of the columns, or when its
    start is not the whole program's optimal basis."""
    lp = base.lp
    m, n = lp.shape
    inC = np.zeros(n, dtype=bool)
    inC[keep] = True
    group = base.group[keep]
    projects = np.unique(group[group >= 0])
    inC[base.members[projects].indices] = True
    cols = np.flatnonzero(inC)
    if len(cols) > below * n:
        return None
    part = base.A_csc[:, cols]
    inR = np.zeros(m, dtype=bool)
    inR[part.indices] = True
    inR[row] = True
    rows = np.flatnonzero(inR)
    A_sub = part.tocsr()[rows]
    shift = base.act[rows] - A_sub @ base.x[cols]
    sub = LinearProgram(lp.cost[cols], lp.col_lower[cols], lp.col_upper[cols],
                        np.zeros(len(cols), dtype=bool), [], A_sub, lp.row_lower[rows] - shift,
                        lp.row_upper[rows] - shift, [], [])
    col_status = [base.col_status[j] for j in cols.tolist()]
    row_status = [base.row_status[i] for i in rows.tolist()]
    hs = _solve_reduced(sub, col_status, row_status)
    if hs is None:
        return None
    fz = base.frozen
    frozen_on = None if fz is None else ~inR[fz.rows]
    P = base.P[projects][:, cols]
    out = base.gap.copy()
    out[projects] = 0.0
    gap = float(out.max(initial=0.0))
    return Program(base, sub, hs, hs.getBasis(), projects, P.tocsr(), gap, cols, rows, shift,
                   ~inC[base.priced.cols], frozen_on)


def _solve_reduced(sub: LinearProgram, col_status: list[Any], row_status: list[Any]) -> Any:
    """HiGHS on a reduced program from the whole program's basis; None unless optimal."""
    import highspy

    # start-up: highspy only when this runs
    from kcopt.solvers.highs import make_highs, pass_lp

    basic = int(highspy.HighsBasisStatus.kBasic)
    if sum(int(s) == basic for s in col_status) + sum(int(s) == basic for s in row_status) \
            != len(row_status):
        return None
    hs = make_highs(SolverOptions(seed=0))
    hs.setOptionValue("presolve", "off")
    hs.setOptionValue("solver", "simplex")
    pass_lp(hs, sub)
    basis = highspy.HighsBasis()
    basis.col_status = col_status
    basis.row_status = row_status
    basis.valid = True
    hs.setBasis(basis)
    hs.run()
    return hs if hs.getModelStatus().name == "kOptimal" else None
