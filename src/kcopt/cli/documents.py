"""`kcopt check-documents OUT`: do the workbooks of an output folder agree with its plan?"""

from __future__ import annotations

from pathlib import Path

import typer

from kcopt.cli.common import err, user_errors
from kcopt.core.words import _, num


@user_errors
def check_documents_command(
    out: Path = typer.Argument(..., help="Output folder of `kcopt solve`."),
    limit: int = typer.Option(30, "--show", min=0,
                              help="Show at most this many disagreements (all are counted)."),
) -> None:
    """Recalculate every workbook of an output folder in LibreOffice and compare each total with
    the plan, before the documents are signed.

    Checks allocation.xlsx, annex.xlsx and a `--into` copy of your own annex: error cells and
    circular references, every subtotal against exactly the rows of its block, every project,
    fund, province and content total against allocation.csv, to 1 đồng; after a re-plan, the
    adjustment annex (adjustment.xlsx) and the "Điều chỉnh" sheet against changes.csv, line by
    line and total by total. Exit 0 when all agree, 1 when a figure disagrees.

    Example: kcopt check-documents out/demo
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.present.workbook.check import check_documents

    result = check_documents(out)
    for note in result.notes:
        err("  " + note)
    how = (_("recalculated in LibreOffice") if result.recalculated
           else _("saved values, not recalculated"))
    if result.ok:
        typer.echo(_("{folder}: the {n} document(s) agree with the plan ({figures} figures "
                     "compared; {how}): {files}").format(
            folder=out, n=len(result.documents), figures=num(result.figures), how=how,
            files=", ".join(result.documents)))
        return
    typer.echo(_("{folder}: {k} figure(s) disagree with the plan ({figures} compared; {how}):")
               .format(folder=out, k=num(len(result.disagreements)),
                       figures=num(result.figures), how=how))
    for d in result.disagreements[:limit]:
        typer.echo("  " + d.line())
    if len(result.disagreements) > limit:
        typer.echo("  " + _("… and {n} more").format(n=num(len(result.disagreements) - limit)))
    raise typer.Exit(1)
