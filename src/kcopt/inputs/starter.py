"""A scenario to start from (`kcopt init PROJECTS`): a commented Vietnamese YAML written next to
a project list, with budgets for the provinces and funds the list holds, the default priority
weights (or, for a list without criteria, content-type priorities) and example targets, which
`kcopt solve` accepts as it stands."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from kcopt.core.language import using
from kcopt.core.vocabulary import DEFAULT_WEIGHTS
from kcopt.core.words import num
from kcopt.inputs.schema import Projects
from kcopt.rules.rates import load_rules

WEIGHT_WORDS = {
    "appraisal": "điểm thẩm định (0–100)",
    "green": "sản xuất sạch hơn",
    "circular": "kinh tế tuần hoàn",
    "digital": "chuyển đổi số",
    "regional_advantage": "ngành là lợi thế của tỉnh (regional_advantages)",
    "typical_product": "sản phẩm CNNT tiêu biểu",
    "disadvantaged_area": "địa bàn khó khăn",
    "women_or_ethnic_owned": "cơ sở do phụ nữ / người dân tộc thiểu số làm chủ",
}
CRITERION_COLUMNS = {"appraisal": "appraisal", "green": "green", "circular": "circular",
                     "digital": "digital", "typical_product": "typical_product",
                     "disadvantaged_area": "disadvantaged_area",
                     "women_or_ethnic_owned": "women_or_ethnic_owned"}


def _q(text: str) -> str:
    """A YAML scalar that stays a string (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _amount(x: float) -> str:
    """An amount as a YAML value (a number a program reads: 16685, 1200.5)."""
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:.2f}"


def _vi_amount(x: float) -> str:
    """An amount in a Vietnamese comment the planner reads: 16.685, 1.200,5 (the starter's
    comments are Vietnamese whatever the language, so its numbers are too)."""
    with using("vi"):
        return num(x, 2)


def scenario_text(projects: Projects, target: Path, province: str | None = None) -> str:
    """The commented scenario for `projects`, to be written at `target`."""
    frame = projects.frame
    rel = Path(os.path.relpath(projects.path.resolve(), target.parent.resolve())).as_posix()
    if projects.sheet:
        rel += f"#{projects.sheet}"
    req = frame["requested"].fillna(frame["total_cost"]).to_numpy(float)
    years = sorted({int(y) for y in frame["year"].dropna()}) if "year" in frame else []
    year = f" năm {years[0]}" if len(years) == 1 else ""
    lines = [
        "# Kịch bản phân bổ kinh phí khuyến công — viết bởi `kcopt init`.",
        "# Sửa các số dưới đây theo kế hoạch được giao, rồi chạy:",
        f"#   kcopt solve {target.name}",
        f"# Danh sách: {len(frame)} đề án, {frame['province'].nunique()} tỉnh/thành phố, "
        f"tổng kinh phí đề nghị hỗ trợ {_vi_amount(float(req.sum()))} triệu đồng.",
        "",
        f"name: {_q('Kế hoạch khuyến công' + year)}",
        f"projects: {_q(rel)}",
    ]
    if province:
        lines += ["# Tỉnh của các đề án (danh sách không ghi tỉnh).",
                  f"province: {_q(province)}"]
    lines += _budget_lines(frame, req, _programme_cost(projects))
    lines += [
        "",
        "# Mục tiêu: total_score = tối đa hóa tổng điểm ưu tiên của các đề án được hỗ trợ",
        "# (đề án hỗ trợ một phần tính theo tỷ lệ); weighted_funds = tiền đến đề án điểm cao",
        "# trước.",
        "objective: total_score",
    ]
    lines += _ranking_lines(frame)
    lines += _OPTIONS_AND_TARGETS
    return "\n".join(lines)


def _programme_cost(projects: Projects) -> dict[str, float]:
    """A budget estimate's programme management cost, by the budget it comes from ("central"
    or the province): the estimate's total is the budget it was made for."""
    form = projects.form
    if form is None or not form.programme_cost:
        return {}
    key = "central" if form.level == "central" else str(projects.frame["province"].iat[0])
    return {key: form.programme_cost}


def _budget_lines(frame: pd.DataFrame, req: np.ndarray,
                  aside: dict[str, float] | None = None) -> list[str]:
    """The budgets block: the national budget and each province's local budget, by default the
    requests of the projects on each source (and a budget estimate's programme management
    cost, which `kcopt solve` sets aside)."""
    aside = aside or {}
    central = float(req[(frame["funds"].isin(["central", "both"])).to_numpy()].sum()) + \
        aside.get("central", 0.0)
    local_mask = frame["funds"].isin(["local", "both"]).to_numpy()
    by_prov: dict[str, float] = {p: a for p, a in aside.items() if p != "central"}
    for p, a in zip(frame["province"][local_mask], req[local_mask], strict=True):
        by_prov[p] = by_prov.get(p, 0.0) + float(a)
    lines = [
        "",
        "# Mọi số tiền tính bằng triệu đồng. Nếu ghi ngân sách bằng đồng, thêm dòng units: vnd",
        "budgets:",
        "  # Kinh phí khuyến công quốc gia (KCQG). Mặc định: bằng tổng đề nghị của các đề án",
        "  # được hỗ trợ từ nguồn quốc gia — thay bằng số được giao.",
        f"  central: {_amount(central)}",
    ]
    if by_prov:
        lines += ["  # Kinh phí khuyến công địa phương (KCĐP) của từng tỉnh. Mặc định: tổng đề "
                  "nghị", "  # của các đề án địa phương trong tỉnh — thay bằng số được giao.",
                  "  local:"]
        lines += [f"    {_q(p)}: {_amount(a)}" for p, a in sorted(by_prov.items())]
    else:
        lines += ["  local: {}  # danh sách không có đề án khuyến công địa phương"]
    return lines


def _criteria(frame: pd.DataFrame) -> list[str]:
    """The priority criteria that have a value in the list."""
    return [k for k, col in CRITERION_COLUMNS.items()
            if col in frame and (np.any(frame[col].to_numpy() != "none") if col ==
                                 "typical_product" else np.any(frame[col].fillna(0).to_numpy(
                                     float) > 0))]


def _ranking_lines(frame: pd.DataFrame) -> list[str]:
    """The weights of the criteria the list has, or content-type priorities when it has none."""
    crit = _criteria(frame)
    if crit:
        used = {k: DEFAULT_WEIGHTS.get(k, 0.05) for k in crit}
        lines = ["",
                 "# Trọng số các tiêu chí ưu tiên (tự chuẩn hóa để tổng bằng 1). Chỉ các "
                 "tiêu chí", "# có giá trị trong danh sách được liệt kê.", "weights:"]
        return lines + [f"  {k}: {w:g}  # {WEIGHT_WORDS[k]}" for k, w in used.items()]
    rules = load_rules()
    cats = sorted(set(frame["category"]), key=list(rules.rules).index)
    lines = ["",
             "# Danh sách không có cột tiêu chí nào (điểm thẩm định, sản xuất sạch hơn, …):",
             "# đề án được xếp hạng theo mức ưu tiên của nội dung (0–1). Mặc định mọi nội",
             "# dung bằng 1 — hạ mức của nội dung ít ưu tiên hơn.",
             "priorities:"]
    return lines + [f"  {c}: 1.0  # {rules.rules[c].name_vi}" for c in cats]


# the scenario's last lines: optional settings and example targets, commented out
_OPTIONS_AND_TARGETS = [
    "",
    "# Mọi số tiền phân bổ là bội số của số này (triệu đồng); bỏ dấu # để dùng (giải MIP).",
    "# round_to: 5",
    "# Không hỗ trợ đề án dưới tỷ lệ này của mức hỗ trợ tối đa (0–1); bỏ dấu # để dùng.",
    "# min_fraction: 0.5",
    "",
    "# Mục tiêu chính sách, ví dụ (bỏ dấu # để dùng):",
    "# targets:",
    "#   - {name: xanh_tuan_hoan_so, kind: share_min, of: [green, circular, digital], "
    "share: 0.30}",
    "#   - {name: tran_dao_tao, kind: share_max, category: training, share: 0.10}",
    "",
]
