"""`kcopt template OUT.xlsx`: an empty drafting workbook for the project list."""

from __future__ import annotations

from pathlib import Path

import typer

from kcopt.cli.common import err, user_errors
from kcopt.core.words import _


@user_errors
def template_command(
    out: Path = typer.Argument(..., help="Workbook to write (.xlsx)."),
    rows: int = typer.Option(300, "--rows", help="Blank project rows with drop-downs."),
    force: bool = typer.Option(False, "--force", help="Overwrite OUT if it exists."),
) -> None:
    """Write a drafting workbook: Vietnamese headers (English beneath), drop-down lists for
    province, content type, level and yes/no columns, instructions and the rule set.

    Example: kcopt template ke-hoach-2026.xlsx
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.present.workbook.template import DATA_SHEET, write_template

    write_template(out, rows=rows, force=force)
    err(_("wrote {out}: fill in sheet '{sheet}', then `kcopt validate {out}`").format(
        out=out, sheet=DATA_SHEET))
