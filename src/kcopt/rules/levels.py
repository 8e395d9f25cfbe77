"""Support levels as data: national rows with the period each is in force, provincial HĐND
resolutions with the territory they cover, and the choice of the level in force for a project.

National rows (`data/support_rates.csv`, or a planner's file of the same shape) carry a content
type, the fund that pays, a rate and a ceiling, their legal basis and confidence, and the period
in force — given on the row (`valid_from`, `valid_until`) or, when blank, the period of the
document the basis cites first (`data/legal_documents.csv`). A newer row for the same content
type and fund supersedes an older one from its first day, so adding a new circular's levels is
one data file. When no row is in force on the day asked, the last published level stands in,
flagged `low` — never a silent blank.

A provincial resolution sets local levels (at most the national level, TTLT 26/2014 Art. 6.3)
for its province, or only for the territory of a former province (`territory`, the pre-2025
name): after the 1 July 2025 merger a former province's resolution keeps applying in its former
territory until the merged province issues its own, which then applies everywhere in it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources

from kcopt.core.said import Data, say
from kcopt.core.text import fold
from kcopt.core.words import N_, _, data_text

FUNDS = ("central", "local")
VOTE_LEVELS = ("district", "provincial", "regional", "national")
FLAGGED = ("low", "unverified")
NATIONAL_COLUMNS = ("category", "name_vi", "name_en", "fund", "rate", "cap_million_vnd",
                    "cap_unit", "basis", "confidence", "note")
PROVINCIAL_COLUMNS = ("province", "territory", "resolution", "effective", "category", "rate",
                      "cap_million_vnd", "cap_unit", "confidence", "source", "note")
CONFIDENCE = ("high", "medium", "low", "unverified")


@dataclass(frozen=True)
class Level:
    """One support level: a rate (share of cost) and/or a ceiling (million VND) for a content
    type and fund, with its legal basis, confidence and period in force."""

    category: str
    fund: str  # central or local
    rate: float | None
    ceiling: float | None
    unit: str = ""
    basis: str = ""
    confidence: str = "unverified"
    note: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    vote_level: str | None = None  # typical-product voting: the vote this level pays for
    group_ceiling: float | None = None  # a group project's ceiling, whatever its size
    source: str = ""

    @property
    def flagged(self) -> bool:
        """A level to confirm before relying on it: superseded (low) or not retrieved."""
        return self.confidence in FLAGGED or (self.rate is None and self.ceiling is None)

    def period(self) -> str:
        """'11/05/2018 –' style period in force (Vietnamese dates)."""
        start = _vi_date(self.valid_from) if self.valid_from else "…"
        end = _vi_date(self.valid_until) if self.valid_until else ""
        return f"{start} – {end}".rstrip()


@dataclass(frozen=True)
class Resolution:
    """A provincial resolution: the local levels it sets per content type."""

    province: str  # one of the 34 units
    territory: str | None  # pre-2025 province it covers; None: the whole province
    number: str
    effective: date | None
    until: date | None = None
    levels: dict[str, Level] = field(default_factory=dict)
    file: str = ""

    def covers(self, province: str, territory: str | None) -> bool:
        if province != self.province:
            return False
        return self.territory is None or fold(self.territory) == fold(territory or province)

    def in_force(self, day: date) -> bool:
        return (self.effective is None or self.effective <= day) and (
            self.until is None or day <= self.until)

    def label(self) -> str:
        """The resolution as a reason names it: number, province, territory, effective date."""
        where = _("People's Council of {province}").format(province=self.province)
        if self.territory and fold(self.territory) != fold(self.province):
            where += _(", former {territory} territory").format(territory=self.territory)
        elif self.territory:
            where += _(", {territory} territory before 01/7/2025").format(
                territory=self.territory)
        when = _(", in force from {day}").format(day=_vi_date(self.effective)) \
            if self.effective else ""
        return f"{data_text(self.number)} ({where}{when})"


@dataclass(frozen=True)
class InForce:
    """The level that applies to one project and fund, and where it comes from."""

    level: Level
    resolution: Resolution | None = None
    stand_in: bool = False  # no level in force on the day: the last published one

    @property
    def confidence(self) -> str:
        return "low" if self.stand_in else self.level.confidence

    @property
    def flagged(self) -> bool:
        return self.stand_in or self.level.flagged

    @property
    def basis(self) -> str:
        base = self.resolution.label() if self.resolution else self.level.basis
        if self.stand_in:  # said again in a reader's language (a warning in summary.json)
            return say(N_("{basis}; the latest published level, the level in force is not "
                          "known"), basis=base if self.resolution else Data(base))
        return base


def _vi_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def parse_date(text: object) -> date | None:
    """ISO (2025-07-26) or Vietnamese (26/07/2025, 26-7-2025) dates; a bare year means 1 Jan.

    >>> parse_date("2025-07-26"), parse_date("26/7/2025"), parse_date("2018")
    (datetime.date(2025, 7, 26), datetime.date(2025, 7, 26), datetime.date(2018, 1, 1))
    """
    if isinstance(text, date):
        return text
    t = str(text or "").strip()
    if not t:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", t)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))  # ValueError for 2025-02-31
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", t)
    if m:
        return date(int(m[3]), int(m[2]), int(m[1]))
    if re.fullmatch(r"\d{4}", t):
        return date(int(t), 1, 1)
    raise ValueError(t)


@dataclass(frozen=True)
class Document:
    key: str
    valid_from: date | None
    valid_until: date | None
    source: str
    status: str = "in force"  # "in force", "superseded", or "reported" (text not in hand)
    replaces: str = ""
    may_apply_from: date | None = None  # a reported document: plans from this day may fall
    # under it, so the levels they use may be superseded


@cache
def legal_documents_bytes() -> bytes:
    """`data/legal_documents.csv` as stored, read once per process (the rule set's version
    hashes it, `legal_documents` parses it)."""
    return (resources.files("kcopt") / "data" / "legal_documents.csv").read_bytes()


@cache
def legal_documents() -> tuple[Document, ...]:
    """Documents the bundled levels cite, with the period each is in force, and documents
    reported but not in hand (`status: reported`)."""
    text = legal_documents_bytes().decode("utf-8")
    return tuple(Document(r["document"], parse_date(r["valid_from"]), parse_date(r["valid_until"]),
                          r["source"], r.get("status") or "in force", r.get("replaces") or "",
                          parse_date(r.get("may_apply_from")))
                 for r in csv.DictReader(text.splitlines()))


def reported_documents(day: date) -> list[Document]:
    """Documents reported to change support levels from a day on or before `day`, whose
    levels are not in hand (`legal_documents.csv`, `status: reported`).

    >>> [d.key for d in reported_documents(date(2027, 1, 1))]
    ['TT 139/2026/TT-BTC']
    >>> reported_documents(date(2026, 12, 31))
    []
    """
    return [d for d in legal_documents() if d.status == "reported"
            and d.may_apply_from is not None and d.may_apply_from <= day]


def document_period(basis: str) -> tuple[date | None, date | None]:
    """The period in force of the document a basis cites first (open when none is known).

    >>> document_period("TT 28/2018/TT-BTC Art. 8 cl. 4")
    (datetime.date(2018, 5, 11), None)
    """
    key = f" {fold(basis)} "
    found = []
    for doc in legal_documents():
        m = re.search(rf"\b{re.escape(fold(doc.key))}\b", key)
        if m:
            found.append((m.start(), doc))
    if not found:
        return None, None
    doc = min(found, key=lambda f: f[0])[1]
    return doc.valid_from, doc.valid_until


def national_levels(rows: Iterable[dict[str, str]], source: str = "") -> list[Level]:
    """Level records from rows of a national rates table (`fund: both` gives two)."""
    out = []
    for r in rows:
        basis = r.get("basis", "") or ""
        start, end = document_period(basis)
        start = parse_date(r.get("valid_from")) or start
        end = parse_date(r.get("valid_until")) or end
        funds = FUNDS if r["fund"] == "both" else (r["fund"],)
        for fund in funds:
            out.append(Level(
                r["category"], fund, _num(r.get("rate")), _num(r.get("cap_million_vnd")),
                r.get("cap_unit", "") or "", basis, r.get("confidence", "") or "unverified",
                r.get("note", "") or "", start, end, (r.get("vote_level") or None),
                _num(r.get("group_cap_million_vnd")), r.get("source") or source))
    return out


def _num(text: object) -> float | None:
    t = str(text if text is not None else "").strip()
    return float(t) if t else None


def choose(levels: Iterable[Level], day: date) -> tuple[Level, bool] | None:
    """The level in force on `day` among rows of one content type and fund, and whether it is
    a stand-in (none in force: the last published before `day`, else the first after)."""
    rows = list(levels)
    if not rows:
        return None
    lo = date.min
    started = [r for r in rows if (r.valid_from or lo) <= day]
    live = [r for r in started if r.valid_until is None or day <= r.valid_until]
    if live:
        return max(live, key=lambda r: r.valid_from or lo), False
    if started:
        return max(started, key=lambda r: (r.valid_until or lo, r.valid_from or lo)), True
    return min(rows, key=lambda r: r.valid_from or lo), True


def choose_resolution(resolutions: Iterable[Resolution], province: str,
                      territory: str | None, day: date) -> Resolution | None:
    """The resolution in force on `day` for a project in `province` (former `territory`): the
    most recent one covering it; at equal dates the former province's own one."""
    live = [r for r in resolutions if r.covers(province, territory) and r.in_force(day)]
    if not live:
        return None
    return max(live, key=lambda r: (r.effective or date.min, r.territory is not None))
