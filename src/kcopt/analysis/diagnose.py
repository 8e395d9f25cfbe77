"""Why a scenario is infeasible, in planners' terms.

Two steps: `presolve_checks` names impossible data before solving (must-fund projects above a
budget, targets no eligible project can serve); `elastic_diagnosis` lets every budget, target and
must-fund rule stretch, finds the smallest total stretch (in million VND) that restores
feasibility, and says for each stretched rule by how much to relax it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import scipy.sparse as sp

from kcopt.analysis.wording import (
    TARGET_KIND_WORDS,
    budget_words,
    count_group,
    target_label,
    target_scope,
)
from kcopt.core.words import _, num, pct
from kcopt.inputs.solveropts import SolverOptions
from kcopt.inputs.targets import Target
from kcopt.model import LinearProgram, Model, target_selection
from kcopt.model.constraints import scope_budget, scope_name
from kcopt.model.counts import model_outcomes
from kcopt.model.names import ColId, parse_row

SOFT_FAMILIES = ("budget", "target", "must_fund", "match")


@dataclass(frozen=True)
class Finding:
    constraint: str
    message: str
    current: float | None = None
    needed: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def presolve_checks(model: Model) -> list[Finding]:
    """Data that makes the scenario impossible, found without solving."""
    sc = model.scenario
    frame = model.projects
    findings: list[Finding] = []
    lp = model.lp
    # must-fund floors held as column bounds, against every budget row they draw on
    need = lp.A @ lp.col_lower
    for i in np.flatnonzero([f == "budget" for f in lp.row_family]):
        budget = float(lp.row_upper[i])
        if need[i] > budget + 1e-6:
            where = budget_words(lp.row_names[i])
            findings.append(Finding(
                lp.row_names[i],
                _("must-fund projects need {need} million of {where}; the budget is "
                  "{budget}. Raise it by {gap} million or drop must-fund projects").format(
                      need=num(need[i]), where=where, budget=num(budget),
                      gap=num(need[i] - budget)), budget, float(need[i])))
    active = (frame["status"] == "").to_numpy()
    for t in sc.targets:
        if t.kind not in ("share_min", "region_min"):
            continue
        wants = (t.share or 0) > 0 or (t.amount or 0) > 0
        sel = target_selection(frame, t) * active
        if wants and not (sel > 0).any():
            what = (_("region {region}").format(region=t.region) if t.kind == "region_min"
                    else target_scope(t))
            findings.append(Finding(
                t.name, _("target '{target}' asks for support to {what}, but no eligible "
                          "project qualifies. Add such projects or remove the target").format(
                              target=target_label(t), what=what),
                t.share if t.share is not None else t.amount, 0.0))
    return findings + _count_checks(model)


def diagnose(model: Model, solver_opts: SolverOptions | None = None) -> list[Finding]:
    """An infeasible scenario's diagnosis as the pipeline gives it, said in the language in use:
    the pre-solve checks, then each rule the elastic program stretches that they do not name."""
    findings = presolve_checks(model)
    known = {f.constraint for f in findings}
    return findings + [f for f in elastic_diagnosis(model, solver_opts)
                       if f.constraint not in known]


def _count_checks(model: Model) -> list[Finding]:
    """count_min targets asking for more projects than the list has eligible ones."""
    out = []
    for o in model_outcomes(model, np.zeros(model.lp.shape[1])):
        t = o.target
        if t.kind == "count_min" and o.possible < (t.count or 0):
            out.append(Finding(t.name, _(
                "only {possible} eligible projects of {group}{year}; the target '{target}' "
                "asks for {count}. Add such projects or lower the count to {possible}").format(
                    possible=num(o.possible), group=count_group(t),
                    year=_(" starting in {year}").format(year=t.year) if t.year else "",
                    target=target_label(t), count=num(t.count or 0)),
                float(t.count or 0), float(o.possible)))
    return out


def elastic_diagnosis(model: Model, solver_opts: SolverOptions | None = None) -> list[Finding]:
    """The smallest stretch of budgets, targets and must-fund rules that makes the scenario
    feasible, each stretched rule named with the amount.

    Mathematical formulation::

        min Σ_i e_i   s.t.  row_lower_i − e_i⁻ ≤ a_i x ≤ row_upper_i + e_i⁺  (soft rows),
                            hard rows and bounds unchanged, must-fund bounds made soft rows.
    """
    # start-up: highspy only when this runs
    from kcopt.solvers import highs

    n = model.lp.shape[1]
    elastic, soft = _elastic_program(model)
    raw = highs.solve(elastic, replace(solver_opts or SolverOptions(), time_limit=None))
    if raw.x is None:
        return [Finding("", _("even with every budget, target and must-fund rule relaxed the "
                              "scenario has no allocation; check caps and the integer rules"))]
    e = raw.x[n:]
    act = soft.A @ raw.x[:n]
    findings = []
    for pos, (i, direction) in enumerate([(i, "up") for i in soft.up] +
                                         [(i, "down") for i in soft.down]):
        if e[pos] <= 1e-6:
            continue
        findings.append(_explain(model, soft.names[i], direction, soft.row_lower[i],
                                 soft.row_upper[i], float(e[pos]), float(act[i]), raw.x[:n]))
    return [_exact_share(model, f, solver_opts) for f in findings]


@dataclass(frozen=True)
class _SoftRows:
    """The rows of the elastic program before its stretch columns, and which of them may
    stretch up (≤ rows) and down (≥ rows)."""

    A: sp.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    names: list[str]
    up: np.ndarray
    down: np.ndarray


def _elastic_program(model: Model) -> tuple[LinearProgram, _SoftRows]:
    """The model's program with a stretch column e ≥ 0 on each soft row side, maximising −Σe;
    must-fund floors become soft rows."""
    lp = model.lp
    _m, n = lp.shape
    soft = np.array([f in SOFT_FAMILIES for f in lp.row_family], dtype=bool)
    # single-fund must-fund floors become soft rows x_j ≥ cap
    must_cols = np.flatnonzero([bool(b) and parse_row(b).family == "must_fund"
                                for b in model.bound_names])
    A = sp.vstack([lp.A, sp.csr_matrix((np.ones(len(must_cols)),
                                        (np.arange(len(must_cols)), must_cols)),
                                       shape=(len(must_cols), n))]).tocsr()
    row_lower = np.concatenate([lp.row_lower, lp.col_lower[must_cols]])
    row_upper = np.concatenate([lp.row_upper, np.full(len(must_cols), np.inf)])
    names = lp.row_names + [model.bound_names[j] for j in must_cols]
    soft = np.concatenate([soft, np.ones(len(must_cols), dtype=bool)])
    col_lower = lp.col_lower.copy()
    col_lower[must_cols] = 0.0
    idx = np.flatnonzero(soft)
    families = np.array([*lp.row_family, *(["must_fund"] * len(must_cols))])
    # a must-fund row may give way below the cap, never above it
    up_soft = idx[np.isfinite(row_upper[idx]) & (families[idx] != "must_fund")]
    lo_soft = idx[np.isfinite(row_lower[idx])]
    k_up, k_lo = len(up_soft), len(lo_soft)
    # e⁺ enters ≤ rows with −1, e⁻ enters ≥ rows with +1
    E = sp.csr_matrix((np.concatenate([-np.ones(k_up), np.ones(k_lo)]),
                       (np.concatenate([up_soft, lo_soft]), np.arange(k_up + k_lo))),
                      shape=(A.shape[0], k_up + k_lo))
    elastic = LinearProgram(
        cost=np.concatenate([np.zeros(n), -np.ones(k_up + k_lo)]),  # maximise −Σe
        col_lower=np.concatenate([col_lower, np.zeros(k_up + k_lo)]),
        col_upper=np.concatenate([lp.col_upper, np.full(k_up + k_lo, np.inf)]),
        integer=np.concatenate([np.zeros(n, dtype=bool), np.zeros(k_up + k_lo, dtype=bool)]),
        col_names=lp.col_names + [str(ColId("stretch", row=parse_row(names[i])))
                                  for i in np.concatenate([up_soft, lo_soft])],
        A=sp.hstack([A, E]).tocsr(), row_lower=row_lower, row_upper=row_upper,
        row_names=names, row_family=families.tolist())
    return elastic, _SoftRows(A, row_lower, row_upper, names, up_soft, lo_soft)


def _exact_share(model: Model, finding: Finding, opts: SolverOptions | None) -> Finding:
    """For a share target in an LP: the share reachable with everything else held, by
    bisection on feasibility — "can reach at most 31.2%" rather than one relaxation's value."""
    t = next((t for t in model.scenario.targets if t.name == finding.constraint), None)
    lp = model.lp
    if t is None or t.share is None or t.kind == "province_max" or lp.integer.any() \
            or t.share_of == "budget":
        return finding
    # start-up: highspy only when this runs
    from kcopt.solvers import highs

    row = lp.row(t.name)
    col = lp.col(scope_name(t.fund, t.year))
    h = highs.make_highs(replace(opts or SolverOptions(), time_limit=None))
    h.setOptionValue("presolve", "off")
    highs.pass_lp(h, lp)

    def feasible(share: float) -> bool:
        h.changeCoeff(row, col, -share)
        h.run()
        return h.getModelStatus().name == "kOptimal"

    minimum = t.kind in ("share_min", "region_min")
    lo, hi = (0.0, t.share) if minimum else (t.share, 1.0)
    if not feasible(lo if minimum else hi):
        return finding  # other rules conflict too: keep the joint relaxation
    for _step in range(40):
        mid = (lo + hi) / 2
        if feasible(mid) == minimum:
            lo = mid
        else:
            hi = mid
    best = lo if minimum else hi
    scope = (target_scope(t) if t.kind != "region_min"
             else _("projects in {region}").format(region=t.region))
    if minimum:
        text = _("the {share} target '{target}' can reach at most {best} with these projects "
                 "and budgets; lower it to {best} or add {scope}").format(
                     share=pct(t.share), target=target_label(t), best=pct(best, 1), scope=scope)
    else:
        text = _("the {share} cap '{target}' must be at least {best} for the must-fund projects "
                 "and other rules to hold; raise it to {best}").format(
                     share=pct(t.share), target=target_label(t), best=pct(best, 1))
    return Finding(finding.constraint, text, t.share, round(best, 4))


def _explain(model: Model, name: str, direction: str, lo: float, up: float, stretch: float,
             activity: float, x: np.ndarray) -> Finding:
    """What a stretched row asks of the planner: a budget to raise, a must-fund rule or a
    co-financing rule to drop, a target to change (and to what)."""
    row = parse_row(name)
    if row.family == "budget":
        return Finding(name, _("the budget of {where} is {budget} million; the must-fund "
                               "projects and targets need {need}. Raise it by {gap} million or "
                               "relax the targets and must-fund projects").format(
                                   where=budget_words(name), budget=num(up),
                                   need=num(up + stretch), gap=num(stretch)),
                       up, up + stretch)
    if row.family == "must_fund":
        pid = row.project
        return Finding(name, _("must-fund project {project} cannot get its full cap "
                               "({cap} million); at most {fits} fits. Drop must_fund for it or "
                               "add budget").format(project=pid, cap=num(lo),
                                                    fits=num(lo - stretch)), lo, lo - stretch)
    if row.family == "match":
        return Finding(name, _("the co-financing rule cannot hold for {project} (short by "
                               "{gap} million of local money)").format(
                                   project=row.project, gap=num(stretch)), lo, None)
    t = next((t for t in model.scenario.targets if t.name == row.target), None)
    if t is None:
        return Finding(name, _("'{constraint}' must be relaxed by {amount}").format(
            constraint=name, amount=num(stretch, 4)), None, None)
    if t.is_count:
        return _count_finding(t, name, direction, stretch)
    if t.share is not None and t.share_of == "budget":
        return _budget_share_finding(model, t, name, direction, stretch)
    if t.share is not None:
        return _share_finding(model, t, name, direction, activity, x)
    bound = t.amount or 0.0
    new = bound - stretch if direction == "down" else bound + stretch
    return Finding(name, _("target '{target}' asks for {amount} million; at most {new} is "
                           "possible. Change it to {new}").format(
                               target=target_label(t), amount=num(bound), new=num(new)),
                   bound, new)


def _count_finding(t: Target, name: str, direction: str, stretch: float) -> Finding:
    """A count target stretched: at most (at least) how many projects the budgets and the other
    rules allow, from the relaxation (a bound on what an integer plan reaches)."""
    n = float(t.count or 0)
    if direction == "down":
        new = float(np.floor(n - stretch + 1e-6))
        text = _("the target '{target}' asks for at least {count} projects of {group} funded "
                 "at their minimum share; the budgets and other rules allow at most {new}. "
                 "Lower it to {new} or add budget")
    else:
        new = float(np.ceil(n + stretch - 1e-6))
        text = _("the target '{target}' allows at most {count} projects of {group}; the "
                 "must-fund projects and other rules need at least {new}. Raise it to {new}")
    return Finding(name, text.format(target=target_label(t), count=num(n), group=count_group(t),
                                     new=num(new)), n, new)


def _budget_share_finding(model: Model, t: Target, name: str, direction: str,
                          stretch: float) -> Finding:
    """A share-of-budget target stretched: the amount possible, and the share it is."""
    budget = scope_budget(model.scenario, t.fund, t.year)
    assert t.share is not None
    bound = t.share * budget
    new = bound - stretch if direction == "down" else bound + stretch
    reach = new / budget if budget > 0 else 0.0
    text = (_("the {share}-of-budget target '{target}' asks for {amount} million; at most "
              "{new} ({reach} of the budget) is possible. Change its share to {reach}")
            if direction == "down" else
            _("the {share}-of-budget target '{target}' asks for {amount} million; at least "
              "{new} ({reach} of the budget) is possible. Change its share to {reach}"))
    return Finding(name, text.format(share=pct(t.share), target=target_label(t),
                                     amount=num(bound), new=num(new), reach=pct(reach, 1)),
                   t.share, round(reach, 4))


def _share_finding(model: Model, t: Target, name: str, direction: str, activity: float,
                   x: np.ndarray) -> Finding:
    """A share target stretched: the share the smallest relaxation reaches."""
    assert t.share is not None
    scope_cols = {"all": model.col_fund >= 0, "central": model.col_fund == 0,
                  "local": model.col_fund == 1}[t.fund]
    total = float(x[scope_cols & (model.col_project >= 0)].sum())
    reach = (activity + (t.share * total)) / total if total > 0 else 0.0
    if direction == "down":
        return Finding(name, _("the {share} {kind} target '{target}' cannot be met "
                               "alongside the budgets and must-fund projects: the smallest "
                               "relaxation reaches {reach}; lower it to {reach} or add "
                               "projects that count toward it ({scope})").format(
            share=pct(t.share), kind=_(TARGET_KIND_WORDS.get(t.kind, t.kind)),
            target=target_label(t), reach=pct(reach, 1),
            scope=target_scope(t) if t.kind != "region_min" else t.region),
                       t.share, round(reach, 4))
    return Finding(name, _("the {share} cap of target '{target}' cannot hold: the "
                           "must-fund projects take {reach}; raise it to {reach}").format(
                               share=pct(t.share), target=target_label(t),
                               reach=pct(reach, 1)),
                   t.share, round(reach, 4))
