"""The what-if chain's "unchanged since the last table" (`kcopt.analysis.chained`), shared by
the funded projects' reasons and the second-fund notes: a row keeps its last text only when it
was worded in that table, with the same figures and in the same language and context."""

from __future__ import annotations

from typing import Any

import numpy as np

from kcopt.analysis.chained import remember, unchanged


def _figures(first: list[int], amount: list[float], budget: list[Any]) -> dict[str, np.ndarray]:
    return {"first": np.array(first), "amount": np.array(amount, dtype=float),
            "budget": np.array(budget, dtype=object)}


def _kept_table() -> tuple[dict[str, Any], object]:
    kept: dict[str, Any] = {}
    caps = object()
    rows = np.array([1, 3, 4])
    remember(kept, "notes", ("vi", 0.3), (caps,), rows,
             _figures([0, 1, 0], [5.0, np.nan, 2.5], ["budget:central", None, None]),
             np.array(["a", "b", "c"], dtype=object), 6)
    return kept, caps


def test_rows_with_their_last_figures_keep_their_last_text() -> None:
    kept, caps = _kept_table()
    rows = np.array([0, 1, 3, 4, 5])
    same, last = unchanged(kept, "notes", ("vi", 0.3), (caps,), rows,
                           _figures([0, 0, 1, 1, 0], [0.0, 5.0, np.nan, 2.5, 0.0],
                                    [None, "budget:central", None, None, None]), 6)
    # row 0 and 5 were not in the last table (even with the blank figures a kept column holds);
    # row 1 is as it was; row 3's NaN is never "the same"; row 4's first fund changed
    assert same.tolist() == [False, True, False, False, False]
    assert last is not None and last[same].tolist() == ["a"]


def test_a_none_budget_as_before_is_the_same_and_a_new_budget_is_not() -> None:
    kept, caps = _kept_table()
    rows = np.array([4, 1])
    same, _ = unchanged(kept, "notes", ("vi", 0.3), (caps,), rows,
                        _figures([0, 0], [2.5, 5.0], [None, "budget:local:HN"]), 6)
    assert same.tolist() == [True, False]


def test_another_language_context_or_table_size_rewords_every_row() -> None:
    kept, caps = _kept_table()
    rows = np.array([1])
    figures = _figures([0], [5.0], ["budget:central"])
    assert unchanged(kept, "notes", ("vi", 0.3), (caps,), rows, figures, 6)[0].tolist() == [True]
    for said, of, n in ((("en", 0.3), (caps,), 6), (("vi", 0.5), (caps,), 6),
                        (("vi", 0.3), (object(),), 6), (("vi", 0.3), (), 6),
                        (("vi", 0.3), (caps,), 7)):
        same, last = unchanged(kept, "notes", said, of, rows, figures, n)
        assert not same.any() and last is None
    assert unchanged(None, "notes", ("vi", 0.3), (caps,), rows, figures, 6)[1] is None
    assert unchanged(kept, "funded", ("vi", 0.3), (caps,), rows, figures, 6)[1] is None


def test_without_a_chain_nothing_is_kept() -> None:
    remember(None, "notes", ("vi",), (), np.array([0]), _figures([0], [1.0], [None]),
             np.array(["x"], dtype=object), 1)  # no error, nothing to keep it in
