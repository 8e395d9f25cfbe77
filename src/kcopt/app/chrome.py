"""Streamlit's own words on the page (its sidebar button, "Running…", "Press Enter to apply",
the table and chart toolbars' tooltips, the select boxes' placeholders, the connection
messages) in the session's language.

Streamlit writes these in English whatever the page's language: it has no locale setting and
its widgets take no text for them (the placeholders and the upload boxes' words aside, which
the page sets: `placeholder=`, `app/uploadwords`). Its own settings remove what they can
(`client.toolbarMode = "minimal"`: no developer menu; `kcopt app` sets it). For the rest, the
page carries a small script (`st.html`, `unsafe_allow_javascript`): a MutationObserver that
rewrites, as Streamlit draws them, the text nodes and the `aria-label`, `title` and
`placeholder` attributes that are exactly one of Streamlit's English phrases (`PHRASES`), or
begin with one of its prefixes (`PREFIXES`: "Help for <label>"), into the catalog's words.
Data and kcopt's own words never match: only whole phrases are replaced. A Streamlit release
that rewords a phrase shows its English again: `tests/test_app_words_browser.py` reads every
tab in Chromium to catch it.
"""

from __future__ import annotations

import json

from kcopt.core.language import using
from kcopt.core.words import N_, _, languages

# Streamlit's phrase → the catalog's message (English: its meaning, for the translator)
PHRASES = {
    "Running...": N_("Running…"), "Stop": N_("Stop"),
    "Press Enter to apply": N_("Press Enter to apply"),
    "Press Enter to submit form": N_("Press Enter to submit the form"),
    "Press Ctrl+Enter to apply": N_("Press Ctrl+Enter to apply"),
    "Press ⌘+Enter to apply": N_("Press ⌘+Enter to apply"),
    "Skip to main content": N_("Skip to the main content"),
    "Sidebar": N_("Sidebar"), "Collapse sidebar": N_("Collapse the sidebar"),
    "Expand sidebar": N_("Expand the sidebar"), "Main menu": N_("Main menu"),
    "Link to heading": N_("Link to this heading"), "file upload": N_("file upload"),
    "Help": N_("Help"), "Remove file": N_("Remove the file"), "Delete": N_("Delete"),
    "Show/hide columns": N_("Show or hide columns"), "Download as CSV": N_("Download as CSV"),
    "Search": N_("Search"), "Type to search": N_("Type to search"),
    "Fullscreen": N_("Full screen"), "Close fullscreen": N_("Close full screen"),
    "Add row": N_("Add a row"), "Delete row(s)": N_("Delete the rows"),
    "Decrement": N_("Decrease"), "Increment": N_("Increase"),
    "Open": N_("Open"), "Close": N_("Close"), "Clear all": N_("Clear all"),
    "Clear value": N_("Clear the value"), "Clear selection": N_("Clear the selection"),
    "Choose an option": N_("Choose one"), "Choose options": N_("Choose"),
    "No results": N_("No results"), "No options": N_("No choices"), "No data": N_("No data"),
    "Select all": N_("Select all"), "Sort ascending": N_("Sort ascending"),
    "Sort descending": N_("Sort descending"), "Pin column": N_("Pin the column"),
    "Unpin column": N_("Unpin the column"), "Hide column": N_("Hide the column"),
    "Autosize": N_("Fit the width"), "Format": N_("Number format"),
    "Copy column name": N_("Copy the column name"), "Copy to clipboard": N_("Copy"),
    "Show data": N_("Show the data"), "Copy Vega-Lite spec": N_("Copy the chart's code"),
    "Download as PNG": N_("Download as PNG"), "Vega visualization": N_("Chart"),
    "Show password": N_("Show the password"), "Hide password": N_("Hide the password"),
    "Connecting": N_("Connecting"), "Connection error": N_("Connection error"),
    "Uploading...": N_("Uploading…"), "Processing": N_("Processing"),
    "progress": N_("progress"),
    "Rerun": N_("Run again"), "Settings": N_("Settings"), "Print": N_("Print"),
    "About": N_("About"), "Clear cache": N_("Clear the cache"),
    "Record a screencast": N_("Record the screen"),
}
PREFIXES = {"Help for ": N_("Help: {label}")}


def words_script() -> str:
    """The page's script that puts Streamlit's phrases in the language in use (re-run on
    every rerun: a change of language rewrites what was written in the other)."""
    texts, prefixes = {}, []
    for english, message in PHRASES.items():
        shown = _(message)
        texts[english] = shown
        # back from a word written in another language, when the session changes language
        for other in _others(message) - {shown}:
            texts.setdefault(other, shown)
    for english, message in PREFIXES.items():
        prefixes.append([english, _(message)])
    words = json.dumps({"text": texts, "prefix": prefixes}, ensure_ascii=False)
    return "<script>\n" + SCRIPT.replace("__WORDS__", words.replace("</", "<\\/")) + "</script>"


def _others(message: str) -> set[str]:
    """`message` in every language kcopt has a catalog for."""
    out = set()
    for lang in languages():
        with using(lang):
            out.add(_(message))
    return out


SCRIPT = r"""
(() => {
  const words = __WORDS__;
  window.__kcoptWords = words;
  const ATTRS = ["aria-label", "title", "placeholder"];
  const said = (v) => {
    const w = window.__kcoptWords;
    if (v == null) return v;
    const t = v.trim();
    if (Object.prototype.hasOwnProperty.call(w.text, t)) return v.replace(t, w.text[t]);
    for (const [p, tpl] of w.prefix) {
      if (t.startsWith(p)) return tpl.replace("{label}", t.slice(p.length));
    }
    return v;
  };
  const text = (node) => {
    const v = said(node.nodeValue);
    if (v !== node.nodeValue) node.nodeValue = v;
  };
  const attrs = (el) => {
    for (const a of ATTRS) {
      const v = el.getAttribute(a);
      if (v != null) { const w = said(v); if (w !== v) el.setAttribute(a, w); }
    }
  };
  const fix = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { text(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    attrs(root);
    for (const el of root.querySelectorAll("[aria-label],[title],[placeholder]")) attrs(el);
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) text(n);
  };
  if (!window.__kcoptObserver) {
    window.__kcoptObserver = new MutationObserver((changes) => {
      for (const c of changes) {
        if (c.type === "attributes") attrs(c.target);
        else if (c.type === "characterData") text(c.target);
        else c.addedNodes.forEach(fix);
      }
    });
    window.__kcoptObserver.observe(document.documentElement, {subtree: true, childList: true,
      characterData: true, attributes: true, attributeFilter: ATTRS});
  }
  fix(document.documentElement);
})();
"""
