"""What the published plans of the corpus (tests/corpus/plans2.py) showed the form reader did not
read, each in the smallest form that shows it: a support column worded as a decision words it,
a province on the agency's second line or in the decision line, a flat approval list whose
project names carry the content type, and a count of beneficiaries for a ceiling per brand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corpus.sheet import body, header, new_sheet, title_block
from forms import messages
from kcopt.core.errors import InputError
from kcopt.core.vocabulary import canonical_column
from kcopt.inputs.schema import Projects, read_projects

pytestmark = pytest.mark.usefixtures("vietnamese")

MACHINERY = "Hỗ trợ ứng dụng máy móc, thiết bị tiên tiến vào sản xuất cốm"


def _form(path: Path, agency: tuple[str, str], title: str, decision: str, heads: list[str],
          rows: list[list[Any]], unit: str = "ĐVT: triệu đồng") -> Path:
    wb, ws = new_sheet("Phụ lục")
    r = title_block(ws, agency, title, decision, unit, len(heads))
    body(ws, header(ws, r, heads), rows, len(heads))
    wb.save(path)
    return path


def _read(path: Path) -> Projects:
    try:
        return read_projects(path)
    except InputError as exc:
        pytest.fail(messages(exc.problems))


@pytest.mark.parametrize("heading", [
    "Kinh phí KCQG hỗ trợ", "Kinh phí KCĐP hỗ trợ",
    "Kinh phí hỗ trợ từ nguồn khuyến công địa phương",
    "Kinh phí hỗ trợ từ nguồn khuyến công quốc gia", "Kinh phí khuyến công tỉnh hỗ trợ"])
def test_a_support_column_worded_as_decisions_word_it(heading: str) -> None:
    assert canonical_column(heading) == "requested"
    assert canonical_column(heading + " (triệu đồng)") == "requested"


def _approval(tmp_path: Path, agency: tuple[str, str], decision: str,
              rows: list[list[Any]] | None = None) -> Path:
    """An approval decision's list, as Vĩnh Long's 980/QĐ-UBND of 2022 is published: no section,
    no content column, amounts in đồng (its support heading is tested above)."""
    return _form(tmp_path / "qd.xlsx", agency, "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2022",
                 decision, ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí hỗ trợ"],
                 rows or [[1, MACHINERY, "Hộ kinh doanh lò cốm Xuân Phượng", "56.250.000"]],
                 "ĐVT: đồng")


SECTIONED = [["I", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến"],
             [1, MACHINERY, "Hộ kinh doanh lò cốm Xuân Phượng", "56.250.000"]]


def test_the_province_on_the_agencys_second_line(tmp_path: Path) -> None:
    read = _read(_approval(tmp_path, ("ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"), "", SECTIONED))
    assert read.frame["province"].tolist() == ["Vĩnh Long"]
    assert read.frame["requested"].tolist() == [56.25]


def test_the_province_in_the_decision_line(tmp_path: Path) -> None:
    read = _read(_approval(tmp_path, ("ỦY BAN NHÂN DÂN", "SỞ TÀI CHÍNH"),
                           "(Kèm theo Quyết định số 980/QĐ-UBND ngày 23/5/2022 của UBND tỉnh "
                           "Vĩnh Long)", SECTIONED))
    assert read.frame["province"].tolist() == ["Vĩnh Long"]


def test_a_project_under_no_section_takes_the_type_its_name_names(tmp_path: Path) -> None:
    read = _read(_approval(tmp_path, ("ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"), ""))
    assert read.frame["category"].tolist() == ["machinery"]
    said = messages(read.warnings)
    assert "không nằm dưới mục nội dung nào" in said and MACHINERY[:40] in said


def test_a_project_under_no_section_whose_name_names_no_type_is_asked(tmp_path: Path) -> None:
    path = _approval(tmp_path, ("ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"), "",
                     [[1, "Đề án của hộ kinh doanh Xuân Phượng", "Xuân Phượng", "56.250.000"]])
    with pytest.raises(InputError) as exc:
        read_projects(path)
    said = messages(exc.value.problems)
    assert "không có cột 'Nội dung'" in said and "mục La Mã" in said


def test_a_count_of_beneficiaries_multiplies_a_ceiling_per_brand(tmp_path: Path) -> None:
    """"3 hộ kinh doanh" designing packaging is three brands (ceiling per brand); "3 doanh
    nghiệp" sharing one demonstration model is still one model."""
    path = _form(tmp_path / "nhom.xlsx", ("UBND TỈNH VĨNH LONG", "SỞ CÔNG THƯƠNG"),
                 "KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2022", "",
                 ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Tổng kinh phí",
                  "Kinh phí hỗ trợ"],
                 [["I", "Hỗ trợ xây dựng thương hiệu, thiết kế mẫu mã bao bì"],
                  [1, "Hỗ trợ thiết kế mẫu mã, bao bì đóng gói", "3 hộ kinh doanh", 220, 109],
                  ["II", "Xây dựng mô hình trình diễn kỹ thuật"],
                  [1, "Mô hình trình diễn kỹ thuật sấy trái cây", "3 doanh nghiệp", 1500, 400]])
    frame = _read(path).frame
    assert frame["establishments"].tolist() == [3, 1]


def test_the_rows_skipped_are_said_in_vietnamese(tmp_path: Path) -> None:
    """The column-number row, a subtotal and a blank row of a published form, said to a
    Vietnamese planner in Vietnamese (they were English f-strings); the subtotal row, part of
    the annex's structure, is counted in the one line that describes the structure."""
    rows = [*SECTIONED, [], [2, "Hỗ trợ ứng dụng máy móc thiết bị sấy trái cây", "HTX Chánh An",
                             "195.750.000"], [None, "Tổng cộng", None, "252.000.000"]]
    said = messages(_read(_approval(tmp_path, ("UBND TỈNH VĨNH LONG", ""), "", rows)).warnings)
    assert "bỏ qua dòng đánh số cột ((1), (2), (3), (4), …)" in said
    assert "1 dòng cộng" in said and "Tổng cộng" not in said
    assert "bỏ qua 1 dòng trống" in said
    assert "skipped (" not in said
