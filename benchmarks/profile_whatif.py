"""Where a live what-if's time goes: `kcopt.resolve` then `allocation_table` at N projects.

Prints the CPU time of each (median of the changes benchmarks/run.py times: one weight and the
central budget, each from the base plan), the CPU the process spent on threads other than this
one (OpenBLAS's worker spinning after a threaded BLAS call, which the what-if should not make)
and a cProfile of the same changes, by cumulative time. A report, exit 0. The data are
benchmarks/run.py's (`--whatif-size N` generates them).

    python benchmarks/profile_whatif.py [--size 10000] [--top 40]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from pathlib import Path

import kcopt
from kcopt.analysis.report import allocation_table

DATA = Path(__file__).parent / "_data"


def other_threads_s() -> float:
    """CPU seconds run so far by this process's threads other than the main one (Linux)."""
    pid = os.getpid()
    tasks = Path(f"/proc/{pid}/task")
    if not tasks.exists():
        return 0.0
    return sum(int((t / "schedstat").read_text().split()[0]) for t in tasks.iterdir()
               if t.name != str(pid)) / 1e9


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    base = kcopt.run(DATA / f"n{args.size}" / "scenario.yaml", out=None).result
    central = base.model.scenario.central_budget
    kcopt.resolve(base, weights={"green": 0.2})  # the warm instance is set up once
    changes = [({"green": 0.10 + 0.02 * k}, {"central": central * (0.85 + 0.01 * k)})
               for k in range(10)]
    resolve_s, table_s, others = [], [], []
    for weights, budgets in changes:
        o, c0 = other_threads_s(), time.process_time()
        new = kcopt.resolve(base, weights=weights, budgets=budgets)
        c1 = time.process_time()
        allocation_table(new)
        table_s.append(time.process_time() - c1)
        resolve_s.append(c1 - c0)
        others.append(other_threads_s() - o)
    print(f"{args.size:,} projects, {len(changes)} what-ifs, load average "
          f"{os.getloadavg()[0]:.2f}; CPU ms, median: resolve "
          f"{1000 * statistics.median(resolve_s):.1f}, allocation table "
          f"{1000 * statistics.median(table_s):.1f}; other threads "
          f"{1000 * statistics.median(others):.1f}")
    profile = cProfile.Profile()
    profile.enable()
    for weights, budgets in changes:
        allocation_table(kcopt.resolve(base, weights=weights, budgets=budgets))
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
