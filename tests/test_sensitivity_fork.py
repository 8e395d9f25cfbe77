"""Re-solves shared with worker processes forked from this one (`core.forkwork`):
every item once, in order, whoever ran it; a worker's failure raised here; the workers use
this process's HiGHS instance and what the task made in it, so nothing is sent or rebuilt."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import kcopt
from kcopt.analysis.sensitivity import draws as draws_module
from kcopt.analysis.sensitivity import engine, weight_robustness
from kcopt.core import forkwork as forked

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="fork is used on Linux only")


@pytest.fixture(autouse=True)
def earlier_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads earlier tests left (loky's executor, shut down here; Dask's idle offload
    thread) would make fork refused, rightly: these tests look past the ones left idle."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)
    before = set(forked._other_threads())
    others = forked._other_threads
    monkeypatch.setattr(forked, "_other_threads",
                        lambda: [t for t in others() if t not in before])
    assert forked.can_fork()


@pytest.fixture(scope="module")
def demo() -> kcopt.Result:
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    return kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))


def _item(i: int):  # type: ignore[no-untyped-def]
    def run() -> tuple[int, int]:
        time.sleep(0.02)  # so that both processes get some
        return i * i, os.getpid()
    return run


def test_items_are_shared_and_come_back_in_order() -> None:
    done: list[int] = []
    out = forked.run([_item(i) for i in range(30)], 2, done.append)
    assert [square for square, _pid in out] == [i * i for i in range(30)]
    pids = {pid for _square, pid in out}
    assert os.getpid() in pids and len(pids) >= 2  # here and in a worker
    assert out[-1][1] == os.getpid()  # this process takes the items from the end
    assert sorted(done) == list(range(30))


def test_an_item_a_worker_cannot_give_back_is_run_here() -> None:
    """One item fails in a worker, another kills its worker: both are run here afterwards
    and every result is the one process's."""
    parent = os.getpid()

    def odd(i: int):  # type: ignore[no-untyped-def]
        def run() -> int:
            if os.getpid() != parent and i == 1:
                raise RuntimeError("only in a worker")
            if os.getpid() != parent and i == 3:
                os._exit(9)  # the worker dies
            time.sleep(0.02)
            return i
        return run

    assert forked.run([odd(i) for i in range(12)], 2) == list(range(12))


def test_an_item_that_fails_everywhere_is_raised_here() -> None:
    def bad() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        forked.run([_item(0), bad, _item(2)], 1)


def test_no_fork_from_another_thread_or_beside_one() -> None:
    seen: list[bool] = []
    t = threading.Thread(target=lambda: seen.append(forked.can_fork()))
    t.start()
    t.join()
    assert seen == [False]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.can_fork()
    finally:
        stop.set()
        other.join()
    assert forked.can_fork()


class _Marked:
    """Marks its Resolver with the process that first used it; says which process solved."""

    def __call__(self, r: engine.Resolver, p: int) -> tuple[int, int, float]:
        r.extra.setdefault("made_in", os.getpid())
        return os.getpid(), r.extra["made_in"], r.solve().objective


def test_forked_workers_use_this_process_resolver(demo: kcopt.Result,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers solve on the HiGHS instance this process made, with what the task kept in
    it (a weight draw's reduced program): no program sent, none rebuilt (before, each chunk
    made its own in a fresh interpreter)."""
    monkeypatch.setattr(engine, "PARALLEL_AFTER_S", 0.0)
    out = engine.map_points(demo.model.lp, _Marked(), list(range(60)), jobs=2)
    assert {made_in for _pid, made_in, _obj in out} == {os.getpid()}
    assert {pid for pid, _m, _obj in out} - {os.getpid()}  # some solved in a worker
    assert len({obj for _p, _m, obj in out}) == 1


@pytest.mark.parametrize("fork", [True, False])
def test_draws_over_two_processes_are_the_serial_table(demo: kcopt.Result, fork: bool,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Reduced weight draws shared with a forked worker, or with a loky worker (where there is
    no fork): the serial table exactly."""
    monkeypatch.setattr(draws_module, "REDUCE_FROM", 0)
    serial = weight_robustness(demo, draws=48, seed=7)
    monkeypatch.setattr(engine, "PARALLEL_AFTER_S", 0.0)
    monkeypatch.setattr(engine, "CHUNKS_PER_JOB", 6)
    monkeypatch.setattr(forked, "can_fork", lambda: fork)
    if fork:  # nothing goes to loky
        monkeypatch.setattr(engine, "share", None)
    pd.testing.assert_frame_equal(serial, weight_robustness(demo, draws=48, seed=7, jobs=2),
                                  check_exact=True)


def test_forked_draws_beside_highs_worker_threads(tmp_path: Path) -> None:
    """A scenario asking HiGHS for 4 threads: this process has HiGHS's worker threads, a
    forked child has not; its simplex re-solves do not need them (the serial table, no hang).
    In a fresh interpreter, so that this one's HiGHS scheduler stays as it is."""
    script = textwrap.dedent("""
        import dataclasses, sys
        import pandas as pd, kcopt
        from kcopt.analysis.sensitivity import draws, engine, weight_robustness
        sc = kcopt.load_scenario(kcopt.demo_scenario_path())
        sc = dataclasses.replace(sc, solver=dataclasses.replace(sc.solver, threads=4))
        res = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))
        draws.REDUCE_FROM = 0
        serial = weight_robustness(res, draws=40, seed=3)
        engine.PARALLEL_AFTER_S = 0.0
        pd.testing.assert_frame_equal(serial, weight_robustness(res, draws=40, seed=3, jobs=3),
                                      check_exact=True)
        print("same")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().endswith("same")


class _Objective:
    def __call__(self, r: engine.Resolver, p: int) -> float:
        return r.solve().objective


def test_a_mip_is_not_forked(demo: kcopt.Result, monkeypatch: pytest.MonkeyPatch) -> None:
    """A MIP's solve would wait in a forked child for HiGHS's scheduler threads: its points
    go to loky's workers (answers within the MIP gap of the serial ones)."""
    import dataclasses

    import numpy as np

    lp = demo.model.lp
    integer = np.zeros(lp.shape[1], dtype=bool)
    integer[0] = True  # one integer column: a MIP, solved in milliseconds
    mip = dataclasses.replace(lp, integer=integer)
    serial = engine.map_points(mip, _Objective(), list(range(6)))

    def no_fork(*a: object) -> None:
        raise AssertionError("forked")

    monkeypatch.setattr(forked, "run", no_fork)
    monkeypatch.setattr(engine, "PARALLEL_AFTER_S", 0.0)
    shared = engine.map_points(mip, _Objective(), list(range(6)), jobs=2)
    assert shared == pytest.approx(serial, rel=1e-4)


def test_this_process_collector_is_left_as_it_was() -> None:
    """What this process froze before (kcopt's start-up freezes its modules) stays frozen, and
    nothing else is frozen by the fork."""
    import gc

    holder = [object() for _ in range(10)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        forked.run([_item(i) for i in range(6)], 1)
        # a few frozen objects may be freed meanwhile; an unfreeze would leave none frozen
        assert gc.get_freeze_count() > 0.9 * frozen
    finally:
        gc.unfreeze()
    del holder
    forked.run([_item(i) for i in range(6)], 1)
    assert gc.get_freeze_count() == 0
