"""`kcopt solve SCENARIO --into FORM.xlsx` on the four layouts provinces publish (tests/forms.py):
A/B fund parts with "Cộng A/B" above or below their blocks, Roman sections only, districts as
group lines, and a flat list with one total row. Each copy is written by the real command,
recalculated in LibreOffice, and checked against the plan (allocation.csv) and against the
blocks the form's builder knows, independently of kcopt's reader."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from forms import (
    Layout,
    counterpart_formulas,
    district_groups,
    flat_list,
    fund_sections,
    roman_sections,
)
from kcopt.cli import app
from kcopt.core.language import using
from kcopt.inputs.schema import read_projects

DONG = 1e-6  # one đồng in million VND: every total must agree to this

# layout → builder and the scenario's budgets (million VND) that leave some projects partly
# funded and some out, so a block that sums the wrong rows cannot agree by chance
LAYOUTS: dict[str, tuple[Callable[[Path], Layout], str]] = {
    "ab-above": (lambda p: fund_sections(p, "above"), "{central: 1200, local: {Hà Tĩnh: 600}}"),
    "ab-below": (lambda p: fund_sections(p, "below"), "{central: 1200, local: {Hà Tĩnh: 600}}"),
    "roman": (roman_sections, "{central: 0, local: {Nghệ An: 1000}}"),
    "district": (district_groups, "{central: 0, local: {Lâm Đồng: 900}}"),
    "flat": (flat_list, "{central: 0, local: {Quảng Trị: 500}}"),
}
PROPOSAL = "Đề xuất hỗ trợ (triệu đồng)"
_RANGE = re.compile(r"^([A-Z]+)(\d+):([A-Z]+)(\d+)$")


@dataclass
class Filled:
    layout: Layout
    copy: Path  # the workbook kcopt wrote
    recalculated: Path  # the same, recalculated by LibreOffice
    allocation: pd.DataFrame  # allocation.csv of the run


@pytest.fixture(scope="module")
def filled(libreoffice, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Filled]:
    """Each layout solved with `kcopt solve … --into`, the copies recalculated in one call."""
    root = tmp_path_factory.mktemp("into")
    layouts = {}
    for name, (builder, _budgets) in LAYOUTS.items():
        (root / "built").mkdir(exist_ok=True)
        layouts[name] = builder(root / "built" / f"{name}.xlsx")
        counterpart_formulas(layouts[name])
    # the planner's forms as their spreadsheet saved them: the formulas' values stored
    saved = libreoffice.recalc([lay.path for lay in layouts.values()], root / "saved")
    made: dict[str, tuple[Layout, Path, pd.DataFrame]] = {}
    for (name, (_builder, budgets)), path in zip(LAYOUTS.items(), saved, strict=True):
        folder = root / name
        folder.mkdir()
        layout = replace(layouts[name], path=shutil.copy(path, folder / path.name))
        scenario = folder / "kich-ban.yaml"
        scenario.write_text(f"name: {name}\nprojects: {layout.path.name}\nbudgets: {budgets}\n"
                            "min_fraction: 0.3\n", encoding="utf-8")
        out = folder / "out"
        result = CliRunner().invoke(app, ["solve", str(scenario), "-o", str(out), "--no-plots",
                                          "--into", str(layout.path)])
        assert result.exit_code == 0, result.output
        alloc = pd.read_csv(out / "allocation.csv", dtype={"project_id": str})
        made[name] = (layout, out / f"{name}-kcopt.xlsx", alloc)
    recalculated = libreoffice.recalc([m[1] for m in made.values()], root / "lo")
    return {name: Filled(lay, copy, again, alloc)
            for (name, (lay, copy, alloc)), again in zip(made.items(), recalculated,
                                                         strict=True)}


def _proposal_column(ws) -> int:
    return next(c.column for row in ws.iter_rows(max_row=12) for c in row
                if c.value == PROPOSAL)


def _ranges(formula: str) -> list[tuple[str, int, int]]:
    """The ranges of `=SUBTOTAL(9,Q12:Q14,…)` as (column, first row, last row)."""
    m = re.fullmatch(r"=SUBTOTAL\(9,([^()]+)\)", formula)
    assert m, f"not a SUBTOTAL over ranges: {formula}"
    out = []
    for part in m.group(1).split(","):
        r = _RANGE.match(part.replace("$", ""))
        assert r and r.group(1) == r.group(3), f"not a range of one column: {part}"
        out.append((r.group(1), int(r.group(2)), int(r.group(4))))
    return out


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_every_subtotal_covers_exactly_its_block(filled: dict[str, Filled], name: str) -> None:
    """The formula in each section, district, "Cộng …" and total row sums its block's project
    rows and nothing else: no reversed range, no range over its own cell, no project of
    another block; an empty block is 0, not a formula over nothing."""
    f = filled[name]
    ws = openpyxl.load_workbook(f.copy)[f.layout.sheet]
    col = _proposal_column(ws)
    letter = openpyxl.utils.get_column_letter(col)
    project_rows = set(f.layout.rows.values())
    formulas = {c.row: c.value for row in ws.iter_rows(min_col=col, max_col=col) for c in row
                if isinstance(c.value, str) and c.value.startswith("=")}
    assert set(formulas) <= set(f.layout.blocks), "a formula outside the form's total rows"
    for row, ids in f.layout.blocks.items():
        label = ws.cell(row, 2).value
        want = {f.layout.rows[pid] for pid in ids}
        if not want:
            assert ws.cell(row, col).value == 0, (row, label, ws.cell(row, col).value)
            continue
        ranges = _ranges(formulas[row])
        covered: set[int] = set()
        for column, lo, hi in ranges:
            assert column == letter, (row, label, formulas[row])
            assert lo <= hi, f"reversed range in row {row} ({label}): {formulas[row]}"
            assert not lo <= row <= hi, f"row {row} ({label}) sums itself: {formulas[row]}"
            covered |= set(range(lo, hi + 1))
        assert covered & project_rows == want, (row, label, formulas[row])
        # what else the ranges run over holds only SUBTOTALs (which SUBTOTAL skips), the 0 of
        # an empty section, or nothing
        for r in covered - project_rows:
            value = ws.cell(r, col).value
            assert value in (None, 0) or str(value).startswith("=SUBTOTAL("), (row, r, value)


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_no_formula_of_the_copy_refers_to_itself(filled: dict[str, Filled], name: str) -> None:
    """Every formula of every sheet of the copy (the form and the sheets kcopt appends): no
    range on its own sheet runs backwards or takes in the formula's own cell."""
    from openpyxl.utils import column_index_from_string as index

    wb = openpyxl.load_workbook(filled[name].copy)
    checked = 0
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if not (isinstance(c.value, str) and c.value.startswith("=")):
                    continue
                text = re.sub(r"'[^']*'![$A-Z0-9:]+|\b[A-Za-z_]\w*![$A-Z0-9:]+", "", c.value)
                for m in re.finditer(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?",
                                     text):
                    c1, r1 = index(m.group(1)), int(m.group(2))
                    c2, r2 = (index(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
                    assert c1 <= c2 and r1 <= r2, (ws.title, c.coordinate, c.value)
                    assert not (c1 <= c.column <= c2 and r1 <= c.row <= r2), (
                        ws.title, c.coordinate, c.value)
                    checked += 1
    assert checked >= len(filled[name].layout.blocks)


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_recalculated_copy_agrees_with_the_plan(filled: dict[str, Filled], name: str) -> None:
    """Recalculated by LibreOffice: no error cell; every total row equals the plan's amounts of
    its block, to one đồng, and so per fund, per content section, per province and in total."""
    from spreadsheet import error_cells

    f = filled[name]
    wb = openpyxl.load_workbook(f.recalculated, data_only=True)
    assert not error_cells(wb)
    ws = wb[f.layout.sheet]
    col = _proposal_column(ws)
    alloc = f.allocation.set_index("project_id")
    assert sorted(alloc.index) == sorted(f.layout.rows)
    got = {pid: float(ws.cell(r, col).value) for pid, r in f.layout.rows.items()}
    assert pd.Series(got)[alloc.index].to_numpy() == pytest.approx(
        alloc["total"].to_numpy(), abs=DONG)
    for row, ids in f.layout.blocks.items():
        value = ws.cell(row, col).value
        assert isinstance(value, int | float), (row, value)
        assert value == pytest.approx(alloc.loc[ids, "total"].sum(), abs=DONG), (
            row, ws.cell(row, 2).value)
    kinds = f.layout.kinds
    for row, kind in kinds.items():
        value = ws.cell(row, col).value
        if kind.startswith("fund:"):  # A = KCQG allocated, B = KCĐP allocated
            level = kind.split(":")[1]
            assert value == pytest.approx(alloc[level].sum(), abs=DONG), kind
        elif kind.startswith("content:"):
            _c, fund, category = kind.split(":")
            level = {"A": "central", "B": "local", "": None}[fund]
            rows = alloc[(alloc["category"] == category)
                         & ((alloc["level"] == level) if level else True)]
            assert value == pytest.approx(rows["total"].sum(), abs=DONG), kind
        elif kind == "total":
            assert value == pytest.approx(alloc["total"].sum(), abs=DONG)
            assert value == pytest.approx(alloc["central"].sum() + alloc["local"].sum(),
                                          abs=DONG)
    assert "total" in kinds.values()
    by_province = pd.Series(got).groupby(alloc["province"]).sum()
    assert by_province.to_dict() == pytest.approx(
        alloc.groupby("province")["total"].sum().to_dict(), abs=DONG)
    assert alloc["total"].sum() > 0 and (alloc["total"] < alloc["cap"] - 1).any()


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_copy_reads_back_as_the_form(filled: dict[str, Filled], name: str) -> None:
    """`kcopt validate` of the written copy finds the form's projects and amounts, and no note
    the form itself did not give (the proposal and note columns are not read as data)."""
    f = filled[name]
    ok = CliRunner().invoke(app, ["validate", str(f.copy)])
    assert ok.exit_code == 0, ok.output
    assert f"ok: {len(f.layout.expected)} projects; 0 ineligible" in ok.output
    with using("vi"):
        original, back = read_projects(f.layout.path), read_projects(f.copy)
    assert {"counterpart", "total_cost", "requested"} <= set(original.frame.columns)
    pd.testing.assert_frame_equal(back.frame[original.frame.columns], original.frame)
    assert [e.project_id for e in f.layout.expected] == list(original.frame["project_id"])

    def said(p: object) -> str:
        return str(p).replace(str(f.copy), "FILE").replace(str(f.layout.path), "FILE")

    assert [said(w) for w in back.warnings] == [said(w) for w in original.warnings]
    # what kcopt wrote is stored with its value, for readers that do not recalculate
    values = openpyxl.load_workbook(f.copy, data_only=True)[f.layout.sheet]
    col = _proposal_column(values)
    for row, ids in f.layout.blocks.items():
        assert values.cell(row, col).value == pytest.approx(
            f.allocation.set_index("project_id").loc[ids, "total"].sum(), abs=DONG), row


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_copy_keeps_the_planners_form(filled: dict[str, Filled], name: str) -> None:
    """The title block, every cell of the form, merged cells, print set-up, frozen panes and
    the other sheet are as the planner left them; the original file is untouched."""
    f = filled[name]
    original = openpyxl.load_workbook(f.layout.path)
    copy = openpyxl.load_workbook(f.copy)
    ws, ow = copy[f.layout.sheet], original[f.layout.sheet]
    for row in ow.iter_rows():
        for c in row:
            assert ws[c.coordinate].value == c.value, c.coordinate
    assert {str(m) for m in ow.merged_cells.ranges} <= {str(m) for m in ws.merged_cells.ranges}
    assert ws.print_title_rows == ow.print_title_rows == "$8:$10"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ow.page_setup.paperSize)
    assert ws.freeze_panes == ow.freeze_panes
    assert ws["A1"].font.b and ws["A4"].font.sz == 14
    notes, onotes = copy["Thuyết minh"], original["Thuyết minh"]
    assert [[c.value for c in r] for r in notes.iter_rows()] == [
        [c.value for c in r] for r in onotes.iter_rows()]
    assert {str(m) for m in notes.merged_cells.ranges} == {"A3:D3"}
    # and the values the planner's spreadsheet stored for their formulas
    stored = openpyxl.load_workbook(f.copy, data_only=True)["Thuyết minh"]["B1"].value
    assert stored == openpyxl.load_workbook(f.layout.path, data_only=True)[
        "Thuyết minh"]["B1"].value
    assert isinstance(stored, int | float) and stored > 0
    assert copy.sheetnames[:2] == original.sheetnames


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_stated_sums_are_checked_wherever_the_total_row_stands(tmp_path: Path,
                                                                name: str) -> None:
    """The reader checks a "Cộng …" or "Tổng cộng" row's amounts against its whole block, even
    when the row stands above it: the forms' sums are right, so nothing is said; a wrong sum
    above its block is still said."""
    layout = LAYOUTS[name][0](tmp_path / f"{name}.xlsx")
    with using("vi"):
        notes = [str(w) for w in read_projects(layout.path).warnings]
    assert not [n for n in notes if "bên dưới cộng lại" in n]
    sums = [r for r, kind in layout.kinds.items() if kind in ("sub", "total")]
    wb = openpyxl.load_workbook(layout.path)
    ws = wb[layout.sheet]
    ws.cell(sums[0], 8).value = ws.cell(sums[0], 8).value + 1
    wb.save(layout.path)
    with using("vi"):
        notes = [str(w) for w in read_projects(layout.path).warnings]
    wrong = [n for n in notes if "bên dưới cộng lại" in n]
    assert len(wrong) == 1 and f"dòng {sums[0]}" in wrong[0], notes


def test_a_split_block_sums_in_libreoffice(libreoffice, tmp_path: Path) -> None:
    """When a project of another block stands inside a block's rows, its SUBTOTAL is split
    around it (and around its own row), and LibreOffice sums the pieces, skipping the
    SUBTOTALs inside."""
    from kcopt.present.workbook.into import block_ranges, subtotal_formula

    wb = openpyxl.Workbook()
    ws = wb.active
    projects = {3: 10.5, 4: 20.25, 6: 1000.0, 7: 30.0, 9: 40.125}  # row → proposal
    for r, v in projects.items():
        ws.cell(r, 2, v)
    inner = block_ranges(5, [3, 4], set(projects))
    ws["B5"] = "=" + subtotal_formula(2, inner)  # an inner subtotal
    # 6 belongs elsewhere, 8 is the outer subtotal itself; 5 (the inner one) between 4 and 7
    outer = block_ranges(8, [3, 4, 7, 9], set(projects))
    assert outer == [(3, 4), (7, 7), (9, 9)]
    ws["B8"] = "=" + subtotal_formula(2, outer)
    wb.save(tmp_path / "split.xlsx")
    (out,) = libreoffice.recalc([tmp_path / "split.xlsx"], tmp_path / "lo")
    got = openpyxl.load_workbook(out, data_only=True).active
    assert got["B5"].value == pytest.approx(30.75)
    assert got["B8"].value == pytest.approx(10.5 + 20.25 + 30.0 + 40.125)
    ws["B8"] = "=SUBTOTAL(9,B3:B7,B9:B9)"  # a range over the inner subtotal: skipped too
    wb.save(tmp_path / "over.xlsx")
    (out,) = libreoffice.recalc([tmp_path / "over.xlsx"], tmp_path / "lo")
    assert openpyxl.load_workbook(out, data_only=True).active["B8"].value == pytest.approx(
        10.5 + 20.25 + 1000.0 + 30.0 + 40.125)


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_check_documents_finds_the_copy_agrees(filled: dict[str, Filled], name: str,
                                               libreoffice) -> None:
    """`kcopt check-documents` on the run's folder: the --into copy (and the other documents)
    recalculated and compared with the plan, project by project and block by block."""
    from kcopt.present.workbook.check import check_documents

    check = check_documents(filled[name].copy.parent, office=libreoffice)
    assert f"{name}-kcopt.xlsx" in check.documents
    assert check.ok, "\n".join(d.line() for d in check.disagreements[:20])
    assert not [n for n in check.notes if "no proposal column" in n or "không tìm thấy" in n]
