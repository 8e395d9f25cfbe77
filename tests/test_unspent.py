"""Targets that leave budget idle are said (console and summary.json `warnings`), and
`share_of: budget` lets a share mean a share of the budget. Hand-worked cases through the CLI.

The case: central budget 8,000; in Sơn La one trade-fair project F (fair_abroad, 100% of its
cost: cap 5,000) and one training project T (no national rate: its cap is the 5,000 it
requests). Demand 10,000 > 8,000, so without targets all 8,000 is spent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from kcopt.cli import app

PROJECTS = [
    {"project_id": "F", "name": "hội chợ", "province": "Sơn La", "category": "fair_abroad",
     "total_cost": 5000, "level": "central", "appraisal": 80},
    {"project_id": "T", "name": "đào tạo", "province": "Sơn La", "category": "training",
     "total_cost": 10000, "requested": 5000, "level": "central", "appraisal": 80},
]


def solve(tmp_path: Path, targets: list[dict[str, Any]], projects=PROJECTS,
          lang: str | None = None) -> tuple[str, dict, pd.DataFrame]:
    pd.DataFrame(projects).to_csv(tmp_path / "projects.csv", index=False)
    sc = {"name": "idle", "projects": "projects.csv", "budgets": {"central": 8000},
          "weights": {"appraisal": 1}, "targets": targets}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(sc, allow_unicode=True), encoding="utf-8")
    res = CliRunner().invoke(app, ["solve", str(tmp_path / "s.yaml"), "-o",
                                   str(tmp_path / "out"), "--no-plots", "--no-xlsx",
                                   "--lang", lang or "vi"])
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    alloc = pd.read_csv(tmp_path / "out" / "allocation.csv").set_index("project_id")
    return res.output, summary, alloc


def unspent(summary: dict) -> list[dict]:
    return [w for w in summary["warnings"] if w["code"] == "budget_unspent"]


SIXTY = [{"name": "hoi_cho", "kind": "share_min", "category": "fair_abroad", "share": 0.6},
         {"name": "dao_tao", "kind": "share_min", "category": "training", "share": 0.6}]


def test_two_sixty_percent_minimums_spend_nothing_and_say_so(tmp_path: Path) -> None:
    """F ≥ 0.6·(F+T) and T ≥ 0.6·(F+T) add to F+T ≥ 1.2·(F+T): only F = T = 0 holds. Without
    either target alone 8,000 can be spent (e.g. F 5,000 + T 3,000: F is 62.5%), so both are
    named, and the idle amount is the 8,000 the plan would otherwise spend."""
    output, summary, _ = solve(tmp_path, SIXTY)
    assert summary["status"] == "optimal" and summary["totals"]["total"] == 0
    [w] = unspent(summary)
    assert w["amount"] == pytest.approx(8000)
    assert "'hoi_cho'" in w["message"] and "'dao_tao'" in w["message"]
    assert "8.000 triệu đồng kinh phí khuyến công quốc gia" in w["message"]
    assert "đã phân bổ 0/8.000" in w["message"] and "share_of: budget" in w["message"]
    assert "cảnh báo:" in output and "8.000 triệu đồng" in output
    # and how it was said, for a reader in another language (said again by `kcopt report`)
    assert set(w) == {"code", "message", "amount", "said"}
    assert all(set(x) == {"code", "message", "amount", "said"} for x in summary["warnings"])


def test_share_of_budget_spends_the_budget(tmp_path: Path) -> None:
    """As shares of the budget, 40% each: F ≥ 3,200 and T ≥ 3,200 of 8,000; the plan spends the
    whole 8,000 and nothing is idle, so no warning."""
    targets = [dict(t, share=0.4, share_of="budget") for t in SIXTY]
    _, summary, alloc = solve(tmp_path, targets)
    assert alloc["total"].sum() == pytest.approx(8000)
    assert alloc.loc["F", "total"] >= 3200 - 1e-6 and alloc.loc["T", "total"] >= 3200 - 1e-6
    assert not unspent(summary)
    assert [t.get("share_of") for t in summary["scenario"]["targets"]] == ["budget", "budget"]


def test_province_max_on_one_province_list(tmp_path: Path) -> None:
    """Every project is in Sơn La: Sơn La ≤ 7% of all support forces all support to 0; the
    target is named with the 8,000 idle. As 7% of the budget it allows 560 and still leaves
    7,440 idle, which is said too — without the hint to use share_of: budget."""
    target = {"name": "tran_tinh", "kind": "province_max", "fund": "central", "share": 0.07}
    _, summary, alloc = solve(tmp_path, [target])
    [w] = unspent(summary)
    assert alloc["total"].sum() == 0
    assert w["amount"] == pytest.approx(8000) and "'tran_tinh'" in w["message"]
    _, summary, alloc = solve(tmp_path, [dict(target, share_of="budget")])
    assert alloc["total"].sum() == pytest.approx(560)
    [w] = unspent(summary)
    assert w["amount"] == pytest.approx(7440)
    assert "share_of" not in w["message"]


def test_a_target_that_costs_no_spending_is_silent(tmp_path: Path) -> None:
    """A 40% minimum for F: F 5,000 + T 3,000 = 8,000 spent (F 62.5%); nothing idle."""
    _, summary, alloc = solve(tmp_path, [dict(SIXTY[0], share=0.4)])
    assert alloc["total"].sum() == pytest.approx(8000)
    assert not unspent(summary)


def test_only_the_responsible_target_is_named(tmp_path: Path) -> None:
    """T asks 3,000 here. 'dao_tao' (T ≥ 60%) allows F ≤ 2,000: 5,000 spent. 'nua' (F ≤ 50%)
    then holds with room (2,000 ≤ 3,000). Without 'nua' alone: still 5,000; without 'dao_tao'
    alone: F ≤ T = 3,000, 6,000; without both: 8,000. So only 'dao_tao' is named, and the idle
    amount is 8,000 − 5,000 = 3,000."""
    projects = [PROJECTS[0], dict(PROJECTS[1], requested=3000)]
    targets = [SIXTY[1], {"name": "nua", "kind": "share_max", "category": "fair_abroad",
                          "share": 0.5}]
    _, summary, alloc = solve(tmp_path, targets, projects)
    assert alloc["total"].sum() == pytest.approx(5000)
    [w] = unspent(summary)
    assert w["amount"] == pytest.approx(3000)
    assert "'dao_tao'" in w["message"] and "'nua'" not in w["message"]


def test_share_of_needs_a_share(tmp_path: Path) -> None:
    pd.DataFrame(PROJECTS).to_csv(tmp_path / "projects.csv", index=False)
    sc = {"projects": "projects.csv", "budgets": {"central": 8000},
          "targets": [{"name": "a", "kind": "share_min", "category": "training",
                       "amount": 100, "share_of": "budget"},
                      {"name": "b", "kind": "share_min", "category": "training",
                       "share": 0.1, "share_of": "plan"}]}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(sc), encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "s.yaml")])
    assert res.exit_code == 1
    assert "targets[0].share_of" in res.output and "targets[1].share_of" in res.output
    assert "must be allocated or budget" in res.output


def test_share_of_budget_that_cannot_hold_is_diagnosed(tmp_path: Path) -> None:
    """60% + 60% of the budget is 9,600 > 8,000: infeasible (exit 3). Each target alone can
    reach 5,000 of 8,000 = 62.5%; together the relaxation says what is possible."""
    pd.DataFrame(PROJECTS).to_csv(tmp_path / "projects.csv", index=False)
    targets = [dict(t, share_of="budget") for t in SIXTY]
    sc = {"projects": "projects.csv", "budgets": {"central": 8000}, "targets": targets,
          "weights": {"appraisal": 1}}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(sc), encoding="utf-8")
    res = CliRunner().invoke(app, ["solve", str(tmp_path / "s.yaml"), "-o",
                                   str(tmp_path / "out"), "--no-plots"])
    assert res.exit_code == 3, res.output
    assert "of-budget target" in res.output and "internal error" not in res.output
    assert "4,800 million" in res.output


def test_report_shows_the_idle_budget_in_its_headline(tmp_path: Path) -> None:
    solve(tmp_path, SIXTY)
    res = CliRunner().invoke(app, ["report", str(tmp_path / "out"), "--lang", "vi"])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    headline = page[page.index('<section id="headline">'):page.index('<section id="allocation">')]
    assert "Kinh phí chưa phân bổ" in headline and "8.000 triệu đồng" in headline


def test_english_message(tmp_path: Path) -> None:
    import kcopt
    from kcopt.analysis.unspent import unspent_warnings

    solve(tmp_path, SIXTY)
    sc = kcopt.load_scenario(tmp_path / "s.yaml")
    result = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))
    [w] = unspent_warnings(result, lang="en")
    assert w.code == "budget_unspent" and w.amount == pytest.approx(8000)
    assert "targets 'hoi_cho' and 'dao_tao' leave 8,000 million VND of central" in w.message
