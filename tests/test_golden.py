"""Golden files: the demo's allocation, constraints and summary, compared fact by fact on every
backend. Which facts the optimum determines is recorded beside them by tests/golden.py (see
its docstring); regenerate only on purpose with `python tests/golden.py --write`, which prints
what changes — never as part of a test run.

Compared always (inputs and invariants): ids, names, provinces, regions, content types,
levels, scores and caps of every project; status and reason of ineligible and excluded ones;
every constraint's name, family, sense and right-hand side; the objective; counts and totals
when every project's money is determined.
Compared where the optimum determines them: each project's central, local, total, fraction
and status; its reason where its money and every price it depends on are unique; each row's
activity and binding flag; each shadow price the optimal value's slope fixes; per-province
central and local totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kcopt
import kcopt.analysis.report
from conftest import BACKEND_PARAMS
from golden import read

MONEY = 1e-3  # million VND: 1,000 đồng
ALWAYS = ["project_id", "name", "province", "region", "category", "level", "score", "cap"]


@pytest.fixture(scope="module")
def golden() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    return read()


@pytest.fixture(scope="module", params=BACKEND_PARAMS)
def solved(request: pytest.FixtureRequest) -> kcopt.Run:
    return kcopt.run(kcopt.demo_scenario_path(), out=None, solver=request.param)


def _close(a: pd.Series, b: pd.Series, what: str, tol: float) -> None:
    bad = ~np.isclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-6, atol=tol)
    assert not bad.any(), f"{what}: {int(bad.sum())} differ, e.g. " + ", ".join(
        f"{i}: {a.iat[i]} vs {b.iat[i]}" for i in np.flatnonzero(bad)[:3])


def test_golden_files_cover_every_fact_column(golden) -> None:
    alloc, cons, summary = golden
    assert set(kcopt.analysis.report.ALLOCATION_COLUMNS) <= set(alloc.columns)
    assert {"name", "family", "sense", "rhs", "activity", "slack", "binding",
            "shadow_price"} <= set(cons.columns)
    # the flags are not vacuous: most facts of the demo are determined and compared
    assert alloc["total_fixed"].mean() > 0.9 and alloc["reason_fact"].mean() > 0.8
    assert cons["price_unique"].mean() > 0.9
    assert {"objective", "totals", "counts", "by_province"} <= set(summary)


def test_allocation_matches_golden(golden, solved: kcopt.Run) -> None:
    g, _, _ = golden
    a = solved.allocation.reset_index(drop=True)
    assert list(a["project_id"]) == list(g["project_id"])
    for col in ALWAYS:
        if col in ("score", "cap"):
            _close(a[col], g[col], col, 1e-6)
        else:
            assert a[col].astype(str).tolist() == g[col].astype(str).tolist(), col
    fixed_status = g["status"].isin(["ineligible", "excluded"])
    for col in ("status", "reason"):
        assert a.loc[fixed_status, col].tolist() == g.loc[fixed_status, col].tolist(), col
    total = g["total_fixed"].astype(bool)
    _close(a.loc[total, "total"], g.loc[total, "total"], "total", MONEY)
    _close(a.loc[total, "fraction"], g.loc[total, "fraction"], "fraction", 1e-6)
    assert a.loc[total, "status"].tolist() == g.loc[total, "status"].tolist()
    split = g["split_fixed"].astype(bool)
    for col in ("central", "local"):
        _close(a.loc[split, col], g.loc[split, col], col, MONEY)
    reason = g["reason_fact"].astype(bool)
    mismatch = a.loc[reason, "reason"] != g.loc[reason, "reason"]
    assert not mismatch.any(), pd.DataFrame({"got": a.loc[reason, "reason"][mismatch],
                                             "golden": g.loc[reason, "reason"][mismatch]})


def test_constraints_match_golden(golden, solved: kcopt.Run) -> None:
    _, g, _ = golden
    c = solved.constraints.reset_index(drop=True)
    assert list(c["name"]) == list(g["name"])
    for col in ("family", "sense"):
        assert c[col].tolist() == g[col].tolist(), col
    _close(c["rhs"], g["rhs"], "rhs", 1e-6)
    act = g["activity_fixed"].astype(bool)
    # a share row (Σ s·x − share·T, right-hand side 0) over 100,000 million: a solver's 1e-8
    # relative accuracy is 0.001–0.01 million there
    _close(c.loc[act, "activity"], g.loc[act, "activity"], "activity", 10 * MONEY)
    assert c.loc[act, "binding"].tolist() == g.loc[act, "binding"].tolist()
    for col in ("share_required", "share_achieved"):  # share targets only; NaN elsewhere
        if col in g:
            rows = act if col == "share_achieved" else pd.Series(True, index=g.index)
            _close(c.loc[rows, col].fillna(-1.0), g.loc[rows, col].fillna(-1.0), col, 1e-6)
    unique = g["price_unique"].astype(bool)
    _close(c.loc[unique, "shadow_price"], g.loc[unique, "shadow_price"], "shadow_price", 2e-7)
    # the invariant the optimum always fixes: binding budgets keep their unique prices
    budgets = unique & (g["family"] == "budget") & g["binding"].astype(bool)
    assert budgets.sum() >= 10


def test_summary_matches_golden(golden, solved: kcopt.Run) -> None:
    g_alloc, _, g = golden
    s = solved.summary
    assert s is not None
    assert s.status == g["status"] and s.objective_kind == g["objective_kind"]
    assert s.objective == pytest.approx(g["objective"], rel=1e-6)
    assert vars(s.budgets) == g["budgets"]
    if g_alloc["total_fixed"].all() and g_alloc["split_fixed"].all():
        assert vars(s.counts) == g["counts"]
        for k, v in g["totals"].items():
            assert getattr(s.totals, k) == pytest.approx(v, rel=1e-8, abs=MONEY), k
    a = solved.allocation
    for row in g["by_province"]:
        mine = a[a["province"] == row["province"]]
        for fund in ("central", "local"):
            if row[f"{fund}_fixed"]:
                assert mine[fund].sum() == pytest.approx(row[fund], abs=10 * MONEY), (
                    row["province"], fund)


def test_regeneration_shows_what_changes(golden) -> None:
    """tests/golden.py prints each changed fact before anything is written."""
    from golden import diff

    alloc = golden[0]
    changed = alloc.copy()
    changed.loc[3, "reason"] = "something else"
    changed.loc[5, "central"] += 10
    lines = diff(alloc, changed, "project_id")
    assert lines[0] == "central: 1 row(s) changed"
    assert lines[1].startswith(f"    {alloc['project_id'].iat[5]}: ")
    assert lines[2] == "reason: 1 row(s) changed"
    assert diff(alloc, alloc, "project_id") == []
