"""The committee report's budgets with money left, each with why in words — no project may draw
on it, every project it may pay receives the most this fund may give, or the projects that could
use it and the binding rows that hold them back — from summary.json's `money_left`
(`analysis.holdback.money_left`) and the plan's constraints.csv."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kcopt.analysis.wording import budget_label, holding_phrase, money
from kcopt.core.words import _, ngettext
from kcopt.model.names import parse_row
from kcopt.present.views import Outcome

SHOWN_IDS = 5  # projects named in a line; the rest counted


def money_left(o: Outcome, budgets: pd.DataFrame) -> dict[str, Any] | None:
    """The budgets that do not bind (`budgets`: their rows of constraints.csv), largest amount
    left first, each with the sentence that says why; None when every budget binds."""
    slack = budgets[~budgets["binding"]].copy()
    if not len(slack):
        return None
    slack["left"] = slack["rhs"] - pd.to_numeric(slack["activity"], errors="coerce")
    slack = slack.sort_values("left", ascending=False)
    records = {str(r.get("name")): r for r in o.summary.money_left
               if isinstance(r, dict)}
    prices = _prices(o.constraints)
    labels = {str(t.get("name")): str(t.get("label") or t.get("name"))
              for t in o.summary.targets}
    intro = (_("Why each of these budgets has money left is said beside it.") if records else
             _("This output does not say why each budget has money left (it was written by an "
               "older kcopt): solve the scenario again to see it."))
    return {"intro": intro, "rows": [
        {"label": budget_label(str(r["name"])), "amount": money(r["rhs"]),
         "left": money(r["left"]), "why": why_left(records.get(str(r["name"])), prices, labels)}
        for _i, r in slack.iterrows()]}


def _prices(cons: pd.DataFrame | None) -> dict[str, tuple[str, float, float]]:
    """Row name → (family, right-hand side, price), from the plan's constraints.csv."""
    if cons is None:
        return {}
    price = pd.to_numeric(cons["shadow_price"], errors="coerce").fillna(0.0)
    rhs = pd.to_numeric(cons["rhs"], errors="coerce")
    return {str(n): (str(f), float(b), float(p)) for n, f, b, p in zip(
        cons["name"], cons["family"], rhs, price, strict=True)}


def why_left(record: dict[str, Any] | None, prices: dict[str, tuple[str, float, float]],
             labels: dict[str, str]) -> str:
    """One budget's money left, in words (empty without its record)."""
    if record is None:
        return ""
    row = parse_row(str(record["name"]))
    fund, province = row.fund, row.province
    if not record.get("projects"):
        return (_("no project in the list may be paid from the central funds") if fund ==
                "central" else _("no project in {province} may be paid from its local "
                                 "funds").format(province=province))
    waiting = [str(p) for p in record.get("waiting") or []]
    if not waiting:
        return ngettext("the one project it may pay is funded in full or receives the most "
                        "this fund may give it",
                        "each of the {count} projects it may pay is funded in full or receives "
                        "the most this fund may give it", int(record["projects"])).format(
            count=money(record["projects"]))
    shown = ", ".join(waiting[:SHOWN_IDS]) + (
        _(" and {count} more").format(count=money(len(waiting) - SHOWN_IDS))
        if len(waiting) > SHOWN_IDS else "")
    rows = [holding_phrase(n, *prices.get(n, ("", 0.0, 0.0)), labels=labels,
                           count=len(waiting)) for n in record.get("held_by") or []]
    if not rows:
        return ngettext("{count} eligible project could use it ({ids}) but would not raise the "
                        "objective (score 0)",
                        "{count} eligible projects could use it ({ids}) but would not raise the "
                        "objective (score 0)", len(waiting)).format(
            count=money(len(waiting)), ids=shown)
    return ngettext("{count} eligible project could use it ({ids}) but is held back: {rows}",
                    "{count} eligible projects could use it ({ids}) but are held back: {rows}",
                    len(waiting)).format(count=money(len(waiting)), ids=shown,
                                         rows=_(" and ").join(dict.fromkeys(rows)))
