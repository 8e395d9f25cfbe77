"""Live what-if (`kcopt.resolve`): a weight or budget change re-solved from the plan's basis."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import yaml

import kcopt
import kcopt.core.vocabulary
from addresses import made_at_a_freed_address
from kcopt.core.language import using

DEMO = kcopt.demo_scenario_path()


@pytest.fixture(scope="module")
def base() -> kcopt.Result:
    return kcopt.run(DEMO).result


def _cold(base: kcopt.Result, weights: dict, central: float) -> kcopt.Result:
    sc = base.model.scenario.with_weights(**weights).with_budget(central=central)
    return kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))


def test_resolve_equals_a_solve_from_scratch(base: kcopt.Result) -> None:
    central = base.model.scenario.central_budget * 0.8
    new = kcopt.resolve(base, weights={"green": 0.35}, budgets={"central": central})
    cold = _cold(base, {"green": 0.35}, central)
    assert new.status == kcopt.Status.OPTIMAL
    assert new.objective == pytest.approx(cold.objective, rel=1e-9)
    assert new.model.scenario.weights["green"] == pytest.approx(
        cold.model.scenario.weights["green"])
    table = kcopt.allocation_table(new)
    assert table["central"].sum() <= central + 1e-6
    assert (table["score"].to_numpy() == pytest.approx(
        cold.model.projects["score"].round(6).to_numpy()))
    # the plan it came from is untouched
    assert kcopt.allocation_table(base)["central"].sum() == pytest.approx(
        base.model.scenario.central_budget, rel=1e-6)


def test_resolve_is_the_same_whatever_came_before(base: kcopt.Result) -> None:
    """Each what-if starts from the base plan's basis: the same change gives the same plan
    after any history of other changes (a degenerate LP has several optimal plans)."""
    central = base.model.scenario.central_budget
    change = {"weights": {"digital": 0.3},
              "budgets": {"central": central, "local": {"Lâm Đồng": 500.0}}}
    first = kcopt.resolve(base, **change)
    for w in (0.05, 0.5, 0.2):
        kcopt.resolve(base, weights={"green": w}, budgets={"central": 60000.0 + 1000 * w})
    chained = kcopt.resolve(kcopt.resolve(base, budgets={"central": 0.5 * central}), **change)
    again = kcopt.resolve(base, **change)
    assert np.array_equal(first.x, again.x)
    assert np.array_equal(first.x, chained.x)


def test_resolve_infeasible_and_errors(base: kcopt.Result) -> None:
    # the demo's must-fund projects need local money: a Result that says so, not an exception
    no_local = kcopt.resolve(base, budgets={"local": 0})
    assert no_local.status == kcopt.Status.INFEASIBLE and no_local.objective is None
    with pytest.raises(kcopt.InputError, match=r"budgets\.central"):
        kcopt.resolve(base, budgets={"central": -5})
    with pytest.raises(kcopt.InputError, match="unknown weight"):
        kcopt.resolve(base, weights={"beauty": 1.0})
    with pytest.raises(kcopt.InputError, match="province"):
        kcopt.resolve(base, budgets={"local": {"Atlantis": 5.0}})


def test_every_weight_zero_is_said_in_words(base: kcopt.Result) -> None:
    """All weights 0 would give no project a score (and divided by 0): a `UsageError` saying
    what, what was received and the fix, in the language in use."""
    zero = dict.fromkeys(kcopt.core.vocabulary.CRITERIA, 0.0)
    with using("en"), pytest.raises(kcopt.UsageError) as exc:
        kcopt.resolve(base, weights=zero)
    text = str(exc.value)
    assert "weights sum to 0" in text and "'green': 0.0" in text and "above 0" in text
    with using("vi"), pytest.raises(kcopt.UsageError) as exc:
        base.model.scenario.with_weights(**zero)
    assert "tổng các trọng số ưu tiên bằng 0" in str(exc.value) and "nhận được" in str(exc.value)
    assert kcopt.resolve(base, weights={"appraisal": 0.0}).status == kcopt.Status.OPTIMAL


def test_every_weight_zero_in_a_scenario_file_names_the_file_and_key(tmp_path: Path) -> None:
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["projects"] = str(DEMO.parent / "projects.csv")
    data["budgets"]["local"] = str(DEMO.parent / "local-budgets.csv")
    data["weights"] = {"appraisal": 0, "green": {"weight": 0, "label": "Xanh"}}
    path = tmp_path / "zero.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with using("en"), pytest.raises(kcopt.InputError) as exc:
        kcopt.load_scenario(path)
    [problem] = exc.value.problems
    assert (problem.file, problem.column) == (str(path), "weights")
    assert "weights sum to 0" in str(exc.value) and "positive weight" in str(exc.value)


def test_resolve_scores_priorities_as_the_solve_does(tmp_path: Path) -> None:
    """A scenario's `priorities:` add to every project's score in `build`; a what-if re-solve
    scores the same way, so it finds the plan a solve from scratch finds."""
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["projects"] = str(DEMO.parent / "projects.csv")
    data["budgets"]["local"] = str(DEMO.parent / "local-budgets.csv")
    data["priorities"] = {"cleaner_production": 1.0, "machinery": 0.6}
    path = tmp_path / "priorities.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plan = kcopt.run(path).result
    new = kcopt.resolve(plan, weights={"green": 0.35})
    cold = _cold(plan, {"green": 0.35}, plan.model.scenario.central_budget)
    assert new.objective == pytest.approx(cold.objective, rel=1e-9)
    assert new.model.projects["score"].to_numpy() == pytest.approx(
        cold.model.projects["score"].to_numpy())


def test_a_plan_at_a_freed_plans_address_starts_from_its_own_basis(
        base: kcopt.Result) -> None:
    """The warm start rides on the plan (`Result.warm`), not in a table keyed by `id()`: a
    plan of another program made where a re-solved plan lived re-solves as itself."""
    sc = dataclasses.replace(base.model.scenario,
                             exclude=tuple(base.model.projects["project_id"][:300]))
    other = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))
    kcopt.resolve(base, weights={"green": 0.3})  # the base plan's warm instance, made once

    def re_solved() -> kcopt.Result:
        plan = dataclasses.replace(base)
        kcopt.resolve(plan, weights={"green": 0.3})
        assert plan.warm is not None and plan.warm.A is base.model.lp.A
        return plan

    again = made_at_a_freed_address(re_solved, lambda: dataclasses.replace(other))
    new = kcopt.resolve(again, weights={"green": 0.3}, budgets={"central": 80000.0})
    cold = _cold(other, {"green": 0.3}, 80000.0)
    assert new.objective == pytest.approx(cold.objective, rel=1e-9)
    assert new.warm is again.warm is not None and new.warm.A is other.model.lp.A
