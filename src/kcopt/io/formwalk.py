"""The section walk of an official annex form: each row below the header is a fund section
("A. KINH PHÍ KHUYẾN CÔNG QUỐC GIA"), a content section ("I. Đào tạo nghề"), a district row, a
subtotal ("Cộng", "Tổng cộng"), a project or the signature block below the grand total.

`walk` builds the `Section` tree and names each project by its section path and STT (`B.I.3`);
`section_sums` then checks every amount a section or subtotal row states against the projects
beneath it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kcopt.core.parse import parse_number_text
from kcopt.core.text import fold
from kcopt.core.words import N_, _, num
from kcopt.io.formlayout import (
    DISTRICT,
    DISTRICT_LEAD,
    LEAD,
    LETTER,
    ROMAN,
    Section,
    fund_of,
    is_group_line,
)
from kcopt.io.formstate import FormState
from kcopt.io.formvocab import match_content
from kcopt.io.layout import _SUBTOTAL
from kcopt.rules.rates import load_rules

_SUB = re.compile(r"^(\d+)\.(\d+)[.)]?$")  # "1.1": a row numbered beneath row "1"


@dataclass(frozen=True)
class _Grid:
    """Where a row's cells are: the 0-based grid columns of the table, of its STT and name
    columns and of its amounts."""

    cols: list[int]
    stt: int | None
    name: int | None
    money: dict[str, int]  # amount column → grid column

    @classmethod
    def of(cls, st: FormState) -> _Grid:
        f = st.form
        stt_c = f.columns.get("stt")
        name_c = f.columns.get("name")
        money: dict[str, int] = {k: f.columns[k] - 1 for k in ("total_cost", "requested",
                                                               "counterpart") if k in f.columns}
        return cls([c - 1 for c in st.raw.columns], stt_c - 1 if stt_c else None,
                   name_c - 1 if name_c else None, money)


@dataclass
class _Row:
    """One filled row below the header, as the walk reads it."""

    i: int  # 0-based grid row
    stt: str
    name: str
    label: str  # the name, else the first filled cell; "I. Đào tạo nghề" split from its key
    filled: list[str]
    others: list[str]  # the filled cells besides the STT and the name
    amounts: dict[str, float]
    led: bool = False  # the STT read from the head of the name cell ("1. Huyện Long Hồ")


def walk(st: FormState) -> list[int]:
    """Sort the rows below the header into sections, subtotals, districts and projects;
    return the 0-based grid rows of the projects. A numbered row followed by rows numbered
    beneath it ("1" then "1.1", "1.2") heads them: a group line's establishments when it is
    one ("Đề án nhóm …", "7 đề án …"), else a heading whose rows are the projects."""
    grid = _Grid.of(st)
    current: Section = st.form.root
    body: list[int] = []
    last: _Row | None = None  # the project row just read
    beneath: set[int] = set()  # the headings whose rows are numbered beneath them ("2.1")
    for i in range(st.raw.header_rows[-1], len(st.cells)):  # the rows after the header
        row = _read_row(st, grid, i)
        if row is None:
            continue
        if last is not None and _member(st, row, last):
            continue
        sub = _SUB.match(row.stt)
        if last is not None and sub and sub.group(1) == last.stt.rstrip(".)"):
            current = _heading(st, last, current, body)
        if sub and sub.group(1) == current.key and current.kind in ("heading", "district"):
            beneath.add(id(current))  # "2 | Phường Cao Lãnh" over "2.1", "2.2"
        elif id(current) in beneath and re.fullmatch(r"\d+[.)]?", row.stt):
            current = current.parent or st.form.root  # "3" after "2.2": the next item
        current, project = _place(st, row, current, grid.name is not None)
        last = row if project else None
        if project:
            body.append(i)
    return body


def _member(st: FormState, row: _Row, last: _Row) -> bool:
    """Whether `row` lists one establishment of the group line `last` ("1.1", "-" under
    "Đề án nhóm: … 3 cơ sở"); its amounts are kept to check against the line's."""
    sub = _SUB.match(row.stt)
    numbered = sub is not None and sub.group(1) == last.stt.rstrip(".)")
    if not (numbered or row.stt in ("-", "+", "–", "•")) or not is_group_line(last.name):
        return False
    members = st.members.setdefault(last.i, {})
    members["count"] = members.get("count", 0.0) + 1
    for k, v in row.amounts.items():
        members[k] = members.get(k, 0.0) + v
    return True


def _heading(st: FormState, last: _Row, current: Section, body: list[int]) -> Section:
    """The project row `last` is the heading of the rows numbered beneath it: no longer a
    project; its amounts are a subtotal, checked against theirs."""
    f = st.form
    body.remove(last.i)
    section = st.sections.pop(last.i)
    section.projects.remove(last.i + 1)
    f.row_of.pop(st.ids.pop(last.i), None)
    label = last.name or last.label
    if DISTRICT.match(fold(label)):
        return open_district(st, last.stt.rstrip(".)"), label, last.i, last.amounts, section)
    node = Section("heading", last.stt.rstrip(".)"), label, last.i + 1, section,
                   stated=last.amounts)
    section.children.append(node)
    return node


def _read_row(st: FormState, grid: _Grid, i: int) -> _Row | None:
    """Grid row `i`'s STT, name, label and amounts; None for a blank or numbering row."""
    skipped = st.raw.skipped.get(i + 1)
    if skipped in ("numbering", "blank"):
        return None
    filled = _fill(st.cells, i, grid.cols)
    if not filled:
        return None
    stt = st.cells[i][grid.stt].strip() if grid.stt is not None else ""
    name = st.cells[i][grid.name].strip() if grid.name is not None else ""
    others = [v for v in filled if v not in (stt, name)]
    label = name or next((v for v in filled if v != stt), "")
    district = DISTRICT_LEAD.match(name) if name and not stt else None
    lead = LEAD.match(label) if not stt else LEAD.match(stt) if not name else None
    if lead:  # "I. Đào tạo nghề" in one cell (often merged across the row)
        stt, label = lead.group(1), lead.group(2)
    amounts: dict[str, float] = {}
    for k, j in grid.money.items():
        v = parse_number_text(st.cells[i][j]) if st.cells[i][j].strip() else None
        if v is not None:
            amounts[k] = v
    row = _Row(i, stt, name, label, filled, others, amounts)
    if district and DISTRICT.match(fold(district.group(2))):  # "1. Huyện Long Hồ", STT empty
        led = replace(row, stt=district.group(1), label=district.group(2), led=True)
        if _is_district(led):  # else a project whose name starts so, read as before
            return led
    return row


def _place(st: FormState, row: _Row, current: Section, named: bool) -> tuple[Section, bool]:
    """What `row` is: the section it opens (the new current section) and whether it is a
    project, added under `current`. `named`: the table has a name column."""
    stt, label, i, amounts = row.stt, row.label, row.i, row.amounts
    subtotal = [v for v in (stt, label) if v and _SUBTOTAL.match(fold(v))]
    if subtotal:
        _subtotal_row(st, subtotal[0], i, amounts, current)
        return current, False
    if row.led:  # "1. Huyện Long Hồ", "II. Thị xã …" in the name cell: a district row
        return open_district(st, stt, label, i, amounts, current), False
    if (LETTER.match(stt) and not ROMAN.match(stt.rstrip(".)"))) or (
            stt.rstrip(".)") in ("A", "B") and label):
        return open_fund(st, stt, label, i, amounts), False
    if ROMAN.match(stt):
        return open_content(st, stt, label, i, amounts, current), False
    if _is_district(row):
        return open_district(st, stt, label, i, amounts, current), False
    if st.closed and not amounts and not stt[:1].isdigit():
        return current, False  # the signature block below the grand total
    if not row.name and named and len(row.filled) <= 2:
        st.warn(_("a row without a project name is skipped ({cells})").format(
            cells=repr(" ".join(row.filled)[:60])), i + 1)
        return current, False
    add_project(st, stt, i, current)
    return current, True


def _subtotal_row(st: FormState, text: str, i: int, amounts: dict[str, float],
                  current: Section) -> None:
    """A "Cộng …" row: the section it sums, checked once every row is read (a "Cộng A" may
    stand above its block)."""
    f = st.form
    scope = subtotal_scope(st, fold(text), current)
    f.subtotals[i + 1] = scope
    st.closed = scope is f.root
    st.stated_subtotals.append((scope, amounts, i + 1, text))


def _is_district(row: _Row) -> bool:
    """A district's group line may print its sums; a project has words to say."""
    key = fold(row.label)
    if not DISTRICT.match(key):
        return False
    words = [v for v in row.others if parse_number_text(v) is None]
    return (not words or (
        not row.amounts.get("total_cost") and len(row.others) <= 3
        and not any(fold(v) == key for v in row.others)))


def open_fund(st: FormState, stt: str, label: str, i: int, amounts: dict[str, float]) -> Section:
    """A fund part (A. national / B. local) or a lettered group of projects."""
    f = st.form
    letter = stt.rstrip(".)")
    fund = fund_of(label)
    node = Section("fund" if fund else "group", letter, label, i + 1, f.root,
                   level=fund, stated=amounts)
    if fund is None:
        st.warn(_("section {letter} '{label}' does not name its fund (national / "
                  "local industrial promotion); read as a group of projects").format(
                      letter=letter, label=label[:60]), i + 1)
    f.root.children.append(node)
    return node


def open_content(st: FormState, stt: str, label: str, i: int, amounts: dict[str, float],
                 current: Section) -> Section:
    """A Roman-numeral section: a content type in the regulation's wording."""
    f = st.form
    roman = stt.rstrip(".)")
    parent = current
    while parent.kind not in ("fund", "group", "table"):
        parent = parent.parent or f.root
    node = Section("content", roman, label, i + 1, parent, stated=amounts)
    given = st.section_codes.get(fold(label))
    found = match_content(label)
    if given is not None:
        node.category = given
        st.warn(_("section {key} '{label}' is read as content type {code}, as the scenario's "
                  "'sections:' says").format(key=roman, label=label[:60], code=given), i + 1)
    elif found is not None:
        node.category, node.guessed = found.code, not found.sure
        if not found.sure:
            st.warn(_("section {key} '{label}' does not use the regulation's wording: read as "
                      "content type {code} ({name}) from the words {words}").format(
                          key=roman, label=label[:60], code=found.code,
                          name=load_rules().rules[found.code].named(),
                          words=", ".join(f"'{w}'" for w in found.words)), i + 1)
    parent.children.append(node)
    return node


def open_district(st: FormState, stt: str, label: str, i: int, amounts: dict[str, float],
                  current: Section) -> Section:
    """A district (or commune) row grouping the projects below it."""
    f = st.form
    parent = current
    while parent.kind == "district":
        parent = parent.parent or f.root
    node = Section("district", stt or str(len(parent.children) + 1), label,
                   i + 1, parent, district=label, stated=amounts)
    parent.children.append(node)
    return node


def add_project(st: FormState, stt: str, i: int, current: Section) -> None:
    """A project row: its id from the section path and its number in the section."""
    f = st.form
    number = stt.rstrip(".)")
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.]*", number):  # blank, "-", "+", "•"
        number = str(len(current.projects) + 1)
        st.warn(_("a project without a number ({stt}): numbered {number} in its "
                  "section").format(stt=repr(stt), number=number), i + 1)
    pid = ".".join([*current.path, number])
    while pid in f.row_of:
        pid += "'"
        st.warn(_("a number repeated in the section: the project's id is {id}").format(
            id=pid), i + 1)
    f.row_of.setdefault(pid, i + 1)
    current.projects.append(i + 1)
    st.ids[i] = pid
    st.sections[i] = current


def subtotal_scope(st: FormState, key: str, current: Section) -> Section:
    """The section a subtotal row (folded text `key`) sums: the whole table for "Tổng cộng"
    or "A + B", the section it names ("Cộng mục II"), else the current one."""
    f = st.form
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


def check_sum(st: FormState, node: Section, stated: dict[str, float], row: int,
              label: str) -> None:
    """Warn when an amount row `row` states for `node` differs from the sum of its projects."""
    names = {"total_cost": N_("total cost"), "requested": N_("support requested"),
             "counterpart": N_("counterpart funds")}
    rows = node.all_projects()
    for key, value in stated.items():
        col = st.form.columns[key] - 1
        got = sum(parse_number_text(st.cells[r - 1][col]) or 0.0 for r in rows)
        if abs(got - value) > 1e-6 * max(1.0, abs(value)):
            where = (_("section {path}").format(path=".".join(node.path))
                     if node.kind != "table" else _("the whole table"))
            st.warn(_("row '{label}' ({where}) states {what} {stated} but the {count} "
                      "project(s) below add up to {total}; kcopt uses each project's "
                      "amount").format(label=label[:40], where=where, what=_(names[key]),
                                       stated=_fmt(value), count=len(rows),
                                       total=_fmt(got)), row, st.raw.frame.columns[
                        st.raw.columns.index(col + 1)])


def section_sums(st: FormState) -> None:
    """Check the amounts every section heading and every subtotal row states."""
    def visit(node: Section) -> None:
        if node.kind != "table" and node.stated:
            check_sum(st, node, node.stated, node.row or 0, node.label)
        for c in node.children:
            visit(c)
    visit(st.form.root)
    for scope, stated, row, label in st.stated_subtotals:
        check_sum(st, scope, stated, row, label)
    for i, members in st.members.items():
        _member_sums(st, i, members)


def _member_sums(st: FormState, i: int, members: dict[str, float]) -> None:
    """Warn when the rows listed under group line `i` add up to other amounts than it states."""
    for key, col in _Grid.of(st).money.items():
        if key not in members:
            continue
        stated = parse_number_text(st.cells[i][col]) if st.cells[i][col].strip() else None
        if stated is not None and abs(stated - members[key]) > 1e-6 * max(1.0, abs(stated)):
            st.warn(_("the {count} establishment row(s) under this group line add up to "
                      "{total}, the line states {stated}; kcopt uses the line").format(
                          count=int(members["count"]), total=_fmt(members[key]),
                          stated=_fmt(stated)), i + 1)


def _fill(cells: list[list[str]], i: int, cols: list[int]) -> list[str]:
    return [cells[i][j].strip() for j in cols if j < len(cells[i]) and cells[i][j].strip()]


def _fmt(x: float) -> str:
    """An amount as the sheet writes it, grouped the way of the language in use."""
    return num(x, 2)
