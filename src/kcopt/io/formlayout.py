"""The official annex form's records and vocabulary: what a form reader finds and the words it
knows them by.

`Section` and `FormLayout` are what `io.form.adapt` returns about a form: its title facts, its
tree of fund, content and district sections, its subtotal rows and the file row of every
project. The rest are the form's words, folded (`core.text.fold`): unit lines ("ĐVT: triệu
đồng"), fund names ("Khuyến công quốc gia", "Ngân sách tỉnh"), content-section headings in the
regulation's wording or a province's own (`io.formvocab`), provinces named in an address, a
title or an implementing unit, and the establishment count of a group project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kcopt.core.geo import load_geography
from kcopt.core.text import fold
from kcopt.io.formvocab import match_section as match_section
from kcopt.io.formvocab import nearest_sections as nearest_sections
from kcopt.io.formvocab import section_synonyms as section_synonyms

UNIT_SCALES = {"trieu dong": 1.0, "trd": 1.0, "tr dong": 1.0, "trieu": 1.0,
               "million vnd": 1.0, "dong": 1e-6, "vnd": 1e-6, "vn dong": 1e-6,
               "nghin dong": 1e-3, "ngan dong": 1e-3, "thousand vnd": 1e-3, "1000 dong": 1e-3,
               "ty dong": 1e3, "billion vnd": 1e3}
UNIT_NAMES = {1.0: "triệu đồng", 1e-6: "đồng", 1e-3: "nghìn đồng", 1e3: "tỷ đồng"}
# the row labels of a form: unit line, fund letter, content numeral, "I. heading" in one cell
UNIT_LINE = re.compile(r"^(dvt|don vi tinh|don vi|unit)\s+(.+)$")
LETTER = re.compile(r"^([A-H])[.)]?$")
ROMAN = re.compile(r"^(I{1,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XVI{0,3}|XIX|XX)[.)]?$")
LEAD = re.compile(r"^([A-H]|[IVX]{1,5})[.)/]\s+(\S.*)$")
# a district, commune or (in a consolidated national list) province row grouping projects
DISTRICT = re.compile(r"^(huyen|thi xa|tx|thanh pho|tp|quan|thi tran|tt|xa|phuong|dia ban|tinh) "
                      r"\S+( \S+){0,3}$")
# a district row numbered in its name cell: "1. Huyện Long Hồ", "a) Xã Long Phước", "II Thị xã
# Bình Minh" (the rest is a district or commune heading, `DISTRICT` once folded)
DISTRICT_LEAD = re.compile(r"^(\d{1,3}|[A-Za-z]|[IVXivx]{1,5})(?:\s*[.)]\s*|\s+)(\S.*)$")
# a group line's count at the head of its name: "7 đề án hỗ trợ …", "02 đề án: …"
GROUP_LINE = re.compile(r"^0*([1-9]\d{0,3}) (de an|chuong trinh|du an)\b")
_COUNT_IN_TEXT = re.compile(r"(\d+)\s*(co so|doanh nghiep|dn|ho|hop tac xa|htx|don vi)\b")
CENTRAL_WORDS = ("khuyen cong quoc gia", "kcqg", "trung uong", "ngan sach trung uong",
                 "quoc gia")
LOCAL_WORDS = ("khuyen cong dia phuong", "kcdp", "dia phuong", "ngan sach tinh",
               "ngan sach dia phuong")
GROUP_KINDS = {"de an nhom": "group", "nhom": "group", "de an diem": "single",
               "diem": "single", "don le": "single"}
STT_HEADERS = {"stt", "tt", "so tt", "so thu tu", "no"}
# the unit in charge of a project, whose name often holds its province
UNIT_HEADERS = {"don vi thuc hien", "don vi chu tri", "don vi chu tri thuc hien",
                "co quan thuc hien", "co quan chu tri", "don vi trien khai"}
_AGENCY = re.compile(
    r"^(trung tam (khuyen cong|kc)( va (xuc tien thuong mai|xttm|tu van phat trien cong "
    r"nghiep))?|so cong thuong|ubnd|uy ban nhan dan|cong thuong)( (tinh|thanh pho|tp))? (.+)$")
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

    kind: str  # "fund", "content", "district", "heading" (over "1.1", "1.2"), "table", "group"
    key: str  # path element: "A", "I", "1"
    label: str
    row: int | None  # 1-based file row of its heading (None for the table)
    parent: Section | None = None
    level: str | None = None
    category: str | None = None
    guessed: bool = False  # the category read from the title's keywords, not its wording
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
    # a budget estimate's programme management cost (million VND), set aside from the budget
    # of the form's fund before the allocation, and the rows stating it
    programme_cost: float = 0.0
    programme_rows: list[int] = field(default_factory=list)
    # each subtotal row's printed amounts: (section it sums, amounts, 1-based row, its words)
    printed: list[tuple[Section, dict[str, float], int, str]] = field(default_factory=list)


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
    m = UNIT_LINE.match(key)
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


def province_of_unit(text: str) -> str | None:
    """The province an implementing unit's name holds ("Sở Công Thương Bình Định",
    "Trung tâm Khuyến công tỉnh Quảng Nam"), old provinces read as the merged one.

    >>> province_of_unit("Sở Công Thương Bình Định"), province_of_unit("Trung tâm Khuyến công")
    ('Gia Lai', None)
    """
    found = province_in(text)
    if found is not None:
        return found
    m = _AGENCY.match(fold(text))
    return load_geography().resolve(m.group(7)).name if m else None


def group_kind(value: str) -> str | None:
    """'group' or 'single' when a project-type cell says "Đề án nhóm" or "Đề án điểm"."""
    key = fold(value)
    for words, kind in GROUP_KINDS.items():
        if key == words or key.startswith(words + " "):
            return kind
    return None


def is_group_line(name: str) -> bool:
    """Whether a project's name is a group line ("Đề án nhóm: …", "7 đề án …").

    >>> is_group_line("02 đề án: ứng dụng máy dệt"), is_group_line("Máy sấy cà phê")
    (True, False)
    """
    key = fold(name)
    return "de an nhom" in key or GROUP_LINE.match(key) is not None


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
