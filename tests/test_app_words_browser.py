"""The app's upload boxes in Chromium: Streamlit's own English ("Upload", "20MB per file • CSV,
XLSX") hidden, the catalog's words drawn in its place (`kcopt.app.uploadwords`), for a planner
reading the page in Vietnamese. The server and the browser are test_app_browser's."""

from __future__ import annotations

import pytest

from test_app_browser import (  # noqa: F401 (the server and browser fixtures)
    browser,
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
        zones = page.evaluate(DROPZONES)
        shot(page, "upload-words")
        assert len(zones) == 3, zones
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
