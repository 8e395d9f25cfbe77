"""A budget estimate (dự toán) by content line, as provinces and the Ministry publish it.

"STT | Nội dung | Số chương trình, đề án | Kinh phí hỗ trợ | Ghi chú", under a title block
("DỰ TOÁN KINH PHÍ KHUYẾN CÔNG QUỐC GIA NĂM 2026", "ĐVT: đồng"): one line per content type with
its count of projects and their support, a "Chi phí quản lý triển khai đề án" line and a
"Tổng cộng" row. It names no project, so each content line is read as projects:

- a content type whose ceiling is per establishment (machinery, pollution treatment) is one
  group line: `establishments` = the count, so its cap is the ceiling × the count (up to any
  group ceiling), as a group project's;
- a content type whose ceiling is per model, event or other unit (a demonstration model) is
  the count's projects, each an equal share of the line's support (to the đồng, the remainder
  on the first ones), each under its own ceiling;
- a content type without a ceiling is one line;
- the programme management line is not a project: its amount is kept as the form's
  `programme_cost`, which the run sets aside from the fund's budget before the allocation
  (`pipeline`); the "Tổng cộng" row is checked against the lines and that cost.

Each line states only its support: its total cost is read by `io.formsupport`. Its fund is the
title's ("… KHUYẾN CÔNG QUỐC GIA"), its province the title's or the scenario's `province:`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kcopt.core.parse import parse_number_text
from kcopt.core.text import fold
from kcopt.core.vocabulary import ESTIMATE_COLUMNS, canonical_column
from kcopt.core.words import _, num
from kcopt.io.formlayout import PROVINCE_UNKNOWN, STT_HEADERS, match_section, nearest_sections
from kcopt.io.formstate import FormState
from kcopt.rules.rates import PER_ESTABLISHMENT, load_rules

# a line that is the programme's own cost, not projects (folded)
MANAGEMENT_WORDS = ("chi phi quan ly", "quan ly trien khai", "quan ly chuong trinh",
                    "kinh phi quan ly")


@dataclass
class _Line:
    """One content line: its file row, STT, text, count and support (in the sheet's unit)."""

    row: int
    stt: str
    text: str
    count: int
    support: float
    note: str


def is_estimate(st: FormState) -> bool:
    """A table headed like a budget estimate: content, count and support, no project names."""
    found = {canonical_column(h) for h in st.raw.frame.columns}
    return found >= ESTIMATE_COLUMNS and not found & {"project_id", "name", "total_cost"}


def read_estimate(st: FormState) -> tuple[pd.DataFrame, list[int]]:
    """The estimate's content lines as projects (canonical columns), and their file rows."""
    raw, form = st.raw, st.form
    heads = {canonical_column(h): h for h in reversed(list(raw.frame.columns))}
    stt = next((h for h in raw.frame.columns if fold(h) in STT_HEADERS), None)
    if stt is not None:
        heads["stt"] = stt
    if form.level is None:
        st.warn(_("the budget estimate's title names no fund (national / local industrial "
                  "promotion): its lines are read as local"))
    note_col = next((h for h in raw.frame.columns if fold(h).startswith("ghi chu")), None)
    lines: list[_Line] = []
    for k, row in enumerate(raw.file_rows):
        line = _line(st, raw.frame.iloc[k], heads, note_col, row)
        if line is None:
            continue
        if any(w in fold(line.text) for w in MANAGEMENT_WORDS):
            form.programme_cost += line.support * (form.scale or 1.0)
            form.programme_rows.append(row)
            st.warn(_("'{text}' is the programme's management cost ({amount}), not a project: "
                      "it is set aside from the budget before the allocation").format(
                          text=line.text[:60], amount=num(line.support, 2)), row)
            continue
        lines.append(line)
    _check_total(st, heads["requested"], lines)
    rows: list[dict[str, str]] = []
    file_rows: list[int] = []
    for line in lines:
        for rec in _projects(st, line):
            rows.append(rec)
            file_rows.append(line.row)
    if not rows:
        st.problem(_("the budget estimate has no content line with an amount"),
                   raw.header_rows[-1] + 1,
                   fix=_("One line per content type, with its count and its support"))
    columns = ["project_id", "name", "category", "level", "province", "establishments",
               "requested", "note"]
    frame = pd.DataFrame(rows, columns=columns, dtype=str)
    frame = frame.rename(columns={"note": note_col}) if note_col else frame.drop(columns="note")
    _province(st, frame, file_rows)
    st.warn(_("read as a budget estimate by content line: {lines} content line(s), {projects} "
              "project(s), programme management cost {cost} million VND").format(
                  lines=len(lines), projects=len(rows), cost=num(form.programme_cost, 6)))
    st.canon = {c: c for c in ("project_id", "name", "category", "level", "province",
                               "establishments", "requested")}
    form.row_of = {pid: r for pid, r in zip(frame["project_id"], file_rows, strict=True)}
    return frame, file_rows


def _line(st: FormState, cells: pd.Series, heads: dict[str | None, str], note_col: str | None,
          row: int) -> _Line | None:
    """One row of the estimate, or None for a row with no amount (a heading)."""
    text = str(cells[heads["category"]]).strip()
    amount = str(cells[heads["requested"]]).strip()
    stt = str(cells[heads["stt"]]).strip() if "stt" in heads else ""
    support = parse_number_text(amount) if amount else None
    if support is None:
        if amount:
            st.problem(_("the support '{value}' is not an amount").format(value=amount), row,
                       heads["requested"], amount)
        return None
    count_text = str(cells[heads["establishments"]]).strip()
    count = parse_number_text(count_text, thousands=False) if count_text else None
    is_cost = any(w in fold(text) for w in MANAGEMENT_WORDS)
    if not is_cost and (count is None or count < 1 or not float(count).is_integer()):
        if count_text:
            st.problem(_("the number of projects '{value}' is not a whole number").format(
                value=count_text), row, heads["establishments"], count_text)
        else:
            st.warn(_("the line states no number of projects: read as one"), row)
        count = 1.0
    note = str(cells[note_col]).strip() if note_col else ""
    return _Line(row, stt.rstrip(".)") or str(row), text, int(count or 1), support, note)


def _projects(st: FormState, line: _Line) -> list[dict[str, str]]:
    """The projects a content line stands for (a group line, or the count's equal shares)."""
    category = match_section(line.text)
    if category is None:
        st.problem(_("the content line '{text}' names no content type kcopt knows").format(
            text=line.text[:80]), line.row, value=line.text,
            fix=_("Nearest: {types}. Write the content in the regulation's words "
                  "(`kcopt rules` lists them)").format(types="; ".join(nearest_sections(
                      line.text))))
        return []
    base = {"project_id": f"DT.{line.stt}", "name": line.text, "category": category,
            "level": st.form.level or "", "province": "", "establishments": str(line.count),
            "requested": _text(line.support), "note": line.note}
    level = load_rules().national(category, st.form.level or "local")
    unit = level.level.unit if level is not None else None
    per_unit = level is not None and level.level.ceiling is not None and \
        unit not in PER_ESTABLISHMENT
    if line.count == 1 or not per_unit:
        if line.count > 1 and level is not None and level.level.ceiling is not None:
            st.warn(_("content line {stt}: {count} projects read as one group line (the "
                      "ceiling is per establishment × {count})").format(
                          stt=line.stt, count=line.count), line.row)
        elif line.count > 1:
            st.warn(_("content line {stt}: {count} projects read as one line (the content "
                      "type has no ceiling)").format(stt=line.stt, count=line.count), line.row)
        return [base]
    step = 1e-6 / (st.form.scale or 1.0)  # one đồng in the sheet's unit
    dong = round(line.support / step)
    shares = [dong // line.count + (1 if j < dong % line.count else 0)
              for j in range(line.count)]
    st.warn(_("content line {stt}: {count} projects, each under its own ceiling ({unit}): "
              "read as {count} projects of an equal share of {support}").format(
                  stt=line.stt, count=line.count, unit=unit or "", support=num(line.support, 2)),
            line.row)
    return [{**base, "project_id": f"DT.{line.stt}.{j + 1}", "establishments": "1",
             "name": f"{line.text} ({j + 1}/{line.count})", "requested": _text(s * step)}
            for j, s in enumerate(shares)]


def _check_total(st: FormState, column: str, lines: list[_Line]) -> None:
    """The "Tổng cộng" row against the lines and the management cost."""
    raw = st.raw
    j = raw.columns[list(raw.frame.columns).index(column)] - 1
    read = sum(x.support for x in lines) + st.form.programme_cost / (st.form.scale or 1.0)
    for row, why in sorted(raw.skipped.items()):
        value = parse_number_text(st.cells[row - 1][j]) if why == "subtotal" and \
            st.cells[row - 1][j].strip() else None
        if value is not None and abs(value - read) > 1e-6 * max(1.0, abs(value)):
            st.warn(_("row '{label}' states {stated} but the content lines and the "
                      "management cost add up to {total}; kcopt uses each line").format(
                          label=next((c.strip() for c in st.cells[row - 1] if c.strip() and
                                      parse_number_text(c) is None), "")[:40],
                          stated=num(value, 2), total=num(read, 2)), row, column)


def _province(st: FormState, frame: pd.DataFrame, file_rows: list[int]) -> None:
    """Every line's province: the title's, else the scenario's."""
    province = st.form.province or st.scenario_province
    if province is None:
        st.problem(_("the budget estimate does not say its province: neither its title nor the "
                     "scenario names one"), file_rows[0] if file_rows else None,
                   fix=_("Add 'province: <province>' to the scenario"), code=PROVINCE_UNKNOWN)
        return
    frame["province"] = province
    source = _("the title ({agency})").format(agency="; ".join(st.form.agency[:1])) \
        if st.form.province else _("the scenario's 'province:' key")
    st.warn(_("the table has no province column: the province of {count} project(s) "
              "({provinces}) is read from {source} (rows {rows})").format(
                  count=len(frame), provinces=province, source=source,
                  rows=", ".join(map(str, sorted(set(file_rows))[:8]))))


def _text(x: float) -> str:
    return repr(round(x)) if abs(x - round(x)) < 1e-9 else repr(round(x, 9))
