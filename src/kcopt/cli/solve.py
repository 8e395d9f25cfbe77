"""`kcopt solve SCENARIO`: solve and write the outputs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kcopt.cli.common import err, show_warning_kinds, solver_name, user_errors
from kcopt.core.words import N_, _, fixed, num, pct, status_name

if TYPE_CHECKING:
    from kcopt.analysis.summary import Summary


@user_errors
def solve_command(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML or JSON).", exists=False),
    out: Path | None = typer.Option(None, "-o", "--out",
                                    help="Output folder (default: out/<scenario name>)."),
    solver: str | None = typer.Option(None, "--solver", callback=solver_name,
                                      help="highs (default), cbc, or any solver PuLP knows."),
    mip: bool | None = typer.Option(None, "--mip/--lp",
                                    help="Force integer decisions on, or solve the LP relaxation."),
    time_limit: float | None = typer.Option(None, "--time-limit", min=0, help="Seconds."),
    write_model: Path | None = typer.Option(None, "--write-model",
                                            help="Also write the program as .lp or .mps."),
    no_plots: bool = typer.Option(False, "--no-plots", help="Skip the PNG plots."),
    no_xlsx: bool = typer.Option(False, "--no-xlsx", help="Skip allocation.xlsx and "
                                 "annex.xlsx."),
    into: Path | None = typer.Option(None, "--into", help="Also write a copy of this workbook "
                                     "(the planner's own) with the allocation beside its rows: "
                                     "<out>/<name>-kcopt.xlsx; on an official annex, a 'Đề xuất "
                                     "hỗ trợ' column with live section totals. The original is "
                                     "not modified."),
) -> None:
    """Solve a scenario and write allocation.csv, constraints.csv, summary.json,
    allocation.xlsx, annex.xlsx (the plan in the official annex layout) and plots.

    Example: kcopt solve scenarios/demo/demo.yaml -o out/demo --into ke-hoach.xlsx
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.inputs.scenario import load_scenario
    from kcopt.io import folders as outputs
    from kcopt.outputs import default_output_dir, run

    sc = load_scenario(scenario)
    out = out or default_output_dir(sc)
    if into is not None:  # openpyxl only when the planner's own workbook is edited
        from kcopt.present.workbook.xlsx import check_into, into_target, write_into

        check_into(into)
    inputs = [*outputs.scenario_inputs(sc), *([into] if into is not None else [])]
    copy = None
    with outputs.writing(out, inputs, command="solve") as folder:  # one set of files, whole
        r = run(sc, out=folder, solver=solver, mip=mip, time_limit=time_limit,
                plots=not no_plots, write_model=write_model, xlsx=not no_xlsx)
        if into is not None:
            _copy, _book, notes = write_into(r, into, into_target(into, folder))
            copy = into_target(into, out)
            r.files.append(copy)
            r.warnings += notes
    r.files = [out / f.relative_to(folder) if f.is_relative_to(folder) else f for f in r.files]
    assert r.summary is not None, "a solved run has a summary"
    _say_result(sc.name, r.summary, len(r.files), out, copy, into)
    show_warning_kinds(r.warnings, _("summary.json, and the run sheet of allocation.xlsx")
                       if not no_xlsx else _("summary.json"))


# the objective a scenario names (`objective:`), as the result line says it
OBJECTIVE_WORDS = {"total_score": N_("total priority score"),
                   "weighted_funds": N_("score-weighted funds")}


def _say_result(name: str, s: Summary, files: int, out: Path, copy: Path | None,
                into: Path | None) -> None:
    """The result in five lines: status and objective, money per fund, projects per status,
    the solver, the files written."""
    err(_("{name}: {status}, objective {objective} ({kind})").format(
        name=name, status=status_name(s.status), objective=fixed(s.objective or 0.0, 4),
        kind=_(OBJECTIVE_WORDS[s.objective_kind]) if s.objective_kind in OBJECTIVE_WORDS
        else s.objective_kind))
    err("  " + _("central {central} of {central_budget} million; local {local} of "
                 "{local_budget} million").format(
        central=num(s.totals.central), central_budget=num(s.budgets.central),
        local=num(s.totals.local), local_budget=num(s.budgets.local)))
    err("  " + _("projects: {funded} funded, {partial} partial, {unfunded} unfunded, "
                 "{ineligible} ineligible, {excluded} excluded").format(**vars(s.counts)))
    err("  " + _("solver {solver} {version}").format(
        solver=s.provenance.solver, version=s.provenance.solver_version)
        + (_(", MIP gap {gap}").format(gap=pct(s.mip_gap, 2)) if s.mip_gap is not None
           else ""))
    err("  " + _("wrote {count} files to {folder}/").format(count=files, folder=out))
    if copy is not None:
        err("  " + _("{file}: a copy of {workbook} with the allocation beside your rows and the "
                     "summary sheets appended; the original is unchanged").format(
                         file=copy.name, workbook=into))
