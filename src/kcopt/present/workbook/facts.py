"""The facts of a proposed project that the official annex does not print but the plan depends
on: its level, the support it asked for, the territory of a former province, the priority
criteria behind its score, must-fund and fixed amounts, … Written beside the annex, outside
its print area, under headers `kcopt validate` reads (the aliases of `data/columns.yaml`), so
that an annex read back and solved again gives the same plan.

A column is written only when a proposed project has a value other than the default the reader
gives a missing column (0 for a flag, 1 establishment, no typical product, blank), except the
level and the support asked for, which are always written.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

# column of the project list → header the reader maps back to it (an alias in columns.yaml)
FACTS: dict[str, str] = {
    "level": "Cấp",
    "requested": "Kinh phí đề nghị hỗ trợ",
    "old_province": "Tỉnh trước sáp nhập",
    "disadvantaged_area": "Địa bàn khó khăn",
    "women_or_ethnic_owned": "Phụ nữ/DTTS làm chủ",
    "appraisal": "Điểm thẩm định",
    "green": "Sản xuất sạch hơn",
    "circular": "Kinh tế tuần hoàn",
    "digital": "Chuyển đổi số",
    "sector": "Ngành",
    "typical_product": "Sản phẩm CNNT tiêu biểu",
    "vote_level": "Cấp bình chọn",
    "must_fund": "Bắt buộc",
    "fixed_amount": "Mức hỗ trợ ấn định",
    "min_fraction": "Tỷ lệ tối thiểu",
    "all_or_nothing": "Không chia nhỏ",
    "year": "Năm thực hiện",
    "latest_year": "Năm bắt đầu muộn nhất",
    "profile": "Tiến độ giải ngân",
    "requires": "Điều kiện tiên quyết",
    "group": "Nhóm loại trừ",
}
ALWAYS = ("level", "requested")
# the words a planner writes for a level or a rank (the reader's tables in core/vocabulary.py)
WORDS = {"level": {"central": "Trung ương", "local": "Địa phương"},
         "typical_product": {"commune": "Cấp xã", "provincial": "Cấp tỉnh",
                             "regional": "Cấp khu vực", "national": "Cấp quốc gia"},
         "vote_level": {"district": "Cấp huyện", "provincial": "Cấp tỉnh",
                        "regional": "Cấp khu vực", "national": "Cấp quốc gia"}}
PARENT = "Thông tin để kcopt đọc lại (ngoài vùng in)"
DEFAULTS: dict[str, Any] = {"disadvantaged_area": 0.0, "women_or_ethnic_owned": 0.0,
                            "green": 0.0, "circular": 0.0, "digital": 0.0, "must_fund": 0.0,
                            "all_or_nothing": 0.0, "typical_product": "none"}


def blank(value: Any) -> bool:
    """No value: None, NaN, pd.NA or an empty text."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def fact_columns(frame: pd.DataFrame) -> list[str]:
    """The facts worth a column for these projects (`frame`: the proposed projects' inputs)."""
    out = []
    for key in FACTS:
        if key not in frame:
            continue
        default = DEFAULTS.get(key)
        given = [v for v in frame[key].tolist() if not blank(v) and v != default]
        if key in ALWAYS or given:
            out.append(key)
    return out


def cell_value(key: str, value: Any) -> float | str | None:
    """What the cell holds: a number, a text, or None for a blank cell."""
    if blank(value):
        return None
    if key in WORDS:
        return WORDS[key].get(str(value), "" if value == "none" else str(value)) or None
    if isinstance(value, int | float):
        return float(value)
    return str(value)


def column_cells(column: pd.Series) -> Any:
    """A column's cells as `tolist` gives them, but a text repeated down the column one
    object, not one a cell (a province, a status: ~60 bytes a cell, ~12 MB a column at
    200,000 projects, held while a sheet's block is made), and a column of floats an array
    (8 bytes a cell, not a Python float's 32)."""
    if column.dtype.kind == "f":
        return column.to_numpy(float)
    if not pd.api.types.is_string_dtype(column) or column.isna().any():
        return column.tolist()
    codes, distinct = pd.factorize(column)
    return np.asarray(distinct.tolist() or [""], dtype=object)[codes].tolist()
