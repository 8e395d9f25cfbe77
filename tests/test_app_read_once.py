"""The app reads an uploaded project list once, as `kcopt solve` does (issue 28): the bytes
read and hashed when the scenario is loaded are the bytes validated and solved
(`Scenario.project_data()` passed down to the readers), not the file read again."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kcopt

pytest.importorskip("streamlit.testing.v1", reason="the app extra is not installed")

from kcopt.app import engine
from kcopt.app.workspace import Workspace

DEMO = kcopt.demo_scenario_path().parent
PROJECTS = DEMO / "projects.csv"


def _padded(mark: str) -> bytes:
    """The demo list with a long note on every row (about 1.6 MB): the list's own reads
    dwarf every other file the app reads in a rerun."""
    frame = pd.read_csv(PROJECTS, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame["Ghi chú"] = mark * 2000
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _bytes_read() -> int:
    """Bytes this process has read through read(2) and the like so far (Linux)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def test_the_list_validated_is_the_list_loaded() -> None:
    ws = Workspace()
    try:
        ws.save("projects", "ds.csv", PROJECTS.read_bytes())
        _projects, _budgets, data = engine.demo_inputs()
        sc = engine.load(ws, data)
        # the file changes after the scenario was loaded: what is checked is what was hashed
        ws.save("projects", "ds.csv", b"not,a,project,list\n")
        assert len(engine.read(sc)) == 800
        assert engine.list_key(sc)[0] == sc.input_hashes["projects.csv"]
    finally:
        ws.close()


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="Linux /proc needed")
def test_the_page_reads_an_uploaded_list_once() -> None:
    from test_app import page, upload

    at = page()
    label = "Danh sách đề án"
    upload(at, label, "a.csv", _padded("a"))  # warm: modules, rules and geography read once
    data = _padded("b")
    before = _bytes_read()
    upload(at, label, "b.csv", data)
    read = _bytes_read() - before
    assert any("Đã đọc 800 đề án từ b.csv" in s.value for s in at.success)
    assert len(data) <= read < 1.5 * len(data), (read, len(data))  # once, not three times
    before = _bytes_read()
    at.run()  # a rerun with nothing new: the scenario is loaded again, the list read once
    read = _bytes_read() - before
    assert read < 1.5 * len(data), (read, len(data))
