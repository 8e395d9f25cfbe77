"""The app's tables as a planner reads them: headings in words, codes in words (status, content
type, region, fund, level), numbers as the session's language writes them (297.600 and 1.234,5
in Vietnamese), through the one number formatter (`kcopt.core.words.num`).

Streamlit formats a number column in the browser, with the browser's locale ("localized") or a
printf pattern whose decimal point is always "." — neither gives 1.234,5 whatever the browser.
So a table goes to `st.dataframe` as a pandas Styler whose display values are kcopt's: the
cells keep their numbers (a column still sorts by value, and what a test or a download reads
is the number). Styler costs about 0.15 s per 10,000 cells on a 2-core machine, so a table
larger than `STYLED_CELLS` is shown with its numbers written as text instead (same words;
sorting such a column is by text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from kcopt.analysis.wording import group_name
from kcopt.core.words import N_, _, fund_name, get_language, num, status_name

STYLED_CELLS = 60_000
# what a table or an editor shows in an empty cell: Streamlit draws "None" for a missing value
# (its `placeholder`), even where the Styler's display value is "" — every table passes this
EMPTY = ""
Format = Callable[[Any], str]

ALLOCATION = {"project_id": N_("Project ID"), "name": N_("Project name"),
              "province": N_("Province/city"), "region": N_("Region"),
              "category": N_("Content type"), "level": N_("Level"),
              "score": N_("Priority score"), "cap": N_("Support cap (million VND)"),
              "central": N_("KCQG funds (million VND)"), "local": N_("KCĐP funds (million VND)"),
              "total": N_("Total support (million VND)"), "fraction": N_("Share of the cap"),
              "status": N_("Status"), "reason": N_("Reason"),
              # a multi-year plan's, and the list's after approval (issue 25)
              "start_year": N_("Start year"), "progress": N_("Implementation status"),
              "disbursed": N_("Share disbursed")}
PROGRESS = {"signed": N_("contract signed"), "ongoing": N_("under way"),
            "stopped": N_("stopped")}
# the sensitivity analysis' tables and steps (codes → words)
ANALYSES = {"ranging_projects": N_("Ranging: projects"),
            "ranging_constraints": N_("Ranging: budgets and targets"),
            "ranging": N_("Ranging"), "budget_sweep": N_("Budget sweep"),
            "weight_robustness": N_("Robustness to the weights"),
            "tornado": N_("Weights and budgets ±20%"), "policy_prices": N_("Policy prices"),
            "selection_margins": N_("Selection margins"), "nestedness": N_("Nestedness")}


def money(value: Any) -> str:
    """An amount in million VND, to the đồng, no spurious decimals ("1.234,5")."""
    return "" if _blank(value) else num(float(value), 6)


def score(value: Any) -> str:
    return "" if _blank(value) else num(float(value), 4)


def share(value: Any) -> str:
    """A share 0–1 as a percentage ("53,7%")."""
    return "" if _blank(value) else num(100 * float(value), 1) + "%"


def year(value: Any) -> str:
    """A year as written on a page ("2026": no thousands separator)."""
    return "" if _blank(value) else str(int(value))


def plain(value: Any) -> str:
    """Any number in the language's style, up to 6 decimals; text unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if _blank(value) else str(value)
    return "" if _blank(value) else num(float(value), 6)


def _blank(value: Any) -> bool:
    """None, NaN, or pandas' NA (a nullable column's empty cell: a multi-year plan's start
    year)."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def styled(frame: pd.DataFrame, formats: Mapping[str, Format]) -> Any:
    """`frame` for `st.dataframe`, its columns in `formats` shown by their formatter: a
    Styler (numbers kept) up to `STYLED_CELLS` cells, else a copy with those columns as text."""
    formats = {c: f for c, f in formats.items() if c in frame.columns}
    if frame.size <= STYLED_CELLS:
        return frame.style.format(formats)  # type: ignore[arg-type]
    out = frame.copy()
    for column, fmt in formats.items():
        out[column] = [fmt(v) for v in out[column].tolist()]
    return out


def numbers(frame: pd.DataFrame) -> dict[str, Format]:
    """A formatter for every number column of `frame` (`plain`)."""
    return {str(c): plain for c in frame.columns
            if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(
                frame[c])}


def _words(column: pd.Series, name: Callable[[str], str]) -> list[str]:
    """A code column in words, each distinct code named once."""
    names = {code: name(str(code)) for code in column.unique()}
    return [names[c] for c in column.tolist()]


def group_words(by: str, code: str) -> str:
    """A region's or content type's name; its code in English, as the charts show it."""
    return code if get_language() == "en" else group_name(by, code)


def allocation_view(alloc: pd.DataFrame) -> Any:
    """The allocation as the Results tab shows it: the codes in words, the headings in the
    session's language, amounts to the đồng and shares as percentages."""
    frame = alloc.copy()
    for column, name in (("status", status_name), ("level", fund_name),
                         ("progress", lambda c: _(PROGRESS[c]) if c in PROGRESS else ""),
                         ("category", lambda c: group_words("category", c)),
                         ("region", lambda c: group_words("region", c))):
        if column in frame:
            frame[column] = _words(frame[column], name)
    formats: dict[str, Format] = {"cap": money, "central": money, "local": money,
                                  "total": money, "score": score, "fraction": share,
                                  "start_year": year, "disbursed": share}
    headings = {c: _(ALLOCATION[c]) for c in frame.columns if c in ALLOCATION}
    formats = {headings.get(c, c): f for c, f in formats.items()}
    frame = frame.rename(columns=headings)
    return styled(frame, {**numbers(frame), **formats})


def analysis_name(code: str) -> str:
    return _(ANALYSES[code]) if code in ANALYSES else code


def sensitivity_view(table: pd.DataFrame) -> Any:
    """A sensitivity table as the app shows it: the workbook's headings and coded values in
    words (`present.workbook.sensitivity_words`), numbers in the language's style."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.present.workbook.sensitivity_words import heading, shown_value

    columns: dict[str, Any] = {}
    for c in table.columns:
        values = [shown_value(str(c), v) for v in table[c].tolist()]
        if any(isinstance(v, str) for v in values):  # words among numbers ("no limit"): text
            values = [plain(v) for v in values]
        columns[heading(str(c))] = values
    frame = pd.DataFrame(columns)
    return styled(frame, numbers(frame))


RULES = {"content": N_("Content"), "fund": N_("Fund"), "rate": N_("Support rate"),
         "ceiling": N_("Ceiling (million VND)"), "confidence": N_("Confidence"),
         "basis": N_("Legal basis"), "note": N_("Note")}


def rules_view(rules: Any, table: pd.DataFrame) -> Any:
    """The support rates in force (`RuleSet.table`) as the Scenario tab shows them: each
    content by its legal name, the fund, the rate as a percentage, the ceiling in million VND,
    the confidence and the legal basis in words."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.cli.rules import CONFIDENCE_WORDS
    from kcopt.core.words import data_text

    english = get_language() == "en"

    def content(code: str) -> str:
        rule = rules.rules.get(code)
        return (rule.name_en if english else rule.name_vi) if rule else code

    def confidence(code: str) -> str:
        return _(CONFIDENCE_WORDS[code]) if code in CONFIDENCE_WORDS else code

    frame = pd.DataFrame({
        "content": _words(table["category"], content),
        "fund": _words(table["fund"], fund_name),
        "rate": table["rate"], "ceiling": table["ceiling"],
        "confidence": _words(table["confidence"], confidence),
        "basis": _words(table["basis"].fillna(""), data_text),
        "note": _words(table["note"].fillna(""), data_text)})
    heads = {c: _(h) for c, h in RULES.items()}  # not _(RULES["rate"]): Babel 2.14 extracts it
    frame = frame.rename(columns=heads)
    return styled(frame, {heads["rate"]: share, heads["ceiling"]: money})
