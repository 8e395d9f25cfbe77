"""Every phrase the app shows, Vietnamese first; `tr(key, lang)` picks the language.

Codes (column names, constraint names, statuses) stay English in the tables; the words around
them follow the planner's language.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["vi", "en"]

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("kcopt — Phân bổ kinh phí khuyến công",
              "kcopt — Industrial-promotion (khuyến công) fund allocation"),
    "language": ("Ngôn ngữ / Language", "Ngôn ngữ / Language"),
    "login": ("Đăng nhập", "Log in"),
    "password": ("Mật khẩu", "Password"),
    "password_wrong": ("Mật khẩu không đúng.", "Wrong password."),
    "password_hint": ("Ứng dụng này được bảo vệ bằng mật khẩu của Sở.",
                      "This app is protected by the Department's password."),
    "tab_data": ("1. Dữ liệu", "1. Data"),
    "tab_scenario": ("2. Kịch bản", "2. Scenario"),
    "tab_result": ("3. Kết quả", "3. Results"),
    "tab_sensitivity": ("4. Độ nhạy", "4. Sensitivity"),
    "tab_downloads": ("5. Tải về", "5. Downloads"),
    "projects_upload": ("Danh sách đề án", "Danh sách đề án (project list)"),
    "projects_help": ("Tệp CSV hoặc Excel (XLSX), kể cả mẫu phụ lục chính thức. Tối đa {mb} MB, "
                      "{rows} dòng.",
                      "CSV or Excel (XLSX), including the official annex layout. At most {mb} "
                      "MB, {rows} rows."),
    "budgets_upload": ("Ngân sách khuyến công địa phương (không bắt buộc)",
                       "Local budgets (optional)"),
    "budgets_help": ("Bảng tỉnh, ngân sách (triệu đồng), CSV hoặc XLSX.",
                     "A province,budget table (million VND), CSV or XLSX."),
    "scenario_upload": ("Mở kịch bản (YAML)", "Open a scenario (YAML)"),
    "scenario_help": ("Kịch bản lưu từ ứng dụng hoặc dùng với lệnh kcopt solve. Đường dẫn tệp "
                      "trong kịch bản được bỏ qua: hãy tải tệp lên ở đây.",
                      "A scenario saved by the app or used with kcopt solve. File paths in it "
                      "are ignored: upload the files here."),
    "paths_dropped": ("Kịch bản đã mở; đường dẫn tệp trong đó được bỏ qua ({keys}): tải các tệp "
                      "đó lên ở đây.",
                      "Scenario opened; the file paths in it are ignored ({keys}): upload those "
                      "files here."),
    "demo": ("Dùng dữ liệu mẫu (demo)", "Start from the demo"),
    "demo_loaded": ("Đang dùng dữ liệu mẫu: {n} đề án.", "Using the demo: {n} projects."),
    "no_projects": ("Chưa có danh sách đề án. Tải tệp lên hoặc dùng dữ liệu mẫu.",
                    "No project list yet. Upload one or start from the demo."),
    "projects_ok": ("Đã đọc {n} đề án từ {file}.", "Read {n} projects from {file}."),
    "problems": ("{n} lỗi trong dữ liệu — sửa tệp rồi tải lên lại:",
                 "{n} problems in the input — fix the file and upload it again:"),
    "warnings": ("Cảnh báo ({n})", "Warnings ({n})"),
    "too_many_rows": ("có {n} dòng; ứng dụng nhận tối đa {limit} dòng",
                      "has {n} rows; the app takes at most {limit}"),
    "too_big": ("tệp {size} MB; ứng dụng nhận tối đa {limit} MB",
                "the file is {size} MB; the app takes at most {limit} MB"),
    "split_fix": ("Chia danh sách theo tỉnh hoặc dùng lệnh kcopt solve trên máy.",
                  "Split the list by province, or use kcopt solve on a computer."),
    "col_file": ("Tệp", "File"), "col_sheet": ("Trang", "Sheet"), "col_row": ("Dòng", "Row"),
    "col_column": ("Cột / khoá", "Column / key"), "col_value": ("Giá trị nhận được", "Value"),
    "col_message": ("Vấn đề", "Problem"), "col_fix": ("Cách sửa", "Fix"),
    "central_budget": ("Ngân sách khuyến công quốc gia (triệu đồng)",
                       "Central budget (million VND)"),
    "local_budgets": ("Ngân sách khuyến công địa phương theo tỉnh (triệu đồng)",
                      "Local budgets by province (million VND)"),
    "local_multi_year": ("Kế hoạch nhiều năm: ngân sách địa phương lấy từ tệp đã tải lên.",
                         "Multi-year plan: local budgets come from the uploaded file."),
    "objective": ("Mục tiêu tối ưu", "Objective"),
    "obj_total_score": ("Tổng điểm (đề án được hỗ trợ một phần tính theo tỷ lệ)",
                        "Total score (a partly funded project counts pro rata)"),
    "obj_weighted_funds": ("Kinh phí theo điểm (ưu tiên đề án điểm cao)",
                           "Score-weighted funds (highest scores first)"),
    "weights": ("Trọng số ưu tiên", "Priority weights"),
    "weights_note": ("Trọng số được chuẩn hoá để tổng bằng 1; cột phải là giá trị dùng khi tính.",
                     "Weights are normalised to sum 1; the right column is what the model uses."),
    "normalised": ("chuẩn hoá", "normalised"),
    "w_appraisal": ("Điểm thẩm định", "Appraisal score"),
    "w_green": ("Sản xuất sạch hơn", "Cleaner production"),
    "w_circular": ("Kinh tế tuần hoàn", "Circular economy"),
    "w_digital": ("Chuyển đổi số", "Digital transformation"),
    "w_regional_advantage": ("Lợi thế vùng", "Regional advantage"),
    "w_typical_product": ("Sản phẩm CNNT tiêu biểu", "Typical rural industrial product"),
    "w_disadvantaged_area": ("Địa bàn khó khăn", "Disadvantaged area"),
    "w_women_or_ethnic_owned": ("Do phụ nữ / đồng bào DTTS làm chủ",
                                "Women- or ethnic-minority-owned"),
    "targets": ("Mục tiêu chính sách", "Policy targets"),
    "targets_help": ("kind: share_min, share_max, region_min, province_max; of: green, circular, "
                     "digital (cách nhau bằng dấu phẩy); share 0–1 hoặc amount (triệu đồng).",
                     "kind: share_min, share_max, region_min, province_max; of: green, circular, "
                     "digital (comma-separated); share 0–1 or amount (million VND)."),
    "cofinancing": ("Vốn đối ứng tối thiểu của địa phương (tỷ lệ kinh phí hỗ trợ)",
                    "Minimum local co-financing (share of support)"),
    "overrides": ("Điều chỉnh mức hỗ trợ (rate_overrides)", "Rate overrides"),
    "rules_in_force": ("Mức hỗ trợ tối đa đang áp dụng", "Support rates in force"),
    "rules_province": ("Tỉnh / thành phố (nghị quyết cấp tỉnh)",
                       "Province (provincial resolution)"),
    "national": ("Toàn quốc", "National"),
    "scenario_name": ("Tên kịch bản", "Scenario name"),
    "save_yaml": ("Lưu kịch bản (YAML)", "Save the scenario (YAML)"),
    "scenario_errors": ("Kịch bản có lỗi:", "The scenario has problems:"),
    "solve": ("Tính phân bổ", "Tính phân bổ (solve)"),
    "solving": ("Đang tính phân bổ…", "Solving…"),
    "busy": ("Một lần tính khác của phiên này đang chạy; chờ nó xong.",
             "Another solve of this session is under way; wait for it to finish."),
    "auto": ("Tự động tính lại khi thay đổi kịch bản", "Re-solve when the scenario changes"),
    "solved_in": ("Đã tính trong {s} giây.", "Solved in {s} s."),
    "resolved": ("Đã tính lại trong {s} giây.", "Re-solved in {s} s."),
    "no_plan": ("Chưa có phương án. Bấm \"Tính phân bổ\".", "No plan yet. Press \"Tính phân bổ\"."),
    "stale": ("Kịch bản đã thay đổi từ lần tính trước.",
              "The scenario changed since the last solve."),
    "h_headline": ("Kết quả chính", "Headline"),
    "m_objective": ("Giá trị mục tiêu", "Objective"),
    "m_central": ("Kinh phí trung ương", "Central funds"),
    "m_local": ("Kinh phí địa phương", "Local funds"),
    "m_funded": ("Đề án được hỗ trợ", "Projects funded"),
    "of_budget": ("trên {b} triệu đồng", "of {b} million"),
    "funded_sub": ("đủ {f}, một phần {p}", "{f} in full, {p} in part"),
    "last_plan": ("phương án trước", "the last plan"),
    "new_plan": ("phương án mới", "the new plan"),
    "h_changes": ("Thay đổi so với phương án trước", "What changed against the last plan"),
    "h_allocation": ("Bảng phân bổ", "Allocation"),
    "f_province": ("Tỉnh", "Province"), "f_category": ("Nội dung", "Content type"),
    "f_status": ("Trạng thái", "Status"),
    "shown": ("{n} / {total} đề án", "{n} of {total} projects"),
    "h_plots": ("Biểu đồ", "Plots"),
    "chart_by_category": ("Kinh phí theo nội dung (trung ương, địa phương)",
                          "Support by content type (central, local)"),
    "chart_by_region": ("Kinh phí theo vùng", "Support by region"),
    "chart_local_use": ("Ngân sách địa phương: đã phân bổ và dự toán theo tỉnh",
                        "Local budgets: allocated and available by province"),
    "million": ("triệu đồng", "million VND"),
    "kcopt_figures": ("Biểu đồ của báo cáo (PNG)", "The report's figures (PNG)"),
    "draw_figures": ("Vẽ biểu đồ", "Draw the figures"),
    "h_binding": ("Ngân sách và mục tiêu ràng buộc", "Binding budgets and targets"),
    "none_binding": ("Không có ngân sách hay mục tiêu nào ràng buộc.",
                     "No budget or target binds."),
    "price_budget": ("{what} đã dùng hết: mỗi 1.000 triệu đồng thêm sẽ tăng {p} điểm mục tiêu.",
                     "{what} fully used: each extra 1,000 million VND adds {p} objective "
                     "points."),
    "price_target": ("Mục tiêu {what} đang ràng buộc: giá {p} điểm cho mỗi 1.000 triệu đồng "
                     "(phần Độ nhạy tính số điểm phải đánh đổi cho mục tiêu).",
                     "Target {what} binds: price {p} points per 1,000 million VND (the "
                     "Sensitivity tab gives the score each target costs)."),
    "budget_central": ("Ngân sách trung ương", "The central budget"),
    "budget_local": ("Ngân sách địa phương {p}", "The local budget of {p}"),
    "infeasible": ("Kịch bản không khả thi: ngân sách, mục tiêu và đề án bắt buộc không thể "
                   "cùng thoả mãn. Cần nới:",
                   "The scenario is infeasible: its budgets, targets and must-fund projects "
                   "cannot all hold. What to relax:"),
    "col_constraint": ("Ràng buộc", "Constraint"), "col_current": ("Hiện tại", "Current"),
    "col_needed": ("Cần", "Needed"),
    "solver_failed": ("Bộ giải dừng mà không có phương án: {msg}",
                      "The solver stopped without a plan: {msg}"),
    "time_limit": ("Giới hạn thời gian mỗi lần tính: {s} giây.",
                   "Time limit per solve: {s} s."),
    "sens_intro": ("Phân tích độ nhạy: khoảng giá trị, ngân sách thay đổi, độ vững của trọng số, "
                   "biểu đồ lốc xoáy và giá của mục tiêu chính sách.",
                   "Sensitivity: ranging, budget sweeps, weight robustness, tornado and policy "
                   "prices."),
    "draws": ("Số lần rút trọng số", "Weight draws"),
    "run_sens": ("Chạy phân tích độ nhạy", "Run the sensitivity analysis"),
    "sens_step": ("Đang tính: {step}", "Computing: {step}"),
    "sens_done": ("Xong trong {s} giây.", "Done in {s} s."),
    "download_allocation": ("Tải allocation.xlsx", "Tải allocation.xlsx (download)"),
    "download_annex": ("Tải annex.xlsx (mẫu phụ lục)", "Download annex.xlsx (annex layout)"),
    "download_report": ("Tải report.html (báo cáo)", "Download report.html"),
    "download_yaml": ("Tải kịch bản (YAML)", "Download the scenario (YAML)"),
    "download_zip": ("Tải tất cả (zip)", "Download everything (zip)"),
    "downloads_note": ("Tệp tải về là của phương án đang hiển thị.",
                       "The downloads are those of the plan shown."),
}


def tr(key: str, lang: Lang = "vi", **values: object) -> str:
    """The phrase `key` in `lang`, with `{placeholders}` filled.

    >>> tr("shown", "vi", n=3, total=10)
    '3 / 10 đề án'
    """
    vi, en = TEXTS[key]
    text = vi if lang == "vi" else en
    return text.format(**values) if values else text


def number(value: float, lang: Lang = "vi", digits: int = 0) -> str:
    """A number as the planner writes it: 105.000 in Vietnamese, 105,000 in English.

    >>> number(105000.4, "vi"), number(1234.567, "en", 2)
    ('105.000', '1,234.57')
    """
    text = f"{value:,.{digits}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
