"""What a what-if chain keeps from the model (the split program's structure, the charges of
the priced rows) gives what is made afresh: array for array, entry for entry."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

import kcopt
from kcopt.analysis.holdback import (
    PRICE_TOL,
    effective_matrix,
    holding_matrix,
    priced_rows,
)
from kcopt.inputs.solveropts import SolverOptions
from kcopt.model import LinearProgram
from kcopt.model.funds import SplitShape, needs_split, split_program, split_shape
from kcopt.solvers.solve import WarmReduced, run_backend, run_reduced

DEMO = kcopt.demo_scenario_path()
YEARS = DEMO.parent / "demo-2026-2030.yaml"
MIP = DEMO.parent / "demo-mip.yaml"


@pytest.fixture(scope="module")
def plans() -> dict[str, kcopt.Result]:
    return {p.name: kcopt.run(p).result for p in (DEMO, YEARS, MIP)}


def _same(a: LinearProgram, b: LinearProgram) -> None:
    for f in ("cost", "col_lower", "col_upper", "integer", "row_lower", "row_upper"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
    assert a.row_names == b.row_names and a.row_family == b.row_family
    assert a.col_names == b.col_names
    for f in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(a.A, f), getattr(b.A, f)), f


@pytest.mark.parametrize("name", ["demo.yaml", "demo-2026-2030.yaml", "demo-mip.yaml"])
def test_split_program_from_a_kept_shape_is_the_one_made_afresh(
        plans: dict[str, kcopt.Result], name: str) -> None:
    model = plans[name].model
    assert plans[name].x is not None
    x = plans[name].x + np.random.default_rng(3).uniform(0, 5, model.lp.shape[1])
    shape = split_shape(model)
    _same(split_program(model, x, shape), split_program(model, x))
    # the keep rows hold x's totals: the program's rows past the score program's
    kept = split_program(model, x, shape)
    m = model.lp.shape[0]
    assert np.allclose(kept.A[m:] @ x, kept.row_upper[m:])
    assert np.array_equal(kept.row_lower[m:], kept.row_upper[m:])


def test_a_shape_of_another_program_is_not_used(plans: dict[str, kcopt.Result]) -> None:
    demo, other = plans["demo.yaml"].model, plans["demo-2026-2030.yaml"].model
    shape = split_shape(other)
    assert not shape.fits(demo)
    x = np.asarray(plans["demo.yaml"].x)
    _same(split_program(demo, x, shape), split_program(demo, x))
    # a copy of the program with other rows (same matrix object) is another program too
    renamed = dataclasses.replace(demo, lp=dataclasses.replace(
        demo.lp, row_names=list(demo.lp.row_names)))
    assert not split_shape(demo).fits(renamed)


def test_a_what_if_chain_makes_the_shape_once(plans: dict[str, kcopt.Result]) -> None:
    base = dataclasses.replace(plans["demo.yaml"], warm=None)
    first = kcopt.resolve(base, weights={"green": 0.3})
    shape = first.warm.split
    assert shape is not None and shape.fits(first.model)
    second = kcopt.resolve(first, budgets={"central": 60000.0})
    assert second.warm.split is shape


@pytest.mark.parametrize("name", ["demo.yaml", "demo-2026-2030.yaml", "demo-mip.yaml"])
def test_holding_matrix_is_every_row_charged(plans: dict[str, kcopt.Result],
                                             name: str) -> None:
    """Only the priced rows are charged: the matrix equals the whole effective matrix times
    the prices, entry for entry."""
    result = plans[name]
    results = [result] if result.model.mip else [
        result, kcopt.resolve(result, weights={"digital": 0.3}, budgets={"central": 70000.0})]
    for r in results:
        pi = priced_rows(r)
        whole = sp.csr_matrix(effective_matrix(r.model.lp).multiply(pi[:, None]))
        whole.data[whole.data <= PRICE_TOL * 1e-3] = 0.0
        whole.eliminate_zeros()
        held = holding_matrix(r)
        assert held is not None
        assert held.shape == whole.shape and abs(held - whole).max() == 0
        assert held.nnz == whole.nnz


# -- the split program's HiGHS instance kept with the chain (`WarmReduced`) ----------------------
def _split_of(result: kcopt.Result, shape: SplitShape | None = None
              ) -> tuple[LinearProgram, np.ndarray]:
    """The split program of `result`'s model started from a score optimum of its own (a vertex
    of the score program solved afresh, with money in second funds), and that optimum;
    `shape`: the chain's (`SplitShape`), so its matrix is the one object a chain's is."""
    model = result.model
    raw = run_backend(model.lp, model.scenario.solver)
    assert raw.x is not None and needs_split(model.preference, model.col_project, raw.x)
    return split_program(model, raw.x, shape), raw.x


def _cold(lp: LinearProgram, opts: SolverOptions, x: np.ndarray) -> np.ndarray:
    raw = run_reduced(lp, opts, near=x)
    assert raw.x is not None
    return raw.x


def test_a_kept_split_instance_solves_each_what_if_as_a_fresh_one(
        plans: dict[str, kcopt.Result]) -> None:
    """Costs (the order of scores), column bounds, budgets and kept totals all move from one
    what-if to the next: the kept instance, re-run from its last basis, ends where a new one
    does."""
    base = dataclasses.replace(plans["demo.yaml"], warm=None)
    opts = dataclasses.replace(base.model.scenario.solver, mip_gap=0.0)
    sc = base.model.scenario
    province = sorted(sc.local_budgets)[0]
    local = {province: sc.local_budgets[province] * 0.5}
    warm, shape = WarmReduced(), split_shape(base.model)
    held = []
    for change in [{"weights": {"green": 0.3}, "budgets": {"central": sc.central_budget * 0.8}},
                   {"budgets": {"central": sc.central_budget * 1.1, "local": local}},
                   {"weights": {"digital": 0.4, "appraisal": 0.1}},
                   {"budgets": {"central": sc.central_budget * 0.7}}]:
        lp, x = _split_of(kcopt.resolve(base, **change), shape)
        raw = run_reduced(lp, opts, near=x, warm=warm)
        assert raw.status == "optimal" and raw.x is not None
        assert np.allclose(raw.x, _cold(lp, opts, x), rtol=0, atol=1e-7)
        held.append(warm.highs)
    assert held[0] is not None and all(h is held[0] for h in held), "the instance was kept"


def test_a_kept_split_instance_of_other_columns_is_not_used(
        plans: dict[str, kcopt.Result]) -> None:
    """A budget change that fixes more of the split's columns keeps other columns and rows:
    the instance of the last program is not re-run on them, a new one is made and kept."""
    base = plans["demo.yaml"]
    opts = dataclasses.replace(base.model.scenario.solver, mip_gap=0.0)
    warm = WarmReduced()
    lp, x = _split_of(kcopt.resolve(base, budgets={"central": 60000.0}))
    run_reduced(lp, opts, near=x, warm=warm)
    first, kept = warm.highs, warm.keep
    assert first is not None and kept is not None
    settled = _cold(lp, opts, x)
    # the same program with a third of its free columns fixed where it settled (fewer columns
    # kept), then another third of as many (as many columns kept, other ones)
    for start in (0, 1):
        lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
        pinned = kept[start::3][:len(kept[::3]) - 1]
        lower[pinned] = upper[pinned] = settled[pinned]
        fewer = dataclasses.replace(lp, col_lower=lower, col_upper=upper)
        before = warm.keep
        raw = run_reduced(fewer, opts, near=x, warm=warm)
        assert raw.x is not None
        assert np.allclose(raw.x, _cold(fewer, opts, x), rtol=0, atol=1e-7), start
        assert warm.keep is not None and not np.array_equal(warm.keep, before)
        assert len(warm.keep) == len(kept) - len(pinned)
    assert warm.highs is not first
    # and back: the program of all the columns again is not read off the smaller instance
    raw = run_reduced(lp, opts, near=x, warm=warm)
    assert raw.x is not None and np.allclose(raw.x, settled, rtol=0, atol=1e-7)
    # a program of another matrix with the very same columns kept is another program
    other = dataclasses.replace(lp, A=lp.A.copy())
    assert not warm.fits(other, np.flatnonzero(other.col_lower != other.col_upper))
