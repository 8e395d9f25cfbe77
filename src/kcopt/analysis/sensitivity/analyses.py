"""Budget sweeps, weight robustness, tornado and policy prices on a solved allocation.

Every analysis re-solves the same program with one thing changed — a budget row's bound, the
objective's weights, a target switched off — warm-started from the previous basis, and returns a
tidy DataFrame. A failed re-solve is recorded in the `status` column; the analysis raises only
when every point failed.

For a MIP the program re-solved is the LP with the integer decisions fixed at the plan's
selection (docs/contract.md §7): every figure says what changes *given that selection*, and each
point is a warm-started simplex re-solve of milliseconds. A point the fixed selection cannot meet
(a budget cut below what the selected all-or-nothing projects need) is recorded as `infeasible`.
`reselect=True` re-solves the whole MIP at every point instead — the selection may change — at
the cost of one MIP solve per point (seconds each).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.analysis.report import FUNDED_AT
from kcopt.analysis.sensitivity.draws import draws_near, draws_of
from kcopt.analysis.sensitivity.engine import Point, Resolver, map_points
from kcopt.analysis.wording import TARGET_KIND_WORDS, parameter_label, target_label
from kcopt.core.errors import SolverError, UsageError
from kcopt.core.vocabulary import CRITERIA
from kcopt.core.words import N_, _, million, num, pct, sig
from kcopt.inputs.targets import Target
from kcopt.model import (
    LinearProgram,
    Model,
    criteria_matrix,
    objective_coefficients,
    weight_vector,
)
from kcopt.model.names import rows_of, rows_of_target
from kcopt.solvers.solve import Result, dot, fix_integers

CORE, EXTERIOR = 0.95, 0.05
NOT_RUN = "not_run"  # robustness class when no weight draw was solved


@dataclass
class _Layout:
    """What every task needs to turn a solution into per-project and per-group figures."""

    project_matrix: sp.csr_matrix  # projects × columns: money per project
    cap: np.ndarray
    groups: dict[str, sp.csr_matrix] = field(default_factory=dict)  # kind -> groups × columns
    group_names: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, model: Model) -> _Layout:
        lp = model.lp
        n_p, n_c = model.n_projects, lp.shape[1]
        xs = np.flatnonzero((model.col_project >= 0) & (model.col_fund >= 0))
        P = sp.csr_matrix((np.ones(len(xs)), (model.col_project[xs], xs)), shape=(n_p, n_c))
        layout = cls(P, model.projects["cap"].to_numpy(float))
        frame = model.projects
        for kind, labels in (("category", frame["category"].to_numpy()[model.col_project[xs]]),
                             ("region", frame["region"].to_numpy()[model.col_project[xs]]),
                             ("fund", np.where(model.col_fund[xs] == 0, "central", "local"))):
            names, codes = np.unique(labels.astype(str), return_inverse=True)
            layout.groups[kind] = sp.csr_matrix((np.ones(len(xs)), (codes, xs)),
                                                shape=(len(names), n_c))
            layout.group_names[kind] = [str(n) for n in names]
        return layout

    def fractions(self, x: np.ndarray) -> np.ndarray:
        money = self.project_matrix @ x
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.cap > 0, money / self.cap, 0.0)

    def by_group(self, x: np.ndarray) -> dict[str, float]:
        out = {}
        for kind, G in self.groups.items():
            for name, v in zip(self.group_names[kind], G @ x, strict=True):
                out[f"{kind}:{name}"] = round(float(v), 4)
        return out


def program(result: Result, reselect: bool = False) -> LinearProgram:
    """The program every re-solve of `result` changes: the model's LP, or for a MIP the LP with
    the integer decisions fixed at the plan's selection (the MIP itself with `reselect`)."""
    lp = result.model.lp
    if reselect or not lp.integer.any() or result.x is None:
        return lp
    return fix_integers(lp, result.x)


def base_objective(result: Result, reselect: bool = False) -> float:
    """The objective every re-solve is compared with: the plan's, or for a fixed selection the
    optimum of the fixed-selection LP (the same up to the MIP's gap, and found the same way as
    the points it is compared with)."""
    assert result.objective is not None
    lp = program(result, reselect)
    if lp is result.model.lp or not lp.shape[1]:
        return result.objective
    p = Resolver(lp, result.model.scenario.solver).solve()
    return p.objective if p.status == "optimal" else result.objective


def selection_mode(result: Result, reselect: bool = False) -> str:
    """`fixed` (a MIP's figures hold its selection fixed), `reselected` (a MIP re-solved at
    every point) or `lp` (no integer decision)."""
    if not result.model.lp.integer.any():
        return "lp"
    return "reselected" if reselect else "fixed"


def project_status(fraction: np.ndarray) -> np.ndarray:
    return np.where(fraction >= FUNDED_AT, "funded",
                    np.where(fraction > 1e-6, "partial", "unfunded"))


# ---- tasks (module level so joblib and Dask can send them to other processes) -------------

@dataclass
class BudgetTask:
    """Scale the central budget rows by one factor and every local one by another."""

    central_rows: np.ndarray
    central_base: np.ndarray
    local_rows: np.ndarray
    local_base: np.ndarray
    layout: _Layout

    def __call__(self, r: Resolver, point: tuple[float, float]) -> dict:
        fc, fl = point
        r.set_row_upper(np.concatenate([self.central_rows, self.local_rows]),
                        np.concatenate([self.central_base * fc, self.local_base * fl]))
        p = r.solve()
        row = {"status": p.status, "objective": p.objective}
        if p.x is not None:
            row.update(self.layout.by_group(p.x))
            row["_x"] = p.x
        return row


@dataclass
class WeightTask:
    criteria: np.ndarray
    cap: np.ndarray
    col_project: np.ndarray
    objective: str
    layout: _Layout

    def __call__(self, r: Resolver, weights: np.ndarray) -> tuple[str, float, np.ndarray | None]:
        score = self.criteria @ weights
        r.set_costs(objective_coefficients(score, self.cap, self.col_project, self.objective))
        p: Point = r.solve()
        if p.x is None:
            return p.status, p.objective, None
        return p.status, p.objective, self.layout.fractions(p.x).astype(np.float32)


@dataclass
class DrawTask(WeightTask):
    """A weight draw solved on a reduced program with a pricing check (`draws`): the whole
    program's optimum, made from the columns within `near` of moving. `near` 0: as
    `WeightTask`, the whole program every time."""

    near: float = 0.0

    def __call__(self, r: Resolver, weights: np.ndarray) -> tuple[str, float, np.ndarray | None]:
        reduced = draws_of(r, self.col_project, self.near)
        if reduced is None:
            return super().__call__(r, weights)
        cost = objective_coefficients(self.criteria @ weights, self.cap, self.col_project,
                                      self.objective)
        x = reduced.solve(cost)
        if x is None:  # not solved there: the whole program
            return super().__call__(r, weights)
        return "optimal", dot(cost, x), self.layout.fractions(x).astype(np.float32)


@dataclass
class RelaxTask:
    """Solve with some rows switched off, then put them back."""

    row_lower: np.ndarray
    row_upper: np.ndarray

    def __call__(self, r: Resolver, rows: list[int]) -> tuple[str, float]:
        idx = np.asarray(rows, dtype=np.int32)
        r.set_row_bounds(idx, np.full(len(idx), -np.inf), np.full(len(idx), np.inf))
        p = r.solve()
        r.set_row_bounds(idx, self.row_lower[idx], self.row_upper[idx])
        return p.status, p.objective


def _check_any(statuses: list[str], what: str) -> None:
    """A sweep records a failed point and goes on; it fails only when every point failed."""
    if statuses and all(s != "optimal" for s in statuses):
        raise SolverError(_("every {what} re-solve failed ({status})").format(
            what=_(what), status=statuses[0]))


def budget_task(model: Model, layout: _Layout | None = None) -> BudgetTask:
    """The budget rows of the model (every plan year) with their amounts."""
    lp = model.lp
    central = np.array(rows_of(lp.row_names, "budget", "central"), dtype=int)
    local = np.array(rows_of(lp.row_names, "budget", "local"), dtype=int)
    return BudgetTask(central, lp.row_upper[central], local, lp.row_upper[local],
                      layout or _Layout.of(model))


def budget_sweep(result: Result, points: int = 11, low: float = 0.5, high: float = 1.5,
                 grid: int = 7, jobs: int = 1, scheduler: str | None = None,
                 progress: bool = False, reselect: bool = False) -> pd.DataFrame:
    """Objective and allocation by content type, region and fund as budgets vary.

    Three sweeps: the central budget from `low` to `high` times its value (local fixed); every
    local budget scaled together over the same range (central fixed); and a `grid` × `grid`
    central × local surface. One row per point (`sweep` says which).
    """
    model = result.model
    task = budget_task(model)
    factors = np.round(np.linspace(low, high, points), 6)
    gfactors = np.round(np.linspace(low, high, grid), 6)
    plan = ([("central", f, 1.0) for f in factors] + [("local", 1.0, f) for f in factors]
            + [("grid", fc, fl) for fc in gfactors for fl in gfactors])
    rows = map_points(program(result, reselect), task, [(fc, fl) for _, fc, fl in plan],
                      jobs=jobs, scheduler=scheduler, opts=model.scenario.solver,
                      progress=progress, desc=N_("budget sweep"))
    for r in rows:
        r.pop("_x", None)
    _check_any([r["status"] for r in rows], N_("budget sweep"))
    c_total, l_total = float(task.central_base.sum()), float(task.local_base.sum())
    head = pd.DataFrame([{"sweep": s, "central_factor": fc, "local_factor": fl,
                          "central_budget": round(c_total * fc, 4),
                          "local_budget": round(l_total * fl, 4)} for s, fc, fl in plan])
    return pd.concat([head, pd.DataFrame(rows)], axis=1)


def draw_weights(weights: dict[str, float], draws: int, concentration: float = 50.0,
                 bounds: dict[str, tuple[float, float]] | None = None,
                 seed: int = 0) -> np.ndarray:
    """Weight vectors on the simplex around `weights` (Dirichlet, mean = the scenario's
    weights, spread set by `concentration`), redrawn until within `bounds` per criterion."""
    base = weight_vector(weights)
    active = base > 0
    rng = np.random.default_rng(seed)
    lo = np.zeros(len(CRITERIA))
    hi = np.ones(len(CRITERIA))
    for k, (a, b) in (bounds or {}).items():
        j = CRITERIA.index(k)
        lo[j], hi[j] = a, b
    out = np.zeros((draws, len(CRITERIA)))
    filled = 0
    for _try in range(1000):
        w = np.zeros((draws, len(CRITERIA)))
        w[:, active] = rng.dirichlet(concentration * base[active], size=draws)
        ok = np.all((w >= lo - 1e-12) & (w <= hi + 1e-12), axis=1)
        take = w[ok][: draws - filled]
        out[filled:filled + len(take)] = take
        filled += len(take)
        if filled == draws:
            return out
    raise UsageError(_("the weight bounds leave almost no room around the scenario's weights"),
                     bounds, _("Widen the bounds, or raise the concentration."))


def weight_robustness(result: Result, draws: int = 200, concentration: float = 50.0,
                      bounds: dict[str, tuple[float, float]] | None = None, seed: int = 0,
                      jobs: int = 1, scheduler: str | None = None,
                      progress: bool = False, reselect: bool = False) -> pd.DataFrame:
    """Per project: the share of weight draws in which it is funded and its mean fraction;
    class core (≥ 0.95), exterior (≤ 0.05) or borderline."""
    model = result.model
    layout = _Layout.of(model)
    weights = draw_weights(model.scenario.weights, draws, concentration, bounds, seed)
    criteria = criteria_matrix(model.projects, model.scenario)
    cap = model.projects["cap"].to_numpy(float)
    lp = program(result, reselect)
    near = draws_near(criteria, cap, model.col_project, model.scenario.objective,
                      weight_vector(model.scenario.weights), concentration, lp.shape[1])
    task = DrawTask(criteria, cap, model.col_project, model.scenario.objective, layout, near)
    out = map_points(lp, task, list(weights), jobs=jobs,
                     scheduler=scheduler, opts=model.scenario.solver, progress=progress,
                     desc=N_("weight draws"))
    statuses = [o[0] for o in out]
    _check_any(statuses, N_("weight draw"))
    ok = [o[2] for o in out if o[2] is not None]
    # the draws' float32 fractions compared and summed in float64 without a float64 copy (at
    # 10,000 projects × 1,000 draws that copy was 80 MB and 0.3 s after the draws)
    fr = np.vstack(ok) if ok else np.zeros((0, model.n_projects), dtype=np.float32)
    # no draw run (--draws 0): nothing is known, so no share and no class — not "exterior"
    funded_share = (np.count_nonzero(fr >= np.float64(FUNDED_AT), axis=0) / len(ok) if len(ok)
                    else np.full(model.n_projects, np.nan))
    mean_fraction = (fr.mean(axis=0, dtype=np.float64) if len(ok)
                     else np.full(model.n_projects, np.nan))
    frame = model.projects
    base = layout.fractions(result.x) if result.x is not None else np.zeros(model.n_projects)
    active = (frame["status"] == "").to_numpy()
    cls = np.where(np.isnan(funded_share), NOT_RUN, np.where(
        funded_share >= CORE, "core", np.where(funded_share <= EXTERIOR, "exterior",
                                               "borderline")))
    table = pd.DataFrame({
        "project_id": frame["project_id"], "name": frame["name"],
        "province": frame["province"], "region": frame["region"],
        "category": frame["category"],
        "base_status": np.where(active, project_status(base), frame["status"]),
        "funded_share": np.round(funded_share, 6), "mean_fraction": np.round(mean_fraction, 6),
        "class": np.where(active, cls, frame["status"]),
    })
    table.attrs.update({"draws": draws, "failed": int(sum(s != "optimal" for s in statuses)),
                        "seed": seed, "concentration": concentration,
                        "weights": weights})
    return table


def tornado(result: Result, change: float = 0.2, jobs: int = 1,
            scheduler: str | None = None, progress: bool = False,
            reselect: bool = False) -> pd.DataFrame:
    """Each priority weight and each budget moved ±`change` (weights renormalised): the
    objective and how many projects change status."""
    model = result.model
    layout = _Layout.of(model)
    assert result.x is not None and result.objective is not None
    base_status = project_status(layout.fractions(result.x))
    base_w = weight_vector(model.scenario.weights)
    lp = program(result, reselect)
    base_obj = base_objective(result, reselect)
    labels = model.scenario.weight_labels
    wtask = WeightTask(criteria_matrix(model.projects, model.scenario),
                       model.projects["cap"].to_numpy(float), model.col_project,
                       model.scenario.objective, layout)
    plan, params = [], []
    for j, k in enumerate(CRITERIA):
        if base_w[j] <= 0:
            continue
        for sign in (-1, 1):
            w = base_w.copy()
            w[j] *= 1 + sign * change
            plan.append(("weight", k, sign * change, float(w[j] / w.sum())))
            params.append(w / w.sum())
    rows = []
    for (kind, name, delta, value), out in zip(
            plan, map_points(lp, wtask, params, jobs=jobs, scheduler=scheduler,
                             opts=model.scenario.solver, progress=progress,
                             desc=N_("tornado: weights")), strict=True):
        status, obj, frac = out
        rows.append(_tornado_row(kind, name, delta, value, status, obj, frac, base_status,
                                 base_obj, labels))
    btask = budget_task(model, layout)
    c_total, l_total = float(btask.central_base.sum()), float(btask.local_base.sum())
    bplan = [("central budget", (1 + s * change, 1.0), s * change, c_total * (1 + s * change))
             for s in (-1, 1)]
    bplan += [("local budgets", (1.0, 1 + s * change), s * change, l_total * (1 + s * change))
              for s in (-1, 1)]
    outs = map_points(lp, btask, [p for _, p, _, _ in bplan], jobs=jobs,
                      scheduler=scheduler, opts=model.scenario.solver, progress=progress,
                      desc=N_("tornado: budgets"))
    for (name, _factors, delta, value), out in zip(bplan, outs, strict=True):
        x = out.get("_x")
        frac = layout.fractions(np.asarray(x)) if x is not None else None
        rows.append(_tornado_row("budget", name, delta, value, out["status"],
                                 out["objective"], frac, base_status, base_obj, labels))
    return pd.DataFrame(rows)


def _tornado_row(kind, name, delta, value, status, obj, frac, base_status, base_obj,
                 labels) -> dict:
    changed = int((project_status(frac) != base_status).sum()) if frac is not None else None
    return {"parameter": name, "label": parameter_label(name, labels), "kind": kind,
            "change": delta, "value": round(value, 6),
            "status": status, "objective": obj,
            "delta_objective": obj - base_obj if status == "optimal" else float("nan"),
            "projects_changed": changed}


POLICY_PRICE_COLUMNS = ["target", "kind", "goal", "objective_with", "objective_without",
                        "status_without", "score_given_up", "shadow_price", "binding_rows",
                        "sentence", "conditional_on_selection"]


def _goal(t: Target) -> tuple[str, str]:
    """A target's goal as a code (policy_prices.csv) and in words: a share, an amount or a
    number of projects."""
    if t.is_count:
        return f"{t.count} projects", _("{count} projects").format(count=num(t.count or 0))
    if t.share is not None:
        return f"{t.share:.0%}", pct(t.share)
    return f"{t.amount or 0.0:,.0f} million", million(t.amount or 0.0)


def policy_prices(result: Result, jobs: int = 1, scheduler: str | None = None,
                  progress: bool = False, reselect: bool = False) -> pd.DataFrame:
    """For every target: the score given up to meet it (with vs without) and its shadow price."""
    model = result.model
    lp = model.lp
    assert result.objective is not None
    base_obj = base_objective(result, reselect) if model.scenario.targets else result.objective
    targets = model.scenario.targets
    groups = [rows_of_target(lp.row_names, lp.row_family, t.name) for t in targets]
    out = map_points(program(result, reselect), RelaxTask(lp.row_lower, lp.row_upper),
                     groups, jobs=jobs, scheduler=scheduler, opts=model.scenario.solver,
                     progress=progress, desc=N_("policy prices")) if lp.shape[1] else [
                         ("optimal", base_obj)] * len(groups)
    rows = []
    price = result.shadow_price if result.shadow_price is not None else np.zeros(lp.shape[0])
    for t, idx, (status, obj) in zip(targets, groups, out, strict=True):
        given_up = obj - base_obj if status == "optimal" else float("nan")
        prices = price[idx]
        strongest = float(prices[np.argmax(np.abs(prices))]) if len(prices) else 0.0
        binding = [lp.row_names[i] for i, p in zip(idx, prices, strict=True) if abs(p) > 1e-12]
        goal, said = _goal(t)
        kind = _(TARGET_KIND_WORDS.get(t.kind, t.kind))
        if given_up > 1e-9:
            share = (_(" ({share} of the objective)").format(
                share=pct(given_up / result.objective, 2)) if result.objective > 0 else "")
            text = _("meeting '{target}' ({kind} {goal}) costs {points} score points").format(
                target=target_label(t), kind=kind, goal=said, points=sig(given_up, 4)) + share
        else:
            text = _("'{target}' ({kind} {goal}) costs nothing: it does not bind").format(
                target=target_label(t), kind=kind, goal=said)
        rows.append({"target": t.name, "kind": t.kind, "goal": goal,
                     "objective_with": base_obj, "objective_without": obj,
                     "status_without": status, "score_given_up": given_up,
                     "shadow_price": strongest, "binding_rows": "; ".join(binding),
                     "sentence": text,
                     "conditional_on_selection": bool(result.duals_conditional)
                     and not reselect})
    return pd.DataFrame(rows, columns=POLICY_PRICE_COLUMNS)
