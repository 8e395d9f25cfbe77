"""The command-line framework's own words (usage errors, the "Try … --help" hint, the error
panel) in the language in use.

Click wraps its messages in the stdlib `gettext` with the process-wide domain, and typer ≥ 0.22
carries its own copy of click whose messages are plain f-strings (and pydantic's wording for a
bad number), so neither can be handed a catalog that follows `--lang`. Instead each usage error
is rebuilt, from the fields the exception carries (the parameter, the option, the command) and
the few detail sentences both frameworks write, through our catalog; typer's module words (the
hint, the panel title) are the names typer documents for changing them. A detail kcopt does not
know stays as the framework wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from difflib import get_close_matches
from typing import Any

from kcopt.core.words import N_, _, ngettext, num

# typer.rich_utils' words for an error: set before one is shown
ERROR_WORDS = {"ERRORS_PANEL_TITLE": N_("Error"),
               "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help.")}

_NUMBER = r"(?P<bound>-?[0-9.eE+-]+)"
# a bad value's detail, as click (gettext-wrapped English) or typer ≥ 0.22 (pydantic) words it
DETAILS: tuple[tuple[str, str], ...] = (
    (r"Input should be greater than or equal to " + _NUMBER, N_("must be at least {bound}")),
    (r"Input should be greater than " + _NUMBER, N_("must be more than {bound}")),
    (r"Input should be less than or equal to " + _NUMBER, N_("must be at most {bound}")),
    (r"Input should be less than " + _NUMBER, N_("must be less than {bound}")),
    (r"Input should be a valid number.*", N_("must be a number")),
    (r"Input should be a finite number.*", N_("must be a number")),
    (r"Input should be a valid integer.*", N_("must be a whole number")),
    (r"Input should be a valid boolean.*", N_("must be yes or no (true/false)")),
    (r"(?P<value>.+) is not in the range (?P<range>.+?)\.?", N_("{value} is outside {range}")),
    (r"(?:Value )?(?P<value>.+) is not a valid float(?: range)?\.?", N_("{value} is not a number")),
    (r"(?:Value )?(?P<value>.+) is not a valid int(?:eger)?(?: range)?\.?",
     N_("{value} is not a whole number")),
    (r"(?P<value>.+) is not a valid boolean\.?", N_("{value} is not yes or no (true/false)")),
    (r"(?P<value>.+) is not one of (?P<choices>.+?)\.?", N_("{value} is not one of {choices}")),
    (r"(?P<value>.+) is not (?P<choices>'[^']*')\.?", N_("{value} is not {choices}")),
    (r"(?:File|Path) (?P<value>.+) does not exist\.?", N_("{value} does not exist")),
    (r"Directory (?P<value>.+) does not exist\.?", N_("folder {value} does not exist")),
    (r"(?:File|Path) (?P<value>.+) is a directory\.?", N_("{value} is a folder, not a file")),
    (r"Directory (?P<value>.+) is a file\.?", N_("{value} is a file, not a folder")),
    (r"(?:File|Path|Directory) (?P<value>.+) is not readable\.?", N_("{value} cannot be read")),
    (r"(?:File|Path|Directory) (?P<value>.+) is not writable\.?",
     N_("{value} cannot be written")),
)


def detail_words(text: str) -> str:
    """A framework's detail sentence about a bad value in the language in use ("Input should be
    greater than or equal to 0" → "phải lớn hơn hoặc bằng 0"); unknown text unchanged."""
    for pattern, message in DETAILS:
        found = re.fullmatch(pattern, text.strip(), flags=re.DOTALL)
        if found:
            fields = found.groupdict()
            if "bound" in fields:
                fields["bound"] = _bound(fields["bound"])
            return _(message).format(**fields)
    return text


def _bound(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return num(value, 6)


def _hint(exc: Any) -> str:
    """How the parameter is written on the command line: '--time-limit', or an argument as
    the usage line names it ('KỊCH_BẢN'; in English typer's 'scenario')."""
    hint = getattr(exc, "param_hint", None)
    if hint is None and getattr(exc, "param", None) is not None:
        param = exc.param
        hint = param.opts if getattr(param, "param_type_name", "") == "option" else \
            [param.metavar or param.name]  # an argument as the usage line names it
    if isinstance(hint, (list, tuple)):
        return " / ".join(f"'{h}'" for h in hint)
    return str(hint) if hint is not None else ""


def _missing(exc: Any) -> str:
    kind = str(getattr(exc, "param_type", None) or getattr(
        getattr(exc, "param", None), "param_type_name", "parameter"))
    message = {"argument": N_("Missing argument {name}."),
               "option": N_("Missing option {name}.")}.get(kind, N_("Missing parameter {name}."))
    return _(message).format(name=_hint(exc))


def _commands(ctx: Any) -> list[str]:
    return sorted(getattr(getattr(ctx, "command", None), "commands", {}) or {})


def _usage_message(exc: Any) -> str:
    """The message of a usage error that carries no parameter, from its English text."""
    text = str(exc.message)
    found = re.match(r"No such command '(?P<name>[^']*)'", text)
    if found:
        said = _("No such command '{name}'.").format(name=found["name"])
        close = get_close_matches(found["name"], _commands(exc.ctx))
        if close:
            said += " " + _("Did you mean {names}?").format(
                names=", ".join(f"'{c}'" for c in close))
        return said
    found = re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)", text)
    if found:
        count = len(found["args"].split())
        return ngettext("Unexpected extra argument ({arguments}).",
                        "Unexpected extra arguments ({arguments}).", count).format(
            arguments=found["args"])
    found = re.fullmatch(r"Option '?(?P<name>[^' ]+)'? requires (?:an|\d+) arguments?\.?", text)
    if found:
        return _("Option '{name}' needs a value.").format(name=found["name"])
    found = re.fullmatch(r"Option '?(?P<name>[^' ]+)'? does not take a value\.?", text)
    if found:
        return _("Option '{name}' takes no value.").format(name=found["name"])
    return text


def message(exc: Any) -> str:
    """A usage error's whole message in the language in use."""
    kind = {cls.__name__ for cls in type(exc).__mro__}
    if "MissingParameter" in kind:
        return _missing(exc)
    if "NoSuchOption" in kind:
        said = _("No such option: {name}.").format(name=exc.option_name)
        if exc.possibilities:
            said += " " + _("Did you mean {names}?").format(
                names=", ".join(sorted(exc.possibilities)))
        return said
    if "BadParameter" in kind:
        hint = _hint(exc)
        detail = detail_words(str(exc.message))
        return (_("Invalid value for {option}: {detail}").format(option=hint, detail=detail)
                if hint else _("Invalid value: {detail}").format(detail=detail))
    return _usage_message(exc)


def speak_errors() -> None:
    """typer's words around an error (the hint line, the panel title) in the language in use."""
    import typer.rich_utils as rich

    for name, english in ERROR_WORDS.items():
        setattr(rich, name, _(english))


@contextmanager
def in_our_words() -> Iterator[None]:
    """Re-raise a usage error raised inside the block in the language in use (same exit code,
    same command context, so the framework prints it as its own)."""
    try:
        yield
    except Exception as exc:
        kind = {cls.__name__ for cls in type(exc).__mro__}
        if "UsageError" not in kind or type(exc).__name__ == "NoArgsIsHelpError":
            raise
        speak_errors()
        usage_error = next(c for c in type(exc).__mro__ if c.__name__ == "UsageError")
        raise usage_error(message(exc), ctx=getattr(exc, "ctx", None)) from None
