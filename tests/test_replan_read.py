"""Reading an approved plan's csv (issue 25): the typed path kcopt's own allocation.csv takes
(amounts parsed by the csv reader) reads exactly what the cell-by-cell path reads, and any cell
that is no plain non-negative number goes the cell-by-cell way, where it is said."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kcopt
from kcopt.inputs.approved import _plan_from_cells, _typed_plan, read_plan

NFD_ID = unicodedata.normalize("NFD", "HN-Đắk-01")  # as some editors save it


def written(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False, encoding="utf-8-sig")  # as kcopt writes it (a BOM)
    return path


def test_the_typed_path_reads_what_the_cells_say(tmp_path: Path) -> None:
    plan = written(tmp_path / "allocation.csv", pd.DataFrame({
        "project_id": [" P-1 ", NFD_ID, "P-3", ""], "name": ["a, b", "c", "d", "e"],
        "central": [120.5, np.nan, 0.0, 5.0], "local": [0.0, 30.25, np.nan, 1.0],
        "start_year": [2026, 2027, np.nan, 2026], "reason": ["x", "y", "z", "w"]}))
    amounts = read_plan(plan).amounts
    assert amounts["project_id"].tolist() == ["P-1", unicodedata.normalize("NFC", NFD_ID),
                                              "P-3"]
    assert amounts["central"].tolist() == [120.5, 0.0, 0.0]
    assert amounts["local"].tolist() == [0.0, 30.25, 0.0]
    np.testing.assert_array_equal(amounts["start_year"], [2026.0, 2027.0, np.nan])
    found = {"project_id": "project_id", "central": "central", "local": "local"}
    wanted = ["project_id", "central", "local", "start_year"]
    typed = _typed_plan(plan.read_bytes(), found, wanted)
    cells = _plan_from_cells(plan, pd.read_csv(plan, dtype=str, keep_default_na=False,
                                               usecols=wanted), found)
    assert typed is not None
    pd.testing.assert_frame_equal(typed.reset_index(drop=True), cells.reset_index(drop=True),
                                  check_dtype=False)


@pytest.mark.parametrize(("cell", "shown"), [("-1", "'-1'"), ("inf", "'inf'"),
                                             ("1.200,5", None)])
def test_a_cell_the_typed_path_cannot_take_goes_cell_by_cell(tmp_path: Path, cell: str,
                                                             shown: str | None) -> None:
    """A negative or infinite amount parses as a number but is no amount: said with its row;
    a planner's "1.200,5" is read as 1200.5."""
    plan = tmp_path / "plan.csv"
    plan.write_text(f'project_id,central,local\nA,10,0\nB,"{cell}",2\n', encoding="utf-8")
    found = {"project_id": "project_id", "central": "central", "local": "local"}
    assert _typed_plan(plan.read_bytes(), found, ["project_id", "central", "local"]) is None
    kcopt.set_language("en")
    if shown is None:
        assert read_plan(plan).amounts["central"].tolist() == [10.0, 1200.5]
        return
    with pytest.raises(kcopt.InputError) as info:
        read_plan(plan)
    assert shown in str(info.value) and "row 3" in str(info.value)


@pytest.mark.parametrize("ids", [
    ["P-1", "P-2"], [" P-1", "P-2\t", "\u00a0P-3\u3000"], ["P-1\nP-2", "P-3"], ["\nP-1", "P-2\n"],
    [unicodedata.normalize("NFD", "Đề án 1"), " Lò gạch "], [12, 3.5, "P-1"], [""], [" "], [],
    ["P-1\r", "\rP-2"], ["P-1", "", "P-2"]])
def test_ids_are_stripped_and_nfc_as_each_one_alone(ids: list) -> None:
    """The ids read at once (joined, checked once) are what each id stripped and made NFC on
    its own gives — a space, a tab, a non-breaking space at an edge, a line break inside an
    id or at its edge, a decomposed Vietnamese id, a number."""
    from kcopt.inputs.approved import _ids

    got = _ids(pd.Series(ids, dtype=object)).tolist()
    assert got == [unicodedata.normalize("NFC", str(v).strip()) for v in ids]


def test_a_quoted_header_with_a_line_break_is_read_whole(tmp_path: Path) -> None:
    """The header is read from the first line alone, unless a quote may hold a line break."""
    plan = tmp_path / "plan.csv"
    plan.write_text('project_id,"central",local,"note\nmore"\nP-1,10,0,x\nP-2,0,5,y\n',
                    encoding="utf-8-sig")
    amounts = read_plan(plan).amounts
    assert amounts["project_id"].tolist() == ["P-1", "P-2"]
    assert amounts["central"].tolist() == [10.0, 0.0] and amounts["local"].tolist() == [0.0, 5.0]


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbfproject_id,name,central,local\r\nP-1,a,2,3\n", b"a,b,a\n1,2,3\n",
    b"a,,c\n1,2,3\n", b'"a\nb",c\n1,2\n', b"x,y", b"a,b\r1,2\r", b"a,b,\n1,2,3\n",
    " Mã đề án ,Kinh phí KCQG\n".encode(), b""])
def test_the_header_read_alone_is_the_readers(data: bytes) -> None:
    """The header from the first line split at its commas is the csv reader's own, or the
    reader reads it: a byte-order mark, CR LF, a repeated or empty name, a quoted line break,
    CR line ends, spaces kept."""
    import io

    from kcopt.inputs.approved import _headers

    try:
        want = list(pd.read_csv(io.BytesIO(data), encoding="utf-8", nrows=0).columns)
    except pd.errors.EmptyDataError:
        with pytest.raises(pd.errors.EmptyDataError):
            _headers(data)
        return
    assert _headers(data) == want


@pytest.mark.parametrize("text", [
    "project_id,name,central,local,start_year\n P-1 ,a,1.5,,2026\nP-2,\"b, c\",,2,\n"
    "\"P-3\",\"d\ne\",0,0.25,2027\n",
    "\ufeffMã đề án,Kinh phí KCQG,Kinh phí KCĐP\nĐA-1,100,\nĐA-2,,50\n",
    "project_id,central,local\nP-1,1.200,5\n",  # a planner's 1.200 (read as 1.2 by both)
    "project_id,central,local\nP-1,abc,5\n",  # a word: neither reader takes it typed
    "project_id,central,local\nP-1,-3,5\n"])
def test_arrows_reader_reads_what_pandas_reader_reads(text: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan read with Arrow's csv reader (when pyarrow is there) is the plan pandas' C
    reader reads, or the same error: ids, blanks, quoted commas and line breaks, start years,
    a byte-order mark, Vietnamese headers, a bad cell."""
    import kcopt.inputs.approved as approved

    pytest.importorskip("pyarrow")
    plan = tmp_path / "plan.csv"
    plan.write_bytes(text.encode("utf-8"))

    def read() -> pd.DataFrame | str:
        try:
            return read_plan(plan).amounts
        except kcopt.InputError as err:
            return str(err)

    arrow = read()
    monkeypatch.setattr(approved, "_arrow_read", lambda *args: None)
    plain = read()
    if isinstance(arrow, str) or isinstance(plain, str):
        assert arrow == plain
    else:
        pd.testing.assert_frame_equal(arrow, plain)
