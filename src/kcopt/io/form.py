"""Official annex layout: the facts a planner's form keeps outside the columns.

Provincial Departments of Industry and Trade and the Ministry publish project lists as annexes
to a Quyết định: a title block (agency, national motto, title, "(Kèm theo Quyết định số …)",
"ĐVT: triệu đồng"), fund sections "A. KINH PHÍ KHUYẾN CÔNG QUỐC GIA" / "B. … ĐỊA PHƯƠNG",
Roman-numeral content sections in the regulation's wording, projects numbered 1, 2, 3 within
each section, district group rows, "Cộng …" subtotal rows. The project id, content type, fund
and often the province are not columns: they live in the title and the section rows.

`adapt` reads those facts into columns (`project_id` from the section path and STT, e.g.
`B.I.3`; `category` from the content section through the synonym table in
`data/sections.yaml`; `level` from the fund section or the title; `province` from "Địa điểm",
the title or the scenario), reads the unit line, sorts ambiguous headers by what their cells
hold, and cross-checks every subtotal it skips against the rows beneath it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from kcopt.core.errors import InputError, Problem
from kcopt.core.geo import load_geography
from kcopt.core.parse import parse_number_text
from kcopt.core.text import fold
from kcopt.core.vocabulary import FUND_CHOICES, LEVELS, canonical_column
from kcopt.core.words import N_, _, num
from kcopt.io.layout import _SUBTOTAL
from kcopt.io.read import RawTable
from kcopt.io.sheets import cell_ref
from kcopt.rules.rates import load_rules

UNIT_SCALES = {"trieu dong": 1.0, "trd": 1.0, "tr dong": 1.0, "trieu": 1.0,
               "million vnd": 1.0, "dong": 1e-6, "vnd": 1e-6, "vn dong": 1e-6,
               "nghin dong": 1e-3, "ngan dong": 1e-3, "thousand vnd": 1e-3, "1000 dong": 1e-3,
               "ty dong": 1e3, "billion vnd": 1e3}
UNIT_NAMES = {1.0: "triệu đồng", 1e-6: "đồng", 1e-3: "nghìn đồng", 1e3: "tỷ đồng"}
_UNIT_LINE = re.compile(r"^(dvt|don vi tinh|don vi|unit)\s+(.+)$")
_LETTER = re.compile(r"^([A-H])[.)]?$")
_ROMAN = re.compile(r"^(I{1,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XVI{0,3}|XIX|XX)[.)]?$")
_LEAD = re.compile(r"^([A-H]|[IVX]{1,5})[.)/]\s+(\S.*)$")
# a district, commune or (in a consolidated national list) province row grouping projects
_DISTRICT = re.compile(r"^(huyen|thi xa|thanh pho|tp|quan|thi tran|dia ban|tinh) \S+( \S+){0,3}$")
_COUNT_IN_TEXT = re.compile(r"(\d+)\s*(co so|doanh nghiep|dn|ho|hop tac xa|htx|don vi)\b")
CENTRAL_WORDS = ("khuyen cong quoc gia", "kcqg", "trung uong", "ngan sach trung uong",
                 "quoc gia")
LOCAL_WORDS = ("khuyen cong dia phuong", "kcdp", "dia phuong", "ngan sach tinh",
               "ngan sach dia phuong")
GROUP_KINDS = {"de an nhom": "group", "nhom": "group", "de an diem": "single",
               "diem": "single", "don le": "single"}
STT_HEADERS = {"stt", "tt", "so tt", "so thu tu", "no"}
LOCATION_HEADERS = {"dia diem", "dia diem thuc hien", "dia ban", "dia ban thuc hien",
                    "noi thuc hien", "dia chi", "location"}
# a proposal's share of each fund, read from the fund sections of kcopt's annex
SHARE_HEADERS = {"central": "Kinh phí hỗ trợ KCQG", "local": "Kinh phí hỗ trợ KCĐP"}
PROVINCE_UNKNOWN = "province_unknown"  # the code of "which province is this project in?"
# headers that can mean a column of ours or something else: judged by their cells
AMBIGUOUS = {"level", "funds", "category"}


@dataclass
class Section:
    """A fund or content section, a district group, or the whole table: where it sits and what
    its row says about the rows beneath it."""

    kind: str  # "fund", "content", "district", "table", "group"
    key: str  # path element: "A", "I", "1"
    label: str
    row: int | None  # 1-based file row of its heading (None for the table)
    parent: Section | None = None
    level: str | None = None
    category: str | None = None
    district: str | None = None
    stated: dict[str, float] = field(default_factory=dict)  # amounts on its own row
    projects: list[int] = field(default_factory=list)  # 1-based rows of its projects
    children: list[Section] = field(default_factory=list)

    @property
    def path(self) -> list[str]:
        node: Section | None = self
        keys = []
        while node is not None and node.kind != "table":
            keys.append(node.key)
            node = node.parent
        return keys[::-1]

    def all_projects(self) -> list[int]:
        out = list(self.projects)
        for c in self.children:
            out += c.all_projects()
        return sorted(out)


@dataclass
class FormLayout:
    """What `adapt` found: title facts, the section tree, the subtotal rows and the project row
    of every id."""

    title: str | None = None
    agency: list[str] = field(default_factory=list)
    decision: str | None = None
    unit_text: str | None = None
    scale: float | None = None
    province: str | None = None
    level: str | None = None
    root: Section = field(default_factory=lambda: Section("table", "", "", None))
    subtotals: dict[int, Section] = field(default_factory=dict)  # row → the section it sums
    row_of: dict[str, int] = field(default_factory=dict)  # project id → 1-based file row
    columns: dict[str, int] = field(default_factory=dict)  # role → 1-based file column
    is_form: bool = False


@cache
def section_synonyms() -> dict[str, str]:
    """Folded phrase → content-type code: `data/sections.yaml` plus the rule set's names."""
    text = (resources.files("kcopt") / "data" / "sections.yaml").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for rule in load_rules().rules.values():
        for name in (rule.category, rule.name_vi, rule.name_en):
            out.setdefault(fold(name), rule.category)
    for code, phrases in (yaml.safe_load(text) or {}).items():
        for phrase in phrases:
            out[fold(phrase)] = code
    return out


def match_section(text: str) -> str | None:
    """The content type a section heading names (the longest known phrase inside it).

    >>> match_section("I. Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ")
    'machinery'
    >>> match_section("Tập huấn khuyến công"), match_section("Nuôi cá lồng") is None
    ('capacity_building', True)
    """
    key = f" {fold(text)} "
    found = [(len(p), code) for p, code in section_synonyms().items() if f" {p} " in key]
    return max(found)[1] if found else None


def nearest_sections(text: str, n: int = 3) -> list[str]:
    """The content types whose wording is closest to an unknown heading, as 'code (tên)'."""
    rules = load_rules().rules
    key = fold(text)
    best: dict[str, float] = {}
    for phrase, code in section_synonyms().items():
        ratio = difflib.SequenceMatcher(None, key, phrase).ratio()
        words = set(phrase.split())
        overlap = len(words & set(key.split())) / max(len(words), 1)
        best[code] = max(best.get(code, 0.0), ratio + overlap)
    ranked = sorted(best, key=lambda c: -best[c])[:n]
    return [f"{c} ({rules[c].name_vi})" for c in ranked if c in rules]


def fund_of(text: str) -> str | None:
    """'central' or 'local' when a text names a fund ("Khuyến công quốc gia", "Ngân sách tỉnh").

    >>> fund_of("B. KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG"), fund_of("Ngân sách trung ương")
    ('local', 'central')
    """
    key = f" {fold(text)} "
    hits = [(key.find(f" {w} "), len(w), "central") for w in CENTRAL_WORDS if f" {w} " in key]
    hits += [(key.find(f" {w} "), len(w), "local") for w in LOCAL_WORDS if f" {w} " in key]
    if not hits:
        return None
    kinds = {h[2] for h in hits}
    if len(kinds) == 2:  # "quốc gia và địa phương": both named, none chosen
        return None
    return hits[0][2]


def unit_scale(text: str) -> float | None:
    """Million VND per unit of a unit line or header ("ĐVT: đồng" → 1e-6)."""
    key = fold(text)
    m = _UNIT_LINE.match(key)
    if m:
        key = m.group(2)
    key = key.strip()
    return UNIT_SCALES.get(key)


def header_unit(header: str) -> float | None:
    """The unit a header names in brackets: 'Kinh phí (đồng)' → 1e-6."""
    m = re.search(r"\(([^()]+)\)\s*$", header)
    return UNIT_SCALES.get(fold(m.group(1))) if m else None


def province_in(text: str) -> str | None:
    """A province named in an address or a title ("xã Lạc Xuân, huyện Đơn Dương, tỉnh Lâm
    Đồng", "UBND TỈNH ĐẮK LẮK"); the last one named wins.

    >>> province_in("xã Ea Tu, huyện Cư Kuin, tỉnh Đắk Lắk")
    'Đắk Lắk'
    >>> province_in("UBND TỈNH ĐẮK LẮK"), province_in("xã Hòa Bình, huyện Krông Pắc")
    ('Đắk Lắk', None)
    """
    geo = load_geography()
    for part in reversed(re.split(r"[,;\-–/]", text)):
        key = fold(part)
        m = re.search(r"\b(tinh|thanh pho|tp)\s+(.+)$", key)
        candidates = [key] + ([m.group(0), m.group(2)] if m else [])
        for cand in candidates:
            words = cand.split()
            for k in range(len(words), 0, -1):  # "tinh dak lak nam 2026" → "dak lak"
                res = geo.resolve(" ".join(words[:k]))
                if res.name is not None and (cand is not key or k == len(words)):
                    return res.name
    return None


def _fill(cells: list[list[str]], i: int, cols: list[int]) -> list[str]:
    return [cells[i][j].strip() for j in cols if j < len(cells[i]) and cells[i][j].strip()]


class _Adapter:
    def __init__(self, raw: RawTable, province: str | None):
        assert raw.cells is not None
        self.raw = raw
        self.cells = raw.cells
        self.scenario_province = province
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.form = FormLayout()
        self.ids: dict[int, str] = {}
        self.sections: dict[int, Section] = {}
        self.unit_where = ""
        self.group_kind_col: str | None = None
        self.canon: dict[str, str] = {}
        self.closed = False  # a grand total was read: what follows is the signature block
        self.stated_subtotals: list[tuple[Section, dict[str, float], int, str]] = []
        self.proposal: str | None = None  # the support proposed, beside the support asked for

    def problem(self, message: str, row: int | None = None, column: str | None = None,
                value: object = None, fix: str = "", severity: str = "error",
                code: str = "") -> None:
        p = Problem(str(self.raw.path), message, fix, self.raw.sheet, row, column, value,
                    severity=severity, code=code)
        (self.errors if severity == "error" else self.warnings).append(p)

    def warn(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.problem(message, row, column, severity="warning")

    # --- title block -------------------------------------------------------------------------
    def title_block(self) -> None:
        f = self.form
        top = self.raw.header_rows[0] - 1 if self.raw.header_rows else 0
        for i in range(top):
            for j, text in enumerate(self.cells[i]):
                text = text.strip()
                if not text:
                    continue
                key = fold(text)
                scale = unit_scale(text) if _UNIT_LINE.match(key) else None
                if scale is not None:
                    f.unit_text, f.scale = text, scale
                    self.unit_where = cell_ref(i, j)
                elif key.startswith("kem theo"):
                    f.decision = text
                elif key.startswith(("ke hoach", "danh muc", "bieu", "tong hop", "phu luc")) \
                        and f.title is None and len(key) > 12:
                    f.title = text
                elif key.startswith(("ubnd", "uy ban", "so cong thuong", "bo cong thuong",
                                     "cuc ", "trung tam")):
                    f.agency.append(text)
        if f.scale is None:  # "Kinh phí (đồng)" over the amount columns
            for r in self.raw.header_rows:
                for j, text in enumerate(self.cells[r - 1]):
                    s = header_unit(text)
                    if (s is not None and "kinh phi" in fold(text)) or (
                            s is not None and "von" in fold(text)):
                        f.unit_text, f.scale = text.strip(), s
                        self.unit_where = cell_ref(r - 1, j)
                        break
                if f.scale is not None:
                    break
        for text in [*f.agency, f.title or ""]:
            p = province_in(text) if re.search(r"\b(tinh|thanh pho|tp)\b", fold(text)) else None
            if p:
                f.province = p
        if f.title:
            f.level = fund_of(f.title)

    # --- columns -----------------------------------------------------------------------------
    def roles(self) -> dict[str, str | None]:
        frame = self.raw.frame
        roles: dict[str, str | None] = {}
        by_canon: dict[str, str] = {}
        for h in frame.columns:
            key = fold(h)
            canon = canonical_column(h)
            if key in STT_HEADERS:
                self.form.columns["stt"] = self._col(h)
            elif key in LOCATION_HEADERS or key.startswith("dia diem"):
                self.form.columns["location"] = self._col(h)
            if canon in AMBIGUOUS:
                canon = self.judge(h, canon)
                roles[h] = canon
            if canon is not None:
                by_canon.setdefault(canon, h)
                self.form.columns.setdefault(canon, self._col(h))
        self.canon = by_canon
        self.proposal_column(roles)
        return roles

    def proposal_column(self, roles: dict[str, str | None]) -> None:
        """A form with both the support proposed ("Kinh phí hỗ trợ", per fund line) and the
        support asked for ("Kinh phí đề nghị hỗ trợ"), as kcopt's annex writes: the request is
        `requested`; the proposal and the counterpart beside it (cost less the proposal) are
        kept as the form's own columns."""
        said = [h for h in self.raw.frame.columns
                if roles.get(h, canonical_column(h)) == "requested"]
        asked = [h for h in said if "de nghi" in fold(h)]
        if len(said) < 2 or len(asked) != 1:
            return
        for h in said:
            if h not in asked:
                roles[h] = None
                self.proposal = h
        self.canon["requested"] = asked[0]
        if "counterpart" in self.canon:
            roles[self.canon.pop("counterpart")] = None

    def _col(self, header: str) -> int:
        return self.raw.columns[list(self.raw.frame.columns).index(header)]

    def judge(self, header: str, canon: str) -> str | None:
        """Read an ambiguous header by its cells: "Loại đề án" with điểm/nhóm is the kind of
        project, "Nguồn" with citations is a note, "Nội dung" with descriptions is text."""
        counts = self.raw.frame[header].astype(str).str.strip().value_counts()
        counts = counts[counts.index != ""]
        if counts.empty:
            return canon
        values = [str(v) for v in counts.index]
        weight = [int(n) for n in counts.to_numpy()]
        table = {"level": LEVELS, "funds": FUND_CHOICES,
                 "category": load_rules().category_index()}[canon]
        total = sum(weight)
        known = sum(n for v, n in zip(values, weight, strict=True) if fold(v) in table or (
            canon != "category" and fund_of(v) is not None))
        groups = sum(n for v, n in zip(values, weight, strict=True)
                     if _group_kind(v) is not None)
        if known == total:
            return canon
        col = str(header)
        if canon == "level" and groups >= total / 2:
            self.group_kind_col = header
            self.warn(_("column '{header}' gives the project type (single / group project), not "
                        "the funding level: the establishments of a group project are read from "
                        "it").format(header=header), column=col)
            return None
        if known >= total / 2:
            self.warn(_("column '{header}': {count} cell(s) cannot be read as '{code}'; the "
                        "column is still read as '{code}' (the bad cells are reported)").format(
                            header=header, count=total - known, code=canon), column=col)
            return canon
        what = {"funds": N_("citations/notes"), "level": N_("notes"),
                "category": N_("descriptions")}[canon]
        self.warn(_("column '{header}' is named like kcopt's column '{code}' but its cells hold "
                    "{what} (e.g. {example}); it is kept as an extra column, not read as "
                    "'{code}'").format(header=header, code=canon, what=_(what),
                                       example=repr(values[0][:40])), column=col)
        return None

    # --- rows --------------------------------------------------------------------------------
    def walk(self) -> list[int]:
        """Sort the rows below the header into sections, subtotals, districts and projects;
        return the 0-based grid rows of the projects."""
        f = self.form
        cols = [c - 1 for c in self.raw.columns]
        stt_c = f.columns.get("stt")
        stt_col = stt_c - 1 if stt_c else None
        name_c = f.columns.get("name")
        name_col = name_c - 1 if name_c else None
        money = {k: f.columns[k] - 1 for k in ("total_cost", "requested", "counterpart")
                 if k in f.columns}
        start = self.raw.header_rows[-1]  # 0-based first row after the header
        current: Section = f.root
        body: list[int] = []
        for i in range(start, len(self.cells)):
            skipped = self.raw.skipped.get(i + 1)
            if skipped in ("numbering", "blank"):
                continue
            filled = _fill(self.cells, i, cols)
            if not filled:
                continue
            stt = self.cells[i][stt_col].strip() if stt_col is not None else ""
            name = self.cells[i][name_col].strip() if name_col is not None else ""
            others = [v for v in filled if v not in (stt, name)]
            label = name or next((v for v in filled if v != stt), "")
            lead = _LEAD.match(label) if not stt else _LEAD.match(stt) if not name else None
            if lead:  # "I. Đào tạo nghề" in one cell (often merged across the row)
                stt, label = lead.group(1), lead.group(2)
            amounts: dict[str, float] = {}
            for k, j in money.items():
                v = parse_number_text(self.cells[i][j]) if self.cells[i][j].strip() else None
                if v is not None:
                    amounts[k] = v
            subtotal = [v for v in (stt, label) if v and _SUBTOTAL.match(fold(v))]
            if subtotal:
                scope = self.subtotal_scope(fold(subtotal[0]), current)
                f.subtotals[i + 1] = scope
                self.closed = scope is f.root
                # checked once every row is read: a "Cộng A" may stand above its block
                self.stated_subtotals.append((scope, amounts, i + 1, subtotal[0]))
                continue
            if (_LETTER.match(stt) and not _ROMAN.match(stt.rstrip(".)"))) or (
                    stt.rstrip(".)") in ("A", "B") and label):
                current = self._open_fund(stt, label, i, amounts)
                continue
            if _ROMAN.match(stt):
                current = self._open_content(stt, label, i, amounts, current)
                continue
            key = fold(label)
            # a district's group line may print its sums; a project has words to say
            words = [v for v in others if parse_number_text(v) is None]
            if _DISTRICT.match(key) and (not words or (
                    not amounts.get("total_cost") and len(others) <= 3
                    and not any(fold(v) == key for v in others))):
                current = self._open_district(stt, label, i, amounts, current)
                continue
            if self.closed and not amounts and not stt[:1].isdigit():
                continue  # the signature block below the grand total
            if not name and name_col is not None and len(filled) <= 2:
                self.warn(_("a row without a project name is skipped ({cells})").format(
                    cells=repr(" ".join(filled)[:60])), i + 1)
                continue
            self._add_project(stt, i, current)
            body.append(i)
        return body

    def _open_fund(self, stt: str, label: str, i: int, amounts: dict[str, float]) -> Section:
        """A fund part (A. national / B. local) or a lettered group of projects."""
        f = self.form
        letter = stt.rstrip(".)")
        fund = fund_of(label)
        node = Section("fund" if fund else "group", letter, label, i + 1, f.root,
                       level=fund, stated=amounts)
        if fund is None:
            self.warn(_("section {letter} '{label}' does not name its fund (national / "
                        "local industrial promotion); read as a group of projects").format(
                            letter=letter, label=label[:60]), i + 1)
        f.root.children.append(node)
        return node

    def _open_content(self, stt: str, label: str, i: int, amounts: dict[str, float],
                      current: Section) -> Section:
        """A Roman-numeral section: a content type in the regulation's wording."""
        f = self.form
        roman = stt.rstrip(".)")
        parent = current
        while parent.kind not in ("fund", "group", "table"):
            parent = parent.parent or f.root
        node = Section("content", roman, label, i + 1, parent, stated=amounts)
        node.category = match_section(label)
        if node.category is None:
            self.problem(f"mục {roman} '{label}' không khớp nội dung khuyến công nào "
                         "kcopt biết", i + 1, value=label,
                         fix="Gần nhất: " + "; ".join(nearest_sections(label))
                         + ". Viết tên mục theo đúng nội dung quy định (kcopt rules "
                         "liệt kê), hoặc thêm cột 'Nội dung' ghi mã nội dung cho từng "
                         "đề án")
        parent.children.append(node)
        return node

    def _open_district(self, stt: str, label: str, i: int, amounts: dict[str, float],
                       current: Section) -> Section:
        """A district (or commune) row grouping the projects below it."""
        f = self.form
        parent = current
        while parent.kind == "district":
            parent = parent.parent or f.root
        node = Section("district", stt or str(len(parent.children) + 1), label,
                       i + 1, parent, district=label, stated=amounts)
        parent.children.append(node)
        return node

    def _add_project(self, stt: str, i: int, current: Section) -> None:
        """A project row: its id from the section path and its number in the section."""
        f = self.form
        number = stt.rstrip(".)")
        if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.]*", number):  # blank, "-", "+", "•"
            number = str(len(current.projects) + 1)
            self.warn(_("a project without a number ({stt}): numbered {number} in its "
                        "section").format(stt=repr(stt), number=number), i + 1)
        pid = ".".join([*current.path, number])
        while pid in f.row_of:
            pid += "'"
            self.warn(_("a number repeated in the section: the project's id is {id}").format(
                id=pid), i + 1)
        f.row_of.setdefault(pid, i + 1)
        current.projects.append(i + 1)
        self.ids[i] = pid
        self.sections[i] = current

    def subtotal_scope(self, key: str, current: Section) -> Section:
        f = self.form
        words = key.split()
        if words[0] == "tong" or "a b" in key or "+" in key:
            return f.root
        tail = [w.upper() for w in words[1:] if w not in ("muc", "phan", "cong", "nhom")]
        if tail:
            target = tail[-1]
            node: Section | None = current
            while node is not None:
                if node.key == target and node.kind != "district":
                    return node
                node = node.parent
            for fund in f.root.children:
                if fund.key == target:
                    return fund
        return current

    def check_sum(self, node: Section, stated: dict[str, float], row: int, label: str) -> None:
        names = {"total_cost": N_("total cost"), "requested": N_("support requested"),
                 "counterpart": N_("counterpart funds")}
        rows = node.all_projects()
        for key, value in stated.items():
            col = self.form.columns[key] - 1
            got = sum(parse_number_text(self.cells[r - 1][col]) or 0.0 for r in rows)
            if abs(got - value) > 1e-6 * max(1.0, abs(value)):
                where = (_("section {path}").format(path=".".join(node.path))
                         if node.kind != "table" else _("the whole table"))
                self.warn(_("row '{label}' ({where}) states {what} {stated} but the {count} "
                            "project(s) below add up to {total}; kcopt uses each project's "
                            "amount").format(label=label[:40], where=where, what=_(names[key]),
                                             stated=_fmt(value), count=len(rows),
                                             total=_fmt(got)), row, self.raw.frame.columns[
                              self.raw.columns.index(col + 1)])

    def section_sums(self) -> None:
        def visit(node: Section) -> None:
            if node.kind != "table" and node.stated:
                self.check_sum(node, node.stated, node.row or 0, node.label)
            for c in node.children:
                visit(c)
        visit(self.form.root)
        for scope, stated, row, label in self.stated_subtotals:
            self.check_sum(scope, stated, row, label)

    def columns_from_sections(self, frame: pd.DataFrame, body: list[int]) -> pd.DataFrame:
        f = self.form
        if "project_id" not in self.canon:
            frame = _add(frame, "project_id", [self.ids[i] for i in body])
        if "category" not in self.canon:
            cats = []
            for i in body:
                node: Section | None = self.sections[i]
                while node is not None and node.kind != "content":
                    node = node.parent
                if node is None:
                    self.problem("đề án không nằm dưới mục nội dung nào (I, II, … ghi nội dung hỗ "
                                 "trợ) và biểu không có cột 'Nội dung'", i + 1,
                                 fix="Đặt đề án dưới một mục La Mã ghi nội dung khuyến công, hoặc "
                                 "thêm cột 'Nội dung'")
                    cats.append("")
                else:
                    cats.append(node.category or "")
            frame = _add(frame, "category", cats)
        if "level" not in self.canon:
            levels = []
            for i in body:
                node = self.sections[i]
                while node is not None and node.kind != "fund":
                    node = node.parent
                levels.append(node.level if node is not None and node.level else (f.level or ""))
            if any(levels):
                frame = _add(frame, "level", levels)
                if not any(s.kind == "fund" for s in f.root.children) and f.level:
                    self.warn((_("funding level read from the title '{title}': every project is "
                                 "national industrial promotion") if f.level == "central" else
                               _("funding level read from the title '{title}': every project is "
                                 "local industrial promotion")).format(title=f.title))
        if "province" not in self.canon:
            frame = self.provinces(frame, body)
        districts = [self._district(i) for i in body]
        if any(districts) and "Địa bàn" not in frame.columns:  # kept as a location column
            frame = _add(frame, "Địa bàn", districts)
        return frame

    def merge_fund_lines(self, frame: pd.DataFrame, body: list[int], file_rows: list[int]
                         ) -> tuple[pd.DataFrame, list[int]]:
        """A project listed under both fund sections (its KCQG share in A, its KCĐP share in
        B) is one project: its support is the sum of its lines, every other cell the first
        one given. With a proposal column, the share of each fund is kept as a column."""
        ids = frame[self.canon["project_id"]].astype(str).str.strip().tolist()
        funds = [self._fund(i) for i in body]
        support = self.proposal or self.canon.get("requested")
        lines: dict[str, list[int]] = {}
        for k, pid in enumerate(ids):
            lines.setdefault(pid, []).append(k)
        shares = {lvl: [0.0] * len(ids) for lvl in SHARE_HEADERS}
        keep = []
        frame = frame.copy()
        for pid, ks in lines.items():
            levels = [funds[k] for k in ks]
            if len(ks) > 1 and (None in levels or len(set(levels)) < len(ks)):
                keep += ks  # the same id twice in one fund: the validator reports it
                continue
            for k, level in zip(ks, levels, strict=True):
                amount = parse_number_text(str(frame[support].iat[k])) if support else None
                if level in shares:
                    shares[str(level)][ks[0]] = amount or 0.0
            keep.append(ks[0])
            if len(ks) > 1:
                self._merge(frame, pid, ks, support, file_rows)
        keep.sort()
        both = {ks[0] for ks in lines.values() if len(ks) > 1 and ks[0] in keep
                and len({funds[k] for k in ks}) > 1}
        frame = frame.iloc[keep].reset_index(drop=True)
        if both and "funds" not in self.canon:  # paid from both: the project may take both
            frame["funds"] = pd.Series(["both" if k in both else "" for k in keep], dtype=str)
        if self.proposal is not None:
            for lvl, header in SHARE_HEADERS.items():
                frame[header] = pd.Series([_number_text(shares[lvl][k]) for k in keep],
                                          dtype=str)
        return frame, [file_rows[k] for k in keep]

    def _merge(self, frame: pd.DataFrame, pid: str, ks: list[int], support: str | None,
               file_rows: list[int]) -> None:
        """The lines `ks` of project `pid` into its first line."""
        for pos, col in enumerate(frame.columns):
            values = [str(frame[col].iat[k]).strip() for k in ks]
            if col == support:
                total = sum(parse_number_text(v) or 0.0 for v in values)
                frame.iat[ks[0], pos] = _number_text(total)
                continue
            given = [v for v in values if v]
            if given:
                frame.iat[ks[0], pos] = given[0]
            if len(set(given)) > 1 and canonical_column(str(col)) is not None:
                self.warn(_("project {id} is listed under both funds with different values in "
                            "column '{column}' ({values}): the first is used").format(
                                id=pid, column=col, values=", ".join(given)),
                          file_rows[ks[1]], str(col))

    def _fund(self, i: int) -> str | None:
        node: Section | None = self.sections.get(i)
        while node is not None and node.kind != "fund":
            node = node.parent
        return node.level if node is not None else None

    def _district(self, i: int) -> str:
        node: Section | None = self.sections[i]
        while node is not None:
            if node.district:
                return node.district
            node = node.parent
        return ""

    def provinces(self, frame: pd.DataFrame, body: list[int]) -> pd.DataFrame:
        f = self.form
        loc = f.columns.get("location")
        values: list[str] = []
        sources: dict[str, list[int]] = {}
        for i in body:
            found = province_in(self.cells[i][loc - 1]) if loc else None
            if found is None:
                node: Section | None = self.sections[i]
                while node is not None and found is None:
                    if node.district:
                        found = province_in(node.district)
                    node = node.parent
            if found is not None:
                values.append(found)
                sources.setdefault("location", []).append(i + 1)
            elif f.province:
                values.append(f.province)
                sources.setdefault("title", []).append(i + 1)
            elif self.scenario_province:
                values.append(self.scenario_province)
                sources.setdefault("scenario", []).append(i + 1)
            else:
                values.append("")
                self.problem("không biết đề án thuộc tỉnh nào: biểu không có cột tỉnh, 'Địa điểm' "
                             "không ghi tỉnh và tiêu đề không ghi tỉnh", i + 1,
                             fix="Thêm 'province: <tên tỉnh>' vào kịch bản, hoặc cột 'Tỉnh/Thành "
                             "phố'", code=PROVINCE_UNKNOWN)
        said = {"location": _("the column 'Địa điểm'"),
                "title": _("the title ({agency})").format(agency="; ".join(f.agency[:1])),
                "scenario": _("the scenario's 'province:' key")}
        for src, rows in sources.items():
            shown = ", ".join(map(str, rows[:8])) + (" …" if len(rows) > 8 else "")
            provs = sorted({values[body.index(r - 1)] for r in rows})
            self.warn(_("the table has no province column: the province of {count} project(s) "
                        "({provinces}) is read from {source} (rows {rows})").format(
                            count=len(rows), provinces=", ".join(provs), source=said[src],
                            rows=shown))
        return _add(frame, "province", values)

    def flat_provinces(self, frame: pd.DataFrame, file_rows: list[int]) -> pd.DataFrame:
        """A list with ids and content types but no province column: each project's province
        from its 'Địa điểm' cell, else the province given for the list (the scenario's
        `province:` or `--province`); a project with neither is left blank (and reported)."""
        loc = next((h for h in frame.columns if fold(h) in LOCATION_HEADERS
                    or fold(h).startswith("dia diem")), None)
        if loc is None and not self.scenario_province:
            return frame
        cells = frame[loc].astype(str).tolist() if loc else [""] * len(frame)
        found = [province_in(c) if c.strip() else None for c in cells]
        values = [p or self.scenario_province or "" for p in found]
        given = self.scenario_province is not None
        pairs = list(zip(file_rows, found, strict=True))
        named = ", ".join(sorted(set(filter(None, values))))
        for source, rows in ((_("the column 'Địa điểm'"), [r for r, p in pairs if p]),
                             (_("the province given for the list"),
                              [r for r, p in pairs if not p and given])):
            if rows:
                shown = ", ".join(map(str, rows[:8])) + (" …" if len(rows) > 8 else "")
                self.warn(_("the table has no province column: the province of {count} "
                            "project(s) ({provinces}) is read from {source} (rows {rows})").format(
                                count=len(rows), provinces=named, source=source, rows=shown))
        return _add(frame, "province", values)

    def establishments(self, frame: pd.DataFrame, file_rows: list[int]) -> pd.DataFrame:
        """Group projects: the count from a count column, else from "đề án nhóm N cơ sở" in
        the name or the project-kind column; a group project without a count is warned."""
        kind_col = self.group_kind_col
        n = len(frame)
        names = frame[self.canon["name"]].astype(str) if "name" in self.canon else \
            pd.Series([""] * n, index=frame.index)
        kinds = frame[kind_col].astype(str) if kind_col else pd.Series([""] * n,
                                                                      index=frame.index)
        count_col = self.canon.get("establishments")
        given = frame[count_col].astype(str).str.strip() if count_col else \
            pd.Series([""] * n, index=frame.index)
        # fold (slow) only the rows that may say "nhóm" (any case, NFC or NFD)
        maybe = (names.str.contains(r"(?i)nh.{0,2}m", regex=True)
                 | kinds.str.contains(r"(?i)nh.{0,2}m", regex=True)).to_numpy(bool)
        if not maybe.any():
            return frame
        counts: list[str] = list(given)
        filled = False
        for pos in map(int, np.flatnonzero(maybe)):
            name, kind, g = str(names.iat[pos]), str(kinds.iat[pos]), str(given.iat[pos])
            group = _group_kind(kind) == "group" or "de an nhom" in fold(name)
            found = group_count(kind, name) if group else None
            if not group or (g and g != "1"):
                continue
            if found is None:
                self.warn("đề án nhóm không ghi số cơ sở (cột 'Số đề án / Số cơ sở' hoặc "
                          "'… N cơ sở' trong tên): tính như một cơ sở", file_rows[pos])
                continue
            counts[pos] = str(found)
            filled = True
            if g == "1":
                self.warn(_("a group project states 1 establishment but its name/type says "
                            "{count}: {count} is used").format(count=found), file_rows[pos],
                          count_col)
        if not filled:
            return frame
        if count_col:
            frame = frame.copy()
            frame[count_col] = counts
            return frame
        return _add(frame, "establishments", counts)


def _number_text(x: float) -> str:
    """An amount as a cell's text, exactly (the reader parses it back).

    >>> _number_text(300.0), _number_text(78324.7273)
    ('300', '78324.7273')
    """
    return repr(int(x)) if float(x).is_integer() else repr(float(x))


def _group_kind(value: str) -> str | None:
    key = fold(value)
    for words, kind in GROUP_KINDS.items():
        if key == words or key.startswith(words + " "):
            return kind
    return None


def group_count(*texts: str) -> int | None:
    """An establishment count written in a name or a type ("Đề án nhóm 4 cơ sở").

    >>> group_count("Đề án nhóm ứng dụng máy dệt cho 4 cơ sở"), group_count("Máy sấy")
    (4, None)
    """
    for text in texts:
        m = _COUNT_IN_TEXT.search(fold(text))
        if m and int(m.group(1)) >= 1:
            return int(m.group(1))
    return None


def _fmt(x: float) -> str:
    """An amount as the sheet writes it, grouped the way of the language in use."""
    return num(x, 2)


def adapt(raw: RawTable, province: str | None = None) -> tuple[RawTable, FormLayout]:
    """Read an official annex's section rows and title into columns. A table that already has
    project ids and content types passes through with only its unit line and ambiguous headers
    read."""
    if raw.cells is None:  # a table built in code, not read from a sheet
        return raw, FormLayout()
    a = _Adapter(raw, province)
    a.title_block()
    roles = a.roles()
    form = a.form
    form.is_form = "project_id" not in a.canon or "category" not in a.canon
    frame = raw.frame
    file_rows = raw.file_rows
    if form.is_form:
        body = a.walk()
        a.section_sums()
        cols = [c - 1 for c in raw.columns]
        frame = pd.DataFrame([[a.cells[i][j] for j in cols] for i in body],
                             columns=list(raw.frame.columns), dtype=str)
        file_rows = [i + 1 for i in body]
        if not body:
            a.problem("không tìm thấy đề án nào dưới các mục của biểu", raw.header_rows[-1] + 1,
                      fix="Mỗi đề án một dòng, có STT và tên đề án")
        frame = a.columns_from_sections(frame, body)
        if "project_id" in a.canon:  # the form's own codes name the rows
            form.row_of = {}
            for pid, r in zip(frame[a.canon["project_id"]].astype(str).str.strip(), file_rows,
                              strict=True):
                form.row_of.setdefault(pid, r)
            frame, file_rows = a.merge_fund_lines(frame, body, file_rows)
            roles.update({h: None for h in SHARE_HEADERS.values() if h in frame})
    elif "province" not in a.canon:
        frame = a.flat_provinces(frame, file_rows)
    frame = a.establishments(frame, file_rows)
    if a.errors:
        raise InputError(a.errors, raw.notes + a.warnings)
    if form.scale is not None and form.scale != 1.0:
        a.warn(_("the table states its unit '{unit}' ({cell}): every amount in it is converted "
                 "to million VND (× {factor})").format(unit=form.unit_text, cell=a.unit_where,
                                                       factor=num(form.scale, 9)))
    skipped = dict(raw.skipped)
    skipped.update({r: "subtotal" for r in form.subtotals})
    notes = raw.notes
    if form.is_form:  # one line for the structure instead of a note per section row
        nodes = _nodes(form.root)
        structural = {n.row for n in nodes} | set(form.subtotals)
        notes = [n for n in notes if n.row not in structural or not n.message.startswith(
            ("merged cells", "section heading", "subtotal row"))]
        kinds = [n.kind for n in nodes]
        notes.append(Problem(
            str(raw.path), f"đọc theo mẫu phụ lục: {kinds.count('fund')} mục nguồn kinh phí, "
            f"{kinds.count('content')} mục nội dung, {kinds.count('district')} dòng địa bàn, "
            f"{len(form.subtotals)} dòng cộng, {len(file_rows)} đề án; mã đề án "
            + ("từ cột mã" if "project_id" in a.canon else "theo mục và STT") + " (vd. "
            + ", ".join(list(form.row_of)[:2]) + ")", sheet=raw.sheet,
            severity="warning"))
    out = replace(raw, frame=frame, file_rows=file_rows, notes=notes + a.warnings,
                  roles={**raw.roles, **roles}, skipped=skipped,
                  money_scale=form.scale if form.scale is not None else raw.money_scale)
    return out, form


def _nodes(node: Section) -> list[Section]:
    out = [node] if node.row is not None else []
    for c in node.children:
        out += _nodes(c)
    return out


def _add(frame: pd.DataFrame, name: str, values: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    frame[name] = pd.Series(values, index=frame.index, dtype=str)
    return frame


