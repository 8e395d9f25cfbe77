"""`kcopt init PROJECTS`: a commented Vietnamese scenario to start from."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kcopt.cli.common import err, show_warnings, user_errors
from kcopt.core.errors import InputError, Problem
from kcopt.core.words import _


@user_errors
def init_command(
    projects: Path = typer.Argument(..., help="The project list (.xlsx or .csv)."),
    out: Path | None = typer.Option(None, "-o", "--out",
                                    help="Scenario to write (default: <list>-kich-ban.yaml "
                                    "beside the list)."),
    province: str | None = typer.Option(None, "--province",
                                        help="Province of a list that names none."),
    force: bool = typer.Option(False, "--force", help="Overwrite the scenario if it exists."),
    section: list[str] = typer.Option([], "--section",
                                      help="TITLE=CODE: the content type of a form's section "
                                      "whose title names none (repeatable)."),
) -> None:
    """Write a scenario next to a project list: budgets for the provinces found, the priority
    weights and targets explained in Vietnamese; `kcopt solve` accepts it as it stands.

    Example: kcopt init ke-hoach-2026.xlsx && kcopt solve ke-hoach-2026-kich-ban.yaml
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core.geo import load_geography
    from kcopt.inputs.schema import read_projects
    from kcopt.inputs.starter import scenario_text
    from kcopt.io.write import atomic_write

    prov = None
    if province is not None:
        prov = load_geography().resolve(province).name
        if prov is None:
            raise InputError([Problem("--province", "unknown province", value=province,
                                      fix="Use one of the 34 provinces and cities")])
    target = out or projects.with_name(f"{projects.stem}-kich-ban.yaml")
    if target.exists() and not force:
        raise InputError([Problem(str(target), "the scenario already exists",
                                  "Give another name with -o, or --force to overwrite it")])
    sections = dict(s.partition("=")[::2] for s in section)
    p = read_projects(projects, province=prov, sections=sections)
    show_warnings(p.warnings)
    text = scenario_text(p, target, prov)
    if sections:  # the scenario reads the list the same way
        text += f"sections: {json.dumps(sections, ensure_ascii=False)}\n"

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    atomic_write(target, write)
    err(_("wrote {target}: set the budgets you were given, then `kcopt solve "
          "{target}`").format(target=target))
