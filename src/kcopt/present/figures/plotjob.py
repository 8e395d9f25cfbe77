"""The solve's three PNG plots drawn beside the rest of `kcopt solve`: in a forked child process
that imports matplotlib while the parent solves, and draws while the parent makes the reserve
list and writes the CSVs, allocation.xlsx and annex.xlsx, so the plots (the longest of the
writers) use a core of their own; with a third core the child forks a grandchild for the
budget-use plot, about half the drawing.

`prepare()`, called before the solve, forks the child early: it imports matplotlib and warms
the fonts while the parent reads, validates and solves, then waits for the summary (sent
through a pipe, with the language in use). `kcopt solve` forks it earlier still (`prepared()`),
before it loads pandas or the solver (the child loads pandas itself); what the warm-up loads is
frozen out of the garbage collector's passes (`kcopt.core.memory.paused_collection`).
`send(summary)`, as soon as the solve's summary exists, lets it draw the PNGs in memory while
the parent makes the reserve list and writes the CSVs; `start_plots(summary, folder)` then
tells it the folder, where it writes them (each atomically). A prepared child ends when
`discard()` closes its pipe (`kcopt.outputs` does on every way out of a solve, an error too; a
child already drawing is ended), when the next one is prepared, or when this process exits.

This module imports neither matplotlib nor the plot code: the child does. Where fork is not
available (Windows), unsafe (other Python threads running, e.g. the browser app's server) or
switched off (`KCOPT_PLOTS_IN_PROCESS=1`), or when the child fails, the plots are drawn in this
process — so a user error (a full disk, a read-only folder) is raised here as usual.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from kcopt.core.language import set_language
from kcopt.core.memory import paused_collection
from kcopt.core.words import get_language
from kcopt.io import forked

if TYPE_CHECKING:
    from kcopt.analysis.summary import Summary

PLOT_FILES = ("allocation_by_category.png", "allocation_by_region.png", "budget_use.png")


def write_plots(summary: Summary, folder: Path) -> list[Path]:
    """Draw and write the three plots of a solve's summary into `folder`."""
    return _write(draw(summary), folder)


def draw(summary: Summary) -> list[bytes]:
    """The three plots of a solve's summary as PNG bytes (`PLOT_FILES`, in that order)."""
    return [_draw(summary, i) for i in range(len(PLOT_FILES))]


def _draw(summary: Summary, which: int) -> bytes:
    """One plot of a solve's summary (`PLOT_FILES[which]`) as PNG bytes."""
    import pandas as pd

    # start-up: pandas, numpy, matplotlib only when this runs
    from kcopt.present.figures import charts as pl

    s = summary
    if which == 0:
        fig = pl.plot_by_category(pd.DataFrame(s.by_category))
    elif which == 1:
        fig = pl.plot_by_region(pd.DataFrame(s.by_region))
    else:
        fig = pl.plot_budget_use(pd.DataFrame(s.by_province), s.totals.central,
                                 s.budgets.central)
    return pl.png_bytes(fig)


SPLIT_CORES = 3  # the parent, the annex child and this one take two: a grandchild needs a third


def _draw_beside(summary: Summary) -> list[bytes]:
    """`draw`, in the child: with a core to spare (`SPLIT_CORES`), the budget-use plot (the
    largest, about half the drawing) by a forked grandchild that sends its PNG back through a
    pipe; drawn here if it fails. On two cores the grandchild only adds work (~0.05–0.3 s of
    CPU, more under load: copied pages): the drawing waits for a core either way."""
    from kcopt.core.forkwork import cores  # start-up: multiprocessing in the child only

    if cores() < SPLIT_CORES:
        return draw(summary)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the grandchild
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(_draw(summary, 2))
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    first = [_draw(summary, 0), _draw(summary, 1)]
    with os.fdopen(read_end, "rb") as pipe:
        last = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        last = _draw(summary, 2)
    return [*first, last]


def _write(pngs: list[bytes], folder: Path) -> list[Path]:
    # start-up: the writer imports pandas, which `kcopt solve` forks this module's child before
    from kcopt.io.write import atomic_write

    return [atomic_write(folder / name, partial(_put, data))
            for name, data in zip(PLOT_FILES, pngs, strict=True)]


def _put(data: bytes, path: Path) -> None:
    path.write_bytes(data)


def _can_fork() -> bool:
    return forked.can_fork("KCOPT_PLOTS_IN_PROCESS")


# the prepared child: its pid, the write end of its pipe, and what it was sent to draw (the
# summary and the language), None until `send`
_prepared: tuple[int, BinaryIO] | None = None
_sent: tuple[Summary, str] | None = None


def prepare() -> None:
    """Fork the plot child now, so it imports matplotlib while this process works; a child
    already prepared and not yet sent anything to draw is kept (`kcopt solve` forks it before
    it imports the solver and the tables, and `kcopt.outputs` then finds it ready)."""
    global _prepared
    if _prepared is not None and _sent is None:
        return
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
            _child(read_end)
            code = 0
        finally:
            os._exit(code)
    os.close(read_end)
    _prepared = (pid, os.fdopen(write_end, "wb"))


def _child(read_end: int) -> None:
    """The child's work: warm up, then draw what it is sent and write it where it is told."""
    with paused_collection():  # matplotlib's objects out of the drawing's collections
        _warm()
    with os.fdopen(read_end, "rb") as pipe:
        try:
            summary, language = pickle.load(pipe)
            set_language(language)
            pngs = _draw_beside(summary)
            folder = pickle.load(pipe)
        except EOFError:  # discarded: nothing to draw or nowhere to write
            return
    _write(pngs, folder)


def _warm() -> None:
    """What every drawing pays once, paid while the parent solves: matplotlib, the plot code
    and the summary's record imported, the fonts loaded, the PNG writer ready, the rules and
    regions read."""
    from io import BytesIO

    # start-up: pandas, numpy, matplotlib only when this runs
    from kcopt.analysis import summary  # noqa: F401  (the record the summary is unpickled into)
    from kcopt.present.figures import charts

    fig, ax = charts.new_figure(figsize=(1, 1))
    ax.set_title(chr(0x0110))  # a Vietnamese capital (D with stroke): its glyph loaded
    ax.set_xlabel("0", fontsize=8)
    fig.savefig(BytesIO(), **charts.PNG)
    charts.category_colours()
    charts.region_colours()


@contextlib.contextmanager
def prepared(plots: bool = True) -> Iterator[None]:
    """The plot child forked now (`prepare`, when `plots`), so its imports run beside the
    caller's, and ended on the way out if nothing took it (`discard`): an error before the
    solve leaves no child waiting."""
    if plots:
        prepare()
    try:
        yield
    finally:
        discard()


def send(summary: Summary) -> None:
    """Give the prepared child the summary to draw now, in the language in use: it draws in
    memory while this process goes on; `start_plots` tells it where to write."""
    global _sent
    if _prepared is None or _sent is not None:
        return
    try:
        pickle.dump((summary, get_language()), _prepared[1])
        _prepared[1].flush()
    except OSError:  # the child is gone: `start_plots` draws here
        discard()
        return
    _sent = (summary, get_language())


def discard() -> None:
    """End a prepared child, waiting or drawing: it has written nothing yet (it writes once
    `start_plots` tells it the folder, and is no longer prepared then)."""
    global _prepared, _sent
    if _prepared is not None:
        (pid, pipe), _prepared, _sent = _prepared, None, None
        os.kill(pid, signal.SIGKILL)  # nothing of this process's to flush: it is a fork
        with contextlib.suppress(OSError):  # a child gone before reading all it was sent
            pipe.close()
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
    global _prepared, _sent
    if _sent is not None and (_sent[0] is not summary or _sent[1] != get_language()):
        discard()  # the child draws something else: a fresh one draws this
    if _prepared is None:
        prepare()
    send(summary)
    if _prepared is None:  # no fork here, or the child is gone
        return Drawing(summary, folder, None, write_plots(summary, folder))
    (pid, pipe), _prepared, _sent = _prepared, None, None
    try:
        with pipe:
            pickle.dump(folder, pipe)
    except OSError:  # the child is gone: draw here
        os.waitpid(pid, 0)
        return Drawing(summary, folder, None, write_plots(summary, folder))
    return Drawing(summary, folder, pid)
