"""A table's text columns made as pandas makes them, without turning every text into an Arrow
string at each what-if.

With pandas' Arrow strings (pandas ≥ 3, or `future.infer_string`), a frame turns each text of
an object column into UTF-8; for 10,000 reasons, most of them Vietnamese, that is milliseconds
at every what-if although most rows say what they said in the last table. `text_column` keeps
the last table's column with a what-if chain and turns into Arrow strings only the rows whose
text changed; the column is the one `pd.Series(texts)` would make, cell for cell and of the same
dtype. Without Arrow strings (object columns), the texts are handed over as they are.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd


def text_column(texts: np.ndarray, kept: dict[str, Any] | None, key: str) -> Any:
    """`texts` (an object array) as a frame's column: the array pandas would make of it.
    `kept`: a what-if chain's tables (`kcopt.analysis.report._chain_tables`), where the
    column of the last table under `key` is kept; only the rows whose text differs from it
    are turned into Arrow strings."""
    last = kept.get(key) if kept is not None else None
    made = None
    if last is not None and len(last["texts"]) == len(texts):
        made = _patched(last, texts)
    if made is None:
        made = _fresh(texts)
    if kept is not None:
        kept[key] = made
    return made["column"]


def _fresh(texts: np.ndarray) -> dict[str, Any]:
    column = pd.Series(texts, copy=False).array  # as a frame infers it
    arrow = None
    if _arrow_strings(column):
        import pyarrow as pa

        arrow = pa.array(column)
        if isinstance(arrow, pa.ChunkedArray):
            arrow = arrow.combine_chunks()
    return {"texts": texts, "column": column, "arrow": arrow, "dtype": column.dtype}


def _patched(last: dict[str, Any], texts: np.ndarray) -> dict[str, Any] | None:
    """The last column with the rows whose text changed replaced; None when it cannot be
    (no Arrow strings, or a text Arrow does not take)."""
    if last["arrow"] is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    changed = np.asarray(texts != last["texts"], dtype=bool)  # an unchanged text: no work
    arrow = last["arrow"]
    if changed.any():
        try:
            new = pa.array(texts[changed], type=arrow.type, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            return None
        arrow = pc.replace_with_mask(arrow, pa.array(changed), new)
    dtype = last["dtype"]
    column = dtype.construct_array_type()._from_sequence(arrow, dtype=dtype)
    return {"texts": texts, "column": column, "arrow": arrow, "dtype": dtype}


def coded_column(words: list[Any], codes: np.ndarray) -> Any:
    """The column pandas makes of the texts `words[codes]` (an object array): with Arrow
    strings, the few words turned into Arrow strings once and taken by their codes, not
    10,000 texts turned one by one (a table's status: five words, 10,000 rows)."""
    dtype = _text_dtype()
    texts = np.array(words, dtype=object)
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or \
            not all(isinstance(w, str) for w in words):
        return pd.Series(texts[codes], copy=False).array
    import pyarrow as pa

    arrow = pa.array(texts, type=pa.large_string()).take(pa.array(codes))
    made: Any = dtype.construct_array_type()
    column = made._from_sequence(arrow, dtype=dtype)
    if column.dtype != dtype:  # not what pandas makes of texts: made as pandas makes it
        return pd.Series(texts[codes], copy=False).array
    return column


def _arrow_strings(column: Any) -> bool:
    """Whether pandas made Arrow strings of a column of texts."""
    dtype = column.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow" and \
        dtype == _text_dtype()


@cache
def _text_dtype() -> Any:
    """The dtype pandas gives a column of texts (an object array of str)."""
    return pd.Series(np.array(["a"], dtype=object)).dtype


def same_column(series: pd.Series) -> Any:
    """`series.to_numpy()` as a frame would take it again: a column of texts already of the
    dtype pandas would give it, kept as it is (no round trip through Python strings); any
    other column as that array."""
    if isinstance(series.dtype, pd.StringDtype) and series.dtype == _text_dtype() \
            and has_values(series):
        return series.array
    return series.to_numpy()


def has_values(series: pd.Series) -> bool:
    """`series.notna().any()`, without making a Series of 10,000 flags at each table for the
    columns a project list leaves empty (all None, all NaN) or fills (Arrow strings with no
    missing cell): those are read off the values themselves."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return not bool(np.isnan(series.to_numpy()).all())
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        values = series.to_numpy().tolist()
        if values.count(None) == len(values):  # every cell None: nothing listed
            return False
    elif isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return not bool(series.array.isna().all())
    return bool(series.notna().any())
