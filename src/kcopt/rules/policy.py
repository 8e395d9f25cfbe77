"""Rules that are not a rate × cost, as scenario options: the priority multiplier and the
management top-slice.

- **Priority multiplier** (Decree 45/2012 Art. 6.3; TTLT 26/2014 Art. 6.2t): projects in
  priority areas and sectors may get up to 1.5 times the support level. A scenario names the
  areas (disadvantaged areas, provinces) and sectors or content types, and the factor; the
  ceiling in force for a matching project is multiplied by it.
- **Management top-slice**: at most 1.5% of the annual funds for the managing agency, and at most
  2.5% of a project's estimate for the implementer. Both are reserved before the allocation:
  the money the projects share is `budget · (1 − management) / (1 + implementer)`, and each
  reserve is reported on its own line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_MULTIPLIER = 1.5
MAX_MANAGEMENT = 0.015
MAX_IMPLEMENTER = 0.025
MULTIPLIER_BASIS = "Decree 45/2012/NĐ-CP Art. 6.3; TTLT 26/2014/TTLT-BTC-BCT Art. 6.2t"


@dataclass(frozen=True)
class PriorityMultiplier:
    """`factor` × the ceiling for projects matching every condition given."""

    factor: float
    disadvantaged_area: bool = False
    provinces: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    fund: str = "both"  # central, local or both
    label: str = ""

    def matches(self, frame: pd.DataFrame) -> np.ndarray:
        """Which projects of `frame` the multiplier covers."""
        ok = np.ones(len(frame), dtype=bool)
        if self.disadvantaged_area:
            ok &= frame["disadvantaged_area"].fillna(0).to_numpy(float) >= 0.5
        if self.provinces:
            where = frame["province"].isin(self.provinces).to_numpy()
            if "old_province" in frame:
                where |= frame["old_province"].isin(self.provinces).to_numpy()
            ok &= where
        if self.sectors:
            ok &= frame["sector"].isin(self.sectors).to_numpy()
        if self.categories:
            ok &= frame["category"].isin(self.categories).to_numpy()
        return ok

    def describe(self) -> str:
        parts = []
        if self.disadvantaged_area:
            parts.append("địa bàn khó khăn")
        if self.provinces:
            parts.append(", ".join(self.provinces))
        if self.sectors:
            parts.append("ngành " + ", ".join(self.sectors))
        if self.categories:
            parts.append("nội dung " + ", ".join(self.categories))
        return self.label or "; ".join(parts) or "mọi đề án"


def multipliers(frame: pd.DataFrame, rules: tuple[PriorityMultiplier, ...], fund: str
                ) -> tuple[np.ndarray, np.ndarray]:
    """Per project: the largest factor that applies for `fund` (1 when none) and which rule."""
    factor = np.ones(len(frame))
    which = np.full(len(frame), -1)
    for k, rule in enumerate(rules):
        if rule.fund not in (fund, "both"):
            continue
        hit = rule.matches(frame) & (rule.factor > factor)
        factor[hit] = rule.factor
        which[hit] = k
    return factor, which


@dataclass(frozen=True)
class TopSlice:
    """Shares reserved before the allocation (0 when not set)."""

    management: float = 0.0  # of each fund's annual budget, for the managing agency
    implementer: float = 0.0  # of each project's support, for the implementing unit

    @property
    def factor(self) -> float:
        """The share of a budget left for the projects."""
        return (1.0 - self.management) / (1.0 + self.implementer)

    def split(self, budget: float) -> dict[str, float]:
        """A budget as management reserve, implementer reserve and the allocatable rest."""
        after = budget * (1.0 - self.management)
        projects = after / (1.0 + self.implementer)
        return {"budget": budget, "management": budget - after,
                "implementer": after - projects, "allocatable": projects}

    def __bool__(self) -> bool:
        return self.management > 0 or self.implementer > 0
