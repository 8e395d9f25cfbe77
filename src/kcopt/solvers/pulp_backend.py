"""PuLP: CBC (bundled with PuLP 3.x, or `pulp[cbc]` / a system cbc through COIN_CMD), any other
solver PuLP knows (GLPK, Gurobi, CPLEX …), and `.lp` / `.mps` export for audit."""

from __future__ import annotations

import subprocess
import time
import warnings
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pulp

from kcopt.core.errors import SolverError
from kcopt.core.text import ascii_name
from kcopt.core.words import _
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model.names import safe_names
from kcopt.solvers import RawSolution

if TYPE_CHECKING:
    from kcopt.model import LinearProgram

_ALIASES = {"cbc": None, "glpk": "GLPK_CMD", "gurobi": "GUROBI_CMD", "cplex": "CPLEX_CMD",
            "scip": "SCIP_CMD", "highs-pulp": "HiGHS_CMD", "mosek": "MOSEK", "xpress": "XPRESS"}


def known_solver(name: str) -> bool:
    """Whether `name` is a solver kcopt or PuLP knows (installed or not)."""
    key = name.lower()
    return key in ("highs", *_ALIASES) or key in {s.lower() for s in pulp.listSolvers()}


def get_solver(name: str, opts: SolverOptions, msg: bool = False) -> pulp.LpSolver:
    kwargs: dict = {"msg": msg}
    if opts.time_limit:
        kwargs["timeLimit"] = opts.time_limit
    kwargs["gapRel"] = opts.mip_gap
    if name == "cbc":
        # COIN_CMD finds `pulp[cbc]` (PuLP 4) or a system cbc; PuLP 3.x bundles PULP_CBC_CMD
        for cls in ("COIN_CMD", "PULP_CBC_CMD"):
            solver_cls = getattr(pulp, cls, None)
            if solver_cls is not None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    solver = solver_cls(**kwargs)
                if solver.available():
                    return solver
        raise SolverError("CBC is not available: install it with `pip install 'kcopt[cbc]'` or "
                          "your system's coinor-cbc package, or use --solver highs")
    cls_name = _ALIASES.get(name.lower(), name)
    try:
        solver = pulp.getSolver(cls_name, **kwargs)
    except Exception:
        available = ", ".join(pulp.listSolvers(onlyAvailable=True))
        raise SolverError(_("unknown solver '{name}'; PuLP here has: {available}").format(
            name=name, available=available)) from None
    if not solver.available():
        available = ", ".join(pulp.listSolvers(onlyAvailable=True))
        raise SolverError(_("solver '{name}' is not installed; available: {available}").format(
            name=name, available=available))
    return solver


@cache
def cbc_version() -> str:
    solver = get_solver("cbc", SolverOptions())
    path = getattr(solver, "path", None)
    if not path:
        return "unknown"
    try:
        text = subprocess.run([path, "-quit"], capture_output=True, text=True, timeout=10).stdout
        for line in text.splitlines():
            if line.startswith("Version:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError, TypeError):
        pass
    return "unknown"


def to_pulp(lp: LinearProgram, name: str = "kcopt") -> tuple[
        pulp.LpProblem, list[pulp.LpVariable], list[list[pulp.LpConstraint]]]:
    """The program as a PuLP problem, with ASCII names; returns its variables and, per row,
    the PuLP constraints that stand for it (two for a ranged row)."""
    prob = pulp.LpProblem(ascii_name(name) or "kcopt", pulp.LpMaximize)
    col_names = safe_names(lp.col_names, "column")
    row_names = safe_names(lp.row_names, "constraint")
    add_variable = getattr(prob, "add_variable", None)  # PuLP ≥ 3.3; LpVariable before
    xs = []
    for n, lo, up, integer in zip(col_names, lp.col_lower.tolist(), lp.col_upper.tolist(),
                                  lp.integer.tolist(), strict=True):
        # LpBinary would reset the bounds to [0, 1]; a z fixed at 0 must stay 0
        cat = (pulp.LpBinary if integer and lo == 0 and up == 1 else
               pulp.LpInteger if integer else pulp.LpContinuous)
        ub = None if np.isinf(up) else up
        xs.append(add_variable(n, lo, ub, cat=cat) if add_variable else
                  pulp.LpVariable(n, lowBound=lo, upBound=ub, cat=cat))
    prob.setObjective(pulp.LpAffineExpression(
        [(xs[j], c) for j, c in enumerate(lp.cost.tolist()) if c]))
    A = lp.A.tocsr()
    rows: list[list[pulp.LpConstraint]] = []
    for i, rname in enumerate(row_names):
        lo, up = lp.row_lower[i], lp.row_upper[i]
        start, end = A.indptr[i], A.indptr[i + 1]
        expr = pulp.LpAffineExpression(
            [(xs[j], v) for j, v in zip(A.indices[start:end].tolist(),
                                        A.data[start:end].tolist(), strict=True)])
        if lo == up:
            cons = [pulp.LpConstraint(expr, pulp.LpConstraintEQ, rname, up)]
        elif np.isinf(lo):
            cons = [pulp.LpConstraint(expr, pulp.LpConstraintLE, rname, up)]
        elif np.isinf(up):
            cons = [pulp.LpConstraint(expr, pulp.LpConstraintGE, rname, lo)]
        else:  # ranged row: two constraints, the second suffixed
            cons = [pulp.LpConstraint(expr, pulp.LpConstraintGE, rname, lo),
                    pulp.LpConstraint(expr, pulp.LpConstraintLE, rname + "__up", up)]
        for c in cons:
            prob.addConstraint(c)
        rows.append(cons)
    return prob, xs, rows


def write_model(lp: LinearProgram, path: Path, name: str = "kcopt") -> None:
    prob, _, _ = to_pulp(lp, name)
    if path.suffix.lower() == ".mps":
        # without an OBJSENSE section every MPS reader takes the file as a minimisation
        prob.writeMPS(str(path), with_objsense=True)
    else:
        prob.writeLP(str(path))


def solve(lp: LinearProgram, opts: SolverOptions, name: str = "cbc") -> RawSolution:
    start = time.perf_counter()
    solver = get_solver(name, opts)
    # score-per-million coefficients are ~1e-4: CBC's dual simplex then stops up to ~1e-6
    # (relative) short of the optimum, so solve with the largest coefficient scaled to [1, 10)
    # and scale the duals back
    top = float(np.abs(lp.cost).max()) if lp.cost.size else 0.0
    scale = 10.0 ** -np.floor(np.log10(top)) if top > 0 else 1.0
    prob, xs, rows = to_pulp(replace(lp, cost=lp.cost * scale) if scale != 1.0 else lp)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            prob.solve(solver)
    except pulp.PulpSolverError as exc:
        return RawSolution("error", None, None, None, name, "", time.perf_counter() - start,
                           message=str(exc))
    status = {1: "optimal", -1: "infeasible", -2: "unbounded", 0: "time_limit"}.get(
        prob.status, "error")
    sol_status = getattr(prob, "sol_status", None)
    if sol_status == pulp.LpSolutionIntegerFeasible and status != "infeasible":
        status = "feasible"
    elif status == "optimal" and sol_status == pulp.LpSolutionNoSolutionFound:
        status = "time_limit"
    x = row_dual = None
    objective = None
    if status in ("optimal", "feasible"):
        x = np.array([v.varValue if v.varValue is not None else 0.0 for v in xs])
        objective = float(lp.cost @ x)
        if not lp.integer.any():
            row_dual = np.array([next((c.pi for c in cons if c.pi), 0.0) or 0.0
                                 for cons in rows], dtype=float) / scale
    solver_name = "cbc" if name == "cbc" else name
    ver = cbc_version() if name == "cbc" else getattr(pulp, "__version__", "")
    return RawSolution(status, x, row_dual, objective, solver_name, ver,
                       time.perf_counter() - start, None,
                       f"PuLP {pulp.__version__}: {pulp.LpStatus.get(prob.status, '?')}")
