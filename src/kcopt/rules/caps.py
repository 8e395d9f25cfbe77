"""The cap per project and fund that follows from the rule set, vectorised, with the term that
binds (requested, rate, ceiling, group ceiling, Decree 32), so the report can say it in words
(`describe_cap`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, cast

import numpy as np
import pandas as pd

from kcopt.core.words import _, data_text, get_language, num, pct
from kcopt.rules.eligibility import ineligibility
from kcopt.rules.levels import FUNDS
from kcopt.rules.policy import MULTIPLIER_BASIS, PriorityMultiplier, multipliers
from kcopt.rules.rates import (
    CCN_CATEGORY,
    DECREE32_BASIS,
    DECREE32_SHARE,
    PER_ESTABLISHMENT,
    RuleSet,
)

__all__ = ["LIMITS", "CapTable", "compute_caps", "describe_cap", "describe_caps",
           "project_days"]

LIMITS = np.array(["requested", "rate", "ceiling", "group_ceiling", "decree32"], dtype=object)


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


@dataclass
class _Projects:
    """The columns of the project list that the caps read, as arrays."""

    cats: np.ndarray
    provs: np.ndarray
    cost: np.ndarray
    requested: np.ndarray
    other: np.ndarray  # state support already received for the same item
    infra: np.ndarray
    allowed: dict[str, np.ndarray]  # fund -> the project may use it
    territory: np.ndarray
    votes: np.ndarray
    count: np.ndarray  # establishments of a group project (1 otherwise)
    days: np.ndarray


def _read_projects(projects: pd.DataFrame, rules: RuleSet) -> _Projects:
    n = len(projects)
    return _Projects(
        cats=projects["category"].to_numpy(),
        provs=projects["province"].to_numpy(),
        cost=projects["total_cost"].to_numpy(float),
        requested=projects["requested"].to_numpy(float),
        other=projects["other_state_support"].fillna(0.0).to_numpy(float),
        infra=projects["infra_investment"].to_numpy(float),
        allowed={f: projects["funds"].isin([f, "both"]).to_numpy() for f in FUNDS},
        territory=_column(projects, "old_province", None),
        votes=_column(projects, "vote_level", None),
        count=(projects["establishments"].fillna(1.0).to_numpy(float)
               if "establishments" in projects else np.ones(n)),
        days=project_days(projects, rules.today))


def _column(frame: pd.DataFrame, name: str, default: object) -> np.ndarray:
    if name not in frame:
        return np.full(len(frame), default, dtype=object)
    return frame[name].astype(object).where(frame[name].notna(), default).to_numpy(object)


@dataclass
class _Levels:
    """The level in force per project and fund (n, 2): NaN, "" or False where none is."""

    rate: np.ndarray
    unit: np.ndarray  # the level's ceiling (per establishment when `per_est`)
    group: np.ndarray  # the ceiling of a group project as a whole
    per_est: np.ndarray
    basis: np.ndarray
    conf: np.ndarray
    flagged: np.ndarray
    resolution: np.ndarray

    @classmethod
    def empty(cls, n: int) -> _Levels:
        shape = (n, 2)
        return cls(np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan),
                   np.zeros(shape, dtype=bool), np.full(shape, "", dtype=object),
                   np.full(shape, "", dtype=object), np.zeros(shape, dtype=bool),
                   np.full(shape, "", dtype=object))


def _levels_in_force(p: _Projects, rules: RuleSet) -> _Levels:
    """The level in force for every project and fund, resolved once per distinct (category,
    province, territory, vote, day): few, even for 50,000 rows."""
    out = _Levels.empty(len(p.cats))
    keys = pd.DataFrame({"c": p.cats, "p": p.provs, "t": p.territory, "v": p.votes,
                         "d": p.days})
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
            out.rate[idx, k] = np.nan if lv.rate is None else lv.rate
            out.unit[idx, k] = np.nan if lv.ceiling is None else lv.ceiling
            out.group[idx, k] = np.nan if lv.group_ceiling is None else lv.group_ceiling
            out.per_est[idx, k] = lv.unit in PER_ESTABLISHMENT
            out.basis[idx, k] = found.basis
            out.conf[idx, k] = found.confidence
            out.flagged[idx, k] = found.flagged
            out.resolution[idx, k] = found.resolution.label() if found.resolution else ""
    return out


def _fund_caps(p: _Projects, lv: _Levels, k: int, factor: np.ndarray, ceiling: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """The cap from fund `FUNDS[k]` (NaN where it may not pay) and the name of the term that
    binds: the smallest of the terms that apply, never below 0."""
    n = len(p.cats)
    group = lv.group[:, k] * factor
    terms = np.column_stack([
        p.requested,
        lv.rate[:, k] * p.cost - p.other,
        ceiling - p.other,
        np.where(lv.per_est[:, k] & (p.count > 1), group - p.other, np.nan),
        np.where(p.cats == CCN_CATEGORY, DECREE32_SHARE * p.infra - p.other, np.nan),
    ])
    finite = ~np.isnan(terms)
    has_limit = finite.any(axis=1)
    masked = np.where(finite, terms, np.inf)
    arg = masked.argmin(axis=1)
    value = np.maximum(masked[np.arange(n), arg], 0.0)
    ok = p.allowed[FUNDS[k]] & (lv.basis[:, k] != "") & has_limit
    cap, limit = np.full(n, np.nan), np.full(n, "", dtype=object)
    cap[ok] = value[ok]
    limit[ok] = LIMITS[arg[ok]]
    return cap, limit


def compute_caps(projects: pd.DataFrame, rules: RuleSet,
                 priority: tuple[PriorityMultiplier, ...] = ()) -> CapTable:
    """Caps per project and fund: `min(requested, rate·cost − other, ceiling − other)` where
    the ceiling is the level's (per establishment × the group's count, up to any group ceiling,
    × the priority multiplier); for CCN infrastructure also `0.30·infra_investment − other`
    (Decree 32/2024 Art. 26.1), whatever fund pays."""
    p = _read_projects(projects, rules)
    lv = _levels_in_force(p, rules)
    shape = (len(p.cats), 2)
    cap, ceil_a = np.full(shape, np.nan), np.full(shape, np.nan)
    limit = np.full(shape, "", dtype=object)
    factor_a = np.ones(shape)
    for k, fund in enumerate(FUNDS):
        factor_a[:, k] = multipliers(projects, priority, fund)[0]
        ceil_a[:, k] = lv.unit[:, k] * np.where(lv.per_est[:, k], p.count, 1.0) * factor_a[:, k]
        cap[:, k], limit[:, k] = _fund_caps(p, lv, k, factor_a[:, k], ceil_a[:, k])
    total_cap = np.fmax(cap[:, 0], cap[:, 1])
    ineligible = ineligibility(projects, rules, total_cap, cap, limit, lv.basis, p.other,
                               p.allowed, p.votes)
    return CapTable(cap, limit, lv.rate, ceil_a, lv.basis, total_cap, ineligible, lv.conf,
                    lv.flagged, lv.unit, p.count, lv.per_est, factor_a, lv.resolution)


def describe_cap(caps: CapTable, i: int, k: int, other: float = 0.0) -> str:
    """Plain words for the binding term of project i's cap from fund k (`describe_caps`)."""
    return describe_caps(caps, np.array([i]), np.array([k]), np.array([other], dtype=float))[0]


def describe_caps(caps: CapTable, i: np.ndarray, k: np.ndarray, other: np.ndarray) -> list[str]:
    """Plain words for the binding term of each project i's cap from fund k, with `other`
    state support received, in turn: the figures taken a column at a time.

    Worked out once per language and set of figures (`_cap_text`): a national plan words the
    cap of every funded project, and most share their level, rate and ceiling."""
    n = len(i)

    def at(table: np.ndarray | None, kind: type, by_fund: bool = True) -> list[Any]:
        if table is None:
            return [None] * n
        return np.asarray(table[i, k] if by_fund else table[i]).astype(kind).tolist()

    lim, basis, rate, ceiling = (at(caps.limit, str), at(caps.basis, str), at(caps.rate, float),
                                 at(caps.ceiling, float))
    per, flagged = at(caps.per_establishment, bool), at(caps.flagged, bool)
    count = at(caps.establishments, float, by_fund=False)
    unit, factor = at(caps.unit_ceiling, float), at(caps.factor, float)
    lang = get_language()
    return [_cap_text(lang, li, b if li != "decree32" else "", r if li == "rate" else None,
                      c if li in ("ceiling", "group_ceiling") else None, o, bool(fl),
                      e if li == "ceiling" and pe else None, u if li == "ceiling" else None,
                      f if li == "ceiling" else None)
            for li, b, r, c, o, fl, pe, e, u, f in zip(
                lim, basis, rate, ceiling, np.asarray(other, dtype=float).tolist(), flagged, per,
                count, unit, factor, strict=True)]


@lru_cache(maxsize=65536)
def _cap_text(lang: str, lim: str, basis: str, rate: float | None, ceiling: float | None,
              other: float | None, flagged: bool, establishments: float | None,
              unit_ceiling: float | None, factor: float | None) -> str:
    """`describe_cap`'s words from its figures alone, in `lang` (the language in use)."""
    less = _(", less {amount} million already received").format(
        amount=num(other)) if other is not None and other > 0 else ""
    flag = _("; the level is not confirmed (low confidence): check it before use") \
        if flagged else ""
    if lim == "requested":
        return _("cap: the amount requested")
    if lim == "rate":
        return _("cap: {rate} of cost{less} ({basis})").format(
            rate=pct(np.nan if rate is None else rate), less=less, basis=data_text(basis)) + flag
    if lim == "ceiling":
        terms = _ceiling_terms(establishments, unit_ceiling, factor)
        return _("cap: ceiling {amount} million{less}{terms} ({basis})").format(
            amount=num(np.nan if ceiling is None else ceiling), less=less, terms=terms,
            basis=data_text(basis)) + flag
    if lim == "group_ceiling":
        return _("cap: group project ceiling {amount} million{less} ({basis})").format(
            amount=num(np.nan if ceiling is None else ceiling), less=less,
            basis=data_text(basis)) + flag
    if lim == "decree32":
        return _("cap: state support ≤ {share} of infrastructure investment{less} "
                 "({basis})").format(share=pct(0.3), less=less, basis=data_text(DECREE32_BASIS))
    return ""


def _ceiling_terms(establishments: float | None, unit_ceiling: float | None,
                   factor: float | None) -> str:
    """' = 300 × 3 cơ sở × 1,5 (ưu tiên)' when the ceiling is more than the level's own
    (`establishments`: a group project's count when its ceiling is per establishment)."""
    parts = []
    n = establishments if establishments is not None else 1.0
    if n > 1 and unit_ceiling is not None:
        parts.append(_("{ceiling} million × {count} establishments (group project)").format(
            ceiling=num(unit_ceiling), count=num(n)))
    f = factor if factor is not None else 1.0
    if f > 1.0:
        if not parts and unit_ceiling is not None:
            parts.append(_("{ceiling} million").format(ceiling=num(unit_ceiling)))
        parts.append(_("priority factor {factor} ({basis})").format(
            factor=num(f, 3), basis=data_text(MULTIPLIER_BASIS)))
    return f" = {' × '.join(parts)}" if parts else ""
