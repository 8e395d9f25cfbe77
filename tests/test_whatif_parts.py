"""The parts of a what-if's table and prices worked out column-wise (issue 28, round 2g): each
gives what the row-by-row rule it replaces gives, to the bit."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from kcopt.analysis.funded import _cap_funds
from kcopt.analysis.holdback import _grouped, holding_groups, holding_rows
from kcopt.analysis.report import FUNDED_AT, _kinds, _kinds_of, _project_money
from kcopt.model.program import LinearProgram
from kcopt.solvers.solve import normalise_duals


def _three_products(lp: LinearProgram, x: np.ndarray, y: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """normalise_duals as it was: Aᵀy worked out for each sign and again at the end."""
    at_up = np.isclose(x, lp.col_upper, atol=1e-7, rtol=1e-9)
    at_lo = np.isclose(x, lp.col_lower, atol=1e-7, rtol=1e-9)
    act = lp.A @ x
    r_up = np.isclose(act, lp.row_upper, atol=1e-6, rtol=1e-9)
    r_lo = np.isclose(act, lp.row_lower, atol=1e-6, rtol=1e-9)
    scale = 1.0 + np.abs(lp.cost).max(initial=0.0)

    def violation(yy: np.ndarray) -> float:
        d = lp.cost - lp.A.T @ yy
        v = np.where(at_up & at_lo, 0.0, np.where(at_up, np.maximum(-d, 0),
                                                  np.where(at_lo, np.maximum(d, 0), np.abs(d))))
        rv = np.where(r_up & r_lo, 0.0, np.where(r_up, np.maximum(-yy, 0),
                                                 np.where(r_lo, np.maximum(yy, 0), np.abs(yy))))
        return float(v.sum() + rv.sum()) / scale

    if violation(-y) < violation(y):
        y = -y
    y = np.where(np.abs(y) < 1e-12, 0.0, y)
    d = lp.cost - lp.A.T @ y
    return y, np.where(np.abs(d) < 1e-12, 0.0, d)


def _program(rng: np.random.Generator, m: int, n: int) -> LinearProgram:
    A = sp.random(m, n, density=0.3, random_state=rng, format="csr")
    A.data = np.round(A.data * 10, 3)
    cost = rng.normal(size=n)
    cost[rng.random(n) < 0.2] = 0.0
    cost[rng.random(n) < 0.1] = -0.0
    upper = np.where(rng.random(n) < 0.1, np.inf, rng.uniform(1, 5, n))
    return LinearProgram(cost, np.zeros(n), upper, np.zeros(n, dtype=bool),
                         [f"c{j}" for j in range(n)], A, np.full(m, -np.inf),
                         rng.uniform(1, 20, m), [f"r{i}" for i in range(m)], ["r"] * m)


def test_prices_and_reduced_costs_are_those_of_three_products_to_the_bit() -> None:
    """Random programs and points, prices with exact zeros of both signs, values below 10⁻¹²
    that are rounded to 0 and others that are not, handed in either sign: the prices and
    reduced costs are byte for byte those of Aᵀy worked out three times, with the rows'
    activity handed in or not."""
    rng = np.random.default_rng(7)
    for case in range(60):
        lp = _program(rng, 12, 30)
        x = np.where(rng.random(30) < 0.5, 0.0, np.minimum(lp.col_upper, rng.uniform(0, 6, 30)))
        y = rng.normal(size=12) * (rng.random(12) < 0.6)
        y[rng.random(12) < 0.2] = -0.0
        if case % 2:
            y[rng.integers(12)] = 3e-13 * (1 if case % 4 == 1 else -1)
        for handed in (y, -y):
            want = _three_products(lp, x, handed)
            for act in (None, lp.A @ x):
                got = normalise_duals(lp, x, handed, act)
                assert got[0].tobytes() == want[0].tobytes()
                assert got[1].tobytes() == want[1].tobytes()


def _held(rng: np.random.Generator) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray]:
    """A holding matrix whose columns share few patterns (as projects held by the same rows
    do), some charged in another order, and some columns of one owner."""
    patterns = [rng.choice(8, size=rng.integers(1, 4), replace=False) for _ in range(5)]
    cols = []
    for _ in range(60):
        col = np.zeros(8)
        rows = patterns[rng.integers(5)]
        col[rows] = rng.choice([1.0, 2.0, 3.0], size=len(rows))
        cols.append(col)
    held = sp.csc_matrix(np.column_stack(cols))
    take = np.flatnonzero(rng.random(60) < 0.8)
    return held, take, rng.integers(0, 25, size=len(take))


def test_held_owners_are_grouped_by_their_very_lists_of_rows() -> None:
    """holding_groups: the owners, in order, each with the list of rows holding_rows gives it,
    and owners share a group exactly when their lists are equal, rows and order."""
    rng = np.random.default_rng(28)
    for _ in range(40):
        held, cols, owners = _held(rng)
        lists = holding_rows(held, cols, owners)
        got_owners, group, groups = holding_groups(held, cols, owners)
        assert got_owners == list(lists)
        assert [groups[g] for g in group] == list(lists.values())
        assert len(groups) == len({tuple(v) for v in lists.values()})
    assert holding_groups(sp.csc_matrix((3, 2)), np.array([0, 1]), np.array([0, 1])) == (
        [], [], [])


def test_owners_whose_hashes_meet_are_told_apart_row_for_row() -> None:
    """Lists of rows given one hash (of another length, other rows, the same rows in another
    order): each distinct list is its own group, as it is found without a hash."""
    rows = np.array([3, 1, 3, 1, 1, 3, 3, 1, 2, 3])
    first = np.array([0, 2, 4, 6, 9])  # [3 1] [3 1] [1 3] [3 1 2] [3]
    for sig in (np.zeros(5, dtype=np.int64), np.array([0, 0, 0, 1, 1])):
        group, groups = _grouped(rows, first, sig)
        assert [groups[g] for g in group] == [[3, 1], [3, 1], [1, 3], [3, 1, 2], [3]]
        assert group[0] == group[1] and len(groups) == 4


def test_the_cap_said_of_a_funded_project_is_chosen_as_row_by_row() -> None:
    """_cap_funds against the rule per project: the larger of its funds' caps binds (the
    paying fund's own when equal within 10⁻⁹ or the other's is missing), and the other fund's
    own cap is said too when both pay and it is lower."""
    rng = np.random.default_rng(3)
    cap = rng.choice([100.0, 200.0, 200.0 + 1e-12, np.nan], size=(400, 2))

    class Caps:
        pass

    caps = Caps()
    caps.cap = cap  # type: ignore[attr-defined]
    p = rng.permutation(400)[:300]
    k = rng.integers(0, 2, size=300)
    two = rng.random(300) < 0.5
    bind, second = _cap_funds(caps, p, k, two)
    for j in range(300):
        c, kk = cap[p[j]], int(k[j])
        b = kk if np.isnan(c[1 - kk]) or c[kk] >= c[1 - kk] - 1e-9 else 1 - kk
        s = bool(two[j]) and not np.isnan(c[1 - b]) and c[1 - b] < c[b] - 1e-9
        assert (int(bind[j]), bool(second[j])) == (b, s)


def test_the_kinds_of_status_are_those_of_the_words_written() -> None:
    """`_kinds` (from the figures that set the status) is `status == word` after the words
    are written as the table writes them: an empty total, a tiny cap, a share of exactly
    FUNDED_AT, a missing total, and rows with a status of their own (one of them a word)."""
    rng = np.random.default_rng(28)
    n = 4000
    cap = rng.choice([0.0, 1e-8, 1.0, 50.0, 1000.0], n)
    total = cap * rng.choice([0.0, 0.2, FUNDED_AT, 0.9989, 1.0], n)
    total[rng.random(n) < 0.01] = np.nan
    total[rng.random(n) < 0.02] = 5e-7
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(cap > 0, total / cap, 0.0)
    status = rng.choice(np.array(["", "", "", "ineligible", "excluded", "funded"], dtype=object),
                        n)
    open_ = status == ""
    kinds = _kinds(status, open_, fraction, total)
    written = status.copy()  # the rule the table followed before: one word after another
    written[open_ & (fraction >= FUNDED_AT)] = "funded"
    written[open_ & (fraction < FUNDED_AT) & (total > 1e-6)] = "partial"
    written[open_ & (total <= 1e-6)] = "unfunded"
    for word in ("funded", "partial", "unfunded"):
        status[kinds[word] & open_] = word
    assert np.array_equal(status, written)
    for word, mask in _kinds_of(written).items():
        assert np.array_equal(kinds[word], mask), word


def test_projects_money_is_summed_as_add_at_sums_it() -> None:
    """`_project_money` (a bincount) gives np.add.at's sums to the bit, the auxiliary columns
    (no project or no fund) left out."""
    rng = np.random.default_rng(5)
    n, cols = 300, 2000

    class Model:
        projects = range(n)
        col_project = rng.integers(-1, n, cols)
        col_fund = rng.integers(-1, 2, cols)

    x = rng.uniform(-1e-7, 1e4, cols) * rng.choice([1.0, 1e-9, 0.0], cols)
    money = np.zeros((n, 2))
    is_x = (Model.col_project >= 0) & (Model.col_fund >= 0)
    np.add.at(money, (Model.col_project[is_x], Model.col_fund[is_x]), x[is_x])
    assert np.array_equal(_project_money(Model, x),
                          np.where(np.abs(money) < 1e-7, 0.0, money))

