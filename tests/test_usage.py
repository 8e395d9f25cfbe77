"""Calling kcopt the wrong way from Python: errors that are both a `KcoptError` and a
`ValueError`, worded what / got / fix; an `InputError`'s problems as a table."""

from __future__ import annotations

from pathlib import Path

import pytest

import kcopt
from kcopt.analysis.sensitivity import draw_weights
from kcopt.core.language import using


def test_breakdown_by_an_unknown_grouping(demo_folder: Path) -> None:
    with using("en"), pytest.raises(kcopt.UsageError) as caught:
        kcopt.breakdown(demo_folder, by="town")
    err = caught.value
    assert isinstance(err, ValueError) and isinstance(err, kcopt.KcoptError)
    assert err.exit_code == 2
    assert str(err) == ("breakdown groups by region, category, province; got 'town'. "
                        "Pass one of those names as by=.")
    with using("vi"), pytest.raises(ValueError, match="nhận được 'town'"):
        kcopt.breakdown(demo_folder, by="town")


def test_weight_bounds_that_leave_no_room() -> None:
    weights = {"appraisal": 0.5, "green": 0.5}
    with using("en"), pytest.raises(kcopt.UsageError, match="Widen the bounds"):
        draw_weights(weights, 5, bounds={"appraisal": (0.0, 0.01), "green": (0.0, 0.01)})


def test_input_error_problems_as_a_table(tmp_path: Path) -> None:
    bad = tmp_path / "projects.csv"
    bad.write_text("project_id,name,province,category,total_cost,level\n"
                   "P1,Máy,Sơn La,machinery,-5,central\n"
                   "P2,Máy,Atlantis,machinery,600,central\n", encoding="utf-8")
    with pytest.raises(kcopt.InputError) as caught:
        kcopt.read_projects(bad)
    table = caught.value.to_frame()
    assert len(table) == len(caught.value.problems) + len(caught.value.warnings) >= 2
    assert list(table.columns) == ["severity", "file", "sheet", "row", "project_id", "column",
                                   "value", "message", "fix", "code"]
    errors = table[table["severity"] == "error"]
    assert {"total_cost", "province"} <= set(errors["column"])
    assert "Atlantis" in set(errors["value"])


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "out"
    kcopt.run(kcopt.demo_scenario_path(), out=out, plots=False, xlsx=False)
    return out
