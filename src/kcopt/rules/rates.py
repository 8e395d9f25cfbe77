"""The rule set: support levels per content type and fund, provincial resolutions and scenario
overrides, read as in force on a day.

The national levels ship as `data/support_rates.csv` (rates, ceilings, legal basis, confidence
and period in force per content type and fund); provincial HĐND resolutions as
`data/provincial_rates.csv`, and a planner adds their own as one file (see `kcopt.rules.levels` for
how the level in force is chosen by date and territory). A scenario may override any rate or
ceiling, for one fund and optionally one province. `kcopt.rules.caps.compute_caps` turns the
rules into a support cap per project and fund; `kcopt.rules.eligibility` says why a project
cannot be funded at all.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, cached_property
from importlib import resources
from typing import Any

import pandas as pd

from kcopt.core.text import fold
from kcopt.core.words import get_language
from kcopt.rules.levels import (
    FUNDS,
    InForce,
    Level,
    Resolution,
    choose,
    choose_resolution,
    legal_documents_bytes,
    national_levels,
    parse_date,
)

__all__ = ["FUNDS", "RateOverride", "Rule", "RuleSet", "load_rules"]

RULES_VERSION = "2026.11"
DECREE32_SHARE = 0.30
DECREE32_BASIS = "Decree 32/2024/NĐ-CP Art. 26.1"
CCN_CATEGORY = "ccn_infrastructure"
PER_ESTABLISHMENT = frozenset({"per establishment", "per enterprise"})


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

    def named(self) -> str:
        """The content type's name in the language in use (Vietnamese unless English)."""
        return self.name_en if get_language() == "en" else self.name_vi

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
    docs = legal_documents_bytes()
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
