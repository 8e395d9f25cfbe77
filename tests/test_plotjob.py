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
    monkeypatch.setattr(plotjob.forked.threading, "active_count", lambda: 1)
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

    monkeypatch.setattr(plotjob.forked.threading, "active_count", lambda: 1)
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


def note_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Plot children forked from here on, really (fork allowed in this test process), each
    `prepare` that forks noting its pid in the list returned."""
    from kcopt.present.figures import plotjob

    monkeypatch.setattr(plotjob.forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv("KCOPT_PLOTS_IN_PROCESS", raising=False)
    forked: list[int] = []
    real_prepare = plotjob.prepare

    def prepare() -> None:  # the real fork, its pid noted
        real_prepare()
        if plotjob._prepared is not None and plotjob._prepared[0] not in forked:
            forked.append(plotjob._prepared[0])

    monkeypatch.setattr(plotjob, "prepare", prepare)
    return forked


def _gone(pid: int) -> bool:
    """The process has ended and been reaped (a zombie still answers signal 0)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _failing(tmp_path: Path, how: str) -> Path:
    """A scenario whose solve raises after the plot child is forked: infeasible (a must-fund
    project above its budget), or a bad cell found when the list is validated."""
    import pandas as pd
    import yaml

    cost = -5 if how == "input" else 100
    pd.DataFrame([{"project_id": "A", "name": "a", "province": "Lâm Đồng",
                   "category": "training", "level": "local", "total_cost": cost,
                   "requested": 80, "score": 1, "must_fund": 1}]).to_csv(
        tmp_path / "p.csv", index=False)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"name": "t", "projects": "p.csv",
                                    "budgets": {"central": 0, "local": {"Lâm Đồng": 10}}}),
                    encoding="utf-8")
    return path


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
@pytest.mark.parametrize(("how", "error"), [("infeasible", kcopt.InfeasibleError),
                                            ("input", kcopt.InputError)])
def test_no_plot_child_is_left_when_the_solve_raises(tmp_path: Path, how: str, error: type,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from kcopt.present.figures import plotjob

    forked = note_forks(monkeypatch)
    with pytest.raises(error):
        kcopt.run(_failing(tmp_path, how), out=tmp_path / "out")
    assert len(forked) == 1
    assert _gone(forked[0]) and plotjob._prepared is None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_no_plot_child_is_left_drawing_when_a_workbook_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child has its summary and draws while the parent writes the workbooks; when a
    workbook cannot be written the child is ended and reaped before the error goes on (the
    staging folder it draws into is about to be removed)."""
    from kcopt.outputs import write_outputs
    from kcopt.present.figures import plotjob

    monkeypatch.setattr(plotjob.forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv("KCOPT_PLOTS_IN_PROCESS", raising=False)
    r = kcopt.run(kcopt.demo_scenario_path(), out=None)
    drawing: list[int] = []
    real_start = plotjob.start_plots

    def start_plots(summary: dict, folder: Path):  # the real child, its pid noted
        assert plotjob._prepared is not None
        drawing.append(plotjob._prepared[0])
        return real_start(summary, folder)

    monkeypatch.setattr(plotjob, "start_plots", start_plots)
    plotjob.prepare()
    (tmp_path / "allocation.xlsx").mkdir()  # a folder where the workbook goes: it fails
    with pytest.raises(OSError):
        write_outputs(r, tmp_path)
    assert len(drawing) == 1 and _gone(drawing[0])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_child_sent_the_summary_early_writes_when_told_the_folder(
        summary: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary goes to the child as soon as it exists (`send`, before the reserve list and
    the workbooks) and the child draws in memory; the folder follows with `start_plots`. The
    budget-use plot is drawn by a grandchild on a third core: the same bytes as in process."""
    from kcopt.core import forkwork
    from kcopt.present.figures import plotjob

    monkeypatch.setattr(plotjob.forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv("KCOPT_PLOTS_IN_PROCESS", raising=False)
    monkeypatch.setattr(forkwork, "cores", lambda: plotjob.SPLIT_CORES)
    here = write_plots(summary, tmp_path / "here")
    plotjob.prepare()
    plotjob.send(summary)
    assert plotjob._sent is not None and plotjob._sent[0] is summary
    assert not (tmp_path / "child").exists()  # nowhere to write yet
    drawn = start_plots(summary, tmp_path / "child")()
    assert plotjob._prepared is None and plotjob._sent is None
    assert [p.name for p in drawn] == list(PLOT_FILES)
    for a, b in zip(here, drawn, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_child_drawing_another_summary_or_language_is_replaced(
        summary: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child sent one summary (or language) and then asked for another ends; a fresh one
    draws what was asked. A child discarded while drawing ends and writes nothing."""
    from kcopt.present.figures import plotjob

    monkeypatch.setattr(plotjob.forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv("KCOPT_PLOTS_IN_PROCESS", raising=False)
    with kcopt.core.language.using("en"):
        english = write_plots(summary, tmp_path / "en")
    plotjob.prepare()
    plotjob.send(summary)  # in Vietnamese, the default
    assert plotjob._prepared is not None
    first = plotjob._prepared[0]
    with kcopt.core.language.using("en"):
        drawn = start_plots(summary, tmp_path / "child")()
    assert _gone(first)
    for a, b in zip(english, drawn, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    plotjob.prepare()
    plotjob.send(summary)
    assert plotjob._prepared is not None
    drawing = plotjob._prepared[0]
    plotjob.discard()
    assert _gone(drawing) and plotjob._prepared is None and plotjob._sent is None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_kcopt_solve_sends_the_summary_before_the_reserve_list(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`kcopt solve` hands the plot child its summary as soon as the summary exists, so the
    plots are drawn while the reserve list is made and the CSVs and workbooks are written."""
    import kcopt.pipeline
    from kcopt.present.figures import plotjob

    monkeypatch.setattr(plotjob.forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv("KCOPT_PLOTS_IN_PROCESS", raising=False)
    events: list[str] = []
    real_send, real_reserve = plotjob.send, kcopt.pipeline.reserve_list

    def send(summary) -> None:
        events.append("send")
        real_send(summary)

    def reserve_list(*args, **kwargs):
        events.append("reserve")
        return real_reserve(*args, **kwargs)

    monkeypatch.setattr(plotjob, "send", send)
    monkeypatch.setattr(kcopt.pipeline, "reserve_list", reserve_list)
    r = kcopt.run(kcopt.demo_scenario_path(), out=tmp_path / "out")
    assert events[:2] == ["send", "reserve"]  # start_plots sends again: a no-op then
    assert r.reserve is not None and len(r.reserve)
    assert sorted(p.name for p in (tmp_path / "out" / "plots").iterdir()) == sorted(PLOT_FILES)


def test_a_plot_is_drawn_once_when_saved_with_the_same_bytes(
        summary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tight_layout` leaves a placeholder layout engine, which made `savefig` draw each figure
    twice (once without rendering). `save_png` draws it once, and writes byte for byte what
    matplotlib's own `savefig` of the same figure writes."""
    from io import BytesIO

    import pandas as pd
    from matplotlib.figure import Figure

    from kcopt.present.figures import charts

    def budget_use() -> Figure:
        return charts.plot_budget_use(pd.DataFrame(summary.by_province), summary.totals.central,
                                      summary.budgets.central)

    plain = charts.local_numbers(budget_use())
    expected = BytesIO()
    plain.savefig(expected, format="png", dpi=110, metadata={"Software": None},
                  pil_kwargs={"compress_level": 1})
    fig = budget_use()
    draws: list[Figure] = []
    real_draw = Figure.draw

    def draw(self: Figure, renderer) -> None:
        draws.append(self)
        real_draw(self, renderer)

    monkeypatch.setattr(Figure, "draw", draw)
    charts.save_png(fig, tmp_path / "budget_use.png")
    assert draws == [fig]
    assert (tmp_path / "budget_use.png").read_bytes() == expected.getvalue()
