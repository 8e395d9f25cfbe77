"""Committee plots: the budget frontiers, the central × local heatmap, the tornado and the
robustness chart. Titles in Vietnamese with English; amounts in million VND."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from kcopt.analysis.wording import parameter_label
from kcopt.core.words import N_, _, num
from kcopt.present.figures.charts import MILLIONS, category_colours, new_figure, save_png

if TYPE_CHECKING:
    from kcopt.analysis.sensitivity.suite import Sensitivity
    from kcopt.solvers.solve import Result

CLASS_COLOURS = {"core": "#2e7d32", "borderline": "#f9a825", "exterior": "#c62828"}
CLASS_LABELS = {"core": N_("core"), "borderline": N_("borderline"), "exterior": N_("exterior")}


def plot_frontiers(sweep: pd.DataFrame) -> Figure:
    fig, axes = new_figure(2, 2, figsize=(12, 8), sharey="row")
    for col, (kind, xcol, label) in enumerate((
            ("central", "central_budget", _("central budget")),
            ("local", "local_budget", _("total local budgets")))):
        t = sweep[(sweep["sweep"] == kind) & (sweep["status"] == "optimal")]
        ax = axes[0, col]
        ax.plot(t[xcol], t["objective"], marker="o", color="#1f5fa8")
        ax.set_title(_("Score vs {budget}").format(budget=label), fontsize=10)
        ax.set_ylabel(_("Objective (total score)"))
        ax.xaxis.set_major_formatter(MILLIONS)
        ax = axes[1, col]
        cats = [c for c in t.columns if c.startswith("category:")]
        colours = category_colours()
        ax.stackplot(t[xcol], *[t[c] for c in cats], labels=[c.split(":", 1)[1] for c in cats],
                     colors=[colours[c.split(":", 1)[1]] for c in cats])
        ax.set_xlabel(_("{budget} (million VND)").format(budget=label))
        ax.set_ylabel(_("Allocated (million VND)"))
        ax.xaxis.set_major_formatter(MILLIONS)
        ax.yaxis.set_major_formatter(MILLIONS)
    axes[1, 1].legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.suptitle(_("Budget frontiers"))
    fig.tight_layout()
    return fig


def plot_heatmap(sweep: pd.DataFrame) -> Figure:
    g = sweep[sweep["sweep"] == "grid"]
    # pivot on the factors: budgets of 0 (no local money) give one amount for every factor
    table = g.pivot(index="local_factor", columns="central_factor", values="objective")
    central = g.groupby("central_factor")["central_budget"].first().reindex(table.columns)
    local = g.groupby("local_factor")["local_budget"].first().reindex(table.index)
    fig, ax = new_figure(figsize=(8, 6))
    im = ax.imshow(table.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(table.columns)), [num(v) for v in central], rotation=45)
    ax.set_yticks(range(len(table.index)), [num(v) for v in local])
    ax.set_xlabel(_("Central budget (million VND)"))
    ax.set_ylabel(_("Local budgets, total (million VND)"))
    for (i, j), v in np.ndenumerate(table.to_numpy()):
        ax.text(j, i, "—" if v != v else num(v, 1), ha="center", va="center", fontsize=7,
                color="white")
    fig.colorbar(im, label=_("Objective (total score)"))
    ax.set_title(_("Score by central × local budget"))
    fig.tight_layout()
    return fig


def plot_tornado(torn: pd.DataFrame) -> Figure:
    t = torn[torn["status"] == "optimal"]
    params = list(dict.fromkeys(t["parameter"]))
    span = {p: t.loc[t["parameter"] == p, "delta_objective"].abs().max() for p in params}
    params.sort(key=lambda p: span[p])
    fig, ax = new_figure(figsize=(9, 0.45 * len(params) + 1.5))
    for i, p in enumerate(params):
        for _i, r in t[t["parameter"] == p].iterrows():
            colour = "#1f5fa8" if r["change"] > 0 else "#e08a1e"
            ax.barh(i, r["delta_objective"], color=colour)
            ax.text(r["delta_objective"], i, f" {int(r['projects_changed'] or 0)}",
                    va="center", ha="left" if r["delta_objective"] >= 0 else "right",
                    fontsize=7)
    named = dict(zip(t["parameter"], t["label"], strict=True)) if "label" in t else {}
    ax.set_yticks(range(len(params)), [named.get(p) or parameter_label(p) for p in params])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(_("Change in objective (±20%; n = projects changing status)"), fontsize=8)
    ax.set_title(_("Tornado: weights and budgets ±20%"))
    ax.legend(handles=[Patch(color="#1f5fa8", label=_("raised by 20%")),
                       Patch(color="#e08a1e", label=_("lowered by 20%"))],
              loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_robustness(robust: pd.DataFrame) -> Figure:
    t = robust[robust["class"].isin(list(CLASS_COLOURS))].sort_values(
        "funded_share", ascending=False).reset_index(drop=True)
    fig, ax = new_figure(figsize=(11, 4))
    if not len(t):  # no weight draw was run (--draws 0), or no project could be funded
        ax.text(0.5, 0.5, _("No weight draws were run"),
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(_("Robustness to the priority weights"))
        return fig
    ax.bar(range(len(t)), t["funded_share"], width=1.0,
           color=[CLASS_COLOURS[c] for c in t["class"]])
    handles = [Patch(color=colour,
                     label=f"{_(CLASS_LABELS[cls])} ({int((t['class'] == cls).sum())})")
               for cls, colour in CLASS_COLOURS.items()]
    ax.axhline(0.95, color="#555", linestyle=":", linewidth=0.8)
    ax.axhline(0.05, color="#555", linestyle=":", linewidth=0.8)
    ax.set_xlim(-0.5, len(t) - 0.5)
    ax.set_xlabel(_("Projects sorted by funded share"))
    ax.set_ylabel(_("Funded share of the draws"))
    ax.set_title(_("Robustness to the priority weights"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.tight_layout()
    return fig


def write_plots(s: Sensitivity, result: Result, folder: Path) -> list[Path]:
    return [
        save_png(plot_frontiers(s.budget_sweep), folder / "budget_frontiers.png"),
        save_png(plot_heatmap(s.budget_sweep), folder / "budget_heatmap.png"),
        save_png(plot_tornado(s.tornado), folder / "tornado.png"),
        save_png(plot_robustness(s.weight_robustness), folder / "robustness.png"),
    ]
