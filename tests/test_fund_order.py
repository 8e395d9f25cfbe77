"""Which fund pays (docs/contract.md §10): a project's own level's fund first, the other fund
only where the project may take it and its own fund has no room (or a co-financing rule asks
for it); the order is part of the model, so a change that does not touch a project's fund
leaves its split alone; `fund_order:` changes the order.

The three projects of Hà Nội (local budget 800, co-financing at least 20% local) may each be
paid by both funds. Machinery pays 50% of cost up to 300 million, pollution_treatment 30% up to
300: every cap is 300, and the three (1.200 million asked) cannot all be funded from local
money alone. Scores are appraisal / 100 (weights {appraisal: 1}), total_score objective.

- HN-01 central level, appraisal 67;  HN-02 local level, 86;  HN-03 central level, 50.

Own fund first, central 4.000 (or 600 — central uses 480 of it, so the cut is not binding):
HN-01 = 240 KCQG + 60 KCĐP, HN-03 = 240 + 60 (the 20% co-financing), HN-02 = 300 KCĐP;
local uses 420 of 800. Central 400 (binding): 80 of the central-level money must move to
local; HN-03, the lower score, takes it: HN-03 = 160 + 140, HN-01 keeps 240 + 60.
Before the order was part of the model, HiGHS paid HN-01 300 from local money while 3.760 of
KCQG sat idle, and cutting the idle central budget to 600 moved HN-02 and HN-03.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kcopt
from conftest import solve_case
from kcopt.solvers.solve import normalise_duals, run_backend

HN = "Hà Nội"


def hanoi(**extra: Any) -> list[dict[str, Any]]:
    def p(pid: str, level: str, category: str, cost: float, appraisal: float) -> dict[str, Any]:
        return {"project_id": pid, "name": f"Đề án {pid}", "province": HN, "category": category,
                "total_cost": cost, "appraisal": appraisal, "level": level, "funds": "both",
                **extra}
    return [p("HN-01", "central", "pollution_treatment", 1500, 67),
            p("HN-02", "local", "pollution_treatment", 1000, 86),
            p("HN-03", "central", "machinery", 900, 50)]


def keys(central: float, **more: Any) -> dict[str, Any]:
    return {"budgets": {"central": central, "local": {HN: 800}}, "objective": "total_score",
            "weights": {"appraisal": 1}, "cofinancing": {"local_match_min": 0.2}, **more}


def split(result: kcopt.Result) -> dict[str, tuple[float, float]]:
    table = kcopt.allocation_table(result)
    return {r.project_id: (round(r.central, 6) + 0.0, round(r.local, 6) + 0.0)
            for r in table.itertuples()}


OWN_FIRST = {"HN-01": (240.0, 60.0), "HN-02": (0.0, 300.0), "HN-03": (240.0, 60.0)}


@pytest.mark.parametrize("central", [4000, 600])
def test_central_level_projects_are_paid_from_central_money_while_it_has_room(
        make_case, backend: str, central: float) -> None:
    """Symptom 1 of issue #23: central-level projects paid from provincial money while KCQG
    sits idle. Own fund first, each central-level project takes only the co-financing share
    (20%) from local money and the local-level one none from central."""
    result = solve_case(make_case(hanoi(), keys(central)), backend)
    assert result.objective == pytest.approx(0.67 + 0.86 + 0.50, rel=1e-9)
    assert split(result) == OWN_FIRST


def test_cutting_a_budget_that_does_not_bind_moves_no_split(make_case, backend: str) -> None:
    """Symptom 2 of issue #23: central 4.000 → 600 (480 used) changed who pays HN-02 and
    HN-03. Now every project keeps its split; the binding cut to 400 moves only the
    lower-scored central-level project's money (HN-03: 160 + 140)."""
    before = split(solve_case(make_case(hanoi(), keys(4000)), backend))
    after = split(solve_case(make_case(hanoi(), keys(600)), backend))
    assert after == before
    binding = split(solve_case(make_case(hanoi(), keys(400)), backend))
    assert binding == {**OWN_FIRST, "HN-03": (160.0, 140.0)}


def test_backends_agree_on_the_split_where_a_fund_is_short(make_case) -> None:
    """Central 400 binds: which central-level project takes local money is the order's
    choice (the lower score), not the solver's — HiGHS and CBC give the same split."""
    from conftest import require_backend

    require_backend("cbc")
    sc = make_case(hanoi(), keys(400))
    highs, cbc = solve_case(sc, "highs"), solve_case(sc, "cbc")
    assert split(highs) == split(cbc)
    assert highs.objective == pytest.approx(cbc.objective, rel=1e-6)


@pytest.mark.parametrize(("order", "expected"), [
    ("central_first", {"HN-01": (240.0, 60.0), "HN-02": (240.0, 60.0), "HN-03": (240.0, 60.0)}),
    # local first: 800 of local money for 900 of support; HN-03 (lowest score) takes 100 KCQG
    ("local_first", {"HN-01": (0.0, 300.0), "HN-02": (0.0, 300.0), "HN-03": (100.0, 200.0)}),
])
def test_fund_order_key_changes_the_order(make_case, backend: str, order: str,
                                          expected: dict[str, tuple[float, float]]) -> None:
    result = solve_case(make_case(hanoi(), keys(4000, fund_order=order)), backend)
    assert split(result) == expected
    assert result.model.scenario.resolved()["fund_order"] == order


def test_mip_and_multi_year_plans_keep_the_order(make_case, backend: str) -> None:
    """All-or-nothing projects (a MIP) over two plan years, HN-01 and HN-03 starting in 2027:
    the same own-first splits, paid in each project's start year."""
    starts = {"HN-01": 2027, "HN-02": 2026, "HN-03": 2027}
    projects = [dict(p, all_or_nothing=1, year=starts[p["project_id"]]) for p in hanoi()]
    result = solve_case(make_case(projects, keys(4000, years=[2026, 2027])), backend)
    assert result.model.mip
    assert split(result) == OWN_FIRST


def test_the_score_and_its_prices_are_the_first_solves(make_case) -> None:
    """The split program changes neither the objective nor the shadow prices: both are the
    score program's, read at the allocation reported (demo: the two splits it moves)."""
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    first = run_backend(model.lp, sc.solver)
    result = kcopt.solve(model)
    assert first.x is not None and result.x is not None and first.row_dual is not None
    assert result.objective == pytest.approx(first.objective, rel=1e-12)
    assert model.lp.cost @ result.x == pytest.approx(first.objective, rel=1e-12)
    prices, _reduced = normalise_duals(model.lp, first.x, first.row_dual)
    assert result.shadow_price == pytest.approx(prices, abs=1e-9)
    assert not np.allclose(first.x, result.x)  # the demo's split did move
    assert not [v for v in result.violations if v.startswith("!")]


def test_the_reason_names_the_fund_and_why(make_case) -> None:
    """HN-01's 60 from local money is the co-financing share; HN-03's 140 at central 400 is
    that share and the central budget, used up."""
    result = solve_case(make_case(hanoi(), keys(400)))
    reasons = kcopt.allocation_table(result).set_index("project_id")["reason"]
    assert reasons["HN-01"].endswith("60 million of it from local funds: the co-financing rule "
                                     "asks for at least 20% of its support from local funds")
    assert ("140 million of it from local funds: the co-financing rule asks for at least 20% "
            "of its support from local funds and its own central funds have no room left "
            "(central budget fully allocated)") in reasons["HN-03"]
    assert "from central funds:" not in reasons["HN-02"] and "million of it" not in \
        reasons["HN-02"]


def test_the_reason_names_a_fund_cap(make_case) -> None:
    """Local first, the local cap of HN-02 lowered to 100 by a rate override: the other 200
    come from central money because local funds may pay at most 100 for it."""
    override = [{"category": "pollution_treatment", "fund": "local", "province": HN,
                 "rate": 0.1, "cap": 100}]
    sc = make_case(hanoi()[1:2], keys(4000, fund_order="local_first",
                                      rate_overrides=override, cofinancing={}))
    reasons = kcopt.allocation_table(solve_case(sc)).set_index("project_id")["reason"]
    assert reasons["HN-02"].endswith("200 million of it from central funds: local funds may "
                                     "pay at most 100 million for it")


def test_an_unknown_fund_order_is_an_error_listing_the_known_ones(make_case) -> None:
    os.environ["KCOPT_LANG"] = "vi"
    try:
        kcopt.set_language("vi")
        with pytest.raises(kcopt.InputError) as err:
            make_case(hanoi(), keys(4000, fund_order="central"))
        text = str(err.value)
    finally:
        os.environ["KCOPT_LANG"] = "en"
    assert "fund_order" in text and "own_first, central_first, local_first" in text
    assert "không có thứ tự nguồn kinh phí này" in text


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(appraisals=st.lists(st.integers(40, 99), min_size=3, max_size=3, unique=True),
       local=st.sampled_from([300, 500, 800, 1200]), match=st.sampled_from([0.0, 0.2]),
       levels=st.lists(st.sampled_from(["central", "local"]), min_size=3, max_size=3),
       slack=st.floats(1, 3000))
def test_property_a_budget_change_that_does_not_bind_moves_no_split(
        make_case, appraisals: list[int], local: int, match: float, levels: list[str],
        slack: float) -> None:
    """Any three projects that both funds may pay: moving the central budget between two
    amounts above what the plan uses changes no project's central and local money."""
    projects = [dict(p, appraisal=a + 0.01 * i, level=lv)
                for i, (p, a, lv) in enumerate(zip(hanoi(), appraisals, levels, strict=True))]
    base = keys(4000, budgets={"central": 4000, "local": {HN: local}},
                cofinancing={"local_match_min": match})
    first = solve_case(make_case(projects, base))
    used = kcopt.allocation_table(first)["central"].sum()
    cut = dict(base, budgets={"central": float(used) + slack, "local": {HN: local}})
    second = solve_case(make_case(projects, cut))
    assert split(second) == split(first)



def test_compare_shows_a_change_of_fund(make_case, tmp_path) -> None:
    """Central 4.000 → 400: every total stays, HN-03's money moves 80 from KCQG to KCĐP.
    `kcopt compare` says so (it said "no project's support changed" and had no table by fund)
    and writes the money of each fund by province; its words are Vietnamese by default."""
    from typer.testing import CliRunner

    from kcopt.cli import app

    rich = kcopt.run(make_case(hanoi(), keys(4000)), out=tmp_path / "rich", plots=False)
    poor = kcopt.run(make_case(hanoi(), keys(400)), out=tmp_path / "poor", plots=False)
    cmp = kcopt.compare(rich, poor, labels=("4.000", "400"))
    assert cmp.fund_changes()["project_id"].tolist() == ["HN-03"]
    p = cmp.projects.set_index("project_id")
    assert p.loc["HN-03", "change"] == "fund mix changed"
    assert p.loc["HN-03", ["delta_central", "delta_local", "delta_total"]].tolist() == \
        pytest.approx([-80, 80, 0])
    funds = cmp.funds.set_index(["fund", "province"])
    assert funds.loc[("central", "all provinces"), ["a", "b", "delta"]].tolist() == \
        pytest.approx([480, 400, -80])
    assert funds.loc[("local", HN), ["a", "b", "delta"]].tolist() == pytest.approx(
        [420, 500, 80])
    assert "No project's support changed." not in cmp.sentences
    assert ("1 project(s) changed fund: −80 million VND of central money and +80 of local "
            "money moved (1 of them with the same total support).") in cmp.sentences
    assert any(s.startswith("HN-03 Đề án HN-03 (Hà Nội): same support 300 million VND, paid "
                            "160 central and 140 local (was 240 and 60). Now: ")
               for s in cmp.sentences)
    assert "Local funds in Hà Nội: 420 → 500 (+80, +19.0%) million VND." in cmp.sentences
    # a cut that does not bind: nothing moves, and that is what compare says
    same = kcopt.compare(rich, kcopt.run(make_case(hanoi(), keys(600))))
    assert not len(same.fund_changes()) and "No project's support changed." in same.sentences

    out = tmp_path / "cmp"
    res = CliRunner().invoke(app, ["--lang", "vi", "compare", str(tmp_path / "rich"),
                                   str(tmp_path / "poor"), "-o", str(out), "--no-plots"])
    assert res.exit_code == 0, res.output
    written = pd.read_csv(out / "compare_funds.csv")
    assert {"fund", "province", "a", "b", "delta"} <= set(written.columns)
    assert written["delta"].abs().sum() == pytest.approx(4 * 80)
    assert "1 đề án đổi nguồn kinh phí: kinh phí Trung ương thay đổi −80 triệu đồng" in res.output
    assert "Theo nguồn kinh phí và tỉnh" in res.output


def test_a_what_if_keeps_the_order(make_case) -> None:
    """`kcopt.resolve` (the app's warm re-solve) applies the same order: the idle central
    budget cut to 600 leaves every split; cut to 400, HN-03 takes the local money."""
    base = solve_case(make_case(hanoi(), keys(4000)))
    assert split(kcopt.resolve(base, budgets={"central": 600})) == OWN_FIRST
    assert split(kcopt.resolve(base, budgets={"central": 400})) == {
        **OWN_FIRST, "HN-03": (160.0, 140.0)}


def test_round_to_keeps_the_order_in_multiples(make_case, backend: str) -> None:
    """round_to: 25 — each fund's share a multiple of 25, so the 20% co-financing share of a
    300 project is 75 (60 is no multiple): 225 + 75; central 405 binds (450 wanted) and HN-03,
    the lower score, takes 50 more local money: 175 + 125."""
    rich = solve_case(make_case(hanoi(), keys(4000, round_to=25)), backend)
    assert split(rich) == {"HN-01": (225.0, 75.0), "HN-02": (0.0, 300.0),
                           "HN-03": (225.0, 75.0)}
    short = solve_case(make_case(hanoi(), keys(405, round_to=25)), backend)
    assert split(short) == {**split(rich), "HN-03": (175.0, 125.0)}
