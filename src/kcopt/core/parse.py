"""Cell parsers: amounts, flags, fractions, enumerations — vectorised over a column of text.

Each parser returns the parsed values and a boolean mask of cells it could not read, so the
validator can report every bad cell at once.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from kcopt.core.text import fold

_VN_THOUSANDS = re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")  # 1.200 / 1.200,5
_EN_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,200 / 1,200.5
_SPACED = re.compile(r"^-?\d{1,3}( \d{3})+([.,]\d+)?$")  # 1 200
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")  # 1200,5

TRUE_WORDS = {"1", "x", "yes", "y", "true", "co", "dung", "v", "1.0", "✓", "✔", "☑"}
FALSE_WORDS = {"0", "no", "n", "false", "khong", "sai", "0.0", "-"}


def parse_number_text(text: str, thousands: bool = True) -> float | None:
    """Read a number typed as text, in Vietnamese or English style. With `thousands` (money
    columns) "1.200" is read as 1,200; elsewhere (scores, shares) as 1.2.

    >>> parse_number_text("1.200,5"), parse_number_text("1,200"), parse_number_text("1 200")
    (1200.5, 1200.0, 1200.0)
    >>> parse_number_text("87.125", thousands=False), parse_number_text("0.500")
    (87.125, 0.5)
    >>> parse_number_text("NaN"), parse_number_text("Infinity"), parse_number_text("1e400")
    (None, None, None)
    """
    t = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    for suffix in ("trieu dong", "trieu", "tr", "million", "vnd", "đ"):
        if fold(t).endswith(" " + suffix):
            t = t[: len(t) - len(suffix)].strip()
    if thousands and _VN_THOUSANDS.match(t):
        return float(t.replace(".", "").replace(",", "."))
    try:
        value = float(t)
    except ValueError:
        pass
    else:  # "NaN", "inf", "Infinity" and "1e400" are no amount
        return value if math.isfinite(value) else None
    if _EN_THOUSANDS.match(t):
        return float(t.replace(",", ""))
    if _SPACED.match(t):
        return float(t.replace(" ", "").replace(",", "."))
    if _DECIMAL_COMMA.match(t):
        return float(t.replace(",", "."))
    return None


def vn_thousands(text: pd.Series) -> np.ndarray:
    """Cells like "1.200" or "12.500.000": read with '.' as the Vietnamese thousands separator."""
    return text.str.match(_VN_THOUSANDS.pattern).to_numpy(bool)


def parse_numbers(col: pd.Series, thousands: bool = False) -> tuple[np.ndarray, np.ndarray,
                                                                      np.ndarray]:
    """Numbers from text cells → (values with NaN for blanks, bad mask, blank mask).

    `thousands`: a money column, where "1.200" is 1,200 (Vietnamese thousands separator)."""
    text = col.astype(str).str.strip()
    blank = (text == "").to_numpy()
    values = np.array(pd.to_numeric(text.where(~blank, "nan"), errors="coerce"), dtype=float)
    bad = ~np.isfinite(values) & ~blank  # NaN, inf, 1e400 typed in a cell are bad cells
    if thousands:
        bad |= vn_thousands(text)  # "1.200" is 1,200 in Vietnamese, not 1.2
    cells = text.to_numpy(dtype=object)
    for i in np.flatnonzero(bad):
        parsed = parse_number_text(str(cells[i]), thousands)
        if parsed is not None:
            values[i] = parsed
            bad[i] = False
    return values, bad, blank


def parse_flags(col: pd.Series, fractional: bool) -> tuple[np.ndarray, np.ndarray]:
    """0/1, x, yes/no, có/không (and 0–1 when `fractional`) → (values, bad mask). Blank is 0."""
    values, bad, blank = parse_numbers(col)
    values[blank] = 0.0
    cells = col.astype(str).to_numpy(dtype=object)
    for i in np.flatnonzero(bad):  # only cells that are not numbers need reading as words
        word = fold(cells[i])
        if word in TRUE_WORDS:
            values[i], bad[i] = 1.0, False
        elif word in FALSE_WORDS:
            values[i], bad[i] = 0.0, False
    ok = ~bad
    if fractional:
        bad |= ok & ((values < 0) | (values > 1))
    else:
        bad |= ok & ~np.isin(values, (0.0, 1.0))
    return values, bad


def parse_enum(col: pd.Series, table: dict[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Map folded text through `table` → (values, bad mask, blank mask); works per unique value."""
    text = col.astype(str).str.strip()
    uniques = pd.unique(text)
    mapping = {u: table.get(fold(u)) for u in uniques}
    values = text.map(mapping).to_numpy(object)
    blank = (text == "").to_numpy()
    bad = pd.isna(values) & ~blank
    return values, bad, blank
