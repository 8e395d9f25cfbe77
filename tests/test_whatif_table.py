"""After a what-if, `allocation_table` words only the rows whose figures changed (the reasons
memo of the plan's what-if chain): the table must equal one built from scratch, whatever the
what-ifs before it and the language they were read in."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import kcopt
from kcopt.analysis import holdback
from kcopt.analysis.report import reason_memo
from kcopt.core.language import using
from kcopt.core.vocabulary import CRITERIA

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
