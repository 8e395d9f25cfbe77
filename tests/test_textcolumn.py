"""A table's text column kept from one what-if to the next (`kcopt.analysis.textcolumn`): the
column made by replacing the rows whose text changed is the one pandas makes of the texts, cell
for cell and of the same dtype, whatever changed (texts, missing cells, the length)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

import kcopt
from kcopt.analysis.report import _chain_tables
from kcopt.analysis.textcolumn import coded_column, has_values, same_column, text_column


def _texts(rng: np.random.Generator, n: int) -> np.ndarray:
    words = ["được hỗ trợ toàn bộ", "funded in full", "không được hỗ trợ: ngân sách", "", "ĐVT"]
    out = np.array([f"{words[k]} {v:.3f}" for k, v in zip(
        rng.integers(0, len(words), n), rng.random(n), strict=True)], dtype=object)
    out[rng.random(n) < 0.05] = np.nan
    return out


def _as_pandas_makes_it(texts: np.ndarray) -> pd.Series:
    return pd.DataFrame({"t": texts})["t"]


def test_a_patched_column_is_the_column_pandas_makes() -> None:
    rng = np.random.default_rng(2026)
    kept: dict = {}
    texts = _texts(rng, 500)
    patched = 0
    for k in range(12):
        column = pd.DataFrame({"t": text_column(texts, kept, "reason")})["t"]
        pd.testing.assert_series_equal(column, _as_pandas_makes_it(texts))
        patched += kept["reason"]["arrow"] is not None and k > 0
        texts = texts.copy()
        change = rng.random(len(texts)) < [0.0, 0.02, 0.5, 1.0][k % 4]
        texts[change] = _texts(rng, int(change.sum()))
        if k == 7:  # another table's length: made afresh
            texts = _texts(rng, 480)
    if kept["reason"]["arrow"] is not None:  # pandas with Arrow strings: rows were replaced
        assert patched == 11


def test_same_column_keeps_what_a_frame_would_make() -> None:
    frame = pd.DataFrame({"text": np.array(["a", np.nan, "ơ"], dtype=object),
                          "none": np.array([np.nan] * 3, dtype=object),
                          "mixed": np.array(["a", 1, None], dtype=object),
                          "number": [1.0, 2.0, np.nan]})
    for col in frame:
        made, again = frame[["number"]].copy(), frame[["number"]].copy()
        made["c"] = same_column(frame[col])
        again["c"] = frame[col].to_numpy()
        pd.testing.assert_frame_equal(made, again)


def test_a_whatif_table_replaces_only_the_changed_reasons() -> None:
    """After a what-if the chain's reason column is the one patched from the last table, and
    the table is the one made from scratch."""
    base = kcopt.run(kcopt.demo_scenario_path()).result
    first = kcopt.resolve(base, weights={"green": 0.3})
    kcopt.allocation_table(first)
    kept = _chain_tables(first)
    assert kept is not None and "reason" in kept
    before = kept["reason"]["texts"]
    second = kcopt.resolve(base, weights={"green": 0.25}, budgets={
        "central": base.model.scenario.central_budget * 0.9})
    table = kcopt.allocation_table(second)
    assert kept["reason"]["texts"] is not before
    scratch = kcopt.allocation_table(dataclasses.replace(second, warm=None))
    pd.testing.assert_frame_equal(table, scratch)


def test_a_coded_column_is_the_column_pandas_makes() -> None:
    """Words taken by their codes (a table's status) give the column pandas makes of the
    texts themselves: cell for cell, of the same dtype; a word that is no text included."""
    rng = np.random.default_rng(28)
    for words in (["funded", "partial", "unfunded", "", "ineligible", "loại trừ"],
                  ["funded", "", np.nan, "ĐVT"], ["funded"]):
        codes = rng.integers(0, len(words), 700)
        column = pd.DataFrame({"t": coded_column(words, codes)})["t"]
        pd.testing.assert_series_equal(column, _as_pandas_makes_it(
            np.array(words, dtype=object)[codes]))


def test_has_values_is_notna_any() -> None:
    """`has_values` (read off the values for the columns a list leaves empty or fills) is
    `notna().any()` for every kind of column a project list gives."""
    columns = [[None] * 5, [None, "a"], [np.nan, None], [pd.NA, None], [], ["a", None],
               ["a", "b"], [pd.NaT, pd.NaT], [None, 0]]
    series = [pd.Series(np.array(c, dtype=object)) for c in columns]
    series += [pd.Series(c) for c in columns if c and all(isinstance(v, str) for v in c)]
    series += [pd.Series([None, None], dtype="str"), pd.Series(["a", None], dtype="str"),
               pd.Series([np.nan] * 3), pd.Series([np.nan, 1.0]), pd.Series([np.inf]),
               pd.Series([], dtype=float), pd.Series(np.array([np.nan], dtype=np.float32)),
               pd.Series([1, None], dtype="Int64"), pd.Series([None, None], dtype="Int64"),
               pd.Series([1, 2])]
    for s in series:
        assert has_values(s) == bool(s.notna().any()), (s.dtype, s.tolist())

