"""Forms as provinces publish them (issue 24, part 1): section titles in a province's own words,
a catch-all section, structure rows, group lines and the columns that vary from form to form.
Each form is built in tests/forms.py, read with no hand edit, and solved after `kcopt init`."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from forms import (
    CATCH_ALL,
    check_projects,
    district_names,
    flat_list,
    group_lines,
    national_list,
    numbered_beneath,
    own_words,
    units_in_charge,
)
from kcopt.cli import app
from kcopt.core.errors import InputError
from kcopt.inputs.schema import read_projects
from kcopt.io.formlayout import match_section, nearest_sections
from kcopt.outputs import run

pytestmark = pytest.mark.usefixtures("vietnamese")


def _text(problems) -> str:
    return "\n".join(str(p) for p in problems)


def _init_and_solve(tmp_path: Path, form: Path, *options: str) -> str:
    """`kcopt init FORM` (with `options`) then `kcopt solve` of the scenario it wrote; returns
    the solve's output."""
    runner = CliRunner()
    scenario = tmp_path / "kich-ban.yaml"
    made = runner.invoke(app, ["init", str(form), "-o", str(scenario), *options])
    assert made.exit_code == 0, made.output
    solved = runner.invoke(app, ["solve", str(scenario), "-o", str(tmp_path / "out"),
                                 "--no-plots"])
    assert solved.exit_code == 0, solved.output
    assert (tmp_path / "out" / "annex.xlsx").exists()
    return solved.output


# --- 1. content types by the regulation's vocabulary -----------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("HỖ TRỢ MÁY MÓC KỸ THUẬT TRONG SẢN XUẤT CÔNG NGHIỆP - TIỂU THỦ CÔNG NGHIỆP", "machinery"),
    ("TẬP HUẤN KHUYẾN CÔNG", "management_capacity"),
    ("NÂNG CAO NĂNG LỰC QUẢN LÝ VÀ TỔ CHỨC THỰC HIỆN HOẠT ĐỘNG KHUYẾN CÔNG",
     "capacity_building"),
    ("CUNG CẤP THÔNG TIN VỀ CHÍNH SÁCH PHÁT TRIỂN CÔNG NGHIỆP", "information"),
    ("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến", "machinery"),
    ("Nâng cao năng lực quản lý cho cơ sở công nghiệp nông thôn", "management_capacity"),
])
def test_titles_in_a_provinces_own_words(text: str, code: str) -> None:
    assert match_section(text) == code


def test_nearest_types_of_a_machinery_title_start_with_machinery() -> None:
    assert nearest_sections("HỖ TRỢ MÁY KỸ THUẬT TIÊN TIẾN")[0].startswith("machinery ")
    assert match_section(CATCH_ALL) is None


def test_a_plan_in_its_own_words_is_read_and_every_guess_said(tmp_path: Path) -> None:
    path, expected = own_words(tmp_path / "vinh-long.xlsx")
    projects = read_projects(path)
    check_projects(projects.frame, expected)
    text = _text(projects.warnings)
    assert ("dòng 10: mục I 'HỖ TRỢ MÁY MÓC KỸ THUẬT TRONG SẢN XUẤT CÔNG NGHIỆP - TIỂU TH' "
            "không dùng đúng tên nội dung theo quy định") in text
    assert "machinery (Ứng dụng máy móc thiết bị tiên tiến)" in text
    assert "dòng 16: mục II 'TẬP HUẤN KHUYẾN CÔNG'" in text
    assert "dòng 23: đề án 'Bình chọn sản phẩm" in text and "typical_product" in text
    _init_and_solve(tmp_path, path)


def test_a_content_column_in_a_provinces_own_words(tmp_path: Path) -> None:
    layout = flat_list(tmp_path / "quang-tri.xlsx")
    wb = openpyxl.load_workbook(layout.path)
    ws = wb[layout.sheet]
    own = {"Ứng dụng máy móc thiết bị tiên tiến": "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến",
           "Thông tin tuyên truyền": "Cung cấp thông tin về chính sách phát triển công nghiệp"}
    for r in range(12, 16):
        ws.cell(r, 11).value = own.get(ws.cell(r, 11).value, ws.cell(r, 11).value)
    wb.save(layout.path)
    projects = read_projects(layout.path)
    check_projects(projects.frame, layout.expected)
    assert ("cột 'Nội dung': 'Hỗ trợ ứng dụng máy móc thiết bị tiên tiến' được đọc là nội dung "
            "machinery (Ứng dụng máy móc thiết bị tiên tiến) (dòng 12, 14)") in _text(
                projects.warnings)
    _init_and_solve(tmp_path, layout.path)


# --- 2. a catch-all section -------------------------------------------------------------------


def test_a_catch_all_section_asks_for_the_scenario_line_and_accepts_it(tmp_path: Path) -> None:
    path, expected = own_words(tmp_path / "vinh-long.xlsx",
                               catch_all_name="Hỗ trợ các cơ sở ngành nghề nông thôn")
    with pytest.raises(InputError) as info:
        read_projects(path)
    (problem,) = info.value.problems
    assert (problem.row, problem.sheet) == (22, "Biểu 01") and str(path) in problem.file
    assert "mục V 'PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN'" in problem.message
    assert 'sections: {"PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN": typical_product}' in problem.fix
    # the title matched without case or diacritics
    projects = read_projects(path, sections={"phat trien cong nghiep nong thon":
                                             "typical_product", "Ngành nghề": "training"})
    check_projects(projects.frame, expected)
    assert "khóa 'sections:' của kịch bản ghi 'Ngành nghề', không phải tên mục nào" in _text(
        projects.warnings)
    assert '--section "PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN=' in problem.fix
    _init_and_solve(tmp_path, path, "--section", "Phát triển công nghiệp nông thôn="
                    "typical_product")
    written = (tmp_path / "kich-ban.yaml").read_text(encoding="utf-8")
    assert 'sections: {"Phát triển công nghiệp nông thôn": "typical_product"}' in written


def test_the_sections_key_names_a_known_content_type(tmp_path: Path) -> None:
    from kcopt.inputs.scenario import load_scenario

    path, _ = own_words(tmp_path / "vinh-long.xlsx")
    sc = tmp_path / "kb.yaml"
    sc.write_text(f"projects: {path.name}\nbudgets: {{central: 0, local: {{Vĩnh Long: 1000}}}}\n"
                  'sections: {"PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN": sản phẩm đẹp}\n',
                  encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(sc)
    (problem,) = info.value.problems
    assert "typical_product" in problem.fix and "machinery" in problem.fix


# --- 5. structure rows ------------------------------------------------------------------------


def test_district_rows_and_numbered_sub_rows_are_structure(tmp_path: Path) -> None:
    path, _ = own_words(tmp_path / "vinh-long.xlsx")
    projects = read_projects(path)
    names = projects.frame["name"].tolist()
    assert "Huyện Long Hồ" not in names and "Huyện Mang Thít" not in names
    assert projects.frame["Địa bàn"].tolist()[:3] == ["Huyện Long Hồ"] * 2 + ["Huyện Mang Thít"]
    text = _text(projects.warnings)
    assert "2 dòng địa bàn, 1 dòng cộng, 7 đề án" in text
    # the section row's stale subtotal is checked against its rows, not read as a project
    assert "ghi kinh phí hỗ trợ 800 nhưng 3 đề án bên dưới cộng lại 900" in text


@pytest.mark.parametrize("spelling", ["vi", "ascii", "nfd"])
def test_district_rows_numbered_in_the_name_cell_are_structure(tmp_path: Path,
                                                               spelling: str) -> None:
    """"1. Huyện Long Hồ" in the name cell, the STT cell empty: a district row, not a project
    whose amounts (the district's subtotal) would count its section's money twice; projects
    naming a place ("… tại huyện Long Hồ", "… xã Long Phước", "2. Xã An Bình: máy sấy")
    stay projects."""
    path, expected = district_names(tmp_path / "vinh-long.xlsx", spelling)
    projects = read_projects(path)
    check_projects(projects.frame, expected)
    frame = projects.frame
    places = {"vi": ["Huyện Long Hồ", "Thị xã Bình Minh", "Xã Long Phước"],
              "ascii": ["Huyen Long Ho", "Thi xa Binh Minh", "Xa Long Phuoc"]}
    districts = places.get(spelling, places["vi"])  # NFD read as composed
    assert not any(d in name for d in districts for name in frame["name"])
    assert [n.split(" ")[0] for n in frame["name"]] == ["Hỗ", "Ứng", "Ứng", "Mô", "2."]
    assert frame["Địa bàn"].tolist() == [districts[0]] * 2 + districts[1:] + districts[2:]
    assert (frame["total_cost"].sum(), frame["requested"].sum()) == (5100, 1550)  # TỔNG CỘNG
    text = _text(projects.warnings)
    assert "2 mục nội dung, 3 dòng địa bàn, 1 dòng cộng, 5 đề án" in text
    assert "cộng lại" not in text  # every district, section and the grand total agree
    if spelling == "vi":
        _init_and_solve(tmp_path, path)


def test_rows_numbered_beneath_a_row_make_it_a_heading_or_a_group(tmp_path: Path) -> None:
    path, expected = numbered_beneath(tmp_path / "dong-thap.xlsx")
    projects = read_projects(path)
    check_projects(projects.frame, expected)
    names = projects.frame["name"].tolist()
    for heading in ("Xã Mỹ Hiệp", "Phường Cao Lãnh", "Lĩnh vực chế biến thực phẩm",
                    "Cơ sở Sấy Tân Hồng 1"):
        assert heading not in names
    assert projects.frame["Địa bàn"].tolist()[:3] == ["Xã Mỹ Hiệp"] + ["Phường Cao Lãnh"] * 2
    text = _text(projects.warnings)
    assert "dòng 19: dòng nhóm đề án: 3 cơ sở đếm từ các dòng liệt kê bên dưới" in text
    assert "cộng lại" not in text  # every subtotal (ward, heading, group, total) agrees
    _init_and_solve(tmp_path, path)


# --- 6. group lines ---------------------------------------------------------------------------


def test_group_lines_count_their_establishments(tmp_path: Path) -> None:
    path, expected = group_lines(tmp_path / "ben-tre.xlsx")
    projects = read_projects(path)
    check_projects(projects.frame, expected)
    text = _text(projects.warnings)
    assert "dòng 12: dòng nhóm đề án: 7 cơ sở đọc từ '7 đề án hỗ trợ" in text
    assert "dòng 15: dòng nhóm đề án: 4 cơ sở đọc từ '4 doanh nghiệp'" in text
    _init_and_solve(tmp_path, path)


def test_a_19_project_machinery_line_is_capped_at_19_times_300(tmp_path: Path) -> None:
    path, _ = group_lines(tmp_path / "ben-tre.xlsx")
    sc = tmp_path / "kb.yaml"
    sc.write_text(f"projects: {path.name}\nbudgets: {{central: 0, local: {{Vĩnh Long: 20000}}}}\n",
                  encoding="utf-8")
    r = run(sc, out=tmp_path / "out", plots=False)
    alloc = r.allocation.set_index("project_id")
    assert alloc.loc["I.1", "cap"] >= 2440  # 19 × 300 = 5,700 and 50% of 6,100, not 300
    assert alloc.loc["I.1", "total"] == pytest.approx(2440)  # fully funded
    assert alloc.loc["I.2", "cap"] >= 1750  # 7 × 300 = 2,100
    assert alloc.loc["I.6", "cap"] == pytest.approx(200)


# --- more: columns that vary from form to form ------------------------------------------------


@pytest.mark.parametrize("source", ["citations", "funds", "mixed", "phrases", "cleared"])
def test_provinces_from_the_implementing_unit_and_any_source_column(tmp_path: Path,
                                                                    source: str) -> None:
    path, expected = units_in_charge(tmp_path / "danh-muc.xlsx", source)
    projects = read_projects(path)
    check_projects(projects.frame, expected)
    assert "đọc từ đơn vị thực hiện (cột 'Đơn vị thực hiện')" in _text(projects.warnings)
    if source in ("citations", "mixed"):  # a source column, kept as written
        assert "QĐ 1520/QĐ-BCT" in projects.frame["Nguồn"].tolist()
    if source == "phrases":  # the fund named in a phrase
        assert set(projects.frame["funds"]) == {"central"}
        said = "cột 'Nguồn': 'Kinh phí KCQG năm 2026' được đọc là 'central' (dòng 11, 12, 14)"
        assert said in _text(projects.warnings)
    _init_and_solve(tmp_path, path)


def test_a_coded_list_takes_provinces_from_the_implementing_unit(tmp_path: Path) -> None:
    """A list with its own codes and content column (not read by sections), no province
    column: each province from 'Đơn vị thực hiện', never one `province:` for all."""
    from forms import published

    path = published(tmp_path / "tong-hop.xlsx", ("BỘ CÔNG THƯƠNG", "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG"),
                     "TỔNG HỢP ĐỀ ÁN KHUYẾN CÔNG NĂM 2026", "ĐVT: triệu đồng",
                     ["Mã đề án", "Tên đề án", "Đơn vị thực hiện", "Nội dung", "Tổng kinh phí",
                      "Kinh phí đề nghị hỗ trợ"],
                     [["QN-01", "Ứng dụng máy sấy quế", "Trung tâm Khuyến công tỉnh Quảng Nam",
                       "machinery", 1200, 300],
                      ["BD-01", "Ứng dụng máy ép gạch", "Sở Công Thương Bình Định", "machinery",
                       900, 300]])
    projects = read_projects(path)
    assert projects.frame["province"].tolist() == ["Đà Nẵng", "Gia Lai"]
    assert "đọc từ đơn vị thực hiện (cột 'Đơn vị thực hiện')" in _text(projects.warnings)
    _init_and_solve(tmp_path, path)


def test_validate_a_form_whose_last_columns_were_cleared(tmp_path: Path) -> None:
    path, _ = national_list(tmp_path / "danh-muc.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for r in range(1, ws.max_row + 1):  # "Loại đề án" and "Ghi chú" emptied, merges kept
        for c in (11, 12):
            if type(ws.cell(r, c)).__name__ != "MergedCell":
                ws.cell(r, c).value = None
    wb.save(path)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "IndexError" not in result.output and "kịch bản" not in result.output
    _init_and_solve(tmp_path, path)


def test_an_internal_error_asks_for_the_file_read_not_a_scenario(capsys) -> None:
    """A command that read no scenario (`kcopt validate FILE`) asks for the file it read."""
    from kcopt.cli.common import user_errors

    @user_errors
    def command(file: Path) -> None:
        raise RuntimeError("hỏng")

    with pytest.raises(SystemExit) as info:
        command(file=Path("danh-muc.xlsx"))
    assert info.value.code == 4
    said = capsys.readouterr().err
    assert "lỗi nội bộ: RuntimeError: hỏng" in said
    assert "kèm tệp danh-muc.xlsx" in said and "kịch bản" not in said
