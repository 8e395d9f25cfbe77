"""The `kcopt` command line: a thin layer over the library; no model logic lives here."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from kcopt.cli import app as _app
from kcopt.cli import compare as _compare
from kcopt.cli import consolidate as _consolidate
from kcopt.cli import documents as _documents
from kcopt.cli import init as _init
from kcopt.cli import report as _report
from kcopt.cli import rules as _rules
from kcopt.cli import sensitivity as _sensitivity
from kcopt.cli import solve as _solve
from kcopt.cli import template as _template
from kcopt.cli import validate as _validate
from kcopt.cli.common import STATE, loading
from kcopt.cli.usage import in_our_words
from kcopt.core.errors import InputError
from kcopt.core.language import set_language
from kcopt.core.words import N_


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
        translate_help(self, ctx, rest)
        return super().parse_args(ctx, rest)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with in_our_words(), loading():  # start-up: typer loads pydantic here
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with in_our_words():  # the command's own options, and a command kcopt does not have
            return super().invoke(ctx)

    def get_usage(self, ctx: Any) -> str:
        return _usage(super().get_usage(ctx))


class _Command(TyperCommand):
    def get_usage(self, ctx: Any) -> str:
        return _usage(super().get_usage(ctx))


def _usage(text: str) -> str:
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core.words import _

    text = text.replace("Usage:", _("Usage:"), 1).replace("[OPTIONS]", _("[OPTIONS]"), 1)
    return text.replace("COMMAND [ARGS]...", _("COMMAND [ARGS]..."), 1)


def translate_help(group: Any, ctx: Any, args: list[str]) -> None:
    """Typer builds the help texts once, in English (as written in the code); put them, and
    typer's own few words around them, in the language in use before any help is shown."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core.words import _, literal

    for command in [group, *group.commands.values()]:
        helper = command.get_help_option(ctx)  # click's "--help" line: made once, then kept
        for obj in [command, *command.params, *([helper] if helper else [])]:
            english = obj.__dict__.setdefault("_help_en", getattr(obj, "help", None))
            if english:
                obj.help = literal(english)
            if getattr(obj, "param_type_name", "") == "argument":
                argument_name(obj)
    if not args or any(a in ("--help", "-h") for a in args):  # rich only when help is shown
        import typer.rich_utils as rich

        for name, english in TYPER_WORDS.items():
            setattr(rich, name, _(english))
        for command in [group, *group.commands.values()]:
            helper = command.get_help_option(ctx)
            for param in [*command.params, *([helper] if helper else [])]:
                type_words(param, ctx)


def type_words(param: Any, ctx: Any) -> None:
    """An option's value type in the help ("<path>", "FLOAT RANGE") in the language in use,
    through the metavar typer and click both honour; English keeps the framework's own."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core.words import _, get_language

    if getattr(param, "param_type_name", "") == "argument":
        argument_words(param, ctx)
        return
    if getattr(param, "param_type_name", "") != "option":
        return
    original = param.__dict__.setdefault("_metavar_en", param.metavar)
    if original is not None or get_language() == "en":  # kcopt's own ("NAME=VALUE"): in words
        param.metavar = original if original is None or get_language() == "en" else _(original)
        return
    if getattr(param, "is_flag", False):
        param.metavar = "" if hasattr(param, "display_type") else None  # typer >= 0.22: <bool>
        return
    shown = (param.display_type(ctx) if hasattr(param, "display_type")
             else getattr(param.type, "name", "")).strip("<>").lower()
    word = next((w for key, w in TYPE_WORDS.items() if shown.startswith(key)), None)
    param.metavar = f"<{_(word)}>" if word else None


def argument_name(param: Any) -> None:
    """An argument's name in the usage line and in "Thiếu tham số 'KỊCH_BẢN'" in the language
    in use (`ARGUMENT_WORDS`); English keeps typer's ("{scenario}", "Missing argument
    'scenario'"), and so does an argument given a metavar of its own."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core.words import _, get_language

    original = param.__dict__.setdefault("_metavar_en", param.metavar)
    named = ARGUMENT_WORDS.get(param.name)
    english = get_language() == "en" or original is not None
    param.metavar = _(named) if named and not english else original


def argument_words(param: Any, ctx: Any) -> None:
    """An argument's value type in the help's arguments panel ("<path>") in the language in
    use. typer ≥ 0.22 shows it from the annotation, whatever the metavar (`display_type_rich`),
    older typer from `make_metavar()` when no metavar is set: the one parameter's own method
    is replaced while a language other than English is in use, and English gets typer's."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core.words import _, get_language

    method = "display_type_rich" if hasattr(param, "display_type_rich") else "make_metavar"
    param.__dict__.pop(method, None)  # typer's own, to see what it says
    if get_language() == "en" or param.__dict__.get("_metavar_en") is not None:
        return
    shown = (param.display_type_rich(ctx) if method == "display_type_rich"
             else getattr(param.type, "name", "")) or ""
    word = next((w for key, w in TYPE_WORDS.items() if shown.strip("<>").lower().startswith(key)),
                None)
    if word:
        words = f"<{_(word)}>"
        setattr(param, method, lambda *_args, **_kwargs: words)


TYPE_WORDS = {"path": N_("path"), "file": N_("path"), "list[path]": N_("path"),
              "int": N_("whole number"), "integer": N_("whole number"),
              "float": N_("number"), "str": N_("text"), "text": N_("text"),
              "list[str]": N_("text")}


# each command's arguments by name, as the usage line and a missing argument's error show them
ARGUMENT_WORDS = {"scenario": N_("SCENARIO"), "out": N_("FOLDER"), "out_a": N_("FOLDER_A"),
                  "out_b": N_("FOLDER_B"), "files": N_("FILES"), "file": N_("FILE"),
                  "projects": N_("PROJECTS")}


TYPER_WORDS = {"ARGUMENTS_PANEL_TITLE": N_("Arguments"), "OPTIONS_PANEL_TITLE": N_("Options"),
               "COMMANDS_PANEL_TITLE": N_("Commands"), "DEFAULT_STRING": N_("[default: {}]"),
               "REQUIRED_LONG_STRING": N_("[required]")}
# click's --help line and usage prefix, translated by `translate_help` and `_usage`
N_("Show this message and exit."), N_("Usage:"), N_("[OPTIONS]"), N_("COMMAND [ARGS]...")
# the metavars kcopt gives its options (--limit, consolidate's --province), said by `type_words`
N_("NAME=VALUE"), N_("FILE=PROVINCE")


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
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core import limits
    from kcopt.core.errors import InputError

    for item in limit:
        try:
            limits.set_limits(**dict([limits.parse_assignment(item)]))
        except InputError as exc:
            problem = exc.problems[0]  # said once: "--limit" is the hint, not the message too
            raise typer.BadParameter(str(problem).removeprefix(problem.location() + ": "),
                                     param_hint="'--limit'") from None


app.command("solve", cls=_Command)(_solve.solve_command)
app.command("validate", cls=_Command)(_validate.validate_command)
app.command("rules", cls=_Command)(_rules.rules_command)
app.command("sensitivity", cls=_Command)(_sensitivity.sensitivity_command)
app.command("compare", cls=_Command)(_compare.compare_command)
app.command("report", cls=_Command)(_report.report_command)
app.command("check-documents", cls=_Command)(_documents.check_documents_command)
app.command("consolidate", cls=_Command)(_consolidate.consolidate_command)
app.command("template", cls=_Command)(_template.template_command)
app.command("init", cls=_Command)(_init.init_command)
app.command("app", cls=_Command)(_app.app_command)


def main() -> None:
    STATE["own_process"] = True  # `python -m kcopt`, the kcopt command: start-up is ours
    app(prog_name="kcopt")


if __name__ == "__main__":  # pragma: no cover
    main()
