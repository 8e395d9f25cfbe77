"""Mutation testing of the modules that decide the plan: model/, rules.py, solve.py, solvers/
and report.py, with mutmut (configured under [tool.mutmut] in pyproject.toml).

mutmut copies the source to ./mutants, plants one small bug at a time (a flipped sign, a
changed constant, a swapped comparison…) and runs the tests that reach the mutated function;
a mutant is *killed* when a test fails. The share killed says how much of the code's
behaviour the tests pin down.

    python benchmarks/mutation.py                  # every mutant (hours on two cores)
    python benchmarks/mutation.py --sample 150     # a seeded random sample of mutants
    python benchmarks/mutation.py --report         # the figures of the last run

Not run in CI (too slow). Each run prints the share killed per module and overall and lists
the surviving mutants (`mutmut show NAME` shows the diff of one). Run it under `nice` on a
shared machine; --jobs bounds the parallel test processes.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^\s+(\S+): (.+)$")


def mutmut(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("mutmut")
    return subprocess.run(["nice", "-n", "10", str(exe), *args], cwd=ROOT, text=True,
                          capture_output=True, check=check)


def results() -> dict[str, str]:
    out = mutmut("results", "--all", "true").stdout
    return {m.group(1): m.group(2).strip() for line in out.splitlines()
            if (m := LINE.match(line))}


def module_of(name: str) -> str:
    """'kcopt.model.build.x_build__mutmut_12' → 'model/build.py'."""
    mod = name.split(".x")[0].split(".xǁ")[0]
    parts = mod.split(".")[1:]
    return "/".join(parts) + ".py"


def report(names: list[str] | None = None) -> float:
    status = results()
    if names is not None:
        status = {k: v for k, v in status.items() if k in set(names)}
    tested = {k: v for k, v in status.items() if v not in ("not checked", "skipped")}
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for k, v in tested.items():
        per[module_of(k)][v] += 1
    print(f"{'module':<28} {'mutants':>8} {'killed':>7} {'share':>7}")
    for mod in sorted(per):
        c = per[mod]
        n = sum(c.values())
        killed = c["killed"] + c["timeout"] + c["caught by type check"]
        print(f"{mod:<28} {n:>8} {killed:>7} {killed / n:>7.0%}")
    c = Counter(tested.values())
    n = sum(c.values())
    killed = c["killed"] + c["timeout"] + c["caught by type check"]
    share = killed / n if n else float("nan")
    print(f"{'all':<28} {n:>8} {killed:>7} {share:>7.1%}   ({dict(c)})")
    survivors = sorted(k for k, v in tested.items() if v in ("survived", "no tests"))
    if survivors:
        print("\nsurvivors (mutmut show NAME):")
        for k in survivors:
            print(f"  {k}  [{tested[k]}]")
    return share


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="test a random sample of this many mutants")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=2, help="parallel test processes")
    parser.add_argument("--report", action="store_true", help="only print the last figures")
    parser.add_argument("--no-generate", action="store_true",
                        help="reuse the mutants and test map of the last run")
    args = parser.parse_args()
    if args.report:
        sample = ROOT / "mutants" / "sample.txt"
        report(sample.read_text().split() if sample.exists() else None)
        return 0
    if args.sample is None:
        proc = mutmut("run", "--max-children", str(args.jobs))
        print(proc.stdout[-2000:])
        report()
        return 0
    # generate the mutants and map tests to functions; the filter matches nothing on purpose
    if not args.no_generate:
        mutmut("run", "--max-children", str(args.jobs), "__generate_only__")
    names = sorted(results())
    if not names:
        print("mutmut generated no mutants:\n" + mutmut("run", "__generate_only__").stdout)
        return 1
    chosen = sorted(random.Random(args.seed).sample(names, min(args.sample, len(names))))
    print(f"{len(names)} mutants; testing a sample of {len(chosen)} (seed {args.seed})",
          flush=True)
    (ROOT / "mutants").mkdir(exist_ok=True)
    (ROOT / "mutants" / "sample.txt").write_text("\n".join(chosen) + "\n")
    proc = mutmut("run", "--max-children", str(args.jobs), *chosen)
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
    share = report(chosen)
    print(f"\nshare of sampled mutants killed: {share:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
