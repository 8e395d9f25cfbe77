"""What the app said before a language switch, said again without a re-solve (issue 27): the
sensitivity tab's ranging sentences ("In words") and an infeasible scenario's diagnosis ("What
to relax"), driven with Streamlit's AppTest on the real page with real solves, against what
the library says in the language chosen."""

from __future__ import annotations

import pandas as pd
import pytest

import kcopt
from kcopt.core.errors import InfeasibleError
from kcopt.core.language import using

st_testing = pytest.importorskip("streamlit.testing.v1", reason="the app extra is not installed")

from kcopt.app import engine  # noqa: E402
from test_app import ask_too_much_green  # noqa: E402
from test_app_numbers import demo_page  # noqa: E402


def switch(at: st_testing.AppTest, language: str) -> None:
    at.sidebar.radio(key="lang").set_value(language)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def frame_with(at: st_testing.AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_ranging_sentences_follow_the_language() -> None:
    """Sensitivity run in Vietnamese, read in English: each budget's and target's sentence is
    the one the library's ranging says in English of the same plan (and each project's line
    too); back in Vietnamese, the analysis' own."""
    from kcopt.analysis.sensitivity import ranging

    at = demo_page()
    at.sidebar.button(key="solve").click()
    at.run()
    at.slider(key="draws").set_value(20)
    at.button(key="run_sens").click()
    at.run()
    plan = at.session_state["plan"]
    sens = plan.sensitivity
    vi = frame_with(at, "Diễn giải")
    with using("en"):
        projects, constraints = ranging(plan.run.result)
    said = constraints[constraints["family"].isin(["budget", "target"])]["sentence"].tolist()
    switch(at, "English")
    assert at.session_state["plan"] is plan and plan.sensitivity is sens  # nothing re-run
    shown = frame_with(at, "In words")
    assert list(shown["In words"]) == said
    assert list(shown["In words"]) != list(vi["Diễn giải"])
    worded = engine.sensitivity_in(plan)
    assert list(worded.ranging_projects["sentence"]) == list(projects["sentence"])
    pd.testing.assert_frame_equal(worded.ranging_constraints.drop(columns="sentence"),
                                  sens.ranging_constraints.drop(columns="sentence"))
    switch(at, "Tiếng Việt")
    assert list(frame_with(at, "Diễn giải")["Diễn giải"]) == list(vi["Diễn giải"])


def test_an_infeasible_solves_diagnosis_follows_the_language() -> None:
    """A scenario found infeasible in Vietnamese, read in English: what to relax is what
    `kcopt.run` in English says of the same scenario, headed in English; back in Vietnamese,
    the solve's own."""
    at = demo_page()
    ask_too_much_green(at)
    at.sidebar.button(key="solve").click()
    at.run()
    kind, failed, data = at.session_state["failure"]
    vi = frame_with(at, "Ràng buộc")
    assert kind == "infeasible" and "too_much_green" in set(vi["Ràng buộc"])
    sc = engine.load(at.session_state["ws"], data)  # the scenario the page solved
    with using("en"), pytest.raises(InfeasibleError) as raised:
        kcopt.run(sc)
    english = raised.value.run.diagnosis
    switch(at, "English")
    assert at.session_state["failure"][1] is failed  # not solved again
    shown = frame_with(at, "Constraint")
    assert list(shown["Problem"]) == [f.message for f in english]
    assert list(shown["Problem"]) != list(vi["Vấn đề"])
    pd.testing.assert_series_equal(shown["Needed"], vi["Cần"], check_names=False)  # same figures
    assert any("Relax" in e.value or "infeasible" in e.value for e in at.error)
    switch(at, "Tiếng Việt")
    assert list(frame_with(at, "Ràng buộc")["Vấn đề"]) == list(vi["Vấn đề"])


def test_a_mip_s_selection_margins_follow_the_language(make_case) -> None:
    """A MIP's sensitivity run in Vietnamese, read in English: each selection margin's line,
    each project's ranging line and each nestedness line are what the library says in
    English (no re-solve)."""
    from kcopt.analysis.sensitivity import budget_nestedness, ranging, selection_margins
    from kcopt.analysis.sensitivity.suite import run_sensitivity
    from test_mip_sensitivity import M, W

    projects = [dict(M, project_id="A", name="a", appraisal=90, all_or_nothing=1),
                dict(M, project_id="B", name="b", appraisal=40, min_fraction=0.5),
                dict(M, project_id="C", name="c", appraisal=70)]
    with using("vi"):
        run = kcopt.run(make_case(projects, {"budgets": {"central": 600}, **W}))
        sens = run_sensitivity(run.result, draws=4, sweep_points=3, grid=2, margins=3)
    plan = engine.Plan(run, {}, 0.0, sensitivity=sens, language="vi")
    plan.sens_worded = {"vi": (sens, sens)}
    with using("en"):
        margins = selection_margins(run.result, max_projects=3)
        projects_en, _constraints = ranging(run.result)
        nested = budget_nestedness(run.result, points=3)
        worded = engine.sensitivity_in(plan)
    assert worded.selection_margins is not None and len(margins) == 2  # A and B: integer
    assert list(worded.selection_margins["sentence"]) == list(margins["sentence"])
    assert list(worded.selection_margins["sentence"]) != list(sens.selection_margins["sentence"])
    assert list(worded.ranging_projects["sentence"]) == list(projects_en["sentence"])
    assert worded.nestedness is not None and len(nested)
    assert list(worded.nestedness["sentence"]) == list(nested["sentence"])
    assert list(worded.nestedness["sentence"]) != list(sens.nestedness["sentence"])
    with using("vi"):
        assert engine.sensitivity_in(plan) is sens  # the language it was run in: as it is
