"""Golden file: the demo's allocation. Regenerate only on purpose: pytest --update-golden."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import kcopt

DATA = Path(__file__).parent / "data"
COLUMNS = ["project_id", "province", "category", "cap", "central", "local", "status"]


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_demo_matches_golden(request: pytest.FixtureRequest, solver: str) -> None:
    from conftest import BACKENDS

    if solver not in BACKENDS:
        pytest.skip("CBC not installed")
    run = kcopt.run(kcopt.demo_scenario_path(), out=None, solver=solver)
    alloc = run.allocation[COLUMNS]
    head = {"objective": round(run.result.objective, 6),
            "totals": run.summary["totals"], "counts": run.summary["counts"]}
    if request.config.getoption("--update-golden") and solver == "highs":
        DATA.mkdir(exist_ok=True)
        alloc.to_csv(DATA / "demo_allocation.csv", index=False, lineterminator="\n")
        (DATA / "demo_summary.json").write_text(json.dumps(head, indent=2) + "\n")
    golden = pd.read_csv(DATA / "demo_allocation.csv", dtype={"project_id": str})
    expected = json.loads((DATA / "demo_summary.json").read_text())
    assert run.result.objective == pytest.approx(expected["objective"], rel=1e-6)
    if solver == "cbc":
        return  # the optimum is not unique: CBC may pick another allocation of equal score
    assert head["counts"] == expected["counts"]
    assert list(alloc["project_id"]) == list(golden["project_id"])
    assert list(alloc["status"]) == list(golden["status"])
    for col in ("cap", "central", "local"):
        diff = (alloc[col].to_numpy() - golden[col].to_numpy())
        assert abs(diff).max() <= 1e-3, col
