"""The committee report: one self-contained HTML file (plots embedded as PNG data, inline CSS with
print styles, no script and nothing fetched from the network), Vietnamese with English.

It reads an output folder of `kcopt solve` — and the tables of `kcopt sensitivity` when they are
there — or a result in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kcopt.analysis.wording import budget_label, describe_target, group_name, money, percent
from kcopt.core.errors import InputError, OutputError
from kcopt.core.words import N_, _, fixed, get_language, pct, sig, status_name
from kcopt.io import folders as outputs
from kcopt.present import plots
from kcopt.present.htmlpage import (
    CSS,
    Column,
    bi,
    card_html,
    esc,
    figure_html,
    head_label,
    swatch_html,
    table_html,
)
from kcopt.present.moneyleft import money_left_html
from kcopt.present.views import STATUS_LABELS, Outcome, breakdown, outcome

if TYPE_CHECKING:

    from kcopt.analysis.sensitivity.suite import Sensitivity
    from kcopt.pipeline import Run
    from kcopt.solvers.solve import Result

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
    sc = s.get("scenario", {})
    title = "Báo cáo phân bổ kinh phí khuyến công"
    created = s.get("provenance", {}).get("created", "")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{get_language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)} — {esc(o.name)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>{esc(title)}<span class=en>Industrial-promotion (khuyến công) fund "
        f"allocation report</span></h1>",
        f"<p class=meta><b>{esc(o.name)}</b>"
        + (f" — {esc(sc.get('description'))}" if sc.get("description") else "")
        + f"<br>Lập lúc / solved: {esc(created)} · Đơn vị / unit: triệu đồng / million VND"
        "</p></header>",
        "<nav class=toc><b>Nội dung / Contents</b><ol>"
        + "".join(f'<li><a href="#{k}">{head_label(v)}</a></li>' for k, v in SECTIONS.items())
        + "</ol></nav>",
        _headline(o),
        _allocation(o),
        _constraints(o),
        _robustness(o),
        _left_out(o),
        _provenance(o),
        f"<footer>kcopt {esc(s.get('provenance', {}).get('kcopt_version', ''))} · "
        f"{esc(o.name)} · {esc(created)}. Số tiền tính bằng triệu đồng / amounts in million "
        "VND.</footer>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(source: Outcome | Result | Run | str | Path, path: Path | None = None,
                 sensitivity: Sensitivity | None = None) -> Path:
    """Write the committee report; by default `report.html` in the output folder."""
    import contextlib

    folder = Path(source) if isinstance(source, str | Path) else None
    if path is not None and path.is_dir():
        path = path / "report.html"
    if path is not None and path.exists() and path.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"'{path}' đã có và không phải một báo cáo .html: kcopt không ghi đè "
                          "nó. Hãy chọn tên tệp .html khác / exists and is not an .html "
                          "report: kcopt does not overwrite it; choose another .html name")
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


def _section(key: str, body: str) -> str:
    return f'<section id="{key}"><h2>{head_label(SECTIONS[key])}</h2>{body}</section>'


def _headline(o: Outcome) -> str:
    s = o.summary
    a = o.allocation
    budgets = s.get("budgets", {})
    counts = {k: int((a["status"] == k).sum()) for k in STATUS_LABELS}
    central, local = float(a["central"].sum()), float(a["local"].sum())
    total, demand = float(a["total"].sum()), float(a["cap"].sum())

    def used(x: float, b: float | None) -> str:
        return (f"của / of {money(b)} ({percent(x / b)})" if b else "")

    status = str(s.get("status", ""))
    status_text = {"optimal": "Phương án tối ưu / optimal allocation",
                   "feasible": "Phương án khả thi tốt nhất tìm được trong thời hạn / best "
                               "allocation found within the time limit"}.get(status, status)
    cards = [
        card_html("Vốn trung ương (KCQG) / Central funds", money(central),
              used(central, budgets.get("central"))),
        card_html("Vốn địa phương (KCĐP) / Local funds", money(local),
              used(local, budgets.get("local"))),
        card_html("Tổng hỗ trợ / Total support", money(total),
              f"nhu cầu / demand {money(demand)} ({percent(total / demand) if demand else '—'})"),
        card_html("Đề án được hỗ trợ / Projects supported",
              f"{counts['funded'] + counts['partial']:,} / {len(a):,}",
              f"{counts['funded']} đủ / in full, {counts['partial']} một phần / in part"),
        card_html("Mục tiêu / Objective", f"{s.get('objective') or 0:,.2f}",
              esc(OBJECTIVES.get(str(s.get("objective_kind")), s.get("objective_kind")))),
    ]
    text = (f"<p><b>{head_label(status_text)}.</b> " + _(
        "Of {candidates} candidate projects, {funded} are funded in full and {partial} in part; "
        "{unfunded} get nothing within these budgets, {ineligible} are ineligible under the "
        "regulation and {excluded} were excluded by the scenario. The allocation uses {central} "
        "million VND of central and {local} million VND of local funds.").format(
            candidates=money(len(a)), funded=money(counts["funded"]),
            partial=money(counts["partial"]), unfunded=money(counts["unfunded"]),
            ineligible=money(counts["ineligible"]), excluded=money(counts["excluded"]),
            central=money(central), local=money(local)) + "</p>")
    status_rows = pd.DataFrame({"status": list(STATUS_LABELS),
                                "n": [counts[k] for k in STATUS_LABELS]})
    table = table_html(status_rows, [
        ("Trạng thái / status", lambda r: head_label(STATUS_LABELS[r["status"]]), False),
        ("Số đề án / projects", lambda r: f"{r['n']:,}", True),
    ])
    years = ""
    if s.get("by_year"):
        years = f"<h3>{bi('Theo năm kế hoạch', 'By plan year')}</h3>" + table_html(
            pd.DataFrame(s["by_year"]), [
                ("Năm / year", lambda r: esc(int(r["year"])), False),
                ("NS trung ương / central budget", lambda r: money(r["central_budget"]), True),
                ("Trung ương / central", lambda r: money(r["central"]), True),
                ("NS địa phương / local budgets", lambda r: money(r["local_budget"]), True),
                ("Địa phương / local", lambda r: money(r["local"]), True),
                ("Tổng / total", lambda r: f"<b>{money(r['total'])}</b>", True)])
    idle = "".join(f"<p class=note><b>{bi('Kinh phí chưa phân bổ', 'Budget left unspent')}:"
                   f"</b> {esc(w.get('message'))}</p>" for w in s.get("warnings", [])
                   if isinstance(w, dict) and w.get("code") == "budget_unspent")
    return _section("headline", f"<div class=cards>{''.join(cards)}</div>{idle}{text}{table}"
                    f"{years}")


def _group_columns(by: str, colours: dict[str, str]) -> list[Column]:
    first: Column
    if by == "province":
        first = ("Tỉnh, thành phố / province",
                 lambda r: (swatch_html(colours.get(str(r["region"]), "#9e9e9e"))
                            + esc(r["province"])),
                 False)
    else:
        first = ("Vùng / region" if by == "region" else "Nội dung / content type",
                 lambda r: swatch_html(colours.get(str(r[by]), "#9e9e9e"))
                 + f"{esc(r['name_vi'])} <span class=en>({esc(r[by])})</span>", False)
    cols: list[Column] = [
        first,
        ("Đề án / projects", lambda r: f"{r['projects']:,}", True),
        ("Đủ / funded", lambda r: f"{r['funded']:,}", True),
        ("Một phần / partial", lambda r: f"{r['partial']:,}", True),
        ("Nhu cầu / demand", lambda r: money(r["demand"]), True),
        ("Trung ương / central", lambda r: money(r["central"]), True),
        ("Địa phương / local", lambda r: money(r["local"]), True),
        ("Tổng / total", lambda r: f"<b>{money(r['total'])}</b>", True),
        ("Tỷ trọng / share", lambda r: percent(r["share"]), True),
    ]
    if by == "province":
        cols.insert(6, ("NS địa phương / local budget", lambda r: money(r["local_budget"]), True))
    else:
        cols.append(("Đáp ứng / coverage",
                     lambda r: percent(r["total"] / r["demand"]) if r["demand"] else "—", True))
    return cols


def _allocation(o: Outcome) -> str:
    regions = breakdown(o, "region")
    categories = breakdown(o, "category").sort_values("total", ascending=False)
    provinces = breakdown(o, "province").sort_values("total", ascending=False)
    rc, cc = plots.region_colours(), plots.category_colours()
    region_of = o.allocation.groupby("province")["region"].first()
    provinces.insert(1, "region", provinces["province"].map(region_of))
    body = [
        "<p>" + esc(_("Demand is the sum of the projects' support caps (the most the regulation "
                     "allows each to receive); coverage is the share of that demand the plan "
                     "meets.")) + "</p>",
        f"<h3>{bi('Theo vùng', 'By region')}</h3>",
        table_html(regions, _group_columns("region", rc)),
        figure_html(plots.allocation_by_region(o), "Phân bổ theo vùng / Allocation by region"),
        f"<h3>{bi('Theo nội dung hỗ trợ', 'By content type')}</h3>",
        table_html(categories, _group_columns("category", cc)),
        figure_html(plots.allocation_by_category(o),
                "Phân bổ theo nội dung và nguồn vốn / Allocation by content type and fund"),
        f"<h3>{bi('Theo tỉnh, thành phố', 'By province')}</h3>",
        table_html(provinces, _group_columns("province", rc)),
        figure_html(plots.budget_use(o), "Sử dụng ngân sách / Budget use"),
    ]
    return _section("allocation", "".join(body))


def _constraints(o: Outcome) -> str:
    ranging = o.sensitivity.get("ranging_constraints")
    cons = o.constraints
    out = o.folder or "OUT"
    body = ["<p>" + _("A budget or target <b>binds</b> when the allocation presses against it. "
                      "Its <b>price</b> (shadow price) is what one more unit would add to the "
                      "objective: for a budget, the score points gained per extra {thousand} "
                      "million VND. A binding budget with a high price is where extra money does "
                      "the most good.").format(thousand=money(1000)) + "</p>"]
    if ranging is None and cons is None:
        body.append("<p class=note>" + _("constraints.csv is missing from this output; solve "
                                         "again to list the budgets and targets.") + "</p>")
        return _section("constraints", "".join(body))
    # figures from the plan's own constraints.csv (its allocation's activities and prices);
    # the sensitivity run adds only how far each price holds
    table = _plan_constraints(cons, ranging)
    budgets = table[table["family"] == "budget"].copy()
    budgets["price"] = pd.to_numeric(budgets["shadow_price"], errors="coerce").fillna(0) * 1000
    tight = budgets[budgets["binding"]].sort_values("price", ascending=False)
    cols: list[Column] = [
        ("Ngân sách / budget", lambda r: esc(budget_label(str(r["name"]))), False),
        ("Mức / amount", lambda r: money(r["rhs"]), True),
        ("Giá (điểm / 1.000 triệu) / points per 1,000 million",
         lambda r: f"{r['price']:,.3f}", True),
    ]
    if ranging is not None:
        cols += [("Tăng được / valid up to", lambda r: "+" + money(_num(r["allowable_increase"])),
                  True),
                 ("Giảm được / down to", lambda r: "−" + money(_num(r["allowable_decrease"])),
                  True)]
    body.append(f"<h3>{bi('Ngân sách đã dùng hết', 'Budgets fully used')} "
                f"({len(tight)} / {len(budgets)})</h3>")
    body.append(table_html(tight, cols) if len(tight) else "<p>" + _("None binds.") + "</p>")
    if ranging is None:
        body.append("<p class=note>" + _(SENSITIVITY_HINT).format(
            out=esc(out), what=_("how far each price holds (ranging) and what each target "
                                "costs")) + "</p>")
    else:
        body.append("<p>" + _("Prices hold within the range shown; beyond it the next project "
                              "enters or leaves and the price changes.") + "</p>")
    body.append(money_left_html(o, budgets))
    body.append(_targets(o, table))
    return _section("constraints", "".join(body))


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


def _targets(o: Outcome, table: pd.DataFrame) -> str:
    targets = o.summary.get("scenario", {}).get("targets", [])
    body = [f"<h3>{bi('Mục tiêu chính sách', 'Policy targets')}</h3>"]
    if not targets:
        return body[0] + "<p>" + _("The scenario sets no policy target.") + "</p>"
    prices = o.sensitivity.get("policy_prices")
    rows = table[table["family"] == "target"].copy()
    rows["binding"] = rows["binding"].astype(str).str.lower().isin(["true", "1"])
    frame = []
    for t in targets:
        own = rows[(rows["name"] == t["name"]) | rows["name"].str.startswith(t["name"] + ":")]
        bound = own[own["binding"]]
        cost = None
        if prices is not None and t["name"] in set(prices["target"]):
            cost = prices.set_index("target").loc[t["name"]]
        required = achieved = float("nan")
        if "share_required" in own and len(own):
            req = pd.to_numeric(own["share_required"], errors="coerce")
            got = pd.to_numeric(own["share_achieved"], errors="coerce")
            if req.notna().any():
                # province_max: the largest province's share; otherwise the target's one row
                required = float(req.max())
                achieved = float(got.max()) if got.notna().any() else float("nan")
        frame.append(pd.Series({
            "name": t["name"], "label": t.get("label") or t["name"],
            "words": describe_target(t), "binding": len(bound) > 0,
            "required": required, "achieved": achieved,
            "where": ", ".join(str(n).split(":", 1)[1] for n in bound["name"] if ":" in str(n)),
            "given_up": None if cost is None else _num(cost["score_given_up"]),
            "pct": None if cost is None else _num(cost["score_given_up"])
            / max(_num(cost["objective_with"]), 1e-12)}))
    cols: list[Column] = [
        ("Mục tiêu / target", lambda r: f"<b>{esc(r['label'])}</b>"
         + (f" ({esc(r['name'])})" if r["label"] != r["name"] else "") + f": {esc(r['words'])}",
         False),
        ("Ràng buộc / binds", lambda r: ("có / yes" if r["binding"] else "không / no")
         + (f" ({esc(r['where'])})" if r["where"] else ""), False),
        ("Yêu cầu / required", lambda r: _share(r["required"]), True),
        ("Đạt được / achieved", lambda r: _share(r["achieved"], "không phân bổ / none "
                                                 "allocated") if r["required"] == r["required"]
         else "—", True),
    ]
    if prices is not None:
        cols.append(("Điểm đánh đổi / score given up",
                     lambda r: "—" if r["given_up"] is None else
                     f"{sig(r['given_up'])} ({percent(r['pct'], digits=2)})", True))
    body.append(table_html(frame, cols))
    if prices is None:
        body.append("<p class=note>" + _(SENSITIVITY_HINT).format(
            out=esc(o.folder or "OUT"), what=_("the score each target costs (policy prices)"))
            + "</p>")
    else:
        body.append("<p>" + _("The score given up is the objective without the target minus "
                              "the objective with it: what the committee pays, in priority "
                              "points, for the policy.") + "</p>")
        body.append(figure_html(plots.policy_prices(prices),
                            "Giá của từng mục tiêu / What each policy target costs"))
    return "".join(body)


def _share(v: float, missing: str = "—") -> str:
    return missing if v != v else percent(v, digits=1)


def _robustness(o: Outcome) -> str:
    robust = o.sensitivity.get("weight_robustness")
    if robust is None:
        return _section("robustness", "<p class=note>" + _(SENSITIVITY_HINT).format(
            out=esc(o.folder or "OUT"), what=_("the robustness classes (core, borderline, "
                                              "exterior) and the tornado chart")) + "</p>")

    draws = o.sensitivity_settings.get("draws")
    if draws == 0 or not robust["class"].isin(list(CLASS_TEXT)).any():
        return _section("robustness", "<p class=note>" + _(
            "0 weight draws were run, so no project has a robustness class. Run <code>kcopt "
            "sensitivity SCENARIO -o {out} --draws 200</code> and build the report "
            "again.").format(out=esc(o.folder or "OUT")) + "</p>")
    counts = robust["class"].value_counts()
    cards = "".join(card_html(CLASS_TEXT[c], f"{int(counts.get(c, 0)):,}",
                          {"core": _("funded in ≥ {share} of draws").format(share=pct(0.95)),
                           "borderline": _("funded in some draws"),
                           "exterior": _("funded in ≤ {share} of draws").format(
                               share=pct(0.05))}[c]) for c in CLASS_TEXT)
    body = [
        "<p>" + _("The plan was re-solved {times} with the priority weights drawn at random "
                  "around the scenario's weights. <b>Core</b> projects are funded in at least "
                  "{core} of the draws: they do not depend on the exact weights. <b>Exterior</b> "
                  "projects are funded in at most {exterior}: reasonable weights do not bring "
                  "them in. <b>Borderline</b> projects depend on the weights: this is where the "
                  "committee's judgement matters.").format(
                      times=_("{count} times").format(count=money(draws)) if draws
                      else _("many times"), core=pct(0.95), exterior=pct(0.05)) + "</p>",
        f"<div class=cards>{cards}</div>",
        figure_html(plots.robustness(robust), "Độ vững trước trọng số / Robustness to the "
                "priority weights"),
    ]
    # start-up: scipy, yaml only when this runs
    from kcopt.analysis.sensitivity.suite import (
        selection_notes,  # a MIP: what the figures hold fixed
    )

    body[1:1] = ["<p class=note>" + esc(line) + "</p>" for line in selection_notes(
        str(o.sensitivity_settings.get("selection", "lp")), False)]
    border = robust[robust["class"] == "borderline"].sort_values("funded_share",
                                                                  ascending=False)
    body.append(f"<h3>{bi('Đề án cận biên', 'Borderline projects')} ({len(border)})</h3>")
    if len(border):
        body.append(table_html(border, [
            ("Mã / id", lambda r: esc(r["project_id"]), False),
            ("Tên / name", lambda r: esc(r["name"]), False),
            ("Tỉnh / province", lambda r: esc(r["province"]), False),
            ("Nội dung / content type",
             lambda r: esc(group_name("category", str(r["category"]))), False),
            ("Phương án này / this plan", lambda r: esc(status_name(str(r["base_status"]))),
             False),
            ("Tỷ lệ được hỗ trợ / funded share", lambda r: percent(r["funded_share"], digits=0),
             True),
        ]))
    else:
        body.append("<p>" + _("None: the selection does not depend on the exact weights.")
                    + "</p>")
    tornado = o.sensitivity.get("tornado")
    if tornado is not None:
        body.append(figure_html(plots.tornado(tornado), "Tornado: trọng số và ngân sách ±20% / "
                            "weights and budgets ±20%"))
    return _section("robustness", "".join(body))


def _left_out(o: Outcome) -> str:
    a = o.allocation.copy()
    body = ["<p>" + _("Every project that did not receive its full cap, with the reason in "
                      "plain words: the budget or target that limits it, or the regulation that "
                      "excludes it.") + "</p>"]
    for status in ("partial", "unfunded", "ineligible", "excluded"):
        rows = a[a["status"] == status].sort_values(["score", "project_id"],
                                                    ascending=[False, True])
        body.append(f"<h3>{head_label(STATUS_LABELS[status])} ({len(rows)})</h3>")
        if not len(rows):
            body.append("<p>Không có / none.</p>")
            continue
        cols: list[Column] = [
            ("Mã / id", lambda r: esc(r["project_id"]), False),
            ("Tên / name", lambda r: esc(r["name"]), False),
            ("Tỉnh / province", lambda r: esc(r["province"]), False),
            ("Nội dung / content type", lambda r: esc(r["category"]), False),
            ("Điểm / score", lambda r: f"{_num(r['score']):.3f}", True),
            ("Trần / cap", lambda r: money(r["cap"]), True),
        ]
        if status == "partial":
            cols.append(("Được cấp / allocated", lambda r: money(r["total"]), True))
        cols.append(("Lý do / reason", lambda r: f"<span class=reason>{esc(r['reason'])}</span>",
                     False))
        body.append(table_html(rows, cols))
    return _section("left-out", "".join(body))


def _provenance(o: Outcome) -> str:
    s = o.summary
    p = s.get("provenance", {})
    sc = s.get("scenario", {})
    facts = [
        ("Kịch bản / scenario", esc(o.name)),
        ("Thư mục kết quả / output folder", esc(o.folder) if o.folder else "—"),
        ("Mục tiêu / objective", esc(OBJECTIVES.get(str(s.get("objective_kind")),
                                                    s.get("objective_kind")))),
        ("Bộ giải / solver", f"{esc(p.get('solver'))} {esc(p.get('solver_version'))}"
         + (" (MIP)" if s.get("mip") else " (LP)")),
        ("Giá bóng / prices from", esc(s.get("duals", "LP"))),
        ("Bộ quy định / rule set", esc(p.get("rules_version"))),
        ("Quy định có hiệu lực ngày / rules in force on",
         esc(p.get("rules", {}).get("in_force_on", "—"))),
        ("Nghị quyết HĐND áp dụng / provincial resolutions",
         "<br>".join(esc(r) for r in p.get("rules", {}).get("resolutions_applied", [])) or "—"),
        ("kcopt", esc(p.get("kcopt_version"))),
        ("Lập lúc / created", esc(p.get("created"))),
        ("Hạt giống / seed", esc(p.get("seed"))),
    ]
    for fund, vi in (("central", "trung ương"), ("local", "địa phương")):
        line = s.get("top_slice", {}).get(fund)
        if line:
            facts.append((f"Trích quản lý, ngân sách {vi} / top-slice, {fund} budget",
                          esc(f"cơ quan quản lý {money(line['management'])}; đơn vị thực hiện "
                             f"{money(line['implementer'])}; còn phân bổ "
                             f"{money(line['allocatable'])} triệu đồng")))
    if o.sensitivity_settings:
        st = o.sensitivity_settings
        facts.append(("Độ nhạy / sensitivity",
                      esc(_("{draws} weight draws, seed {seed}, concentration "
                           "{concentration}").format(draws=st.get("draws"), seed=st.get("seed"),
                                                     concentration=st.get("concentration")))))
    body = ["<dl class=facts>" + "".join(f"<dt>{head_label(k)}</dt><dd>{v}</dd>" for k, v in facts)
            + "</dl>"]
    hashes = p.get("inputs_sha256", {})
    if hashes:
        body.append(f"<h3>{bi('Tệp đầu vào', 'Input files')}</h3>")
        body.append(table_html(pd.DataFrame({"file": list(hashes), "sha": list(hashes.values())}), [
            ("Tệp / file", lambda r: esc(r["file"]), False),
            ("SHA-256", lambda r: f"<code>{esc(r['sha'])}</code>", False)]))
    weights = sc.get("weights", {})
    if weights:
        # start-up: yaml only when this runs
        from kcopt.core.vocabulary import criterion_label

        body.append(f"<h3>{bi('Trọng số ưu tiên', 'Priority weights')}</h3>")
        body.append(table_html(pd.DataFrame({"k": list(weights), "w": list(weights.values())}), [
            ("Tiêu chí / criterion",
             lambda r: esc(criterion_label(r["k"], sc.get("weight_labels"))), False),
            ("Trọng số / weight", lambda r: fixed(r["w"], 3), True)]))
    budgets = s.get("budgets", {})
    years = sc.get("years") or []
    plan = _(" over {first}–{last}").format(first=years[0], last=years[-1]) \
        if len(years) > 1 else ""
    body.append("<p>" + _("Budgets{plan}: central {central} million VND; local {local} million "
                          "VND over {provinces} provinces. Targets: {targets}.").format(
        plan=plan, central=money(budgets.get("central")), local=money(budgets.get("local")),
        provinces=len(sc.get("budgets", {}).get("local") or {}),
        targets=esc("; ".join(f"{t.get('label') or t['name']} ({describe_target(t)})"
                             for t in sc.get("targets", []))) or _("none")) + "</p>")
    warnings = s.get("warnings", [])
    if warnings:
        body.append(f"<h3>{bi('Cảnh báo khi giải', 'Warnings from the solve')} "
                    f"({len(warnings)})</h3><ul>"
                    + "".join(f"<li>{esc(w.get('message') if isinstance(w, dict) else w)}</li>"
                              for w in warnings) + "</ul>")
    return _section("provenance", "".join(body))
