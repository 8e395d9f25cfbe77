"""Mutation testing of the modules that decide the plan: model/, rules/ (rates, caps,
eligibility, levels), solvers/solve.py (with the post-solve check) and analysis/ (report,
wording), with mutmut (configured under [tool.mutmut] in pyproject.toml).

mutmut copies the source to ./mutants, plants one small bug at a time (a flipped sign, a
changed constant, a swapped comparison…) and runs the tests that reach the mutated function;
a mutant is *killed* when a test fails. The share killed says how much of the code's
behaviour the tests pin down.

    python benchmarks/mutation.py --sample 90      # a seeded sample, stratified by module
    python benchmarks/mutation.py                  # every mutant (many hours on two cores)
    python benchmarks/mutation.py --report         # the figures of the last run
    python benchmarks/mutation.py --rerun-survivors   # after adding tests: the last survivors
    python benchmarks/mutation.py --untested          # the sample's mutants not tested yet
    python benchmarks/mutation.py --mutants NAME ...  # just these (e.g. a stopped run's rest)
    python benchmarks/mutation.py --sample 100 --seed 2026 --sample-at b9134f7
        # the sample that seed drew on an older commit's code, without running anything
    python benchmarks/mutation.py --check tests/test_mutants_3.py   # quick: those tests only
    python benchmarks/mutation.py --set documents --sample 40   # the annex writer and form readers

The sample is drawn per stratum (each module, e.g. `model/build.py`;
`solvers/solve.py:check_solution` is a stratum of its own) in proportion to the stratum's
mutants, at least one each, so the slow model and solve mutants are tested as well as the
fast report ones. mutmut tests the mutants whose tests are
quickest first: stopping a run early leaves the model and solve mutants untested, so let a
sample finish. Mutants listed in benchmarks/equivalent_mutants.txt (no observable change,
each with its reason) are reported apart and left out of the second figure only.

Not run in CI (too slow). One test process by default; run the script under `nice` (the
machine is shared), e.g. `nohup nice -n 10 python benchmarks/mutation.py --untested > log &`.
Each mutant's tests stop at a CPU-time limit of four times their time in mutmut's stats run
(timeout_multiplier and timeout_constant under [tool.mutmut]); a mutant stopped so is counted
killed ("timeout"), as mutmut does.
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import json
import math
import os
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^\s+(\S+): (.+)$")
EQUIVALENT = ROOT / "benchmarks" / "equivalent_mutants.txt"
KILLED = ("killed", "timeout", "caught by type check")
# The sets of modules mutated, each run on its own. "model" is [tool.mutmut] in pyproject.toml
# as it is, run from the repository root (./mutants). Another set overrides keys of that table:
# mutmut reads its configuration only from ./pyproject.toml, so the set runs in a folder of its
# own, .mutation/<set>/ (git-ignored), holding links to src/ and tests/ and a copy of
# pyproject.toml whose [tool.mutmut] is the model's with the set's keys; mutmut makes its
# ./mutants there.
SETS: dict[str, dict[str, object]] = {
    "model": {},
    # the annex writer and the form readers, with the tests that read the annex and the forms
    # with openpyxl: the annex's SUBTOTAL formulas evaluated by tests/annexformula.py, not
    # recalculated in LibreOffice (seconds per test); nothing calling soffice, a browser or a
    # subprocess
    "documents": {
        "only_mutate": ["src/kcopt/present/workbook/annex.py",
                        "src/kcopt/present/workbook/annex_head.py",
                        "src/kcopt/present/workbook/annex_lines.py", "src/kcopt/io/form*.py"],
        "pytest_add_cli_args_test_selection": [
            "tests/test_annex_formulas.py", "tests/test_mutants_5.py", "tests/test_annex.py",
            "tests/test_forms.py", "tests/test_form_patterns.py", "tests/test_form_places.py",
            "tests/test_form_published.py",
            "-m", "not slow",
            "-k", "not libreoffice and not subprocess and not chromium and not help_does_not",
        ],
    },
}
WORK = ROOT  # where mutmut runs: the repository root for "model", .mutation/<set>/ otherwise
SAMPLE = WORK / "mutants" / "sample.txt"


def use_set(name: str) -> None:
    """Run mutmut on the set `name` from now on: for a set other than "model", its folder
    .mutation/<name>/ made (links to src/ and tests/, pyproject.toml with its [tool.mutmut])."""
    global WORK, SAMPLE
    if name == "model":
        WORK = ROOT
    else:
        WORK = ROOT / ".mutation" / name
        WORK.mkdir(parents=True, exist_ok=True)
        for sub in ("src", "tests"):
            if not (WORK / sub).is_symlink():
                (WORK / sub).symlink_to(ROOT / sub, target_is_directory=True)
        text = set_config(name, (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        if not (WORK / "pyproject.toml").exists() or (
                WORK / "pyproject.toml").read_text(encoding="utf-8") != text:
            (WORK / "pyproject.toml").write_text(text, encoding="utf-8")
    SAMPLE = WORK / "mutants" / "sample.txt"


def set_config(name: str, pyproject: str) -> str:
    """`pyproject` with its [tool.mutmut] table replaced by the model's with set `name`'s keys
    (every value a string, number, boolean or list of them: written as JSON, which TOML reads)."""
    config = {**tomllib.loads(pyproject)["tool"]["mutmut"], **SETS[name]}
    table = "[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in config.items())
    head = re.compile(r"^\[tool\.mutmut\]\n(?:(?!\[).*\n?)*", re.MULTILINE)
    out, n = head.subn(lambda _m: table + "\n", pyproject, count=1)
    assert n == 1 and tomllib.loads(out)["tool"]["mutmut"] == config, "no [tool.mutmut] table"
    return out


def mutmut(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("mutmut")
    return subprocess.run([str(exe), *args], cwd=WORK, text=True, capture_output=True,
                          check=False)


def results() -> dict[str, str]:
    out = mutmut("results", "--all", "true").stdout
    return {m.group(1): m.group(2).strip() for line in out.splitlines()
            if (m := LINE.match(line))}


def module_of(name: str) -> str:
    """'kcopt.model.build.x_build__mutmut_12' → 'model/build.py'; a method's mutant,
    'kcopt.rules.levels.xǁLevelǁapplies__mutmut_3' → 'rules/levels.py'."""
    mod = re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]
    return "/".join(mod.split(".")[1:]) + ".py"


def stratum(name: str) -> str:
    """The module, with the post-solve check apart: 'solvers/solve.py:check_solution'."""
    return module_of(name) + (":check_solution" if ".x_check_solution__" in name else "")


def equivalents() -> dict[str, str]:
    """Mutant name → why it changes nothing observable (benchmarks/equivalent_mutants.txt)."""
    if not EQUIVALENT.exists():
        return {}
    out = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, why = line.partition(" ")
            out[name] = why.strip()
    return out


def stratified(names: list[str], n: int, seed: int) -> list[str]:
    """`n` mutants, drawn per stratum in proportion to its size (largest remainders, ≥ 1)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[stratum(name)].append(name)
    quota = {g: len(v) * n / len(names) for g, v in groups.items()}
    take = {g: max(1, math.floor(q)) for g, q in quota.items()}
    for g in sorted(quota, key=lambda g: quota[g] - math.floor(quota[g]), reverse=True):
        if sum(take.values()) >= n:
            break
        take[g] += 1
    rng = random.Random(seed)
    return sorted(m for g in sorted(groups)
                  for m in rng.sample(sorted(groups[g]), min(take[g], len(groups[g]))))


def mutants_of(root: Path, patterns: list[str]) -> tuple[list[str], dict[str, str]]:
    """The names mutmut gives the mutants of the source under `root` (files matching
    `patterns`, as only_mutate), and each mutated function's hash: no tests run."""
    from mutmut.__main__ import get_mutant_name
    from mutmut.mutation.file_mutation import mutate_file_contents

    names: list[str] = []
    hashes: dict[str, str] = {}
    here = Path.cwd()
    os.chdir(root)  # mutmut names a mutant from its file's path relative to the root
    try:
        for path in sorted(Path("src").rglob("*.py")):
            if any(fnmatch.fnmatch(str(path), p) for p in patterns):
                made = mutate_file_contents(str(path), path.read_text(encoding="utf-8"))
                names += [get_mutant_name(path, m) for m in made.mutant_names]
                hashes |= {get_mutant_name(path, f): h
                           for f, h in made.hash_by_function_name.items()}
    finally:
        os.chdir(here)
    return sorted(names), hashes


def sample_at(commit: str, n: int, seed: int, name: str = "model") -> list[str]:
    """The sample `--sample n --seed seed` drew on the code of `commit` (its source and
    [tool.mutmut] from git): to find again a run's mutants when ./mutants is lost. Each is
    said to be of today's code unchanged, of a function changed since (the same number may be
    another mutant: match it by `mutmut show`'s diff) or gone."""
    with tempfile.TemporaryDirectory() as tmp:
        tar = subprocess.run(["git", "archive", commit, "src", "pyproject.toml"], cwd=ROOT,
                             capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            archive.extractall(tmp, filter="data")
        config = tomllib.loads(Path(tmp, "pyproject.toml").read_text(encoding="utf-8"))
        patterns = config["tool"]["mutmut"]["only_mutate"]
        patterns = list(SETS[name].get("only_mutate", patterns))  # type: ignore[call-overload]
        then, then_hash = mutants_of(Path(tmp), patterns)
    now, now_hash = mutants_of(ROOT, patterns)
    chosen = stratified(then, n, seed)
    print(f"{len(then)} mutants at {commit} ({len(now)} today); the sample of {len(chosen)}:")
    known = set(now)
    for name in chosen:
        func = re.sub(r"__mutmut_\d+$", "", name)
        state = ("" if name in known and then_hash.get(func) == now_hash.get(func) else
                 "  (its function changed since)" if func in now_hash else "  (gone)")
        print(f"  {name}{state}")
    return chosen


def _row(label: str, c: Counter[str], drawn: int | str = "") -> str:
    n = sum(c.values())
    killed = sum(c[k] for k in KILLED)
    share = f"{killed / n:.0%}" if n else "—"
    return f"{label:<34} {drawn:>6} {n:>7} {killed:>7} {share:>7}"


def report(names: list[str] | None = None) -> float:
    status = results()
    if names is not None:
        wanted = set(names)
        status = {k: v for k, v in status.items() if k in wanted}
    tested = {k: v for k, v in status.items() if v not in ("not checked", "skipped")}
    if len(tested) < len(status):
        print(f"{len(status) - len(tested)} mutants of the sample not tested yet "
              "(the run was stopped: mutmut tests the slow model and solve mutants last)")
    per: dict[str, Counter[str]] = defaultdict(Counter)
    drawn = Counter(stratum(k) for k in status)
    for k, v in tested.items():
        per[stratum(k)][v] += 1
    print(f"{'module':<34} {'drawn':>6} {'tested':>7} {'killed':>7} {'share':>7}")
    for mod in sorted(drawn):
        print(_row(mod, per[mod], drawn[mod]))
    c = Counter(tested.values())
    n = sum(c.values())
    killed = sum(c[k] for k in KILLED)
    share = killed / n if n else float("nan")
    print(_row("all", c, len(status)) + f"   ({dict(c)})")
    equiv = equivalents()
    survivors = sorted(k for k, v in tested.items() if v not in KILLED)
    alive = [k for k in survivors if k not in equiv]
    same = [k for k in survivors if k in equiv]
    if same:
        print(f"{'all but equivalent mutants':<34} {'':>6} {n - len(same):>7} {killed:>7} "
              f"{killed / (n - len(same)):>7.0%}   ({len(same)} equivalent left out)")
        print("\nequivalent mutants (no observable change):")
        for k in same:
            print(f"  {k}  {equiv[k]}")
    if alive:
        print("\nsurvivors (mutmut show NAME):")
        for k in alive:
            print(f"  {k}  [{tested[k]}]")
    return share


def run(names: list[str], jobs: int) -> None:
    proc = mutmut("run", "--max-children", str(jobs), *names)
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-3000:])


def retest(sample: list[str] | None, names: list[str], jobs: int, what: str) -> int:
    """Test `names` through mutmut (each with its tests and CPU-time limit), then print the
    sample's figures."""
    print(f"testing {len(names)} {what}" + (f" of the sample of {len(sample)}" if sample else ""),
          flush=True)
    if names:
        run(names, jobs)
    share = report(sample)
    print(f"\nshare of tested mutants killed: {share:.1%}")
    return 0


def check(tests: list[str]) -> int:
    """Run `tests` against each survivor of the last sample, in mutmut's own mutated copy
    (./mutants/src, the mutant switched on by MUTANT_UNDER_TEST): a quick look at whether new
    tests kill them before a `--rerun-survivors` (which runs them through mutmut)."""
    sample = SAMPLE.read_text().split() if SAMPLE.exists() else []
    status = results()
    alive = [k for k in sample if status.get(k) in ("survived", "no tests")]
    env = {**os.environ, "PYTHONPATH": str(WORK / "mutants" / "src")}

    def pytest(mutant: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p",
                               "no:cacheprovider", *tests], cwd=ROOT,
                              env={**env, "MUTANT_UNDER_TEST": mutant}, capture_output=True,
                              text=True, check=False)

    clean = pytest("")  # no mutant switched on: the tests must pass
    if clean.returncode:
        print("the tests fail without a mutant:\n" + clean.stdout[-3000:])
        return 1
    killed = 0
    for name in alive:
        proc = pytest(name)
        killed += proc.returncode == 1
        print(f"  {name}  {'killed' if proc.returncode == 1 else f'exit {proc.returncode}'}",
              flush=True)
    print(f"{killed} of {len(alive)} survivors killed by {' '.join(tests)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="test a stratified sample of this many mutants")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--set", choices=sorted(SETS), default="model",
                        help="the modules mutated: model (the default: the money) or documents "
                        "(the annex writer and the form readers)")
    parser.add_argument("--jobs", type=int, default=1, help="parallel test processes")
    parser.add_argument("--report", action="store_true", help="only print the last figures")
    parser.add_argument("--rerun-survivors", action="store_true",
                        help="test again the survivors of the last sample (after adding tests)")
    parser.add_argument("--untested", action="store_true",
                        help="test the sample's mutants mutmut has not tested yet")
    parser.add_argument("--mutants", nargs="+", metavar="NAME",
                        help="test just these mutants (mutmut's names)")
    parser.add_argument("--sample-at", metavar="COMMIT",
                        help="print the sample --sample/--seed drew on this commit's code")
    parser.add_argument("--restat", action="store_true",
                        help="map tests to functions again (mutmut does so for new tests only: "
                        "after changing a test's fixtures, its old map would be used)")
    parser.add_argument("--check", nargs="+", metavar="TEST",
                        help="run these test files against the last sample's survivors")
    args = parser.parse_args()
    use_set(args.set)
    if args.restat:
        (WORK / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    if args.check:
        return check(args.check)
    if args.sample_at:
        sample_at(args.sample_at, args.sample or 100, args.seed, args.set)
        return 0
    sample = SAMPLE.read_text().split() if SAMPLE.exists() else None
    if args.report:
        report(sample)
        return 0
    if args.rerun_survivors or args.untested:
        if not sample:
            print("no sample yet: run with --sample N first")
            return 1
        status, same = results(), equivalents()
        wanted = (("survived", "no tests") if args.rerun_survivors else ()) + (
            ("not checked",) if args.untested else ())
        # an equivalent mutant survives every test: testing it again costs its whole suite
        again = [k for k in sample if status.get(k) in wanted and k not in same]
        return retest(sample, [*again, *(m for m in args.mutants or () if m not in again)],
                      args.jobs, "survivors, untested or named mutants")
    if args.mutants:
        return retest(sample, args.mutants, args.jobs, "named mutants")
    if args.sample is None:
        run([], args.jobs)
        report()
        return 0
    # generate the mutants and map tests to functions; the filter matches nothing on purpose
    mutmut("run", "--max-children", str(args.jobs), "__generate_only__")
    names = sorted(results())
    if not names:
        print("mutmut generated no mutants:\n" + mutmut("run", "__generate_only__").stdout)
        return 1
    chosen = stratified(names, args.sample, args.seed)
    print(f"{len(names)} mutants; testing a sample of {len(chosen)} (seed {args.seed}):",
          dict(sorted(Counter(stratum(k) for k in chosen).items())), flush=True)
    SAMPLE.parent.mkdir(exist_ok=True)
    SAMPLE.write_text("\n".join(chosen) + "\n")
    run(chosen, args.jobs)
    share = report(chosen)
    print(f"\nshare of sampled mutants killed: {share:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
