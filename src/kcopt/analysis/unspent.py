"""Budget left idle by policy targets: the warning a planner needs when a target is "met" by
spending less.

A share target counts against the support *allocated* (`Σ flagged ≥ share · T`), so allocating
less also meets it: two `share_min` targets of 60% on different groups can only both hold with
nothing spent, and a `province_max` on a one-province list holds only at zero. The solver calls
such a plan optimal. Here the plan is re-solved without its targets; when that spends more of a
fund, the targets are leaving that money idle. Each target is then dropped on its own to name the
ones responsible (when no single one is, the targets that bind are named together).

Mathematical formulation: with S_f the support fund f pays out in an optimal plan, the idle amount
is `min(S_f(without targets) − S_f(with them), B_f − S_f(plan))`, reported when it exceeds
max(0.5, 10⁻⁶ · B_f). Both re-solves are of the same program by the same solver, so ties break
alike; for a MIP they are of its LP relaxation (an estimate, said so).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from kcopt.core.errors import Problem
from kcopt.core.language import using
from kcopt.core.said import Num, Said, say
from kcopt.core.words import N_
from kcopt.model.constraints import scope_budget
from kcopt.model.names import rows_of_target
from kcopt.solvers.solve import Result

CODE = "budget_unspent"
FUND_WORDS = {"central": N_("central (national) funds"), "local": N_("local funds")}


@dataclass
class _Spending:
    central: float
    local: float

    def of(self, fund: str) -> float:
        return self.central if fund == "central" else self.local



def _spending(result: Result, x: np.ndarray) -> _Spending:
    model = result.model
    xs = model.x_columns
    central = float(x[xs][model.col_fund[xs] == 0].sum())
    local = float(x[xs][model.col_fund[xs] == 1].sum())
    return _Spending(central, local)


def unspent_warnings(result: Result, lang: str = "vi") -> list[Problem]:
    """One `budget_unspent` warning per fund whose money the targets leave idle, naming the
    targets and the amount; none when the targets cost no spending (or there are none)."""
    model = result.model
    lp = model.lp
    sc = model.scenario
    if not sc.targets or result.x is None or not result.status.has_solution:
        return []
    target_rows = [rows_of_target(lp.row_names, lp.row_family, t.name) for t in sc.targets]
    base = _spending(result, result.x)
    budget = {f: scope_budget(sc, f, None) for f in ("central", "local")}
    tol = {f: max(0.5, 1e-6 * budget[f]) for f in budget}
    if all(budget[f] - base.of(f) <= tol[f] for f in budget):
        return []  # every budget is spent: nothing idle to explain
    resolve = _Resolver(result)
    with_all = resolve.without([])  # the same program, solved the same way: ties break alike
    free = resolve.without(sorted(i for rows in target_rows for i in rows))
    if free is None or with_all is None:
        return []
    gain = {f: min(free.of(f) - with_all.of(f), budget[f] - base.of(f)) for f in budget}
    funds = [f for f in ("central", "local") if gain[f] > tol[f]]
    if not funds:
        return []
    responsible: dict[str, list[str]] = {f: [] for f in funds}
    for t, rows in zip(sc.targets, target_rows, strict=True):
        alone = free if len(sc.targets) == 1 else resolve.without(rows)
        for f in funds:
            if alone is not None and alone.of(f) - with_all.of(f) > tol[f]:
                responsible[f].append(t.name)
    binding = [t.name for t, rows in zip(sc.targets, target_rows, strict=True)
               if _binds(result, rows)]
    out = []
    for f in funds:
        names = responsible[f] or binding or [t.name for t in sc.targets]
        joint = not responsible[f]
        of_allocated = any(t.share is not None and t.share_of != "budget"
                           for t in sc.targets if t.name in names)
        labels = {t.name: getattr(t, "label", "") or t.name for t in sc.targets}
        message = _message(lang, f, [labels.get(n, n) for n in names], joint, gain[f],
                           base.of(f), budget[f],
                           of_allocated, bool(lp.integer.any()))
        out.append(Problem(str(sc.path.name) if sc.path else "scenario", message,
                           severity="warning", code=CODE, amount=round(gain[f], 4)))
    return out


def _binds(result: Result, rows: list[int]) -> bool:
    lp = result.model.lp
    act = result.row_activity
    if act is None:
        return False
    for i in rows:
        slack = min(act[i] - lp.row_lower[i], lp.row_upper[i] - act[i])
        if slack <= 1e-6 * max(1.0, abs(act[i])):
            return True
    return False


def _message(lang: str, fund: str, names: list[str], joint: bool, idle: float, spent: float,
             budget: float, of_allocated: bool, estimate: bool) -> Said:
    """The warning, said in `lang` and kept so summary.json's reader can say it again."""
    with using(lang):
        quoted = [f"'{n}'" for n in names]
        who: str = quoted[0] if len(quoted) == 1 else say(
            N_("{first} and {last}"), first=", ".join(quoted[:-1]), last=quoted[-1])
        amount = say(N_("about {amount}"), amount=Num(idle)) if estimate else Num(idle)
        text = say(N_("target {who}{together} leaves {amount} million VND of {fund} unallocated "
                      "(allocated {spent} of {budget} million; without it {idle} million more "
                      "would be allocated)") if len(names) == 1 else
                   N_("targets {who}{together} leave {amount} million VND of {fund} "
                      "unallocated (allocated {spent} of {budget} million; without them {idle} "
                      "million more would be allocated)"),
                   who=who, together=say(N_(" together")) if joint else "", amount=amount,
                   fund=say(FUND_WORDS[fund]), spent=Num(spent), budget=Num(budget),
                   idle=Num(idle))
        if of_allocated:
            text = say(N_("{warning}. A target's share is of the support allocated, so "
                          "allocating less also meets it; if the share is of the budget, set "
                          "share_of: budget on the target, or change the share"), warning=text)
        return text


class _Resolver:
    """The plan's program re-solved with some target rows switched off (HiGHS, warm-started).

    For a MIP the re-solves are of its LP relaxation: a handful of LPs rather than as many MIPs
    (each as long as the plan's own solve), so the amount is an estimate — said so in the
    message."""

    def __init__(self, result: Result):
        # start-up: highspy only when this runs
        from kcopt.solvers.highs import make_highs, pass_lp

        self.result = result
        lp = result.model.lp
        self.lp = replace(lp, integer=np.zeros_like(lp.integer))
        opts = result.model.scenario.solver
        self.h = make_highs(replace(opts, name="highs", time_limit=None))
        pass_lp(self.h, self.lp)

    def without(self, rows: list[int]) -> _Spending | None:
        import highspy

        lp = self.lp
        h = self.h
        n_rows = lp.shape[0]
        lower = np.where(np.isinf(lp.row_lower), -highspy.kHighsInf, lp.row_lower)
        upper = np.where(np.isinf(lp.row_upper), highspy.kHighsInf, lp.row_upper)
        lower[rows] = -highspy.kHighsInf
        upper[rows] = highspy.kHighsInf
        every = np.arange(n_rows, dtype=np.int32)
        h.changeRowsBounds(n_rows, every, lower, upper)  # type: ignore[attr-defined]
        h.run()
        if h.getModelStatus().name != "kOptimal":
            return None
        return _spending(self.result, np.asarray(h.getSolution().col_value))
