"""The rule set: support rates and ceilings per content type, the Decree 32 cap, eligibility.

The rule set ships as `data/support_rates.csv` (rates, ceilings, legal basis and confidence per
content type). A scenario may override any rate or ceiling, for one fund and optionally one
province. `compute_caps` turns the rules into a support cap per project and fund, vectorised,
and records which term of the cap binds so the report can say it in words.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import cast

import numpy as np
import pandas as pd

from kcopt.text import fold

RULES_VERSION = "2025.10"
FUNDS = ("central", "local")
DECREE32_SHARE = 0.30
DECREE32_BASIS = "Decree 32/2024/NĐ-CP Art. 26.1"
CCN_CATEGORY = "ccn_infrastructure"


@dataclass(frozen=True)
class Rule:
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
    rules: dict[str, Rule]
    version: str
    overrides: list[RateOverride] = field(default_factory=list)

    def with_overrides(self, overrides: list[RateOverride]) -> RuleSet:
        return RuleSet(self.rules, self.version, [*self.overrides, *overrides])

    def category_index(self) -> dict[str, str]:
        """Folded code / Vietnamese / English name → category code."""
        index: dict[str, str] = {}
        for rule in self.rules.values():
            for key in (rule.category, rule.name_vi, rule.name_en):
                index.setdefault(fold(key), rule.category)
        return index

    def pays(self, category: str, fund: str, province: str | None) -> bool:
        """Whether `fund` may pay `category` here: by the rule set, or by a scenario override
        (a province that pays a content type from its local budget at its own rate)."""
        if fund in self.rules[category].funds:
            return True
        return any(ov.category == category and ov.fund in (fund, "both")
                   and ov.province in (None, province) for ov in self.overrides)

    def resolve(self, category: str, fund: str, province: str | None) -> tuple[
        float | None, float | None, str
    ]:
        """Rate, ceiling and basis in force for one category, fund and province."""
        rule = self.rules[category]
        rate, ceiling, basis = rule.rate, rule.ceiling, rule.basis
        # general overrides first, then province-specific ones win
        for specific in (False, True):
            for ov in self.overrides:
                if ov.category != category or ov.fund not in (fund, "both"):
                    continue
                if (ov.province is not None) != specific:
                    continue
                if specific and ov.province != province:
                    continue
                if ov.rate is not None:
                    rate = ov.rate
                if ov.ceiling is not None:
                    ceiling = ov.ceiling
                basis = ov.basis
        return rate, ceiling, basis

    def table(self, province: str | None = None) -> pd.DataFrame:
        """The rule set in force (per fund), as `kcopt rules` prints it."""
        rows = []
        for rule in self.rules.values():
            for fund in FUNDS:
                if not self.pays(rule.category, fund, province):
                    continue
                rate, ceiling, basis = self.resolve(rule.category, fund, province)
                rows.append({
                    "category": rule.category,
                    "name_vi": rule.name_vi,
                    "fund": fund,
                    "rate": rate,
                    "ceiling": ceiling,
                    "unit": rule.unit,
                    "basis": basis,
                    "confidence": "scenario" if basis != rule.basis else rule.confidence,
                    "verified": rule.verified if basis == rule.basis else True,
                    "note": rule.note,
                })
        return pd.DataFrame(rows)


def _num(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


@cache
def load_rules() -> RuleSet:
    """The bundled rule set (rates, ceilings, legal basis and confidence per content type)."""
    path = resources.files("kcopt") / "data" / "support_rates.csv"
    raw = path.read_bytes()
    rules: dict[str, Rule] = {}
    for r in csv.DictReader(raw.decode("utf-8").splitlines()):
        funds = FUNDS if r["fund"] == "both" else (r["fund"],)
        rules[r["category"]] = Rule(
            r["category"], r["name_vi"], r["name_en"], funds, _num(r["rate"]),
            _num(r["cap_million_vnd"]), r["cap_unit"], r["basis"], r["confidence"], r["note"],
        )
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return RuleSet(rules, f"{RULES_VERSION}+{digest}")


@dataclass
class CapTable:
    """Support caps per project and fund (million VND) and why each cap is what it is.

    `cap[:, k]` is the cap from fund `FUNDS[k]` (NaN where that fund may not pay);
    `limit[:, k]` names the binding term: requested, rate, ceiling, decree32.
    """

    cap: np.ndarray
    limit: np.ndarray
    rate: np.ndarray
    ceiling: np.ndarray
    basis: np.ndarray
    total_cap: np.ndarray
    ineligible: np.ndarray  # reason string, "" when eligible


def compute_caps(projects: pd.DataFrame, rules: RuleSet) -> CapTable:
    """Caps per project and fund: `min(requested, rate·cost − other, ceiling − other)`, and for
    CCN infrastructure also `0.30·infra_investment − other` (Decree 32/2024 Art. 26.1)."""
    n = len(projects)
    cats = projects["category"].to_numpy()
    provs = projects["province"].to_numpy()
    cost = projects["total_cost"].to_numpy(float)
    requested = projects["requested"].to_numpy(float)
    other = projects["other_state_support"].fillna(0.0).to_numpy(float)
    infra = projects["infra_investment"].to_numpy(float)
    allowed = {f: projects["funds"].isin([f, "both"]).to_numpy() for f in FUNDS}

    cap = np.full((n, 2), np.nan)
    limit = np.full((n, 2), "", dtype=object)
    rate_a = np.full((n, 2), np.nan)
    ceil_a = np.full((n, 2), np.nan)
    basis = np.full((n, 2), "", dtype=object)
    ineligible = np.full(n, "", dtype=object)

    # resolve rates per distinct (category, province, fund): few of them, even for 50,000 rows
    keys = pd.DataFrame({"c": cats, "p": provs})
    for k, fund in enumerate(FUNDS):
        for key, idx in keys.groupby(["c", "p"], sort=False).indices.items():
            cat, prov = cast(tuple[str, str], key)
            if not rules.pays(cat, fund, prov):
                continue
            r, c, b = rules.resolve(cat, fund, prov)
            rate_a[idx, k] = np.nan if r is None else r
            ceil_a[idx, k] = np.nan if c is None else c
            basis[idx, k] = b
        cat_ok = basis[:, k] != ""
        terms = np.column_stack([
            requested,
            rate_a[:, k] * cost - other,
            ceil_a[:, k] - other,
            np.where(cats == CCN_CATEGORY, DECREE32_SHARE * infra - other, np.nan),
        ])
        finite = ~np.isnan(terms)
        has_limit = finite.any(axis=1)
        masked = np.where(finite, terms, np.inf)
        arg = masked.argmin(axis=1)
        value = np.maximum(masked[np.arange(n), arg], 0.0)
        ok = allowed[fund] & cat_ok & has_limit
        cap[ok, k] = value[ok]
        limit[ok, k] = np.array(["requested", "rate", "ceiling", "decree32"], dtype=object)[arg[ok]]

    total_cap = np.fmax(cap[:, 0], cap[:, 1])
    # eligibility, most specific reason last so it wins
    for i in np.flatnonzero(np.isnan(total_cap)):
        cat = cats[i]
        rule = rules.rules[cat]
        fund_ok = [f for f in FUNDS if allowed[f][i]]
        if not any(rules.pays(cat, f, provs[i]) for f in fund_ok):
            ineligible[i] = (
                f"'{rule.name_vi}' is paid only from {' or '.join(rule.funds)} funds "
                f"({rule.basis}); this project may use only {' or '.join(fund_ok)} funds"
            )
        else:
            ineligible[i] = (
                f"no support level for '{rule.name_vi}' in the rule set (rate not retrieved); "
                "give a requested amount or a rate_overrides entry in the scenario"
            )
    zero = ~np.isnan(total_cap) & (total_cap <= 0) & (ineligible == "")
    for i in np.flatnonzero(zero):
        k = 0 if not np.isnan(cap[i, 0]) else 1
        if other[i] > 0 and limit[i, k] != "requested":
            ineligible[i] = (f"no support room left: {other[i]:,.0f} million of state support "
                             "already received reaches the cap")
        elif limit[i, k] == "requested":
            ineligible[i] = "no support requested (requested amount is 0)"
        else:
            ineligible[i] = f"the support level in force is 0 ({basis[i, k]})"
    if "disadvantaged_area" in projects:
        bad = (cats == "establish_enterprise") & (projects["disadvantaged_area"].to_numpy() < 0.5)
        ineligible[bad] = (
            "support to set up an enterprise is only for areas with difficult socio-economic "
            "conditions (TT 28/2018/TT-BTC Art. 8)"
        )
    return CapTable(cap, limit, rate_a, ceil_a, basis, total_cap, ineligible)


def describe_cap(caps: CapTable, i: int, k: int, other: float = 0.0) -> str:
    """Plain words for the binding term of project i's cap from fund k."""
    lim = caps.limit[i, k]
    basis = caps.basis[i, k]
    less = f", less {other:,.0f} million already received" if other > 0 else ""
    if lim == "requested":
        return "cap: the amount requested"
    if lim == "rate":
        return f"cap: {caps.rate[i, k]:.0%} of cost{less} ({basis})"
    if lim == "ceiling":
        return f"cap: ceiling {caps.ceiling[i, k]:,.0f} million{less} ({basis})"
    if lim == "decree32":
        return f"cap: state support ≤ 30% of infrastructure investment{less} ({DECREE32_BASIS})"
    return ""
