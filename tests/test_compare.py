"""`kcopt.compare` and `kcopt compare`: a hand-checked three-project case, the demo against a
variant (folders and in-memory results agree, every table adds up), and the user errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app

runner = CliRunner()

THREE = [
    {"project_id": "A", "name": "máy sấy", "province": "Sơn La", "category": "machinery",
     "total_cost": 600, "level": "central", "appraisal": 90},
    {"project_id": "B", "name": "dây chuyền", "province": "Sơn La", "category": "machinery",
     "total_cost": 600, "level": "central", "appraisal": 80},
    {"project_id": "C", "name": "lò nung", "province": "Huế", "category": "machinery",
     "total_cost": 600, "level": "central", "appraisal": 70},
]


def test_three_projects_by_hand(make_case) -> None:
    """Each project's cap is 300 (50% of 600 = the 300 ceiling) and only the central fund pays.
    With 600 the two best (A, B) are funded; with 300 only A: B leaves (−300), C never enters,
    so region NMM (Sơn La) loses 300 and NCC (Huế) is unchanged."""
    rich = kcopt.run(make_case(THREE, {"budgets": {"central": 600}}))
    poor = kcopt.run(make_case(THREE, {"budgets": {"central": 300}}))
    cmp = kcopt.compare(rich, poor, labels=("600", "300"))
    p = cmp.projects.set_index("project_id")
    assert p.loc["B", "change"] == "no longer funded"
    assert p.loc["B", "delta_total"] == pytest.approx(-300)
    assert (p.loc["B", "status_a"], p.loc["B", "status_b"]) == ("funded", "unfunded")
    assert p.loc["A", "change"] == "unchanged" and p.loc["C", "change"] == "unchanged"
    assert list(cmp.changed_projects()["project_id"]) == ["B"]
    r = cmp.regions.set_index("region")
    assert r.loc["NMM", "delta_total"] == pytest.approx(-300)
    assert r.loc["NMM", "left"] == 1 and r.loc["NMM", "entered"] == 0
    assert r.loc["NCC", "delta_total"] == 0
    assert cmp.headline["total"] == {"a": 600, "b": 300, "delta": -300}
    assert cmp.headline["counts"]["funded"] == {"a": 2, "b": 1, "delta": -1}
    text = "\n".join(cmp.sentences)
    assert text.startswith("From 600 to 300")
    assert "600 → 300 (−300, −50.0%)" in text
    assert "Region Northern Midlands and Mountains (NMM): 600 → 300" in text  # English
    assert "B dây chuyền (Sơn La, machinery): funded → unfunded, 300 → 0 million VND (−300)" \
        in text
    assert "Region Bắc Trung Bộ" not in text  # no change, no sentence
    assert "_repr_html_" in dir(cmp) and "600 → 300" in cmp._repr_html_()


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory: pytest.TempPathFactory):
    """The demo and a variant (greener weights, 10% less central money), solved to folders."""
    root = tmp_path_factory.mktemp("cmp")
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    variant = sc.with_weights(green=0.25, appraisal=0.30).with_budget(central=94500)
    runs = (kcopt.run(sc, out=root / "base", plots=False),
            kcopt.run(variant, out=root / "green", plots=False))
    return root, runs


def test_demo_variant_tables_add_up(demo_pair) -> None:
    root, (base, green) = demo_pair
    cmp = kcopt.compare(root / "base", root / "green")
    assert cmp.labels == ("base", "green")  # same scenario name: the folder names tell them apart
    total = cmp.headline["total"]["delta"]
    assert total == pytest.approx(float(green.allocation["total"].sum()
                                        - base.allocation["total"].sum()), abs=1e-3)
    assert cmp.headline["central"]["delta"] == pytest.approx(-10500, abs=1e-3)
    for table in (cmp.projects, cmp.provinces, cmp.regions, cmp.categories):
        assert table["delta_total"].sum() == pytest.approx(total, abs=1e-2)
        assert (table["delta_central"] + table["delta_local"]).sum() == pytest.approx(
            total, abs=1e-2)
    assert len(cmp.projects) == 800 and len(cmp.provinces) == 34 and len(cmp.regions) == 6
    p = cmp.projects
    entered = p[p["change"] == "newly funded"]
    left = p[p["change"] == "no longer funded"]
    assert len(left) > 0
    assert (entered["total_a"] <= 0.5).all() and (entered["total_b"] > 0.5).all()
    assert (left["total_b"] <= 0.5).all() and (left["total_a"] > 0.5).all()
    assert cmp.regions["entered"].sum() == len(entered) and cmp.regions["left"].sum() == len(left)
    # the largest change comes first and unchanged projects last
    moved = p[p["change"] != "unchanged"]
    assert moved.index.max() < len(moved)
    assert moved["delta_total"].abs().is_monotonic_decreasing
    # a sentence per big group change, each naming its group
    for _, r in cmp.regions[cmp.regions["delta_total"].abs() >= cmp.threshold].iterrows():
        assert any(f"({r['region']}):" in s for s in cmp.sentences), r["region"]
    assert any(s.startswith(f"{left.iloc[0]['project_id']} ") for s in cmp.sentences)
    # in memory gives the same tables as the folders
    mem = kcopt.compare(base, green)
    pd.testing.assert_frame_equal(
        mem.regions[["region", "delta_total"]], cmp.regions[["region", "delta_total"]],
        atol=1e-3)
    fig = cmp.plot()
    assert fig.axes and "Change in allocation" in fig._suptitle.get_text()  # type: ignore[union-attr]


def test_cli_compare_writes_tables_chart_and_sentences(demo_pair, tmp_path: Path) -> None:
    root, _ = demo_pair
    res = runner.invoke(app, ["compare", str(root / "base"), str(root / "green"), "-o",
                              str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("From base to green: objective (total priority score)")
    assert "By region (million VND)" in res.output and "NMM" in res.output
    for name in ("compare_projects.csv", "compare_provinces.csv", "compare_regions.csv",
                 "compare_categories.csv", "compare.json", "compare.txt", "compare.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert (tmp_path / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads((tmp_path / "compare.json").read_text(encoding="utf-8"))
    assert data["labels"] == ["base", "green"] and data["sentences"][0] in res.output
    regions = pd.read_csv(tmp_path / "compare_regions.csv")
    assert {"region", "name_vi", "total_a", "total_b", "delta_total", "delta_pct", "entered",
            "left"} <= set(regions.columns)


def test_cli_compare_user_errors(demo_pair, tmp_path: Path, make_case) -> None:
    root, _ = demo_pair
    res = runner.invoke(app, ["compare", str(tmp_path / "nope"), str(root / "base")])
    assert res.exit_code == 1 and "not found" in res.output and "kcopt solve" in res.output
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(app, ["compare", str(root / "base"), str(empty)])
    assert res.exit_code == 1 and "no allocation.csv" in res.output
    (empty / "diagnosis.json").write_text("{}", encoding="utf-8")
    res = runner.invoke(app, ["compare", str(root / "base"), str(empty)])
    assert res.exit_code == 1 and "infeasible" in res.output
    other = make_case(THREE, {"budgets": {"central": 600}})
    kcopt.run(other, out=tmp_path / "three", plots=False)
    res = runner.invoke(app, ["compare", str(root / "base"), str(tmp_path / "three")])
    assert res.exit_code == 1
    assert "different project lists" in res.output
    assert "800 project(s) only in base" in res.output and "3 project(s) only in three" \
        in res.output
    assert "Traceback" not in res.output
    renamed = make_case([{**p, "name": p["name"] + " mới"} if p["project_id"] == "B" else p
                         for p in THREE], {"budgets": {"central": 600}})
    kcopt.run(renamed, out=tmp_path / "renamed", plots=False)
    res = runner.invoke(app, ["compare", str(tmp_path / "three"), str(tmp_path / "renamed")])
    assert res.exit_code == 1 and "different project lists" in res.output
    assert "B is 'dây chuyền' in three but 'dây chuyền mới' in renamed" in res.output
