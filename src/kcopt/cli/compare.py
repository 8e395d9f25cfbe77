"""`kcopt compare OUT_A OUT_B`: what changed between two solved scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kcopt.cli.common import err, user_errors, warn_changed

if TYPE_CHECKING:
    from kcopt.present.comparison import Comparison


@user_errors
def compare_command(
    out_a: Path = typer.Argument(..., help="Output folder of the first solve (the baseline)."),
    out_b: Path = typer.Argument(..., help="Output folder of the second solve (the variant)."),
    out: Path | None = typer.Option(None, "-o", "--out", help="Folder for the comparison "
                                    "(default: out/compare/<A>-vs-<B>)."),
    threshold: float | None = typer.Option(None, "--threshold", help="Smallest change in "
                                           "million VND called big (default: 0.5% of the "
                                           "larger total)."),
    top: int = typer.Option(15, "--top", help="Project changes told in words."),
    no_plots: bool = typer.Option(False, "--no-plots", help="Skip compare.png."),
) -> None:
    """What changed between two solved scenarios over the same projects.

    Per project, province, region and content type, and each fund by province (money moved
    between KCQG and KCĐP is a change even when a project's total is the same), as tables
    (compare_*.csv), a chart (compare.png) and a sentence per big change (compare.txt, also
    printed).

    Example: kcopt compare out/plan out/plan-green -o out/green-vs-plan
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core.words import _
    from kcopt.outputs import write_comparison

    cmp = _compare(out_a, out_b, threshold, top)
    folder = out or Path("out") / "compare" / f"{out_a.resolve().name}-vs-{out_b.resolve().name}"
    files = write_comparison(cmp, folder, plot=not no_plots)
    for line in cmp.sentences:
        typer.echo(line)
    _echo_groups(cmp)
    _echo_funds(cmp)
    err("\n" + _("wrote {count} files to {folder}/").format(count=len(files), folder=folder))


def _compare(out_a: Path, out_b: Path, threshold: float | None, top: int) -> Comparison:
    """The two output folders read back (each warned of if edited since it was written) and
    compared; a damaged folder is a user error that names it (the traceback under --debug)."""
    # start-up: loaded when the command runs
    from kcopt.cli.common import STATE
    from kcopt.present.comparison import compare
    from kcopt.present.views import DAMAGE, damaged, load_output

    a, b = load_output(out_a), load_output(out_b)
    warn_changed(a)
    warn_changed(b)
    try:
        return compare(a, b, threshold=threshold, max_project_sentences=top)
    except DAMAGE as exc:
        if STATE["debug"]:
            raise
        raise damaged(exc, out_a, out_b) from None


def _echo_groups(cmp: Comparison) -> None:
    """The totals by region and by content type, A → B, with the change and its percent."""
    # start-up: loaded when the command runs
    from kcopt.analysis.wording import group_name, money, percent
    from kcopt.cli.rules import width as shown_width
    from kcopt.core.words import _, get_language

    for title, table, by in ((_("By region"), cmp.regions, "region"),
                             (_("By content type"), cmp.categories, "category")):
        typer.echo("\n" + _("{title} (million VND): A = {a}, B = {b}").format(
            title=title, a=cmp.labels[0], b=cmp.labels[1]))
        # the group's Vietnamese name, not its code (CH, machinery), padded to the widest name
        names = [str(v) if get_language() == "en" else group_name(by, str(v))
                 for v in table[by]]
        width = max((shown_width(n) for n in names), default=0)
        for name, (_i, r) in zip(names, table.iterrows(), strict=True):
            typer.echo(f"  {name + ' ' * (width - shown_width(name))}  {money(r['total_a']):>10} → "
                       f"{money(r['total_b']):>10}  {money(r['delta_total'], signed=True):>9}"
                       f"  {percent(r['delta_pct'], signed=True):>7}")


def _echo_funds(cmp: Comparison) -> None:
    """Each fund's total, and each fund by province where it changed, A → B."""
    # start-up: loaded when the command runs
    from kcopt.analysis.wording import money
    from kcopt.core.words import _

    funds = cmp.funds[(cmp.funds["province"] == _("all provinces"))
                      | (cmp.funds["delta"].abs() > 0.5)]
    typer.echo("\n" + _("{title} (million VND): A = {a}, B = {b}").format(
        title=_("By fund and province"), a=cmp.labels[0], b=cmp.labels[1]))
    names = [f"{n}: {p}" for n, p in zip(funds["fund_name"], funds["province"], strict=True)]
    width = max(len(n) for n in names)
    for name, (a_, b_, d) in zip(names, funds[["a", "b", "delta"]].to_numpy(), strict=True):
        typer.echo(f"  {name:<{width}}  {money(a_):>10} → {money(b_):>10}  "
                   f"{money(d, signed=True):>9}")
