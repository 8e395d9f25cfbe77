"""What kcopt understood of a planner's form, laid out as the planner would check it against the
paper: per section, the content type chosen and why (the words of the heading that matched),
how many projects, group projects and structure rows (district lines, subtotals) it holds, and
the amounts read against the sums the file prints (equal, or the difference).

`understood(projects)` gives the rows (a record per section and one for the whole table);
`understood_text(projects)` lays them out as a text table for `kcopt validate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kcopt.core.text import fold
from kcopt.core.words import N_, _, num
from kcopt.inputs.schema import Projects
from kcopt.io.formlayout import UNIT_NAMES, FormLayout, Section, section_synonyms
from kcopt.rules.rates import load_rules

AMOUNTS = {"total_cost": N_("total cost"), "requested": N_("support requested"),
           "counterpart": N_("counterpart funds")}
_TOLERANCE = 1e-6  # million VND: below a đồng
_FILLER = {"ho", "tro", "va", "cho", "cac", "trong", "ve", "tai", "o", "cua", "de"}  # "hỗ trợ …"


@dataclass
class SectionRead:
    """One section as read: where it is, what it was read as and what it holds."""

    path: str  # "B.I", "" for the whole table
    label: str
    kind: str  # "fund", "content", "group", "table"
    row: int | None
    category: str | None = None
    why: str = ""  # the words that chose the content type
    projects: int = 0
    groups: int = 0  # projects of more than one establishment
    structure: int = 0  # district lines and subtotal rows inside it
    read: dict[str, float] = field(default_factory=dict)  # million VND, summed from projects
    printed: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # (row, amount)


def matched_words(label: str, code: str | None = None) -> str | None:
    """The words of a heading that name its content type, as the heading writes them: the
    longest known phrase inside it; else, when the reader chose `code` another way (its
    keywords), the heading's words found in that type's phrases.

    >>> matched_words("I. HỖ TRỢ MÁY MÓC, THIẾT BỊ CHO CƠ SỞ")
    'MÁY MÓC, THIẾT BỊ'
    >>> matched_words("Hỗ trợ đào tạo cho thợ mới", "training")
    'đào tạo'
    """
    key = f" {fold(label)} "
    synonyms = section_synonyms()
    found = [p for p in synonyms if f" {p} " in key and (code is None or synonyms[p] == code)]
    words = label.split()
    folded = [fold(w) for w in words]
    if found:
        phrase = max(found, key=len).split()
        for i in range(len(words)):
            got: list[str] = []
            for j in range(i, len(words)):
                got += folded[j].split()
                if got == phrase:
                    return " ".join(words[i:j + 1]).strip(" ,.;:-")
                if got != phrase[:len(got)]:
                    break
        return " ".join(phrase)
    if code is None:
        return None
    known = {w for p, c in synonyms.items() if c == code for w in p.split()} - _FILLER
    picked = [w.strip(" ,.;:-") for w, f in zip(words, folded, strict=True)
              if f and set(f.split()) <= known]
    return " ".join(picked) or None


def understood(projects: Projects) -> list[SectionRead]:
    """A record per fund, group and content section of the form, then one for the table."""
    form = projects.form
    if form is None:
        return []
    frame = projects.frame
    at = {r: i for i, r in enumerate(projects.file_rows)}
    subtotal_rows: dict[int, Section] = dict(form.subtotals)
    out: list[SectionRead] = []

    def visit(node: Section) -> None:
        if node.kind in ("fund", "content", "group"):
            out.append(_record(node, form, frame, at, subtotal_rows))
        for c in node.children:
            visit(c)

    visit(form.root)
    out.append(_record(form.root, form, frame, at, subtotal_rows))
    return out


def _record(node: Section, form: FormLayout, frame: pd.DataFrame, at: dict[int, int],
            subtotal_rows: dict[int, Section]) -> SectionRead:
    rows = [at[r] for r in node.all_projects() if r in at]
    part = frame.iloc[rows]
    rec = SectionRead(".".join(node.path), node.label, node.kind, node.row, node.category)
    if node.kind == "content":
        rec.why = matched_words(node.label, node.category) or ""
    rec.projects = len(part)
    if "establishments" in part:
        rec.groups = int((part["establishments"].fillna(1).to_numpy(float) > 1).sum())
    inside = _descendants(node)
    rec.structure = sum(1 for n in inside if n.kind == "district") + sum(
        1 for s in subtotal_rows.values() if s is node or s in inside)
    scale = form.scale if form.scale is not None else 1.0
    for key in AMOUNTS:
        if key in part:
            rec.read[key] = float(np.nansum(part[key].to_numpy(float)))
    for key, value in node.stated.items():
        rec.printed.setdefault(key, []).append((node.row or 0, value * scale))
    for scope, stated, row, _label in form.printed:
        if scope is node:
            for key, value in stated.items():
                rec.printed.setdefault(key, []).append((row, value * scale))
    return rec


def _descendants(node: Section) -> list[Section]:
    out: list[Section] = []
    for c in node.children:
        out += [c, *_descendants(c)]
    return out


def compare(rec: SectionRead, key: str) -> str:
    """'equal' or how the sum of the projects differs from each printed figure of `key`."""
    got = rec.read.get(key, 0.0)
    parts = []
    for row, value in rec.printed.get(key, []):
        if abs(got - value) <= _TOLERANCE * max(1.0, abs(value)):
            parts.append(_("row {row}: equal").format(row=row))
        else:
            diff = got - value  # signed as the comparisons write it: +200 / −200
            parts.append(_("row {row} prints {printed}: differs by {diff}").format(
                row=row, printed=num(value, 3),
                diff=("+" if diff > 0 else "−") + num(abs(diff), 3)))
    return "; ".join(parts)


# a form's money unit in the reader's words (the form's own line is quoted beside it)
UNIT_WORDS = {1.0: N_("million VND"), 1e-6: N_("VND"), 1e-3: N_("thousand VND"),
              1e3: N_("billion VND")}


def understood_text(projects: Projects) -> str:
    """The records as a text table, with the unit and a line per amount compared."""
    form = projects.form
    if form is None:
        return ""
    rules = load_rules().rules
    unit = _(UNIT_WORDS[form.scale or 1.0]) if (form.scale or 1.0) in UNIT_WORDS else \
        UNIT_NAMES.get(form.scale or 1.0, "")
    lines = [_("What kcopt read in {file}:").format(file=projects.path.name),
             "  " + (_("unit: {unit} (the line '{line}'); amounts below in million VND").format(
                 unit=unit, line=form.unit_text) if form.unit_text else
                     _("unit: not stated, read as million VND"))]
    head = [_("Section"), _("Content type"), _("Why"), _("Projects"), _("Groups"),
            _("Structure rows")]
    rows: list[list[str]] = [head]
    after: dict[int, list[str]] = {}  # table row → the comparison lines under it
    for rec in understood(projects):
        rows.append(_cells(rec, rules))
        after[len(rows) - 1] = [
            "      " + _("{what}: read {read}").format(what=_(label), read=num(
                rec.read.get(key, 0.0), 3)) + " — " + compare(rec, key)
            for key, label in AMOUNTS.items() if rec.printed.get(key)]
    widths = [max(len(r[j]) for r in rows) for j in range(len(head))]
    for i, r in enumerate(rows):
        lines.append("  " + "  ".join(c.ljust(widths[j]) if j < 3 else c.rjust(widths[j])
                                      for j, c in enumerate(r)).rstrip())
        lines += after.get(i, [])
    return "\n".join(lines)


def _cells(rec: SectionRead, rules: dict) -> list[str]:
    """A record's cells: section, content type, why, and the three counts."""
    name = rules[rec.category].named() if rec.category in rules else ""
    if rec.category:
        what = f"{rec.category} ({name})"
    else:
        what = {"fund": _("fund section"), "table": _("whole table")}.get(rec.kind, "")
    why = _("the words '{words}'").format(words=rec.why) if rec.why else ""
    title = f"{rec.path} {rec.label}".strip() if rec.kind != "table" else _("Whole table")
    return [_clip(title, 48), _clip(what, 40), _clip(why, 50), num(rec.projects),
            num(rec.groups), num(rec.structure)]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
