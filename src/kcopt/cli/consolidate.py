"""`kcopt consolidate FILE... -o national.xlsx`: the provinces' lists as one national list."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kcopt.cli.common import err, user_errors
from kcopt.core.words import _, num, pct

if TYPE_CHECKING:
    from kcopt.inputs.consolidate import Consolidated


@user_errors
def consolidate_command(
    files: list[Path] = typer.Argument(..., help="The provinces' project lists (.csv/.xlsx, "
                                       "any layout kcopt reads), or folders holding them."),
    output: Path = typer.Option(..., "-o", "--output", help="The national workbook to write "
                                "(.xlsx)."),
    province: list[str] = typer.Option(
        [], "--province", metavar="FILE=PROVINCE",
        help="Province of a list that names none in a column, its title or its places "
        "(repeatable), e.g. --province quang-tri.csv=\"Quang Tri\"."),
    show: int = typer.Option(30, "--show", min=0, help="Show at most this many likely "
                             "duplicates and warnings (all duplicates are in the workbook)."),
) -> None:
    """Consolidate the provinces' registrations into one national list, in the consolidation
    layout (fund sections, content sections, STT, grouped by province).

    Each project gets an id unique across provinces (the province's code before the file's
    own id, which is kept beside it). Likely duplicates — the same content type, a similar name
    and the same beneficiary, within and across files — are listed here and in the sheet
    'Trùng lặp', never merged. The sheet 'Tổng hợp theo tỉnh' sums each province's requests.
    The input files are only read; every bad cell of every file is reported at once.

    Example: kcopt consolidate registrations/ -o national.xlsx
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.inputs.consolidate import consolidate, parse_assignments
    from kcopt.present.workbook.consolidated import DUPLICATE_SHEET, write_consolidated

    if output.suffix.lower() != ".xlsx":
        raise typer.BadParameter(_("the national list is a workbook: name it ….xlsx"),
                                 param_hint="'-o'")
    c = consolidate(files, parse_assignments(province), skip=output)
    _report(c, show)
    write_consolidated(c, output)
    frame = c.frame
    typer.echo(_("{path}: {projects} projects from {files} file(s) of {provinces} province(s); "
                 "{duplicates} likely duplicate(s) listed in the sheet '{sheet}', none merged")
               .format(path=output, projects=num(len(frame)), files=num(len(c.sources)),
                       provinces=num(frame["province"].nunique()),
                       duplicates=num(len(c.duplicates)), sheet=DUPLICATE_SHEET))


def _report(c: Consolidated, show: int) -> None:
    """Warnings, the files read and the likely duplicates, on the console (stderr)."""
    for w in c.warnings[:show]:
        err(_("warning: {message}").format(message=w))
    if len(c.warnings) > show:
        err(_("warning: … and {count} more (`kcopt validate FILE` shows each file's)").format(
            count=num(len(c.warnings) - show)))
    for s in c.sources:
        err(_("{file}: {count} project(s) ({provinces})").format(
            file=s.path, count=num(s.projects), provinces=", ".join(s.provinces)))
    frame = c.frame
    for d in c.duplicates[:show]:
        a, b = frame.iloc[d.first], frame.iloc[d.second]
        err(_("likely duplicate ({content}, names {share} alike): {first} ({file_a}, {where_a}) "
              "and {second} ({file_b}, {where_b})").format(
            content=a["category"], share=pct(d.similarity), first=a["project_id"],
            second=b["project_id"], file_a=a["source_file"], file_b=b["source_file"],
            where_a=_place(a), where_b=_place(b)))
    if len(c.duplicates) > show:
        err(_("… and {count} more likely duplicates").format(
            count=num(len(c.duplicates) - show)))


def _place(rec: object) -> str:
    sheet = getattr(rec, "source_sheet", "") or ""
    row = _("row {row}").format(row=getattr(rec, "source_row", ""))
    return _("sheet '{sheet}', {row}").format(sheet=sheet, row=row) if sheet else row
