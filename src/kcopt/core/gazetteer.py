"""Districts and communes before the 1 July 2025 reform, and the province each lies in.

A national list often names no province: its place is "xã Tiên Mỹ, huyện Tiên Phước" or
"TT La Hai, huyện Đồng Xuân". The pre-2025 districts (696) and communes (10,147) come from the
`vietnam-address-converter` package (its data module: the old-to-new mapping table of the
2025 reform, with every old province, district and commune), read the first time a place is
looked up, so `kcopt --help` and every list with a province column never load it. The old
province found is then mapped to one of the 34 units through `data/provinces.csv`
(`core.geo`). A name found in more than one province is returned with all of them: the caller
asks, it never picks one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kcopt.core.geo import load_geography
from kcopt.core.text import fold, nfc

# the unit types written before a name, folded: commune level, district level
_WARD = ("xa", "phuong", "thi tran", "tt", "x", "p")
_DISTRICT = ("huyen", "quan", "thi xa", "tx", "thanh pho", "tp", "h", "q")
_OTHER = ("to", "thon", "ap", "ban", "khu pho", "kp", "khom", "so", "duong", "khu")


@dataclass(frozen=True)
class Unit:
    """A pre-2025 district or commune: its name as written, its kind, its district (a
    commune's), its old province and the current province it is in."""

    name: str  # "Huyện Tiên Phước"
    district: str  # the district's folded name (the unit's own, for a district)
    old: str  # the pre-2025 province, as data/provinces.csv names it
    province: str  # one of the 34


@dataclass(frozen=True)
class Found:
    """What a place text names: the current province when the units named agree on one, else
    every unit that fits (two or more: a question for the planner)."""

    province: str | None
    units: tuple[Unit, ...]  # the units read, every candidate when ambiguous
    named: str  # the words looked up ("huyện Phong Điền")


@dataclass
class Gazetteer:
    districts: dict[str, list[Unit]]  # folded name without its type → units
    wards: dict[str, list[Unit]]

    def find(self, text: str) -> Found | None:
        """The province a place text names through its district or commune, each written with
        its type ("xã", "huyện", "TT", "TP", …); None when it names no known unit.

        >>> g = load_gazetteer()
        >>> g.find("xã Tiên Mỹ, huyện Tiên Phước").province
        'Đà Nẵng'
        >>> sorted(u.old for u in g.find("huyện Phong Điền").units)
        ['Cần Thơ', 'Thừa Thiên Huế']
        """
        districts: list[tuple[str, list[Unit]]] = []
        wards: list[tuple[str, list[Unit]]] = []
        for part in re.split(r"[,;\n]", nfc(text)):
            kind, name = _split_kind(part)
            key = fold(name)
            if not key or kind in ("other", None):  # a bare name may be anything: not read
                continue
            if kind == "district" and key in self.districts:
                districts.append((part.strip(), _accented(name, self.districts[key])))
            elif kind == "ward" and key in self.wards:
                wards.append((part.strip(), _accented(name, self.wards[key])))
        if not districts and not wards:
            return None
        fits = _agreeing(districts, wards)
        named = ", ".join(p for p, _u in [*wards, *districts])
        provinces = {u.province for u in fits}
        return Found(provinces.pop() if len(provinces) == 1 else None, tuple(fits), named)


def _split_kind(part: str) -> tuple[str | None, str]:
    """("ward" | "district" | "other" | None, the name without its type word)."""
    text = part.strip()
    key = fold(text)
    for kind, words in (("ward", _WARD), ("district", _DISTRICT), ("other", _OTHER)):
        for w in words:
            if key == w or key.startswith(w + " "):
                n = len(w.split())
                return kind, " ".join(text.replace(".", ". ").split()[n:])
    return None, text


def _accented(name: str, units: list[Unit]) -> list[Unit]:
    """The units whose name has the same diacritics as the text ("Thạnh Hóa" is not "Thanh
    Hóa"), when some do; all of them when the text has none or none match."""
    want = nfc(name).strip().casefold()
    same = [u for u in units if u.name.casefold().endswith(" " + want)]
    return same or units


def _agreeing(districts: list[tuple[str, list[Unit]]],
              wards: list[tuple[str, list[Unit]]]) -> list[Unit]:
    """The units that fit every name given: a commune inside the district named with it."""
    in_district = {(u.old, u.district) for _p, us in districts for u in us}
    if districts and wards:
        both = [u for _p, us in wards for u in us if (u.old, u.district) in in_district]
        if both:
            return both
    return [u for _p, us in (districts or wards) for u in us]


@cache
def load_gazetteer() -> Gazetteer:
    """The pre-2025 districts and communes (loaded once, on first use)."""
    from vietnam_address_converter.data import DEFAULT_DATA  # 0.2 s: only when needed

    geo = load_geography()
    olds: dict[str, tuple[str, str]] = {}
    for code, p in DEFAULT_DATA["oldProvinces"].items():
        old, new = geo.old_province(p["name"])
        if old is None:  # "Huế": Thừa Thiên Huế, a city of its own since January 2025
            new = geo.resolve(p["name"]).name
            old = next((o for o in geo.provinces[str(new)].merged_from), p["name"])
        olds[code] = (str(old), str(new))
    districts: dict[str, list[Unit]] = {}
    by_code: dict[str, Unit] = {}
    for code, d in DEFAULT_DATA["oldDistricts"].items():
        old, new = olds[d["parent_code"]]
        unit = Unit(nfc(d["name_with_type"]), fold(d["name"]), old, new)
        by_code[code] = unit
        districts.setdefault(fold(d["name"]), []).append(unit)
    wards: dict[str, list[Unit]] = {}
    for w in DEFAULT_DATA["oldWards"].values():
        parent = by_code[w["parent_code"]]
        wards.setdefault(fold(w["name"]), []).append(
            Unit(nfc(w["name_with_type"]), parent.district, parent.old, parent.province))
    return Gazetteer(districts, wards)
