"""The lines of an official annex form that are not one project each: a project listed under
both fund sections (its KCQG share in A, its KCĐP share in B) is merged into one, and a group
project ("Đề án nhóm 4 cơ sở") gets its establishment count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kcopt.core.parse import parse_number_text
from kcopt.core.text import fold
from kcopt.core.vocabulary import canonical_column
from kcopt.core.words import _
from kcopt.io.formlayout import SHARE_HEADERS, group_count, group_kind
from kcopt.io.formstate import FormState, add_column


def merge_fund_lines(st: FormState, frame: pd.DataFrame, body: list[int], file_rows: list[int]
                     ) -> tuple[pd.DataFrame, list[int]]:
    """A project listed under both fund sections (its KCQG share in A, its KCĐP share in
    B) is one project: its support is the sum of its lines, every other cell the first
    one given. With a proposal column, the share of each fund is kept as a column."""
    ids = frame[st.canon["project_id"]].astype(str).str.strip().tolist()
    funds = [st.fund_at(i) for i in body]
    support = st.proposal or st.canon.get("requested")
    lines: dict[str, list[int]] = {}
    for k, pid in enumerate(ids):
        lines.setdefault(pid, []).append(k)
    shares = {lvl: [0.0] * len(ids) for lvl in SHARE_HEADERS}
    keep = []
    frame = frame.copy()
    for pid, ks in lines.items():
        levels = [funds[k] for k in ks]
        if len(ks) > 1 and (None in levels or len(set(levels)) < len(ks)):
            keep += ks  # the same id twice in one fund: the validator reports it
            continue
        for k, level in zip(ks, levels, strict=True):
            amount = parse_number_text(str(frame[support].iat[k])) if support else None
            if level in shares:
                shares[str(level)][ks[0]] = amount or 0.0
        keep.append(ks[0])
        if len(ks) > 1:
            _merge_lines(st, frame, pid, ks, support, file_rows)
    keep.sort()
    both = {ks[0] for ks in lines.values() if len(ks) > 1 and ks[0] in keep
            and len({funds[k] for k in ks}) > 1}
    frame = frame.iloc[keep].reset_index(drop=True)
    if both and "funds" not in st.canon:  # paid from both: the project may take both
        frame["funds"] = pd.Series(["both" if k in both else "" for k in keep], dtype=str)
    if st.proposal is not None:
        for lvl, header in SHARE_HEADERS.items():
            frame[header] = pd.Series([_number_text(shares[lvl][k]) for k in keep],
                                      dtype=str)
    return frame, [file_rows[k] for k in keep]


def _merge_lines(st: FormState, frame: pd.DataFrame, pid: str, ks: list[int],
                 support: str | None, file_rows: list[int]) -> None:
    """The lines `ks` of project `pid` into its first line."""
    for pos, col in enumerate(frame.columns):
        values = [str(frame[col].iat[k]).strip() for k in ks]
        if col == support:
            total = sum(parse_number_text(v) or 0.0 for v in values)
            frame.iat[ks[0], pos] = _number_text(total)
            continue
        given = [v for v in values if v]
        if given:
            frame.iat[ks[0], pos] = given[0]
        if len(set(given)) > 1 and canonical_column(str(col)) is not None:
            st.warn(_("project {id} is listed under both funds with different values in "
                      "column '{column}' ({values}): the first is used").format(
                          id=pid, column=col, values=", ".join(given)),
                    file_rows[ks[1]], str(col))


def establishments(st: FormState, frame: pd.DataFrame, file_rows: list[int]) -> pd.DataFrame:
    """Group projects: the count from a count column, else from "đề án nhóm N cơ sở" in
    the name or the project-kind column; a group project without a count is warned."""
    kind_col = st.group_kind_col
    n = len(frame)
    names = frame[st.canon["name"]].astype(str) if "name" in st.canon else \
        pd.Series([""] * n, index=frame.index)
    kinds = frame[kind_col].astype(str) if kind_col else pd.Series([""] * n,
                                                                  index=frame.index)
    count_col = st.canon.get("establishments")
    given = frame[count_col].astype(str).str.strip() if count_col else \
        pd.Series([""] * n, index=frame.index)
    # fold (slow) only the rows that may say "nhóm" (any case, NFC or NFD)
    maybe = (names.str.contains(r"(?i)nh.{0,2}m", regex=True)
             | kinds.str.contains(r"(?i)nh.{0,2}m", regex=True)).to_numpy(bool)
    if not maybe.any():
        return frame
    counts: list[str] = list(given)
    filled = False
    for pos in map(int, np.flatnonzero(maybe)):
        name, kind, g = str(names.iat[pos]), str(kinds.iat[pos]), str(given.iat[pos])
        group = group_kind(kind) == "group" or "de an nhom" in fold(name)
        found = group_count(kind, name) if group else None
        if not group or (g and g != "1"):
            continue
        if found is None:
            st.warn("đề án nhóm không ghi số cơ sở (cột 'Số đề án / Số cơ sở' hoặc "
                    "'… N cơ sở' trong tên): tính như một cơ sở", file_rows[pos])
            continue
        counts[pos] = str(found)
        filled = True
        if g == "1":
            st.warn(_("a group project states 1 establishment but its name/type says "
                      "{count}: {count} is used").format(count=found), file_rows[pos],
                    count_col)
    if not filled:
        return frame
    if count_col:
        frame = frame.copy()
        frame[count_col] = counts
        return frame
    return add_column(frame, "establishments", counts)


def _number_text(x: float) -> str:
    """An amount as a cell's text, exactly (the reader parses it back).

    >>> _number_text(300.0), _number_text(78324.7273)
    ('300', '78324.7273')
    """
    return repr(int(x)) if float(x).is_integer() else repr(float(x))
