"""`kcopt rules`: the rule set in force, with each rate's legal basis and confidence."""

from __future__ import annotations

from pathlib import Path

import typer

from kcopt.cli.common import user_errors
from kcopt.words import N_, _, data_text, fund_name, get_language, num, pct


@user_errors
def rules_command(
    province: str | None = typer.Option(None, "--province", help="Show one province's "
                                        "resolutions beside the national levels (any spelling, "
                                        "old names too)."),
    scenario: Path | None = typer.Option(None, "--scenario", help="Apply a scenario's "
                                         "plan_year, rule files and rate_overrides."),
    year: int | None = typer.Option(None, "--year", help="Rules in force on 1 January of this "
                                    "year (default: the scenario's plan year, else today)."),
    provincial: list[Path] | None = typer.Option(
        None, "--provincial", help="Check a provincial resolution file (or folder) and show "
        "the rules with it; every bad cell is listed."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV instead of a table."),
) -> None:
    """Print support rates and ceilings per content type and fund, with legal basis; with
    --province, the provincial resolutions in force there beside the national levels.

    Example: kcopt rules --province "Hải Phòng" --year 2026 --provincial nghi-quyet.csv
    """
    from datetime import date

    from kcopt.errors import InputError
    from kcopt.geo import load_geography
    from kcopt.rules import load_rules
    from kcopt.scenario import load_scenario

    rules = load_rules()
    prov = None
    if province:
        res = load_geography().resolve(province)
        if res.name is None:
            raise InputError(_("unknown province '{province}'").format(province=province))
        prov = res.name
    if scenario:
        rules = load_scenario(scenario).rule_set()
    if provincial:
        from kcopt.ratefiles import files_in, read_rule_files

        paths = [p for spec in provincial for p in files_in(spec)]
        rules = read_rule_files(paths, [], rules).apply(rules)
    if year is not None:
        rules = rules.on(date(year, 1, 1))
    table = rules.table(prov)
    if as_csv:
        from kcopt.io.write import safe_cells

        typer.echo(safe_cells(table).to_csv(index=False), nl=False)
        return
    typer.echo(_render(rules, table, prov))


CONFIDENCE_WORDS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low"),
                    "unverified": N_("unverified")}


def _fmt(rate: float | None, ceiling: float | None) -> str:
    r = "—" if rate is None or rate != rate else pct(float(rate))
    c = "—" if ceiling is None or ceiling != ceiling else num(float(ceiling))
    return f"{r:>5} / {c:>6}"


def _render(rules, table, prov: str | None) -> str:
    from kcopt.rules import DECREE32_BASIS

    day = rules.today.strftime("%d/%m/%Y")
    lines = [f"Bộ định mức {rules.version} — có hiệu lực ngày {day}"
             + (f" — {prov}" if prov else " — toàn quốc")]
    if prov:
        lines.append(f"{'nội dung':26} {'nguồn':7} {'trung ương: tỷ lệ/trần':24} "
                     f"{'tỉnh: tỷ lệ/trần':17}  căn cứ")
    else:
        lines.append(f"{'nội dung':26} {'nguồn':7} {'tỷ lệ / trần':15} {'tin cậy':10}  căn cứ")
    english = get_language() == "en"
    shown = None
    for r in table.to_dict("records"):
        if r["category"] != shown:  # the content's legal name once, above its rows
            shown = r["category"]
            rule = rules.rules.get(shown)
            title = (rule.name_en if english else rule.name_vi) if rule else r["name_vi"]
            lines.append(f"▸ {title}")
        r["basis"] = data_text(r["basis"])
        r["fund"] = fund_name(r["fund"])
        for key in ("confidence", "national_confidence"):
            if key in r and r[key] in CONFIDENCE_WORDS:
                r[key] = _(CONFIDENCE_WORDS[r[key]])
        name = r["category"] + (f" [{r['vote_level']}]" if r["vote_level"] else "")
        flag = "" if r["verified"] else "  ⚠ cần xác nhận"
        nat = f"{_fmt(r['national_rate'], r['national_ceiling'])} [{r['national_confidence']}]"
        if prov and r["resolution"]:
            lines.append(f"{name:26} {r['fund']:7} {nat:24} "
                         f"{_fmt(r['rate'], r['ceiling']):17}  {r['basis']} [{r['confidence']}]"
                         f"; nguồn: {r['source']}{flag}")
        elif prov:
            here = "mức trung ương" if r["fund"] == "local" else ""
            lines.append(f"{name:26} {r['fund']:7} {nat:24} {here:17}  {r['basis']}"
                         f"{' (' + r['period'] + ')' if r['period'] else ''}{flag}")
        else:
            lines.append(f"{name:26} {r['fund']:7} {_fmt(r['rate'], r['ceiling']):15} "
                         f"{r['confidence']:10}  {r['basis']}"
                         f"{' (' + r['period'] + ')' if r['period'] else ''}{flag}")
    if prov:
        used = sorted({(r["resolution"], r["territory"], r["effective"])
                       for r in table.to_dict("records") if r["resolution"]})
        lines.append("")
        lines.append(f"Nghị quyết HĐND đang áp dụng tại {prov}: " + (
            "; ".join(f"{n} — địa bàn {t}" + (f", hiệu lực {e}" if e else "")
                      for n, t, e in used) if used else
            "chưa có trong bộ định mức; kinh phí địa phương áp dụng mức trung ương "
            "(thêm nghị quyết của tỉnh: rules: {provincial: tep.csv} trong kịch bản)"))
    lines.append("")
    lines.append("Hạ tầng cụm công nghiệp: tổng hỗ trợ của nhà nước ≤ 30% tổng mức đầu tư, tính "
                 f"cả hỗ trợ đã nhận, dù nguồn nào chi ({DECREE32_BASIS}).")
    lines.append("Trần tính bằng triệu đồng. Mức 'low'/'unverified' cần xác nhận hoặc đặt lại "
                 "bằng rate_overrides.")
    return "\n".join(lines)
