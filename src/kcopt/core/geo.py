"""The 34 provincial units (since 1 July 2025), the 63 old provinces merged into them, regions.

Province names arrive in many spellings: current or pre-2025 names, with or without diacritics,
NFC or NFD, with or without "Tỉnh"/"Thành phố"/"TP." prefixes. `Geography.resolve` maps each to
one of the 34 current names and says when it had to translate an old name.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from kcopt.core.said import say
from kcopt.core.text import fold, nfc
from kcopt.core.words import N_, _

_PREFIXES = ("tinh ", "thanh pho ", "tp ", "t p ")
# after the 1 July 2025 merger planners write a former province "Hải Dương (cũ)" or "… cũ"
_SUFFIXES = (" cu",)


def _variants(key: str) -> list[str]:
    """A folded name, without a "tỉnh"/"thành phố" prefix and without a "(cũ)" suffix."""
    bases = [key, *(key[: -len(s)] for s in _SUFFIXES if key.endswith(s))]
    out = []
    for base in bases:
        out += [base, *(base[len(p):] for p in _PREFIXES if base.startswith(p))]
    return out
_EXTRA_ALIASES = {
    "hcm": "Thành phố Hồ Chí Minh",
    "tphcm": "Thành phố Hồ Chí Minh",
    "tp hcm": "Thành phố Hồ Chí Minh",
    "ho chi minh": "Thành phố Hồ Chí Minh",
    "ho chi minh city": "Thành phố Hồ Chí Minh",
    "sai gon": "Thành phố Hồ Chí Minh",
    "hn": "Hà Nội",
    "hanoi": "Hà Nội",
    "danang": "Đà Nẵng",
    "br vt": "Thành phố Hồ Chí Minh",
    "daklak": "Đắk Lắk",
    "dac lac": "Đắk Lắk",
    "dak nong": "Lâm Đồng",
}


@dataclass(frozen=True)
class Province:
    name: str
    name_ascii: str
    kind: str
    region: str
    merged_from: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    """A resolved province name; `note` is set when an old or unusual spelling was mapped."""

    name: str | None
    note: str | None = None
    old: str | None = None  # the pre-2025 province named, when an old name was mapped


@dataclass
class Geography:
    provinces: dict[str, Province]
    regions: dict[str, tuple[str, str]]  # code -> (Vietnamese name, English name)
    _index: dict[str, tuple[str, bool]] = field(default_factory=dict, repr=False)
    _old: dict[str, str] = field(default_factory=dict, repr=False)  # key -> old province name

    def __post_init__(self) -> None:
        for prov in self.provinces.values():
            for key in (prov.name, prov.name_ascii):
                self._add(key, prov.name, merged=False)
        for prov in self.provinces.values():
            for old in prov.merged_from:
                if fold(old) not in self._index:
                    self._add(old, prov.name, merged=True)
                self._add_old(old)
        for alias, target in _EXTRA_ALIASES.items():
            merged = alias in {"br vt", "dak nong"}
            self._index.setdefault(alias, (target, merged))

    def _add(self, name: str, target: str, merged: bool) -> None:
        key = fold(name)
        self._index.setdefault(key, (target, merged))
        for prefix in _PREFIXES:
            if key.startswith(prefix):
                self._index.setdefault(key[len(prefix):], (target, merged))

    def _add_old(self, name: str) -> None:
        key = fold(name)
        self._old.setdefault(key, name)
        for prefix in _PREFIXES:
            if key.startswith(prefix):
                self._old.setdefault(key[len(prefix):], name)

    def old_province(self, raw: object) -> tuple[str | None, str | None]:
        """A pre-2025 province name (any spelling) → (its name, the unit it was merged into).

        >>> load_geography().old_province("tinh Hai Duong")
        ('Hải Dương', 'Hải Phòng')
        """
        key = fold(nfc(str(raw)).strip())
        for cand in _variants(key):
            if cand in self._old:
                old = self._old[cand]
                return old, next(p.name for p in self.provinces.values()
                                 if old in p.merged_from)
        return None, None

    def resolve(self, raw: object) -> Resolution:
        """Map any accepted spelling to a current province name.

        >>> geo = load_geography()
        >>> geo.resolve("Binh Duong").name
        'Thành phố Hồ Chí Minh'
        >>> geo.resolve("TP. Hồ Chí Minh").name
        'Thành phố Hồ Chí Minh'
        """
        text = nfc(str(raw)).strip()
        if not text:
            return Resolution(None)
        if text in self.provinces:
            return Resolution(text)
        key = fold(text)
        candidates = [key, key.replace(" ", ""), *_variants(key)[1:]]
        for cand in candidates:
            if cand in self._index:
                target, merged = self._index[cand]
                if merged:
                    return Resolution(
                        target,
                        say(N_("'{old}' is a pre-2025 province, merged into '{new}' on 1 "
                               "July 2025"), old=text, new=target),
                        self._old.get(cand),
                    )
                return Resolution(target)
        return Resolution(None)

    def region_of(self, province: str) -> str:
        return self.provinces[province].region

    def suggest(self, raw: object, n: int = 3, cutoff: float = 0.75) -> list[str]:
        """The provinces `raw` is probably a misspelling of, closest first: its letters close
        to a name or a former province's name ("Quang Ngia" → Quảng Ngãi, "Hanoi" → Hà Nội);
        none for a name that is not close to any ("Atlantis", "Paris").

        >>> geo = load_geography()
        >>> geo.suggest("Hanoi"), geo.suggest("Atlantis")
        (['Hà Nội'], [])
        """
        import difflib

        key = fold(str(raw))
        names = {fold(p.name): p.name for p in self.provinces.values()}
        names.update({k: target for k, (target, _merged) in self._index.items()
                      if k not in names})
        found: list[str] = []
        for close in difflib.get_close_matches(key, list(names), n=4 * n, cutoff=cutoff):
            if names[close] not in found:
                found.append(names[close])
        return found[:n]

    def hint(self, raw: object) -> str:
        """How to fix an unknown province: the close names, or where the 34 are listed."""
        close = self.suggest(raw)
        if close:
            return _("Did you mean {names}?").format(
                names=_(" or ").join(f"'{name}'" for name in close))
        return _("Use one of the 34 provinces and cities (kcopt rules lists them)")


@cache
def load_geography() -> Geography:
    data = resources.files("kcopt") / "data"
    with (data / "provinces.csv").open(encoding="utf-8") as fh:
        provinces = {
            r["name"]: Province(
                r["name"], r["name_ascii"], r["type"], r["region"],
                tuple(s.strip() for s in r["merged_from"].split(";") if s.strip()),
            )
            for r in csv.DictReader(fh)
        }
    with (data / "regions.csv").open(encoding="utf-8") as fh:
        regions = {r["code"]: (r["name_vi"], r["name_en"]) for r in csv.DictReader(fh)}
    return Geography(provinces, regions)
