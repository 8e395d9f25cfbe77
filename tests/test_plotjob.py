"""The solve's plots drawn in a forked child beside the workbooks: the same files as drawn in
process, and a failure raised in the parent as a user would see it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kcopt
import kcopt.core.language
from kcopt.present.figures.plotjob import PLOT_FILES, start_plots, write_plots


@pytest.fixture(scope="module")
def summary() -> dict:
    run = kcopt.run(kcopt.demo_scenario_path(), out=None)
    assert run.summary is not None
    return run.summary


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_forked_plots_equal_in_process_plots(summary: dict, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from kcopt.present.figures import plotjob

    # earlier tests may leave idle executor threads in this process; kcopt then draws in
    # process, which is not what this test is about
    monkeypatch.setattr(plotjob.threading, "active_count", lambda: 1)
    monkeypatch.delenv("KCOPT_PLOTS_IN_PROCESS", raising=False)
    assert plotjob._can_fork()
    here = write_plots(summary, tmp_path / "here")
    wait = start_plots(summary, tmp_path / "child")
    there = wait()
    assert [p.name for p in there] == list(PLOT_FILES)
    for a, b in zip(here, there, strict=True):
        assert b.stat().st_size > 10_000
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_failed_child_raises_in_the_parent(summary: dict, tmp_path: Path) -> None:
    blocked = tmp_path / "plots"
    blocked.write_text("a file where the plots folder should be")
    with pytest.raises(OSError):
        start_plots(summary, blocked)()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_child_prepared_early_draws_in_the_language_chosen_later(
        summary: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child is forked before the solve; the language a scenario or the caller picks after
    that reaches it with the summary."""
    from kcopt.present.figures import plotjob

    monkeypatch.setattr(plotjob.threading, "active_count", lambda: 1)
    monkeypatch.delenv("KCOPT_PLOTS_IN_PROCESS", raising=False)
    with kcopt.core.language.using("en"):
        english = write_plots(summary, tmp_path / "en")
    plotjob.prepare()
    assert plotjob._prepared is not None
    with kcopt.core.language.using("en"):
        drawn = start_plots(summary, tmp_path / "child")()
    for a, b in zip(english, drawn, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    plotjob.prepare()
    plotjob.discard()  # an unused child ends
    assert plotjob._prepared is None
