"""The rule set: support levels per content type and fund, provincial resolutions, the Decree 32
cap, eligibility — and the cap per project that follows from them.

The national levels ship as `data/support_rates.csv` (rates, ceilings, legal basis, confidence
and period in force per content type and fund); provincial HĐND resolutions as
`data/provincial_rates.csv`, and a planner adds their own as one file (see `kcopt.rules.levels` for
how the level in force is chosen by date and territory). A scenario may override any rate or
ceiling, for one fund and optionally one province. `compute_caps` turns the rules into a support
cap per project and fund, vectorised, and records which term binds so the report can say it.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, cached_property
from importlib import resources
from typing import Any, cast

import numpy as np
import pandas as pd

from kcopt.core.text import fold
from kcopt.core.words import _, data_text, fund_name, num, pct
from kcopt.rules.levels import (
    FUNDS,
    InForce,
    Level,
    Resolution,
    choose,
    choose_resolution,
    national_levels,
    parse_date,
)
from kcopt.rules.policy import MULTIPLIER_BASIS, PriorityMultiplier, multipliers

__all__ = ["FUNDS", "CapTable", "RateOverride", "Rule", "RuleSet", "compute_caps",
           "describe_cap", "load_rules"]

RULES_VERSION = "2026.11"
DECREE32_SHARE = 0.30
DECREE32_BASIS = "Decree 32/2024/NĐ-CP Art. 26.1"
CCN_CATEGORY = "ccn_infrastructure"
# Other state support for the same item: a reduced cap here (Decree 32 counts all state support
# to a cluster's infrastructure together); everywhere else the item is not funded twice.
REDUCED_CAP_CATEGORIES = frozenset({CCN_CATEGORY})
DOUBLE_FUNDING_BASIS = "nguyên tắc không hỗ trợ trùng lặp từ ngân sách nhà nước"
PER_ESTABLISHMENT = frozenset({"per establishment", "per enterprise"})
LIMITS = np.array(["requested", "rate", "ceiling", "group_ceiling", "decree32"], dtype=object)


@dataclass(frozen=True)
class Rule:
    """A content type: its names, the funds that may pay it, and its first national level."""

    category: str
    name_vi: str
    name_en: str
    funds: tuple[str, ...]
    rate: float | None
    ceiling: float | None
    unit: str
    basis: str
    confidence: str
    note: str

    @property
    def verified(self) -> bool:
        return self.confidence in {"high", "medium"} and (
            self.rate is not None or self.ceiling is not None
        )


@dataclass(frozen=True)
class RateOverride:
    category: str
    fund: str  # central, local or both
    province: str | None
    rate: float | None
    ceiling: float | None
    basis: str = "scenario rate_overrides"


@dataclass
class RuleSet:
    """Content types, national levels, provincial resolutions and scenario overrides, read on
    `day` (None: today)."""

    rules: dict[str, Rule]
    version: str
    overrides: list[RateOverride] = field(default_factory=list)
    levels: tuple[Level, ...] = ()
    resolutions: tuple[Resolution, ...] = ()
    day: date | None = None

    def with_overrides(self, overrides: list[RateOverride]) -> RuleSet:
        return replace(self, overrides=[*self.overrides, *overrides])

    def with_resolutions(self, resolutions: list[Resolution], digest: str = "") -> RuleSet:
        """Add provincial resolutions (a planner's files); `digest` marks the version."""
        version = f"{self.version}+p{digest}" if digest else self.version
        return replace(self, resolutions=(*self.resolutions, *resolutions), version=version)

    def with_levels(self, levels: list[Level], digest: str = "") -> RuleSet:
        """Add national levels (e.g. a new circular's, from one data file)."""
        version = f"{self.version}+n{digest}" if digest else self.version
        return replace(self, levels=(*self.levels, *levels), version=version)

    def on(self, day: date | None) -> RuleSet:
        """The same rules, read as in force on `day`."""
        return replace(self, day=day)

    @property
    def today(self) -> date:
        return self.day or date.today()

    @cached_property
    def _index(self) -> dict[tuple[str, str], list[Level]]:
        index: dict[tuple[str, str], list[Level]] = {}
        for lv in self.levels:
            index.setdefault((lv.category, lv.fund), []).append(lv)
        return index

    def category_index(self) -> dict[str, str]:
        """Folded code / Vietnamese / English name → category code."""
        index: dict[str, str] = {}
        for rule in self.rules.values():
            for key in (rule.category, rule.name_vi, rule.name_en):
                index.setdefault(fold(key), rule.category)
        return index

    def _rows(self, category: str, fund: str, vote: str | None) -> list[Level]:
        rows = self._index.get((category, fund), [])
        if vote and self.by_vote(category, vote):
            return [r for r in rows if r.vote_level == vote]
        return [r for r in rows if r.vote_level is None]

    def by_vote(self, category: str, vote: str | None) -> bool:
        """Whether the rule set pays `category` by the level of the vote (typical products)."""
        return bool(vote) and any(r.vote_level == vote for f in FUNDS
                                  for r in self._index.get((category, f), []))

    def pays(self, category: str, fund: str, province: str | None = None,
             vote: str | None = None) -> bool:
        """Whether `fund` may pay `category` here: by the rule set, by a provincial resolution
        that sets a local level for it, or by a scenario override."""
        if self._rows(category, fund, vote):
            return True
        if fund == "local" and any(r.province == province and category in r.levels
                                   for r in self.resolutions):
            return True
        return any(ov.category == category and ov.fund in (fund, "both")
                   and ov.province in (None, province) for ov in self.overrides)

    def national(self, category: str, fund: str, day: date | None = None,
                 vote: str | None = None) -> InForce | None:
        """The national level in force on `day` (a stand-in, flagged, when none is)."""
        chosen = choose(self._rows(category, fund, vote), day or self.today)
        return None if chosen is None else InForce(chosen[0], None, chosen[1])

    def resolution(self, province: str | None, territory: str | None = None,
                   day: date | None = None) -> Resolution | None:
        """The provincial resolution in force for a place (its former province, if known)."""
        if province is None:
            return None
        return choose_resolution(self.resolutions, province, territory, day or self.today)

    def level(self, category: str, fund: str, province: str | None = None,
              territory: str | None = None, day: date | None = None,
              vote: str | None = None) -> InForce | None:
        """The level in force for one project and fund: the provincial resolution covering its
        territory for local funds, else the national level; scenario overrides on top."""
        found = self.national(category, fund, day, vote)
        if fund == "local":
            res = self.resolution(province, territory, day)
            if res is not None and category in res.levels:
                found = InForce(res.levels[category], res)
        for specific in (False, True):  # general overrides first, province-specific ones win
            for ov in self.overrides:
                if ov.category != category or ov.fund not in (fund, "both"):
                    continue
                if (ov.province is not None) != specific or (specific and
                                                             ov.province != province):
                    continue
                base = found.level if found else Level(category, fund, None, None)
                found = InForce(replace(
                    base, rate=base.rate if ov.rate is None else ov.rate,
                    ceiling=base.ceiling if ov.ceiling is None else ov.ceiling,
                    basis=ov.basis, confidence="scenario", group_ceiling=None))
        return found

    def resolve(self, category: str, fund: str, province: str | None,
                territory: str | None = None, day: date | None = None) -> tuple[
            float | None, float | None, str]:
        """Rate, ceiling and basis in force for one category, fund and province."""
        found = self.level(category, fund, province, territory, day)
        if found is None:
            rule = self.rules[category]
            return None, None, rule.basis
        return found.level.rate, found.level.ceiling, found.basis

    def table(self, province: str | None = None, day: date | None = None) -> pd.DataFrame:
        """The rule set in force (per fund), as `kcopt rules` prints it: the level that applies
        (`rate`, `ceiling`, `basis`, `confidence`), the national level beside it, and for a
        province each resolution in force there with its territory and source."""
        day = day or self.today
        rows = []
        for rule in self.rules.values():
            for fund in FUNDS:
                votes: list[str | None] = [None, *sorted(
                    {lv.vote_level for lv in self._index.get((rule.category, fund), [])
                     if lv.vote_level})]
                for vote in votes:
                    rows += self._table_rows(rule, fund, vote, province, day)
        return pd.DataFrame(rows)

    def _table_rows(self, rule: Rule, fund: str, vote: str | None, province: str | None,
                    day: date) -> list[dict[str, Any]]:
        if not self.pays(rule.category, fund, province, vote):
            return []
        nat = self.national(rule.category, fund, day, vote)
        places: list[str | None] = [None]
        if province and fund == "local":
            places += sorted({r.territory for r in self.resolutions
                              if r.province == province and r.territory and r.in_force(day)})
        out = []
        seen: set[tuple[str, str | None]] = set()
        for place in places:
            found = self.level(rule.category, fund, province, place, day, vote)
            res = found.resolution if found else None
            if place is not None and (res is None or res.territory != place):
                continue
            if res is not None and (res.number, res.territory) in seen:
                continue
            if res is not None:
                seen.add((res.number, res.territory))
            lv = found.level if found else None
            out.append({
                "category": rule.category, "name_vi": rule.name_vi, "fund": fund,
                "vote_level": vote or "",
                "rate": lv.rate if lv else None, "ceiling": lv.ceiling if lv else None,
                "unit": lv.unit if lv and lv.unit else rule.unit,
                "basis": found.basis if found else rule.basis,
                "confidence": found.confidence if found else "unverified",
                "verified": found is not None and (found.confidence == "scenario"
                                                   or not found.flagged),
                "period": lv.period() if lv and not res else "",
                "note": lv.note if lv else rule.note,
                "national_rate": nat.level.rate if nat else None,
                "national_ceiling": nat.level.ceiling if nat else None,
                "national_basis": nat.basis if nat else "",
                "national_confidence": nat.confidence if nat else "",
                "resolution": res.number if res else "",
                "territory": (res.territory or res.province) if res else "",
                "effective": res.effective.isoformat() if res and res.effective else "",
                "source": lv.source if res and lv else "",
            })
        return out


def _bundled_levels(raw: bytes) -> tuple[dict[str, Rule], list[Level]]:
    rules: dict[str, Rule] = {}
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    levels = national_levels(rows, "support_rates.csv")
    for r in rows:
        funds = FUNDS if r["fund"] == "both" else (r["fund"],)
        if r["category"] in rules:
            old = rules[r["category"]]
            rules[r["category"]] = replace(old, funds=tuple(
                f for f in FUNDS if f in (*old.funds, *funds)))
            continue
        rate = float(r["rate"]) if r["rate"].strip() else None
        cap = float(r["cap_million_vnd"]) if r["cap_million_vnd"].strip() else None
        rules[r["category"]] = Rule(r["category"], r["name_vi"], r["name_en"], funds, rate, cap,
                                    r["cap_unit"], r["basis"], r["confidence"], r["note"])
    return rules, levels


@cache
def load_rules() -> RuleSet:
    """The bundled rule set: national levels with their periods, the provincial resolutions of
    `data/provincial_rates.csv`, read as in force today (`.on(day)` for another day)."""
    data = resources.files("kcopt") / "data"
    raw = (data / "support_rates.csv").read_bytes()
    rules, levels = _bundled_levels(raw)
    prov = (data / "provincial_rates.csv").read_bytes()
    docs = (data / "legal_documents.csv").read_bytes()
    resolutions = bundled_resolutions(prov.decode("utf-8"), rules)
    digest = hashlib.sha256(raw + prov + docs).hexdigest()[:12]
    return RuleSet(rules, f"{RULES_VERSION}+{digest}", levels=tuple(levels),
                   resolutions=tuple(resolutions))


def bundled_resolutions(text: str, rules: dict[str, Rule],
                        file: str = "provincial_rates.csv") -> list[Resolution]:
    """Resolutions from a provincial table already known to be valid (the bundled one)."""
    groups: dict[tuple[str, str, str, str], dict[str, Level]] = {}
    for r in csv.DictReader(text.splitlines()):
        key = (r["province"], r["territory"], r["resolution"], r["effective"])
        lv = Level(r["category"], "local", _num(r["rate"]), _num(r["cap_million_vnd"]),
                   r["cap_unit"], r["resolution"], r["confidence"] or "medium", r["note"],
                   parse_date(r["effective"]), parse_date(r.get("until")), None,
                   _num(r.get("group_cap_million_vnd")), r["source"])
        groups.setdefault(key, {})[r["category"]] = lv
    return [Resolution(p, t or None, n, parse_date(e), None, levels, file)
            for (p, t, n, e), levels in groups.items()]


def _num(text: object) -> float | None:
    t = str(text or "").strip()
    return float(t) if t else None


@dataclass
class CapTable:
    """Support caps per project and fund (million VND) and why each cap is what it is.

    `cap[:, k]` is the cap from fund `FUNDS[k]` (NaN where that fund may not pay);
    `limit[:, k]` names the binding term: requested, rate, ceiling, group_ceiling, decree32;
    `ceiling` is the project's ceiling (per establishment × count, × priority factor).
    """

    cap: np.ndarray
    limit: np.ndarray
    rate: np.ndarray
    ceiling: np.ndarray
    basis: np.ndarray
    total_cap: np.ndarray
    ineligible: np.ndarray  # reason string, "" when eligible
    confidence: np.ndarray | None = None  # (n, 2): high/medium/low/unverified/scenario
    flagged: np.ndarray | None = None  # (n, 2): a low or unverified level in force
    unit_ceiling: np.ndarray | None = None  # (n, 2): ceiling per establishment (or per unit)
    establishments: np.ndarray | None = None  # (n,): count multiplying the unit ceiling
    per_establishment: np.ndarray | None = None  # (n, 2): the ceiling is per establishment
    factor: np.ndarray | None = None  # (n, 2): priority multiplier applied to the ceiling
    resolution: np.ndarray | None = None  # (n, 2): label of the provincial resolution, or ""
    # (project, fund, language, support received) -> the cap in words (`describe_cap`), kept
    # with the table it describes (a what-if of the same projects reuses it); a copy made
    # with `dataclasses.replace` starts empty
    words: dict[tuple[int, int, str, float], str] = field(
        default_factory=dict, init=False, repr=False, compare=False)


def project_days(projects: pd.DataFrame, day: date) -> np.ndarray:
    """The day whose rules apply to each project: 1 January of its plan year, else `day`."""
    out = np.full(len(projects), day, dtype=object)
    if "year" in projects:
        years = projects["year"].to_numpy(float)
        has = ~np.isnan(years)
        out[has] = [date(int(y), 1, 1) for y in years[has]]
    return out


def compute_caps(projects: pd.DataFrame, rules: RuleSet,
                 priority: tuple[PriorityMultiplier, ...] = ()) -> CapTable:
    """Caps per project and fund: `min(requested, rate·cost − other, ceiling − other)` where
    the ceiling is the level's (per establishment × the group's count, up to any group ceiling,
    × the priority multiplier); for CCN infrastructure also `0.30·infra_investment − other`
    (Decree 32/2024 Art. 26.1), whatever fund pays."""
    n = len(projects)
    cats = projects["category"].to_numpy()
    provs = projects["province"].to_numpy()
    cost = projects["total_cost"].to_numpy(float)
    requested = projects["requested"].to_numpy(float)
    other = projects["other_state_support"].fillna(0.0).to_numpy(float)
    infra = projects["infra_investment"].to_numpy(float)
    allowed = {f: projects["funds"].isin([f, "both"]).to_numpy() for f in FUNDS}
    territory = _column(projects, "old_province", None)
    votes = _column(projects, "vote_level", None)
    count = (projects["establishments"].fillna(1.0).to_numpy(float)
             if "establishments" in projects else np.ones(n))
    days = project_days(projects, rules.today)

    shape = (n, 2)
    cap, rate_a, ceil_a = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    unit_a, group_a = np.full(shape, np.nan), np.full(shape, np.nan)
    limit = np.full(shape, "", dtype=object)
    basis = np.full(shape, "", dtype=object)
    conf = np.full(shape, "", dtype=object)
    flagged = np.zeros(shape, dtype=bool)
    per_est = np.zeros(shape, dtype=bool)
    factor_a = np.ones(shape)
    res_a = np.full(shape, "", dtype=object)
    ineligible = np.full(n, "", dtype=object)

    # resolve levels per distinct (category, province, territory, vote, day): few, even for
    # 50,000 rows
    keys = pd.DataFrame({"c": cats, "p": provs, "t": territory, "v": votes, "d": days})
    groups = keys.fillna("").groupby(["c", "p", "t", "v", "d"], sort=False).indices
    for k, fund in enumerate(FUNDS):
        for key, idx in groups.items():
            cat, prov, terr, vote, day = cast(tuple[str, str, str, str, date], key)
            if not rules.pays(cat, fund, prov, vote or None):
                continue
            found = rules.level(cat, fund, prov, terr or None, day, vote or None)
            if found is None:
                continue
            lv = found.level
            rate_a[idx, k] = np.nan if lv.rate is None else lv.rate
            unit_a[idx, k] = np.nan if lv.ceiling is None else lv.ceiling
            group_a[idx, k] = np.nan if lv.group_ceiling is None else lv.group_ceiling
            per_est[idx, k] = lv.unit in PER_ESTABLISHMENT
            basis[idx, k] = found.basis
            conf[idx, k] = found.confidence
            flagged[idx, k] = found.flagged
            res_a[idx, k] = found.resolution.label() if found.resolution else ""
        factor_a[:, k] = multipliers(projects, priority, fund)[0]
        ceil_a[:, k] = unit_a[:, k] * np.where(per_est[:, k], count, 1.0) * factor_a[:, k]
        group = group_a[:, k] * factor_a[:, k]
        cat_ok = basis[:, k] != ""
        terms = np.column_stack([
            requested,
            rate_a[:, k] * cost - other,
            ceil_a[:, k] - other,
            np.where(per_est[:, k] & (count > 1), group - other, np.nan),
            np.where(cats == CCN_CATEGORY, DECREE32_SHARE * infra - other, np.nan),
        ])
        finite = ~np.isnan(terms)
        has_limit = finite.any(axis=1)
        masked = np.where(finite, terms, np.inf)
        arg = masked.argmin(axis=1)
        value = np.maximum(masked[np.arange(n), arg], 0.0)
        ok = allowed[fund] & cat_ok & has_limit
        cap[ok, k] = value[ok]
        limit[ok, k] = LIMITS[arg[ok]]

    total_cap = np.fmax(cap[:, 0], cap[:, 1])
    _ineligibility(projects, rules, total_cap, cap, limit, basis, other, allowed, votes,
                   ineligible)
    return CapTable(cap, limit, rate_a, ceil_a, basis, total_cap, ineligible, conf, flagged,
                    unit_a, count, per_est, factor_a, res_a)


def _column(frame: pd.DataFrame, name: str, default: object) -> np.ndarray:
    if name not in frame:
        return np.full(len(frame), default, dtype=object)
    return frame[name].astype(object).where(frame[name].notna(), default).to_numpy(object)


def _ineligibility(projects: pd.DataFrame, rules: RuleSet, total_cap: np.ndarray,
                   cap: np.ndarray, limit: np.ndarray, basis: np.ndarray, other: np.ndarray,
                   allowed: dict[str, np.ndarray], votes: np.ndarray,
                   ineligible: np.ndarray) -> None:
    """Why a project cannot be funded at all; the most specific reason is written last."""
    cats = projects["category"].to_numpy()
    provs = projects["province"].to_numpy()
    for i in np.flatnonzero(np.isnan(total_cap)):
        cat = cats[i]
        rule = rules.rules[cat]
        fund_ok = [f for f in FUNDS if allowed[f][i]]
        vote = votes[i] or None
        payers = [f for f in FUNDS if rules.pays(cat, f, provs[i], vote)]
        if rules.by_vote(cat, vote) and not set(payers) & set(fund_ok):
            ineligible[i] = (
                f"bình chọn cấp {_VOTE_VI.get(vote or '', vote)} do kinh phí khuyến công "
                f"{' và '.join(_FUND_VI[f] for f in payers)} chi ({rule.basis}); đề án này chỉ "
                f"dùng được kinh phí {' hoặc '.join(_FUND_VI[f] for f in fund_ok)}")
        elif not any(rules.pays(cat, f, provs[i], vote) for f in fund_ok):
            ineligible[i] = _(
                "'{content}' is paid only from {funds} funds ({basis}); this project may use "
                "only {allowed} funds").format(
                    content=rule.name_vi,
                    funds=_(" or ").join(fund_name(f) for f in rule.funds),
                    basis=data_text(rule.basis),
                    allowed=_(" or ").join(fund_name(f) for f in fund_ok))
        else:
            ineligible[i] = _(
                "no support level for '{content}' in the rule set (rate not retrieved); "
                "give a requested amount or a rate_overrides entry in the scenario").format(
                    content=rule.name_vi)
    zero = ~np.isnan(total_cap) & (total_cap <= 0) & (ineligible == "")
    for i in np.flatnonzero(zero):
        k = 0 if not np.isnan(cap[i, 0]) else 1
        if other[i] > 0 and limit[i, k] != "requested":
            ineligible[i] = _("no support room left: {amount} million of state support "
                              "already received reaches the cap").format(amount=num(other[i]))
        elif limit[i, k] == "requested":
            ineligible[i] = _("no support requested (requested amount is 0)")
        else:
            ineligible[i] = _("the support level in force is 0 ({basis})").format(
                basis=data_text(basis[i, k]))
    if "disadvantaged_area" in projects:
        bad = (cats == "establish_enterprise") & (projects["disadvantaged_area"].to_numpy() < 0.5)
        ineligible[bad] = _(
            "support to set up an enterprise is only for areas with difficult socio-economic "
            "conditions (TT 28/2018/TT-BTC Art. 8)"
        )
    twice = (other > 0) & ~np.isin(cats, list(REDUCED_CAP_CATEGORIES))
    for i in np.flatnonzero(twice):
        ineligible[i] = (
            f"nội dung này đã được ngân sách nhà nước hỗ trợ {num(other[i])} triệu đồng từ "
            f"chương trình khác: không hỗ trợ trùng ({DOUBLE_FUNDING_BASIS}); loại khỏi danh "
            "sách xét hỗ trợ")


_FUND_VI = {"central": "quốc gia", "local": "địa phương"}

_VOTE_VI = {"district": "huyện", "provincial": "tỉnh", "regional": "khu vực",
            "national": "quốc gia"}


def describe_cap(caps: CapTable, i: int, k: int, other: float = 0.0) -> str:
    """Plain words for the binding term of project i's cap from fund k."""
    lim = caps.limit[i, k]
    basis = caps.basis[i, k]
    less = _(", less {amount} million already received").format(
        amount=num(other)) if other > 0 else ""
    flag = ""
    if caps.flagged is not None and caps.flagged[i, k]:
        flag = _("; the level is not confirmed (low confidence): check it before use")
    if lim == "requested":
        return _("cap: the amount requested")
    if lim == "rate":
        return _("cap: {rate} of cost{less} ({basis})").format(
            rate=pct(caps.rate[i, k]), less=less, basis=data_text(basis)) + flag
    if lim == "ceiling":
        terms = _ceiling_terms(caps, i, k)
        return _("cap: ceiling {amount} million{less}{terms} ({basis})").format(
            amount=num(caps.ceiling[i, k]), less=less, terms=terms, basis=data_text(basis)) + flag
    if lim == "group_ceiling":
        return _("cap: group project ceiling {amount} million{less} ({basis})").format(
            amount=num(caps.ceiling[i, k]), less=less, basis=data_text(basis)) + flag
    if lim == "decree32":
        return _("cap: state support ≤ {share} of infrastructure investment{less} "
                 "({basis})").format(share=pct(0.3), less=less, basis=data_text(DECREE32_BASIS))
    return ""


def _ceiling_terms(caps: CapTable, i: int, k: int) -> str:
    """' = 300 × 3 cơ sở × 1,5 (ưu tiên)' when the ceiling is more than the level's own."""
    parts = []
    n = caps.establishments[i] if caps.establishments is not None else 1.0
    per = caps.per_establishment is not None and caps.per_establishment[i, k]
    if per and n > 1 and caps.unit_ceiling is not None:
        parts.append(f"{num(caps.unit_ceiling[i, k])} triệu × {num(n)} cơ sở (đề án nhóm)")
    f = caps.factor[i, k] if caps.factor is not None else 1.0
    if f > 1.0:
        if not parts and caps.unit_ceiling is not None:
            parts.append(f"{num(caps.unit_ceiling[i, k])} triệu")
        parts.append(f"hệ số ưu tiên {num(f, 3)} ({MULTIPLIER_BASIS})")
    return f" = {' × '.join(parts)}" if parts else ""
