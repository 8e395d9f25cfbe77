"""Outputs a planner can trust: CSV cells never run as formulas, a run's files appear whole or
not at all (kill -9, concurrent runs, failures part-way), an output never replaces an input, and
environment problems (read-only or full folder, tampered outputs) are clear errors."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.io.write import _NUMBER, neutralise, restore

runner = CliRunner()
DEMO = kcopt.demo_scenario_path()
HOSTILE = ['=HYPERLINK("http://x"&A1,"click")', "-2+3+cmd|' /C calc'!A0", "+1+2", "@SUM(1;2)",
           "\t=1+1", "'=already quoted", "\r=2+2", "Bình thường"]


def cli(*args: object) -> tuple[int, str]:
    res = runner.invoke(app, [str(a) for a in args])
    return res.exit_code, res.output


def hostile_case(folder: Path, central: float = 500) -> Path:
    """Projects and a scenario whose names and extra column start like formulas."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"project_id": f"P{i}", "name": n, "province": "Hà Nội",
             "category": ["training", "machinery"][i % 2], "total_cost": 1000 + 100 * i,
             "requested": 200, "appraisal": 50 + 5 * i, "funds": "both", "note": n}
            for i, n in enumerate(HOSTILE)]
    with (folder / "projects.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    (folder / "scenario.yaml").write_text(
        f"name: '=cmd|A'\nprojects: projects.csv\nbudgets: {{central: {central}, local: "
        "{Hà Nội: 300}}\ntargets:\n  - {name: '-t1', kind: share_max, category: training, "
        "share: 0.6}\n", encoding="utf-8")
    return folder / "scenario.yaml"


def files_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    """Staging or old folders and temporary files a run left beside or inside its outputs."""
    return sorted(p.name for p in parent.rglob("*")
                  if ".kcopt-new-" in p.name or ".kcopt-old-" in p.name
                  or p.name.endswith(".tmp"))


def whole_set(folder: Path) -> dict:
    """Check the folder holds exactly one run's files, consistent with each other; return its
    marker."""
    marker = json.loads((folder / ".kcopt-run.json").read_text(encoding="utf-8"))
    assert files_of(folder) == {*marker["files"], ".kcopt-run.json"}
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    alloc = pd.read_csv(folder / "allocation.csv", encoding="utf-8-sig")
    assert alloc["central"].sum() == pytest.approx(summary["totals"]["central"], abs=1e-3)
    assert alloc["local"].sum() == pytest.approx(summary["totals"]["local"], abs=1e-3)
    marker["central_budget"] = summary["budgets"]["central"]
    return marker


# -- CSV formula safety --------------------------------------------------------------------
@given(st.text(max_size=30))
def test_neutralise_round_trips_and_never_starts_a_formula(text: str) -> None:
    safe = neutralise(text)
    assert restore(safe) == text.replace("\r\n", "\n").replace("\r", "\n")
    assert "\r" not in safe
    if safe.startswith(("=", "+", "-", "@", "\t", "\r", "\n")):  # only a plain number
        assert _NUMBER.fullmatch(safe)


def test_numbers_stay_numbers() -> None:
    assert [neutralise(v) for v in (-3, -0.25, 1e-5, "-0.25", "-1e-05", "-inf", "+3")] == \
        [-3, -0.25, 1e-5, "-0.25", "-1e-05", "-inf", "+3"]
    assert neutralise("-1+1") == "'-1+1" and neutralise("@x") == "'@x"


@given(st.lists(st.one_of(st.text(max_size=8), st.sampled_from(["=1", "-2", "'=x", "a\rb",
                                                                 "@", "\t", "-inf"])),
                min_size=1, max_size=12))
def test_safe_cells_is_neutralise_of_every_cell(texts: list[str]) -> None:
    """safe_cells finds the cells to change column-wise: the same cells as `neutralise` on
    each, for text, object (with gaps and numbers) and categorical columns."""
    from kcopt.io.write import safe_cells

    mixed = [t if k % 3 else (None, 1.5, True)[k % 9 // 3] for k, t in enumerate(texts)]
    frame = pd.DataFrame({"s": pd.Series(texts, dtype="str"),
                          "o": pd.Series(texts, dtype=object), "m": pd.Series(mixed),
                          "c": pd.Series(texts, dtype="category"), "=n": range(len(texts))})
    safe = safe_cells(frame)
    for col, name in zip(frame.columns, safe.columns, strict=True):
        assert name == neutralise(col)
        assert safe[name].tolist() == [neutralise(v) for v in frame[col]], col


def _lo_read_csv(libreoffice, path: Path, outdir: Path) -> list[list[openpyxl.cell.Cell]]:
    """Open a CSV in LibreOffice as a user would (UTF-8, formulas evaluated) and read it back."""
    from spreadsheet import SOFFICE

    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / (path.parent.name + "-" + path.stem + ".xlsx")
    copy = outdir / (path.parent.name + "-" + path.name)
    shutil.copyfile(path, copy)
    subprocess.run([SOFFICE, f"-env:UserInstallation={libreoffice.profile.as_uri()}",
                    "--headless", "--norestore", "--infilter=CSV:44,34,76,1", "--convert-to",
                    "xlsx", "--outdir", str(outdir), str(copy)], capture_output=True,
                   timeout=300, check=True)
    wb = openpyxl.load_workbook(target)
    return [list(row) for row in wb.active.iter_rows()]


def test_csv_outputs_open_without_formulas_in_libreoffice(tmp_path: Path, libreoffice) -> None:
    """Every CSV of solve, sensitivity and compare, opened in LibreOffice: no cell is a formula,
    every number is still a number, hostile text is shown as text."""
    a = hostile_case(tmp_path / "a", central=500)
    b = hostile_case(tmp_path / "b", central=300)
    out = tmp_path / "out"
    code, text = cli("sensitivity", a, "-o", out / "a", "--draws", "3", "--no-plots")
    assert code == 0, text
    code, text = cli("solve", b, "-o", out / "b", "--no-plots")
    assert code == 0, text
    code, text = cli("compare", out / "a", out / "b", "-o", out / "ab", "--no-plots")
    assert code == 0, text
    csvs = sorted(out.rglob("*.csv"))
    assert {p.name for p in csvs} >= {"allocation.csv", "constraints.csv", "ranging_projects.csv",
                                      "weight_robustness.csv", "compare_projects.csv"}
    numbers = 0
    for path in csvs:
        frame = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
        rows = _lo_read_csv(libreoffice, path, tmp_path / "lo")
        formulas = [(path.name, c.coordinate, c.value) for row in rows for c in row
                    if c.data_type == "f"]
        assert not formulas, formulas
        for j, col in enumerate(frame.columns):
            if pd.api.types.is_bool_dtype(frame[col]):
                assert all(rows[i + 1][j].data_type == "b" for i in range(len(frame)))
            elif pd.api.types.is_numeric_dtype(frame[col]):
                for i, v in enumerate(frame[col]):
                    cell = rows[i + 1][j]
                    if v in (float("inf"), float("-inf")):  # written `inf` (design §7): text
                        assert cell.value == ("inf" if v > 0 else "-inf")
                        continue
                    assert cell.data_type == "n" and cell.value == pytest.approx(v), \
                        (path.name, col, i, v, cell.value)
                    numbers += 1
    assert numbers > 500
    alloc = _lo_read_csv(libreoffice, out / "a" / "allocation.csv", tmp_path / "lo2")
    shown = {r[1].value for r in alloc[1:]}
    assert "'=HYPERLINK(\"http://x\"&A1,\"click\")" in shown
    assert "'-2+3+cmd|' /C calc'!A0" in shown
    # kcopt reads its own files back as they were
    o = kcopt.load_output(out / "a")
    assert set(o.allocation["name"]) == {h.strip() for h in HOSTILE}
    assert set(o.allocation["note"]) == {h.replace("\r", "\n") for h in HOSTILE}


def test_csv_before_the_fix_would_have_run_a_formula(tmp_path: Path, libreoffice) -> None:
    """The check above can fail: the same text written raw is a formula in LibreOffice."""
    path = tmp_path / "raw" / "raw.csv"
    path.parent.mkdir()
    pd.DataFrame({"name": [HOSTILE[0]], "x": [-1.5]}).to_csv(path, index=False)
    rows = _lo_read_csv(libreoffice, path, tmp_path / "lo")
    assert rows[1][0].data_type == "f"


def test_sensitivity_no_plots_draws_no_plot_at_all(tmp_path: Path) -> None:
    """`kcopt sensitivity --no-plots` skips the PNG plots, the solve's as well as the
    sensitivity's, as `kcopt solve --no-plots` does (before, the solve's three were drawn,
    about 1.5 s of CPU in a child process); every other file is written, annex.xlsx too."""
    out = tmp_path / "out"
    code, text = cli("sensitivity", hostile_case(tmp_path / "case"), "-o", out, "--draws",
                     "3", "--no-plots")
    assert code == 0, text
    files = files_of(out)
    assert not [f for f in files if f.endswith(".png")] and not (out / "plots").exists()
    assert {"allocation.csv", "allocation.xlsx", "annex.xlsx", "sensitivity.xlsx",
            "weight_robustness.csv"} <= files
    whole_set(out)


# -- whole sets, no lost files ---------------------------------------------------------------
def test_stale_files_of_an_earlier_run_go(tmp_path: Path) -> None:
    sc = hostile_case(tmp_path / "case")
    out = tmp_path / "out" / "plan"
    assert cli("sensitivity", sc, "-o", out, "--draws", "3", "--no-plots")[0] == 0
    assert (out / "weight_robustness.csv").exists()
    assert cli("report", out)[0] == 0
    first = whole_set(out)
    assert "report.html" in first["files"] and "weight_robustness.csv" in first["files"]
    # the workbooks hold no formula made of a project's name
    for book in ("sensitivity.xlsx", "allocation.xlsx"):
        wb = openpyxl.load_workbook(out / book)
        cells = [c for ws in wb for row in ws.iter_rows() for c in row]
        assert any(c.value == HOSTILE[0] and c.data_type == "s" for c in cells), book
        assert not [c.value for c in cells if c.data_type == "f" and any(
            h.strip() in str(c.value) for h in HOSTILE[:5])], book
    code, text = cli("solve", sc, "-o", out, "--no-plots", "--no-xlsx")
    assert code == 0, text
    assert files_of(out) == {".kcopt-run.json", "allocation.csv", "constraints.csv",
                             "summary.json", "reserve.csv", ".kcopt-basis.json"}
    # an infeasible run leaves its diagnosis alone, and a feasible one removes it
    bad = tmp_path / "case" / "must.yaml"
    bad.write_text("extends: scenario.yaml\nmust_fund: [P0, P1, P2, P3, P4, P5, P6, P7]\n"
                   "budgets: {central: 0, local: {Hà Nội: 10}}\n", encoding="utf-8")
    code, text = cli("solve", bad, "-o", out)
    assert code == 3, text
    assert files_of(out) == {".kcopt-run.json", "diagnosis.json"}
    assert cli("solve", sc, "-o", out, "--no-plots")[0] == 0
    assert not (out / "diagnosis.json").exists()
    whole_set(out)
    assert leftovers(tmp_path) == []


def test_output_never_replaces_an_input(tmp_path: Path) -> None:
    """A project list named allocation.xlsx in the -o folder (the case that replaced a
    planner's file), the scenario's own folder, the --into workbook, report and compare."""
    folder = tmp_path / "plan"
    folder.mkdir()
    pd.DataFrame({"Mã đề án": ["P1"], "Tên đề án": ["A"], "Tỉnh/Thành phố": ["Hà Nội"],
                  "Nội dung": ["training"], "Tổng kinh phí": [1000]}).to_excel(
        folder / "allocation.xlsx", index=False)
    (folder / "s.yaml").write_text("name: s\nprojects: allocation.xlsx\nbudgets: {central: 100}\n",
                                   encoding="utf-8")
    before = (folder / "allocation.xlsx").read_bytes()
    code, text = cli("solve", folder / "s.yaml", "-o", folder)
    assert code == 1 and "internal error" not in text
    assert str(folder) in text and str(folder / "allocation.xlsx") in text.replace("\n", "")
    assert (folder / "allocation.xlsx").read_bytes() == before
    assert sorted(os.listdir(folder)) == ["allocation.xlsx", "s.yaml"]
    # the parent of the inputs' folder also holds them
    code, text = cli("solve", folder / "s.yaml", "-o", tmp_path)
    assert code == 1 and "s.yaml" in text
    # report and compare: never onto a file of the folder they read, nor into it
    sc = hostile_case(tmp_path / "case")
    out = tmp_path / "out"
    assert cli("solve", sc, "-o", out, "--no-plots", "--no-xlsx")[0] == 0
    summary = (out / "summary.json").read_bytes()
    code, text = cli("report", out, "-o", out / "summary.json")
    assert code == 1 and "summary.json" in text and (out / "summary.json").read_bytes() == summary
    code, text = cli("compare", out, out, "-o", out)
    assert code == 1 and str(out) in text
    whole_set(out)
    # nor over a file of the user's, nor a file where the folder should be
    code, text = cli("report", out, "-o", tmp_path / "case" / "projects.csv")
    assert code == 1 and "projects.csv" in text
    code, text = cli("solve", sc, "-o", tmp_path / "case" / "projects.csv")
    assert code == 1 and "projects.csv" in text and "internal error" not in text
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    code, text = cli("solve", sc, "-o", tmp_path / "a-file")
    assert code == 1 and "is a file" in text
    assert pd.read_csv(tmp_path / "case" / "projects.csv")["name"].tolist()[-1] == HOSTILE[-1]


def test_unrelated_files_in_the_output_folder_are_kept_and_the_run_refused(tmp_path: Path
                                                                           ) -> None:
    sc = hostile_case(tmp_path / "case")
    out = tmp_path / "out"
    assert cli("solve", sc, "-o", out, "--no-plots", "--no-xlsx")[0] == 0
    (out / "ghi-chu.docx").write_text("notes", encoding="utf-8")
    code, text = cli("solve", sc, "-o", out, "--no-plots")
    assert code == 1 and "ghi-chu.docx" in text and "internal error" not in text
    assert (out / "ghi-chu.docx").read_text(encoding="utf-8") == "notes"
    # compare refuses a solve's folder as its output
    (out / "ghi-chu.docx").unlink()
    code, text = cli("compare", out, out, "-o", tmp_path / "other")
    assert code == 0, text
    code, text = cli("solve", sc, "-o", tmp_path / "other")
    assert code == 1 and "compare_categories.csv" in text  # the first of its files, by name


def test_failure_part_way_leaves_the_previous_outputs(tmp_path: Path) -> None:
    sc = hostile_case(tmp_path / "case")
    out = tmp_path / "out"
    assert cli("solve", sc, "-o", out)[0] == 0
    before = {f: (out / f).read_bytes() for f in files_of(out)}
    # an infinite budget fails while the plots are drawn (or is refused as input)
    inf = tmp_path / "case" / "inf.yaml"
    inf.write_text("extends: scenario.yaml\nbudgets: {central: .inf}\n", encoding="utf-8")
    code, _ = cli("solve", inf, "-o", out)
    assert code != 0
    # a control character openpyxl cannot write
    bad = pd.read_csv(tmp_path / "case" / "projects.csv")
    bad.loc[2, "name"] = "Tên\x07chuông"
    bad.to_csv(tmp_path / "case" / "projects.csv", index=False)
    code, text = cli("solve", sc, "-o", out)
    assert code == 1 and "U+0007" in text and "row 4" in text
    assert {f: (out / f).read_bytes() for f in files_of(out)} == before
    assert leftovers(tmp_path) == []


def test_read_only_output_folder(tmp_path: Path) -> None:
    sc = hostile_case(tmp_path / "case")
    out = tmp_path / "out"
    assert cli("solve", sc, "-o", out, "--no-plots", "--no-xlsx")[0] == 0
    before = {f: (out / f).read_bytes() for f in files_of(out)}
    out.chmod(0o555)
    try:
        code, text = cli("solve", sc, "-o", out, "--no-plots")
        assert code == 1 and "read-only" in text and str(out) in text
        assert "internal error" not in text
    finally:
        out.chmod(0o755)
    assert {f: (out / f).read_bytes() for f in files_of(out)} == before


def _mount_tmpfs(where: Path, options: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill ({proc.stderr.strip() or 'not root'});"
                    " the full-disk case needs root or CAP_SYS_ADMIN")


def test_full_disk_and_read_only_file_system(tmp_path: Path) -> None:
    if shutil.which("mount") is None:
        pytest.skip("no mount command: the full-disk case needs a small tmpfs")
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "size=96k")
    try:
        sc = hostile_case(tmp_path / "case")
        out = disk / "out"
        code, text = cli("solve", sc, "-o", out, "--no-plots", "--no-xlsx")
        assert code == 0, text
        before = {f: (out / f).read_bytes() for f in files_of(out)}
        code, text = cli("sensitivity", sc, "-o", out, "--draws", "3")
        assert code == 1, text
        assert "no space left on device" in text and str(out) in text
        assert "internal error" not in text
        assert {f: (out / f).read_bytes() for f in files_of(out)} == before
        assert leftovers(disk) == []
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        code, text = cli("solve", sc, "-o", out, "--no-plots", "--no-xlsx")
        assert code == 1 and "internal error" not in text and str(out) in text, text
        assert {f: (out / f).read_bytes() for f in files_of(out)} == before
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_write_model_folder(tmp_path: Path) -> None:
    sc = hostile_case(tmp_path / "case")
    code, text = cli("solve", sc, "-o", tmp_path / "out", "--write-model",
                     tmp_path / "missing" / "model.lp")
    assert code == 1 and str(tmp_path / "missing") in text and "internal error" not in text
    assert not (tmp_path / "out").exists()
    # inside the output folder, the model is one of the run's files
    out = tmp_path / "out"
    code, text = cli("solve", sc, "-o", out, "--no-plots", "--write-model", out / "model.lp")
    assert code == 0, text
    assert "model.lp" in whole_set(out)["files"]


def test_tampered_outputs_are_clear_errors(tmp_path: Path) -> None:
    sc = hostile_case(tmp_path / "case")
    good = tmp_path / "good"
    assert cli("solve", sc, "-o", good, "--no-plots", "--no-xlsx")[0] == 0

    def tampered(name: str, change) -> Path:
        folder = tmp_path / name
        shutil.copytree(good, folder)
        change(folder)
        return folder

    cases = {
        "no-summary": lambda f: (f / "summary.json").unlink(),
        "broken-json": lambda f: (f / "summary.json").write_text("{\"status\": ", "utf-8"),
        "list-json": lambda f: (f / "summary.json").write_text("[1, 2]", "utf-8"),
        "no-totals": lambda f: (f / "summary.json").write_text(json.dumps(
            {k: v for k, v in json.loads((f / "summary.json").read_text("utf-8")).items()
             if k != "totals"}), "utf-8"),
        "cut-columns": lambda f: pd.read_csv(f / "allocation.csv", encoding="utf-8-sig").drop(
            columns=["central", "status"]).to_csv(f / "allocation.csv", index=False),
        "cut-constraints": lambda f: pd.read_csv(f / "constraints.csv").drop(
            columns=["shadow_price"]).to_csv(f / "constraints.csv", index=False),
        "empty-csv": lambda f: (f / "allocation.csv").write_bytes(b""),
        "binary-csv": lambda f: (f / "allocation.csv").write_bytes(b"\xff\xfe\x00\x81" * 50),
    }
    for name, change in cases.items():
        folder = tampered(name, change)
        for args in (["report", folder], ["compare", good, folder, "-o", tmp_path / f"c-{name}"]):
            code, text = cli(*args)
            assert code == 1, (name, args[0], text)
            assert "internal error" not in text and str(folder) in text, (name, args[0], text)
    # a summary whose tables are not kcopt's: the report cannot use them
    folder = tampered("odd-tables", lambda f: (f / "summary.json").write_text(json.dumps(
        {**json.loads((f / "summary.json").read_text("utf-8")), "by_province": [{"x": 1}],
         "by_region": [{"x": 1}]}), "utf-8"))
    code, text = cli("report", folder)
    assert code == 1 and str(folder) in text and "internal error" not in text, text
    code, text = cli("report", tmp_path / "nowhere")
    assert code == 1 and "not found" in text


# -- kill -9 and concurrent runs: real processes -----------------------------------------------
def _variant(tmp_path: Path, central: int) -> Path:
    path = tmp_path / f"demo-{central}.yaml"
    path.write_text(f"extends: {DEMO}\nbudgets: {{central: {central}}}\n", encoding="utf-8")
    return path


def _solve(scenario: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kcopt", "solve", str(scenario), "-o",
                             str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_kill_at_any_moment_leaves_old_or_new_whole(tmp_path: Path) -> None:
    old, new = _variant(tmp_path, 105000), _variant(tmp_path, 90000)
    out = tmp_path / "out" / "plan"
    assert _solve(old, out).wait() == 0
    old_id = whole_set(out)["run_id"]
    seen = set()
    parent = out.parent
    # fixed moments from the start, and moments after the staging folder appears
    for delay, after_staging in ((0.5, False), (1.5, False), (2.5, False), (0.0, True),
                                 (0.15, True), (0.4, True), (0.8, True), (1.2, True)):
        proc = _solve(new, out)
        start = time.monotonic()
        if after_staging:
            while (proc.poll() is None and not list(parent.glob(".plan.kcopt-new-*"))
                   and time.monotonic() - start < 60):
                time.sleep(0.005)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = whole_set(out)
        assert state["run_id"] == old_id or state["central_budget"] == 90000, state
        seen.add("old" if state["run_id"] == old_id else "new")
        if state["run_id"] != old_id:  # a finished run: start again from the old set
            assert _solve(old, out).wait() == 0
            old_id = whole_set(out)["run_id"]
    assert "old" in seen
    # the next run clears what killed runs left beside the folder
    assert _solve(new, out).wait() == 0
    assert whole_set(out)["central_budget"] == 90000
    assert leftovers(parent) == []


def test_concurrent_runs_into_one_folder(tmp_path: Path) -> None:
    a, b = _variant(tmp_path, 105000), _variant(tmp_path, 90000)
    out = tmp_path / "out" / "plan"
    procs = [_solve(a, out), _solve(b, out), _solve(a, out)]
    errors = [p.communicate()[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    assert whole_set(out)["central_budget"] in (105000, 90000)
    assert leftovers(out.parent) == []


def test_swap_by_two_renames_recovers_a_killed_swap(tmp_path: Path, monkeypatch) -> None:
    """Where the kernel cannot exchange two folders atomically, the swap is two renames; a run
    killed between them leaves the old set aside, which the next run puts back first."""
    from kcopt.io import folders as outputs

    monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    sc = hostile_case(tmp_path / "case")
    out = tmp_path / "out"
    kcopt.run(sc, out=out, plots=False, xlsx=False)
    old = whole_set(out)
    kcopt.run(sc, out=out, plots=False, xlsx=False)
    assert whole_set(out)["run_id"] != old["run_id"]
    old = whole_set(out)
    os.rename(out, tmp_path / ".out.kcopt-old-1234abcd")  # killed between the two renames
    inf = tmp_path / "case" / "inf.yaml"
    inf.write_text("extends: scenario.yaml\nbudgets: {central: .inf}\n", encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 - fails part-way, or refused as input
        kcopt.run(kcopt.load_scenario(inf), out=out)
    if out.exists():  # the failing run reached its writing step: it put the old set back
        assert whole_set(out)["run_id"] == old["run_id"]
    kcopt.run(sc, out=out, plots=False, xlsx=False)
    assert whole_set(out)["run_id"] != old["run_id"]
    assert leftovers(tmp_path) == []


def test_report_into_a_read_only_folder(tmp_path: Path) -> None:
    sc = hostile_case(tmp_path / "case")
    out = tmp_path / "out"
    assert cli("solve", sc, "-o", out, "--no-plots", "--no-xlsx")[0] == 0
    out.chmod(0o555)
    try:
        code, text = cli("report", out)
        assert code == 1 and "read-only" in text and "internal error" not in text
        assert not (out / "report.html").exists()
        code, text = cli("report", out, "-o", tmp_path / "r" / "report.html")
        assert code == 0, text
    finally:
        out.chmod(0o755)


def test_symlinked_output_folder_keeps_its_link(tmp_path: Path) -> None:
    sc = hostile_case(tmp_path / "case")
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    for _ in range(2):
        code, text = cli("solve", sc, "-o", tmp_path / "link", "--no-plots", "--no-xlsx")
        assert code == 0, text
    assert (tmp_path / "link").is_symlink()
    whole_set(real)
    real.chmod(0o2775)  # a folder shared with a group keeps its permissions
    assert cli("solve", sc, "-o", tmp_path / "link", "--no-plots", "--no-xlsx")[0] == 0
    assert real.stat().st_mode & 0o7777 == 0o2775


def test_concurrent_runs_in_threads(tmp_path: Path) -> None:
    """The browser app runs sessions in threads of one process: their runs into one folder
    take turns at the swap too."""
    from concurrent.futures import ThreadPoolExecutor

    sc = kcopt.load_scenario(hostile_case(tmp_path / "case"))
    out = tmp_path / "out"
    with ThreadPoolExecutor(3) as pool:
        runs = list(pool.map(lambda c: kcopt.run(sc.with_budget(central=c), out=out,
                                                 plots=False), (100, 300, 500)))
    assert len(runs) == 3
    assert whole_set(out)["central_budget"] in (100, 300, 500)
    assert leftovers(tmp_path) == []


def test_environment_errors_of_any_command_name_the_path(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    code, text = cli("template", tmp_path / "a-file" / "t.xlsx")
    assert code == 1 and "a-file" in text and "internal error" not in text


def test_library_adds_sensitivity_to_a_run_as_one_set(tmp_path: Path) -> None:
    """`write_sensitivity` after `run` (a notebook's way): the solve's files are carried over
    as they were, a stale report goes, and the folder is one set again."""
    from kcopt.analysis.sensitivity import run_sensitivity
    from kcopt.outputs import write_sensitivity

    sc = kcopt.load_scenario(hostile_case(tmp_path / "case"))
    out = tmp_path / "out"
    r = kcopt.run(sc, out=out, plots=False)
    kcopt.write_report(out)
    solve_files = {f: (out / f).read_bytes() for f in whole_set(out)["files"]
                   if f != "report.html"}
    s = run_sensitivity(r.result, draws=3)
    files = write_sensitivity(s, r.result, out, plots=False)
    assert all(f.parent == out and f.exists() for f in files)
    marker = whole_set(out)
    assert marker["command"] == "sensitivity" and "report.html" not in marker["files"]
    assert {f: (out / f).read_bytes() for f in solve_files} == solve_files
    assert "weight_robustness.csv" in marker["files"]
    assert leftovers(tmp_path) == []
