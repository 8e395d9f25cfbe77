"""Levels that a reported circular may supersede (issue 26).

A circular can be reported before its text is in hand: TT 139/2026/TT-BTC, replacing
TT 28/2018/TT-BTC on khuyến công funds (`data/legal_documents.csv`, `status: reported`). For a
plan whose projects fall on or after the day it may apply from, the national levels kcopt uses
may no longer be the ones in force: it says so once, naming the circular and the content types
concerned. A national levels file (`rules: {national: FILE}`) whose rows start on or after that
day covers a content type, and so does a scenario's own rate for it (`rate_overrides`): those
are left out of the warning, and the warning goes when every content type is covered.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from kcopt.core.errors import Problem
from kcopt.core.words import _, num
from kcopt.rules.caps import CapTable, project_days
from kcopt.rules.levels import FUNDS, reported_documents
from kcopt.rules.rates import RuleSet

CODE = "levels_may_be_superseded"


def uncovered(projects: pd.DataFrame, caps: CapTable, rules: RuleSet, active: np.ndarray,
              since: date) -> dict[str, int]:
    """Content type → number of active projects on or after `since` whose cap rests on a
    national level that started before `since` (not on a newer levels file, nor on the
    scenario's own rate)."""
    days = project_days(projects, rules.today)
    cats = projects["category"].to_numpy()
    assert caps.confidence is not None
    used = active[:, None] & ~np.isnan(caps.cap)
    old: dict[tuple[str, str, date], bool] = {}
    counts: dict[str, int] = {}
    for i in np.flatnonzero(used.any(axis=1)):
        day = days[i]
        if day < since:
            continue
        for k, fund in enumerate(FUNDS):
            if not used[i, k] or caps.confidence[i, k] == "scenario":
                continue
            key = (str(cats[i]), fund, day)
            if key not in old:
                found = rules.national(key[0], fund, day)
                old[key] = found is not None and (found.level.valid_from or date.min) < since
            if old[key]:
                counts[key[0]] = counts.get(key[0], 0) + 1
                break
    return counts


def pending_warnings(projects: pd.DataFrame, caps: CapTable, rules: RuleSet,
                     active: np.ndarray) -> list[Problem]:
    """One warning per reported circular that may supersede the levels the plan uses."""
    if not len(projects):
        return []
    last = max(project_days(projects, rules.today))
    out = []
    for doc in reported_documents(last):
        assert doc.may_apply_from is not None
        counts = uncovered(projects, caps, rules, active, doc.may_apply_from)
        if not counts:
            continue
        names = ", ".join(f"{rules.rules[c].name_vi if c in rules.rules else c} ({c})"
                          for c in sorted(counts))
        out.append(Problem("rules", _(
            "plan years from {year}: {circular}, reported to replace {replaced}, may supersede the "
            "national support levels kcopt uses for {count} project(s) of {contents}; its "
            "levels are not in hand. When they are published, put them in a national levels "
            "file (rules: {{national: FILE}}, each row with its valid_from): no code change is "
            "needed, and this warning goes for the content types the file covers").format(
                year=doc.may_apply_from.year, circular=doc.key,
                replaced=doc.replaces or "—", count=num(sum(counts.values())),
                contents=names), severity="warning", code=CODE))
    return out
