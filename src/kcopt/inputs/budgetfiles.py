"""A scenario's local budgets: a mapping in the scenario, or a budget file (CSV or a sheet)
with one row per province — and per plan year in a programme."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from kcopt.core.errors import InputError, Problem
from kcopt.core.limits import read_input_bytes
from kcopt.core.parse import parse_number_text
from kcopt.core.text import fold
from kcopt.core.words import _
from kcopt.inputs.keys import KeyChecks
from kcopt.io.read import read_table


class LocalBudgets(KeyChecks):
    """`budgets.local:` read as a mapping or from a file, in million VND."""

    local_by_year: dict[str, dict[int, float]]

    def year_amounts(self, key: str, spec: dict, years: tuple[int, ...]) -> dict[int, float]:
        out: dict[int, float] = {}
        if not years:
            self.err(key, "amounts per year need a multi-year plan", spec,
                     "Add years: [2026, …] or give one amount")
            return out
        for y, amount in spec.items():
            if not isinstance(y, int) or y not in years:
                self.err(f"{key}.{y}", "not a year of the plan", y,
                         _("Use one of {years}").format(years=", ".join(map(str, years))))
                continue
            a = self.number(f"{key}.{y}", amount, lo=0)
            if a is not None:
                out[y] = a
        missing = [y for y in years if y not in out]
        if out and missing:
            self.err(key, _("no amount for {years}").format(years=", ".join(map(str, missing))),
                     spec,
                     "Give every plan year, or one amount with budgets.growth")
        return out

    def local_budgets(self, spec: object, years: tuple[int, ...] = ()) -> dict[str, float]:
        out: dict[str, float] = {}
        if isinstance(spec, str):
            path = Path(spec)
            if not path.exists():
                self.err("budgets.local", "local budget file not found", spec,
                         "Give a CSV with columns province,budget")
                return out
            try:  # read once: the bytes hashed are the bytes parsed
                data = read_input_bytes(path, "ngân sách địa phương")
            except InputError as exc:
                self.errors.extend(exc.problems)
                return out
            self.hashes[str(path)] = hashlib.sha256(data).hexdigest()
            return self.local_budget_file(path, years, out, data)
        if isinstance(spec, dict):
            for prov, p, amount in self.provinces("budgets.local", spec):
                if isinstance(amount, dict):
                    per_year = self.year_amounts(f"budgets.local.{prov}", amount, years)
                    if p:
                        self.local_by_year[p] = per_year
                        out[p] = per_year.get(years[0], 0.0) if years else 0.0
                    continue
                a = self.number(f"budgets.local.{prov}", amount, lo=0)
                if p and a is not None:
                    out[p] = a
            return out
        self.err("budgets.local", "must be a CSV file name or a province: amount mapping", spec)
        return out

    def _twice(self, first: dict[tuple[str, str], tuple[int, str]], key: tuple[str, str],
               where: Problem, column: str, written: object) -> bool:
        """A second row for one province (and year): an error naming both rows and, when one
        is a former province, the merger."""
        if key not in first:
            first[key] = (where.row or 0, str(written))
            return False
        row0, written0 = first[key]
        name = key[0]
        self.errors.append(replace(where, column=column, value=written, message=_(
            "'{second}' and '{first}' (row {row}) both name {name} (the administrative unit "
            "since 1/7/2025, which absorbed the former provinces); one budget per province or "
            "city").format(second=written, first=written0, row=row0, name=name),
            fix=_("Add the amounts into one row for {name} and delete the other").format(
                name=name)))
        return True

    def local_budget_file(self, path: Path, years: tuple[int, ...],
                          out: dict[str, float], data: bytes | None = None) -> dict[str, float]:
        """A province,budget[,year] table (CSV or XLSX, Vietnamese or English headers,
        Vietnamese number text), read like a project list; every bad cell reported. `data` is
        the file's content when already read."""
        try:
            table = read_table(path, None, _is_budget_header, data=data)
        except InputError as exc:
            self.errors.extend(replace(p, fix=p.fix or "Header the columns province,budget "
                                       "(or Tỉnh,Ngân sách)") for p in exc.problems)
            return out
        cols = {_budget_kind(c): c for c in table.frame.columns if _budget_kind(c)}
        first: dict[tuple[str, str], tuple[int, str]] = {}  # (province, year) → (row, as written)
        for pos, row in enumerate(table.frame.to_dict("records")):
            where = Problem(str(path), "", row=table.file_rows[pos], sheet=table.sheet)
            self._budget_row(row, cols, where, years, first, out)
        for name, per_year in self.local_by_year.items():
            missing = [y for y in years if y not in per_year]
            if missing and name not in out:
                self.errors.append(Problem(str(path), _(
                    "no budget for {province} in {years}").format(
                    province=name, years=", ".join(map(str, missing))),
                                           "Give every plan year, or one row without a year "
                                           "and budgets.growth", column=cols.get("year")))
            if years and years[0] in per_year:
                out.setdefault(name, per_year[years[0]])
        return out

    def _budget_row(self, row: dict[Any, Any], cols: dict[str | None, str], where: Problem,
                    years: tuple[int, ...], first: dict[tuple[str, str], tuple[int, str]],
                    out: dict[str, float]) -> None:
        """One row of a local-budgets file: its province, amount and year, or its problems."""
        pcol, bcol, ycol = cols["province"], cols["budget"], cols.get("year")
        prov = self.geo.resolve(row[pcol])
        if prov.name is None:
            self.errors.append(replace(where, message="unknown province", column=pcol,
                                       value=row[pcol], fix=self.geo.hint(row[pcol])))
            return
        if prov.note:
            self.warnings.append(replace(where, message=prov.note, column=pcol,
                                         severity="warning"))
        amount = parse_number_text(str(row[bcol]))
        if amount is None or amount < 0:
            self.errors.append(replace(where, message="budget must be a non-negative "
                                       "amount in million VND", column=bcol,
                                       value=row[bcol], fix="Write e.g. 2500 or 2.500"))
            return
        if ycol is None or not str(row[ycol]).strip():
            if not self._twice(first, (prov.name, ""), where, pcol, row[pcol]):
                out[prov.name] = amount
            return
        year = parse_number_text(str(row[ycol]), thousands=False)
        if year is None or int(year) not in years:
            self.errors.append(replace(where, message="not a year of the plan", column=ycol,
                                       value=row[ycol], fix=_("Use one of {years}").format(
                                           years=", ".join(map(str, years)))
                                       if years else "Add years: to the scenario"))
            return
        per_year = self.local_by_year.setdefault(prov.name, {})
        if not self._twice(first, (prov.name, str(int(year))), where, pcol, row[pcol]):
            per_year[int(year)] = amount


_BUDGET_HEADERS = {"province": ("province", "tinh", "tinh thanh pho", "dia phuong", "don vi"),
                   "budget": ("budget", "ngan sach", "kinh phi", "budget million vnd",
                              "ngan sach trieu dong", "kinh phi trieu dong"),
                   "year": ("year", "nam")}


def _budget_kind(header: str) -> str | None:
    key = fold(header)
    return next((k for k, names in _BUDGET_HEADERS.items() if key in names), None)


def _is_budget_header(cells: list[str]) -> bool:
    return {"province", "budget"} <= {_budget_kind(c) for c in cells}
