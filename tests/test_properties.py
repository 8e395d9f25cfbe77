"""Invariants on random small programmes (hypothesis): more budget never lowers the objective, the
LP bounds the MIP. Caps, budgets, targets and the optimum itself are checked against an
independent model in test_oracle.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import kcopt
from kcopt.inputs.scenario import Scenario, Target
from kcopt.inputs.schema import validate
from kcopt.io.read import RawTable
from kcopt.rules.rates import load_rules

PROVINCES = ["Sơn La", "Lâm Đồng", "Hà Nội"]
CATEGORIES = ["machinery", "pollution_treatment", "ccn_pollution_treatment", "technology_line"]


@st.composite
def instances(draw: st.DrawFn) -> tuple[pd.DataFrame, Scenario]:
    n = draw(st.integers(2, 8))
    rows = []
    for i in range(n):
        cat = draw(st.sampled_from(CATEGORIES))
        funds = {"machinery": "central", "technology_line": "central",
                 "ccn_pollution_treatment": "local"}.get(cat, draw(st.sampled_from(
                     ["central", "local", "both"])))
        rows.append({
            "project_id": f"P{i}", "name": f"p{i}", "province": draw(st.sampled_from(PROVINCES)),
            "category": cat, "total_cost": str(draw(st.integers(100, 5000))),
            "level": "central" if funds != "local" else "local", "funds": funds,
            "appraisal": str(draw(st.integers(0, 100))),
            "green": str(draw(st.integers(0, 1))), "digital": str(draw(st.integers(0, 1))),
            "all_or_nothing": str(draw(st.integers(0, 1))),
        })
    raw = RawTable(pd.DataFrame(rows, dtype=str), list(range(2, n + 2)), Path("mem.csv"), None, 1)
    frame = validate(raw, load_rules()).frame
    targets: tuple[Target, ...] = ()
    if draw(st.booleans()):
        targets = (Target("green", "share_min", share=draw(st.sampled_from([0.1, 0.3, 0.5])),
                          of=("green",)),)
    scenario = Scenario(
        name="prop", projects=None,
        central_budget=float(draw(st.integers(0, 2000))),
        local_budgets={p: float(draw(st.integers(0, 1500))) for p in PROVINCES},
        objective=draw(st.sampled_from(["total_score", "weighted_funds"])),
        weights={"appraisal": 0.6, "green": 0.2, "digital": 0.2},
        targets=targets,
        local_match_min=draw(st.sampled_from([0.0, 0.3])),
    )
    return frame, scenario


SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


def within_budgets_and_caps(res: kcopt.Result, sc: Scenario) -> None:
    """Budgets never exceeded, every project at most its cap — read from the allocation a
    planner gets, not from the solver's own check."""
    alloc = kcopt.allocation_table(res)
    assert alloc["central"].sum() <= sc.central_budget + 1e-6
    for province, budget in sc.local_budgets.items():
        assert alloc.loc[alloc["province"] == province, "local"].sum() <= budget + 1e-6
    assert (alloc["central"] + alloc["local"] <= alloc["cap"] + 1e-6).all()


@SETTINGS
@given(instances(), st.integers(1, 3000))
def test_more_budget_never_lowers_the_objective(backend: str,
                                                inst: tuple[pd.DataFrame, Scenario],
                                                extra: int) -> None:
    frame, sc = inst
    base = kcopt.solve(kcopt.build(frame, sc, mip=False), solver=backend)
    assume(base.status == kcopt.Status.OPTIMAL)
    within_budgets_and_caps(base, sc)
    richer = sc.with_budget(central=sc.central_budget + extra)
    more = kcopt.solve(kcopt.build(frame, richer, mip=False), solver=backend)
    assert more.status == kcopt.Status.OPTIMAL
    within_budgets_and_caps(more, richer)
    assert more.objective >= base.objective - 1e-7 * max(1.0, base.objective)
    local = kcopt.solve(kcopt.build(frame, sc.with_budget(local_scale=1.5), mip=False),
                        solver=backend)
    assert local.objective >= base.objective - 1e-7 * max(1.0, base.objective)


@SETTINGS
@given(instances())
def test_lp_relaxation_bounds_the_mip(backend: str,
                                      inst: tuple[pd.DataFrame, Scenario]) -> None:
    frame, sc = inst
    lp = kcopt.solve(kcopt.build(frame, sc, mip=False), solver=backend)
    mip = kcopt.solve(kcopt.build(frame, sc, mip=True), solver=backend)
    if lp.status != kcopt.Status.OPTIMAL:
        assert mip.status != kcopt.Status.OPTIMAL
        return
    if mip.status == kcopt.Status.OPTIMAL:
        assert mip.objective <= lp.objective + 1e-7 * max(1.0, lp.objective)
        within_budgets_and_caps(mip, sc)
        aon = frame["all_or_nothing"].to_numpy() > 0
        alloc = kcopt.allocation_table(mip)
        frac = alloc["fraction"].to_numpy()[aon & (alloc["cap"].to_numpy() > 0)]
        assert np.all((frac < 1e-6) | (frac > 1 - 1e-6))


def test_property_tests_draw_the_same_examples_however_the_suite_is_collected(
        tmp_path: Path) -> None:
    """A bug a property test finds in one run is found in the next: the examples do not depend
    on which other files are collected with it, nor on an earlier run's database."""
    target = "tests/test_names.py::test_a_record_prints_and_parses_back_to_itself"
    runs = {"alone": [target], "with others": ["tests/test_outputs.py", target]}
    drawn = {}
    root = Path(__file__).resolve().parents[1]
    for name, args in runs.items():
        record = tmp_path / f"{name}.txt"
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "-p", "examples_plugin", *args, "-k",
                        "prints_and_parses_back_to_itself or neutralise"],
                       cwd=root, check=True, capture_output=True,
                       env={**os.environ, "KCOPT_RECORD_EXAMPLES": str(record),
                            "PYTHONPATH": os.pathsep.join([str(root / "tests"),
                                                           os.environ.get("PYTHONPATH", "")])})
        drawn[name] = [line for line in record.read_text(encoding="utf-8").splitlines()
                       if line.startswith(target)]
    assert len(drawn["alone"]) >= 50
    assert drawn["alone"] == drawn["with others"]
