"""What-if latency of kcopt app: how long a weight or budget change takes to re-solve the demo.

Times (wall and CPU) `kcopt.app.engine.replan` (what the app calls when a slider moves: solve
the validated project list again, allocation with reasons, constraints, summary) and, apart,
the compare sentences shown beside it. Target: re-solve ≤ 0.3 s on the demo. A report, exit 0.

    python benchmarks/whatif.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import kcopt
from kcopt.app import engine

TARGET_S = 0.3


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    base = engine.solve_plan(sc)
    changes = [sc.with_weights(green=0.15 + 0.01 * (i + 1)) if i % 2 == 0
               else sc.with_budget(central=sc.central_budget * (1 - 0.01 * (i + 1)))
               for i in range(args.repeat)]
    replan, cpu, compare = [], [], []
    previous = base
    for changed in changes:
        t0, c0 = time.perf_counter(), time.process_time()
        run = engine.replan(previous, changed)
        replan.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        t0 = time.perf_counter()
        engine.changes(previous, run)
        compare.append(time.perf_counter() - t0)
        previous = run
    med = statistics.median(replan)
    p90 = sorted(replan)[int(0.9 * (len(replan) - 1))]
    print(f"demo: {len(base.projects)} projects, {args.repeat} what-ifs (weights and central "
          f"budget alternately), load average {os.getloadavg()[0]:.2f}")
    print(f"re-solve (engine.replan): median {med:.3f} s, p90 {p90:.3f} s — "
          f"{'PASS' if med <= TARGET_S else 'MISS'} (target ≤ {TARGET_S} s)")
    print(f"                          CPU median {statistics.median(cpu):.3f} s (what an idle "
          "core would take; wall time grows with the load)")
    print(f"compare sentences:        median {statistics.median(compare):.3f} s")


if __name__ == "__main__":
    main()
