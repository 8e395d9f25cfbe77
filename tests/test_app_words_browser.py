"""The app's upload boxes in Chromium: Streamlit's own English ("Upload", "20MB per file • CSV,
XLSX") hidden, the catalog's words drawn in its place (`kcopt.app.uploadwords`), for a planner
reading the page in Vietnamese. The server is test_app_browser's, the browser the conftest's."""

from __future__ import annotations

import pytest

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
            table = pa.ipc.open_stream(node.proto.datasets[0].data.data).read_all()
            charts[table.column_names[0]] = table.to_pylist()
    assert set(charts) == {"Nội dung", "Vùng", "Tỉnh"}, set(charts)  # the axes' titles
    colours = {k: {row["color -- streamlit-generated"] for row in v} for k, v in charts.items()}
    funds = {"Trung ương (KCQG)", "Địa phương (KCĐP)"}
    assert colours["Nội dung"] == colours["Vùng"] == funds, colours
    assert colours["Tỉnh"] == {"đã phân bổ", "Ngân sách"}, colours
    axes = {row[k] for k in ("Nội dung", "Vùng") for row in charts[k]}
    assert "Tây Nguyên" in axes and "CH" not in axes and "branding" not in axes, axes
