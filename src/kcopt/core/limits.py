"""Resource limits on what kcopt reads, so a hostile or broken file is refused in seconds with a
clear message instead of filling the memory (a 12 KB workbook can claim a million rows, a 400 KB
one can hold a 400 MB cell, 1 KB of YAML anchors can expand to a billion nodes).

Every limit has a generous default and can be raised: for one command with
`kcopt --limit rows=500000 solve …`, for a session with the environment variable
`KCOPT_LIMIT_ROWS=500000`, or from Python with `kcopt.core.limits.set_limits(rows=500000)`.

>>> current().rows
100000
>>> with raised(rows=10):
...     current().rows
10
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path

from kcopt.core.errors import InputError, Problem
from kcopt.core.words import N_, _, num, os_reason


@dataclass(frozen=True)
class Limits:
    """What one input file may hold. Sizes are in bytes, lengths in characters."""

    rows: int = 100_000  # rows of a project list or budget table
    columns: int = 500  # columns of one
    cell_chars: int = 32_767  # characters in one cell (Excel's own limit)
    unzipped_bytes: int = 256 * 2**20  # a workbook's parts, decompressed; a CSV file's size
    zip_ratio: int = 200  # decompressed size of a workbook part ÷ its compressed size
    yaml_nodes: int = 100_000  # values in a scenario once its aliases (*anchor) are expanded
    yaml_depth: int = 50  # nesting depth of a scenario

    def describe(self) -> list[tuple[str, int, str]]:
        """(name, value, meaning) of every limit, for the README and error messages."""
        return [(f.name, getattr(self, f.name), _(DESCRIPTIONS[f.name])) for f in fields(self)]


DESCRIPTIONS = {
    "rows": N_("rows of a project list or budget table"),
    "columns": N_("columns of a table"),
    "cell_chars": N_("characters in one cell"),
    "unzipped_bytes": N_("size of an .xlsx file once unzipped (bytes), size of a CSV file"),
    "zip_ratio": N_("compression ratio of one part of an .xlsx file"),
    "yaml_nodes": N_("values in a scenario file once its aliases (*anchor) are expanded"),
    "yaml_depth": N_("nesting depth of a scenario file"),
}
ENV_PREFIX = "KCOPT_LIMIT_"
_overrides: dict[str, int] = {}


def _parse(name: str, text: object, source: str) -> int:
    known = [f.name for f in fields(Limits)]
    if name not in known:
        raise InputError([Problem(source, _("there is no limit '{name}'").format(name=name),
                                  _("The limits: {names}").format(names=", ".join(known)),
                                  value=name)])
    try:
        value = int(str(text).replace("_", ""))
    except ValueError:
        value = -1
    if value <= 0:
        raise InputError([Problem(
            source, _("the limit '{name}' must be a positive whole number").format(name=name),
            _("For example: {example}").format(example=f"{name}={getattr(Limits(), name) * 2}"),
            value=text)])
    return value


def current() -> Limits:
    """The limits in force: defaults, then `KCOPT_LIMIT_*` variables, then `set_limits`."""
    env = {}
    for f in fields(Limits):
        raw = os.environ.get(ENV_PREFIX + f.name.upper())
        if raw:
            env[f.name] = _parse(f.name, raw, ENV_PREFIX + f.name.upper())
    return replace(Limits(), **{**env, **_overrides})


def set_limits(**values: int) -> None:
    """Raise (or lower) limits for the rest of the process, e.g. `set_limits(rows=500000)`."""
    for name, value in values.items():
        _overrides[name] = _parse(name, value, "set_limits")


def reset_limits() -> None:
    """Back to the defaults and the `KCOPT_LIMIT_*` variables."""
    _overrides.clear()


def parse_assignment(text: str) -> tuple[str, int]:
    """'rows=500000' → ('rows', 500000); the form `kcopt --limit` takes."""
    name, sep, value = text.partition("=")
    if not sep:
        raise InputError([Problem("--limit", "write name=value",
                                  "For example: --limit rows=500000", value=text)])
    name = name.strip().replace("-", "_")
    return name, _parse(name, value.strip(), "--limit")


@contextmanager
def raised(**values: int) -> Iterator[Limits]:
    """Limits changed inside a `with` block only."""
    saved = dict(_overrides)
    try:
        set_limits(**values)
        yield current()
    finally:
        _overrides.clear()
        _overrides.update(saved)


def exceeded(file: str, what: str, limit: str, value: object = None, sheet: str | None = None,
             row: int | None = None, column: str | None = None) -> InputError:
    """The error for an input beyond a limit: what was found, the limit, and how to raise it."""
    lim = getattr(current(), limit)
    return InputError([Problem(
        file, _("{what}, beyond the limit {limit} = {value}").format(
            what=what, limit=limit, value=num(lim)),
        _("If the file really is like that, raise the limit: `kcopt --limit {assignment} …` or "
          "the environment variable {variable}; if not, the file is probably damaged or the "
          "wrong file was named").format(assignment=f"{limit}={lim * 10}",
                                         variable=f"{ENV_PREFIX}{limit.upper()}={lim * 10}"),
        sheet=sheet, row=row, column=column, value=value)])


def check_input_path(path: Path, what: str) -> None:
    """Refuse, as an input error naming the path, a path that is missing, a folder, or not a
    readable file."""
    if not path.exists():
        raise InputError([Problem(str(path), _("the {what} file is not found").format(what=what),
                                  "Check the path (paths in a scenario are relative to the "
                                  "scenario file's folder)")])
    if path.is_dir():
        raise InputError([Problem(
            str(path), _("this is a folder, not the {what} file").format(what=what),
            "Name a file inside that folder")])
    if not path.is_file():
        raise InputError([Problem(
            str(path), _("not a regular file (the {what} file)").format(what=what),
            "Name a .csv, .xlsx or .yaml file")])


def read_input_bytes(path: Path, what: str) -> bytes:
    """The bytes of an input file, within the size limit; OS errors become input errors."""
    check_input_path(path, what)
    try:
        size = path.stat().st_size
        if size > current().unzipped_bytes:
            raise exceeded(str(path), _("the {what} file weighs {size} bytes").format(
                what=what, size=num(size)), "unzipped_bytes")
        return path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(
            str(path), _("cannot read the {what} file ({reason})").format(
                what=what, reason=os_reason(exc)),
            "Check the permission to read the file, or close the program that locks it")]
                         ) from None
