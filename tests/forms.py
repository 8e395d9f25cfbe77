"""Project lists laid out the way Departments of Industry and Trade and the Ministry publish them
(annexes to a Quyết định, "Biểu tổng hợp chi tiết"), built in code for the tests.

Each builder returns the path and the facts a correct reader must find (`expected`): per project
its id from the section path and STT, content type, fund, province, amounts in million VND and
establishment count.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MACHINERY = ("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ vào sản xuất "
             "công nghiệp - tiểu thủ công nghiệp")
TRAINING = "Đào tạo nghề, truyền nghề"
COURSES = "Tập huấn khuyến công"
INFO = "Cung cấp thông tin về chính sách phát triển công nghiệp, khuyến công"
DEMO = "Xây dựng mô hình trình diễn kỹ thuật để phổ biến công nghệ mới, sản xuất sản phẩm mới"
POLLUTION = ("Hỗ trợ sửa chữa, nâng cấp hệ thống xử lý ô nhiễm môi trường tại cơ sở công "
             "nghiệp nông thôn")


@dataclass
class Expected:
    project_id: str
    category: str
    level: str
    province: str
    total_cost: float
    requested: float
    establishments: int = 1


def check_projects(frame: Any, expected: list[Expected], requested: bool = True,
                   establishments: bool = True) -> None:
    """The projects a reader found are exactly `expected`, in order: content type, fund,
    province and total cost of each (and its support and establishment count)."""
    import math

    got = frame.set_index("project_id")
    assert list(got.index) == [e.project_id for e in expected]
    for e in expected:
        row = got.loc[e.project_id]
        assert (row["category"], row["level"], row["province"]) == (
            e.category, e.level, e.province), e.project_id
        assert math.isclose(row["total_cost"], e.total_cost), e.project_id
        if requested:
            assert math.isclose(row["requested"], e.requested), e.project_id
        if establishments:
            assert row["establishments"] == e.establishments, e.project_id


def messages(problems: list[Any]) -> str:
    """The problems (warnings or errors) of a read as the text a planner reads."""
    return "\n".join(str(p) for p in problems)


def _title_block(ws: Worksheet, agency: tuple[str, str], title: str, decision: str, unit: str,
                 width: int) -> int:
    """Agency and national motto in two merged blocks, title, decision line, unit line.
    Returns the next free row."""
    half = width // 2
    ws.cell(1, 1, agency[0])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=half - 1)
    ws.cell(2, 1, agency[1])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half - 1)
    ws.cell(1, half, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    ws.merge_cells(start_row=1, start_column=half, end_row=1, end_column=width)
    ws.cell(2, half, "Độc lập - Tự do - Hạnh phúc")
    ws.merge_cells(start_row=2, start_column=half, end_row=2, end_column=width)
    for r in (1, 2):
        for c in (1, half):
            ws.cell(r, c).font = Font(name="Times New Roman", bold=True, size=12)
            ws.cell(r, c).alignment = Alignment(horizontal="center")
    ws.cell(4, 1, title)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
    ws.cell(4, 1).font = Font(name="Times New Roman", bold=True, size=14)
    ws.cell(4, 1).alignment = Alignment(horizontal="center")
    ws.cell(5, 1, decision)
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=width)
    ws.cell(5, 1).alignment = Alignment(horizontal="center")
    ws.cell(5, 1).font = Font(name="Times New Roman", italic=True)
    ws.cell(6, width - 1, unit)
    ws.merge_cells(start_row=6, start_column=width - 1, end_row=6, end_column=width)
    ws.cell(6, width - 1).font = Font(name="Times New Roman", italic=True)
    return 8


def _header(ws: Worksheet, r: int, support_heading: str, money_unit: str) -> int:
    """The two-row header with merged parents and the column-number row; returns the first body
    row. Columns: A STT, B Tên đề án, C Đơn vị thực hiện, D Đơn vị thụ hưởng, E Địa điểm,
    F Năm, G Số đề án / Số cơ sở, H–J Kinh phí → Tổng / hỗ trợ / Vốn đối ứng, K Loại đề án,
    L Ghi chú."""
    singles = {1: "STT", 2: "Tên đề án", 3: "Đơn vị thực hiện", 4: "Đơn vị thụ hưởng",
               5: "Địa điểm thực hiện", 6: "Năm", 7: "Số đề án / Số cơ sở", 11: "Loại đề án",
               12: "Ghi chú"}
    for c, text in singles.items():
        ws.cell(r, c, text)
        ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    ws.cell(r, 8, f"Kinh phí ({money_unit})")
    ws.merge_cells(start_row=r, start_column=8, end_row=r, end_column=10)
    ws.cell(r + 1, 8, "Tổng kinh phí")
    ws.cell(r + 1, 9, support_heading)
    ws.cell(r + 1, 10, "Vốn đối ứng")
    for c in range(1, 13):
        for rr in (r, r + 1):
            cell = ws.cell(rr, c)
            cell.font = Font(name="Times New Roman", bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BOX
    numbers = [f"({k})" for k in range(1, 11)] + ["(11)", "(12)"]
    numbers[9] = "(10)=(8)-(9)"
    for c, text in enumerate(numbers, 1):
        ws.cell(r + 2, c, text).alignment = Alignment(horizontal="center")
    ws.row_dimensions[r].height = 30
    return r + 3


def _finish(ws: Worksheet, width: int, last: int) -> None:
    ws.column_dimensions["B"].width = 45
    ws.column_dimensions["E"].width = 30
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "8:10"
    ws.cell(last + 2, width - 2, "GIÁM ĐỐC")
    for row in ws.iter_rows(min_row=11, max_row=last, max_col=width):
        for c in row:
            c.border = BOX


def provincial_plan(path: Path) -> tuple[Path, list[Expected]]:
    """Đắk Lắk's local plan in million VND: A (national fund) and B (local fund) sections,
    Roman content sections carrying their own subtotal amounts, a district group row, a group
    project counted in "Số đề án / Số cơ sở", "Cộng mục …", "Cộng A/B" and "TỔNG CỘNG (A+B)"
    rows, Vietnamese number text. The province is only in the title; "Loại đề án" holds
    điểm/nhóm (not the fund)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    r = _title_block(ws, ("UBND TỈNH ĐẮK LẮK", "SỞ CÔNG THƯƠNG"),
                     "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026",
                     "(Kèm theo Quyết định số 123/QĐ-UBND ngày 15 tháng 01 năm 2026 của UBND "
                     "tỉnh Đắk Lắk)", "ĐVT: triệu đồng", 12)
    r = _header(ws, r, "Kinh phí khuyến công hỗ trợ", "triệu đồng")
    rows: list[list[Any]] = [
        ["A", "KINH PHÍ KHUYẾN CÔNG QUỐC GIA", None, None, None, None, None, 3200, 1300, 1900],
        ["I", MACHINERY, None, None, None, None, None, 3200, 1300, 1900],
        [1, "Hỗ trợ ứng dụng máy sấy cà phê tiên tiến", "Trung tâm Khuyến công",
         "HTX Cà phê Ea Tu", "xã Ea Tu, TP. Buôn Ma Thuột", 2026, 1, "1.200", "300", "900",
         "Đề án điểm"],
        [2, "Đề án nhóm: ứng dụng máy chế biến hạt điều cho 3 cơ sở", "Trung tâm Khuyến công",
         "3 cơ sở chế biến điều", "huyện Krông Pắc", 2026, 3, 2000, 1000, 1000, "Đề án nhóm"],
        [None, "Cộng A", None, None, None, None, None, 3200, 1300, 1900],
        ["B", "KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG", None, None, None, None, None, 1710, 640, 1070],
        ["I", TRAINING, None, None, None, None, None, 300, 200, 100],
        [1, "Huyện Krông Ana"],
        [1, "Đào tạo nghề dệt thổ cẩm cho 30 lao động", "Trung tâm Khuyến công",
         "Hộ kinh doanh H'Linh", "xã Dur Kmăl, huyện Krông Ana", 2026, 1, 180, 120, 60,
         "Đề án điểm"],
        [2, "Truyền nghề đan lát mây tre", "Trung tâm Khuyến công", "THT Mây tre Buôn Trấp",
         "thị trấn Buôn Trấp", 2026, 1, 120, 80, 40, "Đề án điểm"],
        [None, "Cộng mục I", None, None, None, None, None, 300, 200, 100],
        ["II", COURSES, None, None, None, None, None, 60, 60, 0],
        [1, "Tập huấn nghiệp vụ khuyến công cho cán bộ cấp huyện", "Trung tâm Khuyến công",
         "Cán bộ khuyến công", "TP. Buôn Ma Thuột", 2026, 1, 60, 60, 0, None],
        ["III", INFO, None, None, None, None, None, 50, 40, 10],
        [1, "Bản tin khuyến công Đắk Lắk", "Trung tâm Khuyến công", "Cơ sở CNNT",
         "toàn tỉnh", 2026, 1, 50, 40, 10, None],
        ["IV", POLLUTION, None, None, None, None, None, 1300, 340, 960],
        [1, "Nâng cấp hệ thống xử lý nước thải cơ sở chế biến tinh bột sắn", "Trung tâm "
         "Khuyến công", "Công ty TNHH Sắn Ea Súp", "huyện Ea Súp", 2026, 1, 1300, 340, 960,
         "Đề án điểm"],
        [None, "Cộng B", None, None, None, None, None, 1710, 640, 1070],
        [None, "TỔNG CỘNG (A+B)", None, None, None, None, None, 4910, 1940, 2970],
    ]
    first = r
    for values in rows:
        for c, v in enumerate(values, 1):
            ws.cell(r, c, v)
        if values[0] in ("A", "B") or (values[1] or "").startswith(("Cộng", "TỔNG")):
            for c in range(1, 13):
                ws.cell(r, c).font = Font(name="Times New Roman", bold=True)
        r += 1
    _finish(ws, 12, r - 1)
    ws.freeze_panes = f"C{first}"
    notes = wb.create_sheet("Thuyết minh")
    notes["A1"] = "Tổng kinh phí đề nghị"
    notes["B1"] = f"='Phụ lục'!I{r - 1}"
    wb.save(path)
    dl = "Đắk Lắk"
    return path, [
        Expected("A.I.1", "machinery", "central", dl, 1200, 300),
        Expected("A.I.2", "machinery", "central", dl, 2000, 1000, 3),
        Expected("B.I.1.1", "training", "local", dl, 180, 120),
        Expected("B.I.1.2", "training", "local", dl, 120, 80),
        Expected("B.II.1", "capacity_building", "local", dl, 60, 60),
        Expected("B.III.1", "information", "local", dl, 50, 40),
        Expected("B.IV.1", "pollution_treatment", "local", dl, 1300, 340),
    ]


def national_list(path: Path) -> tuple[Path, list[Expected]]:
    """The Ministry's national list in đồng: no fund sections (the title says national), Roman
    content sections without subtotal amounts (one written "II. …" in a cell merged across
    the row), the province only in "Địa điểm", amounts as
    Vietnamese number text in đồng, a "Cộng" row per section with a stale figure, a group
    project named as such, "Kinh phí KCQG" as the support heading."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    r = _title_block(ws, ("BỘ CÔNG THƯƠNG", "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG"),
                     "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG QUỐC GIA THỰC HIỆN NĂM 2026",
                     "(Kèm theo Quyết định số 456/QĐ-BCT ngày 20 tháng 12 năm 2025 của Bộ "
                     "trưởng Bộ Công Thương)", "Đơn vị tính: đồng", 12)
    r = _header(ws, r, "Kinh phí KCQG", "đồng")
    rows: list[list[Any]] = [
        ["I", MACHINERY],
        [1, "Ứng dụng dây chuyền sấy nông sản", "Trung tâm KC Lâm Đồng", "HTX Nông sản Đơn "
         "Dương", "xã Lạc Xuân, huyện Đơn Dương, tỉnh Lâm Đồng", 2026, 1, "1.000.000.000",
         "300.000.000", "700.000.000", "Đề án điểm"],
        [2, "Đề án nhóm ứng dụng máy dệt cho 4 cơ sở", "Trung tâm KC Gia Lai",
         "4 cơ sở dệt", "huyện Ia Grai, tỉnh Gia Lai", 2026, None, "2.000.000.000",
         "1.000.000.000", "1.000.000.000", "Đề án nhóm 4 cơ sở"],
        [None, "Cộng mục I", None, None, None, None, None, "3.000.000.000",
         "1.100.000.000", "1.900.000.000"],
        ["II", DEMO],
        [1, "Mô hình trình diễn kỹ thuật sản xuất gạch không nung", "Trung tâm KC Nghệ An",
         "Công ty CP Vật liệu Nghệ An", "xã Nghi Long, huyện Nghi Lộc, tỉnh Nghệ An", 2026, 1,
         "3.000.000.000", "900.000.000", "2.100.000.000", "Đề án điểm"],
        ["-", "Mô hình trình diễn máy ép viên nén mùn cưa", "Trung tâm KC Quảng Trị",
         "HTX Lâm sản Cam Lộ", "huyện Cam Lộ, tỉnh Quảng Trị", 2026, 1, "500.000.000",
         "150.000.000", "350.000.000", "Đề án điểm"],
        [None, "TỔNG CỘNG", None, None, None, None, None, "6.500.000.000", "2.350.000.000",
         "4.150.000.000"],
    ]
    for values in rows:
        if values[0] == "II":  # this heading in one cell merged across the row
            ws.cell(r, 1, f"II. {values[1]}")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=12)
        else:
            for c, v in enumerate(values, 1):
                ws.cell(r, c, v)
        r += 1
    _finish(ws, 12, r - 1)
    wb.save(path)
    return path, [
        Expected("I.1", "machinery", "central", "Lâm Đồng", 1000, 300),
        Expected("I.2", "machinery", "central", "Gia Lai", 2000, 1000, 4),
        Expected("II.1", "demo_model", "central", "Nghệ An", 3000, 900),
        Expected("II.2", "demo_model", "central", "Quảng Trị", 500, 150),
    ]


def form_with_errors(path: Path) -> Path:
    """An annex whose second section names no content type kcopt knows, with a "Nguồn" column
    holding citations and a "Nội dung" column holding descriptions."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu 01"
    ws["A1"] = "UBND TỈNH NGHỆ AN"
    ws["A3"] = "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026"
    ws["F4"] = "ĐVT: triệu đồng"
    heads = ["STT", "Tên đề án", "Nội dung", "Nguồn", "Tổng kinh phí",
             "Ngân sách tỉnh hỗ trợ"]
    for c, h in enumerate(heads, 1):
        ws.cell(6, c, h)
    body: list[list[Any]] = [
        ["I", TRAINING],
        [1, "Đào tạo nghề mây tre", "Dạy nghề đan mây tre cho 20 lao động nữ",
         "QĐ 12/QĐ-UBND", 100, 60],
        ["II", "Hỗ trợ nuôi trồng thủy sản nước ngọt"],
        [1, "Nuôi cá lồng", "Mô hình nuôi cá lồng trên sông Lam", "NQ 05/2024", 200, 80],
    ]
    for i, values in enumerate(body, 7):
        for c, v in enumerate(values, 1):
            ws.cell(i, c, v)
    wb.save(path)
    return path


SCENARIO = """name: {name}
projects: {file}
budgets: {{central: {central}, local: {{Đắk Lắk: {local}}}}}
"""


# --- the four layouts `--into` fills: each row's block is known to the builder ---------------


@dataclass
class Layout:
    """A form built for `--into`: the projects a reader must find, and every section, district
    and subtotal row with the ids of the projects it sums (`blocks`, 1-based file rows), and what
    kind of total it is ("fund:central", "content:training", "district", "total")."""

    path: Path
    expected: list[Expected]
    blocks: dict[int, list[str]]
    kinds: dict[int, str]
    sheet: str
    rows: dict[str, int]  # project id → its 1-based file row


# a row of a form: ("fund" | "content" | "district" | "sub" | "total", STT, label, scope) or
# ("project", STT, name, location, total cost, support, category, fund, establishments)
Row = tuple[Any, ...]


def _lay_out(path: Path, sheet: str, agency: tuple[str, str], title: str, province: str,
             rows: list[Row], stated: set[str]) -> Layout:
    """Write `rows` under a title block and the two-row header; section, district and subtotal
    rows whose kind is in `stated` carry the sums of their block (as provinces print them).
    A project's id is its path of section keys and its STT, as `io.form` names it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    r = _title_block(ws, agency, title, f"(Kèm theo Quyết định số 77/QĐ-UBND ngày 10 tháng 01 "
                     f"năm 2026 của UBND tỉnh {province})", "ĐVT: triệu đồng", 12)
    r = _header(ws, r, "Kinh phí khuyến công hỗ trợ", "triệu đồng")
    first = r
    path_now: dict[str, str] = {}
    order = ("fund", "content", "district")
    scopes: dict[int, tuple[str, ...]] = {}
    kinds: dict[int, str] = {}
    projects: list[tuple[int, tuple[str, ...], Row]] = []
    for k, row in enumerate(rows):
        i = first + k
        kind = row[0]
        if kind in order:
            path_now[kind] = str(row[1])
            for deeper in order[order.index(kind) + 1:]:
                path_now.pop(deeper, None)
            scopes[i] = tuple(path_now[o] for o in order if o in path_now)
            kinds[i] = kind if kind != "fund" else f"fund:{row[3]}"
            if kind == "content":
                kinds[i] = f"content:{path_now.get('fund', '')}:{row[3]}"
        elif kind in ("sub", "total"):
            scopes[i] = tuple(row[3]) if kind == "sub" else ()
            kinds[i] = kind
        else:
            key = tuple(path_now[o] for o in order if o in path_now)
            projects.append((i, key, row))
    ids = {i: ".".join([*key, str(row[1])]) for i, key, row in projects}
    blocks = {i: [ids[j] for j, key, _row in projects if key[:len(scope)] == scope]
              for i, scope in scopes.items()}
    by_row = {i: row for i, _key, row in projects}
    for k, row in enumerate(rows):
        i = first + k
        ws.cell(i, 1, row[1])
        ws.cell(i, 2, row[2])
        if row[0] == "project":
            _stt, _name, location, cost, support = row[1:6]
            for c, v in ((3, "Trung tâm Khuyến công"), (4, f"Cơ sở {row[2][:20]}"),
                         (5, location), (6, 2026), (7, row[8]), (8, cost), (9, support),
                         (10, cost - support), (11, "Đề án điểm" if row[8] == 1 else
                                                "Đề án nhóm")):
                ws.cell(i, c, v)
        elif row[0] in stated:
            cost = sum(by_row[j][4] for j in _rows_of(blocks[i], ids))
            support = sum(by_row[j][5] for j in _rows_of(blocks[i], ids))
            for c, v in ((8, cost), (9, support), (10, cost - support)):
                ws.cell(i, c, v)
            for c in range(1, 13):
                ws.cell(i, c).font = Font(name="Times New Roman", bold=True)
    last = first + len(rows) - 1
    _finish(ws, 12, last)
    ws.freeze_panes = f"C{first}"
    notes = wb.create_sheet("Thuyết minh")
    notes["A1"] = "Tổng kinh phí đề nghị hỗ trợ"
    notes["B1"] = f"=SUM('{sheet}'!I{first}:I{last})"
    notes.merge_cells("A3:D3")
    notes["A3"] = "Ghi chú: kinh phí đối ứng do cơ sở tự bố trí"
    wb.save(path)
    expected = [Expected(ids[i], row[6], row[7], province, row[4], row[5], row[8])
                for i, _key, row in projects]
    return Layout(path, expected, blocks, kinds, sheet, {pid: i for i, pid in ids.items()})


def _rows_of(block: list[str], ids: dict[int, str]) -> list[int]:
    return [i for i, pid in ids.items() if pid in block]


def fund_sections(path: Path, where: str = "above") -> Layout:
    """Hà Tĩnh's plan: A (national fund) and B (local fund) parts, Roman content sections with
    their sums, and "Cộng A" / "Cộng B" rows `where` their blocks are ("above": right under
    the part's heading, the grand total "TỔNG CỘNG (A+B)" at the bottom; "below": at the end
    of the part, the grand total at the top, right under the column numbers)."""
    a = [("project", 1, "Ứng dụng máy sấy nông sản tiên tiến", "xã Cẩm Bình, huyện Cẩm Xuyên",
          1600, 400, "machinery", "central", 1),
         ("project", 2, "Đề án nhóm: máy chế biến gỗ cho 2 cơ sở", "huyện Hương Sơn", 2400,
          600, "machinery", "central", 2)]
    a2 = [("project", 1, "Mô hình trình diễn sản xuất gạch không nung", "huyện Kỳ Anh", 3000,
           900, "demo_model", "central", 1)]
    b1 = [("project", k, f"Đào tạo nghề mây tre đan cho {20 + k} lao động", "huyện Can Lộc",
           150 + 10 * k, 90 + 10 * k, "training", "local", 1) for k in (1, 2, 3)]
    b2 = [("project", 1, "Tập huấn nghiệp vụ khuyến công cấp huyện", "TP. Hà Tĩnh", 80, 70,
           "capacity_building", "local", 1)]
    b3 = [("project", 1, "Nâng cấp hệ thống xử lý nước thải cơ sở chế biến hải sản",
           "huyện Lộc Hà", 1500, 400, "pollution_treatment", "local", 1)]
    fund_a: list[Row] = [("fund", "A", "KINH PHÍ KHUYẾN CÔNG QUỐC GIA", "central")]
    fund_b: list[Row] = [("fund", "B", "KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG", "local")]
    part_a: list[Row] = [("content", "I", MACHINERY, "machinery"), *a,
                         ("content", "II", DEMO, "demo_model"), *a2]
    part_b: list[Row] = [("content", "I", TRAINING, "training"), *b1,
                         ("content", "II", COURSES, "capacity_building"), *b2,
                         ("content", "III", POLLUTION, "pollution_treatment"), *b3]
    sum_a: list[Row] = [("sub", None, "Cộng A", ("A",))]
    sum_b: list[Row] = [("sub", None, "Cộng B", ("B",))]
    total: list[Row] = [("total", None, "TỔNG CỘNG (A+B)", ())]
    if where == "above":
        rows = [*fund_a, *sum_a, *part_a, *fund_b, *sum_b, *part_b, *total]
    else:
        rows = [*total, *fund_a, *part_a, *sum_a, *fund_b, *part_b, *sum_b]
    return _lay_out(path, "Phụ lục", ("UBND TỈNH HÀ TĨNH", "SỞ CÔNG THƯƠNG"),
                    "KẾ HOẠCH KHUYẾN CÔNG NĂM 2026", "Hà Tĩnh", rows,
                    {"content", "sub", "total"})


def roman_sections(path: Path) -> Layout:
    """Nghệ An's local plan: Roman content sections only (the fund is in the title), each
    heading with its sums, "Cộng mục …" rows under two of them, a section the plan lists with
    no project this year, and "Tổng cộng" at the bottom."""
    rows: list[Row] = [
        ("content", "I", TRAINING, "training"),
        ("project", 1, "Đào tạo nghề dệt thổ cẩm cho 30 lao động", "huyện Quỳ Châu", 200, 120,
         "training", "local", 1),
        ("project", 2, "Truyền nghề mây tre đan", "huyện Hưng Nguyên", 140, 90, "training",
         "local", 1),
        ("sub", None, "Cộng mục I", ("I",)),
        ("content", "II", INFO, "information"),
        ("content", "III", MACHINERY, "machinery"),
        ("project", 1, "Ứng dụng dây chuyền chế biến chè", "huyện Thanh Chương", 1800, 450,
         "machinery", "local", 1),
        ("project", 2, "Ứng dụng máy ép nhựa tự động", "huyện Nghi Lộc", 1200, 300,
         "machinery", "local", 1),
        ("project", 3, "Đề án nhóm: máy chế biến gỗ cho 3 cơ sở", "huyện Tân Kỳ", 2400, 750,
         "machinery", "local", 3),
        ("sub", None, "Cộng mục III", ("III",)),
        ("content", "IV", COURSES, "management_capacity"),
        ("project", 1, "Tập huấn khởi sự doanh nghiệp công nghiệp nông thôn", "TP. Vinh", 90,
         80, "management_capacity", "local", 1),
        ("total", None, "Tổng cộng", ()),
    ]
    return _lay_out(path, "Biểu 02", ("UBND TỈNH NGHỆ AN", "SỞ CÔNG THƯƠNG"),
                    "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026", "Nghệ An", rows,
                    {"content", "sub", "total"})


def district_groups(path: Path) -> Layout:
    """Lâm Đồng's local plan grouped by district: under each Roman content section, a group
    line per district ("1 | Huyện Đơn Dương", in bold with its sums) and its projects numbered
    within it; the grand total "TỔNG CỘNG" first, right under the column numbers, as many
    provinces print it."""
    rows: list[Row] = [
        ("total", None, "TỔNG CỘNG", ()),
        ("content", "I", MACHINERY, "machinery"),
        ("district", 1, "Huyện Đơn Dương", None),
        ("project", 1, "Ứng dụng máy sấy rau củ tiên tiến", "xã Lạc Xuân", 1500, 400,
         "machinery", "local", 1),
        ("project", 2, "Ứng dụng máy đóng gói tự động", "thị trấn Thạnh Mỹ", 900, 270,
         "machinery", "local", 1),
        ("district", 2, "Huyện Lâm Hà", None),
        ("project", 1, "Ứng dụng dây chuyền chế biến cà phê", "xã Nam Hà", 2000, 500,
         "machinery", "local", 1),
        ("content", "II", TRAINING, "training"),
        ("district", 1, "Thành phố Bảo Lộc", None),
        ("project", 1, "Đào tạo nghề dệt lụa cho 25 lao động", "phường Lộc Sơn", 160, 100,
         "training", "local", 1),
        ("district", 2, "Huyện Di Linh", None),
        ("project", 1, "Truyền nghề đan lát cho đồng bào K'Ho", "xã Gia Hiệp", 120, 90,
         "training", "local", 1),
        ("project", 2, "Đào tạo nghề chế biến cà phê", "xã Tân Châu", 130, 80, "training",
         "local", 1),
    ]
    return _lay_out(path, "Danh mục", ("UBND TỈNH LÂM ĐỒNG", "SỞ CÔNG THƯƠNG"),
                    "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026", "Lâm Đồng", rows,
                    {"content", "district", "total"})


def flat_list(path: Path) -> Layout:
    """Quảng Trị's short list: no sections, the content type in the "Nội dung" column (in the
    rule set's short names), the fund in the title, and one "Tổng cộng" row right under the
    column numbers."""
    layout = _lay_out(path, "Danh sách", ("UBND TỈNH QUẢNG TRỊ", "SỞ CÔNG THƯƠNG"),
                      "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026", "Quảng Trị", [
                          ("total", None, "Tổng cộng", ()),
                          ("project", 1, "Ứng dụng máy ép viên nén mùn cưa", "huyện Cam Lộ",
                           800, 240, "machinery", "local", 1),
                          ("project", 2, "Đào tạo nghề mộc mỹ nghệ", "huyện Gio Linh", 150,
                           100, "training", "local", 1),
                          ("project", 3, "Ứng dụng máy sấy hồ tiêu", "huyện Vĩnh Linh", 1000,
                           300, "machinery", "local", 1),
                          ("project", 4, "Bản tin khuyến công Quảng Trị", "toàn tỉnh", 60, 50,
                           "information", "local", 1)], {"total"})
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.sheet]
    ws.cell(8, 11, "Nội dung")  # the "Loại đề án" column holds the content type here
    names = {"machinery": "Ứng dụng máy móc thiết bị tiên tiến", "training": TRAINING,
             "information": "Thông tin tuyên truyền"}
    for e in layout.expected:
        row = next(r for r in range(12, 20) if ws.cell(r, 1).value == int(e.project_id))
        ws.cell(row, 11, names[e.category])
    wb.save(path)
    return layout


def counterpart_formulas(layout: Layout) -> None:
    """Write each project's counterpart funds as the formula its column number says,
    "(10)=(8)-(9)", as planners' workbooks hold it."""
    wb = openpyxl.load_workbook(layout.path)
    ws = wb[layout.sheet]
    for r in layout.rows.values():
        ws.cell(r, 10).value = f"=H{r}-I{r}"
    wb.save(layout.path)


# --- a budget estimate (dự toán) by content line ------------------------------------------------

ESTIMATE_LINES: list[list[Any]] = [
    [1, MACHINERY, 19, "2.440.000.000", None],
    [2, DEMO, 2, "1.200.000.000", "02 mô hình"],
    [3, TRAINING, 3, "360.000.000", None],
    [4, POLLUTION, 2, "500.000.000", None],
    [5, "Chi phí quản lý triển khai đề án", None, "60.000.000", "Trung tâm Khuyến công"],
]


def estimate(path: Path, lines: list[list[Any]] | None = None,
             total: str = "4.560.000.000") -> tuple[Path, list[Expected]]:
    """Nghệ An's budget estimate of national funds (dự toán KCQG) in đồng: "STT | Nội dung |
    Số chương trình, đề án | Kinh phí hỗ trợ | Ghi chú", one line per content type with its
    count of projects, amounts as text with dot thousands, a programme management line
    (60.000.000, not a project) and "Tổng cộng". The expected projects: machinery as one group
    line of 19 establishments, the two demonstration models as two projects of 600 million
    each (their ceiling is per model), training and pollution treatment as group lines."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Dự toán"
    _title_block(ws, ("UBND TỈNH NGHỆ AN", "SỞ CÔNG THƯƠNG"),
                 "DỰ TOÁN KINH PHÍ KHUYẾN CÔNG QUỐC GIA NĂM 2026",
                 "(Kèm theo Quyết định số 88/QĐ-UBND ngày 05 tháng 01 năm 2026 của UBND tỉnh "
                 "Nghệ An)", "ĐVT: đồng", 5)
    for c, h in enumerate(["STT", "Nội dung", "Số chương trình, đề án", "Kinh phí hỗ trợ",
                           "Ghi chú"], 1):
        ws.cell(8, c, h).font = Font(name="Times New Roman", bold=True)
        ws.cell(8, c).border = BOX
    r = 9
    for values in lines if lines is not None else ESTIMATE_LINES:
        for c, v in enumerate(values, 1):
            ws.cell(r, c, v).border = BOX
        r += 1
    ws.cell(r, 2, "Tổng cộng").font = Font(name="Times New Roman", bold=True)
    ws.cell(r, 3, 26)
    ws.cell(r, 4, total)
    ws.column_dimensions["B"].width = 60
    wb.save(path)
    na = "Nghệ An"
    return path, [
        Expected("DT.1", "machinery", "central", na, 4880, 2440, 19),
        Expected("DT.2.1", "demo_model", "central", na, 2000, 600),
        Expected("DT.2.2", "demo_model", "central", na, 2000, 600),
        Expected("DT.3", "training", "central", na, 360, 360, 3),
        Expected("DT.4", "pollution_treatment", "central", na, 500 / 0.3, 500, 2),
    ]


# --- a national list whose places are communes and districts ------------------------------------

PLACE_ROWS: list[list[Any]] = [
    ["I", MACHINERY],
    [1, "Ứng dụng máy sấy nông sản tiên tiến", "Trung tâm KC và XTTM Quảng Nam",
     "xã Tiên Mỹ, huyện Tiên Phước", "1.000.000.000", "300.000.000"],
    [2, "Ứng dụng máy chế biến gỗ tự động", "Trung tâm Khuyến công Lạng Sơn",
     "huyện Hữu Lũng", "800.000.000", "300.000.000"],
    [3, "Ứng dụng dây chuyền chế biến hạt điều", "Trung tâm Khuyến công Phú Yên",
     "TT La Hai, huyện Đồng Xuân", "1.200.000.000", "300.000.000"],
    ["II", DEMO],
    [1, "Mô hình trình diễn sản xuất gạch không nung", "Trung tâm Khuyến công Tuyên Quang",
     "tổ 2, phường Mỹ Lâm, TP Tuyên Quang", "3.000.000.000", "900.000.000"],
    [2, "Mô hình trình diễn chế biến thanh long", "Trung tâm Khuyến công Bình Thuận",
     "tỉnh Bình Thuận", "2.000.000.000", "600.000.000"],
    [3, "Mô hình trình diễn dệt thổ cẩm", "Trung tâm KC và XTTM Quảng Nam", None, None,
     "450.000.000"],
]


def national_places(path: Path, rows: list[list[Any]] | None = None
                    ) -> tuple[Path, list[Expected]]:
    """The Ministry's national list in đồng with no province column: the place is in "Địa
    điểm thực hiện" as pre-2025 communes and districts ("xã Tiên Mỹ, huyện Tiên Phước",
    "huyện Hữu Lũng", "TT La Hai, huyện Đồng Xuân", "tổ 2, phường Mỹ Lâm, TP Tuyên Quang"), as
    a former province ("tỉnh Bình Thuận"), or only in the implementing unit ("Trung tâm KC và
    XTTM Quảng Nam"); the last row states only its support. Expected: each project in the
    province its old unit was merged into on 1 July 2025."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    _title_block(ws, ("BỘ CÔNG THƯƠNG", "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG"),
                 "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG QUỐC GIA THỰC HIỆN NĂM 2026",
                 "(Kèm theo Quyết định số 456/QĐ-BCT ngày 20 tháng 12 năm 2025 của Bộ trưởng "
                 "Bộ Công Thương)", "ĐVT: đồng", 6)
    for c, h in enumerate(["STT", "Tên đề án", "Đơn vị thực hiện", "Địa điểm thực hiện",
                           "Tổng kinh phí", "Kinh phí KCQG"], 1):
        ws.cell(8, c, h).font = Font(name="Times New Roman", bold=True)
    r = 9
    for values in rows if rows is not None else PLACE_ROWS:
        for c, v in enumerate(values, 1):
            ws.cell(r, c, v)
        r += 1
    wb.save(path)
    return path, [
        Expected("I.1", "machinery", "central", "Đà Nẵng", 1000, 300),
        Expected("I.2", "machinery", "central", "Lạng Sơn", 800, 300),
        Expected("I.3", "machinery", "central", "Đắk Lắk", 1200, 300),
        Expected("II.1", "demo_model", "central", "Tuyên Quang", 3000, 900),
        Expected("II.2", "demo_model", "central", "Lâm Đồng", 2000, 600),
        Expected("II.3", "demo_model", "central", "Đà Nẵng", 1500, 450),
    ]


# --- forms as provinces publish them (issue 24): their own words, structure rows, group lines ---


def coded_both_funds(path: Path) -> Path:
    """A planner's annex with its own codes (Nghệ An): KB-1 in A (100 from KCQG, row 6) and
    again in B (60 from KCĐP, row 9), its cost 500 written on both lines; KB-2 in B only
    (30, row 10). The A and B subtotals are 100 and 90."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "UBND TỈNH NGHỆ AN"
    ws["D2"] = "ĐVT: triệu đồng"
    for c, h in enumerate(["STT", "Mã đề án", "Tên đề án", "Tổng kinh phí", "Kinh phí hỗ trợ"],
                          1):
        ws.cell(3, c, h)
    machinery = "Ứng dụng máy móc thiết bị tiên tiến"
    rows = [["A", None, "KINH PHÍ KHUYẾN CÔNG QUỐC GIA", 500, 100],
            ["I", None, machinery, 500, 100], [1, "KB-1", "Máy sấy", 500, 100],
            ["B", None, "KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG", 700, 90],
            ["I", None, machinery, 700, 90], [1, "KB-1", "Máy sấy", 500, 60],
            [2, "KB-2", "Máy dệt", 200, 30]]
    for i, values in enumerate(rows, 4):
        for c, v in enumerate(values, 1):
            ws.cell(i, c, v)
    wb.save(path)
    return path


def published(path: Path, agency: tuple[str, str], title: str, unit: str, heads: list[str],
              rows: list[list[Any]], sheet: str = "Biểu 01") -> Path:
    """A published plan's sheet as it is: title block, a one-row header `heads`, the column
    numbers, then `rows` as written (section, district, group, subtotal and project rows)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    width = len(heads)
    r = _title_block(ws, agency, title, "(Kèm theo Quyết định số 35/QĐ-UBND ngày 12 tháng 01 "
                     "năm 2026)", unit, width)
    for c, h in enumerate(heads, 1):
        ws.cell(r, c, h).font = Font(name="Times New Roman", bold=True)
        ws.cell(r + 1, c, f"({c})")
    for k, values in enumerate(rows, r + 2):
        for c, v in enumerate(values, 1):
            ws.cell(k, c, v)
    wb.save(path)
    return path


VL_HEADS = ["STT", "Tên đề án", "Đơn vị thực hiện", "Đơn vị thụ hưởng", "Địa điểm thực hiện",
            "Tổng kinh phí", "Kinh phí khuyến công hỗ trợ", "Ghi chú"]
MACHINERY_OWN = ("HỖ TRỢ MÁY MÓC KỸ THUẬT TRONG SẢN XUẤT CÔNG NGHIỆP - TIỂU THỦ CÔNG "
                 "NGHIỆP")
AGENCY_OWN = "NÂNG CAO NĂNG LỰC QUẢN LÝ VÀ TỔ CHỨC THỰC HIỆN HOẠT ĐỘNG KHUYẾN CÔNG"
INFO_OWN = "CUNG CẤP THÔNG TIN VỀ CHÍNH SÁCH PHÁT TRIỂN CÔNG NGHIỆP"
CATCH_ALL = "PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN"


def own_words(path: Path, catch_all_name: str = "Bình chọn sản phẩm công nghiệp nông thôn "
              "tiêu biểu cấp tỉnh năm 2026") -> tuple[Path, list[Expected]]:
    """Vĩnh Long's local plan in its own words: Roman sections titled in capitals as the
    province writes them (none is the regulation's wording), district rows "1 | Huyện Long Hồ"
    (one with its subtotal) with projects numbered "1.1", "1.2" and "-", a section row with a
    stale subtotal, and a catch-all section "PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN" whose project
    is named `catch_all_name`."""
    rows: list[list[Any]] = [
        ["I", MACHINERY_OWN, None, None, None, 3000, 800],  # stale: the rows add up to 900
        [1, "Huyện Long Hồ", None, None, None, 2000, 600],
        ["1.1", "Ứng dụng máy sấy bánh tráng", "Trung tâm Khuyến công", "Cơ sở Bánh tráng Út "
         "Hiền", "xã Long Phước, huyện Long Hồ", 1200, 300],
        ["1.2", "Ứng dụng máy ép gạch tự động", "Trung tâm Khuyến công", "Công ty TNHH Gạch "
         "Long Hồ", "xã Phước Hậu, huyện Long Hồ", 800, 300],
        [2, "Huyện Mang Thít"],
        ["-", "Ứng dụng lò nung gốm tiết kiệm năng lượng", "Trung tâm Khuyến công",
         "Cơ sở Gốm Mang Thít", "xã Mỹ An, huyện Mang Thít", 1000, 300],
        ["II", "TẬP HUẤN KHUYẾN CÔNG", None, None, None, 80, 80],
        [1, "Tập huấn nâng cao năng lực quản lý cho cơ sở công nghiệp nông thôn",
         "Trung tâm Khuyến công", "50 cơ sở CNNT", "TP Vĩnh Long", 80, 80],
        ["III", AGENCY_OWN],
        [1, "Tham quan học tập kinh nghiệm khuyến công cho cán bộ", "Trung tâm Khuyến công",
         "Cán bộ khuyến công", "TP Vĩnh Long", 120, 120],
        ["IV", INFO_OWN],
        [1, "Phóng sự truyền hình về khuyến công", "Trung tâm Khuyến công",
         "Đài Phát thanh và Truyền hình", "TP Vĩnh Long", 60, 60],
        ["V", CATCH_ALL],
        [1, catch_all_name, "Trung tâm Khuyến công", "Cơ sở CNNT", "TP Vĩnh Long", 150, 150],
        [None, "TỔNG CỘNG", None, None, None, 3410, 1310],
    ]
    published(path, ("UBND TỈNH VĨNH LONG", "SỞ CÔNG THƯƠNG"),
              "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026", "ĐVT: triệu đồng",
              VL_HEADS, [[*r, None] if len(r) == 7 else r for r in rows])
    vl = "Vĩnh Long"
    return path, [
        Expected("I.1.1.1", "machinery", "local", vl, 1200, 300),
        Expected("I.1.1.2", "machinery", "local", vl, 800, 300),
        Expected("I.2.1", "machinery", "local", vl, 1000, 300),
        Expected("II.1", "management_capacity", "local", vl, 80, 80),
        Expected("III.1", "capacity_building", "local", vl, 120, 120),
        Expected("IV.1", "information", "local", vl, 60, 60),
        Expected("V.1", "typical_product", "local", vl, 150, 150),
    ]


def group_lines(path: Path) -> tuple[Path, list[Expected]]:
    """Bến Tre's plan by group lines: a "Số chương trình, đề án" column (19 machinery projects
    asking 2.440 million on one line), names "7 đề án hỗ trợ ứng dụng máy móc…" and "02 đề
    án: …", an "Đề án nhóm: …" line, and a beneficiary "4 doanh nghiệp"; the last line is
    one establishment."""
    heads = ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm thực hiện",
             "Số chương trình, đề án", "Tổng kinh phí", "Kinh phí khuyến công hỗ trợ"]
    rows: list[list[Any]] = [
        ["I", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ"],
        [1, "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất", "Các cơ sở CNNT",
         "các huyện", 19, "6.100", "2.440"],
        [2, "7 đề án hỗ trợ ứng dụng máy móc thiết bị chế biến dừa", "Các cơ sở chế biến dừa",
         "huyện Mỏ Cày Nam", None, "4.000", "1.750"],
        [3, "02 đề án: ứng dụng máy dệt chiếu", "Cơ sở dệt chiếu", "huyện Châu Thành",
         None, "1.000", "500"],
        [4, "Đề án nhóm: ứng dụng lò sấy thạch dừa cho 3 cơ sở", "3 cơ sở", "huyện Giồng Trôm",
         None, "1.400", "700"],
        [5, "Ứng dụng máy ép bã dừa", "4 doanh nghiệp", "huyện Ba Tri", None, "2.000", "1.000"],
        [6, "Ứng dụng máy cưa gỗ dừa", "Công ty TNHH Gỗ Dừa", "huyện Thạnh Phú", None, "500",
         "200"],
    ]
    published(path, ("UBND TỈNH BẾN TRE", "SỞ CÔNG THƯƠNG"),
              "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026", "ĐVT: triệu đồng", heads, rows)
    bt = "Vĩnh Long"  # Bến Tre merged into Vĩnh Long on 1 July 2025
    return path, [
        Expected("I.1", "machinery", "local", bt, 6100, 2440, 19),
        Expected("I.2", "machinery", "local", bt, 4000, 1750, 7),
        Expected("I.3", "machinery", "local", bt, 1000, 500, 2),
        Expected("I.4", "machinery", "local", bt, 1400, 700, 3),
        Expected("I.5", "machinery", "local", bt, 2000, 1000, 4),
        Expected("I.6", "machinery", "local", bt, 500, 200, 1),
    ]


def units_in_charge(path: Path, source: str = "citations") -> tuple[Path, list[Expected]]:
    """The Ministry's national list whose provinces are only in "Đơn vị thực hiện" ("Trung
    tâm Khuyến công tỉnh Quảng Nam", "Sở Công Thương Bình Định"), with a last column "Nguồn":
    `source` "citations" (the decision each line comes from), "funds" (the fund named on each
    line), "mixed" (the fund and year on two lines, a citation on the third), "phrases" (the
    fund and year on every line) or "cleared" (the column emptied, header and all, so the
    title merged over the full width runs past the last filled column)."""
    heads = ["STT", "Tên đề án", "Đơn vị thực hiện", "Tổng kinh phí", "Kinh phí KCQG",
             "Nguồn"]
    cite = {"citations": ["QĐ 1520/QĐ-BCT", "QĐ 1520/QĐ-BCT", "Công văn 88/CCT-KC"],
            "funds": ["Khuyến công quốc gia", "KCQG", "Kinh phí khuyến công quốc gia"],
            "mixed": ["Kinh phí KCQG năm 2026", "Kinh phí KCQG năm 2026", "QĐ 1520/QĐ-BCT"],
            "phrases": ["Kinh phí KCQG năm 2026"] * 3,
            "cleared": [None, None, None]}[source]
    rows: list[list[Any]] = [
        ["I", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ"],
        [1, "Ứng dụng máy sấy quế tiên tiến", "Trung tâm Khuyến công tỉnh Quảng Nam", 1200,
         300, cite[0]],
        [2, "Ứng dụng máy ép gạch không nung", "Sở Công Thương Bình Định", 900, 300, cite[1]],
        ["II", "Xây dựng mô hình trình diễn kỹ thuật"],
        [1, "Mô hình trình diễn sấy cá bằng năng lượng mặt trời", "Trung tâm Khuyến công và "
         "Xúc tiến thương mại Phú Yên", 2000, 600, cite[2]],
    ]
    published(path, ("BỘ CÔNG THƯƠNG", "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG"),
              "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG QUỐC GIA NĂM 2026", "ĐVT: triệu đồng",
              heads if source != "cleared" else [*heads[:-1], ""], rows)
    if source == "cleared":  # the title and motto still merged over the six columns
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        ws.cell(8, 6).value = None
        wb.save(path)
    return path, [
        Expected("I.1", "machinery", "central", "Đà Nẵng", 1200, 300),
        Expected("I.2", "machinery", "central", "Gia Lai", 900, 300),
        Expected("II.1", "demo_model", "central", "Đắk Lắk", 2000, 600),
    ]


def numbered_beneath(path: Path) -> tuple[Path, list[Expected]]:
    """An Đồng Tháp plan after the 2025 reform, grouped by commune and ward ("1 | Xã Mỹ Hiệp",
    "2 | Phường Cao Lãnh" with its subtotal), a heading that is no place ("3 | Lĩnh vực chế
    biến thực phẩm") over rows "3.1", "3.2", and a group line "Đề án nhóm: …" whose
    establishments are listed under it as "4.1"–"4.3" (they are not projects)."""
    rows: list[list[Any]] = [
        ["I", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ"],
        [1, "Xã Mỹ Hiệp"],
        ["-", "Ứng dụng máy sấy lúa", "HTX Mỹ Hiệp", "xã Mỹ Hiệp", 800, 300],
        [2, "Phường Cao Lãnh", None, None, 1500, 500],
        ["2.1", "Ứng dụng máy ép dầu dừa", "Cơ sở Dầu dừa Ba Tư", "phường Cao Lãnh", 900, 250],
        ["2.2", "Ứng dụng máy đóng gói bánh phồng", "Cơ sở Bánh phồng Sa Đéc",
         "phường Cao Lãnh", 600, 250],
        [3, "Lĩnh vực chế biến thực phẩm", None, None, 1600, 550],
        ["3.1", "Ứng dụng máy xay bột gạo", "Công ty TNHH Bột Sa Đéc", "phường Sa Đéc", 1000,
         300],
        ["3.2", "Ứng dụng máy làm kẹo dừa", "Cơ sở Kẹo dừa Tư Mai", "xã Tân Khánh Trung", 600,
         250],
        [4, "Đề án nhóm: ứng dụng lò sấy nông sản", "Trung tâm Khuyến công", "xã Tân Hồng", 2400,
         900],
        ["4.1", "Cơ sở Sấy Tân Hồng 1", "Cơ sở Sấy Tân Hồng 1", "xã Tân Hồng", 800, 300],
        ["4.2", "Cơ sở Sấy Tân Hồng 2", "Cơ sở Sấy Tân Hồng 2", "xã Tân Hồng", 800, 300],
        ["4.3", "Cơ sở Sấy Tân Hồng 3", "Cơ sở Sấy Tân Hồng 3", "xã Tân Hồng", 800, 300],
        [5, "Ứng dụng máy bóc vỏ sen", "Cơ sở Sen Tháp Mười", "xã Tháp Mười", 500, 200],
        [None, "TỔNG CỘNG", None, None, 6800, 2450],
    ]
    heads = ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm thực hiện", "Tổng kinh phí",
             "Kinh phí khuyến công hỗ trợ"]
    published(path, ("UBND TỈNH ĐỒNG THÁP", "SỞ CÔNG THƯƠNG"),
              "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026", "ĐVT: triệu đồng", heads, rows)
    dt = "Đồng Tháp"
    return path, [
        Expected("I.1.1", "machinery", "local", dt, 800, 300),
        Expected("I.2.2.1", "machinery", "local", dt, 900, 250),
        Expected("I.2.2.2", "machinery", "local", dt, 600, 250),
        Expected("I.3.3.1", "machinery", "local", dt, 1000, 300),  # "3.1" beneath heading 3
        Expected("I.3.3.2", "machinery", "local", dt, 600, 250),
        Expected("I.4", "machinery", "local", dt, 2400, 900, 3),
        Expected("I.5", "machinery", "local", dt, 500, 200),
    ]


def district_names(path: Path, spelling: str = "vi") -> tuple[Path, list[Expected]]:
    """Vĩnh Long's plan with its district rows numbered in the name cell, the STT cell empty
    ("1. Huyện Long Hồ", "2) Thị xã Bình Minh", "a. Xã Long Phước", each with its subtotal),
    spelled `spelling`: "vi" (composed), "ascii" (no diacritics, "1. Huyen Long Ho") or "nfd"
    (decomposed). Its projects name places ("… tại huyện Long Hồ", "… xã Long Phước", one
    numbered in its name cell "2. Xã An Bình: máy sấy" with its unit and costs) and stay
    projects; every subtotal and the grand total agree with them."""
    import unicodedata

    places = {"Huyện Long Hồ": "Huyen Long Ho", "Thị xã Bình Minh": "Thi xa Binh Minh",
              "Xã Long Phước": "Xa Long Phuoc"}
    spelt = {k: {"vi": k, "ascii": v, "nfd": unicodedata.normalize("NFD", k)}[spelling]
             for k, v in places.items()}
    rows: list[list[Any]] = [
        ["I", MACHINERY, None, None, None, 3000, 900],
        [None, "1. " + spelt["Huyện Long Hồ"], None, None, None, 2000, 600],
        ["1.1", "Hỗ trợ ứng dụng máy sấy bánh tráng tại huyện Long Hồ", "Trung tâm Khuyến "
         "công", "Cơ sở Bánh tráng Út Hiền", "xã Long Phước, huyện Long Hồ", 1200, 300],
        ["1.2", "Ứng dụng máy ép gạch tự động", "Trung tâm Khuyến công", "Công ty TNHH Gạch "
         "Long Hồ", "xã Phước Hậu, huyện Long Hồ", 800, 300],
        [None, "2) " + spelt["Thị xã Bình Minh"], None, None, None, 1000, 300],
        ["-", "Ứng dụng lò nung gốm tiết kiệm năng lượng", "Trung tâm Khuyến công",
         "Cơ sở Gốm Bình Minh", "phường Cái Vồn, thị xã Bình Minh", 1000, 300],
        ["II", DEMO, None, None, None, 2100, 650],
        [None, "a. " + spelt["Xã Long Phước"], None, None, None, 2100, 650],
        [1, "Mô hình trình diễn kỹ thuật sản xuất gạch không nung xã Long Phước",
         "Trung tâm Khuyến công", "Công ty TNHH Gạch Long Phước", "xã Long Phước, huyện "
         "Long Hồ", 1500, 450],
        [None, "2. Xã An Bình: máy sấy", "Trung tâm Khuyến công", "HTX An Bình",
         "xã An Bình, huyện Long Hồ", 600, 200],
        [None, "TỔNG CỘNG", None, None, None, 5100, 1550],
    ]
    published(path, ("UBND TỈNH VĨNH LONG", "SỞ CÔNG THƯƠNG"),
              "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026", "ĐVT: triệu đồng",
              VL_HEADS, [[*r, None] for r in rows])
    vl = "Vĩnh Long"
    return path, [
        Expected("I.1.1.1", "machinery", "local", vl, 1200, 300),
        Expected("I.1.1.2", "machinery", "local", vl, 800, 300),
        Expected("I.2.1", "machinery", "local", vl, 1000, 300),
        Expected("II.a.1", "demo_model", "local", vl, 1500, 450),
        Expected("II.a.2", "demo_model", "local", vl, 600, 200),
    ]
