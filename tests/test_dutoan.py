"""A budget estimate (dự toán) by content line: "STT | Nội dung | Số chương trình, đề án | Kinh
phí hỗ trợ | Ghi chú" in đồng, read as group lines (or equal shares where the ceiling is per
model), its programme management cost set aside from the budget before the allocation, said on
the console and recorded in the run (docs/contract.md §9); and the message of a sheet without a
header, in Vietnamese and concrete."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from forms import ESTIMATE_LINES, check_projects, estimate, messages
from kcopt.cli import app
from kcopt.core.errors import InputError
from kcopt.inputs.schema import read_projects
from kcopt.rules.rates import load_rules


@pytest.mark.usefixtures("vietnamese")
def test_estimate_lines_are_read_as_projects(tmp_path: Path) -> None:
    path, expected = estimate(tmp_path / "du-toan.xlsx")
    projects = read_projects(path)
    check_projects(projects.frame, expected)
    # the management line is the programme's cost, in million VND, not a project
    assert projects.form is not None and projects.form.programme_cost == pytest.approx(60)
    assert projects.form.programme_rows == [13]
    text = messages(projects.warnings)
    assert "dòng 13: 'Chi phí quản lý triển khai đề án' là chi phí quản lý chương trình" in text
    assert "dòng 10: dòng nội dung 2: 2 đề án" in text
    assert ("đọc theo mẫu dự toán theo nội dung: 4 dòng nội dung, 5 đề án, chi phí quản lý "
            "chương trình 60 triệu đồng") in text


@pytest.mark.usefixtures("vietnamese")
def test_a_total_row_that_disagrees_is_said(tmp_path: Path) -> None:
    path, _e = estimate(tmp_path / "du-toan.xlsx", total="4.000.000.000")
    text = messages(read_projects(path).warnings)
    assert "dòng 14, cột 'Kinh phí hỗ trợ': dòng 'Tổng cộng' ghi 4.000.000.000 nhưng các dòng " \
           "nội dung và chi phí quản lý cộng lại 4.560.000.000" in text


@pytest.mark.usefixtures("vietnamese")
def test_an_unknown_content_line_names_the_nearest_types(tmp_path: Path) -> None:
    lines = [*ESTIMATE_LINES[:1], [2, "Hỗ trợ nuôi trồng thủy sản", 1, "100.000.000", None]]
    path, _e = estimate(tmp_path / "du-toan.xlsx", lines, total="2.540.000.000")
    with pytest.raises(InputError) as info:
        read_projects(path)
    (problem,) = info.value.problems
    assert problem.row == 10 and "Hỗ trợ nuôi trồng thủy sản" in problem.message
    assert problem.fix.startswith("Gần nhất: ")


def _init_and_solve(tmp_path: Path, budget: float | None = None) -> tuple[object, Path]:
    path, _e = estimate(tmp_path / "du-toan.xlsx")
    runner = CliRunner()
    init = runner.invoke(app, ["init", str(path)])
    assert init.exit_code == 0, init.output
    scenario = tmp_path / "du-toan-kich-ban.yaml"
    text = scenario.read_text(encoding="utf-8")
    assert "central: 4560" in text  # the estimate's total: the lines and the management cost
    if budget is not None:
        scenario.write_text(text.replace("central: 4560", f"central: {budget:g}"),
                            encoding="utf-8")
    solved = runner.invoke(app, ["--lang", "vi", "solve", str(scenario), "-o",
                                 str(tmp_path / "out"), "--no-plots"])
    return solved, tmp_path / "out"


def test_solved_after_init_with_the_management_cost_set_aside(tmp_path: Path) -> None:
    solved, out = _init_and_solve(tmp_path)
    assert solved.exit_code == 0, solved.output
    assert "chi phí quản lý chương trình 60 triệu đồng (dòng 13) được trích" in solved.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["budgets"]["central"] == pytest.approx(4500)
    assert summary["scenario"]["budgets"]["central"] == pytest.approx(4560)
    assert summary["scenario"]["set_aside"] == {"central": 60.0}
    (said,) = [w for w in summary["warnings"] if w["code"] == "programme_cost"]
    assert said["amount"] == pytest.approx(60)
    # the lines ask 4,500: every line funded in full, the 19-establishment machinery line
    # under its ceiling of 300 × 19 (not 300)
    import pandas as pd

    alloc = pd.read_csv(out / "allocation.csv", encoding="utf-8-sig").set_index("project_id")
    assert alloc["total"].sum() == pytest.approx(4500)
    assert alloc.loc["DT.1", "cap"] == pytest.approx(2440)
    assert alloc.loc[["DT.2.1", "DT.2.2"], "cap"].tolist() == pytest.approx([600, 600])


def test_a_smaller_budget_is_short_by_the_management_cost(tmp_path: Path) -> None:
    solved, out = _init_and_solve(tmp_path, budget=3060)
    assert solved.exit_code == 0, solved.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["central"] == pytest.approx(3000)
    ceiling = load_rules().national("machinery", "central").level.ceiling
    assert ceiling is not None and 19 * ceiling > 2440


def test_a_management_cost_above_the_budget_is_an_input_error(tmp_path: Path) -> None:
    solved, _out = _init_and_solve(tmp_path, budget=50)
    assert solved.exit_code == 1
    assert "chi phí quản lý chương trình 60 triệu đồng (dòng 13) lớn hơn" in solved.output


@pytest.mark.usefixtures("vietnamese")
def test_no_header_says_what_was_expected_where_it_looked_and_one_fix(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu 3"
    ws["A1"] = "UBND TỈNH NGHỆ AN"
    for c, h in enumerate(["TT", "Hạng mục", "Thành tiền"], 1):
        ws.cell(5, c, h)
    ws.append([1, "Máy sấy", "100.000.000"])
    path = tmp_path / "bieu.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_projects(path)
    (problem,) = info.value.problems
    assert problem.message.startswith("không tìm thấy dòng tiêu đề trong các dòng 1–6 của "
                                      "trang 'Biểu 3'")
    assert ("Dòng đầu tiên có từ hai ô trở lên là dòng 5: 'TT', 'Hạng mục', 'Thành tiền'"
            in problem.message)
    assert "'Tên đề án'" in problem.fix and "'Số chương trình, đề án'" in problem.fix
    assert "no header" not in str(problem)


def test_a_local_estimate_sets_the_cost_aside_from_its_province(tmp_path: Path) -> None:
    path, _e = estimate(tmp_path / "du-toan.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["A4"] = "DỰ TOÁN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026"
    wb.save(path)
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    scenario = tmp_path / "du-toan-kich-ban.yaml"
    assert '"Nghệ An": 4560' in scenario.read_text(encoding="utf-8")
    solved = runner.invoke(app, ["solve", str(scenario), "-o", str(tmp_path / "out"),
                                 "--no-plots"])
    assert solved.exit_code == 0, solved.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"]["set_aside"] == {"Nghệ An": 60.0}
    assert summary["budgets"]["local"] == pytest.approx(4500)
    assert summary["totals"]["local"] == pytest.approx(4500)
    assert summary["totals"]["central"] == 0
