"""LibreOffice as the real spreadsheet application the tests open workbooks in.

`LibreOffice.recalc` (`kcopt.io.office`) converts workbooks headless with a fresh profile told
to recalculate every formula on load (OOXMLRecalcMode = always), then the tests read the values
LibreOffice computed with openpyxl (`data_only=True`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kcopt.io import office as kcopt_office
from kcopt.present.workbook import check

SOFFICE = kcopt_office.soffice()
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed here; .ci/run installs it "
    "with apt-get (libreoffice-calc), so these tests run in CI")
ERRORS = check.ERRORS  # what a spreadsheet shows in a cell it cannot compute
# the library's own runner, which `kcopt check-documents` uses too
LibreOffice = kcopt_office.LibreOffice


def as_shared(value: Any) -> Any:
    """What openpyxl reads of a text written as a shared string, from what it reads of the same
    text written inline: it undoes the escape of a text that reads as an escape
    (`_x005F_x0041_` is the text `_x0041_`) in a shared string only."""
    return value.replace("_x005F_", "_") if isinstance(value, str) else value


def formula_cells(path: Path) -> set[tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row
            if c.data_type == "f"}


def error_cells(wb: Any) -> list[tuple[str, str, str]]:
    return [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows()
            for c in row if isinstance(c.value, str) and c.value.startswith(ERRORS)]


def mismatches(expected: dict[tuple[str, str], Any], wb: Any) -> list[tuple[str, str, Any, Any]]:
    """Cells whose recalculated value differs from kcopt's (relative tolerance 1e-6)."""
    bad = []
    for (sheet, ref), want in expected.items():
        got = wb[sheet][ref].value
        if isinstance(want, int | float) and not isinstance(want, bool):
            ok = isinstance(got, int | float) and math.isclose(got, want, rel_tol=1e-6,
                                                               abs_tol=1e-9)
        else:
            ok = got == want
        if not ok:
            bad.append((sheet, ref, want, got))
    return bad
