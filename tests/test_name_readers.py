"""Readers that split row and column names by hand got multi-year names and targets named like
a family of rows wrong; they read the parsed record now (`kcopt.model.names`). These tests use
only the public builders and the readers, so they run on the code before that module too."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

import kcopt
from kcopt.analysis.sensitivity.ranging import _constraint_sentence
from kcopt.app.engine import binding_sentences
from kcopt.core.errors import InputError
from kcopt.core.language import using


def test_a_target_named_like_a_family_of_rows_is_refused(make_case) -> None:
    """A target called 'budget' made rows 'budget:<province>' that every reader took for a
    budget (its words said 'local budget of None')."""
    projects = [{"project_id": "P1", "name": "Đề án P1", "province": "Hà Nội",
                 "category": "machinery", "funds": "central", "total_cost": 400,
                 "appraisal": 80}]
    sc = make_case(projects, {"budgets": {"central": 500}, "weights": {"appraisal": 1},
                              "targets": [{"name": "budget", "kind": "province_max",
                                           "share": 0.5}]})
    with using("en"), pytest.raises(InputError, match="may not be named 'budget'"):
        kcopt.build(kcopt.read_projects(sc.projects), sc)


def test_the_next_project_of_a_multi_year_budget_is_its_id() -> None:
    """A budget's sentence names the project whose support column enters next; in a multi-year
    plan that column is x:<id>:<fund>:<year>, and the old string split named 'P-7:central'."""
    r = SimpleNamespace(name="budget:central:2027", family="budget", rhs=1000.0,
                        final_value=1000.0, binding=True, shadow_price=0.002,
                        allowable_increase=50.0, allowable_decrease=20.0,
                        enters_up="x:P-7:central:2027")
    with using("en"):
        text = _constraint_sentence(r)
    assert "project P-7 is the next to enter" in text, text


def test_the_app_says_a_multi_year_budget_by_province_and_year() -> None:
    """The app's binding sentences: the central budget first, in every plan year, and a local
    budget named by its province (the old split said 'Hà Nội:2027')."""
    cons = pd.DataFrame({
        "name": ["budget:local:Hà Nội:2027", "budget:central:2027"],
        "family": ["budget", "budget"], "binding": [True, True], "rhs": [100.0, 500.0],
        "shadow_price": [0.009, 0.001]})
    with using("en"):
        lines = binding_sentences(SimpleNamespace(constraints=cons))  # type: ignore[arg-type]
    assert lines[0].startswith("The central budget 2027"), lines
    assert "The local budget of Hà Nội 2027" in lines[1], lines
    assert ":2027" not in " ".join(lines)
