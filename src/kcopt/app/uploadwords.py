"""The file uploaders' own words ("Upload", "20MB per file • CSV, XLSX") in the language in use.

Streamlit writes these in English whatever the page's language and offers no setting for them
(`st.file_uploader` takes a label and help, not the drop zone's text; the server has no locale
option). So the page carries a style sheet that hides Streamlit's two texts (visibility, so
neither screen readers nor a copy pick them up) and draws the catalog's words in their place
(CSS generated content), one rule per uploader, scoped by the `st-key-<key>` class Streamlit
gives a keyed widget. If a Streamlit release renames the test ids these rules select, its
English shows again: `tests/test_app_words_browser.py` reads the page in Chromium to catch it.
"""

from __future__ import annotations

from kcopt.core.words import _, num

DROPZONE = '.st-key-{key} [data-testid="stFileUploaderDropzone"]'
BUTTON = DROPZONE + ' button [data-testid="stMarkdownContainer"] p'
SIZE = "0.875rem"  # the size Streamlit draws both texts at (14 px)
LIMIT = DROPZONE + ' [data-testid="stFileUploaderDropzoneInstructions"] span'


def _css_text(text: str) -> str:
    """`text` as a CSS string (quotes and backslashes escaped, no line breaks)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _swap(selector: str, text: str) -> str:
    # the English takes no room (size 0, hidden); the words take its place at Streamlit's size
    return (f"{selector} {{visibility: hidden; font-size: 0;}}\n"
            f"{selector}::after {{visibility: visible; content: {_css_text(text)}; "
            f"font-size: {SIZE};}}\n")


def uploader_style(uploaders: dict[str, list[str]], max_mb: int) -> str:
    """The style sheet for the page's uploaders, `{widget key: [file types]}`: their button and
    their size-and-type line in the language in use."""
    rules = []
    for key, types in uploaders.items():
        limit = _("At most {mb} MB per file • {types}").format(
            mb=num(max_mb), types=", ".join(t.upper() for t in types))
        rules.append(_swap(BUTTON.format(key=key), _("Upload")))
        rules.append(_swap(LIMIT.format(key=key), limit))
    return "<style>\n" + "".join(rules) + "</style>"
