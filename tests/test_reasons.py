"""Every reason template of allocation.csv, word for word, on one hand-solved case.

Weights {appraisal: 1}, objective weighted_funds: a project's score is appraisal / 100 and money
goes to the highest scores first. Levels from support_rates.csv: machinery 50% of cost up to 300
million per establishment (TT 28/2018/TT-BTC Art. 8 cl. 4); pollution_treatment 30% up to 300
(TTLT 26/2014/TTLT-BTC-BCT, the latest level published, flagged low confidence), either fund;
ccn_infrastructure from local funds at 30% of cost and at most 30% of the infrastructure
investment counting all state support (Decree 32/2024 Art. 26.1); trade fairs abroad only from
central funds. Support already received rules any other content type out (no double funding).

Central budget 1,890, Sơn La local 300.
  F1 cost 1,000 → cap min(500, 300) = 300, the ceiling            score 0.90  central 300
  F2 cost 400 → cap 200, the rate                                   score 0.85  central 200
  F3 cost 400, requested 100 → cap 100, the request                 score 0.80  central 100
  G1 a group of 3 establishments, cost 3,000 →
     cap min(1,500, 300 × 3 = 900) = 900, the group's ceiling        score 0.78  central 900
  F5 CCN, cost 1,000, investment 800, 40 received →
     cap min(300 − 40, 240 − 40) = 200, Decree 32                   score 0.70  local 200
  F6 pollution, both funds, cost 800 → cap 240, the rate            score 0.65  local 100 (what
     Sơn La has left after F5) + central 140
  M1 must fund, cost 200 → cap 100                                  score 0.10  central 100
  PART cost 600 → cap 300: the central money left,
     1,890 − 300 − 200 − 100 − 900 − 140 − 100 = 150, half its cap   score 0.60  central 150
  U1 cost 600 → cap 300                                             score 0.30  nothing
  Z1 appraisal 0                                                    score 0     nothing
The central budget's price is PART's score, 0.6 per million (600 per 1,000 million); U1 would
earn 0.3 per million (300 per 1,000 million).
Ineligible: I1 sets up an enterprise outside a disadvantaged area; I2 a trade fair abroad that
only the local fund may pay; I3 machinery that received 50 million from another programme (no
double funding); I4 CCN infrastructure whose 300 million received use up its 30% (240) of the
investment; X1 excluded.
"""

from __future__ import annotations

import pytest

import kcopt
from conftest import solve_case

MACH = "TT 28/2018/TT-BTC Art. 8 cl. 4"
LOW = "; the level is not confirmed (low confidence): check it before use"
EXPECTED = {
    "F1": ("funded", "funded in full from central funds; cap: ceiling 300 million "
                     f"({MACH})"),
    "F2": ("funded", f"funded in full from central funds; cap: 50% of cost ({MACH})"),
    "F3": ("funded", "funded in full from central funds; cap: the amount requested"),
    "G1": ("funded", "funded in full from central funds; cap: ceiling 900 million = 300 million "
                     f"× 3 establishments (group project) ({MACH})"),
    "F5": ("funded", "funded in full from local funds; cap: state support ≤ 30% of "
                     "infrastructure investment, less 40 million already received "
                     "(Decree 32/2024/NĐ-CP Art. 26.1)"),
    "F6": ("funded", "funded in full (central 140, local 100); cap: 30% of cost "
                     "(TTLT 26/2014/TTLT-BTC-BCT; the latest published level, the level in "
                     f"force is not known){LOW}; 140 million of it from central funds: its "
                     "own local funds have no room left (local budget of Sơn La fully "
                     "allocated)"),
    "M1": ("funded", f"must fund: funded in full from central funds; cap: 50% of cost ({MACH})"),
    "PART": ("partial", "partly funded (50% of its cap): central budget (1,890 million) fully "
                        "allocated; it is the marginal project"),
    "U1": ("unfunded", "not funded: central budget (1,890 million) fully allocated; it would "
                       "earn 300 points per 1,000 million, below the 600 that money earns at "
                       "the margin"),
    "Z1": ("unfunded", "score 0 under the scenario's priority weights"),
    "I1": ("ineligible", "support to set up an enterprise is only for areas with difficult "
                         "socio-economic conditions (TT 28/2018/TT-BTC Art. 8)"),
    "I2": ("ineligible", "'Hội chợ triển lãm ở nước ngoài' is paid only from central funds "
                         "(TT 28/2018/TT-BTC Art. 8 cl. 6); this project may use only local "
                         "funds"),
    "I3": ("ineligible", "this item already received 50 million of state support from another "
                         "programme: not funded twice (the rule that the state budget does not "
                         "fund one item twice); left out of the projects considered"),
    "I4": ("ineligible", "no support room left: 300 million of state support already received "
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
        p("G1", "machinery", 3000, 78, establishments=3),
        p("F5", "ccn_infrastructure", 1000, 70, "Sơn La", "local", infra_investment=800,
          other_state_support=40),
        p("F6", "pollution_treatment", 800, 65, "Sơn La", "both"),
        p("M1", "machinery", 200, 10, must_fund=1),
        p("PART", "machinery", 600, 60), p("U1", "machinery", 600, 30),
        p("Z1", "machinery", 600, 0),
        p("I1", "establish_enterprise", 50, 95, disadvantaged_area=0),
        p("I2", "fair_abroad", 600, 95, funds="local"),
        p("I3", "machinery", 400, 95, other_state_support=50),
        p("I4", "ccn_infrastructure", 1000, 95, "Sơn La", "local", infra_investment=800,
          other_state_support=300),
        p("X1", "machinery", 600, 99),
    ]
    return make_case(projects, {"budgets": {"central": 1890, "local": {"Sơn La": 300}},
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


def test_reason_cites_the_cap_that_binds_the_total(make_case) -> None:
    """A project both funds pay, mostly from local money: the cap cited is the one that binds its
    total (central, 240), and the local fund's own lower cap (200) is said as that fund's alone —
    not the local cap as if it were the project's (it receives 240, above 200)."""
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
    assert table.loc["B", "reason"] == (
        "funded in full (central 40, local 200); cap: 30% of cost (TTLT 26/2014/TTLT-BTC-BCT; the "
        f"latest published level, the level in force is not known){LOW}; local funds alone — cap: "
        "25% of cost (scenario rate override for Sơn La); 40 million of it from central funds: "
        "its own local funds may pay at most 200 million for it")


def test_cap_words_are_kept_per_language_and_figures() -> None:
    """`describe_cap` keeps its words by language and figures: the demo's caps said in
    Vietnamese, English, then Vietnamese again are the same each time in each language, and
    differ between the two; a project's cap names its own ceiling or rate."""
    import numpy as np

    from kcopt.core.language import using
    from kcopt.rules.caps import describe_cap

    run = kcopt.run(kcopt.load_scenario(kcopt.demo_scenario_path()), out=None)
    caps = run.model.caps
    pairs = [(i, k) for i in range(len(caps.cap)) for k in (0, 1)
             if not np.isnan(caps.cap[i, k])][:300]
    said: dict[str, list[list[str]]] = {}
    for lang in ("vi", "en", "vi", "en"):
        with using(lang):
            said.setdefault(lang, []).append([describe_cap(caps, i, k) for i, k in pairs])
    assert said["vi"][0] == said["vi"][1] and said["en"][0] == said["en"][1]
    assert said["vi"][0] != said["en"][0]
    for (i, k), text in zip(pairs, said["en"][0], strict=True):
        if caps.limit[i, k] == "ceiling":
            assert f"ceiling {caps.ceiling[i, k]:,.0f}" in text.replace(".0 ", " "), text
        elif caps.limit[i, k] == "rate":
            assert text.startswith("cap: ") and "% of cost" in text, text
