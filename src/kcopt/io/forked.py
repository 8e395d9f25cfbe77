"""One file written by a forked child while this process writes others: `kcopt solve` writes
annex.xlsx in a child while it writes allocation.xlsx itself, so the two heaviest writers use
both cores instead of one after the other.

The child inherits everything by the fork (the run, its tables), so nothing is pickled; it
writes the file (atomically, like every writer) and leaves with its exit code, without running
this process's exit handlers. Where fork is not available (Windows), unsafe (other Python
threads running, e.g. the browser app's server) or switched off (`KCOPT_WRITE_IN_PROCESS=1`),
or when the child fails, the file is written in this process, so a user error (a full disk, a
read-only folder) is raised here as usual.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

ENV = "KCOPT_WRITE_IN_PROCESS"


def can_fork(switch: str = ENV) -> bool:
    """Whether a child may be forked now: fork exists, no other Python thread runs (one
    holding a lock at the fork would leave the child's copy locked), and the environment
    variable `switch` does not turn it off (the plots have their own)."""
    return (hasattr(os, "fork") and threading.active_count() == 1
            and os.environ.get(switch, "") not in ("1", "true", "yes"))


class Writing:
    """A file under way: call it to wait for it (its path); `stop()` ends and reaps a child
    still writing, when this process fails before it waits (its staging folder goes)."""

    def __init__(self, write: Callable[[], Path], pid: int | None, path: Path | None = None):
        self.write, self.pid, self.path = write, pid, path

    def __call__(self) -> Path:
        if self.pid is None:
            assert self.path is not None
            return self.path
        pid, self.pid = self.pid, None
        _pid, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:  # write here, so the real error is raised
            return self.write()
        assert self.path is not None
        return self.path

    def stop(self) -> None:
        if self.pid is not None:
            pid, self.pid = self.pid, None
            os.kill(pid, signal.SIGKILL)  # nothing of this process's to flush: it is a fork
            os.waitpid(pid, 0)


def start(write: Callable[[], Path], path: Path) -> Writing:
    """Start `write()` (which writes `path` and returns it) in a forked child; the returned
    `Writing` waits for it. Without fork, `write()` runs here and now."""
    if not can_fork():
        return Writing(write, None, write())
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: leaves without running the parent's exit handlers
        code = 1
        try:
            write()
            code = 0
        finally:
            os._exit(code)
    return Writing(write, pid, path)
