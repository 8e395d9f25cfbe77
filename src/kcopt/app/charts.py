"""The app's live charts (Vega-Lite, drawn in the browser, instant on every what-if) in the
session's language: axis titles, legend and groups in words, and the axis ticks and tooltips
written as the language writes numbers (20.000 in Vietnamese).

Vega formats numbers with d3-format, whose default locale is en-US whatever the browser's; a
spec's `config.locale` (Vega 5.13, Vega-Lite 4.17 and later) sets another. `st.bar_chart`
takes no config, so the charts are Vega-Lite specs given to `st.vega_lite_chart`: the data as
a long table (axis, series, value) whose column names are the words shown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kcopt.core.words import _, get_language


def number_locale() -> dict[str, Any]:
    """d3-format's locale for the language in use, from Babel's symbols (as `num` writes)."""
    # start-up: Babel's data on first use
    from babel.numbers import get_decimal_symbol, get_group_symbol

    lang = get_language()
    return {"decimal": get_decimal_symbol(lang), "thousands": get_group_symbol(lang),
            "grouping": [3], "currency": ["", ""]}


def bar_spec(table: pd.DataFrame, series: str, value: str, stack: bool,
             description: str = "") -> dict[str, Any]:
    """A Vega-Lite bar chart of `table` (its index: the groups on the x axis, named by the
    index's name; its columns: the series, coloured, the legend titled `series`); `value`
    titles the y axis. Side by side when not `stack`."""
    axis = str(table.index.name)
    order = [str(c) for c in table.columns]
    encoding: dict[str, Any] = {
        "x": {"field": axis, "type": "nominal", "title": axis, "sort": None,
              "axis": {"labelAngle": -40, "labelLimit": 180}},
        "y": {"field": value, "type": "quantitative", "title": value,
              "stack": "zero" if stack else None, "format": ",~r"},
        "color": {"field": series, "type": "nominal", "title": series,
                  "sort": order, "scale": {"domain": order}},
        "tooltip": [{"field": axis, "type": "nominal"}, {"field": series, "type": "nominal"},
                    {"field": value, "type": "quantitative", "format": ",.6~f"}]}
    if not stack:
        encoding["xOffset"] = {"field": series, "type": "nominal", "sort": order}
    # Vega's own descriptions of axes and bars for screen readers are English sentences
    # ("X-axis titled …"): off; the chart is described by its caption (`description`)
    return {"mark": {"type": "bar"}, "encoding": encoding, "description": description,
            "config": {"locale": {"number": number_locale()}, "aria": False}}


def long_table(table: pd.DataFrame, series: str, value: str) -> pd.DataFrame:
    """`table` (groups × series) as rows of (group, series, value), in the table's order."""
    axis = str(table.index.name)
    frame = table.copy()
    frame.columns = [str(c) for c in frame.columns]
    frame.index = [str(i) for i in frame.index]
    frame.index.name = axis
    return frame.reset_index().melt(id_vars=axis, var_name=series, value_name=value)


def bar_chart(where: Any, table: pd.DataFrame, series: str, stack: bool,
              caption: str) -> None:
    """Draw `table` as bars in `where` (a Streamlit container) under `caption`, its columns
    the series (the legend titled `series`), amounts in million VND."""
    value = _("million VND")
    where.caption(caption)
    where.vega_lite_chart(long_table(table, series, value),
                          bar_spec(table, series, value, stack, caption), width="stretch")
