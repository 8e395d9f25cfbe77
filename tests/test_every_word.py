"""Every word a planner reads, in the language in use: the command line's own usage errors and
help chrome, the messages found by hostile inputs, the commands' outputs.

Vietnamese by default; the mirror tests run the same with ``--lang en`` and expect English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.core.language import set_scenario_language
from test_language import english_words
from test_rules import BUDGETS

DEMO = str(kcopt.demo_scenario_path())
# the framework's English (click, typer, pydantic) on top of test_language's list
FRAMEWORK = frozenset("""
invalid value such command try help missing argument unexpected extra option requires did you
mean input greater equal range valid number parse string got integer error usage
""".split())  # noqa: SIM905
BOX = re.compile("[│╭╮╰╯─]")
# an option, a quoted name (what the user typed) and the argument's name are codes
CODES = re.compile(r"--?[\w-]+|'[^']*'|\{\w+\}|\bSCENARIO\b|\bkcopt(?: [a-z-]+)?\b")


@pytest.fixture
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The user's default: no KCOPT_LANG, no --lang."""
    monkeypatch.delenv("KCOPT_LANG", raising=False)
    kcopt.set_language(None)
    set_scenario_language(None)
    yield
    kcopt.set_language(None)


def english(text: str) -> dict[str, str]:
    lines = [CODES.sub(" ", BOX.sub(" ", line)) for line in text.splitlines()]
    found = english_words(lines)
    for line in lines:
        for word in re.findall(r"[^\W\d_]+", line):
            if word.lower() in FRAMEWORK:
                found.setdefault(word.lower(), line.strip())
    return found


def flat(text: str) -> str:
    return " ".join(BOX.sub(" ", text).split())


# a usage error, what the planner reads in Vietnamese, and in English under --lang en
USAGE_ERRORS = [
    (["solve", DEMO, "--time-limit", "-1"],
     "Giá trị không hợp lệ cho '--time-limit':", "Invalid value for '--time-limit':"),
    (["solve", DEMO, "--time-limit", "x"],
     "Giá trị không hợp lệ cho '--time-limit':", "Invalid value for '--time-limit':"),
    (["solv"], "Không có lệnh 'solv'. Có phải là 'solve'?",
     "No such command 'solv'. Did you mean 'solve'?"),
    (["solve"], "Thiếu tham số 'KỊCH_BẢN'.", "Missing argument 'scenario'."),
    (["compare", "x"], "Thiếu tham số 'THƯ_MỤC_B'.", "Missing argument 'out_b'."),
    (["solve", DEMO, "--foo"], "Không có tùy chọn --foo.", "No such option: --foo."),
    (["solve", DEMO, "a", "b"], "Thừa tham số (a b).", "Unexpected extra arguments (a b)."),
    (["solve", DEMO, "-o"], "Tùy chọn '-o' cần một giá trị.", "Option '-o' needs a value."),
    (["app", "--port", "0"], "Giá trị không hợp lệ cho '--port':", "Invalid value for '--port':"),
    (["--limit", "rows=abc", "rules"], "Giá trị không hợp lệ cho '--limit': giới hạn 'rows'",
     "Invalid value for '--limit': the limit 'rows'"),
]


@pytest.mark.parametrize(("args", "vi", "en"), USAGE_ERRORS,
                         ids=[" ".join(a[0:1] + a[2:]) for a, _, _ in USAGE_ERRORS])
def test_usage_errors_speak_the_language_in_use(vietnamese: None, args: list[str], vi: str,
                                               en: str) -> None:
    """Click's and typer's own words (the error, the hint, the panel, the usage line) are
    rebuilt through kcopt's catalog: no "Invalid value", "Try … for help", "Error" left."""
    runner = CliRunner()
    said = runner.invoke(app, args)
    assert said.exit_code == 2, said.output
    assert vi in flat(said.output), said.output
    assert not english(said.output), (english(said.output), said.output)
    if "Cách dùng" in said.output:  # the hint and usage line, where the framework prints them
        assert "Xem 'kcopt" in said.output and "để biết cách dùng" in said.output
        assert "[TÙY CHỌN]" in said.output and "╭─ Lỗi" in said.output
    mirror = runner.invoke(app, [*args, "--lang", "en"])
    assert mirror.exit_code == 2, mirror.output
    assert en in flat(mirror.output), mirror.output
    assert not re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", mirror.output,
                         flags=re.IGNORECASE), mirror.output


def test_a_bound_in_a_usage_error_reads_the_vietnamese_way(vietnamese: None) -> None:
    """typer ≥ 0.22 words a bound the pydantic way ("greater than or equal to 0"), click as a
    range ("-1.0 is not in the range x>=0"): either is said in the planner's words."""
    from kcopt.cli.usage import detail_words

    assert detail_words("Input should be greater than or equal to 1500") == (
        "phải lớn hơn hoặc bằng 1.500")
    assert detail_words("-1.0 is not in the range x>=0.") == "-1.0 nằm ngoài khoảng x>=0"
    assert detail_words("Input should be a valid number, unable to parse string as a number") \
        == "phải là một số"
    assert detail_words("'x' is not a valid float range.") == "'x' không phải là một số"
    assert detail_words("something new") == "something new"  # unknown: as the framework said


HOSTILE_LIST = (
    "Mã đề án,Tên đề án,Tỉnh/Thành phố,Nội dung,Tổng kinh phí,Điểm thẩm định,Sản xuất sạch hơn,"
    "Cấp\n"
    "A,Máy A,Sơn La,machinery,-5,80,2,central\n"
    "A,Máy B,Atlantis,machinery,1000,,0,somewhere\n"
    "C,Máy C,Quang Ngia,machinery,\"1,200\",70,0,local\n")


def hostile_messages(tmp_path, lang: str) -> str:
    from kcopt.core.language import using

    path = tmp_path / "ds.csv"
    path.write_text(HOSTILE_LIST, encoding="utf-8")
    with using(lang), pytest.raises(kcopt.InputError) as info:
        kcopt.read_projects(path)
    with using(lang):
        return "\n".join(str(p) for p in [*info.value.problems, *info.value.warnings])


def test_a_hostile_list_is_told_in_vietnamese(vietnamese: None, tmp_path) -> None:
    """The project list's cell messages built from parts (a repeated id, an amount, a flag, a
    choice, a province) come from the catalog, numbers the Vietnamese way; a nonsense
    province gets no suggestion, a misspelt one its province."""
    said = hostile_messages(tmp_path, "vi")
    for part in ("mã đề án bị trùng (trùng cả dòng 3)",
                 "phải là số tiền dương, tính bằng triệu đồng",
                 "phải là 0/1 hoặc một tỷ lệ từ 0 đến 1", "Ghi KCQG hoặc KCĐP",
                 "Có phải là 'Quảng Ngãi'", "thành 1.200 triệu đồng",
                 "1 đề án không có điểm thẩm định"):
        assert part in said, (part, said)
    atlantis = [line for line in said.splitlines() if "Atlantis" in line]
    assert atlantis and all("Có phải" not in line and "Gia Lai" not in line
                            for line in atlantis), atlantis
    assert "Dùng một trong 34 tỉnh, thành phố" in atlantis[0]
    assert not english(said), (english(said), said)
    assert not re.search(r"\d,\d{3}\b(?!')", said.replace("'1,200'", "")), said


def test_a_hostile_list_is_told_in_english_on_request(vietnamese: None, tmp_path) -> None:
    said = hostile_messages(tmp_path, "en")
    for part in ("project id repeated (also row 3)", "must be a positive amount in million VND",
                 "must be 0/1 or a share between 0 and 1", "Write central or local",
                 "Did you mean 'Quảng Ngãi'", "as 1,200 million",
                 "1 project without an appraisal score counts as 0"):
        assert part in said, (part, said)
    assert "Gia Lai" not in said


def test_figures_write_numbers_and_legends_in_the_language_in_use(vietnamese: None) -> None:
    """Ticks through Babel whatever the machine's locale (20.000, 1.500,5), the heatmap's cells
    likewise, and the tornado has a legend for its two colours and a Vietnamese title."""
    import pandas as pd

    from kcopt.core.language import using
    from kcopt.present.figures.charts import MILLIONS, local_numbers, new_figure
    from kcopt.present.figures.sensitivity import plot_heatmap, plot_tornado
    from test_language import figure_texts

    torn = pd.DataFrame({"parameter": ["weight:green", "weight:green", "budget:central",
                                       "budget:central"],
                         "change": [0.2, -0.2, 0.2, -0.2], "status": ["optimal"] * 4,
                         "delta_objective": [1.5, -1.25, 12.0, -14.5],
                         "projects_changed": [1, 2, 30, 41]})
    fig = plot_tornado(torn)
    texts = figure_texts(fig)
    assert "tăng 20%" in texts and "giảm 20%" in texts, texts
    assert any(t.startswith("Biểu đồ lốc xoáy") for t in texts), texts
    assert not english(" ".join(texts)), texts
    assert MILLIONS(20000, 0) == "20.000"
    fig, ax = new_figure(figsize=(4, 3))
    ax.plot([0, 1500.5], [0, 0.25])
    local_numbers(fig)
    assert ax.xaxis.get_major_formatter()(1500.5, 0) == "1.500,5"
    assert ax.yaxis.get_major_formatter()(0.25, 0) == "0,25"
    grid = pd.DataFrame({"sweep": "grid", "central_factor": [1.0, 1.0, 1.2, 1.2],
                         "local_factor": [1.0, 1.2, 1.0, 1.2],
                         "central_budget": [105000.0, 105000.0, 126000.0, 126000.0],
                         "local_budget": [97430.0, 116916.0, 97430.0, 116916.0],
                         "objective": [302.97, 310.5, 315.25, float("nan")]})
    heat = plot_heatmap(grid)
    ticks = [t.get_text() for t in heat.axes[0].get_xticklabels()]
    assert ticks == ["105.000", "126.000"], ticks
    cells = [t.get_text() for t in heat.axes[0].texts]
    assert "303" in cells or "303,0" in cells, cells
    with using("en"):
        assert MILLIONS(20000, 0) == "20,000"
        assert "raised by 20%" in figure_texts(plot_tornado(torn))


def test_the_system_s_errors_are_said_in_the_planner_s_words(vietnamese: None, tmp_path) -> None:
    """An output folder under a file (the system says "File exists"), a read-only disk: the
    Vietnamese sentence, not the system's English."""
    import errno

    from kcopt.core.language import using
    from kcopt.core.words import os_reason

    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    said = CliRunner().invoke(app, ["solve", DEMO, "-o", str(blocker / "out"), "--no-plots",
                                    "--no-xlsx"])
    assert said.exit_code == 1, said.output
    assert "đã có tệp hoặc thư mục cùng tên" in said.output, said.output
    assert "File exists" not in said.output and not english(said.output), said.output
    read_only = OSError(errno.EROFS, "Read-only file system", "/media/usb")
    assert os_reason(read_only) == "ổ đĩa chỉ cho phép đọc"
    with using("en"):
        assert os_reason(read_only) == "the disk is read-only"
    assert os_reason(OSError(errno.EIO, "Input/output error")) == "Input/output error"


def test_flags_funds_and_votes_are_named_not_coded(vietnamese: None, make_case) -> None:
    """A target on flagged projects names the priorities (not green/circular); an ineligible
    voted product names the level and the funds in the planner's words."""
    from kcopt.analysis.wording import describe_target
    from kcopt.core.language import using

    said = describe_target({"kind": "share_min", "of": ["green", "circular"], "share": 0.3})
    assert "sản xuất sạch hơn hoặc kinh tế tuần hoàn" in said, said
    assert "green" not in said and "circular" not in said
    with using("en"):
        assert "cleaner production or circular economy" in describe_target(
            {"kind": "share_min", "of": ["green", "circular"], "share": 0.3})
    base = {"name": "Bình chọn", "province": "Sơn La", "category": "typical_product",
            "total_cost": 500, "requested": 150}
    sc = make_case([{**base, "project_id": "V3", "vote_level": "national", "funds": "local"},
                    {**base, "project_id": "M1", "category": "machinery",
                     "other_state_support": 100}],
                   {"budgets": BUDGETS, "weights": {"appraisal": 1}, "plan_year": 2026})
    model = kcopt.build(kcopt.read_projects(sc.projects), sc)
    reasons = model.projects["reason"].tolist()
    assert reasons[0].startswith("bình chọn cấp quốc gia do kinh phí"), reasons
    assert "không hỗ trợ trùng (nguyên tắc không hỗ trợ trùng lặp" in reasons[1], reasons
    assert not english(" ".join(reasons)), reasons


def test_init_writes_its_numbers_the_vietnamese_way(vietnamese: None, tmp_path) -> None:
    import shutil

    projects = tmp_path / "ds.csv"
    shutil.copy(kcopt.demo_scenario_path().parent / "projects.csv", projects)
    said = CliRunner().invoke(app, ["init", str(projects)])
    assert said.exit_code == 0, said.output
    text = (tmp_path / "ds-kich-ban.yaml").read_text(encoding="utf-8")
    total = re.search(r"tổng kinh phí đề nghị hỗ trợ (\S+) triệu đồng", text)
    assert total and re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", total[1]), total


def test_the_demo_says_its_result_first_then_one_line_per_kind_of_warning(
        vietnamese: None, tmp_path) -> None:
    """The demo's fifteen warnings (five former provinces, seven rate notes, …) came before its
    result, one line each; now the result comes first, then one line per kind with how many
    more of that kind, and every warning is kept in summary.json."""
    import json

    said = CliRunner().invoke(app, ["solve", DEMO, "-o", str(tmp_path / "out"), "--no-plots",
                                    "--no-xlsx"])
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    first_warning = next(i for i, line in enumerate(lines) if line.startswith("cảnh báo:"))
    assert lines[0].startswith("Kế hoạch khuyến công 2026") and first_warning > 3, lines
    assert lines[0].endswith("(tổng điểm ưu tiên)"), lines[0]  # the objective, not total_score
    warned = [line for line in lines if line.startswith("cảnh báo:")]
    kept = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))["warnings"]
    assert len(warned) <= 5 < len(kept), (warned, len(kept))
    assert any("(và 4 cảnh báo khác cùng loại)" in line for line in warned), warned
    assert lines[-1].strip().startswith("toàn bộ cảnh báo: summary.json"), lines[-1]
    assert not english(said.output.replace("cảnh báo:", "")), english(said.output)


def test_the_sensitivity_workbook_is_headed_and_worded_for_the_planner(vietnamese: None,
                                                                      make_case,
                                                                      tmp_path) -> None:
    """sensitivity.xlsx: a heading in words over each column's code, statuses, classes, funds,
    sweeps and infinity in words (no 'inf', 'core', 'optimal', 'True'); numbers stay numbers
    in the Vietnamese-tagged format; the sheet names are Vietnamese."""
    import openpyxl

    from conftest import solve_case
    from kcopt.analysis.sensitivity.suite import run_sensitivity
    from kcopt.outputs import write_sensitivity

    base = {"province": "Sơn La", "category": "machinery", "total_cost": 1000,
            "requested": 300, "funds": "central"}
    projects = [dict(base, project_id=p, name=p, appraisal=a, green=g)
                for p, a, g in (("A", 90, 0), ("B", 60, 1), ("C", 50, 0))]
    result = solve_case(make_case(projects, {"budgets": {"central": 700},
                                             "weights": {"appraisal": 0.7, "green": 0.3}}))
    s = run_sensitivity(result, draws=4, sweep_points=3, grid=2)
    write_sensitivity(s, result, tmp_path / "out", plots=False)
    wb = openpyxl.load_workbook(tmp_path / "out" / "sensitivity.xlsx")
    assert not [n for n in wb.sheetnames if english(n) or "Ranging" in n or "Tornado" in n], \
        wb.sheetnames
    for ws in wb.worksheets:
        headings = [c.value for c in ws[1] if c.value]
        codes = [c.value for c in ws[2] if c.value]
        assert len(headings) == len(codes) and not english(" ".join(headings)), headings
        assert not [c for h, c in zip(headings, codes, strict=True) if h == c], headings
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.value not in ("inf", "-inf", "core", "borderline", "exterior",
                                              "optimal", "infeasible", "True", "False",
                                              "central", "local"), (ws.title, cell.value)
                elif isinstance(cell.value, int | float):
                    assert cell.number_format.startswith("[$-42A]"), cell.number_format
    robust = wb["Độ vững trọng số"]
    assert [c.value for c in robust[2]][-1] == "class"
    assert {r[-1] for r in robust.iter_rows(min_row=3, values_only=True)} <= {
        "vững", "cận biên", "ngoài"}


def test_rules_lists_the_provinces_in_aligned_columns(vietnamese: None) -> None:
    """`kcopt rules` lists the 34 provinces and cities with their former provinces, as the
    unknown-province message promises; its columns line up whatever the words' length; the
    decrees read NĐ-CP."""
    from kcopt.cli.rules import width
    from kcopt.core.geo import load_geography

    said = CliRunner().invoke(app, ["rules"])
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    assert "ND-CP" not in said.output and "NĐ-CP" in said.output
    start = lines.index(next(line for line in lines if line.startswith("Các 34 tỉnh")))
    listed = lines[start + 2:start + 36]
    geo = load_geography()
    assert {line.split("  ")[0] for line in listed} == set(geo.provinces), listed
    assert any(line.startswith("Hải Phòng") and "Hải Dương" in line for line in listed)
    # every rule row's legal basis starts in one column (the confidence words differ in length)
    # (the rules' table, above the priorities' own table, whose columns are its own)
    end = next(i for i, line in enumerate(lines) if line.startswith("Các tiêu chí ưu tiên"))
    rules = lines[:end]
    rows = [line for line in rules if re.match(r"[a-z_]+(\s\[\w+\])?\s{2,}(KCQG|KCĐP)", line)]
    starts = {width(line[:line.index("Nghị định" if "Nghị định" in line else "TT")])
              for line in rows if "Nghị định" in line or "TT" in line}
    assert len(rows) > 20 and len(starts) == 1, starts


def test_times_a_person_reads_are_vietnam_s(vietnamese: None, tmp_path, monkeypatch) -> None:
    """summary.json keeps ISO UTC; the report and the workbook show Vietnam's time (UTC+7, the
    next day here), in the language's words."""
    import json

    import openpyxl

    from kcopt.core.language import using
    from kcopt.core.words import vietnam_time

    assert vietnam_time("2026-12-06T20:05:00Z") == "07/12/2026 03:05 (giờ Việt Nam, UTC+7)"
    with using("en"):
        assert vietnam_time("2026-12-06T20:05:00Z") == "07/12/2026 03:05 (Vietnam time, UTC+7)"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767286800")  # 2026-01-01 17:00 UTC
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(app, ["solve", DEMO, "-o", str(out), "--no-plots"]).exit_code == 0
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["provenance"]["created"] == "2026-01-01T17:00:00Z"
    local = "02/01/2026 00:00 (giờ Việt Nam, UTC+7)"
    assert local in (out / "report.html").read_text("utf-8")
    ws = openpyxl.load_workbook(out / "allocation.xlsx", read_only=True)["Thông tin chạy"]
    assert any(local in str(v) for row in ws.iter_rows(values_only=True) for v in row)


def test_output_folder_refusals_are_said_once_in_the_language_in_use(vietnamese: None,
                                                                    tmp_path) -> None:
    """A folder holding someone's files, an output that is the input: one sentence in the
    language in use (they were Vietnamese followed by '/ English')."""
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    for i in range(7):
        (foreign / f"mine{i}.txt").write_text("kept", encoding="utf-8")
    runner = CliRunner()
    said = runner.invoke(app, ["solve", DEMO, "-o", str(foreign), "--no-plots"])
    assert said.exit_code == 1 and "có tệp không do lệnh này của kcopt ghi" in said.output
    assert "(và 2 tệp khác)" in said.output and " / " not in said.output, said.output
    assert not english(said.output), english(said.output)
    said = runner.invoke(app, ["solve", DEMO, "-o", str(foreign), "--no-plots", "--lang", "en"])
    assert "holds files this kcopt command did not write" in said.output
    assert "(and 2 more files)" in said.output and "thư mục" not in said.output
    said = runner.invoke(app, ["solve", DEMO, "-o", str(kcopt.demo_scenario_path().parent)])
    assert said.exit_code == 1 and "chứa hoặc chính là tệp đầu vào" in said.output
    assert " / the output" not in said.output, said.output


def test_help_names_value_types_and_defaults_in_the_language_in_use(vietnamese: None) -> None:
    """The framework's type column (<path>, <bool>, FLOAT RANGE) reads in words, the
    arguments' panel too (typer ≥ 0.22 shows an argument's type from its annotation, whatever
    its metavar), and a default written in the help is shown (typer ≥ 0.22 took
    '[default: …]' for markup and dropped it)."""
    runner = CliRunner()
    said = runner.invoke(app, ["solve", "--help"]).output
    arguments = flat(said[said.index("╭─ Tham số"):said.index("╭─ Tùy chọn")])
    # typer ≥ 0.22 names the argument as the usage line does; the floor's panel by its code
    assert re.search(r"(KỊCH_BẢN|scenario) <đường dẫn>", arguments), arguments
    assert "<path>" not in arguments, arguments
    vi = flat(said[said.index("╭─ Tùy chọn"):])
    assert "<đường dẫn>" in vi and "<số> [x>=0]" in vi and "<chữ>" in vi, vi
    assert "(mặc định: out/<tên kịch bản>)" in vi, vi
    for english_type in ("<path>", "<bool>", "<float range>", "<str>", "FLOAT RANGE", "TEXT"):
        assert english_type not in vi, (english_type, vi)
    en = flat(runner.invoke(app, ["solve", "--help", "--lang", "en"]).output)
    assert "đường dẫn" not in en and "(default: out/<scenario name>)" in en, en
    assert re.search(r"scenario (<path>|PATH)", en), en  # typer ≥ 0.22 / the floor's own


def test_compare_names_regions_and_content_types(vietnamese: None, tmp_path) -> None:
    """`kcopt compare`'s tables by region and content type name the groups (Tây Nguyên, not
    CH), aligned; English keeps the codes."""
    runner = CliRunner()
    for name in ("a", "b"):
        assert runner.invoke(app, ["solve", DEMO, "-o", str(tmp_path / name), "--no-plots",
                                   "--no-xlsx"]).exit_code == 0
    said = runner.invoke(app, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "-o",
                               str(tmp_path / "cmp")])
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    assert any(line.startswith("  Tây Nguyên ") for line in lines), said.output
    assert not any(re.match(r"  (CH|MKD|NCC|NMM|RRD|SE) ", line) for line in lines)
    blocks = [b.splitlines() for b in said.output.split("\n\n")]
    tables = [b[1:] for b in blocks if b[0].startswith(("Theo vùng", "Theo nội dung"))]
    assert len(tables) == 2, blocks
    for rows in tables:  # each table's arrows in one column
        assert len({row.index("→") for row in rows}) == 1, rows
    assert not re.search(r"\d,\d{3}\b", said.output), said.output


# ---- the warnings, said again in the reader's language (summary.json keeps how) -------------

VIETNAMESE = re.compile(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", re.IGNORECASE)
# proper names a warning quotes as they are, in any language: the demo's places, its column
# heading, its targets' labels, content names are not among them
PROPER = re.compile(r"'[^']*'|\b(?:Bắc Giang|Bắc Ninh|Bình Dương|Thành phố Hồ Chí Minh|Quảng Nam|"
                    r"Đà Nẵng|Hải Dương|Hải Phòng|Kiên Giang|An Giang)\b")


def report_warnings(page: str) -> list[str]:
    """The warnings listed in a report's provenance section."""
    import html

    section = page[page.index('id="provenance"'):]
    found = re.search(r"<h3>[^<]*\(\d+\)</h3><ul>(.*?)</ul>", section, flags=re.S)
    assert found, section[:500]
    return [html.unescape(w) for w in re.findall(r"<li>(.*?)</li>", found[1], flags=re.S)]


def test_warnings_are_said_again_in_the_reader_s_language(vietnamese: None, tmp_path) -> None:
    """summary.json keeps each warning's code, its text in the run's language and how it was
    said: `kcopt report --lang en` on a Vietnamese run words every warning in English, and the
    Vietnamese report of an English run in Vietnamese (they were the run's text)."""
    import json

    runner = CliRunner()
    for lang, other in (("vi", "en"), ("en", "vi")):
        out = tmp_path / lang
        said = runner.invoke(app, ["solve", DEMO, "-o", str(out), "--no-plots", "--no-xlsx",
                                   "--lang", lang])
        assert said.exit_code == 0, said.output
        kept = json.loads((out / "summary.json").read_text("utf-8"))["warnings"]
        assert {w["code"] for w in kept} >= {"input", "rules", "budget_unspent",
                                              "partial_sliver"}, kept
        assert all("msgid" in w["said"]["message"] for w in kept), kept
        page = out / f"report-{other}.html"
        assert runner.invoke(app, ["report", str(out), "-o", str(page), "--lang",
                                   other]).exit_code == 0
        shown = report_warnings(page.read_text("utf-8"))
        assert len(shown) == len(kept), shown
        if other == "en":
            assert any("is a pre-2025 province" in w for w in shown), shown
            assert any("8 project(s) are given less than 25% of their cap" in w
                       for w in shown), shown
            left = [w for w in shown if VIETNAMESE.search(PROPER.sub(" ", w))]
            # a target's label is the scenario's own name: the only Vietnamese left
            assert all("Tỷ trọng sản xuất sạch hơn" in w for w in left), left
        else:
            assert any("là tỉnh trước năm 2025" in w for w in shown), shown
            assert any("8 đề án chỉ được hỗ trợ dưới 25% mức hỗ trợ tối đa" in w
                       for w in shown), shown
            assert not english("\n".join(shown)), english("\n".join(shown))
            assert not re.search(r"\d,\d{3}\b", "\n".join(shown)), shown


def test_the_warnings_sheet_lists_each_warning_with_its_kind(vietnamese: None,
                                                              tmp_path) -> None:
    """allocation.xlsx has a "Cảnh báo" sheet: one row per warning of summary.json, its kind
    in words, how many of that kind, where and what; the run sheet only points to it."""
    import json

    import openpyxl

    from kcopt.present.workbook.base import SHEETS

    out = tmp_path / "out"
    said = CliRunner().invoke(app, ["solve", DEMO, "-o", str(out), "--no-plots"])
    assert said.exit_code == 0, said.output
    assert "trang 'Cảnh báo' của allocation.xlsx" in said.output.splitlines()[-1]
    kept = json.loads((out / "summary.json").read_text("utf-8"))["warnings"]
    wb = openpyxl.load_workbook(out / "allocation.xlsx", read_only=True)
    rows = [r for r in wb[SHEETS["warnings"]].iter_rows(min_row=5, values_only=True) if r[0]]
    assert len(rows) == len(kept), rows
    kinds = {r[1]: r[2] for r in rows}
    assert kinds["Danh sách đề án"] == 5 and kinds["Định mức hỗ trợ"] == 8, kinds
    assert kinds["Kinh phí chưa được phân bổ"] == 1, kinds
    for (_no, _kind, _count, where, message, amount), w in zip(rows, kept, strict=True):
        assert w["message"] in (f"{where}: {message}", message), (where, message, w)
        assert amount == w["amount"] or (amount is None and w["amount"] is None)
    assert not english(" ".join(str(c) for r in rows for c in r[1:4])), rows
    run = [r for r in wb[SHEETS["run"]].iter_rows(values_only=True)
           if r[0] and str(r[0]).startswith("Cảnh báo")]
    assert run == [(f"Cảnh báo / Warnings ({len(kept)})",
                    "xem trang 'Cảnh báo' / see the 'Cảnh báo' sheet")], run


# ---- the funds by the regulation's names ----------------------------------------------------

def test_funds_are_kcqg_and_kcdp_where_a_planner_reads(vietnamese: None, tmp_path) -> None:
    """The reserve line, the reserve sheet and a budget's label in the report name the funds
    KCQG / KCĐP (they said "Trung ương" / "Địa phương", one copy of the words per module)."""
    import openpyxl

    from kcopt.analysis.wording import budget_label
    from kcopt.core.language import using
    from kcopt.present.workbook.base import SHEETS

    out = tmp_path / "out"
    said = CliRunner().invoke(app, ["solve", DEMO, "-o", str(out), "--no-plots"])
    assert said.exit_code == 0, said.output
    line = next(x for x in said.output.splitlines() if "danh sách dự phòng" in x)
    assert "đứng đầu: KCQG: P-" in line and "KCĐP An Giang: P-" in line, line
    assert "Trung ương" not in said.output and "Địa phương" not in said.output, said.output
    ws = openpyxl.load_workbook(out / "allocation.xlsx", read_only=True)[SHEETS["reserve"]]
    funds = {r[0] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    assert funds == {"KCQG", "KCĐP"}, funds
    assert budget_label("budget:local:Lâm Đồng") == "KCĐP: Lâm Đồng"
    with using("en"):
        assert budget_label("budget:central:2027") == "central 2027"


# ---- the rule files' messages ---------------------------------------------------------------

BAD_RATES = ("category,fund,basis,rate,cap_million_vnd,confidence,vote_level,effective\n"
             "robots,central,TT 1,0.5,300,high,,2026-07-01\n"
             "machinery,nowhere,TT 1,1.5,300,sure,galaxy,\n")


def test_rule_files_are_told_in_the_language_in_use(vietnamese: None, tmp_path) -> None:
    """A national rule file's problems (they were Vietnamese f-strings whatever the
    language): catalog messages, Vietnamese by default, English under --lang en."""
    from kcopt.core.language import using
    from kcopt.inputs.ratefiles import read_rule_files
    from kcopt.rules.rates import load_rules

    path = tmp_path / "tt.csv"
    path.write_text(BAD_RATES, encoding="utf-8")
    said = {}
    for lang in ("vi", "en"):
        with using(lang), pytest.raises(kcopt.InputError) as info:
            read_rule_files([], [path], load_rules())
        with using(lang):
            said[lang] = "\n".join(str(p) for p in info.value.problems).replace(
                str(tmp_path), "")  # the folder's name is the test's
    for part in ("nội dung không có trong bộ định mức", "phải là tỷ lệ từ 0 đến 1",
                 "độ tin cậy không hợp lệ", "cấp bình chọn không hợp lệ",
                 "nguồn kinh phí phải là 'central' (KCQG)",
                 "mức hỗ trợ quốc gia cần ngày có hiệu lực"):
        assert part in said["vi"], (part, said["vi"])
    assert not english(said["vi"]), (english(said["vi"]), said["vi"])
    for part in ("a content type the rule set does not have", "must be a share from 0 to 1",
                 "not a confidence level", "not a selection level",
                 "the fund must be 'central', 'local' or 'both'",
                 "a national level needs the day it takes effect"):
        assert part in said["en"], (part, said["en"])
    assert not VIETNAMESE.search(said["en"]), said["en"]


# ---- a price quoted per the unit its range allows -------------------------------------------

def test_a_price_is_quoted_per_the_amount_its_range_allows(vietnamese: None) -> None:
    """A budget's price valid only up to +11 million is not said "per 1.000 triệu đồng"
    (a change the price does not hold for) but per 10 million; one valid far enough keeps
    1.000."""
    from types import SimpleNamespace

    from kcopt.analysis.sensitivity.ranging import _constraint_sentence

    row = {"name": "budget:central", "rhs": 105000.0, "binding": True, "family": "budget",
           "shadow_price": 0.00123, "final_value": 105000.0, "enters_up": ""}
    short = _constraint_sentence(SimpleNamespace(**row, allowable_increase=11.0,
                                                 allowable_decrease=400.0))
    assert "mỗi 10 triệu đồng tăng thêm" in short and "0,0123 điểm" in short, short
    assert "1.000" not in short, short
    far = _constraint_sentence(SimpleNamespace(**row, allowable_increase=5000.0,
                                               allowable_decrease=2500.0))
    assert "mỗi 1.000 triệu đồng tăng thêm" in far and "1,23 điểm" in far, far


# ---- Done when: every word of the demo, the MIP demo and a real-layout form -----------------

# allocation.xlsx's words a planner reads (the data's own names and the bilingual heading rows
# aside); its code columns (region, content type, status, sector) stay codes by design
WORD_COLUMNS = {"Phân bổ": ("Cấp", "Tình trạng", "Lý do", "Nguồn vốn", "Nội dung"),
                "Cảnh báo": ("Loại cảnh báo", "Vị trí", "Nội dung cảnh báo"),
                "Dự phòng": ("Nguồn kinh phí", "Trạng thái", "Nguồn trả phần tăng", "Lý do chờ"),
                "Ràng buộc": ("Diễn giải",)}
# the workbook is Vietnamese-first in any language (its headings, a level or fund as a planner
# writes it in a project list, the statuses' column): its sentences follow the run's language
SENTENCE_COLUMNS = {"Phân bổ": ("Lý do",), "Cảnh báo": ("Nội dung cảnh báo",),
                    "Dự phòng": ("Lý do chờ",), "Ràng buộc": ("Diễn giải",)}
# "1,640 triệu đồng", "1,640 / 6,611", "419,509,580": en-US; "0,898" and "1,676 điểm" are
# Vietnamese decimals
EN_US_NUMBER = re.compile(r"\b[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?(?= triệu| đồng| đề án| tệp| byte"
                          r"| million| projects|\s*/|\))"
                          r"|\b\d{1,3}(?:,\d{3}){2,}\b|\b\d{1,3},\d{3}\.\d")
FILES = re.compile(r"[\w./-]+\.(?:csv|xlsx|yaml|yml|json|html|png)\b")  # a file's name: a code


def case_scenario(case: str, folder) -> str:
    """The demo, the MIP demo, or Đắk Lắk's plan in its official layout (A/B fund sections,
    Roman content sections, subtotals, Vietnamese numbers) with a scenario of its own."""
    if case != "form":
        return str(kcopt.demo_scenario_path().parent / case)
    from forms import SCENARIO, provincial_plan

    folder.mkdir(parents=True, exist_ok=True)
    path, _plan = provincial_plan(folder / "dak-lak.xlsx")
    scenario = folder / "dak-lak.yaml"
    scenario.write_text(SCENARIO.format(name="Kế hoạch Đắk Lắk 2026", file=path.name,
                                        central=300, local=400), encoding="utf-8")
    return str(scenario)


def everything_read(scenario: str, out, lang: str) -> dict[str, list[str]]:
    """The words of `solve`, `report` and `validate` on the console, the report, the figures
    and allocation.xlsx's word columns, in `lang`."""
    import openpyxl

    from kcopt.core.language import using
    from test_language import figure_texts, report_texts

    runner = CliRunner()
    solved = runner.invoke(app, ["solve", scenario, "-o", str(out), "--no-plots", "--lang",
                                 lang])
    assert solved.exit_code == 0, solved.output
    checked = runner.invoke(app, ["validate", scenario, "--lang", lang])
    reported = runner.invoke(app, ["report", str(out), "--lang", lang])
    assert reported.exit_code == 0, reported.output
    texts = {"console": [*solved.output.splitlines(), *checked.output.splitlines(),
                         *reported.output.splitlines()],
             "report": report_texts(out / "report.html"), "figures": [], "workbook": []}
    with using(lang):
        for plot in (kcopt.plots.allocation_by_region, kcopt.plots.allocation_by_category,
                     kcopt.plots.budget_use):
            texts["figures"] += figure_texts(plot(out))
    book = openpyxl.load_workbook(out / "allocation.xlsx", read_only=True)
    for ws in book.worksheets:
        rows = ws.iter_rows(min_row=3, values_only=True)
        heads = next(rows, ())
        next(rows, ())  # the English headings beneath
        columns = (WORD_COLUMNS if lang == "vi" else SENTENCE_COLUMNS).get(ws.title, ())
        keep = [j for j, h in enumerate(heads) if h in columns]
        texts["workbook"] += [str(r[j]) for r in rows for j in keep
                              if j < len(r) and isinstance(r[j], str)]
    return texts


def proper_names(out, scenario: str) -> re.Pattern[str]:
    """What stays Vietnamese in an English run: names of places (the 34 provinces, the former
    ones), of the plan, its targets and projects, the scenario's own notes (a rate's basis),
    headings of the planner's own file (quoted), the regulation's abbreviations (funds,
    councils, committees)."""
    import json

    import pandas as pd

    from kcopt.core.geo import load_geography

    geo = load_geography()
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    sc = summary["scenario"]
    names = {*geo.provinces, *(old for p in geo.provinces.values() for old in p.merged_from),
             sc.get("name", ""), sc.get("description", ""),
             *(t.get("label", "") for t in sc.get("targets", [])),
             *(str(o.get("basis", "")) for o in sc.get("rate_overrides") or []),
             *pd.read_csv(out / "allocation.csv")["name"].astype(str), "KCQG", "KCĐP", "HĐND",
             "UBND", *form_texts(scenario)}
    words = sorted((n for n in names if n), key=len, reverse=True)
    # a quotation opens and closes outside a word (not the apostrophe of "regulation's")
    return re.compile(r"(?<!\w)'[^']*'(?!\w)|" + "|".join(re.escape(n) for n in words))


SECTION_ROW = re.compile(r"^\s+[A-H](?:\.[IVX]+)?\s")


def form_texts(scenario: str) -> list[str]:
    """The texts of a form's cells (its title, sections, projects): the planner's own words."""
    from pathlib import Path

    import openpyxl

    books = list(Path(scenario).parent.glob("*.xlsx"))
    return [str(v).strip() for b in books for ws in openpyxl.load_workbook(b).worksheets
            for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


@pytest.mark.slow
@pytest.mark.parametrize("case", ["demo.yaml", "demo-mip.yaml", "form"])
def test_every_word_a_planner_reads_is_in_the_language_in_use(vietnamese: None, tmp_path,
                                                              case: str) -> None:
    """Done when (#27): the commands, the report, the figures' text and the workbook's words,
    on the demo, the MIP demo and a real-layout form, hold no English phrase, catalog miss or
    en-US number in Vietnamese; and with --lang en, no Vietnamese but names."""
    scenario = case_scenario(case, tmp_path / "in")
    vi = everything_read(scenario, tmp_path / "vi", "vi")
    for part, texts in vi.items():
        assert texts or part == "figures", part
        found = english(FILES.sub(" ", " \n".join(texts)))
        assert not found, (case, part, found)
        numbers = [t for t in texts if EN_US_NUMBER.search(t)]
        assert not numbers, (case, part, numbers[:5])
    en = everything_read(scenario, tmp_path / "en", "en")
    names = proper_names(tmp_path / "en", scenario)
    for part, texts in en.items():
        assert texts or part == "figures", part
        # validate's table of the form's sections quotes each section's title as the form has it
        texts = [t for t in texts if not SECTION_ROW.match(t)]
        left = [t for t in texts if VIETNAMESE.search(names.sub(" ", t))]
        assert not left, (case, part, left[:8])


def test_hostile_inputs_are_told_in_the_language_in_use(vietnamese: None, tmp_path) -> None:
    """Done when (#27), the hostile inputs' messages: the bad project list and the bad rule
    file, in Vietnamese with no English or en-US number; in English with no Vietnamese but
    the names the list holds."""
    from kcopt.core.language import using
    from kcopt.inputs.ratefiles import read_rule_files
    from kcopt.rules.rates import load_rules

    rates = tmp_path / "tt.csv"
    rates.write_text(BAD_RATES, encoding="utf-8")
    for lang in ("vi", "en"):
        said = hostile_messages(tmp_path, lang)
        with using(lang), pytest.raises(kcopt.InputError) as info:
            read_rule_files([], [rates], load_rules())
        with using(lang):
            said += "\n" + "\n".join(str(p) for p in info.value.problems)
        said = said.replace(str(tmp_path), "")
        if lang == "vi":
            assert not english(said), english(said)
            assert not EN_US_NUMBER.search(said.replace("'1,200'", "")), said
        else:
            left = re.sub(r"'[^']*'|Sơn La|Quảng Ngãi|Máy [ABC]|\bKCQG\b|\bKCĐP\b", " ", said)
            assert not VIETNAMESE.search(left), [line for line in left.splitlines()
                                                  if VIETNAMESE.search(line)]


def test_the_template_says_what_it_wrote_in_vietnamese(vietnamese: None, tmp_path) -> None:
    """`kcopt template` ended on an English line ("wrote …: fill in sheet …, then …")."""
    said = CliRunner().invoke(app, ["template", str(tmp_path / "mau.xlsx")])
    assert said.exit_code == 0, said.output
    assert "đã ghi" in said.output and "rồi chạy `kcopt validate" in said.output, said.output
    assert not english(said.output), (english(said.output), said.output)
    mirror = CliRunner().invoke(app, ["template", str(tmp_path / "t.xlsx"), "--lang", "en"])
    assert "wrote" in mirror.output and "then `kcopt validate" in mirror.output, mirror.output


def test_a_missing_column_is_named_by_its_vietnamese_heading(vietnamese: None,
                                                             tmp_path) -> None:
    """A list without its total cost was told to add a column headed 'total_cost' or one of
    "total_cost, total cost, cost, eligible cost"; a Vietnamese planner is given the
    template's heading and the other Vietnamese headings read as it (English under en)."""
    from kcopt.core.language import using

    path = tmp_path / "ds.csv"
    path.write_text("Mã đề án,Tên đề án,Tỉnh/Thành phố,Nội dung\nA,Máy A,Sơn La,machinery\n",
                    encoding="utf-8")
    said = {}
    for lang in ("vi", "en"):
        with using(lang), pytest.raises(kcopt.InputError) as info:
            kcopt.read_projects(path)
        with using(lang):
            said[lang] = "\n".join(str(p) for p in info.value.problems).replace(
                str(tmp_path), "")  # the folder's name is the test's
    assert "Thêm cột có tiêu đề 'Tổng kinh phí' hoặc một trong: tổng chi phí" in said["vi"], said
    assert "eligible cost" not in said["vi"] and not english(said["vi"]), said["vi"]
    assert "Add a column headed 'total_cost' or one of: total cost, cost" in said["en"], said


def test_sensitivity_and_report_name_the_analyses_in_words(vietnamese: None,
                                                           tmp_path) -> None:
    """`kcopt sensitivity` timed its steps by code ("ranging 0,17s, budget_sweep 0,32s …")
    and sent the planner to the "status column" of its failed sweep points; `kcopt report`
    listed the missing tables by code ("ranging_constraints, policy_prices"): the steps are
    named in Vietnamese, the column by its heading in sensitivity.xlsx, the tables by file."""
    out = tmp_path / "out"
    said = CliRunner().invoke(app, ["sensitivity", DEMO, "-o", str(out), "--draws", "0"])
    assert said.exit_code == 0, said.output
    timed = next(line for line in said.output.splitlines() if "(thời gian:" in line)
    for step in ("khoảng giữ nguyên", "quét ngân sách", "rút trọng số", "lốc xoáy",
                 "giá chính sách", "tính lồng nhau"):
        assert f"{step} " in timed, (step, timed)
    assert not re.search(r"ranging|budget_sweep|weight_robustness|tornado|policy_prices|"
                         r"nestedness|\ds\b", timed), timed
    failed = next(line for line in said.output.splitlines() if "điểm quét" in line)
    assert "(cột 'Kết quả giải' của sensitivity.xlsx)" in failed, failed
    said = CliRunner().invoke(app, ["report", str(out)])  # its settings: "concentration 50.0"
    assert said.exit_code == 0, said.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert re.search(r"0 lần rút trọng số, hạt giống 0, độ tập trung 50(?![.,\d])", page), \
        re.findall(r"lần rút trọng số[^<]*", page)
    plan = tmp_path / "plan"
    assert CliRunner().invoke(app, ["solve", DEMO, "-o", str(plan)]).exit_code == 0
    said = CliRunner().invoke(app, ["report", str(plan)])
    assert said.exit_code == 0, said.output
    missing = next(line for line in said.output.splitlines() if "chưa có bảng" in line)
    assert "(ranging_constraints.csv, policy_prices.csv, weight_robustness.csv):" in missing, \
        missing


def test_a_bad_amount_is_shown_a_number_the_reader_s_way(vietnamese: None, tmp_path) -> None:
    """The fix for a cell that is no amount gave an English reader a Vietnamese number
    ("such as 1200 or 1.200,5"); each language's example is written its own way."""
    from kcopt.core.language import using

    path = tmp_path / "ds.csv"
    path.write_text("Mã đề án,Tên đề án,Tỉnh/Thành phố,Nội dung,Tổng kinh phí\n"
                    "A,Máy A,Sơn La,machinery,12abc\n", encoding="utf-8")
    said = {}
    for lang in ("vi", "en"):
        with using(lang), pytest.raises(kcopt.InputError) as info:
            kcopt.read_projects(path)
        with using(lang):
            said[lang] = "\n".join(str(p) for p in info.value.problems)
    assert "Ghi một số, ví dụ 1200 hoặc 1.200,5" in said["vi"], said
    assert "Write a number such as 1200 or 1,200.5" in said["en"], said
    assert "1.200,5" not in said["en"], said


def test_the_template_cites_the_decree_in_vietnamese(vietnamese: None, tmp_path) -> None:
    """The template's rate sheet quoted its legal basis in English inside a Vietnamese
    sentence ("… tổng mức đầu tư (Decree 32/2024/NĐ-CP Art. 26.1)")."""
    import openpyxl

    said = CliRunner().invoke(app, ["template", str(tmp_path / "mau.xlsx")])
    assert said.exit_code == 0, said.output
    note = openpyxl.load_workbook(tmp_path / "mau.xlsx")["Định mức hỗ trợ"]["A2"].value
    assert "(Nghị định 32/2024/NĐ-CP Điều 26.1)" in note and "Decree" not in note, note


def test_a_comparison_names_the_objective_in_words(vietnamese: None, make_case) -> None:
    """`kcopt compare` began "giá trị mục tiêu (total_score) …": the objective in words, as
    `kcopt solve`'s result line says it."""
    from kcopt.core.language import using

    base = {"province": "Sơn La", "category": "machinery", "total_cost": 600,
            "funds": "central", "appraisal": 80}
    projects = [dict(base, project_id=p, name=p) for p in "AB"]
    rich = kcopt.run(make_case(projects, {"budgets": {"central": 600}}))
    poor = kcopt.run(make_case(projects, {"budgets": {"central": 300}}))
    first = kcopt.compare(rich, poor, labels=("600", "300")).sentences[0]
    assert "giá trị mục tiêu (tổng điểm ưu tiên)" in first and "total_score" not in first, first
    with using("en"):
        first = kcopt.compare(rich, poor, labels=("600", "300")).sentences[0]
    assert "objective (total priority score)" in first, first


def test_kcopt_s_own_metavars_are_said_in_words(vietnamese: None) -> None:
    """The help named --limit's and consolidate --province's values "NAME=VALUE" and
    "FILE=PROVINCE" in a Vietnamese help; English keeps them."""
    runner = CliRunner()
    said = runner.invoke(app, ["--help"]).output + runner.invoke(
        app, ["consolidate", "--help"]).output
    assert "TÊN=GIÁ_TRỊ" in said and "TỆP=TỈNH" in said, said
    assert "NAME=VALUE" not in said and "FILE=PROVINCE" not in said, said
    mirror = runner.invoke(app, ["--help", "--lang", "en"]).output
    assert "NAME=VALUE" in mirror and "TÊN" not in mirror, mirror


def test_every_sensitivity_column_has_words(vietnamese: None) -> None:
    """The MIP-only tables' columns too (selection margins, nestedness): a heading of its
    own in Vietnamese and in English, never the column's code."""
    from kcopt.analysis.sensitivity.nested import NESTED_COLUMNS
    from kcopt.analysis.sensitivity.selection import MARGIN_COLUMNS
    from kcopt.core.language import using
    from kcopt.present.workbook.sensitivity_words import heading

    for lang in ("vi", "en"):
        with using(lang):
            words = {c: heading(c) for c in [*MARGIN_COLUMNS, *NESTED_COLUMNS]}
        assert not [c for c, h in words.items() if h == c], (lang, words)
        if lang == "vi":
            assert not english(" ".join(words.values())), words
