"""The solve's three PNG plots drawn beside the workbooks: in a forked child process that
imports matplotlib and draws while the parent writes allocation.xlsx and annex.xlsx, so the two
heaviest writers of `kcopt solve` use both cores instead of one after the other.

`prepare()`, called before the solve, forks the child early: it imports matplotlib while the
parent reads, validates and solves, then waits for the summary to draw (sent through a pipe,
with the language in use). A prepared child that is never sent anything ends when `discard()`
closes its pipe (`kcopt.outputs` does on every way out of a solve, an error too), when the next
one is prepared, or when this process exits.

This module imports neither matplotlib nor the plot code: the child does. Where fork is not
available (Windows), unsafe (other Python threads running, e.g. the browser app's server) or
switched off (`KCOPT_PLOTS_IN_PROCESS=1`), or when the child fails, the plots are drawn in this
process — so a user error (a full disk, a read-only folder) is raised here as usual.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kcopt.core.language import set_language
from kcopt.core.words import get_language

if TYPE_CHECKING:
    from kcopt.analysis.summary import Summary

PLOT_FILES = ("allocation_by_category.png", "allocation_by_region.png", "budget_use.png")


def write_plots(summary: Summary, folder: Path) -> list[Path]:
    """Draw and write the three plots of a solve's summary into `folder`."""
    import pandas as pd

    # start-up: pandas, numpy, matplotlib only when this runs
    from kcopt.present.figures import charts as pl

    s = summary
    return [
        pl.save_png(pl.plot_by_category(pd.DataFrame(s.by_category)),
                    folder / PLOT_FILES[0]),
        pl.save_png(pl.plot_by_region(pd.DataFrame(s.by_region)), folder / PLOT_FILES[1]),
        pl.save_png(pl.plot_budget_use(pd.DataFrame(s.by_province), s.totals.central,
                                       s.budgets.central), folder / PLOT_FILES[2]),
    ]


def _can_fork() -> bool:
    return (hasattr(os, "fork") and threading.active_count() == 1
            and os.environ.get("KCOPT_PLOTS_IN_PROCESS", "") not in ("1", "true", "yes"))


_prepared: tuple[int, int] | None = None  # (pid, write end of its pipe)


def prepare() -> None:
    """Fork the plot child now, so it imports matplotlib while this process works."""
    global _prepared
    discard()
    if not _can_fork():
        return
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: leaves without running the parent's exit handlers
        code = 1
        try:
            os.close(write_end)
            # start-up: pandas, numpy, matplotlib only when this runs
            from kcopt.present.figures import charts  # noqa: F401  (the import is the work done early)

            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
            if data:
                summary, folder, language = pickle.loads(data)
                set_language(language)
                write_plots(summary, folder)
            code = 0
        finally:
            os._exit(code)
    os.close(read_end)
    _prepared = (pid, write_end)


def discard() -> None:
    """End a prepared child that has nothing to draw."""
    global _prepared
    if _prepared is not None:
        pid, write_end = _prepared
        _prepared = None
        os.close(write_end)
        os.waitpid(pid, 0)


class Drawing:
    """The plots under way: call it to wait for them (their paths); `stop()` ends and reaps a
    child still drawing, when the parent fails before it waits (its staging folder goes)."""

    def __init__(self, summary: Summary, folder: Path, pid: int | None,
                 files: list[Path] | None = None):
        self.summary, self.folder, self.pid, self.files = summary, folder, pid, files

    def __call__(self) -> list[Path]:
        if self.pid is None:
            return self.files or []
        pid, self.pid = self.pid, None
        _pid, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:  # draw here, so the real error is raised
            return write_plots(self.summary, self.folder)
        return [self.folder / name for name in PLOT_FILES]

    def stop(self) -> None:
        if self.pid is not None:
            pid, self.pid = self.pid, None
            os.kill(pid, signal.SIGKILL)  # nothing of the parent's to flush: it is a fork
            os.waitpid(pid, 0)


def start_plots(summary: Summary, folder: Path) -> Drawing:
    """Start drawing the plots; the returned `Drawing` waits for them and returns their paths.

    Call it before the parent's own writers and the returned `Drawing` after them (or its
    `stop()` when they fail)."""
    global _prepared
    if _prepared is None:
        prepare()
    if _prepared is None:  # no fork here
        return Drawing(summary, folder, None, write_plots(summary, folder))

    pid, write_end = _prepared
    _prepared = None
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(pickle.dumps((summary, folder, get_language())))
    except OSError:  # the child is gone: draw here
        os.waitpid(pid, 0)
        return Drawing(summary, folder, None, write_plots(summary, folder))
    return Drawing(summary, folder, pid)
