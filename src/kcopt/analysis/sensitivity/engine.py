"""Warm-started re-solves, spread over processes (forked, or joblib's) or a Dask cluster.

A `Resolver` keeps one HiGHS instance per worker: each re-solve changes costs or row bounds in
place and HiGHS restarts simplex from the base program's optimal basis (the same for every
point, so the answer does not depend on the order of the work). Work is cut into contiguous
chunks, one HiGHS instance each (a forked worker's: the copy of this process's it was born
with); results come back in input order, so a run is reproducible whatever the number of
workers. A failed point is recorded, not raised. (Among exactly tied optima HiGHS's choice can
still depend on what an instance solved before: benchmarks/README.md, "Forked workers".)
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from kcopt.core import forkwork as forked
from kcopt.core.errors import OutputError, UsageError
from kcopt.core.words import _
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model import LinearProgram


@dataclass
class Point:
    """One re-solve: status ("optimal" or what went wrong), objective, column values."""

    status: str
    objective: float
    x: np.ndarray | None


class Resolver:
    """A HiGHS model kept alive across re-solves (warm starts).

    Every re-solve of an LP starts from the same basis, the base program's optimum, never from
    the previous point's: an allocation LP is degenerate (several plans of equal score), and
    which one simplex ends at depends on where it starts. So a point's answer is the same
    whichever worker solves it and whatever that worker solved before.
    """

    def __init__(self, lp: LinearProgram, opts: SolverOptions | None = None,
                 start: Start | None = None):
        """`start`: the base basis as `start_basis` gave it in another process (a worker
        then does not solve the base program again from scratch)."""
        # start-up: highspy only when this runs
        from kcopt.solvers.highs import make_highs, pass_lp

        self.lp = lp
        self.opts = opts or SolverOptions()
        self.h = make_highs(self.opts)
        self.n = lp.shape[1]
        self._all = np.arange(self.n, dtype=np.int32)
        self.basis = None
        self.extra: dict[str, Any] = {}  # what a task keeps per instance (draws.Draws)
        is_lp = not lp.integer.any()
        if is_lp:
            self.h.setOptionValue("presolve", "off")  # re-solves start from a basis
        pass_lp(self.h, lp)
        if start is not None:
            self.basis = _basis(start)
            if is_lp and self.n:  # a first run at the program's own costs, as below (draws.Draws)
                self.h.setBasis(self.basis)
                self.h.run()
        elif is_lp and self.n:
            self.h.run()
            basis = self.h.getBasis()
            self.basis = basis if basis.valid else None

    def start_basis(self) -> Start | None:
        """The base basis as plain statuses, to send to another process."""
        if self.basis is None:
            return None
        return (list(self.basis.col_status), list(self.basis.row_status))

    def set_costs(self, cost: np.ndarray) -> None:
        self.h.changeColsCost(self.n, self._all, np.asarray(cost, dtype=float))

    def set_row_bounds(self, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """Change row bounds in place (±inf allowed)."""
        rows = np.asarray(rows, dtype=np.int32)
        lo = np.clip(np.asarray(lower, dtype=float), -1e30, 1e30)
        up = np.clip(np.asarray(upper, dtype=float), -1e30, 1e30)
        self.h.changeRowsBounds(len(rows), rows, lo, up)  # type: ignore[attr-defined]

    def set_row_upper(self, rows: np.ndarray, upper: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.int32)
        self.set_row_bounds(rows, self.lp.row_lower[rows], upper)

    def solve(self) -> Point:
        try:
            if self.opts.time_limit:
                # HiGHS counts its time limit over every run of an instance: without this,
                # once the re-solves together pass it, every later point fails (a minute of
                # weight draws at 10,000 projects lost the rest of them)
                self.h.setOptionValue("time_limit",
                                      self.h.getRunTime() + float(self.opts.time_limit))
            if self.basis is not None:
                self.h.clearSolver()  # no factor, edge weights or perturbation carried over
                self.h.setBasis(self.basis)
            self.h.run()
            status = self.h.getModelStatus().name
            if status == "kModelEmpty":  # nothing any fund may pay: an empty plan
                return Point("optimal", 0.0, np.zeros(self.n))
            if status != "kOptimal":
                return Point(status.removeprefix("k").lower(), float("nan"), None)
            x = np.asarray(self.h.getSolution().col_value)
            return Point("optimal", float(self.h.getInfo().objective_function_value), x)
        except Exception as exc:  # a failed point is data, not a crash
            return Point(f"error: {exc}", float("nan"), None)


Task = Callable[[Resolver, Any], Any]
Start = tuple[list, list]  # a basis's column and row statuses


def _basis(start: Start) -> Any:
    import highspy

    basis = highspy.HighsBasis()
    basis.col_status, basis.row_status = start
    basis.valid = True
    return basis


def _solve_all(task: Task, resolver: Resolver, params: Sequence[Any]) -> list[Any]:
    return [task(resolver, p) for p in params]


def _run_chunk(lp: LinearProgram, opts: SolverOptions, task: Task,
               params: Sequence[Any], start: Start | None = None) -> list[Any]:
    return _solve_all(task, Resolver(lp, opts, start), params)


# below this many seconds of projected serial work (CPU time of this thread, so neither a busy
# machine nor the selection margins' thread beside it makes a small run look long) a run stays
# in this process: starting a worker process (Python, NumPy, pandas, SciPy, HiGHS) costs about
# a second of CPU each, more than all the warm-started re-solves of a small program (200 draws
# of the demo: 0.1 s)
PARALLEL_AFTER_S = 2.0
CHUNKS_PER_JOB = 8  # small enough that this process and the workers end close together
# a forked worker (`forked`) costs milliseconds to start and has this process's Resolver: work
# leaves this process at this share of `PARALLEL_AFTER_S`, in smaller chunks (a message each)
FORK_AFTER = 0.125
FORK_CHUNKS_PER_JOB = 32


def map_points(lp: LinearProgram, task: Task, params: Sequence[Any], *, jobs: int = 1,
               scheduler: str | None = None, opts: SolverOptions | None = None,
               progress: bool = False, desc: str = "") -> list[Any]:
    """`[task(resolver, p) for p in params]`, warm-started, over `jobs` processes or a Dask
    cluster at `scheduler`; results in the order of `params`.

    With `jobs` > 1 the first points run here; when the rest would take more than
    `PARALLEL_AFTER_S` at that pace, it is cut into chunks shared by this process and
    `jobs` − 1 worker processes (`share`), which get the base basis rather than solve the base
    program again. An LP on Linux forks its workers instead (`forked`, sooner: `FORK_AFTER`), and
    they have this process's HiGHS instance and what the task made in it (a weight draw's
    reduced program). Every point starts from the same basis, so where it runs does not
    change its answer."""
    opts = opts or SolverOptions()
    n = len(params)
    if n == 0:
        return []
    bar = _bar(n, desc) if progress else None
    out: list[Any] = []
    try:
        if scheduler is not None:
            out = _dask(lp, opts, task, _chunks(params, max(jobs, 2)), scheduler, bar)
        else:
            resolver = Resolver(lp, opts)
            # a MIP's solve uses HiGHS's worker threads, which a forked child has not got
            fork = jobs > 1 and not lp.integer.any() and forked.can_fork()
            after = PARALLEL_AFTER_S * (FORK_AFTER if fork else 1.0)
            t0 = time.thread_time()
            for p in params:
                out.append(task(resolver, p))
                if bar is not None:
                    bar.update(1)
                done = len(out)
                if jobs > 1 and done < n and (time.thread_time() - t0) / done * (n - done) > after:
                    break
            for res in _elsewhere(lp, opts, task, resolver, params[len(out):], jobs, fork, bar):
                out.extend(res)
    finally:
        if bar is not None:
            bar.close()
    return out


def _elsewhere(lp: LinearProgram, opts: SolverOptions, task: Task, resolver: Resolver,
               rest: Sequence[Any], jobs: int, fork: bool, bar: Any) -> list[list[Any]]:
    """`rest` in chunks over this process and `jobs` − 1 workers: forked from this one when
    `fork` (they have `resolver` already), else loky's, sent the base basis."""
    if not rest:
        return []
    if fork:
        chunks = _chunks(rest, jobs, FORK_CHUNKS_PER_JOB)
        sizes = [len(c) for c in chunks]
        return forked.run([partial(_solve_all, task, resolver, c) for c in chunks], jobs - 1,
                          None if bar is None else lambda i: bar.update(sizes[i]))
    start = resolver.start_basis()
    chunks = _chunks(rest, jobs, CHUNKS_PER_JOB)
    return share([partial(_solve_all, task, resolver, c) for c in chunks],
                 [(_run_chunk, (lp, opts, task, c, start)) for c in chunks],
                 jobs, bar, [len(c) for c in chunks])


class Shared:
    """Items queued now for `jobs` − 1 worker processes (`there[i]` = function and
    arguments); `results` later runs the ones still waiting in this process, from the end of
    the queue, so this process works instead of waiting and one worker fewer is started.
    Queued early, the workers start (about a second each) while this process does other
    work. The answers do not depend on who ran what."""

    def __init__(self, there: Sequence[tuple[Callable, tuple]], jobs: int):
        from joblib.externals.loky import get_reusable_executor

        executor = get_reusable_executor(max_workers=max(jobs - 1, 1))
        self.futures = [executor.submit(fn, *args) for fn, args in there]

    def results(self, here: Sequence[Callable[[], Any]], bar: Any = None,
                sizes: Sequence[int] | None = None) -> list[Any]:
        """Item i's result (`here[i]()` when this process runs it), in item order."""
        n = len(self.futures)
        results: list[Any] = [None] * n
        mine = [False] * n
        for i in reversed(range(n)):
            if not self.futures[i].cancel():  # a worker has it, and every item before it
                break
            results[i], mine[i] = here[i](), True
            if bar is not None:
                bar.update(sizes[i] if sizes else 1)
        for i, fut in enumerate(self.futures):
            if not mine[i]:
                results[i] = fut.result()
                if bar is not None:
                    bar.update(sizes[i] if sizes else 1)
        return results


def share(here: Sequence[Callable[[], Any]], there: Sequence[tuple[Callable, tuple]],
          jobs: int, bar: Any = None, sizes: Sequence[int] | None = None) -> list[Any]:
    """Run item i either here (`here[i]()`) or in one of `jobs` − 1 worker processes
    (`there[i]`), results in item order (`Shared`)."""
    return Shared(there, jobs).results(here, bar, sizes)


def _chunks(params: Sequence[Any], workers: int, per_worker: int = 4) -> list[list[Any]]:
    """Contiguous chunks, `per_worker` per worker, one HiGHS instance each."""
    n = len(params)
    bounds = np.linspace(0, n, min(n, per_worker * workers) + 1).astype(int)
    return [list(params[a:b]) for a, b in itertools.pairwise(bounds) if b > a]


def _dask(lp: LinearProgram, opts: SolverOptions, task: Task, chunks: list[list[Any]],
          scheduler: str, bar: Any) -> list[Any]:
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(_("--scheduler needs Dask, which is not installed here"),
                         repr(scheduler), _("Install it with pip install \"kcopt[dask]\", or "
                                            "leave out --scheduler to use this machine's "
                                            "cores")) from None
    try:
        client = Client(scheduler, timeout=20)
    except (OSError, TimeoutError) as exc:  # no scheduler listening there
        raise OutputError(_("cannot reach the Dask scheduler at {address} ({error}). Start it "
                            "(dask scheduler), check the address, or leave out --scheduler")
                          .format(address=scheduler, error=exc)) from None
    with client:
        lp_future = client.scatter(lp, broadcast=True)
        futures = [client.submit(_run_chunk, lp_future, opts, task, c, pure=False)
                   for c in chunks]
        results = []
        for fut, chunk in zip(futures, chunks, strict=True):
            results.extend(fut.result())
            if bar is not None:
                bar.update(len(chunk))
    return results


def _bar(total: int, desc: str) -> Any:
    from tqdm.auto import tqdm


    # the title is a catalog message (marked N_ where it is named), shown in the language in use
    return tqdm(total=total, desc=_(desc), unit=_("solve"), leave=False)
