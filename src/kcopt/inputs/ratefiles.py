"""A planner's own rule files: a provincial resolution (or several) and national levels, read
like project lists (CSV or XLSX, Vietnamese or English headers, title rows allowed) and checked
cell by cell, every problem reported at once.

A provincial file has one row per content type the resolution sets::

    province,territory,resolution,effective,category,rate,cap_million_vnd,cap_unit,source
    Hải Phòng,Hải Dương,NQ 12/2023/NQ-HĐND,2023-08-01,machinery,0.5,250,per establishment,…

`territory` (Địa bàn cũ) is the former province the resolution covers when it was issued before
the 1 July 2025 merger; blank for the whole province. A national file has the columns of
`support_rates.csv`, with `valid_from` (and optionally `valid_until`) saying when each level is
in force — a new circular's levels are one such file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kcopt.core.errors import InputError, Problem
from kcopt.core.geo import load_geography
from kcopt.core.limits import read_input_bytes
from kcopt.core.parse import parse_number_text
from kcopt.core.said import Data, Num, say
from kcopt.core.text import fold
from kcopt.core.words import N_, _
from kcopt.io.read import RawTable, read_table
from kcopt.rules.levels import CONFIDENCE, VOTE_LEVELS, Level, Resolution, parse_date
from kcopt.rules.rates import RuleSet

ALIASES = {
    "province": ("province", "tinh", "tinh thanh pho", "tinh tp", "dia phuong"),
    "territory": ("territory", "old province", "old_province", "dia ban", "dia ban cu",
                  "tinh cu", "pham vi ap dung"),
    "resolution": ("resolution", "nghi quyet", "so nghi quyet", "so hieu", "van ban"),
    "effective": ("effective", "effective date", "valid from", "valid_from", "hieu luc",
                  "ngay hieu luc", "hieu luc tu", "co hieu luc tu"),
    "until": ("until", "valid until", "valid_until", "het hieu luc", "hieu luc den"),
    "category": ("category", "content type", "noi dung", "noi dung ho tro", "loai noi dung"),
    "fund": ("fund", "nguon", "nguon kinh phi", "nguon von"),
    "rate": ("rate", "ty le", "ty le ho tro", "ty le ho tro toi da"),
    "cap_million_vnd": ("cap_million_vnd", "cap", "ceiling", "muc toi da", "muc ho tro toi da",
                        "muc tran", "muc tran trieu dong", "muc ho tro toi da trieu dong"),
    "group_cap_million_vnd": ("group_cap_million_vnd", "group cap", "muc toi da de an nhom"),
    "cap_unit": ("cap_unit", "unit", "per", "tinh theo", "don vi tinh muc"),
    "basis": ("basis", "can cu", "legal basis"),
    "confidence": ("confidence", "do tin cay"),
    "vote_level": ("vote_level", "cap binh chon"),
    "source": ("source", "nguon trich dan", "nguon tham khao"),
    "note": ("note", "ghi chu"),
}
_INDEX = {fold(a): name for name, aliases in ALIASES.items() for a in aliases}
REQUIRED = {"provincial": ("province", "resolution", "category"),
            "national": ("category", "fund", "basis")}


def _name(header: str) -> str | None:
    key = fold(header)
    if key in _INDEX:
        return _INDEX[key]
    for unit in (" trieu dong", " million vnd", " %"):
        if key.endswith(unit) and key[: -len(unit)].strip() in _INDEX:
            return _INDEX[key[: -len(unit)].strip()]
    return None


def _is_header(cells: list[str]) -> bool:
    found = {_name(c) for c in cells if c and c.strip()} - {None}
    return len(found) >= 2 and "category" in found


@dataclass
class RuleFiles:
    """What a scenario's `rules:` key added: resolutions, national levels, the files read."""

    resolutions: list[Resolution] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def apply(self, rules: RuleSet) -> RuleSet:
        """`rules` with these files added (the version marks what was added)."""
        digest = hashlib.sha256("".join(sorted(self.hashes.values())).encode()).hexdigest()[:8]
        if self.levels:
            rules = rules.with_levels(self.levels, digest)
        if self.resolutions:
            rules = rules.with_resolutions(self.resolutions, digest)
        return rules


def files_in(spec: Path) -> list[Path]:
    """A file, or every CSV/XLSX of a folder (sorted, so the order is reproducible)."""
    if spec.is_dir():
        return sorted(p for p in spec.iterdir()
                      if p.suffix.lower() in (".csv", ".xlsx", ".xlsm") and
                      not p.name.startswith(("~$", ".")))
    return [spec]


def read_rule_files(provincial: list[Path], national: list[Path], rules: RuleSet) -> RuleFiles:
    """Read and check every file; raise `InputError` listing every bad cell of all of them."""
    out = RuleFiles()
    errors: list[Problem] = []
    for kind, paths in (("provincial", provincial), ("national", national)):
        for path in paths:
            try:  # read once: the bytes hashed are the bytes parsed (read_table names a
                # missing file)
                data = read_input_bytes(path, path.suffix.lower()) if path.is_file() else None
                raw = read_table(path, None, _is_header, _name, data=data)
            except InputError as exc:
                errors += exc.problems
                continue
            assert data is not None
            out.hashes[str(path)] = hashlib.sha256(data).hexdigest()
            checker = _Checker(raw, rules)
            if kind == "provincial":
                out.resolutions += checker.resolutions()
            else:
                out.levels += checker.levels()
            errors += checker.errors
            out.warnings += raw.notes + checker.warnings
    if errors:
        raise InputError(errors, out.warnings)
    return out


class _Checker:
    def __init__(self, raw: RawTable, rules: RuleSet):
        self.raw, self.rules = raw, rules
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.cols: dict[str, str] = {}
        for h in raw.frame.columns:
            name = _name(str(h))
            if name and name not in self.cols:
                self.cols[name] = str(h)
        self.index = rules.category_index()
        self.geo = load_geography()

    def problem(self, i: int | None, column: str | None, message: str, value: object = None,
                fix: str = "", severity: str = "error") -> None:
        p = Problem(str(self.raw.path), message, fix, self.raw.sheet,
                    None if i is None else self.raw.file_rows[i],
                    self.cols.get(column or "", column), value, severity=severity)
        (self.errors if severity == "error" else self.warnings).append(p)

    def cell(self, row: dict[str, str], name: str) -> str:
        header = self.cols.get(name)
        return "" if header is None else str(row.get(header) or "").strip()

    def require(self, kind: str) -> bool:
        missing = [c for c in REQUIRED[kind] if c not in self.cols]
        for c in missing:
            self.problem(None, c, "required column missing", fix=_(
                "Add a column '{column}' (or one of: {names})").format(
                    column=c, names=", ".join(ALIASES[c][1:4])))
        if "rate" not in self.cols and "cap_million_vnd" not in self.cols:
            self.problem(None, "rate", "no column of support rates or of support ceilings",
                         fix="Add a column 'Tỷ lệ hỗ trợ' (rate, 0–1) and/or 'Mức hỗ trợ tối "
                         "đa' (cap_million_vnd, million VND)")
            return False
        return not missing

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        records = self.raw.frame.to_dict("records")
        return [(i, {str(k): str(v) for k, v in r.items()}) for i, r in enumerate(records)]

    def common(self, i: int, row: dict[str, str]) -> dict[str, object] | None:
        """Category, rate, ceilings, unit, confidence of one row (None when a cell is bad)."""
        n0 = len(self.errors)
        text = self.cell(row, "category")
        category = self.index.get(fold(text))
        if category is None:
            self.problem(i, "category", "a content type the rule set does not have", text,
                         "Use the content type's code or Vietnamese name as `kcopt rules` "
                         "lists it")
        rate = self.number(i, row, "rate", 0.0, 1.0,
                           N_("must be a share from 0 to 1 (0.5 is a half)"))
        cap = self.number(i, row, "cap_million_vnd", 0.0, None,
                          N_("must be an amount in million VND, not negative"))
        group = self.number(i, row, "group_cap_million_vnd", 0.0, None,
                            N_("must be an amount in million VND, not negative"))
        if rate is None and cap is None and len(self.errors) == n0:
            self.problem(i, "rate", "neither a support rate nor a support ceiling", "",
                         "Write a rate (0–1) and/or a ceiling (million VND)")
        conf = self.cell(row, "confidence").lower() or "medium"
        if conf not in CONFIDENCE:
            self.problem(i, "confidence", "not a confidence level", conf,
                         "Use 'high', 'medium', 'low' or 'unverified'")
        if len(self.errors) > n0:
            return None
        return {"category": category, "rate": rate, "ceiling": cap, "group": group,
                "unit": self.cell(row, "cap_unit"), "confidence": conf,
                "note": self.cell(row, "note"), "source": self.cell(row, "source")}

    def number(self, i: int, row: dict[str, str], name: str, lo: float, hi: float | None,
               what: str) -> float | None:
        text = self.cell(row, name)
        if not text:
            return None
        pct = text.endswith("%")
        value = parse_number_text(text.rstrip("% "), thousands=name != "rate")
        if value is not None and pct:
            value /= 100.0
        if value is None or value < lo or (hi is not None and value > hi):
            self.problem(i, name, what, text, "Fix the value or leave the cell blank")
            return None
        return value

    def day_cell(self, i: int, row: dict[str, str], name: str) -> date | None:
        text = self.cell(row, name)
        try:
            return parse_date(text)
        except ValueError:
            self.problem(i, name, "not a date", text,
                         "Write a date, e.g. 26/07/2025 or 2025-07-26")
            return None

    def resolutions(self) -> list[Resolution]:
        if not self.require("provincial"):
            return []
        groups: dict[tuple, dict[str, Level]] = {}
        for i, row in self.rows():
            n0 = len(self.errors)
            base = self.common(i, row)
            prov_text = self.cell(row, "province")
            res = self.geo.resolve(prov_text)
            province = res.name
            if province is None:
                self.problem(i, "province", _("not one of the 34 provinces and cities"),
                             prov_text, self.geo.hint(prov_text))
            elif res.old and not self.cell(row, "territory"):
                self.problem(i, "province", _(
                    "'{old}' is a former province, merged into {province}: a former province's "
                    "resolution applies on its former territory only").format(
                    old=prov_text, province=province), prov_text,
                    _("Write the province {province} and the former territory {old}").format(
                        province=province, old=res.old))
            territory = self.territory(i, row, province) or (res.old if province else None)
            number = self.cell(row, "resolution")
            if not number:
                self.problem(i, "resolution", "the resolution's number is missing", "",
                             "Write the resolution's number, e.g. NQ 08/2024/NQ-HĐND")
            effective, until = self.day_cell(i, row, "effective"), self.day_cell(i, row, "until")
            if base is None or len(self.errors) > n0:
                continue
            key = (province, territory, number, effective, until)
            levels = groups.setdefault(key, {})
            if base["category"] in levels:
                self.problem(i, "category", "a content type written twice for one resolution",
                             self.cell(row, "category"), "Give each content type one row")
                continue
            levels[str(base["category"])] = Level(
                str(base["category"]), "local", base["rate"], base["ceiling"],  # type: ignore
                str(base["unit"]), number, str(base["confidence"]), str(base["note"]),
                effective or None, until or None, None, base["group"],  # type: ignore
                str(base["source"]) or self.raw.path.name)
            self.above_national(i, base, effective or None)
        return [Resolution(p, t, n, e or None, u or None, lv, str(self.raw.path))
                for (p, t, n, e, u), lv in groups.items()]

    def territory(self, i: int, row: dict[str, str], province: str | None) -> str | None:
        text = self.cell(row, "territory")
        if not text or province is None:
            return None
        olds = self.geo.provinces[province].merged_from
        match = next((o for o in olds if fold(o) == fold(text).removeprefix("tinh ")), None)
        if match is None:
            self.problem(i, "territory", _("not a former province merged into {province}")
                         .format(province=province), text, _(
                             "Use one of: {olds}; leave it blank when the resolution applies "
                             "to the whole province").format(olds=", ".join(olds)))
        return match

    def above_national(self, i: int, base: dict[str, object], day: object) -> None:
        """Local levels are at most the national level (TTLT 26/2014 Art. 6.3): warn."""
        nat = self.rules.national(str(base["category"]), "local", day or None)  # type: ignore
        if nat is None:
            return
        for key, value in (("rate", nat.level.rate), ("ceiling", nat.level.ceiling)):
            mine = base[key]
            if mine is not None and value is not None and mine > value + 1e-9:  # type: ignore
                self.problem(i, "rate" if key == "rate" else "cap_million_vnd", say(N_(
                    "the province's level is above the national level ({level}, {basis}); a "
                    "province sets levels at most the national ones (TTLT 26/2014 Art. 6.3)"),
                    level=Num(float(value), 1, "pct") if key == "rate" else Num(float(value), 6),
                    basis=Data(nat.level.basis)), mine, severity="warning")

    def levels(self) -> list[Level]:
        if not self.require("national"):
            return []
        out = []
        for i, row in self.rows():
            n0 = len(self.errors)
            base = self.common(i, row)
            fund = fold(self.cell(row, "fund"))
            if fund not in ("central", "local", "both"):
                self.problem(i, "fund", "the fund must be 'central', 'local' or 'both'", fund)
            vote = self.cell(row, "vote_level").lower() or None
            if vote is not None and vote not in VOTE_LEVELS:
                self.problem(i, "vote_level", "not a selection level", vote,
                             _("Use one of: {levels}").format(levels=", ".join(VOTE_LEVELS)))
            basis = self.cell(row, "basis")
            start, end = self.day_cell(i, row, "effective"), self.day_cell(i, row, "until")
            if not self.cell(row, "effective"):
                self.problem(i, "effective", "a national level needs the day it takes effect",
                             "", "Write the day it takes effect, e.g. 2026-07-01")
            if base is None or len(self.errors) > n0:
                continue
            for f in (("central", "local") if fund == "both" else (fund,)):
                out.append(Level(str(base["category"]), f, base["rate"],  # type: ignore
                                 base["ceiling"], str(base["unit"]), basis,  # type: ignore
                                 str(base["confidence"]), str(base["note"]), start or None,
                                 end or None, vote, base["group"],  # type: ignore
                                 str(base["source"]) or self.raw.path.name))
        return out
