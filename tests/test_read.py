"""Reading and validating project lists: headers, spellings, every bad cell at once."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import kcopt
from kcopt.errors import InputError
from kcopt.parse import parse_number_text
from kcopt.schema import canonical_column

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
    with pytest.raises(InputError, match=r"save as \.xlsx"):
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
