"""What the app asks of kcopt, through the library's public functions only: scenarios in and
out of YAML (never a server path from the user), reading and validating uploads, solving,
re-solving for a what-if, sensitivity step by step, and the files a planner downloads.

`replan` is the what-if re-solve: it rebuilds and re-solves the already validated project list
(no file read). It is the one function to swap for a warm re-solve from the previous basis.
"""

from __future__ import annotations

import copy
import hashlib
import io
import time
import zipfile
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

import kcopt
from kcopt.app import reword
from kcopt.app.workspace import MAX_ROWS, TIME_LIMIT, Workspace
from kcopt.core.errors import InputError, Problem
from kcopt.core.vocabulary import CRITERIA
from kcopt.core.words import _, fixed, get_language
from kcopt.inputs.scenario import Scenario
from kcopt.model.names import parse_row
from kcopt.pipeline import Run, conclude

PATH_KEYS = ("projects", "extends")
WEIGHT_KEYS = CRITERIA
TARGET_COLUMNS = ("name", "kind", "of", "category", "region", "province", "fund", "share",
                  "amount", "label")
OVERRIDE_COLUMNS = ("category", "fund", "province", "rate", "cap", "basis")


@dataclass
class Plan:
    """A solved scenario as the app shows it."""

    run: Run
    data: dict[str, Any]  # the scenario data (no paths) that produced it
    seconds: float
    changes: list[str] = field(default_factory=list)
    sensitivity: kcopt.Sensitivity | None = None
    number: int = 0
    quick: bool = False  # a what-if re-solve (replan), not the full pipeline
    language: str | None = None  # the language its words were written in
    worded: dict[str, Run] = field(default_factory=dict)  # `run_in`, by language
    compared: kcopt.Comparison | None = None  # with the last plan: `changes` said from it
    said: dict[str, list[str]] = field(default_factory=dict)  # `changes_in`, by language
    # `sensitivity_in`, by language: (the analysis it words, that analysis worded); the
    # language it was run in words it as it is
    sens_worded: dict[str, tuple[Any, Any]] = field(default_factory=dict)


# ---- scenarios as data ----------------------------------------------------------------------

def demo_inputs() -> tuple[Path, Path, dict[str, Any]]:
    """The bundled demo: its project list, its local budget file and its scenario data."""
    path = kcopt.demo_scenario_path()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    clean, _dropped = sanitise(data)
    return path.parent / str(data["projects"]), path.parent / str(data["budgets"]["local"]), clean


def sanitise(data: object) -> tuple[dict[str, Any], list[str]]:
    """A scenario's data without any file path (the app takes files as uploads only).

    Returns the data and the keys dropped. A local budget *file* is dropped too: upload it.
    """
    if not isinstance(data, dict):
        raise InputError([Problem("scenario", "a scenario must be a mapping of keys",
                                  "Start with e.g. 'name: …' and 'budgets: …'", value=data)])
    out = copy.deepcopy(data)
    dropped = [k for k in PATH_KEYS if out.pop(k, None) is not None]
    budgets = out.get("budgets")
    if isinstance(budgets, dict) and isinstance(budgets.get("local"), str):
        dropped.append("budgets.local")
        budgets.pop("local")
    rules = out.get("rules")
    if isinstance(rules, dict):  # files or folders of national levels and resolutions
        for key in [k for k, v in rules.items() if isinstance(v, str | list)]:
            dropped.append(f"rules.{key}")
            rules.pop(key)
    approved = out.get("approved")
    if isinstance(approved, dict) and approved.pop("plan", None) is not None:
        dropped.append("approved.plan")  # upload the approved plan instead
    out.pop("__file__", None)
    return out, dropped


def parse_yaml(text: bytes) -> tuple[dict[str, Any], list[str]]:
    """Scenario data from an uploaded YAML (or JSON) file, paths dropped."""
    try:
        data = yaml.safe_load(text.decode("utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError([Problem("scenario", f"not valid YAML{where}",
                                  "Check indentation and quoting")]) from None
    return sanitise(data)


def scenario_yaml(data: dict[str, Any], projects_name: str,
                  budgets_name: str | None = None, approved_name: str | None = None) -> str:
    """The scenario file a planner saves: it names the project list (and the approved plan a
    re-plan keeps) by the file name they uploaded, so it runs with `kcopt solve` beside that
    file. Without an approved plan, the data's `approved:` settings are left out."""
    full = {"name": data.get("name") or _("Scenario"), "projects": projects_name,
            **{k: v for k, v in data.items() if k not in ("name", "projects")}}
    if budgets_name and "local" not in full.get("budgets", {}):
        full["budgets"] = {**full.get("budgets", {}), "local": budgets_name}
    approved = full.pop("approved", None)
    if approved_name and isinstance(approved, dict):
        full["approved"] = {"plan": approved_name, **approved}
    return yaml.safe_dump(full, allow_unicode=True, sort_keys=False, width=100)


def load(ws: Workspace, data: dict[str, Any]) -> Scenario:
    """Resolve scenario data against the session's uploads (validated like a file)."""
    projects = ws.file("projects")
    budgets = ws.file("local-budgets")
    approved = ws.file("approved-plan")
    text = scenario_yaml(data, projects.name if projects else "",
                         budgets.name if budgets else None, approved.name if approved else None)
    path = ws.folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    sc = kcopt.load_scenario(path)
    if sc.solver.time_limit is None or sc.solver.time_limit > TIME_LIMIT:
        sc = replace(sc, solver=replace(sc.solver, time_limit=TIME_LIMIT))
    return sc


def local_budgets(sc: Scenario) -> dict[str, float]:
    """Each province's local budget, every one of the 34 listed (0 where none is given)."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.core.geo import load_geography

    return {p: float(sc.local_budgets.get(p, 0.0)) for p in load_geography().provinces}


def list_key(sc: Scenario) -> tuple[Any, ...]:
    """What the validated project list depends on: the content hashed when the scenario was
    loaded, its sheet, unit, province and form sections (no file read)."""
    assert sc.projects is not None
    digest = sc.input_hashes.get(sc.projects.name)
    if digest is None:  # a scenario not loaded from the session's folder
        data = sc.project_data()
        digest = None if data is None else hashlib.sha256(data).hexdigest()
    return (digest, sc.sheet, sc.money_scale, sc.province, tuple(sorted(sc.sections.items())))


def read(sc: Scenario) -> kcopt.Projects:
    """Validate the uploaded project list; `InputError` with every bad cell. The bytes parsed
    are those read and hashed when the scenario was loaded (`Scenario.project_data()`), as
    `kcopt solve` and `kcopt validate` do: the list is read once, and the plan is made of the
    list the page checked."""
    assert sc.projects is not None
    projects = kcopt.read_projects(sc.projects, sc.sheet, money_scale=sc.money_scale,
                                   province=sc.province, sections=sc.sections,
                                   data=sc.project_data())
    if len(projects) > MAX_ROWS:
        raise InputError([Problem(sc.projects.name, f"{len(projects)} projects; the app takes "
                                  f"at most {MAX_ROWS}", "Split the list by province, or use "
                                  "kcopt solve on a computer")])
    return projects


# ---- solving --------------------------------------------------------------------------------

def solve_plan(sc: Scenario) -> Run:
    """The full pipeline, as `kcopt solve` runs it (nothing written)."""
    return kcopt.run(sc, out=None, time_limit=sc.solver.time_limit)


def replan(previous: Run, sc: Scenario) -> Run:
    """A what-if: the same validated projects under a changed scenario, solved again and
    finished by the pipeline's own tail (`kcopt.pipeline.conclude`), so the plan and its
    warnings are those `kcopt solve` gives for `sc`.

    When only weights or budgets changed, the plan is re-solved from its optimal basis
    (`kcopt.resolve`); otherwise the program is built and solved again (no file read). An
    infeasible scenario raises `InfeasibleError` with the pipeline's diagnosis. Where the
    program has ties (a grant that central or local money can pay at the same score), the
    warm re-solve may split it between the funds otherwise than a solve from scratch: the
    score, each project's total and each fund's total are the same.

    A re-plan against an approved plan (`approved:`), or a what-if of one, runs the whole
    pipeline: its locks, its least-change stages and its changes table are the pipeline's.
    """
    if not what_if(previous, sc):
        return solve_plan(sc)
    if _weights_or_budgets_only(previous.scenario, sc):
        # start-up: the app loads what a step needs when the step runs
        from kcopt.analysis.whatif import resolve

        provinces = set(previous.scenario.local_budgets) | set(sc.local_budgets)
        weights = {k: sc.weights.get(k, 0.0) for k in CRITERIA}
        result = resolve(previous.result, weights=weights,
                         budgets={"central": sc.central_budget,
                                  "local": {p: sc.local_budgets.get(p, 0.0)
                                            for p in provinces}})
        # the same program; the record names the scenario as loaded, as `kcopt solve` does
        result = replace(result, model=replace(result.model, scenario=sc))
    else:
        # the functions by their modules (`kcopt.model.build.build`, `kcopt.solvers.solve.solve`)
        from kcopt.model.build import build
        from kcopt.solvers.solve import solve

        result = solve(build(previous.projects, sc), time_limit=sc.solver.time_limit)
    return conclude(sc, previous.projects, result)


def what_if(previous: Run, sc: Scenario) -> bool:
    """Whether `replan` re-solves `previous`'s program (False: a re-plan against an approved
    plan, or a what-if of one, which the full pipeline solves)."""
    return sc.approved is None and previous.scenario.approved is None


def _weights_or_budgets_only(a: Scenario, b: Scenario) -> bool:
    if a.years or b.years or a.mip is True or b.mip is True:
        return False
    ra, rb = a.resolved(), b.resolved()
    return all(ra[k] == rb[k] for k in ra if k not in ("weights", "budgets"))


def run_in(plan: Plan) -> Run:
    """The plan's run with its reasons in the language in use: the solve's own when solved in
    it, else the same plan worded again (`reword.reworded`), once per language."""
    lang = get_language()
    if plan.language in (None, lang):
        return plan.run
    if lang not in plan.worded:
        plan.worded[lang] = reword.reworded(plan.run)
    return plan.worded[lang]


def changes(before: Run, after: Run) -> kcopt.Comparison:
    """The comparison of two plans of the same list; its `sentences` say what moved."""
    labels = (_("the last plan"), _("the new plan"))
    return kcopt.compare(before, after, labels=labels)


def changes_in(plan: Plan) -> list[str]:
    """What changed against the last plan, in the language in use: the solve's sentences, or
    the same comparison said again (each project's reason as `run_in` words it)."""
    lang = get_language()
    if plan.language in (None, lang) or plan.compared is None:
        return plan.changes
    if lang not in plan.said:
        allocation = run_in(plan).allocation
        assert allocation is not None, "a plan is a solved run"
        plan.said[lang] = reword.changes_of(plan.compared.a, replace(plan.compared.b,
                                                              allocation=allocation))
    return plan.said[lang]


def sensitivity_in(plan: Plan) -> Any:
    """The plan's sensitivity analysis with its sentences in the language in use (said again
    once per language and analysis, `reword.sensitivity_again`)."""
    sens, lang = plan.sensitivity, get_language()
    if sens is None:
        return None
    if plan.sens_worded.get(lang, (None,))[0] is not sens:
        plan.sens_worded[lang] = (sens, reword.sensitivity_again(sens, plan.run))
    return plan.sens_worded[lang][1]


def diagnosis_frame(failed: reword.Infeasible) -> pd.DataFrame:
    """What to relax, in the language in use (`reword.diagnosis_in`)."""
    findings = reword.diagnosis_in(failed)
    return pd.DataFrame([{_("Constraint"): f.constraint,
                          _("Problem"): f.message,
                          _("Current"): f.current,
                          _("Needed"): f.needed} for f in findings])


def problems_frame(problems: list[Problem],
                   names: dict[str, str] | None = None) -> pd.DataFrame:
    """Every problem as a row: file, sheet, row, column, value received, what, fix.

    `names` maps the session's internal file names back to the names the user uploaded."""
    names = names or {}

    def shown(file: str) -> str:
        for internal, user in names.items():
            if internal and internal in file:
                return user
        return Path(file).name if "/" in file else file

    rows = [{_("File"): shown(p.file), _("Sheet"): p.sheet or "",
             _("Row"): "" if p.row is None else str(p.row)
             + (f" ({p.project_id})" if p.project_id else ""),
             _("Column / key"): p.column or "",
             _("Value"): "" if p.value is None else str(p.value),
             _("Problem"): p.message, _("Fix"): p.fix}
            for p in problems]
    return pd.DataFrame(rows)


def binding_sentences(run: Run) -> list[str]:
    """Each binding budget and target with its price, in words."""
    cons = run.constraints
    if cons is None:
        return []
    out = []
    rows = cons[cons["binding"] & cons["family"].isin(["budget", "target"])]
    rows = rows.assign(price=rows["shadow_price"].abs(),
                       central=[parse_row(str(n)).fund != "central" for n in rows["name"]])
    # the central budget first
    rows = rows.sort_values(["central", "price"], ascending=[True, False])
    for r in rows.to_dict("records"):
        if r["family"] == "budget":
            row = parse_row(str(r["name"]))
            what = (_("The central budget") if row.fund == "central"
                    else _("The local budget of {p}").format(p=row.province))
            what += f" {row.year}" if row.year is not None else ""
            what += " ({} {})".format(fixed(r["rhs"], 0), _("million VND"))
            out.append(_("{what} fully used: each extra 1,000 million VND adds {p} objective "
                         "points.").format(what=what, p=fixed(1000 * r["shadow_price"], 3)))
        else:
            out.append(_("Target {what} binds: price {p} points per 1,000 million VND (the "
                         "Sensitivity tab gives the score each target costs).").format(
                             what=f"'{r['name']}'", p=fixed(1000 * r["shadow_price"], 3)))
    return out


# ---- sensitivity ----------------------------------------------------------------------------

def sensitivity_steps(run: Run, draws: int,
                      seed: int = 0) -> Generator[tuple[str, float], None, kcopt.Sensitivity]:
    """Run the sensitivity suite one analysis at a time, yielding (next step, share done);
    the finished `Sensitivity` is in `.value` of the generator's StopIteration."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.analysis.sensitivity import (
        budget_sweep,
        policy_prices,
        ranging,
        tornado,
        weight_robustness,
    )

    result = run.result
    done: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("ranging", lambda: ranging(result)),
        ("budget_sweep", lambda: budget_sweep(result)),
        ("weight_robustness", lambda: weight_robustness(result, draws=draws, seed=seed)),
        ("tornado", lambda: tornado(result)),
        ("policy_prices", lambda: policy_prices(result)),
    ]
    timings = {}
    for i, (name, fn) in enumerate(steps):
        yield name, i / len(steps)
        t0 = time.perf_counter()
        done[name] = fn()
        timings[name] = round(time.perf_counter() - t0, 4)
    rp, rc = done["ranging"]
    settings = {"draws": draws, "seed": seed, "concentration": 50.0, "bounds": {},
                "sweep_points": 11, "grid": 7,
                "failed_draws": done["weight_robustness"].attrs.get("failed", 0),
                "failed_sweep_points": int((done["budget_sweep"]["status"] != "optimal").sum()),
                "selection_margins": 0}
    return kcopt.Sensitivity(rp, rc, done["budget_sweep"], done["weight_robustness"],
                             done["tornado"], done["policy_prices"], timings, settings)


# ---- downloads ------------------------------------------------------------------------------

def write_files(ws: Workspace, plan: Plan, yaml_text: str) -> Path:
    """Every output of the plan in the session folder (once per plan): what `kcopt solve`
    writes, report.html, the scenario and, when run, the sensitivity files."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.outputs import write_outputs, write_sensitivity
    from kcopt.present.views import outcome

    folder = ws.out / f"plan-{plan.number}-{get_language()}"  # the files speak the language
    if (folder / "scenario.yaml").exists():
        return folder
    with ws.lock:
        # a what-if plan's files come from the full pipeline on its scenario, so they are
        # exactly what `kcopt solve` writes for the downloaded scenario
        # (a plan solved in another language: its reasons in this one)
        run = (solve_plan(plan.run.scenario) if plan.quick
               else run_in(plan))
        write_outputs(run, folder)
        if plan.sensitivity is not None:
            write_sensitivity(plan.sensitivity, plan.run.result, folder)
        kcopt.write_report(outcome(run, plan.sensitivity), folder / "report.html")
        (folder / "scenario.yaml").write_text(yaml_text, encoding="utf-8")
    return folder


def figures_png(run: Run) -> dict[str, bytes]:
    """kcopt's three plan figures as PNG."""
    out = {}
    for name, fig in (("by_category", kcopt.plots.allocation_by_category(run)),
                      ("by_region", kcopt.plots.allocation_by_region(run)),
                      ("budget_use", kcopt.plots.budget_use(run))):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
        out[name] = buf.getvalue()
    return out


def zip_folder(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
    return buf.getvalue()


# ---- after approval -------------------------------------------------------------------------

APPROVED_NAME = "approved-plan.csv"  # the plan shown, marked approved


def approve(ws: Workspace, plan: Plan) -> Path:
    """Mark the plan shown as the approved plan: its allocation.csv, as `kcopt solve` writes
    it (a what-if plan's from the full pipeline, as its downloads are), saved as the session's
    approved plan."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.io.write import write_csv

    run = solve_plan(plan.run.scenario) if plan.quick else plan.run
    assert run.allocation is not None
    ws.drop("approved-plan")
    return write_csv(run.allocation, ws.folder / APPROVED_NAME)


def budget_change(central: float, central_unit: str, local: float,
                  provinces: dict[str, str]) -> dict[str, Any]:
    """`budget_change:` from the app's inputs: the central change in % or million VND, every
    local budget's in %, single provinces' as written ("+200", "-5%"); zeros left out."""
    out: dict[str, Any] = {}
    if central:
        out["central"] = f"{central:+g}%" if central_unit == "%" else float(central)
    if local:
        out["local"] = f"{local:+g}%"
    lines = {p: v.strip() for p, v in provinces.items() if str(v).strip()}
    if lines:
        out["provinces"] = lines
    return out


def fund_totals(changes: pd.DataFrame) -> list[tuple[str, float, float, float]]:
    """Per fund (KCQG, KCĐP): the approved total, the adjusted total and the change of the
    changes table's lines, million VND."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.inputs.approved import FUND_CODE, FUNDS

    out = []
    for fund in FUNDS:
        part = changes[changes["fund"] == fund]
        before, after = float(part["before"].sum()), float(part["after"].sum())
        out.append((_(FUND_CODE[fund]), before, after, after - before))
    return out


def moved(changes: pd.DataFrame) -> tuple[float, int]:
    """The money moved (Σ |change|, million VND) and how many projects changed."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.analysis.changes import moved_money

    return moved_money(changes)


def changes_frame(changes: pd.DataFrame) -> pd.DataFrame:
    """The changes table as the app shows it: headings and funds in the session's language,
    amounts as numbers (the page formats them)."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.inputs.approved import FUND_CODE

    headings = {"project_id": _("Project ID"), "name": _("Project"),
                "province": _("Province"), "fund": _("Fund"),
                "before": _("Approved (million VND)"), "after": _("Adjusted (million VND)"),
                "change": _("Change (million VND)"), "reason": _("Reason for the change")}
    frame = changes[list(headings)].copy()
    frame["fund"] = [_(FUND_CODE[f]) if f in FUND_CODE else f for f in frame["fund"]]
    return frame.rename(columns=headings)
