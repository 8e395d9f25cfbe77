"""The whole sensitivity suite as `kcopt sensitivity` runs it, and its files: the CSVs of design
§7, `sensitivity.xlsx` with one sheet each, and the plots a planner shows a committee."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kcopt.io.write import atomic_write, write_csv, write_json
from kcopt.sensitivity.analyses import budget_sweep, policy_prices, tornado, weight_robustness
from kcopt.sensitivity.ranging import ranging
from kcopt.solve import Result

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
                    margins: int = 5) -> Sensitivity:
    """Every analysis of design §7 on a solved result. For a MIP, ranging and prices are those
    of the LP with the selection fixed (labelled so), and the `margins` projects nearest the
    selection margin get their selection margin (each costs several MIP re-solves)."""
    result.raise_for_status()
    t: dict[str, float] = {}

    def timed(name, fn, *a, **k):
        t0 = time.perf_counter()
        out = fn(*a, **k)
        t[name] = round(time.perf_counter() - t0, 4)
        return out

    rp, rc = timed("ranging", ranging, result)
    sweep = timed("budget_sweep", budget_sweep, result, points=sweep_points, grid=grid,
                  jobs=jobs, scheduler=scheduler, progress=progress)
    robust = timed("weight_robustness", weight_robustness, result, draws=draws,
                   concentration=concentration, bounds=bounds, seed=seed, jobs=jobs,
                   scheduler=scheduler, progress=progress)
    torn = timed("tornado", tornado, result, jobs=jobs, scheduler=scheduler, progress=progress)
    prices = timed("policy_prices", policy_prices, result, jobs=jobs, scheduler=scheduler,
                   progress=progress)
    settings = {"draws": draws, "seed": seed, "concentration": concentration,
                "bounds": bounds or {}, "sweep_points": sweep_points, "grid": grid,
                "failed_draws": robust.attrs.get("failed", 0),
                "failed_sweep_points": int((sweep["status"] != "optimal").sum())}
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
    from kcopt import outputs

    if not outputs.staged(out):
        with outputs.amending(out, outputs.SENSITIVITY_FILES, "sensitivity") as folder:
            files = write_sensitivity(s, result, folder, plots)
        return [out / f.relative_to(folder) for f in files]
    files = [write_csv(_for_csv(df), out / f"{name}.csv") for name, df in s.tables().items()]
    files.append(atomic_write(out / "sensitivity.xlsx", lambda p: _write_xlsx(s, p)))
    files.append(write_json({"settings": s.settings, "scenario": result.model.scenario.resolved(),
                             "objective": result.objective,
                             "conditional_on_selection": bool(result.model.lp.integer.any())},
                            out / "sensitivity.json"))
    if plots:
        from kcopt.sensitivity import plots as sp

        files += sp.write_plots(s, result, out / "plots")
    return files


def _for_csv(df: pd.DataFrame) -> pd.DataFrame:
    """Floats at fixed precision so repeated runs give identical files; infinity as `inf`."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [f"{v:.10g}" if v == v else "" for v in out[col]]
    return out


def _for_xlsx(df: pd.DataFrame) -> pd.DataFrame:
    """Numbers stay numbers (rounded to 10 significant digits, as in the CSVs, so repeated runs
    give identical workbooks); infinity is written `inf`, a missing value as an empty cell."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [float(f"{v:.10g}") if np.isfinite(v) else v for v in out[col]]
    return out


SHEETS = {"ranging_projects": "Ranging đề án", "ranging_constraints": "Ranging ràng buộc",
          "budget_sweep": "Quét ngân sách", "weight_robustness": "Độ vững trọng số",
          "tornado": "Tornado", "policy_prices": "Giá chính sách",
          "selection_margins": "Biên lựa chọn"}


def _write_xlsx(s: Sensitivity, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, df in s.tables().items():
            sheet = SHEETS[name]
            _for_xlsx(df).to_excel(writer, sheet_name=sheet, index=False, inf_rep="inf")
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = ws.dimensions
            for col in ws.columns:
                for c in col:  # text such as a project named "=HYPERLINK(…)": never a formula
                    if c.data_type == "f":
                        c.data_type = "s"
                width = max(len(str(c.value or "")) for c in list(col)[:200])
                ws.column_dimensions[col[0].column_letter].width = min(max(10, width + 2), 60)
        writer.book.properties.created = _fixed_time()
        writer.book.properties.modified = _fixed_time()


def _fixed_time():
    import os
    from datetime import UTC, datetime

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)
