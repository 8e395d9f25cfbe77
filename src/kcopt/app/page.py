"""The Streamlit page of `kcopt app`: data → scenario → solve → results → sensitivity →
downloads. Widgets only; every computation goes through `kcopt.app.engine`. The scenario
editor is in `scenario_tab`, the results and sensitivity tabs in `results_tab`.

Run with `kcopt app` (or `streamlit run` on this file).
"""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

import streamlit as st

from kcopt.app import engine, reword, workspace
from kcopt.app.chrome import words_script
from kcopt.app.replan_tab import approved_section, approved_upload
from kcopt.app.results_tab import results_section, sensitivity_section
from kcopt.app.scenario_tab import DEFAULT_DATA, PLAN_NAME, rules_section, scenario_section
from kcopt.app.tables import EMPTY
from kcopt.app.uploadwords import uploader_style
from kcopt.app.workspace import MAX_ROWS, MAX_UPLOAD_MB, TIME_LIMIT, Workspace
from kcopt.core.errors import InfeasibleError, InputError, KcoptError
from kcopt.core.language import using
from kcopt.core.words import DEFAULT, _, fixed, get_language, languages


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
        s.solve_now = False  # an approved plan came or went: solve without the button
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
                            float(st.get_option("server.disconnectedSessionTTL")),
                            server.media_file_mgr.remove_orphaned_files)


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


UPLOADERS = {"up_projects": ["csv", "xlsx"], "up_budgets": ["csv", "xlsx"],
             "up_scenario": ["yaml", "yml", "json"], "up_approved": ["csv", "xlsx"]}


def data_section(s: Any) -> None:
    # Streamlit's own uploader words are English whatever the page's: see app/uploadwords
    st.markdown(uploader_style(UPLOADERS, MAX_UPLOAD_MB), unsafe_allow_html=True)
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
                         hide_index=True, placeholder=EMPTY)


def read_projects(s: Any, sc: Any) -> Any:
    """The validated project list, parsed once per uploaded content, sheet and unit from the
    bytes the scenario was loaded with (the file is not read again)."""
    key = engine.list_key(sc)
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
                           quick=quick and previous is not None
                           and engine.what_if(previous.run, sc), language=get_language())
        if previous is not None:
            plan.compared = engine.changes(previous.run, run)
            plan.changes = plan.compared.sentences
        s.plan, s.failure, s.figures, s.last_seconds = plan, None, {}, seconds
    except InfeasibleError as exc:
        s.failure = ("infeasible", reword.Infeasible(exc.run, get_language()), data)
    except InputError as exc:
        s.input_problems = (exc.problems, exc.warnings)
        s.failure = None
    except KcoptError as exc:
        s.failure = ("error", str(exc), data)
    finally:
        s.ws.lock.release()


# ---- downloads ------------------------------------------------------------------------------

def yaml_text(s: Any, data: dict[str, Any]) -> str:
    return engine.scenario_yaml(data, s.names.get("projects", "projects.xlsx"),
                                s.names.get("local-budgets"), s.names.get("approved-plan"))


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
    if plan.run.changes is not None:  # a re-plan: its adjustment annex and changes table
        if len(plan.run.changes):
            st.download_button(_("Download adjustment.xlsx (adjustment annex)"),
                               file("adjustment.xlsx"), file_name="adjustment.xlsx", mime=xlsx,
                               key="dl_adjustment", on_click="ignore")
        st.download_button(_("Download changes.csv"), file("changes.csv"),
                           file_name="changes.csv", mime="text/csv", key="dl_changes",
                           on_click="ignore")
        approved = ws.file("approved-plan")
        if approved is not None:  # the scenario (YAML) names it: keep it beside the list
            name = s.names.get("approved-plan", approved.name)
            st.download_button(_("Download the approved plan ({file})").format(file=name),
                               approved.read_bytes(), file_name=name, key="dl_approved",
                               on_click="ignore")
    st.download_button(_("Download report.html"), file("report.html"),
                       file_name="report.html", mime="text/html", key="dl_report",
                       on_click="ignore")
    st.download_button(_("Download the scenario (YAML)"), lambda: text,
                       file_name="scenario.yaml",
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
        # Streamlit's own words (its buttons' tooltips, "Running…") in the session's language
        st.html(words_script(), unsafe_allow_javascript=True)
        page()


def page() -> None:
    """The page: the sidebar's controls, then the five tabs, the plan solved in between."""
    s = state()
    st.title(_("kcopt — Industrial-promotion (khuyến công) fund allocation"))
    gate()
    solve_clicked, auto = sidebar_controls()
    tabs = st.tabs([_("1. Data"), _("2. Scenario"), _("3. Results"), _("4. Sensitivity"),
                    _("5. Downloads")])
    with tabs[0]:
        data_section(s)
        approved_upload(s)
    with tabs[1]:
        data = approved_section(s, scenario_section(s))
    sc = load_scenario(s, data)
    projects = read_projects(s, sc) if sc is not None else None
    with tabs[1]:
        scenario_checks(s, sc, data)
    with tabs[0]:
        input_messages(s, sc, projects)
    if sc is not None and projects is not None:
        solve_when_asked(s, sc, data, solve_clicked, auto)
    if s.plan is not None and data != s.plan.data:
        st.sidebar.warning(_("The scenario changed since the last solve."))
    with tabs[2]:
        results_section(s)
    with tabs[3]:
        sensitivity_section(s)
    with tabs[4]:
        downloads_section(s, data)


def sidebar_controls() -> tuple[bool, bool]:
    """The sidebar's solve button and re-solve toggle (whether each is on), and the time
    limit."""
    solve_clicked = st.sidebar.button(_("Solve"), type="primary", key="solve",
                                      width="stretch")
    auto = st.sidebar.toggle(_("Re-solve when the scenario changes"), value=True, key="auto")
    st.sidebar.caption(_("Time limit per solve: {s} s.").format(s=fixed(TIME_LIMIT, 0)))
    return solve_clicked, auto


def load_scenario(s: Any, data: dict[str, Any]) -> Any:
    """The scenario the editor describes, once a project list is uploaded (None until then,
    or when it has problems)."""
    if s.ws.file("projects") is None:
        return None
    try:
        sc = engine.load(s.ws, data)
    except InputError as exc:
        s.scenario_problems = exc.problems
        return None
    s.scenario_problems = None
    return sc


def scenario_checks(s: Any, sc: Any, data: dict[str, Any]) -> None:
    """Below the editor: the scenario's problems, the rates in force, and its download."""
    if s.scenario_problems:
        st.error(_("The scenario has problems:"))
        st.dataframe(engine.problems_frame(s.scenario_problems), hide_index=True,
                     key="scenario_problems", placeholder=EMPTY)
    if sc is not None:
        rules_section(sc)
    text = yaml_text(s, data)
    # generated on the click, as every download: nothing is served by URL before it
    st.download_button(_("Save the scenario (YAML)"), lambda: text,
                       file_name="scenario.yaml", mime="application/x-yaml",
                       key="dl_yaml_now", on_click="ignore")


def input_messages(s: Any, sc: Any, projects: Any) -> None:
    """Below the uploads: the problems of the files, or how many projects were read."""
    for found in (s.upload_problems, s.input_problems if sc is not None else None):
        if found:
            problems, warnings = found
            st.error(_("{n} problems in the input — fix the file and upload it "
                       "again:").format(n=len(problems)))
            st.dataframe(engine.problems_frame(problems, internal_names(s)),
                         hide_index=True, placeholder=EMPTY)
            show_warnings(warnings, s)
    if s.ws.file("projects") is None:
        st.info(_("No project list yet. Upload one or start from the demo."))
    elif projects is not None:
        st.success(_("Read {n} projects from {file}.").format(n=len(projects),
                      file=s.names.get("projects", "")))
        show_warnings(projects.warnings, s)


def solve_when_asked(s: Any, sc: Any, data: dict[str, Any], clicked: bool, auto: bool) -> None:
    """Solve on the button; re-solve (what-if) when the scenario changed and the toggle is on,
    unless this very scenario just failed."""
    if clicked or (s.solve_now and auto):
        with st.spinner(_("Solving…")):
            solve(s, sc, data, quick=False)
        s.solve_now = False
    elif auto and s.plan is not None and data != s.plan.data and (
            s.failure is None or s.failure[2] != data):
        solve(s, sc, data, quick=True)


if __name__ == "__main__":  # Streamlit runs the page as __main__; importing it draws nothing
    main()
