"""Tables a planner reads: the allocation with a reason per project, the constraints with their
prices, and the summary by province, region and content type."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from kcopt._version import __version__
from kcopt.analysis.by_year import allocation_by_year as allocation_by_year
from kcopt.analysis.by_year import by_year_table as by_year_table
from kcopt.analysis.by_year import plan_budget as plan_budget
from kcopt.analysis.constraint_table import constraint_table as constraint_table
from kcopt.analysis.constraint_table import target_shares as target_shares
from kcopt.analysis.funded import funded_reasons
from kcopt.analysis.fundnotes import second_fund_notes
from kcopt.analysis.holdback import (
    budgets_left,
    columns_with_room,
    holding_groups,
    holding_matrix,
    priced_rows,
)
from kcopt.analysis.summary import Summary
from kcopt.analysis.textcolumn import coded_column, has_values, same_column, text_column
from kcopt.analysis.unfunded import unfunded_reasons
from kcopt.analysis.warned import warning_record as warning_record
from kcopt.analysis.wording import holding_phrase
from kcopt.core.geo import load_geography
from kcopt.core.language import using
from kcopt.core.words import _, get_language, num, pct
from kcopt.model.counts import model_outcomes
from kcopt.solvers.solve import Result

FUNDED_AT = 0.999
ALLOCATION_COLUMNS = ["project_id", "name", "province", "region", "category", "level", "score",
                      "cap", "central", "local", "total", "fraction", "status", "reason"]
SENSES = {(True, False): "<=", (False, True): ">=", (False, False): "="}


def allocation_table(result: Result) -> pd.DataFrame:
    """One row per project: cap, central, local, total, fraction, status and the reason."""
    model = result.model
    frame = model.projects
    x = result.x if result.x is not None else np.zeros(model.lp.shape[1])
    money = _project_money(model, x)
    total = money.sum(axis=1)
    cap = frame["cap"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(cap > 0, total / cap, 0.0)
    status = frame["status"].to_numpy(object).copy()
    reason = frame["reason"].to_numpy(object).copy()
    open_ = status == ""
    kinds = _kinds(status, open_, fraction, total)
    for word in ("funded", "partial", "unfunded"):
        status[kinds[word] & open_] = word
    kept = _chain_tables(result)
    if result.status.has_solution:
        with using(get_language()):  # looked up once, not for every number of every row
            reason[open_] = _reasons(result, money, status, fraction, kinds)[open_]
            notes = second_fund_notes(result, money, status, reason_memo(result), kept, kinds)
            at = np.fromiter(notes, dtype=np.int64, count=len(notes))
            reason[at] = [f"{r}; {note}" for r, note in zip(reason[at].tolist(),
                                                             notes.values(), strict=True)]
    # the frame's columns as arrays, its index given: a frame made without aligning indexes
    columns = {
        **{k: frame[k].array for k in ("project_id", "name", "province", "region", "category",
                                       "level")},
        "score": frame["score"].round(6).array, "cap": np.round(cap, 4),
        "central": np.round(money[:, 0], 4), "local": np.round(money[:, 1], 4),
        "total": np.round(total, 4), "fraction": np.round(fraction, 6),
        # after a what-if, only the texts that changed are made Arrow strings again
        "status": _status_column(status, kinds, open_),
        "reason": text_column(reason, kept, "reason"),
    }
    years = bool(model.years) and model.col_start is not None
    if not years:  # the frame made once, its last columns with it
        _add_listed(columns, model)
    out = pd.DataFrame(columns, index=frame.index)
    if years:
        _add_start_years(out, model, x, open_)
        _add_listed(out, model)
    return out


def _kinds(status: np.ndarray, open_: np.ndarray, fraction: np.ndarray,
           total: np.ndarray) -> dict[str, np.ndarray]:
    """Where the table's status is "funded", "partial" and "unfunded": the open rows (`open_`,
    no status of their own) by their share and total, the others by the words they have —
    `status == word` without comparing 10,000 texts a word at a time (issue 28)."""
    none = open_ & (total <= 1e-6)
    kinds = {"funded": open_ & (fraction >= FUNDED_AT) & ~none,
             "partial": open_ & (fraction < FUNDED_AT) & (total > 1e-6), "unfunded": none}
    closed = np.flatnonzero(~open_)
    for word, mask in kinds.items():
        mask[closed] = status[closed] == word
    return kinds


def _status_column(status: np.ndarray, kinds: dict[str, np.ndarray],
                   open_: np.ndarray) -> Any:
    """The status column as a frame makes it of `status`: the open rows' three words and
    "", then each other row's own word, taken by code (`coded_column`)."""
    closed = np.flatnonzero(~open_)
    codes = np.full(len(status), 3, dtype=np.int64)
    for k, word in enumerate(("funded", "partial", "unfunded")):
        codes[kinds[word] & open_] = k
    codes[closed] = 4 + np.arange(len(closed))
    return coded_column(["funded", "partial", "unfunded", "", *status[closed].tolist()], codes)


def _kinds_of(status: np.ndarray) -> dict[str, np.ndarray]:
    """`_kinds` of any status column: each word compared."""
    return {word: status == word for word in ("funded", "partial", "unfunded")}


def _add_listed(out: Any, model) -> None:
    """The project list's own columns the table carries after its own (a dict of columns or
    the frame): implementation status and share disbursed when listed, and the list's extra
    columns."""
    frame = model.projects
    for col in AFTER_APPROVAL:  # implementation status and share disbursed, when listed
        if col in frame and has_values(frame[col]):
            out[col] = same_column(frame[col])
    for col in model.extra_columns:
        if col not in out:
            out[col] = same_column(frame[col])


AFTER_APPROVAL = ("progress", "disbursed")  # "Trạng thái", "% giải ngân" (issue 25)


def _project_money(model, x: np.ndarray) -> np.ndarray:
    """Projects × funds: what the support columns pay each project from each fund."""
    n = len(model.projects)
    is_x = model.col_project >= 0
    is_x &= model.col_fund >= 0
    # each cell summed in the columns' order from 0, as `np.add.at` sums it, a few times faster
    cell = model.col_project[is_x] * 2 + model.col_fund[is_x]
    money = np.bincount(cell, weights=x[is_x], minlength=2 * n).reshape(n, 2)
    return np.where(np.abs(money) < 1e-7, 0.0, money)


def _add_start_years(out: pd.DataFrame, model, x: np.ndarray, open_: np.ndarray) -> None:
    """Multi-year plans: the start year chosen, as a column and said in the reason too."""
    xs = model.x_columns
    paid = x[xs] > 1e-6
    start = np.full(len(out), 10**6)
    np.minimum.at(start, model.col_project[xs][paid], model.col_start[xs][paid])
    has = start < 10**6
    years = np.array(model.years)
    first = years[np.minimum(start, len(years) - 1)]
    out.insert(12, "start_year", pd.Series(first, dtype="Int64").where(has))
    out.loc[has & open_, "reason"] = [_("{reason}; starts {year}").format(
        reason=r, year=y) for r, y in zip(
        out.loc[has & open_, "reason"], out.loc[has & open_, "start_year"], strict=True)]


def _limits(result: Result, status: np.ndarray,
            kinds: dict[str, np.ndarray] | None = None
            ) -> tuple[dict[int, list[str]], np.ndarray, np.ndarray]:
    """What limits each project not funded in full, in words: the binding rows its money would
    tighten (`analysis.holdback`), the one charging the most first; per project, the objective
    value of its money and what that money earns at the margin (infinite without prices).
    `kinds`: where the status is each word (`_kinds`), when the caller has them."""
    kinds = _kinds_of(status) if kinds is None else kinds
    model = result.model
    lp = model.lp
    n = len(model.projects)
    limiting: dict[int, list[str]] = {}
    cost_per_project = np.zeros(n)
    priced = np.full(n, np.inf)  # what the money a project would use earns at the margin
    xcols = model.x_columns
    pi = priced_rows(result) if result.shadow_price is not None else None
    held = holding_matrix(result, pi)
    if held is not None and pi is not None and result.shadow_price is not None:
        labels = {t.name: t.label for t in model.scenario.targets if t.label}
        # only projects not funded in full are told what limits them, and only by the rows
        # that hold back a column with room left (a column at its bound is held by its cap)
        told = kinds["partial"] | kinds["unfunded"]
        room = columns_with_room(result)
        room = room[told[model.col_project[room]]]
        # projects held by the same rows share one list of phrases, worded once
        held_by, group, groups = holding_groups(held, room, model.col_project[room])
        words = _row_phrases(lp, pi, labels, {i for rows in groups for i in rows},
                             reason_memo(result))
        said = [list(dict.fromkeys(map(words.__getitem__, rows))) for rows in groups]
        limiting = dict(zip(held_by, map(said.__getitem__, group), strict=True))
        price = lp.A.T @ np.where(np.abs(result.shadow_price) > 1e-12, result.shadow_price, 0.0)
        # the cheapest way in: the column whose value falls least short of its price
        gap = price[xcols] - lp.cost[xcols]
        order = np.argsort(-gap)  # largest gaps first, so the smallest is written last
        priced[model.col_project[xcols][order]] = price[xcols][order]
        cost_per_project[model.col_project[xcols][order]] = lp.cost[xcols][order]
    else:
        np.maximum.at(cost_per_project, model.col_project[xcols], lp.cost[xcols])
    return limiting, cost_per_project, priced


def _row_phrases(lp: Any, pi: np.ndarray, labels: dict[str, str], rows: set[int],
                 memo: dict[tuple, str]) -> dict[int, str]:
    """Row → its phrase as what holds a project back (`holding_phrase`), for `rows`. The
    phrase depends on the row's name, family and bound, which side of it binds, the targets'
    labels and the language only: kept in the what-if chain's memo, a what-if words only the
    rows it has not met before."""
    lang, named = get_language(), tuple(sorted(labels.items()))
    words = {}
    for i in rows:
        name, family, rhs, up = lp.row_names[i], lp.row_family[i], lp.row_upper[i], pi[i] > 0
        key = ("held", lang, name, family, float(rhs), bool(up), named)
        text = memo.get(key)
        if text is None:
            text = memo[key] = holding_phrase(name, family, rhs, pi[i], labels)
        words[i] = text
    return words


def _reasons(result: Result, money: np.ndarray, status: np.ndarray,
             fraction: np.ndarray, kinds: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """A reason per project, in words: how it is funded and under which cap, or what keeps it
    from its cap (fixed, marginal, priced out, score 0).

    A row's words are a function of a few figures (its status, money, share, the phrases of
    the rows holding it, …): each is looked up by those figures in the memo of the plan's
    what-if chain (`reason_memo`) and written only when new, so after a what-if only the
    rows that changed are worded again. `kinds`: where the status is each word (`_kinds`)."""
    kinds = _kinds_of(status) if kinds is None else kinds
    model = result.model
    frame = model.projects
    n = len(frame)
    memo = reason_memo(result)
    reasons = np.full(n, "", dtype=object)
    limiting, cost_per_project, priced = _limits(result, status, kinds)
    scores = model.projects["score"].to_numpy(float)
    fixed = (frame["fixed_amount"].to_numpy(float) if "fixed_amount" in frame
             else np.full(n, np.nan))
    is_fixed = ~np.isnan(fixed)
    for p in np.flatnonzero(is_fixed & (kinds["funded"] | kinds["partial"])).tolist():
        reasons[p] = _("fixed at {amount} million by the planner (fixed_amount; {share} of its "
                       "cap)").format(amount=num(fixed[p], 6), share=pct(fraction[p]))
    funded_reasons(model, reasons, money, np.flatnonzero(kinds["funded"] & ~is_fixed),
                    memo, _chain_tables(result))
    lang = get_language()
    partial = _("partly funded ({share} of its cap): {why}; it is the marginal project")
    higher, both = _("other projects score higher per million"), _(" and ")
    for p in np.flatnonzero(kinds["partial"] & ~is_fixed).tolist():
        part: tuple = ("partial", lang, float(fraction[p]), tuple(limiting.get(p, ())))
        text = memo.get(part)
        if text is None:
            text = memo[part] = partial.format(share=pct(fraction[p]),
                                              why=both.join(limiting.get(p, ())) or higher)
        reasons[p] = text
    unfunded = np.flatnonzero(kinds["unfunded"])
    reasons[unfunded] = unfunded_reasons(unfunded, scores, limiting, cost_per_project, priced,
                                         memo)
    return reasons


def _chain_tables(result: Result) -> dict[str, Any] | None:
    """What the last allocation table of this plan's what-if chain said, by kind of row
    (kept with the chain's warm start, `Result.warm`); None for a plan with no what-if."""
    return getattr(result.warm, "tables", None) if result.warm is not None else None


MEMO_SIZE = 200_000  # reasons kept per what-if chain before the memo starts afresh


def reason_memo(result: Result) -> dict[tuple, str]:
    """The reasons already worded for this plan's what-if chain, by the figures they say
    (kept with the chain's warm start, `Result.warm`, so every what-if of one plan shares
    them); a fresh memo for a plan with no what-if."""
    holder = result.warm
    if holder is None or not hasattr(holder, "reasons"):
        return {}
    memo: dict[tuple, str] = holder.reasons
    if len(memo) > MEMO_SIZE:
        memo.clear()
    return memo


def _group(alloc: pd.DataFrame, key: str) -> pd.DataFrame:
    """The allocation summed by `key` (a row per province, region or content type); each
    status counted column-wise, not by a Python call per group (a third of the time)."""
    status = alloc["status"]
    g = alloc.assign(_funded=status == "funded", _partial=status == "partial").groupby(
        key, sort=True)
    out = pd.DataFrame({
        "projects": g.size(),
        "funded": g["_funded"].sum().astype(int),
        "partial": g["_partial"].sum().astype(int),
        "demand": g["cap"].sum().round(4),
        "central": g["central"].sum().round(4),
        "local": g["local"].sum().round(4),
        "total": g["total"].sum().round(4),
    })
    return out.reset_index()


def summary(result: Result, alloc: pd.DataFrame, timings: dict[str, float] | None = None,
            warnings: list[dict[str, Any] | str] | None = None) -> Summary:
    """summary.json as a `Summary`: totals, counts, tables by group, provenance."""
    model = result.model
    sc = model.scenario
    geo = load_geography()
    counts = {k: int((alloc["status"] == k).sum())
              for k in ("funded", "partial", "unfunded", "ineligible", "excluded")}
    by_province = _group(alloc, "province")
    by_province["local_budget"] = [plan_budget(sc, "local", p) for p in by_province["province"]]
    by_region = _group(alloc, "region")
    by_region.insert(1, "name_vi", by_region["region"].map(lambda r: geo.regions[r][0]))
    by_category = _group(alloc, "category")
    by_category.insert(1, "name_vi", by_category["category"].map(
        lambda c: model.rules.rules[c].name_vi))
    provinces = sorted(set(sc.local_budgets) | set(sc.local_by_year))
    local_budget = float(sum(plan_budget(sc, "local", p) for p in provinces))
    return Summary.from_dict(_clean({
        "status": result.status.value,
        "objective": result.objective,
        "objective_kind": sc.objective,
        "mip": model.mip,
        "mip_gap": result.mip_gap,
        "duals": "MIP with integer decisions fixed" if result.duals_conditional else "LP",
        "totals": {"central": alloc["central"].sum(), "local": alloc["local"].sum(),
                   "total": alloc["total"].sum(), "demand": alloc["cap"].sum()},
        "budgets": {"central": plan_budget(sc, "central"), "local": local_budget},
        **({"by_year": by_year_table(result).to_dict("records")} if sc.years else {}),
        "counts": counts,
        **count_lines(result),
        "by_province": by_province.to_dict("records"),
        "by_category": by_category.to_dict("records"),
        "by_region": by_region.to_dict("records"),
        **top_slice_lines(sc),
        "money_left": budgets_left(result, alloc),
        "warnings": [w if isinstance(w, dict) else warning_record(w) for w in warnings or []],
        "timings_s": timings or {},
        "scenario": sc.resolved(),
        "provenance": _provenance(result),
    }))


def _provenance(result: Result) -> dict[str, Any]:
    """What made this plan: kcopt, solver, rules and inputs (hashes), seed and when."""
    model = result.model
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    created = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return {
        "kcopt_version": __version__,
        "solver": result.solver,
        "solver_version": result.solver_version,
        "rules_version": model.rules.version,
        "rules": rules_provenance(model),
        "inputs_sha256": model.scenario.input_hashes,
        "seed": model.scenario.solver.seed,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def count_lines(result: Result) -> dict[str, Any]:
    """summary.json's `count_targets`: each count target met or missed, with its figures."""
    if result.x is None or not any(t.is_count for t in result.model.scenario.targets):
        return {}
    return {"count_targets": [
        {"name": o.target.name, "label": o.target.label or o.target.name,
         "kind": o.target.kind, "year": o.target.year, "count": o.target.count,
         "achieved": o.achieved, "possible": o.possible, "met": o.met}
        for o in model_outcomes(result.model, result.x)]}


def rules_provenance(model) -> dict[str, Any]:
    """Which rules the plan was solved under: the day they were read as in force, the
    provincial resolutions that set a cap, and the scenario's rule files."""
    rules, opts = model.rules, model.scenario.rule_options
    caps = model.caps
    used = sorted({str(r) for r in np.ravel(caps.resolution) if r}) \
        if caps.resolution is not None else []
    flagged = int(np.any(caps.flagged & ~np.isnan(caps.cap), axis=1).sum()) \
        if caps.flagged is not None else 0
    return {"in_force_on": rules.today.isoformat(), "plan_year": opts.plan_year,
            "resolutions_applied": used, "files": dict(opts.sources),
            "projects_on_flagged_levels": flagged}


def top_slice_lines(sc) -> dict[str, Any]:
    """The management top-slice as its own lines: reserved before the allocation."""
    ts = sc.rule_options.top_slice
    if not ts:
        return {}
    gross = {"central": plan_budget(sc, "central") / ts.factor,
             "local": sum(plan_budget(sc, "local", p) for p in
                          sorted(set(sc.local_budgets) | set(sc.local_by_year))) / ts.factor}
    return {"top_slice": {"shares": {"management": ts.management,
                                     "implementer": ts.implementer},
                          **{fund: ts.split(amount) for fund, amount in gross.items()}}}


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.bool_ | bool):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        v = float(obj)
        return None if not np.isfinite(v) else round(v, 6)
    return obj

