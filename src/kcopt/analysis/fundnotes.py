"""Why a project is paid (partly) from the fund the scenario's `fund_order` puts second
(docs/contract.md §10): the sentence added to its reason.

The split program (`kcopt.model.funds`) moves every million it can to a project's first fund,
so money left in the second fund is there because the first could not take it: the project's
cap under the first fund is reached, the first fund's budget is used up, a co-financing rule
asks for a local share, or the plan's targets leave the first fund no room.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kcopt.analysis.chained import remember, unchanged
from kcopt.analysis.wording import budget_name
from kcopt.core.words import _, fund_name, get_language, num, pct
from kcopt.model.funds import first_fund
from kcopt.model.names import parse_row
from kcopt.model.program import Model
from kcopt.rules.rates import FUNDS
from kcopt.solvers.solve import Result


def second_fund_notes(result: Result, money: np.ndarray, status: np.ndarray,
                      memo: dict[tuple, str] | None = None,
                      kept: dict[str, Any] | None = None,
                      kinds: dict[str, np.ndarray] | None = None) -> dict[int, str]:
    """Project row → the sentence on its second-fund money, for funded and partly funded
    projects both funds may pay that have some (more than 1 đồng). `memo`, `kept`: a what-if
    chain's worded notes and the facts of its model (`_facts`). `kinds`: where `status` is
    "funded" and "partial", when the caller has them."""
    model = result.model
    if model.preference is None or result.x is None:
        return {}
    frame = model.projects
    lp = model.lp
    facts = _facts(model, kept)
    first = facts["first"]
    second_money = money[np.arange(len(frame)), 1 - first]
    paying = (kinds["funded"] | kinds["partial"]) if kinds is not None else \
        (status == "funded") | (status == "partial")
    told = paying & (second_money > 1e-6) & \
        facts["both"]  # a project only one fund may pay has no choice to explain
    if not told.any():
        return {}
    activity = lp.A @ result.x
    upper = np.where(np.isfinite(lp.row_upper), lp.row_upper, np.inf)
    room = 1e-6 * np.maximum(1.0, np.abs(np.nan_to_num(upper, posinf=0.0)))
    full = np.isfinite(upper) & (activity >= upper - room)
    budget_rows = facts["budget rows"]  # in the program's order, as `_full_budgets` wants
    central, local = _full_budgets([lp.row_names[i] for i in
                                    budget_rows[full[budget_rows]].tolist()])
    matched, provinces = facts["matched_rows"], facts["provinces"]
    share = model.scenario.local_match_min
    # each told project's figures, taken column-wise (a what-if tells several hundred)
    rows = np.flatnonzero(told)
    f = first[rows].astype(int)
    asked = np.where((f == 0) & matched[rows], share * money[rows].sum(axis=1), 0.0)
    budgets = np.array([central if fp == 0 else local.get(provinces[p])
                        for p, fp in zip(rows.tolist(), f.tolist(), strict=True)], dtype=object)
    figures = {"first": f, "asked": asked, "second": second_money[rows],
               "paid": money[rows, f], "cap": model.caps.cap[rows, f].astype(float),
               "budget": budgets}
    said = (get_language(), model.scenario.fund_order == "own_first", share)
    notes = _worded_notes(rows, figures, said, {} if memo is None else memo, kept, len(frame))
    return dict(zip(rows.tolist(), notes.tolist(), strict=True))


def _worded_notes(rows: np.ndarray, figures: dict[str, np.ndarray], said: tuple,
                  memo: dict[tuple, str], kept: dict[str, Any] | None, n: int) -> np.ndarray:
    """The notes of projects `rows`, of their `figures` (first fund, amount the co-financing
    rule asks, second-fund money, first-fund money, first-fund cap, used-up budget) in the
    language, order of funds and local share `said`: a note says these only. A row whose
    figures are those it had in the chain's last table (`kept`) keeps that note; the others
    are found in the chain's memo or worded."""
    lang, own, share = said
    notes = np.empty(len(rows), dtype=object)
    same, last = unchanged(kept, "notes", said, (), rows, figures, n)
    if last is not None:
        notes[same] = last[same]
    at = np.flatnonzero(~same)
    for i, fp, a, second, pf, c, budget in zip(at.tolist(), *(
            figures[k][at].tolist() for k in ("first", "asked", "second", "paid", "cap",
                                                "budget")), strict=True):
        # the note says these figures only: worded once per what-if chain
        key = ("note", lang, own, fp, share, a, second, pf, c, budget)
        note = memo.get(key)
        if note is None:
            note = memo[key] = _note(fp, own, share, a, second, pf, c, budget)
        notes[i] = note
    remember(kept, "notes", said, (), rows, figures, notes, n)
    return notes


def _facts(model: Model, kept: dict[str, Any] | None) -> dict[str, Any]:
    """What the notes read off the model alone: each project's first fund, whether both funds
    may pay it, the projects a co-financing row binds, ids and provinces. A what-if chain keeps
    them (`kept`, its tables): they depend on the projects, the program's rows and the order
    of funds, which a what-if does not change."""
    frame, lp, order = model.projects, model.lp, model.scenario.fund_order
    facts = kept.get("note facts") if kept is not None else None
    if facts is not None and facts["rows"] is lp.row_names and facts["caps"] is model.caps \
            and facts["order"] == order and len(facts["ids"]) == len(frame):
        return facts
    xs = model.x_columns
    may = np.zeros((len(frame), 2), dtype=bool)  # which funds may pay each project
    may[model.col_project[xs], model.col_fund[xs]] = True
    # the family is kept per row: parse only the names of the co-financing rows
    matched = {parse_row(n).project for n, family in zip(lp.row_names, lp.row_family,
                                                         strict=True) if family == "match"}
    facts = {"rows": lp.row_names, "caps": model.caps, "order": order,
             "first": first_fund(frame, order), "both": may.all(axis=1), "matched": matched,
             "ids": frame["project_id"].astype(str).to_numpy(),
             "provinces": frame["province"].astype(str).tolist(),
             "budget rows": np.array([i for i, family in enumerate(lp.row_family)
                                      if family == "budget"], dtype=np.int64)}
    facts["matched_rows"] = np.array([i in matched for i in facts["ids"].tolist()], dtype=bool)
    if kept is not None:
        kept["note facts"] = facts
    return facts


def _note(f: int, own: bool, share: float, asked: float, second: float, paid: float,
          cap: float, budget: str | None) -> str:
    """The sentence on a project's money from its second fund (`f` pays first)."""
    first_words = (_("its own {fund} funds") if own else _("{fund} funds")).format(
        fund=fund_name(FUNDS[f]))
    whys = []
    if asked > 1e-6:
        whys.append(_("the co-financing rule asks for at least {share} of its support from "
                      "local funds").format(share=pct(share)))
    if second - asked > 1e-6:
        whys.append(_no_room(cap, paid, first_words, budget))
    return _("{amount} million of it from {fund} funds: {why}").format(
        amount=num(second, 4), fund=fund_name(FUNDS[1 - f]), why=_(" and ").join(whys))


def _full_budgets(full: list[str]) -> tuple[str | None, dict[str, str]]:
    """The first used-up central budget row of `full` (row names, in the program's order),
    and per province its first used-up local budget row."""
    central: str | None = None
    local: dict[str, str] = {}
    for name in full:
        row = parse_row(name)
        if row.fund == FUNDS[0]:
            central = central or name
        elif row.fund == FUNDS[1]:
            local.setdefault(str(row.province), name)
    return central, local


def _no_room(cap: float, paid: float, first_words: str, budget: str | None) -> str:
    """Why the first fund pays no more: its cap for the project, its budget, or the targets."""
    if np.isfinite(cap) and paid >= cap - 1e-6 * max(1.0, cap):
        return _("{first} may pay at most {cap} million for it").format(
            first=first_words, cap=num(cap, 4))
    if budget is not None:
        return _("{first} have no room left ({budget} fully allocated)").format(
            first=first_words, budget=budget_name(budget))
    return _("the plan's targets leave no room in {first}").format(first=first_words)
