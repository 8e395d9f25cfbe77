"""What a planner on Windows relies on, tested on Linux by forcing the portable paths: the
output-folder lock (portalocker: exclusive to write, shared to read, removed by its last
holder), file contents flushed to the disk before each atomic replace, and the two-rename swap
where no atomic exchange exists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import kcopt
from kcopt.io import folders, locks, write

TRY = ("import sys; from pathlib import Path; from kcopt.io.locks import hold; "
       "fh = hold(Path(sys.argv[1]), shared=sys.argv[2] == 'shared', wait=False); "
       "print('locked' if fh else 'busy')")


def other_process_tries(path: Path, shared: bool) -> str:
    out = subprocess.run([sys.executable, "-c", TRY, str(path), "shared" if shared else "ex"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_exclusive_keeps_others_out_and_shared_lets_readers_in(tmp_path: Path) -> None:
    path = tmp_path / ".out.kcopt-lock"
    fh = locks.hold(path)
    assert fh is not None
    assert other_process_tries(path, shared=True) == "busy"
    assert other_process_tries(path, shared=False) == "busy"
    locks._release(fh, path)
    assert not path.exists()
    fh = locks.hold(path, shared=True)
    assert fh is not None
    assert other_process_tries(path, shared=True) == "locked"
    assert other_process_tries(path, shared=False) == "busy"
    locks._release(fh, path)
    assert not path.exists(), "the last holder removes the lock file"


@pytest.mark.parametrize("unlink_while_open", [True, False])
def test_runs_into_one_folder_leave_no_lock_file(tmp_path: Path, monkeypatch,
                                                 unlink_while_open: bool) -> None:
    """Both ways of removing the lock file (POSIX removes an open file; Windows only a closed
    one, forced here) leave nothing beside the folder, with runs taking turns in threads."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(locks, "UNLINK_WHILE_OPEN", unlink_while_open)
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    out = tmp_path / "out"
    with ThreadPoolExecutor(2) as pool:
        budgets = (100000, 90000)
        runs = list(pool.map(lambda c: kcopt.run(sc.with_budget(central=c), out=out,
                                                 plots=False, xlsx=False), budgets))
    assert len(runs) == 2
    assert kcopt.load_output(out).summary.budgets.central in budgets
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_files_reach_the_disk_before_they_replace_the_old(tmp_path: Path, monkeypatch) -> None:
    """Every file of a run's set, and the folders holding them, are flushed (fsync) before the
    set replaces the previous one; a lone file written atomically too."""
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write.write_json({"a": 1}, tmp_path / "one.json")
    assert any(s.endswith(".tmp") and "one.json" in s for s in synced)
    assert str(tmp_path) in synced
    synced.clear()
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    out = tmp_path / "out"
    kcopt.run(sc, out=out, plots=False, xlsx=False)
    names = {Path(s).name for s in synced}
    for f in out.iterdir():
        assert f.name in names, f"{f.name} was not flushed before the swap"
    assert str(tmp_path) in synced, "the folder entry of the new set was not flushed"


def test_a_lock_that_cannot_be_taken_is_a_clear_error(tmp_path: Path) -> None:
    """A folder whose parent cannot hold the lock file (read-only) says so in words."""
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        if os.access(parent, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        with pytest.raises(kcopt.KcoptError) as err, folders.folder_lock(parent / "out"):
            pass
        assert "ro" in str(err.value) and "Traceback" not in str(err.value)
    finally:
        parent.chmod(0o755)
