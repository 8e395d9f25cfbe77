"""`kcopt report OUT`: the committee report, one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import typer

from kcopt.cli.common import err, user_errors, warn_changed
from kcopt.core.words import _, fixed


@user_errors
def report_command(
    out: Path = typer.Argument(..., help="Output folder of `kcopt solve` (or `kcopt "
                               "sensitivity`)."),
    path: Path | None = typer.Option(None, "-o", "--output",
                                     help="Report file (default: OUT/report.html)."),
) -> None:
    """A self-contained HTML report for the committee, to read on screen or print.

    Headline numbers, allocation by region and content type, binding budgets and targets with
    their prices, robustness classes, projects left out and why, and provenance; plots are
    embedded, nothing is fetched from the network.

    Example: kcopt report out/demo   (then open out/demo/report.html, or print it to PDF)
    """
    import contextlib

    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.cli.common import STATE
    from kcopt.io import folders as outputs
    from kcopt.present.htmlreport import write_report
    from kcopt.present.views import DAMAGE, damaged, load_output

    # read and written under the folder's lock: the report is of one run's files
    with outputs.folder_lock(out) if out.is_dir() else contextlib.nullcontext():
        o = load_output(out)
        warn_changed(o)
        try:
            written = write_report(o, path)
        except DAMAGE as exc:
            if STATE["debug"]:
                raise
            raise damaged(exc, out) from None
    err(_("{name}: wrote {file} ({size} MB, self-contained; open it in a browser and print to "
          "PDF for the committee)").format(name=o.name, file=written,
                                          size=fixed(written.stat().st_size / 1e6, 1)))
    missing = [n for n in ("ranging_constraints", "policy_prices", "weight_robustness")
               if n not in o.sensitivity]
    if missing:
        err("  " + _("no sensitivity tables in {out} ({missing}): run `kcopt sensitivity "
                     "SCENARIO -o {out}` for prices' ranges, policy prices and "
                     "robustness").format(out=out, missing=", ".join(f"{n}.csv" for n in missing)))
