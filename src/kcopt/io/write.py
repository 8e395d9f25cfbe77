"""Atomic writers: every file is written to a temporary name beside its target, then renamed,
so a failure never leaves a half-written output.

CSV files never carry a cell a spreadsheet would run as a formula: text starting with `=`, `+`,
`-`, `@`, a tab, a carriage return or a line feed gets a leading single quote (the OWASP "CSV
injection" defence), while numbers — negative ones too — stay numbers. `read_csv_cells` undoes it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# text a spreadsheet reads as a plain number (or kcopt's infinity): never a formula
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?inf", re.ASCII)
# written text that was neutralised: one or more quotes, then a formula start
_QUOTED = re.compile(r"'+[=+\-@\t\r\n]")


def neutralise(value: Any) -> Any:
    """A cell value safe to put in a CSV: text that would start a formula gets a leading `'`.

    Numbers, and text that is a plain number, are unchanged; text already starting with quotes
    before a formula character gets one more, so that `restore` gives back the original (line
    breaks as LF: a bare CR inside a cell would end the row for most CSV readers).

    >>> neutralise('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> neutralise(-1200.5), neutralise("-1200.5"), neutralise("-2+3+cmd|' /C calc'!A0")
    (-1200.5, '-1200.5', "'-2+3+cmd|' /C calc'!A0")
    """
    if not isinstance(value, str) or not value:
        return value
    if "\r" in value:  # a bare CR would end the row for most readers: a line break is LF
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    if value.startswith("'") and _QUOTED.match(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The text `neutralise` was given (for kcopt reading back its own CSV files)."""
    if isinstance(value, str) and _QUOTED.match(value):
        return value[1:]
    return value


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell (and column name) neutralised; numeric columns as they
    are."""
    out = frame.copy(deep=False)
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            continue
        out[col] = _safe_column(out[col])
    out.columns = [neutralise(c) for c in out.columns]
    return out


_MAY_CHANGE = (*FORMULA_START, "'")  # a text cell starting so, or holding a CR, may change


def _safe_column(col: pd.Series) -> pd.Series:
    """`neutralise` of every cell, called only on the text cells it may change (those starting
    with a formula character or a quote, or holding a CR: none in most columns): pandas' string
    methods find them column-wise, not a Python call per cell."""
    if isinstance(col.dtype, pd.CategoricalDtype) or not pd.api.types.is_string_dtype(col):
        return col.map(neutralise)
    text = col.str
    maybe = (text.startswith(_MAY_CHANGE) | text.contains("\r", regex=False)).fillna(False)
    at = np.flatnonzero(maybe.to_numpy(bool))
    if not len(at):
        return col
    out = col.copy()
    out.iloc[at] = [neutralise(v) for v in col.iloc[at]]
    return out


def read_csv_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo `safe_cells` on a frame read from a kcopt CSV."""
    out = frame.copy(deep=False)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(restore)
    out.columns = [restore(c) for c in out.columns]
    return out


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)
        write(Path(tmp))
        sync(Path(tmp))
        os.replace(tmp, path)
        sync(path.parent)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        cause = _os_error(exc)
        if cause is not None and cause is not exc:  # a full disk, not a bug of the writer
            raise cause from None
        raise
    return path


def sync(path: Path) -> None:
    """Flush a file's (or a folder's) contents to the disk before it replaces the old one, so a
    power cut leaves the old version or the new, never an empty file. Folders can be opened for
    this on POSIX only; elsewhere the replace itself is the guarantee Windows gives."""
    if path.is_dir() and os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind a writer's own exception (XlsxWriter's FileCreateError wraps the
    OSError of a full disk or a read-only folder), so it is reported as what it is."""
    for c in (exc, *exc.args[:1], exc.__cause__, exc.__context__):
        if isinstance(c, OSError):
            return c
    return None


CSV_ROWS = 20_000  # rows made safe and written at a time


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8 with BOM, so Excel shows Vietnamese correctly; infinity written as `inf`; no cell
    that a spreadsheet would run as a formula (see `neutralise`). Written `CSV_ROWS` rows at a
    time: the safe copy of a text column is a Python string a cell, ~1 KB a row of
    allocation.csv (200 MB at 200,000 projects) if made whole."""
    def write(p: Path) -> None:
        with open(p, "w", encoding="utf-8-sig", newline="") as fh:  # the BOM once, first
            for lo in range(0, max(len(frame), 1), CSV_ROWS):
                safe_cells(frame.iloc[lo:lo + CSV_ROWS]).to_csv(
                    fh, index=False, header=lo == 0, lineterminator="\n")

    return atomic_write(path, write)


def write_json(data: Any, path: Path) -> Path:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    return atomic_write(path, write)
