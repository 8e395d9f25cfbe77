"""The labelled linear program and the model that explains it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.core.errors import Problem
from kcopt.inputs.scenario import Scenario
from kcopt.rules.caps import CapTable
from kcopt.rules.rates import RuleSet

INF = np.inf


@dataclass
class LinearProgram:
    """max cost·x  s.t.  row_lower ≤ A x ≤ row_upper,  col_lower ≤ x ≤ col_upper."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    col_names: list[str]
    A: sp.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_names: list[str]
    row_family: list[str]

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.A.shape
        return int(rows), int(cols)

    def row(self, name: str) -> int:
        return self.row_names.index(name)

    def col(self, name: str) -> int:
        return self.col_names.index(name)


@dataclass
class Model:
    """The program plus what is needed to explain it in planners' terms."""

    lp: LinearProgram
    projects: pd.DataFrame  # input columns + region, score, cap, status/reason before solving
    caps: CapTable
    scenario: Scenario
    rules: RuleSet
    col_project: np.ndarray  # project row for x columns, -1 for auxiliaries
    col_fund: np.ndarray  # 0 central, 1 local, -1 for auxiliaries
    bound_names: list[str]  # constraint a column bound stands for (cap:/must_fund:), or ""
    mip: bool
    warnings: list[Problem] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    years: tuple[int, ...] = ()  # plan years; empty for a single-period plan
    spend: sp.csr_matrix | None = None  # columns × years: spending of a column per plan year
    col_start: np.ndarray | None = None  # start year index of x columns, -1 elsewhere
    # per column: 1 where it pays from the fund the scenario's `fund_order` puts second
    # (model/funds.py); None: no column may be paid by both funds, the split is never free
    preference: np.ndarray | None = None

    @property
    def n_projects(self) -> int:
        return len(self.projects)

    @property
    def x_columns(self) -> np.ndarray:
        """Indices of the support columns x[p, fund(, start)]."""
        return np.flatnonzero((self.col_project >= 0) & (self.col_fund >= 0))


class RowBlock:
    """Accumulates constraint families as COO triplets with names and bounds."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.names: list[str] = []
        self.family: list[str] = []

    def add(self, family: str | list[str], names: list[str], lower, upper, rows, cols,
            vals) -> None:
        """`rows` index within this family (0 … len(names)-1)."""
        offset = len(self.names)
        k = len(names)
        self.rows.append(np.asarray(rows, dtype=np.int64) + offset)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=float))
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (k,)))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (k,)))
        self.names.extend(names)
        self.family.extend([family] * k if isinstance(family, str) else family)

    def matrix(self, n_cols: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        n = len(self.names)
        if not n:
            return sp.csr_matrix((0, n_cols)), np.zeros(0), np.zeros(0)
        A = sp.csr_matrix((np.concatenate(self.vals),
                           (np.concatenate(self.rows), np.concatenate(self.cols))),
                          shape=(n, n_cols))
        A.sum_duplicates()
        return A, np.concatenate(self.lower), np.concatenate(self.upper)


class ColumnBlock:
    """Accumulates column families: names, bounds, objective, integrality and what each column
    stands for (its project, fund and start year; the cap or must-fund rule its bounds carry).
    `add` hands back the indices of the new columns, so the row builders address them without
    counting offsets — the twin of `RowBlock` (as linopy's `add_variables` returns its labels).

    >>> cols = ColumnBlock()
    >>> cols.add(["x:A", "x:B"], 0.0, [300.0, 200.0], cost=[1.0, 2.0], project=[0, 1])
    array([0, 1])
    >>> cols.add(["z:A"], 0.0, 1.0, integer=True, project=[0])
    array([2])
    >>> cols.names, cols.project.tolist(), cols.integer.tolist()
    (['x:A', 'x:B', 'z:A'], [0, 1, 0], [False, False, True])
    """

    def __init__(self) -> None:
        self.names: list[str] = []
        self.bound_names: list[str] = []
        self._parts: dict[str, list[np.ndarray]] = {k: [] for k in (
            "lower", "upper", "cost", "integer", "project", "fund", "start")}

    @property
    def n(self) -> int:
        return len(self.names)

    def add(self, names: list[str], lower, upper, cost=0.0, integer: bool = False,
            project=-1, fund=-1, start=-1, bound_names: list[str] | None = None) -> np.ndarray:
        """Columns `names` with their bounds (scalars broadcast); their indices."""
        k = len(names)
        index = self.n + np.arange(k)
        for key, value, dtype in (("lower", lower, float), ("upper", upper, float),
                                  ("cost", cost, float), ("integer", integer, bool),
                                  ("project", project, np.int64), ("fund", fund, np.int64),
                                  ("start", start, np.int64)):
            self._parts[key].append(np.broadcast_to(np.asarray(value, dtype=dtype), (k,)))
        self.names.extend(names)
        self.bound_names.extend(bound_names if bound_names is not None else [""] * k)
        return index

    def _column(self, key: str, dtype: type) -> np.ndarray:
        parts = self._parts[key]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    @property
    def lower(self) -> np.ndarray:
        return self._column("lower", float)

    @property
    def upper(self) -> np.ndarray:
        return self._column("upper", float)

    @property
    def cost(self) -> np.ndarray:
        return self._column("cost", float)

    @property
    def integer(self) -> np.ndarray:
        return self._column("integer", bool)

    @property
    def project(self) -> np.ndarray:
        return self._column("project", np.int64)

    @property
    def fund(self) -> np.ndarray:
        return self._column("fund", np.int64)

    @property
    def start(self) -> np.ndarray:
        return self._column("start", np.int64)


def group_rows(keys: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Distinct keys (sorted) and the row index of each element: one row per key."""
    if not len(keys):
        return [], np.zeros(0, dtype=np.int64)
    uniq, codes = np.unique(keys.astype(str), return_inverse=True)
    return [str(u) for u in uniq], codes
