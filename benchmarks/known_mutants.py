"""Re-make by hand the bugs a mutation spot-check once found no test for, one at a time, and
check that the test suite now fails on each (issue 10). The source is restored after each.

    python benchmarks/known_mutants.py

Prints, per bug, whether it was killed and by which test file first.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "kcopt"
TESTS = ["tests/test_prices_table.py", "tests/test_promises.py", "tests/test_reasons.py",
         "tests/test_golden.py", "tests/test_solve_cases.py"]

MUTANTS = [
    ("every cap's shadow price in constraints.csv with its sign flipped", "analysis/report.py",
     '            "shadow_price": bound_price,\n',
     '            "shadow_price": -bound_price,\n'),
    ("check_solution returns nothing", "solvers/solve.py",
     "    frac = np.where(lp.integer, np.abs(x - np.round(x)), 0.0)\n"
     '    report("integrality of", lp.col_names, frac, np.ones(len(x)))\n    return out\n',
     "    frac = np.where(lp.integer, np.abs(x - np.round(x)), 0.0)\n"
     '    report("integrality of", lp.col_names, frac, np.ones(len(x)))\n    return []\n'),
    ("the report's headline with central and local swapped", "present/htmlreport.py",
     '    central, local = float(a["central"].sum()), float(a["local"].sum())\n',
     '    local, central = float(a["central"].sum()), float(a["local"].sum())\n'),
    ("a funded project's reason names the wrong fund and loses its cap text", "analysis/report.py",
     "                if two else funded_from[k])\n",
     "                if two else funded_from[1 - k])\n"
     "        cap_texts[(p, k, lang)] = ''\n"),
]


def killed_by(file: str, old: str, new: str, runs: list[list[str]]) -> str | None:
    """Replace `old` (once in src/kcopt/`file`) by `new`, run pytest on each list of test files
    in turn until one fails, restore the source; the failing list, or None if all pass."""
    path = SRC / file
    original = path.read_text(encoding="utf-8")
    assert original.count(old) == 1, f"{file}: the text to mutate is not there once: {old!r}"
    path.write_text(original.replace(old, new), encoding="utf-8")
    try:
        for tests in runs:
            proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p",
                                   "no:cacheprovider", *tests], cwd=ROOT,
                                  capture_output=True, text=True)
            if proc.returncode == 1:
                return " ".join(tests)
        return None
    finally:
        path.write_text(original, encoding="utf-8")


def main() -> int:
    survivors = 0
    for what, file, old, new in MUTANTS:
        test = killed_by(file, old, new, [[t] for t in TESTS])
        survivors += test is None
        print(f"{'killed by ' + test if test else 'SURVIVED':<40} {what}", flush=True)
    return 1 if survivors else 0

if __name__ == "__main__":
    sys.exit(main())
