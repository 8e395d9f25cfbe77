"""A scenario's own keys besides targets and solver (docs/contract.md §3, §9): plan years,
budgets (with growth and units), exclusive groups, regional advantages, moved regions, weights,
rate overrides and the planner's keys (province, priorities, round_to, min_fraction,
fixed_amount), each checked with its key path, the value received and the fix."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from kcopt.core.errors import Problem
from kcopt.core.text import fold
from kcopt.core.vocabulary import CRITERIA, DEFAULT_WEIGHTS, GROUP_PRIORITY
from kcopt.core.words import _
from kcopt.inputs.budgetfiles import LocalBudgets
from kcopt.rules.rates import RateOverride, load_rules

OVERRIDE_KEYS = ("category", "fund", "province", "rate", "cap", "basis")


class ScenarioKeys(LocalBudgets):
    """Plan years, budgets, groups, advantages, regions, weights, rate overrides and the
    planner's keys read from a scenario's mapping; every problem recorded."""

    weight_labels: dict[str, str]

    def budgets(self, d: dict[str, Any], years: tuple[int, ...], units: str,
                money_scale: float) -> tuple[float, dict[str, float], dict[int, float],
                                             dict[str, float]]:
        """`budgets:` — central, local (a mapping or a file), per plan year and growth — in
        million VND: (central, local, central by year, growth); local budgets by year are kept
        in `self.local_by_year`."""
        budgets = d.get("budgets")
        central, local = 0.0, {}
        central_by_year: dict[int, float] = {}
        growth: dict[str, float] = {}
        self.local_by_year: dict[str, dict[int, float]] = {}
        if not isinstance(budgets, dict) or ("central" not in budgets and "local" not in budgets):
            self.err("budgets", "budgets are missing", budgets,
                     "Add budgets: {central: 105000, local: local-budgets.csv}")
        else:
            spec = budgets.get("central", 0.0)
            if isinstance(spec, dict):
                central_by_year = self.year_amounts("budgets.central", spec, years)
                central = central_by_year.get(years[0], 0.0) if years else 0.0
            else:
                central = self.number("budgets.central", spec, lo=0) or 0.0
            local = self.local_budgets(budgets.get("local", {}), years)
            growth = self._growth(budgets.get("growth"), years)
        if money_scale == 1.0:
            return central, local, central_by_year, growth
        self.local_by_year = {p: {y: a * money_scale for y, a in v.items()}
                              for p, v in self.local_by_year.items()}
        self.warnings.append(Problem(
            self.file, f"units: {units} — các ngân sách của kịch bản được đổi ra triệu đồng "
            f"(nhân {money_scale:g}), như số tiền của danh sách đề án", column="units",
            column_label="key", severity="warning"))
        return (central * money_scale, {p: a * money_scale for p, a in local.items()},
                {y: a * money_scale for y, a in central_by_year.items()}, growth)

    def _growth(self, spec: object, years: tuple[int, ...]) -> dict[str, float]:
        """`budgets.growth:` — a yearly growth rate per fund, for a multi-year plan."""
        growth: dict[str, float] = {}
        for fund, rate in self.mapping("budgets.growth", spec).items():
            if fund not in ("central", "local"):
                self.err(f"budgets.growth.{fund}", "growth is per fund", fund,
                         "Write growth: {central: 0.05, local: 0.03}")
                continue
            r = self.number(f"budgets.growth.{fund}", rate, -0.9, 1.0)
            if r is not None:
                growth[fund] = r
        if growth and not years:
            self.err("budgets.growth", "growth rates need a multi-year plan", growth,
                     "Add years: [2026, 2027, 2028, 2029, 2030]")
        return growth

    def groups(self, d: dict[str, Any]) -> dict[str, int]:
        """`groups:` — the most projects of each exclusive group that may be funded."""
        groups: dict[str, int] = {}
        for g, mx in self.mapping("groups", d.get("groups")).items():
            if isinstance(mx, bool) or not isinstance(mx, int) or mx < 0:
                self.err(f"groups.{g}", "must be the largest number of projects of the group "
                         "that may be funded", mx, "Write e.g. groups: {CCN-A: 1}")
            else:
                groups[str(g)] = mx
        return groups

    def advantages(self, d: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        """`regional_advantages:` — per province, the sectors that are its advantage."""
        adv: dict[str, tuple[str, ...]] = {}
        for _prov, p, sectors in self.provinces(
                "regional_advantages", self.mapping("regional_advantages",
                                                    d.get("regional_advantages"))):
            if p:
                adv[p] = tuple(str(s) for s in (sectors if isinstance(sectors, list)
                                                else [sectors]))
        return adv

    def regions(self, d: dict[str, Any]) -> dict[str, str]:
        """`regions:` — a province moved to another socio-economic region."""
        regions: dict[str, str] = {}
        for prov, p, code in self.provinces("regions", self.mapping("regions", d.get("regions"))):
            if code not in self.geo.regions:
                self.err(f"regions.{prov}", "unknown region code", code,
                         "Use one of: " + ", ".join(self.geo.regions))
            elif p:
                regions[p] = code
        return regions

    def planner_keys(self, d: dict[str, Any], scale: float) -> dict[str, Any]:
        """province, priorities, round_to, min_fraction, fixed_amount (docs/contract.md §9);
        amounts in the scenario's `units`, like its budgets."""
        out: dict[str, Any] = {}
        if d.get("province") is not None:
            out["province"] = self.province("province", d["province"])
        prios = {}
        index = load_rules().category_index()
        for cat, w in self.mapping("priorities", d.get("priorities"),
                                   "Write priorities: {cleaner_production: 1.0, machinery: 0.6}"
                                   ).items():
            code = GROUP_PRIORITY if cat == GROUP_PRIORITY else index.get(fold(str(cat)))
            if code is None:
                self.err(f"priorities.{cat}", "unknown content type", cat,
                         _("See `kcopt rules`; {group} weighs group projects").format(
                             group=GROUP_PRIORITY))
                continue
            v = self.number(f"priorities.{cat}", w, 0, 1)
            if v is not None:
                prios[code] = v
        out["priorities"] = prios
        if d.get("round_to") is not None:
            step = self.number("round_to", d["round_to"], lo=0)
            out["round_to"] = step * scale if step else None
        if d.get("min_fraction") is not None:
            out["min_fraction"] = self.number("min_fraction", d["min_fraction"], 0, 1)
        fixed = {}
        for pid, amount in self.mapping("fixed_amount", d.get("fixed_amount"),
                                        "Write fixed_amount: {B.I.3: 150}").items():
            a = self.number(f"fixed_amount.{pid}", amount, lo=0)
            if a is not None:
                fixed[str(pid)] = a * scale
        out["fixed_amount"] = fixed
        out["sections"] = self.sections(d.get("sections"))
        return out

    def sections(self, spec: object) -> dict[str, str]:
        """`sections:` — a form's section title (as written) → the content type it holds, for a
        title that names none ("PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN": typical_product)."""
        index = load_rules().category_index()
        out: dict[str, str] = {}
        example = _('Write sections: {"PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN": typical_product}')
        for title, cat in self.mapping("sections", spec, example).items():
            code = index.get(fold(str(cat)))
            if code is None:
                self.err(f"sections.{title}", _("unknown content type"), cat,
                         _("Use one of: {codes}").format(
                             codes=", ".join(sorted(load_rules().rules))))
                continue
            out[str(title)] = code
        return out

    def years(self, spec: object) -> tuple[int, ...]:
        if spec is None:
            return ()
        if (not isinstance(spec, list) or not spec or
                not all(isinstance(y, int) and not isinstance(y, bool) and 2000 <= y <= 2100
                        for y in spec)):
            self.err("years", "must be a list of plan years", spec,
                     "Write years: [2026, 2027, 2028, 2029, 2030]")
            return ()
        ys = sorted(set(spec))
        if ys != list(range(ys[0], ys[-1] + 1)):
            self.err("years", "plan years must be consecutive", spec)
            return ()
        return tuple(ys)

    def weights(self, spec: object) -> dict[str, float]:
        self.weight_labels: dict[str, str] = {}
        if not isinstance(spec, dict):
            self.err("weights", "must be a mapping criterion: weight", spec)
            return dict(DEFAULT_WEIGHTS)
        out = {}
        for k, v in spec.items():
            if k not in CRITERIA:
                self.err(f"weights.{k}", "unknown criterion", k, "Known: " + ", ".join(CRITERIA))
                continue
            if isinstance(v, dict):  # {weight: 0.15, label: "…"}: the name a committee reads
                self.check_keys(f"weights.{k}.", v, ("weight", "label"))
                if v.get("label"):
                    self.weight_labels[k] = str(v["label"])
                v = v.get("weight")
            w = self.number(f"weights.{k}", v, lo=0)
            if w is not None:
                out[k] = w
        total = sum(out.values())
        if out and total <= 0:
            self.err("weights", "weights sum to 0", spec, "Give at least one positive weight")
            return dict(DEFAULT_WEIGHTS)
        return {k: v / total for k, v in out.items()} if total else dict(DEFAULT_WEIGHTS)


    def override(self, i: int, raw: object) -> RateOverride | None:
        key = f"rate_overrides[{i}]"
        if not isinstance(raw, dict):
            self.err(key, "must be a mapping", raw)
            return None
        n0 = len(self.errors)
        self.check_keys(f"{key}.", raw, OVERRIDE_KEYS)
        code = load_rules().category_index().get(fold(str(raw.get("category", ""))))
        if code is None:
            self.err(f"{key}.category", "unknown content type", raw.get("category"))
        fund = raw.get("fund", "both")
        if fund not in ("central", "local", "both"):
            self.err(f"{key}.fund", "must be central, local or both", fund)
        prov = self.province(f"{key}.province", raw["province"]) if raw.get("province") else None
        rate = self.number(f"{key}.rate", raw["rate"], 0, 1) if "rate" in raw else None
        cap = self.number(f"{key}.cap", raw["cap"], lo=0) if "cap" in raw else None
        if "rate" not in raw and "cap" not in raw:
            self.err(key, "give a rate (0–1) and/or a cap (million VND)", raw)
        if len(self.errors) > n0 or code is None:
            return None
        where = f" for {prov}" if prov else ""
        basis = str(raw.get("basis") or f"scenario rate override{where}")
        return RateOverride(code, str(fund), prov, rate, cap, basis)



def file_relative(base: Path, target: str) -> str:
    """A path a scenario file names (`file.xlsx#sheet` too), relative to that file's folder."""
    head, sep, sheet = target.partition("#")
    p = Path(head)
    return os.path.normpath(p if p.is_absolute() else base / p) + sep + sheet


def merge_scenarios(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` on top of the scenario it `extends:`, key by key (weights, regional advantages
    and regions replaced whole)."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in (
            "weights", "regional_advantages", "regions"):
            out[k] = merge_scenarios(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out
