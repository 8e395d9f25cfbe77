"""`kcopt template OUT.xlsx`: the drafting workbook a planner fills in.

Sheet "Danh mục đề án" (first, so kcopt reads it by default): Vietnamese headers with English
beneath, frozen, with filters; drop-down lists for province (the 34 units), content type
(Vietnamese names), level, funds, typical product and the yes/no columns; number formats in
million VND; input prompts on every column. Then an instructions sheet, the rule set in force
as a reference sheet, and the lists the drop-downs draw from. Filled in, it is a valid project
list as it stands: `kcopt validate` reads it without any setting.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kcopt._version import __version__
from kcopt.core.errors import InputError, Problem
from kcopt.core.geo import load_geography
from kcopt.core.vocabulary import LEVEL_VI, NO, TYPICAL_VI, YES
from kcopt.core.words import _, data_text
from kcopt.io.write import atomic_write
from kcopt.present.workbook.edit import (
    BOLD,
    EN_FONT,
    HEADER_FILL,
    print_a4_landscape,
    save_reproducibly,
)
from kcopt.present.workbook.formats import INPUT_MONEY as MONEY
from kcopt.rules.rates import DECREE32_BASIS, RuleSet, load_rules

DATA_SHEET = "Danh mục đề án"
HELP_SHEET = "Hướng dẫn"
RULES_SHEET = "Định mức hỗ trợ"
LISTS_SHEET = "Danh sách"
TITLE_ROW, NOTE_ROW, VI_ROW, EN_ROW, FIRST_ROW = 1, 2, 3, 4, 5
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
SECTORS = {"agro_food_processing": "Chế biến nông, lâm, thủy sản",
           "handicrafts": "Thủ công mỹ nghệ", "small_mechanics": "Cơ khí nhỏ",
           "building_materials": "Vật liệu xây dựng", "textiles": "Dệt may",
           "chemicals": "Hóa chất, phân bón, chế phẩm sinh học"}


@dataclass(frozen=True)
class Field:
    """A template column: canonical name, headers, kind of drop-down or check, help text."""

    name: str
    vi: str
    en: str
    width: float
    check: str  # list name, or "id", "money", "positive", "score", "share", "year", "text"
    help_vi: str
    help_en: str
    required: bool = False


FIELDS = [
    Field("project_id", "Mã đề án", "Project ID", 12, "id", "Mã duy nhất của đề án",
          "Unique project code", True),
    Field("name", "Tên đề án", "Project name", 40, "text", "Tên đề án khuyến công",
          "Name of the project", True),
    Field("province", "Tỉnh/Thành phố", "Province", 22, "DS_TINH",
          "Một trong 34 tỉnh, thành phố (từ 01/7/2025)", "One of the 34 provincial units", True),
    Field("category", "Nội dung", "Content type", 38, "DS_NOIDUNG",
          "Nội dung khuyến công (xem sheet Định mức hỗ trợ)",
          "Content type (see the support-rates sheet)", True),
    Field("level", "Cấp", "Level", 12, "DS_CAP", "Đề án khuyến công quốc gia (Trung ương) "
          "hay địa phương; để trống = Địa phương", "Central (national) or local; blank = local"),
    Field("funds", "Nguồn vốn", "Funds", 12, "DS_NGUON", "Nguồn nào được chi: Trung ương, Địa "
          "phương hay Cả hai; để trống = theo cấp", "Which funds may pay; blank = by level"),
    Field("total_cost", "Tổng kinh phí (triệu đồng)", "Total cost (million VND)", 14, "positive",
          "Tổng kinh phí thực hiện đề án, triệu đồng, > 0",
          "Eligible cost of the project, million VND, > 0", True),
    Field("requested", "Kinh phí đề nghị hỗ trợ (triệu đồng)", "Requested support (million VND)",
          14, "money", "Kinh phí khuyến công đề nghị; để trống = mức tối đa theo quy định",
          "Support requested; blank = the regulatory maximum"),
    Field("appraisal", "Điểm thẩm định", "Appraisal score", 10, "score",
          "Điểm thẩm định, từ 0 đến 100", "Appraisal score, 0 to 100"),
    Field("green", "Sản xuất sạch hơn", "Cleaner production", 10, "DS_COKHONG",
          "Có áp dụng sản xuất sạch hơn, bền vững?", "Cleaner or sustainable production?"),
    Field("circular", "Kinh tế tuần hoàn", "Circular economy", 10, "DS_COKHONG",
          "Có theo mô hình kinh tế tuần hoàn?", "Circular economy?"),
    Field("digital", "Chuyển đổi số", "Digital transformation", 10, "DS_COKHONG",
          "Có chuyển đổi số?", "Digital transformation?"),
    Field("sector", "Ngành", "Sector", 20, "DS_NGANH",
          "Mã ngành (dùng cho lợi thế vùng trong kịch bản)",
          "Sector code (matched to regional advantages in the scenario)"),
    Field("typical_product", "Sản phẩm CNNT tiêu biểu", "Typical product", 14, "DS_SPTB",
          "Sản phẩm công nghiệp nông thôn tiêu biểu: cấp đạt được",
          "Typical rural industrial product: level reached"),
    Field("disadvantaged_area", "Địa bàn khó khăn", "Disadvantaged area", 10, "DS_COKHONG",
          "Đề án ở địa bàn có điều kiện kinh tế – xã hội khó khăn?",
          "In an area with difficult socio-economic conditions?"),
    Field("women_or_ethnic_owned", "Phụ nữ/DTTS làm chủ", "Women or ethnic owned", 12,
          "DS_COKHONG", "Cơ sở do phụ nữ hoặc người dân tộc thiểu số làm chủ?",
          "Establishment owned by women or ethnic minorities?"),
    Field("infra_investment", "Tổng mức đầu tư (triệu đồng)", "Infrastructure investment", 14,
          "money", "Chỉ cho hạ tầng cụm công nghiệp: tổng mức đầu tư (hỗ trợ ≤ 30%)",
          "Industrial-cluster infrastructure only: total investment (support ≤ 30%)"),
    Field("other_state_support", "Hỗ trợ từ chương trình khác (triệu đồng)",
          "Other state support", 14, "money",
          "Kinh phí nhà nước đã hỗ trợ từ chương trình khác", "State support already received"),
    Field("min_fraction", "Tỷ lệ tối thiểu", "Minimum fraction", 10, "share",
          "Nếu được hỗ trợ thì ít nhất bao nhiêu % mức tối đa", "Smallest viable share of its cap"),
    Field("all_or_nothing", "Hỗ trợ trọn gói", "All or nothing", 10, "DS_COKHONG",
          "Chỉ hỗ trợ đủ hoặc không hỗ trợ", "Fund in full or not at all"),
    Field("must_fund", "Chuyển tiếp", "Must fund", 10, "DS_COKHONG",
          "Đề án chuyển tiếp, bắt buộc bố trí", "Continuing project: must be funded"),
    Field("exclude", "Loại trừ", "Exclude", 10, "DS_COKHONG", "Không xét đề án này",
          "Leave this project out"),
    Field("year", "Năm kế hoạch", "Plan year", 10, "year", "Năm thực hiện, ví dụ 2026",
          "Plan year, e.g. 2026"),
    Field("note", "Ghi chú", "Notes", 30, "text", "Ghi chú (được giữ nguyên trong kết quả)",
          "Notes (carried through to the outputs)"),
]


def write_template(path: Path, rows: int = 300, force: bool = False,
                   rules: RuleSet | None = None) -> Path:
    """Write the drafting workbook to `path` (refusing to overwrite unless `force`)."""
    if path.suffix.lower() != ".xlsx":
        raise InputError([Problem(str(path), "the template is an Excel workbook",
                                  "Give a file name ending in .xlsx")])
    if path.exists() and not force:
        raise InputError([Problem(str(path), "the file exists already (it may hold a filled-in "
                                  "programme)", "Choose another name, or add --force to "
                                  "overwrite it")])
    if rows < 1:
        raise InputError([Problem(str(path), _("--rows must be at least 1; got {rows}").format(
            rows=rows),
                                  "Give the number of blank project rows, e.g. --rows 300")])
    wb = template_workbook(rows, rules or load_rules())
    return atomic_write(path, lambda p: save_reproducibly(wb, p, datetime(2025, 10, 15)))


def template_workbook(rows: int = 300, rules: RuleSet | None = None) -> Workbook:
    rules = rules or load_rules()
    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    help_ws = wb.create_sheet(HELP_SHEET)
    rules_ws = wb.create_sheet(RULES_SHEET)
    lists = wb.create_sheet(LISTS_SHEET)
    _lists_sheet(wb, lists, rules)
    _data_sheet(data, rows)
    _help_sheet(help_ws)
    _rules_sheet(rules_ws, rules)
    wb.active = 0
    return wb


def _data_sheet(ws: Worksheet, rows: int) -> None:
    ws["A1"] = "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỀ NGHỊ HỖ TRỢ"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = ("List of proposed industrial-promotion projects. Đơn vị tính: triệu đồng / unit: "
                "million VND. Cột tô cam là bắt buộc / orange columns are required. "
                f"Xem sheet '{HELP_SHEET}'.")
    ws["A2"].font = EN_FONT
    first, last = FIRST_ROW, FIRST_ROW + rows - 1
    for j, f in enumerate(FIELDS, 1):
        top = ws.cell(VI_ROW, j, f.vi)
        top.font = BOLD
        top.fill = REQUIRED_FILL if f.required else HEADER_FILL
        top.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        bottom = ws.cell(EN_ROW, j, f.en)
        bottom.font = EN_FONT
        bottom.fill = copy(top.fill)
        bottom.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = f.width
        fmt = _format(f.check)
        if fmt:
            for r in range(first, last + 1):
                ws.cell(r, j).number_format = fmt
        dv = _validation(f, letter, first, last)
        if dv is not None:
            ws.add_data_validation(dv)
    ws.row_dimensions[VI_ROW].height = 45
    ws.freeze_panes = f"C{first}"
    ws.auto_filter.ref = f"A{EN_ROW}:{get_column_letter(len(FIELDS))}{last}"
    ws.print_title_rows = f"{VI_ROW}:{EN_ROW}"
    print_a4_landscape(ws)
    col = {f.name: get_column_letter(j) for j, f in enumerate(FIELDS, 1)}
    req, cost = col["requested"], col["total_cost"]
    ws.conditional_formatting.add(
        f"{req}{first}:{req}{last}",
        FormulaRule(formula=[f"AND(ISNUMBER({req}{first}),ISNUMBER({cost}{first}),"
                             f"{req}{first}>{cost}{first})"],
                    fill=PatternFill("solid", fgColor="FFC7CE"), font=Font(color="9C0006")))


def _format(check: str) -> str | None:
    return {"money": MONEY, "positive": MONEY, "score": "0.0", "share": "0%", "year": "0",
            "id": "@"}.get(check)


def _validation(f: Field, letter: str, first: int, last: int) -> DataValidation | None:
    cells = f"{letter}{first}:{letter}{last}"
    title = f.vi[:32]
    prompt = f"{f.help_vi}\n{f.help_en}"[:255]
    if f.check.startswith("DS_"):
        strict = f.check in ("DS_TINH", "DS_NOIDUNG", "DS_CAP", "DS_NGUON", "DS_SPTB")
        dv = DataValidation(type="list", formula1=f.check, allow_blank=True,
                            errorStyle="stop" if strict else "information")
        dv.error = ("Chọn một giá trị trong danh sách / choose a value from the list"
                    if strict else "Giá trị ngoài danh sách / a value outside the list")
    elif f.check == "id":
        dv = DataValidation(type="custom", allow_blank=True,
                            formula1=f"COUNTIF(${letter}${first}:${letter}${last},{letter}{first})"
                            "=1")
        dv.error = "Mã đề án bị trùng / project ID already used"
    elif f.check in ("money", "positive"):
        dv = DataValidation(type="decimal", operator="greaterThan" if f.check == "positive"
                            else "greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "Nhập số tiền (triệu đồng) / enter an amount in million VND"
    elif f.check == "score":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                            allow_blank=True)
        dv.error = "Điểm từ 0 đến 100 / a score from 0 to 100"
    elif f.check == "share":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1",
                            allow_blank=True)
        dv.error = "Tỷ lệ từ 0% đến 100% / a share from 0% to 100%"
    elif f.check == "year":
        dv = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                            allow_blank=True)
        dv.error = "Năm, ví dụ 2026 / a year such as 2026"
    else:
        dv = DataValidation(allow_blank=True)
    dv.promptTitle, dv.prompt, dv.showInputMessage = title, prompt, True
    dv.errorTitle, dv.showErrorMessage = "kcopt", True
    dv.add(cells)
    return dv


def _lists_sheet(wb: Workbook, ws: Worksheet, rules: RuleSet) -> None:
    geo = load_geography()
    lists = {
        "DS_TINH": ("Tỉnh/Thành phố", "Province", sorted(geo.provinces)),
        "DS_NOIDUNG": ("Nội dung", "Content type", [r.name_vi for r in rules.rules.values()]),
        "DS_CAP": ("Cấp", "Level", list(LEVEL_VI.values())),
        "DS_NGUON": ("Nguồn vốn", "Funds", [*LEVEL_VI.values(), "Cả hai"]),
        "DS_COKHONG": ("Có/không", "Yes/no", [YES, NO]),
        "DS_SPTB": ("Sản phẩm tiêu biểu", "Typical product", list(TYPICAL_VI.values())),
        "DS_NGANH": ("Ngành", "Sector", list(SECTORS)),
    }
    notes = {"DS_TINH": [geo.provinces[p].region for p in lists["DS_TINH"][2]],
             "DS_NOIDUNG": list(rules.rules), "DS_NGANH": list(SECTORS.values())}
    ws["A1"] = "Danh sách cho các ô chọn (không sửa) / lists behind the drop-downs (do not edit)"
    ws["A1"].font = BOLD
    col = 1
    for key, (vi, en, values) in lists.items():
        letter = get_column_letter(col)
        ws.cell(2, col, vi).font = BOLD
        ws.cell(3, col, en).font = EN_FONT
        for i, v in enumerate(values):
            ws.cell(4 + i, col, v)
        ref = f"{quote_sheetname(LISTS_SHEET)}!${letter}$4:${letter}${3 + len(values)}"
        wb.defined_names[key] = DefinedName(key, attr_text=ref)
        ws.column_dimensions[letter].width = max(12, min(44, max(len(str(v)) for v in values)))
        if key in notes:
            extra = get_column_letter(col + 1)
            ws.cell(2, col + 1, {"DS_TINH": "Vùng", "DS_NOIDUNG": "Mã",
                                 "DS_NGANH": "Tên ngành"}[key]).font = BOLD
            ws.cell(3, col + 1, {"DS_TINH": "Region", "DS_NOIDUNG": "Code",
                                 "DS_NGANH": "Sector"}[key]).font = EN_FONT
            for i, v in enumerate(notes[key]):
                ws.cell(4 + i, col + 1, v)
            ws.column_dimensions[extra].width = 26
            col += 1
        col += 2
    ws.protection.sheet = True  # no password: it only guards against accidental edits


def _rules_sheet(ws: Worksheet, rules: RuleSet) -> None:
    table = rules.table()
    cols = [("category", "Mã nội dung", "Content type code", 24, None),
            ("name_vi", "Nội dung", "Content type", 44, None),
            ("fund", "Nguồn vốn", "Fund", 10, None),
            ("rate", "Tỷ lệ hỗ trợ tối đa", "Maximum rate", 11, "0%"),
            ("ceiling", "Mức trần (triệu đồng)", "Ceiling (million VND)", 13, MONEY),
            ("unit", "Tính theo", "Per", 16, None),
            ("basis", "Căn cứ", "Legal basis", 34, None),
            ("confidence", "Độ tin cậy", "Confidence", 11, None),
            ("verified", "Đã kiểm chứng", "Verified", 10, None),
            ("note", "Ghi chú", "Note", 50, None)]
    ws["A1"] = f"ĐỊNH MỨC HỖ TRỢ — bộ định mức {rules.version}"
    ws["A1"].font = Font(bold=True, size=13)
    basis = data_text(DECREE32_BASIS)  # "Nghị định 32/2024/NĐ-CP Điều 26.1"
    ws["A2"] = (f"Support rates and ceilings in force (kcopt {__version__}). Hạ tầng cụm công "
                f"nghiệp: tổng hỗ trợ nhà nước ≤ 30% tổng mức đầu tư ({basis}). Mức "
                "chưa kiểm chứng cần được xác nhận hoặc đặt trong kịch bản.")
    ws["A2"].font = EN_FONT
    for j, (key, vi, en, width, fmt) in enumerate(cols, 1):
        ws.cell(VI_ROW, j, vi).font = BOLD
        ws.cell(EN_ROW, j, en).font = EN_FONT
        for c in (ws.cell(VI_ROW, j), ws.cell(EN_ROW, j)):
            c.fill = HEADER_FILL
            c.alignment = Alignment(wrap_text=True, horizontal="center")
        ws.column_dimensions[get_column_letter(j)].width = width
        for i, value in enumerate(table[key].tolist()):
            if key == "verified":
                value = YES if value else NO
            elif key == "fund":
                value = LEVEL_VI.get(value, value)
            cell = ws.cell(FIRST_ROW + i, j, None if pd.isna(value) else value)
            if fmt:
                cell.number_format = fmt
    ws.freeze_panes = f"C{FIRST_ROW}"
    ws.auto_filter.ref = f"A{EN_ROW}:{get_column_letter(len(cols))}{EN_ROW + len(table)}"


def _help_sheet(ws: Worksheet) -> None:
    lines = [
        ("HƯỚNG DẪN ĐIỀN DANH MỤC ĐỀ ÁN", "How to fill in the project list"),
        (f"1. Mỗi đề án một dòng trong sheet '{DATA_SHEET}', bắt đầu từ dòng {FIRST_ROW}. Không "
         "sửa hai dòng tiêu đề (tiếng Việt và tiếng Anh).",
         f"One project per row of the '{DATA_SHEET}' sheet from row {FIRST_ROW}; keep both "
         "header rows."),
        ("2. Các cột tô màu cam là bắt buộc: Mã đề án, Tên đề án, Tỉnh/Thành phố, Nội dung, "
         "Tổng kinh phí. Các cột khác có thể để trống.",
         "Orange columns are required; the others may be left blank."),
        ("3. Số tiền tính bằng triệu đồng. Có thể gõ 1200, 1.200 hoặc 1.200,5; kcopt báo lại "
         "mọi cách đọc có thể hiểu hai nghĩa.",
         "Amounts in million VND; 1200, 1.200 and 1.200,5 are read, and any reading that "
         "could be taken two ways is reported."),
        ("4. Các cột có/không: chọn trong danh sách, hoặc gõ x, 1/0. Để trống là không.",
         "Yes/no columns: pick from the list, or type x or 1/0; blank means no."),
        ("5. Tỉnh/Thành phố: 34 đơn vị hành chính cấp tỉnh từ 01/7/2025. Tên tỉnh cũ vẫn được "
         "đọc và chuyển sang tỉnh mới, kèm cảnh báo.",
         "Province: the 34 units since 1 July 2025; pre-2025 names are mapped with a warning."),
        (f"6. Nội dung hỗ trợ và định mức: xem sheet '{RULES_SHEET}'.",
         f"Content types and their rates: see the '{RULES_SHEET}' sheet."),
        ("7. Kiểm tra tệp: kcopt validate ten-tep.xlsx", "Check the file: kcopt validate "
         "my-file.xlsx"),
        ("8. Phân bổ: viết kịch bản (projects: ten-tep.xlsx, budgets: ...) rồi chạy "
         "kcopt solve kich-ban.yaml --into ten-tep.xlsx — kết quả được ghi vào một bản sao, "
         "tệp gốc không bị sửa.",
         "Allocate: write a scenario (projects: my-file.xlsx, budgets: ...) and run kcopt "
         "solve scenario.yaml --into my-file.xlsx; the results go into a copy, never into the "
         "original."),
    ]
    r = 1
    for vi, en in lines:
        ws.cell(r, 1, vi).font = Font(bold=True, size=13 if r == 1 else 11)
        ws.cell(r + 1, 1, en).font = EN_FONT
        r += 3 if r == 1 else 2
    r += 1
    heads = [("Cột", "Column"), ("Tiêu đề", "Header"), ("Header (English)", "English"),
             ("Bắt buộc", "Required"), ("Ý nghĩa", "Meaning"), ("Meaning", "English")]
    for j, (vi, en) in enumerate(heads, 1):
        ws.cell(r, j, vi).font = BOLD
        ws.cell(r + 1, j, en).font = EN_FONT
        ws.cell(r, j).fill = ws.cell(r + 1, j).fill = HEADER_FILL
    for i, f in enumerate(FIELDS):
        row = r + 2 + i
        for j, v in enumerate((get_column_letter(i + 1), f.vi, f.en, YES if f.required else NO,
                               f.help_vi, f.help_en), 1):
            ws.cell(row, j, v)
    for letter, width in zip("ABCDEF", (8, 36, 30, 10, 60, 60), strict=True):
        ws.column_dimensions[letter].width = width
