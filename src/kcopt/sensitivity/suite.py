"""The whole sensitivity suite as `kcopt sensitivity` runs it, and its files: the CSVs of design
§7, `sensitivity.xlsx` with one sheet each, and the plots a planner shows a committee."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kcopt.io.write import atomic_write, write_csv, write_json
from kcopt.sensitivity.analyses import (
    budget_sweep,
    policy_prices,
    selection_mode,
    tornado,
    weight_robustness,
)
from kcopt.sensitivity.ranging import ranging
from kcopt.solve import Result
from kcopt.words import _

TABLES = ("ranging_projects", "ranging_constraints", "budget_sweep", "weight_robustness",
          "tornado", "policy_prices")


@dataclass
class Sensitivity:
    ranging_projects: pd.DataFrame
    ranging_constraints: pd.DataFrame
    budget_sweep: pd.DataFrame
    weight_robustness: pd.DataFrame
    tornado: pd.DataFrame
    policy_prices: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    selection_margins: pd.DataFrame | None = None  # MIP runs only

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {name: getattr(self, name) for name in TABLES}
        if self.selection_margins is not None:
            out["selection_margins"] = self.selection_margins
        return out


def run_sensitivity(result: Result, draws: int = 200, seed: int = 0,
                    concentration: float = 50.0,
                    bounds: dict[str, tuple[float, float]] | None = None,
                    sweep_points: int = 11, grid: int = 7, jobs: int = 1,
                    scheduler: str | None = None, progress: bool = False,
                    margins: int = 5, reselect: bool = False) -> Sensitivity:
    """Every analysis of design §7 on a solved result.

    For a MIP, ranging, prices, budget sweeps, weight draws, tornado and policy prices are
    those of the LP with the integer decisions fixed at the plan's selection (labelled so:
    `settings["selection"]` is "fixed"), re-solved from a warm basis in milliseconds;
    `reselect=True` re-solves the whole MIP at every sweep point, draw, tornado end and policy
    price instead (one MIP solve each: seconds per point). Re-selection is what the selection
    margins measure: the `margins` projects nearest the margin get the score at which their
    selection flips (one to a few MIP solves each)."""
    result.raise_for_status()
    t: dict[str, float] = {}

    def timed(name, fn, *a, **k):
        t0 = time.perf_counter()
        out = fn(*a, **k)
        t[name] = round(time.perf_counter() - t0, 4)
        return out

    rp, rc = timed("ranging", ranging, result)
    sweep = timed("budget_sweep", budget_sweep, result, points=sweep_points, grid=grid,
                  jobs=jobs, scheduler=scheduler, progress=progress, reselect=reselect)
    robust = timed("weight_robustness", weight_robustness, result, draws=draws,
                   concentration=concentration, bounds=bounds, seed=seed, jobs=jobs,
                   scheduler=scheduler, progress=progress, reselect=reselect)
    torn = timed("tornado", tornado, result, jobs=jobs, scheduler=scheduler, progress=progress,
                 reselect=reselect)
    prices = timed("policy_prices", policy_prices, result, jobs=jobs, scheduler=scheduler,
                   progress=progress, reselect=reselect)
    settings = {"draws": draws, "seed": seed, "concentration": concentration,
                "bounds": bounds or {}, "sweep_points": sweep_points, "grid": grid,
                "failed_draws": robust.attrs.get("failed", 0),
                "failed_sweep_points": int((sweep["status"] != "optimal").sum()),
                "selection": selection_mode(result, reselect)}
    margin_table = None
    if result.model.lp.integer.any() and margins > 0:
        from kcopt.sensitivity.selection import selection_margins

        margin_table = timed("selection_margins", selection_margins, result,
                             max_projects=margins, jobs=jobs, progress=progress)
    settings["selection_margins"] = margins if margin_table is not None else 0
    return Sensitivity(rp, rc, sweep, robust, torn, prices, t, settings, margin_table)


def write_sensitivity(s: Sensitivity, result: Result, out: Path, plots: bool = True) -> list[Path]:
    """The sensitivity files, added to the output set in `out` whole (`kcopt.outputs`): those
    of an earlier sensitivity run there, and its report, go."""
    from kcopt.io import folders as outputs

    if not outputs.staged(out):
        with outputs.amending(out, outputs.SENSITIVITY_FILES, "sensitivity") as folder:
            files = write_sensitivity(s, result, folder, plots)
        return [out / f.relative_to(folder) for f in files]
    # analyses run one by one (the app) default to the fixed selection: say so in the files
    s.settings.setdefault("selection", selection_mode(result))
    files = [write_csv(_for_csv(df), out / f"{name}.csv") for name, df in s.tables().items()]
    files.append(atomic_write(out / "sensitivity.xlsx", lambda p: _write_xlsx(s, p)))
    files.append(write_json({"settings": s.settings, "scenario": result.model.scenario.resolved(),
                             "objective": result.objective,
                             "conditional_on_selection": bool(result.model.lp.integer.any())},
                            out / "sensitivity.json"))
    if plots:
        from kcopt.figures import sensitivity as sp

        files += sp.write_plots(s, result, out / "plots")
    return files


def _for_csv(df: pd.DataFrame) -> pd.DataFrame:
    """Floats at fixed precision so repeated runs give identical files; infinity as `inf`."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [f"{v:.10g}" if v == v else "" for v in out[col]]
    return out


SHEETS = {"ranging_projects": "Ranging đề án", "ranging_constraints": "Ranging ràng buộc",
          "budget_sweep": "Quét ngân sách", "weight_robustness": "Độ vững trọng số",
          "tornado": "Tornado", "policy_prices": "Giá chính sách",
          "selection_margins": "Biên lựa chọn"}


NOTES_SHEET = "Ghi chú"


def selection_notes(selection: str, margins: bool) -> list[str]:
    """What a MIP run's sensitivity figures hold fixed, in the language in use (none for an
    LP)."""
    if selection == "lp":
        return []
    lines = [_("This plan has integer decisions (all-or-nothing projects, minimum shares, "
               "dependencies, exclusive groups): it was solved as a MIP.")]
    if selection == "fixed":
        lines += [
            _("Ranging, shadow prices, budget sweeps, weight draws, tornado and policy prices "
              "hold the plan's selection of projects fixed: they re-solve the LP with the "
              "integer decisions fixed at this plan's values, so they show how the money moves "
              "among the selected projects, not which projects would be selected instead."),
            _("A sweep point or tornado end marked 'infeasible' is a budget on which the "
              "selected projects no longer fit. `kcopt sensitivity --reselect` re-solves the "
              "whole MIP at every point (one MIP solve each, much slower)."),
        ]
    else:
        lines += [
            _("Budget sweeps, weight draws, tornado and policy prices re-solved the whole MIP at "
              "every point (--reselect): the selection may change from point to point. Ranging "
              "and shadow prices hold the plan's selection fixed."),
        ]
    if margins:
        lines.append(_("The sheet '{sheet}' gives, for the projects nearest the selection "
                       "margin, how far a score must move before the selection changes (found "
                       "by re-solving the MIP).").format(sheet=SHEETS["selection_margins"]))
    return lines


def _cell(ws, r: int, c: int, v, fmt=None) -> None:
    if v is None or (isinstance(v, float) and v != v):
        return
    if isinstance(v, bool | np.bool_):
        ws.write_boolean(r, c, bool(v), fmt)
    elif isinstance(v, int | float | np.integer | np.floating):
        f = float(v)
        if np.isfinite(f):
            ws.write_number(r, c, float(f"{f:.10g}"), fmt)
        else:
            ws.write_string(r, c, "inf" if f > 0 else "-inf", fmt)
    else:  # text such as a project named "=HYPERLINK(…)": never a formula
        ws.write_string(r, c, str(v), fmt)


def _write_xlsx(s: Sensitivity, path: Path) -> None:
    """One sheet per table, written with XlsxWriter; numbers stay numbers (rounded to 10
    significant digits, as in the CSVs, so repeated runs give identical workbooks); infinity is
    written `inf`, a missing value as an empty cell. A MIP run adds a notes sheet saying what
    the figures hold fixed."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": _fixed_time()})
    bold = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "top"})
    for name, df in s.tables().items():
        ws = wb.add_worksheet(SHEETS[name])
        columns = [str(c) for c in df.columns]
        for c, head in enumerate(columns):
            ws.write_string(0, c, head, bold)
        values = [df[col].tolist() for col in df.columns]
        for r, row in enumerate(zip(*values, strict=True), start=1):
            for c, v in enumerate(row):
                _cell(ws, r, c, v)
        ws.freeze_panes(1, 0)
        if columns:
            ws.autofilter(0, 0, len(df), len(columns) - 1)
        for c, col in enumerate(values):
            width = max([len(columns[c])] + [len(_shown(v)) for v in col[:199]])
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


def _fixed_time():
    import os
    from datetime import UTC, datetime

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)
