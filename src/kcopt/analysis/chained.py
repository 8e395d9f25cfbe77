"""Rows a what-if's table need not word again: those whose figures are the ones they had in the
what-if chain's last table (`kcopt.analysis.report._chain_tables`).

A reason or note is a function of a few figures per row and of what the whole table shares (the
language, the cap table, the order of funds, …). `unchanged` finds, among the rows to word, the
ones whose figures and shared context are those of the chain's last table, and gives that table's
texts for them; `remember` keeps this table's figures and texts for the next what-if. Both compare
whole columns at once, so a what-if words only the rows whose money moved.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def unchanged(kept: dict[str, Any] | None, name: str, said: tuple, of: tuple, rows: np.ndarray,
              figures: dict[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Per row of `rows` (positions in a table of `n` rows): whether it had `figures` (each an
    array over `rows`) in the chain's last table kept under `name`, with the same `said`
    (compared by value) and `of` (objects compared by identity); and that table's texts for
    `rows` (None when no row is unchanged)."""
    same = np.zeros(len(rows), dtype=bool)
    last = kept.get(name) if kept is not None else None
    if last is None or last["said"] != said or len(last["of"]) != len(of) \
            or any(a is not b for a, b in zip(last["of"], of, strict=True)) \
            or len(last["text"]) != n or last["figures"].keys() != figures.keys():
        return same, None
    same = last["present"][rows].copy()
    for key, values in figures.items():
        same &= last["figures"][key][rows] == values
    return same, last["text"][rows]


def remember(kept: dict[str, Any] | None, name: str, said: tuple, of: tuple, rows: np.ndarray,
             figures: dict[str, np.ndarray], texts: np.ndarray, n: int) -> None:
    """Keep under `name` this table's `figures` and `texts` of `rows` (see `unchanged`), for the
    next what-if of the chain; nothing when the plan has no chain (`kept` None)."""
    if kept is None:
        return
    present = np.zeros(n, dtype=bool)
    present[rows] = True
    state = {}
    for key, values in figures.items():
        column = np.zeros(n, dtype=values.dtype) if values.dtype != object \
            else np.full(n, None, dtype=object)
        column[rows] = values
        state[key] = column
    text = np.full(n, None, dtype=object)
    text[rows] = texts
    kept[name] = {"said": said, "of": of, "present": present, "figures": state, "text": text}
