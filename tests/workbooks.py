"""Planners' workbooks as they really are, built in code for the tests."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side


def government_form(path: Path) -> Path:
    """A provincial form: agency and title rows, a two-row header with a merged parent cell
    "Kinh phí (triệu đồng)", a row of column numbers, a section heading, a province merged over
    its projects, Vietnamese number text, a group subtotal with formulas, a blank row, a grand
    total; plus a notes sheet with formulas and formatting of its own."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    ws["A1"] = "UBND TỈNH LÂM ĐỒNG"
    ws["A2"] = "SỞ CÔNG THƯƠNG"
    ws["F1"] = "Biểu số 01/KC"
    ws["A3"] = "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026"
    ws.merge_cells("A3:I3")
    ws["A3"].font = Font(bold=True, size=14)
    ws["A3"].alignment = Alignment(horizontal="center")
    heads = ["STT", "Mã đề án", "Tên đề án", "Tỉnh/Thành phố", "Nội dung", None, None,
             "Điểm thẩm định", "Sản xuất sạch hơn"]
    thin = Side(style="thin")
    for j, h in enumerate(heads, 1):
        if h:
            ws.cell(5, j, h)
    ws["F5"] = "Kinh phí (triệu đồng)"
    ws.merge_cells("F5:G5")
    ws["F6"] = "Tổng kinh phí"
    ws["G6"] = "Đề nghị hỗ trợ"
    for col in "ABCDEHI":
        ws.merge_cells(f"{col}5:{col}6")
    for row in ws.iter_rows(min_row=5, max_row=6, max_col=9):
        for c in row:
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="FFF2CC")
            c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for j in range(1, 10):
        ws.cell(7, j, f"({j})")
    ws.append(["I", "Đề án khuyến công địa phương"])
    ws.append([1, "P-1", "Máy sấy chè", "Lâm Đồng", "Ứng dụng máy móc thiết bị tiên tiến",
               "1.200", "600", 80, "x"])
    ws.append([2, "P-2", "Dệt thổ cẩm", None, "machinery", "1 500", "450,5", 70, "không"])
    ws.append([3, "P-3", "Gốm", None, "machinery", 900, 300, "75", "có"])
    ws.merge_cells("D9:D11")
    ws.append([None, "Cộng I", None, None, None, "=SUM(F9:F11)", "=SUM(G9:G11)"])
    ws.append([])
    ws.append([4, "P-4", "Mây tre", "Đắk Lắk", "machinery", "1.000,5", 400, 60, 1])
    ws.append([None, None, "Tổng cộng", None, None, "=F12", "=G12+G14"])
    for c in ws[15]:
        c.font = Font(bold=True)
    ws.column_dimensions["C"].width = 30
    ws.freeze_panes = "C8"
    notes = wb.create_sheet("Ghi chú")
    notes["A1"] = "Tổng đề nghị"
    notes["B1"] = "='Danh mục'!G15"
    notes["B1"].number_format = "#,##0.0"
    notes["A2"] = "Tỷ lệ"
    notes["B2"] = "=B1/10000"
    notes["B2"].number_format = "0.0%"
    notes["A1"].fill = PatternFill("solid", fgColor="C6EFCE")
    notes.merge_cells("C1:D2")
    notes["C1"] = "ghi chú gộp"
    notes.column_dimensions["A"].width = 22
    wb.save(path)
    return path


GOVERNMENT_SCENARIO = """name: Lâm Đồng 2026
projects: {file}
budgets: {{central: 700, local: {{Lâm Đồng: 200, Đắk Lắk: 100}}}}
rate_overrides:
  - {{category: machinery, fund: local, rate: 0.50, cap: 300}}
"""
