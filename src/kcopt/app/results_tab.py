"""The app's "Results" and "Sensitivity" tabs: the plan's headline, what binds, the allocation
table, the charts, and the sensitivity analysis run on request. Widgets only."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from kcopt.analysis.warned import warning_text
from kcopt.app import engine
from kcopt.app.charts import bar_chart
from kcopt.app.replan_tab import changes_section
from kcopt.app.tables import (
    EMPTY,
    allocation_view,
    analysis_name,
    group_words,
    numbers,
    sensitivity_view,
    styled,
)
from kcopt.core.words import N_, _, fixed, get_language, num, status_name

if TYPE_CHECKING:
    from kcopt.analysis.summary import Summary

STATUSES = ("funded", "partial", "unfunded", "ineligible", "excluded")
# the app's own words for the live charts (codes → messages)
AXES = {"category": N_("Content type"), "region": N_("Region"), "province": N_("Province")}
CHARTS = {"by_category": N_("Support by content type (central, local)"),
          "by_region": N_("Support by region")}
SHOWN_SENTENCES = 12  # binding sentences shown before the rest fold away


def results_section(s: Any) -> None:
    """The last solve's failure, if any, and the plan shown."""
    if s.failure is not None:
        failure_message(s.failure)
    plan = s.plan
    if plan is None:
        if s.failure is None:
            st.info(_("No plan yet. Press \"Solve\"."))
        return
    if s.last_seconds is not None:
        done = _("Re-solved in {s} s.") if plan.changes else _("Solved in {s} s.")
        st.caption(done.format(s=fixed(s.last_seconds, 2)))
    headline(plan.run.summary)
    run = engine.run_in(plan)  # its reasons in the page's language
    changes_section(run)
    if plan.changes:
        st.subheader(_("What changed against the last plan"))
        st.markdown("\n".join(f"- {t}" for t in engine.changes_in(plan)))
    binding(plan.run)
    assert run.allocation is not None, "a plan is a solved run"
    allocation_table(run.allocation)
    st.subheader(_("Plots"))
    figures(s, plan)


def failure_message(failure: tuple[str, Any, dict[str, Any]]) -> None:
    """Why the last solve gave no plan: what to relax, or the solver's message."""
    kind, body, _data = failure
    if kind == "infeasible":
        st.error(_("The scenario is infeasible: its budgets, targets and must-fund projects "
                   "cannot all hold. What to relax:"))
        frame = engine.diagnosis_frame(body)  # said in the page's language
        st.dataframe(styled(frame, numbers(frame)), hide_index=True, key="diagnosis",
                     placeholder=EMPTY)
    else:
        st.error(_("The solver stopped without a plan: {msg}").format(msg=body))


def headline(summ: Summary) -> None:
    """The objective, the funds spent of each budget, the projects funded, unspent budgets."""
    st.subheader(_("Headline"))
    m = st.columns(4)
    unit = _("million VND")
    m[0].metric(_("Objective value"), fixed(summ.objective or 0.0, 3))
    m[1].metric(_("Central funds") + f" ({unit})", fixed(summ.totals.central, 0),
                help=_("of {b} million").format(b=fixed(summ.budgets.central, 0)))
    m[2].metric(_("Local funds") + f" ({unit})", fixed(summ.totals.local, 0),
                help=_("of {b} million").format(b=fixed(summ.budgets.local, 0)))
    c = summ.counts
    m[3].metric(_("Projects funded"), num(c.funded + c.partial),
                help=_("{f} in full, {p} in part").format(f=num(c.funded), p=num(c.partial)))
    for w in summ.warnings:
        if isinstance(w, dict) and w.get("code") == "budget_unspent":
            st.warning(warning_text(w))  # said again in the page's language


def binding(run: Any) -> None:
    """The budgets and targets that bind, in sentences (the first few, the rest folded)."""
    st.subheader(_("Binding budgets and targets"))
    sentences = engine.binding_sentences(run)
    if not sentences:
        st.write(_("No budget or target binds."))
        return
    st.markdown("\n".join(f"- {t}" for t in sentences[:SHOWN_SENTENCES]))
    if len(sentences) > SHOWN_SENTENCES:
        with st.expander(f"+{len(sentences) - SHOWN_SENTENCES}"):
            st.markdown("\n".join(f"- {t}" for t in sentences[SHOWN_SENTENCES:]))


def allocation_table(alloc: pd.DataFrame) -> None:
    """The allocation, filtered by province, content type and status."""
    st.subheader(_("Allocation"))
    f = st.columns(3)
    provs = f[0].multiselect(_("Province/city"), sorted(alloc["province"].unique()),
                             key="f_province", placeholder=_("Choose"))
    # words chosen now: Streamlit may call format_func outside this rerun's language
    categories = {str(c): group_words("category", str(c)) for c in alloc["category"].unique()}
    cats = f[1].multiselect(_("Content type"), sorted(categories, key=categories.__getitem__),
                            format_func=categories.__getitem__, key="f_category",
                            placeholder=_("Choose"))
    statuses = {code: status_name(code) for code in STATUSES}
    stats = f[2].multiselect(_("Status"), list(statuses), format_func=statuses.__getitem__,
                             key="f_status", placeholder=_("Choose"))
    shown = alloc
    if provs:
        shown = shown[shown["province"].isin(provs)]
    if cats:
        shown = shown[shown["category"].isin(cats)]
    if stats:
        shown = shown[shown["status"].isin(stats)]
    st.caption(_("{n} of {total} projects").format(n=len(shown), total=len(alloc)))
    st.dataframe(allocation_view(shown), hide_index=True, key="allocation", placeholder=EMPTY)


def figures(s: Any, plan: engine.Plan) -> None:
    """Live charts from the plan's summary (drawn in the browser, instant on every what-if),
    and kcopt's own figures on request (PNG, cached per plan)."""
    summ = plan.run.summary
    assert summ is not None, "a plan is a solved run, with a summary"
    c = st.columns(2)
    for col, rows, key, label in ((c[0], summ.by_category, "by_category", "category"),
                                  (c[1], summ.by_region, "by_region", "region")):
        table = pd.DataFrame(rows).set_index(label)[["central", "local"]]
        # the legend names the funds as the regulations do (KCQG / KCĐP), not the codes
        table = table.rename(columns={"central": _("Central"), "local": _("Local")})
        # the groups' Vietnamese names on the axis, not codes (the codes in English)
        table.index = [group_words(label, str(code)) for code in table.index]
        table.index.name = _(AXES[label])
        bar_chart(col, table, _("Fund"), stack=True, caption=_(CHARTS[key]))
    prov = pd.DataFrame(summ.by_province).set_index("province")
    axis = AXES["province"]  # a name, not a literal in _(): old Babel extracts a subscript's key
    prov.index.name = _(axis)
    bar_chart(st, prov[["local", "local_budget"]].rename(columns={
        "local": _("allocated"), "local_budget": _("budget")}), _("Local funds"), stack=False,
        caption=_("Local budgets: allocated and available by province"))
    with st.expander(_("The report's figures (PNG)")):
        if st.button(_("Draw the figures"), key="draw_figures"):
            s.figures = engine.figures_png(plan.run)
            s.figures_plan = plan.number
        if s.figures and s.get("figures_plan") == plan.number:
            for png in s.figures.values():
                st.image(png)


def sensitivity_section(s: Any) -> None:
    """The sensitivity analysis of the plan shown, run on request, with its figures and
    tables."""
    st.caption(_("Sensitivity: ranging, budget sweeps, weight robustness, tornado and policy "
                 "prices."))
    plan = s.plan
    draws = st.slider(_("Weight draws"), 20, 500, 100, 10, key="draws")
    if st.button(_("Run the sensitivity analysis"), key="run_sens", disabled=plan is None):
        if not s.ws.lock.acquire(blocking=False):
            st.warning(_("Another solve of this session is under way; wait for it to finish."))
        else:
            try:
                run_sensitivity(plan, draws)
            finally:
                s.ws.lock.release()
    sens = engine.sensitivity_in(plan) if plan is not None else None  # the page's language
    if sens is not None:
        sensitivity_results(sens)


def run_sensitivity(plan: engine.Plan, draws: int) -> None:
    """Compute the plan's sensitivity with a progress bar naming each step."""
    bar = st.progress(0.0)
    t0 = time.perf_counter()
    steps = engine.sensitivity_steps(plan.run, draws)
    try:
        while True:
            name, share = next(steps)
            bar.progress(share, text=_("Computing: {step}").format(step=analysis_name(name)))
    except StopIteration as stop:
        plan.sensitivity = stop.value
        plan.sens_worded = {get_language(): (stop.value, stop.value)}  # said in this language
    bar.progress(1.0, text=_("Done in {s} s.").format(s=fixed(time.perf_counter() - t0, 1)))


def row_name(name: str) -> str:
    """A budget's or a target's row in words: "Ngân sách trung ương", "Chỉ tiêu 'xanh'"."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.analysis.wording import budget_name
    from kcopt.model.names import parse_row

    row = parse_row(name)
    if row.family == "budget":
        text = budget_name(name)
        return text[:1].upper() + text[1:]
    return _("Target '{name}'").format(name=row.target or name)


def sensitivity_results(sens: Any) -> None:
    """The ranging sentences, the sensitivity figures and every table of the analysis."""
    # start-up: the app loads what a step needs when the step runs
    import kcopt

    rc = sens.ranging_constraints
    rows = rc[rc["family"].isin(["budget", "target"])]
    st.dataframe(pd.DataFrame({_("Budget or target"): [row_name(str(n)) for n in rows["name"]],
                               _("In words"): rows["sentence"].tolist()}),
                 hide_index=True, key="ranging_sentences", placeholder=EMPTY)
    c = st.columns(2)
    c[0].pyplot(kcopt.plots.budget_frontiers(sens))
    c[1].pyplot(kcopt.plots.tornado(sens))
    c = st.columns(2)
    c[0].pyplot(kcopt.plots.robustness(sens))
    if len(sens.policy_prices):
        c[1].pyplot(kcopt.plots.policy_prices(sens))
    for name, table in sens.tables().items():
        with st.expander(analysis_name(name)):
            st.dataframe(sensitivity_view(table), hide_index=True, placeholder=EMPTY)
