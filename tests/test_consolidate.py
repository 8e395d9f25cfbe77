"""`kcopt consolidate`: the provinces' lists, each in its own layout, as one national list
that validates, solves and sums back to the inputs (issue 26)."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from forms import national_list, provincial_plan
from kcopt.cli import app
from kcopt.core.errors import InputError
from kcopt.inputs.consolidate import consolidate, find_duplicates, province_codes
from kcopt.inputs.schema import read_projects
from kcopt.present.workbook.consolidated import DUPLICATE_SHEET, SUMMARY_SHEET, write_consolidated
from spreadsheet import error_cells
from workbooks import government_form

# Quảng Trị's plain list: Vietnamese headers, no province column; QT-03 names its place in
# Đắk Lắk and repeats Đắk Lắk's A.I.1 (upper case, no diacritics); QT-02 repeats QT-01
CSV = (
    "Mã đề án,Tên đề án,Nội dung,Cấp,Đơn vị thụ hưởng,Địa điểm,Tổng kinh phí,"
    "Kinh phí đề nghị hỗ trợ\n"
    "QT-01,Đào tạo nghề mây tre đan,training,Địa phương,HTX Mây tre Cam Lộ,huyện Cam Lộ,150,90\n"
    "QT-02,DAO TAO NGHE MAY TRE DAN,training,địa phương,HTX mây tre Cam Lộ,,150,90\n"
    "QT-03,HO TRO UNG DUNG MAY SAY CA PHE TIEN TIEN,machinery,Quốc gia,htx ca phe ea tu,"
    "\"xã Ea Tu, tỉnh Đắk Lắk\",1200,300\n"
    "QT-04,Ứng dụng máy ép dầu lạc,machinery,Địa phương,Cơ sở ép dầu Hải Lăng,huyện Hải Lăng,"
    "400,120\n")
# (id in its file, province, content type, total cost, support requested)
CSV_ROWS = [("QT-01", "Quảng Trị", "training", 150, 90),
            ("QT-02", "Quảng Trị", "training", 150, 90),
            ("QT-03", "Đắk Lắk", "machinery", 1200, 300),
            ("QT-04", "Quảng Trị", "machinery", 400, 120)]
GOVERNMENT_ROWS = [("P-1", "Lâm Đồng", "machinery", 1200, 600),
                   ("P-2", "Lâm Đồng", "machinery", 1500, 450.5),
                   ("P-3", "Lâm Đồng", "machinery", 900, 300),
                   ("P-4", "Đắk Lắk", "machinery", 1000.5, 400)]


@pytest.fixture
def registrations(tmp_path: Path) -> tuple[Path, list[tuple[str, str, str, float, float]]]:
    """Four provinces' files in four layouts: Đắk Lắk's A/B + Roman annex (province in the
    title), the Ministry-style Roman-only list in đồng (provinces in 'Địa điểm'), Lâm Đồng's
    form with a merged province column, Quảng Trị's plain CSV; and every project as
    (id in its file, province, content, cost, requested)."""
    folder = tmp_path / "dang-ky"
    folder.mkdir()
    _p, plan = provincial_plan(folder / "dak-lak.xlsx")
    _n, national = national_list(folder / "bo-ct.xlsx")
    government_form(folder / "lam-dong.xlsx")
    (folder / "quang-tri.csv").write_text(CSV, encoding="utf-8")
    rows = [(e.project_id, e.province, e.category, e.total_cost, e.requested)
            for e in [*plan, *national]] + CSV_ROWS + GOVERNMENT_ROWS
    return folder, rows


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_four_layouts_become_one_list_that_reads_back(registrations, tmp_path):
    """The national list holds every project once, with its province, its file's own id
    beside a national one, and sums per province equal to the inputs'; the inputs are not
    touched; both planted duplicates are listed on the console with their file and row."""
    folder, rows = registrations
    before = _digests(folder)
    out = tmp_path / "national.xlsx"
    res = CliRunner().invoke(app, ["consolidate", str(folder), "-o", str(out), "--province",
                                   "quang-tri.csv=Quảng Trị", "--lang", "vi"])
    assert res.exit_code == 0, res.output
    assert _digests(folder) == before
    console = res.output
    assert "DL-A.I.1 (dak-lak.xlsx, trang 'Phụ lục', dòng 13) và DL-QT-03 (quang-tri.csv, " \
        "dòng 4)" in console
    assert "QT-QT-01 (quang-tri.csv, dòng 2) và QT-QT-02 (quang-tri.csv, dòng 3)" in console
    assert "19 đề án từ 4 tệp của 5 tỉnh, thành phố; 2 cặp có thể trùng lặp" in console
    assert "chỉ 1 trong 4 tệp có điểm thẩm định (lam-dong.xlsx)" in console
    back = read_projects(out).frame
    assert len(back) == len(rows) == back["project_id"].nunique()
    assert sorted(back["Mã/STT gốc"]) == sorted(r[0] for r in rows)
    codes = province_codes()
    assert all(pid.startswith(codes[prov] + "-") for pid, prov in
               zip(back["project_id"], back["province"], strict=True))
    want = pd.DataFrame(rows, columns=["id", "province", "category", "total_cost", "requested"])
    assert _by_province(back) == _by_province(want)
    assert Counter(zip(back["province"], back["category"], strict=True)) == Counter(
        zip(want["province"], want["category"], strict=True))


def _by_province(frame: pd.DataFrame) -> dict[str, tuple[int, float, float]]:
    g = frame.groupby("province")
    return {p: (int(n), round(float(c), 6), round(float(r), 6)) for p, n, c, r in zip(
        g.size().index, g.size(), g["total_cost"].sum(), g["requested"].sum(), strict=True)}


def test_the_national_list_validates_and_solves(registrations, tmp_path):
    """`kcopt validate` reads the consolidated list (province rows are groups, not projects),
    and a scenario over it solves: the allocation has each province's projects, and with
    budgets above every request each project that scores is funded at its cap."""
    folder, rows = registrations
    out = tmp_path / "national.xlsx"
    runner = CliRunner()
    assert runner.invoke(app, ["consolidate", str(folder), "-o", str(out), "--province",
                               "quang-tri.csv=Quảng Trị", "--lang", "vi"]).exit_code == 0
    res = runner.invoke(app, ["validate", str(out), "--lang", "vi"])
    assert res.exit_code == 0, res.output
    assert "hợp lệ: 19 đề án" in res.output
    sc = tmp_path / "quoc-gia.yaml"
    sc.write_text("name: Toàn quốc 2026\nprojects: national.xlsx\nbudgets: {central: 100000, "
                  "local: {Đắk Lắk: 100000, Quảng Trị: 100000, Lâm Đồng: 100000}}\n",
                  encoding="utf-8")
    res = runner.invoke(app, ["solve", str(sc), "-o", str(tmp_path / "out"), "--no-plots"])
    assert res.exit_code == 0, res.output
    alloc = pd.read_csv(tmp_path / "out" / "allocation.csv")
    assert Counter(alloc["province"]) == Counter(r[1] for r in rows)
    # Lâm Đồng's form alone gives appraisal scores: the others' projects score 0 and are not
    # funded (the reader warns); every project with a score is funded at its cap
    scored = alloc[alloc["score"] > 0]
    assert set(scored["province"]) == {"Lâm Đồng", "Đắk Lắk"} and len(scored) == 4
    assert set(scored["status"]) == {"funded"}
    assert (scored["total"] - scored["cap"]).abs().max() < 1e-6
    assert set(alloc.loc[alloc["score"] == 0, "status"]) == {"unfunded"}


def test_summary_and_duplicates_sheets_recalculated(registrations, tmp_path, libreoffice):
    """'Tổng hợp theo tỉnh', recalculated in LibreOffice, gives each province's number of
    projects, total cost and support requested as the inputs state them, and its projects per
    content type; 'Trùng lặp' lists both planted pairs with each row's file, sheet and row."""
    folder, rows = registrations
    c = consolidate([folder], {"quang-tri.csv": "Quảng Trị"})
    check = write_consolidated(c, tmp_path / "national.xlsx")
    (recalc,) = libreoffice.recalc([tmp_path / "national.xlsx"], tmp_path / "lo")
    wb = openpyxl.load_workbook(recalc, data_only=True)
    assert not error_cells(wb)
    ws = wb[SUMMARY_SHEET]
    want = pd.DataFrame(rows, columns=["id", "province", "category", "total_cost", "requested"])
    cols = check.summary_columns
    for prov, (n, cost, req) in _by_province(want).items():
        r = check.summary_rows[prov] + 1
        assert ws.cell(r, 2).value == prov
        got = [ws.cell(r, cols[k] + 1).value for k in ("projects", "total_cost", "requested")]
        assert got == pytest.approx([n, cost, req], abs=1e-9), prov
        mine = want[want["province"] == prov]
        for cat, count in Counter(mine["category"]).items():
            assert ws.cell(r, cols[cat] + 1).value == count, (prov, cat)
    total = check.summary_rows["*"] + 1
    assert ws.cell(total, cols["requested"] + 1).value == pytest.approx(want["requested"].sum())
    dup = wb[DUPLICATE_SHEET]
    pairs = {(dup.cell(r, 4).value, dup.cell(r, 8).value, dup.cell(r, 10).value,
              dup.cell(r, 11).value, dup.cell(r, 15).value, dup.cell(r, 17).value)
             for r in range(4, dup.max_row + 1)}
    assert pairs == {("DL-A.I.1", "dak-lak.xlsx", 13, "DL-QT-03", "quang-tri.csv", 4),
                     ("QT-QT-01", "quang-tri.csv", 2, "QT-QT-02", "quang-tri.csv", 3)}
    assert {dup.cell(r, 9).value for r in range(4, 6)} == {"Phụ lục", None}


def test_every_bad_cell_of_every_file_at_once(registrations, tmp_path):
    """A list whose province cannot be told is one error naming the file and the fix
    (`--province FILE=PROVINCE`), reported together with another file's bad cells; nothing
    is written."""
    folder, _rows = registrations
    (folder / "ha-noi.csv").write_text(
        "Mã đề án,Tên đề án,Tỉnh/Thành phố,Nội dung,Tổng kinh phí\n"
        "HN-1,Máy dệt,Hà Nội,machinery,-5\nHN-2,Nuôi cá,Hà Nội,nuôi cá,100\n", encoding="utf-8")
    out = tmp_path / "national.xlsx"
    res = CliRunner().invoke(app, ["consolidate", str(folder), "-o", str(out), "--lang", "en"])
    assert res.exit_code == 1
    text = res.output
    assert "quang-tri.csv: cannot tell which province the projects belong to" in text
    assert "--province quang-tri.csv=<province>" in text
    assert "ha-noi.csv, row 2 (HN-1), column 'Tổng kinh phí'" in text
    assert "ha-noi.csv, row 3 (HN-2), column 'Nội dung'" in text
    assert not out.exists()
    with pytest.raises(InputError, match="names no file"):
        consolidate([folder / "dak-lak.xlsx"], {"khong-co.csv": "Hà Nội"})


def test_validate_province_fills_a_flat_list(tmp_path):
    """`kcopt validate LIST --province P` gives a flat list without a province column its
    province (it said so in --help, but only annex layouts took it); a row whose 'Địa điểm'
    names another province keeps that one."""
    path = tmp_path / "quang-tri.csv"
    path.write_text(CSV, encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(path), "--province", "Quảng Trị"])
    assert res.exit_code == 0, res.output
    frame = read_projects(path, province="Quảng Trị").frame
    assert list(frame["province"]) == [r[1] for r in CSV_ROWS]


def test_duplicates_ignore_diacritics_and_case_but_not_content_or_beneficiary():
    """Alike names are duplicates only within one content type and, where both rows name a
    beneficiary, the same beneficiary — where they do not both name one, the same province
    (row 7, in Gia Lai, is none of the Đắk Lắk rows' duplicate); a typo keeps
    names alike, another word does not ("máy sấy chè" is 88% "máy sấy cà phê" by letters,
    57% by words)."""
    frame = pd.DataFrame({
        "name": ["Máy sấy cà phê", "MAY SAY CA PHE", "Máy sấy cà phê", "Máy sấy cà phê.",
                 "Máy sấy cà phê", "Máy sey cà phê", "Máy sấy chè", "May say ca phe"],
        "category": ["machinery", "machinery", "demo_model", "machinery", "machinery",
                     "machinery", "machinery", "machinery"],
        "beneficiary": ["HTX Ea Tu", "htx ea tu", "HTX Ea Tu", "Công ty Khác", "", "HTX Ea Tu",
                        "HTX Ea Tu", ""],
        "implementer": [""] * 8,
        "province": ["Đắk Lắk"] * 7 + ["Gia Lai"]})
    assert {(d.first, d.second) for d in find_duplicates(frame)} == {
        (0, 1), (0, 4), (1, 4), (3, 4), (0, 5), (1, 5), (4, 5)}  # not 7: another province


def test_province_codes_are_unique():
    codes = province_codes()
    assert len(codes) == 34 == len(set(codes.values()))
    assert codes["Thành phố Hồ Chí Minh"] == "TPHCM" and codes["Huế"] == "HUE"


def test_the_demo_split_by_province_comes_back_whole(tmp_path):
    """The demo's 800 projects written as one CSV per province name (39 files: pre-2025
    names among them) consolidate into 800 projects whose cost and request per province are
    the demo's — no first row lost to header detection, no id collision."""
    demo = pd.read_csv(Path(__file__).parents[1] / "scenarios" / "demo" / "projects.csv",
                       dtype=str)
    folder = tmp_path / "tinh"
    folder.mkdir()
    for k, (_name, rows) in enumerate(demo.groupby("Tỉnh/Thành phố")):
        rows.to_csv(folder / f"t{k:02d}.csv", index=False)
    c = consolidate([folder])
    write_consolidated(c, tmp_path / "national.xlsx")
    back = read_projects(tmp_path / "national.xlsx").frame
    whole = read_projects(Path(__file__).parents[1] / "scenarios" / "demo" / "projects.csv")
    assert len(c.sources) == 39 and len(back) == len(whole) == 800
    assert sorted(back["Mã/STT gốc"]) == sorted(whole.frame["project_id"])
    assert _by_province(back) == _by_province(whole.frame)
