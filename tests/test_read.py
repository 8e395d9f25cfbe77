"""Reading and validating project lists: headers, spellings, every bad cell at once."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import kcopt
from kcopt.core.errors import InputError
from kcopt.core.parse import parse_number_text
from kcopt.inputs.schema import canonical_column

GOOD = [
    {"Mã đề án": "P-1", "Tên đề án": "Máy sấy chè", "Tỉnh/Thành phố": "Lâm Đồng",
     "Nội dung": "Ứng dụng máy móc thiết bị tiên tiến", "Tổng kinh phí": "800",
     "Điểm thẩm định": "80", "Cấp": "Trung ương"},
    {"Mã đề án": "P-2", "Tên đề án": "Dệt thổ cẩm", "Tỉnh/Thành phố": "Bình Dương",
     "Nội dung": "machinery", "Tổng kinh phí": "1.200", "Điểm thẩm định": "70",
     "Cấp": "central"},
]


def write_csv(path: Path, rows: list[dict]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("header,expected", [
    ("Mã đề án", "project_id"), ("MA DE AN", "project_id"), ("project id", "project_id"),
    ("Tên đề án", "name"), ("Tỉnh/Thành phố", "province"), ("Tinh / thanh pho", "province"),
    ("Nội dung", "category"), ("Tổng kinh phí (triệu đồng)", "total_cost"),
    ("Kinh phí đề nghị hỗ trợ", "requested"), ("Điểm thẩm định", "appraisal"),
    ("Total cost", "total_cost"), ("Ghi chú", None),
])
def test_headers_vietnamese_english_and_variants(header: str, expected: str | None) -> None:
    assert canonical_column(header) == expected
    assert canonical_column(unicodedata.normalize("NFD", header)) == expected


@pytest.mark.parametrize("spelling,expected", [
    ("Lâm Đồng", "Lâm Đồng"), ("Lam Dong", "Lâm Đồng"), ("tỉnh lâm đồng", "Lâm Đồng"),
    ("TP HCM", "Thành phố Hồ Chí Minh"), ("TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("Ho Chi Minh", "Thành phố Hồ Chí Minh"), ("Bình Dương", "Thành phố Hồ Chí Minh"),
    ("Hà Giang", "Tuyên Quang"), ("Thua Thien Hue", "Huế"), ("Đắk Nông", "Lâm Đồng"),
])
def test_province_spellings(tmp_path: Path, spelling: str, expected: str) -> None:
    rows = [dict(GOOD[0], **{"Tỉnh/Thành phố": unicodedata.normalize("NFD", spelling)})]
    projects = kcopt.read_projects(write_csv(tmp_path / "p.csv", rows))
    assert projects.frame["province"].iat[0] == expected


def test_reads_vietnamese_file_and_warns_on_old_names(tmp_path: Path) -> None:
    projects = kcopt.read_projects(write_csv(tmp_path / "p.csv", GOOD))
    f = projects.frame
    assert list(f["project_id"]) == ["P-1", "P-2"]
    assert list(f["category"]) == ["machinery", "machinery"]
    assert list(f["total_cost"]) == [800.0, 1200.0]  # "1.200" is Vietnamese for 1,200
    assert list(f["level"]) == ["central", "central"]
    assert f["region"].tolist() == ["CH", "SE"]
    old = [w for w in projects.warnings if "Bình Dương" in w.message]
    assert old and "merged into 'Thành phố Hồ Chí Minh'" in old[0].message
    assert "row(s): 3" in old[0].message


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    rows = [dict(r) for r in GOOD] + [dict(GOOD[0]) for _ in range(3)]
    rows[2].update({"Mã đề án": "P-3", "Tổng kinh phí": "-1.200"})
    rows[3].update({"Mã đề án": "P-4", "Tỉnh/Thành phố": "Atlantis", "Điểm thẩm định": "140"})
    rows[4].update({"Mã đề án": "P-1", "Nội dung": "space program"})
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as info:
        kcopt.read_projects(path)
    problems = info.value.problems
    cells = {(p.row, p.column) for p in problems}
    assert (4, "Tổng kinh phí") in cells          # negative cost, row 4 of the file
    assert (5, "Tỉnh/Thành phố") in cells         # unknown province
    assert (5, "Điểm thẩm định") in cells         # appraisal out of range
    assert (6, "Nội dung") in cells               # unknown content type
    assert (6, "Mã đề án") in cells and (2, "Mã đề án") in cells  # duplicate id, both rows
    text = str(info.value)
    assert "bad.csv" in text and "'-1.200'" in text and "Atlantis" in text
    neg = next(p for p in problems if p.row == 4)
    assert neg.project_id == "P-3" and neg.fix


def test_missing_required_column_names_aliases(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k != "Tổng kinh phí"} for r in GOOD]
    with pytest.raises(InputError) as info:
        kcopt.read_projects(write_csv(tmp_path / "p.csv", rows))
    assert "total_cost" in str(info.value) and "tổng kinh phí" in str(info.value)


def test_xlsx_with_title_rows_and_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Ghi chú"
    ws = wb.create_sheet("Danh mục")
    ws.append(["SỞ CÔNG THƯƠNG TỈNH LÂM ĐỒNG"])
    ws.append(["Biểu số 01"])
    ws.append(["DANH MỤC ĐỀ ÁN KHUYẾN CÔNG NĂM 2026"])
    ws.append([])
    headers = list(GOOD[0])
    ws.append(headers)
    for r in GOOD:
        ws.append([float(r[h]) if h in ("Tổng kinh phí", "Điểm thẩm định") and "." not in r[h]
                   else r[h] for h in headers])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    projects = kcopt.read_projects(f"{path}#Danh mục")
    assert projects.file_rows == [6, 7]
    assert projects.frame["total_cost"].tolist() == [800.0, 1200.0]
    with pytest.raises(InputError, match=r"no sheet named 'Nope'.*Danh mục"):
        kcopt.read_projects(path, sheet="Nope")


def test_bad_files_get_clear_messages(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"not an Excel 97–2003 \(\.xls\) workbook.*save it again"):
        kcopt.read_projects(tmp_path / "old.xls")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty"):
        kcopt.read_projects(tmp_path / "empty.csv")
    (tmp_path / "noheader.csv").write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="no header row"):
        kcopt.read_projects(tmp_path / "noheader.csv")
    with pytest.raises(InputError, match="not found"):
        kcopt.read_projects(tmp_path / "missing.csv")


@pytest.mark.parametrize("text,value", [("1200", 1200.0), ("1.200", 1200.0),
                                        ("1.200,5", 1200.5), ("1,200", 1200.0),
                                        ("1 200", 1200.0), ("1200,5", 1200.5),
                                        ("1.5", 1.5), ("800 triệu đồng", 800.0), ("abc", None)])
def test_number_text(text: str, value: float | None) -> None:
    assert parse_number_text(text) == value


def test_flags_and_enums_in_words(tmp_path: Path) -> None:
    rows = [dict(GOOD[0], **{"Sản xuất sạch hơn": "x", "Chuyển đổi số": "có",
                             "Kinh tế tuần hoàn": "0.5", "Sản phẩm CNNT tiêu biểu": "cấp tỉnh",
                             "Nguồn vốn": "Cả hai"})]
    f = kcopt.read_projects(write_csv(tmp_path / "p.csv", rows)).frame
    assert (f["green"].iat[0], f["digital"].iat[0], f["circular"].iat[0]) == (1.0, 1.0, 0.5)
    assert f["typical_product"].iat[0] == "provincial"
    assert f["funds"].iat[0] == "both"


def test_extra_columns_are_carried_through(tmp_path: Path) -> None:
    rows = [dict(r, **{"Ghi chú": "chuyển tiếp"}) for r in GOOD]
    projects = kcopt.read_projects(write_csv(tmp_path / "p.csv", rows))
    assert projects.extra_columns == ["Ghi chú"]


def test_demo_reads_with_only_known_columns_and_notes() -> None:
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    projects = kcopt.read_projects(sc.projects)
    assert len(projects) == 800
    assert projects.extra_columns == ["Ghi chú"]
    assert len(set(projects.frame["province"])) == 34


# --- real workbooks: merged and two-row headers, subtotals, encrypted files ----------------------

from workbooks import government_form  # noqa: E402


def test_government_form_with_merged_two_row_header_and_subtotals(tmp_path: Path) -> None:
    projects = kcopt.read_projects(government_form(tmp_path / "form.xlsx"))
    f = projects.frame
    assert list(f["project_id"]) == ["P-1", "P-2", "P-3", "P-4"]
    assert projects.file_rows == [9, 10, 11, 14]
    assert f["total_cost"].tolist() == [1200.0, 1500.0, 900.0, 1000.5]
    assert f["requested"].tolist() == [600.0, 450.5, 300.0, 400.0]
    assert f["province"].tolist() == ["Lâm Đồng"] * 3 + ["Đắk Lắk"]  # merged D9:D11
    assert f["green"].tolist() == [1.0, 0.0, 1.0, 1.0]
    assert projects.extra_columns == ["STT"]
    text = "\n".join(str(w) for w in projects.warnings)
    assert "row 12: subtotal row skipped ('Cộng I')" in text
    assert "row 15: subtotal row skipped ('Tổng cộng')" in text
    assert "row 8: section heading skipped" in text
    assert "row 7: row of column numbers skipped" in text
    assert "blank row(s) skipped (row 13)" in text
    assert "merged cells D9:D11: read 'Lâm Đồng' into each of their 3 rows" in text
    assert "'Tổng kinh phí' (F6), 'Đề nghị hỗ trợ' (G6)" in text
    amb = next(w for w in projects.warnings if "'1.200'" in w.message)
    assert (amb.row, amb.column, amb.project_id) == (9, "Tổng kinh phí", "P-1")


def test_parent_header_without_merge_and_bilingual_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã đề án", "Tên đề án", "Tỉnh", "Nội dung", "Kinh phí (triệu đồng)", None, "Cấp"])
    ws.append([None, None, None, None, "Tổng kinh phí", "Kinh phí đề nghị hỗ trợ", None])
    ws.append(["P-1", "Máy sấy", "Sơn La", "machinery", 900, 300, "Trung ương"])
    ws.append(["Mã đề án", "x", "y", "z"])  # no: a data row may not look like a header
    wb.save(tmp_path / "p.xlsx")
    with pytest.raises(InputError):  # the stray last row is an error, proving rows are read
        kcopt.read_projects(tmp_path / "p.xlsx")
    ws.delete_rows(4)
    wb.save(tmp_path / "p.xlsx")
    f = kcopt.read_projects(tmp_path / "p.xlsx").frame
    assert (f["total_cost"].iat[0], f["requested"].iat[0], f["level"].iat[0]) == (
        900.0, 300.0, "central")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã đề án", "Tên đề án", "Tỉnh/Thành phố", "Nội dung", "Tổng kinh phí", "Ghi chú"])
    ws.append(["Project ID", "Project name", "Province", "Content type", "Total cost", "Notes"])
    ws.append(["P-1", "Máy sấy", "Sơn La", "machinery", "1,200", "a"])
    wb.save(tmp_path / "b.xlsx")
    projects = kcopt.read_projects(tmp_path / "b.xlsx")
    assert projects.file_rows == [3]
    assert projects.extra_columns == ["Ghi chú"]  # the Vietnamese label names the column
    assert projects.frame["total_cost"].iat[0] == 1200.0
    assert any("'1,200' as 1,200 million (',' as thousands separator" in w.message
               for w in projects.warnings)


def test_merged_amount_is_read_once_and_said(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã đề án", "Tên đề án", "Tỉnh/Thành phố", "Nội dung", "Tổng kinh phí"])
    ws.append(["P-1", "a", "Sơn La", "machinery", 900])
    ws.append(["P-2", "b", "Sơn La", "machinery", None])
    ws.merge_cells("E2:E3")
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(InputError) as info:
        kcopt.read_projects(tmp_path / "m.xlsx")
    assert any(p.row == 3 and "total cost is empty" in p.message for p in info.value.problems)
    assert any("merged cells E2:E3: '900' is read for row 2 only; row 3 is left" in w.message
               for w in info.value.warnings)


def test_encrypted_and_disguised_workbooks(tmp_path: Path) -> None:
    encrypted = Path(__file__).parent / "data" / "encrypted.xlsx"  # password "kcopt"
    with pytest.raises(InputError, match="password-protected") as info:
        kcopt.read_projects(encrypted)
    assert "unprotected copy" in str(info.value)
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError, match=r"old Excel 97–2003 workbook \(.xls format\)"):
        kcopt.read_projects(tmp_path / "old.xlsx")
    (tmp_path / "text.xlsx").write_text("Mã đề án,Tên đề án\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"not an \.xlsx workbook \(the file is a text file"):
        kcopt.read_projects(tmp_path / "text.xlsx")
    (tmp_path / "p.ods").write_bytes(b"PK")
    with pytest.raises(InputError, match=r"not an OpenDocument \(\.ods\) spreadsheet"):
        kcopt.read_projects(tmp_path / "p.ods")


def test_sheets_chosen_found_and_missing(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Hướng dẫn"
    wb.active["A1"] = "Điền danh mục ở sheet sau"
    ws = wb.create_sheet("Danh mục")
    ws.append(list(GOOD[0]))
    ws.append(list(GOOD[0].values()))
    wb.create_sheet("Trống")
    path = tmp_path / "w.xlsx"
    wb.save(path)
    projects = kcopt.read_projects(path)  # the first sheet holds no table: the next one does
    assert projects.sheet == "Danh mục"
    assert any("first sheet 'Hướng dẫn' holds no project table" in w.message
               for w in projects.warnings)
    projects = kcopt.read_projects(f"{path}#danh muc")  # case and accents forgiven, and said
    assert projects.sheet == "Danh mục"
    assert any("no sheet named exactly 'danh muc'" in w.message for w in projects.warnings)
    with pytest.raises(InputError, match=r"no sheet named 'Kế hoạch'.*Hướng dẫn, Danh mục, Trống"):
        kcopt.read_projects(path, sheet="Kế hoạch")
    with pytest.raises(InputError, match="sheet 'Trống' is empty"):
        kcopt.read_projects(path, sheet="Trống")
    with pytest.raises(InputError, match=r"no header row .* sheet 'Hướng dẫn'.*'Điền danh mục"):
        kcopt.read_projects(path, sheet="Hướng dẫn")
    blank = openpyxl.Workbook()
    blank.create_sheet("Sheet2")
    blank.save(tmp_path / "blank.xlsx")
    with pytest.raises(InputError, match=r"the workbook is empty \(every sheet: Sheet, Sheet2\)"):
        kcopt.read_projects(tmp_path / "blank.xlsx")
    header_only = openpyxl.Workbook()
    header_only.active.append(list(GOOD[0]))
    header_only.save(tmp_path / "h.xlsx")
    with pytest.raises(InputError, match=r"no projects below the header \(row 1\)"):
        kcopt.read_projects(tmp_path / "h.xlsx")


def test_formula_without_saved_value_is_reported(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã đề án", "Tên đề án", "Tỉnh/Thành phố", "Nội dung", "Tổng kinh phí",
               "Kinh phí đề nghị hỗ trợ"])
    ws.append(["P-1", "a", "Sơn La", "machinery", 900, "=E2*0.3"])
    wb.save(tmp_path / "f.xlsx")
    projects = kcopt.read_projects(tmp_path / "f.xlsx")
    w = next(w for w in projects.warnings if "never saved" in w.message)
    assert "F2" in w.message and w.column == "Kinh phí đề nghị hỗ trợ"


def test_scenario_sheet_key(tmp_path: Path) -> None:
    government_form(tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "form.xlsx")
    wb.move_sheet("Ghi chú", offset=-1)  # the projects are no longer on the first sheet
    wb.save(tmp_path / "form.xlsx")
    (tmp_path / "s.yaml").write_text(
        "name: t\nprojects: form.xlsx\nsheet: Danh mục\nbudgets: {central: 500}\n"
        "rate_overrides: [{category: machinery, fund: local, rate: 0.5, cap: 300}]\n",
        encoding="utf-8")
    r = kcopt.run(tmp_path / "s.yaml")
    assert r.projects.sheet == "Danh mục" and len(r.projects) == 4


def test_a_first_project_that_reads_like_a_header_is_a_project(tmp_path):
    """The first project's texts can all be header words — content "Chuyển đổi số" (the
    digital column's name), level and funds "Địa phương" (a province-column alias): it was
    read as a second header row and silently dropped (the demo's Huế list lost P-0069 this
    way in `kcopt consolidate`). A row holding amounts is a project."""
    path = tmp_path / "hue.csv"
    path.write_text("Mã đề án,Tên đề án,Tỉnh/Thành phố,Nội dung,Cấp,Nguồn vốn,Tổng kinh phí,"
                    "Kinh phí đề nghị hỗ trợ\n"
                    "P-0069,Chuyển đổi số: thêu ren,Huế,Chuyển đổi số,Địa phương,Địa phương,"
                    "339.0,154.0\n"
                    "P-0074,Thiết bị thêu,Huế,machinery,Địa phương,Địa phương,500,150\n",
                    encoding="utf-8")
    projects = kcopt.read_projects(path)
    assert list(projects.frame["project_id"]) == ["P-0069", "P-0074"]
    assert projects.file_rows == [2, 3]
