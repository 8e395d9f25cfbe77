"""The `kcopt` command line: a thin layer over the library; no model logic lives here."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from kcopt.cli import app as _app
from kcopt.cli import compare as _compare
from kcopt.cli import init as _init
from kcopt.cli import report as _report
from kcopt.cli import rules as _rules
from kcopt.cli import sensitivity as _sensitivity
from kcopt.cli import solve as _solve
from kcopt.cli import template as _template
from kcopt.cli import validate as _validate
from kcopt.cli.common import STATE
from kcopt.errors import InputError
from kcopt.words import set_language


class _Commands(TyperGroup):
    """`--lang vi|en` is understood anywhere on the line, before or after the command, so
    every command has it without repeating it in each signature."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        rest: list[str] = []
        lang: str | None = None
        items = iter(args)
        for arg in items:
            if arg == "--":
                rest += [arg, *items]
                break
            if arg == "--lang":
                lang = next(items, "")
            elif arg.startswith("--lang="):
                lang = arg.partition("=")[2]
            else:
                rest.append(arg)
        set_language(None)
        if lang is not None:
            try:
                set_language(lang)
            except InputError as exc:
                raise typer.BadParameter(exc.problems[0].message,
                                         param_hint="'--lang'") from None
        return super().parse_args(ctx, rest)


app = typer.Typer(
    cls=_Commands,
    name="kcopt",
    help="Allocate central (KCQG) and local (KCĐP) industrial-promotion funds over projects.\n\n"
    "Example: kcopt solve scenarios/demo/demo.yaml -o out/demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    limit: list[str] = typer.Option(
        [], "--limit", metavar="NAME=VALUE",
        help="Raise a limit on what an input file may hold (repeatable), e.g. --limit "
        "rows=500000. Limits: rows, columns, cell_chars, unzipped_bytes, zip_ratio, "
        "yaml_nodes, yaml_depth (see the README)."),
    lang: str | None = typer.Option(
        None, "--lang", help="Language of messages and outputs: vi (default) or en; also "
        "accepted after the command, from KCOPT_LANG or the scenario's language: key."),
):
    STATE["debug"] = debug
    from kcopt import limits
    from kcopt.errors import InputError

    for item in limit:
        try:
            limits.set_limits(**dict([limits.parse_assignment(item)]))
        except InputError as exc:
            raise typer.BadParameter(str(exc.problems[0]), param_hint="--limit") from None


app.command("solve")(_solve.solve_command)
app.command("validate")(_validate.validate_command)
app.command("rules")(_rules.rules_command)
app.command("sensitivity")(_sensitivity.sensitivity_command)
app.command("compare")(_compare.compare_command)
app.command("report")(_report.report_command)
app.command("template")(_template.template_command)
app.command("init")(_init.init_command)
app.command("app")(_app.app_command)


def main() -> None:
    app(prog_name="kcopt")


if __name__ == "__main__":  # pragma: no cover
    main()
