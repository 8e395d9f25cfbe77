"""A scenario's `targets:` (docs/contract.md §3): policy targets on the share (or amount) of
support a group of projects gets, or on how many projects of a group are funded (`count_min`,
`count_max`), each checked with its key path (`targets[2].share`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kcopt.core.text import fold
from kcopt.core.vocabulary import FLAGS, PRIORITY_FLAGS
from kcopt.inputs.keys import KeyChecks
from kcopt.rules.rates import load_rules

COUNT_KINDS = ("count_min", "count_max")
TARGET_KINDS = ("share_min", "share_max", "region_min", "province_max", *COUNT_KINDS)
TARGET_KEYS = ("name", "kind", "of", "category", "region", "province", "fund", "share",
               "amount", "year", "share_of", "label", "count")
OF_FLAGS = (*FLAGS, "typical_product", "disadvantaged_area", "women_or_ethnic_owned",
            *PRIORITY_FLAGS)
SHARE_OF = ("allocated", "budget")  # a share of the support allocated, or of the budget


@dataclass(frozen=True)
class Target:
    """A policy target: a named constraint on the share (or amount) of support a group gets."""

    name: str
    kind: str
    fund: str = "all"  # all, central or local
    share: float | None = None
    amount: float | None = None
    of: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    region: str | None = None
    province: str | None = None
    year: int | None = None  # multi-year plans: count one year's spending only
    share_of: str | None = None  # None or "allocated": of the support allocated; "budget"
    label: str = ""  # the name a committee reads (`label:`); `name` stays the code
    count: int | None = None  # count_min / count_max: how many projects
    of_category: tuple[str, ...] = ()  # content types named in `of:` (a project of any counts)

    @property
    def is_count(self) -> bool:
        return self.kind in COUNT_KINDS


class TargetChecks(KeyChecks):
    """`targets:` read into `Target` records; a target with a problem is left out and every
    problem recorded."""

    plan_years: tuple[int, ...] = ()

    def targets(self, spec: object, years: tuple[int, ...]) -> tuple[Target, ...]:
        """Every target of the list, in order; two targets may not share a name."""
        self.plan_years = years
        targets = tuple(t for i, raw in enumerate(self.sequence("targets", spec))
                        if (t := self.target(i, raw)) is not None)
        names = [t.name for t in targets]
        for n in {n for n in names if names.count(n) > 1}:
            self.err("targets", "two targets share a name", n, "Give each target its own name")
        return targets

    def target(self, i: int, raw: object) -> Target | None:
        key = f"targets[{i}]"
        if not isinstance(raw, dict):
            self.err(key, "a target must be a mapping", raw,
                     "e.g. {name: green, kind: share_min, of: [green], share: 0.3}")
            return None
        n0 = len(self.errors)
        self.check_keys(f"{key}.", raw, TARGET_KEYS)
        kind, name, fund = self._head(key, i, raw)
        share, amount, count = self._size(key, raw, kind)
        of, of_cats = self._flags(key, raw)
        cats = self._categories(key, raw)
        region = raw.get("region")
        if region is not None and region not in self.geo.regions:
            self.err(f"{key}.region", "unknown region", region,
                     "Use one of: " + ", ".join(self.geo.regions))
        province = self.province(f"{key}.province", raw["province"]) if raw.get(
            "province") else None
        self._scope(key, raw, kind, bool(of or of_cats or cats or region or province), region)
        share_of = self._share_of(key, raw)
        year = raw.get("year")
        if year is not None and (not isinstance(year, int) or year not in self.plan_years):
            self.err(f"{key}.year", "not a year of the plan", year,
                     "Targets per year need years: [...] in the scenario and one of them here")
        if len(self.errors) > n0:
            return None
        return Target(name, str(kind), str(fund), share, amount, of, cats,
                      region, province, year, share_of if share_of == "budget" else None,
                      label=str(raw.get("label") or ""), count=count, of_category=of_cats)

    def _head(self, key: str, i: int, raw: dict[str, Any]) -> tuple[object, str, object]:
        """The target's kind, name (a code: no ':') and fund."""
        kind = raw.get("kind")
        if kind not in TARGET_KINDS:
            self.err(f"{key}.kind", "unknown target kind", kind, "Use " + ", ".join(TARGET_KINDS))
        name = str(raw.get("name") or f"{kind}_{i}")
        if ":" in name:
            self.err(f"{key}.name", "a target name may not contain ':'", name)
        fund = raw.get("fund", "all")
        if fund not in ("all", "central", "local"):
            self.err(f"{key}.fund", "must be all, central or local", fund)
        return kind, name, fund

    def _size(self, key: str, raw: dict[str, Any], kind: object
              ) -> tuple[float | None, float | None, int | None]:
        """Exactly one of a share (0–1) or an amount (million VND); a count target a count
        (a whole number of projects) and neither of them."""
        share = amount = None
        if kind in COUNT_KINDS:
            return None, None, self._count(key, raw)
        if "count" in raw:
            self.err(f"{key}.count", "only a count_min or count_max target has a count",
                     raw["count"], "Write kind: count_min (or count_max), or remove count")
        if ("share" in raw) == ("amount" in raw):
            self.err(key, "give exactly one of share (0–1) or amount (million VND)", raw)
        elif "share" in raw:
            share = self.number(f"{key}.share", raw["share"], 0, 1)
        else:
            amount = self.number(f"{key}.amount", raw["amount"], lo=0)
        return share, amount, None

    def _count(self, key: str, raw: dict[str, Any]) -> int | None:
        """A count target's `count:` (a whole number ≥ 0); share, amount and fund do not
        apply (a project counts over both funds)."""
        for k in ("share", "amount", "share_of", "fund"):
            if k in raw:
                self.err(f"{key}.{k}", "a count target counts projects over both funds; it "
                         "takes no share, amount, share_of or fund", raw[k],
                         "Remove it and give count: (a number of projects)")
        n = raw.get("count")
        if isinstance(n, bool) or not isinstance(n, int | float) or n < 0 or n != int(n):
            self.err(f"{key}.count", "must be a whole number of projects (0 or more)", n,
                     "e.g. count: 340")
            return None
        return int(n)

    def _flags(self, key: str, raw: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """`of:` — the priority flags and content types whose projects the target counts (a
        project with any of them); content types by code, Vietnamese or English name."""
        of_raw = raw.get("of") or ()
        if not isinstance(of_raw, str | list | tuple):
            self.err(f"{key}.of", "must be a priority flag or a list of them", of_raw,
                     "Write e.g. of: [green, circular, digital]")
            of_raw = ()
        names = (of_raw,) if isinstance(of_raw, str) else tuple(str(f) for f in of_raw)
        index = load_rules().category_index()
        of, cats = [], []
        for f in names:
            if f in OF_FLAGS:
                of.append(f)
            elif (code := index.get(fold(f))) is not None and f != "typical_product":
                cats.append(code)
            else:
                self.err(f"{key}.of", "unknown priority flag or content type", f,
                         "Use green, circular, digital, typical_product, disadvantaged_area, "
                         "women_or_ethnic_owned or a content type of `kcopt rules`")
        return tuple(of), tuple(cats)

    def _categories(self, key: str, raw: dict[str, Any]) -> tuple[str, ...]:
        """`category:` — content types (code, Vietnamese or English name) as their codes."""
        cats = raw.get("category") or ()
        cats = (cats,) if isinstance(cats, str) else tuple(cats)
        index = load_rules().category_index()
        cats_resolved = []
        for c in cats:
            code = index.get(fold(str(c)))
            if code is None:
                self.err(f"{key}.category", "unknown content type", c, "See `kcopt rules`")
            else:
                cats_resolved.append(code)
        return tuple(cats_resolved)

    def _scope(self, key: str, raw: dict[str, Any], kind: object, scoped: bool,
               region: object) -> None:
        """A share target says which projects it counts; a region_min target names a region."""
        if kind in ("share_min", "share_max", *COUNT_KINDS) and not scoped:
            self.err(key, f"a {kind} target needs 'of' (priority flags), 'category', 'region' "
                     "or 'province' to say which projects it counts", raw)
        if kind == "region_min" and region is None:
            self.err(f"{key}.region", "a region_min target needs a region", None,
                     "Add region: NMM (or RRD, NCC, CH, SE, MKD)")

    def _share_of(self, key: str, raw: dict[str, Any]) -> object:
        """`share_of:` — allocated (the default) or budget, only beside a share."""
        share_of = raw.get("share_of")
        if share_of is not None and share_of not in SHARE_OF:
            self.err(f"{key}.share_of", "must be allocated or budget", share_of,
                     "Write share_of: budget for a share of the fund's budget, or leave it out "
                     "for a share of the support allocated")
        elif share_of is not None and "share" not in raw:
            self.err(f"{key}.share_of", "applies only to a target with a share", share_of,
                     "Give share: (0–1) with share_of, or remove share_of")
        return share_of
