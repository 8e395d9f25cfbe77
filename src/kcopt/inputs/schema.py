"""The project-list contract (docs/contract.md §2), defined once as data in `data/columns.yaml`,
and the validator that turns raw cells into a typed project table — or reports every bad cell at
once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kcopt.core.errors import InputError, Problem
from kcopt.core.geo import load_geography
from kcopt.core.parse import parse_enum, parse_flags, parse_numbers
from kcopt.core.said import Num, say
from kcopt.core.vocabulary import (  # the column vocabulary, kept importable from here
    CONTROL,
    FUND_CHOICES,
    LEVELS,
    PLAN_STATUSES,
    PROGRESS,
    RESERVED,
    TYPICAL,
    VOTES,
    ColumnSpec,
    canonical_column,
    column_specs,
)
from kcopt.core.vocabulary import is_header as _is_header
from kcopt.core.words import N_, _, get_language, ngettext, num
from kcopt.io.form import adapt
from kcopt.io.read import RawTable, read_table, split_sheet
from kcopt.rules.rates import CCN_CATEGORY, RuleSet, load_rules

if TYPE_CHECKING:
    from kcopt.io.formlayout import FormLayout

@dataclass
class Projects:
    """A validated project list: canonical columns (+ the input's extra columns) and provenance."""

    frame: pd.DataFrame
    path: Path
    sheet: str | None
    file_rows: list[int]
    extra_columns: list[str]
    warnings: list[Problem] = field(default_factory=list)
    form: FormLayout | None = None  # the official annex layout it was read from

    def __len__(self) -> int:
        return len(self.frame)


def read_projects(path: str | Path, sheet: str | None = None, rules: RuleSet | None = None,
                  money_scale: float = 1.0, province: str | None = None,
                  sections: dict[str, str] | None = None,
                  data: bytes | None = None) -> Projects:
    """Read and validate a project list; raise `InputError` listing every bad cell.

    `money_scale` converts the file's amounts to million VND (1e-6 for a file in VND) unless
    the sheet states its own unit; `province` is the province of a list that names none;
    `sections` maps a form's section title to a content type (the scenario's `sections:`).
    `data` is the file's content when already read (`Scenario.project_data()`: the bytes
    hashed when the scenario was loaded), so the file is not read again.
    """
    file, spec_sheet = split_sheet(path)
    raw = read_table(file, sheet or spec_sheet, _is_header, canonical_column, data=data)
    return validate(raw, rules or load_rules(), money_scale, province, sections)


def validate(raw: RawTable, rules: RuleSet, money_scale: float = 1.0,
             province: str | None = None, sections: dict[str, str] | None = None) -> Projects:
    """Raw cells → a typed project table. Official annex layouts are read first
    (`io.form.adapt`: ids, content types, funds and provinces from the sections and title)."""
    raw, form = adapt(raw, province, sections)
    money_scale = _sheet_unit(raw, money_scale)
    v = _Validator(raw)
    mapping = v.map_headers()
    if v.errors:
        raise InputError(v.errors, raw.notes + v.warnings)
    df = raw.frame
    v.ids = df[mapping["project_id"]].astype(str).str.strip().to_numpy(object)
    frame = _parse_columns(v, df, mapping, rules, money_scale)
    _amounts_look_like_dong(v, raw, frame, mapping, money_scale)
    for h in (h for h in df.columns if h not in mapping.values()):
        v.control_characters(df[h])
    v.cross_checks(frame, mapping)
    if v.errors:
        raise InputError(v.errors, raw.notes + v.warnings)
    frame["level"] = frame["level"].fillna("local")
    frame["funds"] = frame["funds"].where(frame["funds"].notna(), frame["level"])
    extras = _keep_extra_columns(v, raw, mapping, frame)
    geo = load_geography()
    frame.insert(3, "region", frame["province"].map(lambda p: geo.provinces[p].region))
    return Projects(frame, raw.path, raw.sheet, raw.file_rows, extras, raw.notes + v.warnings,
                    form if form.is_form else None)


def _sheet_unit(raw: RawTable, money_scale: float) -> float:
    """The scale to million VND: the sheet's own unit when it states one (a note when the
    scenario's differs), else `money_scale`."""
    if raw.money_scale is None:
        return money_scale
    if money_scale != 1.0 and abs(raw.money_scale - money_scale) > 1e-12:
        raw.notes.append(Problem(str(raw.path), _(
            "the sheet states its own unit (× {sheet} to million VND); the scenario's units "
            "(× {scenario}) are used for its budgets only").format(
                sheet=f"{raw.money_scale:g}", scenario=f"{money_scale:g}"),
                                 sheet=raw.sheet, severity="warning"))
    return raw.money_scale


def _parse_columns(v: _Validator, df: pd.DataFrame, mapping: dict[str, str], rules: RuleSet,
                   money_scale: float) -> pd.DataFrame:
    """Every column of the contract, parsed from its header's cells or filled with its
    default."""
    out: dict[str, object] = {}
    n = len(df)
    for name, spec in column_specs().items():
        header = mapping.get(name)
        if header is None:
            out[name] = _default(spec, n)
            continue
        out[name] = v.parse(name, spec.kind, df[header], rules, money_scale)
    return pd.DataFrame(out)


def _amounts_look_like_dong(v: _Validator, raw: RawTable, frame: pd.DataFrame,
                            mapping: dict[str, str], money_scale: float) -> None:
    """A problem when a sheet with no unit has amounts in đồng (a median total cost of
    1,000,000 million or more)."""
    costs = frame["total_cost"].to_numpy(float)
    costs = costs[np.isfinite(costs)]
    if raw.money_scale is None and money_scale == 1.0 and len(costs) and \
            float(np.median(costs)) >= 1e6:
        v.problem(None, mapping["total_cost"], "số tiền trông như tính bằng đồng: tổng kinh phí "
                  "trung vị từ 1.000.000 triệu đồng (1.000 tỷ) trở lên, và biểu không ghi đơn vị",
                  float(np.median(costs)),
                  "Thêm dòng 'ĐVT: đồng' phía trên bảng, hoặc 'units: vnd' vào kịch bản")


def _keep_extra_columns(v: _Validator, raw: RawTable, mapping: dict[str, str],
                        frame: pd.DataFrame) -> list[str]:
    """The sheet's columns outside the contract, kept in `frame` (renamed when kcopt writes a
    column of that name); their names."""
    df = raw.frame
    extras = []
    for h in (h for h in df.columns if h not in mapping.values()):
        name = str(h)
        if name in RESERVED or name in frame.columns:  # kcopt writes a column of that name
            name = f"{h} (input)"
            v.warnings.append(Problem(str(raw.path), _(
                "extra column '{column}' is kept as '{name}': kcopt writes its own column of "
                "that name").format(column=h, name=name),
                                      sheet=raw.sheet, column=str(h), severity="warning"))
        frame[name] = df[h].to_numpy()
        extras.append(name)
    return extras


def _plan_statuses(col: pd.Series) -> bool:
    """A 'Trạng thái' column holding an allocation's status codes (funded, partial, …): the
    plan's own result read back as a list, not the projects' implementation status."""
    cells = {str(c).strip() for c in col} - {"", "None", "nan"}
    return bool(cells) and cells <= set(PLAN_STATUSES)


def _default(spec: ColumnSpec, n: int) -> np.ndarray:
    if spec.kind in ("flag", "flag_fraction"):
        return np.zeros(n)
    if spec.kind == "typical_product":
        return np.full(n, "none", dtype=object)
    if spec.kind in ("text", "level", "funds", "old_province", "vote_level", "progress"):
        return np.full(n, None, dtype=object)
    if spec.kind == "count":
        return np.ones(n)
    return np.full(n, np.nan)


# how a planner writes each value a column of choices takes (each is accepted as written)
CHOICE_WORDS = {"level": N_("central or local"), "funds": N_("central, local or both"),
                "typical_product": N_("none, commune, provincial, regional or national"),
                "vote_level": N_("district, provincial, regional or national")}


class _Problems:
    """Every bad cell of a project list, recorded with its row, column, value and fix, and
    reported all at once."""

    def __init__(self, raw: RawTable):
        self.raw = raw
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.ids: np.ndarray = np.array([])
        self.old_names: np.ndarray = np.array([])

    def problem(self, i: int | None, column: str | None, message: str, value: object = None,
                fix: str = "", severity: str = "error") -> None:
        p = Problem(str(self.raw.path), message, fix, self.raw.sheet,
                    None if i is None else self.raw.file_rows[i], column, value,
                    None if i is None or not self.ids.size else (str(self.ids[i]) or None),
                    severity)
        (self.errors if severity == "error" else self.warnings).append(p)

    def _bad(self, mask: np.ndarray, col: pd.Series, message: str, fix: str) -> None:
        for i in np.flatnonzero(mask):
            self.problem(int(i), str(col.name), message, col.iat[int(i)], fix)

    def control_characters(self, col: pd.Series) -> None:
        """Text with a control character no spreadsheet can hold (the outputs could not be
        written): a bad cell, so that all of them are reported before any work."""
        text = col.astype(str)
        for i in np.flatnonzero(text.str.contains(CONTROL, regex=True).to_numpy(bool)):
            ch = CONTROL.search(str(text.iat[int(i)]))
            assert ch is not None
            self.problem(int(i), str(col.name), _(
                "holds the control character U+{code}, which no spreadsheet can hold").format(
                code=f"{ord(ch.group()):04X}"), col.iat[int(i)],
                _("Delete the character (it is often invisible)"))



def _headings(aliases: tuple[str, ...]) -> tuple[str, ...]:
    """A column's Vietnamese headings (its aliases with diacritics, the first capitalised as
    the template heads it: 'Tổng kinh phí'), else all its aliases."""
    vi = [a for a in aliases if not a.isascii()]
    return (vi[0][:1].upper() + vi[0][1:], *vi[1:]) if vi else aliases


class _Validator(_Problems):
    """The columns of a project list, each parsed by its kind (`data/columns.yaml`), and the
    checks across columns."""

    def map_headers(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for header in self.raw.frame.columns:
            name = (self.raw.roles[header] if header in self.raw.roles
                    else canonical_column(header))
            if name is None or (name == "progress" and _plan_statuses(self.raw.frame[header])):
                continue
            if name in mapping:
                self.problem(None, header, _(
                    "two columns mean '{name}': '{first}' and '{second}'").format(
                    name=name, first=mapping[name], second=header),
                    fix="Rename or delete one of them")
                continue
            mapping[name] = header
        for spec in column_specs().values():
            if spec.required and spec.name not in mapping:
                names = _headings(spec.aliases) if get_language() == "vi" else spec.aliases
                self.problem(None, spec.name, "required column missing",
                             fix=_("Add a column headed '{name}' or one of: {aliases}").format(
                                 name=names[0], aliases=", ".join(names[1:5])))
        return mapping

    def parse(self, name: str, kind: str, col: pd.Series, rules: RuleSet, scale: float):
        text = col.astype(str).str.strip()
        if kind in ("id", "text"):
            self.control_characters(col)
        if kind == "id":
            return self._ids(text, col)
        if kind == "text":
            if name == "name":
                self._bad((text == "").to_numpy(), col, "project name is empty",
                          "Give the project a name")
            return text.where(text != "", None).to_numpy(object)
        if kind == "province":
            return self._provinces(text, col)
        if kind == "category":
            values, bad, blank = parse_enum(text, rules.category_index())
            self._bad(bad | blank, col, "unknown content type",
                      "Use a code or Vietnamese name from `kcopt rules`, e.g. 'machinery' or "
                      "'Ứng dụng máy móc thiết bị tiên tiến'")
            return values
        if kind == "amount":
            return self._amounts(name, text, col) * scale
        if kind in ("flag", "flag_fraction"):
            values, bad = parse_flags(text, fractional=kind == "flag_fraction")
            self._bad(bad, col, _("must be 0 or 1") if kind == "flag" else _(
                "must be 0/1 or a share between 0 and 1"), "Write 1 (có/x) or 0 (không/blank)")
            return values
        if kind == "old_province":
            return self._old_provinces(text, col)
        if kind in ("score", "fraction", "count", "year"):
            return self._numbers(kind, text, col)
        if kind == "percent":
            return self._percent(text, col)
        if kind == "progress":
            values, bad, _blank = parse_enum(text, PROGRESS)
            self._bad(bad, col, "not an implementation status",
                      "Write signed (a contract is signed), ongoing or stopped, in "
                      "Vietnamese or English")
            values[values == ""] = None
            return values
        return self._choices(kind, text, col)

    def _ids(self, text: pd.Series, col: pd.Series) -> np.ndarray:
        """NFC: "Đ-01" typed with a combining mark is the same id; every id given, once."""
        text = text.str.normalize("NFC")
        blank = (text == "").to_numpy()
        self._bad(blank, col, "project id is empty", "Give every project a unique id")
        dup = text.duplicated(keep=False).to_numpy() & ~blank
        for value, idx in text[dup].groupby(text[dup], sort=False).indices.items():
            rows = np.flatnonzero(dup)[idx]
            for i in rows:
                others = [self.raw.file_rows[j] for j in rows if j != i][:10]
                self.problem(int(i), str(col.name), ngettext(
                    "project id repeated (also row {rows})",
                    "project id repeated (also rows {rows})", len(others)).format(
                    rows=", ".join(map(str, others))), value, "Project ids must be unique")
        return text.to_numpy(object)

    def _amounts(self, name: str, text: pd.Series, col: pd.Series) -> np.ndarray:
        """Amounts in the list's unit; "1.200" read as twelve hundred is said."""
        values, bad, blank = parse_numbers(text, thousands=True)
        for sep, message in ((".", N_("read '{text}' as {amount} million ('.' as thousands "
                                      "separator, not a decimal point)")),
                             (",", N_("read '{text}' as {amount} million (',' as thousands "
                                      "separator, not a Vietnamese decimal comma)"))):
            ambiguous = text.str.fullmatch(rf"\d{{1,3}}\{sep}\d{{3}}").to_numpy(bool)
            for i in np.flatnonzero(ambiguous & ~bad):  # 1.200 / 1,200: or 1.2?
                self.problem(int(i), str(col.name), _(message).format(
                    text=text.iat[int(i)], amount=num(values[i])), severity="warning")
        self._bad(bad, col, "not an amount in million VND",
                  "Write a number such as 1200 or 1,200.5")
        low = ~bad & ~blank & (values <= 0 if name == "total_cost" else values < 0)
        self._bad(low, col, _("must be a positive amount in million VND") if name == "total_cost"
                  else _("must be a non-negative amount in million VND"),
                  "Fix the value or remove the row")
        if name == "total_cost":
            self._bad(blank, col, "total cost is empty", "Give the eligible cost")
        return values

    def _numbers(self, kind: str, text: pd.Series, col: pd.Series) -> np.ndarray:
        """An appraisal score, a share, a count of establishments or a plan year."""
        if kind == "score":
            values, bad, blank = parse_numbers(text)
            bad |= ~bad & ~blank & ((values < 0) | (values > 100))
            self._bad(bad, col, "appraisal score must be between 0 and 100",
                      "Write the appraisal score (điểm thẩm định) out of 100")
            if blank.any() and not blank.all():
                self.problem(None, str(col.name), ngettext(
                    "{count} project without an appraisal score counts as 0 for that criterion",
                    "{count} projects without an appraisal score count as 0 for that criterion",
                    int(blank.sum())).format(count=num(blank.sum())), severity="warning")
            return np.where(blank, 0.0, values)
        if kind == "fraction":
            values, bad, blank = parse_numbers(text)
            bad |= ~bad & ~blank & ((values < 0) | (values > 1))
            self._bad(bad, col, "must be a share between 0 and 1", "Write e.g. 0.5 for half")
            return values
        if kind == "count":
            values, bad, blank = parse_numbers(text)
            bad |= ~bad & ~blank & ((values < 1) | (values % 1 != 0))
            self._bad(bad, col, "the number of establishments must be a whole number, at least 1",
                      "Write the number of establishments of a group project, e.g. 3 (blank: 1)")
            return np.where(blank, 1.0, values)
        if kind == "year":
            values, bad, blank = parse_numbers(text)
            bad |= ~bad & ~blank & ((values < 2000) | (values > 2100) | (values % 1 != 0))
            self._bad(bad, col, "not a plan year", "Write a year such as 2026")
            return values
        raise AssertionError(kind)

    def _percent(self, text: pd.Series, col: pd.Series) -> np.ndarray:
        """A share disbursed: "45%", or 45 under a header with '%', or a share 0–1."""
        sign = text.str.endswith("%").to_numpy(bool)
        values, bad, _blank = parse_numbers(text.str.rstrip("%").str.strip())
        as_percent = sign | ("%" in str(col.name))
        values = np.where(as_percent, values / 100.0, values)
        bad |= ~bad & ((values < 0) | (values > 1))
        self._bad(bad, col, "must be a share disbursed between 0% and 100%",
                  "Write e.g. 45% (or 0.45)")
        return values

    def _choices(self, kind: str, text: pd.Series, col: pd.Series) -> np.ndarray:
        """A level, funds, typical-product rank or vote level among its known words."""
        table = {"level": LEVELS, "funds": FUND_CHOICES, "typical_product": TYPICAL,
                 "vote_level": VOTES}[kind]
        values, bad, blank = parse_enum(text, table)
        self._bad(bad, col, _("not a value this column takes"),
                  _("Write {choices}").format(choices=_(CHOICE_WORDS[kind])))
        if kind == "typical_product":
            values[blank] = "none"
        return values

    def _provinces(self, text: pd.Series, col: pd.Series) -> np.ndarray:
        geo = load_geography()
        values = np.empty(len(text), dtype=object)
        self.old_names = np.full(len(text), None, dtype=object)
        for value, idx in text.groupby(text, sort=False).indices.items():
            res = geo.resolve(value)
            values[idx] = res.name
            self.old_names[idx] = res.old
            if res.name is None:
                fix = geo.hint(value)
                for i in idx:
                    self.problem(int(i), str(col.name), "unknown province", value, fix)
            elif res.note:
                rows = [self.raw.file_rows[i] for i in idx]
                shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
                self.warnings.append(Problem(
                    str(self.raw.path), say(N_("{note} ({count} row(s): {rows})"),
                                            note=res.note, count=Num(len(rows)), rows=shown),
                    sheet=self.raw.sheet, column=str(col.name), severity="warning"))
        return values

    def _old_provinces(self, text: pd.Series, col: pd.Series) -> np.ndarray:
        geo = load_geography()
        values = np.full(len(text), None, dtype=object)
        for value, idx in text.groupby(text, sort=False).indices.items():
            if not value:
                continue
            old, _new = geo.old_province(value)
            values[idx] = old
            if old is None:
                for i in idx:
                    self.problem(int(i), str(col.name), _(
                        "not the name of a province before 1 July 2025"), value,
                        "Write the former province (e.g. Hải Dương) or leave the cell blank")
        return values

    def cross_checks(self, frame: pd.DataFrame, mapping: dict[str, str]) -> None:
        if "old_province" in mapping:
            geo = load_geography()
            for i in np.flatnonzero(frame["old_province"].notna().to_numpy()):
                old, prov = str(frame["old_province"].iat[int(i)]), frame["province"].iat[int(i)]
                if prov is not None and old not in geo.provinces[str(prov)].merged_from:
                    self.problem(int(i), mapping["old_province"], _(
                        "{old} was merged into {new}, not {province}").format(
                        old=old, new=geo.old_province(old)[1], province=prov), old,
                        "Correct the province or the former province")
        if len(self.old_names):  # a former province in the province column: its territory
            given = frame["old_province"].to_numpy(object)
            frame["old_province"] = np.where(pd.isna(given), self.old_names, given)
        col = mapping.get("requested", "requested")
        over = ((frame["requested"] > frame["total_cost"] + 1e-9)
                & (frame["total_cost"] > 0)).to_numpy()
        for i in np.flatnonzero(over):
            self.problem(int(i), col, "requested support exceeds the total cost",
                         frame["requested"].iat[int(i)], "Lower the request or correct the cost")
        if "counterpart" in mapping and "requested" in mapping:
            gap = (frame["total_cost"] - frame["requested"] - frame["counterpart"]).to_numpy()
            for i in np.flatnonzero(np.abs(np.nan_to_num(gap)) > 1e-6 * np.maximum(
                    1.0, frame["total_cost"].to_numpy())):
                t, r, c = (float(frame[k].to_numpy(float)[int(i)])
                           for k in ("total_cost", "requested", "counterpart"))
                self.problem(int(i), mapping["counterpart"], _(
                    "total cost {total} differs from the support {requested} + counterpart "
                    "funds {counterpart} (= {both}, million VND)").format(
                    total=num(t, 3), requested=num(r, 3), counterpart=num(c, 3),
                    both=num(r + c, 3)), severity="warning")
        need = ((frame["category"] == CCN_CATEGORY) & frame["infra_investment"].isna()).to_numpy()
        for i in np.flatnonzero(need):
            self.problem(int(i), mapping.get("infra_investment", "infra_investment"),
                         "industrial-cluster infrastructure needs its total investment "
                         "(Decree 32/2024 caps state support at 30% of it)", "",
                         "Fill in infra_investment (Tổng mức đầu tư)")
        both = ((frame["must_fund"] > 0) & (frame["exclude"] > 0)).to_numpy()
        for i in np.flatnonzero(both):
            self.problem(int(i), mapping.get("exclude", "exclude"),
                         "a project cannot be both must_fund and exclude", 1,
                         "Clear one of the two")
        bad_both = (frame["level"].eq("central") & frame["funds"].eq("local")).to_numpy()
        for i in np.flatnonzero(bad_both):
            self.warnings.append(Problem(
                str(self.raw.path), "a central-level project limited to local funds",
                sheet=self.raw.sheet, row=self.raw.file_rows[i], project_id=str(self.ids[i]),
                severity="warning"))
