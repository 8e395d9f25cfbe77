"""`kcopt solve SCENARIO`: solve and write the outputs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kcopt.cli.common import err, loading, show_warning_kinds, solver_name, user_errors
from kcopt.core.errors import UsageError
from kcopt.core.words import N_, _, fixed, num, pct, status_name

if TYPE_CHECKING:
    import pandas as pd

    from kcopt.analysis.summary import Summary
    from kcopt.inputs.scenario import Scenario


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
    approved: Path | None = typer.Option(
        None, "--approved", help="Re-plan against this approved plan (an output folder, its "
        "allocation.csv or allocation.xlsx, annex.xlsx or an --into copy), changing as little "
        "as possible (approved: {keep: prefer}); writes changes.csv."),
    budget: list[str] | None = typer.Option(
        None, "--budget", help="Change a budget: central=-5%, local=-10% (every province), "
        "\"Ha Noi=+200\" (million VND); repeat for more."),
    reserve: int = typer.Option(10, "--reserve", min=0, help="Waiting projects listed per "
                                "fund in reserve.csv and the 'Dự phòng' sheet, in the order "
                                "they enter as that fund grows (0: no reserve list)."),
) -> None:
    """Solve a scenario and write allocation.csv, constraints.csv, summary.json,
    allocation.xlsx, annex.xlsx (the plan in the official annex layout) and plots.

    Example: kcopt solve scenarios/demo/demo.yaml -o out/demo --into ke-hoach.xlsx

    Re-plan after a 5% central cut: kcopt solve demo.yaml --approved out/demo
    --budget central=-5% -o out/demo-cut
    \f
    Long: the command's options are its signature; the work is in the functions it calls.
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.present.figures.plotjob import prepared

    # the plot child is forked first, from this small process: it loads pandas and matplotlib
    # beside this process's imports, reading and solve (forked once pandas was loaded, to load
    # it once, the demo's command took 2.99 s against 2.85 s, medians of 8 runs each, taken in
    # turn, 8 Dec 2026); outputs.run takes it, or it ends here
    with prepared(not no_plots):
        # start-up: pandas, the solver and the tables after the fork
        from kcopt.core.memory import system_arrow_pool

        with loading():  # pandas loaded without the garbage collector's passes
            from kcopt.inputs.scenario import load_scenario

        system_arrow_pool()  # what a stage frees can go back to the system (issue 28)
        from kcopt.io import folders as outputs
        from kcopt.outputs import default_output_dir, run

        sc = _replanned(load_scenario(scenario), approved, budget or [])
        out = out or default_output_dir(sc)
        if into is not None:  # openpyxl only when the planner's own workbook is edited
            from kcopt.present.workbook.xlsx import check_into, into_target, write_into

            check_into(into)
        inputs = [*outputs.scenario_inputs(sc), *([into] if into is not None else [])]
        copy = None
        with outputs.writing(out, inputs, command="solve") as folder:  # one set of files, whole
            r = run(sc, out=folder, solver=solver, mip=mip, time_limit=time_limit,
                    plots=not no_plots, write_model=write_model, xlsx=not no_xlsx,
                    reserve=reserve, lean=True)
            if into is not None:
                _copy, _book, notes = write_into(r, into, into_target(into, folder))
                copy = into_target(into, out)
                r.files.append(copy)
                r.warnings += notes
    r.files = [out / f.relative_to(folder) if f.is_relative_to(folder) else f for f in r.files]
    assert r.summary is not None, "a solved run has a summary"
    _say_result(sc.name, r.summary, len(r.files), out, copy, into)
    if r.changes is not None:
        from kcopt.analysis.changes import moved_money  # start-up: pandas, with the run

        moved, count = moved_money(r.changes)
        err("  " + _("re-plan: {moved} million VND moved; {count} projects changed "
                     "(changes.csv)").format(moved=num(moved, 4), count=count))
    _say_reserve(r.reserve, out)
    show_warning_kinds(r.warnings, _("summary.json, and the sheet 'Cảnh báo' of allocation.xlsx")
                       if not no_xlsx else _("summary.json"))


def _replanned(sc: Scenario, approved: Path | None, budget: list[str]) -> Scenario:
    """The scenario with --approved (keep: prefer) and every --budget change applied."""
    # start-up: the option parser with the command
    from kcopt.inputs.replankeys import budget_options

    if approved is not None:
        if not approved.exists():
            raise UsageError(_("--approved: the approved plan is not found"), str(approved),
                             _("Give an output folder of `kcopt solve`, its allocation.csv or "
                               "allocation.xlsx, its annex.xlsx or your --into copy"))
        sc = sc.with_approved(approved)
    return sc.with_budget_change(budget_options(budget), "--budget") if budget else sc


def _say_reserve(reserve: pd.DataFrame | None, out: Path) -> None:
    """One line: where the reserve list is and who is first in line per fund."""
    # start-up: loaded when the command runs
    from kcopt.analysis.reserve import first_in_line

    if reserve is None:
        return
    heads = first_in_line(reserve)
    shown = "; ".join(f"{fund}: {project}" for fund, project in heads[:4])
    more = _(" and {count} more funds").format(count=len(heads) - 4) if len(heads) > 4 else ""
    err("  " + (_("reserve list in {file} (sheet 'Dự phòng'); first in line: {who}{more}").format(
        file=out / "reserve.csv", who=shown, more=more) if heads else
        _("reserve list in {file}: no waiting project enters as any fund grows").format(
            file=out / "reserve.csv")))


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
    if s.count_targets:
        # start-up: the wording module (and the rule set) only when a count target is reported
        from kcopt.analysis.wording import count_verdict

        for row in s.count_targets:
            err("  " + count_verdict(row))
    err("  " + _("solver {solver} {version}").format(
        solver=s.provenance.solver, version=s.provenance.solver_version)
        + (_(", MIP gap {gap}").format(gap=pct(s.mip_gap, 2)) if s.mip_gap is not None
           else ""))
    err("  " + _("wrote {count} files to {folder}/").format(count=files, folder=out))
    if copy is not None:
        err("  " + _("{file}: a copy of {workbook} with the allocation beside your rows and the "
                     "summary sheets appended; the original is unchanged").format(
                         file=copy.name, workbook=into))
