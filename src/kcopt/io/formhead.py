"""The head of an official annex form: its title block and its header row.

The title block (agency, title, "(Kèm theo Quyết định số …)", "ĐVT: triệu đồng") gives the
form's unit, its province and, in the title, its fund; a unit may instead be written over the
amount columns ("Kinh phí (đồng)"). Headers that may mean a column of kcopt's or something else
("Loại đề án", "Nguồn", "Nội dung") are judged by the cells beneath them, and a form with both
the support proposed and the support asked for keeps the proposal as its own column.
"""

from __future__ import annotations

import re

import pandas as pd

from kcopt.core.text import fold
from kcopt.core.vocabulary import FUND_CHOICES, LEVELS, canonical_column
from kcopt.core.words import N_, _
from kcopt.io.formlayout import (
    AMBIGUOUS,
    LOCATION_HEADERS,
    STT_HEADERS,
    UNIT_HEADERS,
    UNIT_LINE,
    fund_of,
    group_kind,
    header_unit,
    province_in,
    unit_scale,
)
from kcopt.io.formstate import FormState
from kcopt.io.formvocab import match_content
from kcopt.io.sheets import cell_ref
from kcopt.rules.rates import load_rules


def read_title(st: FormState) -> None:
    """The title block's facts (unit, decision, title, agency), the unit over the amount
    columns when the block states none, and the province and fund the agency and title name."""
    f = st.form
    _title_lines(st)
    if f.scale is None:  # "Kinh phí (đồng)" over the amount columns
        _unit_in_headers(st)
    for text in [*f.agency, f.decision or "", f.title or ""]:
        p = province_in(text) if re.search(r"\b(tinh|thanh pho|tp)\b", fold(text)) else None
        if p:
            f.province = p
    if f.title:
        f.level = fund_of(f.title)


def _title_lines(st: FormState) -> None:
    f = st.form
    top = st.raw.header_rows[0] - 1 if st.raw.header_rows else 0
    for i in range(top):
        for j, text in enumerate(st.cells[i]):
            text = text.strip()
            if not text:
                continue
            key = fold(text)
            scale = unit_scale(text) if UNIT_LINE.match(key) else None
            if scale is not None:
                f.unit_text, f.scale = text, scale
                st.unit_where = cell_ref(i, j)
            elif key.startswith("kem theo"):
                f.decision = text
            elif key.startswith(("ke hoach", "danh muc", "bieu", "tong hop", "phu luc",
                                 "du toan")) \
                    and f.title is None and len(key) > 12:
                f.title = text
            elif key.startswith(("ubnd", "uy ban", "so cong thuong", "bo cong thuong",
                                 "cuc ", "trung tam")) or (
                    f.agency and key.startswith(("tinh ", "thanh pho "))):
                # a decision's agency on two lines: "ỦY BAN NHÂN DÂN" / "TỈNH VĨNH LONG"
                f.agency.append(text)


def _unit_in_headers(st: FormState) -> None:
    f = st.form
    for r in st.raw.header_rows:
        for j, text in enumerate(st.cells[r - 1]):
            s = header_unit(text)
            if (s is not None and "kinh phi" in fold(text)) or (
                    s is not None and "von" in fold(text)):
                f.unit_text, f.scale = text.strip(), s
                st.unit_where = cell_ref(r - 1, j)
                break
        if f.scale is not None:
            break


def read_roles(st: FormState) -> dict[str, str | None]:
    """The role of each header (ambiguous ones judged by their cells), the file column of each
    column kcopt knows (`FormLayout.columns`) and the first header of each (`st.canon`)."""
    frame = st.raw.frame
    roles: dict[str, str | None] = {}
    by_canon: dict[str, str] = {}
    for h in frame.columns:
        key = fold(h)
        canon = canonical_column(h)
        if key in STT_HEADERS:
            st.form.columns["stt"] = st.col(h)
        elif key in LOCATION_HEADERS or key.startswith("dia diem"):
            st.form.columns["location"] = st.col(h)
        elif key in UNIT_HEADERS:
            st.form.columns.setdefault("unit", st.col(h))
        if canon in AMBIGUOUS:
            canon = judge(st, h, canon)
            roles[h] = canon
        if canon is not None:
            by_canon.setdefault(canon, h)
            st.form.columns.setdefault(canon, st.col(h))
    st.canon = by_canon
    proposal_column(st, roles)
    return roles


def proposal_column(st: FormState, roles: dict[str, str | None]) -> None:
    """A form with both the support proposed ("Kinh phí hỗ trợ", per fund line) and the
    support asked for ("Kinh phí đề nghị hỗ trợ"), as kcopt's annex writes: the request is
    `requested`; the proposal and the counterpart beside it (cost less the proposal) are
    kept as the form's own columns."""
    said = [h for h in st.raw.frame.columns
            if roles.get(h, canonical_column(h)) == "requested"]
    asked = [h for h in said if "de nghi" in fold(h)]
    if len(said) < 2 or len(asked) != 1:
        return
    for h in said:
        if h not in asked:
            roles[h] = None
            st.proposal = h
    st.canon["requested"] = asked[0]
    if "counterpart" in st.canon:
        roles[st.canon.pop("counterpart")] = None


def judge(st: FormState, header: str, canon: str) -> str | None:
    """Read an ambiguous header by its cells: "Loại đề án" with điểm/nhóm is the kind of
    project, "Nguồn" with citations is a note, "Nội dung" with descriptions is text."""
    counts = st.raw.frame[header].astype(str).str.strip().value_counts()
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
                 if group_kind(v) is not None)
    exact = sum(n for v, n in zip(values, weight, strict=True) if fold(v) in table)
    if known == total:
        if exact < total:  # "Kinh phí KCQG năm 2026": a fund named in a phrase
            st.fund_words[header] = canon
        return canon
    if canon == "category" and all(match_content(v) is not None for v in values):
        st.content_words = header  # every cell names a content type in its own words
        return canon
    col = str(header)
    if canon == "level" and groups >= total / 2:
        st.group_kind_col = header
        st.warn(_("column '{header}' gives the project type (single / group project), not "
                  "the funding level: the establishments of a group project are read from "
                  "it").format(header=header), column=col)
        return None
    if known >= total / 2 and fold(header) != "nguon":  # a bare "Nguồn" is a source if mixed
        st.warn(_("column '{header}': {count} cell(s) cannot be read as '{code}'; the "
                  "column is still read as '{code}' (the bad cells are reported)").format(
                      header=header, count=total - known, code=canon), column=col)
        return canon
    what = {"funds": N_("citations/notes"), "level": N_("notes"),
            "category": N_("descriptions")}[canon]
    st.warn(_("column '{header}' is named like kcopt's column '{code}' but its cells hold "
              "{what} (e.g. {example}); it is kept as an extra column, not read as "
              "'{code}'").format(header=header, code=canon, what=_(what),
                                 example=repr(values[0][:40])), column=col)
    return None


def fund_codes(st: FormState, frame: pd.DataFrame, file_rows: list[int]) -> pd.DataFrame:
    """A fund or level column whose cells name the fund in a phrase ("Kinh phí KCQG năm
    2026") as codes; each phrase read is reported once, with its rows."""
    if not st.fund_words:
        return frame
    frame = frame.copy()
    for header, canon in st.fund_words.items():
        if header not in frame:
            continue
        table = LEVELS if canon == "level" else FUND_CHOICES
        cells = frame[header].astype(str).str.strip().tolist()
        read = {v: fund_of(v) for v in set(cells) if v and fold(v) not in table}
        for text, code in read.items():
            rows = [r for v, r in zip(cells, file_rows, strict=True) if v == text]
            shown = ", ".join(map(str, rows[:8])) + (" …" if len(rows) > 8 else "")
            st.warn(_("column '{header}': '{text}' is read as '{code}' (rows {rows})").format(
                header=header, text=text[:60], code=code, rows=shown), column=str(header))
        frame[header] = [read.get(v) or v for v in cells]
    return frame


def content_codes(st: FormState, frame: pd.DataFrame, file_rows: list[int]) -> pd.DataFrame:
    """A content column in a province's own words ("Hỗ trợ ứng dụng máy móc thiết bị tiên
    tiến") as content-type codes; each wording read is reported once, with its rows."""
    header = st.content_words
    if header is None or header not in frame:
        return frame
    index = load_rules().category_index()
    cells = frame[header].astype(str).str.strip()
    codes: list[str] = []
    read: dict[tuple[str, str], list[int]] = {}
    for text, row in zip(cells, file_rows, strict=True):
        found = match_content(text) if text and fold(text) not in index else None
        codes.append(found.code if found else text)
        if found:
            read.setdefault((text, found.code), []).append(row)
    for (text, code), rows in read.items():
        shown = ", ".join(map(str, rows[:8])) + (" …" if len(rows) > 8 else "")
        st.warn(_("column '{header}': '{text}' is read as content type {code} ({name}) "
                  "(rows {rows})").format(header=header, text=text[:60], code=code,
                                          name=load_rules().rules[code].named(), rows=shown),
                column=str(header))
    frame = frame.copy()
    frame[header] = pd.Series(codes, index=frame.index, dtype=str)
    return frame
