"""build(): projects + scenario → a labelled linear program (design §4).

One column per (project, fund) pair that may pay, plus — only when targets need them — one
auxiliary total per fund scope; a row only where a constraint couples columns. Single-fund caps
and must-fund floors are column bounds. Everything is assembled as NumPy arrays and one SciPy
sparse matrix; no Python loop runs per project.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.errors import InputError, Problem
from kcopt.rules import FUNDS, CapTable, RuleSet, compute_caps, load_rules
from kcopt.scenario import CRITERIA, Scenario, Target
from kcopt.schema import TYPICAL_SCORE, Projects

INF = np.inf


@dataclass
class LinearProgram:
    """max cost·x  s.t.  row_lower ≤ A x ≤ row_upper,  col_lower ≤ x ≤ col_upper."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    col_names: list[str]
    A: sp.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_names: list[str]
    row_family: list[str]

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.A.shape
        return int(rows), int(cols)

    def row(self, name: str) -> int:
        return self.row_names.index(name)

    def col(self, name: str) -> int:
        return self.col_names.index(name)


@dataclass
class Model:
    """The program plus what is needed to explain it in planners' terms."""

    lp: LinearProgram
    projects: pd.DataFrame  # input columns + region, score, cap, status/reason before solving
    caps: CapTable
    scenario: Scenario
    rules: RuleSet
    col_project: np.ndarray  # project row for x columns, -1 for auxiliaries
    col_fund: np.ndarray  # 0 central, 1 local, -1 for auxiliaries
    bound_names: list[str]  # constraint a column bound stands for (cap:/must_fund:), or ""
    mip: bool
    warnings: list[Problem] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)

    @property
    def n_projects(self) -> int:
        return len(self.projects)


def criteria_matrix(frame: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """criterion[p, k] for k in `CRITERIA` order, every criterion scaled to 0–1."""
    adv = scenario.regional_advantages
    sector = frame["sector"].fillna("").astype(str).to_numpy()
    provs = frame["province"].to_numpy()
    regional = np.array([s in adv.get(p, ()) for p, s in zip(provs, sector, strict=True)],
                        dtype=float) if adv else np.zeros(len(frame))
    columns = {
        "appraisal": frame["appraisal"].fillna(0).to_numpy(float) / 100.0,
        "green": frame["green"].to_numpy(float),
        "circular": frame["circular"].to_numpy(float),
        "digital": frame["digital"].to_numpy(float),
        "regional_advantage": regional,
        "typical_product": frame["typical_product"].map(TYPICAL_SCORE).to_numpy(float),
        "disadvantaged_area": frame["disadvantaged_area"].to_numpy(float),
        "women_or_ethnic_owned": frame["women_or_ethnic_owned"].to_numpy(float),
    }
    return np.column_stack([columns[k] for k in CRITERIA])


def weight_vector(weights: dict[str, float]) -> np.ndarray:
    return np.array([weights.get(k, 0.0) for k in CRITERIA])


def compute_scores(frame: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """score[p] = Σ_k w_k · criterion[p,k], every criterion scaled to 0–1."""
    return criteria_matrix(frame, scenario) @ weight_vector(scenario.weights)


def objective_coefficients(score: np.ndarray, cap: np.ndarray, col_project: np.ndarray,
                           objective: str) -> np.ndarray:
    """Cost of each x column: score/cap (`total_score`, pro-rata project scores) or score
    (`weighted_funds`, score per million). Auxiliary columns (col_project < 0) cost 0."""
    cost = np.zeros(len(col_project))
    xs = col_project >= 0
    p = col_project[xs]
    cost[xs] = score[p] / cap[p] if objective == "total_score" else score[p]
    return cost


def target_selection(frame: pd.DataFrame, t: Target) -> np.ndarray:
    """Weight in [0, 1] with which each project counts toward target `t` (flags may be shares)."""
    sel = np.ones(len(frame))
    if t.of:
        parts = []
        for f in t.of:
            if f == "typical_product":
                parts.append((frame[f] != "none").to_numpy(float))
            else:
                parts.append(frame[f].to_numpy(float))
        sel *= np.max(parts, axis=0)
    if t.category:
        sel *= frame["category"].isin(t.category).to_numpy(float)
    if t.region:
        sel *= (frame["region"] == t.region).to_numpy(float)
    if t.province:
        sel *= (frame["province"] == t.province).to_numpy(float)
    return sel


class _RowBlock:
    """Accumulates constraint families as COO triplets with names and bounds."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.names: list[str] = []
        self.family: list[str] = []

    def add(self, family: str, names: list[str], lower, upper, rows, cols, vals) -> None:
        """`rows` index within this family (0 … len(names)-1)."""
        offset = len(self.names)
        k = len(names)
        self.rows.append(np.asarray(rows, dtype=np.int64) + offset)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=float))
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (k,)))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (k,)))
        self.names.extend(names)
        self.family.extend([family] * k)

    def matrix(self, n_cols: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        n = len(self.names)
        if not n:
            return sp.csr_matrix((0, n_cols)), np.zeros(0), np.zeros(0)
        A = sp.csr_matrix((np.concatenate(self.vals),
                           (np.concatenate(self.rows), np.concatenate(self.cols))),
                          shape=(n, n_cols))
        A.sum_duplicates()
        return A, np.concatenate(self.lower), np.concatenate(self.upper)


def build(projects: Projects | pd.DataFrame, scenario: Scenario, rules: RuleSet | None = None,
          mip: bool | None = None) -> Model:
    """Assemble the allocation program for `projects` under `scenario`.

    `mip=None` follows the scenario (`auto`: integer decisions only when a project needs them);
    `False` solves the relaxation and warns; `True` keeps integer decisions.

    Examples
    --------
    >>> import kcopt
    >>> sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    >>> model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    >>> model.lp.row_names[0]
    'budget:central'
    """
    frame = (projects.frame if isinstance(projects, Projects) else projects).copy()
    warnings: list[Problem] = []
    rules = (rules or load_rules()).with_overrides(list(scenario.rate_overrides))
    if scenario.regions:
        frame["region"] = frame["province"].map(scenario.regions).fillna(frame["region"])
    ids = frame["project_id"].astype(str).to_numpy()
    _check_listed_ids(scenario, set(ids))
    len(frame)
    caps = compute_caps(frame, rules)
    score = compute_scores(frame, scenario)
    excluded = (frame["exclude"].to_numpy() > 0) | np.isin(ids, scenario.exclude)
    must = (frame["must_fund"].to_numpy() > 0) | np.isin(ids, scenario.must_fund)
    ineligible = caps.ineligible != ""
    active = ~ineligible & ~excluded
    status = np.where(ineligible, "ineligible", np.where(excluded, "excluded", ""))
    reason = np.where(ineligible, caps.ineligible,
                      np.where(excluded, "excluded by the scenario or the project list", ""))
    warnings += _rule_warnings(frame, caps, rules, active)
    bad_must = must & ~active
    for i in np.flatnonzero(bad_must):
        warnings.append(Problem("scenario", f"must-fund project {ids[i]} is {status[i]}: "
                                f"{reason[i]}; it is not funded", severity="warning"))
    must &= active

    # --- columns: one per (project, fund) that may pay -------------------------------------
    pay = active[:, None] & ~np.isnan(caps.cap) & (np.nan_to_num(caps.cap) > 0)
    col_project, col_fund = np.nonzero(pay)
    n_x = len(col_project)
    total_cap = np.where(active, caps.total_cap, 0.0)
    n_funds = pay.sum(axis=1)
    two = n_funds == 2
    col_upper = caps.cap[col_project, col_fund]
    col_lower = np.zeros(n_x)
    single_must = must[col_project] & ~two[col_project]
    col_lower[single_must] = col_upper[single_must]
    cost = objective_coefficients(score, total_cap, col_project, scenario.objective)
    col_names = [f"x:{ids[p]}:{FUNDS[f]}" for p, f in zip(col_project, col_fund, strict=True)]
    bound_names = [("must_fund:" if m else "cap:") + ids[p] if not two[p] else ""
                   for p, m in zip(col_project, single_must, strict=True)]

    needs_mip = ((frame["all_or_nothing"].to_numpy() > 0) |
                 (frame["min_fraction"].fillna(0).to_numpy() > 0)) & active & (n_funds > 0)
    use_mip = bool(needs_mip.any()) if mip is None and scenario.mip == "auto" else bool(
        scenario.mip if mip is None else mip)
    if needs_mip.any() and not use_mip:
        warnings.append(Problem("scenario", f"{int(needs_mip.sum())} project(s) are "
                                "all-or-nothing or have a minimum fraction; solving the LP "
                                "relaxation treats them as divisible", severity="warning"))

    # auxiliary totals, only for the fund scopes some target measures shares of
    scopes = sorted({t.fund for t in scenario.targets if t.share is not None})
    aux_index = {s: n_x + i for i, s in enumerate(scopes)}
    z_projects = np.flatnonzero(needs_mip) if use_mip else np.zeros(0, dtype=int)
    z_index = n_x + len(scopes) + np.arange(len(z_projects))
    n_cols = n_x + len(scopes) + len(z_projects)

    rows = _RowBlock()
    fund_cols = {"all": np.arange(n_x), "central": np.flatnonzero(col_fund == 0),
                 "local": np.flatnonzero(col_fund == 1)}
    add_budget_constraints(rows, scenario, frame, col_project, fund_cols, warnings)
    add_cap_constraints(rows, ids, col_project, two, must, total_cap)
    add_cofinancing_constraints(rows, ids, col_project, col_fund, two, scenario.local_match_min)
    add_total_definitions(rows, scopes, aux_index, fund_cols)
    add_target_constraints(rows, scenario, frame, col_project, fund_cols, aux_index)
    if use_mip:
        add_integer_constraints(rows, frame, ids, col_project, z_projects, z_index, total_cap)

    A, row_lower, row_upper = rows.matrix(n_cols)
    all_cost = np.concatenate([cost, np.zeros(n_cols - n_x)])
    lower = np.concatenate([col_lower, np.zeros(n_cols - n_x)])
    upper = np.concatenate([col_upper, np.full(len(scopes), INF), np.ones(len(z_projects))])
    integer = np.zeros(n_cols, dtype=bool)
    integer[z_index] = True
    names = col_names + [f"total:{s}" for s in scopes] + [f"z:{ids[p]}" for p in z_projects]
    lp = LinearProgram(all_cost, lower, upper, integer, names, A, row_lower, row_upper,
                       rows.names, rows.family)

    frame["score"] = score
    frame["cap"] = np.where(active | ineligible, np.nan_to_num(caps.total_cap), 0.0)
    frame["must_fund"] = must.astype(float)
    frame["exclude"] = excluded.astype(float)
    frame["status"] = status
    frame["reason"] = reason
    full_proj = np.concatenate([col_project, np.full(len(scopes), -1), z_projects])
    full_fund = np.concatenate([col_fund, np.full(n_cols - n_x, -1)])
    extras = projects.extra_columns if isinstance(projects, Projects) else []
    return Model(lp, frame, caps, scenario, rules, full_proj, full_fund,
                 bound_names + [""] * (n_cols - n_x), use_mip, warnings, list(extras))


def _rule_warnings(frame: pd.DataFrame, caps: CapTable, rules: RuleSet,
                   active: np.ndarray) -> list[Problem]:
    """Projects whose cap rests on a rate the rule set marks unverified."""
    out = []
    for cat, count in frame.loc[active, "category"].value_counts(sort=False).items():
        rule = rules.rules[str(cat)]
        idx = np.flatnonzero(active & (frame["category"] == cat).to_numpy())
        own = np.isin(caps.basis[idx], [rule.basis]).any()
        if not own or rule.verified:
            continue
        if rule.rate is None and rule.ceiling is None:
            text = (f"{count} project(s) of '{rule.name_vi}' ({cat}) have no national support "
                    f"level in the rule set ({rule.note or rule.basis}); their caps are the "
                    "amounts requested. Set a rate in rate_overrides")
        else:
            text = (f"{count} project(s) of '{rule.name_vi}' ({cat}) use a support level the "
                    f"rule set marks {rule.confidence} ({rule.basis}); confirm it or set it in "
                    "rate_overrides")
        out.append(Problem("rules", text, severity="warning"))
    return out


def _check_listed_ids(scenario: Scenario, ids: set[str]) -> None:
    problems = [Problem(str(scenario.path or "scenario"), "no project with this id", fix=
                        "Check the id against the project list", column=key, value=pid)
                for key in ("must_fund", "exclude") for pid in getattr(scenario, key)
                if pid not in ids]
    if problems:
        raise InputError(problems)


def add_budget_constraints(rows: _RowBlock, scenario: Scenario, frame: pd.DataFrame,
                           col_project: np.ndarray, fund_cols: dict[str, np.ndarray],
                           warnings: list[Problem]) -> None:
    """Budgets: what each fund pays out stays within its envelope.

    Mathematical formulation::

        budget:central        Σ_p x[p,central] ≤ B_central
        budget:local:<prov>   Σ_{p in prov} x[p,local] ≤ B_prov

    The central fund pays anywhere; each province's local money only pays its own projects.
    """
    central = fund_cols["central"]
    rows.add("budget", ["budget:central"], -INF, scenario.central_budget,
             np.zeros(len(central)), central, np.ones(len(central)))
    local = fund_cols["local"]
    provs = frame["province"].to_numpy()[col_project[local]]
    names: list[str] = []
    codes = np.zeros(0, dtype=np.int64)
    if len(local):
        uniq, codes = np.unique(provs, return_inverse=True)
        names = [str(p) for p in uniq]
    missing = [p for p in names if p not in scenario.local_budgets]
    if missing:
        warnings.append(Problem("scenario", f"{len(missing)} province(s) with local projects "
                                f"have no local budget and get no local money: "
                                f"{', '.join(missing)}", severity="warning"))
    rhs = np.array([scenario.local_budgets.get(p, 0.0) for p in names])
    rows.add("budget", [f"budget:local:{p}" for p in names], -INF, rhs,
             codes, local, np.ones(len(local)))


def add_cap_constraints(rows: _RowBlock, ids: np.ndarray, col_project: np.ndarray,
                        two: np.ndarray, must: np.ndarray, total_cap: np.ndarray) -> None:
    """Caps for projects both funds may pay (single-fund caps are column bounds).

    Mathematical formulation::

        cap:<id>        x[p,central] + x[p,local] ≤ cap[p]
        must_fund:<id>  x[p,central] + x[p,local] = cap[p]      (instead, for must-fund projects)

    Together the two funds never pay a project more than the regulation allows; a must-fund
    project gets exactly its cap, in one row so its price is unique.
    """
    both = np.flatnonzero(two)
    if not len(both):
        return
    pos = np.full(len(ids), -1)
    pos[both] = np.arange(len(both))
    cols = np.flatnonzero(two[col_project])
    is_must = must[both]
    names = [f"{'must_fund' if m else 'cap'}:{ids[p]}" for p, m in zip(both, is_must,
                                                                      strict=True)]
    rows.add("cap", names, np.where(is_must, total_cap[both], -INF), total_cap[both],
             pos[col_project[cols]], cols, np.ones(len(cols)))
    for i in np.flatnonzero(is_must):
        rows.family[len(rows.family) - len(both) + i] = "must_fund"


def add_cofinancing_constraints(rows: _RowBlock, ids: np.ndarray, col_project: np.ndarray,
                                col_fund: np.ndarray, two: np.ndarray, m: float) -> None:
    """Co-financing: the local share of a jointly paid project's support is at least `m`.

    Mathematical formulation::

        match:<id>   (1 − m)·x[p,local] − m·x[p,central] ≥ 0
    """
    if m <= 0:
        return
    both = np.flatnonzero(two)
    if not len(both):
        return
    pos = np.full(len(ids), -1)
    pos[both] = np.arange(len(both))
    cols = np.flatnonzero(two[col_project])
    vals = np.where(col_fund[cols] == 1, 1.0 - m, -m)
    rows.add("match", [f"match:{ids[p]}" for p in both], 0.0, INF,
             pos[col_project[cols]], cols, vals)


def add_total_definitions(rows: _RowBlock, scopes: list[str], aux_index: dict[str, int],
                          fund_cols: dict[str, np.ndarray]) -> None:
    """Auxiliary totals T_s = Σ x over a fund scope, so share targets stay sparse.

    Mathematical formulation::

        total:<scope>   Σ_{j in scope} x_j − T_scope = 0
    """
    for s in scopes:
        cols = fund_cols[s]
        rows.add("total", [f"total:{s}"], 0.0, 0.0, np.zeros(len(cols) + 1),
                 np.append(cols, aux_index[s]), np.append(np.ones(len(cols)), -1.0))


def add_target_constraints(rows: _RowBlock, scenario: Scenario, frame: pd.DataFrame,
                           col_project: np.ndarray, fund_cols: dict[str, np.ndarray],
                           aux_index: dict[str, int]) -> None:
    """Policy targets as shares of the fund scope's total T (or as amounts).

    Mathematical formulation::

        share_min / region_min   Σ_p s_p·x_p − share·T ≥ 0      (or Σ s_p·x_p ≥ amount)
        share_max                Σ_p s_p·x_p − share·T ≤ 0      (or ≤ amount)
        province_max:<prov>      Σ_{p in prov} x_p − share·T ≤ 0, one row per province

    `s_p` is how much project p counts (its flag, 0–1); T is one auxiliary column, so a share
    target costs one sparse row, not a dense one.
    """
    for t in scenario.targets:
        cols = fund_cols[t.fund]
        t_col = aux_index.get(t.fund)
        if t.kind == "province_max":
            provs = frame["province"].to_numpy()[col_project[cols]]
            names = [t.province] if t.province else sorted(set(provs))
            pos = {p: i for i, p in enumerate(names)}
            keep = np.array([p in pos for p in provs], dtype=bool)
            r = np.array([pos[p] for p in provs[keep]], dtype=np.int64)
            c, v = cols[keep], np.ones(int(keep.sum()))
            if t.share is not None:
                assert t_col is not None
                r = np.append(r, np.arange(len(names)))
                c = np.append(c, np.full(len(names), t_col))
                v = np.append(v, np.full(len(names), -t.share))
                upper = 0.0
            else:
                upper = float(t.amount or 0.0)
            rows.add("target", [f"{t.name}:{p}" for p in names], -INF, upper, r, c, v)
            continue
        sel = target_selection(frame, t)[col_project[cols]]
        keep = sel > 0
        c, v = cols[keep], sel[keep]
        if t.share is not None:
            assert t_col is not None
            c, v = np.append(c, t_col), np.append(v, -t.share)
            bound = 0.0
        else:
            bound = float(t.amount or 0.0)
        lower, upper = (bound, INF) if t.kind in ("share_min", "region_min") else (-INF, bound)
        rows.add("target", [t.name], lower, upper, np.zeros(len(c)), c, v)


def add_integer_constraints(rows: _RowBlock, frame: pd.DataFrame, ids: np.ndarray,
                            col_project: np.ndarray, z_projects: np.ndarray,
                            z_index: np.ndarray, total_cap: np.ndarray) -> None:
    """Integer decisions: all-or-nothing and minimum viable fractions.

    Mathematical formulation::

        all_or_nothing:<id>   y[p] − cap[p]·z[p] = 0
        min_fraction:<id>     y[p] − f[p]·cap[p]·z[p] ≥ 0
        link:<id>             y[p] − cap[p]·z[p] ≤ 0

    with y[p] = Σ_s x[p,s] and z[p] ∈ {0, 1}: a project is funded in full (or at least a share
    f of its cap), or not at all.
    """
    if not len(z_projects):
        return
    aon = frame["all_or_nothing"].to_numpy()[z_projects] > 0
    frac = frame["min_fraction"].fillna(0).to_numpy()[z_projects]
    zpos = np.full(len(ids), -1)
    zpos[z_projects] = np.arange(len(z_projects))
    xcols = np.flatnonzero(zpos[col_project] >= 0)
    for family, chosen, lower, upper, coef in (
        ("all_or_nothing", aon, 0.0, 0.0, 1.0),
        ("min_fraction", ~aon, 0.0, INF, frac),
        ("link", ~aon, -INF, 0.0, 1.0),
    ):
        members = np.flatnonzero(chosen)
        if not len(members):
            continue
        pos = np.full(len(z_projects), -1)
        pos[members] = np.arange(len(members))
        xc = xcols[chosen[zpos[col_project[xcols]]]]
        zk = pos[zpos[col_project[xc]]]
        coef_arr = np.broadcast_to(np.asarray(coef, dtype=float), (len(z_projects),))[members]
        rows.add(family, [f"{family}:{ids[p]}" for p in z_projects[members]], lower, upper,
                 np.concatenate([zk, np.arange(len(members))]),
                 np.concatenate([xc, z_index[members]]),
                 np.concatenate([np.ones(len(xc)),
                                 -coef_arr * total_cap[z_projects[members]]]))
