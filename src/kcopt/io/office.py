"""LibreOffice as the spreadsheet application kcopt's documents are checked in.

`LibreOffice.recalc` opens workbooks headless with a fresh profile told to recalculate every
formula on load (OOXMLRecalcMode = always), and saves them as .xlsx, so the values a planner's
spreadsheet application would show can be read back with openpyxl (`data_only=True`).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

from kcopt.core.errors import OutputError
from kcopt.core.words import _

_ALWAYS_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """The LibreOffice program on this machine, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class LibreOffice:
    """A headless LibreOffice with its own profile (so a planner's open LibreOffice window is
    neither used nor disturbed)."""

    def __init__(self, profile: Path | None = None, timeout: float = 600):
        program = soffice()
        if program is None:
            raise OutputError(_("LibreOffice is not installed, so the documents cannot be "
                                "recalculated. Install it (Debian/Ubuntu: apt-get install "
                                "libreoffice-calc) and run the command again"))
        self.program = program
        if profile is None:
            profile = Path(tempfile.mkdtemp(prefix="kcopt-lo-"))
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_ALWAYS_RECALC,
                                                                    encoding="utf-8")
        self.profile = profile
        self.timeout = timeout

    def recalc(self, files: list[Path], outdir: Path) -> list[Path]:
        """Open each workbook, recalculate every formula, save it as .xlsx into `outdir`
        (same file names). The inputs are not touched."""
        return self.convert(files, outdir, "xlsx")

    def convert(self, files: list[Path], outdir: Path, to: str) -> list[Path]:
        """Open each workbook (formulas recalculated) and save it into `outdir` in the format
        of suffix `to` ("xlsx", "xls" for Excel 97–2003, "ods"), same file names."""
        outdir.mkdir(parents=True, exist_ok=True)
        names = [f.with_suffix("." + to).name for f in files]
        if len(set(names)) != len(names):
            raise ValueError("two workbooks of one recalculation share a file name")
        proc = subprocess.run(
            [self.program, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
             "--norestore", "--convert-to", to, "--outdir", str(outdir),
             *map(str, files)], capture_output=True, text=True, timeout=self.timeout)
        out = [outdir / name for name in names]
        missing = [p.name for p in out if not p.exists()]
        if missing:
            raise OutputError(_("LibreOffice did not recalculate {files}: {why}").format(
                files=", ".join(missing), why=(proc.stderr or proc.stdout).strip()[:300]))
        return out

    def displayed(self, path: Path, outdir: Path) -> dict[str, list[list[str]]]:
        """Every sheet of a workbook as LibreOffice displays it (number formats applied): its
        CSV export of the formatted text, sheet title → rows."""
        outdir.mkdir(parents=True, exist_ok=True)
        # CSV filter: comma, quote, UTF-8, from row 1, …, cells as shown (9th), every sheet
        # (12th: -1), one file per sheet named <stem>-<sheet>.csv
        options = "44,34,76,1,,0,false,true,true,false,false,-1"
        proc = subprocess.run(
            [self.program, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
             "--norestore", "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}",
             "--outdir", str(outdir), str(path)], capture_output=True, text=True,
            timeout=self.timeout)
        sheets = {}
        for file in sorted(outdir.glob(f"{path.stem}-*.csv")):
            with file.open(encoding="utf-8", newline="") as fh:
                sheets[file.stem.removeprefix(f"{path.stem}-")] = list(csv.reader(fh))
        if not sheets:
            raise OutputError(_("LibreOffice did not recalculate {files}: {why}").format(
                files=path.name, why=(proc.stderr or proc.stdout).strip()[:300]))
        return sheets

