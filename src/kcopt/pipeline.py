"""The whole computation, as `kcopt solve` runs it: read → validate → build → solve → report.

Each stage is timed; the benchmark reads the timings. `run` returns a `Run` (the scenario, the
validated projects, the model, the result, its tables and warnings) and writes nothing: the
files of a run (allocation.csv, the workbooks, plots, diagnosis.json) are `kcopt.outputs`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from kcopt.analysis.changes import Replan, changes_table, prepare, stopped_projects
from kcopt.analysis.diagnose import Finding, elastic_diagnosis, presolve_checks
from kcopt.analysis.report import allocation_table, constraint_table, summary, warning_record
from kcopt.analysis.reserve import RESERVE_FIRST, reserve_list
from kcopt.analysis.summary import Summary
from kcopt.analysis.unspent import unspent_warnings
from kcopt.core.errors import InfeasibleError, InputError, Problem, SolverError
from kcopt.core.language import scenario_language
from kcopt.core.said import Num, say
from kcopt.core.vocabulary import canonical_column, is_header
from kcopt.core.words import N_, _, get_language, num
from kcopt.inputs.scenario import Scenario, load_scenario
from kcopt.inputs.schema import Projects, validate
from kcopt.io.formlayout import FormLayout
from kcopt.io.read import read_table, split_sheet
from kcopt.model import Model, build
from kcopt.model.replan import approved_columns, executed, lock_approved
from kcopt.rules.rates import load_rules
from kcopt.solvers.replan import solve_replan
from kcopt.solvers.solve import Result, Status, solve


@dataclass
class Run:
    scenario: Scenario
    projects: Projects
    model: Model
    result: Result
    allocation: pd.DataFrame | None = None
    constraints: pd.DataFrame | None = None
    summary: Summary | None = None
    diagnosis: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    form: FormLayout | None = None  # the official annex layout the list was read from
    # a re-plan against an approved plan (`approved:`, --approved): per project and fund, the
    # money before and after and why (changes.csv, `CHANGE_COLUMNS`); None for a fresh plan
    changes: pd.DataFrame | None = None
    reserve: pd.DataFrame | None = None  # the reserve list (analysis/reserve.py)


def run(scenario: Scenario | str | Path, solver: str | None = None, mip: bool | None = None,
        time_limit: float | None = None,
        on_model: Callable[[Model], None] | None = None, reserve: int = RESERVE_FIRST,
        on_summary: Callable[[Run], None] | None = None) -> Run:
    """Solve a scenario end to end, writing nothing (`kcopt.run`, in `kcopt.outputs`, also
    writes the files). `on_model` sees the model once built, before it is solved;
    `on_summary` the run once its tables and summary are made, before the reserve list (the
    plots start drawing then). An infeasible scenario raises `InfeasibleError` carrying the
    run and its diagnosis. `reserve`: how many waiting projects the reserve list gives per fund
    (0: no list)."""
    t0 = time.perf_counter()
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    with scenario_language(sc.language):  # its words in its language, in this thread only
        r = _run(sc, t0, solver, mip, time_limit, on_model)
        if on_summary is not None:
            on_summary(r)
        t0 = time.perf_counter()
        r.reserve = reserve_list(r.result, first=reserve)
        r.timings["reserve"] = time.perf_counter() - t0
        return r


def _run(sc: Scenario, t0: float, solver: str | None, mip: bool | None,
         time_limit: float | None, on_model: Callable[[Model], None] | None) -> Run:
    t: dict[str, float] = {}
    assert sc.projects is not None
    file, spec_sheet = split_sheet(str(sc.projects))
    # the bytes hashed when the scenario was loaded, parsed here: the file is read once
    raw = read_table(file, sc.sheet or spec_sheet, is_header, canonical_column,
                     data=sc.project_data())
    sc = replace(sc, project_bytes=None)  # nothing downstream holds the file's bytes
    t["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    projects = stopped_projects(validate(raw, load_rules(), sc.money_scale, sc.province,
                                         sc.sections))
    # the file's cells as text (the whole sheet, ~1.5 KB a project) are not needed past here:
    # let go now, not when the run returns, so the build, the solve and the tables do not
    # stack on them (issue 28: ~300 MB of the peak at 200,000 projects)
    del raw
    sc = set_aside(sc, projects)
    t["validate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rp = prepare(sc, projects) if sc.approved is not None else None
    if sc.approved is not None:  # the plan's bytes parsed: nothing downstream holds them
        sc = replace(sc, approved=replace(sc.approved, plan_bytes=None))
    model = build(projects, sc, mip=mip)
    if rp is not None:
        through = rp.approved.executed_through
        moves = approved_columns(model, rp.before, rp.locked, rp.starts, through)
        model = lock_approved(model, moves)
        if through is not None and model.years:
            model = executed(model, moves, through, rp.approved.carry_over)
        model.warnings[:0] = rp.warnings
    t["build"] = time.perf_counter() - t0
    if on_model is not None:
        on_model(model)
    findings = presolve_checks(model)
    t0 = time.perf_counter()
    if rp is None:
        result = solve(model, solver=solver, time_limit=time_limit)
    else:
        result = solve_replan(model, moves, rp.approved.tolerance, rp.approved.fewest_changes,
                              solver=solver, time_limit=time_limit, kept=rp.approved.kept)
    t["solve"] = time.perf_counter() - t0
    r = conclude(sc, projects, result, findings, t)
    if rp is not None:
        r.changes = replan_changes(rp, r)
    return r


def replan_changes(rp: Replan, r: Run) -> pd.DataFrame:
    """changes.csv of a re-plan's run; a stopped project's reason in the allocation says so."""
    assert r.allocation is not None
    stopped = rp.stopped
    if stopped.any():
        r.allocation.loc[stopped, "reason"] = _("stopped (project list status): its money is "
                                                "freed")
    return changes_table(rp, r.scenario, r.allocation)


def conclude(sc: Scenario, projects: Projects, result: Result,
             findings: list[Finding] | None = None,
             timings: dict[str, float] | None = None) -> Run:
    """The tail of `run` once a model of `projects` under `sc` is solved: the diagnosis of an
    infeasible scenario (raised as `InfeasibleError` carrying the run), then the tables, every
    warning `kcopt solve` prints (idle budget, slivers, solver tolerance, time limit) and the
    summary. The app's what-if re-solve (`kcopt.app.engine.replan`) ends here too, so the app
    and `kcopt solve` give the same plan with the same warnings. `findings` are the pre-solve
    checks (run here when not given)."""
    model = result.model
    t = timings if timings is not None else {}
    findings = presolve_checks(model) if findings is None else findings
    warnings = [*sc.warnings, *projects.warnings, *model.warnings]
    r = Run(sc, projects, model, result, timings=t, warnings=warnings, form=projects.form)
    if result.status == Status.INFEASIBLE or findings:
        known = {g.constraint for g in findings}
        r.diagnosis = findings + [f for f in elastic_diagnosis(model, sc.solver)
                                  if f.constraint not in known]
        raise InfeasibleError(diagnosis_text(r)).with_run(r)
    if not result.status.has_solution:
        raise SolverError(_("the solver stopped without an allocation: {status} ({message})."
                            " Raise the time limit (--time-limit) or relax the integer "
                            "rules").format(status=result.status.value, message=result.message))
    t0 = time.perf_counter()
    r.allocation = allocation_table(result)
    r.constraints = constraint_table(result)
    warnings += unspent_warnings(result, get_language())
    for v in result.violations:  # within solver tolerance, but said
        warnings.append(Problem("solver", say(N_("the allocation exceeds {what} (solver "
                                                 "tolerance)"), what=v), severity="warning"))
    if result.status == Status.FEASIBLE:
        warnings.append(Problem("solver", say(N_("time limit reached: the allocation is the "
                                                 "best found, within {gap} of optimal"),
                                              gap=Num(result.mip_gap or 0, 2, "pct")),
                                severity="warning"))
    warnings += sliver_warnings(r.allocation, sc)
    r.summary = summary(result, r.allocation, t, [warning_record(w) for w in warnings])
    t["report"] = time.perf_counter() - t0
    return r


def set_aside(sc: Scenario, projects: Projects) -> Scenario:
    """The scenario with a budget estimate's programme management cost set aside from the
    budget of the estimate's fund (its province's, for local funds): the LP allocates the
    rest. Said as a warning (code `programme_cost`, with the amount), recorded in the resolved
    scenario (`set_aside`); a cost above the budget is an input error."""
    form = projects.form
    if form is None or not form.programme_cost:
        return sc
    fund = form.level or "local"
    key = "central" if fund == "central" else str(projects.frame["province"].iat[0])
    cost = form.programme_cost
    rows = ", ".join(map(str, form.programme_rows))
    gross = sc.budget(fund, None if fund == "central" else key)
    budget = say(N_("the national budget (KCQG)")) if fund == "central" else \
        say(N_("the local budget (KCĐP) of {province}"), province=key)
    if gross < cost - 1e-9:
        raise InputError([Problem(str(projects.path), _(
            "the programme management cost {cost} million VND (row {rows}) is more than "
            "{budget}, {gross} million VND").format(cost=num(cost, 6), rows=rows,
                                                    budget=budget, gross=num(gross, 6)),
            _("Give the budget the estimate was made for in the scenario's `budgets:`"),
            sheet=projects.sheet)])
    said = Problem(str(projects.path), say(N_(
        "programme management cost {cost} million VND (row {rows}) set aside from {budget}: "
        "{net} of {gross} million VND is allocated to the projects"),
        cost=Num(cost, 6), rows=rows, budget=budget, net=Num(gross - cost, 6),
        gross=Num(gross, 6)), sheet=projects.sheet, severity="warning", code="programme_cost",
        amount=cost)
    return replace(sc, set_aside={**sc.set_aside, key: sc.set_aside.get(key, 0.0) + cost},
                   warnings=(*sc.warnings, said))


SLIVER = 0.25  # a share of its cap below which a planner would not approve a grant


def sliver_warnings(allocation: pd.DataFrame, sc: Scenario) -> list[Problem]:
    """Projects the LP funds with a sliver of their cap (15 of 254), said with the remedy."""
    if sc.min_fraction:
        return []
    thin = allocation[(allocation["status"] == "partial") & (allocation["fraction"] < SLIVER)]
    if thin.empty:
        return []
    shown = [say(N_("{id}: {total} / {cap}"), id=pid, total=Num(float(total)),
                 cap=Num(float(cap)))
             for pid, total, cap in thin[["project_id", "total", "cap"]].head(3).to_numpy()]
    return [Problem("allocation", say(
        N_("{count} project(s) are given less than {share} of their cap ({shown}{more})"),
        count=Num(len(thin)), share=Num(SLIVER, 0, "pct"),
        shown=shown, more=" …" if len(thin) > 3 else ""),
        "Add min_fraction: 0.5 to the scenario so that each project gets at least half its "
        "cap or nothing (a MIP solve)", severity="warning", code="partial_sliver",
        amount=float(thin["total"].sum()))]


def diagnosis_text(r: Run) -> str:
    lines = [_("scenario '{name}' is infeasible: its budgets, targets and must-fund projects "
               "cannot all hold. What to relax:").format(name=r.scenario.name)]
    lines += [f"  - [{f.constraint}] {f.message}" for f in r.diagnosis]
    return "\n".join(lines)
