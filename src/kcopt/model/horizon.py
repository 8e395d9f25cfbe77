"""The plan's years: when each project may start and how its support is paid out over years.

A single-period plan has one period and every project spends all of its support in it. In a
multi-year plan (`years: [2026, …, 2030]`) a project starts in its `year` — or in any year up to
`latest_year` when it may be scheduled — and pays out along its disbursement `profile`
("60/40": 60% in the start year, 40% the next); its whole profile must fit in the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kcopt.core.errors import InputError, Problem
from kcopt.core.words import _

_SEP = re.compile(r"[/;\-–+ ]+")


def parse_profile(text: object) -> list[float] | None:
    """'60/40' → [0.6, 0.4]; '0.5/0.3/0.2' and '50-30-20' too; blank → [1.0]; bad → None.

    >>> parse_profile("60/40"), parse_profile(""), parse_profile("1/1")
    ([0.6, 0.4], [1.0], [0.5, 0.5])
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return [1.0]
    t = str(text).strip().replace("%", "")
    if not t:
        return [1.0]
    try:
        parts = [float(p.replace(",", ".")) for p in _SEP.split(t) if p]
    except ValueError:
        return None
    total = sum(parts)
    if not parts or total <= 0 or any(p < 0 for p in parts):
        return None
    return [p / total for p in parts]


@dataclass
class Horizon:
    """Per project: the start-year indices it may take and its profile over years."""

    years: tuple[int, ...]
    starts: list[list[int]]
    profiles: list[list[float]]
    ineligible: np.ndarray  # reason, "" when the project fits the plan

    @property
    def periods(self) -> int:
        return max(1, len(self.years))


def plan_horizon(frame: pd.DataFrame, years: tuple[int, ...],
                 warnings: list[Problem]) -> Horizon:
    n = len(frame)
    ineligible = np.full(n, "", dtype=object)
    raw_profiles = frame["profile"].to_numpy(dtype=object) if "profile" in frame else [None] * n
    profiles = []
    bad = []
    for i, text in enumerate(raw_profiles):
        prof = parse_profile(text)
        if prof is None:
            bad.append(Problem("projects", _("disbursement profile not understood"),
                               _("Write shares per year such as 60/40 or 50/30/20"),
                               column="profile", value=text,
                               project_id=str(frame["project_id"].iat[i])))
            prof = [1.0]
        profiles.append(prof)
    if bad:
        raise InputError(bad)
    if not years:
        multi = sum(len(p) > 1 for p in profiles)
        if multi:
            warnings.append(Problem("projects", _(
                "{count} project(s) have a disbursement profile over several years; this is a "
                "single-period plan, so all their support counts now (add years: to the scenario "
                "for a multi-year programme)").format(count=multi), severity="warning"))
        return Horizon((), [[0]] * n, [[1.0]] * n, ineligible)
    first, last = years[0], years[-1]
    start = frame["year"].to_numpy(float) if "year" in frame else np.full(n, np.nan)
    latest = frame["latest_year"].to_numpy(float) if "latest_year" in frame else np.full(n,
                                                                                         np.nan)
    starts = []
    for i in range(n):
        s0 = first if np.isnan(start[i]) else int(start[i])
        s1 = s0 if np.isnan(latest[i]) else int(latest[i])
        length = len(profiles[i])
        options = [y - first for y in range(max(s0, first), min(s1, last) + 1)
                   if y + length - 1 <= last]
        if not options:
            if s0 > last or s1 < first:
                ineligible[i] = f"its start year {s0} is outside the plan {first}–{last}"
            else:
                ineligible[i] = (f"its {length}-year disbursement from {max(s0, first)} runs "
                                 f"past {last}")
        starts.append(options)
    return Horizon(years, starts, profiles, ineligible)
