"""Workbooks as planners keep them: the same form saved by LibreOffice as .xlsx, as Excel 97–2003
(.xls) and as OpenDocument (.ods) reads identically (projects, amounts, notes, sections); the
.xls and .ods readers (python-calamine) keep the safety checks of the .xlsx one."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import kcopt
from forms import district_groups, national_list, provincial_plan
from kcopt.core import limits
from kcopt.core.errors import InputError
from kcopt.core.language import using
from kcopt.inputs.schema import Projects

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def saved(libreoffice, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Three official forms, each saved by LibreOffice in the three formats."""
    src = tmp_path_factory.mktemp("forms")
    files = [provincial_plan(src / "tinh.xlsx")[0], national_list(src / "quocgia.xlsx")[0],
             district_groups(src / "huyen.xlsx").path]
    out = tmp_path_factory.mktemp("saved")
    by_format = {to: libreoffice.convert(files, out / to, to) for to in ("xlsx", "xls", "ods")}
    return {f.stem: {to: by_format[to][i] for to in by_format} for i, f in enumerate(files)}


def _facts(p: Projects) -> tuple[pd.DataFrame, list[str], list[tuple[str, str, int | None]]]:
    """What a reading found, without the file's name: the table, the notes and the sections."""
    notes = [w.message.replace(str(p.path), "FILE") for w in p.warnings]
    assert p.form is not None
    sections = [(s.kind, s.label, s.row) for s in _nodes(p.form.root)]
    return p.frame.reset_index(drop=True), notes, sections


def _nodes(node):
    out = [node] if node.row is not None else []
    for c in node.children:
        out += _nodes(c)
    return out


@pytest.mark.parametrize("form", ["tinh", "quocgia", "huyen"])
def test_the_same_form_reads_identically_as_xlsx_xls_and_ods(saved, form: str) -> None:
    province = "Lâm Đồng" if form == "huyen" else None
    got = {to: _facts(kcopt.read_projects(path, province=province))
           for to, path in saved[form].items()}
    frame, notes, sections = got["xlsx"]
    assert len(frame) >= 4 and sections
    for to in ("xls", "ods"):
        pd.testing.assert_frame_equal(got[to][0], frame, obj=f"{form}.{to}")
        assert got[to][1] == notes, to
        assert got[to][2] == sections, to


def test_a_sheet_of_an_xls_is_named_after_a_hash(saved) -> None:
    xls = saved["tinh"]["xls"]
    p = kcopt.read_projects(f"{xls}#Phụ lục")
    assert p.sheet == "Phụ lục" and len(p) == 7
    with pytest.raises(InputError, match=r"no sheet named 'Nope'.*Phụ lục"):
        kcopt.read_projects(f"{xls}#Nope")


def test_merged_cells_of_xls_and_ods_are_read(saved) -> None:
    """The national list's "II. …" heading is one cell merged across the row: without its merge
    the section would still be found, but the header's merged "Kinh phí" spans are what name
    the amount columns; the three formats give the same merged ranges."""
    from kcopt.io.calamine import CalamineBook
    from kcopt.io.sheets import Workbook

    with Workbook(saved["quocgia"]["xlsx"]) as wb:
        want = sorted(m.ref for m in wb.grid(wb.sheetnames[0]).merges)
    for to in ("xls", "ods"):
        with CalamineBook(saved["quocgia"][to]) as book:
            assert sorted(m.ref for m in book.grid(book.sheetnames[0]).merges) == want, to
    assert any(m.startswith("A") and m.endswith("L" + m.split(":")[0][1:]) for m in want)


def test_a_sheet_starting_below_and_right_reads_in_place(libreoffice, tmp_path: Path) -> None:
    """A table that starts at C3 (empty first rows and columns) keeps its cell addresses in
    every format; python-calamine before 0.7 moved an .ods's rows down by one and lost the
    last."""
    import openpyxl

    from kcopt.io.calamine import CalamineBook
    from kcopt.io.sheets import Workbook

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D5"] = "a", "b"
    ws.merge_cells("C3:D3")
    wb.save(tmp_path / "off.xlsx")
    want = [[""] * 4, [""] * 4, ["", "", "a", ""], [""] * 4, ["", "", "", "b"]]
    with Workbook(tmp_path / "off.xlsx") as book:
        assert book.grid(book.sheetnames[0]).cells == want
    for to in ("xls", "ods"):
        path = libreoffice.convert([tmp_path / "off.xlsx"], tmp_path / to, to)[0]
        with CalamineBook(path) as book:
            grid = book.grid(book.sheetnames[0])
        assert (grid.cells, [m.ref for m in grid.merges]) == (want, ["C3:D3"]), to


def test_encrypted_and_damaged_old_formats_are_clear_vietnamese_errors(tmp_path: Path) -> None:
    encrypted = tmp_path / "khoa.xls"
    shutil.copy(DATA / "encrypted.xlsx", encrypted)  # an OLE file holding an encrypted package
    broken = tmp_path / "hong.xls"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 3000)
    renamed = tmp_path / "doiten.xls"
    renamed.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    not_zip = tmp_path / "p.ods"
    not_zip.write_bytes(b"PK")
    with using("vi"):
        for path, words in [(encrypted, "mật khẩu"), (broken, "bị hỏng"),
                            (renamed, "tệp nén zip"), (not_zip, "OpenDocument")]:
            with pytest.raises(InputError) as info:
                kcopt.read_projects(path)
            message = str(info.value)
            assert words in message, (path.name, message)
            assert "Traceback" not in message and "lỗi nội bộ" not in message


def _ods(path: Path, body: str) -> Path:
    """A minimal .ods whose one sheet is `body` (table rows)."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Danh mục">'
               + body + "</table:table></office:spreadsheet></office:body>"
               "</office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                    'manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                    '</manifest:manifest>')
    return path


def _cell(text: str, attrs: str = "") -> str:
    return f'<table:table-cell office:value-type="string" {attrs}><text:p>{text}</text:p>' \
           "</table:table-cell>"


def test_an_ods_claiming_a_million_rows_is_refused_before_it_is_built(tmp_path: Path) -> None:
    """One filled row repeated 1,048,000 times is 200 bytes of XML; it is refused from the
    pre-scan, in seconds, not expanded."""
    head = "<table:table-row>" + _cell("Mã đề án") + _cell("Tên đề án") + "</table:table-row>"
    many = ('<table:table-row table:number-rows-repeated="1048000">' + _cell("P-1")
            + _cell("Máy sấy") + "</table:table-row>")
    with pytest.raises(InputError, match="rows"):
        kcopt.read_projects(_ods(tmp_path / "dai.ods", head + many))
    wide = ("<table:table-row>" + '<table:table-cell table:number-columns-repeated="16000"/>'
            + _cell("x") + "</table:table-row>")
    with pytest.raises(InputError, match="columns"):
        kcopt.read_projects(_ods(tmp_path / "rong.ods", head + wide))


def test_ods_merges_come_from_its_spans(tmp_path: Path) -> None:
    from kcopt.io.calamine import scan_ods

    body = ("<table:table-row>" + _cell("Tiêu đề", 'table:number-columns-spanned="3"')
            + '<table:covered-table-cell table:number-columns-repeated="2"/>'
            + "</table:table-row><table:table-row>" + _cell("a") + _cell(
                "b", 'table:number-rows-spanned="2"') + "</table:table-row>")
    sheet = scan_ods(_ods(tmp_path / "m.ods", body))["Danh mục"]
    assert [m.ref for m in sheet.merges] == ["A1:C1", "B2:B3"]
    assert (sheet.rows, sheet.columns) == (2, 2)  # values only: the merge reaches C


def test_a_zip_bomb_named_ods_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bom.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("content.xml", b"<a>" + b" " * (300 * 2**20) + b"</a>")
    with pytest.raises(InputError, match=r"unzipped_bytes|zip_ratio"):
        kcopt.read_projects(path)
    with limits.raised(unzipped_bytes=2**40), pytest.raises(InputError, match="zip_ratio"):
        kcopt.read_projects(path)


def test_a_folder_of_provinces_files_in_every_format_is_consolidated(saved, tmp_path: Path
                                                                      ) -> None:
    """The Ministry's folder of provinces' files: an .xls and an .ods are read with the
    .xlsx."""
    from typer.testing import CliRunner

    from kcopt.cli import app

    folder = tmp_path / "dang-ky"
    folder.mkdir()
    shutil.copy(saved["tinh"]["xls"], folder / "dak-lak.xls")
    shutil.copy(saved["quocgia"]["ods"], folder / "bo.ods")
    shutil.copy(saved["huyen"]["xlsx"], folder / "lam-dong.xlsx")
    out = tmp_path / "toan-quoc.xlsx"
    result = CliRunner().invoke(app, ["consolidate", str(folder), "-o", str(out),
                                      "--province", f"{folder / 'lam-dong.xlsx'}=Lâm Đồng"])
    assert result.exit_code == 0, result.output
    national = kcopt.read_projects(out)
    assert len(national) == 7 + 4 + 6


def test_merged_empty_cells_past_the_table_are_no_trouble(tmp_path: Path) -> None:
    """An .ods keeping merged empty cells below and right of its table reads as the table."""
    head = "<table:table-row>" + _cell("Mã đề án") + _cell("Tên đề án") + _cell(
        "Tỉnh/Thành phố") + _cell("Nội dung") + _cell("Tổng kinh phí") + "</table:table-row>"
    row = ("<table:table-row>" + _cell("P-1") + _cell("Máy sấy") + _cell("Lâm Đồng")
           + _cell("machinery") + '<table:table-cell office:value-type="float" '
           'office:value="800"><text:p>800</text:p></table:table-cell></table:table-row>')
    empty = ('<table:table-row table:number-rows-repeated="3"><table:table-cell '
             'table:number-columns-spanned="9" table:number-rows-spanned="3"/>'
             "</table:table-row>")
    projects = kcopt.read_projects(_ods(tmp_path / "gop.ods", head + row + empty))
    assert projects.frame["total_cost"].tolist() == [800.0]
