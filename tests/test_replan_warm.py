"""A re-plan starts its score program from the approved plan (issue 25, the speed line).

HiGHS is handed a basis guessed from the approved amounts (`highs.guessed_basis`, an *alien*
basis HiGHS completes) instead of starting cold; and the prices of the plan reported are read
with the first stage's basis as a hint. Neither may change an answer: the same optimum, every
bound and row held — only fewer simplex iterations.
"""

from __future__ import annotations

from dataclasses import replace

import highspy
import numpy as np
import pytest

import kcopt
from kcopt.inputs.approved import BudgetChange, Change
from kcopt.pipeline import run as compute
from kcopt.solvers import RawSolution, highs
from kcopt.solvers.solve import WarmReduced, check_solution, run_reduced


@pytest.fixture(scope="module")
def demo_cut() -> tuple[kcopt.Run, np.ndarray]:
    """The demo's program after a 5% central cut, and the approved (uncut) plan's point."""
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    approved = compute(sc, reserve=0)
    cut = compute(sc.with_budget_change(BudgetChange(central=Change(share=-0.05))), reserve=0)
    assert approved.result.x is not None
    return cut, approved.result.x


def _iterations(raw: RawSolution) -> int:
    return int(raw.handle.getInfo().simplex_iteration_count)


def test_the_cut_program_from_the_approved_plan_reaches_the_same_optimum_sooner(
        demo_cut: tuple[kcopt.Run, np.ndarray]) -> None:
    cut, x0 = demo_cut
    lp = cut.result.model.lp
    opts = replace(cut.scenario.solver, time_limit=None)
    cold = highs.solve(lp, opts)
    warm = highs.solve(lp, opts, near=x0)
    assert cold.status == warm.status == "optimal"
    assert warm.objective == pytest.approx(cold.objective, rel=1e-9, abs=1e-9)
    assert warm.x is not None and not check_solution(lp, warm.x)
    assert _iterations(warm) < _iterations(cold)
    read = highs.solve(lp, opts, near=x0, plan=True)  # x0 read as a plan of this program
    assert read.objective == pytest.approx(cold.objective, rel=1e-9, abs=1e-9)
    assert _iterations(read) < _iterations(warm), (_iterations(read), _iterations(warm))


def test_any_point_gives_a_basis_highs_can_start_from(
        demo_cut: tuple[kcopt.Run, np.ndarray]) -> None:
    """Not only a plan near the optimum: nothing, every cap, or amounts beyond the bounds."""
    cut, x0 = demo_cut
    lp = cut.result.model.lp
    opts = replace(cut.scenario.solver, time_limit=None)
    best = highs.solve(lp, opts).objective
    for point in (np.zeros(lp.shape[1]), np.nan_to_num(lp.col_upper, posinf=1e6), x0 * 3 - 50):
        basis = highs.guessed_basis(lp, point)
        assert basis.alien and len(basis.col_status) == lp.shape[1]
        assert len(basis.row_status) == lp.shape[0]
        got = highs.solve(lp, opts, near=point)
        assert got.status == "optimal"
        assert got.objective == pytest.approx(best, rel=1e-9, abs=1e-9)
    B = highspy.HighsBasisStatus
    statuses = highs.guessed_basis(lp, x0).col_status
    at_upper = np.isfinite(lp.col_upper) & (x0 >= lp.col_upper - 1e-9) & (lp.col_upper > 0)
    assert all(statuses[j] == B.kUpper for j in np.flatnonzero(at_upper)[:50].tolist())


def test_a_replan_is_the_same_with_the_warm_start(
        demo_cut: tuple[kcopt.Run, np.ndarray], tmp_path) -> None:
    """The re-plan of the demo's cut against its approved plan: the score of a fresh solve of
    the cut (tolerance 0), and a plan that holds every bound and row."""
    cut, _ = demo_cut
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    approved = compute(sc, reserve=0)
    assert approved.allocation is not None
    plan = tmp_path / "allocation.csv"
    approved.allocation.to_csv(plan, index=False, encoding="utf-8-sig")
    again = compute(cut.scenario.with_approved(plan), reserve=0)
    assert again.result.objective == pytest.approx(cut.result.objective, rel=1e-9)
    assert again.result.x is not None
    assert not check_solution(again.result.model.lp, again.result.x)
    assert again.result.shadow_price is not None and again.result.basis is not None


def test_the_second_stage_starts_from_the_first_stage_plan(
        demo_cut: tuple[kcopt.Run, np.ndarray]) -> None:
    """The move program (least money moved on the score program's optimal face), as the
    re-plan solves it, started from the first stage's plan with its moves as the split
    variables: the same least money moved, in fewer simplex iterations."""
    from kcopt.model.replan import approved_columns, move_program
    from kcopt.solvers.replan import _start_of_moves

    cut, _ = demo_cut
    approved = compute(kcopt.load_scenario(kcopt.demo_scenario_path()), reserve=0)
    assert approved.allocation is not None
    first = cut.result  # the score program's optimum, its prices (textbook signs)
    model = first.model
    assert first.x is not None and first.objective is not None
    assert first.shadow_price is not None and first.reduced_cost is not None
    opts = replace(cut.scenario.solver, time_limit=None, mip_gap=0.0)
    amounts = approved.allocation[["central", "local"]].to_numpy(float)
    moves = approved_columns(model, amounts, np.zeros(len(amounts), bool))
    program, free = move_program(model, moves, first.objective, 0.0,
                                 (first.shadow_price, first.reduced_cost),
                                 spent=model.lp.A @ first.x)
    start = _start_of_moves(first.x, free)
    assert start.shape == (program.shape[1],) and not check_solution(program, start)
    held = [WarmReduced(), WarmReduced()]  # each keeps the HiGHS instance it solved with
    cold = run_reduced(program, opts, warm=held[0])
    warm = run_reduced(program, opts, near=start, warm=held[1])
    assert cold.status == warm.status == "optimal"
    assert warm.objective == pytest.approx(cold.objective, rel=1e-9, abs=1e-6)
    iterations = [int(h.highs.getInfo().simplex_iteration_count) for h in held]
    assert iterations[1] < iterations[0], iterations


def test_a_project_paid_in_full_by_one_fund_keeps_the_other_funds_column_basic(
        demo_cut: tuple[kcopt.Run, np.ndarray]) -> None:
    """A two-fund project paid in full from one fund: its total row binds, that column sits at
    its upper bound, and the other fund's column, at 0, is guessed basic (as the simplex leaves
    it), not at its lower bound."""
    cut, x0 = demo_cut
    lp = cut.result.model.lp
    B = highspy.HighsBasisStatus
    statuses = highs.guessed_basis(lp, x0, plan=True).col_status
    totals = [i for i, f in enumerate(lp.row_family) if f in ("cap", "must_fund")]
    seen = 0
    for i in totals:
        cols = lp.A[i].indices
        full = [j for j in cols if x0[j] >= lp.col_upper[j] - 1e-9 and lp.col_upper[j] > 0]
        empty = [j for j in cols if x0[j] <= 1e-9 and lp.col_upper[j] > 0]
        if full and empty:
            seen += 1
            assert all(statuses[j] == B.kBasic for j in empty)
            assert all(statuses[j] == B.kUpper for j in full)
    assert seen > 0  # the demo has such projects
