"""Scenario files: keys, extends, local budgets, errors listed at once, resolved form."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import kcopt
from kcopt.core.errors import InputError

PROJECTS = "project_id,name,province,category,total_cost,level\nA,a,Sơn La,machinery,400,central\n"


def write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "projects.csv").write_text(PROJECTS, encoding="utf-8")
    return tmp_path


def test_demo_scenario_resolves() -> None:
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    assert sc.central_budget == 105000
    assert len(sc.local_budgets) == 34
    assert abs(sum(sc.weights.values()) - 1) < 1e-12
    assert [t.kind for t in sc.targets] == ["share_min", "share_max", "region_min",
                                            "province_max"]
    resolved = sc.resolved()
    assert resolved["projects"] == "projects.csv"
    assert resolved["budgets"]["local"]["Lâm Đồng"] > 0
    assert set(sc.input_hashes) == {"demo.yaml", "projects.csv", "local-budgets.csv"}


def test_extends_overrides_keys_and_keeps_paths_relative_to_their_file(folder: Path) -> None:
    base = write(folder, "base.yaml", {"name": "base", "projects": "projects.csv",
                                        "budgets": {"central": 1000, "local": {"Sơn La": 50}},
                                        "weights": {"appraisal": 1, "green": 1}})
    (folder / "variants").mkdir()
    variant = write(folder / "variants", "v.yaml", {"extends": "../base.yaml", "name": "v",
                                                     "budgets": {"central": 2000},
                                                     "weights": {"digital": 1}})
    sc = kcopt.load_scenario(variant)
    assert sc.name == "v" and sc.central_budget == 2000
    assert sc.local_budgets == {"Sơn La": 50.0}  # merged from the base
    assert sc.weights == {"digital": 1.0}  # weights replace, not merge
    assert sc.projects == folder / "projects.csv"
    assert base.name in sc.input_hashes or "../base.yaml" in str(sc.input_hashes)


def test_extends_loop_is_an_error(folder: Path) -> None:
    write(folder, "a.yaml", {"extends": "b.yaml"})
    write(folder, "b.yaml", {"extends": "a.yaml"})
    with pytest.raises(InputError, match="loop"):
        kcopt.load_scenario(folder / "a.yaml")


def test_unknown_keys_list_the_known_ones_and_all_errors_come_together(folder: Path) -> None:
    path = write(folder, "s.yaml", {
        "projects": "projects.csv", "budgets": {"central": -5, "locale": 1},
        "objectiv": "total_score", "weights": {"beauty": 1},
        "targets": [{"name": "t", "kind": "share_min", "of": ["green"], "share": 1.5},
                    {"name": "u", "kind": "region_min", "region": "XX", "share": 0.1}],
    })
    with pytest.raises(InputError) as info:
        kcopt.load_scenario(path)
    keys = {p.column for p in info.value.problems}
    assert {"objectiv", "budgets.locale", "budgets.central", "weights.beauty",
            "targets[0].share", "targets[1].region"} <= keys
    text = str(info.value)
    assert "Known keys" in text and "budgets" in text and "weights" in text


def test_local_budget_csv_with_vietnamese_headers_and_old_names(folder: Path) -> None:
    (folder / "lb.csv").write_text("Tỉnh,Ngân sách\nSơn La,1500\nHà Giang,2000\n",
                                   encoding="utf-8")
    sc = kcopt.load_scenario(write(folder, "s.yaml", {
        "projects": "projects.csv", "budgets": {"central": 1, "local": "lb.csv"}}))
    assert sc.local_budgets == {"Sơn La": 1500.0, "Tuyên Quang": 2000.0}


def test_local_budget_csv_errors_name_row_and_value(folder: Path) -> None:
    (folder / "lb.csv").write_text("province,budget\nSơn La,abc\nNowhere,5\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        kcopt.load_scenario(write(folder, "s.yaml", {
            "projects": "projects.csv", "budgets": {"central": 1, "local": "lb.csv"}}))
    rows = {(p.row, p.column, p.value) for p in info.value.problems}
    assert (2, "budget", "abc") in rows and (3, "province", "Nowhere") in rows


def test_json_scenario_and_variants(folder: Path) -> None:
    path = folder / "s.json"
    path.write_text('{"projects": "projects.csv", "budgets": {"central": 100, '
                    '"local": {"Sơn La": 10}}}', encoding="utf-8")
    sc = kcopt.load_scenario(path)
    assert sc.with_budget(central=50).central_budget == 50
    assert sc.with_budget(local_scale=2).local_budgets == {"Sơn La": 20.0}
    w = sc.with_weights(green=1.0).weights
    assert abs(sum(w.values()) - 1) < 1e-12 and w["green"] > 0


def test_unknown_ids_in_must_fund_are_reported(folder: Path) -> None:
    sc = kcopt.load_scenario(write(folder, "s.yaml", {
        "projects": "projects.csv", "budgets": {"central": 100}, "must_fund": ["Z9"]}))
    with pytest.raises(InputError, match="Z9"):
        kcopt.build(kcopt.read_projects(sc.projects), sc)


def test_problems_are_listed_in_the_order_the_keys_are_read(folder: Path) -> None:
    """One bad value under each key: the planner reads the problems in a fixed order (unknown
    keys, units, years, budgets, the planner's keys, groups, objective, weights, advantages,
    targets, co-financing, fund order, rate overrides, regions, mip, solver, id lists), however
    the reading is split into steps."""
    path = write(folder, "s.yaml", {
        "bogus": 1, "units": "gold", "years": [2026, 2028],
        "budgets": {"central": -1, "growth": {"central": 0.1}},
        "province": "Atlantis", "priorities": {"nope": 1}, "round_to": -1, "min_fraction": 2,
        "fixed_amount": {"P-1": -2}, "groups": {"G": -1}, "objective": "max",
        "weights": {"beauty": 1}, "regional_advantages": {"Atlantis": ["x"]},
        "targets": [{"name": "t", "kind": "bogus", "share": 0.1, "of": ["green"]},
                    {"name": "t", "kind": "share_min", "share": 0.1, "of": ["green"]},
                    {"name": "t", "kind": "share_min", "share": 0.2, "of": ["green"]}],
        "cofinancing": {"local_match_min": 2}, "fund_order": "random",
        "rate_overrides": [{"category": "zzz", "rate": 0.1}], "regions": {"Sơn La": "ZZ"},
        "mip": "maybe", "solver": {"time_limit": -1, "seed": -1}, "must_fund": "P-1",
        "exclude": 3,
    })
    with pytest.raises(InputError) as info:
        kcopt.load_scenario(path)
    assert [p.column for p in info.value.problems] == [
        "bogus", "units", "years", "budgets.central", "budgets.growth", "province",
        "priorities.nope", "round_to", "min_fraction", "fixed_amount.P-1", "groups.G",
        "objective", "weights.beauty", "regional_advantages.Atlantis", "targets[0].kind",
        "targets", "cofinancing.local_match_min", "fund_order", "rate_overrides[0].category",
        "regions.Sơn La", "mip", "solver.time_limit", "solver.seed", "must_fund", "exclude",
        "projects"]
