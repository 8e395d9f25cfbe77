"""The priorities a scenario may weigh, as rule data with their legal basis and confidence
(`data/priorities.csv`): the criteria kcopt has always scored (cleaner production, circular
economy, digital transformation, …) and those of Decree 235/2025/NĐ-CP (amending Decree
45/2012/NĐ-CP) and the 2027 guidance — artisans and skilled craft workers, establishments
owned by women or by ethnic-minority people, ethnic-minority areas, deep processing, regional
and value-chain linkage.

Confidence: `high` — confirmed against the decree's text; `medium` — a criterion of kcopt's
earlier rule sets whose basis was not re-checked against the text; `low` — reported only by
secondary sources, or not found: `kcopt solve` warns once when a scenario weighs one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kcopt.core.errors import Problem
from kcopt.core.vocabulary import CRITERIA
from kcopt.core.words import _, data_text

CONFIDENCES = ("high", "medium", "low")


@dataclass(frozen=True)
class Priority:
    """A weighable priority tag: its names, legal basis, confidence and a note."""

    tag: str
    name_vi: str
    name_en: str
    basis: str
    confidence: str
    note: str = ""


@cache
def load_priorities() -> dict[str, Priority]:
    """Every priority of `data/priorities.csv`, in its order (a criterion of the score each;
    `appraisal` is no priority and has no row)."""
    text = (resources.files("kcopt") / "data" / "priorities.csv").read_text(encoding="utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        p = Priority(**{k: (v or "").strip() for k, v in row.items()})
        if p.tag not in CRITERIA or p.confidence not in CONFIDENCES:
            raise ValueError(f"data/priorities.csv: {p.tag!r} is no criterion of the score or "
                             f"its confidence {p.confidence!r} is not one of {CONFIDENCES}")
        out[p.tag] = p
    return out


def low_priority_warnings(weights: dict[str, float]) -> list[Problem]:
    """One warning naming every priority the scenario weighs (weight > 0) whose basis the rule
    data marks `low`."""
    prio = load_priorities()
    low = [prio[k] for k, w in weights.items() if w > 0 and k in prio
           and prio[k].confidence == "low"]
    if not low:
        return []
    return [Problem("scenario", _(
        "weights are set on {count} priority(ies) whose legal basis is not confirmed "
        "(confidence low): {priorities}. Check them against Decree 235/2025/NĐ-CP and the 2027 "
        "guidance before the plan is approved (kcopt rules lists the basis)").format(
            count=len(low), priorities="; ".join(
                f"{p.tag} ({data_text(p.basis)})" for p in low)),
        severity="warning", code="low_priority")]
