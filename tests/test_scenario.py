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
