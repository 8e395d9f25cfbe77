"""After approval (issue 25): what a re-plan starts from, and what it changed.

`prepare` reads the approved plan and the project list's implementation status into a
`Replan`: each project's approved money per fund, the projects locked (signed contracts,
`approved.lock`, every approved project in a supplementary round) and those stopped (their
money freed). `changes_table` is `changes.csv`: one row per project and fund whose money the
plan or the re-plan holds — before, after, change and the reason in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from kcopt.core.errors import InputError, Problem
from kcopt.core.words import _, num
from kcopt.inputs.approved import FUND_CODE, FUNDS, Approved, ApprovedPlan, read_plan
from kcopt.inputs.scenario import Scenario
from kcopt.inputs.schema import Projects

CHANGE_COLUMNS = ["project_id", "name", "province", "fund", "before", "after", "change",
                  "reason"]
DONG = 1e-6  # one đồng, in million VND
SAME = 5e-5  # half the last digit allocation.csv writes (4 decimals): "unchanged" below it


@dataclass
class Replan:
    """A re-plan's starting point, per project of the list (in its order)."""

    approved: Approved
    plan: ApprovedPlan
    before: np.ndarray  # projects × funds: the approved amounts
    in_plan: np.ndarray  # per project: its id is in the approved plan
    locked: np.ndarray  # per project: its approved amounts are kept
    why_locked: np.ndarray  # per project: "signed", "lock", "fixed" or ""
    stopped: np.ndarray  # per project: stopped (money freed)
    removed: pd.DataFrame  # the plan's projects no longer in the list, with their amounts
    ids: np.ndarray  # the project ids, in the list's order
    starts: np.ndarray | None = None  # per project: its approved start year (a programme)
    warnings: list[Problem] = field(default_factory=list)


def stopped_projects(projects: Projects) -> Projects:
    """The list with every stopped project ("dừng", "không thực hiện") excluded: its money is
    freed whether or not a plan is re-planned."""
    frame = projects.frame
    if "progress" not in frame:
        return projects
    stopped = (frame["progress"] == "stopped").to_numpy()
    if not stopped.any():
        return projects
    frame = frame.copy()
    frame.loc[stopped, "exclude"] = 1.0
    return replace(projects, frame=frame)


def prepare(sc: Scenario, projects: Projects) -> Replan:
    """The approved plan read and matched to the project list: locks, stops, new projects."""
    assert sc.approved is not None
    approved = sc.approved
    plan = read_plan(approved.plan, approved.plan_data())  # the bytes hashed at load
    frame = projects.frame
    ids = frame["project_id"].astype(str).to_numpy()
    listed = set(ids.tolist()) if approved.lock else set()
    unknown = [pid for pid in approved.lock if pid not in listed]
    if unknown:
        raise InputError([Problem(str(sc.path or "scenario"), _("no project with this id"),
                                  _("Check the id against the project list"),
                                  column="approved.lock", value=pid, column_label="key")
                          for pid in unknown])
    progress = frame["progress"].to_numpy(object) if "progress" in frame \
        else np.full(len(frame), None, dtype=object)
    stopped = progress == "stopped"
    rows = plan.where(ids)  # each project's row in the plan, −1 when not in it
    in_plan = rows >= 0
    why = np.full(len(frame), "", dtype=object)
    if approved.keep == "fixed":
        why[in_plan] = "fixed"
    if approved.lock:
        why[_member(ids, set(approved.lock))] = "lock"
    why[progress == "signed"] = "signed"
    why[stopped] = ""
    gone = np.ones(len(plan.amounts), bool)  # the plan's rows no project of the list has
    gone[rows[in_plan]] = False
    removed = plan.amounts[gone].reset_index(drop=True) if gone.any() else plan.amounts[:0]
    through = approved.executed_through
    starts = plan.starts(ids, rows)
    if through is not None and starts is not None:  # started in an executed year: executed
        why[(starts <= through) & in_plan & (why == "")] = "executed"
    out = Replan(approved, plan, plan.of(ids, rows), in_plan,
                 (why != "") & (why != "executed"), why, stopped, removed, ids, starts)
    planned = set(ids[in_plan].tolist()) if approved.lock else set()
    for pid in approved.lock:
        if pid not in planned:
            out.warnings.append(Problem(str(plan.path), _(
                "{project} is locked but not in the approved plan: it stays at 0").format(
                    project=pid), severity="warning", code="locked_not_in_plan"))
    if len(removed):
        out.warnings.append(Problem(str(plan.path), _(
            "{count} project(s) of the approved plan are not in the project list; their money "
            "({amount} million VND) is freed: {ids}").format(
                count=len(removed), amount=num(float(removed[list(FUNDS)].sum().sum()), 3),
                ids=", ".join(removed["project_id"].head(5))), severity="warning",
            code="plan_projects_missing"))
    return out


def _member(values: np.ndarray, among: set[str]) -> np.ndarray:
    return np.fromiter((v in among for v in values.tolist()), bool, len(values))


def changes_table(rp: Replan, sc: Scenario, allocation: pd.DataFrame) -> pd.DataFrame:
    """changes.csv: per project and fund with money before or after, the approved amount, the
    re-plan's, the change and its reason in words (`CHANGE_COLUMNS`).

    Built column by column: an unchanged row's words are one of five ("unchanged", or why it
    is kept), set at once; only the rows whose money changed get words of their own
    (`_reasons`)."""
    alloc = allocation.reset_index(drop=True)
    facts = _facts(rp, alloc)
    unchanged = _unchanged_words(rp.why_locked)
    rows, funds, before, after, reasons = [], [], [], [], []
    for f, fund in enumerate(FUNDS):
        b, a = rp.before[:, f], alloc[fund].to_numpy(float)
        shown = np.flatnonzero((np.abs(b) > DONG / 2) | (np.abs(a) > DONG / 2))
        reason = unchanged[shown]
        moved = (np.abs(a - b)[shown] >= SAME) | rp.stopped[shown]
        k = np.flatnonzero(moved)
        reason[k] = _reasons(rp, sc, facts, shown[k], fund, b, a)
        rows.append(shown)
        funds.append(np.full(len(shown), fund, dtype=object))
        before.append(b[shown])
        after.append(a[shown])
        reasons.append(reason)
    shown = np.concatenate(rows)
    was, now = np.concatenate(before), np.concatenate(after)
    out = pd.DataFrame({  # the text columns taken as they are (no conversion)
        **{col: facts.text[col].take(shown).reset_index(drop=True) for col in
           ("project_id", "name", "province")},
        "fund": np.concatenate(funds), "before": was.round(6), "after": now.round(6),
        "change": (now - was).round(6), "reason": np.concatenate(reasons)})
    if len(rp.removed):
        out = pd.concat([out, _removed_rows(rp)], ignore_index=True)
        for col in ("before", "after", "change"):
            out[col] = out[col].astype(float).round(6)
    return out  # built in CHANGE_COLUMNS' order, the removed projects' rows too


def _removed_rows(rp: Replan) -> pd.DataFrame:
    """The plan's projects no longer in the list: their money freed, per fund."""
    rows = []
    for gone in rp.removed.itertuples(index=False):
        for fund in FUNDS:
            amount = float(getattr(gone, fund))
            if amount > DONG / 2:
                rows.append([gone.project_id, "", "", fund, amount, 0.0, -amount, _(
                    "not in the project list any more: {amount} million VND freed").format(
                        amount=num(amount, 4))])
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _unchanged_words(why: np.ndarray) -> np.ndarray:
    """Per project, the words of "unchanged": why its amounts are kept, or plain."""
    words = {"signed": _("unchanged: contract signed"),
             "lock": _("unchanged: locked by the scenario"),
             "fixed": _("unchanged: approved amount kept (supplementary round)"),
             "executed": _("unchanged: executed (started in a year already executed)"),
             "": _("unchanged")}
    out = np.full(len(why), words[""], dtype=object)
    kept = np.flatnonzero(why != "")  # most projects are not kept: only these looked up
    out[kept] = [words[str(w)] for w in why[kept].tolist()]
    return out


@dataclass
class _Facts:
    """The allocation's columns a reason reads, as arrays; the row's reason and status are
    read only for the rows that changed."""

    alloc: pd.DataFrame
    text: dict[str, pd.Series]  # project_id, name, province as the allocation holds them
    status: pd.Series  # the allocation's status column, as text
    released: np.ndarray  # stopped, excluded or ineligible: its money is freed
    cap: np.ndarray
    freed: set[str] = field(default_factory=set)  # budgets with money freed: "central", provinces

    def provinces(self, rows: np.ndarray) -> np.ndarray:
        """The provinces of these rows, as Python text (only the rows asked are converted)."""
        return self.text["province"].take(rows).to_numpy(object)


def _facts(rp: Replan, alloc: pd.DataFrame) -> _Facts:
    status = alloc["status"].astype(str)
    released = rp.stopped | status.isin(["ineligible", "excluded"]).to_numpy(bool)
    text = {"project_id": alloc["project_id"].astype(str), "name": alloc["name"],
            "province": alloc["province"].astype(str)}
    facts = _Facts(alloc, text, status, released, alloc["cap"].to_numpy(float))
    facts.freed = _freed(rp, alloc, facts)
    return facts


def _scope(fund: str, province: str) -> str:
    return "central" if fund == "central" else province


def _freed(rp: Replan, alloc: pd.DataFrame, facts: _Facts) -> set[str]:
    """The budgets (central, or a province's local) into which the re-plan freed money: a
    stopped, excluded or ineligible project's, one whose cap fell below its approved amount,
    one no longer listed."""
    out = {"central"} if (rp.removed["central"] > DONG / 2).any() else set()
    for f, fund in enumerate(FUNDS):
        before, after = rp.before[:, f], alloc[fund].to_numpy(float)
        gave = (after < before - SAME) & (facts.released | (facts.cap < before - SAME))
        out |= {_scope(fund, str(p)) for p in facts.provinces(np.flatnonzero(gave)).tolist()}
    return out


def _reasons(rp: Replan, sc: Scenario, facts: _Facts, rows: np.ndarray, fund: str,
             before: np.ndarray, after: np.ndarray) -> list[str]:
    """The reasons of the rows whose money changed (or that stopped), in words: each row's
    case picked at once over these rows (the first that holds, in the order below), then
    the words of each case."""
    b, a = before[rows], after[rows]
    change = a - b
    provinces = facts.provinces(rows)
    budget = {p: _budget_words(sc, fund, p) for p in set(provinces.tolist())}
    kind = {p: None if w is None else w[0] for p, w in budget.items()}  # a cut, a top-up
    cut = np.fromiter((kind[p] is True for p in provinces.tolist()), bool, len(rows))
    topped = np.fromiter((kind[p] is False for p in provinces.tolist()), bool, len(rows))
    freed = np.array([_scope(fund, p) in facts.freed for p in provinces.tolist()], bool)
    status = facts.status.take(rows).to_numpy(object)
    case = np.select([rp.stopped[rows], np.abs(change) < SAME, ~rp.in_plan[rows],
                      np.isin(status, ["ineligible", "excluded"]),
                      (change < 0) & (facts.cap[rows] < b - SAME), (change < 0) & cut,
                      (change > 0) & topped, (change > 0) & freed, change > 0],
                     ["stopped", "same", "new", "released", "cap", "cut", "topup", "freed",
                      "up"], "down")
    words = _templates(rp.approved.keep)
    unchanged = _unchanged_words(rp.why_locked[rows])
    out = []
    for k, i in enumerate(rows.tolist()):
        c = str(case[k])
        if c == "same":
            out.append(str(unchanged[k]))
            continue
        size, name = (budget[provinces[k]] or (False, "", ""))[1:]
        out.append(words["topup_freed" if c == "topup" and freed[k] else c].format(
            amount=num(float(b[k] if c == "stopped" else abs(change[k])), 4), size=size,
            fund=name, cap=num(float(facts.cap[i]), 4) if c == "cap" else "",
            why=str(facts.alloc["reason"].iat[i]) if c == "released" else ""))
    return out


def _templates(keep: str) -> dict[str, str]:
    """The words of each case of a changed row (`_reasons`), translated once."""
    return {
        "stopped": _("stopped: {amount} million VND freed"),
        "new": (_("new project (supplementary round)") if keep == "fixed"
                else _("new project")),
        "released": _("down {amount} million VND: {why}"),
        "cap": _("down {amount} million VND: its cap is now {cap} million VND (the project's "
                 "cost changed)"),
        "cut": _("down {amount} million VND after the {size} cut of the {fund} budget"),
        "topup": _("up {amount} million VND from the {size} top-up of the {fund} budget"),
        "topup_freed": _("up {amount} million VND from the {size} top-up of the {fund} budget "
                         "and money freed"),
        "freed": _("up {amount} million VND from money freed"),
        "up": _("up {amount} million VND in the re-plan"),
        "down": _("down {amount} million VND in the re-plan")}


def _budget_words(sc: Scenario, fund: str, province: str) -> tuple[bool, str, str] | None:
    """(is a cut, its size, the fund's name) of the budget change a project's money answers
    to: the central one, or its province's local one; None when that budget did not change."""
    ch = sc.budget_change
    if fund == "central":
        c, name = ch.central, _(FUND_CODE["central"])
    else:
        c = ch.of_local(province)
        name = (_("{fund} of {province}").format(fund=_(FUND_CODE["local"]), province=province)
                if province in ch.provinces else _(FUND_CODE["local"]))
    if c is None:
        return None
    return c.is_cut, c.size(), name


def moved_money(changes: pd.DataFrame) -> tuple[float, int]:
    """The money moved (Σ |change|, million VND) and the projects whose money changed."""
    moved = changes[changes["change"].abs() >= SAME]
    return float(moved["change"].abs().sum()), int(moved["project_id"].nunique())
