"""kcopt app under load: N sessions (default 20) at once in headless Chromium on loopback, each
past the password, uploading its own list (the demo cut to a different length, ids prefixed
with the session's name), solving together and downloading allocation.xlsx. A report, exit 0.

    python benchmarks/app_load.py [--sessions 20]

Prints sessions held (a plan whose workbook holds exactly the session's own projects), the
server's peak memory (VmRSS of the server and its children, sampled every 0.2 s) and the p95
time from upload to a plan shown, each against its target, with the machine's load average:
on a shared machine the times grow with the load. Needs the app and dev extras and Chromium.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from apphelpers import (  # noqa: E402
    ARGS,
    CHROMIUM,
    allocation_sheet,
    demo_lists,
    load_sessions,
    serve,
    tree_rss,
)

MB = 2**20
PASSWORD = "benchmark"
#: targets: the same memory bound as tests/test_app_load.py, and a plan within 30 s
BASE_MB, PER_SESSION_MB, P95_S = 450, 40, 30.0


def p95(values: list[float]) -> float:
    ordered = sorted(values) or [float("nan")]
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def p50(values: list[float]) -> float:
    ordered = sorted(values) or [float("nan")]
    return ordered[len(ordered) // 2]


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=20)
    n = ap.parse_args().sessions
    with tempfile.TemporaryDirectory(prefix="kcopt-app-load-") as folder:
        tmp = Path(folder)
        (tmp / "server").mkdir()
        lists = demo_lists(tmp / "lists", {f"S{k}": 20 + 7 * k for k in range(n)}, prefix=True)
        with serve(tmp / "server", KCOPT_APP_PASSWORD=PASSWORD) as (url, proc), \
                sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            start, stop = tree_rss(proc.pid), threading.Event()
            peak = [start]

            def sample() -> None:
                while not stop.wait(0.2):
                    peak[0] = max(peak[0], tree_rss(proc.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            t0, state, failure = time.monotonic(), {}, ""
            try:
                load_sessions(browser, url, {k: (f"projects-{k}.xlsx", v)
                                             for k, v in lists.items()}, tmp, PASSWORD, state)
            except Exception as exc:  # a report: say what failed, count what held
                failure = f"{type(exc).__name__}: {str(exc)[:300]}"
            wall = time.monotonic() - t0
            import pandas as pd

            held = sum("xlsx" in s and list(allocation_sheet(s["xlsx"]).index) ==
                       list(pd.read_excel(lists[k], dtype=str, engine="openpyxl").iloc[:, 0])
                       for k, s in state.items())
            for s in state.values():
                s["context"].close()
            stop.set()
            sampler.join()
            browser.close()
    seconds = [s.get("plan_seconds", float("inf")) for s in state.values()]
    if failure:
        print(f"stopped: {failure}", flush=True)
    bound = BASE_MB + n * PER_SESSION_MB
    top, q = peak[0] / MB, p95(seconds)
    print(f"{n} sessions at once, load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} cores; all of it in {wall:.0f} s")
    print(f"sessions held:         {held}/{n} — {'PASS' if held == n else 'MISS'} "
          "(each its own plan, exactly its own projects)")
    print(f"peak server memory:    {top:.0f} MB (from {start / MB:.0f} MB at start) — "
          f"{'PASS' if top <= bound else 'MISS'} (target ≤ {bound} MB)")
    print(f"time to a plan:        p95 {q:.1f} s, median {p50(seconds):.1f}"
          f" s — {'PASS' if q <= P95_S else 'MISS'} (target ≤ {P95_S:.0f} s)")


if __name__ == "__main__":
    main()
