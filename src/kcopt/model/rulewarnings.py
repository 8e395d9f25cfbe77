"""The build's warnings about the rule set: projects whose cap rests on a level the rule set
flags (superseded, not retrieved, or a stand-in), and selection levels given where they mean
nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kcopt.core.errors import Problem
from kcopt.core.said import Data, Named, Num, Said, say
from kcopt.core.words import N_
from kcopt.rules.caps import CapTable
from kcopt.rules.rates import RuleSet


def rule_warnings(frame: pd.DataFrame, caps: CapTable, rules: RuleSet,
                  active: np.ndarray) -> list[Problem]:
    """Projects whose cap rests on a level the rule set flags: superseded (low), not retrieved
    (unverified) or a stand-in for a level in force that is not known."""
    out = []
    assert caps.flagged is not None and caps.confidence is not None
    used = active[:, None] & ~np.isnan(caps.cap) & caps.flagged
    cats = frame["category"].to_numpy()
    seen: dict[tuple[str, str, str], int] = {}
    said: dict[str, str] = {}  # a basis as said, to be said again in a reader's language
    for i in np.flatnonzero(used.any(axis=1)):
        k = 0 if used[i, 0] else 1
        key = (str(cats[i]), str(caps.basis[i, k]), str(caps.confidence[i, k]))
        seen[key] = seen.get(key, 0) + 1
        said.setdefault(key[1], caps.basis[i, k])
    for (cat, basis, confidence), count in seen.items():
        rule = rules.rules[cat]
        idx = np.flatnonzero(active & (cats == cat))
        if np.isnan(caps.rate[idx]).all() and np.isnan(caps.ceiling[idx]).all():
            text = say(N_("{count} project(s) of '{content}' ({code}) have no national "
                          "support level in the rule set ({basis}); their caps are the amounts "
                          "requested. Set a rate in rate_overrides"),
                       count=Num(count), content=Named(rule.name_vi, rule.name_en), code=cat,
                       basis=Data(rule.note or rule.basis))
        else:
            text = say(N_("{count} project(s) of '{content}' ({code}) use a support level the "
                          "rule set marks {confidence} ({basis}); confirm it or set it in "
                          "rate_overrides"), count=Num(count),
                       content=Named(rule.name_vi, rule.name_en), code=cat,
                       confidence=say(confidence),  # "low": a word
                       basis=said[basis] if isinstance(said[basis], Said) else Data(basis))
        out.append(Problem("rules", text, severity="warning"))
    if "vote_level" in frame:
        odd = frame["vote_level"].notna().to_numpy() & (cats != "typical_product")
        if odd.any():
            out.append(Problem("rules", say(N_(
                "{count} project(s) state a selection level but are not of the content "
                "'typical rural industrial products'; the selection level is ignored"),
                count=Num(int(odd.sum()))), severity="warning"))
    return out
