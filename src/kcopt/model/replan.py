"""Re-planning against an approved plan (issue 25; the formulation in docs/replan.md).

A re-plan is solved lexicographically, like the order of funds (`model/funds.py`):

1. the score program, as built, with every locked project's columns fixed at its approved
   amounts (`lock_approved`): ``S* = max c·x``;
2. the *move program* (`move_program`): the same rows and bounds, the score kept (exactly on
   the LP's optimal face; within a tolerance of S* for a MIP), no budget spending less than
   the first stage's plan spends from it (`floor:spent:<budget>`: a tolerance never leaves
   money idle), and the money moved — the L1 distance between the plan and the approved plan,
   as split variables — least;
3. with `fewest_changes`, the *change program*: the money moved held at the second stage's
   least, and the number of projects whose money changes least (a MIP).

A (project, fund) pair whose approved money has no column (a stopped, excluded or newly
ineligible project, or a fund that may no longer pay it) moves its whole approved amount, a
constant: it is in the tables but not in the programs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from kcopt.core.errors import InputError, Problem
from kcopt.core.words import _, num
from kcopt.model.names import FUNDS, ColId, RowId, move_names, parse_row
from kcopt.model.program import INF, LinearProgram, Model, RowBlock


@dataclass
class Moves:
    """The approved plan on the model's columns: per support column its approved amount, and
    the columns of locked projects (fixed at it)."""

    index: np.ndarray  # the support columns
    approved: np.ndarray  # their approved amounts (million VND)
    locked: np.ndarray  # per support column: its project is locked


def approved_columns(model: Model, approved: np.ndarray, locked: np.ndarray,
                     starts: np.ndarray | None = None,
                     executed_through: int | None = None) -> Moves:
    """`approved` (projects × funds, million VND) and `locked` (per project) on the support
    columns. In a multi-year plan a project's approved money is on the column of its approved
    start year (`starts`, a year per project, NaN when it had none), and every column starting
    in a year up to `executed_through` is locked: that money is executed (or, for a project that
    had not started, can start no more)."""
    index = model.x_columns
    p, f = model.col_project[index], model.col_fund[index]
    amount, lock = approved[p, f], locked[p]
    if model.years:
        if starts is None:
            raise InputError(_("the approved plan of a multi-year programme needs each "
                               "project's start year: give the allocation.csv of its run (it "
                               "has the column start_year)"))
        assert model.col_start is not None
        year = np.asarray(model.years)[model.col_start[index]]
        amount = np.where(year == starts[p], amount, 0.0)
        if executed_through is not None:  # every column of a project started then, too
            lock = lock | (year <= executed_through) | (starts[p] <= executed_through)
    elif executed_through is not None:
        raise InputError(_("approved.executed_through is for a multi-year programme (years:); "
                           "this scenario plans one year"))
    return Moves(index, amount, lock)


def executed(model: Model, moves: Moves, through: int, carry: bool) -> Model:
    """The budgets of the executed years (up to `through`) as executed: each at least what the
    executed columns pay in it (a later cut does not reach back); with `carry`
    (`approved.carry_over: true`) what they left unspent is added to the same budget in the
    first year re-planned.

    Mathematical formulation (E the columns fixed as executed, a their amounts, y₁ the first
    open year, B the budgets as the scenario gives them)::

        budget:…:y       ≤ max(B(y), Σ_{j∈E} A_{y,j}·a_j)                     (y ≤ through)
        budget:…:y₁      ≤ B(y₁) + Σ_{y ≤ through} max(B(y) − Σ_{j∈E} A_{y,j}·a_j, 0)   (carry)
    """
    lp = model.lp
    x = np.zeros(lp.shape[1])
    x[moves.index[moves.locked]] = moves.approved[moves.locked]
    used = lp.A @ x
    upper = lp.row_upper.copy()
    first_open = next((y for y in model.years if y > through), None)
    where = {}
    for i, name in enumerate(lp.row_names):
        row = parse_row(name)
        if row.family == "budget":
            where[(row.fund, row.province, row.year)] = i
    for (fund, province, year), i in where.items():
        if year is None or year > through or not np.isfinite(upper[i]):
            continue
        upper[i] = max(float(lp.row_upper[i]), float(used[i]))
        target = where.get((fund, province, first_open))
        if carry and target is not None:
            upper[target] += max(float(lp.row_upper[i] - used[i]), 0.0)
    return replace(model, lp=replace(lp, row_upper=upper))


def lock_approved(model: Model, moves: Moves) -> Model:
    """The model with every locked project's columns fixed at its approved amounts.

    Mathematical formulation (L the locked projects, a their approved amounts)::

        x_j = a_j   for every support column j of a project in L

    A bound, not a row. An approved amount above the column's bound today (the project's cost,
    and so its cap, fell) is held at the bound, and said.
    """
    lp = model.lp
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    cols = moves.index[moves.locked]
    amount = moves.approved[moves.locked]
    over = amount > upper[cols] + 1e-9
    ids = model.projects["project_id"].astype(str).to_numpy()
    for j, a in zip(cols[over], amount[over], strict=True):
        model.warnings.append(Problem("approved", _(
            "{project} is locked at {amount} million VND from the {fund} fund, above what it may "
            "receive now ({cap} million VND); it is held at {cap}").format(
                project=ids[model.col_project[j]], amount=num(a, 3),
                fund=FUNDS[model.col_fund[j]], cap=num(upper[j], 3)), severity="warning",
            code="locked_above_cap"))
    held = np.minimum(amount, upper[cols])
    lower[cols] = upper[cols] = held
    return replace(model, lp=replace(lp, col_lower=lower, col_upper=upper))


def move_program(model: Model, moves: Moves, score: float, tolerance: float,
                 prices: tuple[np.ndarray, np.ndarray] | None = None,
                 spent: np.ndarray | None = None) -> tuple[LinearProgram, Moves]:
    """The second stage: the score kept, the money moved least, no money spent left idle.

    Mathematical formulation (a the approved amounts on the support columns J, S* the score
    optimum, τ the tolerance, B the budget rows and s_b = A_b·x¹ what the first stage's plan
    x¹ spends from budget b — `spent`, its row activity)::

        max   −Σ_{j∈J} (u_j + d_j)
        s.t.  every row and bound of the score program (locked columns fixed)
              move:<id>:<fund>   x_j − u_j + d_j = a_j          u_j, d_j ≥ 0   (j ∈ J)
              floor:spent:<b>    A_b·x ≥ min(s_b, upper_b)                     (b ∈ B)
              the score kept: the LP's optimal face (τ = 0), or
              floor:score        c·x ≥ S* − max(τ, 10⁻⁹)·max(|S*|, 1)   (τ > 0, or a MIP)

    At an optimum u_j·d_j = 0, so u_j + d_j = |x_j − a_j|: the objective is the L1 distance
    to the approved plan (money added plus money taken, million VND). The columns are named
    `move_up:<id>:<fund>` (u) and `move_down:<id>:<fund>` (d). A column the program fixes (a
    locked one, or one the optimal face holds at a bound) moves a constant: it gets no split
    variables. Returns the program and the columns that have them (for `change_program`).

    With τ = 0 (the default) the score is kept *exactly* for an LP, whose first stage gives
    prices (`prices` = the shadow prices y and reduced costs r of its optimum, textbook
    signs): a feasible x is optimal if and only if it is complementary slack with y and r, so
    every column with r_j ≠ 0 stays at the bound it is at and every row with y_i ≠ 0 at the
    bound it binds at (the optimal face), and c·x = S* on all of it. A score floor lets the
    second stage trade score for less money moved, up to τ·|S*| score points, which is what a
    planner who sets τ > 0 asks for; a MIP has no prices, so there the floor holds the score
    (within 10⁻⁹ when τ = 0). The score floor alone would let the second stage also leave
    money unspent to move less (a project's cut not given to another); the `floor:spent` rows
    forbid it: each budget — central, each province's local, per plan year — spends at least
    what the first stage spent (the best score's plan, which they never cut off).

    Long: the formulation is written out here, beside the code that builds it.
    """
    lp = _on_optimal_face(model.lp, prices) if prices is not None else model.lp
    free = lp.col_lower[moves.index] < lp.col_upper[moves.index]
    moves = Moves(moves.index[free], moves.approved[free], moves.locked[free])
    n, m = lp.shape[1], len(moves.index)
    names = _move_names(model, moves)
    rows = RowBlock()
    k = np.arange(m)
    rows.add("move", move_names("move", names), moves.approved,
             moves.approved, np.concatenate([k, k, k]),
             np.concatenate([moves.index, n + k, n + m + k]),
             np.concatenate([np.ones(m), -np.ones(m), np.ones(m)]))
    if prices is None:
        nz = np.flatnonzero(lp.cost)
        floor = score - max(tolerance, SCORE_SLACK) * max(abs(score), 1.0)
        rows.add("floor", [str(RowId.floor("score"))], floor, INF, np.zeros(len(nz)), nz,
                 lp.cost[nz])
    if spent is not None:
        _add_spent_floors(rows, lp, spent)
    A, lower, upper = rows.matrix(n + 2 * m)
    cols = [*move_names("move_up", names), *move_names("move_down", names)]
    program = LinearProgram(
        cost=np.concatenate([np.zeros(n), -np.ones(2 * m)]),
        col_lower=np.concatenate([lp.col_lower, np.zeros(2 * m)]),
        col_upper=np.concatenate([lp.col_upper, np.full(2 * m, INF)]),
        integer=np.concatenate([lp.integer, np.zeros(2 * m, dtype=bool)]),
        col_names=lp.col_names + cols,
        A=sp.vstack([sp.hstack([lp.A, sp.csr_matrix((lp.shape[0], 2 * m))]), A]).tocsr(),
        row_lower=np.concatenate([lp.row_lower, lower]),
        row_upper=np.concatenate([lp.row_upper, upper]),
        row_names=lp.row_names + rows.names, row_family=lp.row_family + rows.family)
    return program, moves


def _add_spent_floors(rows: RowBlock, lp: LinearProgram, spent: np.ndarray) -> None:
    """floor:spent:<budget>: each budget row's expression at least what the first stage
    spent from it (`spent`, the rows' activity at its plan), never above the row's bound."""
    budgets = np.flatnonzero(np.asarray(lp.row_family, dtype=object) == "budget")
    if not len(budgets):
        return
    block = lp.A[budgets].tocoo()
    floor = np.minimum(spent[budgets], lp.row_upper[budgets])
    rows.add("floor", [str(RowId.spent(parse_row(lp.row_names[i]))) for i in budgets],
             floor, INF, block.row, block.col, block.data)


SCORE_SLACK = 1e-9  # relative: the least a score floor gives, for the solver's last digits
PRICE_ZERO = 1e-7  # a price below this share of the largest objective coefficient is 0


def _on_optimal_face(lp: LinearProgram, prices: tuple[np.ndarray, np.ndarray]) -> LinearProgram:
    """`lp` with every column of nonzero reduced cost at its bound and every row of nonzero
    shadow price at its bound (textbook signs: r > 0 at an upper bound, y > 0 at an upper
    row bound): the optimal face, complementary slack with the prices."""
    y, r = prices
    eps = PRICE_ZERO * max(float(np.abs(lp.cost).max(initial=0.0)), 1e-12)
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    up, down = r > eps, r < -eps
    lower[up] = upper[up]
    upper[down] = lower[down]
    row_lower, row_upper = lp.row_lower.copy(), lp.row_upper.copy()
    rup, rdown = (y > eps) & np.isfinite(row_upper), (y < -eps) & np.isfinite(row_lower)
    row_lower[rup] = row_upper[rup]
    row_upper[rdown] = row_lower[rdown]
    return replace(lp, col_lower=lower, col_upper=upper, row_lower=row_lower,
                   row_upper=row_upper)


MOVED_SLACK = 1e-9  # relative: the money moved the change program may add (well below a đồng)


def change_program(model: Model, moves: Moves, moving: LinearProgram,
                   moved: float) -> LinearProgram:
    """The third stage (`fewest_changes`): the money moved held, the projects changed fewest.

    Mathematical formulation (the move program's rows and columns, M_j = max(upper_j, a_j) the
    most column j can move, L* the second stage's least money moved)::

        max   −Σ_p w_p                                     w_p ∈ {0, 1}   (changed:<id>)
        s.t.  every row and bound of the move program
              change:<id>:<fund>   u_j + d_j − M_j·w_{p(j)} ≤ 0
              floor:moved          Σ_j (u_j + d_j) ≤ L* + 10⁻⁹·max(L*, 1)

    A MIP: a project counts once however many of its funds change.
    """
    n0, m = model.lp.shape[1], len(moves.index)
    n = moving.shape[1]
    names = _move_names(model, moves)
    p = model.col_project[moves.index]
    projects, which = np.unique(p, return_inverse=True)
    ids = model.projects["project_id"].astype(str).to_numpy()
    upper = np.where(np.isinf(model.lp.col_upper[moves.index]), moves.approved,
                     model.lp.col_upper[moves.index])
    big = np.maximum(np.maximum(upper, moves.approved), 1e-6)
    rows = RowBlock()
    k = np.arange(m)
    rows.add("change", move_names("change", names), -INF, 0.0,
             np.concatenate([k, k, k]), np.concatenate([n0 + k, n0 + m + k, n + which]),
             np.concatenate([np.ones(m), np.ones(m), -big]))
    cap = moved + MOVED_SLACK * max(moved, 1.0)  # the solver's last digits, not a trade-off
    rows.add("floor", [str(RowId.floor("moved"))], -INF, cap, np.zeros(2 * m),
             n0 + np.arange(2 * m), np.ones(2 * m))
    w = len(projects)
    A, lower, upper_rows = rows.matrix(n + w)
    return LinearProgram(
        cost=np.concatenate([np.zeros(n), -np.ones(w)]),
        col_lower=np.concatenate([moving.col_lower, np.zeros(w)]),
        col_upper=np.concatenate([moving.col_upper, np.ones(w)]),
        integer=np.concatenate([moving.integer, np.ones(w, dtype=bool)]),
        col_names=moving.col_names + [str(ColId.changed(ids[q])) for q in projects],
        A=sp.vstack([sp.hstack([moving.A, sp.csr_matrix((moving.shape[0], w))]), A]).tocsr(),
        row_lower=np.concatenate([moving.row_lower, lower]),
        row_upper=np.concatenate([moving.row_upper, upper_rows]),
        row_names=moving.row_names + rows.names, row_family=moving.row_family + rows.family)


def _move_names(model: Model, moves: Moves) -> list[tuple[str, str]]:
    ids = model.projects["project_id"].astype(str).to_numpy(object)
    funds = np.asarray(FUNDS, dtype=object)
    return list(zip(ids[model.col_project[moves.index]].tolist(),
                    funds[model.col_fund[moves.index]].tolist(), strict=True))
