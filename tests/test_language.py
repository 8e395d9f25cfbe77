"""Vietnamese by default: every message used in the code is in the Vietnamese catalog, and the
demo's text outputs hold no English words; --lang en gives the English words."""

from __future__ import annotations

import gettext
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import typer
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from typer.testing import CliRunner

import kcopt
from kcopt.analysis.wording import describe_row
from kcopt.cli import app
from kcopt.core.language import set_scenario_language, using
from kcopt.core.words import LOCALE_DIR, extract_python, extract_rule_notes, num, pct

SRC = Path(kcopt.__file__).parent
PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "kcopt.po"
DEMO = str(kcopt.demo_scenario_path())

# Words that are English and never a Vietnamese syllable written without marks ("to", "do",
# "in", "an", "no", "may", "than", "con" are Vietnamese too, so they are not here).
ENGLISH = frozenset("""
the of and or is are was were for with from by its this that these those not only than per
funded funds fund budget project projects score points share target targets cap caps million
must would could should other higher lower allocated binding rule rules support level rate
requested amount state received cost ceiling eligible ineligible unfunded partly partial
full marginal earn earns below above given set see use each all any has have been into out
over under none which where when what how why because reached reaches raise relax drop add
remove fully minimum maximum selection group exclusive start year years local central money
objective solver wrote files warning error problem problems row column sheet got check fix
infeasible relaxed relaxation needs need needed cannot hold lower asks possible change
low medium high unverified resolution retrieved former territory synthetic candidate demand
usage options arguments commands show message exit
""".split())  # noqa: SIM905
# Codes and proper names that stay as they are in every language.
ALLOWED = {"KCQG", "KCĐP", "MIP", "LP", "HiGHS", "highs", "CBC", "optimal", "total_score",
           "rate_overrides", "must_fund", "summary", "json", "csv", "xlsx", "demo"}


def english_words(texts: list[str]) -> dict[str, str]:
    """English word → the first text it was found in."""
    found: dict[str, str] = {}
    for text in texts:
        # constraint names in brackets, file paths and scenario syntax (share_of: budget) are
        # codes
        words = re.sub(r"\[[^\]]*\]|\S*[/\\]\S*|\S+\.(csv|json|xlsx|yaml)\b|\b\w+_\w+: \w+",
                       " ", str(text))
        for word in re.findall(r"[^\W\d_]+(?:_[^\W\d_]+)*", words):
            if "_" in word or word in ALLOWED:
                continue
            if word.lower() in ENGLISH:
                found.setdefault(word.lower(), str(text))
    return found


def figure_texts(fig) -> list[str]:
    """Every word drawn on a matplotlib figure: titles, axis labels, legends, texts."""
    out = [t.get_text() for t in fig.texts]
    if getattr(fig, "_suptitle", None) is not None:
        out.append(fig._suptitle.get_text())
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
            out.append(legend.get_title().get_text())
    return [t for t in out if t]


def report_texts(path: Path) -> list[str]:
    """The words of an HTML report a reader sees in Vietnamese: the English beneath a heading
    (`<span class=en>`) and after " / " in a bilingual label are left out, by design."""
    from html.parser import HTMLParser

    class Words(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.texts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag in ("style", "script") or ("class", "en") in attrs:
                self.skip += 1

        def handle_endtag(self, tag: str) -> None:
            if tag in ("style", "script", "span") and self.skip:
                self.skip -= 1

        def handle_data(self, data: str) -> None:
            if not self.skip and data.strip():
                self.texts.append(data.strip().split(" / ")[0])

    words = Words()
    words.feed(path.read_text(encoding="utf-8"))
    return words.texts


def test_every_message_in_the_code_has_a_vietnamese_translation() -> None:
    """A `_()`/`N_()`/`ngettext()` message missing from kcopt.po (or left empty, fuzzy, or not
    compiled into kcopt.mo) fails here: run the commands in CONTRIBUTING.md."""
    used = {msg[2] if isinstance(msg[2], str) else msg[2][0]
            for msg in extract_from_dir(str(SRC), method_map=[
                ("**.py", extract_python), ("data/support_rates.csv", extract_rule_notes),
                ("data/provincial_rates.csv", extract_rule_notes)],
                                        keywords={"_": None, "N_": None, "ngettext": (1, 2)})}
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {}
    for m in catalog:
        if not m.id:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        text = m.string[0] if isinstance(m.string, tuple) else m.string
        if text and not m.fuzzy:
            translated[key] = text
    missing = sorted(used - set(translated))
    assert not missing, f"{len(missing)} message(s) without a Vietnamese translation: {missing}"
    compiled = gettext.translation("kcopt", LOCALE_DIR, languages=["vi"])
    stale = sorted(k for k in used if compiled.gettext(k) != translated[k])
    assert not stale, f"kcopt.mo is older than kcopt.po (run pybabel compile): {stale[:5]}"


def test_numbers_read_the_vietnamese_way() -> None:
    with using("vi"):
        assert (num(105000), pct(0.862, 1), num(1234.5, 1)) == ("105.000", "86,2%", "1.234,5")
    with using("en"):
        assert (num(105000), pct(0.862, 1)) == ("105,000", "86.2%")


@pytest.fixture
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The user's default: no KCOPT_LANG, no --lang."""
    monkeypatch.delenv("KCOPT_LANG", raising=False)
    kcopt.set_language(None)
    set_scenario_language(None)
    yield


def test_demo_outputs_hold_no_english_words(vietnamese: None, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["solve", DEMO, "-o", str(tmp_path), "--no-plots", "--no-xlsx"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    alloc = pd.read_csv(tmp_path / "allocation.csv")
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    cons = pd.read_csv(tmp_path / "constraints.csv")
    descriptions = [describe_row(n, r) for n, r in zip(cons["name"], cons["rhs"], strict=True)]
    warnings = [w["message"] if isinstance(w, dict) else w for w in summary["warnings"]]
    texts = [*res.output.splitlines(), *alloc["reason"].dropna(), *warnings,
             *descriptions]
    assert "KCQG 105.000 / 105.000" in res.output  # numbers written the Vietnamese way
    assert alloc["reason"].str.startswith("được hỗ trợ đủ").sum() > 100
    # targets are named by their label: in the scenario, not their code name
    label = "chỉ tiêu 'Tỷ trọng sản xuất sạch hơn, tuần hoàn, số'"
    assert alloc["reason"].str.contains(label, regex=False).any()
    assert not alloc["reason"].str.contains("green_circular_digital").any()
    for plot in (kcopt.plots.allocation_by_region, kcopt.plots.allocation_by_category,
                 kcopt.plots.budget_use):
        texts += figure_texts(plot(tmp_path))
    texts.append(summary["scenario"]["description"])
    sens = tmp_path / "sens"  # the report with its sensitivity sections (robustness, …)
    res = runner.invoke(app, ["sensitivity", DEMO, "-o", str(sens), "--draws", "5",
                              "--no-plots"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    texts += [line for line in res.output.splitlines() if "timings" not in line]
    report = runner.invoke(app, ["report", str(sens)])
    assert report.exit_code == 0, report.output
    html = report_texts(sens / "report.html")
    assert any(t.startswith("Đề án cận biên") for t in html)  # the robustness section
    texts += [*report.output.splitlines(), *html]
    from kcopt.analysis.sensitivity.engine import _bar

    bar = _bar(1, "budget sweep")  # the progress bars' titles
    texts.append(f"{bar.desc} {bar.unit}")
    bar.close()
    left = english_words(texts)
    assert not left, f"English left in the Vietnamese outputs: {left}"
    # codes never change with the language
    assert set(alloc["status"]) <= {"funded", "partial", "unfunded", "ineligible", "excluded"}
    assert summary["status"] == "optimal"


def _infeasible(tmp_path: Path) -> Path:
    pd.DataFrame([{"project_id": "A", "name": "a", "province": "Lâm Đồng",
                   "category": "training", "level": "local", "total_cost": 100,
                   "requested": 80, "score": 1, "must_fund": 1}]).to_csv(
        tmp_path / "p.csv", index=False)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"name": "t", "projects": "p.csv",
                                    "budgets": {"central": 0, "local": {"Lâm Đồng": 10}}}),
                    encoding="utf-8")
    return path


def test_diagnosis_is_vietnamese_and_english_on_request(vietnamese: None,
                                                        tmp_path: Path) -> None:
    runner = CliRunner()
    path = str(_infeasible(tmp_path))
    vi = runner.invoke(app, ["solve", path, "-o", str(tmp_path / "vi"), "--no-plots"])
    assert vi.exit_code == 3, vi.output
    assert "không có phương án khả thi" in vi.output
    assert not english_words(vi.output.splitlines()), vi.output
    en = runner.invoke(app, ["solve", path, "-o", str(tmp_path / "en"), "--no-plots",
                             "--lang", "en"])
    assert en.exit_code == 3
    assert "is infeasible" in en.output and "must-fund" in en.output
    os.environ["KCOPT_LANG"] = "en"
    try:
        assert "is infeasible" in runner.invoke(app, ["solve", path, "--no-plots", "-o",
                                                      str(tmp_path / "env")]).output
    finally:
        os.environ.pop("KCOPT_LANG")


def test_scenario_language_key_and_bad_language(vietnamese: None, tmp_path: Path) -> None:
    path = _infeasible(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**data, "language": "en"}), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["solve", str(path), "--no-plots", "-o", str(tmp_path / "o")])
    assert "is infeasible" in res.output
    res = runner.invoke(app, ["solve", str(path), "--no-plots", "-o", str(tmp_path / "o"),
                              "--lang", "vi"])
    assert "không có phương án khả thi" in res.output  # --lang wins over the scenario
    res = runner.invoke(app, ["--lang", "fr", "rules"])
    assert res.exit_code == 2 and "fr" in res.output
    path.write_text(yaml.safe_dump({**data, "language": "klingon"}), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 1 and "klingon" in res.output and "vi" in res.output


COMMANDS = [str(c.name) for c in app.registered_commands]  # every command kcopt has


def test_help_is_vietnamese_by_default_and_english_on_request(vietnamese: None) -> None:
    """Typer builds help texts once, in English; `kcopt --help` and each command's --help are
    shown in the language in use (the CLI's help texts are catalog messages too)."""
    runner = CliRunner()
    subcommands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    for args in ([], *([c] for c in COMMANDS)):
        vi = runner.invoke(app, [*args, "--help"])
        assert vi.exit_code == 0, vi.output
        flat = " ".join(re.sub("[│╭╮╰╯─]", " ", vi.output).split())  # rich wraps in boxes
        assert "Cách dùng: kcopt" in flat and "Hiện hướng dẫn này rồi thoát" in flat
        params = [p.name for p in subcommands[args[0]].params if p.name] if args else []
        codes = (r"\b(" + "|".join(COMMANDS + params) + r")\b|--[\w-]+|\{\w+\}"
                 r"|\w+\s+<[\w\[\]]+>|\b[A-Z]{2,}\b")  # command, option, argument, metavar names
        lines = [re.sub(codes, " ", line) for line in vi.output.splitlines()]
        assert not english_words(lines), (args, english_words(lines))
        en = runner.invoke(app, [*args, "--help", "--lang", "en"])
        flat = " ".join(re.sub("[│╭╮╰╯─]", " ", en.output).split())
        assert "Usage: kcopt" in flat and "Show this message and exit." in flat
    assert "Phân bổ kinh phí khuyến công quốc gia" in runner.invoke(app, ["--help"]).output
    os.environ["KCOPT_LANG"] = "en"
    try:
        assert "Allocate central (KCQG)" in runner.invoke(app, ["--help"]).output
        assert "Solve a scenario" in runner.invoke(app, ["solve", "--help"]).output
    finally:
        os.environ.pop("KCOPT_LANG")


def test_weights_are_named_by_their_label(vietnamese: None, tmp_path: Path) -> None:
    """A weight's `label:` in the scenario names it in the tornado (table, sensitivity.xlsx
    and plot), the report and the workbook; built-in criteria have Vietnamese names."""
    from kcopt.analysis.sensitivity import tornado
    from kcopt.present.figures.sensitivity import plot_tornado

    label = "Tỷ trọng sản xuất sạch hơn (nhãn riêng)"
    weights = {**kcopt.load_scenario(DEMO).weights}
    path = tmp_path / "nhan.yaml"
    path.write_text(yaml.safe_dump({"extends": DEMO, "weights": {
        **weights, "green": {"weight": weights["green"], "label": label}}},
        allow_unicode=True), encoding="utf-8")
    sc = kcopt.load_scenario(path)
    assert sc.weight_labels == {"green": label} and sc.weights == pytest.approx(weights)
    table = tornado(kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc)))
    named = dict(zip(table["parameter"], table["label"], strict=True))
    assert named["green"] == label and named["appraisal"] == "Điểm thẩm định"
    assert named["central budget"] == "kinh phí khuyến công quốc gia"
    ticks = [t.get_text() for t in plot_tornado(table).axes[0].get_yticklabels()]
    assert label in ticks and "green" not in ticks
    runner = CliRunner()
    res = runner.invoke(app, ["solve", str(path), "-o", str(tmp_path / "o"), "--no-plots"])
    assert res.exit_code == 0, res.output
    assert runner.invoke(app, ["report", str(tmp_path / "o")]).exit_code == 0
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert label in html and "Chuyển đổi số" in html and "0,150" in html
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "o" / "allocation.xlsx", read_only=True)[
        "Theo ưu tiên"]
    names = [row[1] for row in ws.iter_rows(values_only=True)]
    assert label in names and "Điểm thẩm định" in names
    with using("en"):
        from kcopt.core.vocabulary import criterion_label

        assert criterion_label("green") == "Cleaner production"
        assert criterion_label("green", sc.weight_labels) == label


def test_rules_command_speaks_the_language_in_use(vietnamese: None) -> None:
    """`kcopt rules`: headings, content names, funds, confidence and notes in Vietnamese by
    default, in English with --lang en; the content codes stay."""
    runner = CliRunner()
    for args in ([], ["--province", "Hải Phòng", "--year", "2026"]):
        vi = runner.invoke(app, ["rules", *args]).output
        assert vi.startswith("Bộ định mức") and "căn cứ" in vi.splitlines()[1]
        assert "▸ Đào tạo nghề, truyền nghề" in vi and "Hạ tầng cụm công nghiệp" in vi
        text = [re.sub(r"^\w+\s|\(.*?\)|'\w+'", " ", line) for line in vi.splitlines()]
        assert not english_words(text), english_words(text)
        en = runner.invoke(app, ["rules", *args, "--lang", "en"]).output
        assert en.startswith("Rule set") and "legal basis" in en.splitlines()[1]
        assert "▸ Vocational training and craft transfer" in en
        assert "Industrial cluster infrastructure" in en and "Bộ định mức" not in en
        assert "Trung ương" not in en and "nguồn" not in en
    assert "territory Hải Dương" in en and "Provincial People's Council" in en


def test_provincial_resolutions_follow_the_shared_data_and_read_in_vietnamese(
        vietnamese: None) -> None:
    """The package's provincial_rates.csv is the shared reference data unchanged; its English
    resolution names and notes reach a planner in Vietnamese through the catalog."""
    import csv

    from kcopt.core.words import data_text

    text = (SRC / "data" / "provincial_rates.csv").read_text(encoding="utf-8")
    shared = Path("/work/shared/data/provincial_rates.csv")
    if shared.exists():  # the reference copy, where the team's shared data is mounted
        assert text == shared.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    with using("vi"):
        for r in rows:
            for column in ("resolution", "note"):
                if r[column]:
                    assert data_text(r[column]) != r[column] or "NQ" in r[column], r[column]
                    assert not english_words([data_text(r[column])]), r[column]
    out = CliRunner().invoke(app, ["rules", "--province", "Hải Phòng", "--year", "2026"]).output
    assert "Nghị quyết HĐND tỉnh Hải Dương" in out and "HĐND Hải Phòng, địa bàn Hải Dương cũ" in out
    assert "resolution" not in out and "People's Council" not in out
    en = CliRunner().invoke(app, ["rules", "--province", "Hải Phòng", "--lang", "en"]).output
    assert "Hải Dương HĐND resolution (number and date not retrieved)" in en


# --- no words outside the catalog -------------------------------------------------------------

VIETNAMESE_MARKS = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụư"
                              "ứừửữựỳýỷỹỵ]", re.IGNORECASE)
# Modules that still hold Vietnamese literals, with how many (a ceiling: it may only go down).
# Deliberately Vietnamese: the official annex, adjustment annex, consolidation and template forms
# (io/annex, workbook/annex_head (the forms' head), workbook/annex_lines (its project lines),
# workbook/adjustment, workbook/consolidated:
# its headings and sheet names, read back as columns; the "Điều chỉnh" sheet's bilingual
# headings, workbook/adjustment_sheet; io/template,
# io/xlsx*), bilingual "vi / en" labels (htmlreport, outputs, views, comparison, io/plots),
# place names and spelling tables (geo, synth, text, parse, io/encoding), the English help
# texts that name KCĐP (cli). Still to move into the catalog: the rest (messages of ratefiles,
# schema, rules, io/form*, io/read, io/sheets, yamlfile, scenario, pipeline, policy, starter,
# io/labels, model/scores, sensitivity/suite). A module not listed here may hold none.
VIETNAMESE_LITERALS = {
    "inputs/budgetfiles.py": 2, "cli/__init__.py": 1, "cli/solve.py": 2, "present/comparison.py": 7,
    "present/figures/charts.py": 2, "core/geo.py": 13, "present/htmlreport.py": 35,
    "io/encoding.py": 8,
    "io/folders.py": 0, "io/read.py": 10, "io/sheets.py": 26,
    "io/form.py": 2, "io/formcolumns.py": 6, "io/formlayout.py": 6, "io/formlines.py": 1,
    "io/formwalk.py": 4,
    "inputs/keys.py": 2,
    "model/scores.py": 1, "outputs.py": 1, "core/parse.py": 1,
    "rules/policy.py": 5,
    "inputs/ratefiles.py": 2, "rules/rates.py": 1,
    "rules/eligibility.py": 15, "inputs/scenario.py": 2, "inputs/scenariokeys.py": 2,
    "inputs/schema.py": 20,
    "analysis/sensitivity/suite.py": 9, "inputs/starter.py": 34, "inputs/synth.py": 71,
    "core/text.py": 4, "present/views.py": 5,
    "core/vocabulary.py": 44, "present/workbook/annex.py": 29,
    "present/workbook/annex_head.py": 4, "present/workbook/annex_lines.py": 19,
    "present/workbook/adjustment.py": 18, "present/workbook/adjustment_sheet.py": 12,
    "present/workbook/base.py": 12, "present/workbook/facts.py": 32,
    "present/workbook/reserve_sheet.py": 17, "present/workbook/warnings_sheet.py": 6,
    "present/workbook/consolidated.py": 34,
    "present/workbook/info.py": 47, "present/workbook/sheets.py": 48,
    "present/workbook/projects_sheet.py": 28, "present/workbook/formats.py": 1,
    "present/workbook/template.py": 107,
    "present/workbook/xlsx.py": 12, "io/yamlfile.py": 10,
    "present/workbook/into.py": 2,
}
# The app's language selector is read before a language is chosen, so it is in two.
BILINGUAL = {"Ngôn ngữ / Language"}


def vietnamese_literals(path: Path) -> list[str]:
    """The string literals of a module that hold Vietnamese, leaving out docstrings and the
    English messages given to `_()`, `N_()` and `ngettext()` (they may name a term of art)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)):
            skip.add(id(body[0].value))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_", "ngettext")):
            skip.update(id(n) for arg in node.args[:2] for n in ast.walk(arg))
    return [f"{path.name}:{n.lineno}: {n.value[:60]!r}" for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
            and VIETNAMESE_MARKS.search(n.value) and n.value not in BILINGUAL]


def test_no_vietnamese_words_outside_the_catalog() -> None:
    """Words a person reads are English messages in the code with their Vietnamese in kcopt.po,
    so `--lang en` (and any new catalog) reaches them: a Vietnamese literal in a module that
    had none (the app, rule_options, limits, …), or more of them in a listed one, fails."""
    grown = {}
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        found = vietnamese_literals(path)
        if len(found) > VIETNAMESE_LITERALS.get(module, 0):
            grown[module] = found
    assert not grown, ("Vietnamese literals outside the catalog: write the message in English "
                       f"in _() and its Vietnamese in kcopt.po (CONTRIBUTING.md): {grown}")
    assert not (SRC / "app" / "texts.py").exists()  # the app's words are in the catalog


def test_rule_options_and_limits_speak_the_language_in_use(vietnamese: None,
                                                           tmp_path: Path) -> None:
    from kcopt.core import limits
    from kcopt.core.errors import InputError

    path = tmp_path / "s.yaml"
    data = yaml.safe_load(Path(DEMO).read_text(encoding="utf-8"))
    data["projects"] = str(Path(DEMO).parent / data["projects"])
    data["budgets"]["local"] = str(Path(DEMO).parent / data["budgets"]["local"])
    data["priority_multiplier"] = [{"factor": 1.2, "disadvantaged_area": "maybe"}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    runner = CliRunner()
    vi = runner.invoke(app, ["validate", str(path)])
    en = runner.invoke(app, ["--lang", "en", "validate", str(path)])
    assert vi.exit_code == en.exit_code == 1
    assert "phải là true hoặc false" in vi.output
    assert "must be true or false" in en.output and "phải là" not in en.output
    for lang, words_ in (("en", "write name=value"), ("vi", "viết tên=giá trị")):
        with using(lang), pytest.raises(InputError) as info:
            limits.parse_assignment("rows")
        with using(lang):  # a problem is worded when it is shown
            assert words_ in str(info.value.problems[0])
    with using("en"), limits.raised(rows=10000):
        text = str(limits.exceeded("p.csv", "the file has 12000 rows", "rows").problems[0])
    assert "beyond the limit rows = 10,000" in text and "raise the limit" in text
    with using("vi"), limits.raised(rows=10000):
        text = str(limits.exceeded("p.csv", "tệp có 12.000 dòng", "rows").problems[0])
    assert "vượt giới hạn rows = 10.000" in text and "nâng giới hạn" in text
    with using("en"):
        assert limits.Limits().describe()[0][2] == "rows of a project list or budget table"


def test_each_thread_keeps_its_own_language() -> None:
    """Streamlit reruns each session in its own thread: a session choosing English while
    another speaks Vietnamese must not change the other's words."""
    import threading

    from kcopt.core.words import _

    barrier = threading.Barrier(2)
    got: dict[str, list[str]] = {}

    def speak(lang: str) -> None:
        with using(lang):
            barrier.wait()  # both inside their `using` at once
            first = _("Project list")
            barrier.wait()
            got[lang] = [first, _("Project list"), num(105000)]

    threads = [threading.Thread(target=speak, args=(lang,)) for lang in ("vi", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == {"vi": ["Danh sách đề án", "Danh sách đề án", "105.000"],
                   "en": ["Project list", "Project list", "105,000"]}


def test_the_app_speaks_the_language_chosen(vietnamese: None) -> None:
    """The app's words and the library's words inside it follow the session's selector."""
    testing = pytest.importorskip("streamlit.testing.v1", reason="the app extra is not installed")
    from kcopt.app import PAGE

    at = testing.AppTest.from_file(str(PAGE), default_timeout=120)
    at.run()
    at.sidebar.radio(key="lang").set_value("English")
    at.run()
    at.button(key="demo").click()
    at.run()
    at.sidebar.button(key="solve").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [at.title[0].value, at.sidebar.button(key="solve").label,
              *[t.label for t in at.tabs], *[u.label for u in at.file_uploader],
              *[m.label for m in at.metric], *[h.value for h in at.subheader],
              *[c.value for c in at.caption], *[s.label for s in at.select_slider],
              *[m.value for m in at.markdown]]
    assert at.sidebar.button(key="solve").label == "Solve"
    assert "Project list" in labels and "Central funds (million VND)" in labels
    assert any("fully used: each extra 1,000 million VND" in t for t in labels)
    # no Vietnamese word but the term of art English keeps (khuyến công) and place names
    from kcopt.core.geo import load_geography

    names = "|".join(map(re.escape, ["khuyến công", *load_geography().provinces]))
    left = [t for t in labels if VIETNAMESE_MARKS.search(re.sub(names, "", str(t)))]
    assert not left, left
    plan = at.session_state["plan"]
    assert plan.run.allocation["reason"].str.startswith("funded in full").any()
    # the next session opens in Vietnamese: the English one did not leak
    other = testing.AppTest.from_file(str(PAGE), default_timeout=120)
    other.run()
    assert other.sidebar.button(key="solve").label == "Tính phân bổ"
    assert "Danh sách đề án" in [u.label for u in other.file_uploader]


def test_a_new_language_is_only_a_catalog(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    """A compiled catalog in locale/<code>/ is a language: `--lang`, `_()` and the app's
    selector take it with no code change."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from kcopt.core import words

    for lang in ("vi", "fr"):
        (tmp_path / lang / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "vi" / "LC_MESSAGES" / "kcopt.mo").write_bytes(
        (LOCALE_DIR / "vi" / "LC_MESSAGES" / "kcopt.mo").read_bytes())
    catalog = Catalog(locale="fr")
    catalog.add("Project list", "Liste des projets")
    with (tmp_path / "fr" / "LC_MESSAGES" / "kcopt.mo").open("wb") as fh:
        write_mo(fh, catalog)
    monkeypatch.setattr(words, "LOCALE_DIR", tmp_path)
    words._catalog.cache_clear()
    try:
        assert words.languages() == ["en", "fr", "vi"]
        with using("fr"):
            assert words._("Project list") == "Liste des projets"
            assert words.num(105000) == "105\u202f000"
        pytest.importorskip("streamlit", reason="the app extra is not installed")
        from kcopt.app.page import language_names

        assert language_names() == {"Tiếng Việt": "vi", "English": "en", "Français": "fr"}
    finally:
        words._catalog.cache_clear()


def test_a_rule_phrase_is_worked_out_once_per_language() -> None:
    """`data_text` keeps each phrase's words per language: said in Vietnamese, then English,
    then Vietnamese again, each time in the language in use — a whole phrase of the catalog
    and one worded by its citation words alike."""
    from kcopt.core.words import data_text

    whole = "Decree 45/2012/ND-CP Art. 4"
    cited = "Decree 999/2099/ND-CP Art. 7 cl. 2"
    said = {}
    for lang in ("vi", "en", "vi", "en"):
        with using(lang):
            said.setdefault(lang, []).append((data_text(whole), data_text(cited)))
    assert said["vi"][0] == said["vi"][1] and said["en"][0] == said["en"][1]
    assert said["en"][0] == (whole, cited)
    assert said["vi"][0][1] == "Nghị định 999/2099/NĐ-CP Điều 7 khoản 2", said["vi"][0]
    assert "Nghị định" in said["vi"][0][0] and "Decree" not in said["vi"][0][0]
