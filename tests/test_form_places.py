"""A national list with no province column: the province of each project read from the pre-2025
commune or district in "Địa điểm thực hiện" (through the gazetteer of vietnam-address-converter)
or from the implementing unit; a name found in two provinces is a question, never a guess; a row
stating only its support gets a total cost from the support rate (docs/contract.md §9)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forms import MACHINERY, PLACE_ROWS, check_projects, messages, national_places
from kcopt.cli import app
from kcopt.core.errors import InputError
from kcopt.core.gazetteer import load_gazetteer
from kcopt.core.geo import load_geography
from kcopt.inputs.schema import read_projects
from kcopt.rules.rates import load_rules


@pytest.mark.usefixtures("vietnamese")
def test_every_province_is_read_from_the_commune_district_or_unit(tmp_path: Path) -> None:
    path, expected = national_places(tmp_path / "danh-muc.xlsx")
    projects = read_projects(path)
    check_projects(projects.frame, expected, establishments=False)
    text = messages(projects.warnings)
    # each inference names its row and the unit it came from
    assert "dòng 10: địa điểm 'xã Tiên Mỹ, huyện Tiên Phước' ghi Xã Tiên Mỹ (Quảng Nam, nay " \
           "Đà Nẵng)" in text
    assert "dòng 12: địa điểm 'TT La Hai, huyện Đồng Xuân' ghi Thị Trấn La Hai (Phú Yên, nay " \
           "Đắk Lắk)" in text
    assert "đơn vị thực hiện (cột 'Đơn vị thực hiện') (dòng 16)" in text


@pytest.mark.usefixtures("vietnamese")
def test_support_only_row_gets_its_cost_from_the_national_rate(tmp_path: Path) -> None:
    path, _e = national_places(tmp_path / "danh-muc.xlsx")
    projects = read_projects(path)
    rate = load_rules().national("demo_model", "central").level.rate
    row = projects.frame.set_index("project_id").loc["II.3"]
    assert row["total_cost"] == pytest.approx(450 / rate)
    assert "dòng 16: dòng chỉ ghi kinh phí hỗ trợ (450.000.000)" in messages(projects.warnings)


PHONG_DIEN = [["I", MACHINERY],
              [1, "Ứng dụng máy xay xát gạo", "Trung tâm Khuyến công", "huyện Phong Điền",
               "1.000.000.000", "300.000.000"]]


@pytest.mark.usefixtures("vietnamese")
def test_a_district_in_two_provinces_is_a_question_naming_both(tmp_path: Path) -> None:
    path, _e = national_places(tmp_path / "phong-dien.xlsx", PHONG_DIEN)
    with pytest.raises(InputError) as info:
        read_projects(path)
    (problem,) = info.value.problems
    assert problem.row == 10 and problem.code == "province_ambiguous"
    assert "Thị Xã Phong Điền (Thừa Thiên Huế, nay Huế)" in problem.message
    assert "Huyện Phong Điền (Cần Thơ)" in problem.message
    assert "'huyện Phong Điền, Cần Thơ'" in problem.fix
    assert "'huyện Phong Điền, Thừa Thiên Huế'" in problem.fix
    assert "cột tỉnh" in problem.fix


@pytest.mark.parametrize(("place", "unit", "given", "province"), [
    ("huyện Phong Điền", "Trung tâm Khuyến công Cần Thơ", None, "Cần Thơ"),
    ("huyện Phong Điền", "Trung tâm Khuyến công", "Huế", "Huế"),
    ("xã Phong Hiền, huyện Phong Điền", "Trung tâm Khuyến công", None, "Huế"),
    ("huyện Phong Điền, Cần Thơ", "Trung tâm Khuyến công", None, "Cần Thơ"),
])
def test_the_question_is_settled_only_by_what_the_list_states(
        tmp_path: Path, place: str, unit: str, given: str | None, province: str) -> None:
    rows = [PHONG_DIEN[0], [*PHONG_DIEN[1][:2], unit, place, *PHONG_DIEN[1][4:]]]
    path, _e = national_places(tmp_path / "phong-dien.xlsx", rows)
    assert read_projects(path, province=given).frame["province"].tolist() == [province]


def test_only_names_written_with_their_type_are_looked_up() -> None:
    g = load_gazetteer()
    assert g.find("Hữu Lũng") is None and g.find("toàn tỉnh") is None
    assert g.find("H. Hữu Lũng").province == "Lạng Sơn"
    # diacritics tell Long An's Thạnh Hóa from the province Thanh Hóa's namesakes
    assert {u.old for u in g.find("huyện Thạnh Hóa").units} == {"Long An"}


def test_the_gazetteer_agrees_with_the_2025_merger() -> None:
    """Every pre-2025 district and commune lies in one of the 34 units, and the province it
    is mapped to through data/provinces.csv is the one the library's own old-to-new table gives
    for it (the 63 → 34 merger, checked in both sources)."""
    from vietnam_address_converter.data import DEFAULT_DATA

    geo = load_geography()
    g = load_gazetteer()
    units = [u for us in [*g.districts.values(), *g.wards.values()] for u in us]
    assert len({(u.old, u.district) for u in units}) >= 690 and len(units) >= 10_000
    assert {u.province for u in units} == set(geo.provinces)
    olds = {u.old for u in units}
    assert len(olds) == 63 and olds <= {o for p in geo.provinces.values() for o in p.merged_from}
    new_of = {}
    for row in DEFAULT_DATA["mapping"]["rows"]:
        new_of.setdefault(row["old"]["province_name"], set()).add(
            geo.resolve(row["new"]["province_name"]).name)
    for old_name, news in new_of.items():
        assert len(news) == 1, old_name
        ours = geo.old_province(old_name)[1] or geo.resolve(old_name).name
        assert news == {ours}, old_name


def test_help_does_not_load_the_gazetteer() -> None:
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "kcopt", "--help"],
                         capture_output=True, text=True, timeout=120, check=True)
    assert "vietnam_address_converter" not in out.stderr
    assert "kcopt" in out.stdout


def test_read_list_solves_after_init(tmp_path: Path) -> None:
    path, expected = national_places(tmp_path / "danh-muc.xlsx")
    runner = CliRunner()
    init = runner.invoke(app, ["init", str(path)])
    assert init.exit_code == 0, init.output
    scenario = tmp_path / "danh-muc-kich-ban.yaml"
    solved = runner.invoke(app, ["solve", str(scenario), "-o", str(tmp_path / "out"),
                                 "--no-plots"])
    assert solved.exit_code == 0, solved.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    by_province = {r["province"]: r for r in summary["by_province"]}
    want: dict[str, float] = {}
    for e in expected:
        want[e.province] = want.get(e.province, 0.0) + e.requested
    for province, support in want.items():
        assert by_province[province]["central"] == pytest.approx(support), province
    assert len(PLACE_ROWS) == 8
