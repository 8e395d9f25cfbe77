"""Tests written to kill mutants that survived the mutation sample of 7 Dec 2026 (seed 2026,
the stage layout): each asserts a fact worked by hand from the inputs and the rule data (a
level read from a rates table, a rule set's version, a row of `kcopt rules`), never kcopt's
own output read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pytest

import kcopt
from kcopt.analysis.wording import describe_row
from kcopt.model.replan import approved_columns, move_program
from kcopt.rules.levels import Level, Resolution, national_levels
from kcopt.rules.rates import load_rules


def test_a_rates_row_for_both_funds_gives_a_level_for_each_fund() -> None:
    """A planner's national rates table: machinery paid from both funds at 50% / 300 million
    per establishment, and fairs abroad from the central fund only at 100% / 150 per fair.
    The first row is two levels (central, local), the second one, each with its rate,
    ceiling, unit, the basis's period written on the row, and the file it came from."""
    rows = [
        {"category": "machinery", "fund": "both", "rate": "0.5", "cap_million_vnd": "300",
         "cap_unit": "per establishment", "basis": "TT 99/2026/TT-BCT",
         "confidence": "high", "valid_from": "2026-01-01"},
        {"category": "fair_abroad", "fund": "central", "rate": "1", "cap_million_vnd": "150",
         "cap_unit": "per fair", "basis": "TT 99/2026/TT-BCT", "confidence": "high",
         "valid_from": "2026-01-01", "valid_until": "2026-12-31"},
    ]
    levels = national_levels(rows, "moi.csv")
    got = [(lv.category, lv.fund, lv.rate, lv.ceiling, lv.unit, lv.valid_from, lv.valid_until,
            lv.source) for lv in levels]
    assert got == [
        ("machinery", "central", 0.5, 300.0, "per establishment", date(2026, 1, 1), None,
         "moi.csv"),
        ("machinery", "local", 0.5, 300.0, "per establishment", date(2026, 1, 1), None,
         "moi.csv"),
        ("fair_abroad", "central", 1.0, 150.0, "per fair", date(2026, 1, 1),
         date(2026, 12, 31), "moi.csv"),
    ]


def _resolution(territory: str, category: str, number: str) -> Resolution:
    return Resolution("Ninh Bình", territory, number, date(2024, 1, 1),
                      levels={category: Level(category, "local", 0.3, 100.0,
                                              "per establishment", number, "high")})


def test_each_former_provinces_resolution_is_listed_for_the_merged_province() -> None:
    """Ninh Bình (merged 1 July 2025 from Hà Nam, Nam Định and Ninh Bình) with two resolutions
    of former provinces still in force: Hà Nam's sets only vocational training, Nam Định's only
    machinery. The rules of Ninh Bình on 1 March 2026 list, for machinery from the local fund,
    the national level (for the territory no resolution covers) and Nam Định's resolution at
    30% / 100 for its territory — Hà Nam's territory, which sorts first, has no machinery
    level of its own and is not a row. The rule set's version records the files' digest."""
    base = load_rules()
    assert not [r for r in base.resolutions if r.province == "Ninh Bình"]
    rules = base.with_resolutions([_resolution("Hà Nam", "training", "NQ 1/2024/NQ-HĐND"),
                                   _resolution("Nam Định", "machinery", "NQ 2/2024/NQ-HĐND")],
                                  "d1g35t")
    assert rules.version == f"{base.version}+pd1g35t"
    assert base.with_resolutions([]).version == base.version
    table = rules.table("Ninh Bình", date(2026, 3, 1))
    local = table[(table["category"] == "machinery") & (table["fund"] == "local")
                  & (table["vote_level"] == "")]
    listed = sorted(zip(local["resolution"], local["territory"], local["rate"],
                        local["ceiling"], strict=True), key=str)
    national = base.national("machinery", "local", date(2026, 3, 1))
    assert national is not None
    assert listed == sorted([("", "", national.level.rate, national.level.ceiling),
                             ("NQ 2/2024/NQ-HĐND", "Nam Định", 0.3, 100.0)], key=str)


@pytest.mark.parametrize(("score", "floor"), [
    (300.0, 270.0),   # 10% of the score
    (1.5, 1.35),      # 10% of 1.5
    (0.5, 0.4),       # below 1: 10% of 1, a tenth of a score point
    (-0.5, -0.6),
])
def test_a_replans_score_floor_gives_the_tolerance_of_the_score_or_of_one_point(
        make_case: Callable[..., kcopt.Scenario], score: float, floor: float) -> None:
    """A re-plan with a MIP-style score floor and a tolerance of 10%: the move program keeps
    c·x ≥ S* − 0.1·max(|S*|, 1), so a score of 300 may fall to 270 and one of 1.5 to 1.35,
    while a score below one point may lose a tenth of a point (0.5 → 0.4), not more."""
    sc = make_case([{"project_id": "P1", "name": "Máy móc", "province": "Hà Nội",
                     "category": "machinery", "total_cost": 1000}],
                   {"budgets": {"central": 1000, "local": {"Hà Nội": 0}}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    moves = approved_columns(model, np.array([[100.0, 0.0]]), np.zeros(1, bool))
    lp, _ = move_program(model, moves, score, 0.1)
    row = lp.row("floor:score")
    assert lp.row_lower[row] == pytest.approx(floor, abs=1e-12)


@pytest.mark.parametrize(("name", "rhs", "words"), [
    ("total:all", 0.0, "internal row: T = all support, the total the share targets are "
                       "measured against"),
    ("total:local:2027", 0.0, "internal row: T = local support in 2027, the total the share "
                              "targets are measured against"),
    ("fixed:P7", 12.345678, "the amount fixed for P7 (12.345678 million)"),
    ("fixed:P7", 250.0, "the amount fixed for P7 (250 million)"),
    ("group:lò nung", 1.0, "exclusive group 'lò nung' (at most 1 funded)"),
    ("requires:P2:P1", 0.0, "the rule that P2 needs P1 funded"),
])
def test_rows_of_totals_groups_and_fixed_amounts_are_said_in_full(name: str, rhs: float,
                                                                   words: str) -> None:
    """A fixed amount is said to the đồng (six decimals of a million), the totals of every
    fund by name."""
    assert describe_row(name, rhs) == words


@pytest.mark.parametrize(("name", "words"), [
    ("women:Sơn La", "policy target 'Phụ nữ làm chủ' for Sơn La"),
    ("women", "policy target 'Phụ nữ làm chủ'"),
    ("green:Sơn La", "policy target 'green' for Sơn La"),
])
def test_a_provinces_policy_target_is_named_by_its_committee_label(name: str,
                                                                   words: str) -> None:
    """A target's row names the target by the label the scenario gives it (or its key), and
    the province for a per-province target."""
    assert describe_row(name, 0.0, labels={"women": "Phụ nữ làm chủ"}) == words


def test_a_reproducible_builds_epoch_dates_the_plan(
        make_case: Callable[..., kcopt.Scenario], monkeypatch: pytest.MonkeyPatch) -> None:
    """With SOURCE_DATE_EPOCH = 1767225600 (the reproducible-builds convention) the plan's
    provenance is dated 2026-01-01T00:00:00Z, not the clock's time."""
    from conftest import solve_case
    from kcopt.analysis.report import allocation_table, summary

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    sc = make_case([{"project_id": "P1", "name": "Máy móc", "province": "Hà Nội",
                     "category": "machinery", "total_cost": 1000}],
                   {"budgets": {"central": 1000, "local": {"Hà Nội": 0}}})
    result = solve_case(sc)
    made = summary(result, allocation_table(result))
    assert made.provenance.created == "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(("artisan", "shown"), [([None, 1], True), ([None, 0], False)])
def test_a_priority_flag_some_project_holds_is_a_criterion_shown(
        make_case: Callable[..., kcopt.Scenario], artisan: list[float | None],
        shown: bool) -> None:
    """The scenario gives the artisan flag (Decree 235/2025) no weight: the workbook shows it
    as a criterion when some project holds it (a blank cell is 'no'), and not otherwise."""
    import pandas as pd

    from kcopt.model.scores import criteria_in_use

    sc = make_case([{"project_id": "P1", "name": "Máy móc", "province": "Hà Nội",
                     "category": "machinery", "total_cost": 1000}],
                   {"budgets": {"central": 1000, "local": {"Hà Nội": 0}}})
    frame = pd.DataFrame({"artisan": artisan}, dtype=float)
    assert sc.weights.get("artisan", 0) == 0
    assert ("artisan" in criteria_in_use(frame, sc)) is shown


def test_the_provenance_counts_the_projects_capped_by_a_level_to_confirm(
        make_case: Callable[..., kcopt.Scenario]) -> None:
    """Four projects of 1,000 in Hà Nội: machinery (a level of high confidence), a domestic
    fair (100%, a superseded level: low), digital transformation (unverified, its rate not
    retrieved: no cap at all, so not funded) and consulting (50% / 35, superseded: low). Two
    projects are capped by a level to confirm — the fair and the consulting; the digital
    project has no cap to confirm."""
    from kcopt.analysis.report import rules_provenance

    contents = ["machinery", "fair_domestic", "digital_transformation", "consulting"]
    sc = make_case([{"project_id": f"P{i}", "name": c, "province": "Hà Nội", "category": c,
                     "total_cost": 1000} for i, c in enumerate(contents)],
                   {"budgets": {"central": 1000, "local": {"Hà Nội": 500}}})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    assert rules_provenance(model)["projects_on_flagged_levels"] == 2


@pytest.mark.parametrize(("years", "start", "name"), [
    ((2026, 2027, 2028), 1, "keep:P1:2027"),   # a project starting in the plan's second year
    ((2026, 2027, 2028), 0, "keep:P1:2026"),
    ((2026, 2027, 2028), -1, "keep:P1"),       # no start year known
    ((), 0, "keep:P1"),                        # a single-year plan
])
def test_the_order_of_funds_keeps_each_start_years_total_under_its_own_name(
        years: tuple[int, ...], start: int, name: str) -> None:
    """The split program holds a project's total per start year: in a multi-year plan each
    start year's row is named with that year (two start years are two rows, not one name
    twice)."""
    from kcopt.model.funds import _keep_name

    assert _keep_name("P1", years, start) == name


def test_a_group_projects_ceiling_is_said_with_its_legal_basis() -> None:
    """A linkage project of a business cluster held by its group ceiling of 500 million from
    the central fund: the cap's words give the amount and the basis it comes from."""
    from kcopt.rules.caps import CapTable, describe_cap

    nan = np.nan
    caps = CapTable(cap=np.array([[500.0, nan]]),
                    limit=np.array([["group_ceiling", ""]], dtype=object),
                    rate=np.array([[0.5, nan]]), ceiling=np.array([[500.0, nan]]),
                    basis=np.array([["TTLT 26/2014/TTLT-BTC-BCT Art. 6.2k", ""]], dtype=object),
                    total_cap=np.array([500.0]), ineligible=np.array([""], dtype=object))
    assert describe_cap(caps, 0, 0) == ("cap: group project ceiling 500 million "
                                        "(TTLT 26/2014/TTLT-BTC-BCT Art. 6.2k)")
    assert describe_cap(caps, 0, 0, other=120.0) == (
        "cap: group project ceiling 500 million, less 120 million already received "
        "(TTLT 26/2014/TTLT-BTC-BCT Art. 6.2k)")


@pytest.mark.parametrize(("order", "first"), [
    ("central_first", [0, 0, 0]), ("local_first", [1, 1, 1]), ("own_first", [0, 1, 1]),
])
def test_the_order_of_funds_says_which_fund_pays_first(order: str, first: list[int]) -> None:
    """Three projects: one of the central level, one of the local level, one with no level
    stated. central_first puts the central fund first for all three, local_first the local
    fund, own_first each project's own level's fund (no level stated: local)."""
    import pandas as pd

    from kcopt.model.funds import first_fund

    frame = pd.DataFrame({"level": ["central", "local", None]})
    assert first_fund(frame, order).tolist() == first
