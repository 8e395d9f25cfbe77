"""The words kcopt reads and writes as codes: the project-list columns and their aliases
(`data/columns.yaml`), the values a cell may hold (funds, levels, typical-product ranks, flags),
the priority criteria of the score, and the bilingual labels of the workbooks (Vietnamese first,
English beneath).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kcopt.core.text import fold
from kcopt.core.words import N_, _

# priority criteria of the score (scenario weights) and the flags a project list may carry
CRITERIA = ("appraisal", "green", "circular", "digital", "regional_advantage",
            "typical_product", "disadvantaged_area", "women_or_ethnic_owned",
            # Decree 235/2025 and the 2027 guidance: flags of the list, basis and confidence
            # in data/priorities.csv (kcopt.rules.priorities)
            "artisan", "women_owned", "ethnic_minority_owned", "ethnic_minority_area",
            "deep_processing", "regional_linkage")
PRIORITY_FLAGS = CRITERIA[8:]  # yes/no columns of the list, scored 0 or 1
DEFAULT_WEIGHTS = {"appraisal": 0.40, "green": 0.15, "circular": 0.10, "digital": 0.15,
                   "regional_advantage": 0.10, "typical_product": 0.05,
                   "disadvantaged_area": 0.05}
GROUP_PRIORITY = "group_project"  # priorities: a bonus for a group project (đề án nhóm)

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
# priority criteria of the score (scenario weights), in `CRITERIA` order
CRITERIA_LABELS = {
    "appraisal": ("Điểm thẩm định", N_("Appraisal score")),
    "green": ("Sản xuất sạch hơn", N_("Cleaner production")),
    "circular": ("Kinh tế tuần hoàn", N_("Circular economy")),
    "digital": ("Chuyển đổi số", N_("Digital transformation")),
    "regional_advantage": ("Lợi thế vùng", N_("Regional advantage")),
    "typical_product": ("Sản phẩm CNNT tiêu biểu", N_("Typical rural industrial product")),
    "disadvantaged_area": ("Địa bàn khó khăn", N_("Disadvantaged area")),
    "women_or_ethnic_owned": ("Phụ nữ/DTTS làm chủ", N_("Women- or ethnic-minority-owned")),
    "artisan": ("Nghệ nhân, thợ giỏi", N_("Artisans and skilled craft workers")),
    "women_owned": ("Chủ cơ sở là nữ", N_("Establishment owned by a woman")),
    "ethnic_minority_owned": ("Chủ cơ sở là người dân tộc thiểu số",
                              N_("Establishment owned by an ethnic-minority person")),
    "ethnic_minority_area": ("Vùng đồng bào dân tộc thiểu số và miền núi",
                             N_("Ethnic-minority and mountainous area")),
    "deep_processing": ("Chế biến sâu", N_("Deep processing")),
    "regional_linkage": ("Liên kết vùng, chuỗi giá trị",
                         N_("Regional and value-chain linkage across provinces")),
}


def criterion_label(code: str, labels: Mapping[str, str] | None = None) -> str:
    """A priority criterion (a weight) as a committee names it: the scenario's `label:` for
    it, else its built-in name in the language in use; any other code is returned as it is.

    >>> from kcopt.core.language import using
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
             "link": "Dòng nội bộ: liên kết lựa chọn",
             "count_floor": "Dòng nội bộ: đếm đề án (tỷ lệ tối thiểu)",
             "count_link": "Dòng nội bộ: đếm đề án (có hỗ trợ)"}
MILLION_VND = "triệu đồng / million VND"


LEVELS = {"central": "central", "local": "local", "trung uong": "central", "quoc gia": "central",
          "kcqg": "central", "national": "central", "dia phuong": "local", "kcdp": "local",
          "tinh": "local", "provincial": "local",
          # as official annexes write the fund of a project
          "khuyen cong quoc gia": "central", "khuyen cong dia phuong": "local",
          "ngan sach trung uong": "central", "ngan sach tinh": "local",
          "ngan sach dia phuong": "local", "kinh phi khuyen cong quoc gia": "central",
          "kinh phi khuyen cong dia phuong": "local", "kinh phi kcqg": "central",
          "kinh phi kcdp": "local", "de an khuyen cong quoc gia": "central",
          "de an khuyen cong dia phuong": "local"}
FUND_CHOICES = {**LEVELS, "both": "both", "ca hai": "both", "tw dp": "both",
                "central local": "both", "trung uong dia phuong": "both"}
TYPICAL = {"none": "none", "khong": "none", "": "none", "0": "none",
           "commune": "commune", "xa": "commune", "cap xa": "commune",
           "provincial": "provincial", "tinh": "provincial", "cap tinh": "provincial",
           "regional": "regional", "khu vuc": "regional", "vung": "regional",
           "cap khu vuc": "regional", "national": "national", "quoc gia": "national",
           "cap quoc gia": "national"}
TYPICAL_SCORE = {"none": 0.0, "commune": 0.25, "provincial": 0.5, "regional": 0.75,
                 "national": 1.0}
VOTES = {"district": "district", "huyen": "district", "cap huyen": "district",
         "commune": "district", "xa": "district", "cap xa": "district",
         "provincial": "provincial", "tinh": "provincial", "cap tinh": "provincial",
         "regional": "regional", "khu vuc": "regional", "cap khu vuc": "regional",
         "national": "national", "quoc gia": "national", "cap quoc gia": "national"}
# a project's implementation after approval (column `progress`, "Trạng thái"): a signed contract
# keeps its approved amount, a stopped project's money is freed (issue 25); a 'Trạng thái'
# column of allocation statuses (`PLAN_STATUSES`: a plan read back as a list) is not it
PROGRESS = {"signed": "signed", "contracted": "signed", "da ky hop dong": "signed",
            "ky hop dong": "signed", "da ky": "signed",
            "stopped": "stopped", "cancelled": "stopped", "canceled": "stopped",
            "dung": "stopped", "dung thuc hien": "stopped", "khong thuc hien": "stopped",
            "huy": "stopped", "da huy": "stopped", "huy bo": "stopped",
            "ongoing": "ongoing", "in progress": "ongoing", "dang thuc hien": "ongoing",
            "chua thuc hien": "ongoing", "binh thuong": "ongoing"}
PLAN_STATUSES = ("funded", "partial", "unfunded", "ineligible", "excluded")
FLAGS = ("green", "circular", "digital")
RESERVED = {"region", "score", "cap", "central", "local", "total", "fraction", "status",
            "reason", "start_year"}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str
    required: bool
    aliases: tuple[str, ...]


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl refuses in a cell


def data_yaml(name: str) -> Any:
    """One of kcopt's own YAML data files (`kcopt/data/<name>`), parsed by libyaml's C loader
    where PyYAML has it: the same values as `yaml.safe_load`, in a fifth of the time (~20 ms
    less on every command that reads a project list). A user's scenario keeps the checked
    loader of `kcopt.io.yamlfile`."""
    text = (resources.files("kcopt") / "data" / name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def column_specs() -> dict[str, ColumnSpec]:
    return {
        name: ColumnSpec(name, d["kind"], bool(d.get("required", False)), tuple(d["aliases"]))
        for name, d in data_yaml("columns.yaml").items()
    }


@cache
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for spec in column_specs().values():
        for alias in (spec.name, *spec.aliases):
            index.setdefault(fold(alias), spec.name)
    return index


def canonical_column(header: str) -> str | None:
    """Canonical name for a header in Vietnamese or English, or None when unknown.

    >>> canonical_column("Tổng kinh phí (triệu đồng)"), canonical_column("MÃ ĐỀ ÁN")
    ('total_cost', 'project_id')
    """
    key = fold(header)
    index = _alias_index()
    if key in index:
        return index[key]
    # drop a trailing unit such as "(triệu đồng)" / "(million VND)"
    for unit in (" trieu dong", " trd", " million vnd", " tr d", " vnd", " dong", " %"):
        if key.endswith(unit) and key[: -len(unit)].strip() in index:
            return index[key[: -len(unit)].strip()]
    return None


def is_header(cells: list[str]) -> bool:
    found = {canonical_column(c) for c in cells if c and c.strip()}
    found.discard(None)
    if found >= ESTIMATE_COLUMNS:  # a budget estimate (dự toán) by content line
        return True
    return len(found) >= 2 and bool(found & {"project_id", "name", "province", "total_cost"})


# the header of a budget estimate by content line: "Nội dung | Số chương trình, đề án |
# Kinh phí hỗ trợ" (io.estimate reads it)
ESTIMATE_COLUMNS = frozenset({"category", "establishments", "requested"})
