"""LibreOffice as the real spreadsheet application the tests open workbooks in.

`LibreOffice.recalc` converts workbooks headless with a fresh profile told to recalculate every
formula on load (OOXMLRecalcMode = always), then the tests read the values LibreOffice computed
with openpyxl (`data_only=True`).
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed here; .ci/run installs it "
    "with apt-get (libreoffice-calc), so these tests run in CI")
ERRORS = ("#REF!", "#VALUE!", "#NAME?", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:", "#ERR")
_ALWAYS_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOffice:
    def __init__(self, profile: Path):
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_ALWAYS_RECALC,
                                                                    encoding="utf-8")
        self.profile = profile

    def recalc(self, files: list[Path], outdir: Path) -> list[Path]:
        """Open each workbook in LibreOffice, recalculate, save as .xlsx into `outdir`."""
        assert SOFFICE is not None
        outdir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [SOFFICE, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
             "--norestore", "--convert-to", "xlsx", "--outdir", str(outdir),
             *map(str, files)], capture_output=True, text=True, timeout=600)
        out = [outdir / f.with_suffix(".xlsx").name for f in files]
        missing = [p for p in out if not p.exists()]
        assert not missing, f"LibreOffice did not convert {missing}: {proc.stdout}{proc.stderr}"
        return out


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
