"""kcopt app under load, on loopback: N sessions (KCOPT_APP_SESSIONS, default 5) in one headless
Chromium, one browser context each, each past the Department's password, each uploading its
own project list (its own length, its ids prefixed with the session's name, some under hostile
file names) and solving at the same time. Each downloads allocation.xlsx, which must hold
exactly its own projects. The server's memory (VmRSS of the server and its children) stays
under a stated bound, and the sessions' folders go when the sessions end.

Then the password: with a session's downloads made, plain HTTP without the password reaches
nothing of the plan on any route the server serves, and a download's URL stops serving within
KCOPT_APP_DOWNLOAD_TTL seconds.

`benchmarks/app_load.py` runs the same with 20 sessions and prints the figures.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                               "(pip install -e '.[dev]')")
pytest.importorskip("streamlit", reason="the app extra is not installed")
from apphelpers import (  # noqa: E402
    CHROMIUM,
    TIMEOUT,
    allocation_sheet,
    demo_lists,
    download,
    idle,
    load_sessions,
    open_app,
    serve,
    tree_rss,
    uploader,
)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed "
                                 "(apt-get install chromium)"),
              pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                 reason="memory is read from /proc")]
SESSIONS = int(os.environ.get("KCOPT_APP_SESSIONS", "5"))
PASSWORD = "khuyen-cong-2026"
DOWNLOAD_TTL = 8.0
#: the names planners' files may carry that must not steer where or how the app stores them
HOSTILE = ["../../x.xlsx", "a" * 295 + ".xlsx", '=HYPERLINK("x").xlsx']
MB = 2**20
#: the bound on the server's memory: Python, pandas, HiGHS and the app's libraries once loaded
#: (~300 MB measured), and what each session holds at most (its list, plan and workbooks)
BASE_BOUND, PER_SESSION_BOUND = 450 * MB, 40 * MB


class Sampler:
    """The peak of a process tree's resident memory, sampled every 0.2 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, tree_rss(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, tree_rss(self.pid))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Any, Path]]:
    """The app with a password; its URL, its process and its temporary folder, which is
    inside a folder of its own so that a file escaping it would be seen."""
    tmp = tmp_path_factory.mktemp("load") / "server-tmp"
    tmp.mkdir()
    try:
        with serve(tmp, KCOPT_APP_PASSWORD=PASSWORD,
                   KCOPT_APP_DOWNLOAD_TTL=str(DOWNLOAD_TTL)) as (url, proc):
            yield url, proc, tmp
    except RuntimeError as exc:
        pytest.fail(str(exc))



def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def session_names(n: int) -> dict[str, int]:
    """Session name → the length of its list: every session a different one."""
    return {f"S{k}": 20 + 7 * k for k in range(n)}


def upload_name(k: int, name: str) -> str:
    return HOSTILE[k] if k < len(HOSTILE) else f"projects-{name}.xlsx"


def get(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    """A plain HTTP request, no cookie, no password: its status and body."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_no_plan_data_without_the_password(served, browser, tmp_path):
    url, _proc, tmp = served
    lists = demo_lists(tmp_path / "lists", {"PW": 25}, prefix=True)
    context, page = open_app(browser, url, PASSWORD)
    uploader(page, "Danh sách đề án").set_input_files(lists["PW"])
    page.get_by_text("Đã đọc 25 đề án").wait_for()
    idle(page)
    page.get_by_role("button", name="Tính phân bổ").click()
    idle(page)
    page.get_by_role("tab", name="5. Tải về").click()
    xlsx, xlsx_url = download(page, "Tải allocation.xlsx", tmp_path / "a.xlsx")
    yml, yml_url = download(page, "Tải kịch bản (YAML)", tmp_path / "s.yaml")
    clicked = time.monotonic()
    assert "P-PW-0001" in allocation_sheet(xlsx).index
    session = next(iter(tmp.glob("kcopt-app-*"))).name

    # every route the server serves, asked without the password
    routes = ["/", "/index.html", "/_stcore/health", "/_stcore/host-config",
              "/_stcore/metrics", "/_stcore/script-health-check", "/_stcore/agent/openapi.json",
              "/media/" + xlsx_url.rsplit("/", 1)[1].replace("a", "b"), "/app/static/x.xlsx",
              "/component/x/index.html", "/_stcore/bidi-components/x/index.html",
              f"/_stcore/upload_file/{session}/x", "/static/../" + session]
    for route in routes:
        status, body = get(url + route)
        assert b"P-PW-" not in body and b"Central fund" not in body, (route, status)
    for route in ("/_stcore/agent/interact", "/_stcore/agent/mcp"):
        status, body = get(url + route, b"{}")
        assert status >= 400 and b"P-PW-" not in body, (route, status)

    # a browser without the password sees the gate and nothing else
    other = browser.new_context()
    stranger = other.new_page()
    stranger.set_default_timeout(TIMEOUT)
    stranger.goto(url)
    stranger.get_by_label("Mật khẩu", exact=True).wait_for()
    idle(stranger)
    assert stranger.get_by_text("Danh sách đề án", exact=True).count() == 0
    assert "P-PW-" not in stranger.content()
    other.close()

    # a download's URL is a capability: it serves the file only for a short while
    for link in (xlsx_url, yml_url):
        while get(link)[0] == 200 and time.monotonic() - clicked < DOWNLOAD_TTL + 20:
            time.sleep(0.5)
        status, body = get(link)
        assert status == 404 and b"P-PW-" not in body, (link, status)
    assert time.monotonic() - clicked <= DOWNLOAD_TTL + 20
    context.close()
    assert yml.read_text(encoding="utf-8").startswith("name:")


def test_sessions_at_once_each_get_their_own_plan(served, browser, tmp_path):
    url, proc, tmp = served
    lists = demo_lists(tmp_path / "lists", session_names(SESSIONS), prefix=True)
    outside = tmp.parent
    before = files_under(outside) - files_under(tmp)
    start = tree_rss(proc.pid)
    sampler, t0 = Sampler(proc.pid), time.monotonic()
    state = load_sessions(browser, url, {n: (upload_name(k, n), p) for k, (n, p) in
                                         enumerate(lists.items())}, tmp_path, PASSWORD)
    driven = time.monotonic() - t0
    folders = sorted(tmp.glob("kcopt-app-*"))
    stored = {p.relative_to(f).parts[0] for f in folders for p in files_under(f)}
    for s in state.values():
        s["context"].close()
    peak = sampler.stop()

    for name, s in state.items():
        want = list(pd.read_excel(lists[name], dtype=str, engine="openpyxl").iloc[:, 0])
        got = allocation_sheet(s["xlsx"])
        assert list(got.index) == want, f"session {name} has not exactly its own projects"
        assert got.sum().sum() > 0
        # no cell of the workbook became a formula from a file's name
        book = openpyxl.load_workbook(s["xlsx"])
        assert not [c.coordinate for ws in book for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and "HYPERLINK" in c.value]
    # every upload stored under the app's own name, inside its session's folder
    assert len(folders) >= SESSIONS
    assert stored <= {"projects.xlsx", "scenario.yaml", "out"}, stored
    assert files_under(outside) - files_under(tmp) == before, "a file written outside"

    bound = BASE_BOUND + SESSIONS * PER_SESSION_BOUND
    assert peak <= bound, f"server memory peaked at {peak / MB:.0f} MB (bound {bound / MB:.0f})"
    deadline = time.monotonic() + 120
    while any(f.exists() for f in folders) and time.monotonic() < deadline:
        time.sleep(1)
    assert not [f.name for f in folders if f.exists()], "session folders left"
    # the janitor hands the ended sessions' heap back (gc, then glibc's malloc_trim): what the
    # server holds returns to within a tolerance of where it started
    tolerance = max(40 * MB, (peak - start) // 2)
    deadline = time.monotonic() + 4 * DOWNLOAD_TTL
    while (after := tree_rss(proc.pid)) > start + tolerance and time.monotonic() < deadline:
        time.sleep(1)
    print(f"\n{SESSIONS} sessions: server memory {start / MB:.0f} MB at start, "
          f"{peak / MB:.0f} MB at peak, {after / MB:.0f} MB after they ended; time to a plan "
          + ", ".join(f"{s['plan_seconds']:.1f}" for s in state.values())
          + f" s; opened, solved and downloaded in {driven:.0f} s")
    assert after <= start + tolerance, f"{after / MB:.0f} MB held after the sessions ended"
