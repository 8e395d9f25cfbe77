"""Tests that kill the survivors of the mutation run over the annex writer and the form readers
(`python benchmarks/mutation.py --set documents --sample 40 --seed 2026`), each written as the
behaviour a planner relies on, with hand-worked expectations; openpyxl only (no LibreOffice).
The tests default to English (the language the suite runs in), so the notes are checked as
they read in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from forms import MACHINERY_OWN, VL_HEADS, coded_both_funds, published
from kcopt.core.errors import InputError
from kcopt.inputs.schema import read_projects
from kcopt.io.formvocab import ContentMatch, match_content

MACHINERY = "Ứng dụng máy móc thiết bị tiên tiến"
DECISION_HEADS = ["STT", "Tên đề án", "Đơn vị thực hiện", "Địa điểm thực hiện", "Tổng kinh phí",
                  "Kinh phí hỗ trợ"]


def _form(path: Path, agency: tuple[str, str], heads: list[str], rows: list[list[Any]],
          title: str = "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026") -> Path:
    return published(path, agency, title, "ĐVT: triệu đồng", heads, rows)


def _notes(problems: list[Any]) -> list[str]:
    return [str(p.message) for p in problems]


def test_a_form_with_its_own_codes_says_so_and_knows_each_projects_row(tmp_path: Path) -> None:
    """A form listing KB-1 under A (row 6) and again under B (row 9), and KB-2 under B (row
    10): the note says the ids come from the code column, e.g. KB-1, KB-2, and each project's
    row is its first line, where `--into` writes its proposal."""
    projects = read_projects(coded_both_funds(tmp_path / "bieu.xlsx"))
    assert projects.form is not None and projects.form.row_of == {"KB-1": 6, "KB-2": 10}
    assert _notes(projects.warnings)[0] == (
        "read as an official annex: 2 fund sections, 2 content sections, 0 district rows, "
        "0 subtotal rows, 2 projects; project ids from the id column (e.g. KB-1, KB-2)")


def test_a_refused_forms_notes_stay_warnings_beside_its_error(tmp_path: Path) -> None:
    """A form whose only project costs −1.000: the table of problems (`InputError.to_frame`)
    gives the cost as the one error and every note as a warning — the structure read, the
    section's stated total cost 1.000 against the −1.000 of its project, the fund from the
    title, the province from the title."""
    path = _form(tmp_path / "am.xlsx", ("UBND TỈNH VĨNH LONG", "SỞ CÔNG THƯƠNG"),
                 ["STT", "Tên đề án", "Địa điểm thực hiện", "Tổng kinh phí", "Kinh phí hỗ trợ"],
                 [["I", MACHINERY, None, 1000, 300], [1, "Máy sấy", "xã Long Phước", -1000, 300]])
    with pytest.raises(InputError) as info:
        read_projects(path)
    table = info.value.to_frame()
    assert table["severity"].tolist() == ["error", *["warning"] * 5]
    notes = table["message"].tolist()
    assert notes[0] == "must be a positive amount in million VND"
    assert notes[2] == ("read as an official annex: 0 fund sections, 1 content sections, "
                        "0 district rows, 0 subtotal rows, 1 projects; project ids by section "
                        "and number (e.g. I.1)")
    assert notes[3] == ("row 'Ứng dụng máy móc thiết bị tiên tiến' (section I) states total "
                        "cost 1,000 but the 1 project(s) below add up to -1,000; kcopt uses "
                        "each project's amount")


def test_under_a_provinces_title_a_place_naming_another_province_wins(tmp_path: Path) -> None:
    """Nghệ An's form: the project held in "tỉnh Hà Tĩnh" is in Hà Tĩnh (its 'Địa điểm'), the
    one in "xã Nghi Phú" in Nghệ An (the title); one note per source."""
    path = _form(tmp_path / "na.xlsx", ("UBND TỈNH NGHỆ AN", "SỞ CÔNG THƯƠNG"), DECISION_HEADS,
                 [["I", MACHINERY],
                  [1, "Máy sấy", "Trung tâm Khuyến công", "xã Nghi Phú", 500, 100],
                  [2, "Máy dệt", "Trung tâm Khuyến công", "tỉnh Hà Tĩnh", 300, 90]])
    projects = read_projects(path)
    assert projects.frame["province"].tolist() == ["Nghệ An", "Hà Tĩnh"]
    notes = _notes(projects.warnings)
    assert ("the table has no province column: the province of 1 project(s) (Nghệ An) is read "
            "from the title (UBND TỈNH NGHỆ AN) (rows 11)") in notes
    assert ("the table has no province column: the province of 1 project(s) (Hà Tĩnh) is read "
            "from the column 'Địa điểm' (rows 12)") in notes


def test_a_unit_named_for_a_former_province_places_its_project(tmp_path: Path) -> None:
    """Gia Lai's form after the 2025 merger: a project of "Sở Công Thương Bình Định" is in Gia
    Lai (Bình Định merged into it), one of "Sở Công Thương Đắk Nông" in Lâm Đồng — the
    implementing unit's name before the title's."""
    path = _form(tmp_path / "gl.xlsx", ("UBND TỈNH GIA LAI", "SỞ CÔNG THƯƠNG"), DECISION_HEADS,
                 [["I", MACHINERY], [1, "Máy sấy", "Sở Công Thương Bình Định", None, 500, 100],
                  [2, "Máy dệt", "Sở Công Thương Đắk Nông", None, 300, 90]])
    assert read_projects(path).frame["province"].tolist() == ["Gia Lai", "Lâm Đồng"]


FLAT_HEADS = ["Mã đề án", "Tên đề án", "Nội dung", "Đơn vị thực hiện", "Địa điểm thực hiện",
              "Tổng kinh phí", "Kinh phí đề nghị hỗ trợ"]


def _flat(path: Path, rows: list[list[Any]], heads: list[str] = FLAT_HEADS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "UBND TỈNH NGHỆ AN"
    ws["A3"] = "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026"
    ws["E4"] = "ĐVT: triệu đồng"
    for c, h in enumerate(heads, 1):
        ws.cell(5, c, h)
    for i, values in enumerate(rows, 6):
        for c, v in enumerate(values, 1):
            ws.cell(i, c, v)
    wb.save(path)
    return path


def test_a_list_with_codes_under_a_provinces_title_is_in_that_province(tmp_path: Path) -> None:
    """A list with codes and content types but no province column, under "UBND TỈNH NGHỆ AN":
    NA-1 ("xã Nghi Phú") is in Nghệ An, read from the title; NA-2 ("tỉnh Hà Tĩnh") in Hà Tĩnh;
    NA-3, of "Trung tâm Khuyến công Hà Tĩnh", in Hà Tĩnh. Each note names only its own
    provinces. Before, NA-1 was refused ("no such province; got ''") unless the scenario named
    the province, and the notes named every province found."""
    unit = "Trung tâm Khuyến công"
    path = _flat(tmp_path / "flat.xlsx", [
        ["NA-1", "Máy sấy", "machinery", unit, "xã Nghi Phú", 500, 100],
        ["NA-2", "Máy dệt", "machinery", unit, "tỉnh Hà Tĩnh", 300, 90],
        ["NA-3", "Máy ép", "machinery", "Trung tâm Khuyến công Hà Tĩnh", None, 200, 50]])
    projects = read_projects(path)
    assert projects.frame["province"].tolist() == ["Nghệ An", "Hà Tĩnh", "Hà Tĩnh"]
    head = "the table has no province column: the province of 1 project(s)"
    assert _notes(projects.warnings) == [
        f"{head} (Nghệ An) is read from the title (UBND TỈNH NGHỆ AN) (rows 6)",
        f"{head} (Hà Tĩnh) is read from the column 'Địa điểm' (rows 7)",
        f"{head} (Hà Tĩnh) is read from the implementing unit (column 'Đơn vị thực hiện') "
        "(rows 8)"]
    bare = _flat(tmp_path / "bare.xlsx", [["NA-1", "Máy sấy", "machinery", 500, 100]],
                 ["Mã đề án", "Tên đề án", "Nội dung", "Tổng kinh phí", "Kinh phí đề nghị hỗ trợ"])
    assert read_projects(bare).frame["province"].tolist() == ["Nghệ An"]


def test_a_title_weighing_more_training_words_than_machinery_ones_is_training() -> None:
    """"TẬP HUẤN, THAM QUAN KHẢO SÁT ỨNG DỤNG MÁY MÓC" names no content type in the
    regulation's words: its training words (tập huấn 2 + tham quan 2 + khảo sát 1 = 5)
    outweigh its machinery ones (máy móc 3 + ứng dụng 1 = 4), so it is guessed as
    management capacity and said to be a guess."""
    assert match_content("TẬP HUẤN, THAM QUAN KHẢO SÁT ỨNG DỤNG MÁY MÓC") == ContentMatch(
        "management_capacity", False, ("tập huấn", "tham quan", "khảo sát"))


def test_a_district_written_beside_its_number_is_a_district_row(tmp_path: Path) -> None:
    """Vĩnh Long's form with the district row "1 | | Huyện Long Hồ" (its name in the column
    after the empty name cell) over projects 1.1 and 1.2: one district row, two projects
    numbered beneath it, its subtotal checked."""
    rows = [["I", MACHINERY_OWN, None, None, None, 2000, 600],
            [1, None, "Huyện Long Hồ", None, None, 2000, 600],
            ["1.1", "Ứng dụng máy sấy bánh tráng", "Trung tâm Khuyến công", "Cơ sở Út Hiền",
             "xã Long Phước", 1200, 300],
            ["1.2", "Ứng dụng máy ép gạch", "Trung tâm Khuyến công", "Công ty Gạch",
             "xã Phước Hậu", 800, 300],
            [None, "TỔNG CỘNG", None, None, None, 2000, 600]]
    path = _form(tmp_path / "vl.xlsx", ("UBND TỈNH VĨNH LONG", "SỞ CÔNG THƯƠNG"), VL_HEADS,
                 [[*r, None] for r in rows])
    projects = read_projects(path)
    assert projects.frame["project_id"].tolist() == ["I.1.1.1", "I.1.1.2"]
    assert ("read as an official annex: 0 fund sections, 1 content sections, 1 district rows, "
            "1 subtotal rows, 2 projects; project ids by section and number (e.g. I.1.1.1, "
            "I.1.1.2)") in _notes(projects.warnings)


def test_a_form_without_a_name_column_is_refused_with_the_column_to_add(tmp_path: Path) -> None:
    """A form whose columns are STT, unit, place and amounts (no project name): one clear
    error naming the column to add, not a crash."""
    path = _form(tmp_path / "ten.xlsx", ("UBND TỈNH VĨNH LONG", "SỞ CÔNG THƯƠNG"),
                 ["STT", "Đơn vị thực hiện", "Địa điểm thực hiện", "Tổng kinh phí",
                  "Kinh phí hỗ trợ"],
                 [["I", MACHINERY, None, 1000, 300],
                  [1, "Trung tâm Khuyến công", "xã Long Phước", 1000, 300]])
    with pytest.raises(InputError) as info:
        read_projects(path)
    (problem,) = info.value.problems
    assert (problem.column, str(problem.message)) == ("name", "required column missing")
    assert "tên đề án" in str(problem.fix)
