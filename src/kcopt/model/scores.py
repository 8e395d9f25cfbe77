"""Priority scores: criteria scaled to 0–1, weighted; objective coefficients; target selection."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kcopt.core.errors import Problem
from kcopt.core.said import say
from kcopt.core.vocabulary import CRITERIA, GROUP_PRIORITY, PRIORITY_FLAGS, TYPICAL_SCORE
from kcopt.core.words import N_
from kcopt.inputs.scenario import Scenario
from kcopt.inputs.targets import Target


def criteria_matrix(frame: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """criterion[p, k] for k in `CRITERIA` order, every criterion scaled to 0–1."""
    adv = scenario.regional_advantages
    sector = frame["sector"].fillna("").astype(str).to_numpy()
    provs = frame["province"].to_numpy()
    regional = np.array([s in adv.get(p, ()) for p, s in zip(provs, sector, strict=True)],
                        dtype=float) if adv else np.zeros(len(frame))
    columns = {
        "appraisal": frame["appraisal"].fillna(0).to_numpy(float) / 100.0,
        "green": frame["green"].to_numpy(float),
        "circular": frame["circular"].to_numpy(float),
        "digital": frame["digital"].to_numpy(float),
        "regional_advantage": regional,
        "typical_product": frame["typical_product"].map(TYPICAL_SCORE).to_numpy(float),
        "disadvantaged_area": frame["disadvantaged_area"].to_numpy(float),
        "women_or_ethnic_owned": frame["women_or_ethnic_owned"].to_numpy(float),
        **{k: (frame[k].to_numpy(float) if k in frame else np.zeros(len(frame)))
           for k in PRIORITY_FLAGS},
    }
    return np.column_stack([columns[k] for k in CRITERIA])


def criteria_in_use(frame: pd.DataFrame, scenario: Scenario) -> list[str]:
    """The criteria a workbook shows: kcopt's first eight, and each priority flag of Decree
    235/2025 the scenario weighs or some project holds."""
    return [k for k in CRITERIA if k not in PRIORITY_FLAGS or scenario.weights.get(k, 0) > 0
            or (k in frame and bool(np.any(frame[k].fillna(0).to_numpy(float) > 0)))]


def weight_vector(weights: dict[str, float]) -> np.ndarray:
    return np.array([weights.get(k, 0.0) for k in CRITERIA])


def compute_scores(frame: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """score[p] = Σ_k w_k · criterion[p,k], every criterion scaled to 0–1."""
    return criteria_matrix(frame, scenario) @ weight_vector(scenario.weights)


def planner_scores(frame: pd.DataFrame, scenario: Scenario, warnings: list[Problem],
                   crit: np.ndarray | None = None) -> np.ndarray:
    """The score the model maximises: the weighted criteria, plus the scenario's content-type
    `priorities` when it has them. A list whose criterion columns are all empty (official
    annexes carry no appraisal column) would give every project a score of 0 and an objective
    of 0 that any allocation meets: then the priorities rank the projects alone, or, without
    them, every project counts the same — said loudly either way.

    Mathematical formulation: ``score[p] = Σ_k w_k·criterion[p,k] + priority[category[p]]
    + priority[group_project]·[establishments[p] > 1]``; when that is 0 for every project,
    ``score[p] = 1``. `crit` is `criteria_matrix(frame, scenario)` when already at hand (a
    what-if re-solve keeps it).
    """
    crit = criteria_matrix(frame, scenario) if crit is None else crit
    score = crit @ weight_vector(scenario.weights)
    prio = scenario.priorities
    if prio:
        score = score + frame["category"].map(prio).fillna(0.0).to_numpy(float)
        if GROUP_PRIORITY in prio and "establishments" in frame:
            group = frame["establishments"].fillna(1).to_numpy(float) > 1
            score = score + prio[GROUP_PRIORITY] * group
    if len(frame) and not np.any(crit) and prio:
        missing = sorted(set(frame["category"]) - set(prio))
        text = say(N_("the list has no value in any criterion column (appraisal score, "
                      "cleaner production, digital transformation, …): projects are ranked by "
                      "the scenario's `priorities:` alone (priority by content type)"))
        if missing:
            text = say(N_("{warning}; content types without a priority count 0: {missing}"),
                       warning=text, missing=missing)
        warnings.append(Problem("projects", text, severity="warning"))
    if len(frame) and not np.any(score > 0):
        why = say(N_("no criterion column (appraisal score, cleaner production, digital "
                     "transformation, disadvantaged area, …) has a value") if not np.any(crit)
                  else N_("every criterion with values in the list has weight 0 in the "
                          "scenario"))
        score = np.ones(len(frame))
        warnings.append(Problem(
            "projects", say(N_("NO RANKING CRITERIA IN THE LIST: {why}, so every project "
                               "counts the same (score 1) and kcopt only maximises the number "
                               "of projects supported within the budget"), why=why),
            "Add priorities: {cleaner_production: 1.0, machinery: 0.6, …} to the scenario "
            "(priority by content type), change weights:, or add an 'Điểm thẩm định' column "
            "to the list", severity="warning", code="no_scores"))
    return score


def objective_coefficients(score: np.ndarray, cap: np.ndarray, col_project: np.ndarray,
                           objective: str) -> np.ndarray:
    """Cost of each x column: score/cap (`total_score`, pro-rata project scores) or score
    (`weighted_funds`, score per million). Auxiliary columns (col_project < 0) cost 0."""
    cost = np.zeros(len(col_project))
    xs = col_project >= 0
    p = col_project[xs]
    cost[xs] = score[p] / cap[p] if objective == "total_score" else score[p]
    return cost


def target_selection(frame: pd.DataFrame, t: Target) -> np.ndarray:
    """Weight in [0, 1] with which each project counts toward target `t` (flags may be shares)."""
    sel = np.ones(len(frame))
    if t.of or t.of_category:  # of: flags and content types, a project with any of them
        parts = [frame["category"].isin(t.of_category).to_numpy(float)]
        for f in t.of:
            if f == "typical_product":
                parts.append((frame[f] != "none").to_numpy(float))
            else:
                parts.append(frame[f].to_numpy(float))
        sel *= np.max(parts, axis=0)
    if t.category:
        sel *= frame["category"].isin(t.category).to_numpy(float)
    if t.region:
        sel *= (frame["region"] == t.region).to_numpy(float)
    if t.province:
        sel *= (frame["province"] == t.province).to_numpy(float)
    return sel


