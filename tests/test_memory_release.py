"""What a run lets go of, so that `kcopt solve` at 200,000 projects stays under 1 GB in each of
its processes (issue 28; the figures are benchmarks/run.py's, not a test's): the file's cells
once validated, the solver's instances before the files (`lean`), and a streamed block's
texts, held as their places in the shared strings until the zip is written."""

from __future__ import annotations

import gc
import weakref
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import kcopt
import kcopt.pipeline as pipeline
import kcopt.present.workbook.base as base
from kcopt.outputs import run as run_and_write
from kcopt.present.workbook.base import BlockColumn, StreamBook

DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo" / "demo.yaml"


def test_the_files_cells_are_let_go_before_the_model_is_built(
        monkeypatch: pytest.MonkeyPatch) -> None:
    read = pipeline.read_table
    tables: list[weakref.ref] = []

    def reading(*args, **kwargs):  # the real reader; only a weak reference is kept
        table = read(*args, **kwargs)
        tables.append(weakref.ref(table))
        return table

    alive: list[bool] = []

    def built(model) -> None:
        gc.collect()
        alive.append(tables[0]() is not None)

    monkeypatch.setattr(pipeline, "read_table", reading)
    r = pipeline.run(DEMO, on_model=built, reserve=0)
    assert r.summary is not None and alive == [False]


def test_a_lean_run_lets_the_solver_go_and_writes_the_same_files(tmp_path: Path) -> None:
    lean = run_and_write(DEMO, out=tmp_path / "lean", plots=False, lean=True)
    kept = run_and_write(DEMO, out=tmp_path / "kept", plots=False)
    assert lean.result.basis is None and lean.result.warm is None
    assert lean.result.raw is not None and lean.result.raw.handle is None
    assert kept.result.basis is not None
    for name in ("allocation.csv", "constraints.csv", "reserve.csv"):
        assert (tmp_path / "lean" / name).read_bytes() == (tmp_path / "kept" / name).read_bytes()
    # a what-if of a released result solves afresh for its basis: the same plan
    a = kcopt.resolve(lean.result, weights={"green": 0.2})
    b = kcopt.resolve(kept.result, weights={"green": 0.2})
    assert a.objective == pytest.approx(b.objective, rel=1e-9)
    assert np.allclose(a.x, b.x, atol=1e-6)


def test_a_streamed_blocks_texts_are_held_as_their_places(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["Hà Nội", None, "Huế", "Hà Nội", "a < b"] * 4
    book = StreamBook(tmp_path / "b.xlsx", datetime(2026, 1, 1))
    ws = book.sheet("allocation")
    book.block(ws, 2, [BlockColumn(1, list(texts), None),
                       BlockColumn(2, np.arange(20.0), None, lambda r: f"C{r}*2")])
    (_mark, rows), = book._blocks["xl/worksheets/sheet1.xml"]
    held = rows.columns[0].values
    assert isinstance(held, np.ndarray) and held.dtype == np.int32
    assert held.tolist() == [0, -1, 1, 0, 2] * 4
    # a block written cell by cell afterwards does not work out the streamed block's
    # formula values (every formula cell, a dict kcopt's checks alone read)
    monkeypatch.setattr(base, "fast_rows_available", lambda raw: False)
    book.block(ws, 30, [BlockColumn(1, [1.0, 2.0], None, lambda r: f"C{r}+1")])
    assert len(book._unread) == 1
    book.close()
    assert book.expected[("Phân bổ", "B2")] == 0.0 and book.expected[("Phân bổ", "A31")] == 2.0
    sheet = openpyxl.load_workbook(tmp_path / "b.xlsx").active
    assert [sheet.cell(2 + i, 1).value for i in range(20)] == texts


def test_a_csv_written_in_parts_is_the_whole_frames_csv(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    import kcopt.io.write as write

    frame = pd.DataFrame({"id": [f"P-{k}" for k in range(11)],
                          "note": ["=1+1", "Hà Nội", None, "@x", "a,b", 'q"t', "", "-3",
                                   "line\nbreak", "+7", "ok"],
                          "amount": [0.1 * k for k in range(10)] + [float("inf")],
                          "count": list(range(11))})
    whole = tmp_path / "whole.csv"
    write.safe_cells(frame).to_csv(whole, index=False, encoding="utf-8-sig",
                                   lineterminator="\n")
    monkeypatch.setattr(write, "CSV_ROWS", 4)
    for rows in (frame, frame.iloc[:0]):
        parts = write.write_csv(rows, tmp_path / f"parts{len(rows)}.csv")
        expected = whole.read_bytes() if len(rows) else b"\xef\xbb\xbfid,note,amount,count\n"
        assert parts.read_bytes() == expected


def test_a_columns_cells_hold_a_repeated_text_once() -> None:
    import pandas as pd

    from kcopt.present.workbook.facts import column_cells

    texts = pd.Series(["Huế", "Hà Nội", "Huế", "Huế"], dtype="str")
    cells = column_cells(texts)
    assert cells == texts.tolist() and cells[0] is cells[2] is cells[3]
    gaps = pd.Series(["Huế", None, "Huế"], dtype="str")
    assert str(column_cells(gaps)) == str(gaps.tolist())
    floats = pd.Series([1.5, float("inf"), float("nan")])
    assert np.array_equal(column_cells(floats), floats.to_numpy(), equal_nan=True)
    assert column_cells(pd.Series([], dtype="str")) == []


def test_handing_memory_back_starts_no_process() -> None:
    """A process started (and waited for) here would carry this process's peak RSS into the
    children's figure (`RUSAGE_CHILDREN`) the benchmark reads for `kcopt solve`."""
    import os
    import resource

    from kcopt.core.memory import give_back

    if not hasattr(os, "fork"):
        pytest.skip("POSIX only")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child that grows past 200 MB, frees it and hands it back
        os.close(read)
        block = bytearray(200 * 2**20)
        block[::4096] = b"x" * len(block[::4096])
        del block
        give_back()
        ru = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        os.write(write, str(ru).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    children = int(os.read(read, 64).decode())
    os.close(read)
    assert children < 100 * 2**10  # KiB: no child of the child carried its 200 MB


def test_the_reserve_walk_starts_at_the_plans_basis_once_the_solver_is_gone() -> None:
    from kcopt.analysis import reserve_program

    r = pipeline.run(DEMO, reserve=0)
    r.result.release_solver()  # as kcopt solve does before its reserve list
    assert r.result.basis is None and r.result.kept_basis is not None
    lp, kind = reserve_program._walk_program(r.result)
    h = reserve_program._solve_whole(r.result, lp, kind)
    assert kind == "lp" and h.getModelStatus().name == "kOptimal"
    assert h.getInfo().simplex_iteration_count == 0  # started optimal: the kept basis was set
