"""The command line, through typer's CliRunner and one real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app

runner = CliRunner()
DEMO = str(kcopt.demo_scenario_path())


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    res = invoke("solve", DEMO, "-o", str(out))
    assert res.exit_code == 0, res.output
    return out


def test_solve_demo_writes_every_output(demo_out: Path) -> None:
    for name in ("allocation.csv", "constraints.csv", "summary.json",
                 "plots/allocation_by_category.png", "plots/allocation_by_region.png",
                 "plots/budget_use.png"):
        assert (demo_out / name).stat().st_size > 0, name
    assert (demo_out / "allocation.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    alloc = pd.read_csv(demo_out / "allocation.csv")
    assert list(alloc.columns[:14]) == ["project_id", "name", "province", "region", "category",
                                        "level", "score", "cap", "central", "local", "total",
                                        "fraction", "status", "reason"]
    assert alloc["reason"].notna().all() and (alloc["reason"].str.len() > 10).all()
    s = json.loads((demo_out / "summary.json").read_text(encoding="utf-8"))
    assert s["status"] == "optimal"
    assert s["totals"]["central"] <= s["budgets"]["central"] + 1e-6
    assert sum(s["counts"].values()) == len(alloc)
    assert s["provenance"]["solver"] == "highs" and s["provenance"]["rules_version"]
    assert len(s["provenance"]["inputs_sha256"]) == 3
    assert s["scenario"]["budgets"]["central"] == 105000
    cons = pd.read_csv(demo_out / "constraints.csv")
    central = cons.set_index("name").loc["budget:central"]
    assert bool(central["binding"]) and central["shadow_price"] > 0
    assert {"budget", "target", "cap", "match", "total"} <= set(cons["family"])


def test_solve_is_reproducible(tmp_path: Path, demo_out: Path, monkeypatch) -> None:
    res = invoke("solve", DEMO, "-o", str(tmp_path), "--no-plots")
    assert res.exit_code == 0
    for name in ("allocation.csv", "constraints.csv"):
        assert (tmp_path / name).read_bytes() == (demo_out / name).read_bytes()
    a = json.loads((tmp_path / "summary.json").read_text())
    b = json.loads((demo_out / "summary.json").read_text())
    a["provenance"].pop("created"), b["provenance"].pop("created")
    assert a == b


def test_bad_input_lists_every_cell_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    demo = Path(DEMO).parent
    frame = pd.read_csv(demo / "projects.csv", dtype=str, keep_default_na=False)
    frame.loc[3, "Tổng kinh phí"] = "-5"
    frame.loc[10, "Tỉnh/Thành phố"] = "Gotham"
    frame.loc[20, "Nội dung"] = "magic"
    frame.to_csv(tmp_path / "projects.csv", index=False)
    (tmp_path / "local-budgets.csv").write_bytes((demo / "local-budgets.csv").read_bytes())
    data = yaml.safe_load(Path(DEMO).read_text(encoding="utf-8"))
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = (tmp_path / "projects.csv").read_bytes()
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(tmp_path / "s.yaml"), "-o", str(out)])
    assert res.exit_code == 1
    assert "3 problems" in res.output
    for needle in ("row 5 (P-0004)", "'-5'", "row 12", "'Gotham'", "row 22", "'magic'"):
        assert needle in res.output, needle
    assert "Traceback" not in res.output
    assert not out.exists()
    assert (tmp_path / "projects.csv").read_bytes() == before
    res = runner.invoke(app, ["validate", str(tmp_path / "projects.csv")])
    assert res.exit_code == 1 and "'Gotham'" in res.output


def test_validate_ok_and_rules(tmp_path: Path) -> None:
    res = invoke("validate", DEMO)
    assert res.exit_code == 0 and "ok: scenario" in res.output and "800 projects" in res.output
    res = invoke("rules", "--province", "Dak Lak", "--scenario", DEMO)
    assert res.exit_code == 0
    line = next(li for li in res.output.splitlines() if li.startswith("demo_model") and "local"
                in li)
    assert "30%" in line and "800" in line
    assert "Decree 32/2024" in res.output


def infeasible_case(tmp_path: Path) -> Path:
    (tmp_path / "p.csv").write_text(
        "project_id,name,province,category,total_cost,level,appraisal,green,must_fund\n"
        "A,a,Sơn La,machinery,600,central,80,0,1\n"
        "B,b,Sơn La,machinery,600,central,70,0,1\n"
        "C,c,Sơn La,machinery,600,central,90,1,0\n", encoding="utf-8")
    data = {"name": "impossible", "projects": "p.csv", "budgets": {"central": 500},
            "targets": [{"name": "green", "kind": "share_min", "of": ["green"], "share": 0.6}]}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return tmp_path / "s.yaml"


def test_infeasible_scenario_exits_3_with_a_diagnosis(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(infeasible_case(tmp_path)), "-o", str(out)])
    assert res.exit_code == 3, res.output
    assert "Traceback" not in res.output
    assert "budget:central" in res.output and "600" in res.output
    diag = json.loads((out / "diagnosis.json").read_text(encoding="utf-8"))
    findings = {f["constraint"]: f for f in diag["findings"]}
    # two must-fund projects need 2 × 300 = 600 of a 500 budget
    assert findings["budget:central"]["needed"] == pytest.approx(600)
    assert not (out / "allocation.csv").exists()


def test_usage_error_exits_2() -> None:
    res = runner.invoke(app, ["solve"])
    assert res.exit_code == 2


def test_write_model_and_cbc(tmp_path: Path) -> None:
    res = invoke("solve", DEMO, "-o", str(tmp_path), "--solver", "cbc", "--no-plots",
                 "--write-model", str(tmp_path / "model.lp"))
    assert res.exit_code == 0, res.output
    text = (tmp_path / "model.lp").read_text()
    assert "budget_central" in text and "x_P_0001_" in text


def test_python_m_kcopt_subprocess(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kcopt", "solve", DEMO, "-o", str(tmp_path),
                           "--no-plots"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "optimal" in proc.stderr and (tmp_path / "allocation.csv").exists()
    proc = subprocess.run([sys.executable, "-m", "kcopt", "solve", str(tmp_path / "nope.yaml")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "not found" in proc.stderr and "Traceback" not in proc.stderr


def test_nothing_to_allocate_is_not_an_error(tmp_path: Path) -> None:
    """Every project ineligible: an empty programme solves to zero, each project says why."""
    (tmp_path / "p.csv").write_text(
        "project_id,name,province,category,total_cost,level,disadvantaged_area\n"
        "A,a,Sơn La,establish_enterprise,50,local,0\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text("projects: p.csv\nbudgets: {central: 100}\n")
    res = runner.invoke(app, ["solve", str(tmp_path / "s.yaml"), "-o", str(tmp_path / "o"),
                              "--no-plots"])
    assert res.exit_code == 0, res.output
    alloc = pd.read_csv(tmp_path / "o" / "allocation.csv")
    assert alloc["status"].tolist() == ["ineligible"]
    assert "difficult socio-economic conditions" in alloc["reason"].iat[0]
