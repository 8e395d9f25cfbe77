"""After approval in the app, driven with Streamlit's AppTest (the real page, real solves): the
approved plan uploaded or marked, a 5% central cut, the changes table and the scenario the
planner downloads — each equal to the library's re-plan of the same inputs; and the engine's
pieces (an uploaded scenario's plan path dropped, a what-if of a re-plan kept a re-plan)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import kcopt

st_testing = pytest.importorskip("streamlit.testing.v1", reason="the app extra is not installed")
AppTest = st_testing.AppTest

from kcopt.app import PAGE, engine  # noqa: E402
from kcopt.core.language import using  # noqa: E402

pytestmark = pytest.mark.slow  # minutes of real processes: not in the lowest-versions CI pass
DEMO = kcopt.demo_scenario_path()
DONG = 1e-6  # million VND


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's own plan, written as `kcopt solve` writes it: the approved plan."""
    out = tmp_path_factory.mktemp("approved")
    kcopt.run(DEMO, out=out, plots=False, xlsx=False)
    return out / "allocation.csv"


@pytest.fixture(scope="module")
def library_cut(approved: Path) -> pd.DataFrame:
    """The library's re-plan of the demo against its own plan, KCQG cut by 5%."""
    sc = kcopt.load_scenario(DEMO).with_approved(approved).with_budget_change(
        {"central": "-5%"})
    with using("vi"):
        changes = kcopt.run(sc).changes
    assert changes is not None
    return changes


def same_changes(got: pd.DataFrame, want: pd.DataFrame) -> None:
    key = ["project_id", "fund"]
    both = got.merge(want, on=key, suffixes=("_got", "_want"), validate="one_to_one")
    assert len(both) == len(got) == len(want)
    for col in ("before", "after", "change"):
        assert (both[f"{col}_got"] - both[f"{col}_want"]).abs().max() < DONG, col
    assert (both["reason_got"] == both["reason_want"]).all()


def central_change(at: AppTest):
    return next(n for n in at.text_input if str(n.key).startswith("central_change"))


def test_an_uploaded_scenario_loses_its_approved_plan_path() -> None:
    data, dropped = engine.sanitise({"name": "x", "approved": {
        "plan": "/etc/out/allocation.csv", "keep": "fixed", "lock": ["P-0001"]}})
    assert data["approved"] == {"keep": "fixed", "lock": ["P-0001"]}
    assert "approved.plan" in dropped
    # the scenario names the approved plan by its uploaded name, or leaves `approved:` out
    named = yaml.safe_load(engine.scenario_yaml(data, "projects.csv", None, "ke-hoach.xlsx"))
    assert named["approved"] == {"plan": "ke-hoach.xlsx", "keep": "fixed", "lock": ["P-0001"]}
    assert "approved" not in yaml.safe_load(engine.scenario_yaml(data, "projects.csv"))


def test_a_what_if_of_a_re_plan_is_the_pipelines_re_plan(approved: Path,
                                                         library_cut: pd.DataFrame) -> None:
    """The app's what-if re-solve of a scenario with `approved:` keeps the approved plan
    (locks, least change, the changes table), as `kcopt solve --approved` does."""
    sc = kcopt.load_scenario(DEMO)
    with using("vi"):
        previous = kcopt.run(sc)
        cut = engine.replan(previous, sc.with_approved(approved).with_budget_change(
            {"central": "-5%"}))
    assert cut.changes is not None
    same_changes(cut.changes, library_cut)


def test_mark_approved_cut_and_download(library_cut: pd.DataFrame, approved: Path,
                                        tmp_path: Path) -> None:
    at = AppTest.from_file(str(PAGE), default_timeout=300)
    at.run()
    at.button(key="demo").click()
    at.run()
    at.sidebar.button(key="solve").click()
    at.run()
    at.button(key="approve").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Kế hoạch đã phê duyệt: approved-plan.csv" in [c.value for c in at.caption]
    unchanged = at.session_state["plan"].run.changes
    assert unchanged is not None and unchanged["change"].abs().max() < DONG
    central_change(at).set_value("-5")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    plan = at.session_state["plan"]
    assert plan.run.changes is not None
    same_changes(plan.run.changes, library_cut)
    assert "Thay đổi so với kế hoạch đã phê duyệt" in [h.value for h in at.subheader]
    shown = next(d for d in at.dataframe if "Lý do điều chỉnh" in d.value.columns)
    assert list(shown.value.columns) == [
        "Mã đề án", "Đề án", "Tỉnh", "Nguồn kinh phí", "Kinh phí đã phê duyệt (triệu đồng)",
        "Kinh phí điều chỉnh (triệu đồng)", "Thay đổi (triệu đồng)",
        "Lý do điều chỉnh"]
    assert set(shown.value["Nguồn kinh phí"]) <= {"KCQG", "KCĐP"}
    moved = float(library_cut["change"].abs()[library_cut["change"].abs() >= DONG / 2].sum())
    with using("vi"):
        words = engine.moved(library_cut)
        assert words[0] == pytest.approx(moved, abs=DONG)
        sentence = kcopt.core.words.num(moved, 6)
    assert any(sentence in m.value and "triệu đồng" in m.value for m in at.markdown)

    # the scenario the planner downloads re-plans the same beside its files
    folder = tmp_path / "saved"
    folder.mkdir()
    names = at.session_state["names"]  # as the page's "Save the scenario (YAML)" names them
    saved = yaml.safe_load(engine.scenario_yaml(plan.data, names["projects"],
                                                names.get("local-budgets"),
                                                names.get("approved-plan")))
    assert saved["approved"]["plan"] == "approved-plan.csv"
    assert saved["budget_change"] == {"central": "-5%"}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(saved, allow_unicode=True),
                                          encoding="utf-8")
    shutil.copy(DEMO.parent / "projects.csv", folder)
    shutil.copy(DEMO.parent / "local-budgets.csv", folder)
    shutil.copy(at.session_state["ws"].file("approved-plan"), folder / "approved-plan.csv")
    with using("vi"):
        again = kcopt.run(folder / "scenario.yaml").changes
    assert again is not None
    same_changes(again, library_cut)


def test_upload_the_approved_plan_and_cut(library_cut: pd.DataFrame, approved: Path) -> None:
    """The approved plan uploaded (allocation.csv of `kcopt solve`) instead of marked: the
    page solves against it at once, and the cut gives the library's changes."""
    at = AppTest.from_file(str(PAGE), default_timeout=300)
    at.run()
    at.button(key="demo").click()
    at.run()
    uploader = next(u for u in at.file_uploader if u.label == "Kế hoạch đã phê duyệt (không "
                    "bắt buộc)")
    uploader.set_value(("allocation.csv", approved.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Kế hoạch đã phê duyệt: allocation.csv" in [c.value for c in at.caption]
    plan = at.session_state["plan"]
    assert plan is not None and plan.run.changes is not None  # solved on the upload
    central_change(at).set_value("-5")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    same_changes(at.session_state["plan"].run.changes, library_cut)
