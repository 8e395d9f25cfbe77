"""What changed between two solved scenarios over the same project list: per project, province,
region and content type, as tables, a chart and a sentence per big change.

`compare(a, b)` takes two results, runs or output folders of `kcopt solve`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kcopt.analysis.wording import money, percent
from kcopt.core.errors import InputError
from kcopt.core.words import N_, _, fixed, fund_name, status_name
from kcopt.present.views import GROUPINGS, Grouping, Outcome, group_table, outcome

if TYPE_CHECKING:
    from kcopt.pipeline import Run
    from kcopt.solvers.solve import Result

EPS = 0.5  # million VND: smaller differences are rounding, not a change
CHANGES = ("newly funded", "no longer funded", "increased", "decreased", "fund mix changed",
           "status changed", "unchanged")
CHANGE_LABELS = {"newly funded": "mới được hỗ trợ / newly funded",
                 "no longer funded": "không còn được hỗ trợ / no longer funded",
                 "increased": "tăng / increased", "decreased": "giảm / decreased",
                 "fund mix changed": "đổi nguồn vốn / fund mix changed",
                 "status changed": "đổi trạng thái / status changed",
                 "unchanged": "không đổi / unchanged"}
# the objective a scenario names (`objective:`), in words (as `kcopt solve`'s result line)
OBJECTIVE_WORDS = {"total_score": N_("total priority score"),
                   "weighted_funds": N_("score-weighted funds")}
GROUP_WORDS = {"region": N_("Region"), "category": N_("Content type"),
               "province": N_("Province")}


@dataclass
class Comparison:
    """Two solved scenarios side by side. Tables in `projects`, `provinces`, `regions`,
    `categories`; `headline` numbers; `sentences`, one per big change. Its figure is
    `kcopt.plots.comparison(cmp)` (`cmp.plot()`), its files `kcopt.outputs.write_comparison`
    (`cmp.write(folder)`), its notebook view `kcopt.present.display.comparison_html`."""

    a: Outcome
    b: Outcome
    labels: tuple[str, str]
    projects: pd.DataFrame
    provinces: pd.DataFrame
    regions: pd.DataFrame
    categories: pd.DataFrame
    headline: dict[str, Any]
    sentences: list[str] = field(default_factory=list)
    threshold: float = 0.0
    funds: pd.DataFrame = field(default_factory=pd.DataFrame)  # by fund and province

    def fund_changes(self) -> pd.DataFrame:
        """The projects whose money moved between the funds (their total may be the same)."""
        p = self.projects
        return p[(p["delta_central"].abs() > EPS) | (p["delta_local"].abs() > EPS)].reset_index(
            drop=True)

    def changed_projects(self) -> pd.DataFrame:
        """The projects whose support or status changed, largest change first."""
        return self.projects[self.projects["change"] != "unchanged"].reset_index(drop=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"projects": self.projects, "provinces": self.provinces,
                "regions": self.regions, "categories": self.categories, "funds": self.funds}


def compare(a: Outcome | Result | Run | str | Path, b: Outcome | Result | Run | str | Path,
            labels: tuple[str, str] | None = None, threshold: float | None = None,
            max_project_sentences: int = 15) -> Comparison:
    """Compare two solved scenarios (results, runs or output folders) over the same projects.

    `threshold` (million VND) is the smallest change in a group's support called big; by
    default 0.5% of the larger of the two total allocations. A project's change is big when it
    enters or leaves the allocation, or moves by half its cap or by `threshold`.

    Examples
    --------
    >>> import kcopt
    >>> sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    >>> base = kcopt.run(sc)
    >>> less = kcopt.run(sc.with_budget(central=90000))
    >>> cmp = kcopt.compare(base, less, labels=("105,000", "90,000"))
    >>> round(cmp.headline["central"]["delta"])
    -15000
    >>> all(label in cmp.sentences[0].split(":")[0] for label in ("105,000", "90,000"))
    True
    """
    oa, ob = outcome(a), outcome(b)
    _check_same_projects(oa, ob)
    if labels is None:
        labels = (oa.name, ob.name)
        if labels[0] == labels[1]:
            labels = (oa.label, ob.label) if oa.label != ob.label else ("A", "B")
    totals = [float(o.allocation["total"].sum()) for o in (oa, ob)]
    if threshold is None:
        threshold = max(0.005 * max(totals), EPS)
    projects = project_changes(oa.allocation, ob.allocation)
    groups = {by: group_changes(oa.allocation, ob.allocation, projects, by) for by in GROUPINGS}
    headline = _headline(oa, ob)
    cmp = Comparison(oa, ob, labels, projects, groups["province"], groups["region"],
                     groups["category"], headline, threshold=threshold,
                     funds=fund_table(oa.allocation, ob.allocation))
    cmp.sentences = _sentences(cmp, max_project_sentences)
    return cmp


def _check_same_projects(a: Outcome, b: Outcome) -> None:
    ids_a = a.allocation["project_id"].astype(str)
    ids_b = b.allocation["project_id"].astype(str)
    only_a = sorted(set(ids_a) - set(ids_b))
    only_b = sorted(set(ids_b) - set(ids_a))
    if not only_a and not only_b:
        left = a.allocation.set_index(ids_a)
        right = b.allocation.set_index(ids_b).loc[left.index]
        for col in ("name", "province", "category"):
            differ = left.index[(left[col].astype(str) != right[col].astype(str)).to_numpy()]
            if len(differ):
                p = differ[0]
                raise InputError(_(
                    "{a} and {b} were solved on different project lists: the same ids name "
                    "different projects ({count} differ in {column}; {project} is {left} in {a} "
                    "but {right} in {b}). Solve both scenarios with the same project file").format(
                        a=a.label, b=b.label, count=len(differ), column=col, project=p,
                        left=repr(left.loc[p, col]), right=repr(right.loc[p, col])))
        return

    def some(ids: list[str]) -> str:
        return ", ".join(ids[:5]) + (_(" and {count} more").format(count=len(ids) - 5)
                                     if len(ids) > 5 else "")

    parts = []
    for only, label in ((only_a, a.label), (only_b, b.label)):
        if only:
            parts.append(_("{count} project(s) only in {label} ({ids})").format(
                count=len(only), label=label, ids=some(only)))
    raise InputError(_("{a} and {b} were solved on different project lists: {parts}. A "
                       "comparison needs two scenarios over the same projects: solve both with "
                       "the same project file").format(a=a.label, b=b.label,
                                                       parts="; ".join(parts)))


def project_changes(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """One row per project: status, central, local and total in each scenario, the change in
    each and its kind (newly funded, no longer funded, increased, …), and the reason in B."""
    keep = ["project_id", "name", "province", "region", "category"]
    values = ["score", "cap", "central", "local", "total", "status", "reason"]
    left = a.set_index(a["project_id"].astype(str))
    right = b.set_index(b["project_id"].astype(str))
    right = right.loc[left.index]
    out = left[keep].reset_index(drop=True)
    for col in values:
        out[f"{col}_a"] = left[col].to_numpy()
        out[f"{col}_b"] = right[col].to_numpy()
    for col in ("central", "local", "total"):
        out[f"delta_{col}"] = (out[f"{col}_b"] - out[f"{col}_a"]).round(4)
    has_a = out["total_a"] > EPS
    has_b = out["total_b"] > EPS
    moved = out["delta_total"].abs() > EPS
    mix = (out["delta_central"].abs() > EPS) | (out["delta_local"].abs() > EPS)
    out["change"] = np.select(
        [~has_a & has_b, has_a & ~has_b, moved & (out["delta_total"] > 0), moved, mix,
         out["status_a"] != out["status_b"]],
        ["newly funded", "no longer funded", "increased", "decreased", "fund mix changed",
         "status changed"], default="unchanged")
    order = np.lexsort((out["project_id"].to_numpy(), -out["delta_total"].abs().to_numpy(),
                        (out["change"] == "unchanged").to_numpy()))
    cols = [*keep, "change", "status_a", "status_b", "total_a", "total_b", "delta_total",
            "central_a", "central_b", "delta_central", "local_a", "local_b", "delta_local",
            "cap_a", "cap_b", "score_a", "score_b", "reason_a", "reason_b"]
    return out.iloc[order][cols].reset_index(drop=True)


def group_changes(a: pd.DataFrame, b: pd.DataFrame, projects: pd.DataFrame,
                  by: Grouping) -> pd.DataFrame:
    """Per group: support in each scenario and the change (total, central, local), funded
    counts, and how many projects entered or left the allocation."""
    ga, gb = group_table(a, by), group_table(b, by)
    key = [by] + (["name_vi"] if "name_vi" in ga else [])
    merged = ga.merge(gb, on=key, how="outer", suffixes=("_a", "_b")).fillna(0)
    out = merged[key].copy()
    out["projects"] = merged[["projects_a", "projects_b"]].max(axis=1).astype(int)
    for col in ("total", "central", "local"):
        out[f"{col}_a"] = merged[f"{col}_a"]
        out[f"{col}_b"] = merged[f"{col}_b"]
        out[f"delta_{col}"] = (merged[f"{col}_b"] - merged[f"{col}_a"]).round(4)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["delta_pct"] = np.where(out["total_a"] > 0,
                                    (out["delta_total"] / out["total_a"]).round(6), np.nan)
    out["funded_a"] = merged["funded_a"].astype(int)
    out["funded_b"] = merged["funded_b"].astype(int)
    counts = projects.groupby(by)["change"].value_counts().unstack(fill_value=0)
    for kind, col in (("newly funded", "entered"), ("no longer funded", "left")):
        out[col] = out[by].map(counts.get(kind, {})).fillna(0).astype(int)
    order = np.lexsort((out[by].astype(str).to_numpy(), -out["delta_total"].abs().to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def fund_table(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Per fund and province: the money in each scenario and the difference; each fund's
    total first (province "all provinces"). Central money is counted in the province of the
    project it pays."""
    rows = []
    for fund in ("central", "local"):
        ga = a.groupby("province", sort=True)[fund].sum()
        gb = b.groupby("province", sort=True)[fund].sum()
        both = pd.concat([ga, gb], axis=1, keys=["a", "b"]).fillna(0.0).sort_index()
        rows.append({"fund": fund, "fund_name": fund_name(fund),
                     "province": _("all provinces"), "a": float(both["a"].sum()),
                     "b": float(both["b"].sum())})
        rows += [{"fund": fund, "fund_name": fund_name(fund), "province": str(prov),
                  "a": float(r["a"]), "b": float(r["b"])} for prov, r in both.iterrows()]
    out = pd.DataFrame(rows, columns=["fund", "fund_name", "province", "a", "b"])
    out["a"], out["b"] = out["a"].round(4), out["b"].round(4)
    out["delta"] = (out["b"] - out["a"]).round(4)
    return out


def _headline(a: Outcome, b: Outcome) -> dict[str, Any]:
    def pair(x: float | None, y: float | None) -> dict[str, float | None]:
        d = None if x is None or y is None else round(y - x, 6)
        return {"a": x, "b": y, "delta": d}

    sa, sb = a.summary, b.summary
    out: dict[str, Any] = {
        "objective": pair(sa.objective, sb.objective),
        "objective_kind": sb.objective_kind,
    }
    for fund in ("central", "local", "total"):
        out[fund] = pair(float(a.allocation[fund].sum()), float(b.allocation[fund].sum()))
    for fund in ("central", "local"):
        out[f"budget_{fund}"] = pair(getattr(sa.budgets, fund), getattr(sb.budgets, fund))
    out["counts"] = {k: pair(int((a.allocation["status"] == k).sum()),
                             int((b.allocation["status"] == k).sum()))
                     for k in ("funded", "partial", "unfunded", "ineligible", "excluded")}
    return out


def _arrow(x: float | None, y: float | None, signed_delta: bool = True) -> str:
    if x is None or y is None:
        return "—"
    text = f"{money(x)} → {money(y)}"
    d = y - x
    if abs(d) > EPS:
        text += f" ({money(d, signed=True)}" + (f", {percent(d / x, signed=True)}" if x > EPS
                                                else "") + ")"
    return text


def _sentences(cmp: Comparison, max_projects: int) -> list[str]:
    """The comparison in words: the headline, the budgets, the counts, the money moved
    between funds, each big group change, then the big project changes."""
    return (_headline_sentences(cmp) + _count_sentences(cmp) + _fund_sentences(cmp, max_projects)
            + _group_sentences(cmp) + _project_sentences(cmp, max_projects))


def _headline_sentences(cmp: Comparison) -> list[str]:
    """The objective and total support from A to B, then each budget that changed."""
    h = cmp.headline
    a_name, b_name = cmp.labels
    obj = h["objective"]
    kind = h.get("objective_kind") or "objective"
    kind = _(OBJECTIVE_WORDS[kind]) if kind in OBJECTIVE_WORDS else kind
    first = _("From {a} to {b}: ").format(a=a_name, b=b_name)
    if obj["a"] is not None and obj["b"] is not None:
        d = obj["b"] - obj["a"]
        first += _("objective ({kind}) {a} → {b} ({delta}); ").format(
            kind=kind, a=fixed(obj["a"], 2), b=fixed(obj["b"], 2),
            delta=("+" if d >= 0 else "−") + fixed(abs(d), 2))
    first += _("total support {total} million VND (central {central}; local {local}).").format(
        total=_arrow(h["total"]["a"], h["total"]["b"]),
        central=_arrow(h["central"]["a"], h["central"]["b"]),
        local=_arrow(h["local"]["a"], h["local"]["b"]))
    out = [first]
    for key in ("central", "local"):
        bud = h[f"budget_{key}"]
        if bud["a"] is not None and bud["b"] is not None and abs(bud["b"] - bud["a"]) > EPS:
            said = (_("The central budget changed: {change} million VND.") if key == "central"
                    else _("The local budgets changed: {change} million VND."))
            out.append(said.format(change=_arrow(bud["a"], bud["b"])))
    return out


def _count_sentences(cmp: Comparison) -> list[str]:
    """How many projects moved between funded, partial and unfunded; or that none changed."""
    c = cmp.headline["counts"]
    moved = [f"{status_name(k)} {c[k]['a']} → {c[k]['b']}"
             for k in ("funded", "partial", "unfunded") if c[k]["a"] != c[k]["b"]]
    entered = int((cmp.projects["change"] == "newly funded").sum())
    left = int((cmp.projects["change"] == "no longer funded").sum())
    if moved or entered or left:
        return [_("Projects: {moved}; {entered} newly funded, {left} no longer "
                  "funded.").format(moved=", ".join(moved) or _("same counts"),
                                    entered=entered, left=left)]
    if not len(cmp.fund_changes()):
        return [_("No project's support changed.")]
    return []


def _group_sentences(cmp: Comparison) -> list[str]:
    """Each region, content type and province whose total changed by the threshold or more."""
    out = []
    for by, table in (("region", cmp.regions), ("category", cmp.categories),
                      ("province", cmp.provinces)):
        for _i, r in table[table["delta_total"].abs() >= cmp.threshold].iterrows():
            name = (f"{r['name_vi']} ({r[by]})" if "name_vi" in r else str(r[by]))
            text = _("{group} {name}: {change} million VND").format(
                group=_(GROUP_WORDS[by]), name=name, change=_arrow(r["total_a"], r["total_b"]))
            funds = [f"{fund_name(f)} {money(r[f'delta_{f}'], signed=True)}"
                     for f in ("central", "local") if abs(r[f"delta_{f}"]) > EPS]
            if funds:
                text += f" ({', '.join(funds)})"
            moves = []
            if r["entered"]:
                moves.append(_("{count} project(s) newly funded").format(count=r["entered"]))
            if r["left"]:
                moves.append(_("{count} no longer funded").format(count=r["left"]))
            out.append(text + (f"; {', '.join(moves)}" if moves else "") + ".")
    return out


def _project_sentences(cmp: Comparison, max_projects: int) -> list[str]:
    """The first `max_projects` big project changes (in or out of the plan, or a change of
    half the cap or the threshold), and how many more there are."""
    p = cmp.projects
    cap = p[["cap_a", "cap_b"]].max(axis=1)
    big = p[p["change"].isin(["newly funded", "no longer funded"])
            | ((p["change"] != "unchanged")
               & ((p["delta_total"].abs() >= 0.5 * cap) | (p["delta_total"].abs()
                                                          >= cmp.threshold)))]
    out = [project_sentence(r) for _i, r in big.head(max_projects).iterrows()]
    if len(big) > max_projects:
        out.append(_("… and {count} more big project changes (all of them in "
                     "compare_projects.csv).").format(count=len(big) - max_projects))
    return out


def project_sentence(r: pd.Series) -> str:
    """One project's change in words, with why it now gets what it gets."""
    text = _("{project} {name} ({province}, {category}): {status_a} → {status_b}, {total_a} → "
             "{total_b} million VND ({delta})").format(
                 project=r["project_id"], name=r["name"], province=r["province"],
                 category=r["category"], status_a=status_name(r["status_a"]),
                 status_b=status_name(r["status_b"]),
                 total_a=money(r["total_a"]), total_b=money(r["total_b"]),
                 delta=money(r["delta_total"], signed=True))
    reason = str(r["reason_b"]).strip()
    return text + (_(". Now: {reason}.").format(reason=reason) if reason else ".")




def _fund_sentences(cmp: Comparison, max_projects: int) -> list[str]:
    """Money that moved between the funds: how many projects, each fund's change by province
    where it is big, and the projects whose total stayed while their fund changed."""
    mixed = cmp.fund_changes()
    if not len(mixed):
        return []
    same = mixed[mixed["change"] == "fund mix changed"]
    out = [_("{count} project(s) changed fund: {central} million VND of central money and "
             "{local} of local money moved ({same} of them with the same total support).").format(
                 count=len(mixed), central=money(float(mixed["delta_central"].sum()), signed=True),
                 local=money(float(mixed["delta_local"].sum()), signed=True), same=len(same))]
    f = cmp.funds
    for _i, r in f[(f["province"] != _("all provinces")) & (f["delta"].abs() > EPS)
                   & (f["delta"].abs() >= cmp.threshold)].iterrows():
        text = _("{fund} funds in {province}: {change} million VND.").format(
            fund=fund_name(str(r["fund"])), province=r["province"],
            change=_arrow(r["a"], r["b"]))
        out.append(text[:1].upper() + text[1:])
    for _i, r in same.head(max_projects).iterrows():
        out.append(fund_sentence(r))
    if len(same) > max_projects:
        out.append(_("… and {count} more changes of fund (all of them in "
                     "compare_projects.csv).").format(count=len(same) - max_projects))
    return out


def fund_sentence(r: pd.Series) -> str:
    """One project whose money moved between the funds, its total unchanged."""
    text = _("{project} {name} ({province}): same support {total} million VND, paid "
             "{central_b} central and {local_b} local (was {central_a} and {local_a})").format(
                 project=r["project_id"], name=r["name"], province=r["province"],
                 total=money(r["total_b"]), central_a=money(r["central_a"]),
                 central_b=money(r["central_b"]), local_a=money(r["local_a"]),
                 local_b=money(r["local_b"]))
    reason = str(r["reason_b"]).strip()
    return text + (_(". Now: {reason}.").format(reason=reason) if reason else ".")
