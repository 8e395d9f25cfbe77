"""`kcopt validate FILE`: check a project list or a scenario; print every problem."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kcopt.cli.common import err, show_warnings, user_errors
from kcopt.core.words import _

if TYPE_CHECKING:
    import pandas as pd


@user_errors
def validate_command(
    file: Path = typer.Argument(
        ..., help="A project list (.csv/.xlsx/.xls/.ods) or a scenario (.yaml)."),
    sheet: str | None = typer.Option(None, "--sheet", help="Sheet of a workbook."),
    province: str | None = typer.Option(None, "--province",
                                        help="Province of a list that names none."),
) -> None:
    """Check a project list or a scenario and list every problem at once (exit 1 if any).

    Example: kcopt validate scenarios/demo/projects.csv
    """
    is_scenario = file.suffix.lower() in (".yaml", ".yml", ".json")
    if is_scenario:
        warnings, what, frame, read = _check_scenario(file)
    else:
        warnings, what, frame, read = _check_list(file, sheet, province)
    show_warnings(warnings, limit=50)
    if read:  # an official form: what was understood of its sections, to check against it
        err(read)
    _report_ineligible(frame, what, len(warnings), is_scenario)


def _check_scenario(file: Path) -> tuple[list, str, pd.DataFrame, str]:
    """A scenario read, its project list read and the model built: their warnings, what was
    checked, and the projects with their status."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.analysis.understood import understood_text
    from kcopt.inputs.scenario import load_scenario
    from kcopt.inputs.schema import read_projects
    from kcopt.model import build

    sc = load_scenario(file)
    assert sc.projects is not None
    projects = read_projects(sc.projects, sc.sheet, money_scale=sc.money_scale,
                             province=sc.province, sections=sc.sections,
                             data=sc.project_data())
    model = build(projects, sc)
    warnings = [*sc.warnings, *projects.warnings, *model.warnings]
    what = _("scenario '{name}' and {count} projects").format(name=sc.name,
                                                              count=len(projects))
    return warnings, what, model.projects, understood_text(projects)


def _check_list(file: Path, sheet: str | None,
                province: str | None) -> tuple[list, str, pd.DataFrame, str]:
    """A project list read and checked against the national rules: its warnings, what was
    checked, and the projects with their status (ineligible or not)."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.analysis.understood import understood_text
    from kcopt.core.geo import load_geography
    from kcopt.inputs.schema import read_projects
    from kcopt.rules.caps import compute_caps
    from kcopt.rules.rates import load_rules

    prov = load_geography().resolve(province).name if province else None
    projects = read_projects(file, sheet, province=prov)
    warnings = list(projects.warnings)
    what = _("{count} projects").format(count=len(projects))
    frame = projects.frame
    caps = compute_caps(frame, load_rules())
    frame = frame.assign(status=["ineligible" if r else "" for r in caps.ineligible],
                         reason=list(caps.ineligible))
    return warnings, what, frame, understood_text(projects)


def _report_ineligible(frame: pd.DataFrame, what: str, n_warnings: int,
                       is_scenario: bool) -> None:
    """The summary line, then the first ineligible projects with their reasons."""
    ineligible = frame[frame["status"] == "ineligible"]
    inel = len(ineligible)
    err(_("ok: {what}; {ineligible} ineligible under the rules, {warnings} warning(s)").format(
        what=what, ineligible=inel, warnings=n_warnings))
    limit = 50
    for rec in ineligible.head(limit).to_dict("records"):
        err("  " + _("ineligible: {project} ({province}, {category}): {reason}").format(
            project=rec["project_id"], province=rec["province"], category=rec["category"],
            reason=rec["reason"]))
    if inel > limit:
        err("  " + _("… and {count} more").format(count=inel - limit))
    if inel and not is_scenario:
        err("  " + _("(under the national rules: a scenario's rate_overrides may change this — "
                     "validate the scenario file to see)"))
