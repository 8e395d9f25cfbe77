"""The left-out columns of a reduced program, priced (`kcopt.analysis.reserve_program`, whose
docstring has the formulation; the weight draws' reduced programs, `sensitivity/draws.py`, too):
`Priced` holds the nonbasic columns that are not fixed and where each is held, `Bound` the
bound on their reduced costs at any row prices that lets a check compute only the few a bound
cannot clear."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from kcopt.model import LinearProgram

DUAL_TOL = 1e-9  # a reduced cost or row price beyond this says the column or row would move
# a reduced cost's rounding, relative to the sum of its terms' sizes, allowed for when a bound
# rules a column out (`Bound.wrong`): far above n·2⁻⁵³ for a column's few terms
ROUNDING = 1e-10


@dataclass
class Priced:
    """The nonbasic columns that are not fixed, and where each is held."""

    cols: np.ndarray
    cost: np.ndarray
    A_T: sp.csr_matrix
    low: np.ndarray
    high: np.ndarray
    between: np.ndarray


@dataclass
class Bound:
    """What bounds the reduced costs of `Priced`'s columns at any row prices: |Aᵀ| and
    the plan's prices y₀ and reduced costs d₀ = c − Aᵀy₀."""

    priced: Priced
    abs_T: sp.csr_matrix  # |A[:, cols]ᵀ|
    y0: np.ndarray
    d0: np.ndarray

    @classmethod
    def of(cls, priced: Priced, y0: np.ndarray) -> Bound:
        A_T = priced.A_T
        abs_T = sp.csr_matrix((np.abs(A_T.data), A_T.indices, A_T.indptr), shape=A_T.shape)
        return cls(priced, abs_T, y0, priced.cost - A_T @ y0)

    def wrong(self, Y: np.ndarray, on: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The columns, of those `on`, whose reduced cost c − Aᵀy would move them for some
        column y of row prices `Y` (0 or y₀ off `rows`: the check's are 0). Each is computed
        only where a bound cannot rule it out: |c_j − a_jᵀy − d₀_j| ≤ |a_j|ᵀ|y − y₀| (plus a
        rounding allowance), so a column whose d₀ is farther than that from moving does not
        move at any y (at 50,000 projects ~18,000 of 4 million left-out columns are computed,
        and the same columns found as by computing them all)."""
        pr = self.priced
        Y_s = Y[rows]
        spread = np.abs(self.y0)  # |y − y₀| off `rows`, where y is 0 (or y₀)
        spread[rows] = (np.abs(Y_s - self.y0[rows, None]).max(axis=1)
                        + ROUNDING * np.abs(Y_s).max(axis=1))
        slack = self.abs_T @ spread + ROUNDING * np.abs(pr.cost)
        d = self.d0
        maybe = on & ((pr.low & (d + slack > DUAL_TOL)) | (pr.high & (d - slack < -DUAL_TOL))
                      | (pr.between & (np.abs(d) + slack > DUAL_TOL)))
        at = np.flatnonzero(maybe)
        D = pr.cost[at, None] - pr.A_T[at] @ Y  # as for every column: row by row, same sums
        bad = ((pr.low[at, None] & (D > DUAL_TOL)) | (pr.high[at, None] & (D < -DUAL_TOL))
               | (pr.between[at, None] & (np.abs(D) > DUAL_TOL))).any(axis=1)
        return pr.cols[at[bad]]


def priced(lp: LinearProgram, A_csc: sp.csc_matrix, x: np.ndarray,
            col_basic: np.ndarray) -> Priced:
    low_all = x <= lp.col_lower + 1e-9
    high_all = x >= lp.col_upper - 1e-9
    cols = np.flatnonzero(~col_basic & ~(low_all & high_all))  # a fixed column never moves
    low, high = low_all[cols], high_all[cols]
    return Priced(cols, lp.cost[cols], A_csc[:, cols].T.tocsr(), low & ~high, high & ~low,
                   ~low & ~high)
