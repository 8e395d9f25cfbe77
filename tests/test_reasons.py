"""Every reason template of allocation.csv, word for word, on one hand-solved case.

Weights {appraisal: 1}, objective weighted_funds: a project's score is appraisal / 100 and money
goes to the highest scores first. Rates from support_rates.csv: machinery 50% of cost up to 300
million (TT 28/2018/TT-BTC Art. 8 cl. 4), central fund only; pollution_treatment 30% up to 300
(TTLT 26/2014/TTLT-BTC-BCT), either fund; ccn_infrastructure 30% of cost from local funds and at
most 30% of the infrastructure investment counting all state support (Decree 32/2024 Art. 26.1).

Central budget 1,140, Sơn La local 300.
  F1 cost 1,000 → cap min(500, 300) = 300, the ceiling            score 0.90  central 300
  F2 cost 400 → cap 200, the rate                                   score 0.85  central 200
  F3 cost 400, requested 100 → cap 100, the request                 score 0.80  central 100
  F4 cost 400, 50 received → cap min(200 − 50, 300 − 50) = 150      score 0.75  central 150
  F5 CCN, cost 1,000, investment 800, 40 received →
     cap min(300 − 40, 240 − 40) = 200, Decree 32                   score 0.70  local 200
  F6 pollution, both funds, cost 800 → cap 240, the rate            score 0.65  local 100 (what
     Sơn La has left after F5) + central 140
  M1 must fund, cost 200 → cap 100                                  score 0.10  central 100
  PART cost 600 → cap 300: the central money left,
     1,140 − 300 − 200 − 100 − 150 − 140 − 100 = 150, half its cap   score 0.60  central 150
  U1 cost 600 → cap 300                                             score 0.30  nothing
  Z1 appraisal 0                                                    score 0     nothing
The central budget's price is PART's score, 0.6 per million (600 per 1,000 million); U1 would
earn 0.3 per million (300 per 1,000 million).
Ineligible: I1 sets up an enterprise outside a disadvantaged area; I2 machinery that only the
local fund may pay; I3 machinery whose 500 million received exceed its 200 cap; X1 excluded.
"""

from __future__ import annotations

import pytest

import kcopt
from conftest import solve_case

MACH = "TT 28/2018/TT-BTC Art. 8 cl. 4"
EXPECTED = {
    "F1": ("funded", "funded in full from central funds; cap: ceiling 300 million "
                     f"({MACH})"),
    "F2": ("funded", f"funded in full from central funds; cap: 50% of cost ({MACH})"),
    "F3": ("funded", "funded in full from central funds; cap: the amount requested"),
    "F4": ("funded", "funded in full from central funds; cap: 50% of cost, less 50 million "
                     f"already received ({MACH})"),
    "F5": ("funded", "funded in full from local funds; cap: state support ≤ 30% of "
                     "infrastructure investment, less 40 million already received "
                     "(Decree 32/2024/NĐ-CP Art. 26.1)"),
    "F6": ("funded", "funded in full (central 140, local 100); cap: 30% of cost "
                     "(TTLT 26/2014/TTLT-BTC-BCT)"),
    "M1": ("funded", f"must fund: funded in full from central funds; cap: 50% of cost ({MACH})"),
    "PART": ("partial", "partly funded (50% of its cap): central budget (1,140 million) fully "
                        "allocated; it is the marginal project"),
    "U1": ("unfunded", "not funded: central budget (1,140 million) fully allocated; it would "
                       "earn 300 points per 1,000 million, below the 600 that money earns at "
                       "the margin"),
    "Z1": ("unfunded", "score 0 under the scenario's priority weights"),
    "I1": ("ineligible", "support to set up an enterprise is only for areas with difficult "
                         "socio-economic conditions (TT 28/2018/TT-BTC Art. 8)"),
    "I2": ("ineligible", "'Ứng dụng máy móc thiết bị tiên tiến' is paid only from central funds "
                         f"({MACH}); this project may use only local funds"),
    "I3": ("ineligible", "no support room left: 500 million of state support already received "
                         "reaches the cap"),
    "X1": ("excluded", "excluded by the scenario or the project list"),
}


def reasons_case(make_case):
    def p(pid, category, cost, appraisal, province="Hà Nội", funds="central", **kw):
        return {"project_id": pid, "name": f"Đề án {pid}", "province": province,
                "category": category, "total_cost": cost, "appraisal": appraisal,
                "funds": funds, **kw}

    projects = [
        p("F1", "machinery", 1000, 90), p("F2", "machinery", 400, 85),
        p("F3", "machinery", 400, 80, requested=100),
        p("F4", "machinery", 400, 75, other_state_support=50),
        p("F5", "ccn_infrastructure", 1000, 70, "Sơn La", "local", infra_investment=800,
          other_state_support=40),
        p("F6", "pollution_treatment", 800, 65, "Sơn La", "both"),
        p("M1", "machinery", 200, 10, must_fund=1),
        p("PART", "machinery", 600, 60), p("U1", "machinery", 600, 30),
        p("Z1", "machinery", 600, 0),
        p("I1", "establish_enterprise", 50, 95, disadvantaged_area=0),
        p("I2", "machinery", 600, 95, funds="local"),
        p("I3", "machinery", 400, 95, other_state_support=500),
        p("X1", "machinery", 600, 99),
    ]
    return make_case(projects, {"budgets": {"central": 1140, "local": {"Sơn La": 300}},
                                "objective": "weighted_funds", "weights": {"appraisal": 1},
                                "exclude": ["X1"]})


def test_every_reason_template(make_case, backend: str) -> None:
    result = solve_case(reasons_case(make_case), backend)
    assert result.status == kcopt.Status.OPTIMAL
    table = result.allocation().set_index("project_id")
    assert table.loc["F6", "central"] == pytest.approx(140)
    assert table.loc["F6", "local"] == pytest.approx(100)
    assert table.loc["PART", "fraction"] == pytest.approx(0.5)
    for pid, (status, reason) in EXPECTED.items():
        assert table.loc[pid, "status"] == status, pid
        assert table.loc[pid, "reason"] == reason, pid


def test_reason_names_the_fund_that_pays_most(make_case) -> None:
    """A project both funds pay, mostly from local money: the cap cited is the local one."""
    projects = [{"project_id": "B", "name": "B", "province": "Sơn La",
                 "category": "pollution_treatment", "total_cost": 800, "appraisal": 90,
                 "funds": "both"},
                {"project_id": "C", "name": "C", "province": "Hà Nội", "category": "machinery",
                 "total_cost": 800, "appraisal": 80, "funds": "central"}]
    sc = make_case(projects, {"budgets": {"central": 340, "local": {"Sơn La": 200}},
                              "objective": "weighted_funds", "weights": {"appraisal": 1},
                              "rate_overrides": [{"category": "pollution_treatment",
                                                  "fund": "local", "province": "Sơn La",
                                                  "rate": 0.25, "cap": 250}]})
    result = solve_case(sc)
    table = result.allocation().set_index("project_id")
    # B: local cap min(0.25·800, 250) = 200, central cap 240; total cap 240. Sơn La's 200 goes
    # to B (only B can use it), central tops B up by 40 and gives C the remaining 300 (its cap)
    assert table.loc["B", ["central", "local"]].tolist() == pytest.approx([40, 200])
    assert table.loc["B", "reason"] == ("funded in full (central 40, local 200); cap: 25% of "
                                        "cost (scenario rate override for Sơn La)")
