"""Which fund pays: the order of funds, and the tie-break program that applies it
(docs/contract.md §4 and §10).

The score objective gives a project's two fund columns the same coefficient (its score per
million does not depend on who pays), so wherever both funds may pay and both have room the
score optimum does not say which one does: a solver picks a vertex, and a change elsewhere in
the plan may make it pick another. kcopt therefore solves lexicographically:

1. the score program, as built: ``S* = max c·x``;
2. the *split program*: the same rows, every project's total support (per start year) and every
   integer decision fixed at the first solve's values, minimising the money paid from each
   project's second fund.

Why fixed totals rather than a small penalty ε in the objective: a penalty leaves the score
optimum alone only when ε is below the smallest score gap between two vertices, which depends
on the data and cannot be bounded once for all scenarios. Fixing the totals keeps the score
*exactly*: c_j is the same for a project's central and local columns, so every split of the
same totals has the same c·x. The split program is a small LP (a MIP only with `round_to`,
whose multiples bind each fund's share) and is solved only when some project may be paid by
both funds and the first solve paid some of it from its second fund.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.model.names import RowId, plan_year
from kcopt.model.program import LinearProgram, Model, RowBlock, group_rows


def first_fund(frame: pd.DataFrame, order: str) -> np.ndarray:
    """Per project, the fund that pays first under `order` (0 central, 1 local): its own
    level's fund (`own_first`, a project of no stated level is local), or one fund for all."""
    if order == "central_first":
        return np.zeros(len(frame), dtype=int)
    if order == "local_first":
        return np.ones(len(frame), dtype=int)
    return np.where(frame["level"].astype(str).to_numpy() == "central", 0, 1)


def fund_preference(frame: pd.DataFrame, col_project: np.ndarray, col_fund: np.ndarray,
                    order: str) -> np.ndarray:
    """Per column, the weight of a million paid from the fund the order puts second; 0 for
    money from the first fund and for columns of no fund.

    Mathematical formulation (k(p) the project's place when sorted by score, best first, ties
    in list order; n the number of projects)::

        π_j = 1 + (n − k(p))/n   if fund(j) ≠ first(p),   p = p(j)
            = 0                  otherwise
        first(p) = level(p) (own_first) | central (central_first) | local (local_first)

    Every π_j of a second fund lies in (1, 2]: any move of money to a first fund with room
    lowers Σ π·x, and where some project must take second-fund money (its first fund is short)
    the lower-ranked one takes it — the higher-scored keeps its own fund. The weights are
    distinct, so the split does not depend on the solver's path.
    """
    pref = np.zeros(len(col_project))
    x = (col_project >= 0) & (col_fund >= 0)
    first = first_fund(frame, order)
    n = max(len(frame), 1)
    place = np.empty(len(frame))
    place[np.argsort(-frame["score"].to_numpy(float), kind="stable")] = np.arange(len(frame))
    weight = 1.0 + (n - place) / n
    p = col_project[x]
    pref[x] = np.where(col_fund[x] != first[p], weight[p], 0.0)
    return pref


def needs_split(preference: np.ndarray | None, col_project: np.ndarray, x: np.ndarray,
                tol: float = 1e-9) -> bool:
    """Whether the split program can change anything: a project with columns of both funds
    (the only place where the split is free) has money from its second fund in `x`."""
    if preference is None or len(preference) != len(x) or not preference.any():
        return False
    second = (preference > 0) & (x > tol * np.maximum(1.0, np.abs(x).max(initial=0.0)))
    return bool(second.any())


def split_program(model: Model, x: np.ndarray, shape: SplitShape | None = None
                  ) -> LinearProgram:
    """The lexicographic second stage: the totals of `x` kept, money from second funds least.

    Mathematical formulation (x̄ the score optimum, T(p,t) the columns of project p starting in
    year t, I the integer columns that stand for a project — selections and start years)::

        max   −Σ_j π_j·x_j
        s.t.  every row and bound of the score program
              keep:<id>[:<t>]   Σ_{j∈T(p,t)} x_j = Σ_{j∈T(p,t)} x̄_j      (groups of 2 columns)
              x_j = x̄_j        for a single-column group, and for j ∈ I (rounded)

    Every bound of the score program is widened to x̄ where x̄ lies a rounding error outside it,
    so x̄ itself is feasible and the split program never fails on a solver's last digits.

    Any feasible point has the score c·x̄, since c is equal within a group: the first stage's
    optimum stands, and among its splits the one with least second-fund money is taken.
    Integer columns that stand for no project (the multiples of `round_to`) stay free.

    `shape`: the program's structure for this model (`split_shape`), kept by a chain of
    what-ifs, which change only costs and budgets; made here when not given or not of this
    model. The program is the same either way.
    """
    lp = model.lp
    assert model.preference is not None
    if shape is None or not shape.fits(model):
        shape = split_shape(model)
    lower, upper, row_lower, row_upper = _widened_bounds(lp, x)
    fixed = shape.fixed
    lower[fixed] = upper[fixed] = x[fixed]
    picked = shape.picked
    lower[picked] = upper[picked] = np.round(x[picked])
    totals = np.bincount(shape.codes, weights=x[shape.index],
                         minlength=len(shape.size))[shape.kept]
    return replace(lp, cost=-model.preference, col_lower=lower, col_upper=upper, A=shape.A,
                   row_lower=np.concatenate([row_lower, totals]),
                   row_upper=np.concatenate([row_upper, totals]),
                   row_names=shape.row_names, row_family=shape.row_family)


@dataclass(eq=False)
class SplitShape:
    """What the split program takes from the model alone: the support columns' groups, the
    keep rows (names and matrix) under the score program's rows, the columns it fixes. A
    what-if changes costs and budgets only, so every what-if of a plan shares one (building
    it is most of the program's making: 6,810 names and a 12,000-row matrix at 10,000
    projects)."""

    A_of: sp.csr_matrix  # the score program's matrix, columns and rows it was made for
    col_project: np.ndarray
    names_of: list[str]
    index: np.ndarray  # the support columns
    codes: np.ndarray  # each one's group (project and start year)
    size: np.ndarray  # each group's size
    kept: np.ndarray  # the groups of two or more columns: one keep row each
    fixed: np.ndarray  # the support columns alone in their group: fixed at x̄
    picked: np.ndarray  # the integer columns that stand for a project: fixed at x̄ (rounded)
    A: sp.csr_matrix  # the score program's rows over the keep rows
    row_names: list[str]
    row_family: list[str]

    def fits(self, model: Model) -> bool:
        """Whether this is the shape of `model`'s program (the very matrix and columns)."""
        return self.A_of is model.lp.A and self.col_project is model.col_project and \
            self.names_of is model.lp.row_names


def split_shape(model: Model) -> SplitShape:
    """The split program's structure for `model` (see `SplitShape`)."""
    lp = model.lp
    index, codes, size = _support_groups(model)
    picked = lp.integer & (model.col_project >= 0) & (model.col_fund < 0)
    keep, names = _keep_rows(model, index, codes, size)
    return SplitShape(lp.A, model.col_project, lp.row_names, index, codes, size,
                      np.flatnonzero(size > 1), index[size[codes] == 1], picked,
                      sp.vstack([lp.A, keep]).tocsr(), lp.row_names + names,
                      lp.row_family + ["keep"] * len(names))


def _widened_bounds(lp: LinearProgram,
                    x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Column and row bounds of `lp`, each widened to x̄ where x̄ lies outside it.

    x̄ is feasible here by construction: where a solver left it a rounding error outside a
    bound (CBC's solution file carries 8 significant digits), that bound is widened to x̄.
    """
    lower, upper = np.minimum(lp.col_lower, x), np.maximum(lp.col_upper, x)
    act = lp.A @ x
    return lower, upper, np.minimum(lp.row_lower, act), np.maximum(lp.row_upper, act)


def _support_groups(model: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The support columns (project and fund), grouped by project and start year: their
    indices, each one's group and each group's size."""
    col_project, col_fund = model.col_project, model.col_fund
    index = np.flatnonzero((col_project >= 0) & (col_fund >= 0))
    start = (model.col_start if model.col_start is not None
             else np.zeros(len(col_project), dtype=np.int64))[index]
    groups, codes = group_rows(col_project[index] * 10_000 + np.maximum(start, 0))
    return index, codes, np.bincount(codes, minlength=len(groups))


def _keep_rows(model: Model, index: np.ndarray, codes: np.ndarray,
               size: np.ndarray) -> tuple[sp.csr_matrix, list[str]]:
    """keep:<id>[:<t>]: the total of each group of two or more columns, as a matrix over the
    program's columns and the rows' names (their bounds, x̄'s totals, are the caller's)."""
    pair = size[codes] > 1
    kept = np.flatnonzero(size > 1)
    pos = np.full(len(size), -1)
    pos[kept] = np.arange(len(kept))
    ids = model.projects["project_id"].astype(str).to_numpy()
    first = np.zeros(len(size), dtype=np.int64)
    first[codes[::-1]] = index[::-1]  # a column of each group, for its project and year
    names = [_keep_name(ids[model.col_project[first[g]]], model.years,
                        int(model.col_start[first[g]]) if model.col_start is not None else -1)
             for g in kept]
    rows = RowBlock()
    rows.add("keep", names, 0.0, 0.0, pos[codes[pair]], index[pair],
             np.ones(int(pair.sum())))
    A, _lower, _upper = rows.matrix(model.lp.shape[1])
    return A, names


def _keep_name(pid: str, years: tuple[int, ...], start: int) -> str:
    """keep:<id>, with the start year in a multi-year plan (`start` < 0: none known)."""
    return str(RowId.of_project("keep", pid, plan_year(years, start) if start >= 0 else None))
