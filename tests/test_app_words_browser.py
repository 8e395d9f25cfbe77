"""The app's upload boxes in Chromium: Streamlit's own English ("Upload", "20MB per file • CSV,
XLSX") hidden, the catalog's words drawn in its place (`kcopt.app.uploadwords`), for a planner
reading the page in Vietnamese. The server is test_app_browser's, the browser the conftest's."""

from __future__ import annotations

import contextlib
import re

import pytest

from apphelpers import TIMEOUT
from test_app_browser import (  # noqa: F401 (the server fixtures)
    open_app,
    server,
    server_tmp,
    shot,
)

pytestmark = pytest.mark.slow

DROPZONES = """() => [...document.querySelectorAll('[data-testid=stFileUploaderDropzone]')].map(
    z => {
        const button = z.querySelector('button [data-testid=stMarkdownContainer] p');
        const limit = z.querySelector('[data-testid=stFileUploaderDropzoneInstructions] span');
        return {button: getComputedStyle(button, '::after').content,
                limit: getComputedStyle(limit, '::after').content,
                hidden: [getComputedStyle(button).visibility, getComputedStyle(limit).visibility]};
    })"""


def test_upload_boxes_read_vietnamese(server, browser) -> None:  # noqa: F811
    context, page = open_app(browser, server)
    try:
        page.get_by_test_id("stFileUploaderDropzone").first.wait_for()
        # the page's style sheet is a later element than the boxes: on a loaded machine the boxes
        # can be drawn before it (a wait, not a pass: a box it never reaches still fails below)
        with contextlib.suppress(Exception):  # the assertions below say what is wrong
            page.wait_for_function(f"() => {{ const z = ({DROPZONES})(); return z.length == 4 "
                                   "&& z.every(x => x.button != 'none'); }", timeout=30_000)
        zones = page.evaluate(DROPZONES)
        shot(page, "upload-words")
        assert len(zones) == 4, zones  # the list, local budgets, scenario, approved plan
        for zone in zones:
            assert zone["button"] == '"Tải lên"' and zone["hidden"] == ["hidden", "hidden"], zone
            assert zone["limit"].startswith('"Tối đa 20 MB mỗi tệp • '), zone
        assert zones[2]["limit"] == '"Tối đa 20 MB mỗi tệp • YAML, YML, JSON"'
        seen = page.evaluate("() => document.body.innerText")  # what is shown, as a reader sees
        for english in ("Upload", "per file", "Drag and drop", "Browse files"):
            assert english not in seen, (english, seen)
    finally:
        context.close()


def test_the_style_follows_the_language() -> None:
    from kcopt.app.uploadwords import uploader_style
    from kcopt.core.language import using

    with using("vi"):
        vi = uploader_style({"up": ["csv"]}, 20)
    with using("en"):
        en = uploader_style({"up": ["csv"]}, 1500)
    assert 'content: "Tải lên"' in vi and '"Tối đa 20 MB mỗi tệp • CSV"' in vi
    assert 'content: "Upload"' in en and '"At most 1,500 MB per file • CSV"' in en
    assert ".st-key-up " in vi and vi.startswith("<style>")


def test_charts_and_budget_table_name_funds_and_groups() -> None:
    """The app's live charts: legends KCQG / KCĐP and 'đã phân bổ / Ngân sách', axes with the
    content types' and regions' names (not central/local, branding, CH); the local budgets
    editor headed in words."""
    import json

    import pyarrow as pa

    from test_app import demo_plan, page

    at = page()
    demo_plan(at)
    nodes, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack += list(getattr(node, "children", {}).values())
    charts = {}  # by the chart's first column: category, region, province
    for node in nodes:
        if getattr(node, "type", "") == "vega_lite_chart":
            proto = node.proto
            raw = proto.datasets[0].data.data if proto.datasets else proto.data.data
            table = pa.ipc.open_stream(raw).read_all()
            charts[table.column_names[0]] = table.to_pylist()
    assert set(charts) == {"Nội dung", "Vùng", "Tỉnh"}, set(charts)  # the axes' titles
    colours = {k: {row.get("Nguồn kinh phí", row.get("Kinh phí địa phương")) for row in v}
               for k, v in charts.items()}
    funds = {"Trung ương (KCQG)", "Địa phương (KCĐP)"}
    assert colours["Nội dung"] == colours["Vùng"] == funds, colours
    assert colours["Tỉnh"] == {"đã phân bổ", "Ngân sách"}, colours
    # the ticks, the legend and the tooltips write numbers the Vietnamese way (20.000)
    specs = [json.loads(node.proto.spec) for node in nodes
             if getattr(node, "type", "") == "vega_lite_chart"]
    assert all(s["config"]["locale"]["number"]["thousands"] == "." for s in specs), specs
    assert all(s["config"]["locale"]["number"]["decimal"] == "," for s in specs)
    axes = {row[k] for k in ("Nội dung", "Vùng") for row in charts[k]}
    assert "Tây Nguyên" in axes and "CH" not in axes and "branding" not in axes, axes


# ---- every tab, in Chromium: no English in the default language, no Vietnamese under English

# Everything a reader meets: the visible text (Material icons' ligature names, "upload", left
# out) and the tooltips and labels screen readers say (aria-label, title, placeholder).
PAGE_WORDS = """(skip) => {
    const out = [document.title];
    for (const el of document.querySelectorAll('[aria-label],[title],[placeholder]')) {
        if (skip && el.closest(skip)) continue;
        for (const a of ['aria-label', 'title', 'placeholder']) {
            const v = el.getAttribute(a);
            if (v) out.push(v);
        }
    }
    const copy = document.body.cloneNode(true);
    const drop = '[data-testid=stIconMaterial], script, style' + (skip ? ', ' + skip : '');
    copy.querySelectorAll(drop).forEach(e => e.remove());
    document.body.appendChild(copy);  // innerText needs a rendered node
    copy.style.position = 'absolute';
    const text = copy.innerText;
    copy.remove();
    return out.concat(text.split('\\n'));
}"""
# Codes, file types, units and names every language writes as they are
NAMES = {"kcopt", "KCQG", "KCĐP", "CSV", "XLSX", "YAML", "YML", "JSON", "MB", "PNG", "HTML",
         "zip", "English", "Language", "Ctrl", "Enter", "CNNT", "DTTS", "Vega", "Lite"}


def vietnamese_vocabulary() -> set[str]:
    """Every unaccented word the Vietnamese catalog and the demo's data write (lower case):
    a word of the page outside it, and outside `NAMES`, is English."""
    import re

    import kcopt
    from kcopt.core.words import LOCALE_DIR

    texts = [(LOCALE_DIR / "vi" / "LC_MESSAGES" / "kcopt.po").read_text(encoding="utf-8")
             .split('msgstr "', 1)[1]]  # the header's English aside
    po = texts[0]
    strs = re.findall(r'^msgstr "(.*)"$|^"(.*)"$', po, flags=re.M)
    texts = [a or b for a, b in strs]
    texts += [(kcopt.demo_scenario_path().parent / "projects.csv").read_text(encoding="utf-8")]
    texts += data_names()
    return {w.lower() for t in texts for w in re.findall(r"[A-Za-z]+", t)}


def english_words(texts: list[str], vocabulary: set[str]) -> dict[str, str]:
    """Unaccented words outside the vocabulary → the first text each was seen in. Codes
    (snake_case), file names and project ids are no words."""
    import re

    found: dict[str, str] = {}
    for text in texts:
        cleaned = re.sub(r"\S+\.(csv|xlsx|html|yaml|yml|json|zip|png)\b|\b\w+_\w+\b|P-\d+",
                         " ", text)
        for word in re.findall(r"(?<![^\W\d_])[A-Za-z]+(?![^\W\d_])", cleaned):
            if word not in NAMES and word.lower() not in vocabulary:
                found.setdefault(word, text)
    return found


def visit_every_tab(page, seen: list[str], skip: str = "") -> None:
    """Each tab in turn: its words, and those its first table's and chart's toolbars show
    on hover (their tooltips are drawn only then)."""
    from apphelpers import idle

    for tab in page.get_by_role("tab").all():
        tab.click()
        idle(page)
        for element in ("stDataFrame", "stVegaLiteChart"):
            shown = [e for e in page.get_by_test_id(element).all() if e.is_visible()]
            if shown:
                shown[0].hover()
                for button in shown[0].locator("xpath=..").locator("button").all()[:6]:
                    if button.is_visible():  # the chart's canvas lies over its toolbar
                        button.hover(force=True)
                        page.wait_for_timeout(300)
                        seen += page.evaluate(PAGE_WORDS, skip)
        seen += page.evaluate(PAGE_WORDS, skip)


def settle(page) -> None:
    """Wait until the rerun a widget asked for has run (a slider's comes a moment later)."""
    from apphelpers import idle

    idle(page)
    page.wait_for_timeout(1500)
    idle(page)


def drive_the_app(page, seen: list[str], scenario: str, replanned: str, swept: str,
                  skip: str = "") -> None:
    """The demo, solved; a what-if (a weight moved); the plan marked approved and re-planned
    (`replanned`: the Results tab's heading then); a text box being typed in ("Press Enter
    to apply"); the sensitivity run (`swept`: one of its tables' titles): the words of every
    tab after each step."""
    from apphelpers import idle

    page.locator(".st-key-demo button").click()
    idle(page)
    seen += page.evaluate(PAGE_WORDS, skip)
    page.locator(".st-key-solve button").click()
    idle(page)
    visit_every_tab(page, seen, skip)
    page.get_by_role("tab", name=scenario).click()
    page.get_by_role("slider").first.focus()
    page.keyboard.press("ArrowRight")  # a what-if: re-solved without the button
    settle(page)
    page.locator(".st-key-approve button").click()  # the re-plan against the plan shown
    settle(page)
    page.get_by_role("tab").nth(2).click()
    page.get_by_text(replanned).wait_for()
    page.get_by_role("tab", name=scenario).click()
    box = page.locator("[data-testid=stTextInput] input").first
    box.click()
    box.press("End")
    box.type("x")
    page.wait_for_timeout(500)
    seen += page.evaluate(PAGE_WORDS, skip)  # "Press Enter to apply" under the box
    box.press("Enter")
    settle(page)
    page.get_by_role("tab").nth(3).click()  # Sensitivity
    for attempt in range(3):  # a click while a rerun starts can be dropped by Streamlit
        page.locator(".st-key-run_sens button").click()
        settle(page)
        try:
            page.get_by_text(swept, exact=True).wait_for(timeout=2 * TIMEOUT)  # and figures
            break
        except Exception:
            shot(page, f"sensitivity-{attempt}")
    else:
        raise AssertionError(f"no sensitivity tables ({swept}) after three clicks")
    visit_every_tab(page, seen, skip)


def test_every_tab_reads_vietnamese(server, browser) -> None:  # noqa: F811
    import re

    context, page = open_app(browser, server)
    seen: list[str] = []
    try:
        drive_the_app(page, seen, "2. Kịch bản", "Thay đổi so với kế hoạch đã phê duyệt",
                      "Quét ngân sách")
        assert any("Nhấn Enter để áp dụng" in t for t in seen)
        assert any("Quét ngân sách" in t for t in seen)  # the sensitivity's tables
        ticks = page.locator("[data-testid=stVegaLiteChart] svg text").all_text_contents()
        shot(page, "every-tab-vi")
    finally:
        context.close()
    english = english_words(seen, vietnamese_vocabulary())
    assert not english, english
    # the charts' axes as the page writes numbers: 20.000, never 20,000
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", t) for t in ticks), ticks
    assert not any(re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", t) for t in ticks), ticks
    assert any("Trợ giúp: " in t for t in seen), "the help tooltips' labels"
    assert not any(t.startswith("Help for ") for t in seen)


def data_names() -> list[str]:
    """The names the data gives, in Vietnamese whatever the language: provinces (and the
    former ones), regions, content types' legal names, the demo's project names."""
    import pandas as pd
    import yaml

    import kcopt
    from kcopt.core.geo import load_geography
    from kcopt.rules.rates import load_rules

    geo = load_geography()
    names = [*geo.provinces, *(old for p in geo.provinces.values() for old in p.merged_from),
             *(r[0] for r in geo.regions.values()),
             *(rule.name_vi for rule in load_rules().rules.values())]
    projects = pd.read_csv(kcopt.demo_scenario_path().parent / "projects.csv", dtype=str,
                           encoding="utf-8-sig")
    demo = yaml.safe_load(kcopt.demo_scenario_path().read_text(encoding="utf-8"))
    labels = [str(t[k]) for t in demo.get("targets", []) for k in ("name", "label") if k in t]
    return names + labels + [str(demo["name"])] + projects.iloc[:, 1].dropna().tolist()


def test_english_shows_no_vietnamese_of_the_app(server, browser) -> None:  # noqa: F811
    """Under English, the app's own words and Streamlit's are English: Vietnamese stays only
    in the data (project names, places and the content types' legal names in tables and
    charts, which are left out here) and in the language selector."""
    import re

    context, page = open_app(browser, server)
    seen: list[str] = []
    try:
        page.get_by_text("English", exact=True).click()
        page.get_by_text("Project list", exact=True).wait_for()
        data = "[data-testid=stDataFrame], [data-testid=stVegaLiteChart]"
        drive_the_app(page, seen, "2. Scenario", "Changes against the approved plan",
                      "Budget sweep", data)
    finally:
        context.close()
    places = sorted([*data_names(), "khuyến công", "KCĐP", "Ngôn ngữ / Language",
                     "Tiếng Việt"], key=len, reverse=True)
    names = "|".join(map(re.escape, places))
    marks = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
                       re.I)
    left = sorted({t for t in seen if marks.search(re.sub(names, "", t))})
    assert not left, left


def test_the_allocation_table_is_headed_and_numbered_in_vietnamese() -> None:
    """The Results tab's allocation: the regulation's headings, statuses and content types in
    words, and the numbers the browser draws written as Vietnamese writes them (the display
    values sent with the table), while the cells keep their numbers."""
    import pyarrow as pa

    from kcopt.core.language import using
    from kcopt.core.words import num
    from test_app import demo_plan, page

    at = page()
    plan = demo_plan(at)
    shown = next(d for d in at.dataframe if "Kinh phí KCQG (triệu đồng)" in d.value.columns)
    frame = shown.value
    assert {"Mã đề án", "Tỉnh/Thành phố", "Nội dung", "Mức hỗ trợ tối đa (triệu đồng)",
            "Kinh phí KCĐP (triệu đồng)", "Tỷ lệ so với mức tối đa", "Trạng thái",
            "Lý do"} <= set(frame.columns)
    assert set(frame["Trạng thái"]) <= {"được hỗ trợ đủ", "hỗ trợ một phần",
                                        "không được hỗ trợ", "không đủ điều kiện",
                                        "bị loại khỏi kịch bản"}, set(frame["Trạng thái"])
    assert "machinery" not in set(frame["Nội dung"])
    alloc = plan.run.allocation
    assert list(frame["Kinh phí KCQG (triệu đồng)"]) == list(alloc["central"])  # numbers
    holder = getattr(shown.proto, "arrow_data", shown.proto)  # the proto of Streamlit 1.6x
    shown_values = pa.ipc.open_stream(holder.styler.display_values).read_all().to_pandas()
    cap = shown_values.iloc[:, list(frame.columns).index("Mức hỗ trợ tối đa (triệu đồng)")]
    with using("vi"):
        want = [num(v, 6) for v in alloc["cap"]]
    assert list(cap) == want
    assert any("." in v for v in want) or any("," in v for v in want), want[:20]
    assert not any(re.fullmatch(r"\d{1,3}(,\d{3})+", v) for v in cap)
