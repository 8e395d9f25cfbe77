"""The app's numbers, empty cells and reasons as Chromium draws them (issue 27): `kcopt app`
started for real, the demo solved in headless Chromium.

Streamlit's tables and editors are drawn on a canvas (Glide data grid), which a DOM text scan
cannot read. The page is opened with `CanvasRenderingContext2D.fillText` wrapped, so the test
reads every text the browser draws on a canvas: an editor's empty cell drawn as "None"
(Streamlit's own placeholder for a missing value) is seen there, and so are the reasons the
allocation table shows. The budget boxes and the sliders are read from the DOM."""

from __future__ import annotations

from typing import Any

import pytest

import kcopt
from apphelpers import TIMEOUT, idle, shot
from kcopt.core.geo import load_geography
from kcopt.core.language import using
from test_app_browser import SHOTS, server, server_tmp  # noqa: F401 (the server fixtures)

pytestmark = pytest.mark.slow
DEMO = kcopt.demo_scenario_path()
DRAWN = """(() => {
    window.kcoptDrawn = [];
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        window.kcoptDrawn.push(String(text));
        return fill.call(this, text, ...rest);
    };
})();"""


@pytest.fixture(scope="module")
def reasons() -> dict[str, set[str]]:
    """The demo plan's reasons as `kcopt solve` words them, per language."""
    out = {}
    for lang in ("vi", "en"):
        with using(lang):
            out[lang] = set(kcopt.run(DEMO).allocation["reason"])
    assert not out["vi"] & out["en"]
    return out


def drawn(page: Any, clear: bool = True) -> list[str]:
    """The texts drawn on canvases since the last call."""
    texts = page.evaluate("() => window.kcoptDrawn.splice(0)" if clear
                          else "() => window.kcoptDrawn.slice()")
    return [str(t) for t in texts]


def drawn_reasons(page: Any, tab: str, reasons: set[str]) -> set[str]:
    """Open `tab` (Results) and wait until the allocation table has drawn reasons of `reasons`;
    every reason drawn meanwhile."""
    drawn(page)
    page.get_by_role("tab", name=tab).click()
    idle(page)
    seen: set[str] = set()
    for _ in range(100):
        seen |= {t for t in drawn(page) if len(t) > 20}
        if seen & reasons:
            break
        # the reasons are the last column: scrolled into view, drawn then
        page.get_by_test_id("stDataFrame").filter(visible=True).last.hover()
        page.mouse.wheel(5000, 0)
        page.wait_for_timeout(300)
    return seen


def slider_text(page: Any, key: str) -> str:
    return page.locator(f".st-key-{key}").inner_text()


def test_numbers_empty_cells_and_reasons_in_chromium(server, browser,  # noqa: F811
                                                     reasons) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.add_init_script(DRAWN)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(server)
        page.get_by_text("Danh sách đề án", exact=True).wait_for()
        page.locator(".st-key-demo button").click()
        idle(page)
        drawn(page)
        page.get_by_role("tab", name="2. Kịch bản").click()
        idle(page)
        page.wait_for_timeout(1500)  # the editors draw after the tab shows
        texts = drawn(page)
        # the budget and the sliders as Vietnamese writes numbers
        assert page.locator(".st-key-central_2_vi input").input_value() == "105.000"
        green = slider_text(page, "w_green_2")
        assert "0,15" in green and "0.15" not in green, green
        assert "20%" in slider_text(page, "match_2")
        # the editors were drawn (a province of the budgets, a target's kind), no "None"
        provinces = set(load_geography().provinces)
        assert provinces & set(texts) and "share_min" in texts, sorted(set(texts))[:80]
        assert "None" not in texts
        # and a table: the rates in force, a rate or a ceiling missing for some contents
        page.get_by_text("Mức hỗ trợ tối đa đang áp dụng", exact=True).click()
        idle(page)
        page.wait_for_timeout(1500)
        texts = drawn(page)
        assert "Tỷ lệ hỗ trợ" in texts and "None" not in texts, sorted(set(texts))[:80]
        shot(page, "numbers-01-scenario", SHOTS)

        page.locator(".st-key-solve button").click()
        idle(page)
        vi = drawn_reasons(page, "3. Kết quả", reasons["vi"])
        assert vi & reasons["vi"] and not vi & reasons["en"], sorted(vi)[:20]

        page.get_by_text("English", exact=True).click()
        page.get_by_text("Project list", exact=True).wait_for()
        idle(page)
        en = drawn_reasons(page, "3. Results", reasons["en"])
        shot(page, "numbers-02-english", SHOTS)
        assert en & reasons["en"] and not en & reasons["vi"], sorted(en)[:20]
        page.get_by_role("tab", name="2. Scenario").click()
        idle(page)
        assert page.locator(".st-key-central_2_en input").input_value() == "105,000"
        assert "0.15" in slider_text(page, "w_green_2")

        page.get_by_text("Tiếng Việt", exact=True).click()
        page.get_by_text("Danh sách đề án", exact=True).wait_for()
        idle(page)
        back = drawn_reasons(page, "3. Kết quả", reasons["vi"])
        assert back & reasons["vi"] and not back & reasons["en"], sorted(back)[:20]
    finally:
        context.close()
