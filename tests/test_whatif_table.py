"""After a what-if, `allocation_table` words only the rows whose figures changed (the reasons
memo of the plan's what-if chain): the table must equal one built from scratch, whatever the
what-ifs before it and the language they were read in."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import kcopt
from generated import generated
from kcopt.analysis import holdback
from kcopt.analysis.holdback import priced_rows
from kcopt.analysis.report import reason_memo
from kcopt.core.language import using
from kcopt.core.vocabulary import CRITERIA
from kcopt.model.names import parse_row
from kcopt.pipeline import run as compute

DEMO = kcopt.demo_scenario_path()


@pytest.fixture(scope="module")
def base() -> kcopt.Result:
    return kcopt.run(DEMO).result


def _from_scratch(result: kcopt.Result) -> pd.DataFrame:
    """The table with no memo and no cached matrix: every row worded anew."""
    holdback._LAST.clear()
    return kcopt.allocation_table(dataclasses.replace(result, warm=None))


def _random_changes(base: kcopt.Result, seed: int, count: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    sc = base.model.scenario
    provinces = sorted(sc.local_budgets)
    out = []
    for _k in range(count):
        weights = {str(c): float(rng.uniform(0, 0.4))
                   for c in rng.choice(CRITERIA, size=int(rng.integers(0, 3)), replace=False)}
        budgets: dict = {}
        if rng.random() < 0.7:
            budgets["central"] = float(sc.central_budget * rng.uniform(0.5, 1.3))
        if rng.random() < 0.5:
            budgets["local"] = {str(p): float(sc.local_budgets[p] * rng.uniform(0.3, 1.5))
                                for p in rng.choice(provinces, size=3, replace=False)}
        out.append({"weights": weights or None, "budgets": budgets or None})
    return out


def test_incremental_table_equals_a_full_rebuild(base: kcopt.Result) -> None:
    worded = {"unfunded": 0, "notes": 0}
    previous = base
    for k, change in enumerate(_random_changes(base, seed=2026, count=24)):
        # half from the base plan, half chained on the last what-if (as the app does)
        new = kcopt.resolve(base if k % 2 else previous, **change)
        with using("en" if k % 3 == 0 else "vi"):
            incremental = kcopt.allocation_table(new)
            again = kcopt.allocation_table(new)  # every row now from the memo
            scratch = _from_scratch(new)
        pd.testing.assert_frame_equal(incremental, scratch)
        pd.testing.assert_frame_equal(again, scratch)
        worded["unfunded"] += int(scratch["reason"].str.contains("margin|biên").sum())
        worded["notes"] += int(scratch["reason"].str.contains(
            "million of it from|do nguồn kinh phí").sum())
        previous = new
    assert reason_memo(previous), "the what-if chain keeps its reasons"
    # the rows whose figures move with a what-if were exercised
    assert worded["unfunded"] > 0 and worded["notes"] > 0, worded


def test_a_plan_without_what_if_keeps_no_memo(base: kcopt.Result) -> None:
    plain = dataclasses.replace(base, warm=None)
    assert reason_memo(plain) == {}
    pd.testing.assert_frame_equal(kcopt.allocation_table(plain), _from_scratch(base))


# -- against a fresh run of the changed scenario -------------------------------------------------
@pytest.fixture(scope="module", params=["demo", "generated-1000"])
def plan(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> kcopt.Result:
    path = DEMO if request.param == "demo" else generated(
        tmp_path_factory.mktemp("whatif") / "n1000", 1000)
    return compute(path, reserve=0).result


def _binding_province(result: kcopt.Result) -> str:
    """A province whose local budget binds and holds back a few projects, no more."""
    table = kcopt.allocation_table(result)
    waiting = table[table["status"].isin(["partial", "unfunded"])]
    counts = waiting.groupby("province").size()
    lp = result.model.lp
    binding = {parse_row(lp.row_names[i]).province for i in np.flatnonzero(
        priced_rows(result) > 0) if lp.row_family[i] == "budget"}
    return str(min((p for p in counts.index if p in binding), key=lambda p: counts[p]))


def _changes(result: kcopt.Result) -> list[dict]:
    """Weights and central budget changed, one binding local budget alone (down, up), and
    back to the scenario's own budgets, chained."""
    sc = result.model.scenario
    province = _binding_province(result)
    local = sc.local_budgets[province]
    return [{"weights": {"green": 0.3}, "budgets": {"central": sc.central_budget * 0.9}},
            {"budgets": {"local": {province: local * 0.6}}},
            {"budgets": {"local": {province: local * 1.4}}},
            {"weights": {"digital": 0.25}, "budgets": {"central": sc.central_budget * 1.1}},
            {"budgets": {"local": {province: local * 0.8}}},
            {"weights": {"appraisal": 0.6}},
            {"weights": {"circular": 0.2}, "budgets": {"central": sc.central_budget * 0.95}},
            {"budgets": {"local": {province: local}, "central": sc.central_budget}}]


def test_whatif_table_equals_a_fresh_run(plan: kcopt.Result) -> None:
    """Each what-if of a chain (the table of the one before it kept, as the app keeps it)
    against `kcopt.run` of the changed scenario: the same plan at the same prices gives the
    same table, cell for cell. A degenerate program can end a warm and a cold simplex at
    different plans of equal score, or price one plan's rows differently (a degenerate
    vertex): then the scores must agree, the same plan must give the same money and status,
    and the what-if's table must be its own plan's, worded from scratch."""
    previous, equal = plan, 0
    for change in _changes(plan):
        new = kcopt.resolve(previous, **change)
        table = kcopt.allocation_table(new)
        fresh = compute(new.model.scenario, reserve=0).result
        assert new.objective == pytest.approx(fresh.objective, rel=1e-7)
        assert new.x is not None and fresh.x is not None
        if np.allclose(new.x, fresh.x, rtol=0, atol=1e-7):
            other = kcopt.allocation_table(fresh)
            if np.allclose(priced_rows(new), priced_rows(fresh), rtol=1e-7, atol=1e-12):
                pd.testing.assert_frame_equal(table, other)
                equal += 1
            else:
                pd.testing.assert_frame_equal(table.drop(columns="reason"),
                                              other.drop(columns="reason"))
        pd.testing.assert_frame_equal(table, _from_scratch(new))
        previous = new
    assert equal >= 2, f"only {equal} what-ifs met a fresh run's plan and prices"
