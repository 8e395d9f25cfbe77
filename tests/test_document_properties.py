"""Property tests of the documents: for generated programmes (both funds, three provinces,
targets, all-or-nothing projects), solved on HiGHS and on CBC, the annex and the allocation
workbook recalculated in LibreOffice agree with the plan to the đồng — every figure
`check_documents` compares — and allocation.csv sums to the totals summary.json states."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kcopt
from kcopt.present.workbook.check import check_documents

pytestmark = pytest.mark.slow  # minutes of real processes: not in the lowest-versions CI pass
PROVINCES = ["Sơn La", "Lâm Đồng", "Hà Nội"]
CATEGORIES = ["machinery", "pollution_treatment", "demo_model", "technology_line", "training"]


@st.composite
def programmes(draw: st.DrawFn) -> tuple[list[dict], dict]:
    n = draw(st.integers(2, 12))
    projects = [{
        "project_id": f"P-{i:03d}", "name": f"Đề án {i}",
        "province": draw(st.sampled_from(PROVINCES)),
        "category": draw(st.sampled_from(CATEGORIES)),
        "total_cost": draw(st.integers(100, 5000)) + draw(st.sampled_from([0, 0.125, 0.5])),
        "funds": draw(st.sampled_from(["central", "local", "both"])),
        "appraisal": draw(st.integers(0, 100)), "green": draw(st.integers(0, 1)),
        "all_or_nothing": draw(st.integers(0, 1)),
    } for i in range(n)]
    scenario = {
        "budgets": {"central": draw(st.integers(0, 3000)),
                    "local": {p: draw(st.integers(0, 1500)) for p in PROVINCES}},
        "weights": {"appraisal": 0.7, "green": 0.3},
    }
    if draw(st.booleans()):
        scenario["targets"] = [{"name": "xanh", "kind": "share_min", "share": 0.2,
                                "of": ["green"]}]
    return projects, scenario


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(programmes())
def test_documents_agree_with_the_plan(backend: str, make_case, libreoffice,
                                       tmp_path: Path, case: tuple[list[dict], dict]) -> None:
    projects, scenario = case
    sc = make_case(projects, scenario)
    out = tmp_path / f"out-{sc.name}"
    try:
        kcopt.run(sc, out=out, solver=backend, plots=False)
    except kcopt.InfeasibleError:
        return  # a diagnosis, not a document (test_diagnose covers it)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    alloc = pd.read_csv(out / "allocation.csv", encoding="utf-8-sig")
    for fund in ("central", "local"):
        assert alloc[fund].sum() == pytest.approx(summary["totals"][fund], abs=1e-6)
    assert summary["totals"]["central"] <= scenario["budgets"]["central"] + 1e-6
    check = check_documents(out, recalculate=True, office=libreoffice)
    assert check.recalculated and {"annex.xlsx", "allocation.xlsx"} <= set(check.documents)
    assert check.figures > 2 * len(projects)
    assert check.ok, [str(d) for d in check.disagreements]
