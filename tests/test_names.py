"""Row and column names, made and read in one module (`kcopt.model.names`): every name the
demo's three scenarios give their programs parses and prints back byte for byte, a generated
record prints and parses back to itself, a malformed name is a clear error, and the readers
that used to split strings read multi-year names right."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kcopt
from kcopt.core.language import using
from kcopt.model.funds import split_program
from kcopt.model.names import (
    COL_KINDS,
    ROW_FAMILIES,
    BadName,
    ColId,
    RowId,
    parse_col,
    parse_row,
    rows_of,
    rows_of_target,
)

DEMO = kcopt.demo_scenario_path().parent
SCENARIOS = ("demo.yaml", "demo-mip.yaml", "demo-2026-2030.yaml")


@cache
def demo_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(row names, column names) of the three demo programs, with the caps held as column
    bounds and the split program's keep rows."""
    rows: list[str] = []
    cols: list[str] = []
    for file in SCENARIOS:
        sc = kcopt.load_scenario(DEMO / file)
        model = kcopt.build(kcopt.read_projects(sc.projects), sc)
        lp = model.lp
        rows += lp.row_names + [b for b in model.bound_names if b]
        rows += split_program(model, np.zeros(lp.shape[1])).row_names[lp.shape[0]:]
        cols += lp.col_names
    return tuple(rows), tuple(cols)


def test_the_demo_names_cover_every_family() -> None:
    rows, cols = demo_names()
    families = {parse_row(n).family for n in rows}
    assert {"budget", "cap", "must_fund", "target", "total", "keep", "start", "one_start",
            "all_or_nothing", "requires", "group"} <= families, families
    assert {parse_col(n).kind for n in cols} >= {"x", "z", "w", "total"}
    assert any(parse_row(n).year for n in rows if n.startswith("budget:local:"))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_demo_name_prints_back_identically(data: st.DataObject) -> None:
    rows, cols = demo_names()
    row = data.draw(st.sampled_from(rows))
    col = data.draw(st.sampled_from(cols))
    assert str(parse_row(row)) == row
    assert str(parse_col(col)) == col


def test_every_demo_name_round_trips() -> None:
    rows, cols = demo_names()
    assert [str(parse_row(n)) for n in rows] == list(rows)
    assert [str(parse_col(n)) for n in cols] == list(cols)


IDS = st.text(st.characters(blacklist_characters=":", blacklist_categories=("Cs",)),
              min_size=1, max_size=12)
PROVINCES = st.sampled_from(["Hà Nội", "Lâm Đồng", "Đắk Lắk", "TP. Hồ Chí Minh", "Sơn La"])
YEARS = st.none() | st.integers(2000, 2100)


@st.composite
def row_ids(draw: st.DrawFn) -> RowId:
    family = draw(st.sampled_from([*ROW_FAMILIES, "target"]))
    pid, year = draw(IDS), draw(YEARS)
    if family == "budget":
        fund = draw(st.sampled_from(["central", "local"]))
        return RowId.budget(fund, draw(PROVINCES) if fund == "local" else None, year)
    if family == "total":
        return RowId("total", fund=draw(st.sampled_from(["all", "central", "local"])), year=year)
    if family == "target":
        name = draw(IDS.filter(lambda t: t not in ROW_FAMILIES))
        return RowId.of_target(name, draw(st.none() | PROVINCES))
    if family in ("keep", "start"):
        return RowId.of_project(family, pid, year if family == "keep" else draw(YEARS
                                .filter(lambda y: y is not None)))
    if family == "requires":
        return RowId("requires", project=pid, other=draw(IDS))
    if family == "group":
        return RowId("group", group=draw(IDS))
    if family == "round":
        return RowId("round", column=ColId.support(pid, "local", year))
    if family in ("move", "change"):
        return RowId.move(family, pid, draw(st.sampled_from(["central", "local"])))
    if family == "floor":
        return RowId.floor(draw(st.sampled_from(["score", "moved"])))
    return RowId.of_project(family, pid)


@given(row_ids())
def test_a_record_prints_and_parses_back_to_itself(row: RowId) -> None:
    assert parse_row(str(row)) == row


@given(IDS, st.sampled_from(["central", "local"]), YEARS)
def test_a_support_column_prints_and_parses_back(pid: str, fund: str, year: int | None) -> None:
    col = ColId.support(pid, fund, year)
    assert parse_col(str(col)) == col
    k = ColId("k", column=col)
    assert parse_col(str(k)) == k and parse_col(f"k:{col}").column == col


@pytest.mark.parametrize(("name", "says"), [
    ("budget:regional", "budget:central[:<year>] or budget:local:<province>[:<year>]"),
    ("budget:local", "budget:central[:<year>]"),
    ("budget:", "budget:"),
    ("cap:", "cap:"),
    (":Hà Nội", "a target's name"),
    ("total:some", "total:all|central|local"),
    ("start:P1", "start:<id>:<year>"),
    ("requires:P1", "requires:<id>:<id>"),
    ("round:y:P1", "column name"),
])
def test_a_malformed_row_name_is_a_clear_error(name: str, says: str) -> None:
    with using("en"), pytest.raises(BadName) as err:
        parse_row(name)
    assert f"'{name}' is not a row name kcopt makes" in str(err.value)
    assert says in str(err.value)


@pytest.mark.parametrize("name", ["x:P1", "x:P1:regional", "y:P1", "w:P1", "total:x", "z:",
                                  "x:P1:central:20x7"])
def test_a_malformed_column_name_is_a_clear_error(name: str) -> None:
    with using("en"), pytest.raises(BadName, match="is not a column name kcopt makes"):
        parse_col(name)


def test_readers_select_rows_by_record() -> None:
    names = ["budget:central:2027", "budget:local:Hà Nội:2027", "green", "green:Hà Nội",
             "greener", "cap:green"]
    family = ["budget", "budget", "target", "target", "target", "cap"]
    assert rows_of(names, "budget", "central") == [0]
    assert rows_of(names, "budget", "local") == [1]
    assert rows_of_target(names, family, "green") == [2, 3]


def test_the_constructors_print_the_names_the_readers_parse() -> None:
    x = ColId.support("P-1", "central", 2027)
    made = {ColId.selection("P-1"): "z:P-1", ColId.start("P-1", 2028): "w:P-1:2028",
            ColId.multiple(x): "k:x:P-1:central:2027"}
    for col, name in made.items():
        assert str(col) == name and parse_col(name) == col
    rows = {RowId.bound("P-1", True): "must_fund:P-1", RowId.bound("P-1", False): "cap:P-1",
            RowId.rounding(x): "round:x:P-1:central:2027",
            RowId.of_project("keep", "P-1", 2027): "keep:P-1:2027",
            RowId.of_project("fixed", "P-1"): "fixed:P-1"}
    for row, name in rows.items():
        assert str(row) == name and parse_row(name) == row


SRC = Path(kcopt.__file__).parent
# the family or kind of a row or column name followed by ':' — only names.py writes one
_NAME_START = re.compile(rf"^({'|'.join(sorted({*ROW_FAMILIES, *COL_KINDS}))}):")


def hand_made_names(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string in `source` that starts an LP name by hand: a literal (an
    f-string's first part, a concatenated or formatted text) opening with a family or kind and
    ':', or an f-string part opening with ':' right after a value (`f"{family}:{id}"`).
    Docstrings are prose, not names, and are skipped."""
    tree = ast.parse(source)
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                          | ast.AsyncFunctionDef) and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docs and _NAME_START.match(node.value):
            found.append((node.lineno, node.value))
        if isinstance(node, ast.JoinedStr):
            for before, part in zip(node.values, node.values[1:], strict=False):
                if isinstance(before, ast.FormattedValue) and isinstance(part, ast.Constant) \
                        and re.match(r":(\S|$)", str(part.value)):
                    found.append((node.lineno, ast.unparse(node)))
    return sorted(found)


def test_the_scan_finds_a_name_made_by_hand() -> None:
    made = ('names = [f"x:{pid}:{fund}" for pid in ids]\nbound = ("must_fund:" if m else '
            '"cap:") + pid\nrow = "keep:{}".format(pid)\nother = f"{family}:{pid}"\n')
    assert [line for line, _text in hand_made_names(made)] == [1, 1, 2, 2, 3, 4]
    assert hand_made_names('"""x: a docstring"""\nsay = f"PuLP {v}: {status}"\n') == []


@pytest.mark.parametrize("folder", ["model", "solvers"])
def test_no_module_makes_an_lp_name_by_hand(folder: str) -> None:
    """Row and column names are made through `RowId` / `ColId` (kcopt.model.names) alone."""
    found = {f"{path.name}:{line}": text for path in sorted((SRC / folder).glob("*.py"))
             if path.name != "names.py"
             for line, text in hand_made_names(path.read_text(encoding="utf-8"))}
    assert found == {}, f"LP names formatted by hand (use RowId / ColId): {found}"


@pytest.mark.parametrize("prefix", ["move", "change", "move_up", "move_down"])
def test_move_names_at_once_are_the_records_names(prefix: str) -> None:
    """`move_names` writes each (project, fund) pair's name as its record does, and the name
    reads back to that record — ids with a colon, a space, Vietnamese letters."""
    from kcopt.model.names import ColId, RowId, move_names, parse_col, parse_row

    pairs = [("P-1", "central"), ("ĐA:07", "local"), ("Lò gạch 3", "central")]
    record = RowId.move if prefix in ("move", "change") else ColId.move
    parse = parse_row if prefix in ("move", "change") else parse_col
    names = move_names(prefix, pairs)
    assert names == [str(record(prefix, p, f)) for p, f in pairs]
    assert [parse(n) for n in names] == [record(prefix, p, f) for p, f in pairs]


def test_names_made_at_once_are_the_records_names() -> None:
    """`support_names` and `bound_names` (the build's columns, made as text at once) write what
    `str(ColId.support(…))` and `str(RowId.bound(…))` write, and parse back to those records."""
    from kcopt.model.names import bound_names, support_names

    projects = ["P-0001", "Đề án 7", "a:b", "x"]
    funds = ["central", "local", "local", "central"]
    years: list[int | None] = [None, 2027, None, 2030]
    made = support_names(projects, funds, years)
    assert made == [str(ColId.support(p, f, y)) for p, f, y in zip(projects, funds, years,
                                                                      strict=True)]
    assert [parse_col(n) for n in made[:2]] == [ColId.support("P-0001", "central"),
                                                ColId.support("Đề án 7", "local", 2027)]
    must = [False, True, True, False]
    assert bound_names(projects, must) == [str(RowId.bound(p, m)) for p, m in zip(
        projects, must, strict=True)] == ["cap:P-0001", "must_fund:Đề án 7", "must_fund:a:b",
                                          "cap:x"]
