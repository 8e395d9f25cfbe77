"""Driving `kcopt app` as planners do, shared by the browser tests and the load benchmark:
the real server started with `kcopt app --no-browser`, headless Chromium through Playwright,
and readers for what the app lets a planner download."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT = 120_000  # ms; the machine may be busy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(tmp: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`kcopt app` on a free loopback port, its sessions' folders under `tmp`; yields its URL
    and process, and stops it on exit. `env` adds environment variables (KCOPT_APP_PASSWORD…).
    The server's output goes to a file beside `tmp` (`server_log`), never to a pipe nobody
    reads while it runs: a full pipe (64 KiB) would stop the server at its next line."""
    port = free_port()
    full = {**os.environ, "TMPDIR": str(tmp),
            # a closed tab's session ends 3 s after its connection drops (default 120 s)
            "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "3", **env}
    log = server_log(tmp)
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kcopt", "app", "--no-browser",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                text=True, env=full)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # start-up on a loaded machine
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kcopt app did not start on {url}: {log_tail(tmp)}")
            time.sleep(0.5)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def server_log(tmp: Path) -> Path:
    """Where `serve(tmp)` writes the server's output: beside `tmp`, not in it (a session's
    folders are counted there)."""
    return tmp.with_name(tmp.name + "-server.log")


def log_tail(tmp: Path, size: int = 6000) -> str:
    """The end of the server's output, to say in a failing test's message."""
    log = server_log(tmp)
    return log.read_text(encoding="utf-8", errors="replace")[-size:] if log.exists() else ""


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def demo_lists(folder: Path, sizes: dict[str, int], prefix: bool = False) -> dict[str, Path]:
    """The demo list cut to `sizes` (name → rows) as workbooks; with `prefix`, each list's
    ids carry its name (P-0001 → P-<name>-0001), so no two lists share an id."""
    import kcopt

    frame = pd.read_csv(kcopt.demo_scenario_path().parent / "projects.csv",
                        encoding="utf-8-sig", dtype=str)
    out = {}
    for name, rows in sizes.items():
        part = frame.head(rows).copy()
        if prefix:
            part.iloc[:, 0] = part.iloc[:, 0].str.replace("P-", f"P-{name}-", n=1, regex=False)
        for c in part.columns:
            converted = pd.to_numeric(part[c], errors="coerce")
            if converted.notna().all():
                part[c] = converted
        path = folder / name / "projects.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        part.to_excel(path, index=False, sheet_name="Danh mục")
        out[name] = path
    return out


def shot(page: Any, name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def idle(page: Any) -> None:
    """Wait until Streamlit has finished the rerun under way, and any it was asked for: the
    page's script state (`data-test-script-state` of stApp: rerunRequested, running, …) is
    notRunning. The status widget alone can miss a rerun not shown yet on a busy machine, and
    a click then stops that rerun (Streamlit ends a run when a widget changes)."""
    page.wait_for_timeout(300)
    page.wait_for_selector(SETTLED, state="attached", timeout=TIMEOUT)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=TIMEOUT)


def uploader(page: Any, label: str) -> Any:
    return page.get_by_test_id("stFileUploader").filter(has_text=label).locator(
        "input[type=file]")


def open_app(browser: Any, url: str, password: str | None = None) -> tuple[Any, Any]:
    """A new browser context (its own cookies: its own session) on the app, past the
    password when one is given."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    if password is not None:
        box = page.get_by_label("Mật khẩu", exact=True)
        box.fill(password)
        box.press("Enter")
    page.get_by_text("Danh sách đề án", exact=True).wait_for()
    return context, page


def download(page: Any, label: str, target: Path) -> tuple[Path, str]:
    """Click a download button; the saved file and the URL the browser fetched it from."""
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name=label).click()
    info.value.save_as(target)
    return target, info.value.url


def allocation_sheet(path: Path) -> pd.DataFrame:
    """Project id, central and local from allocation.xlsx's first sheet (English header row)."""
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Project ID")
    names = list(rows[head])
    body = [r for r in rows[head + 1:] if r[0] and str(r[0]).startswith("P-")]
    frame = pd.DataFrame(body, columns=names)
    return frame.set_index("Project ID")[["Central fund", "Local fund"]].astype(float)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS_AT_ONCE = 4


def open_apps(browser: Any, url: str, names: list[str], password: str,
              state: dict[str, dict[str, Any]]) -> None:
    """A browser context per name in `state`, all loading the page at once, each past the
    password."""
    for name in names:
        context = browser.new_context(viewport={"width": 1400, "height": 1100},
                                      accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(url, wait_until="commit")
        state[name] = {"context": context, "page": page}
    for s in state.values():
        box = s["page"].get_by_label("Mật khẩu", exact=True)
        box.fill(password)
        box.press("Enter")
    for s in state.values():
        s["page"].get_by_text("Danh sách đề án", exact=True).wait_for()


def load_sessions(browser: Any, url: str, lists: dict[str, tuple[str, Path]], out: Path,
                  password: str, into: dict[str, dict[str, Any]] | None = None
                  ) -> dict[str, dict[str, Any]]:
    """Sessions at once, one per entry of `lists` (name → (upload name, workbook)): each
    uploads its list, all press Solve together, plans are awaited round-robin and each
    downloads allocation.xlsx. Per session: `plan_seconds` (upload to plan shown), `xlsx`
    (the download), `url` (where the browser fetched it), `context`, `page`; filled into
    `into` when given, so that a caller keeps what was measured when a session fails."""
    state: dict[str, dict[str, Any]] = into if into is not None else {}
    open_apps(browser, url, list(lists), password, state)
    for name, (upload, path) in lists.items():
        state[name]["start"] = time.monotonic()
        uploader(state[name]["page"], "Danh sách đề án").set_input_files(
            {"name": upload, "mimeType": XLSX, "buffer": path.read_bytes()})
    for name, (_upload, path) in lists.items():
        n = len(pd.read_excel(path, engine="openpyxl"))
        state[name]["page"].get_by_text(f"Đã đọc {n} đề án").wait_for()
        idle(state[name]["page"])
    for s in state.values():  # every solve under way together
        s["page"].get_by_role("button", name="Tính phân bổ").click()
    wait_all(state, lambda s: s["page"].get_by_text("Kết quả chính").count() > 0,
             "plan_seconds")
    names = list(state)
    # a few at a time: Streamlit makes each on a thread of a pool of min(32, cores + 4), and
    # a browser whose download waits behind the others' gives up (seen with 20 on 2 cores)
    for i in range(0, len(names), DOWNLOADS_AT_ONCE):
        batch = {n: state[n] for n in names[i:i + DOWNLOADS_AT_ONCE]}
        for s in batch.values():
            idle(s["page"])
            s["page"].get_by_role("tab", name="5. Tải về").click()
            s["page"].once("download", lambda d, s=s: s.update(download=d))
            s["page"].get_by_role("button", name="Tải allocation.xlsx").click()
        wait_all(batch, lambda s: "download" in s, "download_seconds")
    for name, s in state.items():
        s["download"].save_as(out / f"{name}.xlsx")
        s["xlsx"], s["url"] = out / f"{name}.xlsx", s["download"].url
    return state


def wait_all(state: dict[str, dict[str, Any]], done: Any, key: str) -> None:
    """Poll every session until `done(session)`; store the seconds since its start at `key`."""
    waiting, deadline = set(state), time.monotonic() + 3 * TIMEOUT / 1000
    while waiting and time.monotonic() < deadline:
        for name in sorted(waiting):
            if done(state[name]):
                state[name][key] = time.monotonic() - state[name]["start"]
                waiting.discard(name)
        next(iter(state.values()))["page"].wait_for_timeout(200)  # lets events arrive
    if waiting:
        raise AssertionError(f"sessions still waiting for {key}: {sorted(waiting)}")
