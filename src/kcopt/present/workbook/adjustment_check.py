"""The adjustment documents against the changes table (`changes.csv`), for `kcopt
check-documents`: every line, every section, fund and grand total of the adjustment annex and
every line and total of the "Điều chỉnh" sheet, as a recalculation shows them, against the sums
of the table, to the đồng; and every line the table changes is in both documents.

The figures are read from the recalculated workbook by its headings, so a document a planner
re-sorted or re-numbered is still read; what is compared is named by its cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kcopt.core.errors import OutputError
from kcopt.core.text import fold
from kcopt.core.vocabulary import FUND_VI
from kcopt.core.words import _
from kcopt.io.sheets import get_column_letter
from kcopt.io.write import read_csv_cells
from kcopt.present.workbook.adjustment import CHANGE_COLUMNS, EPS
from kcopt.present.workbook.annex import ROMAN

AMOUNTS = ("before", "after", "change")
Key = tuple[str, str]  # (project id, fund)
# the annex's headings (folded) → the amount each column holds
ANNEX_HEADINGS = {"kinh phi da phe duyet": "before", "kinh phi dieu chinh": "after",
                  "chenh lech": "change"}
SHEET_HEADINGS = {"Approved": "before", "Adjusted": "after", "Change (+/−)": "change"}
FUND_OF = {fold(v): k for k, v in FUND_VI.items() if k in ("central", "local")}


@dataclass(frozen=True)
class Figure:
    """One figure of a document, what the changes table gives for it (None: a line the table
    does not have, or one of the table's missing from the document)."""

    sheet: str
    cell: str
    what: str
    expected: float | None
    got: Any = None


@dataclass
class _Block:
    """A section, fund part or the whole annex: its subtotal row and the lines under it."""

    row: int
    label: str
    fund: str = ""  # a fund part's fund: its subtotal is all the table's lines of that fund
    keys: list[Key] = field(default_factory=list)


def read_changes(path: Path) -> pd.DataFrame:
    """`changes.csv`: the changed lines keyed by (project, fund), their three amounts."""
    try:
        frame = read_csv_cells(pd.read_csv(path, encoding="utf-8-sig", dtype={"project_id": str},
                                           keep_default_na=False, na_values=[""]))
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise OutputError(_("{file}: cannot be read as a kcopt CSV ({error}); was it edited? "
                            "Run kcopt again to rewrite it").format(file=path, error=exc)) from None
    missing = sorted(set(CHANGE_COLUMNS) - set(frame.columns))
    if missing:
        raise OutputError(_("{file}: columns {columns} are missing; is it a kcopt {name}? Run "
                            "kcopt again to rewrite it").format(file=path, columns=missing,
                                                                name=path.name))
    for key in AMOUNTS:
        frame[key] = pd.to_numeric(frame[key], errors="coerce").fillna(0.0)
    return frame


def _table(changes: pd.DataFrame) -> dict[Key, dict[str, float]]:
    moved = changes[changes["change"].abs() >= EPS]
    return {(str(p), str(f)): {k: float(v) for k, v in zip(AMOUNTS, vals, strict=True)}
            for p, f, *vals in zip(moved["project_id"], moved["fund"],
                                   *(moved[k] for k in AMOUNTS), strict=True)}


def _sum(table: dict[Key, dict[str, float]], keys: Any) -> dict[str, float]:
    return {k: sum(table[key][k] for key in keys if key in table) for k in AMOUNTS}


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def annex_figures(ws: Any, changes: pd.DataFrame) -> list[Figure]:
    """The adjustment annex (`ws`: its recalculated sheet) against the table."""
    table = _table(changes)
    found = _annex_columns(ws)
    if found is None:
        return [Figure(ws.title, "", _("its headings were not found"), None)]
    first, id_col, cols = found
    out: list[Figure] = []
    lines: dict[Key, int] = {}
    blocks: list[_Block] = []
    fund, section, fund_block = "", None, None
    for r in range(first, ws.max_row + 1):
        key = str(ws.cell(r, 1).value or "").strip()
        text = fold(str(ws.cell(r, 3).value or ""))
        if text.startswith("tong cong"):
            out += _block_figures(ws, cols, _Block(r, _("grand total")), table, set(table))
            break
        if key in ("A", "B"):
            fund = "central" if key == "A" else "local"
            fund_block = _Block(r, key, fund)
            blocks.append(fund_block)
            section = None
        elif key in ROMAN:
            section = _Block(r, f"{'AB'[fund == 'local']}.{key}")
            blocks.append(section)
        elif _number(ws.cell(r, 1).value) is not None:
            pid = str(ws.cell(r, id_col).value or "").strip()
            lines[(pid, fund)] = r
            for block in (section, fund_block):
                if block is not None:
                    block.keys.append((pid, fund))
            out += _line_figures(ws, cols, r, (pid, fund), table)
    for block in blocks:
        whole = {k for k in table if k[1] == block.fund} if block.fund else None
        out += _block_figures(ws, cols, block, table, whole)
    return out + _missing(ws.title, table, lines)


def _annex_columns(ws: Any) -> tuple[int, int, dict[str, int]] | None:
    """The first body row, the project id column and the amounts' columns of the annex."""
    for r in range(1, min(ws.max_row, 30) + 1):
        if fold(str(ws.cell(r, 1).value or "")) != "stt":
            continue
        cols: dict[str, int] = {}
        id_col = None
        for c in range(1, ws.max_column + 1):
            for row in (r, r + 1):
                text = fold(str(ws.cell(row, c).value or ""))
                amount = next((v for h, v in ANNEX_HEADINGS.items() if text.startswith(h)), None)
                if amount is not None:
                    cols[amount] = c
                elif text == "ma de an":
                    id_col = c
        if id_col is not None and len(cols) == len(AMOUNTS):
            return r + 3, id_col, cols
    return None


def _line_figures(ws: Any, cols: dict[str, int], r: int, key: Key,
                  table: dict[Key, dict[str, float]]) -> Iterator[Figure]:
    want = table.get(key)
    if want is None:
        yield Figure(ws.title, f"A{r}", _("project {id} ({fund}): a line the changes table does "
                                          "not have").format(id=key[0], fund=_fund(key[1])),
                     None)
        return
    for amount, col in cols.items():
        yield Figure(ws.title, f"{get_column_letter(col)}{r}",
                     _("{amount} of project {id} ({fund})").format(
                         amount=_amount_word(amount), id=key[0], fund=_fund(key[1])),
                     want[amount], ws.cell(r, col).value)


def _block_figures(ws: Any, cols: dict[str, int], block: _Block,
                   table: dict[Key, dict[str, float]], whole: set[Key] | None) -> Iterator[Figure]:
    """A subtotal row against the table's sums: of all the table's lines of the block's fund
    (`whole`), else of the lines listed under it."""
    sums = _sum(table, whole if whole is not None else block.keys)
    for amount, col in cols.items():
        yield Figure(ws.title, f"{get_column_letter(col)}{block.row}",
                     _("{amount}, subtotal of '{section}'").format(
                         amount=_amount_word(amount), section=block.label),
                     sums[amount], ws.cell(block.row, col).value)


def _missing(sheet: str, table: dict[Key, dict[str, float]],
             lines: dict[Key, int]) -> list[Figure]:
    return [Figure(sheet, "", _("project {id} ({fund}) changes in the changes table but has no "
                                "line in the document").format(id=pid, fund=_fund(fund)), None)
            for pid, fund in table if (pid, fund) not in lines]


def sheet_figures(ws: Any, changes: pd.DataFrame) -> list[Figure]:
    """The "Điều chỉnh" sheet of allocation.xlsx (`ws`, recalculated) against the table."""
    table = _table(changes)
    header = next((r for r in range(1, 10) if any(
        c.value == "Project ID" for c in ws[r])), None)
    if header is None:
        return [Figure(ws.title, "", _("its headings were not found"), None)]
    labels = {str(c.value): c.column for c in ws[header] if c.value is not None}
    cols = {v: labels[h] for h, v in SHEET_HEADINGS.items() if h in labels}
    if len(cols) < len(AMOUNTS) or "Fund" not in labels:
        return [Figure(ws.title, "", _("its headings were not found"), None)]
    fund_col = labels["Fund"]
    out: list[Figure] = []
    lines: dict[Key, int] = {}
    for r in range(header + 1, ws.max_row + 1):
        first = fold(str(ws.cell(r, 1).value or ""))
        fund = FUND_OF.get(fold(str(ws.cell(r, fund_col).value or "")), "")
        if first.startswith("tong cong"):
            out += _block_figures(ws, cols, _Block(r, _("total")), table, set(table))
        elif first.startswith("trong do"):
            out += _block_figures(ws, cols, _Block(r, FUND_VI.get(fund, fund)), table,
                                  {k for k in table if k[1] == fund})
        elif first and not first.startswith("so de an") \
                and _number(ws.cell(r, cols["before"]).value) is not None:
            key = (str(ws.cell(r, 1).value).strip(), fund)
            lines[key] = r
            out += _line_figures(ws, cols, r, key, table)
    return out + _missing(ws.title, table, lines)


def _fund(fund: str) -> str:
    return {"central": _("central fund (KCQG)"), "local": _("local fund (KCĐP)")}.get(fund, fund)


def _amount_word(amount: str) -> str:
    return {"before": _("approved amount"), "after": _("adjusted amount"),
            "change": _("change")}[amount]
