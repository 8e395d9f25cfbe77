"""`kcopt validate FILE`: check a project list or a scenario; print every problem."""

from __future__ import annotations

from pathlib import Path

import typer

from kcopt.cli.common import err, show_warnings, user_errors
from kcopt.core.words import _


@user_errors
def validate_command(
    file: Path = typer.Argument(..., help="A project list (.csv/.xlsx) or a scenario (.yaml)."),
    sheet: str | None = typer.Option(None, "--sheet", help="Sheet of a workbook."),
    province: str | None = typer.Option(None, "--province",
                                        help="Province of a list that names none."),
) -> None:
    """Check a project list or a scenario and list every problem at once (exit 1 if any).

    Example: kcopt validate scenarios/demo/projects.csv
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.inputs.scenario import load_scenario
    from kcopt.inputs.schema import read_projects
    from kcopt.model import build

    is_scenario = file.suffix.lower() in (".yaml", ".yml", ".json")
    if is_scenario:
        sc = load_scenario(file)
        assert sc.projects is not None
        projects = read_projects(sc.projects, sc.sheet, money_scale=sc.money_scale,
                                 province=sc.province)
        model = build(projects, sc)
        warnings = [*sc.warnings, *projects.warnings, *model.warnings]
        what = _("scenario '{name}' and {count} projects").format(name=sc.name,
                                                                  count=len(projects))
        frame = model.projects
    else:
        from kcopt.core.geo import load_geography

        prov = load_geography().resolve(province).name if province else None
        projects = read_projects(file, sheet, province=prov)
        warnings = list(projects.warnings)
        what = _("{count} projects").format(count=len(projects))
        from kcopt.rules.rates import compute_caps, load_rules

        frame = projects.frame
        caps = compute_caps(frame, load_rules())
        frame = frame.assign(status=["ineligible" if r else "" for r in caps.ineligible],
                             reason=list(caps.ineligible))
    show_warnings(warnings, limit=50)
    ineligible = frame[frame["status"] == "ineligible"]
    inel = len(ineligible)
    err(_("ok: {what}; {ineligible} ineligible under the rules, {warnings} warning(s)").format(
        what=what, ineligible=inel, warnings=len(warnings)))
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
