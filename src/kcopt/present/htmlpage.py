"""The page kit of the committee report (`htmlreport`): its stylesheet, and escaped text,
bilingual headings, tables, cards and figures as HTML fragments. One self-contained page: inline
CSS, figures as PNG data URIs, nothing fetched."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CSS = """
:root { --ink:#1d2733; --muted:#5b6775; --line:#d5dbe3; --band:#f3f6f9; --accent:#1f5fa8; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; line-height: 1.45;
       font-size: 14px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 18px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h1 .en, h2 .en, h3 .en, th .en { color: var(--muted); font-weight: normal; }
h1 .en { display: block; font-size: 17px; }
h2 { font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 4px;
     margin-top: 34px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.meta, .note, figcaption { color: var(--muted); }
.note { background: var(--band); border-left: 4px solid #f9a825; padding: 8px 12px; }
nav.toc ol { columns: 2; margin: 6px 0 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
        background: var(--band); }
.card .label { font-size: 12px; color: var(--muted); }
.card .value { font-size: 21px; font-weight: bold; }
.card .sub { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left;
         vertical-align: top; }
th { background: var(--band); font-weight: 600; }
th .en { display: block; font-size: 11px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.reason { font-size: 11.5px; color: #33404d; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
          margin-right: 6px; vertical-align: -1px; }
figure { margin: 10px 0 18px; text-align: center; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
code { background: var(--band); padding: 1px 4px; border-radius: 3px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px;
         border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.toc { break-after: page; }
  section { break-before: page; }
  section#headline { break-before: auto; }
  h2, h3 { break-after: avoid; }
  figure, .card, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""


def figure_uri(fig: Figure, dpi: int = 100) -> str:
    """A matplotlib figure as a PNG data URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def bi(vi: str, en: str) -> str:
    return f"{esc(vi)} <span class=en>{esc(en)}</span>"


def head_label(label: str) -> str:
    vi, _, en = label.partition(" / ")
    return bi(vi, en) if en else esc(vi)


def figure_html(fig: Figure, caption: str) -> str:
    return (f'<figure><img src="{figure_uri(fig)}" alt="{esc(caption)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


Column = tuple[str, Callable[[pd.Series], str], bool]


def table_html(rows: pd.DataFrame | Iterable[pd.Series], columns: Sequence[Column],
           cls: str = "") -> str:
    """`columns`: (heading 'vi / en', cell text as HTML from a row, numeric?)."""
    it = rows.iterrows() if isinstance(rows, pd.DataFrame) else enumerate(rows)
    head = "".join(f"<th{' class=num' if num else ''}>{head_label(h)}</th>"
                   for h, _fn, num in columns)
    body = []
    for _i, r in it:
        cells = "".join(f"<td{' class=num' if num else ''}>{fn(r)}</td>"
                        for _h, fn, num in columns)
        body.append(f"<tr>{cells}</tr>")
    return (f"<table{f' class={cls}' if cls else ''}><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def swatch_html(colour: str) -> str:
    return f'<span class=swatch style="background:{esc(colour)}"></span>'


def card_html(label: str, value: str, sub: str = "") -> str:
    return (f"<div class=card><div class=label>{head_label(label)}</div>"
            f"<div class=value>{value}</div><div class=sub>{sub}</div></div>")
