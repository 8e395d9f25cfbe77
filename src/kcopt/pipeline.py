"""The whole job, as `kcopt solve` runs it: read → validate → build → solve → report → write.

Each stage is timed; the benchmark reads the timings. The output directory receives
allocation.csv, constraints.csv, summary.json, allocation.xlsx, annex.xlsx (the plan in the
official annex layout) and plots/*.png, each written
atomically; an infeasible scenario writes diagnosis.json instead and raises `InfeasibleError`
carrying it. The files of a run replace the output folder whole (`kcopt.io.folders`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kcopt.diagnose import Finding, elastic_diagnosis, presolve_checks
from kcopt.errors import InfeasibleError, OutputError, Problem, SolverError
from kcopt.io import folders as outputs
from kcopt.io.form import FormLayout
from kcopt.io.read import read_table, split_sheet
from kcopt.io.write import write_csv, write_json
from kcopt.model import Model, build
from kcopt.report import allocation_table, constraint_table, summary, warning_record
from kcopt.rules import load_rules
from kcopt.scenario import Scenario, load_scenario
from kcopt.schema import Projects, validate
from kcopt.solve import Result, Status, solve
from kcopt.vocabulary import canonical_column, is_header
from kcopt.words import _, fixed, get_language


@dataclass
class Run:
    scenario: Scenario
    projects: Projects
    model: Model
    result: Result
    allocation: pd.DataFrame | None = None
    constraints: pd.DataFrame | None = None
    summary: dict[str, Any] | None = None
    diagnosis: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    form: FormLayout | None = None  # the official annex layout the list was read from


def default_output_dir(scenario: Scenario) -> Path:
    from kcopt.text import ascii_name

    return Path("out") / (ascii_name(scenario.name) or "scenario")


def run(scenario: Scenario | str | Path, out: Path | None = None, solver: str | None = None,
        mip: bool | None = None, time_limit: float | None = None, plots: bool = True,
        write_model: Path | None = None, xlsx: bool = True) -> Run:
    """Solve a scenario end to end and write its outputs to `out` (None: write nothing)."""
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    assert sc.projects is not None
    if out is not None and not outputs.staged(out):  # refuse before any work what would lose a file
        outputs.OutputFolder(out, outputs.scenario_inputs(sc)).check()
    out_target = outputs.target_of(out) if out is not None else None
    model_in_out = (write_model is not None and out_target is not None
                    and _inside(write_model, out_target))
    if write_model is not None and not model_in_out:
        outputs.check_model_path(write_model, outputs.scenario_inputs(sc))
    if out is not None and plots:  # the plot process imports matplotlib while this one solves
        from kcopt.figures.plotjob import prepare

        prepare()
    file, spec_sheet = split_sheet(str(sc.projects))
    raw = read_table(file, sc.sheet or spec_sheet, is_header, canonical_column)
    t["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    projects = validate(raw, load_rules(), sc.money_scale, sc.province)
    t["validate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = build(projects, sc, mip=mip)
    t["build"] = time.perf_counter() - t0
    warnings = [*sc.warnings, *projects.warnings, *model.warnings]
    if write_model is not None and not model_in_out:
        _write_model(model, write_model)
    findings = presolve_checks(model)
    t0 = time.perf_counter()
    result = solve(model, solver=solver, time_limit=time_limit)
    t["solve"] = time.perf_counter() - t0
    r = Run(sc, projects, model, result, timings=t, warnings=warnings, form=projects.form)
    if result.status == Status.INFEASIBLE or findings:
        known = {g.constraint for g in findings}
        r.diagnosis = findings + [f for f in elastic_diagnosis(model, sc.solver)
                                  if f.constraint not in known]
        if out is not None:
            with outputs.writing(out, outputs.scenario_inputs(sc), command="solve") as folder:
                r.files.append(write_json(_diagnosis_json(r), folder / "diagnosis.json"))
                if model_in_out:
                    assert write_model is not None and out_target is not None
                    _write_model(model, folder / _relative(write_model, out_target))
            r.files = [_relative_to_out(f, folder, out) for f in r.files]
        raise InfeasibleError(_diagnosis_text(r)).with_run(r)
    if not result.status.has_solution:
        raise SolverError(_("the solver stopped without an allocation: {status} ({message})."
                            " Raise the time limit (--time-limit) or relax the integer "
                            "rules").format(status=result.status.value, message=result.message))
    t0 = time.perf_counter()
    r.allocation = allocation_table(result)
    r.constraints = constraint_table(result)
    from kcopt.unspent import unspent_warnings

    warnings += unspent_warnings(result, get_language())
    for v in result.violations:  # within solver tolerance, but said
        warnings.append(Problem("solver", _("the allocation exceeds {what} (solver "
                                            "tolerance)").format(what=v), severity="warning"))
    if result.status == Status.FEASIBLE:
        warnings.append(Problem("solver", _("time limit reached: the allocation is the best "
                                            "found, within {gap} of optimal").format(
                                                gap=fixed(100 * (result.mip_gap or 0), 2) + "%"),
                                severity="warning"))
    warnings += sliver_warnings(r.allocation, sc)
    r.summary = summary(result, r.allocation, t, [warning_record(w) for w in warnings])
    t["report"] = time.perf_counter() - t0
    if out is not None:
        t0 = time.perf_counter()
        with outputs.writing(out, outputs.scenario_inputs(sc), command="solve") as folder:
            files = write_outputs(r, folder, plots, xlsx)
            if model_in_out:
                assert write_model is not None and out_target is not None
                _write_model(model, folder / _relative(write_model, out_target))
        r.files += [_relative_to_out(f, folder, out) for f in files]
        t["write"] = time.perf_counter() - t0
        r.summary["timings_s"] = {k: round(v, 4) for k, v in t.items()}
    return r


SLIVER = 0.25  # a share of its cap below which a planner would not approve a grant


def sliver_warnings(allocation: pd.DataFrame, sc: Scenario) -> list[Problem]:
    """Projects the LP funds with a sliver of their cap (15 of 254), said with the remedy."""
    if sc.min_fraction:
        return []
    thin = allocation[(allocation["status"] == "partial") & (allocation["fraction"] < SLIVER)]
    if thin.empty:
        return []
    shown = ", ".join(f"{r.project_id}: {r.total:,.0f} / {r.cap:,.0f}"
                      for r in thin.head(3).itertuples())
    return [Problem("allocation", f"{len(thin)} đề án chỉ được hỗ trợ dưới {SLIVER:.0%} mức hỗ "
                    f"trợ tối đa ({shown}{' …' if len(thin) > 3 else ''})",
                    "Thêm min_fraction: 0.5 vào kịch bản để mỗi đề án được hỗ trợ ít nhất một "
                    "nửa mức tối đa hoặc không hỗ trợ (giải MIP)", severity="warning",
                    code="partial_sliver", amount=float(thin["total"].sum()))]


def write_outputs(r: Run, out: Path, plots: bool = True, xlsx: bool = True) -> list[Path]:
    assert r.allocation is not None and r.constraints is not None and r.summary is not None
    files = [write_csv(r.allocation, out / "allocation.csv"),
             write_csv(r.constraints, out / "constraints.csv")]
    if r.scenario.years:
        from kcopt.report import allocation_by_year

        files.append(write_csv(allocation_by_year(r.result), out / "allocation_by_year.csv"))
    summ = dict(r.summary)
    summ.pop("timings_s", None)  # timings vary run to run; keep summary.json reproducible
    files.append(write_json(summ, out / "summary.json"))
    plots_done = None
    if plots:  # drawn beside the workbooks (a child process where the platform allows)
        from kcopt.figures.plotjob import start_plots

        plots_done = start_plots(r.summary, out / "plots")
    if xlsx:  # the planner's workbook and the official annex, streamed with XlsxWriter
        from kcopt.workbook.allocation import write_allocation_xlsx
        from kcopt.workbook.annex import write_annex

        files.append(write_allocation_xlsx(r, out / "allocation.xlsx"))
        # the plan in the official annex layout (XlsxWriter): ~0.5 s per 1,000 proposed
        files.append(write_annex(r, out / "annex.xlsx", r.form))
    if plots_done is not None:
        files += plots_done()
    return files


def _write_model(model: Model, path: Path) -> None:
    from kcopt.solvers.pulp_backend import write_model

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_model(model.lp, path, model.scenario.name)
    except OSError as exc:
        raise OutputError(f"--write-model '{path}': không ghi được mô hình / cannot write the "
                          f"model: {exc.strerror or exc}") from None


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.abspath(folder)) in Path(os.path.abspath(path)).parents


def _relative(path: Path, folder: Path) -> Path:
    return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(folder)))


def _relative_to_out(path: Path, folder: Path, out: Path) -> Path:
    """A file written in the staging folder, named where it now is."""
    try:
        return out / Path(path).relative_to(folder)
    except ValueError:
        return Path(path)


def _diagnosis_json(r: Run) -> dict[str, Any]:
    return {"status": "infeasible", "scenario": r.scenario.name,
            "findings": [f.to_dict() for f in r.diagnosis],
            "resolved_scenario": r.scenario.resolved()}


def _diagnosis_text(r: Run) -> str:
    lines = [_("scenario '{name}' is infeasible: its budgets, targets and must-fund projects "
               "cannot all hold. What to relax:").format(name=r.scenario.name)]
    lines += [f"  - [{f.constraint}] {f.message}" for f in r.diagnosis]
    return "\n".join(lines)
