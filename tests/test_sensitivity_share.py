"""How re-solves are shared between this process and the worker processes (`engine.share`),
and when they stay here (`PARALLEL_AFTER_S`, counted in CPU time)."""

from __future__ import annotations

import itertools
import os
import time

import pytest

import kcopt
from kcopt.analysis.sensitivity import engine, weight_robustness
from kcopt.core import forkwork as forked


@pytest.fixture(scope="module")
def demo() -> kcopt.Result:
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    return kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))


def slow_square(i: int) -> tuple[str, int, int]:
    time.sleep(0.05)  # so the worker is still busy when this process takes the queue's end
    return "worker", i * i, os.getpid()


def test_share_keeps_item_order_and_works_here_too() -> None:
    """Twelve items for one worker: this process takes the ones still waiting from the end
    of the queue; every item runs once and the results come back in item order."""
    n = 12
    out = engine.share([lambda i=i: ("here", i * i, os.getpid()) for i in range(n)],
                       [(slow_square, (i,)) for i in range(n)], jobs=2)
    assert [square for _who, square, _pid in out] == [i * i for i in range(n)]
    assert out[-1][0] == "here" and out[-1][2] == os.getpid()
    who = [w for w, _s, _p in out]
    # the workers' items come first, this process's last: one cut, no interleaving
    assert [k for k, _g in itertools.groupby(who)] in (["here"], ["worker", "here"])
    assert all(p != os.getpid() for w, _s, p in out if w == "worker")


def test_shared_draws_give_the_serial_table(demo: kcopt.Result,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Draws sent to a worker with the base basis (no cold solve there), some run here: the
    serial table exactly."""
    serial = weight_robustness(demo, draws=48, seed=7)
    monkeypatch.setattr(engine, "PARALLEL_AFTER_S", 0.0)
    monkeypatch.setattr(engine, "CHUNKS_PER_JOB", 6)
    monkeypatch.setattr(forked, "can_fork", lambda: False)  # loky's workers (no fork there)
    import pandas as pd

    pd.testing.assert_frame_equal(serial, weight_robustness(demo, draws=48, seed=7, jobs=2))


def test_a_busy_machine_keeps_small_work_here(demo: kcopt.Result,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether the rest goes to worker processes is judged on this process's CPU time: when
    the machine is busy and the wall clock runs on (here: a second per reading), the demo's
    milliseconds of re-solves still stay here (before, they started the workers)."""
    clock = itertools.count(0.0, 1.0)
    monkeypatch.setattr(time, "perf_counter", lambda: float(next(clock)))
    calls = []

    class Counting:
        def __call__(self, r, p):
            calls.append(p)
            return r.solve().objective

    points = list(range(30))
    out = engine.map_points(demo.model.lp, Counting(), points, jobs=2)
    assert len(out) == 30 and len(calls) == 30  # every point ran in this process


def test_margins_shared_with_a_worker_are_the_serial_ones(make_case) -> None:
    """The hand case of test_mip_sensitivity (B enters above 0.7, A is dropped below 0.4),
    its margins queued for a worker before the suite's other analyses: the same table as one
    process, exactly."""
    from conftest import solve_case
    from kcopt.analysis.sensitivity import selection_margins
    from kcopt.analysis.sensitivity.suite import run_sensitivity

    m = {"province": "Sơn La", "category": "machinery", "level": "central",
         "total_cost": 600, "green": 0}
    projects = [dict(m, project_id="A", name="a", appraisal=90, all_or_nothing=1),
                dict(m, project_id="B", name="b", appraisal=40, min_fraction=0.5),
                dict(m, project_id="C", name="c", appraisal=70)]
    result = solve_case(make_case(projects, {"budgets": {"central": 600},
                                             "weights": {"appraisal": 1}}))
    serial = selection_margins(result, max_projects=5)
    import pandas as pd

    pd.testing.assert_frame_equal(serial, selection_margins(result, max_projects=5, jobs=2))
    from kcopt.analysis.sensitivity.selection import start_selection_margins

    # queued for a worker however little the first margin took (parallel_after 0); with two
    # jobs the margins' thread is the second, so a worker takes a third
    shared = start_selection_margins(result, max_projects=5, jobs=3, parallel_after=0.0)
    pd.testing.assert_frame_equal(serial, shared(False))
    suite = run_sensitivity(result, draws=4, sweep_points=3, grid=2, margins=5, jobs=2)
    assert suite.selection_margins is not None
    pd.testing.assert_frame_equal(serial, suite.selection_margins)
    flips = serial.set_index("project_id")["flip_score"]
    assert flips["B"] == pytest.approx(0.7, abs=1e-6) and flips["A"] == pytest.approx(0.4,
                                                                                      abs=1e-6)


@pytest.fixture(scope="module")
def mip_demo() -> kcopt.Result:
    sc = kcopt.load_scenario(kcopt.demo_scenario_path().parent / "demo-mip.yaml")
    return kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))


def test_margins_found_beside_the_caller_are_the_serial_ones(mip_demo: kcopt.Result,
                                                            vietnamese) -> None:
    """With two jobs the MIP demo's five margins are found in a thread of this process while
    it does other work (no worker process started: one costs about as much to start as the
    five margins), the projects left shared between the thread and the caller: the serial
    table exactly, said in the caller's language."""
    import threading

    import pandas as pd

    from kcopt.analysis.sensitivity.selection import selection_margins, start_selection_margins

    serial = selection_margins(mip_demo, max_projects=5)
    done = start_selection_margins(mip_demo, max_projects=5, jobs=2)
    # the thread works while this one does (here: the serial table again)
    assert "kcopt-selection-margins" in [t.name for t in threading.enumerate()]
    again = selection_margins(mip_demo, max_projects=5)
    table = done(False)
    assert "kcopt-selection-margins" not in [t.name for t in threading.enumerate()]
    pd.testing.assert_frame_equal(serial, again)
    pd.testing.assert_frame_equal(serial, table)
    assert len(table) == 5 and table["sentence"].str.contains("điểm").all()


def test_a_failure_beside_the_caller_is_raised_where_the_table_is_collected(
        mip_demo: kcopt.Result) -> None:
    """A margin that fails in the thread (here: a bad iteration count) raises in the caller
    when it collects the table, and leaves no thread behind."""
    import threading

    from kcopt.analysis.sensitivity.selection import start_selection_margins

    done = start_selection_margins(mip_demo, max_projects=2, iterations="six",  # type: ignore[arg-type]
                                   jobs=2)
    with pytest.raises(TypeError):
        done(False)
    assert "kcopt-selection-margins" not in [t.name for t in threading.enumerate()]
