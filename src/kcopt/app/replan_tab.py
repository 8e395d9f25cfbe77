"""After approval (issue 25) in the app: the approved plan (uploaded, or the plan shown marked
approved), how the re-plan keeps it (a mid-year adjustment or a supplementary round, locks, a
budget cut or top-up per fund and per province), and the changes table with the totals moved.
Widgets only: the re-plan is the pipeline's (`approved:` and `budget_change:` in the scenario),
its files the library's (changes.csv, adjustment.xlsx)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd
import streamlit as st

from kcopt.app import engine
from kcopt.app.numbers import amount_input
from kcopt.app.tables import EMPTY
from kcopt.core.errors import InputError
from kcopt.core.words import N_, _, num

KEEPS = {"prefer": N_("Mid-year adjustment: change as little as possible"),
         "fixed": N_("Supplementary round: every approved amount stays")}
UNITS = ("%", "million")
DIGITS = 6  # million VND to the đồng


def approved_upload(s: Any) -> None:
    """The upload box of the approved plan (Data tab), saved in the session's folder."""
    file = st.file_uploader(
        _("Approved plan (optional)"), type=["csv", "xlsx"], key="up_approved",
        help=_("To re-plan against an approved plan: the allocation.csv or allocation.xlsx "
               "of kcopt solve, its annex.xlsx, or your --into copy."))
    if file is None or s.seen.get("approved-plan") == file.file_id:
        return
    s.seen["approved-plan"] = file.file_id
    try:
        s.ws.save("approved-plan", file.name, file.getvalue())
    except InputError as exc:
        s.upload_problems = (exc.problems, exc.warnings)
        return
    s.names["approved-plan"] = file.name
    s.solve_now = True


def approved_section(s: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The re-plan's settings (Scenario tab); the scenario data with `approved:` and
    `budget_change:` as chosen."""
    st.subheader(_("After approval: adjust the plan or add a round"))
    base, g = s.base, s.gen
    approved_file = s.ws.file("approved-plan")
    c1, c2 = st.columns(2)
    # not disabled before a solve: the solve runs after this tab is drawn
    clicked = c1.button(_("Use the current plan as approved"), key="approve")
    if clicked and s.plan is None:
        st.warning(_("No plan yet. Press \"Solve\"."))
    elif clicked:
        engine.approve(s.ws, s.plan)
        s.names["approved-plan"] = engine.APPROVED_NAME
        approved_file, s.solve_now = s.ws.file("approved-plan"), True
    if approved_file is not None and c2.button(_("Remove the approved plan"),
                                               key="unapprove"):
        s.ws.drop("approved-plan")
        s.names.pop("approved-plan", None)
        approved_file, s.solve_now = None, True
    out = {k: v for k, v in data.items() if k not in ("approved", "budget_change")}
    settings = dict(base.get("approved") or {})
    if approved_file is None:
        st.info(_("No approved plan: the plan is made from nothing. Upload the approved plan "
                  "in the Data tab, or mark the plan shown as approved."))
    else:
        st.caption(_("Approved plan: {file}").format(
            file=s.names.get("approved-plan", approved_file.name)))
        out["approved"] = keep_settings(s, settings, g)
    change = budget_change_inputs(base.get("budget_change") or {}, g)
    if change:
        out["budget_change"] = change
    return out


def keep_settings(s: Any, settings: dict[str, Any], g: int) -> dict[str, Any]:
    """How the approved plan is kept: `keep:` and `lock:` (the other keys as opened)."""
    shown = {code: _(text) for code, text in KEEPS.items()}
    keep = st.radio(_("How the approved plan is kept"), list(shown),
                    index=1 if settings.get("keep") == "fixed" else 0,
                    format_func=shown.__getitem__, key=f"keep_{g}")
    cached = s.get("projects_cache")
    ids = [] if cached is None else [str(i) for i in cached[1].frame["project_id"]]
    chosen = [str(i) for i in settings.get("lock") or []]
    lock = st.multiselect(_("Locked projects (signed contracts: never change)"),
                          sorted(set(ids) | set(chosen)), default=chosen, key=f"lock_{g}",
                          placeholder=_("Choose projects"),
                          help=_("Projects whose 'Trạng thái' (status) in the project list is "
                                 "'đã ký hợp đồng' are locked too."))
    return {**settings, "keep": keep, "lock": lock}


def budget_change_inputs(change: dict[str, Any], g: int) -> dict[str, Any]:
    """A cut or top-up per fund (KCQG in % or million VND, KCĐP in %) and per province."""
    st.caption(_("Budget change (a cut is negative)"))
    central, central_unit = _change_value(change.get("central"))
    c = st.columns(3)
    unit_words = {"%": "%", "million": _("million VND")}
    unit = c[1].radio(_("Unit"), list(UNITS), index=UNITS.index(central_unit),
                      format_func=unit_words.__getitem__, key=f"central_unit_{g}",
                      horizontal=True)
    # typed as the language writes numbers (-5, -5.000), a cut negative
    central = amount_input(_("National budget (KCQG)"), central, f"central_change_{g}",
                           signed=True, thousands=unit == "million", where=c[0])
    local, _unit = _change_value(change.get("local"))
    local = amount_input(_("Every local budget (KCĐP), %"), local, f"local_change_{g}",
                         signed=True, thousands=False, where=c[2])
    provinces = change.get("provinces") or {}
    with st.expander(_("Change of one province's local budget")):
        frame = pd.DataFrame({"province": list(provinces) or [""],
                              "change": [str(v) for v in provinces.values()] or [""]})
        edited = st.data_editor(frame, num_rows="dynamic", hide_index=True,
                                key=f"province_change_{g}", placeholder=EMPTY, column_config={
                                    "province": _("Province"),
                                    "change": _("Change (e.g. +200 or -5%)")})
        lines = {str(p).strip(): str(v) for p, v in zip(
            edited["province"], edited["change"], strict=True)
            if p is not None and str(p).strip() and v is not None}
    return engine.budget_change(float(central), str(unit), float(local), lines)


def _change_value(value: Any) -> tuple[float, str]:
    """A change as the scenario holds it ("-5%", -5000) → the number and its unit."""
    if value is None:
        return 0.0, "%"
    text = str(value).strip()
    if text.endswith("%"):
        return float(text[:-1].replace("−", "-")), "%"
    try:
        return float(text), "million"
    except ValueError:
        return 0.0, "%"


def changes_section(run: Any) -> None:
    """The changes against the approved plan (Results tab): the money moved, each fund's
    totals and the table, reasons in words."""
    changes = run.changes
    if changes is None:
        return
    st.subheader(_("Changes against the approved plan"))
    moved, count = engine.moved(changes)
    st.write(_("{moved} million VND moved; {count} projects changed.").format(
        moved=num(moved, DIGITS), count=num(count)))
    cols = st.columns(2)
    for col, (fund, before, after, change) in zip(cols, engine.fund_totals(changes),
                                                  strict=True):
        col.metric(_("{fund}: approved {before} → adjusted (million VND)").format(
            fund=fund, before=num(before, DIGITS)), num(after, DIGITS),
            delta=num(change, DIGITS) if abs(change) >= 5e-7 else None)
    frame = engine.changes_frame(changes)
    amounts: list[Hashable] = list(frame.columns[4:7])  # approved, adjusted, change

    def amount(v: Any) -> str:
        return num(float(v), DIGITS)  # 1.450,5 — to the đồng

    st.dataframe(frame.style.format(amount, subset=amounts), hide_index=True, key="changes",
                 placeholder=EMPTY)
