"""Plots for notebooks and reports, each returning a matplotlib `Figure`.

Every plot takes what a notebook has at hand — a `Result`, a `Run`, an output folder, a
`Sensitivity` or a `Comparison` — and uses the same colour for a content type or a region
everywhere (`category_colours()`, `region_colours()`). Titles and axis labels are in
the language in use (Vietnamese by default); amounts are in million VND with thousands
separators.

Examples
--------
>>> import kcopt
>>> kcopt.set_language("vi")
>>> fig = kcopt.plots.allocation_by_region(kcopt.run(kcopt.demo_scenario_path()))
>>> fig.axes[0].get_xlabel()  # in the language in use: kcopt.set_language("vi" or "en")
'triệu đồng'
>>> kcopt.set_language(None)
"""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from kcopt.analysis.wording import money
from kcopt.core.errors import InputError
from kcopt.core.words import _, fixed, sig
from kcopt.present.comparison import EPS
from kcopt.present.views import Outcome, outcome

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kcopt.analysis.sensitivity.suite import Sensitivity
    from kcopt.pipeline import Run
    from kcopt.present.comparison import Comparison
    from kcopt.solvers.solve import Result

__all__ = ["allocation_by_category", "allocation_by_region", "budget_frontiers",
           "budget_heatmap", "budget_use", "by_year", "category_colours", "comparison",
           "policy_prices", "region_colours", "robustness", "tornado"]


F = TypeVar("F", bound=Callable[..., Any])


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return buf.getvalue()


def _shown_in_jupyter(fn: F) -> F:
    """Make the returned figure display as a PNG in Jupyter whatever the matplotlib backend
    (kcopt's figures live outside pyplot, so the inline backend does not show them twice)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "IPython" in sys.modules:
            from IPython import get_ipython
            from matplotlib.figure import Figure

            shell = get_ipython()
            if shell is not None:
                shell.display_formatter.formatters["image/png"].for_type(Figure, _png)
        # start-up: matplotlib only when a figure is drawn
        from kcopt.present.figures.charts import local_numbers

        return local_numbers(fn(*args, **kwargs))

    return wrapper  # type: ignore[return-value]


def category_colours() -> dict[str, str]:
    """One fixed colour per content type code, the same in every plot."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.charts import category_colours as colours

    return colours()


def region_colours() -> dict[str, str]:
    """One fixed colour per region code, the same in every plot."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.charts import region_colours as colours

    return colours()


@_shown_in_jupyter
def allocation_by_category(source: Outcome | Result | Run | str | Path) -> Figure:
    """Support by content type, central and local stacked, against demand (the caps)."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.charts import plot_by_category

    return plot_by_category(pd.DataFrame(outcome(source).summary.by_category))


@_shown_in_jupyter
def allocation_by_region(source: Outcome | Result | Run | str | Path) -> Figure:
    """Support by region, central and local stacked, against demand (the caps)."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.charts import plot_by_region

    return plot_by_region(pd.DataFrame(outcome(source).summary.by_region))


@_shown_in_jupyter
def budget_use(source: Outcome | Result | Run | str | Path) -> Figure:
    """The central budget and each province's local budget against what was allocated."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.charts import plot_budget_use

    s = outcome(source).summary
    return plot_budget_use(pd.DataFrame(s.by_province), s.totals.central, s.budgets.central)


@_shown_in_jupyter
def by_year(source: Outcome | Result | Run | str | Path) -> Figure:
    """A multi-year programme: what each fund pays out per plan year against its budget."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.charts import MILLIONS, new_figure

    s = outcome(source).summary
    if s.by_year is None:
        raise InputError("this is a single-period plan: add years: [2026, …] to the scenario "
                         "for a multi-year programme")
    t = pd.DataFrame(s.by_year)
    fig, ax = new_figure(figsize=(9, 4.5))
    x = range(len(t))
    ax.bar([i - 0.2 for i in x], t["central"], width=0.4, color="#1f5fa8",
           label=_("central"))
    ax.bar([i + 0.2 for i in x], t["local"], width=0.4, color="#e08a1e",
           label=_("local"))
    ax.plot([i - 0.2 for i in x], t["central_budget"], "k_", markersize=22,
            label=_("budget"))
    ax.plot([i + 0.2 for i in x], t["local_budget"], "k_", markersize=22)
    ax.set_xticks(list(x), [str(y) for y in t["year"]])
    ax.yaxis.set_major_formatter(MILLIONS)
    ax.set_ylabel(_("million VND"))
    ax.set_title(_("Paid out per plan year and fund"))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _table(source: Any, name: str) -> pd.DataFrame:
    # start-up: scipy, yaml only when this runs
    from kcopt.analysis.sensitivity.suite import Sensitivity

    if isinstance(source, pd.DataFrame):
        return source
    if isinstance(source, Sensitivity):
        return source.tables()[name]
    o = outcome(source)
    if name not in o.sensitivity:
        raise InputError(_("{label} has no {name}.csv; run `kcopt sensitivity SCENARIO -o "
                           "{folder}` (or kcopt.run_sensitivity) first").format(
            label=o.label, name=name, folder=o.folder or "OUT"))
    return o.sensitivity[name]


@_shown_in_jupyter
def budget_frontiers(source: Sensitivity | pd.DataFrame | str | Path) -> Figure:
    """The objective and the allocation by content type as each budget varies."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.sensitivity import plot_frontiers

    return plot_frontiers(_table(source, "budget_sweep"))


@_shown_in_jupyter
def budget_heatmap(source: Sensitivity | pd.DataFrame | str | Path) -> Figure:
    """The objective over the central × local budget grid."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.sensitivity import plot_heatmap

    return plot_heatmap(_table(source, "budget_sweep"))


@_shown_in_jupyter
def tornado(source: Sensitivity | pd.DataFrame | str | Path) -> Figure:
    """Each weight and each budget ±20%: the change in the objective."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.sensitivity import plot_tornado

    return plot_tornado(_table(source, "tornado"))


@_shown_in_jupyter
def robustness(source: Sensitivity | pd.DataFrame | str | Path) -> Figure:
    """Per project, the share of weight draws in which it is funded, by robustness class."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.sensitivity import plot_robustness

    return plot_robustness(_table(source, "weight_robustness"))


@_shown_in_jupyter
def policy_prices(source: Sensitivity | pd.DataFrame | str | Path) -> Figure:
    """The score each policy target costs (solved with and without it)."""
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.charts import new_figure

    t = _table(source, "policy_prices").copy()
    t["score_given_up"] = pd.to_numeric(t["score_given_up"], errors="coerce").fillna(0.0)
    with_ = pd.to_numeric(t["objective_with"], errors="coerce")
    t["pct"] = (100 * t["score_given_up"] / with_).fillna(0.0)
    t = t.sort_values("score_given_up").reset_index(drop=True)
    fig, ax = new_figure(figsize=(9, 0.5 * len(t) + 1.8))
    ax.barh([f"{n} ({k.replace('_', ' ')} {g})" for n, k, g in
             zip(t["target"], t["kind"], t["goal"], strict=True)],
            t["score_given_up"], color="#6a51a3")
    for i, (v, pct) in enumerate(zip(t["score_given_up"], t["pct"], strict=True)):
        ax.text(v, i, f" {sig(v, 3)} ({fixed(pct, 2)}%)", va="center", fontsize=8)
    ax.set_xlabel(_("Score given up (points)"))
    ax.set_title(_("What each policy target costs"))
    ax.margins(x=0.25)
    fig.tight_layout()
    return fig


@_shown_in_jupyter
def comparison(cmp: Comparison) -> Figure:
    """Change in support by region, by content type, and for the projects that moved most."""
    from matplotlib.figure import Figure

    # start-up: matplotlib only when this runs
    from kcopt.present.figures.charts import MILLIONS, OTHER_COLOUR, colour_swatches

    top = cmp.changed_projects().head(15)
    categories = cmp.categories[cmp.categories["delta_total"].abs() > EPS]
    fig = Figure(figsize=(15, max(8.0, 0.32 * len(categories) + 5)))
    grid = fig.add_gridspec(2, 2, height_ratios=[len(cmp.regions) + 2, len(categories) + 2])
    panels = (
        (fig.add_subplot(grid[0, 0]), cmp.regions, "region", region_colours(),
         _("By region")),
        (fig.add_subplot(grid[1, 0]), categories, "category", category_colours(),
         _("Content types that changed")),
    )
    for ax, table, by, colours, title in panels:
        t = table.sort_values("delta_total").reset_index(drop=True)
        labels = [f"{n} ({c})" for n, c in zip(t["name_vi"], t[by], strict=True)]
        ax.barh(labels, t["delta_total"], color=[colours.get(c, OTHER_COLOUR) for c in t[by]])
        _annotate(ax, t["delta_total"])
        colour_swatches(ax, [colours.get(c, OTHER_COLOUR) for c in t[by]])
        ax.set_title(title, fontsize=10)
        _delta_axis(ax, MILLIONS)
        ax.tick_params(axis="y", labelsize=8)
    ax = fig.add_subplot(grid[:, 1])
    colours = category_colours()
    t = top.iloc[::-1].reset_index(drop=True)
    names = [f"{pid} {str(n)[:34]}{'…' if len(str(n)) > 34 else ''}"
             for pid, n in zip(t["project_id"], t["name"], strict=True)]
    ax.barh(range(len(t)), t["delta_total"],
            color=[colours.get(c, OTHER_COLOUR) for c in t["category"]])
    ax.set_yticks(range(len(t)), names, fontsize=8)
    _annotate(ax, t["delta_total"])
    ax.set_title(_("Projects that moved most"), fontsize=10)
    _delta_axis(ax, MILLIONS)
    if t.empty:
        ax.text(0.5, 0.5, _("No change"), transform=ax.transAxes,
                ha="center")
    a, b = cmp.labels
    fig.suptitle(_("Change in allocation: {a} → {b}\n(million VND, B − A)").format(a=a, b=b),
                 fontsize=11)
    fig.tight_layout()
    return fig


def _annotate(ax: Any, values: pd.Series) -> None:
    for i, v in enumerate(values):
        ax.text(v, i, f" {money(v, signed=True)} ", va="center", fontsize=7,
                ha="left" if v >= 0 else "right")


def _delta_axis(ax: Any, formatter: Any) -> None:
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlabel(_("Change (million VND)"))
    ax.margins(x=0.2)
