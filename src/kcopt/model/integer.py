"""Integer decisions: all-or-nothing, minimum fractions, dependencies, exclusive groups and the
choice of a start year. Solved as a MIP; with `--lp` the same rows are kept with z in [0, 1],
which is the LP relaxation of the same programme."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kcopt.core.errors import InputError, Problem
from kcopt.core.words import _
from kcopt.model.names import RowId
from kcopt.model.program import INF, RowBlock

_LIST = re.compile(r"[;,\s]+")


@dataclass
class IntegerPlan:
    """Which projects get a selection variable z, and what ties them together."""

    z_projects: np.ndarray  # project rows with a z column
    requires: list[tuple[int, int]]  # (p, q): p only if q
    groups: dict[str, list[int]]  # group -> member project rows
    required: np.ndarray  # bool per project: some project requires it
    blocked: np.ndarray  # bool per project: requires a project that cannot be funded


def integer_plan(frame: pd.DataFrame, ids: np.ndarray, active: np.ndarray,
                 has_columns: np.ndarray, warnings: list[Problem]) -> IntegerPlan:
    n = len(frame)
    index = {pid: i for i, pid in enumerate(ids)}
    requires: list[tuple[int, int]] = []
    problems = []
    raw = frame["requires"].to_numpy(dtype=object) if "requires" in frame else [None] * n
    for p, text in enumerate(raw):
        if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
            continue
        for q_id in (s for s in _LIST.split(str(text).strip()) if s):
            if q_id not in index:
                problems.append(Problem("projects", "requires a project that is not in the list",
                                        "Give the id of a project in the list",
                                        column="requires", value=q_id, project_id=ids[p]))
            elif index[q_id] == p:
                problems.append(Problem("projects", "a project cannot require itself",
                                        column="requires", value=q_id, project_id=ids[p]))
            else:
                requires.append((p, index[q_id]))
    if problems:
        raise InputError(problems)
    groups: dict[str, list[int]] = {}
    graw = frame["group"].to_numpy(dtype=object) if "group" in frame else [None] * n
    for p, g in enumerate(graw):
        if g is not None and not (isinstance(g, float) and np.isnan(g)) and str(g).strip():
            groups.setdefault(str(g).strip(), []).append(p)
    live = active & has_columns
    required = np.zeros(n, dtype=bool)
    blocked = np.zeros(n, dtype=bool)
    for p, q in requires:
        required[q] = True
        if not live[q]:
            blocked[p] = True
    for b in np.flatnonzero(blocked & live):
        deps = [ids[q] for pp, q in requires if pp == b and not live[q]]
        warnings.append(Problem("projects", _(
            "{project} requires {needed}, which cannot be funded (ineligible or excluded); it "
            "is not funded").format(project=ids[b], needed=", ".join(deps)),
                                severity="warning"))
    needs = ((frame["all_or_nothing"].to_numpy() > 0)
             | (frame["min_fraction"].fillna(0).to_numpy() > 0)
             | np.isin(np.arange(n), [p for p, _ in requires])
             | np.isin(np.arange(n), [p for m in groups.values() for p in m]))
    return IntegerPlan(np.flatnonzero(needs & live), requires, groups, required, blocked)


def add_integer_constraints(rows: RowBlock, frame: pd.DataFrame, ids: np.ndarray,
                            col_project: np.ndarray, plan: IntegerPlan, z_index: np.ndarray,
                            total_cap: np.ndarray, group_max: dict[str, int]) -> None:
    """Integer decisions, with y[p] = Σ x[p,·] and z[p] ∈ {0, 1} "p is selected".

    Mathematical formulation::

        all_or_nothing:<id>   y[p] − cap[p]·z[p] = 0
        link:<id>             y[p] − cap[p]·z[p] ≤ 0
        min_fraction:<id>     y[p] − f[p]·cap[p]·z[p] ≥ 0
        requires:<p>:<q>      y[q] − f[q]·cap[q]·z[p] ≥ 0   (f = q's min_fraction, else 1)
        group:<g>             Σ_{p in g} z[p] ≤ max_g       (default 1)

    A project is funded in full (or at least a share f of its cap), or not at all; a project
    that needs another is funded only when that one is funded in full (or to its minimum
    fraction); of an exclusive group at most max_g.
    """
    zp = plan.z_projects
    if not len(zp):
        return
    zpos = np.full(len(ids), -1)
    zpos[zp] = np.arange(len(zp))
    _add_selection_rows(rows, frame, ids, col_project, zp, zpos, z_index, total_cap)
    _add_requires_rows(rows, frame, ids, col_project, plan, zpos, z_index, total_cap)
    _add_group_rows(rows, plan, zpos, z_index, group_max)


def _add_selection_rows(rows: RowBlock, frame: pd.DataFrame, ids: np.ndarray,
                        col_project: np.ndarray, zp: np.ndarray, zpos: np.ndarray,
                        z_index: np.ndarray, total_cap: np.ndarray) -> None:
    """The all_or_nothing, link and min_fraction rows tying y[p] to z[p], one family a call."""
    aon = frame["all_or_nothing"].to_numpy()[zp] > 0
    frac = frame["min_fraction"].fillna(0).to_numpy()[zp]
    xcols = np.flatnonzero(zpos[col_project] >= 0)
    cap = total_cap[zp]
    for family, chosen, lower, upper, coef in (
        ("all_or_nothing", aon, 0.0, 0.0, np.ones(len(zp))),
        ("link", ~aon, -INF, 0.0, np.ones(len(zp))),
        ("min_fraction", ~aon & (frac > 0), 0.0, INF, frac),
    ):
        members = np.flatnonzero(chosen)
        if not len(members):
            continue
        pos = np.full(len(zp), -1)
        pos[members] = np.arange(len(members))
        xc = xcols[chosen[zpos[col_project[xcols]]]]
        zk = pos[zpos[col_project[xc]]]
        rows.add(family, [str(RowId.of_project(family, ids[p])) for p in zp[members]], lower, upper,
                 np.concatenate([zk, np.arange(len(members))]),
                 np.concatenate([xc, z_index[members]]),
                 np.concatenate([np.ones(len(xc)), -coef[members] * cap[members]]))


def _add_requires_rows(rows: RowBlock, frame: pd.DataFrame, ids: np.ndarray,
                       col_project: np.ndarray, plan: IntegerPlan, zpos: np.ndarray,
                       z_index: np.ndarray, total_cap: np.ndarray) -> None:
    """A requires:<p>:<q> row per dependency of a selectable project p on q."""
    deps = [(p, q) for p, q in plan.requires if zpos[p] >= 0 and not plan.blocked[p]]
    if not deps:
        return
    fmin = frame["min_fraction"].fillna(0).to_numpy()
    need = np.array([(fmin[q] if fmin[q] > 0 else 1.0) * total_cap[q] for _, q in deps])
    r, c, v = [], [], []
    for k, (p, q) in enumerate(deps):
        q_cols = np.flatnonzero(col_project == q)
        r += [k] * (len(q_cols) + 1)
        c += [*q_cols.tolist(), int(z_index[zpos[p]])]
        v += [1.0] * len(q_cols) + [-need[k]]
    rows.add("requires", [str(RowId("requires", project=ids[p], other=ids[q]))
                              for p, q in deps], 0.0, INF,
             r, c, v)


def _add_group_rows(rows: RowBlock, plan: IntegerPlan, zpos: np.ndarray, z_index: np.ndarray,
                    group_max: dict[str, int]) -> None:
    """A group:<g> row per exclusive group with a selectable member (at most max_g)."""
    names, members_of = [], []
    for g, group_members in sorted(plan.groups.items()):
        in_group = [z_index[zpos[p]] for p in group_members if zpos[p] >= 0]
        if in_group:
            names.append(g)
            members_of.append(in_group)
    if names:
        rows.add("group", [str(RowId("group", group=g)) for g in names], -INF,
                 [float(group_max.get(g, 1)) for g in names],
                 np.concatenate([np.full(len(m), i) for i, m in enumerate(members_of)]),
                 np.concatenate(members_of), np.ones(sum(map(len, members_of))))


def add_start_choice(rows: RowBlock, ids: np.ndarray, years: tuple[int, ...],
                     col_project: np.ndarray, col_start: np.ndarray, w_keys: list[tuple[int, int]],
                     w_index: np.ndarray, z_of: dict[int, int], total_cap: np.ndarray) -> None:
    """One start year for a project that may be scheduled in a window (MIP).

    Mathematical formulation::

        start:<id>:<y>   Σ_fund x[p,·,y] − cap[p]·w[p,y] ≤ 0
        one_start:<id>   Σ_y w[p,y] − z[p] = 0      (or ≤ 1 when p has no z)
    """
    if not w_keys:
        return
    key_pos = {k: i for i, k in enumerate(w_keys)}
    xs = [(j, key_pos[(int(col_project[j]), int(col_start[j]))]) for j in range(len(col_start))
          if (int(col_project[j]), int(col_start[j])) in key_pos]
    r = [i for _, i in xs] + list(range(len(w_keys)))
    c = [j for j, _ in xs] + list(w_index)
    v = [1.0] * len(xs) + [-total_cap[p] for p, _ in w_keys]
    rows.add("start", [str(RowId.of_project("start", ids[p], years[s]))
                        for p, s in w_keys], -INF, 0.0, r, c, v)
    projects = sorted({p for p, _ in w_keys})
    ppos = {p: i for i, p in enumerate(projects)}
    r2 = [ppos[p] for p, _ in w_keys]
    c2 = list(w_index)
    v2 = [1.0] * len(w_keys)
    lower = np.full(len(projects), -INF)
    upper = np.ones(len(projects))
    for p in projects:
        if p in z_of:
            r2.append(ppos[p])
            c2.append(z_of[p])
            v2.append(-1.0)
            lower[ppos[p]] = upper[ppos[p]] = 0.0
    rows.add("one_start", [str(RowId.of_project("one_start", ids[p])) for p in projects],
             lower, upper, r2, c2, v2)
