"""The committee report: one self-contained HTML file (plots embedded as PNG data, inline CSS with
print styles, no script and nothing fetched from the network), Vietnamese with English.

It reads an output folder of `kcopt solve` — and the tables of `kcopt sensitivity` when they are
there — or a result in memory. The functions here compute each section's figures and sentences
(numbers formatted through `kcopt.core.words`); the templates in `templates/` lay them out, and
escape every value (`htmlpage`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kcopt.analysis.warned import warning_text
from kcopt.analysis.wording import (
    budget_label,
    describe_target,
    duals_name,
    group_name,
    money,
    percent,
    price_unit,
)
from kcopt.core.errors import InputError, OutputError
from kcopt.core.words import (
    N_,
    _,
    fixed,
    fund_name,
    get_language,
    num,
    pct,
    sig,
    status_name,
    vietnam_time,
)
from kcopt.io import folders as outputs
from kcopt.model.names import parse_row
from kcopt.present import plots
from kcopt.present.htmlpage import figure, markup, pick, render, text
from kcopt.present.moneyleft import money_left
from kcopt.present.views import STATUS_LABELS, Outcome, breakdown, outcome

if TYPE_CHECKING:

    from kcopt.analysis.sensitivity.suite import Sensitivity
    from kcopt.pipeline import Run
    from kcopt.solvers.solve import Result

Section = dict[str, Any]  # what a section's template shows: formatted text, rows, figures

SECTIONS = {
    "headline": "Số liệu chính / Headline numbers",
    "allocation": "Phân bổ theo vùng và nội dung / Allocation by region and content type",
    "constraints": "Ngân sách và mục tiêu ràng buộc / Binding budgets and targets",
    "robustness": "Độ vững của phương án / Robustness",
    "left-out": "Đề án không được hỗ trợ đủ và lý do / Projects left out and why",
    "provenance": "Nguồn gốc / Provenance",
}
CLASS_TEXT = {"core": "vững / core", "borderline": "cận biên / borderline",
              "exterior": "ngoài / exterior"}
OBJECTIVES = {"total_score": "tổng điểm / total score",
              "weighted_funds": "điểm × kinh phí / score-weighted funds"}
SENSITIVITY_HINT = N_("No sensitivity analysis was found for this output. Run <code>kcopt "
                      "sensitivity SCENARIO -o {out}</code> and build the report again to add "
                      "{what}.")


# ---- the report ------------------------------------------------------------------------------

def report_html(source: Outcome | Result | Run | str | Path,
                sensitivity: Sensitivity | None = None) -> str:
    """The committee report as one self-contained HTML page.

    Examples
    --------
    >>> import kcopt
    >>> page = kcopt.report_html(kcopt.run(kcopt.demo_scenario_path()))
    >>> page.startswith("<!DOCTYPE html>") and 'src="http' not in page
    True
    """
    o = outcome(source, sensitivity)
    s = o.summary
    return render("report.html.j2", lang=get_language(), name=o.name, sections=SECTIONS,
                  description=s.scenario.get("description") or "",
                  created=text(vietnam_time(s.provenance.created)),
                  version=text(s.provenance.kcopt_version or ""),
                  headline=_headline(o), allocation=_allocation(o), constraints=_constraints(o),
                  robustness=_robustness(o), left_out=_left_out(o), provenance=_provenance(o))


def write_report(source: Outcome | Result | Run | str | Path, path: Path | None = None,
                 sensitivity: Sensitivity | None = None) -> Path:
    """Write the committee report; by default `report.html` in the output folder."""
    import contextlib

    folder = Path(source) if isinstance(source, str | Path) else None
    if path is not None and path.is_dir():
        path = path / "report.html"
    if path is not None and path.exists() and path.suffix.lower() not in (".html", ".htm"):
        raise OutputError(_("'{path}' exists and is not an .html report: kcopt does not "
                            "overwrite it; choose another .html name").format(path=path))
    # an output folder's own report: read and written under its lock, so it is of one run
    with outputs.folder_lock(folder) if folder is not None and folder.is_dir() and (
            path is None or path.parent.resolve() == folder.resolve()) \
            else contextlib.nullcontext():
        o = outcome(source, sensitivity)
        if path is None:
            if o.folder is None:
                raise InputError("give a path for the report of a result held in memory, e.g. "
                                 "write_report(result, Path('report.html'))")
            path = o.folder / "report.html"
        page = report_html(o)

        def write(p: Path) -> None:
            p.write_text(page, encoding="utf-8")

        inputs = [p for p in o.folder.iterdir() if p.name != "report.html"] if o.folder else []
        return outputs.add_file(o.folder, path, inputs, write)


def _hint(o: Outcome, what: str) -> str:
    """The note that the sensitivity tables are missing, naming what they would add."""
    return markup(_(SENSITIVITY_HINT), out=o.folder or "OUT", what=what)


def _headline(o: Outcome) -> Section:
    s = o.summary
    a = o.allocation
    counts = {k: int((a["status"] == k).sum()) for k in STATUS_LABELS}
    central, local = float(a["central"].sum()), float(a["local"].sum())
    total, demand = float(a["total"].sum()), float(a["cap"].sum())

    def used(x: float, b: float | None) -> str:
        return _("of {amount} ({share})").format(amount=money(b), share=percent(x / b)) \
            if b else ""

    status = s.status
    cards = [
        {"label": "Vốn trung ương (KCQG) / Central funds", "value": money(central),
         "sub": used(central, s.budgets.central)},
        {"label": "Vốn địa phương (KCĐP) / Local funds", "value": money(local),
         "sub": used(local, s.budgets.local)},
        {"label": "Tổng hỗ trợ / Total support", "value": money(total),
         "sub": _("demand {amount} ({share})").format(
             amount=money(demand), share=percent(total / demand) if demand else "—")},
        {"label": "Đề án được hỗ trợ / Projects supported",
         "value": f"{num(counts['funded'] + counts['partial'])} / {num(len(a))}",
         "sub": _("{funded} in full, {partial} in part").format(
             funded=num(counts["funded"]), partial=num(counts["partial"]))},
        {"label": "Mục tiêu / Objective", "value": fixed(s.objective or 0, 2),
         "sub": pick(text(OBJECTIVES.get(str(s.objective_kind), s.objective_kind)))},
    ]
    sentence = _(
        "Of {candidates} candidate projects, {funded} are funded in full and {partial} in part; "
        "{unfunded} get nothing within these budgets, {ineligible} are ineligible under the "
        "regulation and {excluded} were excluded by the scenario. The allocation uses {central} "
        "million VND of central and {local} million VND of local funds.").format(
            candidates=money(len(a)), funded=money(counts["funded"]),
            partial=money(counts["partial"]), unfunded=money(counts["unfunded"]),
            ineligible=money(counts["ineligible"]), excluded=money(counts["excluded"]),
            central=money(central), local=money(local))
    years = [{"year": int(r["year"]), "central_budget": money(r["central_budget"]),
              "central": money(r["central"]), "local_budget": money(r["local_budget"]),
              "local": money(r["local"]), "total": money(r["total"])}
             for r in s.by_year or []]
    return {"cards": cards, "text": sentence, "years": years,
            "status": pick({"optimal": "Phương án tối ưu / Optimal allocation",
                            "feasible": "Phương án khả thi tốt nhất tìm được trong thời hạn / "
                                        "Best allocation found within the time limit"}.get(
                                            status, status)),
            "counts": [{"label": STATUS_LABELS[k], "n": num(counts[k])} for k in STATUS_LABELS],
            "unspent": [text(warning_text(w)) for w in s.warnings
                        if isinstance(w, dict) and w.get("code") == "budget_unspent"]}


def _groups(rows: pd.DataFrame, by: str, colours: dict[str, str]) -> list[dict[str, str]]:
    """One row per region, content type or province: its colour, name, counts and amounts."""
    province = by == "province"  # coloured by its region; a budget of its own, no coverage
    out = []
    for _i, r in rows.iterrows():
        out.append({
            "colour": colours.get(str(r["region" if province else by]), "#9e9e9e"),
            "name": text(r["province" if province else "name_vi"]), "code": text(r[by]),
            "projects": num(r['projects']), "funded": num(r['funded']),
            "partial": num(r['partial']), "demand": money(r["demand"]),
            "central": money(r["central"]), "local": money(r["local"]),
            "local_budget": money(r["local_budget"]) if province else "",
            "total": money(r["total"]), "share": percent(r["share"]),
            "coverage": "" if province else (percent(r["total"] / r["demand"]) if r["demand"]
                                             else "—")})
    return out


def _allocation(o: Outcome) -> Section:
    regions = breakdown(o, "region")
    categories = breakdown(o, "category").sort_values("total", ascending=False)
    provinces = breakdown(o, "province").sort_values("total", ascending=False)
    rc, cc = plots.region_colours(), plots.category_colours()
    region_of = o.allocation.groupby("province")["region"].first()
    provinces.insert(1, "region", provinces["province"].map(region_of))
    return {
        "intro": _("Demand is the sum of the projects' support caps (the most the regulation "
                   "allows each to receive); coverage is the share of that demand the plan "
                   "meets."),
        "regions": _groups(regions, "region", rc),
        "region_figure": figure(plots.allocation_by_region(o),
                                "Phân bổ theo vùng / Allocation by region"),
        "categories": _groups(categories, "category", cc),
        "category_figure": figure(plots.allocation_by_category(o), "Phân bổ theo nội dung và "
                                  "nguồn vốn / Allocation by content type and fund"),
        "provinces": _groups(provinces, "province", rc),
        "budget_figure": figure(plots.budget_use(o), "Sử dụng ngân sách / Budget use"),
    }


def _constraints(o: Outcome) -> Section:
    ranging = o.sensitivity.get("ranging_constraints")
    cons = o.constraints
    out: Section = {"intro": markup(_(
        "A budget or target <b>binds</b> when the allocation presses against it. Its "
        "<b>price</b> (shadow price) is what one more unit would add to the objective: for a "
        "budget, the score points gained per extra {thousand} million VND. A binding budget "
        "with a high price is where extra money does the most good."), thousand=money(1000))}
    if ranging is None and cons is None:
        out["missing"] = _("constraints.csv is missing from this output; solve again to list "
                           "the budgets and targets.")
        return out
    # figures from the plan's own constraints.csv (its allocation's activities and prices);
    # the sensitivity run adds only how far each price holds
    table = _plan_constraints(cons, ranging)
    budgets = table[table["family"] == "budget"].copy()
    budgets["price"] = pd.to_numeric(budgets["shadow_price"], errors="coerce").fillna(0) * 1000
    tight = budgets[budgets["binding"]].sort_values("price", ascending=False)
    out.update(missing="", budgets=len(budgets), none_binds=_("None binds."), tight=[
        {"label": budget_label(str(r["name"])), "amount": money(r["rhs"]),
         "price": _price(r, ranging is not None),
         "up": money(_num(r.get("allowable_increase"))) if ranging is not None else "",
         "down": money(_num(r.get("allowable_decrease"))) if ranging is not None else ""}
        for _i, r in tight.iterrows()])
    out["ranging"] = "" if ranging is None else _(
        "Prices hold within the range shown; beyond it the next project enters or leaves and "
        "the price changes.")
    out["hint"] = _hint(o, _("how far each price holds (ranging) and what each target costs"))
    out["money_left"] = money_left(o, budgets)
    out["targets"] = _targets(o, table)
    return out


def _price(r: pd.Series, ranged: bool) -> str:
    """A binding budget's price in points per 1,000 million VND, or per the amount its range
    allows when the price holds less far (said in the cell)."""
    unit = price_unit(_num(r.get("allowable_increase")), _num(r.get("allowable_decrease"))) \
        if ranged else 1000.0
    price = sig(r["price"] * unit / 1000, 3)
    return price if unit == 1000 else _("{price} per {unit} million").format(
        price=price, unit=money(unit))


def _plan_constraints(cons: pd.DataFrame | None, ranging: pd.DataFrame | None) -> pd.DataFrame:
    """The plan's constraints (activity, binding, price) with the ranging's allowable
    increase and decrease joined by name; the ranging table alone for outputs without
    constraints.csv."""
    if cons is None:
        assert ranging is not None
        table = ranging.rename(columns={"final_value": "activity"})
    else:
        table = cons.copy()
        if ranging is not None:
            ranges = ranging.drop_duplicates("name").set_index("name")
            for col in ("allowable_increase", "allowable_decrease"):
                table[col] = table["name"].map(ranges[col])
    table["binding"] = table["binding"].astype(str).str.lower().isin(["true", "1"])
    return table


def _num(v: object) -> float:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _target_row(t: dict[str, Any], rows: pd.DataFrame, prices: pd.DataFrame | None
                ) -> dict[str, Any]:
    """One policy target: whether and where it binds, the share required and achieved, and the
    score it costs (from the policy prices, when there)."""
    own = rows[(rows["name"] == t["name"]) | rows["name"].str.startswith(t["name"] + ":")]
    bound = own[own["binding"]]
    required = achieved = float("nan")
    if "share_required" in own and len(own):
        req = pd.to_numeric(own["share_required"], errors="coerce")
        got = pd.to_numeric(own["share_achieved"], errors="coerce")
        if req.notna().any():
            # province_max: the largest province's share; otherwise the target's one row
            required = float(req.max())
            achieved = float(got.max()) if got.notna().any() else float("nan")
    given_up = "—"
    if prices is not None and t["name"] in set(prices["target"]):
        cost = prices.set_index("target").loc[t["name"]]
        lost = _num(cost["score_given_up"])
        share = lost / max(_num(cost["objective_with"]), 1e-12)
        given_up = f"{sig(lost)} ({percent(share, digits=2)})"
    return {"name": t["name"], "label": t.get("label") or t["name"], "words": describe_target(t),
            "binding": len(bound) > 0, "required": _share(required),
            "achieved": _share(achieved, "không phân bổ / none allocated")
            if required == required else "—", "given_up": given_up,
            "where": ", ".join(p for p in (parse_row(str(n)).province for n in bound["name"])
                               if p)}


def _count_row(t: dict[str, Any], counts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A count target (summary.json's `count_targets`): the count asked and the projects
    counted, met or missed; None for any other target."""
    row = next((c for c in counts if c["name"] == t["name"]), None)
    if row is None:
        return None
    sign = "≥" if row["kind"] == "count_min" else "≤"
    return {"name": t["name"], "label": t.get("label") or t["name"], "words": describe_target(t),
            "binding": row["achieved"] == row["count"],
            "required": f"{sign} {num(row['count'])}",
            "achieved": f"{num(row['achieved'])} ({_('met') if row['met'] else _('missed')})",
            "given_up": "—", "where": ""}


def _targets(o: Outcome, table: pd.DataFrame) -> Section:
    targets = o.summary.targets
    if not targets:
        return {"rows": [], "none": _("The scenario sets no policy target.")}
    prices = o.sensitivity.get("policy_prices")
    rows = table[table["family"] == "target"].copy()
    rows["binding"] = rows["binding"].astype(str).str.lower().isin(["true", "1"])
    out: Section = {"rows": [_count_row(t, o.summary.count_targets or [])
                             or _target_row(t, rows, prices) for t in targets]}
    if prices is None:
        out.update(priced="", hint=_hint(o, _("the score each target costs (policy prices)")))
    else:
        out.update(priced=_("The score given up is the objective without the target minus "
                            "the objective with it: what the committee pays, in priority "
                            "points, for the policy."),
                   figure=figure(plots.policy_prices(prices),
                                 "Giá của từng mục tiêu / What each policy target costs"))
    return out


def _share(v: float, missing: str = "—") -> str:
    return missing if v != v else percent(v, digits=1)




def _robustness(o: Outcome) -> Section:
    robust = o.sensitivity.get("weight_robustness")
    if robust is None:
        return {"hint": _hint(o, _("the robustness classes (core, borderline, exterior) and the "
                                   "tornado chart"))}
    draws = o.sensitivity_settings.get("draws")
    if draws == 0 or not robust["class"].isin(list(CLASS_TEXT)).any():
        return {"hint": markup(_(
            "0 weight draws were run, so no project has a robustness class. Run <code>kcopt "
            "sensitivity SCENARIO -o {out} --draws 200</code> and build the report "
            "again."), out=o.folder or "OUT")}
    counts = robust["class"].value_counts()
    subs = {"core": _("funded in ≥ {share} of draws").format(share=pct(0.95)),
            "borderline": _("funded in some draws"),
            "exterior": _("funded in ≤ {share} of draws").format(share=pct(0.05))}
    # start-up: scipy, yaml only when this runs
    from kcopt.analysis.sensitivity.suite import (
        selection_notes,  # a MIP: what the figures hold fixed
    )

    border = robust[robust["class"] == "borderline"].sort_values("funded_share",
                                                                  ascending=False)
    tornado = o.sensitivity.get("tornado")
    return {
        "hint": "",
        "intro": markup(_(
            "The plan was re-solved {times} with the priority weights drawn at random around "
            "the scenario's weights. <b>Core</b> projects are funded in at least {core} of the "
            "draws: they do not depend on the exact weights. <b>Exterior</b> projects are "
            "funded in at most {exterior}: reasonable weights do not bring them in. "
            "<b>Borderline</b> projects depend on the weights: this is where the committee's "
            "judgement matters."), times=_("{count} times").format(count=money(draws)) if draws
            else _("many times"), core=pct(0.95), exterior=pct(0.05)),
        "notes": selection_notes(str(o.sensitivity_settings.get("selection", "lp")), False),
        "cards": [{"label": CLASS_TEXT[c], "value": num(int(counts.get(c, 0))),
                   "sub": subs[c]} for c in CLASS_TEXT],
        "figure": figure(plots.robustness(robust), "Độ vững trước trọng số / Robustness to the "
                         "priority weights"),
        "borderline": [{"id": text(r["project_id"]), "name": text(r["name"]),
                        "province": text(r["province"]),
                        "category": group_name("category", str(r["category"])),
                        "status": status_name(str(r["base_status"])),
                        "share": percent(r["funded_share"], digits=0)}
                       for _i, r in border.iterrows()],
        "none": _("None: the selection does not depend on the exact weights."),
        "tornado": None if tornado is None else figure(
            plots.tornado(tornado), _("Tornado: weights and budgets ±20%")),
    }


def _left_out(o: Outcome) -> Section:
    a = o.allocation
    groups = []
    for status in ("partial", "unfunded", "ineligible", "excluded"):
        rows = a[a["status"] == status].sort_values(["score", "project_id"],
                                                    ascending=[False, True])
        groups.append({"status": status, "label": STATUS_LABELS[status], "rows": [
            {"id": text(r["project_id"]), "name": text(r["name"]),
             "province": text(r["province"]), "category": text(r["category"]),
             "score": fixed(_num(r['score']), 3), "cap": money(r["cap"]),
             "allocated": money(r["total"]), "reason": text(r["reason"])}
            for _i, r in rows.iterrows()]})
    return {"groups": groups, "intro": _(
        "Every project that did not receive its full cap, with the reason in plain words: the "
        "budget or target that limits it, or the regulation that excludes it.")}


def _count(value: object) -> str:
    """A setting's number the reader's way ("50", "1.000", "0,5"), "—" when not kept."""
    try:
        return num(float(value), 4)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"


def _facts(o: Outcome) -> list[tuple[str, list[str]]]:
    """The provenance list: label "vi / en" and its value's lines."""
    s = o.summary
    p = s.provenance
    facts = [
        ("Kịch bản / scenario", o.name),
        ("Thư mục kết quả / output folder", text(o.folder) if o.folder else "—"),
        ("Mục tiêu / objective", pick(text(OBJECTIVES.get(str(s.objective_kind),
                                                          s.objective_kind)))),
        ("Bộ giải / solver", f"{text(p.solver)} {text(p.solver_version)}"
         + (" (MIP)" if s.mip else " (LP)")),
        ("Giá bóng / prices from", duals_name(s.duals)),
        ("Bộ quy định / rule set", text(p.rules_version)),
        ("Quy định có hiệu lực ngày / rules in force on",
         text(p.rules.get("in_force_on", "—"))),
        ("kcopt", text(p.kcopt_version)),
        ("Lập lúc / created", text(vietnam_time(p.created))),
        ("Hạt giống / seed", text(p.seed)),
    ]
    for fund in ("central", "local"):
        line = (s.top_slice or {}).get(fund)
        if line:
            facts.append((_("Top-slice of the {fund} budget").format(fund=fund_name(fund)),
                          _("managing agency {management}; implementing units {implementer}; "
                            "left to allocate {allocatable} million VND").format(
                              management=money(line["management"]),
                              implementer=money(line["implementer"]),
                              allocatable=money(line["allocatable"]))))
    if o.sensitivity_settings:
        st = o.sensitivity_settings
        facts.append(("Độ nhạy / sensitivity", _(
            "{draws} weight draws, seed {seed}, concentration {concentration}").format(
                draws=_count(st.get("draws")), seed=st.get("seed"),
                concentration=_count(st.get("concentration")))))  # 50, not "50.0"
    resolutions = [text(r) for r in p.rules.get("resolutions_applied", [])]
    out = [(k, [v]) for k, v in facts]
    out.insert(7, ("Nghị quyết HĐND áp dụng / provincial resolutions", resolutions or ["—"]))
    return out


def _provenance(o: Outcome) -> Section:
    s = o.summary
    sc = s.scenario
    hashes = s.provenance.inputs_sha256
    weights = []
    if sc.get("weights"):
        # start-up: yaml only when this runs
        from kcopt.core.vocabulary import criterion_label

        weights = [{"criterion": criterion_label(k, sc.get("weight_labels")),
                    "weight": fixed(w, 3)} for k, w in sc["weights"].items()]
    years = sc.get("years") or []
    plan = _(" over {first}–{last}").format(first=years[0], last=years[-1]) \
        if len(years) > 1 else ""
    return {
        "facts": _facts(o),
        "files": [{"file": f, "sha": sha} for f, sha in hashes.items()],
        "weights": weights,
        "budgets": _("Budgets{plan}: central {central} million VND; local {local} million VND "
                     "over {provinces} provinces. Targets: {targets}.").format(
            plan=plan, central=money(s.budgets.central), local=money(s.budgets.local),
            provinces=len(sc.get("budgets", {}).get("local") or {}),
            targets="; ".join(f"{t.get('label') or t['name']} ({describe_target(t)})"
                              for t in sc.get("targets", [])) or _("none")),
        "warnings": [text(warning_text(w)) for w in s.warnings],
    }
