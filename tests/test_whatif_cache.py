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
from kcopt.model import LinearProgram
from kcopt.model.funds import split_program, split_shape

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
