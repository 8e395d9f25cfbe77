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
from kcopt.app.workspace import MAX_ROWS, MAX_UPLOAD_MB, TIME_LIMIT, Workspace
from kcopt.core.errors import InfeasibleError, InputError, KcoptError
from kcopt.core.language import using
from kcopt.core.vocabulary import DEFAULT_WEIGHTS
from kcopt.core.words import DEFAULT, N_, _, fixed, get_language, languages

PLAN_NAME = N_("Industrial-promotion plan")
DEFAULT_DATA: dict[str, Any] = {
    "name": PLAN_NAME,  # in the session's language when it starts
    "budgets": {"central": 105000.0},
    "objective": "total_score",
    "weights": dict(DEFAULT_WEIGHTS),
    "targets": [],
    "cofinancing": {"local_match_min": 0.0},
    "rate_overrides": [],
}
STATUSES = ("funded", "partial", "unfunded", "ineligible", "excluded")
# the app's own words for the criteria, the objectives and the live charts (codes → messages)
WEIGHT_NAMES = {"appraisal": N_("Appraisal score"), "green": N_("Cleaner production"),
                "circular": N_("Circular economy"), "digital": N_("Digital transformation"),
                "regional_advantage": N_("Regional advantage"),
                "typical_product": N_("Typical rural product"),
                "disadvantaged_area": N_("Disadvantaged area"),
                "women_or_ethnic_owned": N_("Women or ethnic-minority owners")}
OBJECTIVES = {"total_score": N_("Total score (a partly funded project counts pro rata)"),
              "weighted_funds": N_("Score-weighted funds (highest scores first)")}
CHARTS = {"by_category": N_("Support by content type (central, local)"),
          "by_region": N_("Support by region")}


def state() -> Any:
    s = st.session_state
    if "ws" not in s or s.ws.closed:  # new, or back after its files were removed
        s.ws = Workspace()
        end_with_session(s.ws)
        s.gen = 0
        s.base = {**DEFAULT_DATA, "name": _(PLAN_NAME)}
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


def gate() -> None:
    """The Department's login: Streamlit's OIDC login when `[auth]` is configured in
    .streamlit/secrets.toml, and the password when KCOPT_APP_PASSWORD is set."""
    try:
        oidc = "auth" in st.secrets
    except Exception:  # no secrets file: no OIDC
        oidc = False
    if oidc and not st.user.is_logged_in:
        st.button(_("Log in"), on_click=st.login, key="login")
        st.stop()
    secret = os.environ.get("KCOPT_APP_PASSWORD")
    if not secret or st.session_state.get("authed"):
        return
    st.info(_("This app is protected by the Department's password."))
    entered = st.text_input(_("Password"), type="password", key="password")
    if entered:
        if hmac.compare_digest(entered.encode(), secret.encode()):
            st.session_state.authed = True
            st.rerun()
        st.error(_("Wrong password."))
    st.stop()


# ---- data -----------------------------------------------------------------------------------

def upload(s: Any, kind: str, file: Any) -> None:
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


def data_section(s: Any) -> None:
    c1, c2 = st.columns(2)
    with c1:
        upload(s, "projects", st.file_uploader(
            _("Project list"), type=["csv", "xlsx"], key="up_projects",
            help=_("CSV or Excel (XLSX), including the official annex layout. At most {mb} MB, "
                   "{rows} rows.").format(mb=MAX_UPLOAD_MB, rows=MAX_ROWS)))
        upload(s, "local-budgets", st.file_uploader(
            _("Local budgets (optional)"), type=["csv", "xlsx"], key="up_budgets",
            help=_("A province,budget table (million VND), CSV or XLSX.")))
    with c2:
        yml = st.file_uploader(_("Open a scenario (YAML)"), type=["yaml", "yml", "json"],
                               key="up_scenario", help=_("A scenario saved by the app or used "
                                                         "with kcopt solve. File paths in it are "
                                                         "ignored: upload the files here."))
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
        if st.button(_("Start from the demo"), key="demo"):
            projects, budgets, data = engine.demo_inputs()
            s.ws.save("projects", projects.name, projects.read_bytes())
            s.ws.save("local-budgets", budgets.name, budgets.read_bytes())
            s.names = {"projects": projects.name, "local-budgets": budgets.name}
            s.base, s.input_problems, s.scenario_problems = data, None, None
            s.upload_problems, s.dropped = None, []
            s.gen += 1
            inline_budgets(s)
    if s.get("dropped"):
        st.info(_("Scenario opened; the file paths in it are ignored ({keys}): upload those files "
                  "here.").format(keys=", ".join(s.dropped)))


def internal_names(s: Any) -> dict[str, str]:
    out = {}
    for kind, user in s.names.items():
        path = s.ws.file(kind)
        if path is not None:
            out[path.name] = user
    return out


def show_warnings(warnings: list[Any], s: Any) -> None:
    if warnings:
        with st.expander(_("Warnings ({n})").format(n=len(warnings))):
            st.dataframe(engine.problems_frame(warnings, internal_names(s)),
                         hide_index=True)


def read_projects(s: Any, sc: Any) -> Any:
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

def scenario_section(s: Any) -> dict[str, Any]:
    """The scenario editor; returns the scenario data the widgets describe."""
    base, g = s.base, s.gen
    data: dict[str, Any] = {k: v for k, v in base.items()
                            if k not in ("name", "budgets", "objective", "weights", "targets",
                                         "cofinancing", "rate_overrides")}
    data["name"] = st.text_input(_("Scenario name"), base.get("name", ""),
                                 key=f"name_{g}")
    budgets = dict(base.get("budgets", {}))
    c1, c2 = st.columns(2)
    with c1:
        central = budgets.get("central", 0.0)
        if isinstance(central, dict):
            st.caption(_("National industrial-promotion budget (million VND)") + f": {central}")
        else:
            budgets["central"] = float(st.number_input(
                _("National industrial-promotion budget (million VND)"), min_value=0.0,
                value=float(central or 0.0), step=1000.0, format="%.0f", key=f"central_{g}"))
        # words chosen now: Streamlit may call format_func outside this rerun's language
        shown = {code: _(text) for code, text in OBJECTIVES.items()}
        objective = st.radio(_("Objective"), list(shown),
                             index=0 if base.get("objective", "total_score") == "total_score"
                             else 1, format_func=shown.__getitem__,
                             key=f"objective_{g}")
        data["objective"] = objective
        match = float(base.get("cofinancing", {}).get("local_match_min", 0.0))
        data["cofinancing"] = {"local_match_min": float(st.slider(
            _("Minimum local co-financing (share of support)"), 0.0, 1.0, match, 0.05,
            key=f"match_{g}"))}
    with c2:
        local = budgets.get("local")
        if isinstance(local, dict) or local is None:
            # start-up: the app loads what a step needs when the step runs
            from kcopt.core.geo import load_geography

            provinces = list(load_geography().provinces)
            frame = pd.DataFrame({"province": provinces,
                                  "budget": [float((local or {}).get(p, 0.0))
                                             for p in provinces]})
            st.caption(_("Local budgets by province (million VND)"))
            edited = st.data_editor(frame, hide_index=True, disabled=["province"],
                                    key=f"local_{g}", height=300)
            budgets["local"] = {str(p): float(b) for p, b in zip(
                edited["province"].tolist(), edited["budget"].tolist(), strict=True)
                if b is not None and b == b and b}
        else:
            st.info(_("Multi-year plan: local budgets come from the uploaded file."))
    data["budgets"] = budgets
    st.subheader(_("Priority weights"))
    st.caption(_("Weights are normalised to sum 1; the right column is what the model uses."))
    raw = dict(base.get("weights", DEFAULT_DATA["weights"]))
    # a weight may carry its committee name: {weight: 0.15, label: "…"}
    labels = {k: str(v.get("label")) for k, v in raw.items()
              if isinstance(v, dict) and v.get("label")}
    raw = {k: (v.get("weight", 0.0) if isinstance(v, dict) else v) for k, v in raw.items()}
    weights = {}
    cols = st.columns(2)
    for i, k in enumerate(engine.WEIGHT_KEYS):
        with cols[i % 2]:
            weights[k] = float(st.slider(labels.get(k) or _(WEIGHT_NAMES[k]), 0.0, 1.0,
                                         float(raw.get(k) or 0.0), 0.01, key=f"w_{k}_{g}"))
    total = sum(weights.values())
    norm = {k: (v / total if total else 0.0) for k, v in weights.items()}
    st.dataframe(pd.DataFrame({_("Priority weights"): [labels.get(k) or _(WEIGHT_NAMES[k])
                                                     for k in norm],
                               _("normalised"): [round(v, 3) for v in norm.values()]}),
                 hide_index=True, key="normalised")
    data["weights"] = {k: ({"weight": v, "label": labels[k]} if k in labels else v)
                       for k, v in weights.items() if v > 0 or k in raw}
    st.subheader(_("Policy targets"))
    st.caption(_("kind: share_min, share_max, region_min, province_max; of: green, circular, "
                 "digital (comma-separated); share 0–1 or amount (million VND)."))
    data["targets"] = edit_rows(base.get("targets", []), target_columns(), f"targets_{g}")
    with st.expander(_("Rate overrides")):
        data["rate_overrides"] = edit_rows(base.get("rate_overrides", []),
                                           list(engine.OVERRIDE_COLUMNS), f"overrides_{g}")
    return data


def target_columns() -> list[str]:
    # start-up: the app loads what a step needs when the step runs
    from kcopt.inputs.scenario import TARGET_KEYS

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


def rules_section(sc: Any) -> None:
    # start-up: the app loads what a step needs when the step runs
    from kcopt.core.geo import load_geography
    from kcopt.rules.rates import load_rules

    with st.expander(_("Support rates in force")):
        options = ["", *load_geography().provinces]
        national = _("National")
        prov = st.selectbox(_("Province (provincial resolution)"), options,
                            format_func=lambda p: p or national, key="rules_prov")
        rules = load_rules().with_overrides(list(sc.rate_overrides))
        st.dataframe(rules.table(prov or None), hide_index=True)


# ---- solving --------------------------------------------------------------------------------

def solve(s: Any, sc: Any, data: dict[str, Any], quick: bool) -> None:
    """Solve (full pipeline) or re-solve (what-if); one solve at a time per session."""
    if not s.ws.lock.acquire(blocking=False):
        st.warning(_("Another solve of this session is under way; wait for it to finish."))
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
            plan.changes = engine.changes(previous.run, run)
        s.plan, s.failure, s.figures, s.last_seconds = plan, None, {}, seconds
    except InfeasibleError as exc:
        s.failure = ("infeasible", engine.diagnosis_frame(exc), data)
    except InputError as exc:
        s.input_problems = (exc.problems, exc.warnings)
        s.failure = None
    except KcoptError as exc:
        s.failure = ("error", str(exc), data)
    finally:
        s.ws.lock.release()


def results_section(s: Any) -> None:
    if s.failure is not None:
        kind, body, _data = s.failure
        if kind == "infeasible":
            st.error(_("The scenario is infeasible: its budgets, targets and must-fund projects "
                       "cannot all hold. What to relax:"))
            st.dataframe(body, hide_index=True, key="diagnosis")
        else:
            st.error(_("The solver stopped without a plan: {msg}").format(msg=body))
    plan = s.plan
    if plan is None:
        if s.failure is None:
            st.info(_("No plan yet. Press \"Solve\"."))
        return
    run, summ = plan.run, plan.run.summary
    if s.last_seconds is not None:
        done = _("Re-solved in {s} s.") if plan.changes else _("Solved in {s} s.")
        st.caption(done.format(s=fixed(s.last_seconds, 2)))
    st.subheader(_("Headline"))
    m = st.columns(4)
    unit = _("million VND")
    m[0].metric(_("Objective value"), fixed(summ["objective"], 3))
    m[1].metric(_("Central funds") + f" ({unit})", fixed(summ["totals"]["central"], 0),
                help=_("of {b} million").format(b=fixed(summ["budgets"]["central"], 0)))
    m[2].metric(_("Local funds") + f" ({unit})", fixed(summ["totals"]["local"], 0),
                help=_("of {b} million").format(b=fixed(summ["budgets"]["local"], 0)))
    c = summ["counts"]
    m[3].metric(_("Projects funded"), f"{c['funded'] + c['partial']}",
                help=_("{f} in full, {p} in part").format(f=c["funded"], p=c["partial"]))
    for w in summ.get("warnings", []):
        if isinstance(w, dict) and w.get("code") == "budget_unspent":
            st.warning(w["message"])
    if plan.changes:
        st.subheader(_("What changed against the last plan"))
        st.markdown("\n".join(f"- {t}" for t in plan.changes))
    st.subheader(_("Binding budgets and targets"))
    sentences = engine.binding_sentences(run)
    if sentences:
        st.markdown("\n".join(f"- {t}" for t in sentences[:12]))
        if len(sentences) > 12:
            with st.expander(f"+{len(sentences) - 12}"):
                st.markdown("\n".join(f"- {t}" for t in sentences[12:]))
    else:
        st.write(_("No budget or target binds."))
    st.subheader(_("Allocation"))
    alloc = run.allocation
    f = st.columns(3)
    provs = f[0].multiselect(_("Province"), sorted(alloc["province"].unique()),
                             key="f_province")
    cats = f[1].multiselect(_("Content type"), sorted(alloc["category"].unique()),
                            key="f_category")
    stats = f[2].multiselect(_("Status"), list(STATUSES), key="f_status")
    shown = alloc
    if provs:
        shown = shown[shown["province"].isin(provs)]
    if cats:
        shown = shown[shown["category"].isin(cats)]
    if stats:
        shown = shown[shown["status"].isin(stats)]
    st.caption(_("{n} of {total} projects").format(n=len(shown), total=len(alloc)))
    st.dataframe(shown, hide_index=True, key="allocation")
    st.subheader(_("Plots"))
    figures(s, plan)


def figures(s: Any, plan: engine.Plan) -> None:
    """Live charts from the plan's summary (drawn in the browser, instant on every what-if),
    and kcopt's own figures on request (PNG, cached per plan)."""
    summ = plan.run.summary or {}
    c = st.columns(2)
    for col, key, label in ((c[0], "by_category", "category"), (c[1], "by_region", "region")):
        table = pd.DataFrame(summ[key]).set_index(label)[["central", "local"]]
        col.caption(_(CHARTS[key]))
        col.bar_chart(table, stack=True, y_label=_("million VND"))
    prov = pd.DataFrame(summ["by_province"]).set_index("province")
    st.caption(_("Local budgets: allocated and available by province"))
    st.bar_chart(prov[["local", "local_budget"]], stack=False, y_label=_("million VND"))
    with st.expander(_("The report's figures (PNG)")):
        if st.button(_("Draw the figures"), key="draw_figures"):
            s.figures = engine.figures_png(plan.run)
            s.figures_plan = plan.number
        if s.figures and s.get("figures_plan") == plan.number:
            for png in s.figures.values():
                st.image(png)


def sensitivity_section(s: Any) -> None:
    # start-up: the app loads what a step needs when the step runs
    import kcopt

    st.caption(_("Sensitivity: ranging, budget sweeps, weight robustness, tornado and policy "
                 "prices."))
    plan = s.plan
    draws = st.slider(_("Weight draws"), 20, 500, 100, 10, key="draws")
    if st.button(_("Run the sensitivity analysis"), key="run_sens", disabled=plan is None):
        if not s.ws.lock.acquire(blocking=False):
            st.warning(_("Another solve of this session is under way; wait for it to finish."))
        else:
            try:
                bar = st.progress(0.0)
                t0 = time.perf_counter()
                steps = engine.sensitivity_steps(plan.run, draws)
                try:
                    while True:
                        name, share = next(steps)
                        bar.progress(share, text=_("Computing: {step}").format(step=name))
                except StopIteration as stop:
                    plan.sensitivity = stop.value
                bar.progress(1.0, text=_("Done in {s} s.").format(
                    s=fixed(time.perf_counter() - t0, 1)))
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


def downloads_section(s: Any, data: dict[str, Any]) -> None:
    plan = s.plan
    if plan is None:
        st.info(_("No plan yet. Press \"Solve\"."))
        return
    st.caption(_("The downloads are those of the plan shown."))
    ws, text, lang = s.ws, yaml_text(s, plan.data), get_language()

    # Streamlit may call these outside this rerun's thread: they name the session's language
    def file(name: str) -> Any:
        def get() -> bytes:
            with using(lang):
                return (engine.write_files(ws, plan, text) / name).read_bytes()
        return get

    def everything() -> bytes:
        with using(lang):
            return engine.zip_folder(engine.write_files(ws, plan, text))

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    st.download_button(_("Download allocation.xlsx"), file("allocation.xlsx"),
                       file_name="allocation.xlsx", mime=xlsx, key="dl_allocation",
                       on_click="ignore", type="primary")
    st.download_button(_("Download annex.xlsx (annex layout)"), file("annex.xlsx"),
                       file_name="annex.xlsx", mime=xlsx, key="dl_annex", on_click="ignore")
    st.download_button(_("Download report.html"), file("report.html"),
                       file_name="report.html", mime="text/html", key="dl_report",
                       on_click="ignore")
    st.download_button(_("Download the scenario (YAML)"), text, file_name="scenario.yaml",
                       mime="application/x-yaml", key="dl_yaml", on_click="ignore")
    st.download_button(_("Download everything (zip)"), everything, file_name="kcopt-outputs.zip",
                       mime="application/zip", key="dl_zip", on_click="ignore")


# ---- the page -------------------------------------------------------------------------------

def language_names() -> dict[str, str]:
    """Each language kcopt has a catalog for, by its own name ("Tiếng Việt", "English"),
    the default first: a new catalog adds a choice here without a code change."""
    from babel import Locale

    codes = sorted(languages(), key=lambda c: (c != DEFAULT, c))
    names = {c: Locale.parse(c).display_name or c for c in codes}
    return {names[c][:1].upper() + names[c][1:]: c for c in codes}


def main() -> None:
    st.set_page_config(page_title="kcopt", layout="wide")
    names = language_names()
    # the selector is read in every language, so its label is in two
    choice = st.sidebar.radio("Ngôn ngữ / Language", list(names), key="lang", horizontal=True)
    # this rerun (its own thread) speaks the session's language: the page's words and every
    # message, table and figure kcopt makes for it; other sessions keep theirs
    with using(names.get(str(choice), DEFAULT)):
        page()


def page() -> None:
    s = state()
    st.title(_("kcopt — Industrial-promotion (khuyến công) fund allocation"))
    gate()
    solve_clicked = st.sidebar.button(_("Solve"), type="primary", key="solve",
                                      width="stretch")
    auto = st.sidebar.toggle(_("Re-solve when the scenario changes"), value=True, key="auto")
    st.sidebar.caption(_("Time limit per solve: {s} s.").format(s=fixed(TIME_LIMIT, 0)))
    tabs = st.tabs([_("1. Data"), _("2. Scenario"), _("3. Results"), _("4. Sensitivity"),
                    _("5. Downloads")])
    with tabs[0]:
        data_section(s)
    with tabs[1]:
        data = scenario_section(s)
    sc = projects = None
    if s.ws.file("projects") is not None:
        try:
            sc = engine.load(s.ws, data)
            s.scenario_problems = None
        except InputError as exc:
            s.scenario_problems = exc.problems
    if sc is not None:
        projects = read_projects(s, sc)
    with tabs[1]:
        if s.scenario_problems:
            st.error(_("The scenario has problems:"))
            st.dataframe(engine.problems_frame(s.scenario_problems), hide_index=True,
                         key="scenario_problems")
        if sc is not None:
            rules_section(sc)
        st.download_button(_("Save the scenario (YAML)"), yaml_text(s, data),
                           file_name="scenario.yaml", mime="application/x-yaml",
                           key="dl_yaml_now", on_click="ignore")
    with tabs[0]:
        for found in (s.upload_problems, s.input_problems if sc is not None else None):
            if found:
                problems, warnings = found
                st.error(_("{n} problems in the input — fix the file and upload it "
                           "again:").format(n=len(problems)))
                st.dataframe(engine.problems_frame(problems, internal_names(s)),
                             hide_index=True)
                show_warnings(warnings, s)
        if s.ws.file("projects") is None:
            st.info(_("No project list yet. Upload one or start from the demo."))
        elif projects is not None:
            st.success(_("Read {n} projects from {file}.").format(n=len(projects),
                          file=s.names.get("projects", "")))
            show_warnings(projects.warnings, s)
    ready = sc is not None and projects is not None
    if ready and solve_clicked:
        with st.spinner(_("Solving…")):
            solve(s, sc, data, quick=False)
    elif ready and auto and s.plan is not None and data != s.plan.data and (
            s.failure is None or s.failure[2] != data):
        solve(s, sc, data, quick=True)
    if s.plan is not None and data != s.plan.data:
        st.sidebar.warning(_("The scenario changed since the last solve."))
    with tabs[2]:
        results_section(s)
    with tabs[3]:
        sensitivity_section(s)
    with tabs[4]:
        downloads_section(s, data)


if __name__ == "__main__":  # Streamlit runs the page as __main__; importing it draws nothing
    main()
