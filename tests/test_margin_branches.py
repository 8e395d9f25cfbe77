"""The selection margins' branch MIPs — by the small branch-and-bound (`kcopt.solvers.bnb`), and
on their partial relaxation (integrality only on the integer columns found fractional, round
after round) when it gives up — give the whole MIP's optimum.

A knapsack of all-or-nothing machinery projects in Sơn La paid by the central fund (cap = half
the total cost, at most 300), budget 650, objective `total_score` (score · y / cap), so a
project taken counts its score. The LP relaxation takes A and B and 150 of C's 200; with C held
integral the best relaxation takes C and 150 of B's; so a branch needs several rounds. Each
branch (every project, held in and held out) is checked against every subset of projects that
fits the budget, enumerated here.
"""

from __future__ import annotations

import itertools
from concurrent.futures import wait
from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd
import pytest

from conftest import solve_case
from kcopt.analysis.sensitivity import selection as margins
from kcopt.analysis.sensitivity.engine import Shared
from kcopt.solvers.bnb import branch_and_bound

M = {"province": "Sơn La", "category": "machinery", "level": "central", "green": 0,
     "all_or_nothing": 1}
# id: (total cost, appraisal); caps 300, 200, 200, 100, 300
KNAPSACK = {"A": (600, 90), "B": (400, 50), "C": (400, 48), "D": (200, 21), "E": (600, 55)}
BUDGET = 650


def _best_by_enumeration(scores: dict[str, float], caps: dict[str, float], held: str,
                         taken: bool) -> float:
    """The best total score of the subsets that fit the budget, with `held` in or out."""
    best = float("-inf")
    ids = list(scores)
    for k in range(len(ids) + 1):
        for subset in itertools.combinations(ids, k):
            if (held in subset) != taken or sum(caps[i] for i in subset) > BUDGET + 1e-9:
                continue
            best = max(best, sum(scores[i] for i in subset))
    return best


def test_partial_relaxation_branches_are_the_whole_mip(make_case) -> None:
    projects = [dict(M, project_id=pid, name=pid.lower(), total_cost=cost, appraisal=score)
                for pid, (cost, score) in KNAPSACK.items()]
    result = solve_case(make_case(projects, {"budgets": {"central": BUDGET},
                                             "weights": {"appraisal": 1}}))
    model = result.model
    frame = model.projects
    ids = list(frame["project_id"])
    caps = dict(zip(ids, frame["cap"].astype(float), strict=True))
    assert caps == {"A": 300, "B": 200, "C": 200, "D": 100, "E": 300}
    score = frame["score"].to_numpy(float)
    scores = dict(zip(ids, score, strict=True))
    # the plan: A, B and D (600 of 650), 0.9 + 0.5 + 0.21
    assert result.objective == pytest.approx(_best_by_enumeration(scores, caps, "A", True))
    args = margins._margin_args(result, max_projects=5, iterations=6, tol=5e-3)
    assert args is not None and len(args) == 5
    start = args[0][-1]
    assert start.sum() == 1  # the LP relaxation leaves one selection fractional (C's)
    lp, opts = model.lp, model.scenario.solver
    grown = 0
    for a in args:
        p, j = a[1], a[2]
        for z in (0.0, 1.0):
            expected = _best_by_enumeration(scores, caps, ids[p], bool(z))
            objective, x = margins._branch(model, score, p, j, z, opts, start.copy())
            assert objective == pytest.approx(expected, abs=1e-7), (ids[p], z)
            assert objective == pytest.approx(margins._branch(model, score, p, j, z, opts)[0],
                                              abs=1e-7)  # HiGHS on the whole MIP
            assert x is not None and np.allclose(x[lp.integer], np.round(x[lp.integer]),
                                                 atol=1e-6)
            lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
            lower[j] = upper[j] = z
            prog = replace(lp, col_lower=lower, col_upper=upper)
            keep = start.copy()
            assert margins._partial_rounds(prog, keep, opts)[0] == pytest.approx(expected,
                                                                                 abs=1e-7)
            grown = max(grown, int(keep.sum()))
    assert grown >= 3  # some branch needed more rounds than the relaxation's own fraction


def test_branch_and_bound_gives_up_past_its_node_limit(make_case) -> None:
    """The knapsack's LP relaxation is fractional: one node does not settle it, nor is a root
    with a fractional column tried when none is allowed (None: the caller solves another way);
    with room it finds the plan, and a program without any plan
    is "infeasible"."""
    projects = [dict(M, project_id=pid, name=pid.lower(), total_cost=cost, appraisal=score)
                for pid, (cost, score) in KNAPSACK.items()]
    result = solve_case(make_case(projects, {"budgets": {"central": BUDGET},
                                             "weights": {"appraisal": 1}}))
    lp, opts = result.model.lp, result.model.scenario.solver
    assert branch_and_bound(lp, opts, node_limit=1) is None
    assert branch_and_bound(lp, opts, root_fractional=0) is None  # C's share is fractional
    found = branch_and_bound(lp, opts)
    assert found is not None and found.status == "optimal"
    assert found.objective == pytest.approx(result.objective, abs=1e-7)
    must = lp.col_lower.copy()
    must[lp.integer] = 1.0  # every project taken: 1,100 of a 650 budget
    none = branch_and_bound(replace(lp, col_lower=must), opts)
    assert none is not None and none.status == "infeasible" and none.x is None


def test_margins_from_a_worker_are_in_the_language_in_use(make_case) -> None:
    """`kcopt --lang en sensitivity --jobs 2` wrote the margins a worker process found in
    Vietnamese, the worker's own language (here the tests' KCOPT_LANG, English, against a
    chosen Vietnamese): their lines are said in this process."""
    import kcopt

    projects = [dict(M, project_id=pid, name=pid.lower(), total_cost=cost, appraisal=score)
                for pid, (cost, score) in KNAPSACK.items()]
    result = solve_case(make_case(projects, {"budgets": {"central": BUDGET},
                                             "weights": {"appraisal": 1}}))
    kcopt.set_language("vi")
    serial = margins.selection_margins(result, max_projects=5)
    args = margins._margin_args(result, max_projects=5, iterations=6, tol=5e-3)
    assert args is not None
    shared = Shared([(margins._margin, a) for a in args], jobs=2)
    wait(shared.futures)  # every project's margin found by the worker process
    # as `_Background` takes them: the worker's rows, said in this process when collected
    rows = margins._said_here(shared.results([partial(margins._margin, *a) for a in args]))
    assert [r["sentence"] for r in rows] == list(serial["sentence"])
    assert all("được chọn" in r["sentence"] for r in rows)


def test_margins_do_not_trust_a_plan_stopped_at_its_gap(make_case) -> None:
    """A MIP plan is optimal only to the scenario's gap (10⁻⁴ of the objective: 0.029 on the
    MIP demo). The margins took the plan's objective as one branch's optimum, so a branch solved
    exactly that beat it sent Newton the wrong way: at 10,000 projects an unselected project
    'would have to rise' to a score below its own. Here the plan's objective is put 0.05 low,
    as a plan HiGHS stopped early would be: the margins are those of the optimal plan, and an
    unselected project's flip score is above its score."""
    projects = [dict(M, project_id=pid, name=pid.lower(), total_cost=cost, appraisal=score)
                for pid, (cost, score) in KNAPSACK.items()]
    result = solve_case(make_case(projects, {"budgets": {"central": BUDGET},
                                             "weights": {"appraisal": 1}}))
    exact = margins.selection_margins(result, max_projects=5)
    assert result.objective is not None
    early = replace(result, objective=result.objective - 0.05)
    pd.testing.assert_frame_equal(margins.selection_margins(early, max_projects=5), exact)
    out = exact[~exact["selected"] & np.isfinite(exact["margin"])]
    assert len(out) and (out["flip_score"] > out["score"]).all()


@pytest.mark.parametrize("appraisals", [(90, 50, 48, 21, 55), (30, 80, 62, 70, 41),
                                        (55, 55, 54, 60, 20)])
def test_the_exact_plan_stands_for_the_plan_side_branches(make_case, monkeypatch,
                                                          appraisals) -> None:
    """Each examined project's branch on the plan's side is taken from one exact solve of the
    plan's MIP (`_exact_plan`) where that optimum selects the project as the plan does: the
    table is the one found by solving every branch. So it is for a plan that is not optimal
    (the best plan with its best selected project left out): there the exact optimum selects
    that project, the plan does not, and its branches are solved."""
    projects = [dict(M, project_id=pid, name=pid.lower(), total_cost=cost, appraisal=score)
                for (pid, (cost, _s)), score in zip(KNAPSACK.items(), appraisals, strict=True)]
    result = solve_case(make_case(projects, {"budgets": {"central": BUDGET},
                                             "weights": {"appraisal": 1}}))
    model = result.model
    args = margins._margin_args(result, max_projects=5, iterations=6, tol=5e-3)
    assert args is not None
    score, opts = args[0][4], model.scenario.solver
    p, j = max(((a[1], a[2]) for a in args if a[3]), key=lambda pj: score[pj[0]])
    worse, x = margins._branch(model, score, p, j, 0.0, opts, args[0][-1].copy())
    assert x is not None and worse < result.objective - 1e-6  # the best one left out costs
    suboptimal = replace(result, x=x, objective=worse)
    for plan in (result, suboptimal):
        taken = margins.selection_margins(plan, max_projects=5)
        exact = margins._exact_plan(model, score, opts)
        assert exact is not None and exact[0] == pytest.approx(result.objective, abs=1e-7)
        with monkeypatch.context() as m:
            m.setattr(margins, "_exact_plan", lambda *_a: None)  # every branch solved
            solved = margins.selection_margins(plan, max_projects=5)
        pd.testing.assert_frame_equal(taken, solved)
    flipped = margins.selection_margins(suboptimal, max_projects=5).set_index("project_id")
    left_out = model.projects["project_id"].iat[p]
    # the plan left out a project the optimum takes: its selection flips at its own score
    assert not flipped.at[left_out, "selected"] and flipped.at[left_out, "margin"] == 0
