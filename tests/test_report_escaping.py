"""The committee report writes what planners typed as text, never as markup: the report is laid
out by Jinja2 templates with autoescaping, so a project name, scenario name or description, or a
target label holding HTML shows as those characters in every section that shows it, and a real
headless Chromium runs no script and opens no alert.

The demo is solved (with the sensitivity suite, so the borderline projects are listed) after the
hostile text is put into every project name, the scenario's name and description and one
target's label.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from test_report import needs_chromium, render

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
HOSTILE = SCRIPT + BREAKOUT
# an alert anywhere on the page is counted onto <body>; the report's own probe reads the DOM
CATCHER = """<script>window.__alerts = 0; window.alert = function () { window.__alerts += 1; };
window.addEventListener("load", function () {
  document.body.setAttribute("data-alerts", String(window.__alerts)); });</script>"""


class Sections(HTMLParser):
    """The text of each part of a page (the <section>s by id, and header, title and footer),
    and every start tag with its attributes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: dict[str, str] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.where = "head"
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "section":
            self.where = str(a["id"])
        elif tag in ("header", "footer", "title"):
            self.where = tag

    def handle_data(self, data: str) -> None:
        self.text[self.where] = self.text.get(self.where, "") + data


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with hostile text in its names and labels, solved with the sensitivity suite
    and reported: the report's path."""
    import pandas as pd

    root = tmp_path_factory.mktemp("hostile")
    demo = Path(kcopt.demo_scenario_path())
    shutil.copy(demo.parent / "local-budgets.csv", root / "local-budgets.csv")
    projects = pd.read_csv(demo.parent / "projects.csv", dtype=str, keep_default_na=False)
    name = projects.columns[1]  # Tên đề án
    projects[name] = HOSTILE + " " + projects[name]
    projects.to_csv(root / "projects.csv", index=False)
    data = yaml.safe_load(demo.read_text(encoding="utf-8"))
    data["name"] = SCRIPT + " K&H"
    data["description"] = BREAKOUT + " mô tả"
    data["targets"][1]["label"] = HOSTILE
    (root / "demo.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["sensitivity", str(root / "demo.yaml"), "-o", str(root / "out"),
                              "--draws", "10", "--no-plots"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["report", str(root / "out")])
    assert res.exit_code == 0, res.output
    return root / "out" / "report.html"


def test_hostile_text_is_text_in_every_section_that_shows_it(hostile: Path) -> None:
    page = Sections(hostile.read_text(encoding="utf-8"))
    assert [t for t, _a in page.tags].count("script") == 0
    assert [t for t, _a in page.tags].count("section") == 6
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert tag != "img" or str(attrs["src"]).startswith("data:image/png;base64,"), attrs
    shown = {
        "title": SCRIPT + " K&H",  # the scenario's name
        "header": BREAKOUT + " mô tả",  # and its description
        "footer": SCRIPT + " K&H",
        "constraints": HOSTILE,  # the target's label in the policy targets
        "robustness": HOSTILE,  # project names among the borderline projects
        "left-out": HOSTILE,  # project names of the projects left out
        "provenance": HOSTILE,  # the target's label in the budgets line
    }
    for part, text in shown.items():
        assert text in page.text[part], part
    assert (SCRIPT + " K&H") in page.text["header"] and (SCRIPT + " K&H") in page.text[
        "provenance"]


@needs_chromium
def test_hostile_text_runs_nothing_in_chromium(hostile: Path, tmp_path: Path) -> None:
    probed = tmp_path / "report.html"
    probed.write_text(hostile.read_text(encoding="utf-8").replace(
        '<meta charset="utf-8">', '<meta charset="utf-8">' + CATCHER, 1), encoding="utf-8")
    out = render(probed, tmp_path)
    dom = out["dom"]
    assert dom.tags.count("script") == 2  # the catcher and the probe: none from the page
    assert dom.body["data-alerts"] == "0"
    assert dom.body["data-images"] == "6" and dom.body["data-broken-images"] == "0"
    assert out["console"] == [] and out["requests"] == []


@needs_chromium
def test_the_alert_catcher_fires(tmp_path: Path) -> None:
    """The same checks on a page where the name went in as markup: they fail."""
    bad = tmp_path / "bad.html"
    bad.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8">{CATCHER}</head><body>'
                   f"<p>{HOSTILE}</p></body></html>", encoding="utf-8")
    dom = render(bad, tmp_path)["dom"]
    assert dom.tags.count("script") == 3
    assert dom.body["data-alerts"] == "2"  # the script's alert and the broken image's


def test_the_templates_escape_and_nothing_bypasses_them() -> None:
    """Autoescaping on, a missing value an error, no template turns escaping off, and no module
    of the report builds HTML by hand: markup() is the one way in, and it escapes its
    arguments."""
    import jinja2

    from kcopt.present import htmlpage

    env = htmlpage.environment()
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        htmlpage.render("report.html.j2")
    assert htmlpage.markup("<b>{x}</b>", x=HOSTILE) == (
        "<b>&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</b>")
    present = Path(htmlpage.__file__).parent
    templates = sorted((present / "templates").glob("*.j2"))
    assert len(templates) >= 8
    for path in templates:
        source = path.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", ""), path.name
        assert not re.search(r"{%-?\s*autoescape", source), path.name
    for name in ("htmlreport.py", "htmlpage.py", "moneyleft.py"):
        source = (present / name).read_text(encoding="utf-8")
        assert "html.escape" not in source and "import html" not in source, name
        assert name == "htmlpage.py" or "Markup" not in source, name


def test_the_templates_ship_in_the_package() -> None:
    """Every file of present/templates matches a package-data pattern, so a wheel (not only an
    editable install) has them; Jinja2 and MarkupSafe are dependencies."""
    import fnmatch
    import tomllib

    from kcopt.present import htmlpage

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["kcopt"]
    package = Path(htmlpage.__file__).resolve().parent.parent
    files = sorted((package / "present" / "templates").iterdir())
    assert files
    for path in files:
        rel = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(rel, p) for p in patterns), rel
    deps = " ".join(project["project"]["dependencies"])
    assert "jinja2>=3.1" in deps and "markupsafe>=" in deps
