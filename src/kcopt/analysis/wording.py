"""Planner wording, in one place: every phrase about a budget, a policy target, a cap or a
project, as the allocation's reasons, the diagnosis, the sensitivity lines, the workbooks and the
committee report say it; and the amounts, shares and group names those phrases carry. Each
phrase goes through `_()` (Vietnamese by default; the catalogs are `kcopt/locale`). Row names
are read with the model's own parser (`model.names.parse_row`), never re-parsed here.
The codes those phrases name (columns, criteria, flags) are `kcopt.core.vocabulary`.
"""

from __future__ import annotations

import math
from typing import Any

from kcopt.core.geo import load_geography
from kcopt.core.vocabulary import CRITERIA_LABELS, criterion_label
from kcopt.core.words import N_, _, fixed, fund_name, get_language, ngettext, num, pct
from kcopt.model.names import RowId, parse_row
from kcopt.rules.rates import load_rules


# -- amounts, shares and group names ---------------------------------------------------------
def group_name(by: str, code: str) -> str:
    """The name of a region or content type code in the language in use (Vietnamese unless
    English is asked for); the code itself for any other.

    >>> from kcopt.core.language import using
    >>> with using("en"):
    ...     group_name("region", "RRD")
    'Red River Delta'
    """
    english = get_language() == "en"
    if by == "region":
        regions = load_geography().regions
        return regions[code][1 if english else 0] if code in regions else code
    if by == "category":
        rules = load_rules().rules
        return (rules[code].name_en if english else rules[code].name_vi) if code in rules \
            else code
    return code


def money(v: float | None, signed: bool = False) -> str:
    """Million VND with thousands separators (Babel, in the language in use); a true minus
    sign when signed.

    >>> from kcopt.core.language import using
    >>> with using("en"):
    ...     money(105000), money(-1234.6, signed=True), money(0.2, signed=True)
    ('105,000', '−1,235', '0')
    >>> with using("vi"):
    ...     money(105000)
    '105.000'
    """
    if v is None or v != v:
        return "—"
    text = num(abs(v))
    if text == "0":
        return "0"
    if v < 0:
        return "−" + text
    return ("+" + text) if signed else text


def percent(v: float | None, signed: bool = False, digits: int = 1) -> str:
    """A share as a percentage: '12.3%' in English, '12,3%' in Vietnamese."""
    if v is None or v != v:
        return "—"
    if round(abs(100 * v), digits) == 0:
        return fixed(0, digits) + "%"
    text = fixed(abs(100 * v), digits) + "%"
    return ("−" if v < 0 else "+" if signed else "") + text


# -- budgets and rows of the program ---------------------------------------------------------
def budget_name(name: str) -> str:
    """'budget:local:Lâm Đồng:2027' → 'local budget of Lâm Đồng 2027', in the language in use."""
    row = parse_row(name)
    what = (_("central budget") if row.fund == "central" else
            _("local budget of {province}").format(province=row.province))
    return f"{what} {row.year}" if row.year is not None else what


def budget_words(name: str) -> str:
    """'budget:local:Lâm Đồng:2027' → 'local money in Lâm Đồng in 2027'."""
    row = parse_row(name)
    text = (_("central money") if row.fund == "central" else
            _("local money in {province}").format(province=row.province))
    return (_("{money} in {year}").format(money=text, year=row.year) if row.year is not None
            else text)


def budget_label(name: str) -> str:
    """The fund (and province, and plan year) of a budget row, in the language in use.

    >>> from kcopt.core.language import using
    >>> with using("vi"):
    ...     budget_label("budget:local:Lâm Đồng"), budget_label("budget:central:2027")
    ('KCĐP: Lâm Đồng', 'KCQG 2027')
    >>> with using("en"):
    ...     budget_label("budget:local:Lâm Đồng")
    'local: Lâm Đồng'
    """
    row = parse_row(name)
    year = f" {row.year}" if row.year is not None else ""
    if row.fund == "central":
        return f"{fund_name('central')}{year}"
    return f"{fund_name('local')}: {row.province}{year}"


# the rows said the same whatever project they are of
_FIXED_WORDS = {"match": N_("the co-financing rule (minimum local share)"),
                "cap": N_("its support cap"), "must_fund": N_("a must-fund project's full cap"),
                "round": N_("amounts in multiples of round_to")}
FIXED_FAMILIES = frozenset(_FIXED_WORDS)  # `describe_row` says their rows from the family alone
# the rows of one project, said with its id
_PROJECT_WORDS = {"all_or_nothing": N_("all-or-nothing funding of {project}"),
                  "min_fraction": N_("the minimum viable share of {project}"),
                  "link": N_("internal row: {project} is paid only when selected (its "
                             "selection variable)"),
                  "start": N_("the start-year choice of {project}"),
                  "one_start": N_("one start year for {project}"),
                  "count_floor": N_("internal row: {project} counts toward a count target only "
                                    "when funded at least at its minimum share"),
                  "count_link": N_("internal row: {project} counts toward a count target when "
                                   "it gets any support")}


def describe_row(name: str, rhs: float, binding: bool = True,
                 labels: dict[str, str] | None = None) -> str:
    """A constraint in planners' words; a budget is "fully allocated" only when it binds;
    `labels` gives targets their committee names."""
    row = parse_row(name)
    family = row.family
    if family == "budget":
        return (_("{budget} ({amount} million) fully allocated") if binding else
                _("{budget} ({amount} million)")).format(budget=budget_name(name),
                                                         amount=num(rhs))
    if family in _FIXED_WORDS:
        return _(_FIXED_WORDS[family])
    if family in _PROJECT_WORDS:
        return _(_PROJECT_WORDS[family]).format(project=row.project)
    if family == "target":
        return _target_words(row.target or "", row.province, labels)
    return _other_row_words(row, rhs)


def _other_row_words(row: RowId, rhs: float) -> str:
    """The rows with more than a project to say: totals, dependencies, groups, fixed amounts."""
    if row.family == "total":  # total:<fund>[:year], the auxiliary T of share targets
        scope = {"all": _("all support"), "central": _("central support"),
                 "local": _("local support")}.get(str(row.fund), str(row.fund))
        year = "" if row.year is None else str(row.year)
        return (_("internal row: T = {scope} in {year}, the total the share targets are "
                  "measured against") if year else
                _("internal row: T = {scope}, the total the share targets are measured "
                  "against")).format(scope=scope, year=year)
    if row.family == "requires":
        return _("the rule that {project} needs {other} funded").format(project=row.project,
                                                                        other=row.other)
    if row.family == "group":
        return _("exclusive group '{group}' (at most {count} funded)").format(group=row.group,
                                                                             count=num(rhs))
    if row.family == "fixed":
        return _("the amount fixed for {project} ({amount} million)").format(
            project=row.project, amount=num(rhs, 6))
    return str(row)  # keep:<id>, a row of the split program: its code


def _target_words(target: str, province: str | None, labels: dict[str, str] | None) -> str:
    target = (labels or {}).get(target, target)
    if province:
        return _("policy target '{target}' for {province}").format(target=target,
                                                                   province=province)
    return _("policy target '{target}'").format(target=target)


def holding_phrase(name: str, family: str, rhs: float, price: float,
                   labels: dict[str, str] | None = None, count: int = 1) -> str:
    """A binding row that holds a project (or `count` projects) back, in words: a policy
    target's maximum reached (price > 0: its upper side binds) or its minimum only just met
    (price < 0: funding the project would take the share below it); any other row as
    `describe_row` says it (a budget "fully allocated")."""
    if family != "target":
        return describe_row(name, rhs, labels=labels)
    row = parse_row(name)
    target = (labels or {}).get(str(row.target), str(row.target))
    province = row.province or ""
    if price > 0:
        return (_("the maximum '{target}' for {province} is reached") if province else
                _("the maximum '{target}' is reached")).format(target=target, province=province)
    lower = ngettext("this project would lower the share", "these projects would lower the share",
                     count)
    return (_("the minimum '{target}' for {province} is only just met ({lower})") if province
            else _("the minimum '{target}' is only just met ({lower})")).format(
        target=target, province=province, lower=lower)


# -- policy targets --------------------------------------------------------------------------
TARGET_KIND_WORDS = {"share_min": N_("share min"), "share_max": N_("share max"),
                     "region_min": N_("region min"), "province_max": N_("province max"),
                     "count_min": N_("count min"), "count_max": N_("count max")}


def flag_words(flags: list[str], joiner: str) -> str:
    """A target's priority flags by their names in the language in use, lower case in a
    sentence ("sản xuất sạch hơn hoặc kinh tế tuần hoàn", not "green or circular")."""
    names = [criterion_label(f) for f in flags]
    return joiner.join(n[:1].lower() + n[1:] if f in CRITERIA_LABELS else n
                       for f, n in zip(flags, names, strict=True))


def target_label(t) -> str:
    """A target as the committee reads it: its `label:` when the scenario gives one."""
    return str(getattr(t, "label", "") or t.name)


def target_scope(t) -> str:
    """The projects a target counts: flags, content types, province."""
    parts = []
    if t.of:
        parts.append(_("projects flagged {flags}").format(flags=flag_words(t.of, "/")))
    if t.category:
        parts.append(_("content type {categories}").format(categories="/".join(t.category)))
    if t.province:
        parts.append(t.province)
    return ", ".join(parts) or _("its projects")


def count_group(t: Any) -> str:
    """The projects a count target counts, as a planner names them: its content types and
    priority flags ("mô hình trình diễn kỹ thuật")."""
    of = t.get("of", ()) if isinstance(t, dict) else t.of
    cats = [*(t.get("of_category", ()) if isinstance(t, dict) else t.of_category),
            *(t.get("category", ()) if isinstance(t, dict) else t.category)]
    rules = load_rules().rules
    names = [(rules[c].name_vi.lower() if get_language() != "en" else rules[c].name_en.lower())
             if c in rules else c for c in cats]
    names += [criterion_label(f).lower() for f in of]
    return _(" or ").join(names) or _("its projects")


def count_verdict(row: dict[str, Any]) -> str:
    """A count target met or missed, with its figures (a row of summary.json's
    `count_targets`)."""
    target = str(row.get("label") or row["name"]) + (
        f" ({row['year']})" if row.get("year") is not None else "")
    verdict = _("met") if row["met"] else _("missed")
    if row["kind"] == "count_min":
        return _("count target '{target}': {achieved} projects funded at least at their "
                 "minimum share, target at least {count} ({possible} eligible): {verdict}"
                 ).format(target=target, achieved=num(row["achieved"]),
                          count=num(row["count"]), possible=num(row["possible"]),
                          verdict=verdict)
    return _("count target '{target}': {achieved} projects funded, target at most {count}: "
             "{verdict}").format(target=target, achieved=num(row["achieved"]),
                                 count=num(row["count"]), verdict=verdict)


def describe_target(t: dict[str, Any]) -> str:
    """A scenario target in plain words.

    >>> describe_target({"kind": "share_max", "category": ["training"], "share": 0.05})
    'at most 5% of all support to training'
    """
    if t.get("kind") in ("count_min", "count_max"):
        word = (_("at least {count} projects funded: {group}") if t["kind"] == "count_min"
                else _("at most {count} projects funded: {group}"))
        text = word.format(count=num(t.get("count") or 0), group=count_group(t))
        return text + (f" ({t['year']})" if t.get("year") is not None else "")
    fund = {"central": _("central funds"), "local": _("local funds")}.get(
        t.get("fund", "all"), _("all support"))
    if t.get("share_of") == "budget":
        fund = {"central": _("the central budget"), "local": _("the local budgets")}.get(
            t.get("fund", "all"), _("the budgets"))
    goal = (pct(t["share"]) if t.get("share") is not None
            else _("{amount} million VND").format(amount=money(t.get("amount"))))
    if t.get("of"):
        group = _("projects flagged {flags}").format(flags=flag_words(t["of"], _(" or ")))
    elif t.get("category"):
        group = ", ".join(t["category"] if get_language() == "en" else
                          [group_name("category", c) for c in t["category"]])
    elif t.get("region"):
        group = _("region {region}").format(
            region=f"{group_name('region', t['region'])} ({t['region']})")
    else:
        group = t.get("province") or _("the group")
    kind = t.get("kind")
    if kind in ("share_min", "region_min"):
        return _("at least {goal} of {fund} to {group}").format(goal=goal, fund=fund, group=group)
    if kind == "share_max":
        return _("at most {goal} of {fund} to {group}").format(goal=goal, fund=fund, group=group)
    if kind == "province_max":
        return _("no province receives more than {goal} of {fund}").format(goal=goal, fund=fund)
    return f"{kind} {goal}"


# -- sensitivity lines ------------------------------------------------------------------------
def parameter_label(parameter: str, labels: dict[str, str] | None = None) -> str:
    """A tornado row as a committee names it: the weight's `label:` in the scenario or the
    criterion's built-in name, or the budget."""
    if parameter in CRITERIA_LABELS:
        return criterion_label(parameter, labels)
    words = {"central budget": N_("central budget"), "local budgets": N_("local budgets")}
    return _(words[parameter]) if parameter in words else parameter


UNITS = (1000.0, 100.0, 10.0, 1.0)


def price_unit(*ranges: float) -> float:
    """The amount (million VND) a price is quoted per: 1,000 million when the price holds that
    far, else the largest of 100, 10 and 1 million that the smallest of `ranges` (how far it
    holds, up or down) allows, so "each extra 1,000 million adds …" is never said of a price
    valid only up to +11 million (1 million when it holds less than that).

    >>> price_unit(float("inf"), 5000), price_unit(11.0, 400), price_unit(250.0), price_unit(0.4)
    (1000.0, 10.0, 100.0, 1.0)
    """
    finite = [float(r) for r in ranges if r is not None and math.isfinite(r) and r >= 0]
    least = min(finite, default=float("inf"))
    return next((u for u in UNITS if u <= least), UNITS[-1])


# where a plan's shadow prices come from (summary.json `duals`, constraints.csv `price_basis`)
DUALS_WORDS = {"LP": N_("the LP"),
               "MIP with integer decisions fixed": N_("the MIP with its integer decisions fixed")}


def duals_name(code: object) -> str:
    """Where the shadow prices come from, in the language in use (the code kept in files).

    >>> from kcopt.core.language import using
    >>> with using("en"):
    ...     duals_name("MIP with integer decisions fixed")
    'the MIP with its integer decisions fixed'
    """
    text = "" if code is None else str(code)
    return _(DUALS_WORDS[text]) if text in DUALS_WORDS else text
