"""Official annex layout: the facts a planner's form keeps outside the columns.

Provincial Departments of Industry and Trade and the Ministry publish project lists as annexes
to a Quyết định: a title block (agency, national motto, title, "(Kèm theo Quyết định số …)",
"ĐVT: triệu đồng"), fund sections "A. KINH PHÍ KHUYẾN CÔNG QUỐC GIA" / "B. … ĐỊA PHƯƠNG",
Roman-numeral content sections in the regulation's wording, projects numbered 1, 2, 3 within
each section, district group rows, "Cộng …" subtotal rows. The project id, content type, fund
and often the province are not columns: they live in the title and the section rows.

`adapt` reads those facts into columns (`project_id` from the section path and STT, e.g.
`B.I.3`; `category` from the content section through the vocabulary of
`data/content_vocabulary.yaml` (`io.formvocab`); `level` from the fund section or the title;
`province` from "Địa điểm", the implementing unit, the title or the scenario), reads the unit
line, sorts ambiguous headers by what their cells hold, and cross-checks every subtotal it
skips against the rows beneath it.

The reading is in steps, each in its own module of this stage: `io.formlayout` (the records
`FormLayout` and `Section`, and the form's vocabulary), `io.formstate` (what one reading has
found), `io.formhead` (title block, unit, header roles), `io.formwalk` (the section walk and the
subtotal checks), `io.formcolumns` (columns from the sections; provinces of a flat list) and
`io.formlines` (fund lines merged, establishments of group projects). The names this module
always offered are still importable from it.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from kcopt.core.errors import InputError, Problem
from kcopt.core.said import Num, say
from kcopt.core.text import fold
from kcopt.core.words import N_, _, num
from kcopt.io.estimate import is_estimate, read_estimate
from kcopt.io.formcolumns import columns_from_sections, flat_provinces
from kcopt.io.formhead import content_codes, fund_codes, read_roles, read_title
from kcopt.io.formlayout import (
    AMBIGUOUS,
    CENTRAL_WORDS,
    GROUP_KINDS,
    LOCAL_WORDS,
    LOCATION_HEADERS,
    PROVINCE_UNKNOWN,
    SHARE_HEADERS,
    STT_HEADERS,
    UNIT_NAMES,
    UNIT_SCALES,
    FormLayout,
    Section,
    fund_of,
    group_count,
    header_unit,
    match_section,
    nearest_sections,
    province_in,
    section_synonyms,
    unit_scale,
)
from kcopt.io.formlines import establishments, merge_fund_lines
from kcopt.io.formstate import FormState
from kcopt.io.formsupport import costs_from_support
from kcopt.io.formwalk import section_sums, walk
from kcopt.io.read import RawTable

__all__ = ["AMBIGUOUS", "CENTRAL_WORDS", "GROUP_KINDS", "LOCAL_WORDS", "LOCATION_HEADERS",
           "PROVINCE_UNKNOWN", "SHARE_HEADERS", "STT_HEADERS", "UNIT_NAMES", "UNIT_SCALES",
           "FormLayout", "Section", "adapt", "fund_of", "group_count", "header_unit",
           "match_section", "nearest_sections", "province_in", "section_synonyms",
           "unit_scale"]


def adapt(raw: RawTable, province: str | None = None,
          sections: dict[str, str] | None = None) -> tuple[RawTable, FormLayout]:
    """Read an official annex's section rows and title into columns. A table that already has
    project ids and content types passes through with only its unit line and ambiguous headers
    read. `province` is the province of a list that names none; `sections` maps a section
    title that names no content type to one (the scenario's `sections:`)."""
    if raw.cells is None:  # a table built in code, not read from a sheet
        return raw, FormLayout()
    st = FormState(raw, province, sections)
    read_title(st)
    form = st.form
    estimate = is_estimate(st)
    roles = {} if estimate else read_roles(st)
    form.is_form = estimate or "project_id" not in st.canon or "category" not in st.canon
    frame = raw.frame
    file_rows = raw.file_rows
    if estimate:
        frame, file_rows = read_estimate(st)
        roles = {h: None for h in raw.frame.columns}
    elif form.is_form:
        frame, file_rows = _read_sections(st, roles)
    elif "province" not in st.canon:
        frame = flat_provinces(st, frame, file_rows)
    frame = fund_codes(st, content_codes(st, frame, file_rows), file_rows)
    frame = establishments(st, frame, file_rows)
    if form.is_form:
        frame = costs_from_support(st, frame, file_rows)
    if st.errors:
        raise InputError(st.errors, raw.notes + st.warnings)
    if form.scale is not None and form.scale != 1.0:
        st.warn(_("the table states its unit '{unit}' ({cell}): every amount in it is converted "
                  "to million VND (× {factor})").format(unit=form.unit_text, cell=st.unit_where,
                                                        factor=num(form.scale, 9)))
    skipped = dict(raw.skipped)
    skipped.update({r: "subtotal" for r in form.subtotals})
    notes = _structure_notes(st, len(file_rows)) if form.is_form and not estimate \
        else raw.notes
    out = replace(raw, frame=frame, file_rows=file_rows, notes=notes + st.warnings,
                  roles={**raw.roles, **roles}, skipped=skipped,
                  money_scale=form.scale if form.scale is not None else raw.money_scale)
    return out, form


def _read_sections(st: FormState, roles: dict[str, str | None]
                   ) -> tuple[pd.DataFrame, list[int]]:
    """A form's project rows (found by the section walk) as a table with the columns read from
    its sections, a project listed under both funds merged into one row; and their file rows."""
    raw, form = st.raw, st.form
    body = walk(st)
    section_sums(st)
    form.printed = st.stated_subtotals
    _unused_sections(st)
    cols = [c - 1 for c in raw.columns]
    frame = pd.DataFrame([[st.cells[i][j] for j in cols] for i in body],
                         columns=list(raw.frame.columns), dtype=str)
    file_rows = [i + 1 for i in body]
    if not body:
        st.problem("không tìm thấy đề án nào dưới các mục của biểu", raw.header_rows[-1] + 1,
                   fix="Mỗi đề án một dòng, có STT và tên đề án")
    frame = columns_from_sections(st, frame, body)
    if "project_id" in st.canon:  # the form's own codes name the rows
        form.row_of = {}
        for pid, r in zip(frame[st.canon["project_id"]].astype(str).str.strip(), file_rows,
                          strict=True):
            form.row_of.setdefault(pid, r)
        frame, file_rows = merge_fund_lines(st, frame, body, file_rows)
        roles.update({h: None for h in SHARE_HEADERS.values() if h in frame})
    return frame, file_rows


def _unused_sections(st: FormState) -> None:
    """A title of the scenario's `sections:` that heads no section of this form (a typo, or
    another form's) is said, not silently ignored."""
    titles = {fold(n.label) for n in _nodes(st.form.root) if n.kind == "content"}
    for key in st.section_codes:
        if key not in titles:
            st.warn(_("the scenario's 'sections:' names '{title}', which heads no section of "
                      "this table").format(title=st.section_titles[key]))


def _structure_notes(st: FormState, projects: int) -> list[Problem]:
    """The reader's notes without one per section, district or subtotal row, and one line for
    the structure instead."""
    raw, form = st.raw, st.form
    nodes = _nodes(form.root)
    structural = {n.row for n in nodes} | set(form.subtotals)
    # a note's English message (the reader's notes are said in the language in use)
    notes = [n for n in raw.notes if n.row not in structural or not str(
        getattr(n.message, "msgid", n.message)).startswith(
        ("merged cells", "section heading", "subtotal row"))]
    kinds = [n.kind for n in nodes]
    notes.append(Problem(str(raw.path), say(
        N_("read as an official annex: {funds} fund sections, {contents} content sections, "
           "{districts} district rows, {subtotals} subtotal rows, {projects} projects; project "
           "ids {how} (e.g. {ids})"), funds=kinds.count("fund"),
        contents=kinds.count("content"), districts=kinds.count("district"),
        subtotals=len(form.subtotals), projects=Num(projects),
        how=say(N_("from the id column")) if "project_id" in st.canon
        else say(N_("by section and number")), ids=list(form.row_of)[:2]),
        sheet=raw.sheet, severity="warning"))
    return notes


def _nodes(node: Section) -> list[Section]:
    out = [node] if node.row is not None else []
    for c in node.children:
        out += _nodes(c)
    return out
