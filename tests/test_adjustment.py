"""The documents of a re-plan: the adjustment annex (`adjustment.xlsx`) and the "Điều chỉnh"
sheet of allocation.xlsx, recalculated in LibreOffice, every line, subtotal and total equal to
the changes table to the đồng; their headings Vietnamese; and `kcopt check-documents` catching a
subtotal formula planted wrong.

The changes table is made by hand, and from two real solves of the demo with different budgets
(before = one allocation, after = the other), independently of how a re-plan computes it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.io.write import write_csv
from kcopt.outputs import write_outputs
from kcopt.present.workbook.adjustment import (
    AdjustmentTitle,
    adjustment_book,
    changed_lines,
    unchanged_projects,
)
from kcopt.present.workbook.annex import ROMAN
from kcopt.present.workbook.base import SHEETS
from kcopt.present.workbook.check import check_documents
from kcopt.rules.rates import load_rules
from spreadsheet import needs_soffice

DONG = 1e-6  # million VND
COLUMNS = ["project_id", "name", "province", "fund", "before", "after", "change", "reason"]


def _table(rows: list[tuple[str, str, float, float, str]]) -> pd.DataFrame:
    """(project, fund, before, after, reason) → a changes table with the re-plan's columns."""
    names = {"P-1": "Đào tạo nghề dệt thổ cẩm", "P-2": "Mô hình trình diễn máy sấy cà phê",
             "P-3": "Máy móc chế biến chè", "P-4": "Đào tạo nghề mây tre đan",
             "P-5": "Mô hình trình diễn lò sấy", "P-6": "Đề án mới: đóng gói nông sản"}
    return pd.DataFrame(
        [{"project_id": p, "name": names[p], "province": "Lâm Đồng", "fund": f, "before": b,
          "after": a, "change": a - b, "reason": why} for p, f, b, a, why in rows],
        columns=COLUMNS)


@pytest.fixture
def hand() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A provincial re-plan: cuts and a top-up in both funds, a co-financed project changed in
    both, an amount to the đồng, a new project, and a project the table keeps unchanged."""
    changes = _table([
        ("P-1", "local", 300.0, 250.0, "giảm 50 triệu đồng do cắt 10% kinh phí KCĐP"),
        ("P-2", "central", 800.0, 760.0, "giảm 40 triệu đồng do cắt 5% kinh phí KCQG"),
        ("P-2", "local", 200.0, 240.0, "tăng 40 triệu đồng từ kinh phí KCĐP"),
        ("P-3", "central", 600.0, 0.0, "dừng thực hiện: thu hồi 600 triệu đồng"),
        ("P-4", "local", 123.456789, 100.000001, "giảm do điều chỉnh dự toán"),
        ("P-5", "central", 450.0, 450.0, "giữ nguyên: đã ký hợp đồng"),
        ("P-6", "local", 0.0, 95.5, "đề án mới (đợt bổ sung)"),
    ])
    facts = pd.DataFrame({
        "project_id": ["P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7"],
        "province": ["Lâm Đồng"] * 7,
        "category": ["training", "demo_model", "machinery", "training", "demo_model",
                     "machinery", "training"],
        "Đơn vị thực hiện": ["Trung tâm Khuyến công", "Công ty TNHH Cà phê Cầu Đất", "",
                             "Trung tâm Khuyến công", "", "HTX Nông sản Đơn Dương", ""],
        "total": [250.0, 1000.0, 0.0, 100.000001, 450.0, 95.5, 80.0],
    })
    return changes, facts


def _recalculated(path: Path, libreoffice: Any, tmp_path: Path) -> Any:
    [values] = libreoffice.recalc([path], tmp_path / "recalculated")
    return openpyxl.load_workbook(values, data_only=True)


def _sums(frame: pd.DataFrame) -> tuple[float, float, float]:
    return (float(frame["before"].sum()), float(frame["after"].sum()),
            float((frame["after"] - frame["before"]).sum()))


def _row(ws: Any, r: int) -> tuple[float, float, float]:
    """The approved, adjusted and difference columns (F, G, H) of a 0-based row."""
    return tuple(float(ws.cell(r + 1, c).value) for c in (6, 7, 8))  # type: ignore[return-value]


@needs_soffice
def test_every_subtotal_of_the_annex_is_the_tables(hand: Any, tmp_path: Path,
                                                   libreoffice: Any) -> None:
    """Recalculated: every line, every content section, both fund parts and the grand total
    equal the changes table's sums to the đồng (sums made here, by fund and content type)."""
    changes, facts = hand
    path = tmp_path / "adjustment.xlsx"
    at = adjustment_book(changes, path, facts, AdjustmentTitle("Điều chỉnh giữa năm", (2026,)))
    ws = _recalculated(path, libreoffice, tmp_path).worksheets[0]
    moved = changes[changes["change"].abs() > DONG / 2].merge(facts[["project_id", "category"]])
    assert len(moved) == 6  # P-5 unchanged: no line
    order = list(load_rules().rules)
    for letter, fund in (("A", "central"), ("B", "local")):
        part = moved[moved["fund"] == fund]
        assert _row(ws, at.section_rows[letter]) == pytest.approx(_sums(part), abs=DONG)
        cats = sorted(set(part["category"]), key=order.index)
        for k, cat in enumerate(cats):
            key = f"{letter}.{['I', 'II', 'III'][k]}"
            row = at.section_rows[key]
            assert _row(ws, row) == pytest.approx(_sums(part[part["category"] == cat]),
                                                  abs=DONG), key
            assert ws.cell(row + 1, 3).value == load_rules().rules[cat].name_vi
    assert _row(ws, at.section_rows["total"]) == pytest.approx(_sums(moved), abs=DONG)
    for rec in moved.itertuples():
        [r] = [r for r in at.lines[rec.project_id] if ws.cell(r + 1, 1).value is not None
               and _fund_of(ws, r) == rec.fund]
        assert _row(ws, r) == pytest.approx((rec.before, rec.after, rec.change), abs=DONG)
        assert ws.cell(r + 1, 9).value == rec.reason
    assert ws.cell(at.lines["P-2"][0] + 1, 4).value == "Công ty TNHH Cà phê Cầu Đất"
    # P-5 kept in the table, P-7 supported and not in it: two projects kept as approved
    assert unchanged_projects(changes, facts) == 2
    assert any("giữ nguyên kinh phí đã phê duyệt: 2 đề án" in str(c.value or "")
               for row in ws.iter_rows() for c in row)


def _fund_of(ws: Any, r: int) -> str:
    """The fund part a 0-based row is in: the nearest "A" or "B" above it."""
    for up in range(r, 0, -1):
        key = ws.cell(up + 1, 1).value
        if key in ("A", "B"):
            return "central" if key == "A" else "local"
    raise AssertionError(r)


@needs_soffice
def test_the_annex_reads_vietnamese(hand: Any, tmp_path: Path, libreoffice: Any) -> None:
    """The title block, the headings and the fund parts are the decision's Vietnamese; the
    amounts as LibreOffice shows them, with Vietnamese separators and the sign of the change."""
    changes, facts = hand
    path = tmp_path / "adjustment.xlsx"
    adjustment_book(changes, path, facts, AdjustmentTitle("Điều chỉnh giữa năm", (2026,)))
    shown = libreoffice.displayed(path, tmp_path / "shown")
    [rows] = shown.values()
    text = [" | ".join(c for c in row if c) for row in rows]
    assert text[0] == "UBND TỈNH LÂM ĐỒNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert "Phụ lục" in text and "ĐIỀU CHỈNH KẾ HOẠCH KHUYẾN CÔNG NĂM 2026" in text
    assert "ĐVT: triệu đồng" in text
    head = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert [c for c in rows[head] if c] == ["STT", "Mã đề án", "Tên đề án", "Đơn vị thực hiện",
                                            "Địa điểm", "Kinh phí hỗ trợ (triệu đồng)",
                                            "Lý do điều chỉnh"]
    assert [c for c in rows[head + 1] if c] == ["Kinh phí đã phê duyệt", "Kinh phí điều chỉnh",
                                                "Chênh lệch tăng (+), giảm (−)"]
    assert rows[head + 2][7] == "(8)=(7)-(6)"
    assert "A | KINH PHÍ KHUYẾN CÔNG QUỐC GIA | 1.400 | 760 | -640" in text
    assert "B | KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG | 623,456789 | 685,500001 | +62,043212" in text
    assert "TỔNG CỘNG (A+B) | 2.023,456789 | 1.445,500001 | -577,956788" in text


def test_the_changes_table_needs_its_columns(hand: Any) -> None:
    changes, _facts = hand
    with pytest.raises(ValueError, match="reason"):
        changed_lines(changes.drop(columns="reason"))
    with pytest.raises(ValueError, match="both"):  # no line may fall out of the document
        changed_lines(changes.assign(fund=changes["fund"].replace("local", "both")))
    lines = changed_lines(changes)  # without the plan's facts: one section, the province
    assert set(lines["category"]) == {"Nội dung khác"}
    assert set(lines["location"]) == {"Lâm Đồng"}


# --- two real solves of the demo: the output folder of a re-plan -------------------------------


def _demo_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """before = one allocation, after = the other: a line per project and fund paid in either."""
    a, b = before.set_index("project_id"), after.set_index("project_id")
    rows = []
    for pid in a.index:
        for fund in ("central", "local"):
            x, y = float(a.at[pid, fund]), float(b.at[pid, fund])
            if x or y:
                rows.append({"project_id": pid, "name": a.at[pid, "name"],
                             "province": a.at[pid, "province"], "fund": fund, "before": x,
                             "after": y, "change": y - x,
                             "reason": "giữ nguyên" if x == y else "theo dự toán mới"})
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture(scope="module")
def replan_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo solved at its budgets, then with KCQG cut 5% and every KCĐP budget 10%: the
    second run's output folder, with its changes table as a re-plan leaves it."""
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    approved = kcopt.run(sc)
    cut = kcopt.run(sc.with_budget(central=sc.central_budget * 0.95, local_scale=0.9))
    assert approved.allocation is not None and cut.allocation is not None
    changes = _demo_changes(approved.allocation, cut.allocation)
    cut.changes = changes  # type: ignore[attr-defined]
    out = tmp_path_factory.mktemp("replan") / "out"
    out.mkdir()
    files = write_outputs(cut, out, plots=False)
    assert out / "adjustment.xlsx" in files
    write_csv(changes, out / "changes.csv")
    return out


def _copy(folder: Path, tmp_path: Path, keep: tuple[str, ...]) -> Path:
    """A copy of the folder with only the plan, the table and the documents `keep`."""
    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    for book in target.glob("*.xlsx"):
        if book.name not in keep:
            book.unlink()
    return target


@needs_soffice
def test_the_demo_replan_documents_agree(replan_out: Path, tmp_path: Path,
                                         libreoffice: Any) -> None:
    """check-documents recalculates the adjustment annex and the 'Điều chỉnh' sheet and finds
    every figure equal to the table; their grand totals, read here, are the table's sums."""
    check = check_documents(replan_out, office=libreoffice)
    assert check.documents == ["adjustment.xlsx", "allocation.xlsx", "annex.xlsx"]
    assert check.ok, "\n".join(d.line() for d in check.disagreements[:20])
    changes = pd.read_csv(replan_out / "changes.csv", dtype={"project_id": str})
    moved = changes[changes["change"].abs() > DONG / 2]
    assert 20 < len(moved) < len(changes)
    want = _sums(moved)
    assert abs(want[2] + 0.05 * 105000) > DONG  # both funds were cut
    books = libreoffice.recalc([replan_out / "adjustment.xlsx", replan_out / "allocation.xlsx"],
                               tmp_path / "recalculated")
    annex = openpyxl.load_workbook(books[0], data_only=True).worksheets[0]
    total = next(r for r in range(1, annex.max_row + 1)
                 if str(annex.cell(r, 3).value or "").startswith("TỔNG CỘNG"))
    assert _row(annex, total - 1) == pytest.approx(want, abs=DONG)
    sheet = openpyxl.load_workbook(books[1], data_only=True)[SHEETS["adjustment"]]
    rows = {str(sheet.cell(r, 1).value): r for r in range(5, sheet.max_row + 1)}
    got = [float(sheet.cell(rows["Tổng cộng / Total"], c).value) for c in (5, 6, 7)]
    assert got == pytest.approx(want, abs=DONG)
    assert len([r for r in rows if r.startswith("P-")]) == len(moved.drop_duplicates(
        "project_id"))
    formulas = openpyxl.load_workbook(replan_out / "allocation.xlsx")[SHEETS["adjustment"]]
    assert formulas.cell(rows["Tổng cộng / Total"], 5).value.startswith("=SUM(E5:E")


def _vn(x: float, signed: bool = False) -> str:
    """An amount as the Vietnamese-tagged formats show it: 1.450,5; -5.250 or +62,04 signed."""
    whole, frac = f"{abs(x):.6f}".rstrip("0").rstrip(".").partition(".")[::2]
    text = f"{int(whole):,}".replace(",", ".") + ("," + frac if frac else "")
    return ("-" if x < 0 else "+" if signed and x > 0 else "") + text


@needs_soffice
def test_the_sheet_shows_vietnamese_amounts(replan_out: Path, tmp_path: Path,
                                            libreoffice: Any) -> None:
    """The 'Điều chỉnh' sheet as LibreOffice shows it: bilingual headings, each line's and the
    totals' amounts with Vietnamese separators, the difference signed."""
    rows = libreoffice.displayed(replan_out / "allocation.xlsx", tmp_path / "shown")[
        SHEETS["adjustment"]]
    assert rows[2][4:7] == ["Kinh phí đã phê duyệt", "Kinh phí điều chỉnh",
                            "Chênh lệch tăng (+), giảm (−)"]
    assert rows[3][4:7] == ["Approved", "Adjusted", "Change (+/−)"]
    changes = pd.read_csv(replan_out / "changes.csv", dtype={"project_id": str})
    moved = changes[changes["change"].abs() > DONG / 2]
    table = {(p, f): (b, a) for p, f, b, a in zip(moved["project_id"], moved["fund"],
                                                  moved["before"], moved["after"], strict=True)}
    funds = {"Trung ương (KCQG)": "central", "Địa phương (KCĐP)": "local"}
    lines = [row for row in rows[4:] if row[0].startswith("P-")]
    assert len(lines) == len(table)
    for row in lines:
        before, after = table[(row[0], funds[row[3]])]
        assert row[4:7] == [_vn(before), _vn(after), _vn(after - before, signed=True)], row
    total = next(row for row in rows if row[0] == "Tổng cộng / Total")
    b, a, c = _sums(moved)
    assert total[4:7] == [_vn(b), _vn(a), _vn(c, signed=True)]
    assert "." in total[4] and "," in total[4]  # thousands and đồng: 20.784,9273


@needs_soffice
def test_a_wrong_subtotal_formula_is_caught(replan_out: Path, tmp_path: Path,
                                            libreoffice: Any) -> None:
    """A section subtotal summing one line too few, and the sheet's total one line too few:
    check-documents names both cells, with the table's figure."""
    folder = _copy(replan_out, tmp_path, ("adjustment.xlsx", "allocation.xlsx"))
    path = folder / "adjustment.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    # the difference column (H): a changed line's is never 0, so a line left out shows
    section, end = next((c, int(c.value.rsplit(":H", 1)[1].rstrip(")"))) for c in ws["H"]
                        if isinstance(c.value, str) and c.value.startswith("=SUBTOTAL")
                        and ws.cell(c.row, 1).value in ROMAN
                        and int(c.value.rsplit(":H", 1)[1].rstrip(")")) > c.row + 1)
    section.value = f"=SUBTOTAL(9,H{section.row + 1}:H{end - 1})"
    wb.save(path)
    book = openpyxl.load_workbook(folder / "allocation.xlsx")
    sheet = book[SHEETS["adjustment"]]
    total = next(c for c in sheet["G"] if isinstance(c.value, str)
                 and c.value.startswith("=SUM("))
    total.value = f"=SUM(G5:G{total.row - 2})"
    book.save(folder / "allocation.xlsx")
    check = check_documents(folder, office=libreoffice)
    said = {(d.document, d.cell): d for d in check.disagreements}
    wrong = said[("adjustment.xlsx", section.coordinate)]
    assert "subtotal" in wrong.what and wrong.expected != pytest.approx(wrong.got)
    assert ("allocation.xlsx", total.coordinate) in said
    runner = CliRunner()
    result = runner.invoke(app, ["--lang", "en", "check-documents", str(folder)])
    assert result.exit_code == 1 and section.coordinate in result.output


@needs_soffice
def test_a_line_of_the_table_missing_from_the_annex_is_caught(replan_out: Path, tmp_path: Path,
                                                             libreoffice: Any) -> None:
    """A line's project id overwritten: that line is not the table's, and the table's line is
    missing from the document."""
    folder = _copy(replan_out, tmp_path, ("adjustment.xlsx",))
    path = folder / "adjustment.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cell = next(c for c in ws["B"] if isinstance(c.value, str) and c.value.startswith("P-"))
    pid, cell.value = cell.value, "P-9999"
    wb.save(path)
    check = check_documents(folder, office=libreoffice)
    what = [d.what for d in check.disagreements]
    assert any("P-9999" in w and "does not have" in w for w in what)
    assert any(pid in w and "no line" in w for w in what)


def test_no_changes_table_no_adjustment_annex(tmp_path: Path) -> None:
    """A run without a changes table (or with an empty one) writes no adjustment.xlsx and no
    'Điều chỉnh' sheet."""
    run = kcopt.run(kcopt.load_scenario(kcopt.demo_scenario_path()))
    run.changes = pd.DataFrame(columns=COLUMNS)  # type: ignore[attr-defined]
    files = write_outputs(run, tmp_path, plots=False)
    # an empty changes table is still written (nothing moved), the reserve list by every solve
    assert {f.name for f in files} == {"allocation.csv", "constraints.csv", "summary.json",
                                       "allocation.xlsx", "annex.xlsx", "changes.csv",
                                       "reserve.csv", ".kcopt-basis.json"}
    assert SHEETS["adjustment"] not in openpyxl.load_workbook(
        tmp_path / "allocation.xlsx", read_only=True).sheetnames
