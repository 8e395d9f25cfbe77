"""The run summary as a typed record: what `summary.json` holds, read by attribute
(`s.totals.central`) instead of by string key.

`report.summary()` makes it from a solved result; `Summary.from_json(data, file)` reads it back
from an output folder, naming a missing or wrong key; `to_json()` gives the text of
`summary.json`, byte for byte what kcopt has always written (`as_dict()` the same as a dict).
"""

from __future__ import annotations

import json
import warnings as _warnings
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kcopt.core.errors import OutputError
from kcopt.core.words import _

STATUSES = ("funded", "partial", "unfunded", "ineligible", "excluded")
# keys an output folder's summary.json must have, and the JSON types they must be
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "status": str, "objective": (int, float), "totals": dict, "budgets": dict, "counts": dict,
    "by_province": list, "by_category": list, "by_region": list}
REQUIRED_AMOUNTS = (("totals", ("central", "local", "total")), ("budgets", ("central", "local")))
# keys it may leave out (an older kcopt, a single-period plan), and their types when there
NUMBER = (int, float)
OPTIONAL_TYPES: dict[str, tuple[type, ...]] = {
    "objective_kind": (str,), "mip": (bool,), "mip_gap": NUMBER, "duals": (str,),
    "money_left": (list,), "warnings": (list,), "scenario": (dict,), "provenance": (dict,),
    "by_year": (list,), "top_slice": (dict,), "timings_s": (dict,), "count_targets": (list,)}
Row = dict[str, Any]


@dataclass(frozen=True)
class Totals:
    """Support allocated from each fund, and what the projects asked for (million VND)."""

    central: float
    local: float
    total: float
    demand: float | None = None


@dataclass(frozen=True)
class Budgets:
    """The funds' budgets over the whole plan (million VND); `local` over every province."""

    central: float
    local: float


@dataclass(frozen=True)
class Counts:
    """How many projects ended in each allocation status."""

    funded: int = 0
    partial: int = 0
    unfunded: int = 0
    ineligible: int = 0
    excluded: int = 0


@dataclass(frozen=True)
class Provenance:
    """What the plan was solved with: versions, solver, rule set, input hashes, seed, time."""

    kcopt_version: str | None = None
    solver: str | None = None
    solver_version: str | None = None
    rules_version: str | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    inputs_sha256: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    created: str | None = None


# fields written only when the run has them (a multi-year plan, a top-slice, timings in memory)
OPTIONAL = ("by_year", "top_slice", "timings_s", "count_targets")
ORDER = ("status", "objective", "objective_kind", "mip", "mip_gap", "duals", "totals",
         "budgets", "by_year", "counts", "count_targets", "by_province", "by_category",
         "by_region", "top_slice", "money_left", "warnings", "timings_s", "scenario", "provenance")
RECORDS = {"totals": Totals, "budgets": Budgets, "counts": Counts, "provenance": Provenance}


@dataclass(frozen=True)
class Summary:
    """A solved run's facts: status and objective, totals per fund, budgets, counts per status,
    tables by province, content type and region (rows as `summary.json` lists them), money left
    and why, warnings, the resolved scenario and the provenance.

    `summary["totals"]["central"]` (a string key, giving the JSON view) still works for
    notebooks written before the record; it is deprecated and will go in the next release:
    write `summary.totals.central`.
    """

    status: str
    objective: float | None
    totals: Totals
    budgets: Budgets
    counts: Counts
    by_province: list[Row]
    by_category: list[Row]
    by_region: list[Row]
    objective_kind: str | None = None
    mip: bool = False
    mip_gap: float | None = None
    duals: str = "LP"
    money_left: list[Row] = field(default_factory=list)
    warnings: list[Row] = field(default_factory=list)
    scenario: dict[str, Any] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)
    by_year: list[Row] | None = None
    top_slice: dict[str, Any] | None = None
    timings_s: dict[str, float] | None = None
    # count targets: name, kind, count, achieved, possible, met (kcopt.model.counts)
    count_targets: list[Row] | None = None

    @property
    def name(self) -> str | None:
        """The scenario's name, if the summary records one."""
        name = self.scenario.get("name") if isinstance(self.scenario, dict) else None
        return str(name) if name else None

    @property
    def targets(self) -> list[Row]:
        """The scenario's targets (each a dict), as the summary records them."""
        targets = self.scenario.get("targets", []) if isinstance(self.scenario, dict) else []
        return [t for t in targets or [] if isinstance(t, dict)]

    def with_timings(self, timings: dict[str, float]) -> Summary:
        """The same summary with the run's timings (seconds per stage)."""
        return replace(self, timings_s=dict(timings))

    def as_dict(self, timings: bool = True) -> dict[str, Any]:
        """The JSON view, keys in the order `summary.json` has them (plain dicts and lists);
        `timings=False` leaves out `timings_s`, which varies run to run."""
        out: dict[str, Any] = {}
        for key in ORDER:
            value = getattr(self, key)
            if (key in OPTIONAL and value is None) or (key == "timings_s" and not timings):
                continue
            out[key] = _json_view(key, value)
        return out

    def to_json(self) -> str:
        """The text of `summary.json` (without the timings, so the file is reproducible)."""
        return json.dumps(self.as_dict(timings=False), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any], strict: bool = True) -> Summary:
        """The record of a JSON view kcopt made (no type checks: see `from_json` for a file).
        `strict`: a key with no field here is a mistake in kcopt (it would be lost from
        summary.json), not ignored; a file read back may have keys of a newer kcopt."""
        unknown = [k for k in data if k not in ORDER] + [
            f"{key}.{k}" for key, record in RECORDS.items() if isinstance(data.get(key), dict)
            for k in data[key] if k not in {f.name for f in fields(record)}]
        if strict and unknown:
            raise ValueError(f"summary keys with no field in Summary: {', '.join(unknown)}")
        kwargs = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        for key, record in RECORDS.items():
            if isinstance(data.get(key), dict):
                known = {f.name for f in fields(record)}
                kwargs[key] = record(**{k: v for k, v in data[key].items() if k in known})
        return cls(**kwargs)

    @classmethod
    def from_json(cls, data: Any, file: Path | str) -> Summary:
        """The record of `summary.json` as read from `file`; an `OutputError` names every key
        missing or not of the type kcopt writes."""
        if not isinstance(data, dict):
            raise OutputError(_("{file}: not what kcopt writes (a JSON object); solve the "
                                "scenario again to rewrite it").format(file=file))
        bad = [f"'{k}'" for k, kind in REQUIRED.items() if not isinstance(data.get(k), kind)]
        bad += [f"'{k}.{f}'" for k, names in REQUIRED_AMOUNTS if isinstance(data.get(k), dict)
                for f in names if not isinstance(data[k].get(f), int | float)]
        bad += [f"'{k}'" for k, kinds in OPTIONAL_TYPES.items()
                if data.get(k) is not None and not isinstance(data[k], kinds)]
        counts = data["counts"] if isinstance(data.get("counts"), dict) else {}
        bad += [f"'counts.{k}'" for k, v in counts.items()
                if k in STATUSES and not isinstance(v, int)]
        if bad:
            raise OutputError(_("{file}: {keys} missing or not what kcopt writes; was it "
                                "edited? Solve the scenario again to rewrite it").format(
                file=file, keys=", ".join(bad)))
        return cls.from_dict(data, strict=False)

    if not TYPE_CHECKING:  # for notebooks only: mypy flags any use of them inside kcopt
        def __getitem__(self, key: str) -> Any:
            """Deprecated: `summary["totals"]` gives the JSON view of one key; use
            attributes."""
            _deprecated()
            if not self._has(key):
                raise KeyError(key)
            return _json_view(key, getattr(self, key))

        def get(self, key: str, default: Any = None) -> Any:
            """Deprecated: like `dict.get` on the JSON view; use attributes."""
            _deprecated()
            return _json_view(key, getattr(self, key)) if self._has(key) else default

    def _has(self, key: str) -> bool:
        return key in ORDER and not (key in OPTIONAL and getattr(self, key) is None)


def _deprecated() -> None:
    _warnings.warn("summary[key] is deprecated and goes in the next release; read the "
                   "attribute (summary.totals.central)", DeprecationWarning, stacklevel=3)


def _json_view(key: str, value: Any) -> Any:
    if key in RECORDS:
        return {f.name: getattr(value, f.name) for f in fields(value)
                if not (key == "totals" and f.name == "demand" and value.demand is None)}
    return value

