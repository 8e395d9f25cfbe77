"""Priority scores: criteria scaled to 0–1, weighted; objective coefficients; target selection."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kcopt.scenario import CRITERIA, Scenario, Target
from kcopt.schema import TYPICAL_SCORE


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
    }
    return np.column_stack([columns[k] for k in CRITERIA])


def weight_vector(weights: dict[str, float]) -> np.ndarray:
    return np.array([weights.get(k, 0.0) for k in CRITERIA])


def compute_scores(frame: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """score[p] = Σ_k w_k · criterion[p,k], every criterion scaled to 0–1."""
    return criteria_matrix(frame, scenario) @ weight_vector(scenario.weights)


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
    if t.of:
        parts = []
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


