"""The province of a project in a list without a province column, read from the place it names.

A national list gives the place as communes and districts of before the 2025 reform
("xã Tiên Mỹ, huyện Tiên Phước", "TT La Hai, huyện Đồng Xuân") and the implementing unit
("Trung tâm KC và XTTM Quảng Nam"). `place_of` reads, in this order: a province named in the
place ("tỉnh Bình Thuận"); a district or commune named there, through the pre-2025 gazetteer
(`core.gazetteer`); a province named in the implementing unit. A district or commune found in
two provinces ("huyện Phong Điền": Thừa Thiên Huế and Cần Thơ) is settled only by a province
the row or the list states (the implementing unit, the scenario's `province:`); otherwise it is
a question naming every candidate, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from kcopt.core.gazetteer import Found, load_gazetteer
from kcopt.core.geo import load_geography
from kcopt.core.text import fold
from kcopt.core.words import _
from kcopt.io.formlayout import province_in
from kcopt.io.formstate import FormState

# the implementing unit's header ("Đơn vị thực hiện"), folded
UNIT_HEADERS = ("don vi thuc hien", "don vi chu tri", "co quan chu tri", "co quan thuc hien",
                "don vi to chuc thuc hien", "don vi chu tri thuc hien")
PROVINCE_AMBIGUOUS = "province_ambiguous"


@dataclass(frozen=True)
class Place:
    """A row's province and where it was read: "location" (a province named in the place),
    "gazetteer" (a district or commune named there), "unit" (the implementing unit), "" (not
    found); `found` is what the gazetteer read, with every candidate when ambiguous."""

    province: str | None
    source: str
    found: Found | None = None


def unit_header(headers: list[str]) -> str | None:
    """The implementing unit's column, if the table has one."""
    return next((h for h in headers if fold(h).startswith(UNIT_HEADERS)), None)


def place_of(location: str, unit: str, given: str | None = None) -> Place:
    """The province of one row from its place and implementing unit; `given` is a province
    the list states for every row (the scenario's), which may settle an ambiguous name.

    >>> place_of("TT La Hai, huyện Đồng Xuân", "").province
    'Đắk Lắk'
    >>> place_of("", "Trung tâm KC và XTTM Quảng Nam").province
    'Đà Nẵng'
    >>> place_of("huyện Phong Điền", "Trung tâm Khuyến công Cần Thơ").province
    'Cần Thơ'
    >>> place_of("huyện Phong Điền", "").province is None
    True
    """
    if location.strip():
        named = province_in(location)
        if named is not None:
            return Place(named, "location")
        found = load_gazetteer().find(location)
        if found is not None and found.province is not None:
            return Place(found.province, "gazetteer", found)
    else:
        found = None
    by_unit = unit_province(unit) if unit.strip() else None
    if found is None:
        return Place(by_unit, "unit") if by_unit else Place(None, "")
    candidates = {u.province for u in found.units}
    for settle in (by_unit, given):
        if settle in candidates:
            return Place(settle, "gazetteer", found)
    return Place(None, "", found)


def unit_province(text: str) -> str | None:
    """A province named in an implementing unit: "Sở Công Thương tỉnh Hà Tĩnh", or at the end
    of its name, "Trung tâm KC và XTTM Quảng Nam"."""
    named = province_in(text)
    if named is not None:
        return named
    geo = load_geography()
    words = fold(text).split()
    for k in range(1, len(words)):
        tail = " ".join(words[k:])
        if len(tail) >= 2:
            res = geo.resolve(tail)
            if res.name is not None:
                return res.name
    return None


def ambiguous(st: FormState, place: Place, location: str, row: int) -> None:
    """The question for a place whose district or commune lies in two or more provinces."""
    assert place.found is not None
    found = place.found
    seen: list[str] = []
    for u in found.units:
        label = _("{unit} ({old})").format(unit=u.name, old=u.old) if u.old == u.province \
            else _("{unit} ({old}, now {province})").format(unit=u.name, old=u.old,
                                                              province=u.province)
        if label not in seen:
            seen.append(label)
    olds = sorted({u.old for u in found.units})
    examples = " / ".join(f"'{found.named}, {o}'" for o in olds[:3])
    st.problem(_("the place '{place}' does not say its province, and {named} lies in more "
                 "than one: {candidates}; kcopt does not choose").format(
                     place=location, named=found.named, candidates="; ".join(seen)),
               row, value=location,
               fix=_("Add a province column ('Tỉnh/Thành phố'), or write the province in the "
                     "place: {examples}").format(examples=examples), code=PROVINCE_AMBIGUOUS)



def inferred(st: FormState, place: Place, location: str, row: int) -> None:
    """A warning naming the row and the unit its province was read from."""
    if place.source != "gazetteer" or place.found is None:
        return
    units = [u for u in place.found.units if u.province == place.province]
    u = units[0]
    where = _("{unit} ({old})").format(unit=u.name, old=u.old) if u.old == u.province \
        else _("{unit} ({old}, now {province})").format(unit=u.name, old=u.old,
                                                          province=u.province)
    st.warn(_("the place '{place}' names {where}: the project is read as in {province}").format(
        place=location, where=where, province=place.province), row)
