"""A small, strict evaluator of exactly the formulas kcopt's annex writes, so the tests can check
its totals with openpyxl alone (no LibreOffice: milliseconds instead of seconds a workbook).

The subset: cell references (`G13`), ranges (`G13:G40`) inside a function, `SUM(…)`,
`SUBTOTAL(9, …)` (a sum that leaves out the cells of the range holding SUBTOTALs themselves,
as Excel and LibreOffice do, so a fund part's SUBTOTAL over its sections' rows counts each
line once), and `+` / `-` between terms. Anything else — another function or SUBTOTAL code, a
number outside SUBTOTAL's first argument, an absolute or other-sheet reference, text in a sum,
a circular reference, a stray character — raises `FormulaError`, so a formula the evaluator
does not understand can never pass silently. `test_annex_formulas.py` checks it once against
LibreOffice on the demo annex.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

TOKEN = re.compile(r"\s*(?:(?P<func>[A-Z]+)\(|(?P<range>[A-Z]{1,3}[1-9][0-9]*:[A-Z]{1,3}"
                   r"[1-9][0-9]*)|(?P<ref>[A-Z]{1,3}[1-9][0-9]*)|(?P<num>[0-9]+)"
                   r"|(?P<op>[-+,)]))")
REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")


class FormulaError(ValueError):
    """A formula outside the annex's subset, or one that cannot be computed."""


def tokens(formula: str) -> list[tuple[str, str]]:
    """`=SUBTOTAL(9,G13:G40)` → [("func", "SUBTOTAL"), ("num", "9"), ("op", ","), …]."""
    if not formula.startswith("="):
        raise FormulaError(f"not a formula: {formula!r}")
    out, pos, text = [], 1, formula
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise FormulaError(f"{formula!r}: cannot read {text[pos:]!r}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class Sheet:
    """The formulas and values of one openpyxl worksheet (loaded without `data_only`), each
    formula cell computed once (`value`)."""

    def __init__(self, ws: Any) -> None:
        self.cells: dict[str, Any] = {c.coordinate: c.value for row in ws.iter_rows()
                                      for c in row if c.value is not None}
        self.done: dict[str, float] = {}
        self.busy: set[str] = set()

    def formulas(self) -> list[str]:
        return [k for k, v in self.cells.items() if isinstance(v, str) and v.startswith("=")]

    def value(self, ref: str) -> float | str | None:
        """A cell's value: its number, text or None (empty), or its formula computed."""
        raw = self.cells.get(ref)
        if isinstance(raw, bool):
            raise FormulaError(f"{ref} holds a truth value, not a number")
        if not (isinstance(raw, str) and raw.startswith("=")):
            return raw if raw is None or isinstance(raw, str) else float(raw)
        if ref in self.done:
            return self.done[ref]
        if ref in self.busy:
            raise FormulaError(f"circular reference through {ref}")
        self.busy.add(ref)
        try:
            self.done[ref] = _Parser(self, tokens(raw), raw).expression()
        finally:
            self.busy.discard(ref)
        return self.done[ref]

    def is_subtotal(self, ref: str) -> bool:
        raw = self.cells.get(ref)
        return isinstance(raw, str) and raw.startswith("=") and "SUBTOTAL(" in raw

    def number(self, ref: str, where: str) -> float:
        """A referenced cell in `+`/`-`: a number; empty is 0; text is an error."""
        got = self.value(ref)
        if isinstance(got, str):
            raise FormulaError(f"{where}: {ref} holds text {got!r}")
        return 0.0 if got is None else float(got)


def cells_of(span: str) -> list[str]:
    """`G13:H14` → G13, H13, G14, H14 (a reversed range is an error, not an empty one)."""
    a, b = span.split(":")
    ma, mb = REF.fullmatch(a), REF.fullmatch(b)
    assert ma and mb
    c0, c1 = column_index_from_string(ma.group(1)), column_index_from_string(mb.group(1))
    r0, r1 = int(ma.group(2)), int(mb.group(2))
    if c1 < c0 or r1 < r0:
        raise FormulaError(f"reversed range {span}")
    return [f"{get_column_letter(c)}{r}" for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


class _Parser:
    def __init__(self, sheet: Sheet, toks: list[tuple[str, str]], text: str) -> None:
        self.sheet, self.toks, self.text, self.k = sheet, toks, text, 0

    def fail(self, why: str) -> FormulaError:
        return FormulaError(f"{self.text!r}: {why}")

    def take(self, kind: str, value: str | None = None) -> str:
        if self.k >= len(self.toks):
            raise self.fail(f"ends where {value or kind} was expected")
        got_kind, got = self.toks[self.k]
        if got_kind != kind or (value is not None and got != value):
            raise self.fail(f"{got!r} where {value or kind} was expected")
        self.k += 1
        return got

    def expression(self) -> float:
        total = self.term()
        while self.k < len(self.toks) and self.toks[self.k] in (("op", "+"), ("op", "-")):
            sign = self.take("op")
            total = total + self.term() if sign == "+" else total - self.term()
        if self.k != len(self.toks):
            raise self.fail(f"unexpected {self.toks[self.k][1]!r}")
        return total

    def term(self) -> float:
        if self.k >= len(self.toks):
            raise self.fail("ends where a term was expected")
        kind, text = self.toks[self.k]
        if kind == "ref":
            self.k += 1
            return self.sheet.number(text, self.text)
        if kind == "func":
            self.k += 1
            return self.function(text)
        raise self.fail(f"{text!r} is not a cell or a function")

    def function(self, name: str) -> float:
        if name == "SUBTOTAL":
            if self.take("num") != "9":
                raise self.fail("only SUBTOTAL(9, …), a sum, is in the annex's subset")
            self.take("op", ",")
        elif name != "SUM":
            raise self.fail(f"{name} is not in the annex's subset (SUM, SUBTOTAL(9, …))")
        total = 0.0
        while True:
            kind, text = self.toks[self.k] if self.k < len(self.toks) else ("", "")
            if kind not in ("range", "ref"):
                raise self.fail(f"{text!r} where a cell or range was expected")
            self.k += 1
            total += self.sum_over(cells_of(text) if kind == "range" else [text], name)
            if self.take("op") == ")":
                return total
            if self.toks[self.k - 1][1] != ",":
                raise self.fail("arguments are separated by commas")

    def sum_over(self, refs: list[str], name: str) -> float:
        """SUM/SUBTOTAL(9) over cells: numbers added, text and empty cells left out; SUBTOTAL
        leaves out the SUBTOTAL cells inside its range."""
        total = 0.0
        for ref in refs:
            if name == "SUBTOTAL" and self.sheet.is_subtotal(ref):
                continue
            got = self.sheet.value(ref)
            if isinstance(got, int | float) and not isinstance(got, bool):
                total += float(got)
        return total


def evaluate(ws: Any) -> dict[str, float]:
    """Every formula cell of `ws` (an openpyxl worksheet loaded with its formulas) computed:
    coordinate → value. Raises FormulaError on anything outside the annex's subset."""
    sheet = Sheet(ws)
    return {ref: float(sheet.value(ref) or 0.0) for ref in sheet.formulas()}
