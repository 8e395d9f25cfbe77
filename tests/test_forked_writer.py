"""annex.xlsx written by a forked child while the parent writes allocation.xlsx: the same file
as written in process, and a failure raised in the parent as a user would see it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kcopt
from kcopt.io import folders, forked

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


def _counted_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The real fork, its children's pids counted (annex.xlsx's writer, the plot child)."""
    from kcopt.present.figures import plotjob

    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.setattr(plotjob.forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv(forked.ENV, raising=False)
    monkeypatch.delenv("KCOPT_PLOTS_IN_PROCESS", raising=False)
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(forked.os, "fork", fork)
    return forks


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_children_later_waits_for_the_solves_children_when_the_block_ends(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`kcopt sensitivity` runs its analyses while the solve's children write annex.xlsx and
    the plots: inside `children_later` `run` returns without waiting for them; leaving the
    block waits (every child reaped) and names their files, the annex the one written in
    process."""
    from kcopt.outputs import children_later

    forks = _counted_forks(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # both annexes stamped alike
    with folders.writing(tmp_path / "later") as folder, children_later(folder) as later:
        r = kcopt.run(kcopt.demo_scenario_path(), out=folder)
        assert len(forks) == 2 and later == []  # the plot child and the annex's writer
        assert "annex.xlsx" not in [p.name for p in r.files]
    assert all(_reaped(pid) for pid in forks)
    later = [tmp_path / "later" / p.relative_to(folder) for p in later]
    assert sorted(p.name for p in later) == ["allocation_by_category.png",
                                             "allocation_by_region.png", "annex.xlsx",
                                             "budget_use.png"]
    assert all(p.stat().st_size > 10_000 for p in later)
    monkeypatch.setenv(forked.ENV, "1")
    kcopt.run(kcopt.demo_scenario_path(), out=tmp_path / "here", plots=False)
    assert ((tmp_path / "later" / "annex.xlsx").read_bytes()
            == (tmp_path / "here" / "annex.xlsx").read_bytes())


def test_children_later_ends_the_children_on_an_error(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An error in the block (a failed analysis, Ctrl+C) ends and reaps the solve's children
    still writing: none is left behind, and the error is the one raised."""
    from kcopt.outputs import children_later

    forks = _counted_forks(monkeypatch)
    with (pytest.raises(RuntimeError, match="an analysis failed"),
          folders.writing(tmp_path / "out") as folder, children_later(folder)):
        kcopt.run(kcopt.demo_scenario_path(), out=folder)
        assert len(forks) == 2
        raise RuntimeError("an analysis failed")
    assert all(_reaped(pid) for pid in forks)
    assert not (tmp_path / "out").exists()  # the staging folder gone, nothing committed


def test_children_later_for_another_folder_waits_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run into a folder of its own (the library's `kcopt.run(out=…)`, which commits it when
    it returns) waits for its children inside `children_later` too: its files are there."""
    from kcopt.outputs import children_later

    forks = _counted_forks(monkeypatch)
    with folders.writing(tmp_path / "other") as folder, children_later(folder) as later:
        r = kcopt.run(kcopt.demo_scenario_path(), out=tmp_path / "plan")
        assert len(forks) == 2 and all(_reaped(pid) for pid in forks)
    assert later == [] and "annex.xlsx" in [p.name for p in r.files]
    assert (tmp_path / "plan" / "annex.xlsx").stat().st_size > 10_000
    assert len(list((tmp_path / "plan" / "plots").glob("*.png"))) == 3
