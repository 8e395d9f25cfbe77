"""Sensitivity a planner can act on: ranging, budget sweeps, weight robustness, tornado and
policy prices — each callable on a solved `Result` and returning tidy DataFrames (their files:
`kcopt.outputs.write_sensitivity`)."""

from kcopt.analysis.sensitivity.analyses import (
    budget_sweep,
    draw_weights,
    policy_prices,
    tornado,
    weight_robustness,
)
from kcopt.analysis.sensitivity.nested import budget_nestedness
from kcopt.analysis.sensitivity.ranging import lp_ranging, ranging
from kcopt.analysis.sensitivity.selection import selection_margins
from kcopt.analysis.sensitivity.suite import Sensitivity, run_sensitivity

__all__ = ["Sensitivity", "budget_nestedness", "budget_sweep", "draw_weights", "lp_ranging",
           "policy_prices", "ranging", "run_sensitivity", "selection_margins", "tornado",
           "weight_robustness"]
