"""annex.xlsx written by a forked child while the parent writes allocation.xlsx: the same file
as written in process, and a failure raised in the parent as a user would see it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kcopt
from kcopt.io import forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def test_annex_from_the_child_equals_the_annex_written_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # earlier tests may leave idle executor threads in this process; kcopt then writes in
    # process, which is not what this test is about
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv(forked.ENV, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # both runs stamped alike
    assert forked.can_fork()
    forks = []
    real_fork = os.fork

    def fork() -> int:  # the real fork, counted
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(forked.os, "fork", fork)
    child = kcopt.run(kcopt.demo_scenario_path(), out=tmp_path / "child", plots=False)
    assert len(forks) == 1
    monkeypatch.setenv(forked.ENV, "1")
    here = kcopt.run(kcopt.demo_scenario_path(), out=tmp_path / "here", plots=False)
    assert len(forks) == 1
    assert [p.name for p in child.files] == [p.name for p in here.files]
    for name in ("annex.xlsx", "allocation.xlsx"):
        a, b = (tmp_path / "child" / name).read_bytes(), (tmp_path / "here" / name).read_bytes()
        assert len(a) > 10_000 and a == b, name


def test_a_failed_child_raises_in_the_parent(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv(forked.ENV, raising=False)
    blocked = tmp_path / "annex.xlsx"
    blocked.mkdir()  # a folder where the file should go

    def write() -> Path:
        blocked.write_bytes(b"x")
        return blocked

    writing = forked.start(write, blocked)
    assert writing.pid is not None  # forked
    with pytest.raises(IsADirectoryError):
        writing()


def test_a_child_still_writing_is_stopped(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv(forked.ENV, raising=False)
    writing = forked.start(lambda: (time.sleep(60), tmp_path)[1], tmp_path / "f")
    pid = writing.pid
    assert pid is not None
    writing.stop()
    with pytest.raises(ChildProcessError):  # ended and reaped
        os.waitpid(pid, 0)
