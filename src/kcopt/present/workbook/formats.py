"""Number formats and cell helpers of the planner's workbooks (`allocation.xlsx` and the sheets
of a `--into` copy), shared by both backends and the fast row writer.

Every number format is tagged Vietnamese, `[$-42A]`, as the annex's are (`workbook.annex`):
LibreOffice takes a format's separators from its language, so the amounts show 1.450,5 and the
shares 45,5% wherever the workbook is opened there; Excel takes separators from the computer's
regional settings whatever the tag (1.450,5 on a computer set to Vietnamese, 1,450.5 on one set
to English). An amount is written without decimals when it is whole to the đồng and with as
many as it has (up to six: the đồng) otherwise (`shown`), so nothing the plan holds is hidden.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

VIETNAMESE = "[$-42A]"
MONEY = VIETNAMESE + "#,##0.0#####"
MONEY_WHOLE = VIETNAMESE + "#,##0"
# a change against an approved plan: +50 for an increase, -50 for a decrease
SIGNED = VIETNAMESE + "+#,##0.0#####;" + VIETNAMESE + "-#,##0.0#####;" + VIETNAMESE + "0"
SIGNED_WHOLE = VIETNAMESE + "+#,##0;" + VIETNAMESE + "-#,##0;" + VIETNAMESE + "0"
PERCENT = VIETNAMESE + "0.0%"
COUNT = VIETNAMESE + "#,##0"
SCORE = VIETNAMESE + "0.0000"
PRICE = VIETNAMESE + "0.000000"
SHARE = VIETNAMESE + "0.00"  # a criterion's value, 0–1
PER_1000 = VIETNAMESE + "0.000"
PROJECTS = VIETNAMESE + '#,##0" đề án / projects"'
INPUT_MONEY = "#,##0.0"  # the template's empty input cells (`workbook.template`)
LINE_HEIGHT = 15.0  # points per line of 11-point Calibri


WHOLE = {MONEY: MONEY_WHOLE, SIGNED: SIGNED_WHOLE}  # a format → its twin for whole amounts


def form_formats(wb: Any, base: dict[str, Any]) -> dict[str, Any]:
    """The cell formats every official form kcopt writes shares (annex, national list): the
    agency and motto block, the unit line, the two-row header and its column numbers, plain
    and centred body cells."""
    return {
        "agency": wb.add_format({**base, "bold": True, "align": "center"}),
        "motto": wb.add_format({**base, "bold": True, "align": "center", "underline": 1}),
        "italic": wb.add_format({**base, "italic": True, "align": "center"}),
        "unit": wb.add_format({**base, "italic": True, "align": "right"}),
        "head": wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True,
                               "border": 1}),
        "num": wb.add_format({**base, "italic": True, "align": "center", "border": 1,
                              "font_size": 10}),
        "cell": wb.add_format({**base, "border": 1, "text_wrap": True}),
        "center": wb.add_format({**base, "border": 1, "align": "center"}),
    }


def whole_amount(value: Any) -> bool:
    """A number whole to the đồng: written without decimals."""
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value) and abs(value - round(value)) < 5e-7


def shown(fmt: str | None, value: Any) -> str | None:
    """The format a cell holding `value` gets: a whole amount without decimals."""
    return WHOLE[fmt] if fmt in WHOLE and whole_amount(value) else fmt


def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped heading takes in a column `width` characters wide (bold or italic
    letters about 1.15 characters wide; words kept whole unless longer than a line)."""
    room = max(1, int((max(width, 1) - 1) / 1.15))
    lines, used = 1, 0
    for word in str(text).split():
        n = len(word)
        if used and used + 1 + n > room:
            lines, used = lines + 1, 0
        if n > room:
            lines += (used + n - 1) // room
            used = (used + n) % room or room
        else:
            used += n + (1 if used else 0)
    return lines


def quote_sheetname(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def plain(value: Any) -> Any:
    """NumPy scalars to Python; NaN to an empty cell."""
    if value is None:
        return None
    if type(value) is float:
        if math.isfinite(value):
            return value
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if type(value) is str or type(value) is int:
        return value
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None if np.isnan(value) else ("inf" if value > 0 else "-inf")
    if value is pd.NA or value is pd.NaT:
        return None
    return value
