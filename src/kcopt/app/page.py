"""The Streamlit page of `kcopt app`: data → scenario → solve → results → sensitivity →
downloads. Widgets only; every computation goes through `kcopt.app.engine`.

Run with `kcopt app` (or `streamlit run` on this file).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from typing import Any

import pandas as pd
import streamlit as st

from kcopt.app import engine, workspace
from kcopt.app.texts import Lang, number, tr
from kcopt.app.workspace import MAX_ROWS, MAX_UPLOAD_MB, TIME_LIMIT, Workspace
from kcopt.errors import InfeasibleError, InputError, KcoptError
from kcopt.vocabulary import DEFAULT_WEIGHTS

DEFAULT_DATA: dict[str, Any] = {
    "name": "Kế hoạch khuyến công",
    "budgets": {"central": 105000.0},
    "objective": "total_score",
    "weights": dict(DEFAULT_WEIGHTS),
    "targets": [],
    "cofinancing": {"local_match_min": 0.0},
    "rate_overrides": [],
}
STATUSES = ("funded", "partial", "unfunded", "ineligible", "excluded")


def state() -> Any:
    s = st.session_state
    if "ws" not in s or s.ws.closed:  # new, or back after its files were removed
        s.ws = Workspace()
        end_with_session(s.ws)
        s.gen = 0
        s.base = dict(DEFAULT_DATA)
        s.names = {}
        s.seen = {}
        s.plan = None
        s.plans = 0
        s.failure = None
        s.input_problems = None
        s.upload_problems = None
        s.scenario_problems = None
        s.figures = {}
        s.last_seconds = None
    return s


def end_with_session(ws: Workspace) -> None:
    """Remove the session's folder when the session ends (see `workspace.sweep`)."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return  # bare runs: the folder goes with the session state
    server = runtime.get_instance()
    workspace.register(ctx.session_id, ws)
    workspace.start_janitor(server.is_active_session,
                            float(st.get_option("server.disconnectedSessionTTL")))


def gate(lang: Lang) -> None:
    """The Department's login: Streamlit's OIDC login when `[auth]` is configured in
    .streamlit/secrets.toml, and the password when KCOPT_APP_PASSWORD is set."""
    try:
        oidc = "auth" in st.secrets
    except Exception:  # no secrets file: no OIDC
        oidc = False
    if oidc and not st.user.is_logged_in:
        st.button(tr("login", lang), on_click=st.login, key="login")
        st.stop()
    secret = os.environ.get("KCOPT_APP_PASSWORD")
    if not secret or st.session_state.get("authed"):
        return
    st.info(tr("password_hint", lang))
    entered = st.text_input(tr("password", lang), type="password", key="password")
    if entered:
        if hmac.compare_digest(entered.encode(), secret.encode()):
            st.session_state.authed = True
            st.rerun()
        st.error(tr("password_wrong", lang))
    st.stop()


# ---- data -----------------------------------------------------------------------------------

def upload(s: Any, kind: str, file: Any, lang: Lang) -> None:
    """Save a newly uploaded file (once per upload) into the session's folder."""
    if file is None or s.seen.get(kind) == file.file_id:
        return
    s.seen[kind] = file.file_id
    try:
        s.ws.save(kind, file.name, file.getvalue())
        s.names[kind] = file.name
        # the budget file is read against the scenario, which needs a project list
        if s.ws.file("projects") is not None and s.ws.file("local-budgets") is not None:
            inline_budgets(s)
    except InputError as exc:
        s.upload_problems = (exc.problems, exc.warnings)
        s.ws.drop("local-budgets")  # a bad budget file is not kept
    else:
        s.upload_problems = None


def inline_budgets(s: Any) -> None:
    """Read an uploaded local budget file once and put its amounts in the editable table."""
    data = {k: v for k, v in s.base.items()}
    data["budgets"] = {k: v for k, v in data.get("budgets", {}).items() if k != "local"}
    sc = engine.load(s.ws, data)
    if not sc.years:
        data["budgets"]["local"] = {p: v for p, v in engine.local_budgets(sc).items() if v}
        s.ws.drop("local-budgets")
        s.names.pop("local-budgets", None)
    s.base = data
    s.gen += 1


def data_section(s: Any, lang: Lang) -> None:
    c1, c2 = st.columns(2)
    with c1:
        upload(s, "projects", st.file_uploader(
            tr("projects_upload", lang), type=["csv", "xlsx"], key="up_projects",
            help=tr("projects_help", lang, mb=MAX_UPLOAD_MB, rows=MAX_ROWS)), lang)
        upload(s, "local-budgets", st.file_uploader(
            tr("budgets_upload", lang), type=["csv", "xlsx"], key="up_budgets",
            help=tr("budgets_help", lang)), lang)
    with c2:
        yml = st.file_uploader(tr("scenario_upload", lang), type=["yaml", "yml", "json"],
                               key="up_scenario", help=tr("scenario_help", lang))
        if yml is not None and s.seen.get("scenario") != yml.file_id:
            s.seen["scenario"] = yml.file_id
            try:
                data, s.dropped = engine.parse_yaml(yml.getvalue())
                local = s.base.get("budgets", {}).get("local")
                budgets = data.get("budgets")
                if isinstance(budgets, dict) and "local" not in budgets and local:
                    budgets["local"] = local  # keep the budgets of the uploaded file
                s.base, s.gen, s.scenario_problems = data, s.gen + 1, None
            except InputError as exc:
                s.scenario_problems = exc.problems
        if st.button(tr("demo", lang), key="demo"):
            projects, budgets, data = engine.demo_inputs()
            s.ws.save("projects", projects.name, projects.read_bytes())
            s.ws.save("local-budgets", budgets.name, budgets.read_bytes())
            s.names = {"projects": projects.name, "local-budgets": budgets.name}
            s.base, s.input_problems, s.scenario_problems = data, None, None
            s.upload_problems, s.dropped = None, []
            s.gen += 1
            inline_budgets(s)
    if s.get("dropped"):
        st.info(tr("paths_dropped", lang, keys=", ".join(s.dropped)))


def internal_names(s: Any) -> dict[str, str]:
    out = {}
    for kind, user in s.names.items():
        path = s.ws.file(kind)
        if path is not None:
            out[path.name] = user
    return out


def show_warnings(warnings: list[Any], lang: Lang, s: Any) -> None:
    if warnings:
        with st.expander(tr("warnings", lang, n=len(warnings))):
            st.dataframe(engine.problems_frame(warnings, lang, internal_names(s)),
                         hide_index=True)


def read_projects(s: Any, sc: Any, lang: Lang) -> Any:
    """The validated project list, read once per uploaded file, sheet and unit."""
    path = sc.projects
    key = (hashlib.sha256(path.read_bytes()).hexdigest(), sc.sheet, sc.money_scale)
    cached = s.get("projects_cache")
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        projects = engine.read(sc)
    except InputError as exc:
        s.input_problems = (exc.problems, exc.warnings)
        s.projects_cache = None
        return None
    s.input_problems = None
    s.projects_cache = (key, projects)
    return projects


# ---- scenario -------------------------------------------------------------------------------

def scenario_section(s: Any, lang: Lang) -> dict[str, Any]:
    """The scenario editor; returns the scenario data the widgets describe."""
    base, g = s.base, s.gen
    data: dict[str, Any] = {k: v for k, v in base.items()
                            if k not in ("name", "budgets", "objective", "weights", "targets",
                                         "cofinancing", "rate_overrides")}
    data["name"] = st.text_input(tr("scenario_name", lang), base.get("name", ""),
                                 key=f"name_{g}")
    budgets = dict(base.get("budgets", {}))
    c1, c2 = st.columns(2)
    with c1:
        central = budgets.get("central", 0.0)
        if isinstance(central, dict):
            st.caption(f"{tr('central_budget', lang)}: {central}")
        else:
            budgets["central"] = float(st.number_input(
                tr("central_budget", lang), min_value=0.0, value=float(central or 0.0),
                step=1000.0, format="%.0f", key=f"central_{g}"))
        objective = st.radio(tr("objective", lang), ["total_score", "weighted_funds"],
                             index=0 if base.get("objective", "total_score") == "total_score"
                             else 1, format_func=lambda o: tr(f"obj_{o}", lang),
                             key=f"objective_{g}")
        data["objective"] = objective
        match = float(base.get("cofinancing", {}).get("local_match_min", 0.0))
        data["cofinancing"] = {"local_match_min": float(st.slider(
            tr("cofinancing", lang), 0.0, 1.0, match, 0.05, key=f"match_{g}"))}
    with c2:
        local = budgets.get("local")
        if isinstance(local, dict) or local is None:
            # start-up: the app loads what a step needs when the step runs
            from kcopt.geo import load_geography

            provinces = list(load_geography().provinces)
            frame = pd.DataFrame({"province": provinces,
                                  "budget": [float((local or {}).get(p, 0.0))
                                             for p in provinces]})
            st.caption(tr("local_budgets", lang))
            edited = st.data_editor(frame, hide_index=True, disabled=["province"],
                                    key=f"local_{g}", height=300)
            budgets["local"] = {str(p): float(b) for p, b in zip(
                edited["province"].tolist(), edited["budget"].tolist(), strict=True)
                if b is not None and b == b and b}
        else:
            st.info(tr("local_multi_year", lang))
    data["budgets"] = budgets
    st.subheader(tr("weights", lang))
    st.caption(tr("weights_note", lang))
    raw = dict(base.get("weights", DEFAULT_DATA["weights"]))
    # a weight may carry its committee name: {weight: 0.15, label: "…"}
    labels = {k: str(v.get("label")) for k, v in raw.items()
              if isinstance(v, dict) and v.get("label")}
    raw = {k: (v.get("weight", 0.0) if isinstance(v, dict) else v) for k, v in raw.items()}
    weights = {}
    cols = st.columns(2)
    for i, k in enumerate(engine.WEIGHT_KEYS):
        with cols[i % 2]:
            weights[k] = float(st.slider(labels.get(k) or tr(f"w_{k}", lang), 0.0, 1.0,
                                         float(raw.get(k) or 0.0), 0.01, key=f"w_{k}_{g}"))
    total = sum(weights.values())
    norm = {k: (v / total if total else 0.0) for k, v in weights.items()}
    st.dataframe(pd.DataFrame({tr("weights", lang): [labels.get(k) or tr(f"w_{k}", lang)
                                                     for k in norm],
                               tr("normalised", lang): [round(v, 3) for v in norm.values()]}),
                 hide_index=True, key="normalised")
    data["weights"] = {k: ({"weight": v, "label": labels[k]} if k in labels else v)
                       for k, v in weights.items() if v > 0 or k in raw}
    st.subheader(tr("targets", lang))
    st.caption(tr("targets_help", lang))
    data["targets"] = edit_rows(base.get("targets", []), target_columns(), f"targets_{g}")
    with st.expander(tr("overrides", lang)):
        data["rate_overrides"] = edit_rows(base.get("rate_overrides", []),
                                           list(engine.OVERRIDE_COLUMNS), f"overrides_{g}")
    return data


def target_columns() -> list[str]:
    # start-up: the app loads what a step needs when the step runs
    from kcopt.scenario import TARGET_KEYS

    return [c for c in engine.TARGET_COLUMNS if c in TARGET_KEYS]


LIST_KEYS = ("of", "category")
NUMBER_KEYS = ("share", "amount", "rate", "cap", "year")


def edit_rows(rows: list[dict[str, Any]], columns: list[str], key: str) -> list[dict[str, Any]]:
    """A list of mappings as an editable table (lists as comma-separated text)."""
    def cell(v: Any) -> Any:
        if isinstance(v, list | tuple):
            return ", ".join(map(str, v))
        return v

    frame = pd.DataFrame([{c: cell(r.get(c)) for c in columns} for r in rows], columns=columns)
    for c in columns:
        frame[c] = frame[c].astype(float) if c in NUMBER_KEYS else frame[c].astype(object)
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, key=key,
                            width="stretch")
    out = []
    for rec in edited.to_dict("records"):
        row: dict[str, Any] = {}
        for c, v in ((str(k), v) for k, v in rec.items()):
            if v is None or (isinstance(v, float) and pd.isna(v)) or str(v).strip() == "":
                continue
            if c in NUMBER_KEYS:
                row[c] = int(v) if c == "year" else float(v)
            elif (c in LIST_KEYS and "," in str(v)) or c == "of":
                row[c] = [p.strip() for p in str(v).split(",") if p.strip()]
            else:
                row[c] = str(v).strip()
        if row:
            out.append(row)
    return out


def rules_section(sc: Any, lang: Lang) -> None:
    # start-up: the app loads what a step needs when the step runs
    from kcopt.geo import load_geography
    from kcopt.rules import load_rules

    with st.expander(tr("rules_in_force", lang)):
        options = ["", *load_geography().provinces]
        prov = st.selectbox(tr("rules_province", lang), options,
                            format_func=lambda p: p or tr("national", lang), key="rules_prov")
        rules = load_rules().with_overrides(list(sc.rate_overrides))
        st.dataframe(rules.table(prov or None), hide_index=True)


# ---- solving --------------------------------------------------------------------------------

def solve(s: Any, sc: Any, data: dict[str, Any], lang: Lang, quick: bool) -> None:
    """Solve (full pipeline) or re-solve (what-if); one solve at a time per session."""
    if not s.ws.lock.acquire(blocking=False):
        st.warning(tr("busy", lang))
        return
    try:
        t0 = time.perf_counter()
        previous = s.plan
        if quick and previous is not None:
            run = engine.replan(previous.run, sc)
        else:
            run = engine.solve_plan(sc)
        seconds = time.perf_counter() - t0
        s.plans += 1
        plan = engine.Plan(run, data, seconds, number=s.plans,
                           quick=quick and previous is not None)
        if previous is not None:
            plan.changes = engine.changes(previous.run, run, lang)
        s.plan, s.failure, s.figures, s.last_seconds = plan, None, {}, seconds
    except InfeasibleError as exc:
        s.failure = ("infeasible", engine.diagnosis_frame(exc, lang), data)
    except InputError as exc:
        s.input_problems = (exc.problems, exc.warnings)
        s.failure = None
    except KcoptError as exc:
        s.failure = ("error", str(exc), data)
    finally:
        s.ws.lock.release()


def results_section(s: Any, lang: Lang) -> None:
    if s.failure is not None:
        kind, body, _ = s.failure
        if kind == "infeasible":
            st.error(tr("infeasible", lang))
            st.dataframe(body, hide_index=True, key="diagnosis")
        else:
            st.error(tr("solver_failed", lang, msg=body))
    plan = s.plan
    if plan is None:
        if s.failure is None:
            st.info(tr("no_plan", lang))
        return
    run, summ = plan.run, plan.run.summary
    if s.last_seconds is not None:
        st.caption(tr("resolved" if plan.changes else "solved_in", lang,
                      s=number(s.last_seconds, lang, 2)))
    st.subheader(tr("h_headline", lang))
    m = st.columns(4)
    unit = tr("million", lang)
    m[0].metric(tr("m_objective", lang), number(summ["objective"], lang, 3))
    m[1].metric(f"{tr('m_central', lang)} ({unit})", number(summ["totals"]["central"], lang),
                help=tr("of_budget", lang, b=number(summ["budgets"]["central"], lang)))
    m[2].metric(f"{tr('m_local', lang)} ({unit})", number(summ["totals"]["local"], lang),
                help=tr("of_budget", lang, b=number(summ["budgets"]["local"], lang)))
    c = summ["counts"]
    m[3].metric(tr("m_funded", lang), f"{c['funded'] + c['partial']}",
                help=tr("funded_sub", lang, f=c["funded"], p=c["partial"]))
    for w in summ.get("warnings", []):
        if isinstance(w, dict) and w.get("code") == "budget_unspent":
            st.warning(w["message"])
    if plan.changes:
        st.subheader(tr("h_changes", lang))
        st.markdown("\n".join(f"- {t}" for t in plan.changes))
    st.subheader(tr("h_binding", lang))
    sentences = engine.binding_sentences(run, lang)
    if sentences:
        st.markdown("\n".join(f"- {t}" for t in sentences[:12]))
        if len(sentences) > 12:
            with st.expander(f"+{len(sentences) - 12}"):
                st.markdown("\n".join(f"- {t}" for t in sentences[12:]))
    else:
        st.write(tr("none_binding", lang))
    st.subheader(tr("h_allocation", lang))
    alloc = run.allocation
    f = st.columns(3)
    provs = f[0].multiselect(tr("f_province", lang), sorted(alloc["province"].unique()),
                             key="f_province")
    cats = f[1].multiselect(tr("f_category", lang), sorted(alloc["category"].unique()),
                            key="f_category")
    stats = f[2].multiselect(tr("f_status", lang), list(STATUSES), key="f_status")
    shown = alloc
    if provs:
        shown = shown[shown["province"].isin(provs)]
    if cats:
        shown = shown[shown["category"].isin(cats)]
    if stats:
        shown = shown[shown["status"].isin(stats)]
    st.caption(tr("shown", lang, n=len(shown), total=len(alloc)))
    st.dataframe(shown, hide_index=True, key="allocation")
    st.subheader(tr("h_plots", lang))
    figures(s, plan, lang)


def figures(s: Any, plan: engine.Plan, lang: Lang) -> None:
    """Live charts from the plan's summary (drawn in the browser, instant on every what-if),
    and kcopt's own figures on request (PNG, cached per plan)."""
    summ = plan.run.summary or {}
    c = st.columns(2)
    for col, key, label in ((c[0], "by_category", "category"), (c[1], "by_region", "region")):
        table = pd.DataFrame(summ[key]).set_index(label)[["central", "local"]]
        col.caption(tr(f"chart_{key}", lang))
        col.bar_chart(table, stack=True, y_label=tr("million", lang))
    prov = pd.DataFrame(summ["by_province"]).set_index("province")
    st.caption(tr("chart_local_use", lang))
    st.bar_chart(prov[["local", "local_budget"]], stack=False, y_label=tr("million", lang))
    with st.expander(tr("kcopt_figures", lang)):
        if st.button(tr("draw_figures", lang), key="draw_figures"):
            s.figures = engine.figures_png(plan.run)
            s.figures_plan = plan.number
        if s.figures and s.get("figures_plan") == plan.number:
            for png in s.figures.values():
                st.image(png)


def sensitivity_section(s: Any, lang: Lang) -> None:
    # start-up: the app loads what a step needs when the step runs
    import kcopt

    st.caption(tr("sens_intro", lang))
    plan = s.plan
    draws = st.slider(tr("draws", lang), 20, 500, 100, 10, key="draws")
    if st.button(tr("run_sens", lang), key="run_sens", disabled=plan is None):
        if not s.ws.lock.acquire(blocking=False):
            st.warning(tr("busy", lang))
        else:
            try:
                bar = st.progress(0.0)
                t0 = time.perf_counter()
                steps = engine.sensitivity_steps(plan.run, draws)
                try:
                    while True:
                        name, share = next(steps)
                        bar.progress(share, text=tr("sens_step", lang, step=name))
                except StopIteration as stop:
                    plan.sensitivity = stop.value
                bar.progress(1.0, text=tr("sens_done", lang,
                                          s=number(time.perf_counter() - t0, lang, 1)))
            finally:
                s.ws.lock.release()
    sens = plan.sensitivity if plan is not None else None
    if sens is None:
        return
    rc = sens.ranging_constraints
    st.dataframe(rc[rc["family"].isin(["budget", "target"])][["name", "sentence"]],
                 hide_index=True, key="ranging_sentences")
    c = st.columns(2)
    c[0].pyplot(kcopt.plots.budget_frontiers(sens))
    c[1].pyplot(kcopt.plots.tornado(sens))
    c = st.columns(2)
    c[0].pyplot(kcopt.plots.robustness(sens))
    if len(sens.policy_prices):
        c[1].pyplot(kcopt.plots.policy_prices(sens))
    for name, table in sens.tables().items():
        with st.expander(name):
            shown = table.copy()
            shown.attrs = {}  # arrays in attrs (failed draws) do not serialise
            st.dataframe(shown, hide_index=True)


# ---- downloads ------------------------------------------------------------------------------

def yaml_text(s: Any, data: dict[str, Any]) -> str:
    return engine.scenario_yaml(data, s.names.get("projects", "projects.xlsx"),
                                s.names.get("local-budgets"))


def downloads_section(s: Any, lang: Lang, data: dict[str, Any]) -> None:
    plan = s.plan
    if plan is None:
        st.info(tr("no_plan", lang))
        return
    st.caption(tr("downloads_note", lang))
    ws, text = s.ws, yaml_text(s, plan.data)

    def file(name: str) -> Any:
        def get() -> bytes:
            return (engine.write_files(ws, plan, text) / name).read_bytes()
        return get

    def everything() -> bytes:
        return engine.zip_folder(engine.write_files(ws, plan, text))

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    st.download_button(tr("download_allocation", lang), file("allocation.xlsx"),
                       file_name="allocation.xlsx", mime=xlsx, key="dl_allocation",
                       on_click="ignore", type="primary")
    st.download_button(tr("download_annex", lang), file("annex.xlsx"),
                       file_name="annex.xlsx", mime=xlsx, key="dl_annex", on_click="ignore")
    st.download_button(tr("download_report", lang), file("report.html"),
                       file_name="report.html", mime="text/html", key="dl_report",
                       on_click="ignore")
    st.download_button(tr("download_yaml", lang), text, file_name="scenario.yaml",
                       mime="application/x-yaml", key="dl_yaml", on_click="ignore")
    st.download_button(tr("download_zip", lang), everything, file_name="kcopt-outputs.zip",
                       mime="application/zip", key="dl_zip", on_click="ignore")


# ---- the page -------------------------------------------------------------------------------

def main() -> None:
    st.set_page_config(page_title="kcopt", layout="wide")
    s = state()
    choice = st.sidebar.radio("Ngôn ngữ / Language", ["Tiếng Việt", "English"], key="lang",
                              horizontal=True)
    lang: Lang = "vi" if choice == "Tiếng Việt" else "en"
    st.title(tr("title", lang))
    gate(lang)
    solve_clicked = st.sidebar.button(tr("solve", lang), type="primary", key="solve",
                                      width="stretch")
    auto = st.sidebar.toggle(tr("auto", lang), value=True, key="auto")
    st.sidebar.caption(tr("time_limit", lang, s=number(TIME_LIMIT, lang)))
    tabs = st.tabs([tr(k, lang) for k in ("tab_data", "tab_scenario", "tab_result",
                                          "tab_sensitivity", "tab_downloads")])
    with tabs[0]:
        data_section(s, lang)
    with tabs[1]:
        data = scenario_section(s, lang)
    sc = projects = None
    if s.ws.file("projects") is not None:
        try:
            sc = engine.load(s.ws, data)
            s.scenario_problems = None
        except InputError as exc:
            s.scenario_problems = exc.problems
    if sc is not None:
        projects = read_projects(s, sc, lang)
    with tabs[1]:
        if s.scenario_problems:
            st.error(tr("scenario_errors", lang))
            st.dataframe(engine.problems_frame(s.scenario_problems, lang), hide_index=True,
                         key="scenario_problems")
        if sc is not None:
            rules_section(sc, lang)
        st.download_button(tr("save_yaml", lang), yaml_text(s, data),
                           file_name="scenario.yaml", mime="application/x-yaml",
                           key="dl_yaml_now", on_click="ignore")
    with tabs[0]:
        for found in (s.upload_problems, s.input_problems if sc is not None else None):
            if found:
                problems, warnings = found
                st.error(tr("problems", lang, n=len(problems)))
                st.dataframe(engine.problems_frame(problems, lang, internal_names(s)),
                             hide_index=True)
                show_warnings(warnings, lang, s)
        if s.ws.file("projects") is None:
            st.info(tr("no_projects", lang))
        elif projects is not None:
            st.success(tr("projects_ok", lang, n=len(projects),
                          file=s.names.get("projects", "")))
            show_warnings(projects.warnings, lang, s)
    ready = sc is not None and projects is not None
    if ready and solve_clicked:
        with st.spinner(tr("solving", lang)):
            solve(s, sc, data, lang, quick=False)
    elif ready and auto and s.plan is not None and data != s.plan.data and (
            s.failure is None or s.failure[2] != data):
        solve(s, sc, data, lang, quick=True)
    if s.plan is not None and data != s.plan.data:
        st.sidebar.warning(tr("stale", lang))
    with tabs[2]:
        results_section(s, lang)
    with tabs[3]:
        sensitivity_section(s, lang)
    with tabs[4]:
        downloads_section(s, lang, data)


if __name__ == "__main__":  # Streamlit runs the page as __main__; importing it draws nothing
    main()
