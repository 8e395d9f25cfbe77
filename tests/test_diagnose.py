"""Infeasibility diagnosis: pre-solve checks and the elastic relaxation name rule and amount."""

from __future__ import annotations

import pytest

import kcopt

SL = {"province": "Sơn La", "category": "machinery", "total_cost": 600, "level": "central"}


def test_presolve_must_fund_above_budget(make_case) -> None:
    """Two must-fund machinery projects, each capped at min(0.5 × 600, 300) = 300, need 600 of
    central money; the budget is 500, so the central budget must rise by 100."""
    sc = make_case([dict(SL, project_id="A", name="a", must_fund=1),
                    dict(SL, project_id="B", name="b", must_fund=1)],
                   {"budgets": {"central": 500}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    (finding,) = kcopt.presolve_checks(model)
    assert finding.constraint == "budget:central"
    assert (finding.current, finding.needed) == (500, 600)
    assert "Raise it by 100 million" in finding.message


def test_presolve_target_no_project_can_serve(make_case) -> None:
    sc = make_case([dict(SL, project_id="A", name="a")],
                   {"budgets": {"central": 500},
                    "targets": [{"name": "dig", "kind": "share_min", "of": ["digital"],
                                 "share": 0.2},
                                {"name": "mkd", "kind": "region_min", "region": "MKD",
                                 "share": 0.1}]})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    names = {f.constraint for f in kcopt.presolve_checks(model)}
    assert names == {"dig", "mkd"}


def test_elastic_relaxation_names_the_amount(make_case) -> None:
    """Must-fund A (cap 300) and an amount target asking 800 for Sơn La, where only A and B
    (cap 300 each) exist: at most 600 is possible, so the target must fall by 200 — the
    cheapest single relaxation (the central budget of 1,000 is not binding)."""
    sc = make_case([dict(SL, project_id="A", name="a", must_fund=1),
                    dict(SL, project_id="B", name="b")],
                   {"budgets": {"central": 1000},
                    "targets": [{"name": "sl", "kind": "share_min", "province": "Sơn La",
                                 "amount": 800}]})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    assert kcopt.solve(model).status == kcopt.Status.INFEASIBLE
    (finding,) = kcopt.elastic_diagnosis(model)
    assert finding.constraint == "sl"
    assert finding.needed == pytest.approx(600)
    assert "Change it to 600" in finding.message


def test_elastic_share_target(make_case) -> None:
    """Must-fund A (not green, 300) and green C (300): the green share is at most 50%, so a 60%
    share target has to fall to 50%."""
    sc = make_case([dict(SL, project_id="A", name="a", must_fund=1),
                    dict(SL, project_id="C", name="c", green=1)],
                   {"budgets": {"central": 1000},
                    "targets": [{"name": "green", "kind": "share_min", "of": ["green"],
                                 "share": 0.6}]})
    run_error = None
    try:
        kcopt.run(sc, out=None)
    except kcopt.InfeasibleError as exc:
        run_error = exc
    assert run_error is not None
    findings = {f.constraint: f for f in run_error.run.diagnosis}
    assert findings["green"].needed == pytest.approx(0.5)
    assert "50.0%" in findings["green"].message
