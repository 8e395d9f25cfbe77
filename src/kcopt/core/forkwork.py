"""Work shared with worker processes forked from this one (`run`), where the system allows it.

A worker started by loky is a fresh interpreter: it imports kcopt, NumPy, pandas, SciPy and
HiGHS (about a second of CPU) and is sent the program, the task and the base basis, then makes
its HiGHS instance and, for weight draws, its reduced program again. A worker forked from this
process after it made these has them already, at the cost of the fork (milliseconds: memory is
shared until written). Nothing is pickled but each item's result, sent back through a pipe.

The items are the same closures this process would run (the sensitivity analyses' chunks on
its own Resolver, `analysis.sensitivity.engine.map_points`; the reserve list's budget rows,
`analysis.reserve`); the workers take them from the front of the list and this process from the end,
one at a time under a lock, so all end close together on a shared machine too. Every re-solve
starts from the base basis, so an item gives what it gives in one process (but for HiGHS's
choice among exactly tied optima, which can depend on what its instance solved before: a
worker continues this process's history from the front, this process's own chunks do not;
benchmarks/README.md, "Forked workers"). An item a worker did not give back (it failed, or the
worker died) is run here afterwards, so a failure is raised here as in one process.

Fork is used only on Linux, from the main thread, when no other Python thread runs (a thread
holding a lock at the fork would leave the child's copy locked): a web app's request thread or
macOS and Windows use the loky workers (`engine.share`) instead, or run the items here. A child
has no copy of the native threads either: HiGHS's worker threads (a scenario's `threads`, or
half the cores) are used by its MIP solver, whose solve in a child waits for them forever, but
not by the simplex re-solves of an LP; so `map_points` forks for LPs only, and the reserve
list's walks are simplex re-solves (a MIP plan's too: on its LP with the selection held).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any

# tqdm's monitor thread only wakes a stalled bar every few seconds; the children never touch it
_HARMLESS_THREADS = ("TMonitor",)


def cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether `run` may fork this process: Linux, the main thread, no other Python thread
    but tqdm's monitor."""
    if not sys.platform.startswith("linux"):
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    return not _other_threads()


def _other_threads() -> list[threading.Thread]:
    """The Python threads running beside the main one, tqdm's monitor aside."""
    main = threading.main_thread()
    return [t for t in threading.enumerate()
            if t is not main and type(t).__name__ not in _HARMLESS_THREADS]


class _Ends:
    """The next item from the front (workers) and from the end (this process), shared by the
    forked processes."""

    def __init__(self, ctx: Any, n: int):
        self.lock = ctx.Lock()
        self.ends = ctx.RawArray("q", [0, n])

    def take(self, last: bool) -> int | None:
        with self.lock:
            lo, hi = self.ends[0], self.ends[1]
            if lo >= hi:
                return None
            if last:
                self.ends[1] = hi - 1
                return hi - 1
            self.ends[0] = lo + 1
            return lo


def _work(items: Sequence[Callable[[], Any]], ends: _Ends, conn: Any) -> None:
    """A forked worker: items from the front, each result sent as it is made. It stops at an
    item that fails; that one and the rest are then run by the parent, which raises."""
    # the child's collections then leave what it was born with (and its pages) alone; in the
    # child only, so the parent's collector stays as it was (kcopt's start-up freezes its own)
    gc.freeze()
    try:
        while (i := ends.take(last=False)) is not None:
            conn.send((i, items[i]()))
    except Exception:  # raised again where the parent runs the item
        pass
    finally:
        conn.close()


def run(items: Sequence[Callable[[], Any]], workers: int,
        done: Callable[[int], None] | None = None) -> list[Any]:
    """`[item() for item in items]`, shared by this process and `workers` forked processes
    (`can_fork` must hold); `done(i)` is called once item i's result is here."""
    ctx = multiprocessing.get_context("fork")
    ends = _Ends(ctx, len(items))
    results: dict[int, Any] = {}
    guard = threading.Lock()

    def keep(i: int, value: Any) -> None:
        with guard:
            results[i] = value
            if done is not None:
                done(i)

    procs, conns = _start(ctx, items, ends, workers)
    # results are read as they come, so a worker never waits on a full pipe
    readers = [threading.Thread(target=_read, args=(c, keep), daemon=True) for c in conns]
    for t in readers:
        t.start()
    try:
        while (i := ends.take(last=True)) is not None:
            keep(i, items[i]())
    except BaseException:  # an item failed here, or Ctrl-C: the workers' results are not wanted
        for proc in procs:
            proc.terminate()
        raise
    finally:
        for proc in procs:
            proc.join()
        for t in readers:
            t.join()
        for c in conns:
            c.close()
    for i in range(len(items)):  # what a worker did not give back
        if i not in results:
            keep(i, items[i]())
    return [results[i] for i in range(len(items))]


def _start(ctx: Any, items: Sequence[Callable[[], Any]], ends: _Ends,
           workers: int) -> tuple[list[Any], list[Any]]:
    """`workers` forked processes running `_work`, and the pipes their results come by."""
    procs, conns = [], []
    with warnings.catch_warnings():
        # Python ≥ 3.12 warns of any native thread (HiGHS's, OpenBLAS's): the simplex
        # re-solves a child makes do not use them (the module's note, `map_points`)
        warnings.filterwarnings("ignore", ".*multi-threaded.*", DeprecationWarning)
        for _ in range(max(workers, 0)):
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_work, args=(items, ends, send), daemon=True)
            proc.start()
            send.close()
            procs.append(proc)
            conns.append(recv)
    return procs, conns


def _read(conn: Any, keep: Callable[[int, Any], None]) -> None:
    while True:
        try:
            i, value = conn.recv()
        except (EOFError, OSError):
            return
        keep(i, value)
