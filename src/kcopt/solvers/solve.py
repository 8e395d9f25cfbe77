"""solve(): run a backend on a built model and return a `Result` — also when infeasible.

Statuses become a `Status` enum; dual values are normalised to the textbook convention for a
maximisation (the shadow price of a row is d objective / d right-hand side: a binding ≤ budget
has a positive price) whatever sign the backend uses. For a MIP, duals come from the LP with the
integer decisions fixed at their optimal values, and are flagged as conditional on that selection.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from kcopt.core.errors import InfeasibleError, SolverError
from kcopt.core.words import _
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model import LinearProgram, Model
from kcopt.model.counts import count_breaches
from kcopt.model.funds import SplitShape, needs_split, split_program
from kcopt.solvers import RawSolution

if TYPE_CHECKING:
    pass

class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # stopped by the time limit with an allocation in hand
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"  # stopped with no feasible allocation
    ERROR = "error"

    @property
    def has_solution(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(repr=False)
class Result:
    """A solved (or failed) model: values per column and row, prices, and provenance.

    A plain record: its tables are `kcopt.allocation_table(result)` and
    `kcopt.constraint_table(result)` (also `result.allocation()`, `result.constraints()`), its
    notebook view `kcopt.present.display.result_html` — attached by the package face (`kcopt`)."""

    model: Model
    status: Status
    objective: float | None
    x: np.ndarray | None
    row_activity: np.ndarray | None
    shadow_price: np.ndarray | None
    reduced_cost: np.ndarray | None
    solver: str
    solver_version: str
    runtime: float
    mip_gap: float | None = None
    duals_conditional: bool = False
    message: str = ""
    raw: RawSolution | None = field(default=None, repr=False)
    violations: list[str] = field(default_factory=list)
    # the HiGHS instance holding the optimal basis *at this allocation* (of the LP, or of the
    # MIP's LP with its integer decisions fixed): prices and ranging come from it
    basis: Any = field(default=None, repr=False)
    # the what-if's warm start (`kcopt.resolve`): the HiGHS instance and basis of the plan a
    # chain of what-ifs started from, carried by that plan and handed on to each what-if
    warm: Any = field(default=None, repr=False, compare=False)
    # the basis at the plan as text, kept when the instances above are let go (`basis_record`)
    kept_basis: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        objective = "—" if self.objective is None else f"{self.objective:,.4f}"
        return (f"<kcopt Result {self.model.scenario.name!r}: {self.status.value}, objective "
                f"{objective}, {self.model.n_projects} projects, {self.solver} "
                f"{self.solver_version}>")

    def basis_record(self) -> dict[str, Any] | None:
        """The simplex basis at the plan as text (`highs.basis_record`), which an output folder
        keeps for a re-plan to start from; None for a MIP or another solver."""
        if self.kept_basis is None and self.basis is not None and self.x is not None \
                and not self.model.lp.integer.any():
            # start-up: highspy is loaded already when a HiGHS basis is there
            from kcopt.solvers import highs

            self.kept_basis = highs.basis_record(self.model.lp, self.basis.getBasis())
        return self.kept_basis

    def raise_for_status(self) -> Result:
        if self.status == Status.INFEASIBLE:
            raise InfeasibleError(_("the scenario is infeasible: its budgets, targets and "
                                    "must-fund projects cannot all hold"))
        if not self.status.has_solution:
            raise SolverError(_("the solver stopped without an allocation ({status}: "
                                "{message})").format(status=self.status.value,
                                                     message=self.message))
        return self

    def release_solver(self) -> None:
        """Let the solver's instances go (the plan's basis and the first solve's: ~1 KB a
        project, 184 MB at 200,000). Ranging and a what-if of this result then solve afresh
        for their basis; `kcopt solve`, which asks neither, does this before its files. The
        basis at the plan is kept as text first (`basis_record`: a letter per column and row)."""
        self.basis_record()
        self.basis = self.warm = None
        if self.raw is not None:
            self.raw.handle = None


def solve(model: Model, solver: str | None = None, time_limit: float | None = None,
          mip_gap: float | None = None) -> Result:
    """Solve `model` with HiGHS (default) or a PuLP solver (`cbc`, `glpk`, …).

    Examples
    --------
    >>> import kcopt
    >>> sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    >>> result = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))
    >>> result.status.value
    'optimal'
    """
    opts = model.scenario.solver
    opts = replace(opts, name=(solver or opts.name).lower(),
                   time_limit=time_limit if time_limit is not None else opts.time_limit,
                   mip_gap=mip_gap if mip_gap is not None else opts.mip_gap)
    raw = run_backend(model.lp, opts)
    result = _result(model, raw)
    split = settle_funds(result, opts)
    if result.x is not None:
        _check_allocation(result)
        _read_prices(result, raw, opts, split)
    return result


def _check_allocation(result: Result) -> None:
    """The solver's allocation checked against every row and bound; a breach no solver
    tolerance explains turns the result into an error that names it."""
    assert result.x is not None
    result.violations = [*check_solution(result.model.lp, result.x),
                         *count_breaches(result.model, result.x)]
    if any(v.startswith("!") for v in result.violations):
        result.status = Status.ERROR
        result.message = "the solver's allocation breaks " + "; ".join(
            v[1:] for v in result.violations if v.startswith("!"))


def _read_prices(result: Result, raw: RawSolution, opts: SolverOptions, split: bool) -> None:
    """Prices and the HiGHS basis at the allocation reported: for a MIP, of its LP with the
    integer decisions fixed; after the split program, re-read at the new allocation; else
    the LP's own simplex basis."""
    model, x = result.model, result.x
    assert x is not None
    if model.lp.integer.any():
        fixed = fix_integers(model.lp, x)
        if opts.name == "highs":  # the basis at this allocation, not at another optimum
            # start-up: highspy only when this runs
            from kcopt.solvers import highs

            lp_raw = highs.solve_at(fixed, x, opts)
            result.basis = lp_raw.handle
        else:
            lp_raw = run_backend(fixed, replace(opts, time_limit=None))
        if lp_raw.row_dual is not None and lp_raw.x is not None:
            result.shadow_price, result.reduced_cost = normalise_duals(
                fixed, lp_raw.x, lp_raw.row_dual)
            result.duals_conditional = True
    elif split and opts.name == "highs":
        # start-up: highspy only when this runs
        from kcopt.solvers import highs

        hint = raw.handle.getBasis() if raw.handle is not None else None
        at = highs.solve_at(model.lp, x, replace(opts, time_limit=None), hint)
        result.basis = at.handle  # prices and ranging of the allocation reported
        if at.row_dual is not None and at.x is not None:
            result.shadow_price, result.reduced_cost = normalise_duals(model.lp, at.x,
                                                                       at.row_dual)
    elif opts.name == "highs" and raw.handle is not None:
        result.basis = raw.handle  # the LP's own simplex basis


def settle_funds(result: Result, opts: SolverOptions, shape: SplitShape | None = None,
                 warm: WarmReduced | None = None) -> bool:
    """Apply the scenario's order of funds to a score optimum: the split program
    (`kcopt.model.funds.split_program`) keeps every project's total and moves money to the
    fund paying first wherever the rows allow; whether the allocation changed.

    The score, `result.objective`, is unchanged (the split program cannot change it); prices
    already in `result` stay valid — the new allocation is optimal for the same program — and
    `solve` re-reads them at the new allocation for HiGHS. When the split program fails (a time
    limit), the first allocation stands. `shape`: the split program's structure when the
    caller keeps it (a what-if chain, `kcopt.model.funds.SplitShape`); `warm`: its HiGHS
    instance of the split program (`WarmReduced`).
    """
    model, x = result.model, result.x
    if x is None or not result.status.has_solution or \
            not needs_split(model.preference, model.col_project, x):
        return False
    raw = run_reduced(split_program(model, x, shape), replace(opts, mip_gap=0.0), near=x,
                      warm=warm)
    if raw.x is None or raw.status not in ("optimal", "feasible"):
        return False
    assert model.preference is not None
    if dot(model.preference, raw.x) >= dot(model.preference, x) - 1e-9 * max(
            1.0, float(abs(x).max())):
        return False
    result.x = raw.x
    result.row_activity = model.lp.A @ raw.x
    result.runtime += raw.runtime
    return True


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """a·b summed by numpy itself, not by BLAS: `a @ b` of two vectors of more than 10,000
    entries is OpenBLAS's threaded ddot, whose worker thread then spins for tens of
    milliseconds of CPU on another core waiting for more (a what-if at 10,000 projects spent
    ~40 ms of CPU there)."""
    return float(np.multiply(a, b).sum())


def check_solution(lp: LinearProgram, x: np.ndarray, tol: float = 1e-6) -> list[str]:
    """Every row, bound and integrality checked on the solver's answer.

    Returns one line per constraint broken by more than `tol` (relative to the size of its
    bound or of its terms, at least 1); a line starts with "!" when the breach exceeds
    1,000 × `tol`, which no solver tolerance explains.
    """
    out = []
    act = lp.A @ x
    size = abs(lp.A) @ np.abs(x)  # a row's own magnitude: Σ|a_ij x_j|

    def report(kind: str, names: list[str], excess: np.ndarray, scale: np.ndarray) -> None:
        rel = excess / np.maximum(1.0, np.abs(scale))
        for i in np.flatnonzero(rel > tol):
            flag = "!" if rel[i] > 1000 * tol else ""
            out.append(f"{flag}{kind} {names[i]} by {excess[i]:.3g}")

    upper = np.where(np.isinf(lp.row_upper), 0.0, lp.row_upper)
    lower = np.where(np.isinf(lp.row_lower), 0.0, lp.row_lower)
    report("row", lp.row_names, np.where(np.isinf(lp.row_upper), 0.0, act - upper),
           np.maximum(np.abs(upper), size))
    report("row", lp.row_names, np.where(np.isinf(lp.row_lower), 0.0, lower - act),
           np.maximum(np.abs(lower), size))
    cu = np.where(np.isinf(lp.col_upper), 0.0, lp.col_upper)
    report("bound of", lp.col_names, np.where(np.isinf(lp.col_upper), 0.0, x - cu), cu)
    report("bound of", lp.col_names, lp.col_lower - x, lp.col_lower)
    frac = np.where(lp.integer, np.abs(x - np.round(x)), 0.0)
    report("integrality of", lp.col_names, frac, np.ones(len(x)))
    return out


def run_backend(lp: LinearProgram, opts: SolverOptions,
                near: np.ndarray | None = None, plan: bool = False,
                kept: dict[str, Any] | None = None) -> RawSolution:
    """`lp` solved by the scenario's backend; HiGHS starts an LP from a basis guessed from
    `near` when given (`plan`: a plan of this very program before a change; `kept`: the basis
    kept with that plan, `highs.basis_record`; the other backends solve from scratch). A MIP
    with HiGHS: `bnb.solve_mip`, kcopt's branch-and-bound on HiGHS's LPs first."""
    if opts.name == "highs":
        # start-up: highspy, pulp only when this runs
        from kcopt.solvers import bnb, highs

        if lp.integer.any():  # a MIP: by kcopt's branch-and-bound first (`bnb.solve_mip`)
            return bnb.solve_mip(lp, opts)
        return highs.solve(lp, opts, near, plan, kept)
    from kcopt.solvers import pulp_backend

    return pulp_backend.solve(lp, opts, opts.name)


def run_reduced(lp: LinearProgram, opts: SolverOptions, near: np.ndarray | None = None,
                warm: WarmReduced | None = None) -> RawSolution:
    """`lp` solved with its fixed columns taken out (a column whose bounds meet: on the LP's
    optimal face most are) and the rows left with none of the others; the solution on all of
    `lp`'s columns, its rows' duals not read (the second stages — the split program of the
    funds, a re-plan's move program — use only the plan). `near`: a point to start from, as
    in `run_backend`. The move program at 10,000 projects keeps ~800 of its 12,000 columns and
    ~700 of its 3,000 rows. A MIP, and a program with few fixed columns, is solved whole.
    `warm`: where a chain keeps its HiGHS instance of the reduced program (`WarmReduced`).

    Mathematical formulation (F the fixed columns at their value f, R the rows with a column
    outside F; every other row holds a constant, which the first stage's plan meets)::

        max c_N·x_N   s.t.  l_R − A_{R,F}·f ≤ A_{R,N}·x_N ≤ u_R − A_{R,F}·f,   l_N ≤ x_N ≤ u_N
    """
    fixed = lp.col_lower == lp.col_upper
    if lp.integer.any() or fixed.sum() < 0.5 * lp.shape[1]:
        return run_backend(lp, opts, near)
    keep = np.flatnonzero(~fixed)
    f = np.where(fixed, lp.col_lower, 0.0)
    shift = lp.A @ f
    raw = None
    if warm is not None and opts.name == "highs" and warm.fits(lp, keep):
        from kcopt.solvers.highs import rerun  # start-up: highspy only when this runs

        raw = rerun(warm.highs, _reduced(lp, keep, warm.rows, warm.A, shift, names=False))
        if raw.status != "optimal":  # a time limit, say: the program solved afresh
            warm.drop()
            raw = None
    if raw is None:
        A_keep = lp.A[:, keep].tocsr()
        rows = np.flatnonzero(np.diff(A_keep.indptr) > 0)
        sub = _reduced(lp, keep, rows, A_keep[rows], shift)
        raw = run_backend(sub, opts, None if near is None else near[keep])
        if warm is not None and opts.name == "highs" and raw.status == "optimal":
            warm.hold(lp, keep, rows, sub.A, raw.handle)
    if raw.x is not None:
        x = f.copy()
        x[keep] = raw.x
        raw.x = x
        raw.objective = dot(lp.cost, x)
    raw.row_dual = None
    raw.handle = None  # a kept instance stays with its holder
    return raw


def _reduced(lp: LinearProgram, keep: np.ndarray, rows: np.ndarray, A: Any, shift: np.ndarray,
             names: bool = True) -> LinearProgram:
    """`lp` on the columns `keep` and the rows `rows` (`A`: that part of its matrix), the
    fixed columns' share `shift` of each row taken off its bounds."""
    return LinearProgram(
        cost=lp.cost[keep], col_lower=lp.col_lower[keep], col_upper=lp.col_upper[keep],
        integer=np.zeros(len(keep), dtype=bool),
        col_names=[lp.col_names[j] for j in keep.tolist()] if lp.col_names and names else [],
        A=A, row_lower=lp.row_lower[rows] - shift[rows],
        row_upper=lp.row_upper[rows] - shift[rows],
        row_names=[lp.row_names[i] for i in rows.tolist()] if lp.row_names and names else [],
        row_family=[lp.row_family[i] for i in rows.tolist()] if lp.row_family and names
        else [])


@dataclass(eq=False)
class WarmReduced:
    """A HiGHS instance holding the reduced program `run_reduced` last solved (the split
    program of a what-if chain), to solve the next one from its last basis when it is of the
    very same shape: the same full matrix (`A_of`, held here, so `is` can only be true of that
    very program) and the same columns kept — then the same rows too, and only costs and bounds
    differ. At 10,000 projects 0–40 simplex iterations instead of ~340 from a guessed basis."""

    A_of: Any = None
    keep: np.ndarray | None = None
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    A: Any = None  # the reduced matrix
    highs: Any = None

    def fits(self, lp: LinearProgram, keep: np.ndarray) -> bool:
        return self.highs is not None and self.A_of is lp.A and self.keep is not None \
            and np.array_equal(self.keep, keep)

    def hold(self, lp: LinearProgram, keep: np.ndarray, rows: np.ndarray, A: Any,
             highs: Any) -> None:
        self.A_of, self.keep, self.rows, self.A, self.highs = lp.A, keep, rows, A, highs

    def drop(self) -> None:
        self.A_of = self.keep = self.A = self.highs = None


def _result(model: Model, raw: RawSolution) -> Result:
    status = Status(raw.status)
    lp = model.lp
    activity = shadow = reduced = None
    if raw.x is not None:
        activity = lp.A @ raw.x
        if raw.row_dual is not None:
            shadow, reduced = normalise_duals(lp, raw.x, raw.row_dual, activity)
    return Result(model, status, raw.objective, raw.x, activity, shadow, reduced, raw.solver,
                  raw.solver_version, raw.runtime, raw.mip_gap, message=raw.message, raw=raw)


def fix_integers(lp: LinearProgram, x: np.ndarray) -> LinearProgram:
    """The LP with every integer column fixed at its (rounded) value in `x`."""
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    z = np.round(x[lp.integer])
    lower[lp.integer] = z
    upper[lp.integer] = z
    return replace(lp, col_lower=lower, col_upper=upper, integer=np.zeros_like(lp.integer))


def normalise_duals(lp: LinearProgram, x: np.ndarray, y: np.ndarray,
                    act: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Shadow prices and reduced costs in the textbook convention for a maximisation.

    Backends disagree on the sign of duals (CBC and HiGHS differ, PuLP changed between versions),
    so the sign is chosen that makes the duals feasible for this solution: reduced costs
    d = c − Aᵀy are ≥ 0 at an upper bound, ≤ 0 at a lower bound and 0 in between; a row at its
    upper bound has y ≥ 0, at its lower bound y ≤ 0. `act`: the rows' activity A·x when the
    caller has it. Aᵀy is computed once: Aᵀ(−y) is −Aᵀy to the bit (a sum of negated terms is
    the negated sum), and it is Aᵀ of the prices returned unless a price other than ±0 is
    rounded to 0 (a product with ±0 changes no sum but a zero's sign, and a reduced cost of 0
    is written 0).
    """

    # where x and the rows sit, the same for both signs: worked out once
    scale = 1.0 + np.abs(lp.cost).max(initial=0.0)
    at_up = np.isclose(x, lp.col_upper, atol=1e-7, rtol=1e-9)
    at_lo = np.isclose(x, lp.col_lower, atol=1e-7, rtol=1e-9)
    fixed = at_up & at_lo
    act = lp.A @ x if act is None else act
    r_up = np.isclose(act, lp.row_upper, atol=1e-6, rtol=1e-9)
    r_lo = np.isclose(act, lp.row_lower, atol=1e-6, rtol=1e-9)

    def violation(yy: np.ndarray, aty: np.ndarray) -> float:
        d = lp.cost - aty
        v = np.where(fixed, 0.0, np.where(at_up, np.maximum(-d, 0),
                                          np.where(at_lo, np.maximum(d, 0), np.abs(d))))
        rv = np.where(r_up & r_lo, 0.0, np.where(r_up, np.maximum(-yy, 0),
                                                 np.where(r_lo, np.maximum(yy, 0), np.abs(yy))))
        return float(v.sum() + rv.sum()) / scale

    y = np.asarray(y, dtype=float)
    aty = lp.A.T @ y
    if violation(-y, -aty) < violation(y, aty):
        y, aty = -y, -aty
    tiny = np.abs(y) < 1e-12
    if (tiny & (y != 0)).any():  # a price rounded to 0 that was not 0: Aᵀy again
        aty = lp.A.T @ np.where(tiny, 0.0, y)
    y = np.where(tiny, 0.0, y)
    d = lp.cost - aty
    d = np.where(np.abs(d) < 1e-12, 0.0, d)
    return y, d

