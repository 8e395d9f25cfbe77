"""Ranging against published textbook sensitivity tables (maximisation, Excel Solver layout).

The expected numbers are copied from the textbooks' sensitivity reports, not computed here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from kcopt.analysis.sensitivity.ranging import lp_ranging
from kcopt.model import LinearProgram

INF = math.inf


def make_lp(cost, rows, rhs, names, row_names, col_upper=None) -> LinearProgram:
    A = sp.csr_matrix(np.array(rows, dtype=float))
    m, n = A.shape
    return LinearProgram(np.array(cost, float), np.zeros(n),
                         np.array(col_upper if col_upper else [INF] * n, float),
                         np.zeros(n, bool), names, A, np.full(m, -INF), np.array(rhs, float),
                         row_names, ["r"] * m)


def check(table, column, expected):
    got = table.set_index("name")[column]
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-6, abs=1e-9), (name, column)


def test_wyndor_glass() -> None:
    """Wyndor Glass Co. — Hillier & Lieberman, *Introduction to Operations Research*, §4.7 /
    §6.7 (the Excel sensitivity report of the Wyndor model):

        max 3 x1 + 5 x2   s.t.  x1 ≤ 4;  2 x2 ≤ 12;  3 x1 + 2 x2 ≤ 18

    Doors x1 = 2 (obj. coef. 3, allowable increase 4.5, decrease 3); Windows x2 = 6 (5, 1E+30,
    3). Plant 1: used 2, shadow price 0, RHS 4, increase 1E+30, decrease 2; Plant 2: 12, 1.5, 12,
    6, 6; Plant 3: 18, 1, 18, 6, 6.
    """
    lp = make_lp([3, 5], [[1, 0], [0, 2], [3, 2]], [4, 12, 18], ["doors", "windows"],
                 ["plant1", "plant2", "plant3"])
    cols, rows = lp_ranging(lp)
    check(cols, "final_value", {"doors": 2, "windows": 6})
    check(cols, "reduced_cost", {"doors": 0, "windows": 0})
    check(cols, "allowable_increase", {"doors": 4.5, "windows": INF})
    check(cols, "allowable_decrease", {"doors": 3, "windows": 3})
    check(rows, "final_value", {"plant1": 2, "plant2": 12, "plant3": 18})
    check(rows, "shadow_price", {"plant1": 0, "plant2": 1.5, "plant3": 1})
    check(rows, "allowable_increase", {"plant1": INF, "plant2": 6, "plant3": 6})
    check(rows, "allowable_decrease", {"plant1": 2, "plant2": 6, "plant3": 6})


def test_par_inc() -> None:
    """Par, Inc. golf bags — Anderson, Sweeney, Williams et al., *An Introduction to Management
    Science*, ch. 3 (the sensitivity report of the Par, Inc. problem):

        max 10 S + 9 D  s.t.  0.7 S + D ≤ 630 (cutting and dyeing); 0.5 S + 5/6 D ≤ 600 (sewing);
                              S + 2/3 D ≤ 708 (finishing); 0.1 S + 0.25 D ≤ 135 (inspection)

    S = 540, D = 252. S: allowable increase 3.5, decrease 3.7 (range 6.3–13.5); D: 5.2857,
    2.3333 (6.6667–14.2857). Shadow prices 4.375, 0, 6.9375, 0. RHS ranges: cutting
    495.6–682.3636, sewing 480–∞, finishing 580–900, inspection 117–∞.
    """
    lp = make_lp([10, 9], [[0.7, 1], [0.5, 5 / 6], [1, 2 / 3], [0.1, 0.25]],
                 [630, 600, 708, 135], ["standard", "deluxe"],
                 ["cutting", "sewing", "finishing", "inspection"])
    cols, rows = lp_ranging(lp)
    check(cols, "final_value", {"standard": 540, "deluxe": 252})
    check(cols, "allowable_increase", {"standard": 3.5, "deluxe": 14.2857142857 - 9})
    check(cols, "allowable_decrease", {"standard": 3.7, "deluxe": 9 - 6.6666666667})
    check(rows, "shadow_price", {"cutting": 4.375, "sewing": 0, "finishing": 6.9375,
                                 "inspection": 0})
    check(rows, "allowable_increase", {"cutting": 682.3636363636 - 630, "sewing": INF,
                                       "finishing": 900 - 708, "inspection": INF})
    check(rows, "allowable_decrease", {"cutting": 630 - 495.6, "sewing": 600 - 480,
                                       "finishing": 708 - 580, "inspection": 135 - 117})


@pytest.mark.parametrize("demand_as", ["row", "bound"])
def test_dakota_furniture(demand_as: str) -> None:
    """Dakota Furniture — Winston, *Operations Research: Applications and Algorithms*, §6.8
    (LINDO output for the Dakota problem), a case with a non-basic variable:

        max 60 x1 + 30 x2 + 20 x3  s.t.  8x1 + 6x2 + x3 ≤ 48 (lumber);
            4x1 + 2x2 + 1.5x3 ≤ 20 (finishing); 2x1 + 1.5x2 + 0.5x3 ≤ 8 (carpentry); x2 ≤ 5

    Desks x1 = 2, tables x2 = 0, chairs x3 = 8, z = 280. LINDO lists the reduced cost of tables
    as 5 (the amount its price must rise); in the Excel Solver convention used here it is −5.
    Objective ranging: x1 +20 / −4; x2 +5 / ∞; x3 +2.5 / −5. Shadow prices: lumber 0,
    finishing 10, carpentry 10, demand 0. RHS ranging: lumber +∞ / −24; finishing +4 / −4;
    carpentry +2 / −1.3333; demand +∞ / −5. With the table demand held as a column bound
    (as kcopt holds caps) the same numbers must come out of the bound's ranging.
    """
    rows = [[8, 6, 1], [4, 2, 1.5], [2, 1.5, 0.5]]
    rhs = [48, 20, 8]
    names = ["lumber", "finishing", "carpentry"]
    upper = None
    if demand_as == "row":
        rows.append([0, 1, 0])
        rhs.append(5)
        names.append("demand")
    else:
        upper = [INF, 5, INF]
    lp = make_lp([60, 30, 20], rows, rhs, ["desks", "tables", "chairs"], names, upper)
    cols, table = lp_ranging(lp)
    check(cols, "final_value", {"desks": 2, "tables": 0, "chairs": 8})
    check(cols, "reduced_cost", {"desks": 0, "tables": -5, "chairs": 0})
    check(cols, "allowable_increase", {"desks": 20, "tables": 5, "chairs": 2.5})
    check(cols, "allowable_decrease", {"desks": 4, "tables": INF, "chairs": 5})
    check(table, "shadow_price", {"lumber": 0, "finishing": 10, "carpentry": 10})
    check(table, "allowable_increase", {"lumber": INF, "finishing": 4, "carpentry": 2})
    check(table, "allowable_decrease", {"lumber": 24, "finishing": 4, "carpentry": 4 / 3})
    if demand_as == "row":
        check(table, "shadow_price", {"demand": 0})
        check(table, "allowable_increase", {"demand": INF})
        check(table, "allowable_decrease", {"demand": 5})
    else:
        check(cols, "bound_increase", {"tables": INF})
        check(cols, "bound_decrease", {"tables": 5})


def test_variable_at_upper_bound() -> None:
    """A column at its upper bound (a fully funded project): Wyndor with x1 ≤ 1 as a bound.

    x1 = 1 at its bound, x2 = 6, z = 33. Worked by hand from the Wyndor tableau: x1's reduced
    cost is 3 − 3·y3 = 3 − 0 = 3 (Plant 3 slack: 3 + 12 = 15 < 18, so y3 = 0, y2 = 2.5 per
    unit of 2x2). Allowable increase ∞ (more value keeps it at its bound), decrease = 3. The
    bound's range: x1 may rise to 2 before Plant 3 binds (3·2 + 12 = 18): increase 1; down to 0.
    """
    lp = make_lp([3, 5], [[0, 2], [3, 2]], [12, 18], ["doors", "windows"],
                 ["plant2", "plant3"], col_upper=[1, INF])
    cols, rows = lp_ranging(lp)
    check(cols, "final_value", {"doors": 1, "windows": 6})
    check(cols, "reduced_cost", {"doors": 3})
    check(cols, "allowable_increase", {"doors": INF})
    check(cols, "allowable_decrease", {"doors": 3})
    check(cols, "bound_increase", {"doors": 1})
    check(cols, "bound_decrease", {"doors": 1})
    check(rows, "shadow_price", {"plant2": 2.5, "plant3": 0})
    check(rows, "allowable_decrease", {"plant3": 3})
