"""Every file a run writes, in one place: the solve's files (`run`, `write_outputs`), the
diagnosis of an infeasible scenario, the sensitivity files and a comparison's files. Each set
replaces its output folder whole (`kcopt.io.folders`); each file is written atomically.

The solve's files: allocation.csv, constraints.csv, allocation_by_year.csv (plans over years),
changes.csv (a re-plan against an approved plan), summary.json, allocation.xlsx, annex.xlsx
(the plan in the official annex layout) and plots/*.png; an infeasible scenario writes
diagnosis.json instead and raises `InfeasibleError` carrying it. The sensitivity files: the
CSVs of the suite (docs/contract.md §7), `sensitivity.xlsx` with one sheet each,
sensitivity.json and the plots a planner shows a committee.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kcopt.analysis.report import allocation_by_year
from kcopt.analysis.reserve import RESERVE_FIRST
from kcopt.core.errors import InfeasibleError, OutputError
from kcopt.core.language import scenario_language
from kcopt.core.memory import give_back
from kcopt.core.text import ascii_name
from kcopt.core.words import _, os_reason
from kcopt.inputs.approved import BASIS_FILE
from kcopt.inputs.scenario import Scenario, load_scenario
from kcopt.io import folders
from kcopt.io.write import atomic_write, write_csv, write_json
from kcopt.model import Model
from kcopt.pipeline import Run
from kcopt.pipeline import run as compute
from kcopt.present.comparison import Comparison
from kcopt.present.plots import comparison as comparison_figure
from kcopt.solvers.solve import Result

if TYPE_CHECKING:  # start-up: the sensitivity modules load only when their files are written
    from kcopt.analysis.sensitivity.suite import Sensitivity


def default_output_dir(scenario: Scenario) -> Path:
    return Path("out") / (ascii_name(scenario.name) or "scenario")


def run(scenario: Scenario | str | Path, out: Path | None = None, solver: str | None = None,
        mip: bool | None = None, time_limit: float | None = None, plots: bool = True,
        write_model: Path | None = None, xlsx: bool = True, reserve: int = RESERVE_FIRST,
        lean: bool = False) -> Run:
    """Solve a scenario end to end (`kcopt.pipeline.run`) and write its outputs to `out`
    (None: write nothing). `reserve`: waiting projects listed per fund in reserve.csv.
    `lean` (`kcopt solve`, which only writes and says the run): the solver's instances are let
    go before the files are written (`Result.release_solver`), so neither this process nor the
    writer child it forks carries them."""
    t0 = time.perf_counter()
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    loading = time.perf_counter() - t0  # counted in the "read" stage, as reading the inputs
    with scenario_language(sc.language):  # its files in its language, in this thread only
        return _run(sc, loading, out, solver, mip, time_limit, plots, write_model, xlsx,
                    reserve, lean)


def _run(sc: Scenario, loading: float, out: Path | None, solver: str | None, mip: bool | None,
         time_limit: float | None, plots: bool, write_model: Path | None, xlsx: bool,
         reserve: int = RESERVE_FIRST, lean: bool = False) -> Run:
    assert sc.projects is not None
    inputs = folders.scenario_inputs(sc)
    if out is not None and not folders.staged(out):  # refuse before any work what would lose a file
        folders.OutputFolder(out, inputs).check()
    out_target = folders.target_of(out) if out is not None else None
    model_in_out = (write_model is not None and out_target is not None
                    and _inside(write_model, out_target))
    if write_model is not None and not model_in_out:
        folders.check_model_path(write_model, inputs)
    if out is not None and plots:  # the plot process imports matplotlib while this one solves
        from kcopt.present.figures import plotjob  # start-up: the child imports matplotlib

        plotjob.prepare()
        try:  # a child never sent a summary (the solve raised) is ended and reaped here
            return _solve_and_write(sc, loading, out, solver, mip, time_limit, plots,
                                    write_model, xlsx, reserve, lean)
        finally:
            plotjob.discard()
    return _solve_and_write(sc, loading, out, solver, mip, time_limit, plots, write_model, xlsx,
                            reserve, lean)


def _solve_and_write(sc: Scenario, loading: float, out: Path | None, solver: str | None,
                     mip: bool | None, time_limit: float | None, plots: bool,
                     write_model: Path | None, xlsx: bool, reserve: int = RESERVE_FIRST,
                     lean: bool = False) -> Run:
    """The solve (`kcopt.pipeline.run`) and its files, or diagnosis.json when infeasible."""
    inputs = folders.scenario_inputs(sc)
    out_target = folders.target_of(out) if out is not None else None
    model_in_out = (write_model is not None and out_target is not None
                    and _inside(write_model, out_target))

    def save_model(model: Model) -> None:
        if write_model is not None and not model_in_out:
            _write_model(model, write_model)

    try:
        r = compute(sc, solver=solver, mip=mip, time_limit=time_limit, on_model=save_model,
                    reserve=reserve, on_summary=partial(_summarised, out is not None and plots,
                                                        lean))
    except InfeasibleError as exc:
        if out is not None and isinstance(exc.run, Run):
            infeasible = exc.run
            with folders.writing(out, inputs, command="solve") as folder:
                infeasible.files.append(write_json(diagnosis_json(infeasible),
                                                   folder / "diagnosis.json"))
                if model_in_out:
                    assert write_model is not None and out_target is not None
                    _write_model(infeasible.model, folder / _relative(write_model, out_target))
            infeasible.files = [_relative_to_out(f, folder, out) for f in infeasible.files]
        raise
    r.timings["read"] += loading
    if lean:  # what the files need is in the run's tables: the rest goes before the fork
        r.result.release_solver()
        give_back()
    if out is not None:
        assert r.summary is not None
        t0 = time.perf_counter()
        with folders.writing(out, inputs, command="solve") as folder:
            files = write_outputs(r, folder, plots, xlsx)
            if model_in_out:
                assert write_model is not None and out_target is not None
                _write_model(r.model, folder / _relative(write_model, out_target))
        r.files += [_relative_to_out(f, folder, out) for f in files]
        r.timings["write"] = time.perf_counter() - t0
        r.summary = r.summary.with_timings({k: round(v, 4) for k, v in r.timings.items()})
    return r


def _summarised(plots: bool, lean: bool, r: Run) -> None:
    """What `kcopt.run` does once a run's tables and summary are made, before its reserve list:
    the plot child starts drawing, and with `lean` the solve's instances go before the reserve
    list makes its own (~184 MB at 200,000 projects); its walk starts from the plan's basis
    kept as text (`Result.basis_record`)."""
    if plots:  # the plot child draws while the reserve list is made
        from kcopt.present.figures import plotjob  # start-up: only when plots are drawn

        assert r.summary is not None
        plotjob.send(r.summary)
    if lean:
        r.result.release_solver()


def write_outputs(r: Run, out: Path, plots: bool = True, xlsx: bool = True) -> list[Path]:
    assert r.allocation is not None and r.constraints is not None and r.summary is not None
    plots_done = annex = None
    if xlsx:  # start-up: XlsxWriter only when asked
        from kcopt.io import forked
        from kcopt.present.workbook.annex import write_annex

        # the plan in the official annex layout (~0.08 s per 1,000 proposed), written in a
        # forked child while this process writes the tables and allocation.xlsx (as long
        # again); forked first, so the child starts from this process's memory before those
        # add theirs (issue 28: each process's peak, not their sum, is what grows)
        annex = forked.start(lambda: write_annex(r, out / "annex.xlsx", r.form),
                             out / "annex.xlsx")
    try:
        files = _table_files(r, out)
        if plots:  # drawn beside the workbooks (a child process where the platform allows)
            from kcopt.present.figures.plotjob import (
                start_plots,  # start-up: forks, or imports matplotlib
            )

            plots_done = start_plots(r.summary, out / "plots")
        if xlsx:  # the planner's workbook, streamed with XlsxWriter, and the annex
            from kcopt.present.workbook.allocation import write_allocation_xlsx

            assert annex is not None
            files.append(write_allocation_xlsx(r, out / "allocation.xlsx"))
            _done(annex, files, out)
            changes = getattr(r, "changes", None)  # a re-plan: the adjustment annex too
            if changes is not None and len(changes):
                from kcopt.present.workbook.adjustment import write_run_adjustment

                files.append(write_run_adjustment(r, out / "adjustment.xlsx"))
    except BaseException:  # no child left writing into a folder about to be removed
        for child in (plots_done, annex):
            if child is not None:
                child.stop()
        raise
    if plots_done is not None:
        _done(plots_done, files, out)
    return files


# inside `children_later`: its folder, and the children writing there, waited for on leaving it
_LATER: ContextVar[tuple[Path, list[Any]] | None] = ContextVar("kcopt_later", default=None)


@contextlib.contextmanager
def children_later(folder: Path) -> Iterator[list[Path]]:
    """Inside the block `run` into `folder` (a staging folder of `folders.writing`, which the
    block must be inside) leaves the files its child processes write there (annex.xlsx, the
    solve's plots) under way rather than waiting for them, so the caller works meanwhile
    (`kcopt sensitivity`: its analyses); leaving the block waits for them and puts their paths
    in the list it gave. On an error they are ended (their staging folder goes)."""
    waiting: list[Any] = []
    token = _LATER.set((Path(folder), waiting))
    files: list[Path] = []
    try:
        try:
            yield files
        finally:
            _LATER.reset(token)
        for child in waiting:
            _done(child, files, folder)
    except BaseException:
        for child in waiting:
            child.stop()
        raise


def _done(child: Callable[[], Path | list[Path]], files: list[Path], out: Path) -> None:
    """A child's file (or files) in `out` put in `files` once it is done (`forked.Writing`,
    `plotjob.Drawing`); left under way inside `children_later(out)` until the block ends."""
    later = _LATER.get()
    if later is not None and later[0] == Path(out):
        later[1].append(child)
        return
    got = child()
    files.extend(got if isinstance(got, list) else [got])


def _table_files(r: Run, out: Path) -> list[Path]:
    """The CSVs and summary.json of a run."""
    assert r.allocation is not None and r.constraints is not None and r.summary is not None
    files = [write_csv(r.allocation, out / "allocation.csv"),
             write_csv(r.constraints, out / "constraints.csv")]
    if r.scenario.years:
        files.append(write_csv(allocation_by_year(r.result), out / "allocation_by_year.csv"))
    if r.changes is not None:  # a re-plan against an approved plan (issue 25)
        files.append(write_csv(r.changes, out / "changes.csv"))
    if r.reserve is not None:  # the reserve list (danh sách dự phòng), every solve
        files.append(write_csv(r.reserve, out / "reserve.csv"))
    # without the timings, which vary run to run: summary.json stays reproducible
    files.append(write_json(r.summary.as_dict(timings=False), out / "summary.json"))
    kept = r.result.basis_record()
    if kept is not None:  # where a re-plan against this folder's plan starts (issue 25)
        files.append(write_json(kept, out / BASIS_FILE))
    return files


def _write_model(model: Model, path: Path) -> None:
    from kcopt.solvers.pulp_backend import write_model  # start-up: PuLP only for --write-model

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_model(model.lp, path, model.scenario.name)
    except OSError as exc:
        raise OutputError(_("--write-model '{path}': cannot write the model: {reason}").format(
            path=path, reason=os_reason(exc))) from None


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.abspath(folder)) in Path(os.path.abspath(path)).parents


def _relative(path: Path, folder: Path) -> Path:
    return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(folder)))


def _relative_to_out(path: Path, folder: Path, out: Path) -> Path:
    """A file written in the staging folder, named where it now is."""
    try:
        return out / Path(path).relative_to(folder)
    except ValueError:
        return Path(path)


def diagnosis_json(r: Run) -> dict[str, Any]:
    return {"status": "infeasible", "scenario": r.scenario.name,
            "findings": [f.to_dict() for f in r.diagnosis],
            "resolved_scenario": r.scenario.resolved()}


def write_sensitivity(s: Sensitivity, result: Result, out: Path, plots: bool = True) -> list[Path]:
    """The sensitivity files, added to the output set in `out` whole: those of an earlier
    sensitivity run there, and its report, go."""
    if not folders.staged(out):
        with folders.amending(out, folders.SENSITIVITY_FILES, "sensitivity") as folder:
            files = write_sensitivity(s, result, folder, plots)
        return [out / f.relative_to(folder) for f in files]
    # start-up: the sensitivity modules only when sensitivity files are written
    from kcopt.analysis.sensitivity.analyses import selection_mode

    # analyses run one by one (the app) default to the fixed selection: say so in the files
    s.settings.setdefault("selection", selection_mode(result))
    files = [write_csv(_for_csv(df), out / f"{name}.csv") for name, df in s.tables().items()]
    files.append(atomic_write(out / "sensitivity.xlsx", lambda p: _write_xlsx(s, p)))
    files.append(write_json({"settings": s.settings, "scenario": result.model.scenario.resolved(),
                             "objective": result.objective,
                             "conditional_on_selection": bool(result.model.lp.integer.any())},
                            out / "sensitivity.json"))
    if plots:
        from kcopt.present.figures import sensitivity as sp  # start-up: matplotlib only for plots

        files += sp.write_plots(s, result, out / "plots")
    return files


def _for_csv(df: pd.DataFrame) -> pd.DataFrame:
    """Floats at fixed precision so repeated runs give identical files; infinity as `inf`."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [f"{v:.10g}" if v == v else "" for v in out[col]]
    return out


def _write_xlsx(s: Sensitivity, path: Path) -> None:
    """One sheet per table, written with XlsxWriter: a heading in words over each column's code
(`sensitivity_words`), codes and infinity in words; numbers stay numbers (rounded to 10
    significant digits, as in the CSVs, so repeated runs give identical workbooks) in the
    Vietnamese-tagged format, a missing value an empty cell. A MIP run adds a notes sheet
    saying what the figures hold fixed."""
    import xlsxwriter  # start-up: only when sensitivity files are written

    from kcopt.analysis.sensitivity.suite import NOTES_SHEET, SHEETS, selection_notes
    from kcopt.present.workbook.sensitivity_words import NUMBER, heading, shown_value
    from kcopt.present.workbook.table_rows import write_table_rows

    # constant memory: rows go out as written, and a table's rows as XML (`table_rows`)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": _fixed_time()})
    bold = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "top",
                          "text_wrap": True})
    code = wb.add_format({"italic": True, "font_color": "#7F7F7F", "border": 1,
                          "align": "center", "font_size": 9})
    number = wb.add_format({"num_format": NUMBER})
    for name, df in s.tables().items():
        ws = wb.add_worksheet(SHEETS[name])
        columns = [str(c) for c in df.columns]
        for c, head in enumerate(columns):  # a row whole before the next (constant memory)
            ws.write_string(0, c, heading(head), bold)
        for c, head in enumerate(columns):
            ws.write_string(1, c, head, code)  # the code, as the CSV's header
        values = [[shown_value(col, v) for v in df[col].tolist()] for col in columns]
        write_table_rows(ws, 2, values, number)
        ws.freeze_panes(2, 0)
        if columns:
            ws.autofilter(1, 0, len(df) + 1, len(columns) - 1)
        for c, col in enumerate(values):
            width = max([len(columns[c]), min(len(heading(columns[c])), 24)]
                        + [len(_shown(v)) for v in col[:199]])
            ws.set_column(c, c, min(max(10, width + 2), 60))
    notes = selection_notes(str(s.settings.get("selection", "lp")),
                            s.selection_margins is not None)
    if notes:
        ws = wb.add_worksheet(NOTES_SHEET)
        ws.set_column(0, 0, 120, wb.add_format({"text_wrap": True, "valign": "top"}))
        for r, line in enumerate(notes):
            ws.write_string(r, 0, line)
    wb.close()


def _shown(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float):
        return "inf" if v == float("inf") else f"{v:.10g}"
    return str(v)


def _fixed_time() -> datetime:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


def write_comparison(cmp: Comparison, folder: Path, plot: bool = True) -> list[Path]:
    """compare_*.csv, compare.json (headline and sentences), compare.txt and compare.png:
    they replace `folder` whole, which must not hold the two outputs compared."""
    inputs = [o.folder for o in (cmp.a, cmp.b) if o.folder is not None]
    with folders.writing(folder, inputs, family="compare", command="compare") as stage:
        files = [write_csv(t, stage / f"compare_{name}.csv")
                 for name, t in cmp.tables().items()]
        files.append(write_json({"labels": list(cmp.labels), "headline": cmp.headline,
                                 "threshold": cmp.threshold, "sentences": cmp.sentences},
                                stage / "compare.json"))
        text = "\n".join(cmp.sentences) + "\n"

        def write_text(p: Path) -> None:
            p.write_text(text, encoding="utf-8")

        files.append(atomic_write(stage / "compare.txt", write_text))
        if plot:
            from kcopt.present.figures.charts import save_png  # start-up: matplotlib only for plots

            files.append(save_png(comparison_figure(cmp), stage / "compare.png"))
    return [folder / f.relative_to(stage) for f in files]
