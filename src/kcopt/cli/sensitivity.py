"""`kcopt sensitivity SCENARIO`: solve, then the sensitivity suite (docs/contract.md §7)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kcopt.cli.common import err, show_warning_kinds, solver_name, user_errors
from kcopt.core.words import N_, _, fixed, num

if TYPE_CHECKING:
    from kcopt.analysis.sensitivity.suite import Sensitivity

# a project's class over the weight draws: funded in (nearly) all, some, or none of them
CLASS_WORDS = {"core": N_("core"), "borderline": N_("borderline"), "exterior": N_("exterior")}
# the analyses as the timings line names them (`Sensitivity.timings`' keys are codes)
STEPS = {"ranging": N_("ranging"), "budget_sweep": N_("budget sweep"),
         "weight_robustness": N_("weight draws"), "tornado": N_("tornado"),
         "policy_prices": N_("policy prices"), "nestedness": N_("nestedness"),
         "selection_margins": N_("selection margins")}


@user_errors
def sensitivity_command(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML or JSON)."),
    out: Path | None = typer.Option(None, "-o", "--out",
                                    help="Output folder (default: out/<scenario name>)."),
    draws: int = typer.Option(200, "--draws", min=0,
                              help="Weight draws for the robustness analysis."),
    seed: int = typer.Option(0, "--seed", help="Seed of the weight draws."),
    concentration: float = typer.Option(50.0, "--concentration",
                                        help="Dirichlet concentration: higher = draws closer "
                                        "to the scenario's weights."),
    bound: list[str] = typer.Option([], "--bound", help="Weight bounds, e.g. "
                                    "--bound green=0.1:0.3 (repeatable)."),
    jobs: int = typer.Option(1, "--jobs", min=1, help="Processes for draws and sweep points."),
    scheduler: str | None = typer.Option(None, "--scheduler",
                                         help="Dask scheduler address (tcp://host:8786)."),
    solver: str | None = typer.Option(None, "--solver", callback=solver_name,
                                      help="Solver of the base solve."),
    margins: int = typer.Option(5, "--margins", min=0, help="MIP runs: projects (nearest the "
                                "margin) whose selection margin is found by bisection."),
    reselect: bool = typer.Option(False, "--reselect", help="MIP runs: re-solve the whole MIP "
                                  "at every sweep point, weight draw, tornado end and policy "
                                  "price, so the selection may change (one MIP solve each: "
                                  "slow). Default: the selection held fixed."),
    no_plots: bool = typer.Option(False, "--no-plots", help="Skip the PNG plots."),
) -> None:
    """Solve, then ranging, budget sweeps, weight robustness, tornado and policy prices.

    Example: kcopt sensitivity scenarios/demo/demo.yaml -o out/demo --draws 500 --jobs 2
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.analysis.sensitivity import run_sensitivity
    from kcopt.inputs.scenario import load_scenario
    from kcopt.io import folders as outputs
    from kcopt.outputs import children_later, default_output_dir, run, write_sensitivity

    bounds = parse_bounds(bound)
    sc = load_scenario(scenario)
    out = out or default_output_dir(sc)
    # the solve's files and the sensitivity files replace the folder together, as one set;
    # the solve's children write annex.xlsx and its plots while the analyses run
    with (outputs.writing(out, outputs.scenario_inputs(sc), command="sensitivity") as folder,
          children_later(folder)):
        r = run(sc, out=folder, solver=solver, plots=not no_plots)  # no PNG of either
        s = run_sensitivity(r.result, draws=draws, seed=seed, concentration=concentration,
                            bounds=bounds, jobs=jobs, scheduler=scheduler, progress=True,
                            margins=margins, reselect=reselect)
        files = write_sensitivity(s, r.result, folder, plots=not no_plots)
    print_summary(sc.name, r.result.objective, s, reselect=reselect, draws=draws,
                  files=len(files), out=out)
    show_warning_kinds(r.warnings, _("summary.json, and the sheet 'Cảnh báo' of allocation.xlsx"))


def parse_bounds(bound: list[str]) -> dict[str, tuple[float, float]]:
    """`--bound green=0.1:0.3` options as {criterion: (low, high)}."""
    # start-up: loaded when the command runs, so `kcopt --help` stays light
    from kcopt.core.errors import UsageError
    from kcopt.core.vocabulary import CRITERIA

    bounds: dict[str, tuple[float, float]] = {}
    for b in bound:  # a bad option: exit 2, as for any other option
        try:
            name, rng = b.split("=", 1)
            lo, hi = (float(v) for v in rng.split(":", 1))
        except ValueError:
            raise UsageError(_("--bound must be criterion=low:high"), repr(b),
                             _("Write e.g. --bound green=0.1:0.3")) from None
        if name not in CRITERIA:
            raise UsageError(_("--bound names an unknown criterion"), repr(b),
                             _("Use one of: {known}").format(known=", ".join(CRITERIA)))
        bounds[name] = (lo, hi)
    return bounds


def print_summary(name: str, objective: float | None, s: Sensitivity, *, reselect: bool, draws: int,
                  files: int, out: Path) -> None:
    """What the sensitivity run found, in a few lines on stderr."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.present.workbook.sensitivity_words import heading

    cls = s.weight_robustness["class"].value_counts().to_dict()
    err(_("{name}: objective {objective}").format(name=name,
                                                  objective=fixed(objective or 0.0, 4)))
    for line in s.ranging_constraints.query("family == 'budget' and binding").head(3)["sentence"]:
        err(f"  {line}")
    for line in s.policy_prices["sentence"]:
        err(f"  {line}")
    if not len(s.policy_prices):
        err("  " + _("the scenario sets no policy target: no policy prices to compute"))
    if s.selection_margins is not None:
        err("  " + _("ranging and prices are for the LP with the integer selection fixed"))
        err("  " + (_("budget sweeps, weight draws, tornado and policy prices re-solve the "
                      "whole MIP: the selection may change at each point") if reselect else
                    _("budget sweeps, weight draws, tornado and policy prices hold the plan's "
                      "selection fixed (--reselect re-solves the MIP at each point)")))
        for line in s.selection_margins["sentence"].head(5):
            err(f"  {line}")
    if s.nestedness is not None:
        for line in s.nestedness.groupby("sweep", sort=False)["sentence"].head(3):
            err(f"  {line}")
    if draws > 0:
        err("  " + _("robustness over {draws} weight draws: {counts}").format(
            draws=draws, counts=", ".join(f"{_(CLASS_WORDS[k])} {cls.get(k, 0)}"
                                          for k in ("core", "borderline", "exterior"))))
    else:
        err("  " + _("0 weight draws (--draws 0): robustness classes not computed"))
    if s.settings["failed_draws"] or s.settings["failed_sweep_points"]:
        err("  " + _("failed re-solves recorded: {draws} draws, {points} sweep points "
                     "(column '{column}' of sensitivity.xlsx)").format(
                         draws=num(s.settings["failed_draws"]),
                         points=num(s.settings["failed_sweep_points"]), column=heading("status")))
    err("  " + _("wrote {count} sensitivity files to {folder}/ (timings: {timings})").format(
        count=files, folder=out, timings=", ".join(
            f"{_(STEPS[k]) if k in STEPS else k} {fixed(v, 2)} s" for k, v in s.timings.items())))
