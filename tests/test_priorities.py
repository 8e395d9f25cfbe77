"""Priorities of Decree 235/2025 (amending Decree 45/2012) and the 2027 guidance as tagged,
weighable rules with a legal basis and a confidence (data/priorities.csv).

Scores are the weighted criteria; machinery costing 600 is capped at 300 and paid by the
central fund, so a central budget of 300 funds exactly one of two such projects.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import kcopt
from conftest import solve_case
from kcopt.cli import app
from kcopt.core.language import using
from kcopt.core.vocabulary import CRITERIA, CRITERIA_LABELS, PRIORITY_FLAGS
from kcopt.pipeline import run
from kcopt.rules.priorities import load_priorities

NEW = {"artisan": "Artisans and skilled craft workers",
       "women_owned": "Establishment owned by a woman",
       "ethnic_minority_owned": "Establishment owned by an ethnic-minority person",
       "ethnic_minority_area": "Ethnic-minority and mountainous area",
       "deep_processing": "Deep processing",
       "regional_linkage": "Regional and value-chain linkage across provinces"}
M = {"province": "Sơn La", "category": "machinery", "level": "central", "total_cost": 600}


def test_every_priority_has_basis_and_confidence() -> None:
    """Each criterion but the appraisal score is a priority of the rule data, with the same
    names as the score's labels, a basis and a confidence; only the text-confirmed one is
    high, and every Decree 235/2025 newcomer not found in the text is low."""
    prio = load_priorities()
    assert list(prio) == [k for k in CRITERIA if k != "appraisal"]
    for k, p in prio.items():
        assert (p.name_vi, p.name_en) == CRITERIA_LABELS[k] and p.basis and p.note
    assert [k for k, p in prio.items() if p.confidence == "high"] == ["green"]
    assert all(prio[k].confidence == "low" for k in PRIORITY_FLAGS)


def test_kcopt_rules_lists_the_priorities() -> None:
    res = CliRunner().invoke(app, ["rules"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    for tag, name in NEW.items():
        [line] = [s for s in lines if s.startswith(tag + " ")]
        assert name in line and " low " in line and "Decree 235/2025/NĐ-CP" in line
    [green] = [s for s in lines if s.startswith("green ")]
    assert " high " in green and "Decree 235/2025/NĐ-CP Art. 1 cl. 1" in green
    with using("vi"):
        res = CliRunner().invoke(app, ["rules"])
    [artisan] = [s for s in res.output.splitlines() if s.startswith("artisan ")]
    assert "Nghệ nhân, thợ giỏi" in artisan and "thấp" in artisan and "Nghị định 235/2025" \
        in artisan


def test_vietnamese_headers_and_yes_no_words(tmp_path: Path) -> None:
    """The new priority columns are read from Vietnamese headers, with yes/no written as a
    planner writes them: có, x, ✓, yes → 1; không, no, blank → 0."""
    yes = ["có", "x", "✓", "yes", "không", ""]
    rows = [{"Mã đề án": f"P{i}", "Tên đề án": f"đề án {i}", "Tỉnh": "Sơn La",
             "Nội dung": "machinery", "Tổng kinh phí": 600, "Nghệ nhân": v,
             "Chủ cơ sở là nữ": yes[(i + 1) % 6], "Dân tộc thiểu số": yes[(i + 2) % 6],
             "Chế biến sâu": yes[(i + 3) % 6], "Liên kết vùng": "no" if i % 2 else "Có",
             "Vùng đồng bào dân tộc thiểu số": "✔" if i == 0 else ""}
            for i, v in enumerate(yes)]
    path = tmp_path / "danh-sach.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    frame = kcopt.read_projects(path).frame
    assert frame["artisan"].tolist() == [1, 1, 1, 1, 0, 0]
    assert frame["women_owned"].tolist() == [1, 1, 1, 0, 0, 1]
    assert frame["ethnic_minority_owned"].tolist() == [1, 1, 0, 0, 1, 1]
    assert frame["deep_processing"].tolist() == [1, 0, 0, 1, 1, 1]
    assert frame["regional_linkage"].tolist() == [1, 0, 1, 0, 1, 0]
    assert frame["ethnic_minority_area"].tolist() == [1, 0, 0, 0, 0, 0]


def two_projects() -> list[dict]:
    return [dict(M, project_id="A", name="a", appraisal=80),
            dict(M, project_id="B", name="b", appraisal=70, artisan="có")]


def test_weighing_a_priority_changes_the_ranking(make_case, backend: str) -> None:
    """A (appraisal 80) and B (70, an artisan's establishment); one fits the budget of 300.
    Weights {appraisal: 1}: A (0.8) beats B (0.7). Weights {appraisal: 0.5, artisan: 0.5}:
    A 0.5·0.8 = 0.4, B 0.5·0.7 + 0.5·1 = 0.85, so B is funded instead."""
    base = {"budgets": {"central": 300}, "objective": "weighted_funds"}
    plain = solve_case(make_case(two_projects(), {**base, "weights": {"appraisal": 1}}),
                       backend)
    weighed = solve_case(make_case(two_projects(), {
        **base, "weights": {"appraisal": 0.5, "artisan": 0.5}}), backend)
    for result, winner in ((plain, "A"), (weighed, "B")):
        alloc = kcopt.allocation_table(result).set_index("project_id")["total"]
        assert alloc.to_dict() == pytest.approx({winner: 300, ("B" if winner == "A" else
                                                                "A"): 0})
    assert weighed.objective == pytest.approx(0.85 * 300)


def test_a_low_priority_weighed_is_warned_once(make_case, tmp_path: Path) -> None:
    """Weighing two low priorities gives one warning naming both; weighing only confirmed or
    earlier criteria gives none."""
    sc = make_case(two_projects(), {"budgets": {"central": 300}, "weights": {
        "appraisal": 0.4, "artisan": 0.3, "deep_processing": 0.3}})
    low = [w for w in run(sc).warnings if w.code == "low_priority"]
    assert len(low) == 1
    assert "artisan" in low[0].message and "deep_processing" in low[0].message
    assert "women_owned" not in low[0].message
    res = CliRunner().invoke(app, ["solve", str(sc.path), "-o", str(tmp_path / "o"),
                                   "--no-plots", "--no-xlsx"])
    assert res.exit_code == 0, res.output
    assert res.output.count("(confidence low)") == 1
    plain = make_case(two_projects(), {"budgets": {"central": 300},
                                       "weights": {"appraisal": 0.5, "green": 0.5}})
    assert not [w for w in run(plain).warnings if w.code == "low_priority"]


def test_count_and_share_targets_take_the_new_tags(make_case) -> None:
    """`of:` names the new priority tags too: at least one artisan project funded forces B."""
    sc = make_case(two_projects(), {"budgets": {"central": 300}, "objective": "weighted_funds",
                                    "weights": {"appraisal": 1}, "targets": [
                                        {"name": "artisans", "kind": "count_min",
                                         "of": ["artisan"], "count": 1}]})
    alloc = kcopt.allocation_table(solve_case(sc)).set_index("project_id")["total"]
    assert alloc.to_dict() == pytest.approx({"A": 0, "B": 300})
