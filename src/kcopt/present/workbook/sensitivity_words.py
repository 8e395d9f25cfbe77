"""The words of `sensitivity.xlsx`: each column's heading and each coded value (a status, a
robustness class, a fund, infinity) in the language in use, for the planner who opens it. The
CSVs keep the codes; the workbook keeps them too, in a second header row, for programs.

Numbers keep the Vietnamese-tagged format of every kcopt workbook (`formats`), so LibreOffice
shows 1.450,5 whatever the computer's locale."""

from __future__ import annotations

import math
from typing import Any

from kcopt.analysis.wording import group_name
from kcopt.core.words import N_, _, fund_name, status_name
from kcopt.present.workbook.formats import VIETNAMESE

HEADINGS = {
    "project_id": N_("Project id"), "name": N_("Name"), "fund": N_("Fund"),
    "final_value": N_("Value in the plan"), "reduced_cost": N_("Reduced cost"),
    "objective_coefficient": N_("Objective coefficient"),
    "allowable_increase": N_("Allowable increase"),
    "allowable_decrease": N_("Allowable decrease"), "score": N_("Priority score"),
    "score_increase_to_change": N_("Score increase that changes it"),
    "score_decrease_to_change": N_("Score decrease that changes it"),
    "sentence": N_("In words"), "conditional_on_selection": N_("Selection held fixed"),
    "family": N_("Family"), "shadow_price": N_("Shadow price (points per million VND)"),
    "rhs": N_("Right-hand side"), "binding": N_("Binding"),
    "enters_up": N_("Next in when it rises"), "leaves_up": N_("Next out when it rises"),
    "share_required": N_("Share required"), "share_achieved": N_("Share achieved"),
    "sweep": N_("Sweep"), "central_factor": N_("Central budget factor"),
    "local_factor": N_("Local budgets factor"),
    "central_budget": N_("Central budget (million VND)"),
    "local_budget": N_("Local budgets (million VND)"), "status": N_("Solve status"),
    "objective": N_("Objective (total score)"), "province": N_("Province"),
    "region": N_("Region"), "category": N_("Content type"),
    "base_status": N_("Status in the plan"), "funded_share": N_("Share of draws funded"),
    "mean_fraction": N_("Mean share of the cap funded"), "class": N_("Robustness"),
    "parameter": N_("Parameter"), "label": N_("Parameter name"), "kind": N_("Kind"),
    "change": N_("Change"), "value": N_("Value"),
    "delta_objective": N_("Change in objective"),
    "projects_changed": N_("Projects changing status"), "target": N_("Target"),
    "goal": N_("Goal"), "objective_with": N_("Objective with the target"),
    "objective_without": N_("Objective without the target"),
    "status_without": N_("Solve status without the target"),
    "score_given_up": N_("Score given up"), "binding_rows": N_("Binding rows"),
    "selected": N_("Selected in the plan"), "margin": N_("Margin (score points)"),
    "flip_score": N_("Score at which the selection changes"), "nested": N_("Nested"),
    "budget_from": N_("Budget from (million VND)"), "budget_to": N_("Budget to (million VND)"),
    "amount_before": N_("Support before (million VND)"),
    "amount_after": N_("Support after (million VND)"),
    "entering": N_("Projects entering in its place"),
}
GROUP_HEADINGS = {"category": N_("Allocated to {group} (million VND)"),
                  "region": N_("Allocated in {group} (million VND)"),
                  "fund": N_("Allocated from {group} (million VND)")}
CLASS_WORDS = {"core": N_("core"), "borderline": N_("borderline"), "exterior": N_("exterior")}
SWEEP_WORDS = {"central": N_("central budget"), "local": N_("local budgets"),
               "grid": N_("both budgets (grid)")}
STATUS_COLUMNS = ("status", "status_without", "base_status")
NUMBER = VIETNAMESE + "#,##0.##########"


def heading(column: str) -> str:
    """A column's heading in the language in use ("category:training" → "Phân bổ cho Đào
    tạo nghề … (triệu đồng)"); a column kcopt has no words for keeps its code."""
    if column in HEADINGS:
        return _(HEADINGS[column])
    by, _sep, code = column.partition(":")
    if by in GROUP_HEADINGS and code:
        group = fund_name(code) if by == "fund" else group_name(by, code)
        return _(GROUP_HEADINGS[by]).format(group=group)
    return column


def shown_value(column: str, value: Any) -> Any:
    """A cell's value as the planner reads it: a code in words, infinity as "no limit", yes
    or no for a flag; numbers and other text unchanged."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and math.isinf(value):
        return _("no limit") if value > 0 else _("no limit (below)")
    if not isinstance(value, str):
        return value
    if column in STATUS_COLUMNS:
        return status_name(value)
    if column == "class" and value in CLASS_WORDS:
        return _(CLASS_WORDS[value])
    if column == "sweep" and value in SWEEP_WORDS:
        return _(SWEEP_WORDS[value])
    if column == "fund":
        return fund_name(value)
    if column in ("category", "region"):
        return group_name(column, value)
    return value
