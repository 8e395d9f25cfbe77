"""The committee report (`kcopt report`): its content, that it is self-contained, and that it
renders in headless Chromium without errors and without touching the network.

The Chromium check loads a copy of the report with a small probe script appended (the report
itself has no script) and `--dump-dom`s it. The probe writes onto <body> how many images there
are and how many failed to decode; Chromium's console is captured on stderr
(`--enable-logging=stderr`: every console message and uncaught error is an `INFO:CONSOLE` line);
every host name resolves to nothing (`--host-resolver-rules`) and the network log
(`--log-net-log`) lists any request the page made. The harness is first shown a deliberately
broken page to prove each of these checks fires.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app

runner = CliRunner()
SECTIONS = ("headline", "allocation", "constraints", "robustness", "left-out", "provenance")
PROBE = """<script>window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; });
  document.body.setAttribute("data-images", String(imgs.length));
  document.body.setAttribute("data-broken-images", String(broken.length));
  document.body.setAttribute("data-height", String(document.body.scrollHeight));
});</script>"""


class Page(HTMLParser):
    """Ids, image sources, and every URL-bearing attribute of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.images: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.body: dict[str, str] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "img":
            self.images.append(a.get("src", ""))
        if tag == "body":
            self.body = a
        self.urls += [a[k] for k in ("src", "href", "srcset", "data", "action") if k in a]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo solved (no sensitivity) and solved with the sensitivity suite."""
    root = tmp_path_factory.mktemp("report")
    res = runner.invoke(app, ["solve", str(kcopt.demo_scenario_path()), "-o",
                              str(root / "solved"), "--no-plots"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["sensitivity", str(kcopt.demo_scenario_path()), "-o",
                              str(root / "full"), "--draws", "30", "--no-plots"])
    assert res.exit_code == 0, res.output
    for name in ("solved", "full"):
        res = runner.invoke(app, ["report", str(root / name)])
        assert res.exit_code == 0, res.output
    return {"solved": root / "solved", "full": root / "full"}


def test_report_has_every_section_and_is_self_contained(outputs) -> None:
    text = (outputs["full"] / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
    for key in SECTIONS:
        assert key in page.ids, key
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    assert "@import" not in text and "url(" not in text
    # region, content type, budget use, policy prices, robustness, tornado
    assert len(page.images) == 6
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(u.startswith(("#", "data:")) for u in page.urls), page.urls
    assert "@media print" in text and "@page" in text
    # the content a committee needs
    summary = json.loads((outputs["full"] / "summary.json").read_text(encoding="utf-8"))
    assert f"{summary['totals']['central']:,.0f}" in text
    # an English report names the regions in English, and has no Vietnamese heading
    assert "Northern Midlands and Mountains" in text and "machinery" in text
    assert "Trung ương" not in text and "points per 1,000 million" in text
    assert "green_circular_digital" in text and "score given up" in text
    for cls in ("core", "borderline", "exterior"):
        assert cls in text
    assert "not funded: " in text  # the reasons of the projects left out
    assert summary["provenance"]["inputs_sha256"]["projects.csv"] in text
    assert "kcopt sensitivity" not in text  # no hint: the sensitivity tables are there


def test_report_without_sensitivity_says_so(outputs) -> None:
    text = (outputs["solved"] / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    for key in SECTIONS:
        assert key in page.ids, key
    assert text.count("kcopt sensitivity SCENARIO -o") >= 2
    assert "No sensitivity analysis was found" in text
    assert len(page.images) == 3


def test_report_from_memory_and_cli_errors(tmp_path: Path) -> None:
    r = kcopt.run(kcopt.demo_scenario_path())
    path = kcopt.write_report(r, tmp_path / "r.html")
    assert 'id="left-out"' in path.read_text(encoding="utf-8")
    with pytest.raises(kcopt.InputError, match="give a path"):
        kcopt.write_report(r)
    html = r.result._repr_html_()
    assert "Northern Midlands and Mountains" in html and "optimal" in html
    res = runner.invoke(app, ["report", str(tmp_path / "missing")])
    assert res.exit_code == 1 and "not found" in res.output


# ---- rendering in Chromium -------------------------------------------------------------------

def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def render(html_file: Path, work: Path) -> dict:
    """Load `html_file` (with the probe) in headless Chromium and print it to PDF: the DOM after
    load, the console lines, the page's network requests and the PDF."""
    exe = chromium()
    assert exe is not None
    probed = work / f"probed-{html_file.name}"
    probed.write_text(html_file.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    netlog = work / f"{html_file.stem}-net.json"
    flags = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", f"--user-data-dir={work / 'profile'}",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=10000"]
    proc = subprocess.run([*flags, f"--log-net-log={netlog}", "--enable-logging=stderr",
                           "--v=0", "--dump-dom", probed.as_uri()],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines()
               if "CONSOLE" in line or "Uncaught" in line]
    log = json.loads(netlog.read_text(encoding="utf-8"))
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    requests = [e["params"]["url"] for e in log["events"]
                if types.get(e["type"]) == "URL_REQUEST_START_JOB"
                # the page's own requests carry the file:// page as their isolation key; the
                # browser's background calls (updates, accounts) do not
                and "file://" in e["params"].get("network_isolation_key", "")
                and not e["params"]["url"].startswith(("file:", "data:"))]
    pdf = work / f"{html_file.stem}.pdf"
    printed = subprocess.run([*flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                              html_file.as_uri()], capture_output=True, text=True, timeout=180)
    assert printed.returncode == 0, printed.stderr[-2000:]
    return {"dom": Page(proc.stdout), "console": console, "requests": requests,
            "pdf": pdf.read_bytes()}


needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="Chromium is not installed; `.ci/run` installs it "
    "(apt-get install chromium) to render the report")


@needs_chromium
def test_the_harness_catches_a_broken_page(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><img src="data:image/png;base64,AAAA">'
                   '<img src="http://example.invalid/x.png"><script>notAFunction()</script>'
                   "</body></html>", encoding="utf-8")
    out = render(bad, tmp_path)
    assert out["dom"].body["data-images"] == "2"
    assert out["dom"].body["data-broken-images"] == "2"
    assert any("Uncaught ReferenceError" in line for line in out["console"])
    assert out["requests"] == ["http://example.invalid/x.png"]


@needs_chromium
@pytest.mark.parametrize(("name", "images"), [("full", 6), ("solved", 3)])
def test_report_renders_in_chromium(outputs, tmp_path: Path, name: str, images: int) -> None:
    out = render(outputs[name] / "report.html", tmp_path)
    dom = out["dom"]
    assert out["console"] == []
    assert out["requests"] == []
    for key in SECTIONS:
        assert key in dom.ids, key
    assert dom.body["data-images"] == str(images)
    assert dom.body["data-broken-images"] == "0"
    assert int(dom.body["data-height"]) > 5000  # laid out, not an empty page
    assert out["pdf"].startswith(b"%PDF") and len(out["pdf"]) > 50_000


def test_report_of_a_multi_year_programme(make_case, tmp_path: Path) -> None:
    """Two plan years of 300 each: A (2026) and B (2027) are funded, C (2027) is not."""
    projects = [
        {"project_id": "A", "name": "máy sấy", "province": "Sơn La", "category": "machinery",
         "total_cost": 600, "level": "central", "appraisal": 90, "year": 2026},
        {"project_id": "B", "name": "dây chuyền", "province": "Sơn La",
         "category": "machinery", "total_cost": 600, "level": "central", "appraisal": 80,
         "year": 2027},
        {"project_id": "C", "name": "lò nung", "province": "Huế", "category": "machinery",
         "total_cost": 600, "level": "central", "appraisal": 70, "year": 2027},
    ]
    sc = make_case(projects, {"years": [2026, 2027], "budgets": {"central": 300}})
    kcopt.run(sc, out=tmp_path / "out", plots=False)
    res = runner.invoke(app, ["report", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "By plan year" in text and "<td>2027</td>" in text
    assert "Budgets over 2026–2027: central 600 million VND" in text
    left_out = text[text.index('id="left-out"'):text.index('id="provenance"')]
    assert ">C<" in left_out and ">A<" not in left_out
