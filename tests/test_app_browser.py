"""kcopt app as a planner uses it: `kcopt app --no-browser` started for real, driven in headless
Chromium (Debian's, through Playwright for Python) — upload the demo workbook, solve, move a
slider, download allocation.xlsx and check it against `kcopt solve` on the same scenario; two
sessions uploading different lists at once each get their own plan.

Screenshots of every step are saved under test-output/app/ (paths printed; run with -s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml

import kcopt

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                               "(pip install -e '.[dev]')")
pytest.importorskip("streamlit", reason="the app extra is not installed")
from apphelpers import (  # noqa: E402
    CHROMIUM,
    TIMEOUT,
    allocation_sheet,
    demo_lists,
    idle,
    log_tail,
    open_app,
    serve,
    uploader,
)
from apphelpers import download as download_with_url  # noqa: E402
from apphelpers import shot as shot_in  # noqa: E402

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed "
                                 "(apt-get install chromium)")]
ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("KCOPT_TEST_OUTPUT", ROOT / "test-output")) / "app"
DEMO = kcopt.demo_scenario_path()


@pytest.fixture(scope="module")
def server_tmp(tmp_path_factory) -> Path:
    """The server's temporary folder, where each session keeps its uploads."""
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def server(server_tmp) -> Iterator[str]:
    try:
        with serve(server_tmp) as (url, _proc):
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))



@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    """The demo list as a workbook, and a smaller list of its first 300 projects."""
    folder = tmp_path_factory.mktemp("lists")
    return demo_lists(folder, {"full": 10**6, "small": 300})


def shot(page, name: str) -> Path:
    return shot_in(page, name, SHOTS)


def download(page, label: str, target: Path) -> Path:
    return download_with_url(page, label, target)[0]


def test_upload_solve_slide_download(server, browser, workbooks, tmp_path):
    context, page = open_app(browser, server)
    shot(page, "01-open")
    uploader(page, "Danh sách đề án").set_input_files(workbooks["full"])
    page.get_by_text("Đã đọc 800 đề án từ projects.xlsx").wait_for()
    uploader(page, "Ngân sách khuyến công địa phương").set_input_files(
        DEMO.parent / "local-budgets.csv")
    idle(page)
    uploader(page, "Mở kịch bản (YAML)").set_input_files(DEMO)
    idle(page)
    shot(page, "02-uploaded")
    page.get_by_role("button", name="Tính phân bổ").click()
    idle(page)
    page.get_by_role("tab", name="3. Kết quả").click()
    page.get_by_text("Kết quả chính").wait_for()
    page.get_by_text("Ngân sách trung ương (105.000 triệu đồng) đã dùng hết").wait_for()
    shot(page, "03-solved")

    page.get_by_role("tab", name="2. Kịch bản").click()
    widget = page.get_by_test_id("stSlider").filter(has_text="Sản xuất sạch hơn")
    # a busy server can still show the previous run's copies of a widget for a moment
    deadline = time.monotonic() + TIMEOUT / 1000
    while widget.count() != 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    # the weight as Vietnamese writes it (the range input's value is the step's index)
    slider = widget.locator("input[type=range]")
    assert slider.get_attribute("aria-valuetext") == "0,15"
    track = widget.locator("[data-orientation=horizontal]").nth(1).bounding_box()
    assert track is not None
    page.mouse.click(track["x"] + 0.4 * track["width"], track["y"] + track["height"] / 2)
    idle(page)
    shown = str(slider.get_attribute("aria-valuetext"))
    assert "." not in shown, shown
    green = float(shown.replace(",", "."))
    assert green > 0.15
    shot(page, "04-slider-moved")
    page.get_by_role("tab", name="3. Kết quả").click()
    page.get_by_text("Thay đổi so với phương án trước").wait_for()
    page.get_by_text("Đã tính lại trong").wait_for()
    shot(page, "05-what-if")

    page.get_by_role("tab", name="5. Tải về").click()
    xlsx = download(page, "Tải allocation.xlsx", tmp_path / "allocation.xlsx")
    scenario = download(page, "Tải kịch bản (YAML)", tmp_path / "scenario.yaml")
    shot(page, "06-downloads")
    context.close()

    data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    assert data["projects"] == "projects.xlsx"
    assert data["weights"]["green"] == pytest.approx(green)
    shutil.copy(workbooks["full"], tmp_path / "projects.xlsx")
    out = tmp_path / "cli"
    res = subprocess.run([sys.executable, "-m", "kcopt", "solve", str(scenario), "-o", str(out),
                          "--no-plots", "--no-xlsx"], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    cli = pd.read_csv(out / "allocation.csv", encoding="utf-8-sig").set_index("project_id")
    app = allocation_sheet(xlsx)
    assert len(app) == len(cli) == 800
    assert (app["Central fund"] - cli.loc[app.index, "central"]).abs().max() < 1e-4
    assert (app["Local fund"] - cli.loc[app.index, "local"]).abs().max() < 1e-4
    # and the slider did change the plan: it is not the demo's plan as shipped
    base = kcopt.run(DEMO).allocation.set_index("project_id")
    assert (base.loc[app.index, "total"] - app.sum(axis=1)).abs().max() > 1


def session_folders(server_tmp: Path) -> list[Path]:
    return sorted(server_tmp.glob("kcopt-app-*"))


def test_two_sessions_at_once_get_their_own_plan(server, server_tmp, browser, workbooks,
                                                 tmp_path):
    sessions = {name: open_app(browser, server) for name in ("full", "small")}
    for name, (_, page) in sessions.items():
        uploader(page, "Danh sách đề án").set_input_files(workbooks[name])
    for name, (_, page) in sessions.items():
        n = 800 if name == "full" else 300
        page.get_by_text(f"Đã đọc {n} đề án").wait_for()
        uploader(page, "Ngân sách khuyến công địa phương").set_input_files(
            DEMO.parent / "local-budgets.csv")
        idle(page)
        uploader(page, "Mở kịch bản (YAML)").set_input_files(DEMO)
    for _, page in sessions.values():
        idle(page)
    for _, page in sessions.values():  # both solves under way together
        page.get_by_role("button", name="Tính phân bổ").click()
    for name, (_, page) in sessions.items():
        idle(page)
        page.get_by_role("tab", name="3. Kết quả").click()
        try:  # two solves on a busy machine
            page.get_by_text("Kết quả chính").wait_for(timeout=300_000)
        except sync_api.Error as exc:  # what the server said, and what the page shows
            shot(page, f"07-session-{name}-timed-out")
            raise AssertionError(f"{name}: no plan shown; the page: "
                                 f"{page.inner_text('body')[-3000:]}\nthe server: "
                                 f"{log_tail(server_tmp)}") from exc
        shot(page, f"07-session-{name}")
        page.get_by_role("tab", name="5. Tải về").click()
        xlsx = download(page, "Tải allocation.xlsx", tmp_path / f"{name}.xlsx")
        frame = allocation_sheet(xlsx)
        want = pd.read_excel(workbooks[name], dtype=str, engine="openpyxl").iloc[:, 0]
        assert list(frame.index) == list(want)
    folders = session_folders(server_tmp)
    assert len(folders) >= 2
    for context, _ in sessions.values():
        context.close()
    deadline = time.monotonic() + 180  # a loaded machine ends sessions late
    while any(f.exists() for f in folders) and time.monotonic() < deadline:
        time.sleep(1)
    left = [f.name for f in folders if f.exists()]
    assert not left, f"session folders left after the sessions ended: {left}"
