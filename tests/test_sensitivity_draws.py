"""Weight draws on a reduced program with a pricing check (`analysis.sensitivity.draws`): each
draw's answer is the whole program's optimum, whatever the reduced program left out."""

from __future__ import annotations

import numpy as np
import pytest

import kcopt
from generated import generated
from kcopt.analysis.sensitivity import draw_weights
from kcopt.analysis.sensitivity import draws as draws_module
from kcopt.analysis.sensitivity.analyses import DrawTask, WeightTask, _Layout, program
from kcopt.analysis.sensitivity.engine import Resolver
from kcopt.model import criteria_matrix, objective_coefficients, weight_vector
from kcopt.solvers.solve import check_solution, dot


@pytest.fixture(scope="module")
def demo() -> kcopt.Result:
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    return kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))


def _tasks(result: kcopt.Result, near: float) -> tuple[DrawTask, WeightTask]:
    m = result.model
    args = (criteria_matrix(m.projects, m.scenario), m.projects["cap"].to_numpy(float),
            m.col_project, m.scenario.objective, _Layout.of(m))
    return DrawTask(*args, near=near), WeightTask(*args)


def _exact(lp) -> Resolver:
    """The whole program, solved to a dual tolerance of 10⁻¹⁰: at HiGHS's default (10⁻⁷) it
    may stop at a plan scoring ~10⁻⁵ less where two projects are worth nearly the same."""
    r = Resolver(lp)
    r.h.setOptionValue("dual_feasibility_tolerance", 1e-10)
    return r


def _spread(result: kcopt.Result, concentration: float) -> float:
    m = result.model
    return draws_module.spread(criteria_matrix(m.projects, m.scenario),
                               m.projects["cap"].to_numpy(float), m.col_project,
                               m.scenario.objective, weight_vector(m.scenario.weights),
                               concentration)


@pytest.mark.parametrize("near_spreads", [draws_module.NEAR, 1e-6])
def test_every_draw_is_the_whole_programs_optimum(demo: kcopt.Result,
                                                  near_spreads: float) -> None:
    """40 draws on the demo, each solved on a reduced program (the default one, and one
    keeping almost nothing but the basic columns, so most draws need columns put in): the
    objective of the whole program (solved to a tight tolerance), never below the whole
    program's at HiGHS's default."""
    lp = program(demo)
    near = near_spreads * _spread(demo, 50.0)
    reduced, whole = _tasks(demo, near)
    r_reduced, r_whole, r_exact = Resolver(lp, demo.model.scenario.solver), Resolver(lp), \
        _exact(lp)
    weights = draw_weights(demo.model.scenario.weights, 40, seed=4)
    for w in weights:
        status, objective, _fractions = reduced(r_reduced, w)
        status_exact, objective_exact, _f = whole(r_exact, w)
        assert status == status_exact == "optimal"
        assert objective == pytest.approx(objective_exact, rel=1e-9)
        assert objective >= whole(r_whole, w)[1] - 1e-9
    state = r_reduced.extra["draws"]
    assert state is not None and len(state.first.cols) < lp.shape[1] / 2  # reduced indeed
    if near_spreads < 1:  # the pricing check had work to do: columns were put in
        assert state.grown > len(weights) / 2 and state.whole < len(weights) / 10
    else:
        assert state.whole == 0


def test_a_reduced_answer_is_a_plan_of_the_whole_program(demo: kcopt.Result) -> None:
    """The reduced program's columns put back among the left-out ones at their base values
    give a plan that meets every row and bound of the whole program, scoring what a solve of
    the whole program scores."""
    lp = program(demo)
    m = demo.model
    near = 1e-6 * _spread(demo, 50.0)
    r, r_whole = Resolver(lp, m.scenario.solver), _exact(lp)
    state = draws_module.draws_of(r, m.col_project, near)
    assert state is not None
    criteria, cap = criteria_matrix(m.projects, m.scenario), m.projects["cap"].to_numpy(float)
    for w in draw_weights(m.scenario.weights, 10, seed=9):
        cost = objective_coefficients(criteria @ w, cap, m.col_project, m.scenario.objective)
        x = state.solve(cost)
        assert x is not None and check_solution(lp, x) == []
        r_whole.set_costs(cost)
        assert dot(cost, x) == pytest.approx(r_whole.solve().objective, rel=1e-9)


def test_without_the_pricing_check_a_draw_can_be_wrong(demo: kcopt.Result,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is what makes the answer the whole program's: with it switched off, a
    reduced program that keeps almost nothing scores below the whole program on some draw."""
    monkeypatch.setattr(draws_module, "_check", lambda *a: np.zeros(0, dtype=np.int64))
    lp = program(demo)
    reduced, whole = _tasks(demo, 1e-6 * _spread(demo, 50.0))
    r_reduced, r_whole = Resolver(lp), Resolver(lp)
    worse = [whole(r_whole, w)[1] - reduced(r_reduced, w)[1]
             for w in draw_weights(demo.model.scenario.weights, 10, seed=4)]
    assert max(worse) > 1e-3


def test_no_reduced_program_when_near_is_0_or_there_is_no_basis(demo: kcopt.Result) -> None:
    """`near` 0 (tornado's weight points) or a MIP re-solved whole: the whole program, as
    before."""
    lp = program(demo)
    assert draws_module.draws_of(Resolver(lp), demo.model.col_project, 0.0) is None
    mip = program(demo, reselect=True)
    if mip.integer.any():
        assert draws_module.draws_of(Resolver(mip), demo.model.col_project, 1.0) is None


def test_a_draw_on_the_reduced_program_does_not_depend_on_the_draws_before_it(
        demo: kcopt.Result) -> None:
    """30 draws forward and backward through one HiGHS instance each, with a reduced program
    small enough that most draws grow it: the same plans, bit for bit (every draw starts from
    the base basis; a grown program is made afresh)."""
    from kcopt.analysis.sensitivity.engine import map_points

    reduced, _whole = _tasks(demo, 1e-6 * _spread(demo, 50.0))
    weights = list(draw_weights(demo.model.scenario.weights, 30, seed=6))
    forward = map_points(program(demo), reduced, weights)
    backward = map_points(program(demo), reduced, weights[::-1])[::-1]
    assert all(np.array_equal(a[2], b[2]) and a[1] == b[1]
               for a, b in zip(forward, backward, strict=True))


@pytest.mark.slow
def test_draws_at_10000_projects_do_not_depend_on_their_order(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """At a national plan's size a HiGHS instance kept what its first run worked out from that
    draw's costs (clearSolver does not reset it), and 8 of 200 draws then differed, forward
    against backward, in their last bits: which draw a process solves first (one of forked or
    loky workers' chunks) must not change an answer. The reduced program is run first at its
    own costs."""
    from kcopt.analysis.sensitivity.engine import map_points
    from kcopt.pipeline import run as compute

    path = generated(tmp_path_factory.mktemp("draws") / "n10000", 10000)
    result = compute(path, reserve=0).result
    m = result.model
    near = draws_module.draws_near(criteria_matrix(m.projects, m.scenario),
                                   m.projects["cap"].to_numpy(float), m.col_project,
                                   m.scenario.objective, weight_vector(m.scenario.weights), 50.0,
                                   result.model.lp.shape[1])
    reduced, _whole = _tasks(result, near)
    weights = list(draw_weights(m.scenario.weights, 200, seed=0))
    forward = map_points(program(result), reduced, weights)
    backward = map_points(program(result), reduced, weights[::-1])[::-1]
    differ = [i for i, (a, b) in enumerate(zip(forward, backward, strict=True))
              if not (np.array_equal(a[2], b[2]) and a[1] == b[1])]
    assert differ == []


def test_weight_robustness_solves_its_draws_on_the_reduced_program(
        demo: kcopt.Result, monkeypatch: pytest.MonkeyPatch) -> None:
    """`weight_robustness` goes through the pricing check for every draw of a program of
    `REDUCE_FROM` columns or more (the demo's reduced program: 128 rows × 219 columns of
    178 × 843), the whole program below."""
    from kcopt.analysis.sensitivity import weight_robustness

    checked = []
    check = draws_module._check

    def counted(*args):  # type: ignore[no-untyped-def]
        checked.append(1)
        return check(*args)

    monkeypatch.setattr(draws_module, "_check", counted)
    table = weight_robustness(demo, draws=25, seed=2)
    assert table.attrs["failed"] == 0 and checked == []  # the demo is below REDUCE_FROM
    monkeypatch.setattr(draws_module, "REDUCE_FROM", 0)
    table = weight_robustness(demo, draws=25, seed=2)
    assert table.attrs["failed"] == 0 and len(checked) >= 25


def test_reduced_draws_over_two_processes_give_the_serial_table(
        demo: kcopt.Result, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reduced program made in the worker process from the base basis it is sent: the
    serial table exactly (`near`, decided here, travels with the task)."""
    import pandas as pd

    from kcopt.analysis.sensitivity import engine, weight_robustness

    monkeypatch.setattr(draws_module, "REDUCE_FROM", 0)
    serial = weight_robustness(demo, draws=48, seed=7)
    monkeypatch.setattr(engine, "PARALLEL_AFTER_S", 0.0)
    monkeypatch.setattr(engine, "CHUNKS_PER_JOB", 6)
    pd.testing.assert_frame_equal(serial, weight_robustness(demo, draws=48, seed=7, jobs=2),
                                  check_exact=True)


def test_reduced_draws_on_a_dask_cluster_give_the_local_table(
        demo: kcopt.Result, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reduced program made on each Dask worker (two in-process workers, two HiGHS
    instances at once): the local table exactly."""
    import pandas as pd

    from kcopt.analysis.sensitivity import weight_robustness

    distributed = pytest.importorskip("distributed", reason="the dev extra installs dask")
    monkeypatch.setattr(draws_module, "REDUCE_FROM", 0)
    local = weight_robustness(demo, draws=40, seed=11)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        on_dask = weight_robustness(demo, draws=40, seed=11,
                                    scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local, on_dask, check_exact=True)
