"""`kcopt check-documents`: every workbook of an output folder recalculated in LibreOffice and
compared with the plan, figure by figure — and every kind of fault it must catch, planted."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.present.workbook.base import SHEETS
from kcopt.present.workbook.check import check_documents
from spreadsheet import needs_soffice

pytestmark = [needs_soffice, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "out"
    kcopt.run(kcopt.load_scenario(kcopt.demo_scenario_path()), out=out)
    return out


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    return target


def test_the_demo_documents_agree_with_the_plan(demo_out: Path, libreoffice) -> None:
    """allocation.xlsx and annex.xlsx of the demo, recalculated: every project, fund, province,
    content and subtotal figure equals the plan's to 1 đồng, with no error cell."""
    check = check_documents(demo_out, office=libreoffice)
    assert check.recalculated
    assert check.documents == ["allocation.xlsx", "annex.xlsx"]
    assert check.ok, "\n".join(d.line() for d in check.disagreements[:20])
    alloc = pd.read_csv(demo_out / "allocation.csv")
    # each project's three amounts on the allocation sheet, and both funds of each in the annex
    assert check.figures > 3 * len(alloc) + 2 * len(alloc)


def test_a_changed_amount_is_named_with_its_cell(demo_out: Path, tmp_path: Path,
                                                 libreoffice) -> None:
    folder = _copy(demo_out, tmp_path)
    path = folder / "allocation.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["allocation"]]
    row = next(r for r in range(5, ws.max_row) if (ws.cell(r, 10).value or 0) > 0)
    pid, before = ws.cell(row, 1).value, ws.cell(row, 10).value
    ws.cell(row, 10).value = before + 1
    wb.save(path)
    check = check_documents(folder, office=libreoffice)
    named = [d for d in check.disagreements if d.cell == f"J{row}"]
    assert named and named[0].expected == pytest.approx(before) and named[0].got == before + 1
    assert pid in named[0].what
    # the province, content and fund totals that sum it disagree too
    sheets = {d.sheet for d in check.disagreements}
    assert {SHEETS["province"], SHEETS["category"], SHEETS["fund"]} <= sheets


def test_circular_and_reversed_subtotals_are_named(demo_out: Path, tmp_path: Path,
                                                   libreoffice) -> None:
    """A subtotal that holds its own cell and one over a reversed range: both named by cell, with
    the figure that no longer sums its block; a SUM holding its own cell (a circular reference,
    which SUBTOTAL is spared since it skips subtotals) shows LibreOffice's error, named too."""
    folder = _copy(demo_out, tmp_path)
    path = folder / "annex.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    formulas = [c for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=SUBTOTAL")]
    first, last = formulas[0], formulas[-1]
    first.value = f"=SUBTOTAL(9,{first.column_letter}{first.row}:{first.column_letter}"\
                  f"{first.row + 3})"
    last.value = f"=SUBTOTAL(9,{last.column_letter}{last.row - 1}:{last.column_letter}" \
                 f"{last.row - 5})"
    wb.save(path)
    book = openpyxl.load_workbook(folder / "allocation.xlsx")
    book[SHEETS["province"]]["G5"].value = "=SUM(G5:G6)"
    book.save(folder / "allocation.xlsx")
    check = check_documents(folder, office=libreoffice)
    said = [(d.cell, d.what) for d in check.disagreements]
    assert any(c == first.coordinate and "own cell" in w for c, w in said)
    assert any(c == first.coordinate and "project rows" in w for c, w in said)
    assert any(c == last.coordinate and "reversed" in w for c, w in said)
    circular = [d.what for d in check.disagreements
                if d.document == "allocation.xlsx" and d.cell == "G5"]
    assert any("own cell" in w for w in circular) and any("error" in w for w in circular)


def test_cli_exit_codes(demo_out: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["--lang", "en", "check-documents", str(demo_out)])
    assert ok.exit_code == 0, ok.output
    assert "agree with the plan" in ok.output
    folder = _copy(demo_out, tmp_path)
    wb = openpyxl.load_workbook(folder / "allocation.xlsx")
    ws = wb[SHEETS["fund"]]
    # the budget untouched, the central fund's allocated figure changed
    ws["D5"].value = 1
    wb.save(folder / "allocation.xlsx")
    bad = runner.invoke(app, ["--lang", "en", "check-documents", str(folder)])
    assert bad.exit_code == 1, bad.output
    assert "D5" in bad.output and "disagree" in bad.output
    vi = runner.invoke(app, ["--lang", "vi", "check-documents", str(folder), "--show", "1"])
    assert vi.exit_code == 1
    assert "không khớp" in vi.output


@pytest.mark.parametrize("scenario", ["demo-mip.yaml", "demo-2026-2030.yaml"])
def test_the_mip_and_five_year_demos_documents_agree(scenario: str, tmp_path: Path,
                                                     libreoffice) -> None:
    """The MIP demo (all-or-nothing grants, minimum shares, prerequisites, exclusive groups)
    and the 2026–2030 programme (start years, windows, disbursement profiles): both documents
    agree with the plan, and allocation.xlsx reads back with the inputs those plans rest on."""
    from kcopt.inputs.schema import read_projects

    out = tmp_path / "out"
    r = kcopt.run(kcopt.load_scenario(kcopt.demo_scenario_path().parent / scenario), out=out,
                  plots=False)
    check = check_documents(out, office=libreoffice)
    assert check.recalculated and check.documents == ["allocation.xlsx", "annex.xlsx"]
    assert check.ok, "\n".join(d.line() for d in check.disagreements[:20])
    back = read_projects(out / "allocation.xlsx").frame.set_index("project_id")
    inputs = r.model.projects.set_index("project_id")
    assert back.index.tolist() == inputs.index.tolist()
    keys = ["all_or_nothing", "min_fraction", "requires", "group"] if "mip" in scenario else \
        ["year", "latest_year", "profile"]
    for key in ["total_cost", "requested", "funds", "establishments", *keys]:
        want, got = inputs[key], back[key]
        same = (want.isna() & got.isna()) | (want.astype(object) == got.astype(object))
        assert same.all(), (key, want[~same].head(3).tolist(), got[~same].head(3).tolist())
