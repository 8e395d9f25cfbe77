"""`kcopt solve`'s start-up (issue 28, the demo's whole process): the plot child is forked
before the command loads pandas, the solver and the model, so it loads pandas and matplotlib
beside them and the solve; it is the child the run then draws with, and no child is left when
the command fails before the run."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from test_plotjob import _gone, note_forks

SRC = Path(kcopt.__file__).resolve().parents[1]

# runs `kcopt solve` as its own process, noting at every fork which of pandas, SciPy and
# highspy were loaded then, and whether what was loaded had been frozen out of the garbage
# collector's passes; the plot child notes that too (in a file) when it starts drawing
PROBE = """
import gc, json, os, sys
forks = []
real_fork = os.fork
def fork():
    loaded = [name in sys.modules for name in ("pandas", "scipy", "highspy")]
    loaded.append(gc.get_freeze_count() > 0)
    pid = real_fork()
    if pid:
        forks.append(loaded)
    return pid
os.fork = fork
from kcopt.present.figures import plotjob
real_draw = plotjob._draw_beside
def draw_beside(summary):
    with open(os.environ["PROBE_CHILD"], "w") as note:
        note.write(json.dumps([gc.isenabled(), gc.get_freeze_count() > 100_000]))
    return real_draw(summary)
plotjob._draw_beside = draw_beside
from kcopt.cli import main
sys.argv = ["kcopt", "solve", sys.argv[1], "-o", sys.argv[2]]
try:
    main()
finally:
    print(json.dumps(forks))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_kcopt_solve_forks_the_plot_child_before_importing_the_solver(tmp_path: Path) -> None:
    """Two children (the plots, annex.xlsx: the demo's reserve list is walked here); the
    first, the plot child, before pandas, SciPy or highspy are loaded, the modules loaded by
    then frozen out of the garbage collector's passes (in the child too, after its warm-up);
    the plots it draws are the in-process plots, byte for byte."""
    from kcopt.present.figures.plotjob import PLOT_FILES, write_plots

    env = {**os.environ, "PYTHONPATH": str(SRC), "PROBE_CHILD": str(tmp_path / "child.json")}
    env.pop("KCOPT_PLOTS_IN_PROCESS", None)
    env.pop("KCOPT_WRITE_IN_PROCESS", None)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", PROBE, str(kcopt.demo_scenario_path()),
                           str(out)], capture_output=True, text=True, env=env, check=True)
    forks = json.loads(done.stdout.strip().splitlines()[-1])
    assert forks == [[False, False, False, True], [True, True, True, True]], forks
    # the child draws with the collector on, matplotlib's objects frozen out of its passes
    assert json.loads((tmp_path / "child.json").read_text()) == [True, True]
    summary = kcopt.run(kcopt.demo_scenario_path(), out=None).summary
    assert summary is not None
    here = write_plots(summary, tmp_path / "here")
    for name, path in zip(PLOT_FILES, here, strict=True):
        assert (out / "plots" / name).read_bytes() == path.read_bytes(), name


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_the_early_child_is_the_one_that_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """`prepare` keeps a child prepared and not yet sent anything, so `kcopt.outputs` does not
    fork a second one after the command's own; once sent a summary, the next `prepare` forks
    afresh."""
    from kcopt.present.figures import plotjob

    monkeypatch.setattr(plotjob.forked.threading, "active_count", lambda: 1)
    monkeypatch.delenv("KCOPT_PLOTS_IN_PROCESS", raising=False)
    summary = kcopt.run(kcopt.demo_scenario_path(), out=None).summary
    try:
        plotjob.prepare()
        assert plotjob._prepared is not None
        first = plotjob._prepared[0]
        plotjob.prepare()
        assert plotjob._prepared is not None and plotjob._prepared[0] == first
        plotjob.send(summary)
        plotjob.prepare()
        assert plotjob._prepared is not None and plotjob._prepared[0] != first
        assert _gone(first)
    finally:
        plotjob.discard()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
@pytest.mark.parametrize("broken", ["missing", "bad"])
def test_no_plot_child_is_left_when_kcopt_solve_fails_before_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str) -> None:
    """A scenario that cannot be loaded (missing, or not a scenario) stops the command after
    the plot child was forked: the child is ended and reaped, and the command says why. Run
    in this process (CliRunner), the command freezes nothing of it for the garbage collector:
    only kcopt's own process does (`kcopt.cli.main`)."""
    from kcopt.present.figures import plotjob

    forked = note_forks(monkeypatch)
    scenario = tmp_path / "s.yaml"
    if broken == "bad":
        scenario.write_text("name: [unclosed\n", encoding="utf-8")
    frozen = gc.get_freeze_count()
    done = CliRunner().invoke(app, ["solve", str(scenario), "-o", str(tmp_path / "out")])
    assert done.exit_code != 0
    assert gc.get_freeze_count() == frozen  # a caller's process: nothing of it frozen
    assert len(forked) == 1 and _gone(forked[0]) and plotjob._prepared is None
    assert not (tmp_path / "out").exists()



def test_the_data_files_are_parsed_by_libyaml_with_the_same_values(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """kcopt's own columns.yaml and content_vocabulary.yaml are read by libyaml's C loader
    (PyYAML's pure-Python scanner, ~20 ms of every solve, is not used) and give the values
    the pure loader gives."""
    import yaml
    from yaml.scanner import Scanner

    from kcopt.core import vocabulary
    from kcopt.io import formvocab

    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML without libyaml")
    for name in ("columns.yaml", "content_vocabulary.yaml"):
        text = (Path(vocabulary.__file__).parents[1] / "data" / name).read_text(encoding="utf-8")
        assert vocabulary.data_yaml(name) == yaml.safe_load(text), name
    expected = (vocabulary.column_specs(), formvocab.vocabulary())

    def pure(*_args, **_kwargs):
        raise AssertionError("the pure-Python YAML scanner was used")

    monkeypatch.setattr(Scanner, "check_token", pure)
    for cached in (vocabulary.column_specs, vocabulary._alias_index, formvocab.vocabulary):
        cached.cache_clear()
    try:
        assert (vocabulary.column_specs(), formvocab.vocabulary()) == expected
    finally:
        monkeypatch.undo()
        for cached in (vocabulary.column_specs, vocabulary._alias_index, formvocab.vocabulary):
            cached.cache_clear()


def test_the_summary_groups_count_each_status_per_group() -> None:
    """`summary`'s tables by province, region and content type count funded and partial
    projects column-wise: hand-counted on a small table, a group with neither among them, whole
    numbers as before (the per-group Python calls they replace were on the path to the plots)."""
    import pandas as pd

    from kcopt.analysis.report import _group

    alloc = pd.DataFrame({"province": ["B", "A", "B", "C", "A"],
                          "status": ["funded", "partial", "funded", "unfunded", "funded"],
                          "cap": [1.0, 2.0, 3.0, 4.0, 5.0], "central": [1.0, 0.5, 0.0, 0, 5],
                          "local": [0.0, 0.25, 3.0, 0, 0], "total": [1.0, 0.75, 3.0, 0, 5]})
    table = _group(alloc, "province")
    assert table.to_dict("records") == [
        {"province": "A", "projects": 2, "funded": 1, "partial": 1, "demand": 7.0,
         "central": 5.5, "local": 0.25, "total": 5.75},
        {"province": "B", "projects": 2, "funded": 2, "partial": 0, "demand": 4.0,
         "central": 1.0, "local": 3.0, "total": 4.0},
        {"province": "C", "projects": 1, "funded": 0, "partial": 0, "demand": 4.0,
         "central": 0.0, "local": 0.0, "total": 0.0}]
    assert all(table[c].dtype.kind == "i" for c in ("projects", "funded", "partial"))


def test_modules_loaded_in_a_paused_collection_are_frozen_and_collection_resumes() -> None:
    """`paused_collection`: no collection inside, what was loaded frozen after, the collector
    on again as it was (and left off when it was off); inactive, it changes nothing."""
    from kcopt.core.memory import paused_collection

    frozen = gc.get_freeze_count()
    try:
        with paused_collection():
            assert not gc.isenabled()
            kept = [[i] for i in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + 1000
        gc.disable()
        with paused_collection():
            pass
        assert not gc.isenabled()
        gc.enable()
        before = gc.get_freeze_count()
        with paused_collection(active=False):
            assert gc.isenabled()
            kept.append([0])
        assert gc.isenabled() and gc.get_freeze_count() == before
    finally:
        gc.enable()
        gc.unfreeze()
    assert kept
