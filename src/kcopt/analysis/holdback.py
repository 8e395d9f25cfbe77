"""What holds a project back: the binding rows whose price its money would pay, and no others.

A share target measures against an auxiliary total T (the `total:<fund>[:year]` rows read
`Σ w·x − T = 0`), so funding a project moves a share row twice: directly, when the target counts
the project, and through T. Its effective coefficient in row r is `a[r,j] + a[r,T]·w_j`. With the
prices normalised as the solvers give them (a binding ≤ row has π ≥ 0, a binding ≥ row π ≤ 0),
funding column j tightens row r exactly when `a_eff[r,j]·π_r > 0`. A row where that product is
negative would loosen if the project were funded (a training-share cap, for a project that is not
training): such a row is never what holds the project back.

Mathematical formulation::

    A_eff = A + A[:, T]·S,   S[t, j] = a[row_t, j] / (−a[row_t, T_t])   (T substituted)
    holds[r, j] = A_eff[r, j]·π_r   where it is > 0 and row r is at the bound π prices

The total rows drop out of A_eff (their own coefficients cancel), so a reason never names them.
The same rows say why a budget has money left (`money_left`, summary.json's `money_left`), and
`idle_budget_rows` gives the budgets no project may draw on their row in constraints.csv.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.inputs.scenario import Scenario
from kcopt.model.names import RowId
from kcopt.model.program import LinearProgram
from kcopt.solvers.solve import Result

PRICE_TOL = 1e-12  # a price below this is a solver's zero
BIND_TOL = 1e-6  # relative to the row's own size, as constraints.csv's `binding`


# the last program's effective matrix: every what-if of a plan shares its matrix and names
# (`kcopt.resolve` changes costs and bounds only), so its reasons substitute the totals once
_LAST: list[tuple[Any, list[str], list[str], sp.csr_matrix]] = []


def effective_matrix(lp: LinearProgram) -> sp.csr_matrix:
    """The constraint matrix with every auxiliary total substituted by its definition: column
    j's coefficient in row r counts what funding j does to r through the totals it enters;
    the total rows and the total columns are zero."""
    last = _LAST[-1] if _LAST else None
    if last is not None and last[0] is lp.A and last[1] is lp.row_names \
            and last[2] is lp.col_names:
        return last[3]
    out = _effective_matrix(lp)
    _LAST[:] = [(lp.A, lp.row_names, lp.col_names, out)]
    return out


def _effective_matrix(lp: LinearProgram) -> sp.csr_matrix:
    A = lp.A.tocsr()
    row_of = {n: i for i, n in enumerate(lp.row_names) if lp.row_family[i] == "total"}
    pairs = [(row_of[n], j) for j, n in enumerate(lp.col_names) if n in row_of]
    if not pairs:
        return A
    rows = np.array([r for r, _c in pairs])
    cols = np.array([c for _r, c in pairs])
    own = np.asarray(A[rows, cols]).ravel()  # −1 as the builder writes it
    definition = sp.diags(-1.0 / own) @ A[rows, :]  # T_t = Σ_j S[t, j]·x_j
    out = (A + A[:, cols] @ definition).tocsr()
    out.data[np.abs(out.data) < 1e-15] = 0.0
    out.eliminate_zeros()
    return out


def priced_rows(result: Result) -> np.ndarray:
    """Each row's price where the row sits at the bound that price belongs to; 0 elsewhere (a
    price on a row with room is a solver's rounding, not a limit)."""
    lp = result.model.lp
    if result.shadow_price is None:
        return np.zeros(lp.shape[0])
    pi = np.where(np.abs(result.shadow_price) > PRICE_TOL, result.shadow_price, 0.0)
    if result.row_activity is None or result.x is None:
        return pi
    act = result.row_activity
    size = np.maximum(1.0, absolute(lp.A) @ np.abs(result.x))
    with np.errstate(invalid="ignore"):
        at_upper = np.isfinite(lp.row_upper) & (
            lp.row_upper - act <= BIND_TOL * np.maximum(size, np.abs(lp.row_upper)))
        at_lower = np.isfinite(lp.row_lower) & (
            act - lp.row_lower <= BIND_TOL * np.maximum(size, np.abs(lp.row_lower)))
    return np.where(((pi > 0) & at_upper) | ((pi < 0) & at_lower), pi, 0.0)


def absolute(A: Any) -> Any:
    """|A|, elementwise: made once per program (every what-if of a plan shares its matrix)."""
    last = _ABS[-1] if _ABS else None
    if last is not None and last[0] is A:
        return last[1]
    out = abs(A)
    _ABS[:] = [(A, out)]
    return out


_ABS: list[tuple[Any, Any]] = []  # the last program's matrix and its |A|


def holding_matrix(result: Result, pi: np.ndarray | None = None) -> sp.csc_matrix | None:
    """Rows × columns: what each binding row charges a unit of each column, kept only where
    funding the column would tighten the row (None without prices). `pi`: the rows' prices
    at their bounds when the caller has them (`priced_rows`)."""
    if result.shadow_price is None:
        return None
    pi = priced_rows(result) if pi is None else pi
    # only the priced rows can charge anything: a few dozen of a national plan's thousands
    priced = np.flatnonzero(pi)
    part = effective_matrix(result.model.lp)[priced]
    part.data = part.data * np.repeat(pi[priced], np.diff(part.indptr))
    part.data[part.data <= PRICE_TOL * 1e-3] = 0.0
    part.eliminate_zeros()
    indptr = np.zeros(len(pi) + 1, dtype=part.indptr.dtype)
    indptr[priced + 1] = np.diff(part.indptr)
    charged = sp.csr_matrix((part.data, part.indices, np.cumsum(indptr)),
                            shape=(len(pi), part.shape[1]))
    return charged.tocsc()


def columns_with_room(result: Result) -> np.ndarray:
    """Support columns below their own upper bound: money a row could be holding back (a column
    at its bound is held by that bound, its fund's cap, whatever the rows' prices)."""
    model, lp = result.model, result.model.lp
    xs = model.x_columns
    if result.x is None:
        return xs
    upper = lp.col_upper[xs]
    room = result.x[xs] < upper - 1e-7 * np.maximum(1.0, np.abs(np.where(
        np.isfinite(upper), upper, 0.0)))
    return xs[room]


def holding_rows(held: sp.csc_matrix, cols: np.ndarray, owners: np.ndarray
                 ) -> dict[int, list[int]]:
    """Owner (a project, a budget row …) → the rows holding back any of its columns `cols`
    (`owners[k]` owns `cols[k]`), the row charging the most first."""
    ordered, first = _held_pairs(held, cols, owners)
    if not len(ordered):
        return {}
    rows = ordered[:, 1].tolist()
    ends = [*first[1:].tolist(), len(rows)]
    return {owner: rows[a:b] for owner, a, b in zip(
        ordered[first, 0].tolist(), first.tolist(), ends, strict=True)}


def _held_pairs(held: sp.csc_matrix, cols: np.ndarray, owners: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """`holding_rows`' (owner, row) pairs, by owner and the row charging the most first, and
    where each owner's pairs start."""
    empty = np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    if not len(cols):
        return empty
    part = held[:, cols].tocoo()
    if not part.nnz:
        return empty
    who = np.asarray(owners, dtype=np.int64)[part.col]
    m = max(held.shape[0], 1)  # (owner, row) as one number: sorts as the pairs do
    keys, where = np.unique(who * m + part.row, return_inverse=True)
    pairs = np.column_stack([keys // m, keys % m])
    charge = np.bincount(where.ravel(), weights=part.data, minlength=len(pairs))
    ordered = pairs[np.lexsort((-charge, pairs[:, 0]))]
    return ordered, np.flatnonzero(np.r_[True, ordered[1:, 0] != ordered[:-1, 0]])


def holding_groups(held: sp.csc_matrix, cols: np.ndarray, owners: np.ndarray
                   ) -> tuple[list[int], list[int], list[list[int]]]:
    """`holding_rows` with the owners held back by the same rows in the same order grouped
    (most projects share theirs): the owners, each one's group, and each group's rows. The
    groups are found by a hash of each owner's rows (`_grouped`)."""
    ordered, first = _held_pairs(held, cols, owners)
    if not len(ordered):
        return [], [], []
    rows = ordered[:, 1]
    length = np.diff(np.r_[first, len(rows)])
    at = np.arange(len(rows)) - np.repeat(first, length)  # a row's place in its owner's list
    k1, k2, k3 = _HASH_KEYS
    with np.errstate(over="ignore"):  # wrapping arithmetic: a hash of the rows and their order
        sig = np.add.reduceat((rows + 1) * k1 + (at + 1) * k2 * (rows + 7), first) + length * k3
    group, lists = _grouped(rows, first, sig)
    return ordered[first, 0].tolist(), group, lists


_HASH_KEYS = np.random.default_rng(28).integers(1, 2**62, size=3, dtype=np.int64)  # drawn once


def _grouped(rows: np.ndarray, first: np.ndarray, sig: np.ndarray
             ) -> tuple[list[int], list[list[int]]]:
    """Owners' lists of rows (owner k's: `rows[first[k]:first[k + 1]]`) grouped by their hash
    `sig`, then checked row for row; when two lists share a hash, one group per distinct list,
    found in Python. Each owner's group, and each group's rows."""
    length = np.diff(np.r_[first, len(rows)])
    _, lead, group = np.unique(sig, return_index=True, return_inverse=True)
    group = group.ravel()
    start = first[lead][group]  # where each owner's group's first list starts
    same = bool((length == length[lead][group]).all())
    if same:
        at = np.arange(len(rows)) - np.repeat(first, length)
        same = bool((rows == rows[np.repeat(start, length) + at]).all())
    if not same:
        bounds = zip(first.tolist(), [*first[1:].tolist(), len(rows)], strict=True)
        seen: dict[tuple[int, ...], int] = {}
        of = [seen.setdefault(tuple(rows[a:b].tolist()), len(seen)) for a, b in bounds]
        return of, [list(k) for k in seen]
    ends = first[lead] + length[lead]
    return group.tolist(), [rows[a:b].tolist() for a, b in zip(
        first[lead].tolist(), ends.tolist(), strict=True)]


def money_left(result: Result, status: np.ndarray,
               idle: list[tuple[str, float]] | None = None) -> list[dict[str, object]]:
    """Every budget with money left (not binding, as `constraints.csv` judges it), and why:
    how many projects it may pay, which of them could take more of it (not funded in full,
    their column from this budget below its own cap) and the binding rows holding those back.
    `idle` adds the budgets no project may draw on (name, amount), as `constraints.csv` lists
    them.

    Each record: `{name, budget, allocated, left, projects, waiting: [ids], held_by: [rows]}`
    — row names, so the report words them in its own language."""
    model, lp = result.model, result.model.lp
    if result.x is None:
        return []
    ids = model.projects["project_id"].to_numpy().astype(str)
    act = lp.A @ result.x
    size = abs(lp.A) @ np.abs(result.x)
    A = lp.A.tocsr()
    held = holding_matrix(result)
    room = np.zeros(lp.shape[1], dtype=bool)
    room[columns_with_room(result)] = True
    open_ = (status == "partial") | (status == "unfunded")
    out: list[dict[str, object]] = []
    for i in (i for i, f in enumerate(lp.row_family) if f == "budget"):
        budget = float(lp.row_upper[i])
        left = budget - float(act[i])
        if left <= BIND_TOL * max(1.0, abs(budget), float(size[i])):
            continue
        cols = A.indices[A.indptr[i]:A.indptr[i + 1]]
        waiting = cols[room[cols] & open_[model.col_project[cols]]]
        rows = holding_rows(held, waiting, np.zeros(len(waiting), dtype=int)).get(0, []) \
            if held is not None else []
        out.append({"name": lp.row_names[i], "budget": budget, "allocated": float(act[i]),
                    "left": left, "projects": len(np.unique(model.col_project[cols])),
                    "waiting": sorted(set(ids[model.col_project[waiting]].tolist())),
                    "held_by": [lp.row_names[r] for r in rows]})
    out += [{"name": name, "budget": float(amount), "allocated": 0.0, "left": float(amount),
             "projects": 0, "waiting": [], "held_by": []}
            for name, amount in idle or [] if amount > BIND_TOL * max(1.0, amount)]
    return out


def idle_budget_rows(sc: Scenario, named: set[str]) -> pd.DataFrame:
    """The budgets the scenario gives that no project can draw on (a province with a local
    budget and no project it may pay): rows of their own, nothing allocated, all of it left,
    named as the model would name them."""
    years: list[int | None] = list(sc.years) or [None]
    provinces = sorted(set(sc.local_budgets) | set(sc.local_by_year))
    wanted = [(str(RowId.budget("central", year=y)), sc.budget("central", year=y)) for y in years]
    wanted += [(str(RowId.budget("local", p, y)), sc.budget("local", p, y))
               for p in provinces for y in years]
    missing = [(n, b) for n, b in wanted if n not in named]
    return pd.DataFrame({"name": [n for n, _b in missing], "family": "budget", "sense": "<=",
                         "rhs": [float(b) for _n, b in missing], "activity": 0.0,
                         "shadow_price": 0.0})


def budgets_left(result: Result, alloc: pd.DataFrame) -> list[dict[str, Any]]:
    """summary.json's `money_left`: each budget with money left and what holds back the
    projects that could use it (`money_left`)."""
    model = result.model
    if not result.status.has_solution:
        return []
    status = alloc.set_index("project_id")["status"].reindex(
        model.projects["project_id"]).fillna("").to_numpy(object)
    idle = idle_budget_rows(model.scenario, set(model.lp.row_names))
    return money_left(result, status, list(zip(idle["name"], idle["rhs"], strict=True)))
