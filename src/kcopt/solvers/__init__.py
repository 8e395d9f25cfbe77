"""Solver backends. Each takes a `LinearProgram` and returns a `RawSolution`; `kcopt.solvers.solve`
normalises statuses and dual signs so no backend's conventions leak to users."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class RawSolution:
    status: str  # optimal, feasible, infeasible, unbounded, time_limit, error
    x: np.ndarray | None
    row_dual: np.ndarray | None
    objective: float | None
    solver: str
    solver_version: str
    runtime: float
    mip_gap: float | None = None
    message: str = ""
    handle: Any = None  # the backend's own object (a highspy.Highs), for warm re-solves
