"""The reserve list's walk on reduced programs agrees with re-solves of the whole plan, on a
generated instance of a few hundred projects over several provinces, some paid by both funds
(co-financing: their cap and match rows hold them, the walk's reduced programs leave them out)
(issue 28: the walk's cost; issue 25: the list must agree with a re-solve)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import kcopt
from conftest import solve_case

PROVINCES = ["Hà Nội", "Lâm Đồng", "Huế", "Cần Thơ", "Sơn La"]
DELTA = 1e-3  # million VND either side of a breakpoint the list gives


def _projects(n: int, seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    scores = rng.permutation(np.linspace(40, 99, n)).round(4)  # distinct: one order
    out = []
    for k in range(n):
        funds = str(rng.choice(["central", "local", "both"], p=[0.4, 0.35, 0.25]))
        category = "machinery" if funds != "local" else "pollution_treatment"
        out.append({"project_id": f"G{k:03d}", "name": f"Đề án G{k:03d}",
                    "province": PROVINCES[k % len(PROVINCES)], "category": category,
                    "total_cost": float(rng.integers(100, 900)), "appraisal": float(scores[k]),
                    "funds": funds, "level": "central" if funds != "local" else "local"})
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> kcopt.Result:
    folder = tmp_path_factory.mktemp("generated")
    pd.DataFrame(_projects(300, seed=28)).to_csv(folder / "projects.csv", index=False)
    local = {p: 1500.0 + 300 * i for i, p in enumerate(PROVINCES)}
    scenario = {"name": "generated", "projects": "projects.csv",
                "budgets": {"central": 12000, "local": local}, "objective": "weighted_funds",
                "weights": {"appraisal": 1}, "cofinancing": {"local_match_min": 0.2}}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario, allow_unicode=True),
                                          encoding="utf-8")
    return solve_case(kcopt.load_scenario(folder / "scenario.yaml"))


def _totals(result: kcopt.Result) -> pd.Series:
    return kcopt.allocation_table(result).set_index("project_id")["total"]


def _raised(base: kcopt.Result, fund: str, province: str, extra: float) -> pd.Series:
    sc = base.model.scenario
    budgets: dict[str, Any] = ({"central": sc.central_budget + extra} if fund == "central"
                               else {"local": {province: sc.local_budgets[province] + extra}})
    return _totals(kcopt.resolve(base, budgets=budgets))


@pytest.fixture(scope="module")
def reduced_list(generated: kcopt.Result) -> tuple[pd.DataFrame, int]:
    """The list with every row walked on a reduced program that keeps few columns (so it must
    be grown), and how often it was grown."""
    from kcopt.analysis import reserve

    saved = reserve._NEAR_ROW, reserve._NEAR_ANY, reserve._REDUCE_BELOW, reserve._walk
    grown: list[int] = []
    walk = reserve._walk

    def counting(w: Any, row: int, first: int) -> Any:
        try:
            return walk(w, row, first)
        except reserve._Expand:
            grown.append(row)
            raise

    reserve._NEAR_ROW, reserve._NEAR_ANY, reserve._REDUCE_BELOW = (0, 2), 2, 1.0
    reserve._walk = counting
    try:
        return kcopt.reserve_list(generated, first=4), len(grown)
    finally:
        reserve._NEAR_ROW, reserve._NEAR_ANY, reserve._REDUCE_BELOW, reserve._walk = saved


def test_instance_has_what_the_reduced_programs_leave_out(generated: kcopt.Result) -> None:
    """Projects paid by both funds and funded in full (held by their cap and co-financing
    rows: frozen, left out of every row's reduced program), and waiting projects per fund."""
    from kcopt.analysis import reserve_program

    made = reserve_program.program(generated)
    assert made is not None
    base = made[0].base
    assert base.frozen is not None and len(base.frozen.cols) >= 10
    assert len(base.free_basic) < len(base.frozen.cols)


def test_reduced_walk_is_the_whole_walk(generated: kcopt.Result,
                                        reduced_list: tuple[pd.DataFrame, int]) -> None:
    from kcopt.analysis import reserve

    small, grown = reduced_list
    assert grown, "the reduced programs were never grown: the check is not exercised"
    saved = reserve._REDUCE_BELOW
    reserve._REDUCE_BELOW = 0.0  # never reduce
    try:
        whole = kcopt.reserve_list(generated, first=4)
    finally:
        reserve._REDUCE_BELOW = saved
    cols = ["fund", "fund_province", "rank", "project_id"]
    assert small[cols].equals(whole[cols])
    for c in ("enters_at", "funded_at"):
        assert np.allclose(small[c], whole[c], atol=1e-6, equal_nan=True)


@pytest.mark.parametrize("fund, province", [("central", ""), ("local", "Lâm Đồng"),
                                            ("local", "Cần Thơ")])
def test_entering_order_and_amounts_agree_with_re_solves(
        generated: kcopt.Result, reduced_list: tuple[pd.DataFrame, int], fund: str,
        province: str) -> None:
    """For each project in line: a re-solve with the fund raised by DELTA less than where the
    list says it enters leaves it at its amount in the plan, DELTA more gives it more; DELTA
    short of where it is funded in full it is not, at that amount it is. And no project out of
    the list has more than in the plan just before the last one listed enters."""
    reserve, _ = reduced_list
    line = reserve.query("fund == @fund and fund_province == @province").sort_values("rank")
    assert len(line) == 4
    assert line["enters_at"].is_monotonic_increasing
    plan = _totals(generated)
    caps = generated.model.projects.set_index("project_id")["cap"]
    for _, e in line.iterrows():
        pid = e["project_id"]
        if e["enters_at"] > DELTA:
            assert _raised(generated, fund, province, e["enters_at"] - DELTA)[pid] \
                == pytest.approx(plan[pid], abs=1e-6), pid
        assert _raised(generated, fund, province, e["enters_at"] + DELTA)[pid] \
            > plan[pid] + 1e-9, pid
        if np.isfinite(e["funded_at"]):
            assert _raised(generated, fund, province, e["funded_at"])[pid] \
                == pytest.approx(caps[pid], abs=1e-6), pid
            assert _raised(generated, fund, province, e["funded_at"] - DELTA)[pid] \
                < caps[pid] - 1e-9, pid
    last = float(line["enters_at"].iloc[-1])
    if last > DELTA:
        before = _raised(generated, fund, province, last - DELTA)
        rose = set(before.index[before > plan + 1e-6])
        assert rose <= set(line["project_id"].iloc[:-1]), rose


@pytest.mark.parametrize("scale", [0.0, 1e-9, 1e-3, 1.0, 30.0])
def test_left_out_columns_found_as_by_computing_every_reduced_cost(
        generated: kcopt.Result, scale: float) -> None:
    """The check of a reduced program's optimum computes the reduced costs only of columns a
    bound cannot clear (`_Bound.wrong`): it finds the very columns computing them all finds,
    for row prices near the plan's (none move) and far from them (many move)."""
    from kcopt.analysis import reserve_program

    made = reserve_program.program(generated)
    assert made is not None
    base = made[0].base
    pr = base.priced
    y0 = np.asarray(base.highs.getSolution().row_dual, dtype=float)
    rng = np.random.default_rng(int(scale * 1000) + 1)
    rows = np.flatnonzero(rng.random(len(y0)) < 0.5)  # prices change there; 0 elsewhere
    Y = np.zeros((len(y0), 16))
    Y[rows] = y0[rows, None] + scale * rng.standard_normal((len(rows), 16))
    on = rng.random(len(pr.cols)) < 0.8
    D = pr.cost[:, None] - pr.A_T @ Y
    every = pr.cols[on & ((pr.low[:, None] & (D > reserve_program._DUAL_TOL))
                          | (pr.high[:, None] & (D < -reserve_program._DUAL_TOL))
                          | (pr.between[:, None] & (np.abs(D) > reserve_program._DUAL_TOL))
                          ).any(axis=1)]
    assert np.array_equal(base.bound.wrong(Y, on, rows), every)
    if scale >= 1.0:
        assert len(every) > 10, "the far prices move no column: the test shows nothing"
