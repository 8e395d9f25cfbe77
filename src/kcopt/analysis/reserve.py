"""The reserve list (danh sách dự phòng): per fund, the projects waiting for money in the order
they would enter as that fund's budget grows, with the extra money at which each enters.

It is read off the model itself, not a sort: the budget row's right-hand side is raised step by
step (a parametric walk) and the program re-solved, warm-started, by HiGHS.

Mathematical formulation. With `b` the budget of one row (`budget:central`,
`budget:local:<province>`, per plan year) and `V(t)` the optimum of the program when that row's
bound is `b + t`, every other row and bound unchanged, an optimal basis stays optimal while its
primal solution stays within its bounds, and on that range the solution moves on a line
`x(t) = x(t₀) + (t − t₀)·d`. The walk finds one line per basis:

1. re-solve at `b + t + h` (h = 1 million VND; 0.001, then 10⁻⁷, when the line found does not
   pass through the projects' totals at t: a basis change within h), warm from the last basis;
   the line's direction is that basis's own, `d = B⁻¹ eᵢ` on the basic columns (one solve with
   the basis factor);
2. the line ends where a column or a row reaches a bound (the ratio test of the simplex method
   on `d`): the next breakpoint of `V`;
3. on the line each project's total `y_p(t)` is linear; it *enters* at the first `t` where it
   rises above its amount in the plan, and is *funded in full* where it reaches its cap.

The walk stops once `first` projects have entered (default 10 per fund, `kcopt solve
--reserve N`) and the first three of them are funded in full (a later one's `funded_at` may be
beyond the walk: empty), when the extra money buys nothing more (the row no longer binds:
other rows hold the waiting projects back), or when every waiting project the fund may pay is
funded.

Each row is walked on a reduced program (`_reduced`, built by
`kcopt.analysis.reserve_program`, whose docstring has its formulation): the projects held in
place by their own binding rows (paid by both funds and funded in full: cap and co-financing
rows bind) are left out with those rows, and only the other basic columns, the row's own
co-financed projects, the columns nearest to entering and their projects' columns and rows are
kept, so its size does not grow with the project list (~300 rows × ~650 columns at 10,000
projects, ~800 × ~1,250 at 50,000, against every row and every basic column before). Every
re-solve checks that its optimum is the whole program's (row prices for the left-out rows, the
reduced cost of every left-out column); a column that would move is put in and the row walked
again (column generation), so the list is the whole program's. Cost: one warm re-solve per
breakpoint, and the demo's targets tie 4–7 projects to each breakpoint, so a row takes 10–25.
Measured on the benchmark's data (35 budget rows, `first` 10; CPU s of `reserve_list` alone,
medians of 3, before and after run one after the other on the shared two-core machine at load
average 6–9): 2.57 → 1.30 s at 10,000 projects (909 re-solves), 13.59 → 3.67 s at 50,000,
238.3 → 25.2 s at 200,000 (benchmarks/README.md, "The reserve list"). HiGHS's warm re-solve itself
(~0.13 ms without a pivot, ~0.35 ms with one at 10,000) is now about 40% of it. `--reserve 0`
skips it.

Each row is walked alone: its reduced program is grown only by its own walk, so its list does not
depend on the rows walked before it, and the rows are shared by this process and one forked from
it per core from 2,000 projects on (`kcopt.core.forkwork`, where it may fork: Linux, no other
thread running). Measured
8 Dec 2026 on the two-core machine, wall time of the walks inside `kcopt solve` (whose plot
child draws meanwhile): 1.26–1.47 → 1.06–1.15 s at 10,000 projects, 3.66–3.97 → 2.79–2.90 s at
50,000 (the whole command 12.2–12.6 → 11.2 s). Walked apart, the rows at 10,000 projects and
below give the same lists as when each row's program started with the columns earlier rows'
walks had to be grown by; at 50,000 the rows need 47 walks instead of 38, and 9 local funds'
lists differ where projects tie (another province's project entering on central money the
local money frees, or not).

Where two projects are worth the same to within HiGHS's tolerance (its dual feasibility
tolerance, 10⁻⁷), the walk may let either enter first, so the walk on the old, larger program
and this one can differ: on the benchmark's data the central list is the same, and 13 of 341
rows at 10,000 projects (117 of 350 at 50,000) differ, in local funds' lists, mostly other
provinces' projects entering on central money the local money frees. Re-solves disagree there
too: at 1,000 projects, Lâm Đồng's local budget +800 million, HiGHS at its default tolerance
gives P-0053 34.6 million more, but with P-0053 held at its plan amount the objective is
6·10⁻⁶ higher — HiGHS at 10⁻¹⁰ agrees, as this walk does.

Plans with integer decisions: the walk is on the program with the plan's selected projects kept
selected and the others' integer decisions relaxed (a project may enter with any share of its
cap); the list says so (`basis: lp_relaxation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from kcopt.analysis.reserve_program import Expand as _Expand
from kcopt.analysis.reserve_program import Program as _Program
from kcopt.analysis.reserve_program import program as _program
from kcopt.analysis.reserve_program import reduced as _reduced_program
from kcopt.analysis.reserve_words import TOL as _TOL
from kcopt.analysis.reserve_words import first_in_line as first_in_line
from kcopt.analysis.reserve_words import reason as _reason
from kcopt.model import LinearProgram
from kcopt.model.names import parse_row, rows_of
from kcopt.solvers.solve import Result

__all__ = ["RESERVE_COLUMNS", "RESERVE_FIRST", "first_in_line", "reserve_list"]

RESERVE_FIRST = 10  # projects listed per fund unless told otherwise (kcopt solve --reserve N)
# below this many projects the walks take a few tenths of a second, and a forked worker gains
# nothing where the cores are busy anyway (`kcopt solve`'s plot child and writers, a test
# suite's workers: the suite took 2.3 min longer on two cores when every list forked one)
FORK_FROM = 2_000
RESERVE_COLUMNS = ["fund", "fund_province", "year", "rank", "project_id", "name", "province",
                   "category", "score", "status", "allocated", "cap", "missing", "enters_at",
                   "funded_at", "paid_from", "basis", "reason"]
_STEPS = (1.0, 1e-3, 1e-7)  # probe lengths h, million VND, tried in turn
_CHECKED = 3  # the walk goes on until this many of those in line are funded in full
# a reduced program keeps the basic columns of projects not frozen, the (a·first + b) of the row
# nearest to entering and the _NEAR_ANY nearest anywhere; it is made only when that is below
# this share of them all
_NEAR_ROW, _NEAR_ANY, _REDUCE_BELOW = (20, 200), 300, 0.5
_HELD_MAX = 200  # a row's basic columns kept in: at most this many
_GROW = 8  # reduced programs grown at most this often for a row; then the whole program


def _reduced(w: _Program, row: int, first: int, extra: np.ndarray) -> _Program:
    """The program of `w` with only the columns the walk on `row` may move: the basic ones of
    projects not frozen, the row's own frozen projects (its basic columns, at most `_HELD_MAX`,
    those whose bounds are priced nearest 0 first: a budget that grows often shifts their
    funds' shares), those of the row
    nearest to entering (by reduced cost per unit of the row), those nearest to entering
    anywhere, and `extra` (kcopt.analysis.reserve_program);
    `w` itself when that is most of them."""
    b = w.base
    a = b.lp.A[row]
    cols, at = np.unique(a.indices, return_index=True)
    free = ~b.col_basic[cols]
    held = cols[~free]  # the row's frozen projects: a walk often shifts their funds' shares
    if len(held) > _HELD_MAX:  # those whose bounds are priced nearest 0 are freed first
        held = held[np.argsort(b.hold[held], kind="stable")[:_HELD_MAX]]
    cols = cols[free]
    per_unit = np.abs(b.d[cols]) / np.maximum(np.abs(a.data[at][free]), 1e-12)
    row_near = cols[np.argsort(per_unit, kind="stable")[:_NEAR_ROW[0] * first + _NEAR_ROW[1]]]
    keep = np.concatenate([b.free_basic, b.always, held, row_near, b.near[:_NEAR_ANY],
                           extra.astype(np.int64)])
    sub = _reduced_program(b, keep, row, _REDUCE_BELOW)
    return w if sub is None else sub


def _walk_row(w: _Program, row: int, first: int) -> list[_Entry]:
    """The walk on `row`, on a reduced program grown until no left-out column would enter
    (at most `_GROW` times; then on the whole program). A row's program is grown by its own
    walk only, so its list does not depend on which rows were walked before it, or in which
    process (`_walks`)."""
    extra = np.zeros(0, dtype=np.int64)
    for _attempt in range(_GROW):
        sub = _reduced(w, row, first, extra)
        try:
            return _walk(sub, row, first)
        except _Expand as grow:
            extra = np.union1d(extra, grow.columns)
    return _walk(w, row, first)


def _walks(w: _Program, rows: list[int], first: int, jobs: int | None) -> list[list[_Entry]]:
    """`_walk_row` of each budget row, shared by this process and `jobs` − 1 worker processes
    forked from it (`kcopt.core.forkwork`; None: one process per core from `FORK_FROM` projects
    on, else one) where it may fork, else here one after the other: the same lists either
    way."""
    from kcopt.core import forkwork  # start-up: multiprocessing only when a list is made

    items = [partial(_walk_row, w, i, first) for i in rows]
    if jobs is None:
        jobs = forkwork.cores() if len(w.base.cap) >= FORK_FROM else 1
    workers = min(jobs, len(items)) - 1
    if workers > 0 and forkwork.can_fork():
        return forkwork.run(items, workers)
    return [item() for item in items]


@dataclass
class _Line:
    """x(t) = x0 + (t − t0)·d for t in [t0, t1], on the program's columns."""

    t0: float
    t1: float
    x0: np.ndarray
    d: np.ndarray


def _line(w: _Program, r: int, base: float, t: float, y_t: np.ndarray,
          gap: float) -> _Line | None:
    """The piece of the parametric path that starts at extra money `t` (see the module's
    formulation); None when a re-solve fails. `r` is the row's place in `w`, `gap` how far the
    projects `w` leaves out are from `y_t`."""
    for h in _STEPS:
        got = w.at(r, base + t + h)
        if got is None:
            return None
        x = got
        d = _direction(w, r)
        back = w.P @ (x - h * d)  # the line at t must be the path at t
        # np.allclose(back, y_t, atol=…, rtol=0), without its general-case machinery
        err = max(float(np.max(np.abs(back - y_t), initial=0.0)), gap)
        if h == _STEPS[-1] or err <= 1e-6 + 1e-3 * h:
            break
    return _Line(t + h, t + h + _ratio(w.lp, x, d, r), x, d)


def _direction(w: _Program, r: int) -> np.ndarray:
    """dx/db of the current basis when row `r`'s bound b moves: `B⁻¹ eᵣ` on the basic
    columns (HiGHS's logicals stand for −A x), 0 when the row itself is basic (not binding)."""
    h = w.highs
    m, n = w.lp.shape
    d = np.zeros(n)
    basic = h.getBasicVariables()
    basic = np.asarray(basic[1] if isinstance(basic, tuple) else basic, dtype=np.int64)
    if (basic == -1 - r).any():  # the row's logical is basic: the row does not bind
        return d
    e = np.zeros(m)
    e[r] = 1.0
    solved = h.getBasisSolve(e)
    sol = np.asarray(solved[1] if isinstance(solved, tuple) else solved, dtype=float)
    cols = basic >= 0
    d[basic[cols]] = sol[cols]
    d[np.abs(d) < 1e-12] = 0.0
    return d


def _ratio(lp: LinearProgram, x: np.ndarray, d: np.ndarray, row: int) -> float:
    """How far `x` may move along `d` before a column or a row (other than `row`, whose bound
    moves with the walk) reaches a bound."""
    steps = [np.inf]
    up, dn = d > 0, d < 0
    if up.any():
        steps.append(float(np.min((lp.col_upper[up] - x[up]) / d[up])))
    if dn.any():
        steps.append(float(np.min((x[dn] - lp.col_lower[dn]) / -d[dn])))
    act, a = lp.A @ x, lp.A @ d
    a[row] = 0.0
    a[np.abs(a) < 1e-9] = 0.0
    up, dn = a > 0, a < 0
    if up.any():
        steps.append(float(np.min((lp.row_upper[up] - act[up]) / a[up])))
    if dn.any():
        steps.append(float(np.min((act[dn] - lp.row_lower[dn]) / -a[dn])))
    return max(0.0, min(steps))


def _settled(entries: dict[int, _Entry], k: int) -> bool:
    """The first `k` in line are funded in full (their raise is known)."""
    line = sorted(entries.values(), key=lambda e: e.enters)[:k]
    return all(np.isfinite(e.funded) for e in line)


@dataclass
class _Entry:
    project: int
    enters: float
    funded: float = np.nan
    paid_from: str = ""


def _walk(w: _Program, row: int, first: int) -> list[_Entry]:
    """The projects that enter as row `row`'s bound grows, in order (the parametric walk)."""
    b = w.base
    base = float(b.lp.row_upper[row])
    r = w.local(row)
    in_row = np.unique(b.lp.A[row].indices)
    owner = b.owner[in_row]
    scope = np.unique(owner[owner >= 0])  # the projects with a column in the row
    waiting = scope[b.y_plan[scope] < b.cap[scope] - _TOL]
    limit = float((b.cap[waiting] - b.y_plan[waiting]).sum())
    entries: dict[int, _Entry] = {}
    w.restart(r, base)
    y_t = b.y_plan[w.proj]
    gap = w.gap
    t = 0.0
    for _step in range(4 * first + 40):
        if len(entries) >= first and _settled(entries, _CHECKED):
            break
        if t >= limit - _TOL:
            break
        line = _line(w, r, base, t, y_t, gap)
        if line is None:
            break
        gap = 0.0  # from here on the projects left out are at their money at the start
        dy = w.P @ line.d
        if not (dy > 1e-9).any():
            break  # the extra money buys nothing: the row no longer binds
        y0 = w.P @ line.x0
        end = line.t1 if np.isfinite(line.t1) else line.t0 + limit
        _events(entries, w, line, dy, y0, t, end, first)
        y_t = y0 + (end - line.t0) * dy
        t = end
    w.verify()  # raises _Expand when a column left out would have moved
    w.restart(r, base)
    return sorted(entries.values(), key=lambda e: (e.enters, -b.cap[e.project], e.project))


def _events(entries: dict[int, _Entry], w: _Program, line: _Line, dy: np.ndarray,
            y0: np.ndarray, t: float, end: float, first: int) -> None:
    """Projects whose total rises on this piece: when they pass their amount in the plan
    (enter) and their cap (funded in full). `dy`, `y0` are per project of `w.proj`."""
    b = w.base
    for k in np.flatnonzero(dy > 1e-9).tolist():
        p = int(w.proj[k])
        enters = max(t, line.t0 + (b.y_plan[p] - y0[k]) / dy[k])
        if p not in entries and enters <= end + _TOL and b.y_plan[p] < b.cap[p] - _TOL:
            if len(entries) >= first:
                continue
            cols = w.P.indices[w.P.indptr[k]:w.P.indptr[k + 1]]  # the row P[k]'s columns
            fund = b.col_fund[w.global_cols(cols)[np.argmax(line.d[cols])]]
            entries[p] = _Entry(p, round(enters, 6), paid_from="central" if fund == 0
                                else "local")
        e = entries.get(p)
        if e is not None and not np.isfinite(e.funded):
            full = line.t0 + (b.cap[p] - y0[k]) / dy[k]
            if full <= end + _TOL:
                e.funded = round(max(full, e.enters), 6)


def reserve_list(result: Result, first: int = RESERVE_FIRST, *,
                 jobs: int | None = None) -> pd.DataFrame:
    """The reserve list of a solved plan: per fund (central, and each province's local budget,
    per plan year), the waiting projects in the order they enter as that fund grows.

    Parameters
    ----------
    result
        A solved plan: `kcopt.run(...).result` (a `Run` itself is taken too).
    first
        How many projects to list per fund (the walk stops there); 0 lists none.
    jobs
        Processes walking the funds' budget rows: this one and `jobs` − 1 forked from it, on
        Linux where no other thread runs (else this one alone). None: one per core from 2,000
        projects on (`FORK_FROM`), else this one. The list is the same whatever the number.

    Returns
    -------
    DataFrame
        One row per (fund, project) with the columns of `RESERVE_COLUMNS`: `enters_at` is the
        extra money of that fund (million VND) at which the project first gets more money than
        in the plan, `funded_at` the extra at which it is funded in full (empty when beyond the
        walk), `missing` its cap less its amount in the plan, `paid_from` the fund its new
        money comes from, `reason` why it waits, in words.

    Examples
    --------
    >>> import kcopt
    >>> reserve = kcopt.reserve_list(kcopt.run(kcopt.demo_scenario_path()), first=3)
    >>> list(reserve.query("fund == 'central'")["rank"])
    [1, 2, 3]
    """
    result = getattr(result, "result", result)  # a Run: its result (no import of the layer above)
    result.raise_for_status()
    model = result.model
    lp = model.lp
    rows = [i for i in rows_of(lp.row_names, "budget") if lp.A[i].nnz]
    if first <= 0 or not rows or result.x is None:
        return pd.DataFrame(columns=RESERVE_COLUMNS)
    made = _program(result)
    if made is None:
        return pd.DataFrame(columns=RESERVE_COLUMNS)
    w, basis_kind = made
    out = []
    for i, entries in zip(rows, _walks(w, rows, first, jobs), strict=True):
        out += _rows(model, w, i, entries, basis_kind)
    return pd.DataFrame(out, columns=RESERVE_COLUMNS)


def _rows(model: Any, w: _Program, row: int, entries: list[_Entry],
          basis_kind: str) -> list[dict[str, Any]]:
    name = parse_row(model.lp.row_names[row])
    frame = model.projects
    score = frame["score"].to_numpy(float)
    text = {col: frame[col] for col in ("project_id", "name", "province", "category")}
    out = []
    for rank, e in enumerate(entries, start=1):
        p = e.project
        allocated = float(w.base.y_plan[p])
        out.append({
            "fund": name.fund, "fund_province": name.province or "", "year": name.year,
            "rank": rank, "project_id": text["project_id"].iat[p],
            "name": text["name"].iat[p], "province": text["province"].iat[p],
            "category": text["category"].iat[p], "score": round(float(score[p]), 6),
            "status": "partial" if allocated > _TOL else "unfunded",
            "allocated": round(allocated, 6), "cap": round(float(w.base.cap[p]), 6),
            "missing": round(float(w.base.cap[p]) - allocated, 6),
            "enters_at": e.enters, "funded_at": e.funded, "paid_from": e.paid_from,
            "basis": basis_kind,
            "reason": _reason(name.fund or "", name.province, rank, e, entries, allocated,
                              float(w.base.cap[p]) - allocated)})
    return out
