"""Build the allocation programme: projects + scenario → a labelled linear program.

Split by concern: `program` (the LP and Model types), `scores` (priority criteria and the
objective), `horizon` (plan years and disbursement), `constraints` (budgets, caps, targets),
`integer` (MIP rules), `build` (assembly).
"""

from kcopt.model.build import build
from kcopt.model.program import INF, ColumnBlock, LinearProgram, Model, RowBlock
from kcopt.model.scores import (
    compute_scores,
    criteria_matrix,
    objective_coefficients,
    planner_scores,
    target_selection,
    weight_vector,
)

__all__ = ["INF", "ColumnBlock", "LinearProgram", "Model", "RowBlock", "build", "compute_scores",
           "criteria_matrix", "objective_coefficients", "planner_scores",
           "target_selection", "weight_vector"]
