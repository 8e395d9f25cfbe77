"""Selection margins for MIP runs: how far a project's score must move before the optimal
selection includes or drops it.

For a project p with a selection variable z[p], the optimum as a function of p's score s is the
better of two branches: the best plan without p, V₀ (p's score plays no part in it), and the best
plan with p, V₁(s) — a maximum of plans linear in s, so convex and nondecreasing, with slope the
share of p's cap it gets (1 for an all-or-nothing project; its support for `weighted_funds`). The
selection flips at the score s* where V₁(s*) = V₀. Two MIPs with z[p] fixed give both branches at
p's score (the plan is one of them only to its gap: the plan's side of every examined project's
branches comes from one exact solve of the plan's MIP, where that optimum selects p as the plan
does, `_exact_plan`); Newton's method on V₁ then finds s* —
exact after one step for an all-or-nothing project (V₁ is a line), and in a few MIP solves
otherwise (V₁ is piecewise linear, and each step lands on or beyond s* and moves toward it). A
selection the plan made against the branches' optima (within its gap) flips at p's own score.
The LP relaxation's reduced costs rank projects: those nearest the margin are examined first.
Each examined project costs two to a few MIP solves, so the number examined is bounded
(`max_projects`).

How exact. Each branch MIP is solved to optimality within 10⁻⁹ (relative), not at the
scenario's `mip_gap`: the optima compared here differ by less than a 10⁻⁴ gap of the plan's
objective (on the MIP demo a gap of 10⁻⁴ is 0.029 of an objective near 290, a flip score off by
up to 0.03), so a solve stopped at that gap could move a flip score by more than the margin it
measures. A flip score is then the score at which the two branches' optima meet (to 10⁻⁹ of
the objective), or Newton's point when its step fell below `tol` · 10⁻³ score points or its
`iterations` steps ran out, up to HiGHS's LP tolerances (10⁻⁷).

Cost. A branch MIP differs from the plan's by one fixed selection and one score, and its LP
relaxation leaves a dozen integer columns fractional; `kcopt.solvers.bnb` settles it by
best-first branching on warm-started LPs (40–90 re-solves of about a millisecond on the MIP
demo), where HiGHS's MIP solver spent 0.4–1.7 s per branch at its root node (cut separation,
sub-MIP heuristics). Past that branch-and-bound's limits the branch is solved by HiGHS on its
partial relaxation (`_partial_rounds`), then as a whole MIP. Measured 7 Dec 2026 on the MIP
demo (11 branch MIPs for 5 projects; CPU of `selection_margins` alone, one process, the shared
two-core machine at load average 6): 7.2–7.5 s with HiGHS on each whole MIP, 4.1 s on the
partial relaxations, 3.1 s by `bnb` branching on the most fractional column, 0.87 s branching
on the one with the most money at stake; the same table each time (and with highspy 1.13). The
plan's own branch is solved too (16 branch MIPs): 1.29 s. With the plan's side of every
project's branches taken from one exact solve of the plan's MIP where it selects the project as
the plan does (8 Dec 2026; `selection_margins`' default 10 projects, one process): 30 → 21
branch-and-bound runs, 3.6 → 2.1 s of CPU, the same table.
On the benchmark's MIP at 3,000 projects (1,180 integer columns): 52.3 s → 4.6 s, the same
table.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from kcopt.analysis.sensitivity.engine import PARALLEL_AFTER_S, Shared
from kcopt.core.words import _, fixed
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model import objective_coefficients
from kcopt.model.names import parse_col
from kcopt.solvers.solve import Result, normalise_duals

# A branch is solved first by a small best-first branch-and-bound on warm-started LPs
# (`kcopt.solvers.bnb`: exact to 10⁻⁹, milliseconds a node), and, past its node limit, on its
# partial relaxation: integrality kept only on the integer columns in `keep` — those the LP
# relaxation leaves fractional, grown by every round that finds another one fractional — the
# others free in their bounds. The partial relaxation's optimum is at least the MIP's; once every
# integer column is integral in it, it is a plan of the MIP, so it is the MIP's optimum (to
# `PARTIAL_GAP`). With a dozen integer columns left HiGHS settles it in its branch-and-bound
# alone: its primal heuristics (sub-MIPs, feasibility jump), presolve and symmetry detection
# cost most of its time on such a program, so they are off. Past `PARTIAL_MAX` kept columns the
# whole MIP is solved at the scenario's gap instead.
PARTIAL_GAP = 1e-9  # relative: the margins compare optima that differ by less than a 1e-4 gap
PARTIAL_MAX = 64
INTEGRAL = 1e-6  # HiGHS's own integrality tolerance (mip_feasibility_tolerance)
QUICK = (("presolve", "off"), ("mip_detect_symmetry", False), ("mip_heuristic_effort", 0.0),
         ("mip_heuristic_run_feasibility_jump", False), ("mip_heuristic_run_rins", False),
         ("mip_heuristic_run_rens", False), ("mip_heuristic_run_root_reduced_cost", False))


def _branch(model, score: np.ndarray, p: int, j: int, z: float, opts: SolverOptions,
            keep: np.ndarray | None = None) -> tuple[float, np.ndarray | None]:
    """The MIP with project p's score set and its selection z[p] (column j) fixed at `z`:
    (objective, solution), objective NaN when there is none. `keep`: the integer columns held
    integral in its partial relaxation (grown in place); None: the whole MIP, by HiGHS."""
    # start-up: highspy only when this runs
    from kcopt.solvers.bnb import branch_and_bound

    prog = _scored(model, score)
    lower, upper = prog.col_lower.copy(), prog.col_upper.copy()
    lower[j] = upper[j] = z
    prog = replace(prog, col_lower=lower, col_upper=upper)
    if keep is None:
        return _whole(prog, opts)
    raw = branch_and_bound(prog, opts)
    if raw is None:  # too many nodes, or an LP failed
        return _partial_rounds(prog, keep, opts)
    if raw.x is None or raw.objective is None:  # no plan holds z[p] there
        return float("nan"), None
    return float(raw.objective), raw.x


def _scored(model, score: np.ndarray):
    """The plan's program with the projects' scores `score` in its objective."""
    lp = model.lp
    xs = model.x_columns
    cost = lp.cost.copy()
    cost[xs] = objective_coefficients(score, model.projects["cap"].to_numpy(float),
                                      model.col_project, model.scenario.objective)[xs]
    return replace(lp, cost=cost)


def _exact_plan(model, score: np.ndarray,
                opts: SolverOptions) -> tuple[float, np.ndarray] | None:
    """The plan's MIP solved exactly (to `REL_GAP`, as each branch is): its optimum and a plan
    reaching it, None when the branch-and-bound gives up. Where that plan selects project p as
    the plan does, it is also an optimum of p's branch on the plan's side (z[p] fixed there
    takes nothing from it), so that branch need not be solved: one MIP for all the projects'
    plan-side branches."""
    # start-up: highspy only when this runs
    from kcopt.solvers.bnb import branch_and_bound

    raw = branch_and_bound(_scored(model, score), opts)
    if raw is None or raw.x is None or raw.objective is None:
        return None
    return float(raw.objective), raw.x


def _partial_rounds(prog, keep: np.ndarray,
                    opts: SolverOptions) -> tuple[float, np.ndarray | None]:
    """The MIP `prog` solved on its partial relaxations, `keep` grown round by round (and in
    place): (objective, solution), NaN when it has no plan."""
    held = np.zeros_like(keep)  # first the LP relaxation (milliseconds), then with `keep`
    while int(held.sum()) <= PARTIAL_MAX:
        raw = _partial(prog, held, opts)
        if raw.status == "infeasible":  # a relaxation without a plan: the MIP has none either
            return float("nan"), None
        if raw.status != "optimal" or raw.x is None or raw.objective is None:
            break
        off = prog.integer & ~held & (np.abs(raw.x - np.round(raw.x)) > INTEGRAL)
        if not off.any():  # a plan of the MIP, and no plan of it does better
            keep |= held
            return float(raw.objective), raw.x
        held = held | keep | off
    return _whole(prog, opts)


def _partial(prog, keep: np.ndarray, opts: SolverOptions) -> Any:
    """`prog` with integrality only on the columns in `keep`, solved to `PARTIAL_GAP`."""
    # start-up: highspy only when this runs
    from kcopt.solvers import highs

    part = replace(prog, integer=prog.integer & keep)
    if not part.integer.any():
        return highs.solve(part, opts)
    h = highs.make_highs(replace(opts, mip_gap=PARTIAL_GAP))
    for name, value in QUICK:
        h.setOptionValue(name, value)
    highs.pass_lp(h, part)
    h.run()
    return highs.read_solution(h, part, time.perf_counter())


def _whole(prog, opts: SolverOptions) -> tuple[float, np.ndarray | None]:
    """The whole MIP `prog` at the scenario's gap: (objective, solution), NaN when none."""
    # start-up: highspy only when this runs
    from kcopt.solvers import highs

    raw = highs.solve(prog, opts)
    if raw.status not in ("optimal", "feasible") or raw.x is None or raw.objective is None:
        return float("nan"), None
    return float(raw.objective), raw.x


MARGIN_COLUMNS = ["project_id", "selected", "score", "margin", "flip_score", "sentence"]


def selection_margins(result: Result, max_projects: int = 10, iterations: int = 6,
                      tol: float = 5e-3, jobs: int = 1, progress: bool = False) -> pd.DataFrame:
    """Per integer project (the `max_projects` nearest the selection margin): the score change
    that flips its selection, its direction, and the score at which it flips."""
    return start_selection_margins(result, max_projects, iterations, tol, jobs)(progress)


def start_selection_margins(result: Result, max_projects: int = 10, iterations: int = 6,
                            tol: float = 5e-3, jobs: int = 1,
                            parallel_after: float = PARALLEL_AFTER_S,
                            ) -> Callable[[bool], pd.DataFrame]:
    """`selection_margins` in two steps: the function returned collects the table, with a
    progress bar on request. With `jobs` > 1 the margins are found meanwhile in a thread of
    this process (`_Background`) while it does other work, and the function returned shares
    the projects left: HiGHS lets go of Python's lock while it solves, and the branch MIPs are
    nearly all HiGHS, so the thread has the second core at once, where a worker process costs
    about a second of CPU to start (Python, NumPy, pandas, SciPy, HiGHS) — as much as the MIP
    demo's five margins. With `jobs` > 2, when the first margin projects more than
    `parallel_after` seconds of CPU for the others, they are queued for `jobs` − 2 worker
    processes too (`engine.Shared`): the thread and the caller are the other two. With `jobs`
    1 they are found here when the table is collected."""
    if jobs > 1:
        return _Background(result, max_projects, iterations, tol, jobs, parallel_after).finish

    def finish(progress: bool = False) -> pd.DataFrame:
        args = _margin_args(result, max_projects, iterations, tol)
        if args is None:
            return pd.DataFrame(columns=MARGIN_COLUMNS)
        return pd.DataFrame(_margins(args, progress))

    return finish


class _Background:
    """The selection margins found in a thread, which takes the projects from the front of
    the list while `finish` — called when the caller's other work is done — takes them from
    the back, so both end together; each project's margin is found by one of them whole, so
    the table does not depend on who found what. The thread runs in a copy of the caller's
    context (it speaks the caller's language); a failure in it is raised by `finish`."""

    def __init__(self, result: Result, max_projects: int, iterations: int, tol: float,
                 jobs: int, parallel_after: float):
        self.lock = threading.Lock()
        self.args: list[tuple] | None = None
        self.todo: deque[int] = deque()  # indices of `args` no one has taken yet
        self.rows: dict[int, dict] = {}
        self.error: BaseException | None = None
        self.started = threading.Event()  # `args` known, and the first margin found
        work = partial(self._work, result, max_projects, iterations, tol, jobs, parallel_after)
        self.thread = threading.Thread(target=contextvars.copy_context().run, args=(work,),
                                       name="kcopt-selection-margins", daemon=True)
        self.thread.start()

    def _work(self, result: Result, max_projects: int, iterations: int, tol: float, jobs: int,
              parallel_after: float) -> None:
        try:
            self.args = args = _margin_args(result, max_projects, iterations, tol)
            if args:
                t0 = time.thread_time()  # this thread's CPU: the caller's work is not counted
                self.rows[0] = _margin(*args[0])
                rest = args[1:]
                if (jobs > 2 and rest
                        and (time.thread_time() - t0) * len(rest) > parallel_after):
                    # worth worker processes (this thread and the caller are two of the
                    # jobs): queued for them, the rest taken here from the end
                    shared = Shared([(_margin, a) for a in rest], jobs - 1)
                    found = shared.results([partial(_margin, *a) for a in rest])
                    self.rows.update(enumerate(found, start=1))
                else:
                    self.todo.extend(range(1, len(args)))
        except BaseException as exc:  # raised where the table is collected
            self.error = exc
        finally:
            self.started.set()
        while self._take(self.todo.popleft):
            pass

    def _take(self, pop: Callable[[], int]) -> bool:
        """Find the margin of the project `pop` takes from the list; False when none is left
        (or one failed)."""
        with self.lock:
            if not self.todo or self.error is not None:
                return False
            i = pop()
        assert self.args is not None
        try:
            self.rows[i] = _margin(*self.args[i])
        except BaseException as exc:
            self.error = exc
            return False
        return True

    def finish(self, progress: bool = False) -> pd.DataFrame:
        """The table, once every project's margin is found (a progress bar on request)."""
        self.started.wait()
        count = len(self.args or [])
        bar = _bar(count) if progress and count else None
        try:
            if bar is not None:
                bar.update(len(self.rows))
            while self._take(self.todo.pop):
                if bar is not None:
                    bar.update(1)
            self.thread.join()
            if bar is not None:
                bar.update(count - bar.n)
        finally:
            if bar is not None:
                bar.close()
        if self.error is not None:
            raise self.error
        if self.args is None:
            return pd.DataFrame(columns=MARGIN_COLUMNS)
        return pd.DataFrame(_said_here([self.rows[i] for i in range(count)]))


def _margin_args(result: Result, max_projects: int, iterations: int,
                 tol: float) -> list[tuple] | None:
    """The arguments of `_margin` for the projects nearest the margin, nearest first; None
    when there is no integer decision (or no plan)."""
    model = result.model
    lp = model.lp
    if not lp.integer.any() or result.x is None or result.objective is None:
        return None
    opts = model.scenario.solver
    frame = model.projects
    score = frame["score"].to_numpy(float)
    cap = frame["cap"].to_numpy(float)
    ints = np.flatnonzero(lp.integer)  # only these names read: a name costs ~50 µs to parse
    z_cols = ints[np.array([parse_col(lp.col_names[i]).kind == "z" for i in ints], dtype=bool)]
    z_proj = model.col_project[z_cols]
    selected = np.round(result.x[z_cols]) > 0.5
    estimate, closeness, keep = _relaxation_hints(model, cap, opts)
    order = np.lexsort((estimate[z_proj], closeness[z_proj]))[:max_projects]
    exact = _exact_plan(model, score, opts) if len(order) else None
    return [(model, int(z_proj[k]), int(z_cols[k]), bool(selected[k]), score, cap,
             float(estimate[int(z_proj[k])]), opts, iterations, tol, exact, keep)
            for k in order]


def _relaxation_hints(model, cap: np.ndarray,
                      opts: SolverOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per project, from the LP relaxation: the reduced cost in score points (seeding its
    bracket) and how far its funded share is from a half (nearest the margin first); and the
    integer columns it leaves fractional (where each branch's partial relaxation starts)."""
    # nearest the margin first: projects the LP relaxation funds only in part, or not as the
    # MIP does; the relaxation's reduced costs (in score points) seed each bracket
    lp = model.lp
    relaxed = replace(lp, integer=np.zeros_like(lp.integer))
    # start-up: highspy only when this runs
    from kcopt.solvers import highs

    raw = highs.solve(relaxed, replace(opts, time_limit=None))
    xs = model.x_columns
    n = len(model.projects)
    estimate = np.zeros(n)
    closeness = np.ones(n)
    keep = lp.integer.copy()  # no relaxation: every integer column kept (the whole MIP)
    if raw.x is not None:
        keep = lp.integer & (np.abs(raw.x - np.round(raw.x)) > INTEGRAL)
        frac = np.zeros(n)
        np.add.at(frac, model.col_project[xs], raw.x[xs])
        frac = np.where(cap > 0, frac / np.where(cap > 0, cap, 1), 0)
        closeness = np.abs(frac - 0.5)
        if raw.row_dual is not None:
            _unused, d = normalise_duals(relaxed, raw.x, raw.row_dual)
            per_point = cap[model.col_project[xs]] if model.scenario.objective == \
                "total_score" else 1.0
            np.maximum.at(estimate, model.col_project[xs], np.abs(d[xs]) * per_point)
    return estimate, closeness, keep


def _margins(args: list[tuple], progress: bool) -> list[dict]:
    """`_margin` of each argument tuple, here, with a progress bar on request."""
    bar = _bar(len(args)) if progress else None
    rows = []
    try:
        for a in args:
            rows.append(_margin(*a))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return _said_here(rows)


def _bar(total: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=_("selection margins"), unit=_("project"), leave=False)


def _said_here(rows: list[dict]) -> list[dict]:
    """The rows' sentences said again in the language in use here (a worker process says them
    in its own)."""
    for row in rows:
        row["sentence"] = margin_sentence(row["project_id"], row["selected"], row["margin"],
                                          row["flip_score"])
    return rows


def _margin(model, p, j, sel, score, cap, estimate, opts, iterations, tol, exact,
            keep) -> dict:
    """The selection margin of project p (selection column j): the score at which the optimal
    selection flips, by Newton's method on V₁ from the plan's side. `keep`: the integer columns
    its branches start with integral (`_branch`); its branches grow their own copy. `exact`:
    the plan's MIP solved exactly (`_exact_plan`), its optimum and plan, which stand for p's
    branch on the plan's side at p's own score where that plan selects p as the plan does."""
    pid = model.projects["project_id"].iat[p]
    keep = keep.copy()
    s0 = float(score[p])
    unit, linear = _score_slope(model, p, cap, len(score))

    def with_p(s: float) -> tuple[float, float]:
        """V₁ at score s, and its slope there."""
        sc = score.copy()
        sc[p] = s
        obj, x = _branch(model, sc, p, j, 1.0, opts, keep)
        return obj, (float(unit @ x) if x is not None else 0.0)

    # both branches at s0 solved exactly, the plan's own side too: the plan is optimal only to
    # the scenario's gap, and a branch that beat it would send Newton the wrong way
    same = exact is not None and bool(exact[1][j] > 0.5) == sel  # `exact` is on p's side
    if same and not sel:
        v0 = exact[0]
    else:
        v0, _x = _branch(model, score, p, j, 0.0, opts, keep)
    if v0 != v0:  # p cannot be left out (must fund, or needed by a must-fund project)
        return _never(pid, sel, s0)
    if same and sel:
        v, g = exact[0], float(unit @ exact[1])
    else:
        v, g = with_p(s0)
    if v != v:  # no plan can take p (its group, a dependency, a budget)
        return _never(pid, sel, s0)
    if (v < v0) if sel else (v > v0):  # the plan's selection of p was within its gap
        flip: float | None = s0
    else:
        flip = _newton(with_p, s0, v, g, v0, sel=sel, linear=linear, iterations=iterations,
                       tol=tol)
    if flip is None:
        return _never(pid, sel, s0)
    margin = round(abs(s0 - flip), 6)
    return {"project_id": pid, "selected": sel, "score": round(s0, 6),
            "margin": margin, "flip_score": round(flip, 6),
            "sentence": margin_sentence(pid, sel, margin, round(flip, 6))}


def margin_sentence(pid: str, sel: bool, margin: float, flip: float) -> str:
    """A line of the selection margins in words, in the language in use (the app's language
    switch says a table's lines again from its columns)."""
    if not np.isfinite(margin):  # no score in [0, 1] flips it
        return (_("{project} stays selected whatever its score") if sel else
                _("{project} stays out whatever its score")).format(project=pid)
    sentence = (_("{project} is selected: its score would have to fall by about {margin} (to "
                  "{flip}) before it is dropped") if sel else
                _("{project} is not selected: its score would have to rise by about {margin} "
                  "(to {flip}) before it is selected"))
    return sentence.format(project=pid, margin=fixed(margin, 3), flip=fixed(flip, 3))


def _score_slope(model, p: int, cap: np.ndarray, n: int) -> tuple[np.ndarray, bool]:
    """d objective / d score of p per unit of each column (V₁'s slope is unit · x), and
    whether V₁ is a line (an all-or-nothing project: y[p] = cap[p]·z[p])."""
    onehot = np.zeros(n)
    onehot[p] = 1.0
    unit = objective_coefficients(onehot, cap, model.col_project, model.scenario.objective)
    unit[np.setdiff1d(np.arange(len(unit)), model.x_columns)] = 0.0
    linear = bool(model.projects["all_or_nothing"].iat[p] > 0) \
        if "all_or_nothing" in model.projects else False
    return unit, linear


def _newton(with_p, s: float, v: float, g: float, v0: float, *, sel: bool, linear: bool,
            iterations: int, tol: float) -> float | None:
    """Newton's method on V₁(s) = V₀ from score s (V₁(s) = v, slope g), kept in [0, 1]: the
    score at which the selection flips, None when no score flips it."""
    for _step in range(max(iterations, 1)):
        if g <= 1e-12:  # p's score does not move V₁ (it gets no money when selected)
            return None
        nxt = s - (v - v0) / g
        if sel and nxt < 0.0:
            nxt = 0.0
        if not sel and nxt > 1.0:
            nxt = 1.0
        if linear and 0.0 < nxt < 1.0:
            return nxt
        if abs(nxt - s) <= tol * 1e-3:
            break
        s = nxt
        v, g = with_p(s)
        if v != v:
            return None
        if abs(v - v0) <= 1e-9 * max(1.0, abs(v0)):
            break
        if (s <= 0.0 and v > v0) or (s >= 1.0 and v < v0):  # no score in [0, 1] flips it
            return None
    return s


def _never(pid: str, sel: bool, s0: float) -> dict:
    """The line of a project whose selection no score in [0, 1] flips."""
    return {"project_id": pid, "selected": sel, "score": round(s0, 6),
            "margin": float("inf"), "flip_score": float("nan"),
            "sentence": margin_sentence(pid, sel, float("inf"), float("nan"))}
