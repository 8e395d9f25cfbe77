"""`kcopt rules`: the rule set in force, with each rate's legal basis and confidence."""

from __future__ import annotations

from pathlib import Path

import typer

from kcopt.cli.common import user_errors
from kcopt.core.words import N_, _, data_text, fund_name, get_language, num, pct


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

    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core.errors import InputError
    from kcopt.core.geo import load_geography
    from kcopt.inputs.scenario import load_scenario
    from kcopt.rules.rates import load_rules

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
        from kcopt.inputs.ratefiles import files_in, read_rule_files

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


def width(text: str) -> int:
    """The columns `text` takes on a terminal: a combining mark none, a wide character two
    (a Vietnamese word typed with combining accents is as wide as its letters)."""
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def aligned(lines: list[str | list[str]]) -> list[str]:
    """Table rows (lists of cells) padded so each column starts at one place whatever the
    language's words; the last cell of a row and plain lines (str) as they are."""
    rows = [line for line in lines if isinstance(line, list)]
    count = max((len(r) for r in rows), default=0)
    widths = [max((width(r[i]) for r in rows if len(r) > i + 1), default=0)
              for i in range(count)]
    out = []
    for line in lines:
        if isinstance(line, str):
            out.append(line)
            continue
        cells = [cell + " " * (widths[i] - width(cell)) if i < len(line) - 1 else cell
                 for i, cell in enumerate(line)]
        out.append("  ".join(cells).rstrip())
    return out


def _render(rules, table, prov: str | None) -> str:
    """The rules table as text: a heading, each content's legal name above its rows, the
    provincial resolutions used (for a province) and the notes."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.rules.rates import DECREE32_BASIS

    title, head = _heading_lines(rules, prov)
    rows: list[str | list[str]] = [head]
    english = get_language() == "en"
    shown = None
    for r in table.to_dict("records"):
        if r["category"] != shown:  # the content's legal name once, above its rows
            shown = r["category"]
            rule = rules.rules.get(shown)
            name = (rule.name_en if english else rule.name_vi) if rule else r["name_vi"]
            rows.append(f"▸ {name}")
        rows.append(_row_cells(r, prov))
    lines = [title, *aligned(rows)]
    if prov:
        lines.append("")
        lines.append(_resolutions_line(table, prov))
    lines.append("")
    lines.append(_("Industrial cluster infrastructure: total state support at most 30 per cent of "
                   "the total investment, counting support already received, whichever fund pays "
                   "({basis}).").format(basis=data_text(DECREE32_BASIS)))
    lines.append(_("Ceilings in million VND. Levels 'low'/'unverified' need confirming or "
                   "setting with rate_overrides."))
    if not prov:
        lines += ["", *_province_lines()]
    return "\n".join([*lines, "", *priority_lines()])


def priority_lines() -> list[str]:
    """The priorities a scenario may weigh (`weights:`), each with its name, the confidence of
    its legal basis and the basis (data/priorities.csv)."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.rules.priorities import load_priorities

    english = get_language() == "en"
    code, name, confidence, basis = _("code"), _("priority"), _("confidence"), _("legal basis")
    lines = [_("Priorities a scenario may weigh (weights:), with their legal basis:"),
             f"{code:22} {name:44} {confidence:10}  {basis}"]
    for p in load_priorities().values():
        title = p.name_en if english else p.name_vi
        lines.append(f"{p.tag:22} {title:44} {_(CONFIDENCE_WORDS[p.confidence]):10}  "
                     f"{data_text(p.basis)}")
        if p.note:
            lines.append(f"{'':22}   {data_text(p.note)}")
    lines.append(_("A priority marked 'low' is not confirmed against the decree's text: kcopt "
                   "solve warns when a scenario weighs it."))
    return lines


def _province_lines() -> list[str]:
    """The 34 provinces and cities a project list may name, each with the former provinces
    merged into it on 1 July 2025 (their names are accepted too)."""
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.core.geo import load_geography

    provinces = load_geography().provinces
    rows: list[str | list[str]] = [[_("province or city"), _("former provinces merged into it")]]
    for p in provinces.values():
        rows.append([p.name, ", ".join(old for old in p.merged_from if old != p.name) or "—"])
    return [_("The {count} provinces and cities (since 1 July 2025); a former province's name "
              "is read as the province it was merged into:").format(count=len(provinces)),
            *aligned(rows)]


def _heading_lines(rules, prov: str | None) -> tuple[str, list[str]]:
    """The rule set's version and day, and the column headings (a province's show its own
    levels beside the central ones)."""
    day = rules.today.strftime("%d/%m/%Y")
    title = (_("Rule set {version} — in force on {day}").format(version=rules.version, day=day)
             + " — " + (prov or _("nationwide")))
    content, fund, basis = _("content"), _("fund"), _("legal basis")
    if prov:
        return title, [content, fund, _("central: rate/ceiling"), _("province: rate/ceiling"),
                       basis]
    return title, [content, fund, _("rate / ceiling"), _("confidence"), basis]


def _row_cells(r: dict, prov: str | None) -> list[str]:
    """One rule's cells: content, fund, levels, confidence, legal basis and period."""
    r["basis"] = data_text(r["basis"])
    local = r["fund"] == "local"
    r["fund"] = fund_name(r["fund"])
    for key in ("confidence", "national_confidence"):
        if key in r and r[key] in CONFIDENCE_WORDS:
            r[key] = _(CONFIDENCE_WORDS[r[key]])
    name = r["category"] + (f" [{r['vote_level']}]" if r["vote_level"] else "")
    flag = "" if r["verified"] else "  ⚠ " + _("to be confirmed")
    period = f" ({r['period']})" if r["period"] else ""
    nat = f"{_fmt(r['national_rate'], r['national_ceiling'])} [{r['national_confidence']}]"
    if prov and r["resolution"]:
        return [name, r["fund"], nat, _fmt(r["rate"], r["ceiling"]),
                f"{r['basis']} [{r['confidence']}]"
                + _("; source: {source}").format(source=r["source"]) + flag]
    if prov:
        here = _("central level") if local else ""
        return [name, r["fund"], nat, here, f"{r['basis']}{period}{flag}"]
    return [name, r["fund"], _fmt(r["rate"], r["ceiling"]), r["confidence"],
            f"{r['basis']}{period}{flag}"]


def _resolutions_line(table, prov: str) -> str:
    """The provincial People's Council resolutions the table uses, or that it has none."""
    used = sorted({(r["resolution"], r["territory"], r["effective"])
                   for r in table.to_dict("records") if r["resolution"]})
    return _("Provincial People's Council resolutions in force in {province}: ").format(
        province=prov) + ("; ".join(
            _("{resolution} — territory {territory}").format(
                resolution=data_text(n), territory=t)
            + (_(", in force from {day}").format(day=e) if e else "")
            for n, t, e in used) if used else
        _("none in the rule set; local funds apply the central levels (add the province's "
          "resolution: rules: {provincial: tep.csv} in the scenario)"))
