"""The demo's golden facts, and which of them the optimum fixes.

An LP optimum need not be unique: ties between projects let a solver pick another allocation of
the same score, and a degenerate vertex leaves some shadow prices free within a range. So next
to every fact the golden files say whether the problem itself determines it:

- a column's value is *determined* when its minimum and its maximum over the optimal face
  (every feasible allocation complementary to the solver's optimal dual) agree; a project's
  total, a row's activity and a province's totals likewise;
- a binding row's (or bound's) shadow price is *unique* when the optimal value has the same
  slope on both sides of its right-hand side (f(b + δ) − f(b) = f(b) − f(b − δ)); a non-binding
  one is 0 in every optimal dual (complementary slackness);
- a reason is a fact when the project's money is determined and every row that can price it
  has a unique price.

The ranges and slopes are found here with HiGHS on the program's arrays, independently of
kcopt's reports. test_golden.py compares every determined fact on HiGHS and on CBC, and the
invariants (objective, binding prices, per-province totals where the optimum fixes them)
always.

Regenerate only on purpose (never in a normal test run): it prints the difference first::

    python tests/golden.py            # show what would change
    python tests/golden.py --write    # write tests/data/demo_*.{csv,json}
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pandas as pd

import kcopt
from kcopt.solvers.highs import to_highs_lp

DATA = Path(__file__).parent / "data"
ALLOCATION = DATA / "demo_allocation.csv"
CONSTRAINTS = DATA / "demo_constraints.csv"
SUMMARY = DATA / "demo_summary.json"
DELTA = 5.0  # million VND moved on each side of a right-hand side to find its slope


def solve_demo(solver: str = "highs") -> kcopt.Run:
    return kcopt.run(kcopt.demo_scenario_path(), out=None, solver=solver)


class Probe:
    """One HiGHS instance on the program's arrays, re-solved with changed costs or bounds."""

    def __init__(self, lp: kcopt.LinearProgram) -> None:
        self.lp = lp
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.passModel(to_highs_lp(lp))
        self.h.run()
        assert self.h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        self.optimum = float(self.h.getInfo().objective_function_value)

    def value(self) -> float:
        self.h.run()
        assert self.h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        return float(self.h.getInfo().objective_function_value)

    def slope_is_unique(self, kind: str, i: int, side: str) -> bool:
        """Whether the optimal value has one slope at this row's (or column's) bound."""
        lp = self.lp
        lo, up = ((lp.row_lower[i], lp.row_upper[i]) if kind == "row"
                  else (lp.col_lower[i], lp.col_upper[i]))
        change = self.h.changeRowBounds if kind == "row" else self.h.changeColBounds
        inf = highspy.kHighsInf

        def at(shift: float) -> float | None:
            lo2 = lo + shift if side in ("lower", "both") else lo
            up2 = up + shift if side in ("upper", "both") else up
            change(i, -inf if np.isinf(lo2) else lo2, inf if np.isinf(up2) else up2)
            self.h.run()
            ok = self.h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            return float(self.h.getInfo().objective_function_value) if ok else None

        plus, minus = at(DELTA), at(-DELTA)
        change(i, -inf if np.isinf(lo) else lo, inf if np.isinf(up) else up)
        if plus is None or minus is None:
            return False
        right, left = plus - self.optimum, self.optimum - minus
        return abs(right - left) <= 2e-9 * max(1.0, abs(self.optimum))

    def face_ranges(self, weights: list[np.ndarray], x: np.ndarray, pi: np.ndarray,
                    d: np.ndarray) -> np.ndarray:
        """(min, max) of w·x over the optimal face, for each weight vector w.

        The optimal face is every feasible x complementary to one optimal dual (π, d): columns
        with a reduced cost stay at the bound they sit on, rows with a price stay tight. No
        tolerance on the objective is needed, and near-ties stay ties only when exact."""
        lp = self.lp
        n = lp.shape[1]
        lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
        held = np.abs(d) > 1e-9
        lower[held] = upper[held] = x[held]
        row_lo, row_up = lp.row_lower.copy(), lp.row_upper.copy()
        act = lp.A @ x
        priced = np.abs(pi) > 1e-9
        row_lo[priced] = row_up[priced] = act[priced]
        from dataclasses import replace

        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(to_highs_lp(replace(lp, col_lower=lower, col_upper=upper,
                                        row_lower=row_lo, row_upper=row_up)))
        idx = np.arange(n, dtype=np.int32)
        out = np.zeros((len(weights), 2))
        for k, w in enumerate(weights):
            if not w[~held].any():  # only held columns: the value is what they hold
                out[k] = float(w @ x)
                continue
            h.changeColsCost(n, idx, w)
            for s, sense in enumerate((highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize)):
                h.changeObjectiveSense(sense)
                h.run()
                assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
                out[k, s] = float(h.getInfo().objective_function_value)
        return out


def facts(run: kcopt.Run) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The demo's facts with, for each, whether the optimum determines it."""
    model, result = run.model, run.result
    lp = model.lp
    alloc = run.allocation.copy()
    cons = run.constraints.copy()
    probe = Probe(lp)
    n, m = lp.shape[1], lp.shape[0]
    xs = model.x_columns
    unit = np.eye(n)
    A = lp.A.toarray()
    n_proj = len(alloc)
    fund_w = {f: np.zeros((n_proj, n)) for f in ("central", "local")}
    for j in xs:
        fund_w["central" if model.col_fund[j] == 0 else "local"][model.col_project[j], j] = 1.0
    total_w = fund_w["central"] + fund_w["local"]
    provinces = sorted(alloc["province"].unique())
    prov_of = alloc["province"].to_numpy()
    weights = ([unit[j] for j in xs] + list(A)
               + [total_w[p] for p in range(n_proj)]
               + [fund_w[f][prov_of == pr].sum(axis=0) for pr in provinces
                  for f in ("central", "local")])
    assert result.x is not None and result.shadow_price is not None
    assert result.reduced_cost is not None
    ranges = probe.face_ranges(weights, result.x, result.shadow_price, result.reduced_cost)
    fixed = np.abs(ranges[:, 1] - ranges[:, 0]) <= 1e-6 * np.maximum(1.0, np.abs(ranges[:, 1]))
    col_fixed = np.ones(n, dtype=bool)
    col_fixed[xs] = fixed[:len(xs)]
    row_fixed = fixed[len(xs):len(xs) + m]
    project_fixed = fixed[len(xs) + m:len(xs) + m + n_proj]
    province_fixed = fixed[len(xs) + m + n_proj:].reshape(len(provinces), 2)

    # shadow prices: binding rows and bounds checked by their slopes, the others are 0
    pi, d = result.shadow_price, result.reduced_cost
    assert pi is not None and d is not None and result.x is not None
    act = lp.A @ result.x
    row_unique = np.ones(m, dtype=bool)
    for i in range(m):
        at_up = np.isclose(act[i], lp.row_upper[i], rtol=1e-9, atol=1e-6)
        at_lo = np.isclose(act[i], lp.row_lower[i], rtol=1e-9, atol=1e-6)
        if at_up or at_lo:
            side = "both" if lp.row_lower[i] == lp.row_upper[i] else (
                "upper" if at_up else "lower")
            row_unique[i] = probe.slope_is_unique("row", i, side)
    bound_cols = [j for j, b in enumerate(model.bound_names) if b]
    bound_unique = {}
    for j in bound_cols:
        is_must = model.bound_names[j].startswith("must_fund:")
        at_cap = np.isclose(result.x[j], lp.col_upper[j], rtol=1e-9, atol=1e-7)
        bound_unique[j] = (probe.slope_is_unique("col", j, "both" if is_must else "upper")
                           if is_must or at_cap else True)

    # the table: rows in program order, then the bounds (constraint_table's order)
    cons["activity_fixed"] = list(row_fixed) + [bool(col_fixed[j]) for j in bound_cols]
    cons["price_unique"] = list(row_unique) + [bound_unique[j] for j in bound_cols]
    cons = cons.drop(columns=["price_basis"])

    # a reason is a fact when the money is fixed and every row pricing the project is unique
    col_rows = lp.A.tocsc()
    reason_fact = project_fixed.copy()
    for j in xs:
        p = model.col_project[j]
        rows = col_rows.indices[col_rows.indptr[j]:col_rows.indptr[j + 1]]
        if not (col_fixed[j] and row_unique[rows].all() and bound_unique.get(j, True)):
            reason_fact[p] = False
    # a funded project's reason names its split between the funds: both must be fixed
    alloc["total_fixed"] = project_fixed
    alloc["split_fixed"] = [all(col_fixed[j] for j in xs[model.col_project[xs] == p])
                            for p in range(n_proj)]
    alloc["reason_fact"] = reason_fact & alloc["split_fixed"].to_numpy()

    by_province = []
    for k, pr in enumerate(provinces):
        rows = alloc[alloc["province"] == pr]
        by_province.append({"province": pr, "central": round(float(rows["central"].sum()), 4),
                            "local": round(float(rows["local"].sum()), 4),
                            "central_fixed": bool(province_fixed[k, 0]),
                            "local_fixed": bool(province_fixed[k, 1])})
    s = run.summary
    assert s is not None
    view = s.as_dict()
    summary = {"objective": round(float(result.objective or 0.0), 6),
               "objective_kind": s.objective_kind, "status": s.status,
               "budgets": view["budgets"], "totals": view["totals"], "counts": view["counts"],
               "by_province": by_province}
    return alloc, cons, summary


def write(alloc: pd.DataFrame, cons: pd.DataFrame, summary: dict[str, Any]) -> None:
    DATA.mkdir(exist_ok=True)
    alloc.to_csv(ALLOCATION, index=False, lineterminator="\n")
    cons.to_csv(CONSTRAINTS, index=False, lineterminator="\n")
    SUMMARY.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")


def read() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    alloc = pd.read_csv(ALLOCATION, dtype={"project_id": str}, keep_default_na=False,
                        na_values=[""])
    alloc["reason"] = alloc["reason"].fillna("")
    cons = pd.read_csv(CONSTRAINTS, keep_default_na=False, na_values=[""])
    return alloc, cons, json.loads(SUMMARY.read_text(encoding="utf-8"))


def diff(old: pd.DataFrame, new: pd.DataFrame, key: str) -> list[str]:
    """Lines saying which facts changed, per column, with the first few rows."""
    lines = []
    if list(old.columns) != list(new.columns):
        lines.append(f"columns: {list(old.columns)} → {list(new.columns)}")
    if list(old[key]) != list(new[key]):
        gone, added = set(old[key]) - set(new[key]), set(new[key]) - set(old[key])
        lines.append(f"{key}: {len(gone)} gone, {len(added)} new")
        return lines
    for col in [c for c in new.columns if c in old.columns and c != key]:
        a, b = old[col], new[col]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            changed = ~np.isclose(a.astype(float), b.astype(float), rtol=1e-6, atol=1e-4,
                                  equal_nan=True)
        else:
            changed = (a.astype(object).fillna("").astype(str).to_numpy()
                       != b.astype(object).fillna("").astype(str).to_numpy())
        if changed.any():
            lines.append(f"{col}: {int(changed.sum())} row(s) changed")
            for i in np.flatnonzero(changed)[:5]:
                lines.append(f"    {new[key].iat[i]}: {a.iat[i]} → {b.iat[i]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the new golden files")
    args = parser.parse_args(argv)
    alloc, cons, summary = facts(solve_demo())
    lines = []
    if ALLOCATION.exists() and CONSTRAINTS.exists() and SUMMARY.exists():
        old_alloc, old_cons, old_summary = read()
        lines += ["allocation: " + s for s in diff(old_alloc, alloc, "project_id")]
        lines += ["constraints: " + s for s in diff(old_cons, cons, "name")]
        for k in summary:
            if json.dumps(old_summary.get(k), sort_keys=True) != json.dumps(summary[k],
                                                                            sort_keys=True):
                lines.append(f"summary: {k} changed")
    else:
        lines.append("no golden files yet")
    print("\n".join(lines) if lines else "golden files are up to date")
    print(f"determined: {int(alloc['total_fixed'].sum())}/{len(alloc)} project totals, "
          f"{int(alloc['reason_fact'].sum())} reasons, "
          f"{int(cons['price_unique'].sum())}/{len(cons)} prices")
    if args.write:
        write(alloc, cons, summary)
        print(f"wrote {ALLOCATION.name}, {CONSTRAINTS.name}, {SUMMARY.name}")
    return 0


if __name__ == "__main__":
    # the golden reasons are stored in English, the language the tests run in (conftest.py)
    kcopt.set_language("en")
    sys.exit(main())
