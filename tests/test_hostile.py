"""Hostile and broken inputs, each built here in a few bytes: every one is refused in seconds with
a clear error (exit 1, or 2 for a bad option) — never a crash, a silent wrong reading, or
gigabytes of memory. The memory claims are checked in a child process whose address space is
capped, so a reader that expands what a file claims fails the test instead of the machine."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.core import limits
from kcopt.core.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scenarios" / "demo" / "demo.yaml"
HEAD = ["Mã đề án", "Tên đề án", "Tỉnh/Thành phố", "Nội dung", "Tổng kinh phí"]
MEMORY_CAP = 3 * 2**30  # bytes of address space for the child process
# a few seconds each on an idle machine; the bound leaves room for a machine shared with others
LOADED_SECONDS = 90


@pytest.fixture(autouse=True)
def _default_limits():
    """`kcopt --limit` sets the limits for the process; CliRunner runs in this one."""
    limits.reset_limits()
    yield
    limits.reset_limits()


def rows(n: int) -> list[list[object]]:
    return [[f"P-{i:03d}", f"Nhà máy chè {i}", "Lâm Đồng", "machinery", 1000 + i]
            for i in range(1, n + 1)]


def workbook(path: Path, n: int = 5) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    ws.append(HEAD)
    for r in rows(n):
        ws.append(r)
    wb.save(path)
    return path


def rewrite_part(path: Path, part: str, edit) -> None:
    """Rewrite one part of a workbook (a zip), keeping the others byte for byte."""
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info.filename, edit(data) if info.filename == part else data)


SHEET = "xl/worksheets/sheet1.xml"


def set_dimension(ref: str):
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)


def add_cell(ref: str, value: str):
    row = int(re.sub(r"[A-Z]", "", ref))

    def edit(xml: bytes) -> bytes:
        cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c></row>'
        return xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>")
    return edit


def run_capped(*args: str, env: dict[str, str] | None = None,
               timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], float]:
    """`python -m kcopt …` with its address space capped: a reader that believed a file's claims
    would die of MemoryError (an internal error) instead of refusing."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kcopt", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=cap, cwd=ROOT,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1",
                               "OMP_NUM_THREADS": "1", **(env or {})})
    return proc, time.perf_counter() - t0


def refused(proc: subprocess.CompletedProcess[str], *words: str, code: int = 1) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode == code, out
    assert "internal error" not in out and "Traceback" not in out, out
    for w in words:
        assert w in out, (w, out)


def problems(fn, *args, **kwargs) -> list[str]:
    with pytest.raises(InputError) as info:
        fn(*args, **kwargs)
    return [str(p) for p in info.value.problems]


# --- item 2: resource limits -------------------------------------------------------------------

def test_dimension_claiming_xfd1048576_is_not_believed(tmp_path: Path) -> None:
    """A 6 KB workbook whose <dimension> claims every cell of the sheet: read as the 5 projects
    it holds, in seconds, in a process that could not hold the claimed grid."""
    path = workbook(tmp_path / "claims.xlsx")
    rewrite_part(path, SHEET, set_dimension("A1:XFD1048576"))
    assert path.stat().st_size < 12_000
    proc, seconds = run_capped("validate", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "ok: 5 projects" in proc.stderr
    assert seconds < LOADED_SECONDS


def test_value_at_the_last_cell_of_the_sheet_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "far.xlsx")
    rewrite_part(path, SHEET, add_cell("XFD1048576", "x"))
    proc, seconds = run_capped("validate", str(path))
    refused(proc, "1.048.576", "rows", "--limit rows=")
    assert seconds < LOADED_SECONDS


def test_value_past_the_column_limit_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "wide.xlsx")
    rewrite_part(path, SHEET, add_cell("ZZ8", "x"))  # column 702, below the projects
    text = "\n".join(problems(kcopt.read_projects, path))
    assert "columns" in text and "ZZ" in text


def with_shared_strings(path: Path, write_strings) -> None:
    """Move cell B3 into a shared-string table whose XML `write_strings(fh)` streams out."""
    with zipfile.ZipFile(path) as zf:
        items = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in items:
            if name == SHEET:
                data = re.sub(rb'<c r="B3" t="inlineStr">.*?</c>', b'<c r="B3" t="s"><v>0</v></c>',
                              data)
            elif name == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument.'
                                    b'spreadsheetml.sharedStrings+xml"/></Types>')
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://'
                                    b"schemas.openxmlformats.org/officeDocument/2006/relationships"
                                    b'/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            zf.writestr(name, data)
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            write_strings(fh)
            fh.write(b"</t></si></sst>")


def test_shared_strings_are_read() -> None:
    """The workbooks built below are real: with a short string, B3 reads back."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = workbook(Path(d) / "s.xlsx")
        with_shared_strings(path, lambda fh: fh.write("Nhà máy chè".encode()))
        assert kcopt.read_projects(path).frame["name"].iloc[1] == "Nhà máy chè"


def test_one_400_mb_shared_string_is_refused(tmp_path: Path) -> None:
    """A few hundred KB that decompress to a 400 MB cell: refused from the zip's own figures."""
    path = workbook(tmp_path / "bomb.xlsx")
    chunk = b"A" * 2**20
    with_shared_strings(path, lambda fh: [fh.write(chunk) for _ in range(400)])
    assert path.stat().st_size < 3 * 2**20
    proc, seconds = run_capped("validate", str(path))
    refused(proc, "unzipped_bytes", "--limit unzipped_bytes=")
    assert seconds < LOADED_SECONDS
    # each limit raised in turn, the next one still refuses it, in a process that cannot hold it
    raised = ["--limit", "unzipped_bytes=1000000000"]
    proc, seconds = run_capped(*raised, "validate", str(path))
    refused(proc, "sharedStrings.xml", "zip_ratio")
    proc, seconds = run_capped(*raised, "--limit", "zip_ratio=100000", "validate", str(path))
    refused(proc, "sharedStrings.xml", "cell_chars")
    assert seconds < LOADED_SECONDS


def test_long_cells_are_refused_whether_seen_in_the_zip_or_in_the_sheet(tmp_path: Path) -> None:
    """A 300,000-character cell shows in the zip scan; a 40,000-character one (over Excel's
    32,767) when its row is read."""
    rng = np.random.default_rng(0)
    for n, where in ((300_000, "sharedStrings.xml"), (40_000, "40.000 ký tự")):
        path = workbook(tmp_path / f"long{n}.xlsx")
        text = "".join(rng.choice(list("abcdefgh"), n)).encode()
        with_shared_strings(path, lambda fh, text=text: fh.write(text))
        found = "\n".join(problems(kcopt.read_projects, path))
        assert "cell_chars" in found and where in found, found


def test_zip_bomb_beyond_the_unzipped_size_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "zeros.xlsx")
    with (zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
          zf.open("xl/media/padding.xml", "w", force_zip64=True) as fh):
        zero = bytes(2**20)
        for _ in range(300):
            fh.write(zero)
    proc, seconds = run_capped("validate", str(path))
    refused(proc, "unzipped_bytes", "KCOPT_LIMIT_UNZIPPED_BYTES")
    assert seconds < LOADED_SECONDS


def test_xml_entities_in_a_workbook_are_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "entities.xlsx")
    dtd = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "lol">'
           + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode()
                      for i in range(8)) + b"]>")
    rewrite_part(path, SHEET, lambda xml: dtd + xml.replace(b"Nh\xc3\xa0 m\xc3\xa1y", b"&i;"))
    proc, seconds = run_capped("validate", str(path))
    refused(proc, "DTD/ENTITY")
    assert seconds < LOADED_SECONDS


BILLION_LAUGHS = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]"
       for i in range(8)]
    + ["name: *i", "budgets: {central: 1}", "projects: p.csv"]) + "\n"


def test_yaml_of_nested_anchors_is_refused(tmp_path: Path) -> None:
    assert len(BILLION_LAUGHS) < 1024
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    proc, seconds = run_capped("solve", str(path), "-o", str(tmp_path / "out"))
    refused(proc, "yaml_nodes", "*anchor")
    assert seconds < LOADED_SECONDS


def test_a_long_yaml_is_refused_while_being_read(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text("x: [" + ", ".join(["1"] * 200_000) + "]\n")
    t0 = time.perf_counter()
    (text,) = problems(kcopt.load_scenario, path)
    assert "yaml_nodes" in text and time.perf_counter() - t0 < LOADED_SECONDS


@pytest.mark.parametrize("text", ["x: " + "[" * 5000 + "]" * 5000 + "\n",
                                  "x: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
                                  "".join(" " * i + "k:\n" for i in range(400)) + " " * 400
                                  + "k: 1\n"])
def test_deep_yaml_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["solve", str(path)])
    assert result.exit_code == 1, result.output
    assert "yaml_depth" in result.output and "internal error" not in result.output


def test_limits_can_be_raised_by_option_environment_and_api(tmp_path: Path) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text("\n".join([",".join(HEAD)] + [",".join(map(str, r)) for r in rows(80)]),
                   encoding="utf-8")
    runner = CliRunner()
    low = runner.invoke(app, ["--limit", "rows=20", "validate", str(csv)])
    assert low.exit_code == 1 and "rows = 20" in low.output and "--limit rows=200" in low.output
    assert runner.invoke(app, ["--limit", "rows=20", "--limit", "rows=500",
                               "validate", str(csv)]).exit_code == 0
    limits.reset_limits()
    proc, _ = run_capped("validate", str(csv), env={"KCOPT_LIMIT_ROWS": "20"})
    refused(proc, "rows = 20")
    with limits.raised(rows=20):
        assert len(problems(kcopt.read_projects, csv)) == 1
    assert len(kcopt.read_projects(csv)) == 80
    bad = runner.invoke(app, ["--limit", "rows=many", "validate", str(csv)])
    assert bad.exit_code == 2


def test_readme_states_every_limit() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, value, _ in limits.Limits().describe():
        assert f"`{name}`" in readme and f"{value:,}".replace(",", ".") in readme, name
    assert "--limit" in readme and "KCOPT_LIMIT_" in readme


# --- item 4: no silent wrong answer ------------------------------------------------------------

def scenario_file(tmp_path: Path, text: str) -> Path:
    (tmp_path / "p.csv").write_text("\n".join([",".join(HEAD)] + [
        ",".join(map(str, r)) for r in rows(3)]), encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text("projects: p.csv\n" + text, encoding="utf-8")
    return path


def test_a_key_named_twice_is_an_error_naming_both(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "budgets:\n  central: 8000\n  central: 800000\n"
                         "targets:\n  - {name: g, kind: share_min, of: [green], share: 0.1, "
                         "share: 0.6}\nname: a\nname: b\n")
    text = problems(kcopt.load_scenario, path)
    assert len(text) == 3
    assert "'central'" in text[0] and "dòng 3 (8000)" in text[0] and "dòng 4 (800000)" in text[0]
    assert "targets[0].share" in text[1] and "(0.1)" in text[1] and "(0.6)" in text[1]
    assert "'name'" in text[2]


def test_merge_keys_may_override() -> None:
    from kcopt.io.yamlfile import load_yaml

    data = load_yaml(b"base: &b {central: 1, local: 2}\nb: {<<: *b, central: 3}\n", "s.yaml")
    assert data["b"] == {"central": 3, "local": 2}


@pytest.mark.parametrize(("merged", "old"), [("Bắc Ninh: 800", "Bắc Giang: 500"),
                                             ("Hải Phòng: 6000", "Hải Dương: 300"),
                                             ("Lâm Đồng: 100", "Lam Dong: 200")])
def test_a_province_and_one_merged_into_it_are_an_error_naming_both(
        tmp_path: Path, merged: str, old: str) -> None:
    path = scenario_file(tmp_path, f"budgets:\n  central: 8000\n  local: {{{merged}, {old}}}\n")
    (text,) = problems(kcopt.load_scenario, path)
    assert merged in text and old in text


NON_FINITE = ["NaN", "inf", "Infinity", "1e400", "-inf", "nan"]


def test_non_finite_amounts_are_bad_cells_reported_with_the_others(tmp_path: Path) -> None:
    body = [[f"P-{i}", f"Đề án {i}", "Lâm Đồng", "machinery", v]
            for i, v in enumerate(NON_FINITE, 1)]
    body += [["P-7", "Đề án 7", "Tỉnh Không Có", "machinery", 100],
             ["P-8", "Đề án 8", "Lâm Đồng", "machinery", "abc"]]
    csv = tmp_path / "p.csv"
    csv.write_text("\n".join(",".join(map(str, r)) for r in [HEAD, *body]), encoding="utf-8")
    text = problems(kcopt.read_projects, csv)
    assert len(text) == 8, text
    for v in NON_FINITE:
        assert any(f"'{v}'" in t for t in text), v


def test_non_finite_budgets_are_refused(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("province,budget\nLâm Đồng,NaN\nHà Nội,1e400\n",
                                    encoding="utf-8")
    path = scenario_file(tmp_path, "budgets:\n  central: .inf\n  local: b.csv\n"
                         "rate_overrides: [{category: machinery, cap: .nan}]\n")
    text = problems(kcopt.load_scenario, path)
    assert len(text) == 4, text
    assert any("budgets.central" in t for t in text) and any("'NaN'" in t for t in text)


def test_stale_dimension_is_read_to_the_real_last_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "stale.xlsx", n=61)
    rewrite_part(path, SHEET, set_dimension("A1:E20"))
    assert len(kcopt.read_projects(path)) == 61


def cp1258(text: str) -> bytes:
    """How Vietnamese Windows stores text: base letters (â, ơ, đ …) whole, tone marks as
    separate combining bytes."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tone))
            out.append((base + tone).encode("cp1258"))
    return b"".join(out)


VIET = [HEAD, ["P-1", "Nhà máy chè Thái Nguyên", "Thái Nguyên", "machinery", "1200"],
        ["P-2", "Xưởng gỗ mỹ nghệ Đồng Kỵ", "Bắc Ninh", "machinery", "900"],
        ["P-3", "Dệt thổ cẩm Ơ Đu", "Nghệ An", "machinery", "800"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "cp1258"])
def test_text_is_decoded_as_the_file_is_encoded(tmp_path: Path, encoding: str) -> None:
    text = "\r\n".join(",".join(r) for r in VIET) + "\r\n"
    raw = cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    path = tmp_path / "p.csv"
    path.write_bytes(raw)
    projects = kcopt.read_projects(path)
    assert list(projects.frame["name"]) == [r[1] for r in VIET[1:]]
    assert list(projects.frame["province"]) == ["Thái Nguyên", "Bắc Ninh", "Nghệ An"]


def test_latin1_is_told_from_windows_1258(tmp_path: Path) -> None:
    """'Bò', 'Mì', 'Chè' fit Latin-1; read as Windows-1258 their ò/ì bytes would be tone marks
    on consonants — not Vietnamese — so the file is Latin-1, and said so."""
    body = [["P-1", "Bò khô", "Ha Noi", "machinery", "100"],
            ["P-2", "Mì Chè", "Ha Noi", "machinery", "200"]]
    path = tmp_path / "p.csv"
    path.write_bytes(("project_id,name,province,category,total_cost\n" + "\n".join(
        ",".join(r) for r in body)).encode("latin-1"))
    projects = kcopt.read_projects(path)
    assert list(projects.frame["name"]) == ["Bò khô", "Mì Chè"]
    assert any("Latin-1" in str(w) for w in projects.warnings)


def test_undecodable_text_is_refused_with_a_word_on_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"project_id,name,province,category,total_cost\nP-1,B\xf2\xf0\xde,"
                     b"Ha Noi,machinery,100\n")
    (text,) = problems(kcopt.read_projects, path)
    assert "mã hóa" in text and "UTF-8" in text


def test_ids_equal_after_nfc_are_one_id(tmp_path: Path) -> None:
    nfc = "Ế-01"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    path = tmp_path / "p.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append([nfc, "A", "Lâm Đồng", "machinery", 100])
    ws.append([nfd, "B", "Lâm Đồng", "machinery", 100])
    wb.save(path)
    text = problems(kcopt.read_projects, path)
    assert len(text) == 2 and all("repeated" in t for t in text)


# --- item 5: clear errors with their exit codes ------------------------------------------------

def test_a_folder_given_as_the_project_file(tmp_path: Path) -> None:
    (tmp_path / "ds.csv").mkdir()
    path = tmp_path / "s.yaml"
    path.write_text("projects: ds.csv\nbudgets: {central: 100}\n")
    for args in (["solve", str(path), "-o", str(tmp_path / "o")], ["validate", str(path)],
                 ["validate", str(tmp_path / "ds.csv")], ["solve", str(tmp_path)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert "folder" in result.output and "internal error" not in result.output


def test_into_workbook_is_held_to_the_limits(tmp_path: Path) -> None:
    path = workbook(tmp_path / "into.xlsx")
    with_shared_strings(path, lambda fh: fh.write(b"A" * 300_000))
    result = CliRunner().invoke(app, ["solve", str(DEMO), "-o", str(tmp_path / "o"),
                                      "--into", str(path)])
    assert result.exit_code == 1 and "cell_chars" in result.output, result.output
    (tmp_path / "folder.xlsx").mkdir()
    result = CliRunner().invoke(app, ["solve", str(DEMO), "-o", str(tmp_path / "o"),
                                      "--into", str(tmp_path / "folder.xlsx")])
    assert result.exit_code == 1 and "folder" in result.output, result.output


def test_a_corrupted_zip_member(tmp_path: Path) -> None:
    path = workbook(tmp_path / "broken.xlsx", n=30)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 10, start + info.compress_size - 10, 7):
        raw[k] ^= 0x5A
    path.write_bytes(bytes(raw))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "bị hỏng" in result.output and "internal error" not in result.output
    with pytest.raises(InputError):
        kcopt.read_projects(path)


@pytest.mark.parametrize("edit", [lambda xml: xml[:-60],
                                  lambda xml: xml.replace(b'<c r="B3" t="inlineStr">',
                                                          b'<c r="B3" t="s"><v>7</v></c><c>'),
                                  lambda xml: b"\x00\x01" + xml])
def test_a_broken_sheet_is_an_input_error(tmp_path: Path, edit) -> None:
    path = workbook(tmp_path / "broken.xlsx")
    rewrite_part(path, SHEET, edit)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output


@pytest.mark.parametrize("args", [["solve", str(DEMO), "--solver", "nonexistent"],
                                  ["solve", str(DEMO), "--time-limit", "-5"],
                                  ["sensitivity", str(DEMO), "--draws", "-5"],
                                  ["sensitivity", str(DEMO), "--solver", "nonexistent"]])
def test_bad_options_are_usage_errors(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output


# --- item 1: a quiet solver --------------------------------------------------------------------

def test_no_highs_banner_on_stdout(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kcopt", "solve", str(DEMO), "-o",
                           str(tmp_path / "out"), "--no-plots", "--no-xlsx"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "HiGHS" not in proc.stdout and "Running" not in proc.stdout
    assert proc.stdout.strip() == ""


def test_scenario_yaml_round_trips_safely() -> None:
    text = DEMO.read_text(encoding="utf-8")
    from kcopt.io.yamlfile import load_yaml

    assert load_yaml(text.encode(), str(DEMO)) == yaml.safe_load(text)
