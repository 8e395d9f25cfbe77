"""Why a project cannot be funded at all: no fund it may use pays its content, no level in force,
no room left under the cap, an area the content is not for, or support it already received for
the same item. `compute_caps` writes these reasons beside the caps; the most specific reason is
written last and wins."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kcopt.core.words import N_, _, data_text, fund_name, num
from kcopt.rules.levels import FUNDS
from kcopt.rules.rates import CCN_CATEGORY, RuleSet

# Other state support for the same item: a reduced cap here (Decree 32 counts all state support
# to a cluster's infrastructure together); everywhere else the item is not funded twice.
REDUCED_CAP_CATEGORIES = frozenset({CCN_CATEGORY})
DOUBLE_FUNDING_BASIS = N_("the rule that the state budget does not fund one item twice")

VOTE_WORDS = {"district": N_("district"), "provincial": N_("provincial"),
              "regional": N_("regional"), "national": N_("national")}


def ineligibility(projects: pd.DataFrame, rules: RuleSet, total_cap: np.ndarray,
                  cap: np.ndarray, limit: np.ndarray, basis: np.ndarray, other: np.ndarray,
                  allowed: dict[str, np.ndarray], votes: np.ndarray) -> np.ndarray:
    """Per project, why it cannot be funded at all ("" when it can); the most specific reason
    is written last."""
    ineligible = np.full(len(projects), "", dtype=object)
    cats = projects["category"].to_numpy()
    provs = projects["province"].to_numpy()
    for i in np.flatnonzero(np.isnan(total_cap)):
        ineligible[i] = _unpaid_reason(rules, cats[i], provs[i], votes[i] or None,
                                       [f for f in FUNDS if allowed[f][i]])
    zero = ~np.isnan(total_cap) & (total_cap <= 0) & (ineligible == "")
    for i in np.flatnonzero(zero):
        ineligible[i] = _zero_cap_reason(cap[i], limit[i], basis[i], other[i])
    if "disadvantaged_area" in projects:
        bad = (cats == "establish_enterprise") & (projects["disadvantaged_area"].to_numpy() < 0.5)
        ineligible[bad] = _(
            "support to set up an enterprise is only for areas with difficult socio-economic "
            "conditions (TT 28/2018/TT-BTC Art. 8)"
        )
    twice = (other > 0) & ~np.isin(cats, list(REDUCED_CAP_CATEGORIES))
    for i in np.flatnonzero(twice):
        ineligible[i] = _(
            "this item already received {amount} million of state support from another "
            "programme: not funded twice ({basis}); left out of the projects considered").format(
                amount=num(other[i]), basis=_(DOUBLE_FUNDING_BASIS))
    return ineligible


def _unpaid_reason(rules: RuleSet, cat: str, prov: str, vote: str | None,
                   fund_ok: list[str]) -> str:
    """A project with no cap from any fund: a voted product paid by the other fund, a content
    type no allowed fund pays, or a content type with no level in the rule set."""
    rule = rules.rules[cat]
    payers = [f for f in FUNDS if rules.pays(cat, f, prov, vote)]
    if rules.by_vote(cat, vote) and not set(payers) & set(fund_ok):
        level = VOTE_WORDS.get(vote or "")
        return _(
            "a vote at the {level} level is paid from {funds} funds ({basis}); this project may "
            "use only {allowed} funds").format(
                level=_(level) if level else vote, basis=data_text(rule.basis),
                funds=_(" and ").join(fund_name(f) for f in payers),
                allowed=_(" or ").join(fund_name(f) for f in fund_ok))
    if not any(rules.pays(cat, f, prov, vote) for f in fund_ok):
        return _(
            "'{content}' is paid only from {funds} funds ({basis}); this project may use "
            "only {allowed} funds").format(
                content=rule.name_vi,
                funds=_(" or ").join(fund_name(f) for f in rule.funds),
                basis=data_text(rule.basis),
                allowed=_(" or ").join(fund_name(f) for f in fund_ok))
    return _(
        "no support level for '{content}' in the rule set (rate not retrieved); "
        "give a requested amount or a rate_overrides entry in the scenario").format(
            content=rule.name_vi)


def _zero_cap_reason(cap: np.ndarray, limit: np.ndarray, basis: np.ndarray,
                     other: float) -> str:
    """A project whose cap is 0: support already received fills it, nothing was requested, or
    the level in force is 0 (read on the first fund that pays)."""
    k = 0 if not np.isnan(cap[0]) else 1
    if other > 0 and limit[k] != "requested":
        return _("no support room left: {amount} million of state support "
                 "already received reaches the cap").format(amount=num(other))
    if limit[k] == "requested":
        return _("no support requested (requested amount is 0)")
    return _("the support level in force is 0 ({basis})").format(basis=data_text(basis[k]))
