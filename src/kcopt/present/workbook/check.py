"""Do the documents of an output folder agree with its plan? (`kcopt check-documents OUT`)

A planner signs the annex, not the LP: before that, every workbook kcopt wrote into the folder
(allocation.xlsx, annex.xlsx, a `--into` copy of the planner's own annex) is opened in
LibreOffice, every formula is recalculated, and what the spreadsheet then shows is compared
with the plan the folder holds (allocation.csv, summary.json), to 1 đồng (1e-6 million VND):

- no cell shows an error (a circular reference, #REF!, #VALUE! …), and no formula sums a
  reversed range or a range holding its own cell;
- the value saved in the file is the one a recalculation gives (a viewer that does not
  recalculate, a phone or a preview, shows the saved value);
- allocation.xlsx: every project's central, local and total support, and every total by
  province, region, content type and fund, equal the plan's;
- a document in the official annex layout (read back by kcopt's own form reader): every
  subtotal row (fund part, content section, district, "Cộng …", grand total) equals the sum of
  exactly the project rows of its block, and its proposal agrees with the plan project by
  project, per fund and in total (`annex`);
- after a re-plan, the adjustment annex (adjustment.xlsx) and the "Điều chỉnh" sheet of
  allocation.xlsx: every line, subtotal and total against changes.csv, and every line the table
  changes present (`adjustment_check`).

Without LibreOffice the saved values are checked instead, and the result says so.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kcopt.core.errors import InputError, OutputError
from kcopt.core.text import fold
from kcopt.core.words import _, num
from kcopt.io.office import LibreOffice, soffice
from kcopt.io.sheets import column_index_from_string, get_column_letter
from kcopt.present.views import changed_words, load_output
from kcopt.present.workbook import adjustment_check as adj
from kcopt.present.workbook.base import SHEETS

if TYPE_CHECKING:
    from kcopt.analysis.summary import Summary
    from kcopt.io.formlayout import FormLayout, Section

TOLERANCE = 1e-6  # million VND: one đồng
ERRORS = ("#REF!", "#VALUE!", "#NAME?", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:", "#ERR")
_RANGE = re.compile(r"((?:'[^']+'|[A-Za-z0-9_.]+)!)?"  # a sheet's name: another sheet's range
                    r"\$?\b([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)")


@dataclass(frozen=True)
class Disagreement:
    """One figure of a document that is not the plan's (or not what its formula gives)."""

    document: str
    sheet: str
    cell: str
    what: str
    expected: Any = None
    got: Any = None

    def line(self) -> str:
        where = f"{self.document} › {self.sheet}" + (f" › {self.cell}" if self.cell else "")
        if self.expected is None and self.got is None:
            return f"{where}: {self.what}"
        return _("{where}: {what}: the plan gives {expected}, the document shows {got}").format(
            where=where, what=self.what, expected=_show(self.expected), got=_show(self.got))


@dataclass
class DocumentCheck:
    """What `check_documents` compared and what disagrees."""

    folder: Path
    documents: list[str] = field(default_factory=list)
    figures: int = 0  # figures compared with the plan or with their formula
    recalculated: bool = False
    disagreements: list[Disagreement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.disagreements


def _show(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return num(float(value), 6)
    return "—" if value is None or value == "" else repr(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _ref(row: int, col: int) -> str:
    """1-based (row, column), as openpyxl counts them → 'C8'."""
    return f"{get_column_letter(col)}{row}"


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0.0, abs_tol=TOLERANCE)


def check_documents(folder: str | Path, *, recalculate: bool | None = None,
                    office: LibreOffice | None = None) -> DocumentCheck:
    """Recalculate every workbook in an output folder and compare it with the folder's plan.

    `recalculate`: None = in LibreOffice when it is installed, else the saved values;
    True = LibreOffice required (an `OutputError` without it).
    """
    import openpyxl  # start-up: only when documents are checked

    folder = Path(folder)
    plan = load_output(folder)
    check = DocumentCheck(folder)
    if plan.changed:
        check.notes.append(_("not as the run wrote them: {files}").format(
            files=", ".join(changed_words(plan.changed))))
    books = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith((".", "~$")))
    if not books:
        raise OutputError(_("'{folder}' holds no workbook to check: write them with "
                            "`kcopt solve SCENARIO -o {folder}`").format(folder=folder))
    use_office = recalculate if recalculate is not None else soffice() is not None
    with tempfile.TemporaryDirectory(prefix="kcopt-check-") as tmp:
        shown = books
        if use_office:
            office = office or LibreOffice(Path(tmp) / "profile")
            shown = office.recalc(books, Path(tmp) / "recalculated")
            check.recalculated = True
        else:
            check.notes.append(_("LibreOffice is not installed: the values saved in the files "
                                 "were checked, not recalculated"))
        for source, values in zip(books, shown, strict=True):
            check.documents.append(source.name)
            formulas = openpyxl.load_workbook(source, read_only=False, data_only=False)
            saved = openpyxl.load_workbook(source, read_only=False, data_only=True)
            now = openpyxl.load_workbook(values, read_only=False, data_only=True)
            _formula_checks(check, source.name, formulas, saved, now)
            if source.name == "allocation.xlsx":
                _allocation_checks(check, now, plan.allocation, plan.summary)
            elif source.name == "adjustment.xlsx":
                _adjustment_checks(check, source.name, folder, now.worksheets[0])
            elif source.name != "sensitivity.xlsx":
                _form_checks(check, source.name, values, formulas, now, plan.allocation)
            if SHEETS["adjustment"] in now.sheetnames:  # allocation.xlsx, a --into copy
                _adjustment_checks(check, source.name, folder, now[SHEETS["adjustment"]])
    return check


# --- every workbook: formulas ------------------------------------------------------------------


def _formula_checks(check: DocumentCheck, name: str, formulas: Any, saved: Any,
                    now: Any) -> None:
    """Error cells, self-referring or reversed ranges, and saved values that are not what the
    formula gives."""
    for ws in formulas.worksheets:
        shown, kept = now[ws.title], saved[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                value = shown[cell.coordinate].value
                if isinstance(value, str) and value.startswith(ERRORS):
                    check.disagreements.append(Disagreement(
                        name, ws.title, cell.coordinate,
                        _("the cell shows an error ({error})").format(error=value)))
                if cell.data_type != "f" or not isinstance(cell.value, str):
                    continue
                for problem in _range_problems(cell.value, cell.row, cell.column):
                    check.disagreements.append(Disagreement(name, ws.title, cell.coordinate,
                                                            problem + f": {cell.value}"))
                before, after = _number(kept[cell.coordinate].value), _number(value)
                if before is not None and after is not None:
                    check.figures += 1
                    if not math.isclose(before, after, rel_tol=1e-9, abs_tol=TOLERANCE):
                        check.disagreements.append(Disagreement(
                            name, ws.title, cell.coordinate,
                            _("the value saved in the file is not what its formula gives"),
                            after, before))


def _range_problems(formula: str, row: int, col: int) -> Iterator[str]:
    """Ranges of this sheet that are reversed or hold the formula's own cell."""
    for m in _RANGE.finditer(formula):
        if m.group(1):
            continue  # a range of a named sheet (kcopt's own formulas name no sheet for theirs)
        c1, r1 = column_index_from_string(m.group(2)), int(m.group(3))
        c2, r2 = column_index_from_string(m.group(4)), int(m.group(5))
        if r1 > r2 or c1 > c2:
            yield _("the formula sums a reversed range ({range})").format(range=m.group(0))
        elif r1 <= row <= r2 and c1 <= col <= c2:
            yield _("the formula refers to its own cell ({range})").format(range=m.group(0))


# --- allocation.xlsx ---------------------------------------------------------------------------

# sheet key → (the key column's English heading, the plan's column it holds)
_TABLES = {"allocation": ("Project ID", "project_id"), "province": ("Province", "province"),
           "region": ("Region", "region"), "category": ("Content type code", "category")}
_MONEY = {"central": ("Central fund", "Central"), "local": ("Local fund", "Local"),
          "total": ("Total support",)}


def _header(ws: Any, wanted: str) -> tuple[int, dict[str, int]] | None:
    """The row of a sheet's English headings (the one holding `wanted`) and its columns."""
    for r in range(1, 9):
        labels = {str(c.value).strip(): c.column for c in ws[r] if c.value is not None}
        if wanted in labels:
            return r, labels
    return None


def _rows(ws: Any, first: int, key_col: int) -> Iterator[tuple[int, str]]:
    for r in range(first, ws.max_row + 1):
        key = ws.cell(r, key_col).value
        if key is None or fold(str(key)).startswith("tong cong"):  # the total row
            return
        yield r, str(key).strip()


def _allocation_checks(check: DocumentCheck, wb: Any, alloc: pd.DataFrame,
                       summary: Summary) -> None:
    """Every project's and every group's central, local and total support against the plan."""
    name = "allocation.xlsx"
    for sheet_key, (key_heading, key_column) in _TABLES.items():
        if SHEETS[sheet_key] not in wb.sheetnames:
            continue
        ws = wb[SHEETS[sheet_key]]
        found = _header(ws, key_heading)
        if found is None:
            check.notes.append(_("{document} › {sheet}: its headings were not found; not "
                                 "compared").format(document=name, sheet=ws.title))
            continue
        r0, labels = found
        want = alloc.groupby(key_column)[["central", "local", "total"]].sum()
        seen: set[str] = set()
        for r, key in _rows(ws, r0 + 1, labels[key_heading]):
            seen.add(key)
            for money, headings in _MONEY.items():
                col = next((labels[h] for h in headings if h in labels), None)
                if col is None:
                    continue
                expected = float(want[money].get(key, 0.0))
                _compare(check, name, ws.title, _ref(r, col), expected,
                         ws.cell(r, col).value, _("{money} of {key}").format(
                             money=_fund_word(money), key=key))
        missing = sorted(set(want.index.astype(str)) - seen)
        if sheet_key == "allocation" and missing:
            check.disagreements.append(Disagreement(
                name, ws.title, "", _("{n} project(s) of the plan are not in the sheet, e.g. "
                                      "{ids}").format(n=len(missing), ids=", ".join(missing[:5]))))
    _fund_sheet(check, wb, alloc, summary)


def _fund_sheet(check: DocumentCheck, wb: Any, alloc: pd.DataFrame,
                summary: Summary) -> None:
    if SHEETS["fund"] not in wb.sheetnames:
        return
    ws = wb[SHEETS["fund"]]
    found = _header(ws, "Allocated")
    if found is None:
        return
    r0, labels = found
    allocated = {"central": float(alloc["central"].sum()), "local": float(alloc["local"].sum())}
    allocated["total"] = allocated["central"] + allocated["local"]
    keys = ("central", "local", "total")
    for k, key in enumerate(keys):
        r = r0 + 1 + k
        _compare(check, "allocation.xlsx", ws.title, _ref(r, labels["Allocated"]),
                 allocated[key], ws.cell(r, labels["Allocated"]).value,
                 _("{money} allocated").format(money=_fund_word(key)))


def _fund_word(key: str) -> str:
    return {"central": _("central fund (KCQG)"), "local": _("local fund (KCĐP)"),
            "total": _("total support")}[key]


def _compare(check: DocumentCheck, document: str, sheet: str, cell: str, expected: float,
             got: Any, what: str) -> None:
    check.figures += 1
    value = _number(got)
    if value is None or not _close(value, expected):
        check.disagreements.append(Disagreement(document, sheet, cell, what, expected, got))


def _adjustment_checks(check: DocumentCheck, name: str, folder: Path, ws: Any) -> None:
    """The adjustment annex or the "Điều chỉnh" sheet against changes.csv, line by line and
    total by total (`workbook.adjustment_check`)."""
    path = folder / "changes.csv"
    if not path.exists():
        check.disagreements.append(Disagreement(name, ws.title, "", _(
            "the folder has no changes.csv to compare the adjustment with")))
        return
    changes = adj.read_changes(path)
    figures = (adj.annex_figures if name == "adjustment.xlsx" else adj.sheet_figures)(ws, changes)
    for fig in figures:
        if fig.expected is None:
            check.disagreements.append(Disagreement(name, fig.sheet, fig.cell, fig.what))
        else:
            _compare(check, name, fig.sheet, fig.cell, fig.expected, fig.got, fig.what)


# --- documents in the official annex layout ----------------------------------------------------


def _form_checks(check: DocumentCheck, name: str, values: Path, formulas: Any, now: Any,
                 alloc: pd.DataFrame) -> None:
    """Read the recalculated document back as kcopt reads a planner's annex; every subtotal row
    against exactly its block's project rows; then its proposal against the plan."""
    from kcopt.inputs.schema import read_projects  # start-up: the reader, only for forms

    if not (alloc["total"] > 0).any():  # nothing to read back: its totals are checked as 0
        check.notes.append(_("{document}: the plan funds no project, so the annex lists none")
                           .format(document=name))
        return
    try:
        projects = read_projects(values)
    except InputError as exc:
        for p in exc.problems:
            check.disagreements.append(Disagreement(
                name, p.sheet or "", _ref(p.row, 1) if p.row else "",
                _("read back by kcopt validate: {message}").format(message=p.message)))
        return
    form = projects.form
    if form is None:
        check.notes.append(_("{document}: not in an annex layout; its formulas were checked")
                           .format(document=name))
        return
    sheet = projects.sheet or now.sheetnames[0]
    ws, wf = now[sheet], formulas[sheet]
    for node, row in _subtotal_rows(form):
        for col in range(1, wf.max_column + 1):
            cell = wf.cell(row, col)
            if cell.data_type != "f":
                continue
            rows = node.all_projects()
            expected = sum(_number(ws.cell(r, col).value) or 0.0 for r in rows)
            _compare(check, name, sheet, _ref(row, col), expected, ws.cell(row, col).value,
                     _("the subtotal of '{section}' against its {n} project rows").format(
                         section=node.label or node.key, n=len(rows)))
    _proposal_checks(check, name, ws, form, projects.frame, projects.file_rows, alloc)


def _subtotal_rows(form: FormLayout) -> Iterator[tuple[Section, int]]:
    """Each section's heading row and each "Cộng …" row, with the section it sums."""
    stack = [form.root]
    while stack:
        node = stack.pop()
        if node.row is not None:
            yield node, node.row
        stack.extend(node.children)
    yield from ((node, row) for row, node in form.subtotals.items())


# the column of a form that holds the plan's amount: the proposal kcopt writes into a planner's
# copy, else the support column of kcopt's own annex (headings folded: no case, no diacritics)
PROPOSAL_HEADINGS = ("de xuat ho tro", "kinh phi ho tro")


def _proposal_column(ws: Any, form: FormLayout) -> int | None:
    """The column under a heading that starts like a proposal, in the header rows (the rows
    just above the first section or project row)."""
    first = min([r for _, r in _subtotal_rows(form)] + list(form.row_of.values()),
                default=ws.max_row)
    for heading in PROPOSAL_HEADINGS:
        for r in range(max(1, first - 4), first):
            for c in range(1, ws.max_column + 1):
                if fold(str(ws.cell(r, c).value or "")).startswith(heading):
                    return c
    return None


def _fund_of_row(form: FormLayout) -> dict[int, str]:
    """Each project row's fund part (A: central, B: local), where the form has fund parts."""
    out: dict[int, str] = {}
    stack: list[tuple[Section, str | None]] = [(form.root, None)]
    while stack:
        node, fund = stack.pop()
        if node.kind == "fund" and node.level in ("central", "local"):
            fund = node.level
        if fund is not None:
            out.update({r: fund for r in node.projects})
        stack.extend((c, fund) for c in node.children)
    return out


def _project_rows(ws: Any, form: FormLayout, frame: pd.DataFrame,
                  file_rows: list[int]) -> dict[int, str]:
    """Every project row of the form → its project id: from the form's code column where it
    has one (a project paid from both funds has a row in each fund part), else the ids the
    reader made from the sections and STT."""
    rows = dict(zip(file_rows, frame["project_id"].astype(str), strict=True))
    code = form.columns.get("project_id")
    for r in form.root.all_projects():
        if code is not None and ws.cell(r, code).value not in (None, ""):
            rows[r] = str(ws.cell(r, code).value).strip()
    return rows


def _proposal_checks(check: DocumentCheck, name: str, ws: Any, form: FormLayout,
                     frame: pd.DataFrame, file_rows: list[int], alloc: pd.DataFrame) -> None:
    """Project by project and fund by fund, the form's proposal against the plan: the amount
    in a fund part's rows is that fund's money, elsewhere the project's total."""
    col = _proposal_column(ws, form)
    if col is None:
        check.notes.append(_("{document}: no proposal column found; only its subtotals were "
                             "checked").format(document=name))
        return
    fund_of = _fund_of_row(form)
    shown: dict[tuple[str, str], float] = {}
    for row, pid in _project_rows(ws, form, frame, file_rows).items():
        key = (pid, fund_of.get(row, "total"))
        shown[key] = shown.get(key, 0.0) + (_number(ws.cell(row, col).value) or 0.0)
    plan = alloc.set_index(alloc["project_id"].astype(str))
    funds = {f for _, f in shown} or {"total"}
    for pid in plan.index:
        for fund in sorted(funds):
            expected = float(plan[fund].get(pid, 0.0))
            got = shown.get((pid, fund), 0.0)
            check.figures += 1
            if not _close(got, expected):
                at = form.row_of.get(pid)
                check.disagreements.append(Disagreement(
                    name, ws.title, _ref(at, col) if at else "",
                    _("{money} of project {id}").format(money=_fund_word(fund), id=pid),
                    expected, got))
    for fund in sorted(funds):
        expected = float(alloc[fund].sum())
        got = sum(v for (_, f), v in shown.items() if f == fund)
        _compare(check, name, ws.title, "", expected, got,
                 _("{money}, all project rows").format(money=_fund_word(fund)))
