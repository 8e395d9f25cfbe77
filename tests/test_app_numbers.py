"""The app's numbers and reasons in the session's language (issue 27), driven with Streamlit's
AppTest on the real page and real solves: the budgets typed and shown as the language writes
them (105.000 / 105,000, a bad value said with its fix and the last good one kept), the
sliders' steps written by kcopt's formatter (0,25 / 20%), the editors' empty cells drawn empty,
and the allocation's reasons worded again when the language changes without a re-solve."""

from __future__ import annotations

import pandas as pd
import pytest

import kcopt
from kcopt.core.language import using

st_testing = pytest.importorskip("streamlit.testing.v1", reason="the app extra is not installed")

from kcopt.app import PAGE  # noqa: E402

DEMO = kcopt.demo_scenario_path()


def demo_page() -> st_testing.AppTest:
    at = st_testing.AppTest.from_file(str(PAGE), default_timeout=300)
    at.run()
    at.button(key="demo").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def box(at: st_testing.AppTest, name: str):
    """The text box of a budget whose key starts with `name` (its key ends in the language)."""
    return next(t for t in at.text_input if str(t.key).startswith(name))


def to_english(at: st_testing.AppTest) -> None:
    at.sidebar.radio(key="lang").set_value("English")
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_budgets_and_sliders_are_written_the_languages_way() -> None:
    at = demo_page()
    assert box(at, "central_").value == "105.000"
    green = at.select_slider(key="w_green_2")
    assert green.value == pytest.approx(0.15)
    assert "0,25" in green.options and "0.25" not in green.options
    match = at.select_slider(key="match_2")
    assert match.value == pytest.approx(0.2) and match.options[:3] == ["0%", "5%", "10%"]
    to_english(at)
    assert box(at, "central_").value == "105,000"
    assert "0.25" in at.select_slider(key="w_green_2").options
    # moving a slider is a weight as before: the scenario holds the number
    at.select_slider(key="w_green_2").set_value(0.4)
    at.run()
    assert at.session_state["plan"] is None  # no solve asked yet
    assert at.select_slider(key="w_green_2").value == pytest.approx(0.4)


@pytest.mark.parametrize(("typed", "shown", "value"), [
    ("110000", "110.000", 110000.0), ("105.000,5", "105.000,5", 105000.5),
    ("98,000", "98.000", 98000.0), ("97 500", "97.500", 97500.0)])
def test_a_budget_is_read_as_typed_and_written_back(typed: str, shown: str,
                                                    value: float) -> None:
    at = demo_page()
    box(at, "central_").input(typed).run()
    assert not at.error, [e.value for e in at.error]
    assert box(at, "central_").value == shown
    at.sidebar.button(key="solve").click()
    at.run()
    assert at.session_state["plan"].data["budgets"]["central"] == value


def test_a_bad_budget_is_said_and_the_last_good_one_kept() -> None:
    at = demo_page()
    box(at, "central_").input("120.000").run()
    for bad in ("abc", "-5", "1.2.3,4,5"):
        box(at, "central_").input(bad).run()
        [error] = [e.value for e in at.error]
        assert error.startswith("Ngân sách khuyến công quốc gia (triệu đồng): "
                                f"'{bad}' không phải là số"), error
        assert "105.000,5" in error and "120.000" in error, error  # the fix, the value kept
        assert box(at, "central_").value == bad  # what was typed stays, to be corrected
        at.sidebar.button(key="solve").click()
        at.run()
        assert at.session_state["plan"].data["budgets"]["central"] == 120000.0


def test_a_cut_is_typed_with_its_sign() -> None:
    at = demo_page()
    at.sidebar.button(key="solve").click()
    at.run()
    at.button(key="approve").click()
    at.run()
    at.radio(key="central_unit_2").set_value("million")
    at.run()
    box(at, "central_change").input("-5000").run()
    assert box(at, "central_change").value == "-5.000"
    assert at.session_state["plan"].data["budget_change"]["central"] == -5000
    assert at.session_state["plan"].run.changes is not None


def test_the_tables_and_editors_draw_empty_cells_empty() -> None:
    """Streamlit draws a missing value as "None" on a table's canvas unless the element's
    placeholder says otherwise (its frontend draws the placeholder for every null cell, even
    where a Styler's display value is ""): each editor and table the page shows sets it empty;
    the targets editor and the rates in force do hold empty cells."""
    at = demo_page()
    at.sidebar.button(key="solve").click()
    at.run()
    tables = list(at.dataframe)
    editors = [e for e in tables if e.proto.editing_mode]
    assert len(editors) == 4  # local budgets, targets, rate overrides, province changes
    assert len(tables) >= 8  # and the warnings, the weights, the rates, the allocation
    assert all(e.proto.HasField("placeholder") and e.proto.placeholder == ""
               for e in tables), [e.proto.placeholder for e in tables]
    targets = next(e.value for e in editors if "kind" in e.value.columns)
    assert targets.isna().any().any()  # a target names a region or a province, not both
    rates = next(e.value for e in tables if "Tỷ lệ hỗ trợ" in e.value.columns)
    assert rates["Mức hỗ trợ tối đa (triệu đồng)"].isna().any()  # a rate with no ceiling


def test_a_multi_year_and_after_approval_columns_are_headed_and_written() -> None:
    """The allocation's start year (a multi-year plan: pandas' nullable integers, NA for a
    project not funded), implementation status and share disbursed (a list after approval):
    headed in words, the year without a thousands separator, NA and None written empty, the
    status in words, the share as a percentage."""
    from kcopt.app.tables import allocation_view

    frame = pd.DataFrame({"project_id": ["P-1", "P-2"], "total": [1450.5, 0.0],
                          "start_year": pd.array([2026, None], dtype="Int64"),
                          "progress": ["signed", None], "disbursed": [0.45, float("nan")]})
    with using("vi"):
        html = allocation_view(frame).to_html()
    for shown in ("Năm bắt đầu", ">2026<", "Tình trạng thực hiện", "đã ký hợp đồng",
                  "Tỷ lệ đã giải ngân", ">45%<", ">1.450,5<"):
        assert shown in html, shown
    for wrong in ("&lt;NA&gt;", "None", "nan", "2.026", "start_year", "signed<"):
        assert wrong not in html, wrong


def test_the_reasons_follow_the_language_without_a_re_solve() -> None:
    """Solved in Vietnamese, read in English: the table is the plan's (every number the
    same) with the reasons `kcopt solve --lang en` gives; back in Vietnamese, the solve's."""
    at = demo_page()
    at.sidebar.button(key="solve").click()
    at.run()
    plan = at.session_state["plan"]
    solved = plan.run.allocation.copy()
    with using("en"):
        english = kcopt.run(DEMO).allocation
    assert (solved["status"] == "ineligible").any()  # reasons written before the solve too
    to_english(at)
    assert at.session_state["plan"] is plan  # not solved again
    shown = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert list(shown["Reason"]) == list(english["reason"])
    assert list(shown["Reason"]) != list(solved["reason"])
    worded = plan.worded["en"].allocation
    pd.testing.assert_frame_equal(worded.drop(columns="reason"),
                                  solved.drop(columns="reason"))
    at.sidebar.radio(key="lang").set_value("Tiếng Việt")
    at.run()
    shown = next(d.value for d in at.dataframe if "Lý do" in d.value.columns)
    assert list(shown["Lý do"]) == list(solved["reason"])


def test_a_re_plans_reasons_and_the_warnings_follow_the_language() -> None:
    """A re-plan solved in Vietnamese (the plan marked approved, KCQG cut by 5%), read in
    English: the changes table's reasons and the allocation's are those of the library's
    re-plan in English, the money the same; the headline's warnings are said in English."""
    at = demo_page()
    at.sidebar.button(key="solve").click()
    at.run()
    at.button(key="approve").click()
    at.run()
    box(at, "central_change").input("-5").run()
    plan = at.session_state["plan"]
    assert plan.run.changes is not None and plan.run.changes["change"].abs().max() > 1
    vi_warnings = [w.value for w in at.warning]
    sc = kcopt.load_scenario(DEMO).with_approved(at.session_state["ws"].file("approved-plan"))
    with using("en"):
        english = kcopt.run(sc.with_budget_change({"central": "-5%"}))
    assert english.changes is not None and english.summary is not None
    to_english(at)
    assert at.session_state["plan"] is plan
    shown = next(d.value for d in at.dataframe if "Reason for the change" in d.value.columns)
    assert list(shown["Reason for the change"]) == list(english.changes["reason"])
    unspent = [w["message"] for w in english.summary.warnings
               if isinstance(w, dict) and w.get("code") == "budget_unspent"]
    assert unspent and vi_warnings
    # the file each names is the scenario's: the session's scenario.yaml, the library's demo
    assert [w.value.split(": ", 1)[1] for w in at.warning] == [
        w.split(": ", 1)[1] for w in unspent]
    worded = plan.worded["en"]
    assert list(worded.changes["reason"]) != list(plan.run.changes["reason"])
    pd.testing.assert_frame_equal(worded.changes.drop(columns="reason"),
                                  plan.run.changes.drop(columns="reason"))
    assert list(worded.allocation["reason"]) == list(english.allocation["reason"])


def test_what_changed_is_said_again_in_the_language_chosen() -> None:
    """A what-if (a weight moved) solved in Vietnamese, read in English: what changed against
    the last plan is said in English, each project's reason as the English table has it."""
    at = demo_page()
    at.sidebar.button(key="solve").click()
    at.run()
    at.select_slider(key="w_green_2").set_value(0.4)
    at.run()
    plan = at.session_state["plan"]
    assert plan.changes[0].startswith("Từ phương án trước sang phương án mới")
    to_english(at)
    assert at.session_state["plan"] is plan
    said = next(m.value for m in at.markdown if m.value.startswith("- From the last plan"))
    sentences = [line[2:] for line in said.split("\n")]
    assert len(sentences) == len(plan.changes)
    reasons = set(plan.worded["en"].allocation["reason"])
    now = [s.rsplit(". Now: ", 1)[1][:-1] for s in sentences if ". Now: " in s]
    assert now and all(r in reasons for r in now), now


def test_a_value_between_the_steps_is_kept_and_written() -> None:
    """A scenario opened with a weight or a share between the sliders' steps (0,125; 12,5%)
    keeps it: it becomes a step of its own, written to its last digit."""
    at = demo_page()
    base = dict(at.session_state["base"])
    base["weights"] = {**base["weights"], "green": 0.125}
    base["cofinancing"] = {"local_match_min": 0.125}
    at.session_state["base"] = base
    at.session_state["gen"] = at.session_state["gen"] + 1
    at.run()
    g = at.session_state["gen"]
    green, match = at.select_slider(key=f"w_green_{g}"), at.select_slider(key=f"match_{g}")
    assert green.value == pytest.approx(0.125) and "0,125" in green.options
    assert match.value == pytest.approx(0.125) and "12,5%" in match.options
    at.sidebar.button(key="solve").click()
    at.run()
    data = at.session_state["plan"].data
    assert data["weights"]["green"] == 0.125 and data["cofinancing"]["local_match_min"] == 0.125


@pytest.mark.parametrize(("text", "signed", "thousands", "value"), [
    ("−5", True, False, -5.0), ("-5.000", True, True, -5000.0), ("-0", True, True, 0.0),
    ("", False, True, 0.0), ("-5", False, True, None), ("1.5", True, False, 1.5),
    ("1,5", True, False, 1.5), ("12 %", True, False, None), ("inf", True, True, None)])
def test_what_a_box_reads(text: str, signed: bool, thousands: bool,
                          value: float | None) -> None:
    from kcopt.app.numbers import read_amount

    got = read_amount(text, signed, thousands)
    assert got == value and (got is None or str(got) != "-0.0")
