"""The whole sensitivity suite as `kcopt sensitivity` runs it (its files: `kcopt.outputs`), and
what a MIP run's figures hold fixed, in words."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from kcopt.analysis.sensitivity.analyses import (
    budget_sweep,
    policy_prices,
    selection_mode,
    tornado,
    weight_robustness,
)
from kcopt.analysis.sensitivity.nested import budget_nestedness
from kcopt.analysis.sensitivity.ranging import ranging
from kcopt.analysis.sensitivity.selection import start_selection_margins
from kcopt.core.words import _
from kcopt.solvers.solve import Result

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
    nestedness: pd.DataFrame | None = None  # whether the frontier's selections are nested

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {name: getattr(self, name) for name in TABLES}
        if self.selection_margins is not None:
            out["selection_margins"] = self.selection_margins
        if self.nestedness is not None:
            out["nestedness"] = self.nestedness
        return out


def run_sensitivity(result: Result, draws: int = 200, seed: int = 0,
                    concentration: float = 50.0,
                    bounds: dict[str, tuple[float, float]] | None = None,
                    sweep_points: int = 11, grid: int = 7, jobs: int = 1,
                    scheduler: str | None = None, progress: bool = False,
                    margins: int = 5, reselect: bool = False) -> Sensitivity:
    """Every analysis of docs/contract.md §7 on a solved result.

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

    # queued first: with jobs > 1 the workers start and solve these MIPs meanwhile
    margins_done, started = _start_margins(result, margins, jobs)
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
    nested = timed("nestedness", budget_nestedness, result, points=sweep_points,
                   reselect=reselect)
    settings = {"draws": draws, "seed": seed, "concentration": concentration,
                "bounds": bounds or {}, "sweep_points": sweep_points, "grid": grid,
                "failed_draws": robust.attrs.get("failed", 0),
                "failed_sweep_points": int((sweep["status"] != "optimal").sum()),
                "selection": selection_mode(result, reselect)}
    margin_table = _finish_margins(margins_done, started, progress, t)
    settings["selection_margins"] = margins if margin_table is not None else 0
    settings["nested"] = {str(k): bool(g["nested"].all())
                          for k, g in nested.groupby("sweep", sort=False)}
    return Sensitivity(rp, rc, sweep, robust, torn, prices, t, settings, margin_table, nested)


def _start_margins(result: Result, margins: int,
                   jobs: int) -> tuple[Callable[[bool], pd.DataFrame] | None, float]:
    """The selection margins started (`start_selection_margins`: the first may be found here)
    and the seconds that took; None for a plan without integer decisions or `margins` 0."""
    if not result.model.lp.integer.any() or margins <= 0:
        return None, 0.0
    t0 = time.perf_counter()
    done = start_selection_margins(result, max_projects=margins, jobs=jobs)
    return done, time.perf_counter() - t0


def _finish_margins(done: Callable[[bool], pd.DataFrame] | None, started: float,
                    progress: bool, t: dict[str, float]) -> pd.DataFrame | None:
    """The margins' table (waiting for the workers, or solved here), its time put in `t`."""
    if done is None:
        return None
    t0 = time.perf_counter()
    table = done(progress)
    t["selection_margins"] = round(time.perf_counter() - t0 + started, 4)
    return table


# sheet names of sensitivity.xlsx: the regulations' terms (docs/glossary.md), Vietnamese literals
SHEETS = {"ranging_projects": "Khoảng giữ nguyên đề án",
          "ranging_constraints": "Khoảng giữ nguyên ràng buộc",
          "budget_sweep": "Quét ngân sách", "weight_robustness": "Độ vững trọng số",
          "tornado": "Lốc xoáy ±20%", "policy_prices": "Giá chính sách",
          "selection_margins": "Biên lựa chọn", "nestedness": "Tính lồng nhau"}


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


