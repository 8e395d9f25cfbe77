"""Bilingual labels for the planner's workbooks: Vietnamese first, English beneath."""

from __future__ import annotations

from collections.abc import Mapping

from kcopt.words import N_, _

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
    "appraisal": ("Điểm thẩm định", N_("Appraisal score")),
    "green": ("Sản xuất sạch hơn", N_("Cleaner production")),
    "circular": ("Kinh tế tuần hoàn", N_("Circular economy")),
    "digital": ("Chuyển đổi số", N_("Digital transformation")),
    "regional_advantage": ("Lợi thế vùng", N_("Regional advantage")),
    "typical_product": ("Sản phẩm CNNT tiêu biểu", N_("Typical rural industrial product")),
    "disadvantaged_area": ("Địa bàn khó khăn", N_("Disadvantaged area")),
    "women_or_ethnic_owned": ("Phụ nữ/DTTS làm chủ", N_("Women- or ethnic-minority-owned")),
}


def criterion_label(code: str, labels: Mapping[str, str] | None = None) -> str:
    """A priority criterion (a weight) as a committee names it: the scenario's `label:` for
    it, else its built-in name in the language in use; any other code is returned as it is.

    >>> from kcopt.language import using
    >>> with using("vi"):
    ...     criterion_label("green"), criterion_label("green", {"green": "Xanh"})
    ('Sản xuất sạch hơn', 'Xanh')
    """
    if labels and labels.get(code):
        return str(labels[code])
    if code in CRITERIA_LABELS:
        return _(CRITERIA_LABELS[code][1])
    return code


FAMILY_VI = {"budget": "Ngân sách", "target": "Chỉ tiêu chính sách", "cap": "Mức hỗ trợ tối đa",
             "match": "Đối ứng địa phương", "must_fund": "Bắt buộc hỗ trợ",
             "total": "Dòng nội bộ: tổng hỗ trợ (T)",
             "exclude": "Loại trừ", "min_fraction": "Tỷ lệ tối thiểu",
             "all_or_nothing": "Hỗ trợ trọn gói",
             "link": "Dòng nội bộ: liên kết lựa chọn"}
MILLION_VND = "triệu đồng / million VND"
