"""`kcopt template`: the drafting workbook, its drop-downs and formats — and a template filled in
by a script is a valid project list that solves, and takes the allocation back with --into."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.core.geo import load_geography
from kcopt.inputs.schema import canonical_column
from kcopt.present.workbook.template import DATA_SHEET, FIELDS, HELP_SHEET, LISTS_SHEET, RULES_SHEET
from kcopt.present.workbook.xlsx import write_into
from kcopt.rules.rates import load_rules
from spreadsheet import error_cells, mismatches

runner = CliRunner()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ke-hoach.xlsx"
    res = runner.invoke(app, ["template", str(path)])
    assert res.exit_code == 0, res.output
    return path


def _column(ws, name: str) -> int:
    return next(j for j, f in enumerate(FIELDS, 1) if f.name == name)


def fill(template: Path, out: Path) -> Path:
    """Fill the template as a planner's script would: Vietnamese names from the drop-downs,
    yes/no written as có/không/x/1, amounts as numbers and as Vietnamese number text."""
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    rows = [
        {"project_id": "LD-01", "name": "Máy sấy cà phê", "province": "Lâm Đồng",
         "category": "Ứng dụng máy móc thiết bị tiên tiến", "level": "Trung ương",
         "total_cost": 1200, "requested": 500, "appraisal": 85, "green": "có",
         "digital": "không", "sector": "agro_food_processing", "typical_product": "cấp tỉnh"},
        {"project_id": "LD-02", "name": "Mô hình sản xuất sạch hơn chè", "province": "Lâm Đồng",
         "category": "Mô hình thí điểm áp dụng sản xuất sạch hơn", "level": "Trung ương",
         "total_cost": "1.500", "appraisal": 70, "green": "x", "note": "chuyển tiếp 2025"},
        {"project_id": "SL-01", "name": "Trình diễn chế biến chè", "province": "Sơn La",
         "category": "Mô hình trình diễn kỹ thuật", "level": "Trung ương", "total_cost": 2500,
         "appraisal": 90, "disadvantaged_area": "có", "women_or_ethnic_owned": 1},
        {"project_id": "SL-02", "name": "Xử lý ô nhiễm cụm công nghiệp", "province": "Sơn La",
         "category": "Xử lý ô nhiễm môi trường cụm công nghiệp", "level": "Địa phương",
         "funds": "Địa phương", "total_cost": "2.000,5", "appraisal": 60, "year": 2026},
    ]
    for i, row in enumerate(rows):
        for name, value in row.items():
            ws.cell(5 + i, _column(ws, name), value)
    wb.save(out)
    return out


def test_template_sheets_headers_and_views(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [DATA_SHEET, HELP_SHEET, RULES_SHEET, LISTS_SHEET]
    ws = wb[DATA_SHEET]
    assert [c.value for c in ws[3]] == [f.vi for f in FIELDS]
    assert [c.value for c in ws[4]] == [f.en for f in FIELDS]
    assert ws.freeze_panes == "C5"
    assert ws.auto_filter.ref == "A4:X304"
    money = _column(ws, "total_cost")
    assert ws.cell(5, money).number_format == "#,##0.0"
    assert ws.cell(304, money).number_format == "#,##0.0"
    assert ws.cell(5, _column(ws, "project_id")).number_format == "@"


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_every_header_reads_as_its_column(field) -> None:
    expected = None if field.name == "note" else field.name
    assert canonical_column(field.vi) == expected
    assert canonical_column(field.en) in (expected, None)


def test_drop_downs_and_the_lists_behind_them(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    lists = wb[LISTS_SHEET]

    def values(name: str) -> list[str]:
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        assert sheet == LISTS_SHEET
        return [c.value for row in lists[ref.replace("$", "")] for c in row]

    assert sorted(values("DS_TINH")) == sorted(load_geography().provinces)
    assert len(values("DS_TINH")) == 34
    assert values("DS_NOIDUNG") == [r.name_vi for r in load_rules().rules.values()]
    assert values("DS_CAP") == ["Trung ương", "Địa phương"]
    assert values("DS_COKHONG") == ["có", "không"]
    by_formula: dict[str, str] = {}
    for dv in ws.data_validations.dataValidation:
        by_formula[dv.formula1] = f"{by_formula.get(dv.formula1, '')} {dv.sqref}".strip()
    letter = {f.name: openpyxl.utils.get_column_letter(j) for j, f in enumerate(FIELDS, 1)}
    assert by_formula["DS_TINH"] == f"{letter['province']}5:{letter['province']}304"
    assert by_formula["DS_NOIDUNG"] == f"{letter['category']}5:{letter['category']}304"
    assert by_formula["DS_CAP"] == f"{letter['level']}5:{letter['level']}304"
    assert f"{letter['green']}5:{letter['green']}304" in by_formula["DS_COKHONG"]
    strict = {dv.formula1: dv.errorStyle for dv in ws.data_validations.dataValidation}
    assert strict["DS_TINH"] in (None, "stop") and strict["DS_COKHONG"] == "information"
    rules = wb[RULES_SHEET]
    table = load_rules().table()
    assert rules.cell(5, 1).value == table["category"].iat[0]
    assert rules.max_row == 4 + len(table)
    assert "kcopt validate" in " ".join(str(c.value) for c in wb[HELP_SHEET]["A"])


def test_filled_template_validates_solves_and_takes_the_allocation_back(
        template: Path, tmp_path: Path) -> None:
    filled = fill(template, tmp_path / "ke-hoach.xlsx")
    projects = kcopt.read_projects(filled)
    f = projects.frame
    assert f["project_id"].tolist() == ["LD-01", "LD-02", "SL-01", "SL-02"]
    assert f["category"].tolist() == ["machinery", "cleaner_production", "demo_model",
                                      "ccn_pollution_treatment"]
    assert f["total_cost"].tolist() == [1200.0, 1500.0, 2500.0, 2000.5]
    assert f["green"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert f["typical_product"].iat[0] == "provincial"
    assert projects.extra_columns == ["Ghi chú"]
    assert not [w for w in projects.warnings if "blank" in w.message]  # unused rows are silent
    scenario = {"name": "Mẫu điền sẵn", "projects": filled.name,
                "budgets": {"central": 800, "local": {"Sơn La": 400}}}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(scenario, allow_unicode=True),
                                     encoding="utf-8")
    before = filled.read_bytes()
    res = runner.invoke(app, ["validate", str(filled)])
    assert res.exit_code == 0 and "ok: 4 projects" in res.output, res.output
    res = runner.invoke(app, ["solve", str(tmp_path / "s.yaml"), "-o", str(tmp_path / "out"),
                              "--no-plots", "--into", str(filled)])
    assert res.exit_code == 0, res.output
    assert filled.read_bytes() == before
    wb = openpyxl.load_workbook(tmp_path / "out" / "ke-hoach-kcopt.xlsx")
    ws = wb[DATA_SHEET]
    first_new = len(FIELDS) + 1
    assert ws.cell(3, first_new).value == "Điểm ưu tiên"
    assert ws.cell(4, first_new).value == "Priority score"
    assert ws.cell(8, first_new + 3).value == 400  # SL-02: all of Sơn La's local budget
    assert len(ws.data_validations.dataValidation) >= 10  # the drop-downs survive the copy


def test_template_refuses_to_overwrite_and_odd_names(template: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["template", str(template)])
    assert res.exit_code == 1 and "exists already" in res.output and "--force" in res.output
    before = template.read_bytes()
    res = runner.invoke(app, ["template", str(template), "--force"])
    assert res.exit_code == 0 and template.read_bytes() == before  # reproducible, too
    res = runner.invoke(app, ["template", str(tmp_path / "t.xls")])
    assert res.exit_code == 1 and ".xlsx" in res.output
    res = runner.invoke(app, ["template", str(tmp_path / "t.xlsx"), "--rows", "0"])
    assert res.exit_code == 1 and "--rows" in res.output
    empty = runner.invoke(app, ["validate", str(template)])
    assert empty.exit_code == 1 and "no projects below the header (row 4)" in empty.output


def test_template_and_filled_copy_open_cleanly_in_libreoffice(libreoffice, template: Path,
                                                               tmp_path: Path) -> None:
    filled = fill(template, tmp_path / "filled.xlsx")
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(
        {"name": "t", "projects": filled.name, "budgets": {"central": 800}},
        allow_unicode=True), encoding="utf-8")
    run = kcopt.run(tmp_path / "s.yaml")
    copy, book, _ = write_into(run, filled, tmp_path / "copy.xlsx")
    converted = libreoffice.recalc([template, copy], tmp_path / "lo")
    for path in converted:
        wb = openpyxl.load_workbook(path, data_only=True)
        assert not error_cells(wb), error_cells(wb)[:5]
    wb = openpyxl.load_workbook(converted[1], data_only=True)
    assert not mismatches(book.expected, wb)
