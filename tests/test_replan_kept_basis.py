"""A re-plan against a kcopt output folder starts from the simplex basis kept at its plan
(`.kcopt-basis.json`, issue 25): fewer simplex iterations than from a basis guessed from the
plan, to the same best score and the same least money moved; and only when the folder's own
record says the plan and the basis are as that run wrote them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import kcopt
from kcopt.inputs.approved import BASIS_FILE, BudgetChange, Change
from kcopt.solvers.highs import basis_record, recorded_basis


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo solved into an output folder, as `kcopt solve -o` writes it."""
    out = tmp_path_factory.mktemp("kept") / "approved"
    kcopt.run(kcopt.load_scenario(kcopt.demo_scenario_path()), out=out, plots=False,
              xlsx=False)
    return out


def _cut() -> kcopt.Scenario:
    sc = kcopt.load_scenario(kcopt.demo_scenario_path())
    return sc.with_budget_change(BudgetChange(central=Change(share=-0.05)))


def _replan(plan: Path) -> tuple[kcopt.Scenario, kcopt.Run]:
    sc = _cut().with_approved(plan)
    return sc, kcopt.run(sc, out=None)


def test_the_folder_keeps_the_basis_at_its_plan(approved: Path) -> None:
    """The kept basis is the plan's own: every column strictly between its bounds is basic."""
    record = json.loads((approved / BASIS_FILE).read_text(encoding="utf-8"))
    run = kcopt.run(kcopt.load_scenario(kcopt.demo_scenario_path()), out=None)
    lp, x = run.model.lp, run.result.x
    assert x is not None
    assert record == basis_record(lp, run.result.basis.getBasis())
    inside = (x > lp.col_lower + 1e-6) & (x < lp.col_upper - 1e-6)
    assert inside.any() and all(record["column_status"][j] == "B" for j in np.flatnonzero(inside))
    manifest = json.loads((approved / ".kcopt-run.json").read_text(encoding="utf-8"))
    assert BASIS_FILE in manifest["files"]


def test_a_replan_from_the_folder_starts_at_the_kept_basis(approved: Path, tmp_path: Path) -> None:
    """From the folder: the basis is an input (hashed), and the first stage needs fewer
    iterations than from the same plan copied elsewhere — the same score, the same money
    moved."""
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(approved / "allocation.csv", copy / "allocation.csv")
    kept_sc, kept = _replan(approved)
    guess_sc, guess = _replan(copy / "allocation.csv")
    assert kept_sc.approved is not None and kept_sc.approved.kept is not None
    assert guess_sc.approved is not None and guess_sc.approved.kept is None
    assert any(k.endswith(BASIS_FILE) for k in kept_sc.input_hashes)
    assert kept.result.objective == pytest.approx(guess.result.objective, rel=1e-9)
    assert kept.changes is not None and guess.changes is not None
    assert kept.changes["change"].abs().sum() == pytest.approx(
        guess.changes["change"].abs().sum(), abs=1e-6)
    iterations = [r.result.raw.handle.getInfo().simplex_iteration_count for r in (kept, guess)]
    assert iterations[0] < iterations[1], iterations


def test_an_edited_plan_or_basis_is_not_started_from(approved: Path, tmp_path: Path) -> None:
    """A planner's edited allocation.csv in the folder, or a basis file changed after the run:
    the folder's record no longer vouches for them, so the re-plan guesses from the plan."""
    for edit in ("allocation.csv", BASIS_FILE):
        folder = tmp_path / edit
        shutil.copytree(approved, folder)
        path = folder / edit
        text = path.read_text(encoding="utf-8-sig" if edit.endswith(".csv") else "utf-8")
        if edit.endswith(".csv"):
            lines = text.splitlines(keepends=True)
            lines[1] = lines[1].replace(",funded,", ",funded ,", 1)
            path.write_text("".join(lines), encoding="utf-8-sig")
        else:
            record = json.loads(text)
            record["row_status"] = record["row_status"][::-1]
            path.write_text(json.dumps(record), encoding="utf-8")
        sc = _cut().with_approved(folder)
        assert sc.approved is not None and sc.approved.kept is None, edit
        assert not any(k.endswith(BASIS_FILE) for k in sc.input_hashes)


def test_the_scenario_key_reads_the_kept_basis(approved: Path, tmp_path: Path) -> None:
    """`approved: {plan: <folder>}` in a scenario file finds the basis as --approved does."""
    demo = kcopt.demo_scenario_path()
    shutil.copytree(demo.parent, tmp_path / "demo")
    scenario = tmp_path / "demo" / demo.name
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text + f"\napproved:\n  plan: {approved.as_posix()}\n", encoding="utf-8")
    sc = kcopt.load_scenario(scenario)
    assert sc.approved is not None and sc.approved.kept is not None
    assert any(k.endswith(BASIS_FILE) for k in sc.input_hashes)


def test_a_basis_of_another_program_is_not_used(approved: Path) -> None:
    """Another program's columns or rows, a short or unknown status: no basis (the guess)."""
    record = json.loads((approved / BASIS_FILE).read_text(encoding="utf-8"))
    run = kcopt.run(kcopt.load_scenario(kcopt.demo_scenario_path()), out=None)
    lp = run.model.lp
    assert recorded_basis(lp, record) is not None
    renamed = [*lp.col_names[:-1], lp.col_names[-1] + "x"]
    from dataclasses import replace

    assert recorded_basis(replace(lp, col_names=renamed), record) is None
    assert recorded_basis(lp, {**record, "row_status": record["row_status"][:-1]}) is None
    assert recorded_basis(lp, {**record, "column_status": "Q" + record["column_status"][1:]}) \
        is None
    assert recorded_basis(lp, {**record, "format": 2}) is None
    assert recorded_basis(lp, None) is None


def test_kcopt_solve_keeps_the_basis_too(approved: Path, tmp_path: Path) -> None:
    """`kcopt solve` lets the solver go before it writes (memory), and keeps the basis first:
    the command's folder holds the same basis as the library's."""
    from typer.testing import CliRunner

    from kcopt.cli import app

    out = tmp_path / "cli"
    res = CliRunner().invoke(app, ["solve", str(kcopt.demo_scenario_path()), "-o", str(out),
                                   "--no-plots", "--no-xlsx"])
    assert res.exit_code == 0, res.output
    assert json.loads((out / BASIS_FILE).read_text(encoding="utf-8")) == json.loads(
        (approved / BASIS_FILE).read_text(encoding="utf-8"))
    sc = _cut().with_approved(out)
    assert sc.approved is not None and sc.approved.kept is not None
