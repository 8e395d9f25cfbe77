"""Bilingual labels for the planner's workbooks: Vietnamese first, English beneath."""

from __future__ import annotations

STATUS_VI = {
    "funded": "Hỗ trợ đủ",
    "partial": "Hỗ trợ một phần",
    "unfunded": "Chưa bố trí được",
    "ineligible": "Không đủ điều kiện",
    "excluded": "Loại khỏi danh sách",
}
LEVEL_VI = {"central": "Trung ương", "local": "Địa phương"}
FUND_VI = {"central": "Trung ương (KCQG)", "local": "Địa phương (KCĐP)", "both": "Cả hai"}
YES, NO = "có", "không"
TYPICAL_VI = {"none": "không", "commune": "cấp xã", "provincial": "cấp tỉnh",
              "regional": "cấp khu vực", "national": "cấp quốc gia"}
# priority criteria of the score (scenario weights), in `scenario.CRITERIA` order
CRITERIA_LABELS = {
    "appraisal": ("Điểm thẩm định", "Appraisal score"),
    "green": ("Sản xuất sạch hơn", "Cleaner production"),
    "circular": ("Kinh tế tuần hoàn", "Circular economy"),
    "digital": ("Chuyển đổi số", "Digital transformation"),
    "regional_advantage": ("Lợi thế vùng", "Regional advantage"),
    "typical_product": ("Sản phẩm CNNT tiêu biểu", "Typical rural industrial product"),
    "disadvantaged_area": ("Địa bàn khó khăn", "Disadvantaged area"),
    "women_or_ethnic_owned": ("Phụ nữ/DTTS làm chủ", "Women- or ethnic-minority-owned"),
}
FAMILY_VI = {"budget": "Ngân sách", "target": "Chỉ tiêu chính sách", "cap": "Mức hỗ trợ tối đa",
             "match": "Đối ứng địa phương", "must_fund": "Bắt buộc hỗ trợ",
             "total": "Dòng nội bộ: tổng hỗ trợ (T)",
             "exclude": "Loại trừ", "min_fraction": "Tỷ lệ tối thiểu",
             "all_or_nothing": "Hỗ trợ trọn gói",
             "link": "Dòng nội bộ: liên kết lựa chọn"}
MILLION_VND = "triệu đồng / million VND"
