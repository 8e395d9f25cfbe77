"""kcopt app: the page driven with Streamlit's AppTest (the real script, real solves), the
session workspace and the library calls behind the page."""

from __future__ import annotations

import gc
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

import kcopt

st_testing = pytest.importorskip("streamlit.testing.v1", reason="the app extra is not installed")
AppTest = st_testing.AppTest

from kcopt.app import PAGE, engine  # noqa: E402
from kcopt.app.workspace import Workspace  # noqa: E402
from kcopt.core.language import using  # noqa: E402

DEMO = kcopt.demo_scenario_path()
PROJECTS = DEMO.parent / "projects.csv"
BUDGETS = DEMO.parent / "local-budgets.csv"


def page() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, label: str, name: str, data: bytes) -> None:
    uploader = next(u for u in at.file_uploader if u.label == label)
    uploader.set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def solve(at: AppTest) -> None:
    at.sidebar.button(key="solve").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def demo_plan(at: AppTest) -> engine.Plan:
    at.button(key="demo").click()
    at.run()
    solve(at)
    plan = at.session_state["plan"]
    assert plan is not None
    return plan


@pytest.fixture(scope="module")
def demo_run() -> kcopt.Run:
    """The library's plan of the demo, in the app's default language (its reasons are words)."""
    with using("vi"):
        return kcopt.run(DEMO)


def test_opens_in_vietnamese_with_the_upload_labelled(demo_run):
    at = page()
    labels = [u.label for u in at.file_uploader]
    assert "Danh sách đề án" in labels
    assert any("Chưa có danh sách đề án" in i.value for i in at.info)
    assert at.sidebar.button(key="solve").label == "Tính phân bổ"
    at.sidebar.radio(key="lang").set_value("English")
    at.run()
    assert any("No project list yet" in i.value for i in at.info)
    assert at.title[0].value.startswith("kcopt — Industrial-promotion")


def test_upload_the_demo_solve_and_match_the_library(demo_run):
    at = page()
    upload(at, "Danh sách đề án", "danh-sach-2026.csv", PROJECTS.read_bytes())
    upload(at, "Ngân sách khuyến công địa phương (không bắt buộc)", "ngan-sach.csv",
           BUDGETS.read_bytes())
    upload(at, "Mở kịch bản (YAML)", "demo.yaml", DEMO.read_bytes())
    assert any("Đã đọc 800 đề án từ danh-sach-2026.csv" in s.value for s in at.success)
    assert any("được bỏ qua (projects, budgets.local)" in i.value for i in at.info)
    solve(at)
    plan = at.session_state["plan"]
    got = plan.run.allocation.set_index("project_id")
    want = demo_run.allocation.set_index("project_id")
    assert plan.run.summary.objective == pytest.approx(demo_run.summary.objective,
                                                          rel=1e-9)
    pd.testing.assert_series_equal(got["total"], want["total"], atol=1e-6)
    assert list(got["reason"]) == list(want["reason"])
    # headline numbers, the allocation table, the binding budgets in words
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Kinh phí trung ương (triệu đồng)"] == "105.000"
    assert "Bảng phân bổ" in [h.value for h in at.subheader]
    assert any("Ngân sách trung ương (105.000 triệu đồng) đã dùng hết" in m.value
               for m in at.markdown)
    # the saved scenario names the files as the planner uploaded them
    text = engine.scenario_yaml(plan.data, "danh-sach-2026.csv")
    assert yaml.safe_load(text)["projects"] == "danh-sach-2026.csv"


def test_budget_file_before_the_list_and_a_bad_budget_file():
    at = page()
    budgets = "Ngân sách khuyến công địa phương (không bắt buộc)"
    upload(at, budgets, "ngan-sach.csv", BUDGETS.read_bytes())  # before any project list
    upload(at, "Danh sách đề án", "ds.csv", PROJECTS.read_bytes())
    local = at.session_state["base"]["budgets"]["local"]
    assert local["Lâm Đồng"] > 0 and len(local) > 20
    upload(at, budgets, "sai.csv", b"province,budget\nAtlantis,100\nHa Noi,-5\n")
    assert any("2 lỗi trong dữ liệu" in e.value for e in at.error)
    table = frame_with(at, "Cách sửa")
    assert set(table["Giá trị nhận được"]) == {"Atlantis", "-5"}


def test_filters_narrow_the_allocation(demo_run):
    at = page()
    demo_plan(at)
    at.multiselect(key="f_province").set_value(["Lâm Đồng"])
    at.multiselect(key="f_status").set_value(["funded"])
    at.run()
    want = demo_run.allocation
    n = int(((want["province"] == "Lâm Đồng") & (want["status"] == "funded")).sum())
    assert n > 0
    assert any(c.value == f"{n} / 800 đề án" for c in at.caption)


def test_weight_slider_resolves_and_says_what_changed(demo_run):
    at = page()
    demo_plan(at)
    before = at.session_state["plan"]
    green = at.select_slider(key="w_green_2")
    assert green.value == pytest.approx(0.15)
    green.set_value(0.40)
    at.run()
    after = at.session_state["plan"]
    assert after.number == before.number + 1
    assert after.changes and after.changes[0].startswith("Từ phương án trước sang phương án mới")
    assert any(c.value.startswith("Đã tính lại trong") for c in at.caption)
    # the what-if plan is the library's plan for the same scenario
    sc = kcopt.load_scenario(DEMO).with_weights(green=0.40)
    ref = kcopt.run(sc)
    assert after.run.summary.objective == pytest.approx(ref.summary.objective, rel=1e-9)
    pd.testing.assert_series_equal(after.run.allocation["total"], ref.allocation["total"],
                                   atol=1e-6)
    # normalised weights are shown beside the sliders
    norm = frame_with(at, "chuẩn hoá")
    assert norm.iloc[:, 1].sum() == pytest.approx(1.0, abs=0.01)


def test_every_bad_cell_is_a_table_row():
    bad = PROJECTS.read_text(encoding="utf-8-sig").splitlines()
    header = bad[0].split(",")
    cost = header.index(next(h for h in header if h in ("Tổng kinh phí", "total_cost")))
    rows = [bad[0]]
    for i, line in enumerate(bad[1:6]):
        cells = line.split(",")
        if i in (1, 3):
            cells[cost] = "-5"
        rows.append(",".join(cells))
    at = page()
    upload(at, "Danh sách đề án", "loi.csv", ("\n".join(rows) + "\n").encode())
    assert any("2 lỗi trong dữ liệu" in e.value for e in at.error)
    table = frame_with(at, "Cách sửa")
    assert list(table["Tệp"]) == ["loi.csv", "loi.csv"]
    assert list(table["Giá trị nhận được"]) == ["-5", "-5"]
    assert "/tmp" not in table.to_csv()  # no server path shown


def ask_too_much_green(at: AppTest) -> None:
    """The page's scenario given a target no plan can meet ("too_much_green": 500,000 million
    VND of green support), so the next solve is infeasible."""
    base = dict(at.session_state["base"])
    base["targets"] = [{"name": "too_much_green", "kind": "share_min", "of": ["green"],
                        "amount": 500000.0}]
    at.session_state["base"] = base
    at.session_state["gen"] = at.session_state["gen"] + 1
    at.run()


def test_infeasible_scenario_shows_the_diagnosis():
    at = page()
    at.button(key="demo").click()
    at.run()
    ask_too_much_green(at)
    solve(at)
    assert any("không khả thi" in e.value for e in at.error)
    diagnosis = frame_with(at, "Ràng buộc")
    assert "too_much_green" in set(diagnosis["Ràng buộc"])


def test_sensitivity_on_request():
    at = page()
    demo_plan(at)
    at.slider(key="draws").set_value(20)
    at.button(key="run_sens").click()
    at.run()
    assert not at.exception
    sens = at.session_state["plan"].sensitivity
    assert sens is not None and len(sens.weight_robustness) == 800
    table = frame_with(at, "Diễn giải")
    # the page speaks Vietnamese, numbers included, down to the library's ranging sentences
    # (a price is quoted per 1.000, 100, 10 or 1 triệu đồng, as far as its range allows)
    assert table["Diễn giải"].str.contains(r"mỗi (?:1\.000|100|10|1) triệu đồng tăng thêm cho "
                                           r"kinh phí").any()
    assert "Kinh phí khuyến công quốc gia" in set(table["Ngân sách hoặc chỉ tiêu"])  # no code


def test_downloads_are_the_pipeline_outputs(tmp_path):
    at = page()
    plan = demo_plan(at)
    ws = at.session_state["ws"]
    text = engine.scenario_yaml(plan.data, "projects.csv")
    folder = engine.write_files(ws, plan, text)
    names = {p.name for p in folder.rglob("*") if p.is_file()}
    assert {"allocation.xlsx", "annex.xlsx", "allocation.csv", "report.html", "scenario.yaml",
            "summary.json"} <= names
    assert any(b.label.startswith("Tải annex.xlsx") for b in at.get("download_button"))
    with zipfile.ZipFile(io.BytesIO(engine.zip_folder(folder))) as zf:
        assert "allocation.xlsx" in zf.namelist() and "report.html" in zf.namelist()
    # the saved scenario, beside the planner's list, gives the CLI the same plan
    (tmp_path / "projects.csv").write_bytes(PROJECTS.read_bytes())
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    cli = kcopt.run(tmp_path / "s.yaml")
    assert cli.summary.objective == pytest.approx(plan.run.summary.objective, rel=1e-9)


def test_sessions_are_isolated():
    a, b = page(), page()
    a.button(key="demo").click()
    a.run()
    wa, wb = a.session_state["ws"], b.session_state["ws"]
    assert wa.folder != wb.folder
    assert wa.file("projects") is not None and wb.file("projects") is None
    assert b.session_state["plan"] is None


def test_password(monkeypatch):
    monkeypatch.setenv("KCOPT_APP_PASSWORD", "so-cong-thuong")
    at = page()
    assert not at.file_uploader  # nothing but the password
    at.text_input(key="password").set_value("sai")
    at.run()
    assert any("Mật khẩu không đúng" in e.value for e in at.error)
    at.text_input(key="password").set_value("so-cong-thuong")
    at.run()
    assert "Danh sách đề án" in [u.label for u in at.file_uploader]


def test_workspace_takes_no_path_and_cleans_up():
    ws = Workspace()
    path = ws.save("projects", "../../etc/passwd.csv", b"a,b\n")
    assert path == ws.folder / "projects.csv"
    with pytest.raises(kcopt.InputError, match="CSV or XLSX"):
        ws.save("projects", "x.exe", b"")
    with pytest.raises(kcopt.InputError, match="at most"):
        ws.save("projects", "big.csv", b"x" * (21 * 1024 * 1024))
    folder = ws.folder
    del ws
    gc.collect()
    assert not folder.exists()  # the session's files go with its state


def test_sessions_that_end_lose_their_folders():
    from kcopt.app import workspace

    a, b = Workspace(), Workspace()
    with workspace._REGISTER_LOCK:
        workspace._REGISTER.clear()  # sessions of earlier AppTest runs
    workspace.register("a", a)
    workspace.register("b", b)
    alive = {"a", "b"}
    assert workspace.sweep(alive.__contains__, grace=10, now=0) == []
    alive.discard("a")  # tab a closed
    assert workspace.sweep(alive.__contains__, grace=10, now=1) == []  # may still reconnect
    assert workspace.sweep(alive.__contains__, grace=10, now=5) == []
    assert a.folder.exists()
    assert workspace.sweep(alive.__contains__, grace=10, now=11) == ["a"]
    assert a.closed and not b.closed
    alive.discard("b")
    workspace.sweep(alive.__contains__, grace=10, now=12)
    alive.add("b")  # reconnected within the window: kept
    assert workspace.sweep(alive.__contains__, grace=10, now=30) == []
    assert not b.closed
    b.close()


def test_ended_sessions_memory_is_handed_back_where_the_c_library_can(monkeypatch):
    import ctypes
    import platform

    from kcopt.app import workspace

    assert workspace.give_back() is (platform.libc_ver()[0] == "glibc")

    class NoTrim:  # a C library without malloc_trim (macOS, musl)
        def __init__(self, name: object) -> None:
            pass

    # garbage collected, no error
    monkeypatch.setattr(ctypes, "CDLL", NoTrim)
    assert workspace.give_back() is False


def test_scenario_files_lose_their_paths():
    data, dropped = engine.parse_yaml(b"name: x\nprojects: /etc/passwd\nextends: ../b.yaml\n"
                                      b"budgets: {central: 10, local: /srv/secret.csv}\n"
                                      b"rules: {provincial: /srv/resolutions,"
                                      b" national: [/srv/n.csv]}\n")
    assert "projects" not in data and "extends" not in data
    assert data["budgets"] == {"central": 10}
    assert data["rules"] == {}
    assert set(dropped) == {"projects", "extends", "budgets.local", "rules.provincial",
                            "rules.national"}
    with pytest.raises(kcopt.InputError, match="not valid YAML"):
        engine.parse_yaml(b"name: [")


def test_cli_app_help():
    from typer.testing import CliRunner

    from kcopt.cli import app

    res = CliRunner().invoke(app, ["app", "--help"])
    assert res.exit_code == 0
    for option in ("--host", "--port", "--no-browser"):
        assert option in res.output


def test_page_file_is_shipped():
    assert Path(PAGE).exists()


# with priorities the program has ties: a province's local and the central money can split a
# project's grant either way at the same score, and the warm re-solve may take the other split
WHAT_IFS = [pytest.param(None, True, id="weights"),
            pytest.param({"cleaner_production": 1.0, "machinery": 0.6}, False,
                         id="with-priorities")]


@pytest.mark.parametrize(("priorities", "same_split"), WHAT_IFS)
def test_a_what_if_gives_the_plan_and_warnings_of_kcopt_solve(priorities, same_split,
                                                               tmp_path):
    """The app's what-if (`engine.replan`: the warm re-solve) ends in the pipeline's own tail,
    so the same inputs give the plan and the warnings `kcopt.run` and `kcopt solve` give —
    the demo's idle budget (`budget_unspent`) and slivers (`partial_sliver`) among them — and
    a scenario's `priorities:` score the re-solve as they score the solve."""
    from typer.testing import CliRunner

    from kcopt.cli import app

    ws = Workspace()
    ws.save("projects", "projects.csv", PROJECTS.read_bytes())
    ws.save("local-budgets", "local-budgets.csv", BUDGETS.read_bytes())
    _projects, _budgets, data = engine.demo_inputs()
    if priorities is not None:
        data["priorities"] = priorities
    with using("vi"):
        first = engine.solve_plan(engine.load(ws, data))
        sc = engine.load(ws, {**data, "weights": {**data["weights"], "green": 0.30}})
        quick = engine.replan(first, sc)
        ref = kcopt.run(sc)
    assert quick.result.model.lp.A is first.result.model.lp.A  # the warm path was taken
    codes = [w.code for w in quick.warnings]
    assert "budget_unspent" in codes and "partial_sliver" in codes
    assert [(w.code, str(w)) for w in quick.warnings] == [(w.code, str(w)) for w in ref.warnings]
    assert quick.summary is not None and ref.summary is not None
    assert quick.summary.warnings == ref.summary.warnings
    assert quick.summary.objective == pytest.approx(ref.summary.objective, rel=1e-9)
    assert quick.summary.totals == ref.summary.totals
    assert quick.summary.counts == ref.summary.counts
    shown = ["project_id", "total", "status"] if not same_split else list(ref.allocation)
    pd.testing.assert_frame_equal(quick.allocation[shown], ref.allocation[shown])
    # the command line, on the scenario file the app keeps beside the uploads
    res = CliRunner().invoke(app, ["solve", str(ws.folder / "scenario.yaml"), "-o",
                                   str(tmp_path / "out"), "--no-plots", "--no-xlsx",
                                   "--lang", "vi"])
    assert res.exit_code == 0, res.output
    cli = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert cli["warnings"] == json.loads(json.dumps(quick.summary.warnings))
    alloc = pd.read_csv(tmp_path / "out" / "allocation.csv")
    assert alloc["total"].to_numpy() == pytest.approx(quick.allocation["total"].to_numpy(),
                                                      abs=1e-6)
    ws.close()
