"""The lines of an official annex form that are not one project each: a project listed under
both fund sections (its KCQG share in A, its KCĐP share in B) is merged into one, and a group
project ("Đề án nhóm 4 cơ sở") gets its establishment count.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kcopt.core.parse import parse_number_text
from kcopt.core.text import fold
from kcopt.core.vocabulary import canonical_column
from kcopt.core.words import _
from kcopt.io.formlayout import GROUP_LINE, SHARE_HEADERS, group_count, group_kind
from kcopt.io.formstate import FormState, add_column
from kcopt.rules.rates import load_rules


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


BENEFICIARY_HEADERS = ("don vi thu huong", "co so thu huong", "doi tuong thu huong",
                       "doanh nghiep thu huong", "don vi co so thu huong")
# a beneficiary cell that is a count of establishments: "4 doanh nghiệp", "3 cơ sở chế biến"
_COUNTED = re.compile(r"^0*([1-9]\d{0,3}) (co so|doanh nghiep|dn|hop tac xa|htx|ho kinh doanh)\b")


def establishments(st: FormState, frame: pd.DataFrame, file_rows: list[int]) -> pd.DataFrame:
    """Group lines: each project's establishment count from the count column ("Số đề án",
    "Số chương trình, đề án"), else from its name ("7 đề án …", "02 đề án: …", "Đề án nhóm …
    4 cơ sở") or, where the content type's ceiling is per establishment, from its beneficiary
    ("4 doanh nghiệp"); a count read from text is reported with its row."""
    n = len(frame)
    blank = pd.Series([""] * n, index=frame.index)
    names = frame[st.canon["name"]].astype(str) if "name" in st.canon else blank
    kinds = frame[st.group_kind_col].astype(str) if st.group_kind_col else blank
    count_col = st.canon.get("establishments")
    given = frame[count_col].astype(str).str.strip() if count_col else blank
    who_col = next((h for h in frame.columns if fold(str(h)) in BENEFICIARY_HEADERS), None)
    who = frame[who_col].astype(str) if who_col else blank
    cat_col = st.canon.get("category", "category" if "category" in frame else None)
    cats = frame[cat_col].astype(str) if cat_col else blank
    # a count of beneficiaries multiplies a ceiling per establishment, and one per brand
    # ("3 hộ kinh doanh" designing packaging: a brand each), never one per model or event
    per_site = {c for c, r in load_rules().rules.items()
                if r.unit in ("per establishment", "per brand")}
    # fold (slow) only the rows that may hold a count (a digit) or say "nhóm"
    maybe = (names.str.contains(r"^\s*\d|nh.{0,2}m", case=False, regex=True)
             | kinds.str.contains(r"nh.{0,2}m", case=False, regex=True)
             | who.str.match(r"\s*\d")).to_numpy(bool)
    counts: list[str] = given.tolist()
    filled = False
    listed = {i + 1: int(m["count"]) for i, m in st.members.items()}
    at = np.flatnonzero(maybe)  # those rows' cells taken at once (`.iat` is ~12 µs a cell)
    for pos, g, name, kind, person, cat in zip(at.tolist(), *(
            map(str, column.iloc[at].tolist()) for column in (given, names, kinds, who, cats)),
            strict=True):
        found = _count_of(st, name, kind, person, cat in per_site, file_rows[pos], g,
                          listed.get(file_rows[pos]))
        if found is None or (g and g != "1"):
            continue
        if g == "1":
            st.warn(_("a group project states 1 establishment but its name/type says "
                      "{count}: {count} is used").format(count=found), file_rows[pos],
                    count_col)
        counts[pos] = str(found)
        filled = True
    if not filled:
        return frame
    if count_col:
        frame = frame.copy()
        frame[count_col] = counts
        return frame
    return add_column(frame, "establishments", counts)


def _count_of(st: FormState, name: str, kind: str, who: str, per_site: bool, row: int,
              given: str, listed: int | None) -> int | None:
    """The establishments a group line's text states (None when it states none); a count read
    from the name or the beneficiary is reported, a group project without one is warned."""
    key = fold(name)
    lines = GROUP_LINE.match(key)
    counted = _COUNTED.match(fold(who)) if per_site else None
    group = group_kind(kind) == "group" or "de an nhom" in key
    found = int(lines.group(1)) if lines else group_count(kind, name) if group else None
    source = name
    if found is None and counted is not None and int(counted.group(1)) > 1:
        found, source = int(counted.group(1)), who
    if found is None and listed and not given:
        st.warn(_("a group line: {count} establishments counted from the rows listed "
                  "under it").format(count=listed), row)
        return listed
    if found is None:
        if group and not given:
            st.warn("đề án nhóm không ghi số cơ sở (cột 'Số đề án / Số cơ sở' hoặc "
                    "'… N cơ sở' trong tên): tính như một cơ sở", row)
        return None
    if not given and (lines or source is who):
        st.warn(_("a group line: {count} establishments read from '{text}'; its ceiling is "
                  "the ceiling per establishment × {count}").format(
                      count=found, text=source[:50]), row)
    return found


def _number_text(x: float) -> str:
    """An amount as a cell's text, exactly (the reader parses it back).

    >>> _number_text(300.0), _number_text(78324.7273)
    ('300', '78324.7273')
    """
    return repr(int(x)) if float(x).is_integer() else repr(float(x))
