"""A plan's MIP is solved by kcopt's branch-and-bound on HiGHS's LPs (`bnb.solve_mip`), and by
HiGHS's own MIP solver when that gives up: both give the same optimum, within the scenario's
gap, and the gap a plan reports is true of it.

Mathematical check. For random allocation MIPs — y_p ≤ cap_p·z_p (z_p binary: all-or-nothing
when y_p = cap_p·z_p, a minimum fraction f when y_p ≥ f·cap_p·z_p), budgets Σ y_p ≤ B over
random subsets, max Σ s_p·y_p — the branch-and-bound's optimum equals HiGHS's MIP optimum
solved to 10⁻⁹.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import kcopt
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model.program import LinearProgram
from kcopt.solvers import bnb, highs
from kcopt.solvers.solve import check_solution

DEMO_MIP = Path(kcopt.demo_scenario_path()).parent / "demo-mip.yaml"


@pytest.fixture(scope="module")
def demo_mip() -> kcopt.Model:
    sc = kcopt.load_scenario(DEMO_MIP)
    return kcopt.build(kcopt.read_projects(sc.projects), sc)


def test_demo_mip_by_branch_and_bound_is_highs_optimum(demo_mip: kcopt.Model,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ours = kcopt.solve(demo_mip)
    assert ours.status.value == "optimal"
    assert ours.message.startswith("kcopt branch-and-bound")
    gap = demo_mip.scenario.solver.mip_gap
    assert ours.mip_gap is not None and 0 <= ours.mip_gap <= gap
    monkeypatch.setattr(bnb, "PLAN_NODE_LIMIT", 0)  # gives up before its first node
    theirs = kcopt.solve(demo_mip, mip_gap=1e-9)
    assert not theirs.message.startswith("kcopt branch-and-bound")
    assert theirs.objective is not None and ours.objective is not None
    # HiGHS's optimum (to 1e-9) is no better than ours by more than our gap
    assert theirs.objective <= ours.objective + ours.mip_gap * abs(ours.objective) + 1e-7
    assert ours.objective <= theirs.objective + 1e-7
    for r in (ours, theirs):
        assert not [v for v in r.violations if v.startswith("!")]


def test_root_too_fractional_goes_to_highs(demo_mip: kcopt.Model,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bnb, "ROOT_FRACTIONAL", 0)
    r = kcopt.solve(demo_mip)
    assert r.status.value == "optimal" and not r.message.startswith("kcopt branch-and-bound")


def test_the_reported_gap_is_true(demo_mip: kcopt.Model) -> None:
    """A loose gap stops the search early; the plan's objective plus the gap it reports still
    reaches the optimum."""
    best = kcopt.solve(demo_mip, mip_gap=1e-9)
    assert best.objective is not None
    for gap in (0.002, 0.02, 0.2):
        loose = kcopt.solve(demo_mip, mip_gap=gap)
        assert loose.message.startswith("kcopt branch-and-bound")
        assert loose.objective is not None and loose.mip_gap is not None
        assert loose.mip_gap <= gap
        assert loose.objective <= best.objective + 1e-7
        assert best.objective <= loose.objective + loose.mip_gap * max(1.0, abs(loose.objective)) \
            + 1e-7


def _program(caps: list[float], scores: list[float], fractions: list[float],
             budgets: list[tuple[list[int], float]]) -> LinearProgram:
    """Columns y_0 … y_{n-1} (support), z_0 … z_{n-1} (selection, binary); rows
    y_p − cap_p·z_p ≤ 0, f_p·cap_p·z_p − y_p ≤ 0 and each budget's Σ y ≤ B."""
    n = len(caps)
    rows: list[dict[int, float]] = []
    lower: list[float] = []
    upper: list[float] = []
    for p in range(n):
        rows.append({p: 1.0, n + p: -caps[p]})
        rows.append({p: -1.0, n + p: fractions[p] * caps[p]})
        lower += [-np.inf, -np.inf]
        upper += [0.0, 0.0]
    for members, amount in budgets:
        rows.append(dict.fromkeys(members, 1.0))
        lower.append(-np.inf)
        upper.append(amount)
    a = sp.lil_matrix((len(rows), 2 * n))
    for i, r in enumerate(rows):
        for j, v in r.items():
            a[i, j] = v
    return LinearProgram(
        cost=np.array([*scores, *([0.0] * n)]), col_lower=np.zeros(2 * n),
        col_upper=np.array([*caps, *([1.0] * n)]),
        integer=np.array([False] * n + [True] * n),
        col_names=[f"y:{p}" for p in range(n)] + [f"z:{p}" for p in range(n)],
        A=a.tocsr(), row_lower=np.array(lower), row_upper=np.array(upper),
        row_names=[f"row:{i}" for i in range(len(rows))], row_family=["cap"] * len(rows))


@st.composite
def programs(draw: st.DrawFn) -> LinearProgram:
    n = draw(st.integers(3, 14))
    caps = draw(st.lists(st.integers(10, 300).map(float), min_size=n, max_size=n))
    scores = draw(st.lists(st.integers(1, 100).map(lambda v: v / 100), min_size=n,
                           max_size=n))
    fractions = draw(st.lists(st.sampled_from([0.0, 0.5, 0.6, 1.0]), min_size=n, max_size=n))
    budgets = draw(st.lists(st.tuples(
        st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True),
        st.integers(20, 800).map(float)), min_size=1, max_size=3))
    return _program(caps, scores, fractions, budgets)


@settings(max_examples=80, deadline=None)
@given(programs())
def test_branch_and_bound_is_the_mip_optimum(lp: LinearProgram) -> None:
    opts = SolverOptions(mip_gap=1e-9)
    ours = bnb.solve_mip(lp, opts)
    theirs = highs.solve(lp, opts)
    assert ours.status == theirs.status == "optimal"
    assert ours.objective == pytest.approx(theirs.objective, abs=1e-6)
    assert ours.x is not None
    assert check_solution(lp, ours.x) == []
    loose = bnb.solve_mip(lp, SolverOptions(mip_gap=0.05))  # stops early: its gap says how far
    assert loose.objective is not None and loose.mip_gap is not None and loose.mip_gap <= 0.05
    assert theirs.objective is not None
    assert theirs.objective <= loose.objective + loose.mip_gap * max(1.0, abs(loose.objective)) \
        + 1e-7


def test_a_node_limit_and_a_time_limit_hand_over_to_highs(demo_mip: kcopt.Model,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    lp = demo_mip.lp
    opts = replace(demo_mip.scenario.solver, mip_gap=1e-4)
    monkeypatch.setattr(bnb, "PLAN_NODE_LIMIT", 3)
    assert not bnb.solve_mip(lp, opts).message.startswith("kcopt branch-and-bound")
    monkeypatch.setattr(bnb, "PLAN_NODE_LIMIT", 10**6)
    assert bnb.branch_and_bound(lp, opts, gap=1e-4, seconds=0.0) is None
