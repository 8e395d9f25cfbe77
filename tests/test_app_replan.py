"""After approval in the app, as a planner uses it: `kcopt app` started for real and driven in
headless Chromium — upload the demo list, budgets and scenario, solve, mark the plan approved,
cut the central budget (KCQG) by 5%, see the changes table, download adjustment.xlsx and
changes.csv — and the downloads checked against `kcopt solve --approved … --budget
central=-5%` on the same inputs: the adjustment annex recalculated in LibreOffice, each fund
part's and the grand total's approved, adjusted and difference columns equal the command line's
changes to the đồng."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from kcopt.core.language import using
from kcopt.core.words import num
from test_app_browser import (  # noqa: F401  (fixtures)
    DEMO,
    download,
    idle,
    open_app,
    server,
    server_tmp,
    shot,
    uploader,
)

pytestmark = pytest.mark.slow  # minutes of real processes: not in the lowest-versions CI pass
DONG = 1e-6  # million VND
HALF_DONG = 5e-7


@pytest.fixture(scope="module")
def cli_replan(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """changes.csv of `kcopt solve DEMO --approved <its own allocation.csv> --budget
    central=-5%`."""
    folder = tmp_path_factory.mktemp("cli")
    for args in (["-o", str(folder / "approved")],
                 ["-o", str(folder / "cut"), "--approved",
                  str(folder / "approved" / "allocation.csv"), "--budget", "central=-5%"]):
        res = subprocess.run([sys.executable, "-m", "kcopt", "solve", str(DEMO), *args,
                              "--no-plots", "--no-xlsx", "--lang", "vi"],  # the app's
                             capture_output=True, text=True,
                             timeout=600)
        assert res.returncode == 0, res.stderr
    return pd.read_csv(folder / "cut" / "changes.csv", encoding="utf-8-sig",
                       dtype={"project_id": str})


def text_input(page: Any, label: str) -> Any:
    """The box of a number typed as text (the app's budgets: see kcopt.app.numbers)."""
    return page.get_by_test_id("stTextInput").filter(has_text=label).locator("input")


def annex_rows(path: Path) -> dict[str, tuple[float, float, float]]:
    """The approved, adjusted and difference columns (F, G, H) of the fund parts ("A", "B")
    and the grand total ("TỔNG CỘNG") of a recalculated adjustment annex."""
    ws = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    out = {}
    for row in ws.iter_rows(values_only=True):
        key = "total" if str(row[2] or "").startswith("TỔNG CỘNG") else row[0]
        if key in ("A", "B", "total"):
            out[str(key)] = (float(row[5]), float(row[6]), float(row[7]))
    return out


def sums(frame: pd.DataFrame) -> tuple[float, float, float]:
    return (float(frame["before"].sum()), float(frame["after"].sum()),
            float(frame["change"].sum()))


def test_approve_cut_and_download_the_adjustment(server, browser, cli_replan,  # noqa: F811
                                                 libreoffice, tmp_path):
    context, page = open_app(browser, server)
    uploader(page, "Danh sách đề án").set_input_files(DEMO.parent / "projects.csv")
    page.get_by_text("Đã đọc 800 đề án từ projects.csv").wait_for()
    uploader(page, "Ngân sách khuyến công địa phương").set_input_files(
        DEMO.parent / "local-budgets.csv")
    idle(page)
    uploader(page, "Mở kịch bản (YAML)").set_input_files(DEMO)
    idle(page)
    page.get_by_role("button", name="Tính phân bổ").click()
    idle(page)
    # the solve's rerun may not have shown its status yet: a click now would stop it (Streamlit
    # ends a run when a widget changes), so wait for its result, drawn in the Results tab
    page.get_by_text("Đã tính trong").first.wait_for(state="attached")

    page.get_by_role("tab", name="2. Kịch bản").click()
    page.get_by_role("button", name="Lấy phương án hiện tại làm kế hoạch đã phê duyệt").click()
    idle(page)
    page.get_by_text("Kế hoạch đã phê duyệt: approved-plan.csv").wait_for()
    # the plan re-planned against itself: nothing moved (its changes table shows)
    page.get_by_role("tab", name="3. Kết quả").click()
    page.get_by_text("Đã điều chuyển 0 triệu đồng; 0 đề án thay đổi kinh phí.").wait_for()
    page.get_by_role("tab", name="2. Kịch bản").click()
    central = text_input(page, "Kinh phí khuyến công quốc gia (KCQG)")
    central.fill("-5")
    central.press("Enter")
    idle(page)
    shot(page, "replan-01-cut")

    moved = float(cli_replan["change"].abs()[cli_replan["change"].abs() >= HALF_DONG].sum())
    count = cli_replan.loc[cli_replan["change"].abs() >= HALF_DONG, "project_id"].nunique()
    with using("vi"):
        sentence = (f"Đã điều chuyển {num(moved, 6)} triệu đồng; {num(count)} đề án thay đổi "
                    "kinh phí.")
    page.get_by_role("tab", name="3. Kết quả").click()
    page.get_by_text("Thay đổi so với kế hoạch đã phê duyệt").wait_for()
    page.get_by_text(sentence).wait_for()
    page.get_by_text("KCQG: đã phê duyệt 105.000 → điều chỉnh (triệu đồng)").wait_for()
    # the changes table and the allocation (drawn on a canvas: the changes table's headings
    # are checked in test_app_replan_page)
    assert page.get_by_test_id("stDataFrame").filter(visible=True).count() == 2
    shot(page, "replan-02-changes")

    page.get_by_role("tab", name="5. Tải về").click()
    xlsx = download(page, "Tải adjustment.xlsx (phụ lục điều chỉnh)",
                    tmp_path / "adjustment.xlsx")
    csv = download(page, "Tải changes.csv", tmp_path / "changes.csv")
    context.close()

    app = pd.read_csv(csv, encoding="utf-8-sig", dtype={"project_id": str})
    key = ["project_id", "fund"]
    both = app.merge(cli_replan, on=key, suffixes=("_app", "_cli"), validate="one_to_one")
    assert len(both) == len(app) == len(cli_replan)
    for col in ("before", "after", "change"):
        assert (both[f"{col}_app"] - both[f"{col}_cli"]).abs().max() < DONG, col
    assert (both["reason_app"] == both["reason_cli"]).all()

    [values] = libreoffice.recalc([xlsx], tmp_path / "recalculated")
    rows = annex_rows(values)
    lines = cli_replan[cli_replan["change"].abs() >= HALF_DONG]
    assert cli_replan["fund"].eq("central").any()
    want = {"A": sums(lines[lines["fund"] == "central"]),
            "B": sums(lines[lines["fund"] == "local"]), "total": sums(lines)}
    want = {k: v for k, v in want.items() if k == "total" or v != (0.0, 0.0, 0.0)}
    assert set(rows) == set(want)
    for k, v in want.items():
        assert rows[k] == pytest.approx(v, abs=DONG), k
    # the cut is in the annex: KCQG's adjusted total is its approved total less what moved
    assert rows["A"][2] < 0
