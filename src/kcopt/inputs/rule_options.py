"""The scenario keys that choose and extend the rule set (docs/contract.md §9):

```yaml
plan_year: 2026                       # the rules in force on 1 January of it (or a date)
rules:
  provincial: nghi-quyet-hai-phong.csv  # a resolution file, or a folder of them
  national: tt-moi.csv                  # levels of a new circular (valid_from on each row)
priority_multiplier:                  # up to 1.5 × the ceiling (Decree 45/2012 Art. 6.3)
  - {factor: 1.5, disadvantaged_area: true}
  - {factor: 1.2, sectors: [handicrafts], provinces: [Điện Biên], fund: local}
top_slice: {management: 0.015, implementer: 0.025}
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from kcopt.core.errors import InputError, Problem
from kcopt.core.geo import load_geography
from kcopt.core.text import fold
from kcopt.core.words import N_, _, data_text, fixed, num, pct
from kcopt.inputs.ratefiles import RuleFiles, files_in, read_rule_files
from kcopt.rules.levels import parse_date
from kcopt.rules.policy import (
    MAX_IMPLEMENTER,
    MAX_MANAGEMENT,
    MAX_MULTIPLIER,
    PriorityMultiplier,
    TopSlice,
)
from kcopt.rules.rates import load_rules

RULES_KEYS = ("provincial", "national")
MULTIPLIER_KEYS = ("factor", "disadvantaged_area", "provinces", "sectors", "categories", "fund",
                   "label")
SLICE_KEYS = ("management", "implementer")


class _Resolver(Protocol):
    errors: list[Problem]
    warnings: list[Problem]
    hashes: dict[str, str]

    def err(self, key: str, message: str, value: object = None, fix: str = "") -> None: ...
    def number(self, key: str, value: object, lo: float | None = None,
               hi: float | None = None) -> float | None: ...
    def province(self, key: str, value: object) -> str | None: ...
    def check_keys(self, where: str, mapping: dict[str, Any], known: tuple[str, ...]) -> None: ...


@dataclass(frozen=True)
class RuleOptions:
    plan_day: date | None = None  # rules in force on this day (None: the plan's first year)
    plan_year: int | None = None
    files: RuleFiles = field(default_factory=RuleFiles)
    sources: dict[str, list[str]] = field(default_factory=dict)  # key -> files as written
    priority: tuple[PriorityMultiplier, ...] = ()
    top_slice: TopSlice = field(default_factory=TopSlice)


def resolve_rule_options(r: _Resolver, d: dict[str, Any], years: tuple[int, ...],
                         base: Path) -> RuleOptions:
    """Read `plan_year`, `rules`, `priority_multiplier` and `top_slice`; errors go to `r`."""
    day, year = _plan_day(r, d.get("plan_year"), years)
    files, sources = _rule_files(r, d.get("rules"), base)
    priority = tuple(m for i, raw in enumerate(_list(r, "priority_multiplier",
                                                     d.get("priority_multiplier")))
                     if (m := _multiplier(r, i, raw)) is not None)
    return RuleOptions(day, year, files, sources, priority, _top_slice(r, d.get("top_slice")))


def _plan_day(r: _Resolver, spec: object, years: tuple[int, ...]) -> tuple[date | None,
                                                                            int | None]:
    if spec is None:
        return (date(years[0], 1, 1), years[0]) if years else (None, None)
    if isinstance(spec, int) and not isinstance(spec, bool) and 2000 <= spec <= 2100:
        return date(spec, 1, 1), spec
    try:
        day = parse_date(spec)
    except ValueError:
        day = None
    if day is None:
        r.err("plan_year", "must be a plan year or a date", spec,
              "Write plan_year: 2026 (the rules in force on 1 January) or a date "
              "such as 2026-07-01")
        return None, None
    return day, day.year


def _list(r: _Resolver, key: str, spec: object) -> list[Any]:
    if spec is None:
        return []
    if isinstance(spec, dict):
        return [spec]
    if not isinstance(spec, list):
        r.err(key, "must be an entry or a list of entries", spec,
              "Write e.g. priority_multiplier: [{factor: 1.5, disadvantaged_area: true}]")
        return []
    return spec


def _rule_files(r: _Resolver, spec: object, base: Path) -> tuple[RuleFiles, dict[str, list[str]]]:
    if spec is None:
        return RuleFiles(), {}
    if not isinstance(spec, dict):
        r.err("rules", "must be a mapping", spec,
              "Write rules: {provincial: nghi-quyet-tinh.csv} (a file or a folder)")
        return RuleFiles(), {}
    r.check_keys("rules.", spec, RULES_KEYS)
    paths: dict[str, list[Path]] = {"provincial": [], "national": []}
    sources: dict[str, list[str]] = {}
    for key in RULES_KEYS:
        items = spec.get(key)
        if items is None:
            continue
        for item in (items if isinstance(items, list) else [items]):
            path = Path(str(item))  # already relative to the file that names it
            if not path.exists():
                r.err(f"rules.{key}", "file or folder not found", item,
                      "Write the path of a CSV/XLSX file or a folder, relative to the "
                      "scenario's folder")
                continue
            found = files_in(path)
            if not found:
                r.err(f"rules.{key}", "the folder holds no CSV or XLSX file", item)
            paths[key] += found
            shown = Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
            sources.setdefault(key, []).append(shown)
    try:
        files = read_rule_files(paths["provincial"], paths["national"], load_rules())
    except InputError as exc:
        r.errors.extend(exc.problems)
        r.warnings.extend(exc.warnings)
        return RuleFiles(), sources
    r.warnings.extend(files.warnings)
    r.hashes.update(files.hashes)
    return files, sources


def _multiplier(r: _Resolver, i: int, raw: object) -> PriorityMultiplier | None:
    key = f"priority_multiplier[{i}]"
    if not isinstance(raw, dict):
        r.err(key, "must be a mapping", raw,
              "For example {factor: 1.5, disadvantaged_area: true}")
        return None
    n0 = len(r.errors)
    r.check_keys(f"{key}.", raw, MULTIPLIER_KEYS)
    factor = r.number(f"{key}.factor", raw.get("factor"), 1.0, MAX_MULTIPLIER)
    if factor is None and "factor" in raw:
        r.errors[-1] = Problem(r.errors[-1].file, _(
            "the factor must be from 1 to {most} (at most 1.5 times the support level, "
            "{basis})").format(most=fixed(MAX_MULTIPLIER, 1), basis=data_text(
                "Decree 45/2012 Art. 6.3")),
                               "Write e.g. factor: 1.5", column=f"{key}.factor",
                               value=raw.get("factor"), column_label="key")
    fund = raw.get("fund", "both")
    if fund not in ("central", "local", "both"):
        r.err(f"{key}.fund", "must be central, local or both", fund)

    def names(field_: str) -> tuple[str, ...]:
        value = raw.get(field_) or ()
        return (value,) if isinstance(value, str) else tuple(str(v) for v in value)

    provinces = tuple(p for v in names("provinces") if (p := _place(r, f"{key}.provinces", v)))
    index = load_rules().category_index()
    categories = []
    for c in names("categories"):
        code = index.get(fold(c))
        if code is None:
            r.err(f"{key}.categories", "content type not in the rule set", c,
                  "See `kcopt rules`")
        else:
            categories.append(code)
    area = raw.get("disadvantaged_area", False)
    if not isinstance(area, bool):
        r.err(f"{key}.disadvantaged_area", "must be true or false", area)
    if not (area or provinces or names("sectors") or categories) and len(r.errors) == n0:
        r.err(key, "does not say which projects the factor applies to", raw,
              "Add disadvantaged_area: true, provinces, sectors or categories")
    if len(r.errors) > n0 or factor is None:
        return None
    return PriorityMultiplier(factor, bool(area), provinces, names("sectors"),
                              tuple(categories), str(fund), str(raw.get("label") or ""))


def _place(r: _Resolver, key: str, value: str) -> str | None:
    """A current province, or a former one (the multiplier then covers its territory)."""
    old, _ = load_geography().old_province(value)
    res = load_geography().resolve(value)
    if old is not None and res.old is not None:
        return old
    return r.province(key, value)


def _top_slice(r: _Resolver, spec: object) -> TopSlice:
    if spec is None:
        return TopSlice()
    if not isinstance(spec, dict):
        r.err("top_slice", "must be a mapping", spec,
              "Write top_slice: {management: 0.015, implementer: 0.025}")
        return TopSlice()
    r.check_keys("top_slice.", spec, SLICE_KEYS)
    fixes = {"management": (MAX_MANAGEMENT, N_("of the yearly funds, for the managing agency")),
             "implementer": (MAX_IMPLEMENTER, N_("of the project's estimate, for the "
                                                 "implementing unit"))}
    values = {}
    for key, (hi, what) in fixes.items():
        if key in spec:
            v = r.number(f"top_slice.{key}", spec[key], 0.0, hi)
            if v is None:
                r.errors[-1] = Problem(r.errors[-1].file, _(
                    "must be a share from 0 to {most} (at most {share} {what})").format(
                        most=num(hi, 3), share=pct(hi, 1), what=_(what)),
                                       column=f"top_slice.{key}",
                                       value=spec[key], column_label="key")
            values[key] = v or 0.0
    return TopSlice(**values)
