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
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.language import set_scenario_language, using
from kcopt.wording import describe_row
from kcopt.words import LOCALE_DIR, extract_python, extract_rule_notes, num, pct

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
    assert "Đề án cận biên" in html  # the robustness section is there
    texts += [*report.output.splitlines(), *html]
    from kcopt.sensitivity.engine import _bar

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


COMMANDS = ["solve", "validate", "rules", "sensitivity", "compare", "report", "template", "init",
            "app"]


def test_help_is_vietnamese_by_default_and_english_on_request(vietnamese: None) -> None:
    """Typer builds help texts once, in English; `kcopt --help` and each command's --help are
    shown in the language in use (the CLI's help texts are catalog messages too)."""
    runner = CliRunner()
    for args in ([], *([c] for c in COMMANDS)):
        vi = runner.invoke(app, [*args, "--help"])
        assert vi.exit_code == 0, vi.output
        flat = " ".join(re.sub("[│╭╮╰╯─]", " ", vi.output).split())  # rich wraps in boxes
        assert "Cách dùng: kcopt" in flat and "Hiện hướng dẫn này rồi thoát" in flat
        codes = (r"\b(" + "|".join(COMMANDS) + r")\b|--[\w-]+|\{\w+\}|\w+\s+<[\w\[\]]+>"
                 r"|\b[A-Z]{2,}\b")  # command, option, argument and metavar names are codes
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
    from kcopt.figures.sensitivity import plot_tornado
    from kcopt.sensitivity import tornado

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
        from kcopt.vocabulary import criterion_label

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

    from kcopt.words import data_text

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
