"""What a solved `Result` and a `Comparison` show in Jupyter (`_repr_html_`): compact HTML with
inline styles only, so it looks the same in JupyterLab, VS Code and a rendered notebook."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from kcopt.analysis.wording import money, percent
from kcopt.core.words import N_, _, fixed, status_name
from kcopt.present.views import STATUS_LABELS, breakdown, outcome

if TYPE_CHECKING:
    from kcopt.present.comparison import Comparison
    from kcopt.solvers.solve import Result

NB_STYLE = "border-collapse:collapse;font-size:12px"
NB_CELL = "padding:2px 8px;border-bottom:1px solid #ddd"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _swatch(colour: str) -> str:
    return (f'<span style="display:inline-block;width:10px;height:10px;margin-right:5px;'
            f'background:{_e(colour)}"></span>')


def _nb_table(rows: list[list[str]], head: list[str], numeric: set[int]) -> str:
    def cell(tag: str, i: int, v: str) -> str:
        align = "right" if i in numeric else "left"
        return f'<{tag} style="{NB_CELL};text-align:{align}">{v}</{tag}>'

    out = [f'<table style="{NB_STYLE}"><tr>'
           + "".join(cell("th", i, h) for i, h in enumerate(head)) + "</tr>"]
    out += ["<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>" for r in rows]
    return "".join(out) + "</table>"


def result_html(result: Result) -> str:
    """What a solved `Result` shows in Jupyter: headline numbers and support by region."""
    if not result.status.has_solution:
        return (f"<b>kcopt — {_e(result.model.scenario.name)}</b>: {_e(result.status.value)}"
                f" ({_e(result.message)}); no allocation.")
    o = outcome(result)
    s = o.summary
    a = o.allocation
    counts = {k: int((a["status"] == k).sum()) for k in STATUS_LABELS}
    b = s.budgets
    head = (f"<p><b>kcopt — {_e(o.name)}</b>: " + _e(_(
        "{status}, objective {objective} ({kind})").format(
            status=s.status, objective=fixed(s.objective or 0, 3),
            kind=s.objective_kind)) + "<br>" + _e(_(
        "central {central} of {central_budget}, local {local} of {local_budget} million "
        "VND").format(central=money(a["central"].sum()), central_budget=money(b.central),
                      local=money(a["local"].sum()), local_budget=money(b.local)))
        + "; " + ", ".join(f"{v} {status_name(k)}" for k, v in counts.items() if v) + "</p>")
    colours = _region_colours()
    regions = breakdown(o, "region")
    rows = [[_swatch(colours.get(str(r["region"]), "#9e9e9e")) + _e(f"{r['name_vi']} "
             f"({r['region']})"), str(r["projects"]), str(r["funded"]), money(r["central"]),
             money(r["local"]), money(r["total"]), percent(r["share"])]
            for _i, r in regions.iterrows()]
    heads = (N_("region"), N_("number of projects"), N_("funded"), N_("central"), N_("local"),
             N_("total"), N_("share"))
    table = _nb_table(rows, [_(h) for h in heads], {1, 2, 3, 4, 5, 6})
    return (head + table + "<p style='color:#666;font-size:11px'>" + _e(_(
        "result.allocation() — one row per project with its reason; "
        "kcopt.breakdown(result, by='category'); kcopt.write_report(…) for the committee "
        "report.")) + "</p>")


def _region_colours() -> dict[str, str]:
    # start-up: matplotlib only when this runs
    from kcopt.present.figures.charts import region_colours

    return region_colours()


def comparison_html(cmp: Comparison) -> str:
    """What a `Comparison` shows in Jupyter: the sentences and the change by region and
    content type."""
    a, b = cmp.labels
    parts = [f"<p><b>{_e(a)} → {_e(b)}</b></p><ul>"
             + "".join(f"<li>{_e(t)}</li>" for t in cmp.sentences[:12]) + "</ul>"]
    if len(cmp.sentences) > 12:
        parts.append(f"<p>… {len(cmp.sentences) - 12} more in <code>.sentences</code></p>")
    for by, table in (("region", cmp.regions), ("category", cmp.categories)):
        rows = [[_e(f"{r['name_vi']} ({r[by]})"), money(r["total_a"]), money(r["total_b"]),
                 money(r["delta_total"], signed=True), percent(r["delta_pct"], signed=True),
                 str(r["entered"]), str(r["left"])] for _i, r in table.iterrows()]
        parts.append(_nb_table(rows, [by, "A", "B", "change", "%", "entered", "left"],
                               {1, 2, 3, 4, 5, 6}))
    return "".join(parts)
