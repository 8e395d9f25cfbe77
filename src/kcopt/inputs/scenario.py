"""Scenario files (docs/contract.md §3): load YAML/JSON, follow `extends:`, validate every key,
resolve.

Errors name the file and the key path (`targets[2].share`) with the value received and the fix,
and are collected before raising so a planner sees them all at once.

Here: the `Scenario` record, the chain of files (`extends:`) and the order the keys are read
in. The keys themselves are read by `scenariokeys` (budgets, years, weights, rate overrides,
the planner's keys), `targets`, `solveropts` and `rule_options`.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from kcopt.core.errors import InputError, Problem, UsageError
from kcopt.core.language import check_language, set_scenario_language
from kcopt.core.limits import read_input_bytes
from kcopt.core.text import fold
from kcopt.core.vocabulary import CRITERIA, DEFAULT_WEIGHTS
from kcopt.core.words import _, languages
from kcopt.inputs.approved import (
    Approved,
    BudgetChange,
    Change,
    Keep,
    plan_file,
    read_approved_plan,
)
from kcopt.inputs.replankeys import ReplanKeys, budget_options
from kcopt.inputs.rule_options import RuleOptions, resolve_rule_options
from kcopt.inputs.scenariokeys import ScenarioKeys, file_relative, merge_scenarios
from kcopt.inputs.solveropts import SolverChecks, SolverOptions
from kcopt.inputs.targets import Target, TargetChecks
from kcopt.io.yamlfile import load_yaml
from kcopt.rules.rates import RateOverride, RuleSet, load_rules

__all__ = ["FUND_ORDERS", "SPEC", "UNITS", "FundOrder", "Objective", "Scenario", "SolverOptions",
           "Target", "load_scenario"]

UNITS = {"million_vnd": 1.0, "trieu_dong": 1.0, "vnd": 1e-6, "thousand_vnd": 1e-3,
         "billion_vnd": 1e3, "ty_dong": 1e3, "dong": 1e-6, "nghin_dong": 1e-3,
         "ngan_dong": 1e-3}
SPEC: dict[str, Any] = {
    "name": str, "description": str, "extends": str, "projects": str, "sheet": str,
    "units": str, "province": str, "priorities": dict, "round_to": float,
    "min_fraction": float, "fixed_amount": dict, "sections": dict,
    "budgets": {"central": object, "local": object, "growth": dict},
    "years": list, "groups": dict,
    "objective": str, "weights": dict, "regional_advantages": dict, "targets": list,
    "cofinancing": {"local_match_min": float}, "fund_order": str,
    "rate_overrides": list, "regions": dict, "must_fund": list, "exclude": list,
    "mip": object,
    "solver": {"name": str, "time_limit": float, "mip_gap": float, "threads": int,
               "seed": int},
    "plan_year": object, "rules": dict, "priority_multiplier": object, "top_slice": dict,
    "language": str,
    "approved": {"plan": str, "keep": str, "lock": list, "tolerance": float,
                 "fewest_changes": bool, "executed_through": int, "carry_over": bool},
    "budget_change": {"central": object, "local": object, "provinces": dict},
}
Objective = Literal["total_score", "weighted_funds"]
FundOrder = Literal["own_first", "central_first", "local_first"]
FUND_ORDERS: tuple[str, ...] = get_args(FundOrder)  # which fund pays first (docs/contract.md §10)


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario. Build variants with `with_weights` / `with_budget`."""

    name: str
    projects: Path | None
    central_budget: float
    local_budgets: dict[str, float]
    objective: Objective = "total_score"
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    weight_labels: dict[str, str] = field(default_factory=dict)  # criterion -> its `label:`
    regional_advantages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    local_match_min: float = 0.0
    fund_order: FundOrder = "own_first"
    rate_overrides: tuple[RateOverride, ...] = ()
    regions: dict[str, str] = field(default_factory=dict)
    must_fund: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    mip: Literal["auto"] | bool = "auto"
    solver: SolverOptions = field(default_factory=SolverOptions)
    sheet: str | None = None
    money_scale: float = 1.0
    path: Path | None = None
    description: str = ""
    input_hashes: dict[str, str] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    years: tuple[int, ...] = ()  # empty: a single-period plan
    growth: dict[str, float] = field(default_factory=dict)  # fund -> yearly growth rate
    central_by_year: dict[int, float] = field(default_factory=dict)
    local_by_year: dict[str, dict[int, float]] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)  # exclusive group -> max projects
    rule_options: RuleOptions = field(default_factory=RuleOptions)
    province: str | None = None  # the province of a list that names none
    sections: dict[str, str] = field(default_factory=dict)  # form section title -> content type
    priorities: dict[str, float] = field(default_factory=dict)  # content type -> weight 0–1
    round_to: float | None = None  # every allocation a multiple of this (million VND)
    min_fraction: float | None = None  # default smallest share of its cap a project may get
    fixed_amount: dict[str, float] = field(default_factory=dict)  # project id -> amount
    language: str | None = None  # `language:`, the language of this plan's words (or None)
    # a budget estimate's programme management cost, set aside before the allocation: fund
    # ("central") or province → million VND, taken from the plan's first year (`budget`)
    set_aside: dict[str, float] = field(default_factory=dict)
    approved: Approved | None = None  # `approved:`, the plan a re-plan keeps (issue 25)
    budget_change: BudgetChange = field(default_factory=BudgetChange)  # as applied
    # the project list's bytes as read (and hashed into `input_hashes`) at load, with its path:
    # `kcopt.run` parses these, so the hash recorded is always of the data used
    project_bytes: tuple[Path, bytes] | None = field(default=None, compare=False, repr=False)

    def project_data(self) -> bytes | None:
        """The project list's content as read when the scenario was loaded, if it still names
        that file (None: read it from `projects`)."""
        if self.projects is None or self.project_bytes is None:
            return None
        path, data = self.project_bytes
        return data if path == Path(str(self.projects).partition("#")[0]) else None

    def rule_set(self, base: RuleSet | None = None) -> RuleSet:
        """The rules this scenario solves under: the bundled (or `base`) rule set with the
        scenario's rule files and rate overrides, read as in force in its plan year."""
        rules = self.rule_options.files.apply(base or load_rules())
        return rules.with_overrides(list(self.rate_overrides)).on(self.rule_options.plan_day)

    def budget(self, fund: str, province: str | None = None, year: int | None = None) -> float:
        """The budget of a fund (a province's, for local) in a year of the plan.

        Explicit per-year amounts win; otherwise the base amount grows by the fund's growth
        rate each year after the first. A province without a local budget has 0. A programme
        cost set aside (`set_aside`) comes off the first year's.
        """
        first = year is None or not self.years or year == self.years[0]
        aside = self.set_aside.get("central" if fund == "central" else str(province), 0.0) \
            if first else 0.0
        return self._gross(fund, province, year) - aside

    def _gross(self, fund: str, province: str | None, year: int | None) -> float:
        if fund == "central":
            if year is not None and year in self.central_by_year:
                return self.central_by_year[year]
            base = self.central_budget
        else:
            assert province is not None
            per_year = self.local_by_year.get(province, {})
            if year is not None and year in per_year:
                return per_year[year]
            base = self.local_budgets.get(province, 0.0)
        factor = self.rule_options.top_slice.factor  # what is left after the top-slice
        if year is None or not self.years:
            return base * factor
        return base * factor * (1.0 + self.growth.get(fund, 0.0)) ** (year - self.years[0])

    def with_weights(self, **weights: float) -> Scenario:
        """A copy with some priority weights changed (the rest kept), renormalised to sum 1."""
        merged = {**self.weights, **weights}
        unknown = set(weights) - set(CRITERIA)
        if unknown:
            raise InputError(_("unknown weight(s) {names}; known: {known}").format(
                names=sorted(unknown), known=", ".join(CRITERIA)))
        total = sum(merged.values())
        if not total > 0:  # all 0: no project would score (a scenario file says so as a key)
            raise UsageError(_("the priority weights sum to 0, so no project would have a "
                               "score"), {k: v for k, v in merged.items()},
                             _("Give at least one criterion a weight above 0 (the weights are "
                               "renormalised to sum 1), e.g. weights={'appraisal': 0.4}"))
        return replace(self, weights={k: v / total for k, v in merged.items()})

    def with_budget(self, central: float | None = None, local: float | None = None,
                    local_scale: float | None = None) -> Scenario:
        """A copy with the central budget and/or every local budget changed or scaled."""
        budgets = dict(self.local_budgets)
        if local is not None:
            budgets = dict.fromkeys(budgets, float(local))
        if local_scale is not None:
            budgets = {k: v * local_scale for k, v in budgets.items()}
        by_year = {p: dict(v) for p, v in self.local_by_year.items()}
        if local is not None:
            by_year = {}
        if local_scale is not None:
            by_year = {p: {y: a * local_scale for y, a in v.items()} for p, v in by_year.items()}
        return replace(self, central_budget=self.central_budget if central is None
                       else float(central), local_budgets=budgets, local_by_year=by_year,
                       central_by_year={} if central is not None else self.central_by_year)

    def with_budget_change(self, change: BudgetChange | Mapping[str, str | float],
                           where: str = "budget_change") -> Scenario:
        """A copy with `change` applied to its budgets (every plan year's too) and recorded in
        `budget_change`: a `BudgetChange`, or a mapping as `--budget` reads it —
        ``{"central": "-5%", "local": "-10%", "Hà Nội": 200}`` (million VND). A bad value, or a
        budget made negative, is a `UsageError` naming `where`."""
        if not isinstance(change, BudgetChange):
            change = budget_options([f"{k}={v}" for k, v in change.items()])
        if not change:
            return self

        def apply(c: Change | None, amount: float, key: str) -> float:
            new = c.apply(amount) if c is not None else amount
            if new < -1e-9:
                raise UsageError(_("{key}: the change would make a budget negative "
                                   "({before} → {after} million VND)").format(
                    key=key, before=f"{amount:g}", after=f"{new:g}"), key,
                    _("Cut by less than the budget"))
            return max(new, 0.0)

        central = apply(change.central, self.central_budget, f"{where}.central")
        by_year = {y: apply(change.central, a, f"{where}.central")
                   for y, a in self.central_by_year.items()}
        provinces = set(self.local_budgets) | set(change.provinces)
        local = {p: apply(change.of_local(p), self.local_budgets.get(p, 0.0),
                          f"{where}.{'provinces.' + p if p in change.provinces else 'local'}")
                 for p in sorted(provinces)}
        local_by_year = {p: {y: apply(change.of_local(p), a, f"{where}.local")
                             for y, a in v.items()} for p, v in self.local_by_year.items()}
        return replace(self, central_budget=central, central_by_year=by_year,
                       local_budgets=local, local_by_year=local_by_year,
                       budget_change=self.budget_change.then(change))

    def with_approved(self, plan: str | Path, keep: str = "prefer") -> Scenario:
        """A copy that re-plans against the approved plan at `plan` (`--approved`), keeping
        the scenario's own `approved:` settings other than the plan."""
        base = self.approved or Approved(Path(plan))
        file = plan_file(Path(plan))
        hashes = dict(self.input_hashes)
        read = basis = None  # the bytes hashed, parsed by the re-plan: the plan is read once
        if file.is_file():
            data, read_hashes, basis = read_approved_plan(file)
            read = (file, data)
            hashes.update({os.path.abspath(path): digest for path, digest in read_hashes.items()})
        kept: Keep = "fixed" if keep == "fixed" else "prefer"
        return replace(self, approved=replace(base, plan=Path(plan), keep=kept,
                                              plan_bytes=read, kept=basis), input_hashes=hashes)

    def _resolved_budgets(self) -> dict[str, Any]:
        if not self.years:
            return {"central": self.central_budget, "local": dict(self.local_budgets)}
        provinces = sorted(set(self.local_budgets) | set(self.local_by_year))
        return {"central": {y: round(self._gross("central", None, y), 6) for y in self.years},
                "local": {p: {y: round(self._gross("local", p, y), 6) for y in self.years}
                          for p in provinces},
                "growth": dict(self.growth)}

    def resolved(self) -> dict[str, Any]:
        """The scenario as solved, JSON-ready, for every output's provenance."""
        return {
            "name": self.name,
            "description": self.description,
            "projects": self.source.get("projects"),
            "sheet": self.sheet,
            "money_scale": self.money_scale,
            "years": list(self.years),
            "budgets": self._resolved_budgets(),
            "groups": dict(self.groups),
            "province": self.province,
            **({"sections": dict(self.sections)} if self.sections else {}),
            "priorities": dict(self.priorities),
            "round_to": self.round_to,
            "min_fraction": self.min_fraction,
            "fixed_amount": dict(self.fixed_amount),
            "objective": self.objective,
            "weights": dict(self.weights),
            **({"weight_labels": dict(self.weight_labels)} if self.weight_labels else {}),
            "regional_advantages": {k: list(v) for k, v in self.regional_advantages.items()},
            "targets": [{k: (list(v) if isinstance(v, tuple) else v)
                         for k, v in t.__dict__.items() if v not in (None, (), "")}
                        for t in self.targets],
            "cofinancing": {"local_match_min": self.local_match_min},
            "fund_order": self.fund_order,
            "rate_overrides": [{k: v for k, v in o.__dict__.items() if v is not None}
                               for o in self.rate_overrides],
            "regions": dict(self.regions),
            "must_fund": list(self.must_fund),
            "exclude": list(self.exclude),
            "mip": self.mip,
            "solver": dict(self.solver.__dict__),
            **({"set_aside": dict(self.set_aside)} if self.set_aside else {}),
            **self._resolved_rules(),
            **({"approved": self.approved.resolved()} if self.approved else {}),
        }

    def _resolved_rules(self) -> dict[str, Any]:
        opts = self.rule_options
        out: dict[str, Any] = {}
        if opts.plan_year is not None:
            out["plan_year"] = opts.plan_year
        if opts.sources:
            out["rules"] = dict(opts.sources)
        if opts.priority:
            out["priority_multiplier"] = [
                {k: (list(v) if isinstance(v, tuple) else v) for k, v in m.__dict__.items()
                 if v not in ((), "", False)} for m in opts.priority]
        if opts.top_slice:
            out["top_slice"] = dict(opts.top_slice.__dict__)
        return out


def load_scenario(path: str | Path) -> Scenario:
    """Load, extend, validate and resolve a scenario file; raise `InputError` with every problem.

    Examples
    --------
    >>> from kcopt import demo_scenario_path
    >>> load_scenario(demo_scenario_path()).objective
    'total_score'
    """
    path = Path(path)
    hashes: dict[str, str] = {}
    lines: dict[str, int] = {}  # the scenario file's own keys → their lines, for messages
    data = _load_chain(path, hashes, [], lines)
    language = _scenario_language(path, data.get("language"))
    return replace(_Resolver(path, data, hashes, lines).resolve(), language=language)


def _scenario_language(path: Path, lang: object) -> str | None:
    """`language: vi|en` — the language of this plan's outputs unless --lang says otherwise:
    spoken from now on in the calling thread (or task) only, and kept on the scenario, which
    `kcopt.run` speaks wherever it runs."""
    try:
        code = check_language(str(lang)) if lang is not None else None
        set_scenario_language(code)
        return code
    except InputError:
        raise InputError([Problem(str(path), "unknown language", "Use one of: "
                                  + ", ".join(languages()), column="language", value=lang,
                                  column_label="key")]) from None


def _load_chain(path: Path, hashes: dict[str, str], seen: list[Path],
                lines: dict[str, int] | None = None) -> dict[str, Any]:
    if not path.exists():
        raise InputError([Problem(str(path), "scenario file not found", "Check the path")])
    if path.resolve() in seen:
        chain = " → ".join(p.name for p in [*seen, path.resolve()])
        raise InputError([Problem(str(path), _(
            "scenarios extend each other in a loop: {chain}").format(
            chain=chain),
                                  "Remove one of the extends: keys")])
    raw = read_input_bytes(path, "kịch bản")
    hashes[str(path)] = hashlib.sha256(raw).hexdigest()
    data = load_yaml(raw, str(path), lines) or {}
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), "a scenario must be a mapping of keys",
                                  "Start with e.g. 'name: …' and 'budgets: …'")])
    base_dir = path.parent
    # paths are relative to the file that names them
    if isinstance(data.get("projects"), str):
        data["projects"] = file_relative(base_dir, data["projects"])
    budgets = data.get("budgets")
    if isinstance(budgets, dict) and isinstance(budgets.get("local"), str):
        budgets["local"] = file_relative(base_dir, budgets["local"])
    rule_files = data.get("rules")
    if isinstance(rule_files, dict):
        for key, value in rule_files.items():
            if isinstance(value, str):
                rule_files[key] = file_relative(base_dir, value)
            elif isinstance(value, list):
                rule_files[key] = [file_relative(base_dir, v) if isinstance(v, str) else v
                                   for v in value]
    approved = data.get("approved")
    if isinstance(approved, dict) and isinstance(approved.get("plan"), str):
        approved["plan"] = file_relative(base_dir, approved["plan"])
    data["__file__"] = str(path)
    if "extends" in data:
        parent_path = base_dir / str(data["extends"])
        parent = _load_chain(parent_path, hashes, [*seen, path.resolve()])
        data = merge_scenarios(parent, {k: v for k, v in data.items() if k != "extends"})
    return data


class _Resolver(ScenarioKeys, TargetChecks, SolverChecks, ReplanKeys):
    """A scenario's keys turned into a `Scenario`: budgets (and the local budget files they
    name), targets, weights, rate overrides, solver options and the planner's keys. The steps
    run in the order their problems are listed."""

    def resolve(self) -> Scenario:
        d = self.data
        self.check_keys("", d, tuple(SPEC))
        for key, sub in SPEC.items():
            if isinstance(sub, dict) and isinstance(d.get(key), dict):
                self.check_keys(f"{key}.", d[key], tuple(sub))
        name = str(d.get("name") or self.path.stem)
        proj_path, sheet, proj_bytes = self._project_list(d)
        units = str(d.get("units", "million_vnd"))
        if fold(units).replace(" ", "_") not in UNITS:
            self.err("units", "unknown money unit", units, "Use one of: " + ", ".join(UNITS))
        money_scale = UNITS.get(fold(units).replace(" ", "_"), 1.0)
        years = self.years(d.get("years"))
        central, local, central_by_year, growth = self.budgets(d, years, units, money_scale)
        extra = self.planner_keys(d, money_scale)
        groups = self.groups(d)
        scoring = self._scoring_keys(d, years)
        solving = self._solving_keys(d)
        rule_options = resolve_rule_options(self, d, years, self.path.parent)
        approved = self.approved(d.get("approved"))
        change = self.budget_change(d.get("budget_change"), money_scale)
        if proj_path is None:
            self.err("projects", "no project list given", None,
                     "Add projects: <file.csv or file.xlsx> (relative to the scenario file)")
        if self.errors:
            raise InputError(self.errors, self.warnings)
        base = self.path.parent
        source = {"projects": _display(proj_path, base) + (f"#{sheet}" if sheet else "")}
        return self._changed(change, Scenario(
            name=name, projects=proj_path, central_budget=central, local_budgets=local,
            **scoring, **solving, years=years, growth=growth, central_by_year=central_by_year,
            local_by_year=self.local_by_year, groups=groups, rule_options=rule_options,
            **extra,
            sheet=sheet, money_scale=money_scale, path=self.path,
            description=str(d.get("description", "")),
            input_hashes={_display(Path(k), base): v for k, v in sorted(self.hashes.items())},
            source=source, warnings=tuple(self.warnings), approved=approved,
            project_bytes=(proj_path, proj_bytes) if proj_path and proj_bytes is not None
            else None,
        ))

    def _changed(self, change: BudgetChange, sc: Scenario) -> Scenario:
        """`sc` with `budget_change:` applied; a budget made negative is an error here."""
        try:
            return sc.with_budget_change(change)
        except UsageError as exc:
            self.err(str(exc.got), exc.what, None, exc.fix)
            raise InputError(self.errors) from None

    def _project_list(self, d: dict[str, Any]
                      ) -> tuple[Path | None, str | None, bytes | None]:
        """`projects:` (a path, `#sheet` optional), `sheet:` and the list's bytes, read once:
        their hash is kept, and they are what `kcopt.run` parses."""
        projects = d.get("projects")
        proj_path = Path(str(projects).partition("#")[0]) if projects else None
        sheet = d.get("sheet") or (str(projects).partition("#")[2] or None if projects else None)
        data = None
        if proj_path is not None and proj_path.is_file():
            data = read_input_bytes(proj_path, "danh sách đề án")
            self.hashes[str(proj_path)] = hashlib.sha256(data).hexdigest()
        return proj_path, sheet, data

    def _scoring_keys(self, d: dict[str, Any], years: tuple[int, ...]) -> dict[str, Any]:
        """What the plan maximises and must reach: objective, weights (and their labels),
        regional advantages, targets, co-financing and the order the funds pay in."""
        objective = d.get("objective", "total_score")
        if objective not in ("total_score", "weighted_funds"):
            self.err("objective", "unknown objective", objective,
                     "Use total_score or weighted_funds")
        weights = self.weights(d.get("weights", DEFAULT_WEIGHTS))
        adv = self.advantages(d)
        targets = self.targets(d.get("targets"), years)
        match = self.mapping("cofinancing", d.get("cofinancing")).get("local_match_min", 0.0)
        match = self.number("cofinancing.local_match_min", match, 0, 1) or 0.0
        fund_order = d.get("fund_order", "own_first")
        if fund_order not in FUND_ORDERS:
            self.err("fund_order", "unknown order of funds", fund_order,
                     _("Use one of: {known}").format(known=", ".join(FUND_ORDERS)))
        return {"objective": objective, "weights": weights, "weight_labels": self.weight_labels,
                "regional_advantages": adv, "targets": targets, "local_match_min": match,
                "fund_order": fund_order}

    def _solving_keys(self, d: dict[str, Any]) -> dict[str, Any]:
        """Rate overrides, moved regions, integer choices, the solver, and the projects that
        must be funded or left out."""
        overrides = tuple(o for i, raw in enumerate(self.sequence("rate_overrides",
                                                                   d.get("rate_overrides")))
                          if (o := self.override(i, raw)) is not None)
        regions = self.regions(d)
        mip = d.get("mip", "auto")
        if mip not in ("auto", True, False):
            self.err("mip", "must be auto, true or false", mip)
        solver = self.solver(self.mapping("solver", d.get("solver"),
                                          "Write solver: {name: highs, time_limit: 60}"))
        lists = {}
        for key in ("must_fund", "exclude"):
            val = d.get(key) or []
            if not isinstance(val, list):
                self.err(key, "must be a list of project ids", val,
                         _("Write {key}: [P-0001, …]").format(key=key))
                val = []
            lists[key] = tuple(unicodedata.normalize("NFC", str(v)).strip() for v in val)
        return {"rate_overrides": overrides, "regions": regions, "mip": mip, "solver": solver,
                **lists}


def _display(path: Path | None, base: Path) -> str:
    if path is None:
        return ""
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
