"""What every command shares: error reporting with the right exit code, warning output."""

from __future__ import annotations

import errno
import sys
import traceback
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from functools import wraps
from pathlib import Path
from typing import Any

import typer

from kcopt.core.errors import InfeasibleError, InputError, KcoptError, Problem
from kcopt.core.memory import paused_collection
from kcopt.core.words import _, ngettext, num, os_reason

STATE: dict[str, Any] = {"debug": False, "own_process": False}


def loading() -> AbstractContextManager[None]:
    """Start-up's modules loaded out of the garbage collector's sight
    (`core.memory.paused_collection`) when the process is kcopt's own (`kcopt.cli.main`); a
    caller's process (a test's CliRunner) keeps its collector as it is."""
    return paused_collection(active=bool(STATE["own_process"]))
ENVIRONMENT_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT,
                      errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.EFBIG,
                      errno.ENAMETOOLONG, errno.ELOOP}


def err(text: str) -> None:
    typer.echo(text, err=True)


def show_warnings(warnings: Iterable[Problem | str], limit: int = 20) -> None:
    items = list(warnings)
    for w in items[:limit]:
        err(_("warning: {message}").format(message=w))
    if len(items) > limit:
        err(_("warning: … and {count} more (all of them are in summary.json)").format(
            count=len(items) - limit))


def warning_kind(w: Problem | str) -> tuple[str, ...]:
    """Warnings of one kind: the same code (or source file), sheet and column — the five former
    provinces of a list's province column, the rule set's notes on rates."""
    if isinstance(w, str):
        return ("", w)
    return (w.code or w.file, w.sheet or "", w.column or "")


def show_warning_kinds(warnings: Iterable[Problem | str], details: str) -> None:
    """After a result: one line per kind of warning, its first in full and how many more of
    that kind; then where every one of them is (`details`)."""
    kinds: dict[tuple[str, ...], list[Problem | str]] = {}
    for w in warnings:
        kinds.setdefault(warning_kind(w), []).append(w)
    for items in kinds.values():
        line = _("warning: {message}").format(message=items[0])
        if len(items) > 1:
            line += " " + ngettext("(and {count} more warning of this kind)",
                                   "(and {count} more warnings of this kind)",
                                   len(items) - 1).format(count=num(len(items) - 1))
        err(line)
    if any(len(items) > 1 for items in kinds.values()):
        err("  " + _("every warning: {where}").format(where=details))


def warn_changed(outcome: Any) -> None:
    """A folder's documents changed since its run (an edited workbook): said, not refused."""
    if getattr(outcome, "changed", None):
        # start-up: views only when a folder was read
        from kcopt.present.views import changed_words

        err("  " + _("note: {folder} is not as the run wrote it: {files}").format(
            folder=outcome.folder, files=", ".join(changed_words(outcome.changed))))


def solver_name(value: str | None) -> str | None:
    """`--solver` callback: an unknown name is a usage error (exit 2), not a failed solve."""
    if value is None:
        return None
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.solvers.pulp_backend import _ALIASES, known_solver

    if not known_solver(value):
        raise typer.BadParameter(_("unknown solver '{name}'; use highs (the default), cbc, or a "
                                   "solver PuLP knows: {known}").format(
            name=value, known=", ".join(sorted(_ALIASES))))
    return value


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn kcopt errors into a message and exit code; tracebacks only with --debug."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KcoptError as exc:
            if STATE["debug"]:
                traceback.print_exc()
            if isinstance(exc, InputError):
                show_warnings(exc.warnings)
            err(_("error: {message}").format(message=exc)
                if not isinstance(exc, InfeasibleError) else str(exc))
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # the environment: a path that cannot be read or written
            if STATE["debug"] or exc.errno not in ENVIRONMENT_ERRNOS:
                raise
            where = f"'{exc.filename}': " if exc.filename else ""
            err(_("error: {message}").format(message=_(
                "{where}{error}. Check the path, the write permissions and the free disk "
                "space").format(where=where, error=os_reason(exc))))
            raise typer.Exit(1) from None
        except typer.Exit:  # a command's own exit code
            raise
        except KeyboardInterrupt:
            err(_("interrupted; no output was written for the step under way"))
            raise typer.Exit(130) from None
        except Exception as exc:  # an unexpected failure is a bug, not a user error
            if STATE["debug"]:
                raise
            given = [v for v in kwargs.values() if isinstance(v, Path)]
            if not given or any(v.suffix.lower() in (".yaml", ".yml") for v in given):
                err(_("internal error: {kind}: {message}\nRun again with --debug for the "
                      "traceback and report it with the scenario file.").format(
                          kind=type(exc).__name__, message=exc))
            else:  # no scenario was used: ask for the file the command read
                err(_("internal error: {kind}: {message}\nRun again with --debug for the "
                      "traceback and report it with the file {files}.").format(
                          kind=type(exc).__name__, message=exc,
                          files=", ".join(v.name for v in given)))
            sys.exit(4)

    return wrapper
