"""The columns an official annex form keeps in its section rows and title: each project's id,
content type, fund, province and district, read from the sections above it (`io.formwalk`),
and the province of each project of a flat list that has ids and content types but no province
column.
"""

from __future__ import annotations

import pandas as pd

from kcopt.core.text import fold
from kcopt.core.words import _
from kcopt.io.formlayout import (
    LOCATION_HEADERS,
    PROVINCE_UNKNOWN,
    Section,
    province_in,
    province_of_unit,
)
from kcopt.io.formplaces import Place, ambiguous, inferred, place_of, unit_header
from kcopt.io.formstate import FormState, add_column
from kcopt.io.formvocab import match_content, nearest_sections
from kcopt.rules.rates import load_rules


def columns_from_sections(st: FormState, frame: pd.DataFrame, body: list[int]) -> pd.DataFrame:
    """The columns the table lacks (`project_id`, `category`, `level`, `province`), read from
    the section of each project row in `body` (0-based grid rows), and the district rows kept
    as a location column 'Địa bàn'."""
    if "project_id" not in st.canon:
        frame = add_column(frame, "project_id", [st.ids[i] for i in body])
    if "category" not in st.canon:
        frame = add_column(frame, "category", _categories(st, body))
    if "level" not in st.canon:
        frame = _levels(st, frame, body)
    if "province" not in st.canon:
        frame = section_provinces(st, frame, body)
    districts = [st.district_at(i) for i in body]
    if any(districts) and "Địa bàn" not in frame.columns:  # kept as a location column
        frame = add_column(frame, "Địa bàn", districts)
    return frame


def _categories(st: FormState, body: list[int]) -> list[str]:
    """Each project's content type, from the content section above it; under a section whose
    title names no type (a catch-all such as "PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN") or only
    suggests one, from the project's own name when that names one."""
    cats = []
    unknown: dict[int, tuple[Section, list[int]]] = {}
    for i in body:
        node: Section | None = st.sections[i]
        while node is not None and node.kind != "content":
            node = node.parent
        if node is None:
            cats.append(_outside_sections(st, i))
            continue
        code = node.category if not node.guessed else None
        if code is None:
            code = _from_name(st, i, node)
        if code is None and node.category is None:
            unknown.setdefault(id(node), (node, []))[1].append(i + 1)
        cats.append(code or node.category or "")
    for node, rows in unknown.values():
        _unnamed_section(st, node, rows)
    return cats


def _outside_sections(st: FormState, i: int) -> str:
    """The content type of a project (grid row `i`) under no content section, in a list with
    no content column: the one its name names for sure ("Đề án Hỗ trợ ứng dụng máy móc, thiết
    bị tiên tiến vào sản xuất cốm", as an approval decision lists them), reported; else a
    problem asking for a section or a column."""
    col = st.form.columns.get("name")
    name = st.cells[i][col - 1].strip() if col else ""
    found = match_content(name) if name else None
    if found is not None and found.sure:
        st.warn(_("project '{name}' is under no content section: content type {code} ({type}) "
                  "read from its name (the words {words})").format(
                      name=name[:50], code=found.code,
                      type=load_rules().rules[found.code].name_vi,
                      words=", ".join(f"'{w}'" for w in found.words)), i + 1)
        return found.code
    st.problem(_("the project is under no content section (I, II, … naming the support "
                 "content), its name names no content type for sure, and the form has no "
                 "'Nội dung' column"), i + 1,
               fix=_("Put the project under a roman-numeral section naming its content type, "
                     "or add a 'Nội dung' column"))
    return ""


def _from_name(st: FormState, i: int, node: Section) -> str | None:
    """The content type a project's name (grid row `i`) names under section `node` whose
    title names none (any reading, reported) or only suggests one (a sure reading only)."""
    col = st.form.columns.get("name")
    name = st.cells[i][col - 1].strip() if col else ""
    found = match_content(name) if name else None
    if found is None or (node.guessed and not found.sure) or found.code == node.category:
        return None
    st.warn(_("project '{name}' under section {key} '{label}': content type {code} ({type}) "
              "read from its name (the words {words})").format(
                  name=name[:50], key=node.key, label=node.label[:50], code=found.code,
                  type=load_rules().rules[found.code].named(),
                  words=", ".join(f"'{w}'" for w in found.words)), i + 1)
    return found.code


def _unnamed_section(st: FormState, node: Section, rows: list[int]) -> None:
    """A section whose title and project names name no content type: the error names the
    scenario line that maps it."""
    near = nearest_sections(node.label)
    code = near[0].split()[0] if near else "machinery"
    line = "sections: {" + f'"{node.label}": {code}' + "}"
    shown = ", ".join(map(str, rows[:8])) + (" …" if len(rows) > 8 else "")
    st.problem(_("section {key} '{label}' names no content type kcopt knows, nor do the names "
                 "of its {count} project(s) (rows {rows})").format(
                     key=node.key, label=node.label, count=len(rows), rows=shown),
               node.row, value=node.label,
               fix=_("Nearest: {nearest}. Add this line to the scenario (with the content type "
                     "the section holds; `kcopt rules` lists them): {line} (with `kcopt init`: "
                     "--section \"{title}={code}\")").format(
                         nearest="; ".join(near), line=line, title=node.label, code=code))


def _levels(st: FormState, frame: pd.DataFrame, body: list[int]) -> pd.DataFrame:
    """Each project's fund, from the fund section above it or else the title."""
    f = st.form
    levels = []
    for i in body:
        node: Section | None = st.sections[i]
        while node is not None and node.kind != "fund":
            node = node.parent
        levels.append(node.level if node is not None and node.level else (f.level or ""))
    if any(levels):
        frame = add_column(frame, "level", levels)
        if not any(s.kind == "fund" for s in f.root.children) and f.level:
            st.warn((_("funding level read from the title '{title}': every project is "
                       "national industrial promotion") if f.level == "central" else
                     _("funding level read from the title '{title}': every project is "
                       "local industrial promotion")).format(title=f.title))
    return frame


def section_provinces(st: FormState, frame: pd.DataFrame, body: list[int]
                      ) -> pd.DataFrame:
    """Each project's province: from its 'Địa điểm' cell or a district row above it; else,
    when the title names no province, a pre-2025 district or commune named in 'Địa điểm' or
    the implementing unit (`place_of`); else, under a title naming one, the implementing
    unit's name before the title's; else the scenario's (`province:`). One warning per source
    says where."""
    loc = st.form.columns.get("location")
    unit = unit_header(list(st.raw.frame.columns))
    unit_col = st.col(unit) if unit else None
    values: list[str] = []
    sources: dict[str, list[int]] = {}
    for i in body:
        place = _row_place(st, i, st.cells[i][loc - 1] if loc else "",
                           st.cells[i][unit_col - 1] if unit_col else "")
        values.append(place.province or "")
        if place.province:
            sources.setdefault(place.source, []).append(i + 1)
    _say_sources(st, sources, {i + 1: v for i, v in zip(body, values, strict=True)}, unit)
    return add_column(frame, "province", values)


def _row_place(st: FormState, i: int, location: str, unit: str) -> Place:
    """The province of grid row `i` and where it was read (see `section_provinces`); a row
    with none is reported (an ambiguous place as the question naming every candidate)."""
    found = province_in(location) if location else None
    node: Section | None = st.sections[i]
    while found is None and node is not None:
        found = province_in(node.district) if node.district else None
        node = node.parent
    if found is not None:
        return Place(found, "location")
    if st.form.province is None:
        place = place_of(location, unit, st.scenario_province)
        if place.province is not None:
            inferred(st, place, location, i + 1)
            return place
        if place.found is not None:
            ambiguous(st, place, location, i + 1)
            return Place(None, "")
    else:
        by_unit = province_of_unit(unit) if unit else None
        if by_unit is not None and not _under_district(st, i):
            return Place(by_unit, "unit")
        return Place(st.form.province, "title")
    if st.scenario_province:
        return Place(st.scenario_province, "scenario")
    st.problem("không biết đề án thuộc tỉnh nào: biểu không có cột tỉnh, 'Địa điểm' "
               "không ghi tỉnh và tiêu đề không ghi tỉnh", i + 1,
               fix="Thêm 'province: <tên tỉnh>' vào kịch bản, hoặc cột 'Tỉnh/Thành "
               "phố'", code=PROVINCE_UNKNOWN)
    return Place(None, "")


def _say_sources(st: FormState, sources: dict[str, list[int]], value_at: dict[int, str],
                 unit: str | None) -> None:
    """One warning per source of the provinces read (file rows → province in `value_at`)."""
    said = {"location": _("the column 'Địa điểm'"),
            "title": _("the title ({agency})").format(agency="; ".join(st.form.agency[:1])),
            "scenario": _("the scenario's 'province:' key"),
            "gazetteer": _("the district or commune named in the column 'Địa điểm' (the "
                           "units before the 2025 reform)"),
            "unit": _("the implementing unit (column '{header}')").format(header=unit)}
    for src, rows in sources.items():
        shown = ", ".join(map(str, rows[:8])) + (" …" if len(rows) > 8 else "")
        provs = sorted({value_at[r] for r in rows})
        st.warn(_("the table has no province column: the province of {count} project(s) "
                  "({provinces}) is read from {source} (rows {rows})").format(
                      count=len(rows), provinces=", ".join(provs), source=said[src],
                      rows=shown))


def _under_district(st: FormState, i: int) -> bool:
    """Whether a district row above grid row `i` names a province."""
    node: Section | None = st.sections[i]
    while node is not None:
        if node.district and province_in(node.district):
            return True
        node = node.parent
    return False


def flat_provinces(st: FormState, frame: pd.DataFrame, file_rows: list[int]) -> pd.DataFrame:
    """A list with ids and content types but no province column: each project's province
    from its 'Địa điểm' cell (a province, else a district or commune named there) or its
    implementing unit, else the province given for the list (the scenario's `province:` or
    `--province`); under a title naming a province, from its 'Địa điểm' cell, else its
    implementing unit's name, else the title's (as a form with sections is read); a project
    with none is left blank (and reported)."""
    loc = next((h for h in frame.columns if fold(h) in LOCATION_HEADERS
                or fold(h).startswith("dia diem")), None)
    unit = unit_header(list(frame.columns))
    if loc is None and unit is None and not st.scenario_province and st.form.province is None:
        return frame
    cells = frame[loc].astype(str).tolist() if loc else [""] * len(frame)
    units = frame[unit].astype(str).tolist() if unit else [""] * len(frame)
    found = [province_in(c) if c.strip() else None for c in cells]
    values: list[str] = []
    sources: dict[str, list[int]] = {}
    for k, (r, p) in enumerate(zip(file_rows, found, strict=True)):
        place = Place(p, "location") if p else place_of(cells[k], units[k], st.scenario_province) \
            if st.form.province is None else _titled(st, units[k])
        if place.province is None and place.found is not None:
            ambiguous(st, place, cells[k], r)
        elif place.province is None and st.scenario_province:
            place = Place(st.scenario_province, "scenario")
        inferred(st, place, cells[k], r)
        values.append(place.province or "")
        if place.province:
            sources.setdefault(place.source, []).append(r)
    said = {"location": _("the column 'Địa điểm'"),
            "scenario": _("the province given for the list"),
            "gazetteer": _("the district or commune named in the column 'Địa điểm' (the "
                           "units before the 2025 reform)"),
            "unit": _("the implementing unit (column '{header}')").format(header=unit),
            "title": _("the title ({agency})").format(agency="; ".join(st.form.agency[:1]))}
    value_at = dict(zip(file_rows, values, strict=True))
    for source, rows in sources.items():
        shown = ", ".join(map(str, rows[:8])) + (" …" if len(rows) > 8 else "")
        named = ", ".join(sorted({value_at[r] for r in rows}))
        st.warn(_("the table has no province column: the province of {count} "
                  "project(s) ({provinces}) is read from {source} (rows {rows})").format(
                      count=len(rows), provinces=named, source=said[source], rows=shown))
    return add_column(frame, "province", values)


def _titled(st: FormState, unit: str) -> Place:
    """Under a title naming a province, a row whose place names none: the province its
    implementing unit's name holds, else the title's (as in a form with sections)."""
    by_unit = province_of_unit(unit) if unit.strip() else None
    return Place(by_unit, "unit") if by_unit else Place(st.form.province, "title")
